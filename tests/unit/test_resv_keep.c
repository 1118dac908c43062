/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Swapless margins owed after a reservation took needs (resv_need_keep_mb;
 * src/arbiter/resv_keep.c; design.md §The estimate's slack, "A
 * reservation that waits for ever"): from a cycle whose reservations took
 * guests' needs (resv_need_wait_s) until the host has been abundant for
 * adopt_grace_s, the arbiter decides as with swapless_keep_mb at the
 * key's value and swapless_keep_given, so a swapless guest's margin comes
 * before a pager's need; never with the key or resv_need_wait_s at 0,
 * never before a reservation took needs.
 */
#include "test_policy_util.h"

#include "arbiter/resv_keep.h"

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);
	params.resv_need_wait_s = 10;
	params.resv_need_keep_kb = 64 * MIB;
	params.adopt_grace_s = 60;
	return 0;
}

static struct policy_cycle cycle_of(enum policy_mode mode, uint64_t need_kb)
{
	struct policy_cycle c;

	memset(&c, 0, sizeof(c));
	c.mode = mode;
	c.resv_need_kb = need_kb;
	return c;
}

/* Abundant cycles from from_ms to 1 ms short of adopt_grace_s later:
 * still owed at both. */
static bool abundant_short_of_grace(bool owed, uint64_t *since, uint64_t from_ms)
{
	struct policy_cycle abundant = cycle_of(POLICY_MODE_ABUNDANT, 0);

	owed = resv_keep_owed(owed, &params, &abundant, since, from_ms);
	assert_true(owed);
	owed = resv_keep_owed(owed, &params, &abundant, since,
			      from_ms + params.adopt_grace_s * 1000ull - 1);
	assert_true(owed);
	return owed;
}

/* Owed from the cycle that took needs, through scarce cycles and through
 * abundance shorter than the adoption grace (the newcomer boots small);
 * paid once abundant for 60 s without a break. */
static void test_owed_until_abundant_through_the_grace(void **state)
{
	struct policy_cycle took = cycle_of(POLICY_MODE_SCARCE, 50 * MIB);
	struct policy_cycle scarce = cycle_of(POLICY_MODE_SCARCE, 0);
	struct policy_cycle abundant = cycle_of(POLICY_MODE_ABUNDANT, 0);
	uint64_t since = 0;
	bool owed = false;

	owed = resv_keep_owed(owed, &params, &scarce, &since, 1000);
	assert_false(owed);
	owed = resv_keep_owed(owed, &params, &took, &since, 2000);
	assert_true(owed);
	owed = resv_keep_owed(owed, &params, &scarce, &since, 3000);
	assert_true(owed);
	owed = abundant_short_of_grace(owed, &since, 4000);     /* to 63999 */
	/* a scarce cycle restarts the count */
	owed = resv_keep_owed(owed, &params, &scarce, &since, 64000);
	assert_true(owed);
	assert_int_equal(since, 0);
	owed = abundant_short_of_grace(owed, &since, 65000);    /* to 124999 */
	owed = resv_keep_owed(owed, &params, &abundant, &since, 125000);
	assert_false(owed);
	owed = resv_keep_owed(owed, &params, &scarce, &since, 126000);
	assert_false(owed);
}

/* Off with the key at 0 or resv_need_wait_s at 0, even after a cycle
 * that took needs (one from a stale flag included). */
static void test_off_without_the_keys(void **state)
{
	struct policy_cycle took = cycle_of(POLICY_MODE_SCARCE, 50 * MIB);
	struct policy_params p = params;
	uint64_t since = 0;

	p.resv_need_keep_kb = 0;
	assert_false(resv_keep_owed(false, &p, &took, &since, 1000));
	assert_false(resv_keep_owed(true, &p, &took, &since, 1000));
	p = params;
	p.resv_need_wait_s = 0;
	assert_false(resv_keep_owed(true, &p, &took, &since, 1000));
}

/* The parameters: the configured ones unless owed; owed, a copy with
 * swapless_keep_mb raised to the key and the margin given; a configured
 * swapless_keep at least as much, given, is left as it is. */
static void test_params_while_owed(void **state)
{
	struct policy_params keep, p = params;
	const struct policy_params *r;

	assert_ptr_equal(resv_keep_params(&p, false, &keep), &p);
	r = resv_keep_params(&p, true, &keep);
	assert_ptr_equal(r, &keep);
	assert_int_equal(r->swapless_keep_kb, 64 * MIB);
	assert_true(r->swapless_keep_given);
	assert_int_equal(p.swapless_keep_kb, 0);
	assert_false(p.swapless_keep_given);

	p.swapless_keep_kb = 80 * MIB;
	r = resv_keep_params(&p, true, &keep);
	assert_int_equal(r->swapless_keep_kb, 80 * MIB);
	assert_true(r->swapless_keep_given);
	p.swapless_keep_given = true;
	assert_ptr_equal(resv_keep_params(&p, true, &keep), &p);
}

/* What it decides: a swapless guest at exactly its need (300) beside a
 * pager at its need (460), nothing free. Owed, the swapless guest is
 * given its margin out of the pager's need (the pager pages for it);
 * not owed, both keep exactly their needs. */
static void test_margin_before_the_pagers_need(void **state)
{
	struct policy_dom d[2] = { swapless_300(1, 300 * MIB), pager_460(2, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;
	struct policy_params keep;

	decide(resv_keep_params(&params, true, &keep), 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(o[0].target_kb > 300 * MIB);
	assert_true(o[1].target_kb < 460 * MIB);
	assert_true(o[0].target_kb + o[1].target_kb <= 760 * MIB);

	decide(resv_keep_params(&params, false, &keep), 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_owed_until_abundant_through_the_grace, setup),
		cmocka_unit_test_setup(test_off_without_the_keys, setup),
		cmocka_unit_test_setup(test_params_while_owed, setup),
		cmocka_unit_test_setup(test_margin_before_the_pagers_need, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
