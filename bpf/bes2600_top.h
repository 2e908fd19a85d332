/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef __BES2600_TOP_H
#define __BES2600_TOP_H
/* vmlinux.h already defines the __u* types the shared headers use. */
#define __VMLINUX_H__
#include <bes2600/top_maps.h>
#endif
