/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to src/place: the working state every algorithm shares and the
 * rules of who may go where (docs/placement.md, "Constraints").
 */
#ifndef MEMBAL_PLACE_INT_H
#define MEMBAL_PLACE_INT_H

#include "place/place.h"
#include "policy/policy.h"

struct place_work {
	const struct place_params *p;
	const struct place_host *hosts;
	size_t nh;
	const struct place_dom *doms;
	size_t nd;
	struct place_plan *plan;
	uint64_t *cap;        /* mem_kb - reserve_kb */
	uint64_t *held;       /* sum of sizes placed on the host */
	uint64_t *lo_sum;     /* sum of L_i placed */
	uint64_t *up_sum;     /* sum of min(H_i, MC_i) placed */
	double *util_cap;     /* utility when everybody has min(H_i, MC_i) */
	double *util;         /* utility after the host's expansion */
	uint64_t *alloc;      /* sum of targets after the host's expansion */
	uint64_t *upt_sum;    /* sum of pl_up_target() placed */
	double *smin;         /* least shares of a domU placed, 0: none
	                       * (emm's bound; not lowered by pl_unassign) */
	uint32_t *count;      /* guests placed on the host */
	int32_t *head;        /* first guest placed on the host, -1 */
	int32_t *next;        /* per guest: next on the same host, -1 */
	uint32_t *horder;     /* hosts in the order an algorithm tries them */
	uint32_t *dorder;     /* guests in the order an algorithm places them */
	struct policy_ctx ctx;
	bool have_ctx;
};

/* Bounds as the algorithms see them: dom0, stubs, and running guests
 * held or paused are [size, size]. */
uint64_t pl_min(const struct place_dom *d);
uint64_t pl_max(const struct place_dom *d);
/* The demand MC_i, clamped to [L_i, H_i]: also the solver's cap U_i. */
uint64_t pl_demand(const struct place_dom *d);
/* What the arbiter gives a guest when its host has room for every cap:
 * min(H_i, MC_i) rounded down to a page, never below L_i (stage cap). */
uint64_t pl_up_target(const struct place_dom *d);
/* S_i * min(size, MC_i) in share-MiB (0 for dom0 and stubs). */
double pl_utility(const struct place_dom *d, uint64_t size_kb);

/* A running guest that may be live-migrated now. */
bool pl_can_move(const struct place_params *p, const struct place_dom *d);
/* Xen version and CPU features allow a migration from -> to. */
bool pl_compatible(const struct place_params *p, const struct place_host *from,
		   const struct place_host *to);
/* Host h may receive guest j in a placement (or keep it, if it is its
 * host and j cannot move). */
bool pl_host_allowed(const struct place_work *w, size_t j, size_t h);
/* The host j must stay on (it cannot move), or -1. */
int32_t pl_fixed_host(const struct place_params *p, const struct place_dom *d);
/* A guest that cannot move and did not fit its host still holds at
 * least its minimum there: that much of the host is on offer to nobody
 * (it stays unplaced, why FIXED, for the report). */
void pl_fixed_overflow(struct place_work *w, size_t j);

/* -1 and plan->error when the snapshot breaks a rule of place.h. */
int pl_check_snapshot(const struct place_params *p,
		      const struct place_host *hosts, size_t nh,
		      const struct place_dom *doms, size_t nd,
		      struct place_plan *plan);
int pl_work_init(struct place_work *w, const struct place_params *p,
		 const struct place_host *hosts, size_t nh,
		 const struct place_dom *doms, size_t nd,
		 struct place_plan *plan);
void pl_work_free(struct place_work *w);
/* Record guest j on host h at size_kb (lists and sums). */
void pl_assign(struct place_work *w, size_t j, size_t h, uint64_t size_kb);
/* Guest j leaves host h (rebalance). */
void pl_unassign(struct place_work *w, size_t j, size_t h);

/* Order hosts for first-fit: hosts that are on before those that are off,
 * larger cap first, then input order (gm, gmm, emm, pemm). */
void pl_sort_hosts_by_cap(struct place_work *w);
/* Guests that cannot move first (they have one host), then by H_i
 * descending, then input order. */
void pl_sort_doms_by_max(struct place_work *w);

int pl_greedy(struct place_work *w, enum place_algorithm alg);
int pl_expand(struct place_work *w, bool power);
int pl_rebalance(struct place_work *w);

/* Utility of host h after expansion, with guest `extra` (or -1) added;
 * *alloc: the sum of its targets. */
double pl_host_utility(struct place_work *w, size_t h, int32_t extra,
		       uint64_t *alloc);
/* Set the size of every guest on host h to its expanded target. */
void pl_host_expand(struct place_work *w, size_t h);

int pl_error(struct place_plan *plan, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
