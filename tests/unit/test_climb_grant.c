/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A climb granted its cuts (climb_grant, off; climb_grant.c; design.md
 * §Apply: from targets to this cycle's writes, "A climb granted its
 * cuts"): a swapless guest whose estimate climbs is written, besides its
 * share of what is free, what this cycle's written decreases give back
 * above the reserve, in proportion to what each such climber lacks.
 * clamd-reload's m1 in miniature: at the reserve (F_h = 0), a donor cut
 * by 60 MiB, the climber 64 MiB short of its target.
 */
#include "fixture_snapshot.h"

/* Domain i climbs, swapless with a 64 MiB gap. */
static void climbs(size_t i)
{
	dom[i].flags |= POLICY_IN_GROWING | POLICY_IN_CLIMBING;
	dom[i].gap_kb = 64 * MIB;
}

/* dom[0] climbs from 1000 to 1064 MiB; dom[1] is cut from 800 to 740. */
static void climb_and_cut(void)
{
	want_in(0, 1000 * MIB, 900 * MIB, 1064 * MIB, 1064 * MIB, POLICY_MODE_SCARCE);
	climbs(0);
	want_in(1, 800 * MIB, 700 * MIB, 740 * MIB, 740 * MIB, POLICY_MODE_SCARCE);
}

/* Off, the climber shares only what is free: nothing, no write; on, it
 * is written the 60 MiB the cut gives back, with the cut. */
static void test_cut_granted(void **state)
{
	climb_and_cut();
	apply(2, 0);
	assert_false(out[0].has_write);
	assert_int_equal(out[1].write_kb, 740 * MIB);

	params.climb_grant = true;
	climb_and_cut();
	apply(2, 0);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 1060 * MIB);
	assert_true(out[0].reasons & POLICY_R_GRANT);
	assert_int_equal(out[1].write_kb, 740 * MIB);
}

/* 20 MiB below the reserve: the host gets that back first, the climber
 * the other 40; 60 below, nothing. */
static void test_reserve_first(void **state)
{
	params.climb_grant = true;
	climb_and_cut();
	apply(2, -20 * (int64_t)MIB);
	assert_int_equal(out[0].write_kb, 1040 * MIB);
	climb_and_cut();
	apply(2, -60 * (int64_t)MIB);
	assert_false(out[0].has_write);
}

/* Only a climber without swap room: one whose free swap holds its gap
 * pages the cycle's wait, and a guest whose steps paused is no climb. */
static void test_only_swapless_climbers(void **state)
{
	params.climb_grant = true;
	climb_and_cut();
	dom[0].swap_tot_kb = 256 * MIB;
	dom[0].swap_free_kb = 200 * MIB;
	apply(2, 0);
	assert_false(out[0].has_write);

	climb_and_cut();
	dom[0].flags &= ~(uint32_t)POLICY_IN_CLIMBING;
	apply(2, 0);
	assert_false(out[0].has_write);
}

/* `ramp`: a climber whose pace is not known yet (one rise: a jump) is
 * not granted; one at a known pace (two rises or more) is, as under
 * `yes`, which grants both. */
static void test_ramp_only(void **state)
{
	params.climb_grant = POLICY_CLIMB_GRANT_RAMP;
	climb_and_cut();
	apply(2, 0);
	assert_false(out[0].has_write);

	climb_and_cut();
	dom[0].flags |= POLICY_IN_RAMP;
	apply(2, 0);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 1060 * MIB);

	params.climb_grant = POLICY_CLIMB_GRANT_YES;
	climb_and_cut();
	apply(2, 0);
	assert_int_equal(out[0].write_kb, 1060 * MIB);
}

/* Two climbers lacking 64 and 32 MiB share 48 MiB of cuts as 2 : 1;
 * with F_h = 24 MiB free as well, the free part is shared first (16 and
 * 8), then the cuts in proportion to what is still lacking. */
static void test_shared_by_lack(void **state)
{
	params.climb_grant = true;
	want_in(0, 1000 * MIB, 900 * MIB, 1064 * MIB, 1064 * MIB, POLICY_MODE_SCARCE);
	want_in(1, 500 * MIB, 400 * MIB, 532 * MIB, 532 * MIB, POLICY_MODE_SCARCE);
	want_in(2, 800 * MIB, 700 * MIB, 752 * MIB, 752 * MIB, POLICY_MODE_SCARCE);
	climbs(0);
	climbs(1);
	apply(3, 0);
	assert_int_equal(out[0].write_kb, 1032 * MIB);
	assert_int_equal(out[1].write_kb, 516 * MIB);

	apply(3, 24 * (int64_t)MIB);
	assert_int_equal(out[0].write_kb, 1048 * MIB);
	assert_int_equal(out[1].write_kb, 524 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_cut_granted, fixture_setup),
		cmocka_unit_test_setup(test_reserve_first, fixture_setup),
		cmocka_unit_test_setup(test_only_swapless_climbers, fixture_setup),
		cmocka_unit_test_setup(test_ramp_only, fixture_setup),
		cmocka_unit_test_setup(test_shared_by_lack, fixture_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
