/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-sim with several hosts (docs/design.md "membal-sim: several
 * hosts"): a scenario with [host NAME] sections is a cluster. Each host
 * is a simulated hypervisor with its own in-process xenstored and its own
 * real arbiter, as on real Xen where every dom0 runs its xenstored and
 * membal-arbiter; guests are placed by the placement core (src/place) as
 * they arrive, the rebalancer runs every rebalance_s and its moves are
 * live migrations modelled in migrate.c.
 *
 *   multi_scenario.c  the file: [cluster], [host NAME], [run NAME] and the
 *                     extra [guest NAME] keys; the rest is simhost's parser
 *   migrate.c         pre-copy rounds: duration, bytes, downtime (pure)
 *   multi_host.c      one host: xenstored, hv_sim with spare domains, arbiter
 *   multi_run.c       one run: arrivals, placement, rebalancing, figures
 *   multi_move.c      a guest coming to a host: room first, then the domain;
 *                     migrations (memory on both hosts, the switch)
 *   multi_report.c    table, CSVs, plots
 *
 * Units: KiB inside, MiB and seconds in results.
 */
#ifndef MEMBAL_SIM_MULTI_H
#define MEMBAL_SIM_MULTI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arbiter/arbiter_config.h"
#include "common/config.h"
#include "place/place.h"
#include "simhost/scenario.h"
#include "sim/sim.h"

#define MULTI_MAX_HOSTS 64
#define MULTI_MAX_RUNS 16
#define MULTI_NAME_MAX 32

struct multi_host_spec {
	char name[MULTI_NAME_MAX];
	uint64_t total_kb, dom0_kb;
	bool always_on;          /* powered even when empty (counts as on) */
	/* reserve_at: another tool's reservations on this host's arbiter,
	 * as [host]'s in a single-host scenario (sim/resv_events.h) */
	struct sim_resv_event resv_ev[SIM_EVENTS_MAX];
	unsigned n_resv_ev;
	bool resv_set;
};

/* One run of the cluster: a placement algorithm and rebalancing. */
struct multi_run_spec {
	char name[SIM_LABEL_MAX];
	enum place_algorithm placement;   /* bs..pemm */
	uint64_t rebalance_ms;            /* 0: never */
	struct place_params pp;
};

/* Per guest, the keys single-host scenarios do not have. */
struct multi_guest_extra {
	bool has_min, has_shares;
	uint64_t min_kb;
	double shares;
	uint64_t dirty_kb_s;     /* pages the guest dirties, KiB/s */
	bool migratable;
};

/* Live migration: Xen's pre-copy (libxc's save loop). */
struct migrate_params {
	uint64_t bandwidth_kb_s;  /* the migration network */
	uint32_t max_rounds;      /* pre-copy iterations before stop-and-copy */
	uint64_t stop_kb;         /* dirty set small enough to stop and copy */
	uint64_t resume_ms;       /* fixed cost of the final pause */
	uint64_t reserve_wait_ms; /* the destination has this long to make room */
};

struct multi_scenario {
	struct sim_scenario sc;            /* guests, physics, trace, duration */
	struct multi_guest_extra *extra;   /* parallel to sc.guests */
	struct multi_host_spec host[MULTI_MAX_HOSTS];
	size_t n_hosts;
	struct multi_run_spec run[MULTI_MAX_RUNS];
	size_t n_runs;
	struct migrate_params mig;
	uint64_t min_kb;                   /* [cluster] min_mb: every guest's L_i */
	uint32_t slots;                    /* domains per host */
};

/* ---- multi_scenario.c ---- */
/* Whether the file has a [host NAME] section (a cluster). -1: unreadable. */
int multi_scenario_is(const char *path);
/* 0, or -1 with every error logged as file:line and the first in
 * f->first_error. */
int multi_scenario_load(const char *path, struct multi_scenario *out,
			struct cfg_file *f);
int multi_scenario_load_string(const char *name, const char *text,
			       struct multi_scenario *out, struct cfg_file *f);
void multi_scenario_free(struct multi_scenario *m);

/* ---- migrate.c ---- */
struct migrate_plan {
	uint32_t rounds;          /* pre-copy rounds, the first (full) one included */
	uint64_t bytes_kb;        /* sent in all, the final copy included */
	uint64_t precopy_ms;      /* while the guest runs */
	uint64_t downtime_ms;     /* the final pause: last dirty set + resume */
	uint64_t total_ms;
};

void migrate_params_default(struct migrate_params *p);
/* Pre-copy of size_kb dirtied at dirty_kb_s: round 0 sends everything,
 * round k what was dirtied during round k-1 (at most size_kb), until it
 * is below stop_kb, stops shrinking, or max_rounds were sent; then the
 * guest pauses for the rest. */
void migrate_estimate(const struct migrate_params *p, uint64_t size_kb,
		      uint64_t dirty_kb_s, struct migrate_plan *out);

/* ---- multi_run.c ---- */
/* After every arrival has settled: one point of the utility-vs-VMs curve. */
struct multi_point {
	uint32_t arrived;         /* guests that had arrived */
	uint32_t running;         /* of them, placed and running */
	double utility;           /* share-MiB of demand served (MemTotal) */
	uint32_t hosts_on;
};

struct multi_tick {
	double utility;
	float hosts_on;
	float gini;               /* < 0: fewer than 2 hosts on */
	float shortfall_mib;
	float held_twice_mib;     /* migrations' receiving domains */
};

struct multi_result {
	char label[SIM_LABEL_MAX];
	double shortfall_mibs;    /* sum over guests, every incarnation */
	double demand_mibs;
	uint64_t oom_kills;
	double hosts_on_s;        /* integral of hosts on: the energy proxy */
	double utility_mean;      /* share-MiB, over the run */
	double gini_mean;         /* over the ticks with 2+ hosts on */
	uint32_t arrivals, placed, rejected;
	/* A newcomer whose reservation timed out, offered to the next host
	 * in the plan (design.md §membal-sim: several hosts). */
	uint32_t reoffered;
	uint32_t migrations, migrations_failed;
	double moved_mib, downtime_s, migrate_s;
	double held_twice_mibs;   /* destination domains during pre-copy, MiB*s */
	uint64_t rebalances;      /* plans made */
	double wall_s;
	size_t n_ticks, n_hosts;
	uint64_t tick_ms;
	struct multi_tick *tick;  /* [n_ticks] */
	float *host_used;         /* [tick][host]: MiB the domUs hold; NAN: off */
	struct multi_point *point;/* [arrivals] */
	size_t n_points;
};

void multi_result_free(struct multi_result *r);

/* One run of the cluster from a fresh start. 0, or -1 (logged). */
int multi_run(const struct multi_scenario *m, const struct multi_run_spec *rs,
	      const struct sim_policy *pol, const struct sim_run_options *o,
	      struct multi_result *out);

/* ---- multi_report.c ---- */
void multi_report_print(const char *name, const struct multi_scenario *m,
			const struct multi_result *r, size_t n);
/* <dir>/<name>.multi.csv (summary), .points.csv, .ticks.csv. 0 or -1. */
int multi_report_csv(const char *name, const struct multi_result *r, size_t n,
		     const char *dir);
/* <dir>/<name>.png: utility, hosts on and Gini over time, one memory
 * panel per host; <dir>/<name>.vms.png: utility and hosts on against the
 * number of guests, per run. 0 or -1. */
int multi_plot(const char *name, const struct multi_scenario *m,
	       const struct multi_result *r, size_t n, const char *dir);

/* ---- multi_main.c ---- */
struct multi_cli {
	uint64_t duration_s;      /* 0: the scenario's */
	uint64_t tick_ms;
	uint64_t jobs;            /* runs at once, each in its own process */
	bool no_pin;              /* no CPU affinity (sim/pin.h) */
	bool plot;
	int log_level;            /* of the runs' logs (LOG_*) */
	const char *out;
};

/* The whole of membal-sim on a cluster scenario (main.c's hook): every
 * [run], the arbiters under the policy labelled membal if --policies
 * has it, else its first; report, CSVs, plots. 0 or -1. */
int multi_main(const char *path, const char *name, const struct sim_policy *pol,
	       size_t n_pol, const struct multi_cli *o);

#endif
