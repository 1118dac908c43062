// SPDX-License-Identifier: GPL-2.0-only
/*
 * A level given back ahead of the next job (`level_ahead`; level_ahead.c,
 * design.md §A step ahead and the boot grace): in abundant mode the
 * spare left once every domain has its target, less the largest rise of
 * a guest that is not between jobs, is shared among the guests between
 * jobs in proportion to what they lack of their levels, each grown by
 * its part; scarce mode is the solver's.
 */
#include "test_policy_util.h"

#include "policy/solve.h"

/* A batch guest between jobs, walked to its goal: holds 768 MiB with W
 * 700 (goal 764), its level lately 5000 (with the gap 5064), rises of
 * 4000 in 3 windows lately; 2 GiB of swap, static-max 10 GiB. */
static struct policy_dom giant(uint32_t domid)
{
	struct policy_dom d = est_dom(domid, 768 * MIB, 700 * MIB);

	d.max_kb = 10 * GIB;
	d.swap_tot_kb = d.swap_free_kb = 2 * GIB;
	d.top_kb = 5000 * MIB;
	d.jump_past = 3;
	d.jump_seen = 60;
	d.rise_most_kb = 4000 * MIB;
	return d;
}

/* A small guest holding 300 MiB for W 250 (goal 314, aim 330), rises of
 * `rise`, not between jobs. */
static struct policy_dom small(uint64_t rise)
{
	struct policy_dom d = est_dom(3, 300 * MIB, 250 * MIB);

	d.rise_most_kb = rise;
	return d;
}

static struct policy_params ahead_params(bool on)
{
	struct policy_params p = need_params(false);

	p.level_ahead = on;
	return p;
}

/* 4 GiB free: the spare over the goals is 4096 - 6 = 4090 MiB, the
 * targets hold 4 + 4 + 16 above their goals, the small guest's rise of
 * 200 stays free: 3866 shared by the two giants, which lack 4296 each
 * of their level: 1933 each, 2701 MiB. Off: both stay at 768. The small
 * guest goes to its aim either way. */
static void test_two_giants_share_the_spare(void **state)
{
	struct policy_params p = ahead_params(true), off = ahead_params(false);
	struct policy_dom dom[3] = { giant(1), giant(2), small(200 * MIB) };
	struct policy_decision on_out[3], off_out[3];
	struct policy_cycle c;

	decide(&off, 4 * GIB, dom, 3, off_out, &c);
	assert_int_equal(c.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(off_out[0].target_kb, 768 * MIB);
	assert_int_equal(off_out[1].target_kb, 768 * MIB);

	decide(&p, 4 * GIB, dom, 3, on_out, &c);
	assert_int_equal(c.mode, POLICY_MODE_ABUNDANT);
	assert_in_range(on_out[0].target_kb, 2701 * MIB - 4, 2701 * MIB);
	assert_int_equal(on_out[0].target_kb, on_out[1].target_kb);
	assert_true(on_out[0].reasons & POLICY_R_LEVEL);
	/* Never more than the spare less the room and the small one's aim. */
	assert_true(2 * (on_out[0].target_kb - 768 * MIB) <= 3866 * MIB);
	assert_int_equal(on_out[2].target_kb, off_out[2].target_kb);
	assert_int_equal(on_out[2].target_kb, 330 * MIB);
}

/* Fed back its own grant (each giant holding 2701, 4096 - 3866 free),
 * the next cycle keeps it: the walk down the band starts is given
 * back, nothing rewritten. */
static void test_kept_where_it_holds(void **state)
{
	struct policy_params p = ahead_params(true);
	struct policy_dom dom[3] = { giant(1), giant(2), small(200 * MIB) };
	struct policy_decision out[3];
	struct policy_cycle c;

	decide(&p, 4 * GIB, dom, 3, out, &c);
	for (int i = 0; i < 2; i++)
		dom[i].target_kb = dom[i].actual_kb = out[i].target_kb;
	dom[2].target_kb = dom[2].actual_kb = out[2].target_kb;
	int64_t left = 4 * GIB - (int64_t)(2 * (out[0].target_kb - 768 * MIB)) -
		       (int64_t)(out[2].target_kb - 300 * MIB);

	decide(&p, left, dom, 3, out, &c);
	assert_int_equal(c.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(out[0].target_kb, dom[0].target_kb);
	assert_int_equal(out[1].target_kb, dom[1].target_kb);
}

/* A spare that covers every lack: each giant grown to its level and gap
 * (5064), never beyond it. */
static void test_up_to_the_level(void **state)
{
	struct policy_params p = ahead_params(true);
	struct policy_dom dom[3] = { giant(1), giant(2), small(200 * MIB) };
	struct policy_decision out[3];
	struct policy_cycle c;

	decide(&p, 12 * GIB, dom, 3, out, &c);
	assert_int_equal(out[0].target_kb, 5064 * MIB);
	assert_int_equal(out[1].target_kb, 5064 * MIB);
}

/* None: a guest not between jobs whose rise takes the whole spare; a
 * giant whose load is not under half its level (level 1400 + 64 < 2 x
 * 764); rises in one window only. */
static void test_none(void **state)
{
	struct policy_params p = ahead_params(true);
	struct policy_dom dom[3] = { giant(1), giant(2), small(4100 * MIB) };
	struct policy_decision out[3];
	struct policy_cycle c;

	decide(&p, 4 * GIB, dom, 3, out, &c);
	assert_int_equal(out[0].target_kb, 768 * MIB);
	assert_int_equal(out[1].target_kb, 768 * MIB);

	dom[2] = small(200 * MIB);
	dom[0].top_kb = dom[1].top_kb = 1400 * MIB;
	decide(&p, 4 * GIB, dom, 3, out, &c);
	assert_int_equal(out[0].target_kb, 768 * MIB);
	dom[0].top_kb = dom[1].top_kb = 5000 * MIB;
	dom[0].jump_past = dom[1].jump_past = 1;
	decide(&p, 4 * GIB, dom, 3, out, &c);
	assert_int_equal(out[0].target_kb, 768 * MIB);
	assert_int_equal(out[1].target_kb, 768 * MIB);
}

/* Scarce mode is the solver's: the same decisions with and without. */
static void test_scarce_unchanged(void **state)
{
	struct policy_params p = ahead_params(true), off = ahead_params(false);
	struct policy_dom dom[3] = { giant(1), giant(2), small(200 * MIB) };
	struct policy_decision a[3], b[3];
	struct policy_cycle c;

	dom[1].ws_kb = dom[1].committed_as_kb = 5 * GIB;
	decide(&p, 100 * MIB, dom, 3, a, &c);
	assert_int_equal(c.mode, POLICY_MODE_SCARCE);
	decide(&off, 100 * MIB, dom, 3, b, &c);
	for (size_t i = 0; i < 3; i++)
		assert_true(same_decision(&a[i], &b[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_giants_share_the_spare),
		cmocka_unit_test(test_kept_where_it_holds),
		cmocka_unit_test(test_up_to_the_level),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_scarce_unchanged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
