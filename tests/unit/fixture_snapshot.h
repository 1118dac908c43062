/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The apply fixture, written once here (it was copied from test to
 * test): a snapshot and the decisions the policy "made" for it, set
 * directly so that policy_apply() alone is under test (test_apply.c,
 * test_unpark.c).
 * The single domains the decide tests build (est_dom(), pager_460(),
 * ...) are in test_policy_util.h.
 *
 * Header-only, as test_policy_util.h: each test stays one translation
 * unit, and the fixture's state (dom, out, params, cycle) is the
 * including test's own.
 */
#ifndef MEMBAL_TEST_FIXTURE_SNAPSHOT_H
#define MEMBAL_TEST_FIXTURE_SNAPSHOT_H

#include "test_policy_util.h"

#define FIXTURE_DOMS 8

static struct policy_dom dom[FIXTURE_DOMS];
static struct policy_decision out[FIXTURE_DOMS];
static struct policy_params params;
static struct policy_cycle cycle;

/* The defaults (min_change 16 MiB = 16384 KiB, settle_min 1 MiB), an
 * empty snapshot and no decision yet. */
static inline int fixture_setup(void **state)
{
	(void)state;
	policy_params_default(&params);
	memset(dom, 0, sizeof(dom));
	memset(out, 0, sizeof(out));
	memset(&cycle, 0, sizeof(cycle));
	return 0;
}

/* Domain i holds and was given `held` and needs ws (W_i), and the policy
 * wants `target` in `mode`, a walk that ends at `settle` (its goal). */
static inline void want_in(size_t i, uint64_t held, uint64_t ws,
			   uint64_t target, uint64_t settle,
			   enum policy_mode mode)
{
	dom[i] = dom_u((uint32_t)(i + 1), held, 0, 0, 0, 64 * GIB);
	dom[i].flags |= POLICY_IN_WS;
	dom[i].ws_kb = ws;
	out[i].mode = mode;
	out[i].target_kb = target;
	out[i].settle_kb = settle;
}

/* want_in() in scarce mode. */
static inline void want_scarce(size_t i, uint64_t held, uint64_t ws,
			       uint64_t target, uint64_t settle)
{
	want_in(i, held, ws, target, settle, POLICY_MODE_SCARCE);
}

/* policy_apply() on dom[0..n) with F_h = free_h. */
static inline void apply(size_t n, int64_t free_h)
{
	cycle.host_free_kb = free_h;
	policy_apply(&params, &cycle, dom, n, out);
}

#endif
