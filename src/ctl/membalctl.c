/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membalctl: look at and steer the arbiter. One binary, one subcommand
 * per job; a subcommand is a function taking its own argv (argv[0] is
 * its name) and returning the exit status. To add one, write its
 * function and add a line to the table.
 */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "ctl/ctl.h"
#include "ctl/plan.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "status", status_main,
	  "the arbiter's view of every domain (--json for the raw file)" },
	{ "pause", control_main, "hold a domain (or --all) at its current target" },
	{ "resume", control_main, "manage a domain (or --all) again" },
	{ "reserve", control_main, "free SIZE and keep it free (for xl create)" },
	{ "release", control_main, "end a reservation (by ID, or all)" },
	{ "renew", control_main, "start a reservation's lease again" },
	{ "state", control_main, "export or import a domain's state (for a migration)" },
	{ "plan", plan_main,
	  "what the arbiter would decide for a snapshot (CSV in, CSV out)" },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *out)
{
	fputs("usage: membalctl [--log-level LEVEL] COMMAND [options]\n"
	      "       membalctl -V|--version\n\ncommands:\n", out);
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", subcommands[i].name,
			subcommands[i].summary);
	fputs("\n'membalctl COMMAND --help' describes a command.\n"
	      "--log-level: err, warning (default), notice, info or debug.\n"
	      "Exit status: 0 done, 1 failed (the arbiter said no, a file is bad), 2 usage.\n", out);
}

int main(int argc, char **argv)
{
	struct log_config lc = { .level = LOG_WARNING, .sd_prefix = false,
				 .limit_ms = 60000 };

	/* Global options come before the command; the command parses its own. */
	while (argc >= 2 && !strcmp(argv[1], "--log-level")) {
		if (argc < 3 || (lc.level = log_level_from_name(argv[2])) < 0) {
			fprintf(stderr, "membalctl: --log-level '%s': expected err, warning, notice, info or debug\n",
				argc < 3 ? "" : argv[2]);
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	lc.sd_prefix = log_stderr_is_journal();
	log_setup("membalctl", &lc);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("membalctl %s\n", MEMBAL_VERSION);
		return 0;
	}
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "membalctl: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
