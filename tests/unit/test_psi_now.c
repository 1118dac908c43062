/* SPDX-License-Identifier: GPL-2.0-only */
/* design.md §Guest keys, "The pressure of now": the pressure of now is
 * the lower of PSI's avg10 and the share of time the guest stalled
 * between its last two reports (psi_some_total's delta), as the cycle
 * builds it from the arbiter's history (src/arbiter/guest_history.c);
 * avg10 trails a stall that ended by up to ten seconds, the delta does
 * not. The no-shrink rule reads it for a guest above its goal
 * (src/policy/pressure.c), avg10 for the others. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "arbiter/guest_history.h"
#include "figures_set.h"
#include "test_policy_util.h"

/* A guest's report with psi_some avg10 (1/100 %) and the stall counter. */
static struct guest_figures report(uint64_t avg10, uint64_t total_us)
{
	struct guest_figures g;

	memset(&g, 0, sizeof(g));
	set(&g, MK_TOT, 400000);
	set(&g, MK_FREE, 20000);
	set(&g, MK_AVAIL, 20000);
	set(&g, MK_PSI_SOME, avg10);
	set(&g, MK_PSI_SOME_TOTAL, total_us);
	return g;
}

/* Two reports dt_ms apart; the history as the cycle has it after them. */
static void two(struct guest_history *h, struct guest_figures *a,
		struct guest_figures *b, uint64_t dt_ms)
{
	memset(h, 0, sizeof(*h));
	guest_history_push(h, NULL, a, 1000);
	guest_history_push(h, a, b, 1000 + dt_ms);
}

/* guest_psi_some_now() after a report (avg_a, us_a) and one (avg_b,
 * us_b) dt_ms later, for the avg10 of the second. */
static uint64_t now_after(uint64_t avg_a, uint64_t us_a, uint64_t avg_b,
			  uint64_t us_b, uint64_t dt_ms)
{
	struct guest_history h;
	struct guest_figures a = report(avg_a, us_a), b = report(avg_b, us_b);

	two(&h, &a, &b, dt_ms);
	return guest_psi_some_now(&h, avg_b);
}

/* The stall ended: avg10 still 32 % (decaying), the counter did not move
 * in the last 2 s: no pressure now. */
static void test_stall_ended(void **state)
{
	(void)state;
	assert_int_equal(now_after(3400, 50000000, 3200, 50000000, 2000),
			 0);
}

/* The stall goes on: half of the last 2 s stalled (50 %), avg10 at 30 %:
 * avg10, as before. */
static void test_stall_goes_on(void **state)
{
	(void)state;
	assert_int_equal(now_after(2800, 50000000, 3000, 51000000, 2000),
			 3000);
}

/* A stall that starts: avg10 still 5 %, 80 % of the last second
 * stalled: avg10 (the rule does not hold a guest sooner than before). */
static void test_stall_starts(void **state)
{
	(void)state;
	assert_int_equal(now_after(0, 0, 500, 800000, 1000), 500);
}

/* Partly stalled and below avg10: the share, to the hundredth of a
 * percent (250 ms of 2 s = 12.50 %). */
static void test_share_below_avg10(void **state)
{
	(void)state;
	assert_int_equal(now_after(4000, 7000000, 3800, 7250000, 2000),
			 1250);
}

/* No delta: the first report, a counter that went backwards (a reboot),
 * a report without the counter (an older agent): avg10 alone. */
static void test_no_delta_is_avg10(void **state)
{
	struct guest_history h;
	struct guest_figures a = report(3000, 9000000), b = report(3000, 1000);
	struct guest_figures c = report(3000, 0);

	(void)state;
	memset(&h, 0, sizeof(h));
	guest_history_push(&h, NULL, &a, 1000);
	assert_int_equal(guest_psi_some_now(&h, 3000), 3000);
	two(&h, &a, &b, 1000);
	assert_int_equal(guest_psi_some_now(&h, 3000), 3000);
	c.have &= ~(1u << MK_PSI_SOME_TOTAL);
	two(&h, &a, &c, 1000);
	assert_int_equal(guest_psi_some_now(&h, 3000), 3000);
}

/* The policy's choice: a guest whose stall ended (avg10 32 %, nothing
 * stalled since its last report) and that holds 600 MiB above its goal
 * (W 300 + gap 64) is shrunk; at or below its goal it keeps avg10 and is
 * held (it may be between two bursts of paging of one climb); with
 * psi_now = no, or without the figure (membalctl plan input), avg10
 * holds it at any size. */
static void psi_dom(struct policy_dom *d, uint64_t held)
{
	*d = est_swap_dom(1, held, 300 * MIB);
	d->flags |= POLICY_IN_PSI | POLICY_IN_PSI_NOW;
	d->psi_some = 3200;
	d->psi_some_now = now_after(3400, 50000000, 3200, 50000000, 2000);
}

static void test_policy_reads_now_above_goal(void **state)
{
	struct policy_params p;
	struct policy_dom d;
	struct policy_decision out;
	struct policy_cycle cycle;

	(void)state;
	policy_params_default(&p);
	p.need = POLICY_NEED_ESTIMATE;
	p.psi_now = true;
	psi_dom(&d, 600 * MIB);
	assert_int_equal(d.psi_some_now, 0);
	decide(&p, 4096 * MIB, &d, 1, &out, &cycle);
	assert_false(out.reasons & POLICY_R_PSI);
	assert_true(out.floor_kb < 600 * MIB);
	assert_true(out.target_kb < 600 * MIB);

	/* At its goal: avg10, held. */
	psi_dom(&d, 364 * MIB);
	decide(&p, 4096 * MIB, &d, 1, &out, &cycle);
	assert_true(out.reasons & POLICY_R_PSI);
	assert_int_equal(out.floor_kb, 364 * MIB);

	/* psi_now = no, or no figure of now: avg10 holds it above its goal. */
	psi_dom(&d, 600 * MIB);
	p.psi_now = false;
	decide(&p, 4096 * MIB, &d, 1, &out, &cycle);
	assert_true(out.reasons & POLICY_R_PSI);
	assert_int_equal(out.floor_kb, 600 * MIB);
	p.psi_now = true;
	d.flags &= ~POLICY_IN_PSI_NOW;
	decide(&p, 4096 * MIB, &d, 1, &out, &cycle);
	assert_int_equal(out.floor_kb, 600 * MIB);
}

/* A heartbeat that repeats the last publication (the same avg10, the
 * same counter) while the guest stalls at a steady rate: avg10. */
static void test_repeated_figures_keep_avg10(void **state)
{
	(void)state;
	assert_int_equal(now_after(10000, 80000000, 10000, 80000000, 10000),
			 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stall_ended),
		cmocka_unit_test(test_stall_goes_on),
		cmocka_unit_test(test_stall_starts),
		cmocka_unit_test(test_share_below_avg10),
		cmocka_unit_test(test_no_delta_is_avg10),
		cmocka_unit_test(test_policy_reads_now_above_goal),
		cmocka_unit_test(test_repeated_figures_keep_avg10),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
