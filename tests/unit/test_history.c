/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decision history (src/arbiter/history.c): the journal is chosen only
 * when stderr is the stream JOURNAL_STREAM names; a sink receives every
 * field; a sink that fails, or no sink, gives the stderr line instead.
 */
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

#include "arbiter/history.h"
#include "common/log.h"

struct record {
	int calls, rc;
	struct history_change c;
	char domain[64], reason[64], message[256];
};

static int record_send(void *user, const struct history_change *c, const char *message)
{
	struct record *r = user;

	r->calls++;
	r->c = *c;
	snprintf(r->domain, sizeof(r->domain), "%s", c->domain);
	snprintf(r->reason, sizeof(r->reason), "%s", c->reason);
	snprintf(r->message, sizeof(r->message), "%s", message);
	return r->rc;
}

static const struct history_change change = {
	.domid = 7, .domain = "web1", .old_kb = 1048576, .target_kb = 917504,
	.demand_kb = 900000, .actual_kb = 1040000, .mode = "scarce",
	.stage = "price", .reason = "step", .has_price = true, .price = 2.5e-6,
};

static char logbuf[4096];

static FILE *capture(void)
{
	FILE *f = fmemopen(logbuf, sizeof(logbuf), "w");

	assert_non_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	memset(logbuf, 0, sizeof(logbuf));
	log_set_stream(f);
	return f;
}

static void test_sink_gets_the_fields(void **state)
{
	struct record r = { .rc = 0 };
	const struct history_sink sink = { record_send, &r };
	FILE *f = capture();

	log_set_level(LOG_INFO);
	history_set_sink(&sink);
	history_target_change(&change, "domain 7 (web1): target 1048576 -> 917504 KiB");
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.c.domid, 7);
	assert_string_equal(r.domain, "web1");
	assert_string_equal(r.reason, "step");
	assert_int_equal(r.c.target_kb, 917504);
	assert_int_equal(r.c.demand_kb, 900000);
	assert_string_equal(r.message, "domain 7 (web1): target 1048576 -> 917504 KiB");
	/* sent to the journal: no stderr line as well */
	assert_string_equal(logbuf, "");

	/* a failed send falls back to the line */
	r.rc = -1;
	history_target_change(&change, "the line");
	assert_int_equal(r.calls, 2);
	assert_non_null(strstr(logbuf, "the line"));

	/* below info, nothing at all (as the line would not be printed) */
	r.rc = 0;
	log_set_level(LOG_NOTICE);
	history_target_change(&change, "quiet");
	assert_int_equal(r.calls, 2);
	log_set_level(LOG_INFO);
	history_set_sink(NULL);
	log_set_stream(NULL);
	fclose(f);
}

/* JOURNAL_STREAM must name fd 2 itself: a redirection keeps the variable
 * (inherited from the service) but not the inode. */
static void test_journal_detection(void **state)
{
	char path[] = "/tmp/membal-history-XXXXXX", env[64];
	int fd = mkstemp(path), saved = dup(2);
	struct stat st;

	assert_true(fd >= 0 && saved >= 0);
	unlink(path);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(dup2(fd, 2), 2);

	unsetenv("JOURNAL_STREAM");
	assert_false(history_stderr_is_journal());
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	assert_true(history_stderr_is_journal());
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + 1);
	setenv("JOURNAL_STREAM", env, 1);
	assert_false(history_stderr_is_journal());
	snprintf(env, sizeof(env), "%llu:%llux", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	assert_false(history_stderr_is_journal());
	setenv("JOURNAL_STREAM", "garbage", 1);
	assert_false(history_stderr_is_journal());

	/* no journal detected: the default is the line */
	unsetenv("JOURNAL_STREAM");
	FILE *f = capture();

	history_set_sink(NULL);
	history_target_change(&change, "plain line");
	assert_non_null(strstr(logbuf, "plain line"));
	log_set_stream(NULL);
	fclose(f);
	dup2(saved, 2);
	close(saved);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sink_gets_the_fields),
		cmocka_unit_test(test_journal_detection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
