/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-agent: runs in a Xen guest, samples /proc/meminfo, filters the
 * free-memory readings and publishes them under
 * /local/domain/<domid>/memory/ for membal-arbiter in dom0 (design.md §Guest keys).
 *
 * It needs no hypervisor call and no privilege beyond xenbus
 * (/dev/xen/xenbus, or XENSTORED_PATH for a socket).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "common/clock.h"
#include "common/domid.h"
#include "common/log.h"
#include "common/notify.h"
#include "common/parse.h"
#include "common/xenrole.h"

#define DEFAULT_CONFIG "/etc/membal/agent.ini"
#define EXIT_USAGE 2
#define EXIT_CONFIG 78   /* sysexits.h EX_CONFIG: RestartPreventExitStatus= */

static volatile sig_atomic_t got_term, got_hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: membal-agent [options]\n"
		"Publish this guest's memory figures in xenstore for membal-arbiter.\n\n"
		"  -c, --config FILE      configuration (default " DEFAULT_CONFIG ";\n"
		"                         a missing default file means built-in defaults)\n"
		"  -d, --domid N          our domain id (default: read 'domid' from xenstore)\n"
		"  -m, --meminfo PATH     meminfo file (default /proc/meminfo)\n"
		"  -s, --sysfs-root PATH  sysfs root for the balloon driver (default /sys)\n"
		"  -1, --once             sample and publish once, then exit\n"
		"      --check-config     check the configuration, print it as loaded\n"
		"                         (with defaults) and exit: 0 good, 1 errors (file:line)\n"
		"  -q, --quiet            with --check-config: print only the errors\n"
		"      --list-keys        every key of agent.ini with its default, range and\n"
		"                         meaning, one a line (tab-separated), and exit\n"
		"      --check-host       exit 0 in a Xen guest, 1 elsewhere (the unit's ExecCondition)\n"
		"  -l, --log-level LEVEL  err, warning, notice, info or debug (beats the config's)\n"
		"  -f, --foreground       accepted for compatibility; log lines carry <N>\n"
		"                         priority prefixes only when stderr is journald's\n"
		"  -h, --help             this text\n"
		"  -V, --version          version\n\n"
		"Exit status: 0 stopped cleanly, 1 error, 2 usage, 78 configuration error.\n"
		"With --once: 0 published, 1 error, 4 keys not handed over yet,\n"
		"3 xenstored unreachable.\n");
}

struct cli {
	const char *config;
	bool config_given;
	uint32_t domid;
	const char *meminfo;
	const char *sysfs_root;
	int log_level;          /* -1: the config's */
	bool once, check_config, check_host, quiet;
};

static int load_config(const struct cli *o, struct agent_config *c)
{
	struct agent_config n;

	if (!o->config_given && access(o->config, F_OK) != 0) {
		agent_config_defaults(&n);
	} else if (agent_config_load(o->config, &n) < 0) {
		return -1;
	}
	/* The command line beats the file, also after a reload. */
	if (o->log_level >= 0)
		n.log_level = o->log_level;
	if (o->meminfo)
		snprintf(n.meminfo_path, sizeof(n.meminfo_path), "%s", o->meminfo);
	if (o->sysfs_root)
		snprintf(n.sysfs_root, sizeof(n.sysfs_root), "%s", o->sysfs_root);
	*c = n;
	return 0;
}

static int parse_cli(int argc, char **argv, struct cli *o)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "domid", required_argument, NULL, 'd' },
		{ "meminfo", required_argument, NULL, 'm' },
		{ "sysfs-root", required_argument, NULL, 's' },
		{ "once", no_argument, NULL, '1' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "check-host", no_argument, NULL, 'H' },
		{ "list-keys", no_argument, NULL, 'K' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int ch;

	memset(o, 0, sizeof(*o));
	o->config = DEFAULT_CONFIG;
	o->domid = AGENT_DOMID_AUTO;
	o->log_level = -1;
	while ((ch = getopt_long(argc, argv, "c:d:m:s:1ql:fhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			o->config_given = true;
			break;
		case 'd':
			if (parse_u64(optarg, 0, MEMBAL_DOMID_LIMIT - 1, &v) != PARSE_OK) {
				fprintf(stderr, "membal-agent: --domid '%s': expected 0..32751\n", optarg);
				return EXIT_USAGE;
			}
			o->domid = (uint32_t)v;
			break;
		case 'm': o->meminfo = optarg; break;
		case 's': o->sysfs_root = optarg; break;
		case '1': o->once = true; break;
		case 'C': o->check_config = true; break;
		case 'H': o->check_host = true; break;
		case 'q': o->quiet = true; break;
		case 'l':
			o->log_level = log_level_from_name(optarg);
			if (o->log_level < 0) {
				fprintf(stderr, "membal-agent: --log-level '%s': expected err, warning, notice, info or debug\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'f': break;
		case 'h': usage(stdout); exit(0);
		case 'K': cfg_table_list(stdout, agent_sections, agent_nsections); exit(0);
		case 'V': printf("membal-agent %s (key layout %d)\n", MEMBAL_VERSION,
				 MEMBAL_KEY_LAYOUT_VERSION); exit(0);
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "membal-agent: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

static int once_exit_code(enum agent_step_result r)
{
	switch (r) {
	case STEP_PUBLISHED: case STEP_QUIET: return 0;
	case STEP_NO_HANDOVER: return 4;   /* 2 is a usage error, as in every membal program */
	case STEP_NO_XENSTORE: return 3;
	default: return 1;
	}
}

static int check_config(const struct cli *o)
{
	struct agent_config c;

	if (load_config(o, &c) < 0) {
		fprintf(stderr, "membal-agent: %s: configuration rejected\n", o->config);
		return 1;
	}
	if (!o->quiet) {
		cfg_print_origin(stdout, o->config, o->config_given);
		agent_config_print(stdout, &c);
	}
	return 0;
}

static const char *step_status(enum agent_step_result r)
{
	switch (r) {
	case STEP_PUBLISHED: case STEP_QUIET: return "publishing";
	case STEP_NO_SAMPLE: return "meminfo unusable, keeping the last good figures";
	case STEP_NO_XENSTORE: return "xenstored unreachable, retrying";
	case STEP_NO_HANDOVER: return "waiting for the arbiter to hand over the report keys";
	default: return "publication failed, retrying";
	}
}

/* Sleep ms, in slices short enough for the watchdog's pings: a step
 * stuck in xenstored stops them (the pings come only from here). */
static void sleep_pinging(uint64_t ms, uint64_t watchdog_ms)
{
	while (!got_term && !got_hup) {
		uint64_t slice = ms;

		if (watchdog_ms && slice > watchdog_ms / 2)
			slice = watchdog_ms / 2;
		clock_sleep_ms(slice);
		if (watchdog_ms)
			notify_send("WATCHDOG=1");
		if (slice >= ms)
			return;
		ms -= slice;
	}
}

int main(int argc, char **argv)
{
	struct log_config lc = { .level = LOG_INFO, .sd_prefix = false, .limit_ms = 60000 };
	struct agent_config cfg;
	struct agent a;
	struct sigaction sa;
	struct cli o;
	const char *refused = "";
	const char *shown = NULL;   /* the STATUS= last sent */
	uint64_t watchdog_ms;
	int rc;

	rc = parse_cli(argc, argv, &o);
	if (rc != 0)
		return rc;
	lc.sd_prefix = log_stderr_is_journal();
	if (o.log_level >= 0)
		lc.level = o.log_level;
	log_setup("membal-agent", &lc);
	if (o.check_host)
		return xen_role_check_host("membal-agent", XEN_ROLE_DOMU,
					   "the agent runs in Xen guests only");
	if (o.check_config)
		return check_config(&o);
	if (load_config(&o, &cfg) < 0) {
		log_err("configuration %s rejected; not starting", o.config);
		notify_send("STATUS=configuration %s rejected (see the log for file:line)", o.config);
		return EXIT_CONFIG;
	}
	log_set_level(cfg.log_level);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: a signal ends the sleep */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A dropped xenstored socket must be an error return, not a kill. */
	signal(SIGPIPE, SIG_IGN);

	agent_init(&a, &cfg, o.domid);
	if (a.domid_fixed && !o.once)
		log_warn("domid %u fixed by --domid or %s: after a live migration or `xl restore` the guest runs under a new domid and this agent will publish under the old one, refused; leave domid unset to follow it",
			 a.domid, o.config);
	if (o.once) {
		a.follow = false;   /* one sample: no watch, no reader thread */
		enum agent_step_result r = agent_step(&a);

		agent_close(&a);
		if (r != STEP_PUBLISHED && r != STEP_QUIET)
			log_err("nothing published (%s)",
				r == STEP_NO_HANDOVER ? "report keys not handed over yet"
				: r == STEP_NO_XENSTORE ? "xenstored unreachable"
				: r == STEP_NO_SAMPLE ? "meminfo unusable"
				: "transaction failed");
		return once_exit_code(r);
	}

	log_info("membal-agent %s started: sample %u ms, heartbeat %u ms, delta %llu KiB",
		 MEMBAL_VERSION, cfg.sample_ms, cfg.heartbeat_ms,
		 (unsigned long long)cfg.report_delta_kb);
	watchdog_ms = notify_watchdog_ms();
	/* Ready once configured: waiting for xenstored or for the arbiter's
	 * handover is normal operation, reported in STATUS=. */
	notify_send("READY=1");
	while (!got_term) {
		if (got_hup) {
			got_hup = 0;
			notify_send("RELOADING=1");
			if (load_config(&o, &cfg) == 0) {
				agent_reconfigure(&a, &cfg);
				log_set_level(cfg.log_level);
				log_notice("configuration %s reloaded", o.config);
				refused = "";
			} else {
				log_err("configuration %s rejected; keeping the previous one",
					o.config);
				refused = "; reload refused (see the log for file:line), running on the previous configuration";
			}
			notify_send("READY=1");
			shown = NULL;   /* say it in STATUS= now */
		}
		enum agent_step_result r = agent_step(&a);

		if (watchdog_ms)
			notify_send("WATCHDOG=1");
		if (step_status(r) != shown) {
			shown = step_status(r);
			notify_send("STATUS=%s%s", shown, refused);
		}
		if (!got_term && !got_hup)
			sleep_pinging(agent_sleep_ms(&a), watchdog_ms);
	}
	notify_send("STOPPING=1");
	log_info("stopping after %llu publications", (unsigned long long)a.n.publications);
	agent_close(&a);
	return 0;
}
