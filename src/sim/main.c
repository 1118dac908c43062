/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-sim: replay a scenario's workloads against the arbiter's real
 * cycle and policy code, once per policy from the same start, and print
 * how each fared (docs/evaluation.md reads the figures;
 * design.md §membal-sim explains the machinery).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent_config.h"
#include "arbiter/arbiter_config.h"
#include "simhost/hv_sim.h"
#include "policy/policy.h"
#include "simhost/scenario.h"
#include "common/config.h"
#include "common/log.h"
#include "sim/fdio.h"
#include "sim/out.h"
#include "common/parse.h"
#include "sim/child.h"
#include "sim/multi.h"
#include "sim/pin.h"
#include "sim/sim.h"

/* Every preset, in policy_preset_names[] order. */
static char default_policies[128];
#define DEFAULT_OUT "membal-sim-out"
#define MAX_POLICIES 16
#define PER_GUEST_DEFAULT_MAX 8

static void usage(FILE *out)
{
	char presets[128];

	fprintf(out,
		"usage: membal-sim [options] SCENARIO.ini...\n"
		"Run each scenario (conf/scenarios/) once per policy, from the same start,\n"
		"against the arbiter's real cycle and policy code, and compare.\n\n"
		"  -p, --policies LIST  comma-separated presets (%s),\n"
		"                       learned (membal, headroom = learned), literal (the same\n"
		"                       with seed 003's listing as the learner)\n"
		"                       and/or arbiter.ini files (default %s)\n"
		"  -c, --config FILE    base arbiter.ini under the presets, and the bounds and\n"
		"                       reserve of the clairvoyant floor (default: built-in)\n"
		"  -d, --duration S     simulated seconds (default: the scenario's duration_s)\n"
		"  -o, --out DIR        summary CSVs, logs, series, plots (default " DEFAULT_OUT ")\n"
		"      --csv            also write the time series <DIR>/<name>.csv, and\n"
		"                       the lagged floor's allocation <DIR>/<name>.lagged.csv\n"
		"      --plot           draw <DIR>/<name>.png with gnuplot\n"
		"      --plot-guests N  most guests in a plot (default 8: those short the most)\n"
		"      --tick-ms N      time series resolution (default 1000)\n"
		"  -j, --jobs N         policies run at once, each in its own process\n"
		"                       (default: the number of CPUs), each kept on one CPU\n"
		"      --no-pin         let each policy's process run on any CPU (slower:\n"
		"                       its threads hand every xenstore request over)\n"
		"  -g, --guests         per-guest rows in the table (default: up to %d guests)\n"
		"      --estimates      each working-set estimator against the true demand,\n"
		"                       per sample, in <DIR>/<name>.<policy>.estimates.csv,\n"
		"                       and their accuracy table at the end\n"
		"  -v, --verbose        arbiter and agent logs at info (default warning),\n"
		"                       in <DIR>/<name>.<policy>.log\n"
		"  -l, --log-level LEVEL  the level of those logs and of membal-sim's own\n"
		"                       messages: err, warning, notice, info or debug\n"
		"  -h, --help           this text\n"
		"  -V, --version        version\n"
		"Exit status: 0 done, 1 a run or a file failed, 2 usage.\n",
		policy_names_join(policy_preset_names, ", ", presets, sizeof(presets)),
		default_policies, PER_GUEST_DEFAULT_MAX);
}

struct cli {
	const char *policies;
	const char *config;
	uint64_t duration_s;     /* 0: the scenario's */
	const char *out;
	bool csv, plot, per_guest, estimates;
	int log_level;           /* of the runs' logs and our own */
	uint64_t tick_ms;
	uint64_t plot_guests;
	uint64_t jobs;
	bool no_pin;             /* --no-pin: no CPU affinity (sim/pin.h) */
};

static int parse_cli(int argc, char **argv, struct cli *o)
{
	static const struct option opts[] = {
		{ "policies", required_argument, NULL, 'p' },
		{ "config", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "csv", no_argument, NULL, 'C' },
		{ "plot", no_argument, NULL, 'P' },
		{ "plot-guests", required_argument, NULL, 'G' },
		{ "tick-ms", required_argument, NULL, 'T' },
		{ "guests", no_argument, NULL, 'g' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "estimates", no_argument, NULL, 'E' },
		{ "no-pin", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	policy_names_join(policy_preset_names, ",", default_policies,
			  sizeof(default_policies));
	*o = (struct cli){ .policies = default_policies, .out = DEFAULT_OUT,
			   .tick_ms = 1000, .plot_guests = 8, .log_level = LOG_WARNING,
			   .jobs = cpus > 0 ? (uint64_t)cpus : 1 };
	while ((c = getopt_long(argc, argv, "p:c:d:o:j:gvl:hV", opts, NULL)) != -1) {
		enum parse_err e = PARSE_OK;

		switch (c) {
		case 'p': o->policies = optarg; break;
		case 'c': o->config = optarg; break;
		case 'd':
			e = parse_u64(optarg, 1, SIM_WORKLOAD_S_MAX, &o->duration_s);
			break;
		case 'o': o->out = optarg; break;
		case 'C': o->csv = true; break;
		case 'P': o->plot = true; break;
		case 'G': e = parse_u64(optarg, 1, 64, &o->plot_guests); break;
		case 'T': e = parse_u64(optarg, 100, 3600000, &o->tick_ms); break;
		case 'j': e = parse_u64(optarg, 1, MAX_POLICIES, &o->jobs); break;
		case 'g': o->per_guest = true; break;
		case 'v': o->log_level = LOG_INFO; break;
		case 'l':
			o->log_level = log_level_from_name(optarg);
			if (o->log_level < 0) {
				fprintf(stderr, "membal-sim: --log-level '%s': expected err, warning, notice, info or debug\n",
					optarg);
				return -1;
			}
			break;
		case 'E': o->estimates = true; break;
		case 'N': o->no_pin = true; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("membal-sim %s\n", MEMBAL_VERSION); exit(0);
		default: usage(stderr); return -1;
		}
		if (e != PARSE_OK) {
			fprintf(stderr, "membal-sim: -%c '%s': %s\n", c == 'G' ? 'G' : c == 'T' ? 'T' : c,
				optarg, parse_strerror(e));
			return -1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "membal-sim: no scenario given\n");
		usage(stderr);
		return -1;
	}
	return 0;
}

/* "conf/scenarios/paper-mono.ini" -> "paper-mono". */
static void base_name(const char *path, char *out, size_t size)
{
	const char *b = strrchr(path, '/');
	size_t len;

	b = b ? b + 1 : path;
	len = strlen(b);
	if (len > 4 && !strcmp(b + len - 4, ".ini"))
		len -= 4;
	snprintf(out, size, "%.*s", (int)len, b);
}

static int load_policies(const struct cli *o, const struct arbiter_config *base,
			 struct sim_policy *pol, size_t *n)
{
	char *list = strdup(o->policies), *save = NULL;

	*n = 0;
	if (!list)
		return -1;
	for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct sim_policy *p = &pol[*n];
		int preset = policy_name_index(policy_preset_names, tok);

		if (*n == MAX_POLICIES) {
			fprintf(stderr, "membal-sim: more than %d policies\n", MAX_POLICIES);
			goto fail;
		}
		p->literal = false;
		if (preset >= 0) {
			p->cfg = *base;
			policy_preset_apply(&p->cfg.policy.params, (enum policy_preset)preset);
			snprintf(p->label, sizeof(p->label), "%s", tok);
		} else if (!strcmp(tok, "learned") || !strcmp(tok, "literal")) {
			/* membal with the learned gap, the consistent learner or
			 * the seed's listing (design.md §The learned gap). */
			p->cfg = *base;
			policy_preset_apply(&p->cfg.policy.params, POLICY_PRESET_MEMBAL);
			p->cfg.policy.params.headroom = POLICY_HEADROOM_LEARNED;
			for (unsigned r = 0; r < p->cfg.nrules; r++)
				p->cfg.rules[r].has_headroom = false;
			p->literal = tok[1] == 'i';
			snprintf(p->label, sizeof(p->label), "%s", tok);
		} else {
			char err[512] = "";

			arbiter_config_defaults(&p->cfg);
			if (arbiter_config_load(tok, &p->cfg, err, sizeof(err)) < 0) {
				/* the file's errors were logged, each with its line */
				fprintf(stderr, "membal-sim: policy '%s' is neither a preset (%s) nor a usable arbiter.ini%s%s\n",
					tok, default_policies, err[0] ? " (see above)" : ": ",
					err[0] ? "" : strerror(errno));
				goto fail;
			}
			base_name(tok, p->label, sizeof(p->label));
		}
		for (size_t i = 0; i < *n; i++)
			if (!strcmp(pol[i].label, p->label)) {
				size_t len = strlen(p->label);

				snprintf(p->label + (len > SIM_LABEL_MAX - 4 ? SIM_LABEL_MAX - 4 : len),
					 4, "#%zu", *n + 1);
				break;
			}
		(*n)++;
	}
	free(list);
	if (*n == 0) {
		fprintf(stderr, "membal-sim: --policies is empty\n");
		return -1;
	}
	return 0;
fail:
	free(list);
	return -1;
}

static int mkdir_p(const char *dir)
{
	char buf[1024];
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, dir, len + 1);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0755) < 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* ---- one process per policy ---- */

/* The child is a fork of this very program: the struct travels as its
 * bytes, the arrays after it. */
static bool send_run(int fd, const struct sim_run *r)
{
	size_t cells = r->n_ticks * r->n_guests * SF_COUNT;

	return fd_write_all(fd, r, sizeof(*r)) &&
	       fd_write_all(fd, r->g, r->n_guests * sizeof(*r->g)) &&
	       fd_write_all(fd, r->series, cells * sizeof(float)) &&
	       fd_write_all(fd, r->host_free, r->n_ticks * sizeof(float)) &&
	       fd_write_all(fd, r->host_scarce, r->n_ticks * sizeof(float));
}

static bool recv_run(int fd, struct sim_run *r)
{
	size_t cells;

	if (!fd_read_all(fd, r, sizeof(*r)))
		return false;
	cells = r->n_ticks * r->n_guests * SF_COUNT;
	r->g = calloc(r->n_guests ? r->n_guests : 1, sizeof(*r->g));
	r->series = calloc(cells ? cells : 1, sizeof(float));
	r->host_free = calloc(r->n_ticks ? r->n_ticks : 1, sizeof(float));
	r->host_scarce = calloc(r->n_ticks ? r->n_ticks : 1, sizeof(float));
	if (!r->g || !r->series || !r->host_free || !r->host_scarce ||
	    !fd_read_all(fd, r->g, r->n_guests * sizeof(*r->g)) ||
	    !fd_read_all(fd, r->series, cells * sizeof(float)) ||
	    !fd_read_all(fd, r->host_free, r->n_ticks * sizeof(float)) ||
	    !fd_read_all(fd, r->host_scarce, r->n_ticks * sizeof(float))) {
		sim_run_free(r);
		return false;
	}
	return true;
}

struct child {
	pid_t pid;
	int fd;
};

static int start_child(const struct cli *o, const char *name,
		       const struct sim_scenario *sc, uint64_t duration_ms,
		       const struct sim_policy *pol, size_t slot, struct child *c)
{
	char logp[1400], estp[1400];
	int p[2];

	if ((size_t)snprintf(logp, sizeof(logp), "%s/%s.%s.log", o->out, name,
			     pol->label) >= sizeof(logp) ||
	    (size_t)snprintf(estp, sizeof(estp), "%s/%s.%s.estimates.csv", o->out, name,
			     pol->label) >= sizeof(estp)) {
		fprintf(stderr, "membal-sim: --out %s: path too long\n", o->out);
		return -1;
	}
	if (pipe(p) < 0) {
		fprintf(stderr, "membal-sim: pipe: %s\n", strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	c->pid = fork();
	if (c->pid < 0) {
		fprintf(stderr, "membal-sim: fork: %s\n", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (c->pid == 0) {
		char what[320];

		snprintf(what, sizeof(what), "%s: %s", name, pol->label);
		struct sim_run_options ro = {
			.duration_ms = duration_ms,
			.tick_ms = o->tick_ms,
			.log_level = o->log_level,
			.log_path = logp,
			.progress = what,
			.estimates_path = o->estimates ? estp : NULL,
			.scenario = name,
		};
		struct sim_run r;

		close(p[0]);
		if (!o->no_pin)
			sim_pin_slot(slot);
		if (sim_run_policy(sc, pol, &ro, &r) < 0)
			_exit(1);
		fprintf(stderr, "membal-sim: %s: %s done in %.1f s\n", name, pol->label, r.wall_s);
		_exit(send_run(p[1], &r) ? 0 : 1);
	}
	close(p[1]);
	c->fd = p[0];
	return 0;
}

static int finish_child(struct child *c, struct sim_run *r)
{
	bool ok = recv_run(c->fd, r);

	close(c->fd);
	if (!child_exited_ok(c->pid, NULL)) {
		if (ok)
			sim_run_free(r);
		return -1;
	}
	return ok ? 0 : -1;
}

/* Every policy from the same start, up to o->jobs at once. */
static int run_all(const struct cli *o, const char *name, const struct sim_scenario *sc,
		   uint64_t duration_ms, const struct sim_policy *pol, size_t n_pol,
		   struct sim_run *runs)
{
	struct child ch[MAX_POLICIES];
	size_t started = 0, done = 0;
	int rc = 0;

	while (done < n_pol) {
		while (rc == 0 && started < n_pol && started - done < o->jobs) {
			if (start_child(o, name, sc, duration_ms, &pol[started],
					started % o->jobs, &ch[started]) < 0) {
				rc = -1;
				break;
			}
			started++;
		}
		if (done == started)
			break;
		if (finish_child(&ch[done], &runs[done]) < 0) {
			fprintf(stderr, "membal-sim: %s: policy %s failed (see %s/%s.%s.log)\n",
				name, pol[done].label, o->out, name, pol[done].label);
			memset(&runs[done], 0, sizeof(runs[done]));
			rc = -1;
		}
		done++;
	}
	if (rc < 0)
		for (size_t i = 0; i < done; i++)
			sim_run_free(&runs[i]);
	return rc;
}

/* --estimates: the files written, for the accuracy table at the end. */
#define MAX_ESTIMATES 4096
static const char *est_paths[MAX_ESTIMATES], *est_names[MAX_ESTIMATES];
static size_t n_est;

/* --csv: the lagged floor's allocation, <DIR>/<name>.lagged.csv, to read
 * beside the policies' series (sim_floor_lagged_series). */
static int lagged_csv(const struct cli *o, const char *name,
		      const struct sim_scenario *sc,
		      const struct arbiter_config *base, uint64_t duration_ms)
{
	struct agent_config ac;
	char *path = NULL;
	FILE *f;

	agent_config_defaults(&ac);
	if (asprintf(&path, "%s/%s.lagged.csv", o->out, name) < 0)
		return -1;
	f = sim_out_open(path);
	if (!f) {
		free(path);
		return -1;
	}
	fprintf(f, "time_s,guest,need_mb,need_then_mb,target_mb,alloc_mb,short_mb\n");
	uint64_t kills;

	sim_floor_lagged_series(sc, base, duration_ms, SIM_MODEL_STEP_MS,
				(uint64_t)ac.sample_ms + base->interval_ms, f, o->tick_ms,
				&kills);

	int rc = sim_out_close(f, path);

	free(path);
	return rc;
}

static int run_scenario(const struct cli *o, const char *path,
			const struct arbiter_config *base,
			const struct sim_policy *pol, size_t n_pol)
{
	struct sim_scenario sc;
	struct cfg_file f;
	struct sim_run runs[MAX_POLICIES];
	char name[256];
	struct sim_report rep = { .name = name, .sc = &sc, .base = base, .runs = runs };
	uint64_t duration_ms;
	int rc = 0;

	/* Several hosts: [host NAME] sections (src/sim/multi_*.c). */
	if (multi_scenario_is(path) > 0) {
		base_name(path, name, sizeof(name));
		struct multi_cli mc = { .duration_s = o->duration_s, .tick_ms = o->tick_ms,
					.jobs = o->jobs, .plot = o->plot,
					.no_pin = o->no_pin,
					.log_level = o->log_level, .out = o->out };

		return multi_main(path, name, pol, n_pol, &mc);
	}
	if (sim_scenario_load(path, &sc, &f) < 0) {
		/* each error was logged with its file:line already */
		fprintf(stderr, "membal-sim: %s: scenario not run (%u error%s above)\n",
			path, f.errors, f.errors == 1 ? "" : "s");
		return -1;
	}
	base_name(path, name, sizeof(name));
	duration_ms = o->duration_s ? o->duration_s * 1000 : sc.duration_ms;
	rep.duration_s = (double)duration_ms / 1000;
	rep.floor_mibs = sim_floor_scenario(&sc, base, duration_ms, SIM_MODEL_STEP_MS);
	{
		/* A causal policy sees a change one agent sample and one
		 * arbiter interval late at best. */
		struct agent_config ac;

		agent_config_defaults(&ac);
		rep.lag_s = (double)(ac.sample_ms + base->interval_ms) / 1000;
		rep.lagged_floor_mibs = sim_floor_lagged_series(&sc, base, duration_ms,
								SIM_MODEL_STEP_MS,
								(uint64_t)ac.sample_ms + base->interval_ms,
								NULL, 0, &rep.lagged_oom_kills);
	}
	if (run_all(o, name, &sc, duration_ms, pol, n_pol, runs) < 0) {
		sim_scenario_free(&sc);
		return -1;
	}
	rep.n_runs = n_pol;
	for (size_t i = 0; o->estimates && i < n_pol && n_est < MAX_ESTIMATES; i++) {
		char *pth = NULL, *nm = NULL;

		if (asprintf(&pth, "%s/%s.%s.estimates.csv", o->out, name, pol[i].label) < 0 ||
		    asprintf(&nm, n_pol > 1 ? "%s (%s)" : "%s", name, pol[i].label) < 0) {
			rc = -1;
			break;
		}
		est_paths[n_est] = pth;
		est_names[n_est++] = nm;
	}
	sim_report_print(&rep, o->per_guest || sc.n_guests <= PER_GUEST_DEFAULT_MAX);
	if (sim_report_csv(&rep, o->out) < 0)
		rc = -1;
	if (o->csv && sim_series_csv(&rep, o->out) < 0)
		rc = -1;
	if (o->csv && lagged_csv(o, name, &sc, base, duration_ms) < 0)
		rc = -1;
	if (o->plot) {
		if (sim_plot(&rep, o->out, o->plot_guests) < 0)
			rc = -1;
		else
			printf("   plot: %s/%s.png\n", o->out, name);
	}
	fflush(stdout);
	for (size_t i = 0; i < rep.n_runs; i++)
		sim_run_free(&runs[i]);
	sim_scenario_free(&sc);
	return rc;
}

/* An executable file named prog in a directory of PATH. */
static bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char dir[4096];

	if (!path || !*path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		if ((size_t)snprintf(dir, sizeof(dir), "%.*s/%s", (int)n,
				     n ? path : ".", prog) < sizeof(dir) &&
		    access(dir, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

int main(int argc, char **argv)
{
	struct log_config lc = { .level = LOG_WARNING, .sd_prefix = false, .limit_ms = 60000 };
	static struct arbiter_config base;
	static struct sim_policy pol[MAX_POLICIES];
	size_t n_pol;
	struct cli o;
	int rc = 0;

	if (parse_cli(argc, argv, &o) < 0)
		return 2;
	lc.level = o.log_level;
	lc.sd_prefix = log_stderr_is_journal();
	log_setup("membal-sim", &lc);
	arbiter_config_defaults(&base);
	if (o.config) {
		char err[512] = "";

		if (arbiter_config_load(o.config, &base, err, sizeof(err)) < 0) {
			fprintf(stderr, "membal-sim: --config %s rejected%s%s\n", o.config,
				err[0] ? " (see above)" : ": ", err[0] ? "" : strerror(errno));
			return 1;
		}
	}
	if (load_policies(&o, &base, pol, &n_pol) < 0)
		return 2;
	/* --plot without gnuplot: say so now, not after a long run */
	if (o.plot && !in_path("gnuplot")) {
		fprintf(stderr, "membal-sim: --plot needs gnuplot, which is not in PATH (Debian: apt-get install gnuplot-nox)\n");
		return 1;
	}
	if (mkdir_p(o.out) < 0) {
		fprintf(stderr, "membal-sim: --out %s: %s\n", o.out, strerror(errno));
		return 1;
	}
	for (int i = optind; i < argc; i++)
		if (run_scenario(&o, argv[i], &base, pol, n_pol) < 0)
			rc = 1;
	if (o.estimates && sim_accuracy_report(est_paths, est_names, n_est, stdout) < 0)
		rc = 1;
	for (size_t i = 0; i < n_est; i++) {
		free((char *)est_paths[i]);
		free((char *)est_names[i]);
	}
	return rc;
}
