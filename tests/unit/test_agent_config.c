/* SPDX-License-Identifier: GPL-2.0-only */
/* agent.ini: defaults as conf/agent.ini states them, every bad value named by file:line, the
 * shipped conf/agent.ini equal to the built-in defaults. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_config.h"
#include "common/log.h"
#include "logcap.h"

static void test_defaults_are_the_spec(void **state)
{
	struct agent_config c;

	agent_config_defaults(&c);
	assert_int_equal(c.sample_ms, 1000);
	assert_int_equal(c.heartbeat_ms, 10000);
	assert_int_equal(c.report_delta_kb, 4096);
	assert_int_equal(c.fmd_window, 10);
	assert_int_equal(c.fmd_kb, 5120);
	assert_int_equal(c.fmd_max_reject, 3);
	assert_int_equal(c.tx_retries, 8);
	assert_int_equal(c.handover_retry_ms, 5000);
	assert_int_equal(c.reconnect_max_ms, 30000);
	assert_int_equal(c.domid, AGENT_DOMID_AUTO);
	assert_int_equal(c.log_level, LOG_INFO);
	assert_string_equal(c.meminfo_path, "/proc/meminfo");
	assert_string_equal(c.vmstat_path, "/proc/vmstat");
	assert_string_equal(c.psi_path, "/proc/pressure/memory");
	assert_string_equal(c.sysfs_root, "/sys");
}

/* The commented file we ship must say what the code does. */
static void test_shipped_file_matches_defaults(void **state)
{
	struct agent_config def, shipped;
	char path[512];
	const char *fx = getenv("MEMBAL_FIXTURES");

	snprintf(path, sizeof(path), "%s/../../conf/agent.ini", fx ? fx : "tests/fixtures");
	agent_config_defaults(&def);
	memset(&shipped, 0x5a, sizeof(shipped));
	assert_int_equal(agent_config_load(path, &shipped), 0);
	assert_memory_equal(&def, &shipped, sizeof(def));
	assert_null(strstr(logged(), "unknown key"));
}

static void test_values_applied(void **state)
{
	struct agent_config c;

	assert_int_equal(agent_config_load_string("a.ini",
		"[agent]\nsample_ms=250\nheartbeat_ms=2000\nreport_delta_kb=0\n"
		"fmd_window=4\nfmd_kb=0\nfmd_max_reject=0\ndomid=7\nlog_level=debug\n"
		"meminfo_path=/tmp/m\nsysfs_root=/tmp/sys\n", &c), 0);
	assert_int_equal(c.sample_ms, 250);
	assert_int_equal(c.heartbeat_ms, 2000);
	assert_int_equal(c.report_delta_kb, 0);
	assert_int_equal(c.fmd_window, 4);
	assert_int_equal(c.fmd_kb, 0);
	assert_int_equal(c.fmd_max_reject, 0);
	assert_int_equal(c.domid, 7);
	assert_int_equal(c.log_level, LOG_DEBUG);
	assert_string_equal(c.meminfo_path, "/tmp/m");
	assert_string_equal(c.sysfs_root, "/tmp/sys");
}

static void test_bad_values_keep_old_config(void **state)
{
	struct agent_config c;
	const char *text =
		"[agent]\n"
		"sample_ms = 5\n"           /* 2: below 10 */
		"heartbeat_ms = -1\n"       /* 3 */
		"report_delta_kb = 4k\n"    /* 4 */
		"fmd_window = 0\n"          /* 5 */
		"fmd_kb = 99999999999999999999\n" /* 6 */
		"domid = 32752\n"           /* 7: reserved domids */
		"log_level = chatty\n"      /* 8 */
		"bogus = 1\n"               /* 9: warning only */
		"[other]\nx = 1\ny = 2\n";  /* 10: warning only, once */

	agent_config_defaults(&c);
	c.sample_ms = 4242;
	assert_int_equal(agent_config_load_string("bad.ini", text, &c), -1);
	assert_int_equal(c.sample_ms, 4242); /* untouched */
	assert_non_null(strstr(logged(), "bad.ini:2: [agent] sample_ms: '5': out of range"));
	assert_non_null(strstr(logged(), "bad.ini:3: [agent] heartbeat_ms: '-1': not a plain decimal"));
	assert_non_null(strstr(logged(), "bad.ini:4: [agent] report_delta_kb: '4k'"));
	assert_non_null(strstr(logged(), "bad.ini:5: [agent] fmd_window: '0': out of range"));
	assert_non_null(strstr(logged(), "bad.ini:6: [agent] fmd_kb:"));
	assert_non_null(strstr(logged(), "bad.ini:7: [agent] domid: '32752': out of range"));
	assert_non_null(strstr(logged(), "bad.ini:8: [agent] log_level: 'chatty'"));
	assert_non_null(strstr(logged(), "bad.ini:9: [agent] bogus: unknown key"));
	assert_non_null(strstr(logged(), "bad.ini:10: [other]: unknown section, ignored"));
	assert_null(strstr(logged(), "[other] x"));
}

static void test_heartbeat_shorter_than_sample(void **state)
{
	struct agent_config c;

	assert_int_equal(agent_config_load_string("hb.ini",
		"[agent]\nsample_ms=5000\nheartbeat_ms=1000\n", &c), -1);
	assert_non_null(strstr(logged(), "hb.ini:3: [agent] heartbeat_ms: heartbeat_ms 1000 is shorter than sample_ms 5000"));
}

static void test_unknown_keys_only_warn(void **state)
{
	struct agent_config c;

	assert_int_equal(agent_config_load_string("w.ini",
		"[agent]\nsample_ms=2000\nfuture_key=1\n", &c), 0);
	assert_int_equal(c.sample_ms, 2000);
	assert_non_null(strstr(logged(), "w.ini:3: [agent] future_key: unknown key, ignored"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		logcap_test(test_defaults_are_the_spec),
		logcap_test(test_shipped_file_matches_defaults),
		logcap_test(test_values_applied),
		logcap_test(test_bad_values_keep_old_config),
		logcap_test(test_heartbeat_shorter_than_sample),
		logcap_test(test_unknown_keys_only_warn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
