/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-sim's one CPU a run (src/sim/pin.c): slot i lands on the
 * (i mod n)-th CPU the process may use, threads started afterwards
 * inherit it, and a process allowed one CPU is left alone. Each case
 * runs in a child, so that the test process keeps its own affinity.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/pin.h"

/* The k-th CPU set in s, -1 if none. */
static int nth_cpu(const cpu_set_t *s, int k)
{
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, s) && k-- == 0)
			return cpu;
	return -1;
}

static void *report_affinity(void *arg)
{
	cpu_set_t *out = arg;

	if (sched_getaffinity(0, sizeof(*out), out) < 0)
		CPU_ZERO(out);
	return NULL;
}

/* In a child: pin to slot, then check the thread and a new thread. */
static int child_check(size_t slot, const cpu_set_t *allowed)
{
	int n = CPU_COUNT(allowed);
	cpu_set_t now, thr;
	pthread_t t;

	if (sim_pin_slot(slot) < 0)
		return 10;
	if (sched_getaffinity(0, sizeof(now), &now) < 0)
		return 11;
	if (n > 1 && (CPU_COUNT(&now) != 1 ||
		      !CPU_ISSET(nth_cpu(allowed, (int)(slot % (size_t)n)), &now)))
		return 12;
	if (n <= 1 && !CPU_EQUAL(&now, allowed))
		return 13;
	if (pthread_create(&t, NULL, report_affinity, &thr) != 0 ||
	    pthread_join(t, NULL) != 0)
		return 14;
	return CPU_EQUAL(&thr, &now) ? 0 : 15;
}

static void run_child(size_t slot, const cpu_set_t *allowed)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (sched_setaffinity(0, sizeof(*allowed), allowed) < 0)
			_exit(20);
		_exit(child_check(slot, allowed));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_slots_cycle_over_allowed_cpus(void **state)
{
	cpu_set_t allowed;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
	for (size_t slot = 0; slot < 2 * (size_t)CPU_COUNT(&allowed) + 1; slot++)
		run_child(slot, &allowed);
}

/* Allowed only the last CPU: every slot is that CPU. */
static void test_one_cpu_allowed_is_kept(void **state)
{
	cpu_set_t allowed, one;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
	CPU_ZERO(&one);
	CPU_SET(nth_cpu(&allowed, CPU_COUNT(&allowed) - 1), &one);
	run_child(0, &one);
	run_child(3, &one);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots_cycle_over_allowed_cpus),
		cmocka_unit_test(test_one_cpu_allowed_is_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
