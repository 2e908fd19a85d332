/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The tool's version: the top-level VERSION file, passed by the Makefile
 * as -DBES2600_TOP_VERSION, the one place it is written down.
 */
#ifndef __BES2600_VERSION_H
#define __BES2600_VERSION_H

#ifndef BES2600_TOP_VERSION
#error "BES2600_TOP_VERSION is not defined: build through the Makefile (VERSION file)"
#endif

#endif /* __BES2600_VERSION_H */
