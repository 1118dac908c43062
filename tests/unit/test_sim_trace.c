/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-sim's workloads beyond the sim backend's: random (deterministic
 * draws), compute (a job's work), offsets, and trace replay: the CSV
 * parser (strict, every error with its line number), the step semantics
 * of a replayed series, and scenarios that use a trace file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "simhost/scenario.h"
#include "simhost/workload.h"
#include "common/config.h"
#include "common/log.h"
#include "sim_world.h"

#define MiB 1024ull

static void test_random_and_compute(void **state)
{
	struct sim_workload w, w2;
	char why[160];
	unsigned seen[4] = { 0 };

	assert_int_equal(sim_workload_parse("random:40,43,20", &w, why, sizeof(why)), 0);
	assert_int_equal(w.kind, SIM_WL_RANDOM);
	w.seed = 7;
	w2 = w;
	w2.seed = 8;
	/* Held for 20 s, whole MiB in [40, 43], every value drawn, and a
	 * pure function of (seed, time). */
	for (uint64_t k = 0; k < 400; k++) {
		uint64_t kb = sim_workload_demand_kb(&w, k * 20000);

		assert_int_equal(sim_workload_demand_kb(&w, k * 20000 + 19999), kb);
		assert_true(kb >= 40 * MiB && kb <= 43 * MiB && kb % MiB == 0);
		seen[kb / MiB - 40]++;
	}
	for (int i = 0; i < 4; i++)
		assert_true(seen[i] > 50);
	unsigned same = 0;
	for (uint64_t k = 0; k < 100; k++)
		same += sim_workload_demand_kb(&w, k * 20000) == sim_workload_demand_kb(&w2, k * 20000);
	assert_true(same < 60);          /* another seed, other draws */

	assert_int_equal(sim_workload_parse("compute:24,600", &w, why, sizeof(why)), 0);
	assert_int_equal(w.kind, SIM_WL_COMPUTE);
	assert_int_equal(w.work_ms, 600000);
	assert_int_equal(sim_workload_demand_kb(&w, 123456), 24 * MiB);

	static const char *const bad[] = {
		"random:300,40,20", "random:40,300", "random:40,300,0", "compute:24",
		"compute:24,0", "compute:,5", "trace:", "trace:.x", "trace:a b", "trace5",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sim_workload_parse(bad[i], &w, why, sizeof(why)) == 0)
			fail_msg("'%s' accepted", bad[i]);
}

static void test_trace_good(void **state)
{
	struct sim_trace t;
	char err[256];
	const struct sim_trace_series *s;
	struct sim_workload w = { .kind = SIM_WL_TRACE };

	assert_int_equal(sim_trace_load_string("t.csv",
		"# a comment\n\ntime_s,vm,demand_mb\r\n"
		"0,web,100\n1.5,web,200\n0,db,50\n3.25,web,150\n10,db,0\n", &t, err, sizeof(err)), 0);
	assert_int_equal(t.n, 2);
	s = sim_trace_find(&t, "web");
	assert_non_null(s);
	assert_int_equal(s->n, 3);
	assert_int_equal(s->pt[1].t_ms, 1500);
	assert_int_equal(s->pt[2].t_ms, 3250);
	assert_null(sim_trace_find(&t, "nope"));
	/* Each value holds until the next row; before the first row, the
	 * first value; after the last, the last. */
	w.series = s;
	assert_int_equal(sim_workload_demand_kb(&w, 0), 100 * MiB);
	assert_int_equal(sim_workload_demand_kb(&w, 1499), 100 * MiB);
	assert_int_equal(sim_workload_demand_kb(&w, 1500), 200 * MiB);
	assert_int_equal(sim_workload_demand_kb(&w, 3249), 200 * MiB);
	assert_int_equal(sim_workload_demand_kb(&w, 1000000), 150 * MiB);
	sim_trace_free(&t);
}

/* Every malformed input is refused with the line that is at fault. */
static void test_trace_rejects(void **state)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "", "t.csv:0: no header" },
		{ "# only a comment\n", "t.csv:1: no header" },
		{ "time_s,vm,demand_mb\n", "t.csv:1: no rows" },
		{ "time,vm,demand\n0,a,1\n", "t.csv:1: expected the header" },
		{ "time_s,vm,demand_mb\n0,a,1\n1,a\n", "t.csv:3: expected 3 fields" },
		{ "time_s,vm,demand_mb\n0,a,1,2\n", "t.csv:2: expected 3 fields" },
		{ "time_s,vm,demand_mb\n-1,a,1\n", "t.csv:2: time_s" },
		{ "time_s,vm,demand_mb\n1.2345,a,1\n", "t.csv:2: time_s" },
		{ "time_s,vm,demand_mb\n1.,a,1\n", "t.csv:2: time_s" },
		{ "time_s,vm,demand_mb\n1e3,a,1\n", "t.csv:2: time_s" },
		{ "time_s,vm,demand_mb\n 1,a,1\n", "t.csv:2: time_s" },
		{ "time_s,vm,demand_mb\n1,a,1.5\n", "t.csv:2: demand_mb" },
		{ "time_s,vm,demand_mb\n1,a,-3\n", "t.csv:2: demand_mb" },
		{ "time_s,vm,demand_mb\n1,a,16777217\n", "t.csv:2: demand_mb" },
		{ "time_s,vm,demand_mb\n1,a,\n", "t.csv:2: demand_mb" },
		{ "time_s,vm,demand_mb\n1,,5\n", "t.csv:2: vm" },
		{ "time_s,vm,demand_mb\n1,../x,5\n", "t.csv:2: vm" },
		{ "time_s,vm,demand_mb\n0,a,1\n0,b,1\n5,a,1\n5,a,2\n", "t.csv:5: vm a: time 5.000 s is not after" },
		{ "time_s,vm,demand_mb\n0,a,1\n9,a,1\n8,a,2\n", "t.csv:4: vm a" },
		{ "time_s,vm,demand_mb\n31536001,a,1\n", "t.csv:2: time_s" },
	};
	struct sim_trace t = { .n = 12345 };
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (sim_trace_load_string("t.csv", bad[i].text, &t, err, sizeof(err)) == 0)
			fail_msg("accepted: %s", bad[i].text);
		if (strncmp(err, bad[i].want, strlen(bad[i].want)) != 0)
			fail_msg("'%s': got '%s', want '%s...'", bad[i].text, err, bad[i].want);
		assert_int_equal(t.n, 0);
	}
	/* A NUL inside a line and an overlong line, from a file. */
	char path[] = "/tmp/membal-trace.XXXXXX";
	int fd = mkstemp(path);
	char line[400];

	assert_true(fd >= 0);
	memset(line, '1', sizeof(line));
	line[sizeof(line) - 1] = '\n';
	assert_int_equal(write(fd, "time_s,vm,demand_mb\n0,a,1\n", 26), 26);
	assert_int_equal(write(fd, line, sizeof(line)), (ssize_t)sizeof(line));
	close(fd);
	assert_int_equal(sim_trace_load(path, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":3: longer than 256 characters"));
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "time_s,vm,demand_mb\n0,a\0,1\n", 28), 28);
	close(fd);
	assert_int_equal(sim_trace_load(path, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: NUL byte"));
	unlink(path);
	assert_int_equal(sim_trace_load("/nonexistent/t.csv", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/t.csv"));
}

/* A scenario names its trace relative to itself; guests pick their vm;
 * a missing vm or a bad trace line is a scenario error at [host] trace's
 * or the guest's line; copies point into their own trace. */
static void test_scenario_with_trace(void **state)
{
	char dir[] = "/tmp/membal-trace-dir.XXXXXX", p[256];
	struct sim_scenario sc, cp;
	struct cfg_file f;
	FILE *o;

	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/loads.csv", dir);
	o = fopen(p, "w");
	fputs("time_s,vm,demand_mb\n0,a,100\n10,a,300\n0,web,70\n", o);
	fclose(o);
	snprintf(p, sizeof(p), "%s/s.ini", dir);
	o = fopen(p, "w");
	fputs("[host]\ntotal_mb = 4096\ndom0_mb = 512\ntrace = loads.csv\n"
	      "[guest x]\nmemory_mb = 512\nworkload = trace:a\noffset_s = 5\n"
	      "[guest web]\nmemory_mb = 512\nworkload = trace\n"
	      "[guest r]\nmemory_mb = 512\nworkload = random:10,500,5\n", o);
	fclose(o);
	if (sim_scenario_load(p, &sc, &f) != 0)
		fail_msg("%s", f.first_error);
	assert_int_equal(sim_guest_demand_kb(&sc.guests[0], 0), 100 * MiB);
	assert_int_equal(sim_guest_demand_kb(&sc.guests[0], 5000), 300 * MiB);  /* offset */
	assert_int_equal(sim_guest_demand_kb(&sc.guests[1], 0), 70 * MiB);
	assert_int_equal(sc.duration_ms, SIM_DEFAULT_DURATION_S * 1000);
	/* Guests draw differently: seeds are per guest. */
	assert_true(sc.guests[2].workload.seed != 0);
	assert_int_equal(sim_scenario_copy(&cp, &sc), 0);
	sim_scenario_free(&sc);
	assert_int_equal(sim_guest_demand_kb(&cp.guests[0], 20000), 300 * MiB);
	assert_true(cp.guests[0].workload.series >= cp.trace.series &&
		    cp.guests[0].workload.series < cp.trace.series + cp.trace.n);
	sim_scenario_free(&cp);

	o = fopen(p, "w");
	fputs("[host]\ntotal_mb = 4096\ndom0_mb = 512\ntrace = loads.csv\n"
	      "[guest x]\nmemory_mb = 512\nworkload = trace:nobody\n", o);
	fclose(o);
	assert_int_equal(sim_scenario_load(p, &sc, &f), -1);
	assert_non_null(strstr(f.first_error, ":6: [guest x] workload: trace"));
	assert_non_null(strstr(f.first_error, "no rows for vm nobody"));

	o = fopen(p, "w");
	fputs("[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
	      "[guest x]\nmemory_mb = 512\nworkload = trace\n", o);
	fclose(o);
	assert_int_equal(sim_scenario_load(p, &sc, &f), -1);
	assert_non_null(strstr(f.first_error, "needs [host] trace"));

	snprintf(p, sizeof(p), "%s/loads.csv", dir);
	o = fopen(p, "w");
	fputs("time_s,vm,demand_mb\n0,a,100\n0,a,300\n", o);
	fclose(o);
	snprintf(p, sizeof(p), "%s/s.ini", dir);
	o = fopen(p, "w");
	fputs("[host]\ntotal_mb = 4096\ndom0_mb = 512\ntrace = loads.csv\n", o);
	fclose(o);
	assert_int_equal(sim_scenario_load(p, &sc, &f), -1);
	assert_non_null(strstr(f.first_error, "s.ini:4: [host] trace"));
	assert_non_null(strstr(f.first_error, "loads.csv:3: vm a"));

	o = fopen(p, "w");
	fputs("[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
	      "[guest c]\nmemory_mb = 512\nworkload = compute:10,60\nwork_s = 5\n", o);
	fclose(o);
	assert_int_equal(sim_scenario_load(p, &sc, &f), -1);
	assert_non_null(strstr(f.first_error, "work_s"));

	snprintf(p, sizeof(p), "rm -rf %s", dir);
	assert_int_equal(system(p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_and_compute),
		cmocka_unit_test(test_trace_good),
		cmocka_unit_test(test_trace_rejects),
		cmocka_unit_test(test_scenario_with_trace),
	};

	return cmocka_run_group_tests(tests, quiet_setup, quiet_teardown);
}
