/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The live path of bes2600-top audit: the contract between audit.c (the
 * CLI, analysis, record file, report) and live.c (BPF: attach, stream).
 *
 * audit.c parses the options, checks that every output is writable, loads
 * /proc/kallsyms, creates the analysis and the recorder, installs the
 * SIGINT/SIGTERM flag and sets start_ns; then it calls live_audit_run().
 * When that returns 0 it finishes the analysis, writes the record's
 * stacks, symbols and end chunk, and prints the report.
 *
 * live_audit_run() must:
 *  1. open the BPF session streaming records (stacks when
 *     run->opts->stacks, libbpf's messages when run->opts->verbose), with
 *     audit_on_event() and run as its record callback; fill driver[] and
 *     attach_mode[]; on failure put a one-line reason (no driver, no
 *     privileges, no BTF, ...) in reason[] and return -1 (exit status 2).
 *     Mention in it that an attached tool holds the module (rmmod: EBUSY).
 *  2. call audit_start_command(run) once attached (it runs -- COMMAND, if
 *     any); on -1, close the session and return -1 (reason is set).
 *  3. poll the ring buffer (100 ms timeout) while audit_running(run): it
 *     turns false on Ctrl-C/SIGTERM, when -d elapsed, when the command
 *     exited, or when a record could not be handled (reason is set).
 *  4. detach, drain the ring once more, hand every counted instance to
 *     audit_take_counts() and each chip's sdio_rx_work figures to
 *     audit_take_rx() (they feed the analysis and the record), each
 *     CPU's records lost after its last sent one to audit_drop_tail(),
 *     then call
 *     audit_end(run, lost_total,
 *     get_stack, ctx) with the total of records the BPF side failed to
 *     send (bpf_session_lost()) and a function reading one stack id
 *     (bpf_session_stack()); it accounts the drops no record reported,
 *     fetches the stacks the records named, stops the command, sets
 *     end_ns.
 *  5. close the session (detach) and return 0, or -1 if run->reason[0]
 *     was set by a failed record (e.g. the record file's disk is full).
 */
#ifndef __BES2600_LIVE_H
#define __BES2600_LIVE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <bes2600/top_maps.h>

#include "driver_events.h"
#include "runner.h"

struct analysis;
struct recorder;
struct symtab;

struct audit_opts {
	double duration_s;	/* -d: 0 = until the command exits or Ctrl-C */
	bool stacks;		/* --stacks: kernel stack ids in records */
	bool verbose;		/* -v */
	uint64_t window_ns;	/* --window, in ns */
	bool window_set;
	int32_t capacity;	/* --capacity (numInpChBufs); 0 unknown */
	bool capacity_set;
	const char *json_path;	/* -o */
	const char *suppress_path;
#define AUDIT_MAX_BASELINES 16
	const char *baseline_path[AUDIT_MAX_BASELINES];	/* --baseline, each */
	size_t nbaselines;
	const char *record_path;
	const char *replay_path;
	const char *delta_path;	/* --delta-table FILE.md */
	/* --perfetto, --html: timelines, from every write (streamed all) */
	const char *perfetto_path;
	const char *html_path;
	const char *kallsyms_path;
	const char *driver;	/* --driver: the module to audit */
	char **command;		/* after --, NULL-terminated; NULL if none */
	bool help;
};

struct audit_run {
	const struct audit_opts *opts;
	struct analysis *an;
	struct recorder *rec;		/* NULL without --record */
	struct symtab *syms;
	volatile sig_atomic_t *stop;	/* SIGINT/SIGTERM */
	struct runner cmd;		/* -- COMMAND, run by audit_start_command */
	bool cmd_started;
	uint64_t start_ns;		/* CLOCK_MONOTONIC: bpf_ktime_get_ns()'s */
	uint64_t end_ns;		/* set by audit_end() */
	uint64_t start_realtime_ns;
	uint64_t fed;			/* records handed to audit_on_event() */
	char release[64];		/* kernel the stream was recorded on */
	char machine[32];
	char driver[64];		/* live.c: module defining the events */
	char attach_mode[16];		/* live.c: "tp_btf" or "raw_tp" */
	struct driver_events events;	/* live.c: what the driver has */
	bool have_events;
	char reason[256];		/* why the audit could not run */
};

/* Implemented in live.c; a build without it can only --replay. */
int live_audit_run(struct audit_run *run);

/* For live.c: the ring buffer record callback (ctx is the run). */
void audit_on_event(void *run, const struct bes2600_event *e);
/* The BPF side's counts, at the end: 0, or -1 with reason set. */
int audit_take_counts(struct audit_run *run, uint64_t hw, uint32_t counter,
		      int32_t idx, const struct bes2600_inst_stats *st);
int audit_take_rx(struct audit_run *run, uint64_t hw,
		  const struct bes2600_rx_stats *st);
/* Records cpu lost after its last sent one: a gap from that one on. */
void audit_drop_tail(struct audit_run *run, uint32_t cpu, uint64_t lost);
/* Starts -- COMMAND if one was given: 0, or -1 with reason set. */
int audit_start_command(struct audit_run *run);
/* False once the audit should end (see above). */
bool audit_running(struct audit_run *run);
/* How long to wait for records: max_ms, or less when -d ends sooner. */
int audit_wait_ms(const struct audit_run *run, int max_ms);
typedef int (*audit_stack_fn)(void *ctx, int32_t id, uint64_t *ips, int max);
void audit_end(struct audit_run *run, uint64_t lost_total,
	       audit_stack_fn get_stack, void *ctx);
uint64_t audit_now_ns(void);

#endif /* __BES2600_LIVE_H */
