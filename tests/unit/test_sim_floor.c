/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The clairvoyant floor (src/sim/floor.c) on cases worked by hand, the
 * arbiter's bounds and management rules as the floor reads them, the
 * floor of a whole scenario, and the Gini coefficient.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
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

/* A guest whose balloon never moves (`follows = no`) holds its 1024 MiB
 * under any allocator: 2048 - 512 - 72 = 1464 MiB leaves busy 440 of the
 * 700 + 100 it needs from 10 s: 360 MiB short at the instants 10.0 ..
 * 20.0 s (101 of 100 ms), in both floors (the lagged one with no lag and
 * instant balloons is the clairvoyant one; 2 s late it lacks more, never
 * less). With a balloon that follows, stuck gives all but its minimum
 * and nobody is short; the floors once took that memory from the stuck
 * guest too and measured a policy against 0 MiB*s. */
static void test_floor_stuck_balloon(void **state)
{
	static const char *const ini =
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nballoon_rate_mb_s = 1000000\n"
		"[guest busy]\nmemory_mb = 256\nstatic_max_mb = 1024\noverhead_kb = 102400\n"
		"workload = step:100,700,10\n"
		"[guest stuck]\nmemory_mb = 1024\nstatic_max_mb = 2048\noverhead_kb = 102400\n"
		"follows = %s\n";
	struct sim_scenario sc;
	struct arbiter_config c;
	struct cfg_file f;
	char buf[512];
	double fl, l0, l2;

	arbiter_config_defaults(&c);
	snprintf(buf, sizeof(buf), ini, "no");
	assert_int_equal(sim_scenario_load_string("s.ini", buf, &sc, &f), 0);
	fl = sim_floor_scenario(&sc, &c, 20000, 100);
	l0 = sim_floor_lagged(&sc, &c, 20000, 100, 0);
	l2 = sim_floor_lagged(&sc, &c, 20000, 100, 2000);
	print_message("stuck: clairvoyant %.1f, lagged 0 s %.1f, 2 s %.1f MiB*s\n", fl, l0, l2);
	assert_true(fabs(fl - 360.0 * 10.1) < 0.01);
	assert_true(fabs(l0 - fl) < 0.01);
	assert_true(l2 >= fl - 0.01);
	sim_scenario_free(&sc);

	snprintf(buf, sizeof(buf), ini, "yes");
	assert_int_equal(sim_scenario_load_string("s.ini", buf, &sc, &f), 0);
	assert_true(sim_floor_scenario(&sc, &c, 20000, 100) == 0);
	assert_true(sim_floor_lagged(&sc, &c, 20000, 100, 0) < 0.01);
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

/* One row of the lagged floor's series (sim_floor_lagged_series()). */
struct lag_row {
	double t, need, then, target, alloc, lack;
	char guest[16];
};

/*
 * The lagged floor (100 ms steps) over duration_ms of the scenario text,
 * lag_ms late: each row of its series at tick_ms to visit(row, arg) (no
 * series when visit is NULL); its MiB*s, its kills in *kills.
 */
static double lagged_rows(const char *text, uint64_t duration_ms, uint64_t lag_ms,
			  uint64_t tick_ms, void (*visit)(const struct lag_row *, void *),
			  void *arg, uint64_t *kills)
{
	struct sim_scenario sc;
	struct arbiter_config c;
	struct cfg_file f;
	FILE *series = visit ? tmpfile() : NULL;
	char line[256];
	double mibs;

	if (visit)
		assert_non_null(series);
	arbiter_config_defaults(&c);
	assert_int_equal(sim_scenario_load_string("s.ini", text, &sc, &f), 0);
	mibs = sim_floor_lagged_series(&sc, &c, duration_ms, 100, lag_ms, series,
				       visit ? tick_ms : 0, kills);
	if (visit) {
		rewind(series);
		while (fgets(line, sizeof(line), series)) {
			struct lag_row r;

			assert_int_equal(sscanf(line, "%lf,%15[^,],%lf,%lf,%lf,%lf,%lf", &r.t,
						r.guest, &r.need, &r.then, &r.target, &r.alloc,
						&r.lack), 7);
			visit(&r, arg);
		}
		fclose(series);
	}
	sim_scenario_free(&sc);
	return mibs;
}

/*
 * What the lagged floor's allocation would cost a swapless guest: the
 * guest model's OOM rule (sim_oom_step) counts a kill when what a guest
 * lacks exceeds its swap. busy (no swap) jumps from 100 to 900 MiB at
 * 10 s: 2 s late it lacks part of it for those 2 s, one kill; with 1 GiB
 * of swap, or with no lag, none. The series (one row per guest and tick)
 * shows the lack at 11 s and none at 13 s. With oom_restart_s = 0 the
 * kill frees nothing and is counted beside the floor; with 10 the floor
 * is kill-aware and the plain water-filling gives busy its lagged need,
 * so it is kept alive (no kill) and charged only its lack while the
 * allocation catches up: the same shortfall either way.
 */
struct lack_at {
	double at[2], lack[2];
};

static void busy_lack(const struct lag_row *r, void *arg)
{
	struct lack_at *l = arg;

	for (int i = 0; i < 2; i++) {
		if (!strcmp(r->guest, "busy") && fabs(r->t - l->at[i]) < 0.01) {
			assert_true(fabs(r->need - r->alloc - r->lack) < 0.2 ||
				    (r->lack == 0 && r->alloc >= r->need));
			l->lack[i] = r->lack;
		}
	}
}

static void lag_series(int restart_s, int swap_mb, uint64_t lag_ms, uint64_t *kills,
		       double *mibs, double lack_at[2])
{
	static const char *const ini =
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nballoon_rate_mb_s = 1000000\n"
		"oom_restart_s = %d\n"
		"[guest busy]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n"
		"workload = step:100,900,10\nswap_mb = %d\n"
		"[guest idle]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n";
	struct lack_at l = { .at = { 11.0, 13.0 }, .lack = { lack_at[0], lack_at[1] } };
	char text[1024];

	snprintf(text, sizeof(text), ini, restart_s, swap_mb);
	*mibs = lagged_rows(text, 30000, lag_ms, 1000, busy_lack, &l, kills);
	lack_at[0] = l.lack[0];
	lack_at[1] = l.lack[1];
}

static void test_lagged_floor_oom(void **state)
{
	uint64_t kills = 99;
	double frees, keeps, lack[2] = { -1, -1 };

	for (int restart = 0; restart <= 10; restart += 10) {
		lag_series(restart, 0, 2000, &kills, restart ? &frees : &keeps, lack);
		assert_int_equal(kills, restart ? 0 : 1);
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

/* The lagged floor (2 s lag, 100 ms steps) over 30 s of the scenario
 * text: its MiB*s, its kills in *kills. */
static double floor_30s(const char *text, uint64_t *kills)
{
	return lagged_rows(text, 30000, 2000, 0, NULL, NULL, kills);
}

/*
 * A guest the floor can never give its need (900 MiB of demand, H_i
 * 700 MiB, no swap): with the kill that frees, the workload is killed,
 * down for oom_restart_s, killed again when it is back: a kill every
 * 10 s of the 30 (first when the floor hears of it, 2 s late, then at
 * 12.1 and 22.1 s), as the guest model counts a crash loop, and its whole
 * demand is short while down, more than the lack of the allocation that
 * oom_restart_s = 0 charges (one episode, one kill).
 */
static void test_lagged_floor_crash_loop(void **state)
{
	static const char *const ini =
		"[host]\ntotal_mb = 4096\ndom0_mb = 512\nballoon_rate_mb_s = 1000000\n"
		"oom_restart_s = %d\n"
		"[guest busy]\nmemory_mb = 512\nstatic_max_mb = 700\noverhead_kb = 102400\n"
		"workload = const:900\n";
	char text[512];
	uint64_t kills;
	double mibs[2];

	for (int restart = 0; restart <= 10; restart += 10) {
		snprintf(text, sizeof(text), ini, restart);
		mibs[restart > 0] = floor_30s(text, &kills);
		assert_int_equal(kills, restart ? 3 : 1);
	}
	/* charged the demand while down: above the lack of H_i (200 MiB) */
	assert_true(mibs[1] > mibs[0] * 2);

	/* Back from a kill, a workload with a touch rate (50 MiB/s) needs
	 * only what it has re-touched: it lives until that passes H_i, so
	 * fewer kills; the part not re-touched is short all the same. */
	snprintf(text, sizeof(text), ini, 10);
	strncat(text, "touch_mb_s = 50\n", sizeof(text) - strlen(text) - 1);
	double touched = floor_30s(text, &kills);

	print_message("crash loop: %.0f, re-touching %.0f MiB*s, %" PRIu64 " kills\n",
		      mibs[1], touched, kills);
	assert_true(kills >= 1 && kills < 3);
	assert_true(touched > mibs[0] * 2);
}

/*
 * Keeping a swapless guest alive where the plain water-filling would kill
 * it: busy (no swap) and pager (1 GiB of swap) both climb to 900 MiB on a
 * host that holds ~1.4 GiB for them. The proportional split leaves busy
 * below its need (oom_restart_s = 0 counts its kill); the kill-aware floor
 * gives busy its need and pager pages, the same total lack with no kill.
 */
static void test_lagged_floor_keeps_swapless(void **state)
{
	static const char *const ini =
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nballoon_rate_mb_s = 1000000\n"
		"oom_restart_s = %d\n"
		"[guest busy]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n"
		"workload = step:100,900,10\n"
		"[guest pager]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n"
		"workload = step:100,900,10\nswap_mb = 1024\n";
	char text[1024];
	uint64_t kills[2];
	double mibs[2];

	for (int restart = 0; restart <= 10; restart += 10) {
		snprintf(text, sizeof(text), ini, restart);
		mibs[restart > 0] = floor_30s(text, &kills[restart > 0]);
	}
	print_message("keeps swapless: plain %.0f (%" PRIu64 " kills), kill-aware %.0f (%"
		      PRIu64 ")\n", mibs[0], kills[0], mibs[1], kills[1]);
	assert_true(kills[0] >= 1);
	assert_int_equal(kills[1], 0);
	assert_true(mibs[0] > 1000);
	assert_true(fabs(mibs[1] - mibs[0]) < mibs[0] * 0.02);
}

/* The kill-aware floor at one instant. */
#define KI(need, min, top, keep, dead) \
	{ .need_kb = (need) * MiB, .min_kb = (min) * MiB, .top_kb = (top) * MiB, \
	  .keep_kb = (keep) * MiB, .dead_kb = (dead) * MiB, .may_die = true }

/*
 * A guest due at start_s is created once what it is created with is free
 * (lag_create): memory is not counted twice. `a` (need 1500 + 100 MiB of
 * overhead, H_i 4096) holds the host's whole budget B (its need plus the
 * water-filling's leftover, spread into it) when `n` arrives at 10 s.
 * The memory a holds above its lagged need is taken back at once for n
 * (a policy that had kept it free would create n at once): n of 512
 * MiB, less than that leftover, is created at 10 s as before. n of 1024
 * MiB, more than the leftover, waits until a's balloon (100 MiB/s) has
 * also come down from its need to B - 1024: (1024 - (B - 1600)) / 100 s,
 * its whole need (100 MiB) short meanwhile. Before session 19 the floor
 * created it at 10 s with memory a still held, and n lacked nothing.
 */
struct arrival {
	double n_mb, created_s;
};

static void n_created(const struct lag_row *r, void *arg)
{
	struct arrival *a = arg;

	if (strcmp(r->guest, "n"))
		return;
	if (r->alloc == 0) {
		/* waiting: short its whole need */
		assert_true(fabs(r->lack - 100) < 0.2);
		assert_true(a->created_s < 0);
	} else if (a->created_s < 0) {
		/* created with n_mb; once heard of, its balloon may
		 * already have moved one step (10 MiB) toward its need */
		a->created_s = r->t;
		assert_true(r->alloc <= a->n_mb + 0.1 && r->alloc >= a->n_mb - 10.1);
	}
}

static void arrival(uint64_t n_mb, double *mibs, double *created_s)
{
	static const char *const ini =
		"[host]\ntotal_mb = 3072\ndom0_mb = 512\nballoon_rate_mb_s = 100\n"
		"[guest a]\nmemory_mb = 1800\nstatic_max_mb = 4096\noverhead_kb = 102400\n"
		"workload = const:1500\n"
		"[guest n]\nmemory_mb = %llu\nstatic_max_mb = 2048\noverhead_kb = 102400\n"
		"start_s = 10\nworkload = const:100\n";
	struct arrival a = { .n_mb = (double)n_mb, .created_s = -1 };
	char text[1024];
	uint64_t kills;

	snprintf(text, sizeof(text), ini, (unsigned long long)n_mb);
	*mibs = lagged_rows(text, 30000, 2000, 100, n_created, &a, &kills);
	*created_s = a.created_s;
}

static void test_lagged_floor_arrival(void **state)
{
	struct arbiter_config c;
	double small, small_at, big, big_at, budget, wait;

	(void)state;
	arbiter_config_defaults(&c);
	budget = 3072 - 512 - (double)c.policy.params.reserve_kb / 1024;
	arrival(512, &small, &small_at);
	arrival(1024, &big, &big_at);
	wait = (1024 - (budget - 1600)) / 100;
	print_message("B %.0f MiB: 512 MiB created at %.1f s, 1024 MiB at %.1f s "
		      "(wait %.1f s); floor %.0f / %.0f MiB*s\n",
		      budget, small_at, big_at, wait, small, big);
	assert_true(budget - 1600 > 512 && budget - 1600 < 1024);
	assert_true(fabs(small_at - 10.0) < 0.01);
	assert_true(big_at > 10.0 + wait - 0.25 && big_at < 10.0 + wait + 0.25);
	/* the wait is charged: n's whole need for it */
	assert_true(big - small > 100 * (wait - 0.3));
}

/*
 * A guest whose agent is quiet (agent_quiet_s) tells the policy nothing
 * new, so the lagged floor does not hear of it either (heard()): q's
 * load jumps 100 -> 700 MiB at 12 s inside its agent's silence (10-20 s);
 * the floor's lagged need stays the one of 10 s (200 MiB with the
 * overhead) until 2 s after the agent speaks again, 22 s, where without
 * the silence it had the jump at 14 s. b's agent is quiet from its boot
 * to 8 s: the floor has not heard of it until 10 s and leaves it what
 * it was created with. Before session 19 the floor read both all along.
 */
struct quiet {
	double *then_at, *b_target;
};

static void q_then_b_target(const struct lag_row *r, void *arg)
{
	static const double at[4] = { 13.0, 15.0, 21.9, 22.5 };
	struct quiet *q = arg;

	for (int i = 0; i < 4; i++)
		if (!strcmp(r->guest, "q") && fabs(r->t - at[i]) < 0.01)
			q->then_at[i] = r->then;
	if (!strcmp(r->guest, "b") && fabs(r->t - 5.0) < 0.01)
		q->b_target[0] = r->target;
	if (!strcmp(r->guest, "b") && fabs(r->t - 10.5) < 0.01)
		q->b_target[1] = r->target;
}

static double quiet_series(bool quiet, double then_at[4], double b_target[2])
{
	static const char *const ini =
		"[host]\ntotal_mb = 2560\ndom0_mb = 512\nballoon_rate_mb_s = 1000000\n"
		"[guest q]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n"
		"swap_mb = 1024\nworkload = step:100,700,12\n%s\n"
		"[guest b]\nmemory_mb = 300\nstatic_max_mb = 1024\noverhead_kb = 102400\n"
		"workload = const:400\n%s\n";
	struct quiet q = { then_at, b_target };
	char text[1024];
	uint64_t kills;

	snprintf(text, sizeof(text), ini, quiet ? "agent_quiet_s = 10,20" : "",
		 quiet ? "agent_quiet_s = 0,8" : "");
	return lagged_rows(text, 30000, 2000, 100, q_then_b_target, &q, &kills);
}

static void test_lagged_floor_quiet_agent(void **state)
{
	double q[4], open[4], bq[2], bo[2], fq, fo;

	(void)state;
	fq = quiet_series(true, q, bq);
	fo = quiet_series(false, open, bo);
	print_message("lagged need of q at 13/15/21.9/22.5 s: quiet %.0f %.0f %.0f %.0f, "
		      "heard %.0f %.0f %.0f %.0f; b's target at 5 s %.0f / %.0f; "
		      "floor %.0f / %.0f MiB*s\n", q[0], q[1], q[2], q[3],
		      open[0], open[1], open[2], open[3], bq[0], bo[0], fq, fo);
	assert_true(fabs(q[0] - 200) < 0.5 && fabs(q[1] - 200) < 0.5 && fabs(q[2] - 200) < 0.5);
	assert_true(fabs(q[3] - 800) < 0.5);
	assert_true(fabs(open[0] - 200) < 0.5 && fabs(open[1] - 800) < 0.5);
	/* b unheard of: what it was created with; heard: its need (500) */
	assert_true(fabs(bq[0] - 300) < 0.5);
	assert_true(bo[0] > 499);
	assert_true(bq[1] > 499);
	assert_true(fq > fo + 100);
}

/*
 * A paused guest (paused_s): no agent and no balloon driver run, and the
 * arbiter leaves the domain alone, so the lagged floor cannot move it
 * either (paused_at()): p, idle at 200 MiB in a 1024 MiB domain, is
 * paused 10-30 s while w's load jumps 100 -> 1500 MiB at 12 s. Unpaused,
 * the floor cuts p for w from 14 s on; paused, p holds what it held at
 * 10 s until 30 s, w is short meanwhile, and p is cut once it runs.
 */
static void p_alloc_at(const struct lag_row *r, void *arg)
{
	static const double at[4] = { 9.9, 15.0, 29.9, 33.0 };
	double *p_alloc = arg;

	for (int i = 0; i < 4; i++)
		if (!strcmp(r->guest, "p") && fabs(r->t - at[i]) < 0.01)
			p_alloc[i] = r->alloc;
}

static double paused_series(bool paused, double p_alloc[4])
{
	static const char *const ini =
		"[host]\ntotal_mb = 2560\ndom0_mb = 512\nballoon_rate_mb_s = 1000000\n"
		"[guest p]\nmemory_mb = 1024\nstatic_max_mb = 2048\noverhead_kb = 102400\n"
		"workload = const:200\n%s\n"
		"[guest w]\nmemory_mb = 512\nstatic_max_mb = 2048\noverhead_kb = 102400\n"
		"swap_mb = 2048\nworkload = step:100,1500,12\n";
	char text[1024];
	uint64_t kills;

	snprintf(text, sizeof(text), ini, paused ? "paused_s = 10,30" : "");
	for (int i = 0; i < 4; i++)
		p_alloc[i] = -1;
	return lagged_rows(text, 40000, 2000, 100, p_alloc_at, p_alloc, &kills);
}

static void test_lagged_floor_paused(void **state)
{
	double pp[4], run[4], fp, fr;

	(void)state;
	fp = paused_series(true, pp);
	fr = paused_series(false, run);
	print_message("p's allocation at 9.9/15/29.9/33 s: paused %.0f %.0f %.0f %.0f, "
		      "running %.0f %.0f %.0f %.0f; floor %.0f / %.0f MiB*s\n",
		      pp[0], pp[1], pp[2], pp[3], run[0], run[1], run[2], run[3], fp, fr);
	/* running: cut for w's jump (its need is 300 MiB) */
	assert_true(run[1] < run[0] - 100);
	assert_true(run[1] < 400);
	/* paused: what it held at the pause, to the end of it; then cut */
	assert_true(pp[0] > 400);
	assert_true(fabs(pp[1] - pp[0]) < 0.5 && fabs(pp[2] - pp[0]) < 0.5);
	assert_true(pp[3] < 400);
	assert_true(fp > fr + 1000);
}

static void test_kill_instant(void **state)
{
	/* Keeping the swapless guest alive is cheaper: a (no swap) needs
	 * 400 to live, b has 300 of swap (lives at its minimum). 400 spare:
	 * a gets its 400, b 100 of its 300: 200 short, as the plain floor,
	 * while the proportional split (200 each) kills a: 300 + 100. */
	struct floor_kill_item k[] = { KI(400, 100, 400, 400, 300), KI(400, 100, 400, 100, 300) };
	struct floor_item p[] = { { 400 * MiB, 100 * MiB, 400 * MiB },
				  { 400 * MiB, 100 * MiB, 400 * MiB } };
	bool kept[3] = { false, true };

	assert_int_equal(sim_floor_kill_instant(k, 2, 600 * MiB, kept), 200 * MiB);
	assert_true(kept[0] && kept[1]);
	assert_int_equal(sim_floor_instant(p, 2, 600 * MiB), 200 * MiB);

	/* Starving it is cheaper: a needs 800 above its minimum to live,
	 * only 400 is spare. Given any of it, it dies all the same; at its
	 * minimum (800 short while down) b has all it needs: 800, where the
	 * plain floor says 700 (it charges a no kill) and the proportional
	 * split (a 291, b 109) 800 + 191. */
	struct floor_kill_item s2[] = { KI(900, 100, 900, 900, 800), KI(400, 100, 400, 100, 300) };

	kept[0] = kept[1] = true;
	assert_int_equal(sim_floor_kill_instant(s2, 2, 600 * MiB, kept), 800 * MiB);
	assert_false(kept[0]);
	assert_true(kept[1]);

	/* Two swapless guests, room for one: the one whose death costs more
	 * lives (a: 300 to keep, 300 short dead; c: 250, 250). */
	struct floor_kill_item two[] = { KI(400, 100, 400, 400, 300), KI(350, 100, 350, 350, 250) };

	kept[0] = kept[1] = false;
	assert_int_equal(sim_floor_kill_instant(two, 2, 500 * MiB, kept), 250 * MiB);
	assert_true(kept[0]);
	assert_false(kept[1]);

	/* A guest already down stays dead; one that may not die (the kill
	 * frees nothing) is kept at any allocation. */
	two[0].down = true;
	two[1].may_die = false;
	kept[0] = kept[1] = true;
	assert_int_equal(sim_floor_kill_instant(two, 2, 500 * MiB, kept), 300 * MiB);
	assert_false(kept[0]);
	assert_true(kept[1]);
}

/* The charged shortfall of the proportional split (lag_fill without the
 * spread of what is left): a guest below its keep dies. */
static uint64_t naive_charged(const struct floor_kill_item *it, size_t n, uint64_t budget,
			      bool *alive)
{
	uint64_t base = 0, can_give = 0, spare, total = 0;

	for (size_t i = 0; i < n; i++) {
		base += it[i].min_kb;
		can_give += it[i].top_kb - it[i].min_kb;
	}
	spare = budget > base ? budget - base : 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t want = it[i].top_kb - it[i].min_kb;
		uint64_t a = it[i].min_kb + (spare >= can_give ? want
			: (uint64_t)((double)want * (double)spare / (double)can_give));

		alive[i] = !(it[i].may_die && a < it[i].keep_kb);
		total += alive[i] ? (it[i].need_kb > a ? it[i].need_kb - a : 0) : it[i].dead_kb;
	}
	return total;
}

/* Random instants, exact (<= SIM_FLOOR_KILL_EXACT guests that may die)
 * and greedy: never below the plain floor of the same needs (it charges
 * nobody for a kill), never above the charged proportional split (its
 * survivors are one of the sets tried). */
static void test_kill_instant_bounds(void **state)
{
	srand(15);
	for (int round = 0; round < 3000; round++) {
		struct floor_kill_item it[14];
		struct floor_item p[14];
		bool kept[14];
		size_t n = 1 + (size_t)rand() % 14;
		uint64_t budget = 0, uncharged, charged, best;

		for (size_t i = 0; i < n; i++) {
			uint64_t min = (64 + (uint64_t)rand() % 200) * MiB;
			uint64_t need = (uint64_t)rand() % (1200 * MiB);
			uint64_t max = min + (uint64_t)rand() % (1000 * MiB);
			uint64_t top = need < max ? need : max;
			uint64_t swap = rand() % 2 ? (uint64_t)rand() % (600 * MiB) : 0;

			if (top < min)
				top = min;
			it[i] = (struct floor_kill_item){
				.need_kb = need, .min_kb = min, .top_kb = top,
				.keep_kb = need > swap ? need - swap : 0,
				.dead_kb = (need > min ? need - min : 0) + (uint64_t)rand() % (50 * MiB),
				.may_die = rand() % 4 != 0,
			};
			p[i] = (struct floor_item){ need, min, max };
			budget += min + (uint64_t)rand() % (700 * MiB);
		}
		uncharged = sim_floor_instant(p, n, (int64_t)budget);
		charged = naive_charged(it, n, budget, kept);
		best = sim_floor_kill_instant(it, n, (int64_t)budget, kept);
		assert_true(uncharged <= best);
		assert_true(best <= charged);
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

/* reserve_at as the floors read it: in force from AT until released
 * (AT + HOLD_S) or, never renewed, until its lease ends; LEASE_S 0 and
 * no HOLD_S: to the end. Two at once add up. */
static void test_resv_in_force(void **state)
{
	struct sim_scenario sc;
	struct cfg_file f;

	(void)state;
	assert_int_equal(sim_scenario_load_string("s.ini",
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\n"
		"reserve_at = 30:300:10, 60:400:10:30, 60:1:0\n"
		"[guest a]\nmemory_mb = 256\n", &sc, &f), 0);
	assert_int_equal(sim_resv_in_force_kb(sc.resv_ev, sc.n_resv_ev, 29999), 0);
	assert_int_equal(sim_resv_in_force_kb(sc.resv_ev, sc.n_resv_ev, 30000), 300 * MiB);
	assert_int_equal(sim_resv_in_force_kb(sc.resv_ev, sc.n_resv_ev, 39999), 300 * MiB);
	assert_int_equal(sim_resv_in_force_kb(sc.resv_ev, sc.n_resv_ev, 40000), 0);
	/* renewed past its 10 s lease, released at 90 s; the third to the end */
	assert_int_equal(sim_resv_in_force_kb(sc.resv_ev, sc.n_resv_ev, 75000), 401 * MiB);
	assert_int_equal(sim_resv_in_force_kb(sc.resv_ev, sc.n_resv_ev, 90000), 1 * MiB);
	assert_int_equal(sim_resv_in_force_kb(sc.resv_ev, sc.n_resv_ev, UINT64_MAX - 1), 1 * MiB);
	assert_int_equal(sim_resv_in_force_kb(sc.resv_ev, 0, 75000), 0);
	sim_scenario_free(&sc);
}

/*
 * The floors with another tool's reservation in force (reserve_at): it is
 * served only out of what the guests hold above their needs and slacks,
 * never out of those (README, "Starting a new VM on a full host"; the
 * arbiter's rule, design.md §The estimate's slack, "A reservation never
 * takes a need"). test_lagged_floor's host (1064 MiB for busy and idle
 * until 30 s), 700 MiB reserved from 1 s to the end:
 *  - the clairvoyant floor, which gives every guest its need first, is
 *    the same: the reservation takes only memory nobody needs;
 *  - so is the lagged floor without lag (the reservation waits);
 *  - 2 s late, before the jump the water-filling leaves 716 MiB over
 *    (808 spare, 92 to the needs); busy held 716 * 824/1700 = 347 of it
 *    beyond its 200 without the reservation, and now the reservation
 *    keeps all but the slacks (5 % of 200 and of 148: 17.4 MiB), so busy
 *    has 8.4 MiB of it: it lacks 792 instead of 453 MiB for the 2 s of
 *    the lag, 678 MiB*s more;
 *  - a reservation whose lease ended before the jump (never renewed,
 *    1 + 5 s) costs nothing.
 */
static void test_floor_reservation(void **state)
{
#define RESV_TEXT(resv) "[host]\ntotal_mb = 2048\ndom0_mb = 512\n" \
	"balloon_rate_mb_s = 1000000\n" resv \
	"[guest busy]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n" \
	"workload = step:100,900,10\n" \
	"[guest idle]\nmemory_mb = 512\nstatic_max_mb = 1024\noverhead_kb = 102400\n" \
	"[guest other]\nmemory_mb = 400\nagent = no\nstop_s = 30\n"
	struct sim_scenario sc, rs, lapsed;
	struct arbiter_config c;
	struct cfg_file f;
	double fl, fl_r, l0_r, l2, l2_r, l2_lapsed;

	(void)state;
	assert_int_equal(sim_scenario_load_string("s.ini", RESV_TEXT(""), &sc, &f), 0);
	assert_int_equal(sim_scenario_load_string("r.ini",
		RESV_TEXT("reserve_at = 1:700:0\n"), &rs, &f), 0);
	assert_int_equal(sim_scenario_load_string("l.ini",
		RESV_TEXT("reserve_at = 1:700:5\n"), &lapsed, &f), 0);
#undef RESV_TEXT
	arbiter_config_defaults(&c);
	assert_int_equal(c.policy.params.need_slack_pct, 5);
	fl = sim_floor_scenario(&sc, &c, 60000, 100);
	fl_r = sim_floor_scenario(&rs, &c, 60000, 100);
	l0_r = sim_floor_lagged(&rs, &c, 60000, 100, 0);
	l2 = sim_floor_lagged(&sc, &c, 60000, 100, 2000);
	l2_r = sim_floor_lagged(&rs, &c, 60000, 100, 2000);
	l2_lapsed = sim_floor_lagged(&lapsed, &c, 60000, 100, 2000);
	print_message("clairvoyant %.0f (reserved %.0f); lagged 2 s %.0f, reserved %.0f "
		      "(0 s %.0f), lapsed %.0f MiB*s\n", fl, fl_r, l2, l2_r, l0_r, l2_lapsed);
	assert_true(fl_r == fl);
	assert_true(fabs(l0_r - fl) <= 0.01 * fl + 1);
	assert_true(fabs(l2_r - l2 - 678) <= 10);
	assert_true(l2_lapsed == l2);
	sim_scenario_free(&sc);
	sim_scenario_free(&rs);
	sim_scenario_free(&lapsed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lagged_floor_oom),
		cmocka_unit_test(test_lagged_floor_crash_loop),
		cmocka_unit_test(test_kill_instant),
		cmocka_unit_test(test_lagged_floor_keeps_swapless),
		cmocka_unit_test(test_kill_instant_bounds),
		cmocka_unit_test(test_instant),
		cmocka_unit_test(test_bounds_and_managed),
		cmocka_unit_test(test_scenario_floor),
		cmocka_unit_test(test_floor_unmanaged_like_arbiter),
		cmocka_unit_test(test_floor_stuck_balloon),
		cmocka_unit_test(test_lagged_floor),
		cmocka_unit_test(test_lagged_floor_unseen),
		cmocka_unit_test(test_lagged_floor_arrival),
		cmocka_unit_test(test_lagged_floor_quiet_agent),
		cmocka_unit_test(test_resv_in_force),
		cmocka_unit_test(test_floor_reservation),
		cmocka_unit_test(test_lagged_floor_paused),
		cmocka_unit_test(test_gini),
	};

	return cmocka_run_group_tests(tests, quiet_setup, quiet_teardown);
}
