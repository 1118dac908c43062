/*
 * membal-agent: runs in a Xen guest, samples /proc/meminfo, filters the
 * free-memory readings and publishes them under
 * /local/domain/<domid>/memory/ for membal-arbiter in dom0 (SPEC §2).
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
#include "common/log.h"
#include "common/parse.h"

#define DEFAULT_CONFIG "/etc/membal/agent.ini"

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
		"  -f, --foreground       log without sd-daemon <N> prefixes\n"
		"  -h, --help             this text\n"
		"  -V, --version          version\n\n"
		"Exit status with --once: 0 published, 1 error, 2 keys not handed over yet,\n"
		"3 xenstored unreachable.\n");
}

struct cli {
	const char *config;
	bool config_given;
	uint32_t domid;
	const char *meminfo;
	const char *sysfs_root;
	bool once;
	bool foreground;
};

static int load_config(const struct cli *o, struct agent_config *c)
{
	struct agent_config n;

	if (!o->config_given && access(o->config, F_OK) != 0) {
		agent_config_defaults(&n);
	} else if (agent_config_load(o->config, &n) < 0) {
		return -1;
	}
	/* Command-line paths beat the file, also after a reload. */
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
	while ((ch = getopt_long(argc, argv, "c:d:m:s:1fhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			o->config_given = true;
			break;
		case 'd':
			if (parse_u64(optarg, 0, 0x7FEF, &v) != PARSE_OK) {
				fprintf(stderr, "membal-agent: --domid '%s': expected 0..32751\n", optarg);
				return 1;
			}
			o->domid = (uint32_t)v;
			break;
		case 'm': o->meminfo = optarg; break;
		case 's': o->sysfs_root = optarg; break;
		case '1': o->once = true; break;
		case 'f': o->foreground = true; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("membal-agent %s (key layout %d)\n", MEMBAL_VERSION,
				 MEMBAL_KEY_LAYOUT_VERSION); exit(0);
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "membal-agent: unexpected argument '%s'\n", argv[optind]);
		return 1;
	}
	return 0;
}

static int once_exit_code(enum agent_step_result r)
{
	switch (r) {
	case STEP_PUBLISHED: case STEP_QUIET: return 0;
	case STEP_NO_HANDOVER: return 2;
	case STEP_NO_XENSTORE: return 3;
	default: return 1;
	}
}

int main(int argc, char **argv)
{
	struct log_config lc = { .level = LOG_INFO, .sd_prefix = true, .limit_ms = 60000 };
	struct agent_config cfg;
	struct agent a;
	struct sigaction sa;
	struct cli o;

	if (parse_cli(argc, argv, &o) != 0)
		return 1;
	lc.sd_prefix = log_stderr_is_journal();
	log_setup("membal-agent", &lc);
	if (load_config(&o, &cfg) < 0) {
		log_err("configuration %s rejected; not starting", o.config);
		return 1;
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
	if (o.once) {
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
	while (!got_term) {
		if (got_hup) {
			got_hup = 0;
			if (load_config(&o, &cfg) == 0) {
				agent_reconfigure(&a, &cfg);
				log_set_level(cfg.log_level);
				log_notice("configuration %s reloaded", o.config);
			} else {
				log_err("configuration %s rejected; keeping the previous one",
					o.config);
			}
		}
		agent_step(&a);
		if (!got_term && !got_hup)
			clock_sleep_ms(agent_sleep_ms(&a));
	}
	log_info("stopping after %llu publications", (unsigned long long)a.n.publications);
	agent_close(&a);
	return 0;
}
