/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A kill that recurs (`oom_recur_keep`; design.md §Growth is never cut,
 * "A kill that recurs"; oom_recur.c policy_oom_recur_keeps()). With it,
 * `oom_min_keep_mb`'s floor (what a swapless guest held at its latest
 * kill and that much more) is kept only by a guest the daemon saw
 * killed twice or more near one level within oom_hold_s
 * (POLICY_IN_OOM_RECUR), and not where H_i caps it below the kill's
 * level and the margin: a one-off peak's guest, or one whose load lies
 * above what it may ever hold, is cut to its need as without the floor.
 */
#include "test_policy_util.h"
#include "policy/snapshot.h"

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);
	params.oom_min_keep_kb = 16 * MIB;
	params.oom_min_keep_gone_kb = 16 * MIB;
	params.oom_recur_keep = true;
	params.oom_min_keep_held = false;       /* on by default: its own test */
	params.oom_keep_held_any = false;       /* a first kill's margin: its own test */
	return 0;
}

/* Killed while it held 300 MiB (its minimum raised to 300 + 64),
 * swapless, holding `held`, needing `ws` now; `recur`: killed near 300
 * before, within the hold. */
static struct policy_dom killed(uint32_t domid, uint64_t held, uint64_t ws, bool recur)
{
	struct policy_dom d = est_dom(domid, held, ws);

	d.min_kb = 364 * MIB;
	d.oom_raise_kb = 364 * MIB;
	d.oom_kill_kb = 300 * MIB;
	d.flags |= POLICY_IN_OOM_MIN | (recur ? POLICY_IN_OOM_RECUR : 0);
	return d;
}

/* M = 688, the needs (300 + 460) do not fit; the pager (256 MiB of
 * swap) needs 460. A guest killed again near 300 keeps 316 (the kill
 * and 16) and the pager pages for it; after a first kill only it is
 * cut to exactly its need, 300, as with oom_min_keep_mb = 0. */
static void test_recurring_kept(void **state)
{
	struct policy_dom d[2] = { killed(1, 316 * MIB, 300 * MIB, true),
				   est_swap_dom(2, 372 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 316 * MIB);
	assert_int_equal(o[1].target_kb, 372 * MIB);

	d[0].flags &= ~POLICY_IN_OOM_RECUR;
	decide(&params, 0, d, 2, o, &cycle);
	assert_in_range(o[0].target_kb, 300 * MIB - 4, 300 * MIB);
	assert_in_range(o[1].target_kb, 388 * MIB - 4, 388 * MIB);

	/* Without oom_recur_keep, oom_min_keep keeps it after any kill. */
	struct policy_params any = params;

	any.oom_recur_keep = false;
	decide(&any, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 316 * MIB);
}

/* At its maximum: H_i = 310 lies below the kill (300) and the margin
 * (16). The raise and the floor would both be capped at 310, a margin
 * of 10 MiB over a load that crosses it: no floor, the guest is cut to
 * its need as after a one-off kill (at-max's m2). With H_i = 400 it
 * keeps 316. */
static void test_not_at_max(void **state)
{
	struct policy_dom d[2] = { killed(1, 310 * MIB, 300 * MIB, true),
				   est_swap_dom(2, 378 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	d[0].max_kb = 310 * MIB;
	d[0].min_kb = d[0].oom_raise_kb = 310 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_in_range(o[0].target_kb, 300 * MIB - 4, 300 * MIB);

	d[0].max_kb = 400 * MIB;
	d[0].min_kb = d[0].oom_raise_kb = 364 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 316 * MIB);
}

/* With oom_min_keep_held: a margin the guest does not hold whole is
 * none. Holding 310 (less than the kill and 16), capped at B_i it would
 * be kept at 310, right at the level its load is killed at; with
 * oom_recur_keep it is cut to its need as without a floor. Holding 330
 * it keeps 316. */
static void test_held_whole_or_none(void **state)
{
	struct policy_dom d[2] = { killed(1, 310 * MIB, 300 * MIB, true),
				   est_swap_dom(2, 378 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;
	struct policy_params held = params, capped;

	held.oom_min_keep_held = true;
	capped = held;
	capped.oom_recur_keep = false;
	decide(&capped, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 310 * MIB);
	decide(&held, 0, d, 2, o, &cycle);
	assert_in_range(o[0].target_kb, 300 * MIB - 4, 300 * MIB);

	d[0] = killed(1, 330 * MIB, 300 * MIB, true);
	d[1] = est_swap_dom(2, 358 * MIB, 460 * MIB);
	decide(&held, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 316 * MIB);
}

/* The snapshot builder: the daemon's oom_recur sets the flag only with
 * a raised minimum in force. */
static void test_snapshot_flag(void **state)
{
	struct snap_dom in = { .domid = 3, .managed = true, .actual_kb = 512 * MIB,
			       .have_target = true, .target_kb = 512 * MIB,
			       .min_kb = 0, .max_kb = 1024 * MIB, .shares = 1.0,
			       .oom_recur = true };
	struct policy_dom s;

	snapshot_dom(&in, &s);
	assert_false(s.flags & POLICY_IN_OOM_RECUR);
	in.oom_min_kb = 364 * MIB;
	in.oom_kill_kb = 300 * MIB;
	snapshot_dom(&in, &s);
	assert_true(s.flags & POLICY_IN_OOM_MIN);
	assert_true(s.flags & POLICY_IN_OOM_RECUR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_recurring_kept, setup),
		cmocka_unit_test_setup(test_not_at_max, setup),
		cmocka_unit_test_setup(test_held_whole_or_none, setup),
		cmocka_unit_test_setup(test_snapshot_flag, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
