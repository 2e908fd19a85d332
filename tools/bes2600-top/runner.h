/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The command an audit runs (-- COMMAND [ARGS...]) and the stop flag that
 * SIGINT, SIGTERM and SIGHUP set for the audit, state and the dashboard.  The command inherits the terminal and
 * the process group, so Ctrl-C reaches it as well as the tool.
 */
#ifndef __BES2600_RUNNER_H
#define __BES2600_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Set by SIGINT, SIGTERM or SIGHUP once runner_signals() installed it. */
extern volatile sig_atomic_t runner_stop;

/*
 * Installs the handler, with SA_RESTART: reads are not cut short, and
 * poll, epoll_wait and sleeps still return early (signal(7)).
 */
int runner_signals(void);

struct runner {
	pid_t pid;
	bool running;
	int status;		/* wait status once it exited */
};

/*
 * Starts argv[0] (searched in PATH).  A failed exec is reported here, not
 * as exit status 127: 0, or -1 with the reason in err.
 */
int runner_start(struct runner *r, char *const argv[], char *err,
		 size_t errlen);
/* Without blocking: true once the command has exited. */
bool runner_done(struct runner *r);
/* SIGTERM, up to timeout_ms for it to exit, then SIGKILL; reaps it. */
void runner_end(struct runner *r, int timeout_ms);
/* Like a shell's $?: the exit code, or 128 + the signal; -1 if not run. */
int runner_exit_code(const struct runner *r);

#endif /* __BES2600_RUNNER_H */
