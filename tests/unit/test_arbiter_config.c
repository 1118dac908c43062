/* SPDX-License-Identifier: GPL-2.0-only */
/* arbiter.ini: [daemon] and [domain NAME] (the [policy] section has its
 * own test), file:line for every bad value, the shipped file = defaults. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbiter/arbiter_config.h"
#include "common/log.h"
#include "logcap.h"

static struct arbiter_config c;

static void test_defaults(void **state)
{
	arbiter_config_defaults(&c);
	assert_int_equal(c.interval_ms, 1000);
	assert_int_equal(c.stale_after_ms, 30000);
	assert_int_equal(c.stuck_after_ms, 20000);
	assert_int_equal(c.target_tolerance_kb, 1024);
	assert_string_equal(c.exclude, "*-dm");
	assert_false(c.manage_hvm);
	assert_false(c.manage_pvh);
	assert_int_equal(c.backend, ARB_BACKEND_XEN);
	assert_string_equal(c.status_file, "/run/membal/status.json");
	assert_string_equal(c.metrics_file, "");
	assert_int_equal(c.nrules, 0);
	assert_true(c.policy.params.tau == 0.75);
}

static void test_shipped_file_is_the_defaults(void **state)
{
	static struct arbiter_config def, shipped;
	const char *fx = getenv("MEMBAL_FIXTURES");
	char path[512];

	snprintf(path, sizeof(path), "%s/../../conf/arbiter.ini", fx ? fx : "tests/fixtures");
	arbiter_config_defaults(&def);
	assert_int_equal(arbiter_config_load(path, &shipped, NULL, 0), 0);
	assert_null(strstr(logged(), "unknown key"));
	/* Compare field by field that matter (the struct has padding). */
	assert_int_equal(shipped.interval_ms, def.interval_ms);
	assert_int_equal(shipped.stale_after_ms, def.stale_after_ms);
	assert_int_equal(shipped.stuck_after_ms, def.stuck_after_ms);
	assert_int_equal(shipped.target_tolerance_kb, def.target_tolerance_kb);
	assert_string_equal(shipped.exclude, def.exclude);
	assert_int_equal(shipped.manage_hvm, def.manage_hvm);
	assert_int_equal(shipped.manage_pvh, def.manage_pvh);
	assert_int_equal(shipped.log_level, def.log_level);
	assert_int_equal(shipped.tx_retries, def.tx_retries);
	assert_int_equal(shipped.max_domains, def.max_domains);
	assert_int_equal(shipped.backend, def.backend);
	assert_string_equal(shipped.status_file, def.status_file);
	assert_string_equal(shipped.control_socket, def.control_socket);
	assert_string_equal(shipped.metrics_file, def.metrics_file);
	assert_string_equal(shipped.lock_file, def.lock_file);
	assert_int_equal(shipped.nrules, 0);
	assert_memory_equal(&shipped.policy.params, &def.policy.params, sizeof(def.policy.params));
}

static void test_domain_rules_and_exclusion(void **state)
{
	assert_int_equal(arbiter_config_load_string("d.ini",
		"[daemon]\nexclude = *-dm test-*\n"
		"[domain web1]\nmin_mb = 512\nmax_mb = 4096\nshares = 2.5\n"
		"[domain test-keep]\nmanaged = yes\nheadroom = learned\n", &c), 0);
	const struct domain_rule *r = arbiter_config_rule(&c, "web1");
	assert_non_null(r);
	assert_true(r->has_min && r->has_max && r->has_shares && !r->has_managed);
	assert_int_equal(r->min_kb, 512 * 1024);
	assert_int_equal(r->max_kb, 4096 * 1024);
	assert_true(r->shares == 2.5);
	assert_null(arbiter_config_rule(&c, "web2"));
	assert_true(arbiter_config_excluded(&c, "web1-dm"));
	assert_true(arbiter_config_excluded(&c, "test-x"));
	assert_false(arbiter_config_excluded(&c, "web1"));
	r = arbiter_config_rule(&c, "test-keep");
	assert_true(r->has_managed && r->managed);
	assert_true(r->has_headroom && r->headroom == POLICY_HEADROOM_LEARNED);
	assert_false(arbiter_config_rule(&c, "web1")->has_headroom);
}

static void test_bad_values_named(void **state)
{
	c.interval_ms = 4242;
	assert_int_equal(arbiter_config_load_string("bad.ini",
		"[daemon]\n"
		"interval_ms = 10\n"          /* 2 */
		"manage_hvm = maybe\n"        /* 3 */
		"backend = kvm\n"             /* 4 */
		"stale_after_ms = 1x\n"       /* 5 */
		"[domain a]\n"
		"min_mb = 0\n"                /* 7 */
		"shares = -1\n"               /* 8 */
		"colour = blue\n"             /* 9: warning */
		"[domain b]\n"
		"min_mb = 900\n"              /* 11 */
		"max_mb = 100\n"              /* 12 */
		"[policy]\ntau = 1\n"         /* 14 */
		"[daemon]\nlock_file = run/arbiter.lock\n", /* 16 */
		&c), -1);
	assert_int_equal(c.interval_ms, 4242);
	assert_non_null(strstr(logged(), "bad.ini:2: [daemon] interval_ms: '10': out of range"));
	assert_non_null(strstr(logged(), "bad.ini:3: [daemon] manage_hvm: 'maybe': expected yes or no"));
	assert_non_null(strstr(logged(), "bad.ini:4: [daemon] backend: 'kvm': expected one of xen, sim"));
	assert_non_null(strstr(logged(), "bad.ini:5: [daemon] stale_after_ms: '1x'"));
	assert_non_null(strstr(logged(), "bad.ini:7: [domain a] min_mb: '0'"));
	assert_non_null(strstr(logged(), "bad.ini:8: [domain a] shares: '-1'"));
	assert_non_null(strstr(logged(), "bad.ini:9: [domain a] colour: unknown key"));
	assert_non_null(strstr(logged(), "bad.ini:12: [domain b] max_mb: min_mb 900 > max_mb 100"));
	assert_non_null(strstr(logged(), "bad.ini:14: [policy] tau"));
	assert_non_null(strstr(logged(), "bad.ini:16: [daemon] lock_file: 'run/arbiter.lock': expected an absolute path"));
}

static void test_stale_window_vs_interval(void **state)
{
	assert_int_equal(arbiter_config_load_string("s.ini",
		"[daemon]\ninterval_ms = 20000\nstale_after_ms = 30000\n", &c), -1);
	assert_non_null(strstr(logged(), "s.ini:3: [daemon] stale_after_ms: stale_after_ms 30000 is below two intervals"));
}

/* A key taken out of [policy] (sessions 23 to 26) in an older arbiter.ini:
 * the arbiter starts with the rest of the file, and the line is logged
 * as a notice with file:line, not as an unknown key (a typo). A typo
 * beside it is still reported as one. */
static void test_removed_key_ignored(void **state)
{
	c.interval_ms = 4242;
	assert_int_equal(arbiter_config_load_string("old.ini",
		"[policy]\n"
		"kill_margin = yes\n"        /* 2 */
		"tau = 0.3\n"
		"oom_min_fit = not-a-bool\n" /* 4: its value is never read */
		"tua = 0.4\n"                /* 5: a typo */
		"lack_part_wait = 8\n"       /* 6: removed in session 24 */
		"unpark_ramp_batch_kb = 2048\n"
		"oom_over_commit = yes\n"   /* 8: removed in session 25 */
		"min_mb = 96\n"
		"gap_half_start = yes\n"    /* 10: removed in session 26 */
		"oom_over_lack = maybe\n"   /* 11: likewise, its value never read */
		"gap_start_mb = 48\n"
		"[daemon]\ninterval_ms = 3000\n", &c), 0);
	assert_int_equal(c.interval_ms, 3000);
	assert_true(c.policy.params.tau == 0.3);
	assert_non_null(strstr(logged(), "old.ini:2: key kill_margin was removed in 0.1, ignored"));
	assert_non_null(strstr(logged(), "old.ini:4: key oom_min_fit was removed in 0.1, ignored"));
	assert_non_null(strstr(logged(), "old.ini:6: key lack_part_wait was removed in 0.1, ignored"));
	assert_null(strstr(logged(), "lack_part_wait: unknown key"));
	assert_int_equal(c.policy.params.unpark_ramp_batch_kb, 2048);
	assert_non_null(strstr(logged(), "old.ini:8: key oom_over_commit was removed in 0.1, ignored"));
	assert_null(strstr(logged(), "oom_over_commit: unknown key"));
	assert_int_equal(c.policy.params.min_kb, 96 * 1024);
	assert_non_null(strstr(logged(), "old.ini:10: key gap_half_start was removed in 0.1, ignored"));
	assert_non_null(strstr(logged(), "old.ini:11: key oom_over_lack was removed in 0.1, ignored"));
	assert_null(strstr(logged(), "oom_over_lack: unknown key"));
	assert_int_equal(c.policy.params.gap_start_kb, 48 * 1024);
	assert_null(strstr(logged(), "kill_margin: unknown key"));
	assert_non_null(strstr(logged(), "old.ini:5: [policy] tua: unknown key"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		logcap_test(test_defaults),
		logcap_test(test_shipped_file_is_the_defaults),
		logcap_test(test_domain_rules_and_exclusion),
		logcap_test(test_bad_values_named),
		logcap_test(test_stale_window_vs_interval),
		logcap_test(test_removed_key_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
