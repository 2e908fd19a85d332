// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bes2600-top audit: options, then one run (live through live.c, or a
 * replay of a record file), then the report, the JSON, the baseline
 * deltas.  Every output is opened before the run starts, so a typo in a
 * path costs nothing but a one-line error.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "analysis.h"
#include "audit.h"
#include "baseline.h"
#include "cli.h"
#include "compare.h"
#include "delta.h"
#include "html.h"
#include "json.h"
#include "outfile.h"
#include "perfetto.h"
#include "record.h"
#include "report.h"
#include "suppress.h"
#include "symbols.h"

#define PROG "bes2600-top audit"

enum {
	OPT_STACKS = 0x100,
	OPT_SUPPRESS,
	OPT_BASELINE,
	OPT_RECORD,
	OPT_REPLAY,
	OPT_WINDOW,
	OPT_CAPACITY,
	OPT_KALLSYMS,
	OPT_DRIVER,
	OPT_DELTA_TABLE,
	OPT_PERFETTO,
	OPT_HTML,
	OPT_USAGE,
};

static const char doc[] =
"Audit the bes2600 counters for races while a command (or -d SECONDS) runs.\n"
"\n"
"Finds non-atomic-cross-context writes, lost updates, underflow, overflow\n"
"and drift (errors), and stale pending-timer decisions (check-then-act,\n"
"a warning).  Exit status: 0 no error finding, 1 at least one, 2 the\n"
"audit could not run.\n"
"\n"
"EXAMPLES:\n"
"    bes2600-top audit -- nc -q1 10.0.0.2 5000 < big.bin\n"
"    bes2600-top audit -d 30 -o report.json --record run.rec\n"
"    bes2600-top audit --replay run.rec --baseline base.json\n"
"    bes2600-top audit -d 30 --baseline b1.json --baseline b2.json --delta-table t.md";

static const struct argp_option options[] = {
	{ "duration", 'd', "SECONDS", 0, "Audit for SECONDS (default: until COMMAND exits or Ctrl-C)", 0 },
	{ "output", 'o', "REPORT.json", 0, "Also write the report as JSON (docs/audit-json.md)", 0 },
	{ "stacks", OPT_STACKS, NULL, 0, "Record kernel stacks for the example of each finding", 0 },
	{ "suppress", OPT_SUPPRESS, "FILE", 0, "Suppressions: class:pattern lines", 0 },
	{ "baseline", OPT_BASELINE, "REPORT.json", 0, "Deltas and the delta table against an earlier JSON report (repeat for N runs)", 0 },
	{ "record", OPT_RECORD, "FILE", 0, "Save the raw event stream (docs/record-format.md)", 0 },
	{ "replay", OPT_REPLAY, "FILE", 0, "Analyse a saved stream instead of the kernel", 0 },
	{ "window", OPT_WINDOW, "MS", 0, "Reorder window in ms (default 50, or the record's)", 0 },
	{ "capacity", OPT_CAPACITY, "N", 0, "hw_bufs_used's bound for overflow (default: the driver's, from its events)", 0 },
	{ "kallsyms", OPT_KALLSYMS, "FILE", 0, "Symbols from FILE instead of /proc/kallsyms", 0 },
	{ "driver", OPT_DRIVER, "MODULE", 0, "Audit MODULE when several define bes2600 events", 0 },
	{ "delta-table", OPT_DELTA_TABLE, "FILE.md", 0, "Write the shared-state delta table as Markdown", 0 },
	{ "perfetto", OPT_PERFETTO, "FILE", 0, "Also write a Perfetto trace of the run (ui.perfetto.dev; docs/perfetto.md)", 0 },
	{ "html", OPT_HTML, "FILE.html", 0, "Also write a self-contained HTML report with timelines", 0 },
	{ "verbose", 'v', NULL, 0, "Also list suppressed findings and libbpf's messages", 0 },
	{ "version", 'V', NULL, 0, "Show the version", -1 },
	{ "help", 'h', NULL, 0, "Show this help", -1 },
	{ "usage", OPT_USAGE, NULL, 0, "Show a short usage message", -1 },
	{},
};

struct parse_ctx {
	struct audit_opts *o;
	FILE *err;
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	struct parse_ctx *pc = state->input;
	struct audit_opts *o = pc->o;
	double v;
	long n;

	if (cli_help_key(state, key, OPT_USAGE, &o->help))
		return 0;
	switch (key) {
	case ARGP_KEY_INIT:
		state->err_stream = pc->err;
		break;
	case 'd':
		if (cli_number(pc->err, PROG, "-d", arg, 0.001, 31536000, &v))
			return EINVAL;
		o->duration_s = v;
		break;
	case 'o':
		o->json_path = arg;
		break;
	case OPT_STACKS:
		o->stacks = true;
		break;
	case OPT_SUPPRESS:
		o->suppress_path = arg;
		break;
	case OPT_BASELINE:
		if (o->nbaselines == AUDIT_MAX_BASELINES) {
			cli_warn(pc->err, PROG, "bad arguments: at most %d --baseline reports",
			     AUDIT_MAX_BASELINES);
			return EINVAL;
		}
		o->baseline_path[o->nbaselines++] = arg;
		break;
	case OPT_RECORD:
		o->record_path = arg;
		break;
	case OPT_REPLAY:
		o->replay_path = arg;
		break;
	case OPT_WINDOW:
		if (cli_number(pc->err, PROG, "--window", arg, 0.001, 10000, &v))
			return EINVAL;
		o->window_ns = v * 1e6;
		o->window_set = true;
		break;
	case OPT_CAPACITY:
		if (cli_integer(pc->err, PROG, "--capacity", arg, 0, 1 << 20, &n))
			return EINVAL;
		o->capacity = n;
		o->capacity_set = true;
		break;
	case OPT_KALLSYMS:
		o->kallsyms_path = arg;
		break;
	case OPT_DRIVER:
		o->driver = arg;
		break;
	case OPT_DELTA_TABLE:
		o->delta_path = arg;
		break;
	case OPT_PERFETTO:
		o->perfetto_path = arg;
		break;
	case OPT_HTML:
		o->html_path = arg;
		break;
	case 'v':
		o->verbose = true;
		break;
	case ARGP_KEY_ARGS:
		o->command = state->argv + state->next;
		state->next = state->argc;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/*
 * An output that is an input, or another output, would destroy it: refuse
 * before anything is opened for writing.  Files are compared by device
 * and inode (path_same_file), so ./x and x, or a link, are one file.
 */
static int check_paths(FILE *err, const struct audit_opts *o)
{
	const char *out[5] = {
		o->json_path, o->delta_path, o->record_path, o->perfetto_path,
		o->html_path,
	};
	static const char *const out_opt[5] = {
		"-o", "--delta-table", "--record", "--perfetto", "--html",
	};
	const char *in[3 + AUDIT_MAX_BASELINES] = {
		o->replay_path, o->suppress_path, o->kallsyms_path,
	};
	const char *in_opt[3 + AUDIT_MAX_BASELINES] = {
		"--replay", "--suppress", "--kallsyms",
	};
	size_t i, k, nin = 3;

	for (i = 0; i < o->nbaselines; i++) {
		in[nin] = o->baseline_path[i];
		in_opt[nin++] = "--baseline";
	}
	for (i = 0; i < 5; i++) {
		if (!out[i])
			continue;
		for (k = i + 1; k < 5; k++)
			if (out[k] && (path_same_file(out[i], out[k]) ||
				       (!strcmp(out[i], "-") && !strcmp(out[k], "-")))) {
				cli_warn(err, PROG, "bad arguments: %s and %s name the same file (%s)",
				     out_opt[i], out_opt[k], out[i]);
				return -1;
			}
		for (k = 0; k < nin; k++)
			if (in[k] && path_same_file(out[i], in[k])) {
				cli_warn(err, PROG, "bad arguments: %s %s is the %s input: it would be overwritten",
				     out_opt[i], out[i], in_opt[k]);
				return -1;
			}
	}
	return 0;
}

static int check_options(FILE *err, const struct audit_opts *o)
{
	if (o->replay_path && o->command) {
		cli_warn(err, PROG, "bad arguments: --replay analyses a saved stream; it runs no command");
		return -1;
	}
	if (o->replay_path && o->duration_s > 0) {
		cli_warn(err, PROG, "bad arguments: -d applies to a live audit, not to --replay");
		return -1;
	}
	if (o->replay_path && o->stacks) {
		cli_warn(err, PROG, "bad arguments: --stacks applies to a live audit; a replay shows the stacks its record holds");
		return -1;
	}
	return check_paths(err, o);
}

/* Weak: a build without live.c can still --replay. */
__attribute__((weak)) int live_audit_run(struct audit_run *run)
{
	snprintf(run->reason, sizeof(run->reason),
		 "this build of bes2600-top has no live support: use --replay FILE");
	return -1;
}

static void fill_meta(struct report_meta *m, const struct audit_run *run,
		      const struct audit_opts *o, char *cmd, size_t cmdlen)
{
	size_t i, len = 0;

	memset(m, 0, sizeof(*m));
	m->source = o->replay_path ? "replay" : "live";
	m->file = o->replay_path ? o->replay_path : o->record_path;
	m->release = run->release;
	m->machine = run->machine;
	if (run->driver[0])
		m->driver = run->driver;
	if (run->attach_mode[0])
		m->attach_mode = run->attach_mode;
	m->start_realtime_ns = run->start_realtime_ns;
	m->window_ns = run->an->cfg.window_ns;
	m->capacity = run->an->cfg.capacity;
	if (run->have_events)
		m->events = &run->events;
	m->command_status = -1;
	m->verbose = o->verbose;
	m->syms_restricted = symtab_restricted(run->syms);
	if (o->command) {
		cmd[0] = '\0';
		for (i = 0; o->command[i] && len + 1 < cmdlen; i++)
			len += snprintf(cmd + len, cmdlen - len, "%s%s",
					i ? " " : "", o->command[i]);
		m->command = cmd;
		m->command_status = runner_exit_code(&run->cmd);
	}
}

/* The current report as a JSON tree, to compare with the baseline. */
static struct json *current_json(const struct analysis *a,
				 struct symtab *syms,
				 const struct report_meta *m)
{
	char *text = NULL, why[128];
	struct json *j = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	report_json(f, a, syms, m);
	if (!fclose(f))
		j = json_parse(text, len, why, sizeof(why));
	free(text);
	return j;
}

static int run_live(struct audit_run *run, const struct audit_opts *o,
		    FILE *err)
{
	uint32_t mods = symtab_modules_stamp();
	struct utsname u;
	struct timespec rt;

	/* First: a signal during the start-up's seconds is a stop too. */
	if (runner_signals()) {
		snprintf(run->reason, sizeof(run->reason),
			 "cannot install signal handlers: %s", strerror(errno));
		return -1;
	}
	symtab_set_cancel(run->syms, run->stop);
	if (!o->kallsyms_path &&
	    symtab_load_kallsyms(run->syms, "/proc/kallsyms") < 0 &&
	    o->verbose && !*run->stop)
		cli_warn(err, PROG, "cannot read /proc/kallsyms: %s: call sites stay addresses",
		     strerror(errno));
	if (!uname(&u)) {
		/* Truncation is fine: the names are for the reader. */
		snprintf(run->release, sizeof(run->release), "%.63s",
			 u.release);
		snprintf(run->machine, sizeof(run->machine), "%.31s",
			 u.machine);
	}
	clock_gettime(CLOCK_REALTIME, &rt);
	run->start_realtime_ns = (uint64_t)rt.tv_sec * 1000000000ULL +
				 rt.tv_nsec;
	run->start_ns = audit_now_ns();
	/* The BPF side counts; the records carry what the analysis needs. */
	if (audit_make_analysis(run, o->window_ns, o->capacity,
				REC_F_COUNTS | (o->stacks ? REC_F_STACKS : 0)))
		return -1;
	if (live_audit_run(run)) {
		if (!run->reason[0])
			snprintf(run->reason, sizeof(run->reason),
				 "the live audit failed");
		return -1;
	}
	if (!run->end_ns)
		run->end_ns = audit_now_ns();
	/* A module loaded meanwhile (a writer's?) is named from a new table. */
	if (!o->kallsyms_path && symtab_modules_stamp() != mods) {
		struct symtab *fresh = symtab_new();

		if (fresh && symtab_load_kallsyms(fresh, "/proc/kallsyms") >= 0) {
			symtab_free(run->syms);
			run->syms = fresh;
		} else {
			symtab_free(fresh);
		}
	}
	return 0;
}

/* --perfetto and --html, from the stream the analysis read. */
static int timelines(const struct audit_opts *o, struct audit_run *run,
		     const struct report_meta *m, char *why, size_t len)
{
	const char *rec = o->replay_path ? o->replay_path : o->record_path;

	if (o->perfetto_path &&
	    perfetto_write(o->perfetto_path, rec, run->an, run->syms, NULL,
			   why, len))
		return -1;
	if (o->html_path &&
	    html_write(o->html_path, rec, run->an, run->syms, m, why, len))
		return -1;
	return 0;
}

int audit_cli(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct argp argp = {
		.options = options, .parser = parse_arg,
		.args_doc = "[-- COMMAND [ARGS...]]", .doc = doc,
	};
	struct audit_opts o = {
		.window_ns = AN_DEFAULT_WINDOW_NS,
	};
	struct parse_ctx pc = { .o = &o, .err = err };
	struct audit_run run = { .opts = &o, .stop = &runner_stop };
	struct suppressions sup = { 0 };
	struct json *base[AUDIT_MAX_BASELINES] = { NULL }, *cur = NULL;
	struct delta_table dt = { 0 };
	struct report_meta meta;
	char cmd[512], why[256];
	char *prog = argv[0];
	struct outfile json = { 0 }, md = { 0 };
	char tmp_rec[] = "/tmp/bes2600-top-XXXXXX.rec";
	bool own_rec = false;
	int ret = AUDIT_FAILED;
	size_t i;

	argv[0] = PROG;
	if (argp_parse(&argp, argc, argv, ARGP_NO_EXIT | ARGP_NO_HELP |
		       ARGP_IN_ORDER, NULL, &pc)) {
		argv[0] = prog;
		return AUDIT_FAILED;
	}
	argv[0] = prog;
	if (o.help)
		return AUDIT_CLEAN;
	if (check_options(err, &o))
		return AUDIT_FAILED;
	runner_stop = 0;
	/* "-o -": the JSON alone on stdout, the text report on stderr. */
	if ((o.json_path && !strcmp(o.json_path, "-")) ||
	    (o.delta_path && !strcmp(o.delta_path, "-")) ||
	    (o.record_path && !strcmp(o.record_path, "-")))
		out = err;

	/*
	 * The timelines are drawn from the stream once the analysis is done:
	 * a live audit without --record keeps it in a file of its own.
	 */
	if ((o.perfetto_path || o.html_path) && !o.replay_path &&
	    !o.record_path) {
		int fd = mkstemps(tmp_rec, 4);

		if (fd < 0) {
			cli_warn(err, PROG, "cannot create %s: %s", tmp_rec,
			     strerror(errno));
			return AUDIT_FAILED;
		}
		close(fd);
		own_rec = true;
		o.record_path = tmp_rec;
	}
	/*
	 * Outputs first: fail before a long run, not after it.  Each is a
	 * temporary file until the report is complete (outfile.h).
	 */
	if (o.json_path && outfile_open(&json, o.json_path, false, why,
					sizeof(why))) {
		cli_warn(err, PROG, "%s", why);
		return AUDIT_FAILED;
	}
	if (o.suppress_path &&
	    suppress_load(&sup, o.suppress_path, why, sizeof(why))) {
		cli_warn(err, PROG, "%s", why);
		goto cleanup;
	}
	if (o.delta_path && outfile_open(&md, o.delta_path, false, why,
					 sizeof(why))) {
		cli_warn(err, PROG, "%s", why);
		goto cleanup;
	}
	for (i = 0; i < o.nbaselines; i++) {
		base[i] = baseline_load(o.baseline_path[i], why, sizeof(why));
		if (!base[i]) {
			cli_warn(err, PROG, "%s", why);
			goto cleanup;
		}
	}
	run.syms = symtab_new();
	if (!run.syms) {
		cli_warn(err, PROG, "out of memory");
		goto cleanup;
	}
	if (o.kallsyms_path &&
	    symtab_load_kallsyms(run.syms, o.kallsyms_path) < 0) {
		cli_warn(err, PROG, "cannot read symbols from %s: %s", o.kallsyms_path,
		     strerror(errno));
		goto cleanup;
	}

	if (o.replay_path ? audit_replay(&run, o.replay_path) :
			    run_live(&run, &o, err)) {
		cli_warn(err, PROG, "%s", run.reason);
		goto cleanup;
	}
	analysis_finish(run.an, run.end_ns);
	if (run.an->oom || run.an->limit[0]) {
		cli_warn(err, PROG, "%s", run.an->limit[0] ? run.an->limit :
		     "out of memory");
		goto cleanup;
	}
	if (audit_close_record(&run)) {
		cli_warn(err, PROG, "%s", run.reason);
		goto cleanup;
	}
	suppress_apply(&sup, run.an, run.syms);

	fill_meta(&meta, &run, &o, cmd, sizeof(cmd));
	/* The delta table reads this run as it reads the baselines: as JSON. */
	cur = current_json(run.an, run.syms, &meta);
	if (!cur || delta_build(&dt, cur, (const struct json *const *)base,
				o.nbaselines, o.baseline_path[0])) {
		cli_warn(err, PROG, "out of memory");
		goto cleanup;
	}
	meta.delta = &dt;
	report_text(out, run.an, run.syms, &meta);
	if (o.verbose && sup.n)
		suppress_print(out, &sup);
	if (o.nbaselines == 1) {
		baseline_print(out, o.baseline_path[0], base[0], cur);
	} else if (o.nbaselines > 1) {
		const struct json *now[1] = { cur };
		const char *now_name[1] = { "this run" };
		struct cmp_side a = {
			.label = "baseline", .runs = (const struct json **)base,
			.names = o.baseline_path, .n = o.nbaselines,
		};
		struct cmp_side b = {
			.label = "now", .runs = now, .names = now_name, .n = 1,
		};

		compare_print(out, &a, &b);
	}
	if (json.f) {
		report_json(json.f, run.an, run.syms, &meta);
		if (outfile_commit(&json, why, sizeof(why))) {
			cli_warn(err, PROG, "%s", why);
			goto cleanup;
		}
	}
	if (md.f) {
		delta_print_md(md.f, &dt);
		if (outfile_commit(&md, why, sizeof(why))) {
			cli_warn(err, PROG, "%s", why);
			goto cleanup;
		}
	}
	if (timelines(&o, &run, &meta, why, sizeof(why))) {
		cli_warn(err, PROG, "%s", why);
		goto cleanup;
	}
	fflush(out);
	ret = analysis_errors(run.an) ? AUDIT_FINDINGS : AUDIT_CLEAN;
cleanup:
	if (own_rec)
		unlink(tmp_rec);
	/* No half-written report for a script to trust; the target stays. */
	outfile_abort(&json);
	outfile_abort(&md);
	if (run.rec)
		recorder_discard(run.rec);
	if (run.cmd_started)
		runner_end(&run.cmd, 2000);
	analysis_free(run.an);
	symtab_free(run.syms);
	suppress_free(&sup);
	for (i = 0; i < o.nbaselines; i++)
		json_free(base[i]);
	json_free(cur);
	delta_free(&dt);
	return ret;
}

int audit_main(int argc, char **argv)
{
	return audit_cli(argc, argv, stdout, stderr);
}
