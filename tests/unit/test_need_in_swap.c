/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What of its need a guest's swap holds already (`need_in_swap`;
 * design.md §Scarce mode from the estimated need, "What of its need a
 * guest's swap holds already"; need.c
 * policy_need_in_swap_kb()). Tier 1 serves the need a guest's swap cannot
 * hold: W_i less the swap it can still page into (SF_i, beyond its gap).
 * A guest that pages now holds part of W_i in swap already; held where
 * it is, it goes on paging, and only a cut below N_i - SF_i kills it.
 * With the key that part counts as held by swap too, so a pager's
 * "must grow or be OOM-killed" no longer outranks a swapless guest's
 * need.
 */
#include "test_policy_util.h"

#include "policy/solve.h"

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);
	params.need_in_swap = true;      /* off by default */
	return 0;
}

/* Holds 420 MiB, needs 560: 140 of its need in swap already (256 MiB
 * of swap, 116 free: 52 beyond its gap). */
static struct policy_dom pager(uint32_t domid)
{
	struct policy_dom d = est_dom(domid, 420 * MIB, 560 * MIB);

	d.swap_tot_kb = 256 * MIB;
	d.swap_free_kb = 116 * MIB;
	return d;
}

/* A swapless guest that holds 280 MiB and needs 300, beside the pager;
 * M = 700, what both hold. Without the key the pager's need swap cannot
 * hold is 560 - 52 = 508, above what it holds: it "must grow" as the
 * swapless guest must, nobody yields, and both stay where they are (the
 * swapless guest 20 MiB short of its need: an OOM kill). With it, 560 -
 * (52 + 140) = 368: the pager yields 20 of its floor into its free swap
 * and the swapless guest has its need. */
static void test_pager_yields_to_swapless(void **state)
{
	struct policy_dom d[2] = { est_dom(1, 280 * MIB, 300 * MIB), pager(2) };
	struct policy_decision o[2];
	struct policy_cycle cycle;
	struct policy_params off = params;

	assert_int_equal(policy_need_in_swap_kb(&params, &d[1]), 140 * MIB);
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 400 * MIB);
	assert_true(o[1].reasons & POLICY_R_YIELD);

	off.need_in_swap = false;
	assert_int_equal(policy_need_in_swap_kb(&off, &d[1]), 0);
	decide(&off, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 280 * MIB);
	assert_int_equal(o[1].target_kb, 420 * MIB);
}

/* What counts is at most the need above what the guest holds (a page
 * the estimate does not count, cold in swap, is no part of W_i) and at
 * most the swap in use; nothing for a guest that holds its need, a
 * swapless one, or one without an estimate. */
static void test_bounds(void **state)
{
	struct policy_dom p = pager(1), z = est_dom(2, 280 * MIB, 300 * MIB),
			  n = pager(3);

	p.ws_kb = 450 * MIB;                      /* 30 above what it holds */
	assert_int_equal(policy_need_in_swap_kb(&params, &p), 30 * MIB);
	p.ws_kb = 900 * MIB;                      /* 140 in swap, at most */
	assert_int_equal(policy_need_in_swap_kb(&params, &p), 140 * MIB);
	p.ws_kb = 400 * MIB;                      /* holds its need */
	assert_int_equal(policy_need_in_swap_kb(&params, &p), 0);
	assert_int_equal(policy_need_in_swap_kb(&params, &z), 0);
	n.flags &= ~POLICY_IN_WS;
	assert_int_equal(policy_need_in_swap_kb(&params, &n), 0);
}

/* Never below what its whole swap cannot hold: a pager whose swap is
 * full (beyond its gap) is held at what it holds, since any cut is an
 * OOM kill; a swapless guest's need beside it waits for other memory. */
static void test_full_swap_holds(void **state)
{
	struct policy_dom d[2] = { est_dom(1, 280 * MIB, 300 * MIB), pager(2) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	d[1].swap_free_kb = 64 * MIB;            /* all of it its gap */
	d[1].ws_kb = 420 * MIB + 192 * MIB;      /* 192 in swap */
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[1].target_kb, 420 * MIB);
	assert_int_equal(o[0].target_kb, 280 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pager_yields_to_swapless, setup),
		cmocka_unit_test_setup(test_bounds, setup),
		cmocka_unit_test_setup(test_full_swap_holds, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
