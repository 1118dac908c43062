/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scarce mode under need = estimate: for a killed guest without swap,
 * the part of its OOM-raised minimum above its need now is served
 * after every domain's need now (tier 4, with the margin of a paused
 * climb) and before anyone's gap; the need now itself, W*_i while the
 * minimum is raised, stays a floor (design.md §Growth is never cut, "The OOM minimum after the
 * needs"). unpark-trickle (docs/evaluation.md, "Session 9: where the lag
 * goes (lag)"): s1, killed at 393 MiB, kept them for the 600 s of
 * oom_hold_s while its load had fallen to 150 MiB and three guests with
 * swap paged 12-37 MiB each.
 */
#include "test_policy_util.h"

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);
	return 0;
}

/* OOM-killed: its minimum was raised from 0 to 400 MiB; it holds 400
 * and needs W_i = 200 now (not growing: no margin). */
static struct policy_dom killed(uint32_t domid)
{
	struct policy_dom d = est_dom(domid, 400 * MIB, 200 * MIB);

	d.min_kb = 400 * MIB;
	d.oom_raise_kb = 400 * MIB;
	d.flags |= POLICY_IN_OOM_MIN;
	return d;
}

/* M = 688. Needs 200 + 340 fit; with the raised minimum (400 + 340)
 * they do not: tier 4 decides, the swapper has its need, 340, and the
 * killed guest the rest, 348 (above its need, below its minimum). With
 * the minimum as a floor the swapper got 288 and paged 52 MiB. */
static void test_oom_min_yields_to_need(void **state)
{
	struct policy_dom d[2] = { killed(1), est_swap_dom(2, 288 * MIB, 340 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(cycle.tier, 4);
	assert_int_equal(o[1].target_kb, 340 * MIB);
	assert_in_range(o[0].target_kb, 348 * MIB - 8, 348 * MIB);
	assert_true(o[0].reasons & POLICY_R_YIELD);
}

/* The minimum still comes before another's gap: M = 800, the needs and
 * the minimum fit (740), the gaps' tier shares the rest: the killed
 * guest keeps all of its 400, the swapper has 400 (60 of its gap). */
static void test_oom_min_before_gap(void **state)
{
	struct policy_dom d[2] = { killed(1), est_swap_dom(2, 400 * MIB, 340 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(cycle.tier, POLICY_TIER_GAPS);
	assert_int_equal(o[0].target_kb, 400 * MIB);
	assert_in_range(o[1].target_kb, 400 * MIB - 4, 400 * MIB);
}

/* Killed, swapless and growing again: its need now is W*_i = W_i + g_i
 * = 264 (the margin is what it lacked), the need its swap cannot hold,
 * so it keeps 264 whatever the swapper needs (460, holding 288; M =
 * 688): the swapper has the other 424 and pages. */
static void test_killed_climber_keeps_margin(void **state)
{
	struct policy_dom d[2] = { killed(1), est_swap_dom(2, 288 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	d[0].flags |= POLICY_IN_GROWING;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 264 * MIB);
	assert_in_range(o[1].target_kb, 424 * MIB - 4, 424 * MIB);
}

/* The killed guest of the cases below with kb of swap, all of it free. */
static void give_swap(struct policy_dom *d, uint64_t kb)
{
	d->swap_tot_kb = kb;
	d->swap_free_kb = kb;
}

/* The killed guest holds its raised 400, the swapper what that leaves
 * of M = 688: 288. */
static void assert_raise_kept(const struct policy_decision o[2])
{
	assert_int_equal(o[0].target_kb, 400 * MIB);
	assert_int_equal(o[1].target_kb, 288 * MIB);
}

/* A killed guest with swap keeps its raised minimum as a floor, 400,
 * whatever its free swap, while its goal (264) and its swap (160) reach
 * the raised minimum, and the swapper (460, M = 688) gets 288 (host-50:
 * guests with 512 MiB of swap shrunk to their need between their jumps
 * were killed at the next one, 68 kills instead of 50). */
static void test_killed_with_swap_keeps_min(void **state)
{
	struct policy_dom d[2] = { killed(1), est_swap_dom(2, 288 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	give_swap(&d[0], 160 * MIB);
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_raise_kept(o);
	/* Its swap full: still a floor (the test reads the swap it has). */
	d[0].swap_free_kb = 0;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 400 * MIB);
	/* Without swap it yields, the swapper has its need. */
	d[0].swap_tot_kb = 0;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(o[0].target_kb < 400 * MIB);
	assert_true(o[1].target_kb > 288 * MIB);
}

/* The load that was killed is gone: 64 MiB of swap, W_i + headroom_mb
 * = 264 MiB, 8 below the raised 400 beyond all its swap and oom_bump_mb
 * (64), not growing. The raise is served after the needs, as for a guest without swap: the swapper
 * (460, M = 688) has more than the 288 the floor left it, the killed
 * guest less than 400 but its need. Growing again, or with the swap to
 * reach the raise (test above), it keeps 400 (diurnal-fleet-tight:
 * docs/evaluation.md, "Session 14: the lag (lag14)"). */
static void test_killed_load_gone_yields(void **state)
{
	struct policy_dom d[2] = { killed(1), est_swap_dom(2, 288 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	give_swap(&d[0], 64 * MIB);
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(o[0].target_kb < 400 * MIB);
	assert_true(o[0].target_kb >= 200 * MIB);
	assert_true(o[1].target_kb > 288 * MIB);
	assert_true(o[0].reasons & POLICY_R_YIELD);
	/* 72 MiB of swap: 264 + 72 + 64 reaches the raise, a floor. */
	assert_int_equal(params.oom_bump_kb, 64 * MIB);
	d[0].swap_tot_kb = 72 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_raise_kept(o);
	/* Growing again: a floor. */
	d[0].swap_tot_kb = 64 * MIB;
	d[0].flags |= POLICY_IN_GROWING;
	decide(&params, 0, d, 2, o, &cycle);
	assert_raise_kept(o);
}

/* Under headroom = learned the gap after a kill is gap_min + oom_bump =
 * 96 MiB (gap.c). The test reads the fixed headroom, not that gap,
 * which would count the bump twice (200 + 96 + 64 + 64 reaches 400):
 * the raise yields as under fixed, and the targets are those of the
 * fixed gap. The gap's floor goes with the raise: the policy reads g_i
 * as the fixed headroom while the killed load is gone, the learned gap
 * again once the guest grows (the raise a floor again) or for a guest
 * not killed. diurnal-fleet-tight's learned column kept d8's raise and
 * had 39 kills against fixed's 27 (docs/evaluation.md, "Session 14: the
 * killed load gone (killgone14)"). */
static void test_killed_load_gone_learned_gap(void **state)
{
	struct policy_dom d[2] = { killed(1), est_swap_dom(2, 288 * MIB, 460 * MIB) };
	struct policy_decision o[2], fixed[2];
	struct policy_cycle cycle;
	uint64_t learned = params.gap_min_kb + params.oom_bump_kb;

	assert_int_equal(learned, 96 * MIB);
	give_swap(&d[0], 64 * MIB);
	d[0].flags |= POLICY_IN_GAP;
	assert_int_equal(d[0].gap_kb, params.headroom_kb);
	decide(&params, 0, d, 2, fixed, &cycle);
	d[0].gap_kb = learned;
	assert_int_equal(policy_dom_gap_kb(&params, &d[0]), params.headroom_kb);
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(o[0].target_kb < 400 * MIB);
	assert_true(o[1].target_kb > 288 * MIB);
	assert_true(o[0].reasons & POLICY_R_YIELD);
	assert_int_equal(o[0].target_kb, fixed[0].target_kb);
	assert_int_equal(o[1].target_kb, fixed[1].target_kb);
	/* Growing again: a floor, and the learned gap. */
	d[0].flags |= POLICY_IN_GROWING;
	assert_int_equal(policy_dom_gap_kb(&params, &d[0]), learned);
	decide(&params, 0, d, 2, o, &cycle);
	assert_raise_kept(o);
	/* Not killed: its learned gap. */
	d[0].flags &= ~(POLICY_IN_GROWING | POLICY_IN_OOM_MIN);
	d[0].oom_raise_kb = 0;
	assert_int_equal(policy_dom_gap_kb(&params, &d[0]), learned);
}

/* oom_min_yield = no: the raised minimum is a floor of every tier, as
 * before the rule: 400, and the swapper 288. The default is yes. */
static void test_key_off_keeps_min(void **state)
{
	struct policy_dom d[2] = { killed(1), est_swap_dom(2, 288 * MIB, 340 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	assert_true(params.oom_min_yield);
	params.oom_min_yield = false;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_raise_kept(o);
}

/* In abundance the raised minimum holds as before: with 400 MiB free
 * the killed guest is not shrunk below 400. */
static void test_oom_min_kept_in_abundance(void **state)
{
	struct policy_dom d[2] = { killed(1), est_swap_dom(2, 288 * MIB, 200 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 400 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_true(o[0].target_kb >= 400 * MIB);
}

/* The raise cannot exceed the minimum it raised: refused. */
static void test_oom_raise_above_min_refused(void **state)
{
	struct policy_dom d[1] = { killed(1) };
	struct policy_decision o[1];
	struct policy_cycle cycle;
	struct policy_ctx ctx;
	struct policy_host host = { .free_kb = 0, .reserve_kb = 0 };

	d[0].oom_raise_kb = 401 * MIB;
	assert_int_equal(policy_ctx_init(&ctx, 1), 0);
	assert_int_equal(policy_decide(&ctx, &params, &host, d, 1, o, &cycle), -1);
	assert_non_null(strstr(cycle.error, "oom_raise"));
	policy_ctx_free(&ctx);
}

/* A killed guest (swapless, W_i = 200 MiB now) holding its minimum,
 * raised to `min` MiB. */
static struct policy_dom killed_at(uint32_t domid, uint64_t min)
{
	struct policy_dom d = killed(domid);

	d.actual_kb = d.target_kb = d.min_kb = d.oom_raise_kb = min * MIB;
	return d;
}

/*
 * tier4_keep_kb (design.md §Scarce mode from the estimated need, "Tier
 * 4 kept"): three killed guests hold 200, 100 and 150 MiB above their
 * needs, a swapper is at its need of 340; M = 1338, the needs 940, 398
 * MiB for the parts, 52 less than they hold. Off: they share the room
 * at an equal price (the 100 MiB part whole, the others 349 each), and
 * a room 40 MiB smaller moves two of them. With a band of 32 MiB: the
 * 350 and the 300 are within it of their equal-price targets and kept,
 * the 400 (51 above) takes the cut alone (-> 348); then the room 40 MiB
 * smaller: both 348 and 350 are within the band of 329, but kept both
 * they do not fit, so the farther (350, 21 above) is let go and takes
 * the 40 alone (-> 310).
 */
static void test_tier4_keep(void **state)
{
	struct policy_dom d[4] = { killed_at(1, 400), killed_at(2, 300),
				   killed_at(3, 350), est_swap_dom(4, 288 * MIB, 340 * MIB) };
	struct policy_decision o[4];
	struct policy_cycle cycle;

	assert_int_equal(params.tier4_keep_kb, 0);   /* off by default */
	decide(&params, 0, d, 4, o, &cycle);
	assert_int_equal(cycle.tier, 4);
	assert_int_equal(o[3].target_kb, 340 * MIB);
	assert_int_equal(o[1].target_kb, 300 * MIB);
	assert_in_range(o[0].target_kb, 349 * MIB - 4, 349 * MIB);
	assert_in_range(o[2].target_kb, 349 * MIB - 4, 349 * MIB);
	d[3] = est_swap_dom(4, 288 * MIB, 380 * MIB);
	decide(&params, 0, d, 4, o, &cycle);
	assert_in_range(o[0].target_kb, 329 * MIB - 4, 329 * MIB);
	assert_in_range(o[2].target_kb, 329 * MIB - 4, 329 * MIB);

	params.tier4_keep_kb = 32 * MIB;
	d[3] = est_swap_dom(4, 288 * MIB, 340 * MIB);
	decide(&params, 0, d, 4, o, &cycle);
	assert_int_equal(cycle.tier, 4);
	assert_int_equal(o[3].target_kb, 340 * MIB);
	assert_int_equal(o[1].target_kb, 300 * MIB);
	assert_int_equal(o[2].target_kb, 350 * MIB);
	assert_in_range(o[0].target_kb, 348 * MIB - 8, 348 * MIB);

	/* Written: domain 1 is given 348. The swapper needs 380. */
	d[0].target_kb = o[0].target_kb;
	d[3] = est_swap_dom(4, 288 * MIB, 380 * MIB);
	decide(&params, 0, d, 4, o, &cycle);
	assert_int_equal(o[3].target_kb, 380 * MIB);
	assert_int_equal(o[0].target_kb, d[0].target_kb);
	assert_int_equal(o[1].target_kb, 300 * MIB);
	assert_in_range(o[2].target_kb, 310 * MIB - 8, 310 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_oom_min_yields_to_need, setup),
		cmocka_unit_test_setup(test_oom_min_before_gap, setup),
		cmocka_unit_test_setup(test_killed_climber_keeps_margin, setup),
		cmocka_unit_test_setup(test_killed_with_swap_keeps_min, setup),
		cmocka_unit_test_setup(test_killed_load_gone_yields, setup),
		cmocka_unit_test_setup(test_killed_load_gone_learned_gap, setup),
		cmocka_unit_test_setup(test_key_off_keeps_min, setup),
		cmocka_unit_test_setup(test_oom_min_kept_in_abundance, setup),
		cmocka_unit_test_setup(test_oom_raise_above_min_refused, setup),
		cmocka_unit_test_setup(test_tier4_keep, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
