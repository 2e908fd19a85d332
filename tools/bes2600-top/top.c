// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bes2600-top (top): the live dashboard, full screen or batch.  The same
 * BPF programs and analysis as the audit; the model (dash.c) turns them
 * into per-interval figures.  Waits for the driver, detaches on request
 * so rmmod can proceed, re-attaches on the next load, and keeps the last
 * seconds of records for the flight recorder.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "analysis.h"
#include "bpf_session.h"
#include "cli.h"
#include "dash.h"
#include "dash_ui.h"
#include "driver_events.h"
#include "flight.h"
#include "runner.h"
#include "symbols.h"
#include "top.h"

#define PROG "bes2600-top"

/* The stop flag is runner_stop (runner.h), set as the audit's and state's. */
static volatile sig_atomic_t want_dump, want_detach;

static void on_usr1(int sig)
{
	(void)sig;
	want_dump = 1;
}

static void on_usr2(int sig)
{
	(void)sig;
	want_detach = 1;
}

struct top_opts {
	double interval_s;
	bool batch;
	long count;
	enum dash_format fmt;
	double flight_s;
	const char *flight_dir;
	const char *driver;
	int capacity;		/* --capacity, 0: the driver's */
	bool verbose;
	bool help;
};

enum {
	OPT_CSV = 0x100, OPT_JSONL, OPT_FLIGHT, OPT_FLIGHT_DIR, OPT_DRIVER,
	OPT_CAPACITY, OPT_USAGE,
};

static const struct argp_option options[] = {
	{ "delay", 'd', "SECONDS", 0, "Refresh interval (default 1)", 0 },
	{ "batch", 'b', NULL, 0, "Batch mode: one line per interval (default when stdout is not a terminal)", 0 },
	{ "iterations", 'n', "COUNT", 0, "Stop after COUNT intervals, attached or waiting", 0 },
	{ "csv", OPT_CSV, NULL, 0, "Batch mode, CSV (one row per counter per interval)", 0 },
	{ "jsonl", OPT_JSONL, NULL, 0, "Batch mode, one JSON object per interval", 0 },
	{ "flight", OPT_FLIGHT, "SECONDS", 0, "Flight recorder span (default 10; 0: off)", 0 },
	{ "flight-dir", OPT_FLIGHT_DIR, "DIR", 0, "Where flight records go (default: the current directory)", 0 },
	{ "driver", OPT_DRIVER, "MODULE", 0, "The module to watch when several define bes2600 events", 0 },
	{ "capacity", OPT_CAPACITY, "N", 0, "hw_bufs_used bound (default: what the driver's events carry)", 0 },
	{ "verbose", 'v', NULL, 0, "libbpf's messages", 0 },
	{ "version", 'V', NULL, 0, "Show the version", -1 },
	{ "help", 'h', NULL, 0, "Show this help", -1 },
	{ "usage", OPT_USAGE, NULL, 0, "Show a short usage message", -1 },
	{},
};

static const char doc[] =
"Live dashboard of the bes2600 host-interface counters.\n"
"\n"
"Full screen on a terminal (80x24 or larger; '?' lists the keys), one line\n"
"per interval otherwise (-b, --csv, --jsonl).  Waits for the driver to be\n"
"loaded.  While attached it holds the module: press 'd' or send SIGUSR2\n"
"before rmmod; it re-attaches on the next load.  The flight recorder\n"
"writes the last --flight seconds of records on the first error finding,\n"
"on 'w' and on SIGUSR1, for 'bes2600-top audit --replay'.\n"
"\n"
"Other commands: 'bes2600-top audit' (a one-shot race audit),\n"
"'bes2600-top compare' (runs of two phases) and 'bes2600-top state' (the\n"
"fields a function mutates); 'bes2600-top COMMAND --help'\n"
"gives a command's options, man bes2600-top all of them.";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	struct top_opts *o = state->input;
	double v;
	long n;

	if (cli_help_key(state, key, OPT_USAGE, &o->help))
		return 0;
	switch (key) {
	case 'd':
		if (cli_number(stderr, PROG, "-d", arg, 0.1, 3600, &v))
			return EINVAL;
		o->interval_s = v;
		break;
	case 'b':
		o->batch = true;
		break;
	case 'n':
		if (cli_integer(stderr, PROG, "-n", arg, 1, 1000000000, &n))
			return EINVAL;
		o->count = n;
		break;
	case OPT_CSV:
		o->fmt = DASH_CSV;
		o->batch = true;
		break;
	case OPT_JSONL:
		o->fmt = DASH_JSONL;
		o->batch = true;
		break;
	case OPT_FLIGHT:
		if (cli_number(stderr, PROG, "--flight", arg, 0, 600, &v))
			return EINVAL;
		o->flight_s = v;
		break;
	case OPT_FLIGHT_DIR:
		o->flight_dir = arg;
		break;
	case OPT_DRIVER:
		o->driver = arg;
		break;
	case OPT_CAPACITY:
		if (cli_integer(stderr, PROG, "--capacity", arg, 1, 1 << 20, &n))
			return EINVAL;
		o->capacity = n;
		break;
	case 'v':
		o->verbose = true;
		break;
	case ARGP_KEY_ARG:
		fprintf(stderr, "%s: unexpected argument '%s'\n", PROG, arg);
		return EINVAL;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/*
 * The plan's variant, from the lab's module parameters: a lab fact, shown
 * only when the lab is the driver.
 */
static void read_variant(const char *driver, char *buf, size_t len)
{
	static const struct {
		const char *counters, *rx, *name;
	} variants[] = {
		{ "plain", "queue", "baseline" },
		{ "plain", "direct", "patch-c" },
		{ "atomic", "queue", "c-prep" },
		{ "atomic", "direct", "c-v2" },
	};
	char path[160], ctr[32], rx[32];
	size_t i;

	buf[0] = '\0';
	if (strcmp(driver, "bes2600_lab"))
		return;
	snprintf(path, sizeof(path), "/sys/module/%s/parameters/counters", driver);
	read_line(path, ctr, sizeof(ctr));
	snprintf(path, sizeof(path), "/sys/module/%s/parameters/rx_deliver", driver);
	read_line(path, rx, sizeof(rx));
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		if (!strcmp(ctr, variants[i].counters) &&
		    !strcmp(rx, variants[i].rx))
			snprintf(buf, len, "%s", variants[i].name);
}

struct top {
	struct top_opts o;
	struct bpf_session *s;
	struct analysis *an;
	struct symtab *syms;
	struct dash d;
	struct flight fl;
	bool flight_on, dumped;
	struct ui_view v;
	struct dash frozen;	/* what a paused screen shows */
	bool ui;
	char driver[64], variant[96], kernel[64];
	uint64_t attach_ns;
	size_t nfindings;	/* findings already given a seen_at */
	ino_t detached_ino;	/* /sys/module/<driver> of the detached load */
	uint32_t mods_stamp;	/* the modules syms was read with */
};

static void on_event(void *ctx, const struct bes2600_event *e)
{
	struct top *t = ctx;

	if (t->an)
		analysis_feed(t->an, e);
	if (t->flight_on)
		flight_add(&t->fl, e);
}

static int reset_model(struct top *t)
{
	/* The counts are the maps' (take_agg()); records feed the findings. */
	struct an_config cfg = { .window_ns = AN_DEFAULT_WINDOW_NS,
				 .capacity = t->o.capacity,
				 .counts_given = true };

	analysis_free(t->an);
	t->an = analysis_new(&cfg);
	dash_init(&t->d);
	/* The BPF aggregation restarts with the model. */
	if (t->s) {
		t->d.events = bpf_session_seen(t->s);
		bpf_session_reset_agg(t->s);
	}
	memset(t->v.seen_at, 0, sizeof(t->v.seen_at));
	t->nfindings = 0;
	return t->an ? 0 : -1;
}

static void set_message(struct top *t, const char *fmt, const char *arg)
{
	snprintf(t->v.message, sizeof(t->v.message), fmt, arg);
	if (!t->ui)
		fprintf(stderr, "%s: %s\n", PROG, t->v.message);
}

static void dump_flight(struct top *t, const char *why)
{
	char path[512], err[256] = "", msg[sizeof(t->v.message)];

	if (!t->flight_on)
		return;
	if (flight_write(&t->fl, t->o.flight_dir,
			 t->syms, AN_DEFAULT_WINDOW_NS, path, sizeof(path),
			 err, sizeof(err))) {
		set_message(t, "flight recorder: %s", err);
		return;
	}
	snprintf(msg, sizeof(msg), "flight record (%s): %.100s", why, path);
	set_message(t, "%s", msg);
}

/*
 * The symbols of this load of the driver: a dashboard started before it,
 * or re-attached after a reload, would name its call sites from a table
 * read when the module was elsewhere or absent.
 */
static void reload_symbols(struct top *t)
{
	struct symtab *fresh = symtab_new();

	t->mods_stamp = symtab_modules_stamp();
	if (fresh)
		symtab_set_cancel(fresh, &runner_stop);
	if (fresh && symtab_load_kallsyms(fresh, "/proc/kallsyms") >= 0) {
		symtab_free(t->syms);
		t->syms = fresh;
	} else {
		symtab_free(fresh);
	}
}

static int try_attach(struct top *t, char *why, size_t len)
{
	/* Counts in BPF maps, records only for what the analysis needs. */
	struct bpf_session_opts so = {
		.stream = true, .capacity = t->o.capacity, .verbose = t->o.verbose,
		.driver = t->o.driver, .on_event = on_event, .ctx = t,
	};
	struct bpf_session_error err = { 0 };
	struct drv_paths paths = { .cancel = &runner_stop };
	struct driver_events ev;
	int r;

	/* Waits while no module has the events; refuses what it cannot use. */
	r = driver_events_probe(&ev, t->o.driver, &paths, why, len);
	/* Start-up takes seconds under load: a signal need not wait for it. */
	if (runner_stop)
		return 1;
	if (r)
		return r;
	snprintf(t->driver, sizeof(t->driver), "%s", ev.driver);
	reload_symbols(t);
	if (runner_stop)
		return 1;
	if (reset_model(t)) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	so.events = &ev;
	so.cancel = &runner_stop;
	t->s = bpf_session_open(&so, &err);
	if (!t->s && runner_stop)
		return 1;
	if (!t->s) {
		snprintf(why, len, "%s", err.msg);
		return -1;
	}
	t->attach_ns = now_ns();
	t->dumped = false;
	read_variant(t->driver, t->variant, sizeof(t->variant));
	t->v.capacity = t->o.capacity;
	t->v.mode = bpf_session_attach_mode(t->s);
	return 0;
}

/* The interval's figures from the BPF aggregation (the first chip). */
static void take_agg(struct top *t)
{
	struct dash_agg v[BES2600_NR_COUNTERS * BES2600_MAX_IDX];
	uint32_t ended = bpf_session_next_epoch(t->s), c;
	int i, n = 0;

	for (c = 0; c < BES2600_NR_COUNTERS; c++)
		for (i = 0; i < BES2600_MAX_IDX; i++) {
			v[n].counter = c;
			v[n].idx = i;
			v[n].st = bpf_session_inst(t->s,
						   bes2600_inst_index(0, c, i));
			n++;
		}
	dash_take_agg(&t->d, v, n, bpf_session_rx(t->s, 0), ended,
		      bpf_session_seen(t->s), t->syms);
	t->d.backlog = bpf_session_backlog(t->s);
	/* The bound the driver's events carry, unless --capacity says. */
	if (!t->o.capacity && v[0].st)
		t->v.capacity = v[0].st->capacity;
}

/* The sysfs directory of the driver: a new inode for every load. */
static ino_t module_ino(const struct top *t)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/module/%s", t->driver);
	return stat(path, &st) ? 0 : st.st_ino;
}

static void detach(struct top *t)
{
	t->detached_ino = module_ino(t);
	bpf_session_close(t->s);
	t->s = NULL;
	t->v.mode = NULL;
}

/* Gives the findings that just appeared their time, for the highlight;
 * dumps the flight recorder on the first error finding. */
static void note_findings(struct top *t, double now_s)
{
	size_t n = t->an ? t->an->findings.n : 0;
	bool new_error = false;

	for (; t->nfindings < n; t->nfindings++) {
		if (t->nfindings < UI_MAX_FINDINGS)
			t->v.seen_at[t->nfindings] = now_s;
		if (finding_class_is_error(t->an->findings.v[t->nfindings].cls))
			new_error = true;
	}
	if (new_error && !t->dumped) {
		t->dumped = true;
		dump_flight(t, "first error finding");
	}
}

static int run(struct top *t)
{
	uint64_t start = now_ns(), next, now, next_probe = 0, last = start;
	enum { WAITING, ATTACHED, DETACHED } state = WAITING;
	bool said_waiting = false, attached_once = false;
	char why[256];
	long lines = 0;
	int r;

	next = start + t->o.interval_s * 1e9;
	while (!runner_stop) {
		now = now_ns();
		/* Scanning /proc/kallsyms costs: once a second at most. */
		if (state != ATTACHED && now >= next_probe) {
			next_probe = now + 1000000000ULL;
			/* Gone, or unloaded and loaded again between two looks. */
			if (state == DETACHED &&
			    module_ino(t) != t->detached_ino)
				state = WAITING;
			if (state == WAITING) {
				r = try_attach(t, why, sizeof(why));
				if (r < 0) {
					ui_end();
					fprintf(stderr, "%s: %s\n", PROG, why);
					return 2;
				}
				if (!r) {
					state = ATTACHED;
					/* Intervals start with the stream. */
					last = now_ns();
					next = last + t->o.interval_s * 1e9;
					set_message(t, "attached to %s", t->driver);
				} else if (!said_waiting) {
					said_waiting = true;
					set_message(t, "%s", "waiting for the bes2600 driver to be loaded");
				}
			}
		}
		t->v.state = state == ATTACHED ? "attached (the module is busy: d detaches)" :
			     state == DETACHED ? "detached: rmmod can proceed; re-attaching on the next load" :
			     "waiting for the bes2600 driver to be loaded";
		if (state == ATTACHED) {
			/*
			 * The screen waits for keys below; a batch waits here,
			 * until the interval's end (signals cut it short).
			 */
			/*
			 * Delivery stops at the interval's end (the screen's
			 * keys: at 100 ms), whatever the backlog: the refresh
			 * is on time, and the backlog is reported.
			 */
			now = now_ns();
			if (bpf_session_poll(t->s, t->ui || now >= next ? 0 :
					     (int)((next - now) / 1000000) + 1,
					     t->ui && now + 100000000 < next ?
					     now + 100000000 : next) < 0) {
				ui_end();
				fprintf(stderr, "%s: reading the ring buffer failed\n", PROG);
				return 2;
			}
		} else if (!t->ui) {
			usleep(100000);
		}
		if (t->ui) {
			enum ui_key k = ui_key(100);

			/* The help says any key returns: it does, and only that. */
			if (t->v.help && k != UI_KEY_NONE) {
				t->v.help = false;
				k = UI_KEY_OTHER;
			}
			switch (k) {
			case UI_KEY_QUIT:
				runner_stop = 1;
				break;
			case UI_KEY_PAUSE:
				t->v.paused = !t->v.paused;
				t->frozen = t->d;
				break;
			case UI_KEY_RESET:
				if (state == ATTACHED && reset_model(t))
					runner_stop = 1;
				break;
			case UI_KEY_HELP:
				t->v.help = !t->v.help;
				break;
			case UI_KEY_SORT_NEXT:
				t->v.sort = (t->v.sort + 1) % UI_SORT_NR;
				break;
			case UI_KEY_SORT_PREV:
				t->v.sort = (t->v.sort + UI_SORT_NR - 1) % UI_SORT_NR;
				break;
			case UI_KEY_FILTER:
				ui_read_filter(&t->v, &runner_stop);
				break;
			case UI_KEY_FOCUS:
				t->v.focus = !t->v.focus;
				break;
			case UI_KEY_DETACH:
				want_detach = 1;
				break;
			case UI_KEY_WRITE:
				want_dump = 1;
				break;
			case UI_KEY_OTHER:
				break;
			default:
				break;
			}
			/* Keys answer at once, not at the next interval. */
			if (k != UI_KEY_NONE && !runner_stop)
				ui_draw(t->v.paused ? &t->frozen : &t->d,
					state == ATTACHED ? t->an : NULL,
					t->syms, &t->v);
		}
		if (want_detach) {
			want_detach = 0;
			if (state == ATTACHED) {
				detach(t);
				state = DETACHED;
				said_waiting = false;
				set_message(t, "%s", "detached on request: rmmod can proceed");
			}
		}
		if (want_dump) {
			want_dump = 0;
			dump_flight(t, "on request");
		}
		now = now_ns();
		if (now < next)
			continue;
		/* A module (un)loaded since the table was read: read it again. */
		if (state == ATTACHED && symtab_modules_stamp() != t->mods_stamp)
			reload_symbols(t);
		if (state == ATTACHED)
			take_agg(t);
		dash_interval(&t->d, now - last,
			      t->s ? bpf_session_lost(t->s) : 0);
		last = now;
		next = now + t->o.interval_s * 1e9;
		t->v.now_s = (now - start) / 1e9;
		note_findings(t, t->v.now_s);
		if (t->ui) {
			t->v.driver = state == ATTACHED ? t->driver : NULL;
			t->v.variant = state == ATTACHED ? t->variant : NULL;
			ui_draw(t->v.paused ? &t->frozen : &t->d,
				state == ATTACHED ? t->an : NULL, t->syms,
				&t->v);
		} else if (state == ATTACHED) {
			dash_batch_line(stdout, t->o.fmt, &t->d, t->an,
					(now - start) / 1e9);
		}
		/* -n counts intervals, attached or not: it always ends. */
		if (state == ATTACHED)
			attached_once = true;
		if (t->o.count && ++lines >= t->o.count) {
			if (!attached_once && !t->ui) {
				fprintf(stderr, "%s: no bes2600 driver to attach to in %ld intervals\n",
					PROG, lines);
				return 2;
			}
			break;
		}
	}
	return 0;
}

int top_main(int argc, char **argv)
{
	static const struct argp argp = {
		.options = options, .parser = parse_arg, .doc = doc,
	};
	struct top *t = calloc(1, sizeof(*t));
	struct sigaction sa = { 0 };
	const char *term = getenv("TERM");
	struct utsname u;
	int ret = 2;

	if (!t)
		return 2;
	t->o.interval_s = 1;
	t->o.flight_s = 10;
	if (argp_parse(&argp, argc, argv, ARGP_NO_EXIT | ARGP_NO_HELP, NULL,
		       &t->o)) {
		free(t);
		return 2;
	}
	if (t->o.help) {
		free(t);
		return 0;
	}
	t->ui = !t->o.batch && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) &&
		term && strcmp(term, "dumb");
	if (t->o.flight_dir && access(t->o.flight_dir, W_OK)) {
		fprintf(stderr, "%s: cannot write flight records to %s: %s\n",
			PROG, t->o.flight_dir, strerror(errno));
		goto out;
	}
	/* The current directory by default; /tmp where it is read-only. */
	if (!t->o.flight_dir)
		t->o.flight_dir = access(".", W_OK) ? "/tmp" : ".";
	if (geteuid() != 0) {
		fprintf(stderr, "%s: need root (CAP_BPF and CAP_PERFMON) to attach BPF programs\n", PROG);
		goto out;
	}
	t->syms = symtab_new();
	if (!t->syms || (t->o.flight_s > 0 && flight_init(&t->fl, t->o.flight_s))) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		goto out;
	}
	t->flight_on = t->o.flight_s > 0;
	/* The symbols are read at each attach (reload_symbols()). */
	if (!uname(&u))
		snprintf(t->kernel, sizeof(t->kernel), "%.63s", u.release);
	t->v.kernel = t->kernel;

	if (runner_signals()) {
		fprintf(stderr, "%s: cannot handle signals: %s\n", PROG,
			strerror(errno));
		goto out;
	}
	/* As runner_signals(): no read is cut short by a request. */
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (t->ui && ui_start()) {
		fprintf(stderr, "%s: cannot start the terminal UI; use -b\n", PROG);
		goto out;
	}
	if (!t->ui)
		dash_batch_header(stdout, t->o.fmt);
	ret = run(t);
	ui_end();
out:
	if (t->s)
		bpf_session_close(t->s);
	analysis_free(t->an);
	symtab_free(t->syms);
	flight_free(&t->fl);
	free(t);
	return ret;
}
