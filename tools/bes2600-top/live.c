// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The live audit: attach the BPF programs, stream records into the
 * analysis while the command (or -d) runs, then detach.  The contract
 * with audit.c is in live.h.
 */
#include <stdio.h>
#include <string.h>

#include "bpf_session.h"
#include "live.h"

static int get_stack(void *ctx, int32_t id, uint64_t *ips, int max)
{
	return bpf_session_stack(ctx, id, ips, max);
}

int live_audit_run(struct audit_run *run)
{
	struct bpf_session_opts so = {
		.stream = true,
		.stacks = run->opts->stacks,
		.verbose = run->opts->verbose,
		.driver = run->opts->driver,
		.capacity = run->opts->capacity,
		.on_event = audit_on_event,
		.ctx = run,
	};
	struct bpf_session_error err = { 0 };
	struct bpf_session *s;
	int ret = 0;

	s = bpf_session_open(&so, &err);
	if (!s) {
		snprintf(run->reason, sizeof(run->reason), "%s", err.msg);
		return -1;
	}
	snprintf(run->driver, sizeof(run->driver), "%s",
		 bpf_session_driver(s));
	snprintf(run->attach_mode, sizeof(run->attach_mode), "%s",
		 bpf_session_attach_mode(s));
	run->events = *bpf_session_events(s);
	run->have_events = true;
	if (run->opts->verbose) {
		fprintf(stderr,
			"bes2600-top audit: attached to %s with %s programs (the module stays busy until the audit ends); its events:\n",
			run->driver, run->attach_mode);
		driver_events_print(stderr, &run->events, "  ", false);
	}

	if (audit_start_command(run)) {
		bpf_session_close(s);
		return -1;
	}
	while (audit_running(run)) {
		/*
		 * Records wake it in batches; signals (Ctrl-C, the command's
		 * end) cut the wait short; -d ends it on time.
		 */
		if (bpf_session_poll(s, audit_wait_ms(run, 1000)) < 0 &&
		    !*run->stop) {
			snprintf(run->reason, sizeof(run->reason),
				 "reading the ring buffer failed");
			break;
		}
	}
	/* What was stamped before the end still belongs to the audit. */
	if (!run->reason[0])
		bpf_session_poll(s, 0);
	audit_end(run, bpf_session_lost(s), get_stack, s);
	bpf_session_close(s);
	if (run->reason[0])
		ret = -1;
	return ret;
}
