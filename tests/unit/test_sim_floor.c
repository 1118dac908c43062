/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The clairvoyant floor (src/sim/floor.c) on cases worked by hand, the
 * arbiter's bounds and management rules as the floor reads them, the
 * floor of a whole scenario, and the Gini coefficient.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simhost/scenario.h"
#include "common/config.h"
#include "common/log.h"
#include "sim/sim.h"
#include "simhost/model.h"
#include "sim_world.h"

#define MiB 1024ull

static void test_instant(void **state)
{
	/* Enough for everyone: nothing short. */
	struct floor_item a[] = {
		{ .need_kb = 300 * MiB, .min_kb = 128 * MiB, .max_kb = 512 * MiB },
		{ .need_kb = 100 * MiB, .min_kb = 128 * MiB, .max_kb = 512 * MiB },
	};
	assert_int_equal(sim_floor_instant(a, 2, 428 * MiB), 0);
	/* 1 MiB less: 1 MiB short, whoever lacks it. */
	assert_int_equal(sim_floor_instant(a, 2, 427 * MiB), 1 * MiB);
	/* The idle guest cannot go below its minimum: at 256 MiB both sit at
	 * their minimum or above, the busy one gets 128: 172 short. */
	assert_int_equal(sim_floor_instant(a, 2, 256 * MiB), 172 * MiB);
	/* Below the sum of minimums: everyone at min (the arbiter's stage 4). */
	assert_int_equal(sim_floor_instant(a, 2, 100 * MiB), 172 * MiB);
	assert_int_equal(sim_floor_instant(a, 2, -5), 172 * MiB);

	/* A guest whose need is above its max is short by the difference
	 * whatever the host has; memory beyond max goes to the others. */
	struct floor_item b[] = {
		{ .need_kb = 700 * MiB, .min_kb = 128 * MiB, .max_kb = 512 * MiB },
		{ .need_kb = 400 * MiB, .min_kb = 128 * MiB, .max_kb = 512 * MiB },
		{ .need_kb = 50 * MiB, .min_kb = 128 * MiB, .max_kb = 512 * MiB },
	};
	assert_int_equal(sim_floor_instant(b, 3, 4096 * MiB), 188 * MiB);
	/* 900 MiB: mins 384, spare 516 for (384 + 272) wanted: 140 + 188. */
	assert_int_equal(sim_floor_instant(b, 3, 900 * MiB), (188 + 140) * MiB);
	assert_int_equal(sim_floor_instant(b, 0, 900 * MiB), 0);
}

/* The same rules as the arbiter's cycle: [domain] min/max, the [policy]
 * default min and max, static-max as a cap, exclusion, HVM opt-in, no
 * agent. */
static void test_bounds_and_managed(void **state)
{
	struct sim_scenario sc;
	struct arbiter_config c;
	struct cfg_file f;
	struct manage_verdict v;

	assert_int_equal(sim_scenario_load_string("s.ini",
		"[host]\ntotal_mb = 8192\ndom0_mb = 512\n"
		"[guest a]\nmemory_mb = 512\nstatic_max_mb = 1024\n"
		"[guest b]\nmemory_mb = 512\nstatic_max_mb = 1024\n"
		"[guest w]\nmemory_mb = 512\ntype = hvm\n"
		"[guest n]\nmemory_mb = 512\nagent = no\n"
		"[guest x-dm]\nmemory_mb = 512\n"
		"[guest y-dm]\nmemory_mb = 512\n"
		"[guest small]\nmemory_mb = 150\n", &sc, &f), 0);
	arbiter_config_defaults(&c);
	assert_int_equal(arbiter_config_load_string("a.ini",
		"[policy]\nmin_mb = 200\n[domain b]\nmin_mb = 300\nmax_mb = 2000\n"
		"[domain w]\nmanaged = yes\n[domain y-dm]\nmanaged = yes\n", &c), 0);
	assert_true(sim_guest_rule(&c, &sc.guests[0], &v));
	assert_int_equal(v.min_kb, 200 * MiB);
	assert_int_equal(v.max_kb, 1024 * MiB);
	assert_true(sim_guest_rule(&c, &sc.guests[1], &v));
	assert_int_equal(v.min_kb, 300 * MiB);
	assert_int_equal(v.max_kb, 1024 * MiB);     /* static-max caps max_mb */
	/* managed = yes does not opt an HVM guest in (manage_hvm does). */
	assert_false(sim_guest_rule(&c, &sc.guests[2], &v));
	assert_false(sim_guest_rule(&c, &sc.guests[3], &v));   /* no agent */
	assert_false(sim_guest_rule(&c, &sc.guests[4], &v));   /* *-dm */
	assert_true(sim_guest_rule(&c, &sc.guests[5], &v));    /* yes beats exclude */
	/* min 200 above static-max 150: not managed, min not clamped. */
	assert_false(sim_guest_rule(&c, &sc.guests[6], &v));
	assert_true(v.bad_bounds);
	assert_int_equal(v.min_kb, 200 * MiB);
	sim_scenario_free(&sc);
}

/* A guest whose minimum is above its static-max is not managed by the
 * arbiter: the floor counts what it holds as unmanaged, as it does for
 * `managed = no` (it once clamped the minimum to 300 and counted the guest
 * at it: 236 MiB short). 2048 - 512 - 72 = 1464 MiB, less 200 + 300 held
 * by the two: 964 for busy, who needs 1000 + 100: 136 MiB short at the
 * instants 10.0 .. 20.0 s (101 of 100 ms). */
static void test_floor_unmanaged_like_arbiter(void **state)
{
	struct sim_scenario sc;
	struct arbiter_config c;
	struct cfg_file f;
	double fl;

	assert_int_equal(sim_scenario_load_string("s.ini",
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\n"
		"[guest busy]\nmemory_mb = 512\nstatic_max_mb = 2048\noverhead_kb = 102400\n"
		"workload = step:100,1000,10\n"
		"[guest small]\nmemory_mb = 200\nstatic_max_mb = 300\n"
		"[guest byhand]\nmemory_mb = 300\n", &sc, &f), 0);
	arbiter_config_defaults(&c);
	assert_int_equal(arbiter_config_load_string("a.ini",
		"[domain small]\nmin_mb = 400\n[domain byhand]\nmanaged = no\n", &c), 0);
	fl = sim_floor_scenario(&sc, &c, 20000, 100);
	assert_true(fl > 136.0 * 10.1 - 0.01 && fl < 136.0 * 10.1 + 0.01);
	sim_scenario_free(&sc);
}

/* A whole scenario: 2048 MiB host, dom0 512, reserve 72: 1464 MiB for
 * the managed guests, less the 400 MiB the unmanaged one holds. busy
 * needs 900 + 100 (overhead) from 10 s on; idle 48 + 100 (above its
 * 128 MiB min): 1148 > 1064, so 84 MiB short from 10 s until the
 * unmanaged guest stops at 30 s (instants 10.0 .. 29.9 s at 100 ms),
 * then it fits. */
static void test_scenario_floor(void **state)
{
	struct sim_scenario sc;
	struct arbiter_config c;
	struct cfg_file f;
	double fl;

	assert_int_equal(sim_scenario_load_string("s.ini",
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\n"
		"[guest busy]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n"
		"workload = step:100,900,10\n"
		"[guest idle]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n"
		"[guest other]\nmemory_mb = 400\nagent = no\nstop_s = 30\n", &sc, &f), 0);
	arbiter_config_defaults(&c);
	fl = sim_floor_scenario(&sc, &c, 60000, 100);
	assert_true(fl > 84.0 * 20 - 0.01 && fl < 84.0 * 20 + 0.01);
	/* Shorter than the rise: nothing. */
	assert_true(sim_floor_scenario(&sc, &c, 9000, 100) == 0);
	sim_scenario_free(&sc);
}

/*
 * The lagged floor: with instant balloons and no lag it is the clairvoyant
 * floor; 2 s late it also lacks part of the busy guest's 800 MiB jump
 * for those 2 s (what it held beyond its old need softens it; at most
 * 2 s * 900 MiB more), and slower balloons add their travel on top.
 */
static void test_lagged_floor(void **state)
{
	struct sim_scenario sc;
	struct arbiter_config c;
	struct cfg_file f;
	double fl, l0, l2, slow;

	assert_int_equal(sim_scenario_load_string("s.ini",
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nballoon_rate_mb_s = 1000000\n"
		"[guest busy]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n"
		"workload = step:100,900,10\n"
		"[guest idle]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n"
		"[guest other]\nmemory_mb = 400\nagent = no\nstop_s = 30\n", &sc, &f), 0);
	arbiter_config_defaults(&c);
	fl = sim_floor_scenario(&sc, &c, 60000, 100);
	l0 = sim_floor_lagged(&sc, &c, 60000, 100, 0);
	l2 = sim_floor_lagged(&sc, &c, 60000, 100, 2000);
	print_message("clairvoyant %.0f, lagged 0 s %.0f, 2 s %.0f MiB*s\n", fl, l0, l2);
	assert_true(fabs(l0 - fl) <= 0.01 * fl + 1);
	assert_true(l2 > fl + 300 && l2 <= fl + 900 * 2 + 1);
	sim_scenario_free(&sc);

	assert_int_equal(sim_scenario_load_string("s.ini",
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nballoon_rate_mb_s = 100\n"
		"[guest busy]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n"
		"workload = step:100,900,10\n"
		"[guest idle]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n"
		"[guest other]\nmemory_mb = 400\nagent = no\nstop_s = 30\n", &sc, &f), 0);
	slow = sim_floor_lagged(&sc, &c, 60000, 100, 2000);
	print_message("2 s late at 100 MiB/s: %.0f MiB*s\n", slow);
	assert_true(slow > l2 + 500);
	sim_scenario_free(&sc);
}

/*
 * A guest short from its first instant: no causal policy has heard from it
 * until lag_ms after it started, so the lagged floor lets it keep what it
 * was created with until then. busy needs 700 + 100 (overhead) and holds
 * 512: 288 MiB short at the instants 0.1 .. 1.9 s (19 of 100 ms), met at
 * 2.0 s with instant balloons. late, started at 10 s the same way, adds
 * its own 20 (10.0 .. 11.9 s: it is short from its first instant). Counting from the need at the start instead gave
 * zero for both.
 */
static void test_lagged_floor_unseen(void **state)
{
	struct sim_scenario sc;
	struct arbiter_config c;
	struct cfg_file f;
	double l2, l0;

	assert_int_equal(sim_scenario_load_string("s.ini",
		"[host]\ntotal_mb = 4096\ndom0_mb = 512\nballoon_rate_mb_s = 1000000\n"
		"[guest busy]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n"
		"workload = const:700\n"
		"[guest late]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n"
		"workload = const:700\nstart_s = 10\n", &sc, &f), 0);
	arbiter_config_defaults(&c);
	l2 = sim_floor_lagged(&sc, &c, 30000, 100, 2000);
	l0 = sim_floor_lagged(&sc, &c, 30000, 100, 0);
	print_message("short from the start: lagged 2 s %.1f, 0 s %.1f MiB*s\n", l2, l0);
	assert_true(fabs(l2 - 288.0 * (1.9 + 2.0)) < 0.5);
	assert_true(l0 < 0.5);
	sim_scenario_free(&sc);
}

/*
 * What the lagged floor's allocation would cost a swapless guest: the
 * guest model's OOM rule (sim_oom_step) counts a kill when what a guest
 * lacks exceeds its swap. busy (no swap) jumps from 100 to 900 MiB at
 * 10 s: 2 s late it lacks part of it for those 2 s, one kill; with 1 GiB
 * of swap, or with no lag, none. The series (one row per guest and tick)
 * shows the lack at 11 s and none at 13 s. The floor's allocation and
 * shortfall do not follow the kill (the killed workload is back at 20 s
 * and fits): the same with oom_restart_s = 0 (the kill frees nothing).
 */
static void lag_series(int restart_s, int swap_mb, uint64_t lag_ms, uint64_t *kills,
		       double *mibs, double lack_at[2])
{
	static const char *const ini =
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nballoon_rate_mb_s = 1000000\n"
		"oom_restart_s = %d\n"
		"[guest busy]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n"
		"workload = step:100,900,10\nswap_mb = %d\n"
		"[guest idle]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n";
	static const char *const at[2] = { "11.000", "13.000" };
	struct sim_scenario sc;
	struct arbiter_config c;
	struct cfg_file f;
	char text[1024], line[256];
	FILE *series = tmpfile();

	assert_non_null(series);
	arbiter_config_defaults(&c);
	snprintf(text, sizeof(text), ini, restart_s, swap_mb);
	assert_int_equal(sim_scenario_load_string("s.ini", text, &sc, &f), 0);
	*mibs = sim_floor_lagged_series(&sc, &c, 30000, 100, lag_ms, series, 1000, kills);
	rewind(series);
	while (fgets(line, sizeof(line), series)) {
		double need, then, target, alloc, lack;
		char t[16], guest[16];

		assert_int_equal(sscanf(line, "%15[^,],%15[^,],%lf,%lf,%lf,%lf,%lf", t, guest,
					&need, &then, &target, &alloc, &lack), 7);
		for (int i = 0; i < 2; i++) {
			if (!strcmp(guest, "busy") && !strcmp(t, at[i])) {
				assert_true(fabs(need - alloc - lack) < 0.2 || (lack == 0 && alloc >= need));
				lack_at[i] = lack;
			}
		}
	}
	fclose(series);
	sim_scenario_free(&sc);
}

static void test_lagged_floor_oom(void **state)
{
	uint64_t kills = 99;
	double frees, keeps, lack[2] = { -1, -1 };

	for (int restart = 0; restart <= 10; restart += 10) {
		lag_series(restart, 0, 2000, &kills, restart ? &frees : &keeps, lack);
		assert_int_equal(kills, 1);
		assert_true(lack[0] > 100);
		assert_true(lack[1] == 0);
		lag_series(restart, 0, 0, &kills, &keeps, lack);
		assert_int_equal(kills, 0);
		lag_series(restart, 1024, 2000, &kills, &keeps, lack);
		assert_int_equal(kills, 0);
	}
	lag_series(0, 0, 2000, &kills, &keeps, lack);
	assert_true(fabs(frees - keeps) < 0.01);
}

/*
 * A guest the floor can never give its need (900 MiB of demand, H_i
 * 700 MiB, no swap): with the kill that frees, the workload is killed,
 * down for oom_restart_s, killed again when it is back: a kill every
 * 10 s of the 30 (at 0.1, 10.1 and 20.1 s), as the guest model counts
 * a crash loop; with oom_restart_s = 0 one episode, one kill.
 */
static void test_lagged_floor_crash_loop(void **state)
{
	static const char *const ini =
		"[host]\ntotal_mb = 4096\ndom0_mb = 512\nballoon_rate_mb_s = 1000000\n"
		"oom_restart_s = %d\n"
		"[guest busy]\nmemory_mb = 512\nstatic_max_mb = 700\noverhead_kb = 102400\n"
		"workload = const:900\n";
	struct sim_scenario sc;
	struct arbiter_config c;
	struct cfg_file f;
	char text[512];
	uint64_t kills;

	arbiter_config_defaults(&c);
	for (int restart = 0; restart <= 10; restart += 10) {
		snprintf(text, sizeof(text), ini, restart);
		assert_int_equal(sim_scenario_load_string("s.ini", text, &sc, &f), 0);
		sim_floor_lagged_series(&sc, &c, 30000, 100, 2000, NULL, 0, &kills);
		assert_int_equal(kills, restart ? 3 : 1);
		sim_scenario_free(&sc);
	}
}

static void test_gini(void **state)
{
	const double equal[] = { 0.2, 0.2, 0.2, 0.2 };
	const double one[] = { 0, 0, 0, 0.5 };
	const double two[] = { 1, 3 };
	const double none[] = { 0, 0, 0 };

	assert_true(sim_gini(equal, 4) == 0);
	/* One of n carries everything: (n - 1) / n. */
	assert_true(sim_gini(one, 4) > 0.7499 && sim_gini(one, 4) < 0.7501);
	/* |1 - 3| * 2 / (2 * 2 * 4) = 0.25 */
	assert_true(sim_gini(two, 2) > 0.2499 && sim_gini(two, 2) < 0.2501);
	assert_true(sim_gini(none, 3) < 0);
	assert_true(sim_gini(none, 0) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lagged_floor_oom),
		cmocka_unit_test(test_lagged_floor_crash_loop),
		cmocka_unit_test(test_instant),
		cmocka_unit_test(test_bounds_and_managed),
		cmocka_unit_test(test_scenario_floor),
		cmocka_unit_test(test_floor_unmanaged_like_arbiter),
		cmocka_unit_test(test_lagged_floor),
		cmocka_unit_test(test_lagged_floor_unseen),
		cmocka_unit_test(test_gini),
	};

	return cmocka_run_group_tests(tests, quiet_setup, quiet_teardown);
}
