// SPDX-License-Identifier: GPL-2.0-only
/*
 * A reservation's need (`membalctl reserve SIZE --for NAME --need N`,
 * the control line's `need=KIB`; session 22): what the newcomer will
 * hold once it runs, which the policy's resv_page weighs against what
 * waits. The line comes from tools and scripts: a malformed need is
 * refused whole (no reservation made), counted in requests_rejected and
 * logged; a need is a newcomer's, so one without for= is refused too.
 * The arbiter hands the policy the named reservations' needs, a
 * reservation without one counted at its whole size, less what the
 * newcomer already holds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arbiter/control.h"
#include "loop_env.h"

#define MIB UINT64_C(1024)

static const char *const host =
	"[host]\ntotal_mb = 2048\ndom0_mb = 512\n"
	"[guest a]\ndomid = 1\nmemory_mb = 256\nstatic_max_mb = 512\n"
	"workload = const:200\n";

static char answer[CONTROL_ANSWER_MAX];

static const char *ask(struct env *e, const char *line)
{
	control_handle(&e->a, line, answer, sizeof(answer));
	return answer;
}

static unsigned in_force(const struct env *e)
{
	unsigned n = 0;

	for (size_t i = 0; i < RESV_MAX; i++)
		n += e->a.resv[i].id != 0;
	return n;
}

/* Each malformed line: ERR, no reservation, one more reject, logged. */
static void test_bad_need_refused(void **state)
{
	static const char *const bad[] = {
		"reserve 262144 for=vm need=0",             /* below 1 */
		"reserve 262144 for=vm need=1099511627777", /* above POLICY_KB_MAX */
		"reserve 262144 for=vm need=12x",           /* not a number */
		"reserve 262144 for=vm need=",              /* empty */
		"reserve 262144 for=vm need=-5",
		"reserve 262144 need=131072",               /* nobody's need */
		"reserve 262144 lease=60 need=131072",
		"reserve 262144 for=vm need=1 need=2",      /* twice */
		"reserve 262144 for=vm for=vm2",
		"reserve 262144 lease=60 lease=60",
		"reserve 262144 for=vm needs=131072",
	};
	struct env *e = loop_start("membal-resv-need", host, SIM_AGENTS_INPROCESS, NULL);

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t before = e->a.n.requests_rejected;

		if (strncmp(ask(e, bad[i]), "ERR ", 4))
			fail_msg("'%s' answered '%s'", bad[i], answer);
		assert_int_equal(e->a.n.requests_rejected, before + 1);
		assert_int_equal(in_force(e), 0);
	}
	assert_non_null(strstr(logged(e), "request refused: ERR need without for=NAME"));
	/* not about need, counted the same */
	ask(e, "frobnicate");
	assert_int_equal(e->a.n.requests_rejected, sizeof(bad) / sizeof(bad[0]) + 1);
	stop(e);
}

/* need= said, not said, and what the consumer holds taken off it. */
static void test_need_reaches_the_policy(void **state)
{
	struct env *e = loop_start("membal-resv-need", host, SIM_AGENTS_INPROCESS, NULL);
	uint32_t id, plain, tool;

	(void)state;
	assert_int_equal(strncmp(ask(e, "reserve 1048576 lease=60 for=vm need=409600"), "OK ", 3), 0);
	assert_int_equal(e->a.n.requests_rejected, 0);
	assert_int_equal(sscanf(answer, "OK %u", &id), 1);
	assert_int_equal(arbiter_reservation(&e->a, id)->need_kb, 409600);
	assert_int_equal(e->a.reserve_for_kb, 1048576);
	assert_int_equal(e->a.reserve_need_kb, 409600);

	/* no need said: the newcomer may use all it is created with */
	assert_int_equal(arbiter_reserve(&e->a, 393216, 0, "other", &plain), 0);
	assert_int_equal(e->a.reserve_need_kb, 409600 + 393216);
	/* a tool's staging area is nobody's: neither for nor need */
	assert_int_equal(arbiter_reserve(&e->a, 65536, 0, NULL, &tool), 0);
	assert_int_equal(e->a.reserve_for_kb, 1048576 + 393216);
	assert_int_equal(e->a.reserve_need_kb, 409600 + 393216);
	errno = 0;
	assert_int_equal(arbiter_reserve_need(&e->a, tool, 1024), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(arbiter_reserve_need(&e->a, 999, 1024), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(arbiter_reserve_need(&e->a, plain, 0), -1);
	assert_int_equal(errno, EINVAL);

	/* what the newcomer holds already comes off its need as off its size */
	struct reservation *r = arbiter_reservation(&e->a, id);

	r->consumed_kb = 300 * MIB;
	arbiter_release(&e->a, plain);
	assert_int_equal(e->a.reserve_need_kb, 409600 - 300 * MIB);
	r->consumed_kb = 500 * MIB;                 /* beyond its need */
	arbiter_release(&e->a, tool);
	assert_int_equal(e->a.reserve_need_kb, 0);
	assert_int_equal(e->a.reserve_for_kb, 1048576 - 500 * MIB);
	stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_need_refused),
		cmocka_unit_test(test_need_reaches_the_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
