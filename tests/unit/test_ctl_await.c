// SPDX-License-Identifier: GPL-2.0-only
/*
 * `membalctl reserve --wait` (src/ctl/control_cmd.c) against a scripted
 * arbiter on a unix socket (a thread): with an arbiter that knows
 * `await ID MS` it asks that, again after each `missing` answer, never
 * faster than every 100 ms; with an older arbiter (`ERR unknown request
 * 'await'`) it falls back to `reserved ID` every 100 ms; any other error
 * ends the wait.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl.h"

enum arbiter_kind { ARB_NEW, ARB_OLD, ARB_BROKEN };

struct fake {
	enum arbiter_kind kind;
	int fd;
	char path[108];
	char req[8][64];
	uint64_t at_ms[8];
	int n;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The scripted arbiter's answer to the f->n-th request (counted from 1). */
static const char *answer(struct fake *f, const char *req)
{
	if (!strncmp(req, "reserve ", 8))
		return "OK 7 reserving 16384 KiB until release";
	if (!strncmp(req, "await ", 6)) {
		if (f->kind == ARB_OLD)
			return "ERR unknown request 'await'";
		if (f->kind == ARB_BROKEN)
			return "ERR no reservation 7 (expired or released?)";
		return f->n < 4 ? "OK missing 1024 guests at their minimum" : "OK ready 7";
	}
	if (!strncmp(req, "reserved ", 9))
		return f->n < 5 ? "OK missing 1024 guests at their minimum" : "OK ready 7";
	return "ERR unknown request";
}

static void *serve(void *arg)
{
	struct fake *f = arg;

	while (f->n < 8) {
		char line[64] = "", out[128];
		int c = accept(f->fd, NULL, NULL);
		ssize_t r;

		if (c < 0)
			break;
		r = read(c, line, sizeof(line) - 1);
		if (r > 0) {
			line[r] = '\0';
			line[strcspn(line, "\n")] = '\0';
			snprintf(f->req[f->n], sizeof(f->req[f->n]), "%s", line);
			f->at_ms[f->n] = now_ms();
			f->n++;
			snprintf(out, sizeof(out), "%s\n", answer(f, line));
			if (write(c, out, strlen(out)) < 0)
				break;
		}
		close(c);
	}
	return NULL;
}

/* membalctl ARGS... --socket PATH against the scripted arbiter. */
static int run_args(struct fake *f, enum arbiter_kind kind, const char *const *args, int n)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	pthread_t th;
	int rc;

	memset(f, 0, sizeof(*f));
	f->kind = kind;
	snprintf(f->path, sizeof(f->path), "/tmp/membal-ctl-await.%d.sock", (int)getpid());
	unlink(f->path);
	f->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(f->fd >= 0);
	strcpy(sa.sun_path, f->path);
	assert_int_equal(bind(f->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(f->fd, 8), 0);
	assert_int_equal(pthread_create(&th, NULL, serve, f), 0);

	char *argv[16];

	assert_true(n + 3 <= 16);
	for (int i = 0; i < n; i++)
		argv[i] = (char *)args[i];
	argv[n] = "--socket";
	argv[n + 1] = f->path;
	argv[n + 2] = NULL;
	rc = control_main(n + 2, argv);
	shutdown(f->fd, SHUT_RDWR);
	close(f->fd);
	pthread_join(th, NULL);
	unlink(f->path);
	return rc;
}

static int run_wait(struct fake *f, enum arbiter_kind kind)
{
	static const char *const args[] = { "reserve", "16M", "--wait", "--timeout", "5" };

	return run_args(f, kind, args, 5);
}

/* --need SIZE travels as need=KIB beside for=NAME; without --for, at
 * 0, malformed or on another command it is a usage error (exit 2) and
 * nothing is asked. */
static void test_need_sent_with_for(void **state)
{
	static const char *const good[] = { "reserve", "1G", "--for", "ci7", "--need", "400M" };
	static const char *const bad[][6] = {
		{ "reserve", "1G", "--need", "400M" },
		{ "reserve", "1G", "--for", "ci7", "--need", "0" },
		{ "reserve", "1G", "--for", "ci7", "--need", "4x" },
		{ "reserve", "1G", "--for", "ci7", "--need", "" },
		{ "pause", "ci7", "--need", "400M" },
	};
	static const int nbad[] = { 4, 6, 6, 6, 4 };
	struct fake f;

	(void)state;
	assert_int_equal(run_args(&f, ARB_NEW, good, 6), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.req[0], "reserve 1048576 for=ci7 need=409600");
	for (size_t i = 0; i < sizeof(nbad) / sizeof(nbad[0]); i++) {
		assert_int_equal(run_args(&f, ARB_NEW, bad[i], nbad[i]), 2);
		assert_int_equal(f.n, 0);
	}
}

static void test_await_asked_again(void **state)
{
	struct fake f;

	(void)state;
	assert_int_equal(run_wait(&f, ARB_NEW), 0);
	assert_int_equal(f.n, 4);
	assert_string_equal(f.req[0], "reserve 16384");
	for (int i = 1; i < 4; i++)
		assert_string_equal(f.req[i], "await 7 100");
	/* answered at once with `missing`: the next ask waits out the 100 ms.
	 * Only a bound that load cannot break: the first await is sent after
	 * the reserve was received (at_ms[0]), and each ask comes at least
	 * 100 ms (less 1 ms of clock truncation) after the one before it was
	 * sent; the gap between two receipts alone moves with scheduling. */
	assert_true(f.at_ms[3] - f.at_ms[0] >= 2 * 99);
}

static void test_older_arbiter_polled(void **state)
{
	struct fake f;

	(void)state;
	assert_int_equal(run_wait(&f, ARB_OLD), 0);
	assert_int_equal(f.n, 5);
	assert_string_equal(f.req[1], "await 7 100");
	for (int i = 2; i < 5; i++)
		assert_string_equal(f.req[i], "reserved 7");
	/* the first `reserved` follows the refused await at once; the next
	 * two each wait out the 100 ms from the ask before (as above) */
	assert_true(f.at_ms[4] - f.at_ms[0] >= 2 * 99);
}

static void test_other_error_ends_it(void **state)
{
	struct fake f;

	(void)state;
	assert_int_equal(run_wait(&f, ARB_BROKEN), 1);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.req[1], "await 7 100");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_need_sent_with_for),
		cmocka_unit_test(test_await_asked_again),
		cmocka_unit_test(test_older_arbiter_polled),
		cmocka_unit_test(test_other_error_ends_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
