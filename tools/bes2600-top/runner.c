// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Command runner and stop flag (see runner.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

volatile sig_atomic_t runner_stop;

static void on_signal(int sig)
{
	(void)sig;
	runner_stop = 1;
}

static void on_child(int sig)
{
	(void)sig;
}

int runner_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/*
	 * SA_RESTART: no read (of /proc/kallsyms, of a record) is cut
	 * short; the waits for records still return early (signal(7)).
	 */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	/* SIGHUP too: a dropped ssh session still gets its report. */
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
	    sigaction(SIGHUP, &sa, NULL))
		return -1;
	/* The command's end interrupts the wait for records too. */
	sa.sa_handler = on_child;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	if (sigaction(SIGCHLD, &sa, NULL))
		return -1;
	return 0;
}

int runner_start(struct runner *r, char *const argv[], char *err,
		 size_t errlen)
{
	int pipefd[2], child_errno = 0;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	r->pid = -1;
	/* The child writes errno here if exec fails; exec closes it. */
	if (pipe2(pipefd, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot run %s: %s", argv[0],
			 strerror(errno));
		return -1;
	}
	r->pid = fork();
	if (r->pid < 0) {
		snprintf(err, errlen, "cannot run %s: %s", argv[0],
			 strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (!r->pid) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		close(pipefd[0]);
		execvp(argv[0], argv);
		child_errno = errno;
		if (write(pipefd[1], &child_errno, sizeof(child_errno)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pipefd[1]);
	do {
		n = read(pipefd[0], &child_errno, sizeof(child_errno));
	} while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == sizeof(child_errno)) {
		waitpid(r->pid, &r->status, 0);
		snprintf(err, errlen, "cannot run %s: %s", argv[0],
			 strerror(child_errno));
		r->pid = -1;
		return -1;
	}
	r->running = true;
	return 0;
}

bool runner_done(struct runner *r)
{
	pid_t p;

	if (!r->running)
		return true;
	p = waitpid(r->pid, &r->status, WNOHANG);
	if (p == r->pid || (p < 0 && errno == ECHILD))
		r->running = false;
	return !r->running;
}

void runner_end(struct runner *r, int timeout_ms)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int waited;

	if (runner_done(r))
		return;
	kill(r->pid, SIGTERM);
	for (waited = 0; waited < timeout_ms; waited += 10) {
		if (runner_done(r))
			return;
		nanosleep(&ts, NULL);
	}
	kill(r->pid, SIGKILL);
	while (waitpid(r->pid, &r->status, 0) < 0 && errno == EINTR)
		;
	r->running = false;
}

int runner_exit_code(const struct runner *r)
{
	if (r->pid <= 0 || r->running)
		return -1;
	if (WIFEXITED(r->status))
		return WEXITSTATUS(r->status);
	if (WIFSIGNALED(r->status))
		return 128 + WTERMSIG(r->status);
	return -1;
}
