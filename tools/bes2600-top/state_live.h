/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bes2600-top state, the kernel side's driver: loads bpf/state.bpf.c for
 * each function of the run (fentry/fexit, or kprobes), reads the calls'
 * records into the run and, in the precise mode, rotates hardware
 * watchpoints over the fields the asked functions changed.
 */
#ifndef __BES2600_STATE_LIVE_H
#define __BES2600_STATE_LIVE_H

#include <stdbool.h>
#include <stdio.h>

#include "state_table.h"

enum state_flavour { STATE_AUTO, STATE_FENTRY, STATE_KPROBE };

struct state_live_opts {
	enum state_flavour flavour;
	bool module_btf;	/* the module's BTF is the kernel's (fentry) */
	bool watch;
	int watch_ms;		/* each round of watchpoints */
	/* Fields watched the whole run (state_run_field()), the rest rotate. */
	uint32_t pinned[BES2600_STATE_MAX_WATCH];
	int npinned;
	double duration_s;	/* 0: until the command ends or a signal */
	char *const *command;	/* run while measuring, or NULL */
	bool verbose;
};

/* 0, or -1 with a message in err; progress goes to msg. */
int state_live_run(struct state_run *r, const struct state_live_opts *o,
		   FILE *msg, char *err, size_t errlen);

#endif /* __BES2600_STATE_LIVE_H */
