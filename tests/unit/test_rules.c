/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rules the arbiter carries from cycle to cycle (src/arbiter/rules.c)
 * and the membal_state codec (src/arbiter/state.c), alone: no xenstored,
 * no hypervisor, the clock passed in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "arbiter/rules.h"
#include "arbiter/state.h"

#define MIB 1024u

static struct arbiter_config cfg;

static int setup(void **state)
{
	arbiter_config_defaults(&cfg);
	cfg.stale_after_ms = 10000;
	cfg.target_tolerance_kb = 1024;
	return 0;
}

/* A PV domU with a fresh report, its target read. */
static struct dom fresh(uint32_t domid, const char *name)
{
	struct dom d;

	memset(&d, 0, sizeof(d));
	d.domid = domid;
	strcpy(d.name, name);
	d.type = HV_TYPE_PV;
	d.have_target = true;
	d.target_kb = 512 * MIB;
	d.actual_kb = 512 * MIB;
	d.have_fig = true;
	d.stamp_ms = 1000;
	d.min_kb = 128 * MIB;
	d.max_kb = 1024 * MIB;
	return d;
}

static void test_classify(void **state)
{
	struct dom d = fresh(1, "web");

	assert_int_equal(dom_classify(&d, &cfg, false, 2000), SKIP_NONE);
	assert_int_equal(dom_classify(&d, &cfg, true, 2000), SKIP_HOLD_PAUSED);
	/* Staleness is measured from the last new stamp. */
	assert_int_equal(dom_classify(&d, &cfg, false, 1000 + 9999), SKIP_NONE);
	assert_int_equal(dom_classify(&d, &cfg, false, 1000 + 10000), SKIP_STALE);
	d.hold_manual = true;
	assert_int_equal(dom_classify(&d, &cfg, false, 2000), SKIP_HOLD_MANUAL);
	d.hold_manual = false;
	d.bad_bounds = true;
	assert_int_equal(dom_classify(&d, &cfg, false, 2000), SKIP_BAD_BOUNDS);
	d.bad_bounds = false;
	d.have_fig = false;
	assert_int_equal(dom_classify(&d, &cfg, false, 2000), SKIP_NO_AGENT);
	d.have_fig = true;
	/* The toolstack's pause comes before anything of ours. */
	d.hv.paused = true;
	d.hold_manual = true;
	assert_int_equal(dom_classify(&d, &cfg, false, 2000), SKIP_PAUSED);

	/* HVM: opt-in; then PoD settling until the balloon is at target. */
	struct dom h = fresh(2, "win");

	h.type = HV_TYPE_HVM;
	assert_int_equal(dom_classify(&h, &cfg, false, 2000), SKIP_EXCLUDED);
	cfg.manage_hvm = true;
	assert_int_equal(dom_classify(&h, &cfg, false, 2000), SKIP_POD_SETTLING);
	h.fig.have = 1u << MK_BALLOON_CURRENT | 1u << MK_BALLOON_TARGET;
	h.fig.v[MK_BALLOON_CURRENT] = 500 * MIB;
	h.fig.v[MK_BALLOON_TARGET] = 502 * MIB;
	assert_int_equal(dom_classify(&h, &cfg, false, 2000), SKIP_POD_SETTLING);
	h.fig.v[MK_BALLOON_CURRENT] = 501 * MIB;
	assert_int_equal(dom_classify(&h, &cfg, false, 2000), SKIP_NONE);
	cfg.manage_hvm = false;

	/* dom0: fixed unless dom0_mode = priority and its agent is fresh. */
	struct dom z = fresh(0, "Domain-0");

	assert_int_equal(dom_classify(&z, &cfg, false, 2000), SKIP_DOM0);
	cfg.policy.params.dom0_mode = POLICY_DOM0_PRIORITY;
	assert_int_equal(dom_classify(&z, &cfg, false, 2000), SKIP_NONE);
	assert_int_equal(dom_classify(&z, &cfg, false, 20000), SKIP_DOM0);
	cfg.policy.params.dom0_mode = POLICY_DOM0_FIXED;
}

static void test_manual_hold(void **state)
{
	struct dom d = fresh(1, "web");

	/* The first value read is the starting point, not a hold. */
	assert_false(dom_target_seen(&d, 400 * MIB));
	assert_true(d.have_written);
	assert_int_equal(d.written_kb, 400 * MIB);
	/* Our own write echoed back. */
	assert_false(dom_target_seen(&d, 400 * MIB));
	/* Someone else's value: a hold, once. */
	assert_true(dom_target_seen(&d, 300 * MIB));
	assert_true(d.hold_manual);
	assert_int_equal(d.target_kb, 300 * MIB);
	assert_false(dom_target_seen(&d, 250 * MIB));
	assert_true(d.hold_manual);
}

static void test_oom_raises_min(void **state)
{
	struct dom d = fresh(1, "web");

	/* First figure: a baseline. */
	assert_int_equal(dom_oom_seen(&d, 5, 64 * MIB, 300, 1000), 0);
	assert_int_equal(dom_oom_min(&d, 1000), 0);
	assert_int_equal(dom_oom_seen(&d, 5, 64 * MIB, 300, 2000), 0);
	/* Two more kills: L raised to N + bump for 300 s. */
	assert_int_equal(dom_oom_seen(&d, 7, 64 * MIB, 300, 3000), 2);
	assert_int_equal(d.oom_events, 1);
	assert_int_equal(dom_oom_min(&d, 3000), 576 * MIB);
	assert_int_equal(dom_oom_min(&d, 3000 + 299999), 576 * MIB);
	assert_int_equal(dom_oom_min(&d, 3000 + 300000), 0);
	/* A counter that went down is a rebooted guest, not kills. */
	assert_int_equal(dom_oom_seen(&d, 0, 64 * MIB, 300, 4000), 0);
	assert_int_equal(dom_oom_seen(&d, 1, 64 * MIB, 300, 5000), 1);
}

/* A kill after a cut is evidence of more need, never of less: the
 * minimum an earlier kill raised stays while in force (its hold restarts);
 * once it lapsed, a kill raises from what the guest holds again. */
static void test_oom_raise_never_lowered(void **state)
{
	struct dom d = fresh(1, "db");

	assert_int_equal(dom_oom_seen(&d, 0, 64 * MIB, 300, 1000), 0);
	assert_int_equal(dom_oom_seen(&d, 1, 64 * MIB, 300, 2000), 1);
	assert_int_equal(dom_oom_min(&d, 2000), 576 * MIB);
	/* Cut below its raise (another guest's need came first), killed
	 * again: the minimum stays 576, held 300 s from this kill. */
	d.actual_kb = 400 * MIB;
	assert_int_equal(dom_oom_seen(&d, 2, 64 * MIB, 300, 100000), 1);
	assert_int_equal(dom_oom_min(&d, 100000), 576 * MIB);
	assert_int_equal(dom_oom_min(&d, 100000 + 299999), 576 * MIB);
	assert_int_equal(dom_oom_min(&d, 100000 + 300000), 0);
	/* A kill above the raise in force raises it further. */
	d.actual_kb = 600 * MIB;
	assert_int_equal(dom_oom_seen(&d, 3, 64 * MIB, 300, 200000), 1);
	assert_int_equal(dom_oom_min(&d, 200000), 664 * MIB);
	/* After the hold lapsed, the next kill starts from what it holds. */
	d.actual_kb = 300 * MIB;
	assert_int_equal(dom_oom_seen(&d, 4, 64 * MIB, 300, 200000 + 300000), 1);
	assert_int_equal(dom_oom_min(&d, 200000 + 300000), 364 * MIB);
}

/* The level of the latest kill, apart from the raise (oom_min_keep's
 * guard, design.md §Growth is never cut, "A kill's margin kept"): a job
 * killed at 600 MiB raises L to 664; the guest, back at its usual 150,
 * is killed by a creep: the raise keeps 664, the latest kill says 150.
 * Nothing once the raise lapsed. */
static void test_oom_latest_kill(void **state)
{
	struct dom d = fresh(1, "h1");

	assert_int_equal(dom_oom_seen(&d, 0, 64 * MIB, 600, 1000), 0);
	assert_int_equal(dom_oom_kill(&d, 1000), 0);
	d.actual_kb = 600 * MIB;
	assert_int_equal(dom_oom_seen(&d, 1, 64 * MIB, 600, 2000), 1);
	assert_int_equal(dom_oom_kill(&d, 2000), 600 * MIB);
	d.actual_kb = 150 * MIB;
	assert_int_equal(dom_oom_seen(&d, 2, 64 * MIB, 600, 100000), 1);
	assert_int_equal(dom_oom_min(&d, 100000), 664 * MIB);
	assert_int_equal(dom_oom_kill(&d, 100000), 150 * MIB);
	/* No new kill: the level stays that of the latest. */
	d.actual_kb = 400 * MIB;
	assert_int_equal(dom_oom_seen(&d, 2, 64 * MIB, 600, 200000), 0);
	assert_int_equal(dom_oom_kill(&d, 200000), 150 * MIB);
	assert_int_equal(dom_oom_kill(&d, 100000 + 600000), 0);
}

/* A kill that recurs: two kills in a row, each within the hold of the
 * one before and within the bump of what the guest held then. A first
 * kill, a kill at another level (a job's jump), a kill after the hold
 * lapsed, and the time after the hold are not. */
static void test_oom_recur(void **state)
{
	struct dom d = fresh(1, "h1");

	assert_int_equal(dom_oom_seen(&d, 0, 64 * MIB, 600, 1000), 0);
	d.actual_kb = 218 * MIB;
	assert_int_equal(dom_oom_seen(&d, 1, 64 * MIB, 600, 2000), 1);
	assert_false(dom_oom_recur(&d, 2000));
	/* A creep 40 s later, held 6 MiB less: the same load again. */
	d.actual_kb = 212 * MIB;
	assert_int_equal(dom_oom_seen(&d, 2, 64 * MIB, 600, 42000), 1);
	assert_true(dom_oom_recur(&d, 42000));
	assert_false(dom_oom_recur(&d, 42000 + 600000));
	/* The job's jump, killed while it held 300: another level. */
	d.actual_kb = 300 * MIB;
	assert_int_equal(dom_oom_seen(&d, 3, 64 * MIB, 600, 100000), 1);
	assert_false(dom_oom_recur(&d, 100000));
	/* Back at its usual load: near 300 again counts from the job's. */
	d.actual_kb = 250 * MIB;
	assert_int_equal(dom_oom_seen(&d, 4, 64 * MIB, 600, 150000), 1);
	assert_true(dom_oom_recur(&d, 150000));
	/* The next kill after the hold lapsed: a first kill again. */
	assert_int_equal(dom_oom_seen(&d, 5, 64 * MIB, 600, 150000 + 700000), 1);
	assert_false(dom_oom_recur(&d, 150000 + 700000));
	/* Two kills in one report. */
	assert_int_equal(dom_oom_seen(&d, 7, 64 * MIB, 600, 2000000), 2);
	assert_true(dom_oom_recur(&d, 2000000));
}

/* A crash loop: a kill within loop_s of the one before (or two in one
 * report), while the raise is in force. A first kill, a kill long after
 * the last, a lapsed raise and loop_s = 0 are not. */
static void test_oom_loop(void **state)
{
	struct dom d = fresh(1, "job");

	assert_int_equal(dom_oom_seen(&d, 0, 64 * MIB, 600, 1000), 0);
	assert_false(dom_oom_loop(&d, 60, 1000));
	assert_int_equal(dom_oom_seen(&d, 1, 64 * MIB, 600, 2000), 1);
	assert_false(dom_oom_loop(&d, 60, 2000));
	/* Restarted and killed again 10 s later. */
	assert_int_equal(dom_oom_seen(&d, 2, 64 * MIB, 600, 12000), 1);
	assert_true(dom_oom_loop(&d, 60, 12000));
	assert_true(dom_oom_loop(&d, 10, 12000));
	assert_false(dom_oom_loop(&d, 9, 12000));
	assert_false(dom_oom_loop(&d, 0, 12000));
	assert_false(dom_oom_loop(&d, 60, 12000 + 600000));
	/* The next kill 100 s later: the loop is over. */
	assert_int_equal(dom_oom_seen(&d, 3, 64 * MIB, 600, 112000), 1);
	assert_false(dom_oom_loop(&d, 60, 112000));
	/* Two kills between two reports. */
	assert_int_equal(dom_oom_seen(&d, 5, 64 * MIB, 600, 500000), 2);
	assert_true(dom_oom_loop(&d, 1, 500000));

	/* Two kills in the first report after the baseline. */
	struct dom e = fresh(2, "job2");

	assert_int_equal(dom_oom_seen(&e, 0, 64 * MIB, 600, 1000), 0);
	assert_int_equal(dom_oom_seen(&e, 2, 64 * MIB, 600, 2000), 2);
	assert_true(dom_oom_loop(&e, 60, 2000));
}

static void test_uncooperative(void **state)
{
	struct dom d = fresh(1, "web");
	uint64_t back = 0;

	d.target_kb = 256 * MIB;   /* holds 512: must shrink */
	assert_int_equal(dom_progress(&d, 1024, 5000, 1000, &back), 0);
	assert_int_equal(d.shrink_since_ms, 1000);
	/* Moving down by more than the tolerance restarts the clock. */
	d.actual_kb -= 2 * MIB;
	assert_int_equal(dom_progress(&d, 1024, 5000, 4000, &back), 0);
	assert_int_equal(dom_progress(&d, 1024, 5000, 8999, &back), 0);
	assert_int_equal(dom_progress(&d, 1024, 5000, 9000, &back), PROGRESS_UNCOOPERATIVE);
	assert_true(d.uncooperative);
	assert_int_equal(dom_progress(&d, 1024, 5000, 9500, &back), 0);
	/* At its target: cooperative again, once. */
	d.actual_kb = 256 * MIB;
	assert_int_equal(dom_progress(&d, 1024, 5000, 10000, &back), PROGRESS_COOPERATIVE);
	assert_false(d.uncooperative);
	assert_int_equal(dom_progress(&d, 1024, 5000, 11000, &back), 0);
	/* A manual hold is the administrator's: no judgement. */
	d.target_kb = 100 * MIB;
	d.hold_manual = true;
	assert_int_equal(dom_progress(&d, 1024, 5000, 12000, &back), 0);
	assert_int_equal(d.shrink_since_ms, 0);
}

static void test_grant_withdrawn(void **state)
{
	struct dom d = fresh(1, "web");
	uint64_t back = 0;

	/* Granted 768 while holding 512. */
	dom_grant_opened(&d, 768 * MIB, 1024, 1000);
	assert_true(d.grant_open);
	d.target_kb = 768 * MIB;
	assert_int_equal(dom_progress(&d, 1024, 5000, 3000, &back), 0);
	/* Growing restarts the clock. */
	d.actual_kb = 600 * MIB + 3;
	assert_int_equal(dom_progress(&d, 1024, 5000, 4000, &back), 0);
	/* Undecided domains keep their grant. */
	d.skip = SKIP_STALE;
	assert_int_equal(dom_progress(&d, 1024, 5000, 9000, &back), 0);
	d.skip = SKIP_NONE;
	assert_int_equal(dom_progress(&d, 1024, 5000, 9000, &back), PROGRESS_WITHDRAW);
	assert_int_equal(back, 600 * MIB);   /* whole pages */
	assert_false(d.grant_open);
	assert_int_equal(d.withdrawals, 1);
	/* Never below L_i. */
	d.actual_kb = 100 * MIB;
	dom_grant_opened(&d, 768 * MIB, 1024, 10000);
	assert_int_equal(dom_progress(&d, 1024, 5000, 15000, &back), PROGRESS_WITHDRAW);
	assert_int_equal(back, 128 * MIB);
	/* A grant below L_i (an infeasible cycle's) is not "withdrawn" up
	 * to L_i: that would be growth nobody counted. */
	d.target_kb = 120 * MIB;
	dom_grant_opened(&d, 120 * MIB, 1024, 16000);
	assert_true(d.grant_open);
	assert_int_equal(dom_progress(&d, 1024, 5000, 22000, &back), 0);
	assert_false(d.grant_open);
	assert_int_equal(d.withdrawals, 2);
	d.target_kb = 768 * MIB;
	/* A target within the tolerance is no grant. */
	dom_grant_opened(&d, d.actual_kb + 1024, 1024, 16000);
	assert_false(d.grant_open);
}

static void test_state_codec(void **state)
{
	struct dom d = fresh(1, "web"), r = fresh(1, "web");
	struct dom_state s, back;
	char text[STATE_TEXT_MAX];

	d.hold_paused = true;
	d.oom_min_kb = 600 * MIB;
	d.oom_until_ms = 10000 + 2500;
	/* 2.5 s left at monotonic 10000, wall 1700000000: until +3 s. */
	state_of_dom(&d, 10000, 1700000000, &s);
	state_format(&s, text, sizeof(text));
	assert_string_equal(text, "hold=paused oom_min_kb=614400 oom_until=1700000003");
	assert_int_equal(state_parse(text, &back), 0);
	/* Restored by a new arbiter whose clocks are elsewhere. */
	assert_true(state_to_dom(&back, 50, 1700000001, &r));
	assert_true(r.hold_paused);
	assert_false(r.hold_manual);
	assert_int_equal(r.oom_min_kb, 600 * MIB);
	assert_int_equal(r.oom_until_ms, 50 + 2000);
	/* Expired: nothing in force. */
	struct dom e = fresh(1, "web");

	assert_false(state_to_dom(&(struct dom_state){ .hold = HOLD_NONE,
		.oom_min_kb = 600 * MIB, .oom_until_s = 1700000000 }, 50, 1700000000, &e));
	assert_int_equal(e.oom_until_ms, 0);
	state_of_dom(&e, 50, 1700000000, &s);
	state_format(&s, text, sizeof(text));
	assert_string_equal(text, "hold=none oom_min_kb=0 oom_until=0");

	/* Strict: anything else is refused. */
	const char *bad[] = {
		"", "oom_min_kb=1 oom_until=2", "hold=maybe", "hold=none extra",
		"hold=none oom_min_kb=-1", "hold=none oom_min_kb=99999999999999999",
		"hold=none oom_until=x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(state_parse(bad[i], &back), -1);
	char longtext[400];

	memset(longtext, 'a', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	assert_int_equal(state_parse(longtext, &back), -1);
}

/* The latest kill's level in memory/membal_state (oom_kill_kb): written
 * while the raise is in force, read back; a state written before the word
 * existed still loads, the level unknown (0); malformed, refused. */
static void test_state_kill_codec(void **state)
{
	struct dom d = fresh(1, "h1"), r = fresh(1, "h1"), o = fresh(1, "h1");
	struct dom_state s, back;
	char text[STATE_TEXT_MAX];
	unsigned ignored;

	d.oom_min_kb = 664 * MIB;
	d.oom_kill_kb = 150 * MIB;
	d.oom_until_ms = 10000 + 2500;
	state_of_dom(&d, 10000, 1700000000, &s);
	state_format(&s, text, sizeof(text));
	assert_string_equal(text, "hold=none oom_min_kb=679936 oom_until=1700000003 "
			    "oom_kill_kb=153600");
	assert_int_equal(state_parse(text, &back), 0);
	assert_int_equal(back.oom_kill_kb, 150 * MIB);
	assert_true(state_to_dom(&back, 50, 1700000001, &r));
	assert_int_equal(r.oom_min_kb, 664 * MIB);
	assert_int_equal(r.oom_kill_kb, 150 * MIB);
	assert_int_equal(dom_oom_kill(&r, 50), 150 * MIB);
	/* Exported and imported with the raise. */
	assert_int_equal(state_parse_export(text, &back, &ignored), 0);
	assert_int_equal(ignored, 0);
	assert_int_equal(back.oom_kill_kb, 150 * MIB);
	/* Written before the word: loads, level unknown. */
	o.oom_kill_kb = 77;
	assert_int_equal(state_parse("hold=none oom_min_kb=679936 oom_until=1700000003", &back), 0);
	assert_int_equal(back.oom_kill_kb, 0);
	assert_true(state_to_dom(&back, 50, 1700000001, &o));
	assert_int_equal(dom_oom_kill(&o, 50), 0);
	/* Lapsed: not written. */
	state_of_dom(&d, 10000 + 2500, 1700000000, &s);
	state_format(&s, text, sizeof(text));
	assert_string_equal(text, "hold=none oom_min_kb=0 oom_until=0");

	const char *bad[] = {
		"hold=none oom_min_kb=1 oom_until=2 oom_kill_kb=0",
		"hold=none oom_min_kb=1 oom_until=2 oom_kill_kb=-1",
		"hold=none oom_min_kb=1 oom_until=2 oom_kill_kb=x",
		"hold=none oom_min_kb=1 oom_until=2 oom_kill_kb=99999999999999999",
		"hold=none oom_min_kb=1 oom_until=2 oom_kill_kb=1 oom_kill_kb=1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(state_parse(bad[i], &back), -1);
}

/* The learned gap in memory/membal_state: written for a domain under
 * `learned` only, read back exactly, refused when malformed. */
static void test_state_gap_codec(void **state)
{
	struct dom d = fresh(1, "web"), r = fresh(1, "web");
	struct policy_params p;
	struct dom_state s, back;
	char text[STATE_TEXT_MAX];

	policy_params_default(&p);
	gap_state_init(&d.gap, &p, 1);
	d.gap.gap_kb = 96 * MIB;
	d.gap.price[0] = -1000000;
	d.gap.price[32] = 4095;
	d.gap.price[64] = -65;
	state_of_dom(&d, 10000, 1700000000, &s);
	state_gap_of_dom(&d, &s);
	assert_false(s.have_gap);                 /* fixed: no gap words */
	d.headroom = POLICY_HEADROOM_LEARNED;
	state_gap_of_dom(&d, &s);
	state_format(&s, text, sizeof(text));
	assert_string_equal(text, "hold=none oom_min_kb=0 oom_until=0 gap_kb=98304 "
			    "gap_prices=0:-1000000,32:4095,64:-65");
	assert_int_equal(state_parse(text, &back), 0);
	assert_true(state_gap_to_dom(&back, &p, &r));
	assert_int_equal(r.gap.gap_kb, 96 * MIB);
	assert_memory_equal(r.gap.price, d.gap.price, sizeof(d.gap.price));
	assert_int_equal(r.gap_saved_kb, 96 * MIB);

	/* Every price set: still within the buffer and the read bound. */
	for (int i = 0; i < GAP_ACTIONS; i++)
		d.gap.price[i] = -GAP_PRICE_MAX;
	state_gap_of_dom(&d, &s);
	state_format(&s, text, sizeof(text));
	assert_true(strlen(text) < STATE_TEXT_MAX - 1);
	assert_int_equal(state_parse(text, &back), 0);
	assert_int_equal(back.gap_price[64], -GAP_PRICE_MAX);

	/* No price set. */
	memset(d.gap.price, 0, sizeof(d.gap.price));
	state_gap_of_dom(&d, &s);
	state_format(&s, text, sizeof(text));
	assert_string_equal(text, "hold=none oom_min_kb=0 oom_until=0 gap_kb=98304 gap_prices=-");
	assert_int_equal(state_parse(text, &back), 0);
	assert_true(back.have_gap);

	const char *bad[] = {
		"hold=none gap_kb=1",                           /* no prices */
		"hold=none gap_prices=-",                       /* no gap */
		"hold=none gap_kb=1 gap_prices=65:1",           /* index */
		"hold=none gap_kb=1 gap_prices=1:1,1:2",        /* twice */
		"hold=none gap_kb=1 gap_prices=1:0",            /* zero is absent */
		"hold=none gap_kb=1 gap_prices=1:1000001",      /* range */
		"hold=none gap_kb=1 gap_prices=1:1,",           /* trailing */
		"hold=none gap_kb=1 gap_prices=:1",
		"hold=none gap_kb=1 gap_prices=1:x",
		"hold=none gap_kb=-1 gap_prices=-",
		"hold=none gap_kb=1 gap_kb=2 gap_prices=-",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(state_parse(bad[i], &back), -1);

	/* `membalctl state import` of a newer export ignores the gap. */
	unsigned ignored;

	assert_int_equal(state_parse_export("hold=manual oom_min_kb=0 oom_until=0 gap_kb=1 gap_prices=-",
					    &back, &ignored), 0);
	assert_int_equal(ignored, 2);
	assert_false(back.have_gap);
}

/* The OOM margin's growth evidence in memory/membal_state: written only
 * while the growth counts, restored aged by the wall clock, refused when
 * malformed; a value written before the word existed still loads. */
static void test_state_growth_codec(void **state)
{
	struct dom d = fresh(1, "web"), r = fresh(1, "web");
	struct dom_state s, back;
	char text[STATE_TEXT_MAX];
	const uint64_t hold = 60000;

	/* A level, then a rise of 40 MiB at monotonic 20000. */
	growth_observe(&d.growth, 300 * MIB, 500 * MIB, 4 * MIB, 10000, hold);
	growth_observe(&d.growth, 340 * MIB, 540 * MIB, 4 * MIB, 20000, hold);
	assert_true(growth_recent(&d.growth, 20000, hold));
	/* Saved 12.5 s after the rise, at wall 1700000100: the rise at 88 (12 s
	 * before, rounded down: at most a second younger). */
	state_of_dom(&d, 32500, 1700000100, &s);
	assert_false(s.have_growth);
	state_growth_of_dom(&d, 32500, 1700000100, hold, &s);
	state_format(&s, text, sizeof(text));
	assert_string_equal(text, "hold=none oom_min_kb=0 oom_until=0 "
			    "growth=1700000088:348160:552960:204800");
	assert_int_equal(state_parse(text, &back), 0);
	assert_true(back.have_growth);
	/* A new arbiter 5 s later (wall), its monotonic clock at 70000. */
	assert_true(state_growth_to_dom(&back, 70000, 1700000105, &r));
	assert_int_equal(70000 - r.growth.grew_ms, 17000);
	assert_true(growth_recent(&r.growth, 70000 + 42999, hold));
	assert_false(growth_recent(&r.growth, 70000 + 43000, hold));
	/* It goes on from the saved bases: 4 MiB more is a rise, and what was
	 * committed since the growth began counts. */
	growth_observe(&r.growth, 344 * MIB, 600 * MIB, 4 * MIB, 71000, hold);
	assert_int_equal(r.growth.grew_ms, 71000);
	assert_int_equal(growth_commit_new_kb(&r.growth, 71000, hold), 56 * MIB);
	/* Older than the restarted arbiter's monotonic clock. */
	assert_true(state_growth_to_dom(&back, 3000, 1700000105, &r));
	assert_int_equal(r.growth.grew_ms, 0);

	/* Over: no word. Without the word: nothing restored, as before. */
	state_growth_of_dom(&d, 20000 + hold, 1700000100, hold, &s);
	assert_false(s.have_growth);
	assert_int_equal(state_parse("hold=none oom_min_kb=0 oom_until=0", &back), 0);
	assert_false(back.have_growth);
	struct dom e = fresh(1, "web");

	assert_false(state_growth_to_dom(&back, 70000, 1700000105, &e));
	assert_false(e.growth.have);

	const char *bad[] = {
		"hold=none growth=1:2:3",                         /* three fields */
		"hold=none growth=1:2:3:4:5",
		"hold=none growth=1:2:3:",
		"hold=none growth=:2:3:4",
		"hold=none growth=1::3:4",
		"hold=none growth=1:2:3:x",
		"hold=none growth=1:-2:3:4",
		"hold=none growth=1:2:1125899906842625:4",        /* above 1 PiB */
		"hold=none growth=99999999999999999999:2:3:4",
		"hold=none growth=1:2:3:4 growth=1:2:3:4",        /* twice */
		"hold=none growth=1:2:3:4:",
		"hold=none growth=+1:2:3:4",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (state_parse(bad[i], &back) != -1)
			fail_msg("accepted: \"%s\"", bad[i]);

	/* Every word at its longest still fits the buffer and the read bound. */
	d.hold_manual = true;
	d.oom_min_kb = POLICY_KB_MAX;
	d.oom_until_ms = 32500 + 1000000;
	d.headroom = POLICY_HEADROOM_LEARNED;
	struct policy_params p;

	policy_params_default(&p);
	gap_state_init(&d.gap, &p, 1);
	d.gap.gap_kb = POLICY_KB_MAX;
	for (int i = 0; i < GAP_ACTIONS; i++)
		d.gap.price[i] = -GAP_PRICE_MAX;
	d.growth.base_kb[GROWTH_WS] = d.growth.base_kb[GROWTH_COMMITTED] = POLICY_KB_MAX;
	d.growth.lead_min_kb = POLICY_KB_MAX;
	state_of_dom(&d, 32500, UINT64_MAX / 2000 - 1000, &s);
	state_gap_of_dom(&d, &s);
	state_growth_of_dom(&d, 32500, UINT64_MAX / 2000, hold, &s);
	state_format(&s, text, sizeof(text));
	assert_true(strlen(text) < STATE_TEXT_MAX - 1);
	assert_int_equal(state_parse(text, &back), 0);
	assert_true(back.have_growth && back.have_gap);

	/* `membalctl state import` leaves it out. */
	unsigned ignored;

	assert_int_equal(state_parse_export("hold=none oom_min_kb=0 oom_until=0 growth=1:2:3:4",
					    &back, &ignored), 0);
	assert_int_equal(ignored, 1);
	assert_false(back.have_growth);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_classify, setup),
		cmocka_unit_test_setup(test_manual_hold, setup),
		cmocka_unit_test_setup(test_oom_raises_min, setup),
		cmocka_unit_test_setup(test_oom_raise_never_lowered, setup),
		cmocka_unit_test_setup(test_oom_latest_kill, setup),
		cmocka_unit_test_setup(test_oom_loop, setup),
		cmocka_unit_test_setup(test_oom_recur, setup),
		cmocka_unit_test_setup(test_uncooperative, setup),
		cmocka_unit_test_setup(test_grant_withdrawn, setup),
		cmocka_unit_test_setup(test_state_codec, setup),
		cmocka_unit_test_setup(test_state_kill_codec, setup),
		cmocka_unit_test_setup(test_state_gap_codec, setup),
		cmocka_unit_test_setup(test_state_growth_codec, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
