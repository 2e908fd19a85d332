/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bes2600-top state: the shared-state table of an unmodified driver, from
 * its BTF and a snapshot diff per call (docs/state.md).
 */
#ifndef __BES2600_STATE_H
#define __BES2600_STATE_H

int state_main(int argc, char **argv);

#endif /* __BES2600_STATE_H */
