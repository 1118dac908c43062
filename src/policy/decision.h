/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a cycle decides (policy.h's policy_decide() and policy_apply()):
 * each domain's mode, stage, reasons and target (struct policy_decision)
 * and the cycle's as a whole (struct policy_cycle), with their names for
 * logs, status and membalctl (policy.c). Apart from policy.h, whose
 * parameters and snapshot are the input.
 */
#ifndef MEMBAL_POLICY_DECISION_H
#define MEMBAL_POLICY_DECISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The last tier of scarce mode under need = estimate: every need fit, the
 * gaps shared the rest (policy_cycle.tier). */
#define POLICY_TIER_GAPS 6

enum policy_mode {
	POLICY_MODE_ABUNDANT,    /* self-adjustment (§3.2) */
	POLICY_MODE_SCARCE,      /* global balancing (§3.3) */
	POLICY_MODE_INFEASIBLE,  /* global, stage 4: everybody at L_i */
	POLICY_MODE_FIXED,       /* not decided: target stays B_i */
};

enum policy_stage {
	POLICY_STAGE_NONE,       /* fixed */
	POLICY_STAGE_SELF,       /* self-adjustment step */
	POLICY_STAGE_DOM0,       /* dom0 priority: MC_0 served first */
	POLICY_STAGE_CAP,        /* exact stage 1: every domain at U_i */
	POLICY_STAGE_PRICE,      /* exact stage 2: equal price, Lambda >= 0 */
	POLICY_STAGE_THETA,      /* exact stage 3: taxed active memory scaled */
	POLICY_STAGE_INFEASIBLE, /* stage 4: sum L_i > M */
	POLICY_STAGE_PAPER,      /* the paper's solver (Algorithm 3) */
};

/* Why a target or a write is what it is (bits). */
enum policy_reason {
	POLICY_R_MIN       = 1u << 0,  /* held at L_i */
	POLICY_R_OOM       = 1u << 1,  /* that L_i was raised after an OOM kill */
	POLICY_R_MAX       = 1u << 2,  /* held at H_i */
	POLICY_R_DEMAND    = 1u << 3,  /* capped at MC_i (scarce_cap = demand) */
	POLICY_R_PSI       = 1u << 4,  /* not shrunk: psi_some > psi_no_shrink */
	POLICY_R_SWAPIN    = 1u << 5,  /* not shrunk: swapin_rate > swapin_no_shrink */
	POLICY_R_STEP      = 1u << 6,  /* one hysteresis step, goal not reached */
	POLICY_R_DOM0      = 1u << 7,  /* dom0 got less than MC_0 (domUs' L_i) */
	POLICY_R_GRANT     = 1u << 8,  /* write cut: F_h could not cover it */
	POLICY_R_THRESHOLD = 1u << 9,  /* not written: change below min_change */
	POLICY_R_NEED      = 1u << 10, /* not shrunk below min(B_i, W_i + g_i) */
	POLICY_R_ADOPT     = 1u << 11, /* not shrunk: within adopt_grace_s */
	POLICY_R_UNPARK    = 1u << 12, /* written below min_change: free memory */
	POLICY_R_YIELD     = 1u << 13, /* below its need floor: paging for a guest
	                                * whose need swap cannot hold */
	POLICY_R_LEVEL     = 1u << 14, /* not shrunk: its recent level, spare */
};
#define POLICY_R_COUNT 15

struct policy_decision {
	enum policy_mode mode;
	enum policy_stage stage;
	uint32_t reasons;        /* enum policy_reason bits */
	bool has_price;
	bool has_write;          /* filled by policy_apply() */
	uint64_t goal_kb;        /* MC_i (0 for fixed domains) */
	/* L_i', the floor it is not shrunk below this cycle (0 for fixed
	 * domains): L_i raised by pressure, the need (growth is never cut)
	 * and the adoption grace. What placement may count on taking back
	 * from it is what it holds above this
	 * (design.md §Placement at the floor); only paging for another
	 * guest's need that swap cannot hold (reason yield) goes below it. */
	uint64_t floor_kb;
	uint64_t target_kb;      /* the policy's target */
	/* A write of exactly this value is made even when it changes the
	 * target by less than min_change: the end of a hysteresis walk (MC_i;
	 * in the paper preset the global target). */
	uint64_t settle_kb;
	uint64_t write_kb;       /* valid when has_write */
	double price;            /* valid when has_price */
};

/* What the cycle as a whole did (for logs, status and membalctl). */
struct policy_cycle {
	enum policy_mode mode;   /* the domUs' branch */
	enum policy_stage stage; /* SELF, CAP..INFEASIBLE, PAPER, or NONE */
	int64_t host_free_kb;    /* F_h: after reserve and undecided growth */
	int64_t domu_free_kb;    /* F_h left for domUs after dom0 priority */
	int64_t budget_kb;       /* M = sum N_i + F_h over the domUs */
	int64_t need_kb;         /* sum (MC_i - N_i) over the domUs */
	uint64_t shortfall_kb;   /* infeasible: sum L_i - M */
	/* Of the host's reservations, what this cycle left to the guests:
	 * taking it would have cut one below its need and slack (R4_i). */
	uint64_t resv_held_kb;
	uint64_t resv_shared_kb, resv_need_kb; /* lent to complete them: swapless slacks (resv_share.c), pagers' needs (resv_need.c) */
	double lambda;           /* stage 2: Lambda = 1 / price */
	double theta;            /* stage 3 */
	unsigned paper_solves;   /* linear systems solved by `paper` */
	uint64_t fixup_kb;       /* see solve_exact.c; 0 in every test */
	/* need = estimate, exact solver: the tier that decided
	 * (design.md §Scarce mode from the estimated need): 1 the need free
	 * swap cannot hold, 2 the no-shrink floors, 3 the rest of the need,
	 * 4 a paused climb's OOM margin and a killed swapless guest's
	 * raised minimum, 5 the estimate's slack and what an adoption
	 * grace holds above the need floor, POLICY_TIER_GAPS (6) the gaps (everything before fit); 0
	 * without an estimate in the snapshot. */
	unsigned tier;
	size_t decided;          /* domains with mode != FIXED */
	size_t bad_index;        /* policy_decide() == -1: offending entry */
	char error[160];         /* policy_decide() == -1: why */
};

const char *policy_mode_name(enum policy_mode mode);
const char *policy_stage_name(enum policy_stage stage);
/* Name of one reason bit ("min", "oom", ...), NULL if not a reason. */
const char *policy_reason_name(uint32_t bit);
/* "min+oom" (or "-" for none) into buf; returns buf. */
char *policy_reasons_format(uint32_t reasons, char *buf, size_t size);

#endif
