/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Growth that waits on this cycle's decreases
 * (design.md §Growth is never cut, "The follow-up cycle"): policy_apply grants a starving domain only
 * what is free now, so the cuts that pay for it come free a balloon's
 * travel later; policy_follow_up says how much growth waits on them, and
 * the daemon runs an early cycle for it.
 */
#include "test_policy_util.h"


static struct policy_dom dom[4];
static struct policy_decision out[4];
static struct policy_params params;
static struct policy_cycle cycle;

static int setup(void **state)
{
	policy_params_default(&params);
	params.need = POLICY_NEED_ESTIMATE;
	memset(dom, 0, sizeof(dom));
	memset(out, 0, sizeof(out));
	memset(&cycle, 0, sizeof(cycle));
	cycle.mode = POLICY_MODE_SCARCE;
	return 0;
}

/* Domain i holds and was given `held` MiB, needs `ws` MiB (0: no
 * estimate) and the solver wants `target` MiB for it. */
static void dom_at(size_t i, uint64_t held, uint64_t ws, uint64_t target)
{
	dom[i] = dom_u((uint32_t)(i + 1), held * MIB, 0, 0, 0, 4096 * MIB);
	if (ws) {
		dom[i].flags |= POLICY_IN_WS;
		dom[i].ws_kb = ws * MIB;
	}
	out[i].mode = POLICY_MODE_SCARCE;
	out[i].target_kb = target * MIB;
	out[i].settle_kb = target * MIB;
}

/* starving-holder's shape: nothing free, one guest needs 560 MiB and
 * holds 421, two others are cut by 40 and 50 MiB to pay for it. The
 * cuts are written now, the growth is not (F_h = 0): 90 MiB of it waits
 * on them. */
static void test_starving_waits_on_cuts(void **state)
{
	dom_at(0, 421, 560, 600);
	dom_at(1, 385, 300, 345);
	dom_at(2, 380, 290, 330);
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 3, out);
	assert_true(out[1].has_write);
	assert_int_equal(out[1].write_kb, 345 * MIB);
	assert_true(out[2].has_write);
	/* nothing granted beyond what is free */
	assert_true(!out[0].has_write || out[0].write_kb <= dom[0].actual_kb);
	assert_int_equal(policy_follow_up(&params, dom, 3, out, false), 90 * MIB);

	/* Some memory free already: granted now, the rest waits. */
	setup(state);
	dom_at(0, 421, 560, 600);
	dom_at(1, 385, 300, 345);
	dom_at(2, 380, 290, 330);
	cycle.host_free_kb = 50 * MIB;
	policy_apply(&params, &cycle, dom, 3, out);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 471 * MIB);
	assert_int_equal(policy_follow_up(&params, dom, 3, out, false), 90 * MIB);
}

/* The growth is bounded by what the cuts give back, and by the need. */
static void test_bounded(void **state)
{
	dom_at(0, 421, 560, 441);   /* wants 20 MiB */
	dom_at(1, 385, 300, 345);   /* gives 40 */
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 2, out);
	assert_int_equal(policy_follow_up(&params, dom, 2, out, false), 20 * MIB);

	/* A donor that holds less than its old target gives back only
	 * down from what it holds. */
	setup(state);
	dom_at(0, 421, 560, 600);
	dom_at(1, 360, 300, 345);
	dom[1].target_kb = 385 * MIB;
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 2, out);
	assert_true(out[1].has_write);
	assert_int_equal(policy_follow_up(&params, dom, 2, out, false), 15 * MIB);
}

/* No early cycle: no decrease written, a grower that is not starving (its
 * need is below what it holds: it grows into its gap, which can wait),
 * a domain without an estimate, or need = committed. */
static void test_none(void **state)
{
	dom_at(0, 421, 560, 600);
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 1, out);
	assert_int_equal(policy_follow_up(&params, dom, 1, out, false), 0);

	setup(state);
	dom_at(0, 421, 400, 480);   /* W below N: growth into its gap */
	dom_at(1, 385, 300, 345);
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 2, out);
	assert_true(out[1].has_write);
	assert_int_equal(policy_follow_up(&params, dom, 2, out, false), 0);

	setup(state);
	dom_at(0, 421, 0, 600);     /* no estimate */
	dom_at(1, 385, 0, 345);
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 2, out);
	assert_int_equal(policy_follow_up(&params, dom, 2, out, false), 0);

	setup(state);
	params.need = POLICY_NEED_COMMITTED;
	dom_at(0, 421, 560, 600);
	dom_at(1, 385, 300, 345);
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 2, out);
	assert_true(out[1].has_write);
	assert_int_equal(policy_follow_up(&params, dom, 2, out, false), 0);
}

/* A starving domain whose growth is a write of less than settle_min_kb
 * (noise) starts no early cycle. */
static void test_noise(void **state)
{
	dom_at(0, 421, 560, 421);
	out[0].target_kb += params.settle_min_kb - 4;
	dom_at(1, 385, 300, 345);
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 2, out);
	assert_int_equal(policy_follow_up(&params, dom, 2, out, false), 0);
}

/* Slow donors (design.md §Growth is never cut, "Slow donors"): a donor
 * cut at an earlier cycle still holds 40 MiB above its target; a
 * starving domain waits for 60 MiB and nothing is free. Counted only
 * when the caller says the donors are slow. */
static void test_owed_counts_when_slow(void **state)
{
	dom_at(0, 421, 560, 481);   /* waits for 60 */
	dom_at(1, 385, 300, 345);
	dom[1].target_kb = 345 * MIB; /* cut before: 40 MiB under way */
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 2, out);
	assert_false(out[1].has_write);
	assert_int_equal(policy_owed_kb(&params, dom, 2, out, false), 40 * MIB);
	assert_int_equal(policy_follow_up(&params, dom, 2, out, false), 0);
	assert_int_equal(policy_follow_up(&params, dom, 2, out, true), 40 * MIB);
}

/* What is owed before and after this cycle's writes; dom0, a fixed
 * domain, growth in flight and need = committed owe nothing. */
static void test_owed_before_after(void **state)
{
	dom_at(0, 421, 560, 600);
	dom_at(1, 385, 300, 330);
	dom[1].target_kb = 365 * MIB;    /* 20 under way, cut 35 more now */
	dom_at(2, 300, 250, 300);
	dom[2].kind = POLICY_DOM0;
	dom[2].target_kb = 280 * MIB;
	dom_at(3, 200, 150, 200);
	dom[3].target_kb = 150 * MIB;
	out[3].mode = POLICY_MODE_FIXED;
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 4, out);
	assert_true(out[1].has_write);
	assert_int_equal(policy_owed_kb(&params, dom, 4, out, false), 20 * MIB);
	assert_int_equal(policy_owed_kb(&params, dom, 4, out, true), 55 * MIB);
	dom[0].target_kb = 500 * MIB;    /* growth in flight is not owed */
	assert_int_equal(policy_owed_kb(&params, dom, 4, out, false), 20 * MIB);
	params.need = POLICY_NEED_COMMITTED;
	assert_int_equal(policy_owed_kb(&params, dom, 4, out, false), 0);
}

/* Slow at a regular cycle when settle_min_kb or more is still owed; at
 * an early one, only while the donors keep giving back. */
static void test_slow_donors(void **state)
{
	uint64_t s = params.settle_min_kb;

	assert_true(policy_slow_donors(&params, false, false, s, 0));
	assert_false(policy_slow_donors(&params, false, true, s - 4, 100 * s));
	/* early: gave back settle_min_kb since the last cycle */
	assert_true(policy_slow_donors(&params, true, true, 10 * s, 11 * s));
	/* a balloon that stopped (or gave back a sliver) ends the chain */
	assert_false(policy_slow_donors(&params, true, true, 10 * s, 10 * s));
	assert_false(policy_slow_donors(&params, true, true, 10 * s, 11 * s - 4));
	/* never slow at an early cycle that the regular one did not find so */
	assert_false(policy_slow_donors(&params, true, false, 0, 11 * s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_starving_waits_on_cuts, setup),
		cmocka_unit_test_setup(test_bounded, setup),
		cmocka_unit_test_setup(test_none, setup),
		cmocka_unit_test_setup(test_noise, setup),
		cmocka_unit_test_setup(test_owed_counts_when_slow, setup),
		cmocka_unit_test_setup(test_owed_before_after, setup),
		cmocka_unit_test_setup(test_slow_donors, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
