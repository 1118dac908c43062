/* SPDX-License-Identifier: GPL-2.0-only */
/* Free-memory filter (design.md §Free-memory filter). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "common/filter.h"

#define MiB 1024u

static void fill(struct fmd_filter *f, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		assert_true(fmd_push(f, v) == v);
}

static void test_burst_above_mean_is_replaced(void **state)
{
	struct fmd_filter f;

	fmd_init(&f, 10, 5120, 3);
	fill(&f, 100 * MiB, 10);
	assert_true(fmd_mean(&f) == 100 * MiB);
	/* exactly fmd above the mean: not a burst (the paper's '>') */
	assert_true(fmd_push(&f, 100 * MiB + 5120) == 100 * MiB + 5120);
	assert_false(f.last_replaced);
	/* the mean is now (9 * 102400 + 107520) / 10 = 102912 */
	assert_true(fmd_mean(&f) == 102912);
	/* one KiB more than fmd above it: replaced by the mean */
	assert_true(fmd_push(&f, 102912 + 5121) == 102912);
	assert_true(f.last_replaced);
	assert_true(f.last_reading == 102912 + 5121);
	assert_true(f.last_output == 102912);
	assert_true(f.rejected == 1);
	assert_true(f.accepted == 11);
	/* a replaced reading does not enter the window */
	assert_true(fmd_mean(&f) == 102912);
}

static void test_readings_below_are_kept(void **state)
{
	struct fmd_filter f;

	fmd_init(&f, 10, 5120, 3);
	fill(&f, 200 * MiB, 10);
	/* a fall of any size is reported at once: that is what the arbiter
	 * must see */
	assert_true(fmd_push(&f, 10 * MiB) == 10 * MiB);
	assert_false(f.last_replaced);
	assert_true(fmd_push(&f, 0) == 0);
	assert_false(f.last_replaced);
	assert_true(f.rejected == 0);
	/* and they move the mean down: (8 * 204800 + 10240 + 0) / 10 */
	assert_true(fmd_mean(&f) == (8 * 204800 + 10240) / 10);
}

static void test_real_rise_accepted_after_max_reject(void **state)
{
	struct fmd_filter f;
	const uint64_t low = 50 * MiB, high = 150 * MiB;

	fmd_init(&f, 10, 5120, 3);
	fill(&f, low, 10);
	/* max_reject (3) readings in a row are held back... */
	for (int i = 0; i < 3; i++) {
		assert_true(fmd_push(&f, high) == low);
		assert_true(f.last_replaced);
	}
	assert_true(f.restarts == 0);
	/* ...the 4th is accepted and the window restarts from it alone */
	assert_true(fmd_push(&f, high) == high);
	assert_false(f.last_replaced);
	assert_true(f.restarts == 1);
	assert_int_equal(f.count, 1);
	assert_true(fmd_mean(&f) == high);
	/* the new level is the reference now: a small rise passes, and the
	 * old readings no longer pull the mean down */
	assert_true(fmd_push(&f, high + 1000) == high + 1000);
	assert_true(fmd_mean(&f) == high + 500);
	assert_true(f.rejected == 3);
}

static void test_a_normal_reading_ends_the_run(void **state)
{
	struct fmd_filter f;
	const uint64_t base = 80 * MiB, spike = 120 * MiB;

	fmd_init(&f, 10, 5120, 3);
	fill(&f, base, 10);
	assert_true(fmd_push(&f, spike) == base);
	assert_true(fmd_push(&f, spike) == base);
	assert_true(fmd_push(&f, base) == base);      /* run broken */
	assert_false(f.last_replaced);
	/* so three more spikes are needed before one gets through */
	assert_true(fmd_push(&f, spike) == base);
	assert_true(fmd_push(&f, spike) == base);
	assert_true(fmd_push(&f, spike) == base);
	assert_true(f.last_replaced);
	assert_true(fmd_push(&f, spike) == spike);
	assert_true(f.rejected == 5);
	assert_true(f.restarts == 1);
}

static void test_warm_up(void **state)
{
	struct fmd_filter f;

	fmd_init(&f, 10, 5120, 3);
	assert_true(fmd_mean(&f) == 0);
	/* The first reading has nothing to be compared with. */
	assert_true(fmd_push(&f, 900 * MiB) == 900 * MiB);
	assert_false(f.last_replaced);
	/* After a reset neither: a reading far above the forgotten one is
	 * accepted, and becomes the reference for the next. */
	fmd_reset(&f);
	assert_int_equal(f.count, 0);
	assert_true(fmd_push(&f, 5000 * MiB) == 5000 * MiB);
	assert_false(f.last_replaced);
	assert_true(fmd_push(&f, 5000 * MiB + 5121) == 5000 * MiB);
	assert_true(f.last_replaced);
}

static void test_warm_up_mean_of_what_there_is(void **state)
{
	struct fmd_filter f;

	fmd_init(&f, 10, 5120, 3);
	fill(&f, 100000, 1);
	fill(&f, 101000, 1);
	fill(&f, 102000, 1);
	assert_int_equal(f.count, 3);
	assert_true(fmd_mean(&f) == 101000);
	/* judged against the mean of three, not of ten (with seven zeros
	 * the mean would be 30300 and this would be replaced) */
	assert_true(fmd_push(&f, 106000) == 106000);
	assert_true(fmd_push(&f, 101000 + 5120 + 5000) == (100000 + 101000 + 102000 + 106000) / 4);
}

static void test_window_slides_and_mean_rounds_down(void **state)
{
	struct fmd_filter f;

	fmd_init(&f, 3, 5120, 3);
	fill(&f, 1000, 3);
	fill(&f, 0, 1);             /* drops one 1000 */
	assert_int_equal(f.count, 3);
	assert_true(fmd_mean(&f) == 666);   /* 2000 / 3, down */
	fill(&f, 1, 1);             /* window 1000 0 1 */
	assert_true(fmd_mean(&f) == 333);
	fill(&f, 2, 1);             /* window 0 1 2 */
	assert_true(fmd_mean(&f) == 1);
	/* many rotations keep the ring consistent */
	for (uint64_t v = 10; v < 1000; v++)
		fill(&f, v, 1);
	assert_true(fmd_mean(&f) == 998);   /* 997 998 999 */
}

static void test_fmd_zero(void **state)
{
	struct fmd_filter f;

	/* fmd = 0: every reading strictly above the mean is a burst. */
	fmd_init(&f, 10, 0, 2);
	fill(&f, 1000, 1);
	assert_true(fmd_push(&f, 1001) == 1000);
	assert_true(f.last_replaced);
	/* equal to the mean: accepted; below: accepted */
	assert_true(fmd_push(&f, 1000) == 1000);
	assert_false(f.last_replaced);
	assert_true(fmd_push(&f, 999) == 999);
	/* mean (1000 + 1000 + 999) / 3 = 999 (down); 1000 is above it */
	assert_true(fmd_push(&f, 1000) == 999);
	assert_true(fmd_push(&f, 1000) == 999);
	/* max_reject (2) reached: the third one gets through */
	assert_true(fmd_push(&f, 1000) == 1000);
	assert_true(f.restarts == 1);
	assert_true(f.rejected == 3);
}

static void test_max_reject_zero_turns_filter_off(void **state)
{
	struct fmd_filter f;

	fmd_init(&f, 10, 5120, 0);
	fill(&f, 1000, 5);
	assert_true(fmd_push(&f, 1000 * MiB) == 1000 * MiB);
	assert_false(f.last_replaced);
	assert_true(f.rejected == 0);
	assert_true(f.restarts == 1);
	assert_int_equal(f.count, 1);
}

static void test_window_bounds(void **state)
{
	struct fmd_filter f;

	assert_int_equal(fmd_init(&f, 0, 5120, 3), -1);
	assert_int_equal(f.window, 1);
	/* window 1: the mean is the last accepted reading */
	fill(&f, 5000, 1);
	fill(&f, 4000, 1);
	assert_true(fmd_push(&f, 4000 + 5121) == 4000);

	assert_int_equal(fmd_init(&f, 1000, 5120, 3), -1);
	assert_int_equal(f.window, FMD_WINDOW_MAX);
	assert_int_equal(fmd_init(&f, FMD_WINDOW_MAX, 5120, 3), 0);
	for (unsigned i = 0; i < 3 * FMD_WINDOW_MAX; i++)
		fill(&f, i < 2 * FMD_WINDOW_MAX ? 0 : 64, 1);
	assert_int_equal(f.count, FMD_WINDOW_MAX);
	assert_true(fmd_mean(&f) == 64);
	assert_int_equal(fmd_init(&f, FMD_WINDOW_DEFAULT, FMD_KB_DEFAULT,
				  FMD_MAX_REJECT_DEFAULT), 0);
}

static void test_huge_readings_do_not_wrap(void **state)
{
	struct fmd_filter f;

	fmd_init(&f, 4, 5120, 3);
	fill(&f, UINT64_MAX - 1, 4);
	assert_true(fmd_mean(&f) == UINT64_MAX - 1);
	assert_true(fmd_push(&f, UINT64_MAX) == UINT64_MAX);

	fmd_init(&f, 2, 5120, 3);
	fill(&f, UINT64_MAX, 1);
	fill(&f, UINT64_MAX - 3, 1);
	/* floor((2^64 - 1 + 2^64 - 4) / 2) = 2^64 - 3 */
	assert_true(fmd_mean(&f) == UINT64_MAX - 2);

	/* mean + fmd would wrap: must still be "not a burst" */
	fmd_init(&f, 2, UINT64_MAX, 3);
	fill(&f, 10, 1);
	assert_true(fmd_push(&f, UINT64_MAX) == UINT64_MAX);
	/* and a rise from 0 to 2^64-1 with fmd 5120 is a burst */
	fmd_init(&f, 2, 5120, 3);
	fill(&f, 0, 1);
	assert_true(fmd_push(&f, UINT64_MAX) == 0);
}

/* The agent's two filters (MemFree, MemAvailable) share nothing: a burst
 * in one leaves the other alone, and interleaving the two gives what each
 * gives on its own. */
static void test_free_and_avail_are_independent(void **state)
{
	static const uint64_t memfree[] = {
		60000, 61000, 59000, 60500, 95000, 60000, 61000, 96000, 97000,
		98000, 99000, 99500, 40000, 41000,
	};
	static const uint64_t memavail[] = {
		300000, 301000, 299000, 300500, 302000, 300000, 301000, 300000,
		303000, 299000, 301000, 301500, 280000, 281000,
	};
	enum { N = sizeof(memfree) / sizeof(memfree[0]) };
	struct fmd_filter free_f, avail_f, alone;
	uint64_t out_free[N], out_avail[N];

	fmd_init(&free_f, 10, 5120, 3);
	fmd_init(&avail_f, 10, 5120, 3);
	for (int i = 0; i < N; i++) {
		out_free[i] = fmd_push(&free_f, memfree[i]);
		out_avail[i] = fmd_push(&avail_f, memavail[i]);
	}
	/* MemFree had bursts: 95000 once, then 96000.. held three times
	 * until 99000 got through... */
	assert_true(out_free[4] == (60000 + 61000 + 59000 + 60500) / 4);
	for (int i = 7; i <= 9; i++)
		assert_true(out_free[i] ==
			    (60000 + 61000 + 59000 + 60500 + 60000 + 61000) / 6);
	assert_true(out_free[10] == 99000);
	assert_true(free_f.rejected == 4);
	assert_true(free_f.restarts == 1);
	/* ...MemAvailable had none, and saw every reading unchanged */
	assert_true(avail_f.rejected == 0 && avail_f.restarts == 0);
	assert_memory_equal(out_avail, memavail, sizeof(memavail));

	fmd_init(&alone, 10, 5120, 3);
	for (int i = 0; i < N; i++)
		assert_true(fmd_push(&alone, memfree[i]) == out_free[i]);
}

/* A reference with none of the tricks (a plain list of accepted readings,
 * a 128-bit sum), against the filter on long random traces with random
 * parameters: catches ring-buffer and bookkeeping mistakes. */
struct ref {
	uint64_t acc[FMD_WINDOW_MAX];
	unsigned n, window, max_reject, run;
	uint64_t fmd;
};

static uint64_t ref_push(struct ref *r, uint64_t x)
{
	unsigned __int128 sum = 0;
	uint64_t mean;

	if (r->n == 0) {
		r->acc[r->n++] = x;
		return x;
	}
	for (unsigned i = 0; i < r->n; i++)
		sum += r->acc[i];
	mean = (uint64_t)(sum / r->n);
	if ((unsigned __int128)x > (unsigned __int128)mean + r->fmd) {
		if (r->run < r->max_reject) {
			r->run++;
			return mean;
		}
		r->n = 0;
	}
	r->run = 0;
	if (r->n == r->window) {
		memmove(r->acc, r->acc + 1, (r->n - 1) * sizeof(r->acc[0]));
		r->n--;
	}
	r->acc[r->n++] = x;
	return x;
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void test_matches_reference(void **state)
{
	for (int trace = 0; trace < 300; trace++) {
		struct fmd_filter f;
		struct ref r = { .window = 1 + rnd() % FMD_WINDOW_MAX,
				 .max_reject = rnd() % 5,
				 .fmd = rnd() % 3 == 0 ? 0 : rnd() % 20000 };
		uint64_t level = 50000 + rnd() % 500000;
		bool huge = trace % 10 == 9;

		fmd_init(&f, r.window, r.fmd, r.max_reject);
		for (int i = 0; i < 400; i++) {
			uint64_t x;

			if (huge)
				x = UINT64_MAX - rnd() % 100000;
			else if (rnd() % 8 == 0)
				x = level + rnd() % 60000;      /* bursts */
			else
				x = level - 4000 + rnd() % 8000;
			if (rnd() % 50 == 0)
				level = 50000 + rnd() % 500000; /* real change */
			assert_true(fmd_push(&f, x) == ref_push(&r, x));
			assert_int_equal(f.count, r.n);
		}
	}
}

/* The paper's picture (figure 2): a guest under reclaim, MemFree about
 * 50 MB with short PFRA spikes of +20..40 MB. Filtered, no spike shows;
 * a real rise to 150 MB shows after max_reject + 1 samples. */
static void test_pfra_trace(void **state)
{
	struct fmd_filter f;
	uint64_t max_out = 0, spikes = 0;
	int i;

	fmd_init(&f, FMD_WINDOW_DEFAULT, FMD_KB_DEFAULT, FMD_MAX_REJECT_DEFAULT);
	for (i = 0; i < 200; i++) {
		uint64_t x = 50 * MiB + (uint64_t)(i % 7) * 300;

		if (i % 13 == 5) {
			x += 20 * MiB + (uint64_t)(i % 3) * 10 * MiB;
			spikes++;
		}
		uint64_t out = fmd_push(&f, x);
		if (out > max_out)
			max_out = out;
	}
	assert_true(max_out <= 50 * MiB + 6 * 300);
	assert_true(f.rejected == spikes);
	for (i = 0; i < FMD_MAX_REJECT_DEFAULT; i++)
		assert_true(fmd_push(&f, 150 * MiB) < 51 * MiB);
	assert_true(fmd_push(&f, 150 * MiB) == 150 * MiB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_above_mean_is_replaced),
		cmocka_unit_test(test_readings_below_are_kept),
		cmocka_unit_test(test_real_rise_accepted_after_max_reject),
		cmocka_unit_test(test_a_normal_reading_ends_the_run),
		cmocka_unit_test(test_warm_up),
		cmocka_unit_test(test_warm_up_mean_of_what_there_is),
		cmocka_unit_test(test_window_slides_and_mean_rounds_down),
		cmocka_unit_test(test_fmd_zero),
		cmocka_unit_test(test_max_reject_zero_turns_filter_off),
		cmocka_unit_test(test_window_bounds),
		cmocka_unit_test(test_huge_readings_do_not_wrap),
		cmocka_unit_test(test_free_and_avail_are_independent),
		cmocka_unit_test(test_matches_reference),
		cmocka_unit_test(test_pfra_trace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
