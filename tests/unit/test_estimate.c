/* SPDX-License-Identifier: GPL-2.0-only */
/* The working-set estimators (src/policy/estimate.c) on hand-computed
 * reports, and the arbiter's report history (src/arbiter/history.c) that
 * feeds them: forward deltas only. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "arbiter/guest_history.h"
#include "figures_set.h"
#include "policy/estimate.h"
#include "policy/estimate_cold.h"

/* A guest of 400000 KiB: 200000 anon, 30000 tmpfs, 40000 active file,
 * 40000 KiB in swap, 150000 available, 500000 promised. */
static struct estimate_in base(void)
{
	struct estimate_in in = {
		.committed_as = 500000, .mem_total = 400000,
		.swap_tot = 100000, .swap_free = 60000,
		.have_avail = true, .mem_avail = 150000,
		.have_lru = true, .anon_pages = 200000, .shmem = 30000,
		.active_file = 40000,
		.have_deltas = true, .dt_ms = 5000, .d_pswpin = 1000,
		.d_refault_file = 500, .have_d_refault_anon = true,
		.d_refault_anon = 1500,
	};
	return in;
}

static uint64_t est(enum estimator e, const struct estimate_in *in)
{
	uint64_t kb = 12345;

	assert_true(estimate(e, in, &kb));
	return kb;
}

static void test_hand_computed(void **state)
{
	struct estimate_in in = base();

	assert_true(est(EST_COMMITTED, &in) == 500000);
	assert_true(est(EST_USED, &in) == 400000 - 150000);
	/* 200000 + 30000 + 40000 + (100000 - 60000) */
	assert_true(est(EST_LRU, &in) == 310000);
	/* Back from swap: max(1000, 1500) pages in 5 s = 12000 KiB per 10 s
	 * (below the 40000 swapped); file refaults: 500 pages in 5 s =
	 * 4000 KiB per 10 s. 270000 + 12000 + 4000. */
	assert_true(est(EST_REFAULT, &in) == 286000);

	/* hybrid: max(used 250000, refault 286000). */
	assert_true(est(EST_HYBRID, &in) == 286000);

	/* Swap-ins beyond what is in swap count only what is there. */
	in.d_pswpin = 10000;
	assert_true(est(EST_REFAULT, &in) == 270000 + 40000 + 4000);
	/* A pre-5.9 kernel: no anon refaults, pswpin alone. */
	in = base();
	in.have_d_refault_anon = false;
	assert_true(est(EST_REFAULT, &in) == 270000 + 8000 + 4000);
	/* Nothing came back: the swap is cold and not counted. */
	in.d_pswpin = in.d_refault_file = 0;
	assert_true(est(EST_REFAULT, &in) == 270000);
}

/* A guest whose root file system is a ramfs (Unevictable: no LRU figure
 * shows it) and which holds what it needs: used sees it, hybrid too. */
static void test_hybrid_takes_the_larger(void **state)
{
	struct estimate_in in = base();

	in.mem_avail = 50000;                  /* used 350000 */
	in.d_pswpin = in.d_refault_anon = in.d_refault_file = 0;
	assert_true(est(EST_REFAULT, &in) == 270000);
	assert_true(est(EST_HYBRID, &in) == 350000);
	/* Before the second report: max(used, lru 310000). */
	in.have_deltas = false;
	assert_true(est(EST_HYBRID, &in) == 350000);
	in.mem_avail = 150000;                 /* used 250000 < lru */
	assert_true(est(EST_HYBRID, &in) == 310000);
	/* Without MemAvailable (a 3.x kernel): the LRU side alone. */
	in.have_avail = false;
	assert_true(est(EST_HYBRID, &in) == 310000);
}

static void test_missing_figures(void **state)
{
	struct estimate_in in = base();
	uint64_t kb = 1;

	in.have_avail = false;
	assert_false(estimate(EST_USED, &in, &kb));
	assert_true(kb == 0);
	in = base();
	in.have_lru = false;   /* an older agent: layout 1 only */
	assert_false(estimate(EST_LRU, &in, &kb));
	assert_false(estimate(EST_REFAULT, &in, &kb));
	assert_false(estimate(EST_HYBRID, &in, &kb));
	assert_true(est(EST_COMMITTED, &in) == 500000);
	in = base();
	in.have_deltas = false;  /* the first report */
	assert_false(estimate(EST_REFAULT, &in, &kb));
	assert_true(est(EST_LRU, &in) == 310000);
	assert_false(estimate(EST_COUNT, &in, &kb));
	/* MemAvailable above MemTotal never goes negative. */
	in = base();
	in.mem_avail = 500000;
	assert_true(est(EST_USED, &in) == 0);
}

static void test_saturation(void **state)
{
	struct estimate_in in = base();

	in.anon_pages = UINT64_MAX - 10;
	assert_true(est(EST_LRU, &in) == UINT64_MAX);
	in = base();
	in.d_refault_file = UINT64_MAX;
	in.dt_ms = 1;
	assert_true(est(EST_REFAULT, &in) == UINT64_MAX);
	assert_true(estimate_window_kb(UINT64_MAX, 0) == 0);
	assert_true(estimate_window_kb(25, 10000) == 100);
	for (int e = 0; e < EST_COUNT; e++)
		assert_string_not_equal(estimator_name((enum estimator)e), "?");
}

static void test_default_and_fallbacks(void **state)
{
	struct estimate_in in = base();
	uint64_t kb = 0;

	assert_int_equal(estimate_default(&in, &kb), EST_HYBRID);
	assert_true(kb == 286000);
	in.have_deltas = false;           /* first report: max(used, lru) */
	assert_int_equal(estimate_default(&in, &kb), EST_HYBRID);
	assert_true(kb == 310000);
	in.have_lru = false;              /* an agent of layout 1 */
	assert_int_equal(estimate_default(&in, &kb), EST_USED);
	assert_true(kb == 250000);
	in.have_avail = false;            /* ... on a kernel before 3.14 */
	assert_int_equal(estimate_default(&in, &kb), EST_COMMITTED);
	assert_true(kb == 500000);
}

static void test_history_deltas(void **state)
{
	struct guest_history h;
	struct guest_figures a = { .have = 0 }, b, c;
	struct estimate_in in;

	memset(&h, 0, sizeof(h));
	set(&a, MK_TOT, 400000);
	set(&a, MK_COMMITTED_AS, 500000);
	set(&a, MK_ANON_PAGES, 200000);
	set(&a, MK_SHMEM, 30000);
	set(&a, MK_ACTIVE_FILE, 40000);
	set(&a, MK_PSWPIN, 100);
	set(&a, MK_REFAULT_FILE, 1000);
	set(&a, MK_PSI_SOME_TOTAL, 5000);
	guest_history_push(&h, NULL, &a, 10000);
	assert_false(h.have_prev);
	guest_estimate_input(&a, &h, &in);
	assert_true(in.have_lru && !in.have_deltas);

	b = a;
	b.v[MK_PSWPIN] = 600;
	b.v[MK_REFAULT_FILE] = 1250;
	b.v[MK_PSI_SOME_TOTAL] = 4000;   /* backwards: no delta */
	guest_history_push(&h, &a, &b, 15000);
	assert_true(h.have_prev && h.dt_ms == 5000);
	assert_true(guest_history_has(&h, MK_PSWPIN) && h.d[MK_PSWPIN] == 500);
	assert_true(h.d[MK_REFAULT_FILE] == 250);
	assert_false(guest_history_has(&h, MK_PSI_SOME_TOTAL));
	assert_false(guest_history_has(&h, MK_REFAULT_ANON)); /* never reported */
	assert_false(guest_history_has(&h, MK_TOT));          /* not a counter */
	assert_true(h.backwards == 1);
	guest_estimate_input(&b, &h, &in);
	assert_true(in.have_deltas && in.dt_ms == 5000 && in.d_pswpin == 500 &&
		    in.d_refault_file == 250 && !in.have_d_refault_anon);

	/* A reboot: pswpin restarts from 3. No delta for it, so no refault
	 * estimate from this pair; the next pair starts from 3. */
	c = b;
	c.v[MK_PSWPIN] = 3;
	c.v[MK_REFAULT_FILE] = 1300;
	guest_history_push(&h, &b, &c, 20000);
	assert_false(guest_history_has(&h, MK_PSWPIN));
	guest_estimate_input(&c, &h, &in);
	assert_false(in.have_deltas);
	uint64_t kb;
	assert_false(estimate(EST_REFAULT, &in, &kb));
	b = c;
	c.v[MK_PSWPIN] = 8;
	guest_history_push(&h, &b, &c, 21000);
	assert_true(guest_history_has(&h, MK_PSWPIN) && h.d[MK_PSWPIN] == 5 && h.dt_ms == 1000);
}

/* Cold swap (design.md §Cold swap is not need): the swap in use
 * throughout the last ESTIMATE_COLD_MS of a run of quiet pairs (swap-ins
 * up to swapped/64 a window being noise); any other pair ends the run. */
static void observe_at(struct estimate_cold *c, struct estimate_in *in,
		       uint64_t swapped, uint64_t ms)
{
	in->swap_free = in->swap_tot - swapped;
	estimate_cold_observe(c, in, ms);
}

static void test_cold_swap(void **state)
{
	struct estimate_cold c = { 0 };
	struct estimate_in in = base();    /* 40000 KiB in swap: 625 a window */
	uint64_t kb;

	in.d_pswpin = in.d_refault_anon = in.d_refault_file = 0;
	/* Nothing observed: every swapped-out page counts (lru 310000). */
	assert_true(estimate_need(&in, &c, &kb) == EST_HYBRID && kb == 310000);
	observe_at(&c, &in, 40000, 0);       /* the first: a run starts */
	observe_at(&c, &in, 40000, 5000);
	assert_true(c.cold_kb == 0 && c.quiet_ms == 5000);
	observe_at(&c, &in, 40000, 10000);   /* out for a whole window */
	assert_true(c.cold_kb == 40000 && c.pairs == 2);
	/* Cold: lru less it, 270000, against hybrid's max(used 250000,
	 * refault 270000). */
	assert_true(estimate_need(&in, &c, &kb) == EST_HYBRID && kb == 270000);
	assert_true(estimate_need(&in, NULL, &kb) == EST_HYBRID && kb == 310000);

	/* Pages going out count once they have stayed out a window. */
	observe_at(&c, &in, 60000, 15000);
	assert_true(c.cold_kb == 40000);
	observe_at(&c, &in, 60000, 20000);
	assert_true(c.cold_kb == 40000);
	observe_at(&c, &in, 60000, 25000);
	assert_true(c.cold_kb == 60000);
	/* Freed without a swap-in: what is left is still cold. */
	observe_at(&c, &in, 30000, 26000);
	assert_true(c.cold_kb == 30000);
	/* A long pair that ends with a page-out: the window's start saw
	 * 30000 in use (the report before it), not the new 90000. */
	in.dt_ms = 30000;
	observe_at(&c, &in, 90000, 56000);
	assert_true(c.cold_kb == 30000);
	in.dt_ms = 5000;

	/* 78 pages in 5 s = 624 KiB a window against 90000 / 64 = 1406:
	 * noise; 176 (1408) is not: the run ends, nothing is cold. */
	in.d_pswpin = 78;
	observe_at(&c, &in, 90000, 61000);
	assert_true(c.cold_kb == 30000 && c.quiet_ms > 0);
	in.d_pswpin = 0;
	in.d_refault_anon = 176;                 /* the larger counts */
	observe_at(&c, &in, 90000, 66000);
	assert_true(c.cold_kb == 0 && c.quiet_ms == 0);
	assert_true(estimate_need(&in, &c, &kb) == EST_HYBRID && kb == 360000);
	in.have_d_refault_anon = false;          /* pre-5.9: pswpin alone */
	observe_at(&c, &in, 90000, 71000);
	observe_at(&c, &in, 90000, 76000);
	assert_true(c.cold_kb == 90000);

	/* No deltas (a first report, a counter backwards or missing), a pair
	 * 0 ms apart or a clock gone back: no evidence, the run ends. */
	in.have_deltas = false;
	observe_at(&c, &in, 90000, 81000);
	assert_true(c.cold_kb == 0 && c.quiet_ms == 0);
	in.have_deltas = true;
	observe_at(&c, &in, 90000, 86000);
	observe_at(&c, &in, 90000, 91000);
	assert_true(c.cold_kb == 90000);
	in.dt_ms = 0;
	observe_at(&c, &in, 90000, 92000);
	assert_true(c.cold_kb == 0);
	in.dt_ms = 5000;
	observe_at(&c, &in, 90000, 97000);
	observe_at(&c, &in, 90000, 1000);
	assert_true(c.cold_kb == 0 && c.n == 1);

	/* Nothing in swap: any swap-in ends the run (0 tolerated). */
	in.d_pswpin = 1;
	observe_at(&c, &in, 0, 6000);
	assert_true(c.quiet_ms == 0);

	/* More reports in a window than the minimum has slots: a page-out of
	 * 100 KiB every 100 ms. What is cold never exceeds what was in use
	 * a window before. */
	in.d_pswpin = 0;
	in.dt_ms = 100;
	memset(&c, 0, sizeof(c));
	for (uint64_t i = 0; i <= 400; i++) {
		observe_at(&c, &in, 100 * i, 100 * i);
		assert_true(c.n >= 1 && c.n <= ESTIMATE_COLD_SLOTS);
		if (i >= 100)
			assert_true(c.cold_kb <= 100 * (i - 100));
	}
	assert_true(c.cold_kb > 0);

	/* Saturation: a guest quiet for ever does not wrap. */
	in.dt_ms = UINT64_MAX;
	c.quiet_ms = UINT64_MAX - 1;
	c.pairs = UINT64_MAX;
	observe_at(&c, &in, 40000, 50000);
	assert_true(c.quiet_ms == UINT64_MAX && c.pairs == UINT64_MAX);

	/* Without layout-2 figures: the fallback estimator, never raised. */
	in = base();
	in.have_lru = false;
	assert_true(estimate_need(&in, &c, &kb) == EST_USED && kb == 250000);
}

/* The history feeds the cold count on every report it takes: a fresh
 * history (adoption) has no evidence, a counter gone backwards ends the
 * run. */
static void test_history_cold(void **state)
{
	struct guest_history h;
	struct guest_figures a = { .have = 0 }, b;

	memset(&h, 0, sizeof(h));
	set(&a, MK_TOT, 400000);
	set(&a, MK_SWAP_TOT, 100000);
	set(&a, MK_SWAP_FREE, 20000);
	set(&a, MK_ANON_PAGES, 200000);
	set(&a, MK_SHMEM, 0);
	set(&a, MK_ACTIVE_FILE, 0);
	set(&a, MK_PSWPIN, 100);
	set(&a, MK_REFAULT_FILE, 10);
	guest_history_push(&h, NULL, &a, 1000);
	assert_true(h.cold.quiet_ms == 0 && h.cold.cold_kb == 0);
	b = a;
	uint64_t t = 1000;

	for (int i = 0; i < 2; i++) {
		struct guest_figures last = b;

		t += 5000;
		guest_history_push(&h, &last, &b, t);
	}
	assert_true(h.cold.cold_kb == 80000);
	struct guest_figures last = b;

	b.v[MK_PSWPIN] = 50;                     /* backwards */
	guest_history_push(&h, &last, &b, t + 5000);
	assert_true(h.cold.cold_kb == 0 && h.cold.quiet_ms == 0 && h.backwards == 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_computed),
		cmocka_unit_test(test_missing_figures),
		cmocka_unit_test(test_hybrid_takes_the_larger),
		cmocka_unit_test(test_saturation),
		cmocka_unit_test(test_default_and_fallbacks),
		cmocka_unit_test(test_history_deltas),
		cmocka_unit_test(test_cold_swap),
		cmocka_unit_test(test_history_cold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
