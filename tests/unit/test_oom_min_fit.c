/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * oom_min_fit (design.md §Growth is never cut, "Raises that do not
 * fit"): when the floors with the OOM-raised minimums exceed the memory,
 * the raises are dropped from the floors and the domains solved as
 * usual, instead of everyone held at a raised floor whose sum the host
 * does not have. rolling-peaks (docs/evaluation.md, "Session 20:
 * held-out shapes (break20)"): guests with swap killed at their peaks
 * kept their raises for oom_hold_s after the peaks ended, the floors
 * exceeded the memory by up to 64 MiB, and the next guests' peaks were
 * held at their floors.
 */
#include "test_policy_util.h"

/* Killed at a peak holding 350 MiB, its minimum raised from 0 to 400;
 * it holds 350 and needs W_i = 200 now (the peak gone); 160 MiB of swap, all free (a raise with swap
 * is a floor of every tier while the load is not gone). */
static struct policy_dom killed(uint32_t domid)
{
	struct policy_dom d = est_dom(domid, 350 * MIB, 200 * MIB);

	d.min_kb = 400 * MIB;
	d.oom_raise_kb = 400 * MIB;
	d.oom_kill_kb = 350 * MIB;
	d.flags |= POLICY_IN_OOM_MIN;
	d.swap_tot_kb = 160 * MIB;
	d.swap_free_kb = 160 * MIB;
	return d;
}

/* Two killed guests and a swapless one at its peak (holds 200, W_i =
 * 400); M = 900 (nothing free). The floors are 400 + 400 + 200 = 1000. */
static void run(bool fit, struct policy_decision o[3], struct policy_cycle *cycle)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[3] = { killed(1), killed(2), est_dom(3, 200 * MIB, 400 * MIB) };

	p.oom_min_fit = fit;
	decide(&p, 0, d, 3, o, cycle);
}

/* Off: stage 4, everyone held at its floor, the peak at 200 of 400. */
static void test_off_everyone_at_floor(void **state)
{
	struct policy_decision o[3];
	struct policy_cycle cycle;

	run(false, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_INFEASIBLE);
	assert_int_equal(o[0].target_kb, 400 * MIB);
	assert_int_equal(o[1].target_kb, 400 * MIB);
	assert_int_equal(o[2].target_kb, 200 * MIB);
}

/* On: solved within M, the swapless peak has its need (400) and the
 * killed guests at least theirs (200) each. */
static void test_on_raises_dropped(void **state)
{
	struct policy_decision o[3];
	struct policy_cycle cycle;

	run(true, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(o[2].target_kb >= 400 * MIB);
	assert_true(o[0].target_kb >= 200 * MIB);
	assert_true(o[1].target_kb >= 200 * MIB);
	assert_true(o[0].target_kb + o[1].target_kb + o[2].target_kb <= 900 * MIB);
}

/* On, but the raises fit: nothing changes (M = 1100: the floors, 1000,
 * fit; the killed guests keep their raised 400). */
static void test_on_fits_unchanged(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[3] = { killed(1), killed(2), est_dom(3, 200 * MIB, 400 * MIB) };
	struct policy_decision o[3];
	struct policy_cycle cycle;

	p.oom_min_fit = true;
	decide(&p, 200 * MIB, d, 3, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(o[0].target_kb >= 400 * MIB);
	assert_true(o[1].target_kb >= 400 * MIB);
}

/* Killed holding 350 MiB like killed(), but its load is still there
 * (W_i = 330: with the bump, 64 MiB, it reaches the level of the kill). */
static struct policy_dom live(uint32_t domid)
{
	struct policy_dom d = killed(domid);

	d.ws_kb = 330 * MIB;
	return d;
}

/* On, a live raise beside a fallen one: only the raises the others need
 * go, whole, the live one last. Without the raises the floors are about
 * 350 + 200 + 200; the live raise (about 50) fits with the peak's lack
 * (200) only if the fallen one (about 200) goes. The live guest keeps
 * its raised floor whole, the fallen one loses it, the peak gains. */
static void test_on_live_raise_kept(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[3] = { live(1), killed(2), est_dom(3, 200 * MIB, 400 * MIB) };
	struct policy_decision o[3];
	struct policy_cycle cycle;

	p.oom_min_fit = true;
	decide(&p, 0, d, 3, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(o[0].target_kb >= 400 * MIB);
	assert_true(o[1].target_kb < 400 * MIB);
	assert_true(o[2].target_kb > 200 * MIB);
	assert_true(o[0].target_kb + o[1].target_kb + o[2].target_kb <= 900 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_everyone_at_floor),
		cmocka_unit_test(test_on_raises_dropped),
		cmocka_unit_test(test_on_fits_unchanged),
		cmocka_unit_test(test_on_live_raise_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
