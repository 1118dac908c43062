/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The placement core: a cluster snapshot goes in, a placement or an
 * ordered list of live migrations comes out (docs/placement.md).
 *
 * Pure C like the policy core: no Xen header, no I/O, no global state.
 * membal-place (src/placetool) builds the snapshot from CSV files or from
 * the hosts' status files and prints the plan; it never executes it.
 *
 * Five placement heuristics after Cardosa et al. (seed 004) on memory
 * instead of CPU: bs, gm, gmm, emm, pemm; and rebalance, which moves as
 * few running guests as it can to relieve hosts that have been short of
 * memory for `hold` cycles. emm and pemm expand each host with membal's
 * own exact per-host solver (src/policy/solve_exact.c).
 *
 * Units: every size is KiB (uint64_t, at most POLICY_KB_MAX), utility is
 * share-weighted MiB of demand served (docs/placement.md, "Utility").
 */
#ifndef MEMBAL_PLACE_H
#define MEMBAL_PLACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds on a snapshot (the CLI refuses more). */
#define PLACE_MAX_HOSTS (UINT32_C(1) << 16)
#define PLACE_MAX_DOMS  (UINT32_C(1) << 20)
/* last_move_age_s of a guest never migrated. */
#define PLACE_NEVER_MOVED UINT32_MAX

enum place_algorithm {
	PLACE_BS,         /* every VM at H_i, first-fit in input order */
	PLACE_GM,         /* sorted by H_i descending, first-fit at H_i */
	PLACE_GMM,        /* as GM, at L_i where H_i fits nowhere */
	PLACE_EMM,        /* at L_i where the utility gain is highest, expanded */
	PLACE_PEMM,       /* EMM; opening a host costs power_cost */
	PLACE_REBALANCE,  /* fewest live migrations relieving short hosts */
	PLACE_ALG_COUNT,
};
/* NULL-terminated, indexed by enum place_algorithm. */
extern const char *const place_algorithm_names[];

enum place_kind {
	PLACE_DOMU,
	PLACE_DOM0,  /* never moved, keeps its size */
	PLACE_STUB,  /* a device-model stub domain (name "*-dm"): likewise */
};

struct place_host {
	const char *name;
	uint64_t mem_kb;        /* memory the host's domains may hold in all */
	uint64_t reserve_kb;    /* kept free (membal's reserve) */
	bool on;
	bool drain;             /* receives nothing */
	const char *xen_version;   /* "" when unknown */
	const char *cpu_features;  /* "" when unknown */
	/* Consecutive cycles the host has been scarce or infeasible. */
	uint32_t scarce_cycles;
};

struct place_dom {
	const char *name;
	enum place_kind kind;
	int32_t host;           /* its host (on), -1: not running (new) */
	int32_t pin_host;       /* -1, or the only host it may run on */
	uint64_t min_kb;        /* L_i */
	uint64_t max_kb;        /* H_i */
	uint64_t size_kb;       /* what it holds now (N_i); 0 when not running */
	uint64_t demand_kb;     /* MC_i, the policy's goal; read as clamp(., L, H) */
	uint64_t active_kb;     /* A_i for the solver's tau*A_i; <= demand */
	double shares;          /* S_i */
	bool migratable;
	bool held;              /* membalctl hold */
	bool paused;
	uint32_t last_move_age_s;  /* seconds since its last migration */
};

struct place_params {
	double tau;              /* the solver's idle memory tax, [0, 1) */
	double power_cost;       /* share-MiB; pemm opens a host above it */
	uint32_t hold;           /* rebalance: cycles a host must be short */
	uint64_t min_gain_kb;    /* rebalance: shortfall a move must relieve */
	uint32_t max_concurrent; /* rebalance: migrations at once (a wave) */
	uint32_t cooldown_s;     /* no guest moves twice within this */
	uint32_t max_moves;      /* rebalance: longest plan */
	bool allow_cross_version;
	bool allow_cross_features;
	/* emm, pemm: run the solver on every candidate host instead of
	 * skipping those whose gain bound cannot win (same plan, slower;
	 * the tests compare the two). */
	bool exhaustive;
};

void place_params_default(struct place_params *p);

/* Why a guest has no place in the plan. */
enum place_why {
	PLACE_WHY_NONE,
	PLACE_WHY_NO_ROOM,      /* no eligible host has room for it */
	PLACE_WHY_NO_HOST,      /* no eligible host at all (drain, pin, compat) */
	PLACE_WHY_FIXED,        /* cannot move, and its host lacks room */
	PLACE_WHY_POWER,        /* pemm: opening a host gains < power_cost */
	PLACE_WHY_NOT_RUNNING,  /* rebalance moves running guests only */
	PLACE_WHY_COUNT,
};
const char *place_why_text(enum place_why why);

struct place_move {
	uint32_t dom;
	int32_t from;           /* -1: a new guest started on `to` */
	int32_t to;
	uint64_t size_kb;       /* its size after the move */
	uint32_t wave;          /* moves of one wave may run together */
	uint64_t gain_kb;       /* rebalance: shortfall relieved at `from` */
};

/* Why a host the rebalance should relieve is still short. */
struct place_note {
	uint32_t host;
	uint64_t short_kb;
	enum {
		PLACE_NOTE_HOLD,      /* short for fewer than `hold` cycles */
		PLACE_NOTE_STUCK,     /* no allowed move relieves min_gain */
		PLACE_NOTE_MAX_MOVES, /* the plan reached max_moves */
	} what;
};

struct place_plan {
	enum place_algorithm alg;
	size_t ndoms, nhosts;
	int32_t *host;          /* per guest after the plan, -1: unplaced */
	uint64_t *size_kb;      /* per guest after the plan */
	uint8_t *why;           /* per guest: enum place_why */
	struct place_move *moves;
	size_t nmoves;
	struct place_note *notes;
	size_t nnotes;
	size_t unplaced;
	/* Before (the snapshot) and after (the plan). */
	double gini_before, gini_after;
	uint32_t hosts_on_before, hosts_on_after;
	double utility_before, utility_after;   /* share-MiB */
	uint64_t short_before_kb, short_after_kb;
	char error[200];
};

/*
 * Make a plan. The snapshot is checked first (indices, bounds, shares):
 * -1 with plan->error naming the host or guest. 0 on success, also when
 * guests are unplaced (plan->why says why). plan_free() in every case.
 */
int place_plan(const struct place_params *p, const struct place_host *hosts,
	       size_t nhosts, const struct place_dom *doms, size_t ndoms,
	       enum place_algorithm alg, struct place_plan *plan);
void place_plan_free(struct place_plan *plan);

/*
 * Gini coefficient of x[0..n) (seed 002): sum |x_i - x_j| over all pairs
 * / (2 n^2 mean); 0 when all are equal (or all 0), 1000/1001 for a
 * thousand zeros and a one. Sorts x in place. Values must be >= 0.
 */
double place_gini(double *x, size_t n);
/* Below this a cluster counts as balanced (seed 002). */
#define PLACE_GINI_BALANCED 0.25

#endif
