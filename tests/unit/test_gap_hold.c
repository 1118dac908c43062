// SPDX-License-Identifier: GPL-2.0-only
/*
 * gap_band_scarce (design.md §The learned gap, session 9): in scarce mode,
 * where the last cycle served every need (the tier of the gaps) and
 * capped a domain at its goal W_i + g_i, the goal keeps the last target
 * while that is within min_change of the cap and within the band
 * [g_i, gap_start] (gap_band_hold_kb()): a move of the cap by less than
 * the write threshold is not written. Farther, or with gap_band_scarce
 * = no, the cap is W_i + g_i again. And gap_band_tail, in abundant mode:
 * no walk step down that the write band would not make at gap_start.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy/gap.h"

#define MIB 1024ull

static struct policy_params params(bool hold)
{
	struct policy_params p;

	policy_params_default(&p);   /* gap_min 32, start 64, min_change 16 */
	p.gap_band_scarce = hold;
	return p;
}

/* Learned gap 32 MiB. The last target leaves 40 MiB above W (W fell by
 * 8 MiB): kept, no write; 47 MiB: still kept (15 < min_change); 48 MiB
 * (a fall of 16): the cap W + 32 again, a write. */
static void test_keeps_within_min_change(void **state)
{
	struct policy_params p = params(true);
	struct gap_state s;

	gap_state_init(&s, &p, 1);
	assert_int_equal(gap_band_hold_kb(&p, &s, 32 * MIB, 40 * MIB), 40 * MIB);
	assert_int_equal(gap_band_hold_kb(&p, &s, 32 * MIB, 47 * MIB), 47 * MIB);
	assert_int_equal(gap_band_hold_kb(&p, &s, 32 * MIB, 48 * MIB), 32 * MIB);
	assert_int_equal(gap_band_hold_kb(&p, &s, 32 * MIB, 32 * MIB), 32 * MIB);
}

/* Never above the band's top (gap_start): a domain whose learned gap is
 * gap_start has no band, and a rise of W out of the band is the cap
 * (plus the band's lead on a ramp, as in abundance). */
static void test_band_limits(void **state)
{
	struct policy_params p = params(true);
	struct gap_state s;

	gap_state_init(&s, &p, 1);
	assert_int_equal(gap_band_hold_kb(&p, &s, 64 * MIB, 70 * MIB), 64 * MIB);
	assert_int_equal(gap_band_hold_kb(&p, &s, 32 * MIB, 20 * MIB), 32 * MIB);
	s.ramp_kb = 6 * MIB;                 /* a ramp: the lead is 8 MiB */
	assert_int_equal(gap_band_hold_kb(&p, &s, 32 * MIB, 20 * MIB), 40 * MIB);
	s.ramp_kb = 30 * MIB;                /* a lead of min_change or more: the cap */
	assert_int_equal(gap_band_hold_kb(&p, &s, 32 * MIB, 20 * MIB), 32 * MIB);
}

/* Off (or without gap_band): the cap, at every move. */
static void test_off(void **state)
{
	struct policy_params p = params(false);
	struct gap_state s;

	gap_state_init(&s, &p, 1);
	assert_int_equal(gap_band_hold_kb(&p, &s, 32 * MIB, 40 * MIB), 32 * MIB);
	p = params(true);
	p.gap_band = false;
	assert_int_equal(gap_band_hold_kb(&p, &s, 32 * MIB, 40 * MIB), 32 * MIB);
}

/* gap_band_tail: `fixed` (gap 64) keeps a target up to 2 min_change =
 * 32 MiB above its goal, i.e. leaving up to 96 MiB above W. A learned gap
 * of 40 MiB would walk such a target down (goal W + 40: 56 MiB below a
 * target that leaves 96); with the tail rule the goal is the target less
 * 32 MiB, so the write band keeps it: no walk step that fixed would not
 * make. Outside (64, 96] MiB, or a gap of 64 or more, the gap is g. */
static void test_tail_keeps_what_fixed_keeps(void **state)
{
	struct policy_params p = params(true);

	p.gap_band_tail = true;
	assert_int_equal(gap_band_tail_kb(&p, 40 * MIB, 96 * MIB), 64 * MIB);
	assert_int_equal(gap_band_tail_kb(&p, 40 * MIB, 80 * MIB), 48 * MIB);
	assert_int_equal(gap_band_tail_kb(&p, 40 * MIB, 70 * MIB), 40 * MIB);
	assert_int_equal(gap_band_tail_kb(&p, 40 * MIB, 78 * MIB), 48 * MIB);   /* 46 aligned up */
	assert_int_equal(gap_band_tail_kb(&p, 40 * MIB, 97 * MIB), 40 * MIB);   /* fixed walks too */
	assert_int_equal(gap_band_tail_kb(&p, 40 * MIB, 64 * MIB), 40 * MIB);   /* the band's, not the tail's */
	assert_int_equal(gap_band_tail_kb(&p, 64 * MIB, 90 * MIB), 64 * MIB);   /* no cut: nothing to keep */
	p.gap_band_tail = false;
	assert_int_equal(gap_band_tail_kb(&p, 40 * MIB, 96 * MIB), 40 * MIB);
	p.gap_band_tail = true;
	p.gap_band = false;
	assert_int_equal(gap_band_tail_kb(&p, 40 * MIB, 96 * MIB), 40 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keeps_within_min_change),
		cmocka_unit_test(test_band_limits),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_tail_keeps_what_fixed_keeps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
