/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A swapless guest's margin kept (swapless_keep_mb; design.md §Scarce
 * mode from the estimated need, "A margin kept, not given";
 * swapless_keep.c policy_swapless_keep_kb(), served by solve_tiers.c
 * margins_fit()): of what a guest without swap room holds above its need
 * now, up to swapless_keep_mb (and its gap) stays, in tier 1 as far as
 * tier 1 fits: not cut to fund a pager's need, never taken from another
 * guest's need that swap cannot hold, and not given unless
 * swapless_keep_given says so (and then only to a guest that holds its
 * need).
 */
#include "test_policy_util.h"

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);
	params.swapless_keep_kb = 16 * MIB;     /* off by default */
	return 0;
}

/* M = 760 (332 + 428 held, nothing free): every need is 300 + 460 =
 * 760, so without the rule the swapless guest is cut to exactly its
 * need, 300, and the swapper gets its 460. With it the swapless guest
 * keeps 16 MiB of the 32 it holds above its need (316) and the swapper
 * pages for them (444: above the 324 its swap cannot hold). */
static void test_kept_from_pager(void **state)
{
	struct policy_dom d[2] = { swapless_300(1, 332 * MIB), pager_460(2, 428 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;
	struct policy_params off = params;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 316 * MIB);
	assert_in_range(o[1].target_kb, 444 * MIB - 8, 444 * MIB);  /* to a page */

	off.swapless_keep_kb = 0;
	decide(&off, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

/* Kept, not given: with 48 MiB allowed the guest keeps the 32 it holds
 * above its need (332), no more; held at its need it keeps nothing. */
static void test_only_what_it_holds(void **state)
{
	struct policy_dom d[2] = { swapless_300(1, 332 * MIB), pager_460(2, 428 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;
	struct policy_params p = params;

	p.swapless_keep_kb = 48 * MIB;
	decide(&p, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 332 * MIB);
	assert_int_equal(o[1].target_kb, 428 * MIB);

	d[0] = swapless_300(1, 300 * MIB);
	d[1] = pager_460(2, 460 * MIB);
	decide(&p, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

/* swapless_keep_given: a guest that holds its need gets the margin
 * above it (316) out of the pager's need; one short of its need (280
 * held) gets its need only, no margin: no rescue of a guest left over. */
static void test_given_while_it_holds_its_need(void **state)
{
	struct policy_dom d[2] = { swapless_300(1, 300 * MIB), pager_460(2, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;
	struct policy_params p = params;

	p.swapless_keep_given = true;
	decide(&p, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 316 * MIB);
	assert_in_range(o[1].target_kb, 444 * MIB - 8, 444 * MIB);  /* to a page */

	d[0] = swapless_300(1, 280 * MIB);
	decide(&p, 20 * MIB, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

/* Never another guest's need that swap cannot hold: beside a swapless
 * guest that needs 460 and holds 428, M = 760 is exactly both needs and
 * nothing is kept; with the pager instead, 16 is. */
static void test_never_from_unswappable_need(void **state)
{
	struct policy_dom d[2] = { swapless_300(1, 332 * MIB), est_dom(2, 428 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

/* In part (margins_fit()'s largest share that fits; the case of the
 * removed kill_margin's test_margin_in_part): the swapless guest holds
 * 340 (40 above its need, all of it kept with 48 allowed), the pager 300
 * (324 of its need its swap cannot hold): M = 640, tier 1 leaves 16
 * above both needs. The margin gets those 16, no more: the pager is at
 * exactly what its swap cannot hold of its need. */
static void test_kept_in_part(void **state)
{
	struct policy_dom d[2] = { swapless_300(1, 340 * MIB), pager_460(2, 300 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;
	struct policy_params p = params;

	p.swapless_keep_kb = 48 * MIB;
	decide(&p, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	/* the share that fits, to a page */
	assert_in_range(o[0].target_kb, 316 * MIB - 8, 316 * MIB);
	assert_in_range(o[1].target_kb, 324 * MIB, 324 * MIB + 8);
}

/* A guest whose free swap holds the margin pages its rise: none kept. */
static void test_swap_holds_it(void **state)
{
	struct policy_dom d[2] = { swapless_300(1, 332 * MIB), pager_460(2, 428 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	d[0].swap_tot_kb = 256 * MIB;
	d[0].swap_free_kb = 200 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_kept_from_pager, setup),
		cmocka_unit_test_setup(test_only_what_it_holds, setup),
		cmocka_unit_test_setup(test_given_while_it_holds_its_need, setup),
		cmocka_unit_test_setup(test_never_from_unswappable_need, setup),
		cmocka_unit_test_setup(test_swap_holds_it, setup),
		cmocka_unit_test_setup(test_kept_in_part, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
