/*
 * membal-arbiter: the dom0 daemon. Every interval it reads the domains'
 * figures, decides targets (policy.c) and applies them (cycle.c); see
 * SPEC §3 and docs/design.md.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "arbiter/arbiter.h"
#include "arbiter/control.h"
#include "simhost/hv_sim.h"
#include "arbiter/status.h"
#include "common/clock.h"
#include "common/log.h"

#define DEFAULT_CONFIG "/etc/membal/arbiter.ini"

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
		"usage: membal-arbiter [options]\n"
		"Balance memory between the domains of this Xen host.\n\n"
		"  -c, --config FILE      configuration (default " DEFAULT_CONFIG ";\n"
		"                         a missing default file means built-in defaults)\n"
		"  -b, --backend xen|sim  hypervisor backend (default: the config's, xen)\n"
		"  -s, --scenario FILE    sim backend: the simulated host (default: the config's sim_scenario)\n"
		"      --sim-agents none|inprocess|external\n"
		"                         sim backend: who publishes the guests' figures (default inprocess)\n"
		"      --sim-guest-dir DIR  sim backend: where guests' meminfo/sysfs files go\n"
		"      --sim-xsd-control PATH  sim backend: membal-test-xenstored's control socket\n"
		"                         (domain sockets for external agents)\n"
		"  -n, --dry-run          decide and log, write nothing\n"
		"  -1, --once             run one cycle and exit\n"
		"  -f, --foreground       log without sd-daemon <N> prefixes\n"
		"  -h, --help             this text\n"
		"  -V, --version          version\n");
}

struct cli {
	const char *config;
	bool config_given;
	int backend;           /* -1: from the config */
	const char *scenario;
	int sim_agents;
	const char *sim_guest_dir;
	const char *sim_xsd_control;
	bool dry_run, once, foreground;
};

static int parse_cli(int argc, char **argv, struct cli *o)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "backend", required_argument, NULL, 'b' },
		{ "scenario", required_argument, NULL, 's' },
		{ "sim-agents", required_argument, NULL, 'A' },
		{ "sim-guest-dir", required_argument, NULL, 'G' },
		{ "sim-xsd-control", required_argument, NULL, 'X' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "once", no_argument, NULL, '1' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->config = DEFAULT_CONFIG;
	o->backend = -1;
	o->sim_agents = SIM_AGENTS_INPROCESS;
	while ((ch = getopt_long(argc, argv, "c:b:s:n1fhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; o->config_given = true; break;
		case 'b':
			if (!strcmp(optarg, "xen"))
				o->backend = ARB_BACKEND_XEN;
			else if (!strcmp(optarg, "sim"))
				o->backend = ARB_BACKEND_SIM;
			else {
				fprintf(stderr, "membal-arbiter: --backend '%s': expected xen or sim\n", optarg);
				return 1;
			}
			break;
		case 's': o->scenario = optarg; break;
		case 'A':
			if (!strcmp(optarg, "none"))
				o->sim_agents = SIM_AGENTS_NONE;
			else if (!strcmp(optarg, "inprocess"))
				o->sim_agents = SIM_AGENTS_INPROCESS;
			else if (!strcmp(optarg, "external"))
				o->sim_agents = SIM_AGENTS_EXTERNAL;
			else {
				fprintf(stderr, "membal-arbiter: --sim-agents '%s': expected none, inprocess or external\n", optarg);
				return 1;
			}
			break;
		case 'G': o->sim_guest_dir = optarg; break;
		case 'X': o->sim_xsd_control = optarg; break;
		case 'n': o->dry_run = true; break;
		case '1': o->once = true; break;
		case 'f': o->foreground = true; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("membal-arbiter %s\n", MEMBAL_VERSION); exit(0);
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "membal-arbiter: unexpected argument '%s'\n", argv[optind]);
		return 1;
	}
	return 0;
}

static int load_config(const struct cli *o, struct arbiter_config *c)
{
	char first[512];

	if (!o->config_given && access(o->config, F_OK) != 0) {
		arbiter_config_defaults(c);
		return 0;
	}
	return arbiter_config_load(o->config, c, first, sizeof(first));
}

static int open_backend(const struct cli *o, const struct arbiter_config *c,
			struct hv *hv)
{
	int backend = o->backend >= 0 ? o->backend : (int)c->backend;

	if (backend == ARB_BACKEND_XEN) {
		if (hv_xen_open(hv) < 0) {
			log_err("cannot open the hypervisor (libxenctrl/libxenlight): %s; is this dom0 with xenfs mounted?",
				strerror(errno));
			return -1;
		}
		return 0;
	}
	const char *scenario = o->scenario ? o->scenario : c->sim_scenario;

	if (!scenario || !*scenario) {
		log_err("--backend sim needs --scenario FILE or [daemon] sim_scenario");
		return -1;
	}
	struct sim_options so = {
		.scenario_path = scenario,
		.xsd_control_path = o->sim_xsd_control,
		.guest_dir = o->sim_guest_dir,
		.agents = (enum sim_agents)o->sim_agents,
	};

	if (!getenv("XENSTORED_PATH")) {
		log_err("--backend sim needs XENSTORED_PATH: the simulated host never touches the real xenstored");
		return -1;
	}
	if (hv_sim_open(hv, &so) < 0) {
		log_err("cannot start the simulated host from %s", scenario);
		return -1;
	}
	return 0;
}

static void publish(struct arbiter *a)
{
	if (a->cfg.status_file[0] && status_write_json(a, a->cfg.status_file) < 0)
		log_limited(LOG_WARNING, "arbiter:status", "cannot write %s: %s",
			    a->cfg.status_file, strerror(errno));
	if (a->cfg.metrics_file[0] && status_write_metrics(a, a->cfg.metrics_file) < 0)
		log_limited(LOG_WARNING, "arbiter:metrics", "cannot write %s: %s",
			    a->cfg.metrics_file, strerror(errno));
}

/* Wait until the next cycle is due, answering membalctl meanwhile. */
static void wait_next(struct arbiter *a, int ctl_fd, uint64_t due)
{
	while (!got_term && !got_hup) {
		uint64_t now = clock_now_ms();

		if (now >= due)
			return;
		if (clock_is_driven()) {
			clock_advance(due - now);
			return;
		}
		struct pollfd p = { .fd = ctl_fd, .events = POLLIN };
		int rc = poll(&p, ctl_fd >= 0 ? 1 : 0, (int)(due - now));

		if (rc > 0)
			control_serve(ctl_fd, a);
	}
}

int main(int argc, char **argv)
{
	struct log_config lc = { .level = LOG_INFO, .sd_prefix = true, .limit_ms = 60000 };
	struct arbiter_config *cfg = malloc(sizeof(*cfg));
	struct arbiter a;
	struct hv hv = { 0 };
	struct sigaction sa;
	struct cli o;
	int ctl_fd = -1;

	if (!cfg || parse_cli(argc, argv, &o) != 0)
		return 1;
	lc.sd_prefix = log_stderr_is_journal();
	log_setup("membal-arbiter", &lc);
	if (load_config(&o, cfg) < 0) {
		log_err("configuration %s rejected; not starting", o.config);
		return 1;
	}
	log_set_level(cfg->log_level);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (open_backend(&o, cfg, &hv) < 0)
		return 1;
	if (arbiter_init(&a, cfg, &hv, o.dry_run) < 0) {
		log_err("cannot allocate state for %u domains", cfg->max_domains);
		hv.ops->close(&hv);
		return 1;
	}
	if (!o.once && cfg->control_socket[0]) {
		ctl_fd = control_listen(cfg->control_socket);
		if (ctl_fd < 0)
			log_warn("no control socket %s (%s): membalctl pause/resume/reserve unavailable",
				 cfg->control_socket, strerror(errno));
	}
	log_info("membal-arbiter %s started: backend %s, interval %u ms, solver %s%s",
		 MEMBAL_VERSION, hv.ops->name, cfg->interval_ms,
		 policy_solver_names[cfg->policy.params.solver],
		 o.dry_run ? ", dry run (nothing is written)" : "");

	bool ready = false;
	uint64_t due = clock_now_ms();

	while (!got_term) {
		if (got_hup) {
			struct arbiter_config *n = malloc(sizeof(*n));

			got_hup = 0;
			sd_notify(0, "RELOADING=1");
			if (n && load_config(&o, n) == 0) {
				arbiter_reconfigure(&a, n);
				log_set_level(n->log_level);
				log_notice("configuration %s reloaded", o.config);
			} else {
				log_err("configuration %s rejected; keeping the previous one",
					o.config);
			}
			free(n);
			sd_notify(0, "READY=1");
		}
		arbiter_cycle(&a);
		publish(&a);
		if (!ready) {
			sd_notify(0, "READY=1");
			ready = true;
		}
		sd_notifyf(0, "STATUS=%s, %zu domains, %llu target writes",
			   policy_mode_name(a.cycle.mode), a.ndoms,
			   (unsigned long long)a.n.target_writes);
		if (o.once)
			break;
		due += a.cfg.interval_ms;
		if (due < clock_now_ms())
			due = clock_now_ms();   /* a slow cycle: do not catch up in bursts */
		wait_next(&a, ctl_fd, due);
	}
	sd_notify(0, "STOPPING=1");
	log_info("stopping: targets stay as they are");
	arbiter_shutdown(&a);
	control_close(ctl_fd, cfg->control_socket);
	arbiter_free(&a);
	hv.ops->close(&hv);
	free(cfg);
	return 0;
}
