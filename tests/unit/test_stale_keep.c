/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A dead agent's loan, kept (stale_return across a restart; stale_keep.c,
 * state.h's stale word; design.md §Which domains are managed, "A guest
 * whose agent died"). In closed loop (tests/fuzz/loop.h: the real arbiter,
 * policy, libxenstore, test xenstored and sim backend, the driven clock):
 * guest b, cut below its 512 MiB of creation, stops reporting; the
 * abundant host lends it back its 512 MiB; then the arbiter is killed
 * (kill -9) or stopped (SIGTERM) and started again, and guest a climbs
 * until the host is scarce. What must hold:
 *   - the restarted arbiter does not decide b on its dead agent's last
 *     report: b is stale from its first cycle, its target untouched;
 *   - the loan is taken back in one write, to exactly b's target when
 *     its reports stopped, never below, and b is not lent again;
 *   - nothing b writes (memory/membal_state, memory/target, static-max,
 *     its own report keys, removing them) raises its bound or its floor.
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

#include "arbiter/arbiter_int.h"
#include "arbiter/control.h"
#include "arbiter/reserve.h"
#include "arbiter/state.h"
#include "common/clock.h"
#include "loop.h"
#include "xenstored/xsd.h"

#define MIB 1024u

/* 2560 MiB host, dom0 512: three guests of 512 MiB (static-max 2048). */
static const char *const three = LOOP_THREE_GUESTS;

/* b's max_mb above its creation size: the loan's bound is the creation
 * size, not H_b. */
static const char *const conf = LOOP_STALE_B_CAPPED;

/* An honest agent's figures for a domain holding N with this demand. */
static void honest(struct loop *l, uint32_t domid, uint64_t committed)
{
	uint64_t n = loop_sdom(l, domid)->tot_kb, tot = n - 50 * MIB;
	uint64_t used = committed < tot ? committed : tot;
	struct loop_fig f = {
		.tot = tot, .free = tot - used, .avail = tot - used,
		.committed_as = committed, .balloon_current = n, .balloon_target = n,
	};

	assert_true(loop_publish(l, domid, &f, 0));
}

/* b's agent is dead: its keys say what they said (no new stamp). */
static void b_dead(struct loop *l, uint64_t committed)
{
	uint64_t n = loop_sdom(l, 2)->tot_kb, tot = n - 50 * MIB;
	struct loop_fig f = {
		.tot = tot, .free = tot - committed, .avail = tot - committed,
		.committed_as = committed, .balloon_current = n, .balloon_target = n,
	};

	assert_true(loop_publish(l, 2, &f, LOOP_NO_STAMP));
}

/* One cycle with every guest reporting: a 300, b 200, c 300 MiB. */
static void live_cycle(struct loop *l)
{
	honest(l, 1, 300 * MIB);
	honest(l, 2, 200 * MIB);
	honest(l, 3, 300 * MIB);
	loop_cycle(l);
}

/* One cycle with b's reports stopped (its load 200 MiB), a and c live. */
static void silent_cycle(struct loop *l)
{
	b_dead(l, 200 * MIB);
	honest(l, 1, 300 * MIB);
	honest(l, 3, 300 * MIB);
	loop_cycle(l);
}

static char *state_of_b(struct loop *l)
{
	unsigned len = 0;
	char *s = xs_read(l->h0, XBT_NULL, "/local/domain/2/memory/membal_state", &len);

	assert_non_null(s);
	return s;
}

static void assert_rules(struct loop *l)
{
	if (l->violations)
		fail_msg("%u rule violation(s), first: %s", l->violations, l->first_violation);
}

/* b reports, is cut below 512 MiB, then its agent dies and the abundant
 * host lends it its 512 MiB back. Returns b's target when its reports
 * stopped (the floor). */
static uint64_t lend_to_b(struct loop *l)
{
	loop_run(l, 1);
	for (int i = 0; i < 20; i++)
		live_cycle(l);
	uint64_t base = loop_target(l, 2);

	assert_true(base < 512 * MIB - 64 * MIB);
	for (int i = 0; i < 15; i++)
		silent_cycle(l);
	assert_int_equal(loop_adom(l, 2)->skip, SKIP_STALE);
	assert_int_equal(loop_target(l, 2), 512 * MIB);
	assert_int_equal(loop_adom(l, 2)->stale_base_kb, base);

	/* the floor, the stamp and the creation size are in xenstore */
	char *st = state_of_b(l), want[64];

	snprintf(want, sizeof(want), " stale=%llu:", (unsigned long long)base);
	assert_non_null(strstr(st, want));
	assert_non_null(strstr(st, ":0"));
	assert_non_null(strstr(st, "created_kb=524288"));
	free(st);
	return base;
}

/* a climbs, 24 MiB a cycle, until the host is scarce and past: short by
 * a little at first, then by more than b's loan. b's loan comes back in
 * one write, to `base` exactly (session 23's proportional take-back
 * walked it down in several); counted over `cycles`. Returns b's lowest
 * target. */
static uint64_t climb(struct loop *l, unsigned cycles, unsigned *b_writes)
{
	uint64_t low = loop_target(l, 2);

	*b_writes = 0;
	for (unsigned i = 0; i < cycles; i++) {
		uint64_t b0 = loop_target(l, 2);

		uint64_t want = 300 * MIB + 24 * MIB * i;

		b_dead(l, 4000 * MIB);          /* not read: no new stamp */
		honest(l, 1, want < 1500 * MIB ? want : 1500 * MIB);
		honest(l, 3, 300 * MIB);
		loop_cycle(l);
		*b_writes += loop_target(l, 2) != b0;
		low = loop_target(l, 2) < low ? loop_target(l, 2) : low;
		assert_true(loop_target(l, 2) <= 512 * MIB);
	}
	return low;
}

/* climb() over 60 cycles: b's loan comes back to `floor` exactly, in one
 * write, the rules kept throughout (`what` names the case). */
static void climb_back(struct loop *l, uint64_t floor, const char *what)
{
	unsigned writes;
	uint64_t low = climb(l, 60, &writes);

	assert_rules(l);
	print_message("%s: b lent 524288 KiB, back to %llu (floor %llu) in %u write(s)\n",
		      what, (unsigned long long)low, (unsigned long long)floor, writes);
	assert_int_equal(low, floor);
	assert_int_equal(writes, 1);
}

/* The host abundant again: b is not lent a second time. */
static void calm(struct loop *l, unsigned cycles, uint64_t base)
{
	for (unsigned i = 0; i < cycles; i++) {
		silent_cycle(l);
		assert_int_equal(loop_target(l, 2), base);
	}
}

/* The restarted arbiter's first cycles: b stale at once, its loan kept. */
static void first_cycles_after_restart(struct loop *l)
{
	for (int i = 0; i < 3; i++) {
		silent_cycle(l);
		assert_int_equal(loop_adom(l, 2)->skip, SKIP_STALE);
		assert_false(loop_adom(l, 2)->decided);
		assert_int_equal(loop_target(l, 2), 512 * MIB);
	}
	assert_non_null(strstr(loop_log(l), "domain 2 (b): reports stale before the restart"));
}

static void restart_keeps_loan(bool sigterm)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);
	uint64_t base = lend_to_b(l);

	if (sigterm)
		arbiter_shutdown(&l->a);
	loop_restart_arbiter(l);
	first_cycles_after_restart(l);
	assert_int_equal(loop_adom(l, 2)->stale_base_kb, base);
	climb_back(l, base, sigterm ? "SIGTERM, restarted" : "kill -9, restarted");
	assert_int_equal(loop_target(l, 2), base);
	assert_non_null(strstr(loop_log(l), "lent memory taken back"));

	/* refused, in xenstore too: a third start lends nothing either */
	char *st = state_of_b(l);

	assert_non_null(strstr(st, ":1"));
	free(st);
	loop_restart_arbiter(l);
	calm(l, 20, base);
	assert_rules(l);
	loop_stop(l);
}

static void test_kill9_keeps_loan(void **state)
{
	restart_keeps_loan(false);
}

static void test_sigterm_keeps_loan(void **state)
{
	restart_keeps_loan(true);
}

/* Without a restart the take-back is one write too (the proportional
 * walk of session 23 took nine on this ramp), and b is not lent again. */
static void test_take_back_one_write(void **state)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);
	uint64_t base = lend_to_b(l);

	climb_back(l, base, "no restart");
	calm(l, 20, base);
	loop_stop(l);
}

/* The guest tries to raise its bound or its floor: root in b writes a
 * forged memory/membal_state, removes it, changes its permissions, writes
 * memory/target and static-max (all refused by xenstored), removes its
 * own report keys (allowed: they are its), then the arbiter restarts.
 * The state is what dom0 wrote; b is stale at once (no report: not a
 * no-agent domain that would keep the loan for good), bounded by its
 * creation size, and the take-back stops at its floor. */
static void test_guest_cannot_raise(void **state)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);
	uint64_t base = lend_to_b(l);
	char *before = state_of_b(l);
	struct xs_handle *h = loop_open_as(l, 2);
	static const char forged[] =
		"hold=none oom_min_kb=0 oom_until=0 created_kb=2097152 stale=1048576:7:0";
	struct xs_permissions open_perm = { .id = 2, .perms = XS_PERM_WRITE };
	unsigned writes;

	errno = 0;
	assert_false(loop_guest_write(h, 2, "membal_state", forged, sizeof(forged) - 1));
	assert_int_equal(errno, EACCES);
	assert_false(xs_rm(h, XBT_NULL, "/local/domain/2/memory/membal_state"));
	assert_false(xs_set_permissions(h, XBT_NULL, "/local/domain/2/memory/membal_state",
					&open_perm, 1));
	assert_false(loop_guest_write(h, 2, "target", "2097152", 7));
	assert_false(loop_guest_write(h, 2, "static-max", "4194304", 7));
	assert_false(loop_guest_write(h, 2, "membal_state2", "x", 1));
	char *after = state_of_b(l);

	assert_string_equal(before, after);
	free(before);
	free(after);

	/* its own keys: a huge claim under the same stamp, then nothing */
	b_dead(l, 1500 * MIB);
	loop_cycle(l);
	assert_int_equal(loop_target(l, 2), 512 * MIB);
	for (int k = 0; k < MK_COUNT; k++) {
		char path[96];

		snprintf(path, sizeof(path), "/local/domain/2/memory/%s", membal_key_name(k));
		xs_rm(h, XBT_NULL, path);
	}
	xs_rm(h, XBT_NULL, "/local/domain/2/memory/report");
	xs_close(h);

	loop_restart_arbiter(l);
	for (int i = 0; i < 5; i++) {
		honest(l, 1, 300 * MIB);
		honest(l, 3, 300 * MIB);
		loop_cycle(l);
		assert_int_equal(loop_adom(l, 2)->skip, SKIP_STALE);
		assert_int_equal(loop_target(l, 2), 512 * MIB);
	}
	assert_int_equal(loop_adom(l, 2)->created_kb, 512 * MIB);
	assert_int_equal(loop_adom(l, 2)->stale_base_kb, base);
	uint64_t low = UINT64_MAX;

	writes = 0;
	for (int i = 0; i < 60; i++) {
		uint64_t b0 = loop_target(l, 2), want = 300 * MIB + 24 * MIB * (uint64_t)i;

		honest(l, 1, want < 1500 * MIB ? want : 1500 * MIB);
		honest(l, 3, 300 * MIB);
		loop_cycle(l);
		writes += loop_target(l, 2) != b0;
		low = loop_target(l, 2) < low ? loop_target(l, 2) : low;
	}
	assert_rules(l);
	print_message("guest-written keys: b lent 524288 KiB, floor %llu, back to %llu in %u write(s)\n",
		      (unsigned long long)base, (unsigned long long)low, writes);
	assert_int_equal(low, base);
	assert_int_equal(writes, 1);
	loop_stop(l);
}

/* A report with a new stamp is liveness: the word goes, and b is decided
 * again (a restart then finds no staleness to keep). */
static void test_report_ends_it(void **state)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);

	(void)lend_to_b(l);
	loop_restart_arbiter(l);
	loop_cycle(l);
	assert_int_equal(loop_adom(l, 2)->skip, SKIP_STALE);
	for (int i = 0; i < 3; i++)
		live_cycle(l);
	assert_int_not_equal(loop_adom(l, 2)->skip, SKIP_STALE);
	assert_false(loop_adom(l, 2)->stale_kept);
	char *st = state_of_b(l);

	assert_null(strstr(st, "stale="));
	free(st);
	loop_stop(l);
}

/* The arbiter restarts while b still reports, its target moved below its
 * creation size; b's agent dies after. Its first write saved the creation
 * size (created_kb) in memory/membal_state, so the restarted arbiter lends
 * it back its 512 MiB, not the target it read at adoption (the e2e's g1:
 * the restart phase comes before its agent stops). */
static void test_restart_then_dies(void **state)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);
	uint64_t lent = 0;

	loop_run(l, 1);
	for (int i = 0; i < 20; i++)
		live_cycle(l);
	uint64_t base = loop_target(l, 2);
	char *st = state_of_b(l);

	assert_true(base < 512 * MIB - 64 * MIB);
	assert_non_null(strstr(st, "created_kb=524288"));
	assert_null(strstr(st, "stale="));
	free(st);
	loop_restart_arbiter(l);
	for (int i = 0; i < 3; i++)
		live_cycle(l);
	assert_int_equal(loop_adom(l, 2)->created_kb, 512 * MIB);
	for (int i = 0; i < 15; i++) {
		silent_cycle(l);
		lent = loop_target(l, 2) > lent ? loop_target(l, 2) : lent;
	}
	assert_int_equal(loop_adom(l, 2)->skip, SKIP_STALE);
	assert_int_equal(lent, 512 * MIB);
	assert_rules(l);
	loop_stop(l);
}

/* `membalctl pause b` while b is stale and lent, a kill -9 during the
 * pause, `resume`: the pause ends neither the staleness nor the loan, the
 * state keeps both, and the take-back after the resume goes to the floor
 * b had when its reports stopped, not to the lent target. */
static void test_pause_keeps_loan(void **state)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);
	uint64_t base = lend_to_b(l);

	assert_int_equal(arbiter_pause(&l->a, "b", true), 0);
	for (int i = 0; i < 5; i++) {
		silent_cycle(l);
		assert_int_equal(loop_adom(l, 2)->skip, SKIP_HOLD_PAUSED);
	}
	char *st = state_of_b(l);

	assert_non_null(strstr(st, "hold=paused"));
	assert_non_null(strstr(st, " stale="));
	free(st);
	loop_restart_arbiter(l);
	loop_cycle(l);
	assert_int_equal(loop_adom(l, 2)->skip, SKIP_HOLD_PAUSED);
	assert_int_equal(arbiter_pause(&l->a, "b", false), 0);
	climb_back(l, base, "paused and restarted");
	loop_stop(l);
}

/* A floor read back is text like any other: a memory/membal_state that
 * says b's floor is 4 KiB (corrupted, or written by hand) makes the
 * take-back stop at L_b, never lower. */
static void test_corrupt_floor_bounded(void **state)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);
	char text[160];
	uint64_t min_kb, max_kb;

	(void)lend_to_b(l);
	snprintf(text, sizeof(text), "hold=none oom_min_kb=0 oom_until=0 created_kb=524288 stale=4:%llu:0",
		 (unsigned long long)loop_adom(l, 2)->stale_stamp);
	/* changed while no cycle runs, then kill -9 and a new start */
	assert_true(xs_write(l->h0, XBT_NULL, "/local/domain/2/memory/membal_state", text,
			     (unsigned)strlen(text)));
	loop_restart_arbiter(l);
	loop_bounds(l, 2, &min_kb, &max_kb);
	climb_back(l, min_kb, "a floor of 4 KiB in the state (the floor: L_b)");
	loop_stop(l);
}

/* The real-Xen e2e's take-back (tests/e2e-xen/scenarios.sh, `stale-take-back`):
 * no guest climbs, an administrator reserves what is free above the
 * reserve and 64 MiB more (`membalctl reserve`). The decided guests are
 * then short: b's loan comes back in one write, to its floor, while the
 * reservation is in force; released, b is not lent again. */
static void test_reservation_takes_back(void **state)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, conf, LOOP_KEEP_LOG);
	uint64_t base = lend_to_b(l), free_kb = loop_host_free(l);
	uint64_t reserve_kb = l->cfg.policy.params.reserve_kb;
	uint32_t id;
	unsigned writes = 0;

	assert_true(free_kb > reserve_kb);
	assert_int_equal(arbiter_reserve(&l->a, free_kb - reserve_kb + 64 * MIB, 30000, "", &id), 0);
	for (int i = 0; i < 8; i++) {
		uint64_t b0 = loop_target(l, 2);

		silent_cycle(l);
		writes += loop_target(l, 2) != b0;
	}
	print_message("reservation of %llu KiB (free %llu): b %llu KiB after %u write(s), floor %llu\n",
		      (unsigned long long)(free_kb - reserve_kb + 64 * MIB),
		      (unsigned long long)free_kb, (unsigned long long)loop_target(l, 2),
		      writes, (unsigned long long)base);
	assert_int_equal(loop_target(l, 2), base);
	assert_int_equal(writes, 1);
	assert_int_equal(arbiter_release(&l->a, id), 1);
	calm(l, 10, base);
	assert_rules(l);
	loop_stop(l);
}

/* The stale word: written only while the domain is stale and the key
 * on, with the created word; read back exactly; strict; not exported. */
static void test_stale_word_codec(void **state)
{
	struct dom d = { .domid = 2, .skip = SKIP_STALE, .stale_seen = true,
			 .stale_base_kb = 321536, .stale_stamp = UINT64_MAX,
			 .stale_refused = true, .created_kb = 524288 };
	struct dom r = { .domid = 2 };
	struct dom_state s, back;
	char text[STATE_TEXT_MAX];
	unsigned ignored;

	state_of_dom(&d, 1000, 1700000000, &s);
	state_stale_of_dom(&d, false, &s);
	assert_false(s.have_stale);                    /* stale_return off */
	d.stale_seen = false;
	state_stale_of_dom(&d, true, &s);
	assert_false(s.have_stale);                    /* not stale */
	d.stale_seen = true;
	d.skip = SKIP_HOLD_PAUSED;                     /* a pause keeps it */
	state_stale_of_dom(&d, true, &s);
	assert_true(s.have_stale);
	d.skip = SKIP_STALE;
	state_stale_of_dom(&d, true, &s);
	state_format(&s, text, sizeof(text));
	assert_string_equal(text, "hold=none oom_min_kb=0 oom_until=0 created_kb=524288 "
			    "stale=321536:18446744073709551615:1");
	assert_int_equal(state_parse(text, &back), 0);
	assert_true(back.have_stale);
	state_to_dom(&back, 50, 1700000001, &r);
	assert_true(r.stale_kept && r.stale_seen && r.stale_refused);
	assert_int_equal(r.stale_base_kb, 321536);
	assert_int_equal(r.stale_stamp, UINT64_MAX);
	assert_int_equal(r.stamp, UINT64_MAX);
	assert_int_equal(r.created_kb, 524288);
	assert_int_equal(r.stale_takes, 0);            /* no K: none counted */
	/* stale_relend_s's count: a fourth field, read back, restored */
	d.stale_takes = 3;
	state_stale_of_dom(&d, true, &s);
	state_format(&s, text, sizeof(text));
	assert_string_equal(text, "hold=none oom_min_kb=0 oom_until=0 created_kb=524288 "
			    "stale=321536:18446744073709551615:1:3");
	assert_int_equal(state_parse(text, &back), 0);
	assert_int_equal(back.stale_takes, 3);
	state_to_dom(&back, 50, 1700000001, &r);
	assert_int_equal(r.stale_takes, 3);
	assert_int_equal(r.stale_taken_ms, 50);        /* the wait starts again */
	assert_true(r.stale_refused);
	d.stale_takes = 0;
	state_stale_of_dom(&d, true, &s);
	state_format(&s, text, sizeof(text));
	/* export: the word is this host's, an importer ignores it */
	assert_int_equal(state_parse_export(text, &back, &ignored), 0);
	assert_int_equal(ignored, 1);
	assert_false(back.have_stale);

	/* with every gap price too: within the buffer and the read bound */
	d.headroom = POLICY_HEADROOM_LEARNED;
	d.gap.init = true;
	d.gap.gap_kb = 96 * MIB;
	for (int i = 0; i < GAP_ACTIONS; i++)
		d.gap.price[i] = -GAP_PRICE_MAX;
	state_gap_of_dom(&d, &s);
	state_format(&s, text, sizeof(text));
	assert_true(strlen(text) < STATE_TEXT_MAX - 1);
	assert_int_equal(state_parse(text, &back), 0);
	assert_true(back.have_stale && back.have_gap);

	const char *bad[] = {
		"hold=none stale=0:1:0",                 /* no floor */
		"hold=none stale=1:2:2",                 /* R is 0 or 1 */
		"hold=none stale=1:2",
		"hold=none stale=1:2:0:0",               /* K, when there, >= 1 */
		"hold=none stale=1:2:0:1001",
		"hold=none stale=1:2:0:4:1",
		"hold=none stale=1:2:0:",
		"hold=none stale=1::0",
		"hold=none stale=1:-2:0",
		"hold=none stale=1:18446744073709551616:0",
		"hold=none stale=1099511627777:1:0",     /* past POLICY_KB_MAX */
		"hold=none stale=1:2:0 stale=1:2:0",
		"hold=none stale=",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(state_parse(bad[i], &back), -1);
}

/* stale_relend_s = 10 (30 s by default; 10 here): a taken-back loan is lent again
 * once the host has stayed abundant, nobody short, 10 s after the
 * take-back, the wait doubled by each take-back. */
static const char *const relend_conf = LOOP_STALE_B_CAPPED "[policy]\nstale_relend_s = 10\n";

/* a keeps 1500 MiB for `cycles` (the host scarce): b is not lent again. */
static void scarce_hold(struct loop *l, unsigned cycles, uint64_t base)
{
	for (unsigned i = 0; i < cycles; i++) {
		b_dead(l, 4000 * MIB);
		honest(l, 1, 1500 * MIB);
		honest(l, 3, 300 * MIB);
		loop_cycle(l);
		assert_int_equal(loop_target(l, 2), base);
		assert_int_equal(l->a.abundant_since_ms, 0);
	}
}

/* a back to 300 MiB: cycles until b is lent its 512 MiB again (at most
 * `limit`); b holds its floor until then, and never before `wait_ms` of
 * abundance since the later of the take-back and the abundance's start
 * (`taken_ms`: the clock at the take-back, or at the restart). */
static unsigned relent_after(struct loop *l, uint64_t base, uint64_t taken_ms,
			     uint64_t wait_ms, unsigned limit)
{
	uint64_t since = 0;

	for (unsigned i = 1; i <= limit; i++) {
		uint64_t start = l->a.abundant_since_ms;

		silent_cycle(l);
		uint64_t now = clock_now_ms();

		if (!start || !l->a.abundant_since_ms)
			since = 0;
		else if (!since)
			since = start - 1 > taken_ms ? start - 1 : taken_ms;
		if (loop_target(l, 2) != base) {
			assert_int_equal(loop_target(l, 2), 512 * MIB);
			assert_true(since && now >= since + wait_ms);
			print_message("b lent again after %u cycles, %llu ms of abundance (wait %llu)\n",
				      i, (unsigned long long)(now - since), (unsigned long long)wait_ms);
			return i;
		}
	}
	fail_msg("b not lent again within %u cycles", limit);
	return 0;
}

static void test_relend_after_abundance(void **state)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, relend_conf, LOOP_KEEP_LOG);
	uint64_t base = lend_to_b(l);
	char *st;

	climb_back(l, base, "relend on");
	uint64_t taken = loop_adom(l, 2)->stale_taken_ms;

	assert_int_equal(loop_adom(l, 2)->stale_takes, 1);
	assert_true(loop_adom(l, 2)->stale_refused);
	st = state_of_b(l);
	assert_non_null(strstr(st, ":1:1"));          /* refused, one take-back */
	free(st);
	scarce_hold(l, 30, base);                     /* not while scarce */
	relent_after(l, base, taken, 10000, 120);
	assert_false(loop_adom(l, 2)->stale_refused);
	assert_non_null(strstr(loop_log(l), "lent again (take-back 1"));
	st = state_of_b(l);
	assert_non_null(strstr(st, ":0:1"));          /* lent, one take-back */
	free(st);

	/* scarce again: taken back again, whole, in one write */
	climb_back(l, base, "relend on, second take-back");
	assert_int_equal(loop_adom(l, 2)->stale_takes, 2);
	st = state_of_b(l);
	assert_non_null(strstr(st, ":1:2"));
	free(st);

	/* the word survives a kill -9: the wait starts again, doubled */
	loop_restart_arbiter(l);
	uint64_t restart = clock_now_ms();

	silent_cycle(l);
	assert_int_equal(loop_adom(l, 2)->stale_takes, 2);
	assert_true(loop_adom(l, 2)->stale_refused);
	assert_int_equal(loop_target(l, 2), base);
	relent_after(l, base, restart, 20000, 200);
	assert_rules(l);
	loop_stop(l);
}

/* The host flips between the modes faster than the wait: never lent. */
static void test_relend_not_within_wait(void **state)
{
	struct loop *l = loop_start(three, SIM_AGENTS_NONE, relend_conf, LOOP_KEEP_LOG);
	uint64_t base = lend_to_b(l);
	unsigned abundant = 0;

	climb_back(l, base, "relend on, flapping");
	for (int round = 0; round < 6; round++) {
		for (int i = 0; i < 6; i++) {           /* a at 300: toward abundance */
			silent_cycle(l);
			abundant += l->a.abundant_since_ms != 0;
			assert_int_equal(loop_target(l, 2), base);
		}
		scarce_hold(l, 4, base);                /* a at 1500: scarce */
	}
	print_message("%u abundant cycles, in runs shorter than the wait: b kept at its floor\n",
		      abundant);
	assert_true(abundant > 0);
	assert_int_equal(loop_adom(l, 2)->stale_takes, 1);
	assert_rules(l);
	loop_stop(l);
}

/* The wait: stale_relend_s of abundance since the take-back, doubled by
 * each take-back (at most 32 times); none with K = 0 (a withdrawn grant:
 * the guest did not take it, refused for good), none while not
 * abundant, none with the key off. */
static void test_relend_due_wait(void **state)
{
	static struct arbiter a;

	a.abundant_since_ms = 1;
	struct dom d = { .stale_refused = true, .stale_takes = 0, .stale_taken_ms = 0 };

	a.cfg.policy.params.stale_relend_s = 10;
	assert_false(arbiter_stale_relend_due(&a, &d, 1000000));
	d.stale_takes = 1;
	assert_true(arbiter_stale_relend_due(&a, &d, 10000));
	assert_false(arbiter_stale_relend_due(&a, &d, 9999));
	d.stale_takes = 3;                              /* 40 s */
	assert_false(arbiter_stale_relend_due(&a, &d, 39999));
	assert_true(arbiter_stale_relend_due(&a, &d, 40000));
	d.stale_takes = 500;                            /* at most 32 times */
	assert_false(arbiter_stale_relend_due(&a, &d, 319999));
	assert_true(arbiter_stale_relend_due(&a, &d, 320000));
	d.stale_taken_ms = 50000;                       /* since the take-back */
	assert_false(arbiter_stale_relend_due(&a, &d, 369999));
	assert_true(arbiter_stale_relend_due(&a, &d, 370000));
	a.abundant_since_ms = 0;                        /* not abundant now */
	assert_false(arbiter_stale_relend_due(&a, &d, 1000000));
	a.abundant_since_ms = 1;
	a.cfg.policy.params.stale_relend_s = 0;         /* the key off */
	assert_false(arbiter_stale_relend_due(&a, &d, 1000000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stale_word_codec),
		cmocka_unit_test(test_take_back_one_write),
		cmocka_unit_test(test_kill9_keeps_loan),
		cmocka_unit_test(test_sigterm_keeps_loan),
		cmocka_unit_test(test_guest_cannot_raise),
		cmocka_unit_test(test_report_ends_it),
		cmocka_unit_test(test_reservation_takes_back),
		cmocka_unit_test(test_restart_then_dies),
		cmocka_unit_test(test_corrupt_floor_bounded),
		cmocka_unit_test(test_pause_keeps_loan),
		cmocka_unit_test(test_relend_after_abundance),
		cmocka_unit_test(test_relend_not_within_wait),
		cmocka_unit_test(test_relend_due_wait),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
