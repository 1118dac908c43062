/* SPDX-License-Identifier: GPL-2.0-only */
#include "arbiter/options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbiter/arbiter_config.h"
#include "common/log.h"
#include "policy/policy.h"
#include "simhost/hv_sim.h"

#define DEFAULT_CONFIG "/etc/membal/arbiter.ini"

static void usage(FILE *out)
{
	/* The backend list from the table the parser reads. */
	char backends[64];

	fprintf(out,
		"usage: membal-arbiter [options]\n"
		"Balance memory between the domains of this Xen host.\n\n"
		"  -c, --config FILE      configuration (default " DEFAULT_CONFIG ";\n"
		"                         a missing default file means built-in defaults)\n"
		"      --check-config     check the configuration, print it as loaded\n"
		"                         (with defaults) and exit: 0 good, 1 errors (file:line)\n"
		"  -q, --quiet            with --check-config: print only the errors\n"
		"      --list-keys        every key of arbiter.ini with its default, range and\n"
		"                         meaning, one a line (tab-separated), and exit\n"
		"      --check-host       exit 0 on a Xen dom0, 1 elsewhere (the unit's ExecCondition)\n"
		"  -n, --dry-run          decide and log, write nothing: no lock, no control\n"
		"                         socket, status and metrics only to the paths below\n"
		"      --status-file PATH   status JSON here (instead of the config's)\n"
		"      --metrics-file PATH  Prometheus textfile here (instead of the config's)\n"
		"  -1, --once             run one cycle and exit\n"
		"  -l, --log-level LEVEL  err, warning, notice, info or debug (beats the config's)\n"
		"  -b, --backend %s  hypervisor backend (default: the config's, xen)\n"
		"  -s, --scenario FILE    sim backend: the simulated host (default: the config's sim_scenario)\n"
		"      --sim-agents none|inprocess|external\n"
		"                         sim backend: who publishes the guests' figures (default inprocess)\n"
		"      --sim-guest-dir DIR  sim backend: where guests' meminfo/sysfs files go\n"
		"      --sim-xsd-control PATH  sim backend: membal-test-xenstored's control socket\n"
		"                         (domain sockets for external agents)\n"
		"  -f, --foreground       accepted for compatibility; log lines carry <N>\n"
		"                         priority prefixes only when stderr is journald's\n"
		"  -h, --help             this text\n"
		"  -V, --version          version\n\n"
		"Exit status: 0 stopped cleanly, 1 runtime error (another arbiter holds the\n"
		"lock, the hypervisor cannot be opened), 2 usage, 78 configuration error.\n",
		policy_names_join(arb_backend_names, "|", backends, sizeof(backends)));
}

static int bad(const char *what, const char *arg, const char *expected)
{
	fprintf(stderr, "membal-arbiter: %s '%s': %s (see --help)\n", what, arg, expected);
	return EXIT_USAGE;
}

int arbiter_options_parse(int argc, char **argv, struct arbiter_options *o)
{
	enum { O_AGENTS = 256, O_GUEST_DIR, O_XSD, O_CHECK_CONFIG, O_CHECK_HOST,
	       O_STATUS, O_METRICS, O_LIST_KEYS };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, O_CHECK_CONFIG },
		{ "check-host", no_argument, NULL, O_CHECK_HOST },
		{ "list-keys", no_argument, NULL, O_LIST_KEYS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "backend", required_argument, NULL, 'b' },
		{ "scenario", required_argument, NULL, 's' },
		{ "sim-agents", required_argument, NULL, O_AGENTS },
		{ "sim-guest-dir", required_argument, NULL, O_GUEST_DIR },
		{ "sim-xsd-control", required_argument, NULL, O_XSD },
		{ "status-file", required_argument, NULL, O_STATUS },
		{ "metrics-file", required_argument, NULL, O_METRICS },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "once", no_argument, NULL, '1' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->config = DEFAULT_CONFIG;
	o->backend = -1;
	o->log_level = -1;
	o->sim_agents = SIM_AGENTS_INPROCESS;
	while ((ch = getopt_long(argc, argv, "c:qb:s:n1l:fhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; o->config_given = true; break;
		case O_CHECK_CONFIG: o->check_config = true; break;
		case O_CHECK_HOST: o->check_host = true; break;
		case 'q': o->quiet = true; break;
		case 'b': {
			char names[64], expected[80];

			/* the config's table: its index is the enum arb_backend */
			o->backend = policy_name_index(arb_backend_names, optarg);
			if (o->backend >= 0)
				break;
			snprintf(expected, sizeof(expected), "expected %s",
				 policy_names_join(arb_backend_names, " or ", names, sizeof(names)));
			return bad("--backend", optarg, expected);
		}
		case 's': o->scenario = optarg; break;
		case O_AGENTS:
			if (!strcmp(optarg, "none"))
				o->sim_agents = SIM_AGENTS_NONE;
			else if (!strcmp(optarg, "inprocess"))
				o->sim_agents = SIM_AGENTS_INPROCESS;
			else if (!strcmp(optarg, "external"))
				o->sim_agents = SIM_AGENTS_EXTERNAL;
			else
				return bad("--sim-agents", optarg, "expected none, inprocess or external");
			break;
		case O_GUEST_DIR: o->sim_guest_dir = optarg; break;
		case O_XSD: o->sim_xsd_control = optarg; break;
		case O_STATUS: o->status_file = optarg; break;
		case O_METRICS: o->metrics_file = optarg; break;
		case 'n': o->dry_run = true; break;
		case '1': o->once = true; break;
		case 'l':
			o->log_level = log_level_from_name(optarg);
			if (o->log_level < 0)
				return bad("--log-level", optarg, "expected err, warning, notice, info or debug");
			break;
		case 'f': break;
		case 'h': usage(stdout); exit(0);
		case O_LIST_KEYS:
			cfg_table_list(stdout, arbiter_sections, arbiter_nsections);
			exit(0);
		case 'V': printf("membal-arbiter %s\n", MEMBAL_VERSION); exit(0);
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return bad("argument", argv[optind], "unexpected");
	if ((o->status_file && strlen(o->status_file) >= ARB_PATH_MAX) ||
	    (o->metrics_file && strlen(o->metrics_file) >= ARB_PATH_MAX))
		return bad("--status-file/--metrics-file", "...", "path too long");
	return 0;
}
