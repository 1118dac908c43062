/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The [policy] loader: defaults as policy_params_default() states them, the shipped
 * conf/arbiter.ini agreeing with them key by key, bad values refused
 * with file:line, other sections left to their owners.
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

#include "policy/policy_config.h"
#include "common/log.h"

#ifndef MEMBAL_SRCDIR
#error "MEMBAL_SRCDIR must point at the source tree (see src/arbiter/module.mk)"
#endif

static bool chain(struct cfg_file *f, const char *section, const char *key,
		  const char *value, void *user)
{
	return policy_config_key(f, section, key, value, user);
}

/* As the daemon chains it, minus the daemon: other sections are not
 * this test's business (the shipped file has [daemon] too). */
static bool policy_section_only(struct cfg_file *f, const char *section,
				const char *key, const char *value, void *user)
{
	if (strcmp(section, "policy") != 0)
		return true;
	return policy_config_key(f, section, key, value, user);
}

static int load_string(const char *text, struct policy_config *pc,
		       struct cfg_file *f)
{
	int rc = cfg_load_string("test.ini", text, chain, pc, f);

	return policy_config_finish(f, pc) < 0 ? -1 : rc;
}

static void test_defaults(void **state)
{
	struct policy_params p;

	policy_params_default(&p);
	assert_true(p.tau == 0.75 && p.epsilon == 0.1);
	assert_int_equal(p.solver, POLICY_SOLVER_EXACT);
	assert_int_equal(p.free_source, POLICY_FREE_AVAIL);
	assert_int_equal(p.scarce_cap, POLICY_CAP_DEMAND);
	assert_int_equal(p.dom0_mode, POLICY_DOM0_FIXED);
	assert_int_equal(p.mode, POLICY_FORCE_AUTO);
	assert_int_equal(p.hysteresis_up, 1);
	assert_int_equal(p.hysteresis_down, 8);
	assert_int_equal(p.headroom_kb, 64 * 1024);
	assert_int_equal(p.reserve_kb, 72 * 1024);
	assert_int_equal(p.min_change_kb, 16 * 1024);
	assert_int_equal(p.psi_no_shrink, 1000);
	assert_int_equal(p.swapin_no_shrink, 256);
	assert_int_equal(p.oom_bump_kb, 64 * 1024);
	assert_int_equal(p.oom_hold_s, 600);
	assert_int_equal(p.min_kb, 128 * 1024);
	assert_int_equal(p.max_kb, 0);
	assert_true(p.shares == 1);
	assert_int_equal(policy_params_check(&p, NULL, 0), 0);
}

/* The shipped file sets every policy key, to its default: load it over
 * scrambled parameters and everything must come back to the defaults. */
static void test_shipped_file_matches_defaults(void **state)
{
	struct policy_config pc;
	struct policy_params def;
	struct cfg_file f;

	policy_config_init(&pc);
	memset(&pc.params, 0x5a, sizeof(pc.params));
	pc.params.tau = 0.5;
	pc.params.epsilon = 3;
	pc.params.shares = 7;
	pc.params.solver = POLICY_SOLVER_PAPER;
	pc.params.free_source = POLICY_FREE_FREE;
	pc.params.scarce_cap = POLICY_CAP_MAX;
	pc.params.dom0_mode = POLICY_DOM0_PRIORITY;
	assert_int_equal(cfg_load(MEMBAL_SRCDIR "/conf/arbiter.ini",
				  policy_section_only, &pc, &f), 0);
	assert_int_equal(f.warnings, 0);
	policy_params_default(&def);
	/* mode and global_hysteresis are not INI keys */
	pc.params.mode = def.mode;
	pc.params.global_hysteresis = def.global_hysteresis;
	assert_true(pc.params.tau == def.tau);
	assert_true(pc.params.epsilon == def.epsilon);
	assert_true(pc.params.shares == def.shares);
	assert_int_equal(pc.params.solver, def.solver);
	assert_int_equal(pc.params.free_source, def.free_source);
	assert_int_equal(pc.params.scarce_cap, def.scarce_cap);
	assert_int_equal(pc.params.dom0_mode, def.dom0_mode);
	assert_int_equal(pc.params.hysteresis_up, def.hysteresis_up);
	assert_int_equal(pc.params.hysteresis_down, def.hysteresis_down);
	assert_int_equal(pc.params.headroom_kb, def.headroom_kb);
	assert_int_equal(pc.params.reserve_kb, def.reserve_kb);
	assert_int_equal(pc.params.min_change_kb, def.min_change_kb);
	assert_int_equal(pc.params.psi_no_shrink, def.psi_no_shrink);
	assert_int_equal(pc.params.swapin_no_shrink, def.swapin_no_shrink);
	assert_int_equal(pc.params.oom_bump_kb, def.oom_bump_kb);
	assert_int_equal(pc.params.oom_hold_s, def.oom_hold_s);
	assert_int_equal(pc.params.min_kb, def.min_kb);
	assert_int_equal(pc.params.max_kb, def.max_kb);
	/* the learned gap's block */
	assert_int_equal(pc.params.headroom, def.headroom);
	assert_int_equal(pc.params.gap_min_kb, def.gap_min_kb);
	assert_int_equal(pc.params.gap_max_kb, def.gap_max_kb);
	assert_int_equal(pc.params.gap_start_kb, def.gap_start_kb);
	assert_int_equal(pc.params.gap_fine_pagein, def.gap_fine_pagein);
	assert_int_equal(pc.params.gap_fine_io, def.gap_fine_io);
	assert_int_equal(pc.params.gap_fine_oom, def.gap_fine_oom);
	assert_int_equal(pc.params.gap_prize, def.gap_prize);
	assert_int_equal(pc.params.gap_tolerance, def.gap_tolerance);
	assert_int_equal(pc.params.gap_greedy, def.gap_greedy);
	assert_int_equal(pc.params.gap_pagein_rate, def.gap_pagein_rate);
	assert_int_equal(pc.params.gap_io_rate, def.gap_io_rate);
	assert_int_equal(pc.params.gap_explore_max_kb, def.gap_explore_max_kb);
	assert_int_equal(pc.params.gap_explore_s, def.gap_explore_s);
	assert_int_equal(pc.params.gap_seed, def.gap_seed);
}

static void test_values(void **state)
{
	struct policy_config pc;
	struct cfg_file f;

	policy_config_init(&pc);
	assert_int_equal(load_string("[policy]\n"
				     "tau = 0\n"
				     "epsilon = 0\n"
				     "solver = paper\n"
				     "free_source = free\n"
				     "scarce_cap = max\n"
				     "dom0_mode = priority\n"
				     "headroom_mb = 10\n"
				     "max_mb = 4096\n"
				     "shares = 2.5\n"
				     "headroom = learned\n"
				     "gap_min_mb = 8\n"
				     "gap_tolerance = 30\n", &pc, &f), 0);
	assert_int_equal(pc.params.headroom, POLICY_HEADROOM_LEARNED);
	assert_int_equal(pc.params.gap_min_kb, 8 * 1024);
	assert_int_equal(pc.params.gap_tolerance, 30);
	assert_true(pc.params.tau == 0 && pc.params.epsilon == 0);
	assert_int_equal(pc.params.solver, POLICY_SOLVER_PAPER);
	assert_int_equal(pc.params.free_source, POLICY_FREE_FREE);
	assert_int_equal(pc.params.scarce_cap, POLICY_CAP_MAX);
	assert_int_equal(pc.params.dom0_mode, POLICY_DOM0_PRIORITY);
	assert_int_equal(pc.params.headroom_kb, 10240);
	assert_int_equal(pc.params.max_kb, 4096 * 1024);
	assert_true(pc.params.shares == 2.5);
}

static void expect_error(const char *text, const char *where)
{
	struct policy_config pc;
	struct cfg_file f;

	policy_config_init(&pc);
	assert_int_equal(load_string(text, &pc, &f), -1);
	if (!strstr(f.first_error, where))
		fail_msg("'%s' not in '%s'", where, f.first_error);
}

static void test_bad_values(void **state)
{
	expect_error("[policy]\n\ntau = 1\n", "test.ini:3: [policy] tau");
	expect_error("[policy]\ntau = -0.1\n", "test.ini:2: [policy] tau");
	expect_error("[policy]\ntau = 0.5x\n", "tau");
	expect_error("[policy]\nepsilon = -1\n", "test.ini:2: [policy] epsilon");
	expect_error("[policy]\nsolver = fast\n", "expected one of exact, paper");
	expect_error("[policy]\nhysteresis_up = 0\n", "test.ini:2: [policy] hysteresis_up");
	expect_error("[policy]\nshares = 0\n", "test.ini:2: [policy] shares");
	expect_error("[policy]\nreserve_mb = -5\n", "reserve_mb");
	expect_error("[policy]\npsi_no_shrink = 10001\n", "psi_no_shrink");
	/* Two keys: reported at the later one. */
	expect_error("[policy]\nmax_mb = 64\n", "test.ini:2: [policy] max_mb: min_mb 128 > max_mb 64");
	expect_error("[policy]\nmax_mb = 512\n\nmin_mb = 1024\n",
		     "test.ini:4: [policy] min_mb: min_mb 1024 > max_mb 512");
}

/* max_mb = 0 means static-max: any min_mb goes. */
static void test_static_max(void **state)
{
	struct policy_config pc;
	struct cfg_file f;

	policy_config_init(&pc);
	assert_int_equal(load_string("[policy]\nmin_mb = 100000\nmax_mb = 0\n",
				     &pc, &f), 0);
}

/* Keys of other sections are not ours: false, so that the daemon's own
 * handler gets them. */
static void test_chaining(void **state)
{
	struct policy_config pc;
	struct cfg_file f = { .path = "x" };

	policy_config_init(&pc);
	assert_false(policy_config_key(&f, "daemon", "tau", "0.5", &pc));
	assert_false(policy_config_key(&f, "policy", "interval_ms", "5", &pc));
	assert_true(pc.params.tau == 0.75);
	assert_true(policy_config_key(&f, "policy", "tau", "0.5", &pc));
	assert_true(pc.params.tau == 0.5);
	/* A bad value of a policy key is still a policy key (no "unknown"
	 * warning on top of the error) and leaves the old value. */
	assert_true(policy_config_key(&f, "policy", "tau", "2", &pc));
	assert_int_equal(f.errors, 1);
	assert_true(pc.params.tau == 0.5);
}

/* policy_config_load: other sections are silent, unknown policy keys
 * warn, and a failed load leaves the caller's parameters alone. */
/* A file at path (a mkstemp template) holding text. */
static void tmp_ini(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *fp;

	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_load_file(void **state)
{
	char path[] = "/tmp/membal-policy-XXXXXX";
	struct policy_params p;
	struct cfg_file f;
	FILE *fp;

	tmp_ini(path, "[daemon]\ninterval_ms = 5\n[domain web]\nshares = 3\n"
		      "[policy]\ntau = 0.25\ntypo = 1\n");
	memset(&p, 0, sizeof(p));
	assert_int_equal(policy_config_load(path, &p, &f), 0);
	assert_true(p.tau == 0.25 && p.shares == 1);
	assert_int_equal(f.warnings, 1);

	fp = fopen(path, "w");
	fputs("[policy]\ntau = 0.3\nepsilon = x\n", fp);
	fclose(fp);
	assert_int_equal(policy_config_load(path, &p, &f), -1);
	assert_true(p.tau == 0.25);
	unlink(path);
	assert_int_equal(policy_config_load(path, &p, &f), -1);
}

/* Removed keys (policy_keys.c policy_removed): counted apart from the
 * warnings, the file loads, and no removed name is a row again. */
static void test_removed_keys(void **state)
{
	char path[] = "/tmp/membal-policy-XXXXXX";
	struct policy_params p;
	struct cfg_file f;

	tmp_ini(path, "[policy]\ngap_swapless_first = yes\ntau = 0.25\n"
		      "rise_comeback = yes\noom_raise_yield = yes\n"
		      "transfer_batch_kb = 16384\nscarce_walk_hold = yes\n"
		      "oom_over_paging = yes\nmin_created = yes\n"
		      "oom_over_lack = yes\ngap_follow = yes\n"
		      "min_change_mb = 8\n");
	memset(&p, 0, sizeof(p));
	assert_int_equal(policy_config_load(path, &p, &f), 0);
	assert_true(p.tau == 0.25);
	assert_int_equal(p.min_change_kb, 8 * 1024);   /* after them: read */
	assert_int_equal(f.removed, 9);
	assert_int_equal(f.warnings, 0);
	assert_int_equal(f.errors, 0);
	unlink(path);

	assert_true(policy_section.nremoved >= 20);
	for (size_t i = 0; i < policy_section.nremoved; i++) {
		const char *name = policy_section.removed[i].name;

		assert_int_equal(cfg_table_find(&policy_section, name), -1);
		assert_ptr_equal(cfg_table_removed(&policy_section, name),
				 &policy_section.removed[i]);
	}
	assert_null(cfg_table_removed(&policy_section, "tau"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_shipped_file_matches_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_static_max),
		cmocka_unit_test(test_chaining),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_removed_keys),
	};
	/* Errors are expected here; keep the output to the test's. */
	FILE *sink = fopen("/dev/null", "w");

	log_set_stream(sink);
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	fclose(sink);
	return rc;
}
