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

/*
 * The records each CPU lost after its last sent one: a gap on that CPU
 * from its last record on, not from the stream's last (another CPU's).
 */
static void drop_tails(struct audit_run *run, struct bpf_session *s)
{
	uint64_t lost[1024];
	int i, n = bpf_session_lost_tail(s, lost, 1024);

	for (i = 0; i < n; i++)
		if (lost[i])
			audit_drop_tail(run, i, lost[i]);
}

/* Every instance the BPF side counted, and each chip's sdio_rx_work. */
static int take_counts(struct audit_run *run, struct bpf_session *s)
{
	const struct bes2600_inst_stats *st;
	uint32_t c;
	uint64_t hw;
	int slot, idx;

	for (slot = 0; slot < BES2600_MAX_HW; slot++) {
		hw = bpf_session_hw(s, slot);
		if (!hw)
			continue;
		for (c = 0; c < BES2600_NR_COUNTERS; c++)
			for (idx = 0; idx < BES2600_MAX_IDX; idx++) {
				st = bpf_session_inst(s,
					bes2600_inst_index(slot, c, idx));
				if ((st->writes || st->timer_decisions) &&
				    audit_take_counts(run, hw, c, idx, st))
					return -1;
			}
		if (audit_take_rx(run, hw, bpf_session_rx(s, slot)))
			return -1;
	}
	return 0;
}

int live_audit_run(struct audit_run *run)
{
	struct bpf_session_opts so = {
		.stream = true,
		.stream_all = run->opts->perfetto_path || run->opts->html_path,
		.stacks = run->opts->stacks,
		.verbose = run->opts->verbose,
		.driver = run->opts->driver,
		.capacity = run->opts->capacity,
		.on_event = audit_on_event,
		.ctx = run,
	};
	struct bpf_session_error err = { 0 };
	struct drv_paths paths = { .cancel = run->stop };
	struct driver_events ev;
	struct bpf_session *s = NULL;
	int ret = 0;

	/* Start-up takes seconds under load: a signal need not wait for it. */
	if (!*run->stop &&
	    driver_events_probe(&ev, run->opts->driver, &paths, run->reason,
				sizeof(run->reason)) && !*run->stop)
		return -1;
	if (!*run->stop) {
		so.events = &ev;
		so.cancel = run->stop;
		s = bpf_session_open(&so, &err);
	}
	if (!s && *run->stop) {
		snprintf(run->reason, sizeof(run->reason),
			 "stopped by a signal before the audit attached");
		return -1;
	}
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
		 * end) cut the wait short; -d ends it on time.  Each poll
		 * stamps the clock the writer rows' times come from.
		 */
		if (bpf_session_poll(s, audit_wait_ms(run, 100), 0) < 0 &&
		    !*run->stop) {
			snprintf(run->reason, sizeof(run->reason),
				 "reading the ring buffer failed");
			break;
		}
	}
	/*
	 * What was stamped before the end still belongs to the audit; the
	 * counts are taken once nothing adds to them.
	 */
	bpf_session_detach(s);
	if (!run->reason[0])
		bpf_session_poll(s, 0, 0);
	if (!run->reason[0])
		take_counts(run, s);
	drop_tails(run, s);
	audit_end(run, bpf_session_lost(s), get_stack, s);
	bpf_session_close(s);
	if (run->reason[0])
		ret = -1;
	return ret;
}
