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
	assert_int_equal(policy_follow_up(&params, dom, 3, out), 90 * MIB);

	/* Some memory free already: granted now, the rest waits. */
	setup(state);
	dom_at(0, 421, 560, 600);
	dom_at(1, 385, 300, 345);
	dom_at(2, 380, 290, 330);
	cycle.host_free_kb = 50 * MIB;
	policy_apply(&params, &cycle, dom, 3, out);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 471 * MIB);
	assert_int_equal(policy_follow_up(&params, dom, 3, out), 90 * MIB);
}

/* The growth is bounded by what the cuts give back, and by the need. */
static void test_bounded(void **state)
{
	dom_at(0, 421, 560, 441);   /* wants 20 MiB */
	dom_at(1, 385, 300, 345);   /* gives 40 */
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 2, out);
	assert_int_equal(policy_follow_up(&params, dom, 2, out), 20 * MIB);

	/* A donor that holds less than its old target gives back only
	 * down from what it holds. */
	setup(state);
	dom_at(0, 421, 560, 600);
	dom_at(1, 360, 300, 345);
	dom[1].target_kb = 385 * MIB;
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 2, out);
	assert_true(out[1].has_write);
	assert_int_equal(policy_follow_up(&params, dom, 2, out), 15 * MIB);
}

/* No early cycle: no decrease written, a grower that is not starving (its
 * need is below what it holds: it grows into its gap, which can wait),
 * a domain without an estimate, or need = committed. */
static void test_none(void **state)
{
	dom_at(0, 421, 560, 600);
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 1, out);
	assert_int_equal(policy_follow_up(&params, dom, 1, out), 0);

	setup(state);
	dom_at(0, 421, 400, 480);   /* W below N: growth into its gap */
	dom_at(1, 385, 300, 345);
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 2, out);
	assert_true(out[1].has_write);
	assert_int_equal(policy_follow_up(&params, dom, 2, out), 0);

	setup(state);
	dom_at(0, 421, 0, 600);     /* no estimate */
	dom_at(1, 385, 0, 345);
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 2, out);
	assert_int_equal(policy_follow_up(&params, dom, 2, out), 0);

	setup(state);
	params.need = POLICY_NEED_COMMITTED;
	dom_at(0, 421, 560, 600);
	dom_at(1, 385, 300, 345);
	cycle.host_free_kb = 0;
	policy_apply(&params, &cycle, dom, 2, out);
	assert_true(out[1].has_write);
	assert_int_equal(policy_follow_up(&params, dom, 2, out), 0);
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
	assert_int_equal(policy_follow_up(&params, dom, 2, out), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_starving_waits_on_cuts, setup),
		cmocka_unit_test_setup(test_bounded, setup),
		cmocka_unit_test_setup(test_none, setup),
		cmocka_unit_test_setup(test_noise, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
