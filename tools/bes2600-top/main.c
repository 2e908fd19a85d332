// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bes2600-top: the subcommand dispatcher.
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "compare.h"
#include "state.h"
#include "top.h"
#include "version.h"

/* argp gives every subcommand's parser -V and --version from this. */
const char *argp_program_version = "bes2600-top " BES2600_TOP_VERSION;

static const struct {
	const char *name, *prog;
	int (*main)(int argc, char **argv);
	const char *what;
} commands[] = {
	{ "top", "bes2600-top top", top_main, "live dashboard (the default)" },
	{ "audit", "bes2600-top audit", audit_main,
	  "one-shot race audit of the bes2600 counters" },
	{ "compare", "bes2600-top compare", compare_main,
	  "N runs of one phase against N of another (JSON reports)" },
	{ "state", "bes2600-top state", state_main,
	  "the fields a driver function mutates, without tracepoints" },
};

static int usage(FILE *f, int status)
{
	size_t i;

	fprintf(f, "usage: bes2600-top [COMMAND] [OPTIONS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\n'bes2600-top COMMAND --help' describes a command's options.\n");
	return status;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc >= 2 && (!strcmp(argv[1], "--commands")))
		return usage(stdout, 0);
	/* No command, or options only: the dashboard. */
	if (argc < 2 || argv[1][0] == '-')
		return top_main(argc, argv);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name)) {
			/* Its help and messages name it "bes2600-top NAME". */
			argv[1] = (char *)commands[i].prog;
			return commands[i].main(argc - 1, argv + 1);
		}
	fprintf(stderr, "bes2600-top: unknown command '%s'\n", argv[1]);
	return usage(stderr, 2);
}
