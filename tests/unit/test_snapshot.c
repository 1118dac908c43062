/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The snapshot builder (src/policy/snapshot.c): what the arbiter knows of
 * a domain into the policy's input, as the cycle, membalctl plan and the
 * clairvoyant floor all build it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy/snapshot.h"

#define MIB 1024u

static struct snap_dom managed_pv(void)
{
	return (struct snap_dom){
		.domid = 3, .managed = true,
		.actual_kb = 512 * MIB, .have_target = true, .target_kb = 600 * MIB,
		.min_kb = 128 * MIB, .max_kb = 1024 * MIB, .shares = 2,
		.fig = { .have = SNAP_HAS_MEMTOTAL, .memtotal_kb = 430 * MIB,
			 .free_kb = 100 * MIB, .committed_as_kb = 200 * MIB,
			 .swap_tot_kb = 64 * MIB, .swap_free_kb = 60 * MIB },
	};
}

static void test_managed(void **state)
{
	struct snap_dom in = managed_pv();
	struct policy_dom s;

	snapshot_dom(&in, &s);
	assert_int_equal(s.kind, POLICY_DOMU);
	assert_int_equal(s.domid, 3);
	assert_int_equal(s.target_kb, 600 * MIB);
	assert_int_equal(s.min_kb, 128 * MIB);
	assert_int_equal(s.max_kb, 1024 * MIB);
	assert_true(s.shares == 2);
	/* Without the balloon figure, O_i = N_i - MemTotal. */
	assert_int_equal(s.overhead_kb, 82 * MIB);
	assert_int_equal(s.flags, 0);
	assert_int_equal(s.committed_as_kb, 200 * MIB);

	/* The balloon's figure wins over N_i; optional figures flagged. */
	in.fig.have |= SNAP_HAS_BALLOON | SNAP_HAS_AVAIL | SNAP_HAS_PSI | SNAP_HAS_SWAPIN;
	in.fig.balloon_current_kb = 480 * MIB;
	in.fig.avail_kb = 150 * MIB;
	in.fig.psi_some = 250;
	in.fig.swapin_rate = 7;
	snapshot_dom(&in, &s);
	assert_int_equal(s.overhead_kb, 50 * MIB);
	assert_int_equal(s.flags, POLICY_IN_AVAIL | POLICY_IN_PSI | POLICY_IN_SWAPIN);
	assert_int_equal(s.avail_kb, 150 * MIB);
	assert_int_equal(s.psi_some, 250);
	assert_int_equal(s.swapin_rate, 7);

	/* The swap's kind: flagged when the agent said it, within the swap
	 * there is; more zram than swap (a builder that did not check) is
	 * no kind, as is an agent that did not say. */
	in.fig.have |= SNAP_HAS_SWAP_ZRAM;
	in.fig.swap_zram_kb = 64 * MIB;
	snapshot_dom(&in, &s);
	assert_true(s.flags & POLICY_IN_SWAP_KIND);
	assert_int_equal(s.swap_zram_kb, 64 * MIB);
	in.fig.swap_zram_kb = 64 * MIB + 1;
	snapshot_dom(&in, &s);
	assert_false(s.flags & POLICY_IN_SWAP_KIND);
	assert_int_equal(s.swap_zram_kb, 0);
	in.fig.have &= ~SNAP_HAS_SWAP_ZRAM;

	/* dom0 decided: kind dom0. No target yet: B_i = N_i. */
	in.domid = 0;
	in.have_target = false;
	snapshot_dom(&in, &s);
	assert_int_equal(s.kind, POLICY_DOM0);
	assert_int_equal(s.target_kb, 512 * MIB);
}

static void test_overhead_bounds(void **state)
{
	struct snap_report r = { .have = SNAP_HAS_MEMTOTAL | SNAP_HAS_BALLOON,
				 .memtotal_kb = 500, .balloon_current_kb = 400 };

	/* MemTotal above what is held: 0, not a wrap-around. */
	assert_int_equal(snapshot_overhead_kb(1000, &r), 0);
	/* Never above N_i. */
	r.memtotal_kb = 10;
	r.balloon_current_kb = 5000;
	assert_int_equal(snapshot_overhead_kb(1000, &r), 1000);
	/* No MemTotal (membalctl plan without the column): 0. */
	r.have = SNAP_HAS_BALLOON;
	assert_int_equal(snapshot_overhead_kb(1000, &r), 0);
}

static void test_oom_min(void **state)
{
	struct snap_dom in = managed_pv();
	struct policy_dom s;

	in.oom_min_kb = 700 * MIB;
	snapshot_dom(&in, &s);
	assert_int_equal(s.min_kb, 700 * MIB);
	assert_int_equal(s.flags & POLICY_IN_OOM_MIN, POLICY_IN_OOM_MIN);
	/* How far above the configured L_i (128 MiB) the kill raised it. */
	assert_int_equal(s.oom_raise_kb, 572 * MIB);
	/* Never above H_i. */
	in.oom_min_kb = 2000 * MIB;
	snapshot_dom(&in, &s);
	assert_int_equal(s.min_kb, 1024 * MIB);
	assert_int_equal(s.oom_raise_kb, 896 * MIB);
	/* At or below L_i it changes nothing and is not reported. */
	in.oom_min_kb = 100 * MIB;
	snapshot_dom(&in, &s);
	assert_int_equal(s.min_kb, 128 * MIB);
	assert_int_equal(s.flags & POLICY_IN_OOM_MIN, 0);
	assert_int_equal(s.oom_raise_kb, 0);
}

static void test_unmanaged(void **state)
{
	struct snap_dom in = managed_pv();
	struct policy_dom s;

	in.managed = false;
	snapshot_dom(&in, &s);
	assert_int_equal(s.kind, POLICY_UNMANAGED);
	assert_int_equal(s.min_kb, 0);
	assert_int_equal(s.max_kb, POLICY_KB_MAX);
	assert_true(s.shares == 1);
	assert_int_equal(s.target_kb, 600 * MIB);   /* keeps B_i */
	assert_int_equal(s.committed_as_kb, 0);     /* its figures are not read */
	assert_int_equal(s.overhead_kb, 0);
	/* dom0 undecided is fixed like any undecided domain. */
	in.domid = 0;
	snapshot_dom(&in, &s);
	assert_int_equal(s.kind, POLICY_UNMANAGED);
	/* A target beyond any size is bounded. */
	in.target_kb = UINT64_MAX;
	snapshot_dom(&in, &s);
	assert_int_equal(s.target_kb, POLICY_KB_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_managed),
		cmocka_unit_test(test_overhead_bounds),
		cmocka_unit_test(test_oom_min),
		cmocka_unit_test(test_unmanaged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
