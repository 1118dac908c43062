/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Workloads and scenario files of the simulated host: the demand each
 * workload gives over time, and scenario files whose bad values are
 * rejected with the file and line that hold them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "simhost/scenario.h"
#include "simhost/workload.h"
#include "common/config.h"
#include "scenario_bad.h"
#include "common/log.h"
#include "sim_world.h"

#define MiB 1024ull

static struct sim_workload wl(const char *text)
{
	struct sim_workload w;
	char why[160];

	if (sim_workload_parse(text, &w, why, sizeof(why)) != 0)
		fail_msg("'%s' rejected: %s", text, why);
	return w;
}

static void test_idle_and_const(void **state)
{
	struct sim_workload w = wl("idle");

	assert_int_equal(sim_workload_demand_kb(&w, 0), SIM_IDLE_DEMAND_MB * MiB);
	assert_int_equal(sim_workload_demand_kb(&w, 86400000), SIM_IDLE_DEMAND_MB * MiB);
	w = wl("const:300");
	assert_int_equal(sim_workload_demand_kb(&w, 0), 300 * MiB);
	assert_int_equal(sim_workload_demand_kb(&w, 123456789), 300 * MiB);
	w = wl("const:0");
	assert_int_equal(sim_workload_demand_kb(&w, 5000), 0);
}

/* Seed 001's mono 40-170 MB over a 60 s period: a triangle. */
static void test_mono_triangle(void **state)
{
	struct sim_workload w = wl("mono:40,170,60");
	uint64_t prev = 0;

	assert_int_equal(sim_workload_demand_kb(&w, 0), 40 * MiB);
	assert_int_equal(sim_workload_demand_kb(&w, 15000), 105 * MiB);
	assert_int_equal(sim_workload_demand_kb(&w, 30000), 170 * MiB);
	assert_int_equal(sim_workload_demand_kb(&w, 45000), 105 * MiB);
	assert_int_equal(sim_workload_demand_kb(&w, 60000), 40 * MiB);
	/* It repeats. */
	assert_int_equal(sim_workload_demand_kb(&w, 75000), 105 * MiB);
	assert_int_equal(sim_workload_demand_kb(&w, 60000 * 1000 + 30000), 170 * MiB);
	/* Rises every second of the first half, falls in the second. */
	for (uint64_t t = 0; t <= 30000; t += 1000) {
		uint64_t d = sim_workload_demand_kb(&w, t);

		assert_true(d >= prev);
		assert_true(d >= 40 * MiB && d <= 170 * MiB);
		prev = d;
	}
	for (uint64_t t = 31000; t <= 60000; t += 1000) {
		uint64_t d = sim_workload_demand_kb(&w, t);

		assert_true(d <= prev);
		prev = d;
	}
	/* Flat when LOW = HIGH; the largest values do not overflow. */
	w = wl("mono:64,64,10");
	assert_int_equal(sim_workload_demand_kb(&w, 2500), 64 * MiB);
	w = wl("mono:0,16777216,31536000");
	assert_int_equal(sim_workload_demand_kb(&w, 31536000000ull / 2),
			 16777216 * MiB);
}

static void test_step(void **state)
{
	struct sim_workload w = wl("step:100,300,10");

	assert_int_equal(sim_workload_demand_kb(&w, 0), 100 * MiB);
	assert_int_equal(sim_workload_demand_kb(&w, 9999), 100 * MiB);
	assert_int_equal(sim_workload_demand_kb(&w, 10000), 300 * MiB);
	assert_int_equal(sim_workload_demand_kb(&w, 999999), 300 * MiB);
	/* A step down is a step too. */
	w = wl("step:300,100,0");
	assert_int_equal(sim_workload_demand_kb(&w, 0), 100 * MiB);
}

/* touch_mb_s: the curve is what the program commits; what it touched
 * follows it up at most that fast and down at once. */
static void test_commit_before_touch(void **state)
{
	static const char text[] =
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nduration_s = 100\n"
		"[guest a]\nmemory_mb = 512\ntouch_mb_s = 10\nworkload = step:100,300,10\n"
		"[guest b]\nmemory_mb = 512\nworkload = step:100,300,10\n";
	struct sim_scenario s;
	struct cfg_file f;

	assert_int_equal(sim_scenario_load_string("touch.ini", text, &s, &f), 0);
	const struct sim_guest_spec *a = &s.guests[0], *b = &s.guests[1];

	assert_int_equal(a->touch_kb_s, 10 * MiB);
	assert_int_equal(b->touch_kb_s, 0);
	assert_int_equal(sim_guest_demand_kb(a, 9999), 100 * MiB);
	/* Committed at 10 s, touched 10 MiB/s from there: 200 at 20 s. */
	assert_int_equal(sim_guest_commit_kb(a, 10000), 300 * MiB);
	assert_int_equal(sim_guest_demand_kb(a, 10000), 100 * MiB);
	assert_int_equal(sim_guest_demand_kb(a, 15000), 150 * MiB);
	assert_int_equal(sim_guest_demand_kb(a, 20000), 200 * MiB);
	assert_int_equal(sim_guest_demand_kb(a, 30000), 300 * MiB);
	assert_int_equal(sim_guest_demand_kb(a, 90000), 300 * MiB);
	/* Without it, touched is committed (every scenario before it). */
	for (uint64_t t = 0; t <= 30000; t += 500)
		assert_int_equal(sim_guest_demand_kb(b, t), sim_guest_commit_kb(b, t));
	sim_scenario_free(&s);

	/* A fall is at once. */
	static const char down[] =
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nduration_s = 100\n"
		"[guest a]\nmemory_mb = 512\ntouch_mb_s = 10\nworkload = step:300,100,10\n";
	assert_int_equal(sim_scenario_load_string("down.ini", down, &s, &f), 0);
	assert_int_equal(sim_guest_demand_kb(&s.guests[0], 9999), 300 * MiB);
	assert_int_equal(sim_guest_demand_kb(&s.guests[0], 10000), 100 * MiB);
	sim_scenario_free(&s);
}

static void test_workload_rejects(void **state)
{
	static const char *const bad[] = {
		"", "burst", "burst:1", "idle:5", "const", "const:", "const:-1",
		"const:1e3", "const: 5", "const:5 ", "const:0x10", "const:5,6",
		"const:16777217", "const:99999999999999999999999",
		"mono:170,40,60", "mono:40,170", "mono:40,170,60,1", "mono:40,170,0",
		"mono:40,,60", "mono:40,170,", "mono:,170,60", "step:1,2",
		"step:1,2,31536001", "IDLE", "mono:40;170;60",
		"const:1234567890123456789012345678901234567890123456789012345678901234567",
	};
	struct sim_workload w = { .kind = SIM_WL_CONST, .from_kb = 7 };
	char why[160];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (sim_workload_parse(bad[i], &w, why, sizeof(why)) == 0)
			fail_msg("'%s' accepted", bad[i]);
		assert_true(why[0] != '\0');
		/* Untouched on failure. */
		assert_int_equal(w.kind, SIM_WL_CONST);
		assert_int_equal(w.from_kb, 7);
	}
}

/* ---- scenario files ---- */

static const char good[] =
	"; comment\n"
	"[host]\n"
	"total_mb = 4096\n"
	"dom0_mb = 512\n"
	"balloon_rate_mb_s = 100\n"
	"\n"
	"[guest web]\n"
	"memory_mb = 256\n"
	"static_max_mb = 512\n"
	"workload = mono:40,170,60\n"
	"agent_quiet_s = 30,45\n"
	"paused_s = 50,80\n"
	"swap_mb = 128\n"
	"swap_kind = zram\n"
	"zram_ratio = 2.5\n"
	"\n"
	"[guest db]\n"
	"domid = 1\n"
	"memory_mb = 512\n"
	"type = hvm\n"
	"balloon_rate_mb_s = 50\n"
	"follows = no\n"
	"\n"
	"[guest fixed]\n"
	"memory_mb = 300\n"
	"agent = no\n"
	"type = pvh\n"
	"start_s = 10\n"
	"stop_s = 20\n"
	"reserve_need_mb = 400\n"
	"overhead_kb = 1000\n";

static void test_scenario_good(void **state)
{
	struct sim_scenario s;
	struct cfg_file f;
	const struct sim_guest_spec *g;

	assert_int_equal(sim_scenario_load_string("good.ini", good, &s, &f), 0);
	assert_int_equal(f.warnings, 0);
	assert_int_equal(s.total_kb, 4096 * MiB);
	assert_int_equal(s.dom0_kb, 512 * MiB);
	assert_int_equal(s.n_guests, 3);
	/* Sorted by domid: db has 1, the others get 2 and 3 in file order. */
	g = &s.guests[0];
	assert_string_equal(g->name, "db");
	assert_int_equal(g->domid, 1);
	assert_int_equal(g->type, HV_TYPE_HVM);
	assert_int_equal(g->videoram_kb, SIM_HVM_VIDEORAM_MB * MiB);
	assert_int_equal(g->static_max_kb, 512 * MiB);   /* = memory_mb */
	assert_int_equal(g->balloon_rate_kb_s, 50 * MiB);
	assert_false(g->follows);
	assert_true(g->agent);
	assert_int_equal(g->workload.kind, SIM_WL_IDLE);
	assert_int_equal(g->overhead_kb, sim_overhead_default_kb(512 * MiB));
	g = &s.guests[1];
	assert_string_equal(g->name, "web");
	assert_int_equal(g->domid, 2);
	assert_int_equal(g->type, HV_TYPE_PV);
	assert_int_equal(g->memory_kb, 256 * MiB);
	assert_int_equal(g->static_max_kb, 512 * MiB);
	assert_int_equal(g->videoram_kb, 0);
	assert_int_equal(g->swap_kb, 128 * MiB);
	assert_true(g->swap_zram);
	assert_false(s.guests[0].swap_zram);                 /* disk by default */
	assert_true(g->zram_ratio == 2.5);
	assert_true(s.guests[2].zram_ratio == SIM_ZRAM_RATIO_DEFAULT);
	assert_int_equal(s.guests[2].reserve_need_kb, 400 * MiB);  /* --need */
	assert_int_equal(g->reserve_need_kb, 0);                    /* not said */
	assert_int_equal(g->balloon_rate_kb_s, 100 * MiB);   /* [host]'s */
	assert_int_equal(g->workload.kind, SIM_WL_MONO);
	assert_int_equal(g->start_ms, 0);
	assert_int_equal(g->stop_ms, SIM_NEVER);
	assert_int_equal(g->quiet_from_ms, 30000);
	assert_int_equal(g->pause_from_ms, 50000);
	assert_int_equal(g->pause_to_ms, 80000);
	assert_int_equal(g->quiet_to_ms, 45000);
	assert_int_equal(s.guests[0].quiet_to_ms, 0);   /* never quiet */
	g = &s.guests[2];
	assert_string_equal(g->name, "fixed");
	assert_int_equal(g->domid, 3);
	assert_int_equal(g->type, HV_TYPE_PVH);
	assert_false(g->agent);
	assert_int_equal(g->start_ms, 10000);
	assert_int_equal(g->stop_ms, 20000);
	assert_int_equal(g->overhead_kb, 1000);
	sim_scenario_free(&s);

	/* The observation the overhead model is calibrated on. */
	assert_int_equal(128 * MiB - sim_overhead_default_kb(128 * MiB), 79 * MiB);
}

#define HOST "[host]\ntotal_mb = 2048\ndom0_mb = 512\n"   /* lines 1-3 */

static const struct bad_case bad_cases[] = {
	{ HOST "[guest a]\nmemory_mb = abc\n", 5, "[guest a] memory_mb" },
	{ HOST "[guest a]\nmemory_mb = 256\nmemroy_mb = 256\n", 6, "unknown key" },
	{ HOST "[guest a]\nmemory_mb = 256\nmemory_mb = 300\n", 6, "given twice" },
	{ HOST "[guest a]\nmemory_mb = 256\nworkload = mono:170,40,60\n", 6, "workload" },
	{ HOST "[guest a]\nmemory_mb = 256\nworkload = mono:40,170\n", 6, "workload" },
	{ HOST "[guest a]\nmemory_mb = 256\ntype = xen\n", 6, "type" },
	{ HOST "[guest a]\nmemory_mb = 256\nfollows = maybe\n", 6, "follows" },
	{ HOST "[guest a]\nmemory_mb = 256\nswap_kind = ssd\n", 6, "swap_kind" },
	/* a ratio of 1 frees nothing; a ratio on a disk is a typo */
	{ HOST "[guest a]\nmemory_mb = 256\nswap_kind = zram\nzram_ratio = 1\n", 7, "zram_ratio" },
	{ HOST "[guest a]\nmemory_mb = 256\nswap_kind = zram\nzram_ratio = 3x\n", 7, "zram_ratio" },
	{ HOST "[guest a]\nmemory_mb = 256\nzram_ratio = 3\n", 5, "zram_ratio" },
	{ HOST "[guest a]\nmemory_mb = 256\nreserve_need_mb = 0\n", 6, "reserve_need_mb" },
	{ HOST "[guest a]\nmemory_mb = 256\nreserve_need_mb = 4x\n", 6, "reserve_need_mb" },
	{ HOST "[guest a]\nmemory_mb = 256\nstart_s = -1\n", 6, "start_s" },
	{ HOST "[guest a]\nmemory_mb = 256\ndomid = 0\n", 6, "domid" },
	{ HOST "[guest a]\nmemory_mb = 256\ndomid = 32752\n", 6, "domid" },
	{ HOST "[guest a]\nmemory_mb = 256\nstatic_max_mb = 128\n", 5, "static_max_mb" },
	{ HOST "[guest a]\nmemory_mb = 256\nstart_s = 10\nstop_s = 10\n", 5, "stop_s" },
	{ HOST "[guest a]\nmemory_mb = 256\nvideoram_mb = 8\n", 5, "videoram" },
	{ HOST "[guest a]\nmemory_mb = 256\nagent_quiet_s = 20,10\n", 6, "agent_quiet_s" },
	{ HOST "[guest a]\nmemory_mb = 256\nagent_quiet_s = 20,20\n", 6, "agent_quiet_s" },
	{ HOST "[guest a]\nmemory_mb = 256\nagent_quiet_s = 20\n", 6, "agent_quiet_s" },
	{ HOST "[guest a]\nmemory_mb = 256\nagent_quiet_s = 1,2,3\n", 6, "agent_quiet_s" },
	{ HOST "[guest a]\nmemory_mb = 256\npaused_s = 20,10\n", 6, "paused_s" },
	{ HOST "[guest a]\nmemory_mb = 256\nagent_quiet_s = ,5\n", 6, "agent_quiet_s" },
	{ HOST "[guest a]\nmemory_mb = 60\n", 5, "cannot boot" },
	{ HOST "[guest a]\nmemory_mb = 300\ntype = hvm\nvideoram_mb = 256\n", 5, "cannot boot" },
	{ HOST "[guest a]\nmemory_mb = 256\ndomid = 4\n[guest b]\nmemory_mb = 256\ndomid = 4\n",
	  8, "also guest a" },
	{ HOST "[guest a]\nmemory_mb = 1024\n[guest b]\nmemory_mb = 1024\n", 2, "cannot hold" },
	{ HOST "[guest a]\nmemory_mb = 256\n[guests b]\nmemory_mb = 256\n", 7, "unknown section" },
	{ HOST "[guest ../x]\nmemory_mb = 256\n", 5, "guest name" },
	{ HOST "[guest a]\nstatic_max_mb = 256\n", 5, "memory_mb is required" },
	{ "[host]\ntotal_mb = 2048\n[guest a]\nmemory_mb = 256\n", 0, "dom0_mb are required" },
	{ "[host]\ntotal_mb = 512\ndom0_mb = 512\n", 3, "dom0_mb" },
	{ "[host]\ntotal_mb = 2048\ndom0_mb = 512\nballoon_rate_mb_s = 0\n", 4, "balloon_rate_mb_s" },
	{ "[host]\ntotal_mb = 2048\ndom0_mb = 512\ntotal = 5\n", 4, "unknown key" },
	{ HOST "this is not ini\n", 4, "syntax error" },
	{ HOST "[guest a]\nmemory_mb = 256\n[guest b]\nmemory_mb = 256\n[guest a]\nswap_mb = 1\n",
	  9, "[guest a] given twice (first at line 5)" },
	{ HOST "[guest a]\nmemory_mb = 256\n[host]\nballoon_rate_mb_s = 5\n", 7,
	  "[host] given twice (first at line 2)" },
};

/* Every bad file is refused, and the first error names its file and the
 * line that holds the problem. Through a real file, as the sim loads it. */
static void test_scenario_bad_lines(void **state)
{
	(void)state;
	check_bad_scenarios(bad_cases, sizeof(bad_cases) / sizeof(bad_cases[0]));
}

static void test_scenario_missing_file(void **state)
{
	struct sim_scenario s;
	struct cfg_file f;

	assert_int_equal(sim_scenario_load("/nonexistent/x.ini", &s, &f), -1);
	assert_non_null(strstr(f.first_error, "/nonexistent/x.ini"));
}

/* The shipped demo must load and be what its comments promise: scarce
 * memory, a busy guest and an idle one that can give to it. */
static void test_demo_scenario(void **state)
{
	const char *fx = getenv("MEMBAL_FIXTURES");
	char path[512];
	struct sim_scenario s;
	struct cfg_file f;
	uint64_t boot = 0, max = 0;
	int mono = 0, idle = 0;

	snprintf(path, sizeof(path), "%s/../../conf/scenarios/demo.ini",
		 fx ? fx : "tests/fixtures");
	if (sim_scenario_load(path, &s, &f) != 0)
		fail_msg("%s: %s", path, f.first_error);
	for (size_t i = 0; i < s.n_guests; i++) {
		boot += s.guests[i].memory_kb;
		max += s.guests[i].static_max_kb;
		mono += s.guests[i].workload.kind == SIM_WL_MONO;
		idle += s.guests[i].workload.kind == SIM_WL_IDLE;
	}
	assert_true(mono >= 1 && idle >= 1);
	/* Everything fits at boot, not everyone at static-max. */
	assert_true(s.dom0_kb + boot <= s.total_kb);
	assert_true(s.dom0_kb + max > s.total_kb);
	sim_scenario_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_and_const),
		cmocka_unit_test(test_mono_triangle),
		cmocka_unit_test(test_step),
		cmocka_unit_test(test_commit_before_touch),
		cmocka_unit_test(test_workload_rejects),
		cmocka_unit_test(test_scenario_good),
		cmocka_unit_test(test_scenario_bad_lines),
		cmocka_unit_test(test_scenario_missing_file),
		cmocka_unit_test(test_demo_scenario),
	};

	return cmocka_run_group_tests(tests, quiet_setup, quiet_teardown);
}
