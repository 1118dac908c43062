/* SPDX-License-Identifier: GPL-2.0-only */
/* Logging: sd-daemon prefixes, level threshold, rate limiting on a driven
 * clock (no real waiting). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"

static char *buf;
static size_t len;
static FILE *mem;

static int setup(void **state)
{
	struct log_config c = { .level = LOG_INFO, .sd_prefix = true, .limit_ms = 1000 };

	mem = open_memstream(&buf, &len);
	log_set_stream(mem);
	log_setup("test", &c);
	clock_drive(100000);
	return 0;
}

static int teardown(void **state)
{
	log_set_stream(NULL);
	fclose(mem);
	free(buf);
	buf = NULL;
	return 0;
}

static int count(const char *needle)
{
	int n = 0;

	fflush(mem);
	for (const char *p = buf; p && (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_prefix_and_threshold(void **state)
{
	log_warn("disk %d", 1);
	log_debug("hidden");
	log_info("shown");
	fflush(mem);
	assert_non_null(strstr(buf, "<4>disk 1\n"));
	assert_non_null(strstr(buf, "<6>shown\n"));
	assert_null(strstr(buf, "hidden"));
	log_set_level(LOG_DEBUG);
	log_debug("now visible");
	assert_int_equal(count("<7>now visible"), 1);
}

static void test_no_prefix_outside_systemd(void **state)
{
	struct log_config c = { .level = LOG_INFO, .sd_prefix = false, .limit_ms = 1000 };

	log_setup("membal-x", &c);
	log_err("boom");
	assert_int_equal(count("membal-x: err: boom\n"), 1);
}

static void test_newlines_cannot_forge_lines(void **state)
{
	log_info("guest said %s", "x\n<0>fake emergency");
	/* One line, with the guest's newline flattened. */
	assert_int_equal(count("\n<0>"), 0);
	assert_int_equal(count("x <0>fake emergency\n"), 1);
}

static void test_rate_limit(void **state)
{
	uint64_t before = log_suppressed_total();

	for (int i = 0; i < 10; i++)
		log_limited(LOG_WARNING, "dom7:free", "dom7 bad free %d", i);
	assert_int_equal(count("dom7 bad free"), 1);
	assert_int_equal(log_suppressed_total() - before, 9);
	/* Another key is independent. */
	log_limited(LOG_WARNING, "dom8:free", "dom8 bad free");
	assert_int_equal(count("dom8 bad free"), 1);
	/* After the interval the next one passes and reports the drops. */
	clock_advance(1000);
	log_limited(LOG_WARNING, "dom7:free", "dom7 bad free again");
	assert_int_equal(count("dom7 bad free again (9 similar suppressed)"), 1);
	clock_advance(999);
	log_limited(LOG_WARNING, "dom7:free", "dom7 third");
	assert_int_equal(count("dom7 third"), 0);
}

static void test_level_names(void **state)
{
	assert_int_equal(log_level_from_name("debug"), LOG_DEBUG);
	assert_int_equal(log_level_from_name("WARNING"), LOG_WARNING);
	assert_int_equal(log_level_from_name("error"), LOG_ERR);
	assert_int_equal(log_level_from_name("loud"), -1);
}

/* JOURNAL_STREAM names stderr only when its dev:ino is stderr's: a
 * child of a journald-connected service whose stderr was redirected to a
 * file inherits the variable but must not prefix its lines. */
static void test_journal_stream_detection(void **state)
{
	char path[] = "/tmp/membal-log.XXXXXX", env[64];
	int saved = dup(STDERR_FILENO), fd = mkstemp(path);
	struct stat st;

	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	assert_int_equal(fstat(fd, &st), 0);

	unsetenv("JOURNAL_STREAM");
	assert_false(log_stderr_is_journal());
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	assert_true(log_stderr_is_journal());
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + 1);
	setenv("JOURNAL_STREAM", env, 1);
	assert_false(log_stderr_is_journal());
	setenv("JOURNAL_STREAM", "garbage", 1);
	assert_false(log_stderr_is_journal());
	snprintf(env, sizeof(env), "%llu:%llux", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	assert_false(log_stderr_is_journal());

	unsetenv("JOURNAL_STREAM");
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prefix_and_threshold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_prefix_outside_systemd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newlines_cannot_forge_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_level_names, setup, teardown),
		cmocka_unit_test(test_journal_stream_detection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
