/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A reservation out of the pagers' needs (resv_need_wait_s, resv_need_pct;
 * design.md §The estimate's slack, "A reservation that waits for ever"):
 * patch-reboot's last rebuild and scale-out's w5 were never created,
 * their reservations waiting for a need to fall. With the key, a
 * reservation made for a guest that has waited resv_need_wait_s is served
 * out of up to resv_need_pct of the need of each guest whose disk swap
 * holds that part, in proportion, when those parts pay the whole wait;
 * before the wait, with the key off, for nobody in particular, beyond
 * the parts, and from a swapless guest, zram, an unknown swap, a guest in
 * its adoption grace or below a floor it waits as before.
 */
#include "test_policy_util.h"

static struct policy_params params;
static bool unnamed;
static uint64_t waited_ms;

static int setup(void **state)
{
	params = need_params(true);
	params.resv_need_wait_s = 10;
	params.resv_need_pct = 25;
	unnamed = false;
	waited_ms = 10000;
	return 0;
}

/* One cycle on a host whose free memory already leaves out `resv` KiB of
 * reservations, made --for a guest `waited_ms` ago unless `unnamed`. */
static void decide_resv(int64_t free_kb, uint64_t resv, const struct policy_dom *d,
			size_t n, struct policy_decision *o, struct policy_cycle *cycle)
{
	struct policy_host host = resv_host(&params, free_kb, resv);

	host.reservations_for_kb = unnamed ? 0 : resv;
	host.reservations_for_waited_ms = unnamed ? 0 : waited_ms;
	decide_host(&params, &host, d, n, o, cycle);
}

/* A pager at its need (holds and needs 400 MiB; 200 MiB of its 256 of
 * disk swap free: 116 beyond its 64 MiB gap and its lent 20 MiB slack)
 * beside a swapless guest at its need and slack (needs 300, holds 315);
 * 100 MiB free. A reservation of 100 + x MiB waits x; at 25 % the
 * pager's part is 100 MiB. */
static void pair(struct policy_dom d[2])
{
	d[0] = est_swap_dom(1, 400 * MIB, 400 * MIB);
	d[0].flags |= POLICY_IN_SWAP_KIND;
	d[1] = est_dom(2, 315 * MIB, 300 * MIB);
}

/* 150 MiB reserved, 50 would wait. Waited 10 s: the pager's part pays
 * it, nothing waits, the pager is cut by 50 MiB below its need, the
 * swapless guest keeps its need and slack. Before 10 s, and with the key
 * off, it waits whole and the pager keeps its need. */
static void test_need_pays_after_the_wait(void **state)
{
	struct policy_dom d[2];
	struct policy_decision o[2];
	struct policy_cycle cycle;

	pair(d);
	decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 0);
	assert_int_equal(cycle.resv_need_kb, 50 * MIB);
	assert_int_not_equal(cycle.mode, POLICY_MODE_INFEASIBLE);
	assert_true(o[0].target_kb + o[1].target_kb <= 665 * MIB);
	assert_true(o[0].target_kb >= 350 * MIB - 4);
	assert_true(o[0].target_kb <= 350 * MIB);
	assert_true(o[1].target_kb >= 315 * MIB);

	waited_ms = 9999;
	decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 50 * MIB);
	assert_int_equal(cycle.resv_need_kb, 0);
	assert_true(o[0].target_kb >= 400 * MIB);

	waited_ms = 3600000;
	params.resv_need_wait_s = 0;
	decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 50 * MIB);
	assert_true(o[0].target_kb >= 400 * MIB);
}

/* All or nothing: 200 MiB reserved (the 100 MiB part pays the 100 that
 * wait) is served with the pager at 75 % of its need; 201 waits 101 and
 * the pager keeps its need. So does a reservation for nobody. */
static void test_beyond_the_part_waits(void **state)
{
	struct policy_dom d[2];
	struct policy_decision o[2];
	struct policy_cycle cycle;

	pair(d);
	decide_resv(100 * MIB, 200 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 0);
	assert_true(o[0].target_kb >= 300 * MIB);
	assert_true(o[0].target_kb + o[1].target_kb <= 615 * MIB);

	decide_resv(100 * MIB, 201 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 101 * MIB);
	assert_int_equal(cycle.resv_need_kb, 0);
	assert_true(o[0].target_kb >= 400 * MIB);

	unnamed = true;
	decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 50 * MIB);
	assert_true(o[0].target_kb >= 400 * MIB);
}

/* The free swap bounds the part: 120 MiB free is 36 beyond the gap and
 * the lent slack, so 136 MiB reserved is served and 137 waits. A minimum
 * (an OOM-raised one) of 380 MiB bounds it to 20: 120 served, 121 waits. */
static void test_swap_room_and_floor_bound_the_part(void **state)
{
	struct policy_dom d[2];
	struct policy_decision o[2];
	struct policy_cycle cycle;

	pair(d);
	d[0].swap_free_kb = 120 * MIB;
	decide_resv(100 * MIB, 136 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 0);
	assert_true(o[0].target_kb >= 364 * MIB - 4);
	decide_resv(100 * MIB, 137 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 37 * MIB);

	pair(d);
	d[0].min_kb = 380 * MIB;
	d[0].oom_raise_kb = 64 * MIB;
	d[0].flags |= POLICY_IN_OOM_MIN;
	decide_resv(100 * MIB, 120 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 0);
	assert_true(o[0].target_kb >= 380 * MIB);
	decide_resv(100 * MIB, 121 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 21 * MIB);
	assert_true(o[0].target_kb >= 400 * MIB);
}

/* Never a need whose loss is a kill or worse: the pager with zram swap,
 * with a swap of a kind its agent does not say, without swap, or in its
 * adoption grace lends nothing, and the 50 MiB wait stays. */
static void test_only_disk_pagers_lend(void **state)
{
	struct policy_dom d[2];
	struct policy_decision o[2];
	struct policy_cycle cycle;

	for (int k = 0; k < 4; k++) {
		pair(d);
		if (k == 0)
			d[0].swap_zram_kb = 256 * MIB;
		else if (k == 1)
			d[0].flags &= ~POLICY_IN_SWAP_KIND;
		else if (k == 2)
			d[0].swap_tot_kb = d[0].swap_free_kb = 0;
		else
			d[0].flags |= POLICY_IN_GRACE;
		decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
		assert_int_equal(cycle.resv_need_kb, 0);
		assert_true(cycle.resv_held_kb >= 50 * MIB);
		assert_true(o[1].target_kb >= 315 * MIB);
	}
}

/* Two pagers, needs 400 and 200 (parts 100 and 50): a 60 MiB wait is
 * taken in proportion, about 40 and 20. */
static void test_in_proportion(void **state)
{
	struct policy_dom d[3];
	struct policy_decision o[3];
	struct policy_cycle cycle;

	pair(d);
	d[2] = est_swap_dom(3, 200 * MIB, 200 * MIB);
	d[2].flags |= POLICY_IN_SWAP_KIND;
	decide_resv(100 * MIB, 160 * MIB, d, 3, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 0);
	assert_int_equal(cycle.resv_need_kb, 60 * MIB);
	assert_true(o[0].target_kb >= 360 * MIB - 4 && o[0].target_kb <= 361 * MIB);
	assert_true(o[2].target_kb >= 180 * MIB - 4 && o[2].target_kb <= 181 * MIB);
	assert_true(o[1].target_kb >= 315 * MIB);
}

/* policy_params_check refuses a part above 100 %. */
static void test_pct_bounded(void **state)
{
	char err[128];

	params.resv_need_pct = 101;
	assert_int_equal(policy_params_check(&params, err, sizeof(err)), -1);
	params.resv_need_pct = 100;
	assert_int_equal(policy_params_check(&params, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_need_pays_after_the_wait, setup),
		cmocka_unit_test_setup(test_beyond_the_part_waits, setup),
		cmocka_unit_test_setup(test_swap_room_and_floor_bound_the_part, setup),
		cmocka_unit_test_setup(test_only_disk_pagers_lend, setup),
		cmocka_unit_test_setup(test_in_proportion, setup),
		cmocka_unit_test_setup(test_pct_bounded, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
