/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-arbiter: the dom0 daemon. Every interval it reads the domains'
 * figures, decides targets (src/policy) and applies them (cycle.c); see
 * design.md §Arbiter daemon. This file is the process around the cycle: options,
 * the one-arbiter lock, signals, reloads, the control socket and the
 * service manager's notifications (READY, RELOADING, STATUS, WATCHDOG).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arbiter/arbiter.h"
#include "arbiter/control.h"
#include "arbiter/lock.h"
#include "arbiter/options.h"
#include "simhost/hv_sim.h"
#include "arbiter/status.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/notify.h"
#include "common/xenrole.h"

static volatile sig_atomic_t got_term, got_hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

/* Load the file (or the defaults when the default file is absent) and
 * apply the command line over it. first receives the first error. */
static int load_config(const struct arbiter_options *o, struct arbiter_config *c,
		       char *first, size_t size)
{
	snprintf(first, size, "%s: cannot be loaded", o->config);
	if (!o->config_given && access(o->config, F_OK) != 0)
		arbiter_config_defaults(c);
	else if (arbiter_config_load(o->config, c, first, size) < 0)
		return -1;
	if (o->log_level >= 0)
		c->log_level = o->log_level;
	/* A dry run beside a live arbiter must not replace its files: it
	 * writes only where its own command line says. */
	if (o->dry_run) {
		c->status_file[0] = c->metrics_file[0] = c->control_socket[0] = '\0';
	}
	if (o->status_file)
		snprintf(c->status_file, sizeof(c->status_file), "%s", o->status_file);
	if (o->metrics_file)
		snprintf(c->metrics_file, sizeof(c->metrics_file), "%s", o->metrics_file);
	return 0;
}

static int open_backend(const struct arbiter_options *o, const struct arbiter_config *c,
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

/* The watchdog wants a ping at least every half of WatchdogSec. Pings
 * come only from this thread between cycles, so a cycle stuck on
 * xenstored or a hypercall stops them and systemd restarts us. */
static uint64_t watchdog_ms, watchdog_last;

static void watchdog_ping(void)
{
	if (!watchdog_ms)
		return;
	notify_send("WATCHDOG=1");
	watchdog_last = clock_now_ms();
}

/* Wait until the next cycle is due, answering membalctl meanwhile. */
static void wait_next(struct arbiter *a, int ctl_fd, uint64_t due)
{
	while (!got_term && !got_hup) {
		uint64_t now = clock_now_ms(), wait, wake;

		if (now >= due)
			return;
		if (clock_is_driven()) {
			clock_advance(due - now);
			return;
		}
		/* a parked `await` whose time comes first is answered then */
		wake = control_wake_due(due);
		wait = wake > now ? wake - now : 0;
		if (watchdog_ms) {
			uint64_t ping_due = watchdog_last + watchdog_ms / 2;

			if (now >= ping_due) {
				watchdog_ping();
				ping_due = watchdog_last + watchdog_ms / 2;
			}
			if (ping_due > now && ping_due - now < wait)
				wait = ping_due - now;
		}
		struct pollfd p = { .fd = ctl_fd, .events = POLLIN };
		int rc = poll(&p, ctl_fd >= 0 ? 1 : 0, (int)wait);

		if (rc > 0)
			control_serve(ctl_fd, a);
		control_wake(a, clock_now_ms());   /* awaits whose time is up */
	}
}

static int check_config(const struct arbiter_options *o)
{
	struct arbiter_config *c = malloc(sizeof(*c));
	char first[512];

	if (!c)
		return 1;
	if (load_config(o, c, first, sizeof(first)) < 0) {
		fprintf(stderr, "membal-arbiter: %s: configuration rejected\n", o->config);
		free(c);
		return 1;
	}
	if (!o->quiet) {
		cfg_print_origin(stdout, o->config, o->config_given);
		arbiter_config_print(stdout, c);
	}
	free(c);
	return 0;
}

/* SIGHUP: re-read the file. A refused file keeps the running
 * configuration and says so in STATUS= until a good one is loaded. */
static void reload(struct arbiter *a, const struct arbiter_options *o,
		   char *refused, size_t size)
{
	struct arbiter_config *n = malloc(sizeof(*n));
	char first[512];

	notify_send("RELOADING=1");
	if (n && load_config(o, n, first, sizeof(first)) == 0) {
		if (strcmp(n->lock_file, a->cfg.lock_file) != 0)
			log_warn("lock_file changed to %s: takes effect at the next start",
				 n->lock_file);
		arbiter_reconfigure(a, n);
		log_set_level(n->log_level);
		log_notice("configuration %s reloaded", o->config);
		refused[0] = '\0';
	} else {
		log_err("configuration %s rejected; keeping the previous one", o->config);
		snprintf(refused, size, "; reload refused (%s), running on the previous configuration",
			 n ? first : "out of memory");
	}
	free(n);
	notify_send("READY=1");
}

int main(int argc, char **argv)
{
	struct log_config lc = { .level = LOG_INFO, .sd_prefix = false, .limit_ms = 60000 };
	struct arbiter_config *cfg;
	struct arbiter_options o;
	struct arbiter a;
	struct hv hv = { 0 };
	struct sigaction sa;
	struct stat ctl_made;
	char first[512], refused[700] = "";
	int ctl_fd = -1, lock_fd = -1, rc;

	rc = arbiter_options_parse(argc, argv, &o);
	if (rc != 0)
		return rc;
	lc.sd_prefix = log_stderr_is_journal();
	if (o.log_level >= 0)
		lc.level = o.log_level;
	log_setup("membal-arbiter", &lc);
	if (o.check_host)
		return xen_role_check_host("membal-arbiter", XEN_ROLE_DOM0,
					   "the arbiter runs in dom0 only");
	if (o.check_config)
		return check_config(&o);
	cfg = malloc(sizeof(*cfg));
	if (!cfg)
		return 1;
	if (load_config(&o, cfg, first, sizeof(first)) < 0) {
		log_err("configuration %s rejected; not starting", o.config);
		notify_send("STATUS=configuration rejected: %s", first);
		free(cfg);
		return EXIT_CONFIG;
	}
	log_set_level(cfg->log_level);

	/* One arbiter per host, decided before anything else is touched. */
	if (o.dry_run) {
		pid_t live = arbiter_lock_holder(cfg->lock_file);

		if (live > 0)
			log_notice("a live membal-arbiter (pid %ld) is running; this dry run leaves its "
				   "control socket, status and metrics files alone", (long)live);
	} else {
		pid_t holder;

		lock_fd = arbiter_lock_take(cfg->lock_file, &holder);
		if (lock_fd < 0) {
			if (errno == EWOULDBLOCK)
				log_err("another membal-arbiter (pid %ld) holds %s; not starting "
					"(--dry-run runs beside it)", (long)holder, cfg->lock_file);
			else
				log_err("cannot lock %s: %s; not starting", cfg->lock_file,
					strerror(errno));
			free(cfg);
			return 1;
		}
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	watchdog_ms = notify_watchdog_ms();

	if (open_backend(&o, cfg, &hv) < 0) {
		arbiter_lock_release(lock_fd);
		free(cfg);
		return 1;
	}
	if (arbiter_init(&a, cfg, &hv, o.dry_run) < 0) {
		log_err("cannot allocate state for %u domains", cfg->max_domains);
		hv.ops->close(&hv);
		arbiter_lock_release(lock_fd);
		free(cfg);
		return 1;
	}
	if (!o.once && cfg->control_socket[0]) {
		ctl_fd = control_listen(cfg->control_socket, &ctl_made);
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
			got_hup = 0;
			reload(&a, &o, refused, sizeof(refused));
		}
		arbiter_cycle(&a);
		control_wake(&a, clock_now_ms());   /* awaits this cycle made ready */
		publish(&a);
		watchdog_ping();
		if (!ready) {
			notify_send("READY=1");
			ready = true;
		}
		notify_send("STATUS=%s, %zu domains, %llu target writes%s%s",
			    policy_mode_name(a.cycle.mode), a.ndoms,
			    (unsigned long long)a.n.target_writes,
			    o.dry_run ? ", dry run" : "", refused);
		if (o.once)
			break;
		if (!a.early) {
			due += a.cfg.interval_ms;
			if (due < clock_now_ms())
				due = clock_now_ms();   /* a slow cycle: do not catch up in bursts */
		}
		wait_next(&a, ctl_fd, arbiter_next_cycle(&a, clock_now_ms(), due));
	}
	notify_send("STOPPING=1");
	log_info("stopping: targets stay as they are");
	arbiter_shutdown(&a);
	if (a.cfg.metrics_file[0])
		status_write_metrics_down(a.cfg.metrics_file);   /* membal_up 0 */
	control_await_close();
	control_close(ctl_fd, cfg->control_socket, &ctl_made);
	arbiter_free(&a);
	hv.ops->close(&hv);
	arbiter_lock_release(lock_fd);
	free(cfg);
	return 0;
}
