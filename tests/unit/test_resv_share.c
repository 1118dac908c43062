/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A reservation nearly met (resv_slack_share_pct;
 * design.md §The estimate's slack, "A reservation nearly met"):
 * blue-green's g1 waited 61 s for its 1 GiB because 31 MiB of it were
 * two swapless guests' slacks. With the key, a reservation made for a guest that the
 * swapless guests' shares of their slacks pay whole is served, each
 * guest in proportion to its share; one they cannot pay, one for nobody
 * in particular, and the key off wait as before with every slack whole;
 * a need, a guest with swap and what is kept beyond the share are never
 * taken.
 */
#include "test_policy_util.h"

static struct policy_params params;
static bool unnamed;

static int setup(void **state)
{
	params = need_params(true);
	params.resv_slack_share_pct = 50;
	unnamed = false;
	return 0;
}

/* One cycle on a host whose free memory already leaves out `resv` KiB of
 * reservations (as the daemon's host_free() does), made --for a guest
 * unless `unnamed`. */
static void decide_resv(int64_t free_kb, uint64_t resv, const struct policy_dom *d,
			size_t n, struct policy_decision *o, struct policy_cycle *cycle)
{
	struct policy_host host = resv_host(&params, free_kb, resv);

	host.reservations_for_kb = unnamed ? 0 : resv;
	decide_host(&params, &host, d, n, o, cycle);
}

/* Two swapless guests held at their need and slack: a needs 400 MiB and
 * holds 420 (slack 20), b needs 300 and holds 315 (slack 15); 100 MiB
 * free. A reservation of 100 + x MiB waits x; at 50 % the shares are
 * 10 + 7.5 = 17.5 MiB. */
static void pair(struct policy_dom d[2])
{
	d[0] = est_dom(1, 420 * MIB, 400 * MIB);
	d[1] = est_dom(2, 315 * MIB, 300 * MIB);
}

/* 110 MiB reserved, 10 would wait: the shares pay it. Nothing waits, the
 * targets leave the reservation free, each guest gives in proportion to
 * its share (a 10/17.5 of 10, b 7.5/17.5: about 5.7 and 4.3 MiB) and
 * keeps its need and half its slack at least. */
static void test_shares_pay_the_wait(void **state)
{
	struct policy_dom d[2];
	struct policy_decision o[2];
	struct policy_cycle cycle;

	pair(d);
	decide_resv(100 * MIB, 110 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 0);
	assert_int_equal(cycle.resv_shared_kb, 10 * MIB);
	assert_int_not_equal(cycle.mode, POLICY_MODE_INFEASIBLE);
	assert_true(o[0].target_kb + o[1].target_kb <= 725 * MIB);
	assert_true(o[0].target_kb >= 420 * MIB - 6 * MIB);
	assert_true(o[1].target_kb >= 315 * MIB - 5 * MIB);
	assert_true(o[0].target_kb <= 420 * MIB - 5 * MIB);
	assert_true(o[1].target_kb <= 315 * MIB - 4 * MIB);

	/* Off: the 10 MiB wait, both slacks whole. */
	params.resv_slack_share_pct = 0;
	decide_resv(100 * MIB, 110 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 10 * MIB);
	assert_int_equal(cycle.resv_shared_kb, 0);
	assert_true(o[0].target_kb >= 420 * MIB);
	assert_true(o[1].target_kb >= 315 * MIB);
}

/* 120 MiB reserved: 20 would wait, the shares pay 17.5. All or nothing:
 * it waits exactly as with the key off and nobody gives up its slack
 * for a reservation that waits anyway. */
static void test_shares_that_cannot_pay_wait(void **state)
{
	struct policy_dom d[2];
	struct policy_decision o[2];
	struct policy_cycle cycle;

	pair(d);
	decide_resv(100 * MIB, 120 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 20 * MIB);
	assert_int_equal(cycle.resv_shared_kb, 0);
	assert_true(o[0].target_kb >= 420 * MIB);
	assert_true(o[1].target_kb >= 315 * MIB);
}

/* A reservation for nobody in particular (a tool's staging area) has no
 * newcomer waiting with it: it waits as before. */
static void test_unnamed_waits(void **state)
{
	struct policy_dom d[2];
	struct policy_decision o[2];
	struct policy_cycle cycle;

	pair(d);
	unnamed = true;
	decide_resv(100 * MIB, 110 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 10 * MIB);
	assert_true(o[0].target_kb >= 420 * MIB);
	assert_true(o[1].target_kb >= 315 * MIB);
}

/* The whole slack at 100 %, never the need: 135 MiB reserved (35 would
 * wait, the two slacks) is served with both at their needs; 136 waits
 * 36. */
static void test_never_the_need(void **state)
{
	struct policy_dom d[2];
	struct policy_decision o[2];
	struct policy_cycle cycle;

	pair(d);
	params.resv_slack_share_pct = 100;
	decide_resv(100 * MIB, 135 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 0);
	assert_true(o[0].target_kb >= 400 * MIB);
	assert_true(o[1].target_kb >= 300 * MIB);
	assert_true(o[0].target_kb + o[1].target_kb <= 700 * MIB);

	decide_resv(100 * MIB, 136 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 36 * MIB);
	assert_true(o[0].target_kb >= 420 * MIB);
}

/* Only a swapless guest's slack is shared: b with zram swap (session
 * 10's kill) or with swap of a kind its agent does not say keeps its
 * slack; a's 10 MiB share pays a 10 MiB wait, not 11. */
static void test_only_swapless_shares(void **state)
{
	struct policy_dom d[2];
	struct policy_decision o[2];
	struct policy_cycle cycle;

	for (int zram = 0; zram < 2; zram++) {
		pair(d);
		d[1].swap_tot_kb = 64 * MIB;
		d[1].swap_free_kb = 0;  /* full: its slack cannot page either */
		if (zram) {
			d[1].flags |= POLICY_IN_SWAP_KIND;
			d[1].swap_zram_kb = 64 * MIB;
		}
		decide_resv(100 * MIB, 110 * MIB, d, 2, o, &cycle);
		assert_int_equal(cycle.resv_held_kb, 0);
		assert_true(o[1].target_kb >= 315 * MIB);
		assert_true(o[0].target_kb >= 410 * MIB);

		decide_resv(100 * MIB, 111 * MIB, d, 2, o, &cycle);
		assert_int_equal(cycle.resv_held_kb, 11 * MIB);
		assert_true(o[0].target_kb >= 420 * MIB);
		assert_true(o[1].target_kb >= 315 * MIB);
	}
}

/* policy_params_check refuses a share above 100 %. */
static void test_share_bounded(void **state)
{
	char err[128];

	params.resv_slack_share_pct = 101;
	assert_int_equal(policy_params_check(&params, err, sizeof(err)), -1);
	params.resv_slack_share_pct = 100;
	assert_int_equal(policy_params_check(&params, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_shares_pay_the_wait, setup),
		cmocka_unit_test_setup(test_shares_that_cannot_pay_wait, setup),
		cmocka_unit_test_setup(test_unnamed_waits, setup),
		cmocka_unit_test_setup(test_never_the_need, setup),
		cmocka_unit_test_setup(test_only_swapless_shares, setup),
		cmocka_unit_test_setup(test_share_bounded, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
