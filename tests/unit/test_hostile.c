/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hostile guests in closed loop (docs/security.md): root inside guest b
 * replaced its agent and writes whatever it likes into its report keys,
 * through its own xenstore connection (a guest's rights, a guest's quota).
 * The honest guests a and c publish realistic figures. For every hostile
 * behaviour the test shows that
 *   - the rules hold in every cycle (tests/fuzz/loop.h, R1-R3): no target
 *     above H_i, no write asking a domain to shrink below L_i, no growth
 *     promised that free memory above the reserve cannot cover, maxmem
 *     ahead of every grant;
 *   - the others' allocations are what the rules give them, and
 *   - the hostile guest gets no more than its bound: H_b, and under
 *     scarcity no more than what the others' minimums leave.
 * The real arbiter, policy, libxenstore, test xenstored and sim backend;
 * the driven clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "loop.h"
#include "xenstored/xsd.h"

#define MIB 1024u

/* 2560 MiB host, dom0 512: 2048 MiB for three guests of 512 MiB (static-
 * max 2048), 512 MiB free at the start (440 above the 72 MiB reserve). */
static const char *const three = LOOP_THREE_GUESTS;

/* b's own ceiling, below its static-max, so that "no more than H_b" is a
 * rule of the configuration and not just of the hardware. */
static const char *const conf = LOOP_STALE_B_CAPPED;

/* What an honest agent reports for a domain holding N with this demand
 * (committed), like the sim's guests: MemTotal = N - 50 MiB. */
static struct loop_fig honest_fig(struct loop *l, uint32_t domid, uint64_t committed)
{
	uint64_t n = loop_sdom(l, domid)->tot_kb;
	uint64_t tot = n - 50 * MIB;
	uint64_t used = committed < tot ? committed : tot;

	return (struct loop_fig){
		.tot = tot, .free = tot - used, .avail = tot - used,
		.committed_as = committed, .balloon_current = n, .balloon_target = n,
	};
}

static void honest(struct loop *l, uint32_t domid, uint64_t committed)
{
	struct loop_fig f = honest_fig(l, domid, committed);

	assert_true(loop_publish(l, domid, &f, 0));
}

static void assert_rules(struct loop *l)
{
	if (l->violations)
		fail_msg("%u rule violation(s), first: %s", l->violations, l->first_violation);
}

/* Targets of the honest guests never below their minimum, the hostile one
 * never above its maximum, every cycle. */
struct watch {
	uint64_t a_min, c_min, b_max;    /* over the run */
	unsigned b_writes;
};

static void run_watching(struct loop *l, unsigned cycles, struct watch *w,
			 void (*each)(struct loop *, unsigned))
{
	for (unsigned i = 0; i < cycles; i++) {
		uint64_t b0 = loop_target(l, 2);

		if (each)
			each(l, i);
		loop_cycle(l);
		uint64_t a = loop_target(l, 1), b = loop_target(l, 2), c = loop_target(l, 3);

		w->a_min = w->a_min && w->a_min < a ? w->a_min : a;
		w->c_min = w->c_min && w->c_min < c ? w->c_min : c;
		w->b_max = w->b_max > b ? w->b_max : b;
		w->b_writes += b != b0;
	}
}

static void honest_both(struct loop *l, unsigned i)
{
	honest(l, 1, 700 * MIB);
	honest(l, 3, 700 * MIB);
}

/* b: no free memory at all, swap full, an enormous Committed_AS. Scarce:
 * a and c each want about 800 MiB. b is capped at its max_mb (1 GiB); a
 * and c are balanced at an equal price and keep far more than their
 * minimum. */
static void zero_free_full_swap(struct loop *l, unsigned i)
{
	struct loop_fig f = honest_fig(l, 2, 0);

	f.free = f.avail = 0;
	f.swap_tot = 4096 * MIB;
	f.swap_free = 0;
	f.committed_as = UINT64_C(1) << 40;      /* POLICY_KB_MAX: the bound */
	f.psi_some = 10000;
	f.swapin_rate = 1000000;
	assert_true(loop_publish(l, 2, &f, 0));
	honest_both(l, i);
}

static void test_zero_free_full_swap(void **state)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);
	struct watch w = { 0 };
	uint64_t amin, amax;

	loop_run(l, 1);         /* report keys handed over */
	run_watching(l, 60, &w, zero_free_full_swap);
	assert_rules(l);
	loop_bounds(l, 1, &amin, &amax);
	uint64_t a = loop_target(l, 1), b = loop_target(l, 2), c = loop_target(l, 3);

	print_message("zero free + full swap: b <= %llu KiB (its max 1048576), a %llu, c %llu (min %llu), mode %s\n",
		      (unsigned long long)w.b_max, (unsigned long long)a,
		      (unsigned long long)c, (unsigned long long)amin,
		      policy_mode_name(l->a.cycle.mode));
	assert_int_equal(l->a.cycle.mode, POLICY_MODE_SCARCE);
	assert_true(w.b_max <= 1024 * MIB);
	assert_int_equal(loop_adom(l, 2)->decision.goal_kb, 1024 * MIB);   /* MC_b = H_b */
	/* b gets no more than what the others' minimums leave. */
	uint64_t budget = 2048 * MIB + 512 * MIB - 72 * MIB;    /* sum N + F_h */
	assert_true(b <= budget - 2 * amin);
	/* The honest ones: never below L_i, balanced alike, and still far
	 * above their minimum: b's lie cost them, but only down to the
	 * price it pays. */
	assert_true(w.a_min >= amin && w.c_min >= amin);
	assert_true(a > amin + 256 * MIB && c > amin + 256 * MIB);
	assert_true(a >= c ? a - c <= 4 * MIB : c - a <= 4 * MIB);
	loop_stop(l);
}

/* b flips between "needs everything" and "needs nothing" every cycle, on
 * an abundant host: a and c, which ask for the same all along, are not
 * moved at all, and b's own churn is at most one write a cycle. */
static void flipping(struct loop *l, unsigned i)
{
	struct loop_fig f = honest_fig(l, 2, i % 2 ? 2000 * MIB : 0);

	assert_true(loop_publish(l, 2, &f, 0));
	honest(l, 1, 300 * MIB);
	honest(l, 3, 300 * MIB);
}

static const char *const roomy =
	"[host]\ntotal_mb = 8192\ndom0_mb = 512\n"
	"[guest a]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 2048\nagent = no\n"
	"[guest b]\ndomid = 2\nmemory_mb = 512\nstatic_max_mb = 2048\nagent = no\n"
	"[guest c]\ndomid = 3\nmemory_mb = 512\nstatic_max_mb = 2048\nagent = no\n";

static void test_flipping_figures(void **state)
{
	struct loop *l = loop_start(roomy, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);
	struct watch w = { 0 };

	loop_run(l, 1);
	for (int i = 0; i < 40; i++) {
		honest(l, 1, 300 * MIB);
		honest(l, 3, 300 * MIB);
		loop_cycle(l);
	}
	uint64_t a0 = loop_target(l, 1), c0 = loop_target(l, 3);

	run_watching(l, 60, &w, flipping);
	assert_rules(l);
	print_message("flipping: a %llu -> %llu, c %llu -> %llu, b max %llu, %u writes of b in 60 cycles\n",
		      (unsigned long long)a0, (unsigned long long)loop_target(l, 1),
		      (unsigned long long)c0, (unsigned long long)loop_target(l, 3),
		      (unsigned long long)w.b_max, w.b_writes);
	assert_int_equal(loop_target(l, 1), a0);
	assert_int_equal(loop_target(l, 3), c0);
	assert_true(w.b_max <= 1024 * MIB);
	assert_true(w.b_writes <= 60);
	assert_true(w.b_writes > 0);   /* it did get what it asked for, within H_b */
	loop_stop(l);
}

/* The same flipping on a scarce host moves the others too (global
 * balancing shares one budget), but never below their minimum. */
static void test_flipping_figures_scarce(void **state)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);
	struct watch w = { 0 };
	uint64_t amin, amax;

	loop_run(l, 1);
	run_watching(l, 60, &w, zero_free_full_swap);
	uint64_t a0 = loop_target(l, 1);
	struct watch w2 = { 0 };

	for (unsigned i = 0; i < 60; i++) {
		struct loop_fig f = honest_fig(l, 2, i % 2 ? 2000 * MIB : 0);

		assert_true(loop_publish(l, 2, &f, 0));
		run_watching(l, 1, &w2, honest_both);
	}
	assert_rules(l);
	loop_bounds(l, 1, &amin, &amax);
	print_message("flipping, scarce: a was %llu, lowest %llu (min %llu); b max %llu\n",
		      (unsigned long long)a0, (unsigned long long)w2.a_min,
		      (unsigned long long)amin, (unsigned long long)w2.b_max);
	assert_true(w2.a_min >= amin && w2.c_min >= amin);
	assert_true(w2.b_max <= 1024 * MIB);
	loop_stop(l);
}

/* b's stamp freezes while b keeps writing figures: first it rewrites the
 * same stamp with every publication, then it stops writing the stamp at
 * all. Neither is liveness (design.md §The cycle: the stamp must change), so after
 * stale_after_ms its target is frozen (it is left out of the policy, its
 * pending growth counted against F_h), whatever it writes; the others go
 * on. */
static void test_frozen_stamp(void **state)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);

	loop_run(l, 1);
	for (int i = 0; i < 5; i++) {
		honest(l, 2, 300 * MIB);
		honest_both(l, 0);
		loop_cycle(l);
	}
	for (int i = 0; i < 10; i++) {
		struct loop_fig f = honest_fig(l, 2, 1500 * MIB);

		assert_true(loop_publish(l, 2, &f, 424242));  /* the same each time */
		honest_both(l, 0);
		loop_cycle(l);
	}
	assert_int_equal(loop_adom(l, 2)->skip, SKIP_STALE);
	uint64_t frozen = loop_target(l, 2);
	uint64_t a0 = loop_target(l, 1);

	for (int i = 0; i < 30; i++) {
		struct loop_fig f = honest_fig(l, 2, i % 2 ? 2000 * MIB : 0);

		assert_true(loop_publish(l, 2, &f, LOOP_NO_STAMP));
		honest(l, 1, 1200 * MIB);    /* a wants more now: gets it */
		honest(l, 3, 300 * MIB);
		loop_cycle(l);
	}
	assert_rules(l);
	assert_int_equal(loop_adom(l, 2)->skip, SKIP_STALE);
	assert_int_equal(loop_target(l, 2), frozen);
	assert_true(loop_target(l, 1) > a0);
	print_message("frozen stamp: b frozen at %llu KiB; a went %llu -> %llu\n",
		      (unsigned long long)frozen, (unsigned long long)a0,
		      (unsigned long long)loop_target(l, 1));
	loop_stop(l);
}

/* stale_return through the daemon (design.md §Which domains are managed,
 * "A guest whose agent died"): b, cut below its creation size, goes
 * stale; the host is abundant, so b is lent back its 512 MiB of creation
 * (not its max_mb of 1024), and when a then climbs past what is free the
 * loan is taken back, never below the target b had when its reports
 * stopped, and never raised by the enormous demand b claims since. */
static void test_stale_loan_back(void **state)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);

	loop_run(l, 1);
	for (int i = 0; i < 20; i++) {
		honest(l, 1, 300 * MIB);
		honest(l, 2, 200 * MIB);
		honest(l, 3, 300 * MIB);
		loop_cycle(l);
	}
	uint64_t base = loop_target(l, 2), lent = 0;

	assert_true(base < 512 * MIB);
	for (int i = 0; i < 15; i++) {
		struct loop_fig f = honest_fig(l, 2, 200 * MIB);

		assert_true(loop_publish(l, 2, &f, LOOP_NO_STAMP));
		honest(l, 1, 300 * MIB);
		honest(l, 3, 300 * MIB);
		loop_cycle(l);
		lent = loop_target(l, 2) > lent ? loop_target(l, 2) : lent;
	}
	assert_int_equal(loop_adom(l, 2)->skip, SKIP_STALE);
	assert_int_equal(lent, 512 * MIB);
	assert_non_null(strstr(loop_log(l), "domain 2 (b): target"));
	assert_non_null(strstr(loop_log(l), "reports stale: given back"));
	uint64_t low = lent;

	for (int i = 0; i < 30; i++) {
		struct loop_fig f = honest_fig(l, 2, 4000 * MIB);   /* not read */

		assert_true(loop_publish(l, 2, &f, LOOP_NO_STAMP));
		honest(l, 1, 1500 * MIB);   /* a climbs: the host turns scarce */
		honest(l, 3, 300 * MIB);
		loop_cycle(l);
		low = loop_target(l, 2) < low ? loop_target(l, 2) : low;
		assert_true(loop_target(l, 2) <= 512 * MIB);
	}
	assert_rules(l);
	print_message("stale loan: b %llu -> lent %llu -> back to %llu KiB\n",
		      (unsigned long long)base, (unsigned long long)lent,
		      (unsigned long long)low);
	assert_true(low < lent);
	assert_true(low >= base);
	assert_non_null(strstr(loop_log(l), "lent memory taken back"));
	loop_stop(l);
}

/* b fills its quota: 2015-byte values (the most a node with one
 * permission entry holds) in every key it owns, children under them and
 * in its own directories until xenstored says ENOSPC, and a new 2015-byte
 * Committed_AS every cycle. Every report is refused and counted; b keeps
 * its last good figures, and its target but for stale_return's loan (its
 * size at creation, not its max_mb); a and c are not disturbed; a cycle
 * stays cheap. */
static void test_quota_filler(void **state)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);
	static char big[2015];
	char key[64];

	loop_run(l, 1);
	for (int i = 0; i < 20; i++) {
		honest(l, 2, 300 * MIB);
		honest(l, 1, 300 * MIB);
		honest(l, 3, 300 * MIB);
		loop_cycle(l);
	}
	uint64_t b0 = loop_target(l, 2), a_goal = loop_adom(l, 1)->decision.goal_kb;
	uint64_t rej0 = l->a.n.reports_rejected;
	struct xs_handle *h = loop_open_as(l, 2);
	unsigned nodes = 0;

	memset(big, '9', sizeof(big));
	for (int k = 0; k < MK_COUNT; k++)
		assert_true(loop_guest_write(h, 2, membal_key_name(k), big, sizeof(big)));
	errno = 0;
	for (unsigned i = 0; i < 2000; i++) {
		snprintf(key, sizeof(key), "/local/domain/2/data/d%u/junk%u", i / 40, i % 40);
		if (!xs_write(h, XBT_NULL, key, big, 1000))
			break;
		nodes++;
	}
	assert_int_equal(errno, ENOSPC);      /* xenstored's node quota */
	uint64_t worst_ns = 0;
	for (int i = 0; i < 20; i++) {
		big[0] = (char)('0' + i / 10);      /* a new figure, 2015 digits */
		big[1] = (char)('0' + i % 10);
		assert_true(loop_guest_write(h, 2, "committed_as", big, sizeof(big)));
		honest(l, 1, 300 * MIB);
		honest(l, 3, 300 * MIB);
		loop_cycle(l);
		worst_ns = l->a.cycle_ns > worst_ns ? l->a.cycle_ns : worst_ns;
	}
	xs_close(h);
	assert_rules(l);
	print_message("quota filler: %u extra nodes before ENOSPC, %llu reports refused, longest cycle %.2f ms\n",
		      nodes, (unsigned long long)(l->a.n.reports_rejected - rej0),
		      worst_ns / 1e6);
	assert_int_equal(l->a.n.reports_rejected - rej0, 20);
	/* Refused for longer than stale_after_ms, b is stale: stale_return
	 * (on by default) gives it back its size at creation, 512 MiB, out
	 * of free memory, and no more (H_b is 1024 MiB): what it writes
	 * does not raise it (design.md §Which domains are managed, "A guest
	 * whose agent died"). */
	assert_true(b0 < 512 * MIB);
	assert_int_equal(loop_target(l, 2), 512 * MIB);
	assert_non_null(strstr(loop_log(l), "reports stale: given back"));
	assert_int_equal(loop_adom(l, 1)->decision.goal_kb, a_goal);
	assert_non_null(strstr(loop_log(l), "domain 2 (b): report refused"));
	loop_stop(l);
}

/* b's balloon figures contradict the hypervisor: it claims to hold its
 * whole static-max (balloon_current) while Xen says 512 MiB, and a tiny
 * MemTotal, so that O_b = current - MemTotal is huge. O_b is clamped to
 * N_b, so its demand is at most C_b + N_b + headroom, and H_b caps it. */
static void test_balloon_lies(void **state)
{
	struct loop *l = loop_start(roomy, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);

	loop_run(l, 1);
	for (int i = 0; i < 30; i++) {
		struct loop_fig f = {
			.tot = 16 * MIB, .free = 8 * MIB, .committed_as = 8 * MIB,
			.balloon_current = 2048 * MIB, .balloon_target = 2048 * MIB,
		};
		const struct dom *d = loop_adom(l, 2);

		assert_true(loop_publish(l, 2, &f, 0));
		honest(l, 1, 300 * MIB);
		honest(l, 3, 300 * MIB);
		loop_cycle(l);
		/* MC_b = clamp(C + O + headroom, L, H) with O <= N_b. */
		if (d && d->decided)
			assert_true(d->decision.goal_kb <= 8 * MIB + d->actual_kb + 64 * MIB ||
				    d->decision.goal_kb == 128 * MIB);
	}
	assert_rules(l);
	assert_true(loop_target(l, 2) <= 1024 * MIB);
	print_message("balloon lies: b's goal %llu KiB, target %llu (N %llu)\n",
		      (unsigned long long)loop_adom(l, 2)->decision.goal_kb,
		      (unsigned long long)loop_target(l, 2),
		      (unsigned long long)loop_sdom(l, 2)->tot_kb);
	loop_stop(l);
}

/* b reports a new OOM kill with every publication. Each one raises its
 * minimum to N_b + oom_bump_mb for oom_hold_s: it is served before the
 * price rule and grows by a bump a cycle, but never above H_b, and the
 * others never below their L_i; the log says so once, not every cycle. */
static void fake_oom(struct loop *l, unsigned i)
{
	struct loop_fig f = honest_fig(l, 2, 100 * MIB);

	f.oom_kills = i + 1;
	assert_true(loop_publish(l, 2, &f, 0));
	honest_both(l, i);
}

static void test_fake_oom_kills(void **state)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);
	struct watch w = { 0 };
	uint64_t amin, amax;

	loop_run(l, 1);
	run_watching(l, 40, &w, fake_oom);
	assert_rules(l);
	loop_bounds(l, 1, &amin, &amax);
	const char *log = loop_log(l);
	unsigned lines = 0;

	for (const char *p = log; (p = strstr(p, "OOM kill(s)")); p++)
		lines++;
	print_message("fake OOM kills: %llu events, b reached %llu KiB (max 1048576), a lowest %llu, c lowest %llu (min %llu), %u log lines\n",
		      (unsigned long long)loop_adom(l, 2)->oom_events,
		      (unsigned long long)w.b_max, (unsigned long long)w.a_min,
		      (unsigned long long)w.c_min, (unsigned long long)amin, lines);
	assert_true(loop_adom(l, 2)->oom_events >= 30);
	assert_true(w.b_max <= 1024 * MIB);
	assert_true(w.a_min >= amin && w.c_min >= amin);
	assert_true(lines <= 2);
	loop_stop(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_free_full_swap),
		cmocka_unit_test(test_flipping_figures),
		cmocka_unit_test(test_flipping_figures_scarce),
		cmocka_unit_test(test_frozen_stamp),
		cmocka_unit_test(test_stale_loan_back),
		cmocka_unit_test(test_quota_filler),
		cmocka_unit_test(test_balloon_lies),
		cmocka_unit_test(test_fake_oom_kills),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
