/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-sim: what one run of one policy on one scenario produced, shared
 * by the modules of src/sim (one job each):
 *
 *   run.c     a fresh test xenstored + sim backend + arbiter per policy,
 *             driven on the simulated clock; collects sim_run
 *   floor.c   the clairvoyant floor (per-instant water-filling)
 *   metrics.c per-run figures from the per-guest ones (totals, Gini, t90)
 *   report.c  the summary table (policies as columns) and summary CSVs
 *   csv.c     the time series CSV
 *   plot.c    gnuplot: one PNG per scenario
 *   main.c    the command line
 *
 * Units in results: MiB, seconds, MiB*s.
 */
#ifndef MEMBAL_SIM_SIM_H
#define MEMBAL_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arbiter/arbiter_config.h"
#include "arbiter/manage.h"
#include "simhost/scenario.h"

#define SIM_LABEL_MAX 32

/* A policy to run: a preset over the base configuration, or a file. */
struct sim_policy {
	char label[SIM_LABEL_MAX];
	struct arbiter_config cfg;
	bool literal;             /* the seed's listing for the learned gap */
};

/* ---- literal_hook.c: the `literal` policy (sim/gap_literal.h) ---- */
struct arbiter;
/* Install the listing as a's learner; the context, or NULL. */
void *sim_literal_attach(struct arbiter *a, size_t max_domains);
/* Free it; *out_of_range (optional): indices the listing would abort on
 * or write past its table with. */
void sim_literal_detach(void *ctx, uint64_t *out_of_range);

/* Per guest per recorded tick. */
enum sim_field {
	SF_DEMAND,     /* the workload's demand */
	SF_TARGET,     /* memory/target as the arbiter last wrote or read it */
	SF_ACTUAL,     /* N_i: what the domain holds, target units */
	SF_MEMTOTAL,   /* the guest's MemTotal */
	SF_CACHE,      /* page cache */
	SF_SWAP,       /* swap in use */
	SF_PSI,        /* psi some avg10, percent */
	SF_COUNT
};

struct sim_guest_result {
	bool ran;                 /* the domain existed at some point, or
				   * should have (not_started) */
	bool not_started;         /* `xl create` failed: no free memory */
	bool managed;             /* the policy was allowed to decide it */
	double elapsed_s;
	double shortfall_mibs;    /* integral of max(0, demand - MemTotal) */
	double demand_mibs;
	double idle_mibs;         /* integral of max(0, MemTotal - demand) */
	double swapin_mib;
	double stall_s;
	uint64_t oom_kills;
	double oom_s;             /* OOM time (down or over): sim_dom_metrics.oom_ms */
	uint64_t job_restarts;
	uint64_t bursts;
	double work_s;            /* 0: no job */
	double done_s;            /* completion time from the guest's start; < 0: not done */
	double progress_s;
	uint64_t starve_episodes; /* MemTotal below 90 % of demand */
	double starve_total_s;
	double starve_max_s;
	uint64_t target_writes;
};

struct sim_run {
	char label[SIM_LABEL_MAX];
	size_t n_guests;          /* the scenario's, in its (domid) order */
	struct sim_guest_result *g;
	uint64_t target_writes;
	uint64_t cycles;
	uint64_t oom_events;      /* seen by the arbiter */
	uint64_t pressure_holds;
	bool literal;             /* ran the `literal` learner */
	uint64_t literal_out_of_range;
	double host_free_mean_mib;
	double wall_s;            /* real time the run took */
	/* time series, one tick per tick_ms */
	size_t n_ticks;
	uint64_t tick_ms;
	float *series;            /* [tick][guest][SF_COUNT] */
	float *host_free;         /* [tick], MiB */
	float *host_scarce;       /* [tick], 1 when the cycle was scarce or infeasible */
};

static inline float *sim_run_at(const struct sim_run *r, size_t tick, size_t guest)
{
	return &r->series[(tick * r->n_guests + guest) * SF_COUNT];
}

void sim_run_free(struct sim_run *r);

/* ---- run.c ---- */
struct sim_run_options {
	uint64_t duration_ms;
	uint64_t tick_ms;         /* series resolution */
	int log_level;
	const char *log_path;     /* NULL: logs go nowhere */
	const char *progress;     /* "scenario: policy" for progress lines on
				   * stderr once a run passes a few seconds;
				   * NULL: silent */
	const char *estimates_path; /* NULL: no estimator CSV (accuracy.c) */
	const char *scenario;     /* its name, for that CSV */
};

/* 0, or -1 with the reason logged on stderr. */
int sim_run_policy(const struct sim_scenario *sc, const struct sim_policy *pol,
		   const struct sim_run_options *o, struct sim_run *out);

/* ---- accuracy.c ---- */
struct dom;
void sim_estimates_header(FILE *f);
/* One sample: ad is the arbiter's view of the guest (NULL: none yet). */
void sim_estimates_row(FILE *f, const char *scenario, const char *policy,
		       double t_s, const char *guest, uint64_t truth_kb,
		       const struct dom *ad);
/* The accuracy table of the CSVs paths[i] (scenario names[i]) on out. */
int sim_accuracy_report(const char *const *paths, const char *const *names,
			size_t n, FILE *out);

/* ---- floor.c ---- */
struct floor_item {
	uint64_t need_kb;         /* demand + overhead, target units */
	uint64_t min_kb, max_kb;  /* L_i, H_i */
};

/* The least sum of max(0, need_i - N_i) any allocation with
 * min_i <= N_i <= max_i and sum N_i <= budget_kb reaches (KiB). When the
 * minimums alone exceed the budget, every N_i = min_i. */
uint64_t sim_floor_instant(const struct floor_item *it, size_t n,
			   int64_t budget_kb);

/* The kill-aware floor at one instant, where the OOM kill frees the
 * workload's memory (oom_restart_s > 0): a guest either has at least
 * keep_kb (its need beyond its swap: it lives) or is killed, holds its
 * minimum and lacks dead_kb (its whole demand short while down, the rest
 * against L_i, as the guest model charges). */
struct floor_kill_item {
	uint64_t need_kb;         /* demand + overhead, target units */
	uint64_t min_kb, top_kb;  /* L_i, min(need_i, H_i) */
	uint64_t keep_kb;         /* the least allocation it lives at */
	uint64_t dead_kb;         /* its shortfall while killed (>= need - min) */
	bool may_die;             /* false: the kill frees nothing, never chosen */
	bool down;                /* killed and not restarted yet: dead */
};

/* The least a living guest holds: max(L_i, keep) for one that may die. */
static inline uint64_t sim_floor_kill_lo(const struct floor_kill_item *x)
{
	return x->may_die && x->keep_kb > x->min_kb ? x->keep_kb : x->min_kb;
}

/* The least total shortfall over the choice of which may_die guests live,
 * the spare budget water-filled over the living (KiB). kept[i] on entry:
 * a set to try besides the search's own (e.g. the one a plain
 * water-filling keeps; NULL entries: none); on return, the set chosen.
 * Exact over up to SIM_FLOOR_KILL_EXACT candidates, greedy beyond (by
 * demand saved per KiB needed to keep alive, never worse than the set
 * passed in). Never above that set's charged shortfall, never below
 * sim_floor_instant() of the same needs. */
#define SIM_FLOOR_KILL_EXACT 8
/* floor_kill.c */
uint64_t sim_floor_kill_instant(const struct floor_kill_item *it, size_t n,
				int64_t budget_kb, bool *kept);

/* Whether the arbiter would decide guest g under cfg (the management rule
 * of src/arbiter/manage.h, and an agent) at scenario time t_ms, with the
 * static-max in force then (static_max_at); *v gets the rule's verdict.
 * sim_guest_rule(): at its boot. */
bool sim_guest_rule_at(const struct arbiter_config *cfg,
		       const struct sim_guest_spec *g, uint64_t t_ms,
		       struct manage_verdict *v);
static inline bool sim_guest_rule(const struct arbiter_config *cfg,
				  const struct sim_guest_spec *g,
				  struct manage_verdict *v)
{
	return sim_guest_rule_at(cfg, g, 0, v);
}

/* The bounds the floors give a managed guest: [lo, hi] (L_i, H_i), or
 * its creation size when its balloon driver never moves (`follows =
 * no`): no allocator, clairvoyant or not, can take any of that memory
 * or give it more, and its need beyond it stays short (the floors once
 * moved it like anyone's, and a policy was measured against memory
 * nobody could reach: docs/evaluation.md, "Session 19: held-out
 * shapes (break19)"). */
static inline void sim_floor_bounds(const struct sim_guest_spec *g, uint64_t lo,
				    uint64_t hi, uint64_t *min_kb, uint64_t *max_kb)
{
	*min_kb = g->follows ? lo : g->memory_kb;
	*max_kb = g->follows ? hi : g->memory_kb;
}

/* The floor over the scenario's duration, at step_ms (MiB*s), under the
 * bounds and reserve of cfg. NULL items scratch: allocated inside. */
double sim_floor_scenario(const struct sim_scenario *sc,
			  const struct arbiter_config *cfg, uint64_t duration_ms,
			  uint64_t step_ms);

/* The lagged floor (floor.c): the same water-filling against the need
 * lag_ms ago, reached at each guest's balloon speed (MiB*s). */
double sim_floor_lagged(const struct sim_scenario *sc,
			const struct arbiter_config *cfg, uint64_t duration_ms,
			uint64_t step_ms, uint64_t lag_ms);
/* The same, writing every tick_ms one CSV row per running managed guest
 * to series (no header; NULL: none): time_s,guest,need_mb,need_then_mb,
 * target_mb,alloc_mb,short_mb (target units; short_mb is the lack of the
 * allocation, without the demand of a killed workload); *oom_kills gets,
 * with oom_restart_s = 0, the OOM kills the guest model would count at
 * that allocation (a guest's lack first exceeding its swap); with > 0 the
 * kills of the kill-aware floor, whose shortfall counts a killed
 * workload's demand while it is down:
 * design.md §Metrics (per guest, summed over the managed guests per run) */
double sim_floor_lagged_series(const struct sim_scenario *sc,
			       const struct arbiter_config *cfg, uint64_t duration_ms,
			       uint64_t step_ms, uint64_t lag_ms, FILE *series,
			       uint64_t tick_ms, uint64_t *oom_kills);

/* ---- metrics.c ---- */
struct sim_summary {
	size_t managed;
	double shortfall_mibs;    /* managed guests */
	double demand_mibs;
	double swapin_mib;
	uint64_t oom_kills;
	double oom_s;             /* summed over the managed guests */
	size_t not_started;       /* guests `xl create` could not start */
	size_t jobs, jobs_done;
	double job_time_s;        /* sum of completion times (unfinished: elapsed) */
	double idle_mean_mib;     /* mean idle memory held, summed over guests */
	uint64_t target_writes;
	uint64_t starve_episodes;
	double t90_mean_s, t90_max_s;
	double gini;              /* of relative shortfall; < 0: no shortfall */
	double host_free_mean_mib;
	bool literal;
	uint64_t literal_out_of_range;
};

void sim_summarise(const struct sim_run *r, double duration_s,
		   struct sim_summary *out);
/* Gini coefficient of x[0..n) (>= 0); -1 when they sum to 0. */
double sim_gini(const double *x, size_t n);

/* ---- report.c, csv.c, plot.c ---- */
struct sim_report {
	const char *name;         /* scenario name (file name without .ini) */
	const struct sim_scenario *sc;
	const struct arbiter_config *base;
	const struct sim_run *runs;
	size_t n_runs;
	double duration_s;
	double floor_mibs;
	double lagged_floor_mibs;  /* sim_floor_lagged */
	double lag_s;              /* its lag */
	uint64_t lagged_oom_kills; /* OOM kills at the lagged floor's allocation */
};

void sim_report_print(const struct sim_report *rep, bool per_guest);
/* <dir>/<name>.summary.csv and <dir>/<name>.guests.csv. 0 or -1. */
int sim_report_csv(const struct sim_report *rep, const char *dir);
/* <dir>/<name>.csv: the time series. 0 or -1. */
int sim_series_csv(const struct sim_report *rep, const char *dir);
/* <dir>/<name>.png through gnuplot (<name>.plot.dat and .gp kept). 0 or -1. */
int sim_plot(const struct sim_report *rep, const char *dir, size_t max_guests);

#endif
