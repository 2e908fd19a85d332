// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bes2600-top state: options, the functions from BTF, one live run
 * (state_live.c), the table (state_report.c).  The output file is opened
 * before the run, so a bad path costs a one-line error, not a run.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "outfile.h"
#include "runner.h"
#include "state.h"
#include "state_live.h"
#include "state_table.h"

#define PROG "bes2600-top state"
#define MAX_ASKED 8

enum {
	OPT_OTHERS = 256,
	OPT_BTF,
	OPT_FLAVOUR,
	OPT_WATCH_MS,
	OPT_WATCH_FIELDS,
	OPT_BASELINE,
	OPT_LIST,
	OPT_USAGE,
};

struct state_opts {
	const char *asked[MAX_ASKED];
	int nasked;
	const char *strct, *module, *others, *btf, *output, *baseline;
	const char *watch_fields;
	enum state_format format;
	struct state_live_opts live;
	bool list, help;
};

static const char doc[] =
"Which fields of a driver's struct a function mutates (itself or through\n"
"its callees), from which contexts, who else writes them, and whether\n"
"writers overlapped: the struct is copied on each call's entry and\n"
"compared on its return, and its changed bytes are named from the\n"
"module's BTF.  The driver needs no tracepoints and no rebuild.\n"
"\n"
"Exit status: 0 the table was written, 2 it could not be made.\n"
"\n"
"EXAMPLES:\n"
"    bes2600-top state -f bes2600_bh_handle_rx_skb -d 30\n"
"    bes2600-top state -f bes2600_bh_handle_rx_skb -F json -o after.json\n"
"    bes2600-top state -f bes2600_bh_handle_rx_skb --baseline before.json -F md\n"
"    bes2600-top state -f wsm_handle_rx --watch -- iperf3 -c 10.0.0.2 -t 20";

static const struct argp_option options[] = {
	{ "function", 'f', "FUNC", 0, "The function the table is for (repeat for several)", 0 },
	{ "struct", 's', "NAME", 0, "The struct its argument points to (default: bes2600_common)", 0 },
	{ "module", 'm', "MODULE", 0, "The driver module (default: bes2600 when loaded, else bes2600_lab)", 0 },
	{ "others", OPT_OTHERS, "LIST", 0, "Other writers to measure: all (the default: every function taking the struct), none, or names and globs, comma-separated", 0 },
	{ "btf", OPT_BTF, "FILE", 0, "The module's BTF from FILE (pahole --btf_encode_detached), for a module built without it", 0 },
	{ "flavour", OPT_FLAVOUR, "KIND", 0, "auto (default), fentry or kprobe", 0 },
	{ "watch", 'w', NULL, 0, "Precise mode: hardware watchpoints on the fields found, in rounds", 0 },
	{ "watch-ms", OPT_WATCH_MS, "MS", 0, "Each round of watchpoints (default 500)", 0 },
	{ "watch-fields", OPT_WATCH_FIELDS, "LIST", 0, "Watch these members (a.b[1], comma-separated) the whole run; implies --watch", 0 },
	{ "duration", 'd', "SECONDS", 0, "Measure for SECONDS (default: until COMMAND exits or Ctrl-C)", 0 },
	{ "format", 'F', "FORMAT", 0, "text (default), md or json", 0 },
	{ "output", 'o', "FILE", 0, "Write the table to FILE (default: standard output)", 0 },
	{ "baseline", OPT_BASELINE, "REPORT.json", 0, "The change of writers against an earlier -F json report", 0 },
	{ "list", OPT_LIST, NULL, 0, "List the functions that take the struct, then exit", 0 },
	{ "verbose", 'v', NULL, 0, "Also show libbpf's messages", 0 },
	{ "version", 'V', NULL, 0, "Show the version", -1 },
	{ "help", 'h', NULL, 0, "Show this help", -1 },
	{ "usage", OPT_USAGE, NULL, 0, "Show a short usage message", -1 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	struct state_opts *o = state->input;
	double v;
	long n;

	if (cli_help_key(state, key, OPT_USAGE, &o->help))
		return 0;
	switch (key) {
	case 'f':
		if (o->nasked == MAX_ASKED) {
			cli_warn(stderr, PROG, "bad arguments: at most %d -f functions", MAX_ASKED);
			return EINVAL;
		}
		o->asked[o->nasked++] = arg;
		break;
	case 's':
		o->strct = arg;
		break;
	case 'm':
		o->module = arg;
		break;
	case OPT_OTHERS:
		o->others = arg;
		break;
	case OPT_BTF:
		o->btf = arg;
		break;
	case OPT_FLAVOUR:
		if (!strcmp(arg, "auto"))
			o->live.flavour = STATE_AUTO;
		else if (!strcmp(arg, "fentry"))
			o->live.flavour = STATE_FENTRY;
		else if (!strcmp(arg, "kprobe"))
			o->live.flavour = STATE_KPROBE;
		else {
			cli_warn(stderr, PROG, "bad arguments: --flavour %s: auto, fentry or kprobe", arg);
			return EINVAL;
		}
		break;
	case 'w':
		o->live.watch = true;
		break;
	case OPT_WATCH_MS:
		if (cli_integer(stderr, PROG, "--watch-ms", arg, 10, 600000, &n))
			return EINVAL;
		o->live.watch_ms = (int)n;
		break;
	case OPT_WATCH_FIELDS:
		o->watch_fields = arg;
		o->live.watch = true;
		break;
	case 'd':
		if (cli_number(stderr, PROG, "-d", arg, 0.001, 31536000, &v))
			return EINVAL;
		o->live.duration_s = v;
		break;
	case 'F':
		if (!strcmp(arg, "text"))
			o->format = STATE_TEXT;
		else if (!strcmp(arg, "md"))
			o->format = STATE_MD;
		else if (!strcmp(arg, "json"))
			o->format = STATE_JSON;
		else {
			cli_warn(stderr, PROG, "bad arguments: -F %s: text, md or json", arg);
			return EINVAL;
		}
		break;
	case 'o':
		o->output = arg;
		break;
	case OPT_BASELINE:
		o->baseline = arg;
		break;
	case OPT_LIST:
		o->list = true;
		break;
	case 'v':
		o->live.verbose = true;
		break;
	case ARGP_KEY_ARGS:
		o->live.command = state->argv + state->next;
		state->next = state->argc;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char *default_module(void)
{
	return access("/sys/module/bes2600", F_OK) ? "bes2600_lab" : "bes2600";
}

/* --others: every function taking the struct, none, or a list of globs. */
static int add_others(struct state_run *r, const struct state_btf *sb,
		      int id, const char *spec)
{
	struct state_func fs[BES2600_STATE_MAX_FUNCS];
	char *list, *tok, *save = NULL;
	int n, i;

	if (!strcmp(spec, "none"))
		return 0;
	if (!strcmp(spec, "all"))
		spec = "*";
	list = strdup(spec);
	if (!list)
		return -1;
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		n = state_btf_funcs(sb, id, tok, fs, BES2600_STATE_MAX_FUNCS);
		if (!n)
			cli_warn(stderr, PROG, "--others: no function matching %s takes struct %s",
			     tok, r->root_name);
		for (i = 0; i < n; i++)
			if (state_run_add_fn(r, &fs[i], false) == -E2BIG) {
				cli_warn(stderr, PROG, "--others: measuring the first %d functions",
				     BES2600_STATE_MAX_FUNCS);
				free(list);
				return 0;
			}
	}
	free(list);
	return 0;
}

/* --watch-fields: members by path, as the table names them. */
static int pin_fields(struct state_run *r, const struct state_btf *sb, int id,
		      const char *spec, struct state_live_opts *lo)
{
	char *list = strdup(spec), *tok, *save = NULL;
	int64_t off;

	if (!list)
		return -1;
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		off = state_btf_find(sb, id, tok);
		if (off < 0 || off >= r->snapped) {
			cli_warn(stderr, PROG, "--watch-fields: struct %s has no member %s%s",
			     r->root_name, tok, off < 0 ? "" : " in the bytes compared");
			free(list);
			return -1;
		}
		if (lo->npinned == BES2600_STATE_MAX_WATCH) {
			cli_warn(stderr, PROG, "--watch-fields: at most %d", BES2600_STATE_MAX_WATCH);
			free(list);
			return -1;
		}
		lo->pinned[lo->npinned++] = state_run_field(r, (uint32_t)off);
	}
	free(list);
	return 0;
}

static int list_funcs(const struct state_btf *sb, int id, const char *strct)
{
	struct state_func fs[512];
	int n = state_btf_funcs(sb, id, NULL, fs, 512), i;

	for (i = 0; i < n; i++) {
		if (fs[i].via[0])
			printf("%s\targ %d (%s, struct %s at -%lld)\n", fs[i].name,
			       fs[i].arg, fs[i].via, strct,
			       (long long)fs[i].offset);
		else
			printf("%s\targ %d\n", fs[i].name, fs[i].arg);
	}
	return 0;
}

int state_main(int argc, char **argv)
{
	static const struct argp argp = {
		.options = options, .parser = parse_arg,
		.args_doc = "[-- COMMAND [ARGS...]]", .doc = doc,
	};
	struct state_opts o = {
		.strct = "bes2600_common", .others = "all",
		.live = { .watch_ms = 500 },
	};
	struct state_btf sb;
	struct state_run run;
	struct outfile out = { 0 };
	char err[512], *prog = argv[0];
	int id, i, ret = 2;
	int64_t size;

	argv[0] = PROG;
	if (argp_parse(&argp, argc, argv, ARGP_NO_EXIT | ARGP_NO_HELP |
		       ARGP_IN_ORDER, NULL, &o)) {
		argv[0] = prog;
		return 2;
	}
	argv[0] = prog;
	if (o.help)
		return 0;
	if (!o.module)
		o.module = default_module();
	if (!o.nasked && !o.list) {
		cli_warn(stderr, PROG, "bad arguments: name the function with -f FUNC (--list "
		     "shows the candidates)");
		return 2;
	}
	if (o.baseline && state_baseline_check(o.baseline, err, sizeof(err))) {
		cli_warn(stderr, PROG, "--baseline %s", err);
		return 2;
	}
	if (o.baseline && o.output && path_same_file(o.baseline, o.output)) {
		cli_warn(stderr, PROG, "bad arguments: -o %s is the --baseline report", o.output);
		return 2;
	}
	if (state_btf_open(&sb, o.module, o.btf, err, sizeof(err))) {
		cli_warn(stderr, PROG, "%s", err);
		return 2;
	}
	id = state_btf_struct(&sb, o.strct);
	size = id < 0 ? -1 : state_btf_size(&sb, id);
	if (size <= 0) {
		cli_warn(stderr, PROG, "no struct %s in the BTF of %s", o.strct, o.module);
		goto out_btf;
	}
	if (o.list) {
		ret = list_funcs(&sb, id, o.strct);
		goto out_btf;
	}
	if (state_run_init(&run, &sb, id,
			   size > BES2600_STATE_MAX_SNAP ? BES2600_STATE_MAX_SNAP :
			   (uint32_t)(size + 7) / 8 * 8)) {
		cli_warn(stderr, PROG, "out of memory");
		goto out_btf;
	}
	snprintf(run.root_name, sizeof(run.root_name), "%s", o.strct);
	snprintf(run.module, sizeof(run.module), "%s", o.module);
	if (size > BES2600_STATE_MAX_SNAP)
		cli_warn(stderr, PROG, "struct %s has %lld bytes: the first %d are compared",
		     o.strct, (long long)size, BES2600_STATE_MAX_SNAP);
	for (i = 0; i < o.nasked; i++) {
		struct state_func f;

		if (state_btf_func(&sb, id, o.asked[i], &f, err, sizeof(err))) {
			cli_warn(stderr, PROG, "-f %s: %s", o.asked[i], err);
			goto out_run;
		}
		state_run_add_fn(&run, &f, true);
	}
	if (add_others(&run, &sb, id, o.others))
		goto out_run;
	if (o.watch_fields && pin_fields(&run, &sb, id, o.watch_fields, &o.live))
		goto out_run;
	/* Without --btf the types are the kernel's own: fentry can attach. */
	o.live.module_btf = !o.btf;
	if (o.output && outfile_open(&out, o.output, false, err, sizeof(err))) {
		cli_warn(stderr, PROG, "-o %s: %s", o.output, err);
		goto out_run;
	}
	if (runner_signals()) {
		cli_warn(stderr, PROG, "cannot handle signals: %s", strerror(errno));
		goto out_file;
	}
	if (state_live_run(&run, &o.live, stderr, err, sizeof(err))) {
		cli_warn(stderr, PROG, "%s", err);
		goto out_file;
	}
	if (state_report(out.f ? out.f : stdout, &run, o.format, o.baseline,
			 err, sizeof(err))) {
		cli_warn(stderr, PROG, "%s", err);
		goto out_file;
	}
	if (out.f && outfile_commit(&out, err, sizeof(err))) {
		cli_warn(stderr, PROG, "-o %s: %s", o.output, err);
		goto out_run;
	}
	ret = 0;
	goto out_run;
out_file:
	if (out.f)
		outfile_abort(&out);
out_run:
	state_run_free(&run);
out_btf:
	state_btf_close(&sb);
	return ret;
}
