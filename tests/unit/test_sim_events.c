// SPDX-License-Identifier: GPL-2.0-only
/*
 * Timed events of the scenario format (src/simhost/scenario_events.c):
 * a guest's maximum changed while it runs (static_max_at, what a tool
 * lowering a guest's maximum writes: memory/static-max and Xen's maxmem)
 * and another tool's reservations (reserve_at: `membalctl reserve
 * --lease`, renewed and released, or left to lapse). The values are
 * parsed strictly (every bad one refused with its file:line), then run
 * through membal-sim's closed loop (the real arbiter and policy):
 *  - no target above the new maximum once the arbiter has seen it (one
 *    cycle), and the guest brought down to it, also when the cut is below
 *    the domain's min (then it is not managed, but our target must not
 *    stay above the maximum); a raise lets it grow again; the same with
 *    Xen's maxmem alone (maxmem_at: an administrator's cap, one cycle
 *    later);
 *  - a reservation is kept free while it lasts, and its memory goes back
 *    to the guests once its lease lapses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/policy.h"
#include "simhost/scenario.h"
#include "common/config.h"
#include "scenario_bad.h"
#include "common/log.h"
#include "sim/sim.h"
#include "loop_env.h"

#define MiB 1024ull
#define HOST "[host]\ntotal_mb = 2048\ndom0_mb = 512\n"   /* lines 1-3 */

static void test_parse_good(void **state)
{
	static const char text[] =
		HOST "reserve_at = 30:300:10 , 60:400:10:30,60:1:0\n"
		"[guest a]\nmemory_mb = 256\nstatic_max_mb = 512\nstop_s = 100\n"
		"static_max_at = 20:128, 50:1024\n"
		"[guest b]\nmemory_mb = 256\nmaxmem_at = 10:200, 20:220, 50:256\n";
	struct sim_scenario s;
	struct cfg_file f;

	(void)state;
	assert_int_equal(sim_scenario_load_string("good.ini", text, &s, &f), 0);
	assert_int_equal(f.errors, 0);
	assert_int_equal(s.n_resv_ev, 3);
	assert_int_equal(s.resv_ev[0].at_ms, 30000);
	assert_int_equal(s.resv_ev[0].kb, 300 * MiB);
	assert_int_equal(s.resv_ev[0].lease_ms, 10000);
	assert_int_equal(s.resv_ev[0].hold_ms, 0);      /* never renewed */
	assert_int_equal(s.resv_ev[1].hold_ms, 30000);
	assert_int_equal(s.resv_ev[2].lease_ms, 0);     /* to the end */
	assert_int_equal(s.guests[0].n_max_ev, 2);
	assert_int_equal(s.guests[0].max_ev[0].at_ms, 20000);
	assert_int_equal(s.guests[0].max_ev[0].max_kb, 128 * MiB);
	assert_int_equal(s.guests[0].max_ev[1].max_kb, 1024 * MiB);
	assert_int_equal(s.guests[0].static_max_kb, 512 * MiB);   /* at boot */
	assert_int_equal(s.guests[1].n_max_ev, 0);
	assert_int_equal(s.guests[0].n_mm_ev, 0);
	assert_int_equal(s.guests[1].n_mm_ev, 3);
	assert_int_equal(s.guests[1].mm_ev[0].at_ms, 10000);
	assert_int_equal(s.guests[1].mm_ev[0].max_kb, 200 * MiB);
	/* An administrator's maxmem in force: maxmem - 1 MiB is MB; at or
	 * above static-max none. */
	assert_int_equal(sim_guest_maxmem_cap_kb(&s.guests[1], 9999), UINT64_MAX);
	assert_int_equal(sim_guest_maxmem_cap_kb(&s.guests[1], 10000), 200 * MiB);
	assert_int_equal(sim_guest_maxmem_cap_kb(&s.guests[1], 30000), 220 * MiB);
	assert_int_equal(sim_guest_maxmem_cap_kb(&s.guests[1], 60000), UINT64_MAX);
	/* What is in force when: the floors bound the guest by it. */
	assert_int_equal(sim_guest_static_max_kb(&s.guests[0], 19999), 512 * MiB);
	assert_int_equal(sim_guest_static_max_kb(&s.guests[0], 20000), 128 * MiB);
	assert_int_equal(sim_guest_static_max_kb(&s.guests[0], 99000), 1024 * MiB);
	assert_int_equal(sim_guest_static_max_kb(&s.guests[1], 50000), 256 * MiB);
	{
		struct arbiter_config c;
		struct manage_verdict v;

		arbiter_config_defaults(&c);
		assert_true(sim_guest_rule_at(&c, &s.guests[0], 30000, &v));
		assert_int_equal(v.max_kb, 128 * MiB);
		assert_true(sim_guest_rule_at(&c, &s.guests[0], 60000, &v));
		assert_int_equal(v.max_kb, 1024 * MiB);
		assert_true(sim_guest_rule_at(&c, &s.guests[1], 30000, &v));
		assert_int_equal(v.max_kb, 220 * MiB);
	}
	sim_scenario_free(&s);
}

#define GUEST "[guest a]\nmemory_mb = 256\n"              /* lines 4-5 */

static const struct bad_case bad_cases[] = {
	{ HOST GUEST "static_max_at = 20\n", 6, "static_max_at" },
	{ HOST GUEST "static_max_at = 20:0\n", 6, "expected 1.." },
	{ HOST GUEST "static_max_at = 20:-5\n", 6, "static_max_at" },
	{ HOST GUEST "static_max_at = 20:256MB\n", 6, "static_max_at" },
	{ HOST GUEST "static_max_at = 20:256:1\n", 6, "more than 2 fields" },
	{ HOST GUEST "static_max_at = 20:256,\n", 6, "static_max_at" },
	{ HOST GUEST "static_max_at = 20:256,,30:256\n", 6, "static_max_at" },
	{ HOST GUEST "static_max_at = 30:256,20:300\n", 6, "not after" },
	{ HOST GUEST "static_max_at = 20:256,20:300\n", 6, "not after" },
	{ HOST GUEST "static_max_at = 2 0:256\n", 6, "static_max_at" },
	{ HOST GUEST "static_max_at = 99999999999999999999999:1\n", 6, "static_max_at" },
	{ HOST GUEST "static_max_at = 1:1,2:1,3:1,4:1,5:1,6:1,7:1,8:1,9:1,10:1,"
	  "11:1,12:1,13:1,14:1,15:1,16:1,17:1\n", 6, "more than 16 events" },
	{ HOST GUEST "static_max_at = 20:256\nstatic_max_at = 30:256\n", 7, "given twice" },
	/* xl mem-max needs a running domain; checked with the whole section,
	 * the error is on its first key's line */
	{ HOST GUEST "start_s = 20\nstatic_max_at = 20:300\n", 5, "while the guest runs" },
	{ HOST GUEST "static_max_at = 0:300\n", 5, "while the guest runs" },
	{ HOST GUEST "stop_s = 50\nstatic_max_at = 50:300\n", 5, "while the guest runs" },
	/* maxmem_at: the same grammar, its own list and key */
	{ HOST GUEST "maxmem_at = 20\n", 6, "maxmem_at" },
	{ HOST GUEST "maxmem_at = 20:0\n", 6, "expected 1.." },
	{ HOST GUEST "maxmem_at = 20:300m\n", 6, "maxmem_at" },
	{ HOST GUEST "maxmem_at = 20:256:1\n", 6, "more than 2 fields" },
	{ HOST GUEST "maxmem_at = 30:256,20:300\n", 6, "not after" },
	{ HOST GUEST "maxmem_at = 20:256,\n", 6, "maxmem_at" },
	{ HOST GUEST "maxmem_at = -20:256\n", 6, "maxmem_at" },
	{ HOST GUEST "maxmem_at = 20:256\nmaxmem_at = 30:256\n", 7, "given twice" },
	{ HOST GUEST "static_max_at = 20:300\nstop_s = 50\nmaxmem_at = 50:300\n", 5,
	  "maxmem_at" },
	{ HOST GUEST "maxmem_at = 0:300\n", 5, "while the guest runs" },
	{ HOST "reserve_at = 10:100\n", 4, "2 field(s) in an event, expected 3 or more" },
	{ HOST "reserve_at = 10:0:5\n", 4, "reserve_at" },
	{ HOST "reserve_at = 10:100:5:0\n", 4, "reserve_at" },
	{ HOST "reserve_at = 10:100:5:6:7\n", 4, "more than 4 fields" },
	{ HOST "reserve_at = 20:1:1, 10:1:1\n", 4, "before the one before" },
	{ HOST "reserve_at = \n", 4, "reserve_at" },
	{ HOST "reserve_at = x:1:1\n", 4, "reserve_at" },
};

/* Every bad value is refused, and the first error names the file and the
 * line that holds it; nothing is half loaded. */
static void test_parse_bad(void **state)
{
	(void)state;
	check_bad_scenarios(bad_cases, sizeof(bad_cases) / sizeof(bad_cases[0]));
}

/* Each bad line is counted, not only the first. */
static void test_parse_counts(void **state)
{
	static const char text[] =
		HOST "reserve_at = 1:2\n" GUEST "static_max_at = 5\n"
		"[guest b]\nmemory_mb = 256\nstatic_max_at = 9:9:9\n";
	struct sim_scenario s;
	struct cfg_file f;

	(void)state;
	assert_int_equal(sim_scenario_load_string("three.ini", text, &s, &f), -1);
	assert_int_equal(f.errors, 3);
}

#define DURATION_MS 120000

static void run(const char *text, struct sim_run *r)
{
	struct sim_scenario sc;
	struct sim_policy p = { .literal = false };
	struct sim_run_options o = { .duration_ms = DURATION_MS, .tick_ms = 1000,
				     .log_level = LOG_WARNING };
	struct cfg_file f;

	if (sim_scenario_load_string("events.ini", text, &sc, &f) != 0)
		fail_msg("scenario: %s", f.first_error);
	arbiter_config_defaults(&p.cfg);
	policy_preset_apply(&p.cfg.policy.params, POLICY_PRESET_MEMBAL);
	snprintf(p.label, sizeof(p.label), "membal");
	assert_int_equal(sim_run_policy(&sc, &p, &o, r), 0);
	sim_scenario_free(&sc);
}

/* tick k is the state at (k + 1) s */
static float at(const struct sim_run *r, unsigned s, size_t guest, int field)
{
	return sim_run_at(r, s - 1, guest)[field];
}

/* a (const 500 MiB, swap) is cut to CUT MiB at 40 s and raised again at
 * 80 s while b climbs, by EVENT: static_max_at (900 MiB), or maxmem_at
 * (Xen's maxmem alone, xl mem-max of Xen 4.16: a maxmem membal did not
 * set is an administrator's cap, maxcap.h; lifted at its static-max,
 * 1024 MiB). From the cycle after the cut on no target above it (for
 * maxmem_at the first listing only stops increases, the second cuts the
 * target to the cap - 1 MiB), also below the domain's min (then it is
 * not managed, but our target must not stay above what it may hold), and
 * the balloon brings the guest down within seconds; b has what a gave
 * back; raised, a grows back to its need. */
static void cut(const char *event, unsigned cut_mb)
{
	char text[1024];
	struct sim_run r;
	bool maxmem = !strcmp(event, "maxmem_at");

	snprintf(text, sizeof(text),
		 "[host]\ntotal_mb = 1536\ndom0_mb = 256\n"
		 "[guest a]\nmemory_mb = 512\nstatic_max_mb = 1024\nswap_mb = 256\n"
		 "workload = const:500\n%s = 40:%u, 80:%u\n"
		 "[guest b]\nmemory_mb = 512\nstatic_max_mb = 1024\nswap_mb = 256\n"
		 "workload = mono:200,600,120\n", event, cut_mb, maxmem ? 1024 : 900);
	run(text, &r);
	/* Before the cut a holds more than the cut. */
	assert_true(at(&r, 38, 0, SF_TARGET) > cut_mb + 100);
	for (unsigned s = 41; s < 80; s++) {
		if (at(&r, s, 0, SF_TARGET) > cut_mb)
			fail_msg("%s cut to %u MiB: target %.1f MiB at %u s", event,
				 cut_mb, at(&r, s, 0, SF_TARGET), s);
		if (s >= 45 && at(&r, s, 0, SF_ACTUAL) > cut_mb + 1)
			fail_msg("%s cut to %u MiB: holds %.1f MiB at %u s", event,
				 cut_mb, at(&r, s, 0, SF_ACTUAL), s);
	}
	assert_true(at(&r, 60, 1, SF_TARGET) > at(&r, 39, 1, SF_TARGET));
	assert_true(at(&r, 90, 0, SF_TARGET) > 600);
	assert_true(at(&r, 90, 0, SF_ACTUAL) > 600);
	sim_run_free(&r);
}

static void test_max_cut(void **state)
{
	(void)state;
	cut("static_max_at", 400);
}

/* Below the default min (128 MiB): the domain is not managed any more,
 * but the target the arbiter wrote must not stay above its maximum. */
static void test_max_cut_below_min(void **state)
{
	(void)state;
	cut("static_max_at", 100);
}

static void test_maxmem_cut(void **state)
{
	(void)state;
	cut("maxmem_at", 400);
}

static void test_maxmem_cut_below_min(void **state)
{
	(void)state;
	cut("maxmem_at", 100);
}

/* a is steady, b climbs 200-560 MiB and back over 120 s. */
#define RESV_GUESTS \
	"[guest a]\nmemory_mb = 640\nstatic_max_mb = 1024\nswap_mb = 256\n" \
	"workload = const:300\n" \
	"[guest b]\nmemory_mb = 640\nstatic_max_mb = 1024\nswap_mb = 256\n" \
	"workload = mono:200,560,120\n"

static void test_reservations(void **state)
{
	/* 300 MiB at 30 s, never renewed (10 s lease); 300 MiB at 60 s,
	 * renewed past its 10 s lease and released at 90 s. */
	static const char with[] = "[host]\ntotal_mb = 1536\ndom0_mb = 256\n"
		"reserve_at = 30:300:10, 60:300:10:30\n" RESV_GUESTS;
	static const char without[] = "[host]\ntotal_mb = 1536\ndom0_mb = 256\n"
		RESV_GUESTS;
	struct sim_run r, base;

	(void)state;
	run(with, &r);
	run(without, &base);
	/* Kept: the host has the reservation free while it lasts, which it
	 * would not have without it. */
	for (unsigned s = 34; s <= 40; s++) {
		assert_true(r.host_free[s - 1] >= 300);
		assert_true(base.host_free[s - 1] < 300);
	}
	/* Renewed past its lease: still kept 20 s after it. */
	for (unsigned s = 70; s <= 90; s++)
		assert_true(r.host_free[s - 1] >= 300);
	assert_true(base.host_free[69] < 300);
	/* Lapsed at 40 s: b grows into the memory within seconds. */
	assert_true(r.host_free[47] < 300);
	/* No guest paid for it in kills. */
	assert_int_equal(r.g[0].oom_kills + r.g[1].oom_kills, 0);
	sim_run_free(&r);
	sim_run_free(&base);
}

/* A guest whose balloon does not move (follows = no) keeps what it had
 * above its cut maximum: its agent's reports stay true (MemTotal above
 * the new static-max) and must not be refused as out of range, while the
 * arbiter's target goes to the new maximum at once. */
static void test_max_cut_reports(void **state)
{
	struct env *e = loop_start("membal-maxcut",
		"[host]\ntotal_mb = 1536\ndom0_mb = 256\n"
		"[guest a]\nmemory_mb = 640\nstatic_max_mb = 1024\nfollows = no\n"
		"workload = const:300\nstatic_max_at = 12:400\n",
		SIM_AGENTS_INPROCESS, NULL);
	struct dom *d;

	(void)state;
	for (unsigned i = 0; i < 20; i++)   /* 20 s at interval_ms 1000 */
		loop_cycle(e);
	d = e->a.by_domid[1];
	assert_non_null(d);
	assert_int_equal(d->static_max_kb, 400 * MiB);
	assert_true(d->max_kb <= 400 * MiB);
	assert_true(d->target_kb <= 400 * MiB);
	assert_true(d->actual_kb > 500 * MiB);          /* it did not follow */
	assert_non_null(strstr(logged(e), "static-max 1048576 -> 409600 KiB"));
	if (strstr(logged(e), "report refused"))
		fail_msg("a true report refused after the cut:\n%s", logged(e));
	stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_counts),
		cmocka_unit_test(test_max_cut),
		cmocka_unit_test(test_max_cut_below_min),
		cmocka_unit_test(test_maxmem_cut),
		cmocka_unit_test(test_maxmem_cut_below_min),
		cmocka_unit_test(test_reservations),
		cmocka_unit_test(test_max_cut_reports),
	};

	log_set_level(LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
