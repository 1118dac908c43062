/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The apply arithmetic (design.md §Apply: from targets to this cycle's writes): from targets to this cycle's writes.
 * Hand cases build decisions directly (the policy is not involved), then
 * a property over random full cycles.
 */
#include "fixture_snapshot.h"

/* Domain i holds `actual`, has current target `current`, and the policy
 * wants `target`, a walk that ends at `settle`. */
static void want(size_t i, uint64_t actual, uint64_t current, uint64_t target,
		 uint64_t settle)
{
	dom[i] = dom_u((uint32_t)(i + 1), actual, 0, 0, 0, 64 * GIB);
	dom[i].target_kb = current;
	out[i].mode = POLICY_MODE_ABUNDANT;
	out[i].target_kb = target;
	out[i].settle_kb = settle;
}

/* Decreases are written in full, even when F_h is negative. */
static void test_decrease_in_full(void **state)
{
	want(0, 500000, 500000, 300000, 300000);
	apply(1, -100000);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 300000);
}

/* Increases share F_h in proportion to deficit; a decrease in the same
 * cycle does not add to F_h (its balloon has not released anything yet).
 *   deficits 300000 and 100000, F_h = 200003:
 *   D1 gets page_down(200003 * 3/4 = 150002.25) = 150000 -> 550000,
 *   D2 gets page_down(50000.75) = 50000 -> 450000; D3 drops in full. */
static void test_increase_shared(void **state)
{
	want(0, 400000, 400000, 700000, 700000);
	want(1, 400000, 400000, 500000, 500000);
	want(2, 600000, 600000, 500000, 500000);
	apply(3, 200003);
	assert_int_equal(out[0].write_kb, 550000);
	assert_int_equal(out[1].write_kb, 450000);
	assert_int_equal(out[2].write_kb, 500000);
	assert_true(out[0].reasons & POLICY_R_GRANT);
	assert_false(out[2].reasons & POLICY_R_GRANT);
	/* Enough for both: everybody gets the whole target. */
	apply(3, 400000);
	assert_int_equal(out[0].write_kb, 700000);
	assert_int_equal(out[1].write_kb, 500000);
	assert_false(out[0].reasons & POLICY_R_GRANT);
}

/* The threshold: 10000 < 16384 is not written unless it settles the
 * walk; steady state writes nothing. */
static void test_threshold(void **state)
{
	want(0, 500000, 500000, 490000, 200000);
	want(1, 500000, 500000, 490000, 490000);
	want(2, 500000, 500000, 500000, 500000);
	want(3, 500000, 500000, 483616, 200000);    /* exactly 16384 */
	apply(4, 1000000);
	assert_false(out[0].has_write);
	assert_true(out[0].reasons & POLICY_R_THRESHOLD);
	assert_true(out[1].has_write);
	assert_int_equal(out[1].write_kb, 490000);
	assert_false(out[2].has_write);
	assert_false(out[2].reasons & POLICY_R_THRESHOLD);
	assert_true(out[3].has_write);
}

/* Below the reserve (F_h < 0) a 4 MiB cut is written although it is
 * under min_change: otherwise the host stays below its reserve for good
 * (seen on real Xen). Not below the noise floor, and not an increase. */
static void test_below_reserve_small_cut(void **state)
{
	want(0, 500000, 500000, 495904, 200000);    /* -4096 */
	want(1, 500000, 500000, 499488, 200000);    /* -512: noise */
	want(2, 300000, 300000, 304096, 600000);    /* +4096 */
	apply(3, -4096);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 495904);
	assert_false(out[1].has_write);
	assert_false(out[2].has_write);
	/* With the reserve intact the same cut waits for min_change. */
	want(0, 500000, 500000, 495904, 200000);
	apply(1, 0);
	assert_false(out[0].has_write);
	assert_true(out[0].reasons & POLICY_R_THRESHOLD);
}

/* Growth in flight (a domain keeping B = 500000 while N = 450000) is
 * served before anything new: F_h = 120000 leaves 70000 for D2. */
static void test_in_flight_first(void **state)
{
	want(0, 450000, 500000, 500000, 500000);
	want(1, 400000, 400000, 500000, 500000);
	apply(2, 120000);
	assert_false(out[0].has_write);
	assert_int_equal(out[1].write_kb, 470000);
}

/* Growth in flight that F_h no longer covers (a reservation came after
 * the grant) is withdrawn, whatever the threshold: cluster-20x200's
 * vm165 kept B = 1009664 while it held 655360, F_h = -1884 once vm170's
 * reservation counted, and its balloon took the 192 MiB vm170 was to
 * start in. It is written down to what it holds. Failed before session
 * 9 (nothing was written: the target is B). */
/* Sized by its estimate (the withdrawal's domain, as unpark's). */
static void est(size_t i)
{
	dom[i].flags |= POLICY_IN_WS;
	dom[i].ws_kb = dom[i].actual_kb;
}

static void test_in_flight_withdrawn(void **state)
{
	params.need = POLICY_NEED_ESTIMATE;
	want(0, 655360, 1009664, 1009664, 1009664);
	est(0);
	apply(1, -1884);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 655360);
	assert_true(out[0].reasons & POLICY_R_GRANT);
	assert_false(out[0].reasons & POLICY_R_THRESHOLD);
	/* Two in flight (100000 and 300000) share F_h = 200000 by their
	 * growth in flight: 50000 and 150000; nothing is left for D3's new
	 * growth, which keeps its B. */
	want(0, 400000, 500000, 500000, 500000);
	want(1, 400000, 700000, 700000, 700000);
	want(2, 400000, 400000, 500000, 500000);
	est(0);
	est(1);
	apply(3, 200000);
	assert_int_equal(out[0].write_kb, 450000);
	assert_int_equal(out[1].write_kb, 550000);
	assert_false(out[2].has_write);
	/* A domain without an estimate keeps today's path: its 100000 in
	 * flight is served first, the estimated one shares the other
	 * 100000 of F_h = 200000 (it had 300000 in flight). */
	want(0, 400000, 500000, 500000, 500000);
	want(1, 400000, 700000, 700000, 700000);
	est(1);
	apply(2, 200000);
	assert_false(out[0].has_write);
	assert_int_equal(out[1].write_kb, 500000);
	/* ... and alone, nothing is withdrawn (tests/plan-baseline). */
	want(0, 655360, 1009664, 1009664, 1009664);
	apply(1, -1884);
	assert_false(out[0].has_write);
	/* A target below what it holds is written as it is. */
	want(0, 400000, 500000, 380000, 380000);
	est(0);
	apply(1, 0);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 380000);
	/* Covered: nothing to withdraw (test_in_flight_first). */
	want(0, 400000, 500000, 500000, 500000);
	est(0);
	apply(1, 100000);
	assert_false(out[0].has_write);
}

/* Random full cycles under need = estimate, most domains with an
 * estimate: what the writes grant plus the growth still in flight fits
 * in F_h, unless the growth in flight of the domains without an estimate
 * (today's path) alone exceeds it. Failed before session 9. */
static void test_in_flight_property(void **state)
{
	static struct policy_dom d[41];
	static struct policy_decision o[41];
	unsigned withdrawn = 0;

	for (unsigned seed = 1; seed <= 2000; seed++) {
		struct rng r = { seed * 131 };
		struct policy_params p = random_params(&r);
		size_t n = (size_t)rng_range(&r, 1, 40);

		p.need = POLICY_NEED_ESTIMATE;
		for (size_t i = 0; i < n; i++) {
			d[i] = random_dom(&r, (uint32_t)(i + 1));
			if (rng_chance(&r, 70)) {
				d[i].flags |= POLICY_IN_WS;
				d[i].ws_kb = rng_range(&r, 0, 2 * d[i].actual_kb);
			}
		}
		run_cycle(&p, random_host_free(&r, d, n), d, n, o, &cycle);

		uint64_t grown = 0, flight = 0, exempt = 0;

		for (size_t i = 0; i < n; i++) {
			uint64_t N = d[i].actual_kb, B = d[i].target_kb;

			if (o[i].mode == POLICY_MODE_FIXED)
				continue;
			if (!o[i].has_write) {
				flight += B > N ? B - N : 0;
				if (!(d[i].flags & POLICY_IN_WS))
					exempt += B > N ? B - N : 0;
				continue;
			}
			if (o[i].write_kb > N)
				grown += o[i].write_kb - N;
			withdrawn += B > N && o[i].write_kb < B &&
				     (o[i].reasons & POLICY_R_GRANT) != 0;
		}
		uint64_t f = cycle.host_free_kb > 0 ? (uint64_t)cycle.host_free_kb : 0;

		if (grown + flight > (f > exempt ? f : exempt))
			fail_msg("seed %u: writes grant %llu, %llu in flight (%llu without an estimate), F_h %lld",
				 seed, (unsigned long long)grown, (unsigned long long)flight,
				 (unsigned long long)exempt, (long long)cycle.host_free_kb);
	}
	assert_true(withdrawn > 100);
}

/* The same through the whole policy under need = estimate, as it was on
 * vm170's host: a guest that needs 922 MiB and was granted its goal
 * (W_i + the 64 MiB gap = 1009664), its balloon at 655360; beside it a
 * guest holding 800 MiB for a need of 200, so that the host stays
 * abundant (the sum of goals less what is held is below F_h) and nobody
 * else's write pays for anything. Free memory less the reservation is
 * 1884 KiB below the reserve. Its floor L_i' is min(B_i, W_i), far above
 * what it holds, and its target is B_i: before session 9 nothing was
 * written and its balloon took the reservation. */
static void test_in_flight_reservation_cycle(void **state)
{
	struct policy_params p;
	struct policy_dom d[2];
	struct policy_decision o[2];
	struct policy_cycle c;

	policy_params_default(&p);
	policy_preset_apply(&p, POLICY_PRESET_MEMBAL);
	d[0] = est_dom(1, 655360, 1009664 - 64 * MIB);
	d[0].target_kb = 1009664;
	d[1] = est_dom(2, 800 * MIB, 200 * MIB);
	run_cycle(&p, (int64_t)p.reserve_kb - 1884, d, 2, o, &c);
	assert_int_equal(c.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(o[0].floor_kb, 1009664 - 64 * MIB);
	assert_int_equal(o[0].target_kb, 1009664);
	assert_true(o[0].has_write);
	assert_true(o[0].write_kb <= d[0].actual_kb);
	assert_true(o[0].reasons & POLICY_R_GRANT);
}

/* A grant below the current target must be written (B_i would take more
 * than granted): B = 550000, N = 400000, target 600000, F_h = 50000 ->
 * write 450000. When B is below the cut value and the move is small,
 * B stays: B = 440000, grant 45000 -> 445000 is only 5000 away. */
static void test_grant_cut(void **state)
{
	want(0, 400000, 550000, 600000, 600000);
	apply(1, 50000);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 450000);
	assert_true(out[0].reasons & POLICY_R_GRANT);

	want(0, 400000, 440000, 600000, 600000);
	apply(1, 45000);
	assert_false(out[0].has_write);
	assert_int_equal(out[0].reasons, POLICY_R_GRANT | POLICY_R_THRESHOLD);
}

/* dom0 (priority) is served first: it wants 100000, a domU 100000, F_h =
 * 150000: dom0 all of it, the domU the remaining 50000. */
static void test_dom0_first(void **state)
{
	want(0, 400000, 400000, 500000, 500000);
	want(1, 400000, 400000, 500000, 500000);
	dom[0].kind = POLICY_DOM0;
	apply(2, 150000);
	assert_int_equal(out[0].write_kb, 500000);
	assert_int_equal(out[1].write_kb, 450000);
}

/* Fixed domains are never written, whatever their target says. */
static void test_fixed_untouched(void **state)
{
	want(0, 400000, 400000, 100000, 100000);
	out[0].mode = POLICY_MODE_FIXED;
	apply(1, 1000000);
	assert_false(out[0].has_write);
}

/*
 * Random full cycles:
 *  - new memory handed out by this cycle's writes never exceeds F_h minus
 *    the growth already in flight (so never more than F_h beyond what the
 *    cycle releases, the plain form of it, which is also checked);
 *  - decreases that pass the threshold are written in full;
 *  - a write never overshoots its target and never repeats B_i;
 *  - a write below min_change settles its walk or was cut by a grant.
 */
static void test_apply_properties(void **state)
{
	static struct policy_dom d[41];
	static struct policy_decision o[41];
	unsigned cut = 0;

	for (unsigned seed = 1; seed <= 3000; seed++) {
		struct rng r = { seed * 97 };
		struct policy_params p = random_params(&r);
		size_t n = (size_t)rng_range(&r, 1, 40);

		for (size_t i = 0; i < n; i++)
			d[i] = random_dom(&r, (uint32_t)(i + 1));
		if (rng_chance(&r, 30)) {
			d[0].domid = 0;
			d[0].kind = POLICY_DOM0;
			p.dom0_mode = rng_chance(&r, 50) ? POLICY_DOM0_PRIORITY
							 : POLICY_DOM0_FIXED;
		}
		if (rng_chance(&r, 20))
			policy_preset_apply(&p, POLICY_PRESET_PAPER);
		run_cycle(&p, random_host_free(&r, d, n), d, n, o, &cycle);

		uint64_t grown = 0, released = 0, in_flight = 0;

		for (size_t i = 0; i < n; i++) {
			uint64_t N = d[i].actual_kb, B = d[i].target_kb;

			if (o[i].mode == POLICY_MODE_FIXED) {
				assert_false(o[i].has_write);
				continue;
			}
			if (!o[i].has_write) {
				in_flight += B > N ? B - N : 0;
				continue;
			}
			uint64_t w = o[i].write_kb, t = o[i].target_kb;

			assert_true(w != B);
			if (w > N)
				grown += w - N;
			else
				released += N - w;
			if (t <= N)
				assert_int_equal(w, t);
			assert_true(w <= t || t <= N);
			uint64_t move = w > B ? w - B : B - w;

			/* Below min_change only: the end of a walk, a cut by a
			 * grant, or a decrease while the host is below its
			 * reserve (not below the noise floor). */
			if (move < p.min_change_kb && w != o[i].settle_kb) {
				assert_true(w < B);
				assert_true((o[i].reasons & POLICY_R_GRANT) ||
					    (cycle.host_free_kb < 0 && move >= p.settle_min_kb));
			}
			cut += (o[i].reasons & POLICY_R_GRANT) != 0;
		}
		int64_t free_h = cycle.host_free_kb;
		uint64_t pool = free_h > 0 ? (uint64_t)free_h : 0;

		pool = pool > in_flight ? pool - in_flight : 0;
		if (grown > pool)
			fail_msg("seed %u: writes take %llu, F_h %lld, in flight %llu",
				 seed, (unsigned long long)grown, (long long)free_h,
				 (unsigned long long)in_flight);
		assert_true((int64_t)grown - (int64_t)released <=
			    (free_h > 0 ? free_h : 0));
	}
	assert_true(cut > 300);
}

/* A balloon takes whole pages, so a target less than a page above what
 * a domain holds has no growth left in flight. Under need = estimate
 * such a target is kept when the pool grants it nothing: cron-grow's
 * c02 at 60 s kept B = 266978 with N = 266976, and a write of 266976
 * (reason grant) changed nothing (docs/evaluation.md, "Session 23:
 * writes, by cause (writes23)"), with part_page_keep (off by
 * default). A full page is still growth, and the other presets keep
 * their path. */
static void test_part_page_kept(void **state)
{
	/* Off by default: written down to N_i. */
	assert_false(params.part_page_keep);
	params.need = POLICY_NEED_ESTIMATE;
	want(0, 266976, 266978, 300000, 300000);
	est(0);
	apply(1, 0);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 266976);

	params.part_page_keep = true;
	/* The solver wants more; the pool has nothing for it. */
	want(0, 266976, 266978, 300000, 300000);
	est(0);
	apply(1, 0);
	assert_false(out[0].has_write);
	assert_true(out[0].reasons & POLICY_R_GRANT);
	/* The same with a pool below zero: nothing to withdraw. */
	want(0, 266976, 266978, 266978, 266978);
	est(0);
	apply(1, -1884);
	assert_false(out[0].has_write);
	/* A whole page in flight is withdrawn (and cut to N_i) as before. */
	want(0, 266976, 266980, 266980, 266980);
	est(0);
	apply(1, -1884);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 266976);
	want(0, 266976, 266980, 300000, 300000);
	est(0);
	apply(1, 0);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 266976);
	/* Without an estimate: written down to N_i, as before. */
	want(0, 266976, 266978, 300000, 300000);
	apply(1, 0);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 266976);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_decrease_in_full, fixture_setup),
		cmocka_unit_test_setup(test_increase_shared, fixture_setup),
		cmocka_unit_test_setup(test_threshold, fixture_setup),
		cmocka_unit_test_setup(test_below_reserve_small_cut, fixture_setup),
		cmocka_unit_test_setup(test_in_flight_first, fixture_setup),
		cmocka_unit_test_setup(test_in_flight_withdrawn, fixture_setup),
		cmocka_unit_test_setup(test_in_flight_reservation_cycle, fixture_setup),
		cmocka_unit_test_setup(test_part_page_kept, fixture_setup),
		cmocka_unit_test(test_in_flight_property),
		cmocka_unit_test_setup(test_grant_cut, fixture_setup),
		cmocka_unit_test_setup(test_dom0_first, fixture_setup),
		cmocka_unit_test_setup(test_fixed_untouched, fixture_setup),
		cmocka_unit_test(test_apply_properties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
