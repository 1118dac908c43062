// SPDX-License-Identifier: GPL-2.0-only
/*
 * `await ID MS` (src/arbiter/control_wait.c): `membalctl reserve --wait`
 * answered at the end of the cycle that makes its reservation ready,
 * not at its next ask. The real arbiter and the simulated host on the
 * driven clock; the client is one end of a socketpair, the arbiter's
 * accepted connection the other.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arbiter/control.h"
#include "loop_env.h"

#define MIB UINT64_C(1024)

/* 2048 MiB, dom0 512, `stay` 256 and `leaving` 640 (gone at 8 s): about
 * 640 MiB free before, 1280 after; a 1024 MiB reservation is ready at
 * the first cycle after `leaving` went. */
static const char *const leaving =
	"[host]\ntotal_mb = 2048\ndom0_mb = 512\n"
	"[guest stay]\ndomid = 1\nmemory_mb = 256\nstatic_max_mb = 512\n"
	"workload = const:200\n"
	"[guest leaving]\ndomid = 2\nmemory_mb = 640\nstatic_max_mb = 1024\n"
	"stop_s = 8\nworkload = const:100\n";

struct client {
	int me, arbiter;   /* the socketpair's two ends */
	bool parked;
};

/* A client sends its request; the arbiter serves the connection. */
static struct client send_request(struct env *e, const char *line)
{
	struct client c;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	c.me = sv[0];
	c.arbiter = sv[1];
	assert_int_equal(write(c.me, line, strlen(line)), (ssize_t)strlen(line));
	c.parked = control_serve_fd(c.arbiter, &e->a);
	if (!c.parked)
		close(c.arbiter);
	return c;
}

/* The answer line if one is there now, else "" (nothing sent yet). */
static const char *answer_now(struct client *c, char *buf, size_t size)
{
	struct pollfd p = { .fd = c->me, .events = POLLIN };
	ssize_t n;

	buf[0] = '\0';
	if (poll(&p, 1, 0) <= 0)
		return buf;
	n = read(c->me, buf, size - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* Not ready until `leaving` goes and a cycle reads it: parked through
 * the host's change (the last reading still says missing), answered at
 * the end of the cycle that reads the room, before any deadline. */
static void test_answered_at_the_cycle(void **state)
{
	struct env *e = loop_start("membal-await", leaving, SIM_AGENTS_INPROCESS, NULL);
	const struct sim_host *h = hv_sim_host(&e->hv);
	char line[64], buf[256], want[64];
	uint64_t free_before;
	struct client c;
	uint32_t id;

	(void)state;
	for (unsigned n = 0; n < 5; n++)
		loop_cycle(e);
	assert_int_equal(arbiter_reserve(&e->a, 1024 * MIB, 0, NULL, &id), 0);
	snprintf(line, sizeof(line), "await %u 5000\n", id);
	c = send_request(e, line);
	assert_true(c.parked);
	assert_int_equal(control_awaiting(), 1);
	assert_string_equal(answer_now(&c, buf, sizeof(buf)), "");
	free_before = sim_host_free_kb(h);
	for (unsigned n = 0; sim_host_free_kb(h) < free_before + 512 * MIB; n++) {
		if (n == 100)
			fail_msg("`leaving` was not destroyed");
		clock_advance(100);
		e->hv.ops->advance(&e->hv, clock_now_ms());
		control_wake(&e->a, clock_now_ms());
	}
	/* the room is there, the last cycle's reading does not have it */
	assert_string_equal(answer_now(&c, buf, sizeof(buf)), "");
	assert_int_equal(control_awaiting(), 1);
	loop_cycle(e);
	control_wake(&e->a, clock_now_ms());
	snprintf(want, sizeof(want), "OK ready %u", id);
	assert_string_equal(answer_now(&c, buf, sizeof(buf)), want);
	assert_int_equal(control_awaiting(), 0);
	close(c.me);
	stop(e);
}

/* Never ready (more than the host has): answered `missing` at its
 * deadline, not before; one released while parked: answered that it is
 * gone at once. */
static void test_deadline_and_gone(void **state)
{
	struct env *e = loop_start("membal-await-late", leaving, SIM_AGENTS_INPROCESS, NULL);
	char line[64], buf[256], want[64];
	struct client slow, gone;
	uint32_t huge, other;
	uint64_t t0;

	(void)state;
	for (unsigned n = 0; n < 3; n++)
		loop_cycle(e);
	assert_int_equal(arbiter_reserve(&e->a, 4096 * MIB, 0, NULL, &huge), 0);
	assert_int_equal(arbiter_reserve(&e->a, 4096 * MIB, 0, NULL, &other), 0);
	t0 = clock_now_ms();
	snprintf(line, sizeof(line), "await %u 300\n", huge);
	slow = send_request(e, line);
	snprintf(line, sizeof(line), "await %u 5000\n", other);
	gone = send_request(e, line);
	assert_true(slow.parked && gone.parked);
	assert_int_equal(control_wake_due(UINT64_MAX), t0 + 300);
	loop_cycle(e);
	control_wake(&e->a, t0 + 299);
	assert_string_equal(answer_now(&slow, buf, sizeof(buf)), "");
	control_wake(&e->a, t0 + 300);
	assert_non_null(strstr(answer_now(&slow, buf, sizeof(buf)), "OK missing "));
	assert_string_equal(answer_now(&gone, buf, sizeof(buf)), "");
	assert_int_equal(arbiter_release(&e->a, other), 1);
	control_wake(&e->a, t0 + 301);
	snprintf(want, sizeof(want), "ERR no reservation %u (expired or released?)", other);
	assert_string_equal(answer_now(&gone, buf, sizeof(buf)), want);
	assert_int_equal(control_awaiting(), 0);
	assert_int_equal(control_wake_due(UINT64_MAX), UINT64_MAX);
	close(slow.me);
	close(gone.me);
	stop(e);
}

/* Answered at once, as `reserved`: a ready reservation, MS 0, a bad
 * request, and one more than the table parks; at shutdown the parked
 * ones are told so. */
static void test_answered_at_once(void **state)
{
	struct env *e = loop_start("membal-await-now", leaving, SIM_AGENTS_INPROCESS, NULL);
	struct client c[CONTROL_AWAIT_MAX + 1];
	char line[64], buf[256], want[64];
	uint32_t small, huge;
	struct client x;

	(void)state;
	for (unsigned n = 0; n < 3; n++)
		loop_cycle(e);
	assert_int_equal(arbiter_reserve(&e->a, 64 * MIB, 0, NULL, &small), 0);
	loop_cycle(e);
	snprintf(line, sizeof(line), "await %u 1000\n", small);
	x = send_request(e, line);
	assert_false(x.parked);
	snprintf(want, sizeof(want), "OK ready %u", small);
	assert_string_equal(answer_now(&x, buf, sizeof(buf)), want);
	close(x.me);

	assert_int_equal(arbiter_reserve(&e->a, 4096 * MIB, 0, NULL, &huge), 0);
	snprintf(line, sizeof(line), "await %u 0\n", huge);
	x = send_request(e, line);
	assert_false(x.parked);
	assert_non_null(strstr(answer_now(&x, buf, sizeof(buf)), "OK missing "));
	close(x.me);
	for (unsigned i = 0; i < 4; i++) {
		static const char *const bad[] = {
			"await\n", "await 1\n", "await x 100\n", "await 1 10001\n",
		};

		x = send_request(e, bad[i]);
		assert_false(x.parked);
		assert_non_null(strstr(answer_now(&x, buf, sizeof(buf)), "ERR usage: await ID MS"));
		close(x.me);
	}

	snprintf(line, sizeof(line), "await %u 5000\n", huge);
	for (unsigned i = 0; i <= CONTROL_AWAIT_MAX; i++)
		c[i] = send_request(e, line);
	for (unsigned i = 0; i < CONTROL_AWAIT_MAX; i++)
		assert_true(c[i].parked);
	assert_false(c[CONTROL_AWAIT_MAX].parked);
	assert_non_null(strstr(answer_now(&c[CONTROL_AWAIT_MAX], buf, sizeof(buf)), "OK missing "));
	assert_int_equal(control_awaiting(), CONTROL_AWAIT_MAX);
	control_await_close();
	assert_int_equal(control_awaiting(), 0);
	for (unsigned i = 0; i < CONTROL_AWAIT_MAX; i++) {
		assert_string_equal(answer_now(&c[i], buf, sizeof(buf)), "ERR membal-arbiter stopping");
		close(c[i].me);
	}
	close(c[CONTROL_AWAIT_MAX].me);
	stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answered_at_the_cycle),
		cmocka_unit_test(test_deadline_and_gone),
		cmocka_unit_test(test_answered_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
