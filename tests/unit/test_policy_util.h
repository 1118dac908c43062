/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the policy tests: building snapshots by hand and at
 * random, and running one cycle. Header-only (static functions) so each
 * test stays one translation unit.
 */
#ifndef MEMBAL_TEST_POLICY_UTIL_H
#define MEMBAL_TEST_POLICY_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

#define MIB 1024ull
#define GIB (1024ull * 1024)

/* A managed domU with no swap, B_i = N_i, one share. free_kb is the
 * guest's MemFree; the tests use free_source = free unless they say. */
static inline struct policy_dom dom_u(uint32_t domid, uint64_t actual,
				      uint64_t free_kb, uint64_t committed,
				      uint64_t min, uint64_t max)
{
	struct policy_dom d;

	memset(&d, 0, sizeof(d));
	d.domid = domid;
	d.kind = domid == 0 ? POLICY_DOM0 : POLICY_DOMU;
	d.actual_kb = actual;
	d.target_kb = actual;
	d.free_kb = free_kb;
	d.committed_as_kb = committed;
	d.min_kb = min;
	d.max_kb = max;
	d.shares = 1;
	return d;
}

/* A domU sized by its estimate: holds and was given `held`, W_i = ws
 * (Committed_AS too), a 64 MiB gap, static-max 2 GiB. */
static inline struct policy_dom est_dom(uint32_t domid, uint64_t held, uint64_t ws)
{
	struct policy_dom d = dom_u(domid, held, 0, ws, 0, 2 * GIB);

	d.flags |= POLICY_IN_WS;
	d.ws_kb = ws;
	d.gap_kb = 64 * MIB;
	return d;
}

/* est_dom with 256 MiB of swap, 200 of it free: 136 beyond its gap. */
static inline struct policy_dom est_swap_dom(uint32_t domid, uint64_t held, uint64_t ws)
{
	struct policy_dom d = est_dom(domid, held, ws);

	d.swap_tot_kb = 256 * MIB;
	d.swap_free_kb = 200 * MIB;
	return d;
}

/* The held-kill tests (test_oom_keep_held_kill.c,
 * test_oom_keep_held_any.c). Swapless, killed at 300 MiB while it held
 * 300 (its minimum raised to 364), holding `held` now, needing `ws`;
 * the caller adds how its kills came (POLICY_IN_OOM_RECUR,
 * rise_most_kb). */
static inline struct policy_dom killed_held(uint32_t domid, uint64_t held, uint64_t ws)
{
	struct policy_dom d = est_dom(domid, held, ws);

	d.min_kb = 364 * MIB;
	d.oom_raise_kb = 364 * MIB;
	d.oom_kill_kb = 300 * MIB;
	d.flags |= POLICY_IN_OOM_MIN;
	return d;
}

/* The pair of the scarce-mode margin tests (test_swapless_keep.c,
 * test_fall_margin.c). A swapless guest: needs
 * 300 MiB, holds `held`. */
static inline struct policy_dom swapless_300(uint32_t domid, uint64_t held)
{
	return est_dom(domid, held, 300 * MIB);
}

/* Beside it, a pager: needs 460 MiB; 256 of swap, 200 free: 136 beyond
 * its gap, so what its swap cannot hold of its need is 324. */
static inline struct policy_dom pager_460(uint32_t domid, uint64_t held)
{
	return est_swap_dom(domid, held, 460 * MIB);
}

/* Parameters for hand-computed cases: no headroom, no reserve and
 * free_source = free, so the arithmetic in the comments stays short. */
static inline struct policy_params hand_params(double tau, double epsilon)
{
	struct policy_params p;

	policy_params_default(&p);
	p.tau = tau;
	p.epsilon = epsilon;
	p.headroom_kb = 0;
	p.reserve_kb = 0;
	p.free_source = POLICY_FREE_FREE;
	return p;
}

/* Parameters for the hand-computed tier cases under need = estimate (the
 * defaults, exact solver): no host reserve, the mode the policy's own,
 * and the estimate's slack left out unless with_slack (it has its own
 * tests, test_need_slack.c). */
static inline struct policy_params need_params(bool with_slack)
{
	struct policy_params p;

	policy_params_default(&p);
	p.reserve_kb = 0;
	p.mode = POLICY_FORCE_AUTO;
	if (!with_slack)
		p.need_slack_pct = 0;
	return p;
}

/* Targets only, on the host given. Fails the test if policy_decide
 * refuses. */
static inline void decide_host(const struct policy_params *p,
			       const struct policy_host *host,
			       const struct policy_dom *dom, size_t n,
			       struct policy_decision *out,
			       struct policy_cycle *cycle)
{
	struct policy_ctx ctx;

	assert_int_equal(policy_ctx_init(&ctx, n), 0);
	int rc = policy_decide(&ctx, p, host, dom, n, out, cycle);

	policy_ctx_free(&ctx);
	if (rc != 0)
		fail_msg("policy_decide: %s", cycle->error);
}

/* Targets only, host_free KiB free. */
static inline void decide(const struct policy_params *p, int64_t host_free,
			  const struct policy_dom *dom, size_t n,
			  struct policy_decision *out,
			  struct policy_cycle *cycle)
{
	struct policy_host host = { .free_kb = host_free,
				    .reserve_kb = p->reserve_kb };

	decide_host(p, &host, dom, n, out, cycle);
}

/* Their cycle: d[0] such a guest (killed_held(), domid 1) holding and
 * needing 300, d[1] a pager (256 MiB of swap) holding 372 and needing
 * 460, M = 688 (16 MiB free); decided under p into o. */
static inline void held_kill_cycle(const struct policy_params *p, struct policy_dom *d,
				   struct policy_decision *o)
{
	struct policy_cycle cycle;

	d[1] = est_swap_dom(2, 372 * MIB, 460 * MIB);
	decide(p, 16 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
}

/* A host whose free memory already leaves out `resv` KiB of
 * reservations, as the daemon's host_free() does. */
static inline struct policy_host resv_host(const struct policy_params *p,
					   int64_t free_kb, uint64_t resv)
{
	return (struct policy_host){ .free_kb = free_kb - (int64_t)resv,
				     .reserve_kb = p->reserve_kb,
				     .reservations_kb = resv };
}

/* One cycle: decide, then apply. */
static inline void run_cycle(const struct policy_params *p, int64_t host_free,
			     const struct policy_dom *dom, size_t n,
			     struct policy_decision *out,
			     struct policy_cycle *cycle)
{
	decide(p, host_free, dom, n, out, cycle);
	policy_apply(p, cycle, dom, n, out);
}

/* The host's free memory, in whole MiB from 0 below 2000, at which one
 * cycle (run_cycle(); out and cycle hold it) leaves the decided domains
 * short (need_kb - domu_free_kb) by more than lo and less than hi MiB:
 * the first such, or -1 when none does. */
static inline int64_t free_for_short(const struct policy_params *p,
				     const struct policy_dom *dom, size_t n,
				     struct policy_decision *out,
				     struct policy_cycle *cycle,
				     int64_t lo, int64_t hi)
{
	for (int64_t f = 0; f < 2000; f++) {
		run_cycle(p, f * (int64_t)MIB, dom, n, out, cycle);
		int64_t short_kb = cycle->need_kb - cycle->domu_free_kb;

		if (short_kb > lo * (int64_t)MIB && short_kb < hi * (int64_t)MIB)
			return f;
	}
	return -1;
}

/* ---- deterministic random snapshots -------------------------------------- */

struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	/* splitmix64: good enough, and the same on every machine. */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static inline uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi)
{
	return lo + rng_next(r) % (hi - lo + 1);
}

static inline double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

static inline bool rng_chance(struct rng *r, unsigned percent)
{
	return rng_next(r) % 100 < percent;
}

/* A random domU: every figure unaligned, some with swap, pressure, OOM. */
/* perm[0..n) = a random permutation of 0..n-1 (Fisher-Yates). */
static inline void rng_permutation(struct rng *r, size_t *perm, size_t n)
{
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)rng_range(r, 0, i - 1);
		size_t t = perm[i - 1];

		perm[i - 1] = perm[j];
		perm[j] = t;
	}
}

/* The same decision for one domain: what the permutation tests compare. */
static inline bool same_decision(const struct policy_decision *a,
				 const struct policy_decision *b)
{
	return a->target_kb == b->target_kb && a->has_write == b->has_write &&
	       a->write_kb == b->write_kb && a->mode == b->mode &&
	       a->reasons == b->reasons && a->has_price == b->has_price &&
	       (!a->has_price || a->price == b->price);
}

/*
 * Permuting the domains permutes the answer, writes included: one cycle
 * on dom[0..n) and one on a random permutation of it, compared domain by
 * domain. The property tests of each tier and stage call this.
 */
static inline void assert_permutation_invariant(unsigned seed, struct rng *r,
					       const struct policy_params *p,
					       int64_t host_free,
					       const struct policy_dom *dom,
					       size_t n)
{
	size_t *perm = calloc(n + 1, sizeof(*perm));
	struct policy_dom *shuffled = calloc(n + 1, sizeof(*shuffled));
	struct policy_decision *out = calloc(n + 1, sizeof(*out));
	struct policy_decision *out2 = calloc(n + 1, sizeof(*out2));
	struct policy_cycle cycle, cycle2;

	assert_non_null(perm);
	assert_non_null(shuffled);
	assert_non_null(out);
	assert_non_null(out2);
	rng_permutation(r, perm, n);
	for (size_t i = 0; i < n; i++)
		shuffled[i] = dom[perm[i]];
	run_cycle(p, host_free, dom, n, out, &cycle);
	run_cycle(p, host_free, shuffled, n, out2, &cycle2);
	size_t bad = n;
	struct policy_decision a, b;

	for (size_t i = 0; i < n && bad == n; i++)
		if (!same_decision(&out[perm[i]], &out2[i])) {
			bad = perm[i];
			a = out[perm[i]];
			b = out2[i];
		}
	/* freed before failing, so a failure is not also reported as a leak */
	free(perm);
	free(shuffled);
	free(out);
	free(out2);
	if (bad != n)
		fail_msg("seed %u: dom %zu decided differently after a permutation "
			 "(%llu/%llu vs %llu/%llu)", seed, bad,
			 (unsigned long long)a.target_kb,
			 (unsigned long long)a.write_kb,
			 (unsigned long long)b.target_kb,
			 (unsigned long long)b.write_kb);
}

static inline struct policy_dom random_dom(struct rng *r, uint32_t domid)
{
	struct policy_dom d;
	uint64_t n = rng_range(r, 64 * MIB, 8 * GIB);

	memset(&d, 0, sizeof(d));
	d.domid = domid;
	d.kind = POLICY_DOMU;
	d.actual_kb = n;
	d.target_kb = rng_chance(r, 50) ? n : rng_range(r, n / 2, n + n / 2);
	d.free_kb = rng_range(r, 0, n);
	d.avail_kb = rng_range(r, d.free_kb, n);
	if (rng_chance(r, 80))
		d.flags |= POLICY_IN_AVAIL;
	d.committed_as_kb = rng_range(r, 0, 2 * n);
	d.overhead_kb = rng_chance(r, 30) ? rng_range(r, 0, 64 * MIB) : 0;
	d.min_kb = rng_range(r, 0, 512 * MIB);
	d.max_kb = d.min_kb + rng_range(r, 0, 16 * GIB);
	d.shares = rng_chance(r, 50) ? (double)rng_range(r, 1, 4)
				     : 0.1 + 9.9 * rng_unit(r);
	if (rng_chance(r, 50)) {
		d.swap_tot_kb = rng_range(r, 1, 4 * GIB);
		d.swap_free_kb = rng_range(r, 0, d.swap_tot_kb);
	}
	if (rng_chance(r, 15)) {
		d.flags |= POLICY_IN_PSI;
		d.psi_some = rng_range(r, 0, 3000);
	}
	if (rng_chance(r, 15)) {
		d.flags |= POLICY_IN_SWAPIN;
		d.swapin_rate = rng_range(r, 0, 1000);
	}
	if (rng_chance(r, 5)) {
		d.min_kb = d.actual_kb + 64 * MIB;
		if (d.max_kb < d.min_kb)
			d.max_kb = d.min_kb;
		d.flags |= POLICY_IN_OOM_MIN;
	}
	return d;
}

static inline struct policy_params random_params(struct rng *r)
{
	struct policy_params p;

	policy_params_default(&p);
	p.tau = rng_chance(r, 20) ? 0 : 0.95 * rng_unit(r);
	p.epsilon = rng_chance(r, 20) ? 0 : rng_unit(r);
	p.scarce_cap = rng_chance(r, 50) ? POLICY_CAP_DEMAND : POLICY_CAP_MAX;
	p.free_source = rng_chance(r, 50) ? POLICY_FREE_AVAIL : POLICY_FREE_FREE;
	p.headroom_kb = rng_range(r, 0, 256 * MIB);
	p.reserve_kb = rng_range(r, 0, 128 * MIB);
	p.min_change_kb = rng_range(r, 0, 32 * MIB);
	p.hysteresis_down = (uint32_t)rng_range(r, 1, 16);
	return p;
}

/* Host free memory that lands anywhere from hopeless to plenty. */
static inline int64_t random_host_free(struct rng *r,
				       const struct policy_dom *dom, size_t n)
{
	int64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += (int64_t)dom[i].actual_kb;
	/* A quarter of the hosts are deep in debt: stages 3 and 4. */
	if (rng_chance(r, 25))
		return -(int64_t)rng_range(r, (uint64_t)sum / 2, (uint64_t)sum);
	return (int64_t)rng_range(r, 0, (uint64_t)sum) - sum / 2;
}

/* L_i after the no-shrink rule, as design.md §One cycle states it. */
static inline uint64_t effective_min(const struct policy_params *p,
				     const struct policy_dom *d)
{
	bool pressed = ((d->flags & POLICY_IN_PSI) &&
			d->psi_some > p->psi_no_shrink) ||
		       ((d->flags & POLICY_IN_SWAPIN) &&
			d->swapin_rate > p->swapin_no_shrink);
	uint64_t keep = d->target_kb < d->max_kb ? d->target_kb : d->max_kb;

	return pressed && keep > d->min_kb ? keep : d->min_kb;
}

#endif
