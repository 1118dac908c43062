/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A reservation before a rise a guest with swap pages for (resv_page;
 * design.md §The estimate's slack, "A reservation before a rise that
 * pages"): ephemeral-fat's runner e04 waited 10 s on `reserve --wait`
 * for 33 MiB while svc1 (disk swap, paging) was raised to its need. With
 * the key, a reservation for a named guest that such rises pay whole is
 * served first; one they cannot pay, or one for nobody in particular,
 * waits as before, and a swapless guest's need, a zram guest's rise and
 * what any guest holds are never taken.
 */
#include "test_policy_util.h"

static struct policy_params params;
static bool unnamed;
static uint64_t newcomer_need;  /* reservations_need_kb: the newcomer's --need */

static int setup(void **state)
{
	params = need_params(true);
	unnamed = false;
	newcomer_need = 0;
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
	host.reservations_need_kb = unnamed ? 0 : newcomer_need;
	decide_host(&params, &host, d, n, o, cycle);
}

/* A pager (holds 300, W 400, 200 MiB of free disk swap) beside a
 * swapless guest (holds 400, W 300: keeps W + 5 % = 315), 100 MiB free
 * and `resv` reserved: the guests keep 400 + 315 = 715 out of 700 +
 * 100 - resv. */
static void pair(struct policy_dom d[2], uint64_t zram_kb, uint64_t swap_tot_kb)
{
	d[0] = est_swap_dom(1, 300 * MIB, 400 * MIB);
	d[0].flags |= POLICY_IN_SWAP_KIND;
	d[0].swap_zram_kb = zram_kb;
	d[0].swap_tot_kb = swap_tot_kb;
	d[0].swap_free_kb = swap_tot_kb ? 200 * MIB : 0;
	d[1] = est_dom(2, 400 * MIB, 300 * MIB);
}

/* 150 MiB reserved: 65 of it would wait for the pager's rise (715 - 650).
 * Off: it waits, the pager is raised to its need. On: the rise (100)
 * pays it whole, nothing waits; the targets leave the reservation free,
 * the pager keeps what it holds, the swapless guest its need. */
static void test_rise_that_pages_pays(void **state)
{
	struct policy_dom d[2];
	struct policy_decision o[2];
	struct policy_cycle cycle;

	pair(d, 0, 256 * MIB);
	params.resv_page = false;
	decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 65 * MIB);
	assert_true(o[0].target_kb >= 400 * MIB);

	params.resv_page = true;
	decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 0);
	assert_int_not_equal(cycle.mode, POLICY_MODE_INFEASIBLE);
	assert_true(o[0].target_kb + o[1].target_kb <= 650 * MIB);
	assert_true(o[0].target_kb >= 300 * MIB);
	assert_true(o[1].target_kb >= 300 * MIB);

	/* A reservation for nobody in particular (a tool's staging area,
	 * resv-hold-jump's backup) has no newcomer waiting: it waits as
	 * before, the pager is raised. */
	unnamed = true;
	decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 65 * MIB);
	assert_true(o[0].target_kb >= 400 * MIB);
}

/* 200 MiB reserved: 115 would wait, the rise pays only 100 of it: the
 * reservation waits as before (it would time out saying why) and the
 * pager is not left paging for nothing. */
static void test_rise_that_cannot_pay_waits(void **state)
{
	struct policy_dom d[2];
	struct policy_decision o[2];
	struct policy_cycle cycle;

	pair(d, 0, 256 * MIB);
	params.resv_page = true;
	decide_resv(100 * MIB, 200 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 115 * MIB);
	assert_true(o[0].target_kb >= 400 * MIB);
	assert_true(o[1].target_kb >= 300 * MIB);
}

/* The rise of a guest that cannot page for it is a need the reservation
 * waits for: a zram guest, a swapless one, one whose free swap cannot
 * hold the rise. */
static void test_only_disk_swap_pages(void **state)
{
	struct policy_dom d[2];
	struct policy_decision o[2];
	struct policy_cycle cycle;

	params.resv_page = true;
	pair(d, 64 * MIB, 256 * MIB);   /* keeps its slack too: 420 + 315 */
	decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 85 * MIB);
	assert_true(o[0].target_kb >= 400 * MIB);

	pair(d, 0, 0);
	decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
	assert_true(cycle.resv_held_kb >= 65 * MIB);
	assert_true(o[0].target_kb >= 400 * MIB);

	pair(d, 0, 256 * MIB);
	d[0].swap_free_kb = 90 * MIB;
	decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 65 * MIB);
}

/* The newcomer's need (reserve --need; session 22): the guests page for
 * their rises only until the newcomer gives back what it holds beyond
 * its need. 150 MiB reserved, 65 would wait, the rise (100) pays it:
 * served when the newcomer's spare (150 - need) holds the 65, else it
 * waits as without the rule; a need not said counts the whole size
 * (spare 0), and one above the size (a guest that grows past what it is
 * created with) leaves nothing to page against. */
static void test_newcomer_need_bounds_the_wait(void **state)
{
	struct policy_dom d[2];
	struct policy_decision o[2];
	struct policy_cycle cycle;

	pair(d, 0, 256 * MIB);
	params.resv_page = true;
	newcomer_need = 85 * MIB;       /* spare 65: the wait fits, just */
	decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 0);
	assert_true(o[0].target_kb + o[1].target_kb <= 650 * MIB);

	newcomer_need = 86 * MIB;       /* spare 64 < 65: waits */
	decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 65 * MIB);
	assert_true(o[0].target_kb >= 400 * MIB);

	newcomer_need = 150 * MIB;      /* not said: the arbiter passes the size */
	decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 65 * MIB);

	newcomer_need = 400 * MIB;      /* grows past its size */
	decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 65 * MIB);
	assert_true(o[0].target_kb >= 400 * MIB);

	/* off, a need said changes nothing */
	params.resv_page = false;
	newcomer_need = 10 * MIB;
	decide_resv(100 * MIB, 150 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.resv_held_kb, 65 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_rise_that_pages_pays, setup),
		cmocka_unit_test_setup(test_rise_that_cannot_pay_waits, setup),
		cmocka_unit_test_setup(test_only_disk_swap_pages, setup),
		cmocka_unit_test_setup(test_newcomer_need_bounds_the_wait, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
