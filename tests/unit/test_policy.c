/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hand-computed policy cases around the solvers: classification (§3.1),
 * self-adjustment steps and guest safety (§3.2), dom0 (§3.1 step 3), the
 * presets (§3.6), units of MC_i, and refusing bad input.
 */
#include "hand_case.h"

static struct policy_decision out[8];
static struct policy_cycle cycle;

/* Abundant iff F_h >= sum (MC_i - N_i). headroom 0:
 *   D1: N=500000, C=600000 -> MC1 = 600000 (+100000)
 *   D2: N=500000, C=450000 -> MC2 = 450000 (-50000)   need = 50000. */
static void test_classify_boundary(void **state)
{
	struct policy_params p = hand_params(0.75, 0.1);
	struct policy_dom d[2] = {
		dom_u(1, 500000, 100000, 600000, 100000, 2000000),
		dom_u(2, 500000, 100000, 450000, 100000, 2000000),
	};

	decide(&p, 50000, d, 2, out, &cycle);
	assert_int_equal(cycle.need_kb, 50000);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(out[0].goal_kb, 600000);
	decide(&p, 49999, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	/* The reserve comes out of the host's free memory first. */
	p.reserve_kb = 1;
	decide(&p, 50000, d, 2, out, &cycle);
	assert_int_equal(cycle.host_free_kb, 49999);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
}

/* Self-adjustment steps, hysteresis_down = 8, min_change = 16384:
 *   B = 1000000 -> goal 200000: d = 800000, step = 100000 -> 900000
 *   B = 220000: d = 20000, ceil(d/8) = 2500 < 16384: step 16384 -> 203616
 *   B = 203616: d = 3616 < 16384: step = d -> 200000, the goal exactly. */
static void test_self_steps(void **state)
{
	struct policy_params p = hand_params(0.75, 0.1);
	const uint64_t from[] = { 1000000, 220000, 203616 };
	const uint64_t expect[] = { 900000, 203616, 200000 };

	for (size_t i = 0; i < 3; i++) {
		struct policy_dom d = dom_u(1, from[i], 0, 200000, 100000,
					    2000000);

		decide(&p, 10 * GIB, &d, 1, out, &cycle);
		assert_int_equal(out[0].stage, POLICY_STAGE_SELF);
		assert_int_equal(out[0].goal_kb, 200000);
		assert_int_equal(out[0].settle_kb, 200000);
		assert_int_equal(out[0].target_kb, expect[i]);
		assert_int_equal(!!(out[0].reasons & POLICY_R_STEP), i < 2);
	}
}

/* Steps are whole pages, never past the goal (min_change and the noise
 * floor settle_min 0 here):
 *   B = 201000 -> 200000: ceil(1000/8) = 125 -> 128: 200872;
 *   B = 200002 (unaligned, as after an xl mem-set): ceil(2/8) = 1 -> a
 *   page would overshoot, so 2: the goal. */
static void test_self_step_pages(void **state)
{
	struct policy_params p = hand_params(0.75, 0.1);
	struct policy_dom d = dom_u(1, 201000, 0, 200000, 100000, 2000000);

	p.min_change_kb = 0;
	p.settle_min_kb = 0;
	decide(&p, 10 * GIB, &d, 1, out, &cycle);
	assert_int_equal(out[0].target_kb, 200872);
	/* With the default noise floor (1024 KiB) the 1000 KiB that are left
	 * are one step: no sliver is left to park on. */
	p.settle_min_kb = 1024;
	decide(&p, 10 * GIB, &d, 1, out, &cycle);
	assert_int_equal(out[0].target_kb, 200000);
	d = dom_u(1, 200002, 0, 200000, 100000, 2000000);
	decide(&p, 10 * GIB, &d, 1, out, &cycle);
	assert_int_equal(out[0].target_kb, 200000);
}

/* dom0 fixed (default): never decided, target stays B_0, and the growth
 * it was promised (B_0 - N_0 = 100000) is not handed out again:
 * F_h = 300000 - 100000 = 200000. */
static void test_dom0_fixed(void **state)
{
	struct policy_params p = hand_params(0.75, 0.1);
	struct policy_dom d[2] = {
		dom_u(0, 1000000, 500000, 200000, 100000, 2000000),
		dom_u(1, 500000, 100000, 400000, 100000, 2000000),
	};

	d[0].target_kb = 1100000;
	decide(&p, 300000, d, 2, out, &cycle);
	assert_int_equal(out[0].mode, POLICY_MODE_FIXED);
	assert_int_equal(out[0].target_kb, 1100000);
	assert_int_equal(cycle.host_free_kb, 200000);
	assert_int_equal(cycle.decided, 1);
	policy_apply(&p, &cycle, d, 2, out);
	assert_false(out[0].has_write);
}

/* dom0 priority: MC_0 = 700000 (C_0, headroom 0), N_0 = 500000; F_h =
 * 100004 cannot cover its 200000, so the domUs go global although on
 * their own they are abundant (MC1 = 300000 < N1 = 400000, MC2 = 500000
 * < N2 = 600000, need = -200000).
 *   T_0 = 700000 (room = 500000 + 1000000 + 100004 - 200000 >= MC_0)
 *   F_U = 100004 - 200000 = -99996, M = 1000000 - 99996 = 900004
 *   sum U_i = 800000 <= M: stage 1, both domUs at MC_i at once.
 * Apply: dom0's increase is served first from F_h = 100004 (write
 * 500000 + 100004 = 600004, cut by the grant); the decreases are whole. */
static void test_dom0_priority(void **state)
{
	struct policy_params p = hand_params(0.75, 0.1);
	struct policy_dom d[3] = {
		dom_u(0, 500000, 100000, 700000, 100000, 1000000),
		dom_u(1, 400000, 200000, 300000, 100000, 2000000),
		dom_u(2, 600000, 100000, 500000, 100000, 2000000),
	};

	p.dom0_mode = POLICY_DOM0_PRIORITY;
	run_cycle(&p, 100004, d, 3, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(cycle.stage, POLICY_STAGE_CAP);
	assert_int_equal(cycle.domu_free_kb, -99996);
	assert_int_equal(out[0].stage, POLICY_STAGE_DOM0);
	assert_int_equal(out[0].mode, POLICY_MODE_SCARCE);
	assert_int_equal(out[0].target_kb, 700000);
	assert_false(out[0].has_price);
	assert_int_equal(out[1].target_kb, 300000);
	assert_int_equal(out[2].target_kb, 500000);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 600004);
	assert_true(out[0].reasons & POLICY_R_GRANT);
	assert_int_equal(out[1].write_kb, 300000);
	assert_int_equal(out[2].write_kb, 500000);

	/* The same host with dom0 fixed: the domUs are abundant. */
	p.dom0_mode = POLICY_DOM0_FIXED;
	decide(&p, 100004, d, 3, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
}

/* An unmanaged entry keeps B_j; its pending growth leaves F_h. */
static void test_unmanaged(void **state)
{
	struct policy_params p = hand_params(0.75, 0.1);
	struct policy_dom d[2] = {
		dom_u(1, 500000, 100000, 400000, 100000, 2000000),
		dom_u(2, 500000, 100000, 900000, 100000, 2000000),
	};

	d[1].kind = POLICY_UNMANAGED;
	d[1].target_kb = 530000;
	run_cycle(&p, 100000, d, 2, out, &cycle);
	assert_int_equal(cycle.host_free_kb, 70000);
	assert_int_equal(out[1].mode, POLICY_MODE_FIXED);
	assert_int_equal(out[1].target_kb, 530000);
	assert_false(out[1].has_write);
	assert_int_equal(cycle.decided, 1);
}

/* Presets: static changes nothing; self ignores scarcity; paper sets
 * its four fields and leaves thresholds alone; membal restores them. */
static void test_presets(void **state)
{
	struct policy_params p = hand_params(0.5, 0.2);
	struct policy_dom d[2] = {
		dom_u(1, 400000, 200000, 1900000, 100000, 2000000),
		dom_u(2, 600000, 100000, 1900000, 100000, 2000000),
	};

	assert_int_equal(policy_preset_apply(&p, POLICY_PRESET_STATIC), 0);
	run_cycle(&p, 4, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_FIXED);
	assert_int_equal(out[0].mode, POLICY_MODE_FIXED);
	assert_int_equal(out[0].target_kb, 400000);
	assert_false(out[0].has_write || out[1].has_write);

	policy_preset_apply(&p, POLICY_PRESET_SELF);
	decide(&p, 4, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(out[0].target_kb, 1900000);

	policy_preset_apply(&p, POLICY_PRESET_PAPER);
	assert_int_equal(p.solver, POLICY_SOLVER_PAPER);
	assert_int_equal(p.free_source, POLICY_FREE_FREE);
	assert_int_equal(p.scarce_cap, POLICY_CAP_MAX);
	assert_true(p.global_hysteresis);
	assert_true(p.tau == 0.5 && p.epsilon == 0.2);

	policy_preset_apply(&p, POLICY_PRESET_MEMBAL);
	assert_int_equal(p.solver, POLICY_SOLVER_EXACT);
	assert_int_equal(p.free_source, POLICY_FREE_AVAIL);
	assert_int_equal(p.scarce_cap, POLICY_CAP_DEMAND);
	assert_false(p.global_hysteresis);
	assert_int_equal(p.mode, POLICY_FORCE_AUTO);
	assert_int_equal(policy_preset_apply(&p, (enum policy_preset)9), -1);
}

/* The paper preset steps global targets like self-adjustment.
 *   D1: N=1000000 F=900000 -> a=75000;  D2: N=200004 F=0 -> a=150000
 *   tau 0.75, no swap: w = 0.25; M = sum N = 1200004, F_h = 0:
 *   225000 + 0.5*Lambda = 1200004, Lambda = 1950008;
 *   T1 = 75000 + 487502 = 562502 -> 562500, T2 = 637502 -> 637500.
 *   D1 shrinks by hysteresis_down: d = 437500, ceil(d/8) = 54688 ->
 *   945312, settling at 562500; D2 grows at once to 637500. */
static void test_paper_preset_steps(void **state)
{
	struct policy_params p = hand_params(0.75, 0.1);
	struct policy_dom d[2] = {
		dom_u(1, 1000000, 900000, 1900000, 100000, 2000000),
		dom_u(2, 200004, 0, 1900000, 100000, 2000000),
	};

	policy_preset_apply(&p, POLICY_PRESET_PAPER);
	decide(&p, 0, d, 2, out, &cycle);
	assert_int_equal(cycle.stage, POLICY_STAGE_PAPER);
	assert_int_equal(out[0].target_kb, 945312);
	assert_int_equal(out[0].settle_kb, 562500);
	assert_true(out[0].reasons & POLICY_R_STEP);
	assert_int_equal(out[1].target_kb, 637500);
}

/* ---- the hand-computed table ---------------------------------------------- */

static void min_reason(const struct policy_decision *o,
		       const struct policy_cycle *c)
{
	(void)c;
	assert_true(o[0].reasons & POLICY_R_MIN);
}

static void oom_reason_named(const struct policy_decision *o,
			     const struct policy_cycle *c)
{
	char why[64];

	(void)c;
	assert_string_equal(policy_reasons_format(o[0].reasons, why,
						  sizeof(why)), "min+oom");
}

static void dom0_reason(const struct policy_decision *o,
			const struct policy_cycle *c)
{
	(void)c;
	assert_true(o[0].reasons & POLICY_R_DOM0);
}

#define ONE_DOM(...) .host_free = 10 * GIB, .n = 1, .dom = { HD(1, __VA_ARGS__) }
#define PRESSED_D1(...) HD(1, 1000000, 0, 200000, 100000, 2000000, __VA_ARGS__)
#define AVAIL_DOMS(d1_flags) .dom = { \
	HD(1, 400000, 100000, 1900000, 100000, 2000000, .avail = 200000, \
	   .flags = d1_flags), \
	HD(2, 600000, 100000, 1900000, 100000, 2000000, .avail = 100000, \
	   .flags = POLICY_IN_AVAIL) }

static const struct hand_case policy_cases[] = {
	/* Growth: hysteresis_up = 1 goes at once: 300000 -> 500000. */
	{ .name = "test_self_growth (up 1)", .tau = 0.75, .epsilon = 0.1,
	  ONE_DOM(300000, 0, 500000, 100000, 2000000), .target = { 500000 } },
	/* With hysteresis_up 4 it takes a quarter of d = 200000: 350000. */
	{ .name = "test_self_growth (up 4)", .tau = 0.75, .epsilon = 0.1,
	  .hysteresis_up = OPT(4), ONE_DOM(300000, 0, 500000, 100000, 2000000),
	  .target = { 350000 } },
	/* The result stays in [L_i, H_i] even when B_i is outside:
	 * B = 50000 < L = 100000 (goal = L): at once to 100000, reason min. */
	{ .name = "test_self_bounds (below L)", .tau = 0.75, .epsilon = 0.1,
	  .hysteresis_up = OPT(4), ONE_DOM(50000, 0, 0, 100000, 2000000),
	  .target = { 100000 }, .extra = min_reason },
	/* B = 3000000 > H = 2000000, goal 1000000: 3000000 - 250000 is
	 * still above H, so H. */
	{ .name = "test_self_bounds (above H)", .tau = 0.75, .epsilon = 0.1,
	  .hysteresis_up = OPT(4), ONE_DOM(3000000, 0, 1000000, 100000, 2000000),
	  .target = { 2000000 }, .reasons = { OPT(POLICY_R_MAX | POLICY_R_STEP) } },
	/* MC_i in target units: Committed_AS + O_i + headroom, page-aligned.
	 * C = 300001, O = 20000, headroom 65536: 385537 -> 385536. */
	{ .name = "test_goal_units (aligned)", .tau = 0.75, .epsilon = 0.1,
	  .headroom = 65536,
	  ONE_DOM(300000, 0, 300001, 100000, 2000000, .overhead = 20000),
	  .goal0 = 385536 },
	/* O_i above N_i is clamped to N_i: C = 0, O = 10^9, N = 300000 ->
	 * MC = 300000 + 65536 = 365536. */
	{ .name = "test_goal_units (O clamped)", .tau = 0.75, .epsilon = 0.1,
	  .headroom = 65536,
	  ONE_DOM(300000, 0, 0, 100000, 2000000, .overhead = 1000000000),
	  .goal0 = 365536 },
	/* free_source: test_solve.c's two-domain case with D1's MemFree
	 * 100000 and MemAvailable 200000. avail: A1 = 200000, Nt1 = 387500
	 * as in test_solve.c. */
	{ .name = "test_free_source (avail)", .tau = 0.75, .epsilon = 0.1,
	  .free_source = OPT(POLICY_FREE_AVAIL), .host_free = 4, .n = 2,
	  AVAIL_DOMS(POLICY_IN_AVAIL), .target = { 387500 } },
	/* free: A1 = 300000, a1 = 225000; 600000 + 0.5*Lambda = 1000004,
	 * Lambda = 800008; Nt1 = 425002 -> 425000, Nt2 -> 575000. */
	{ .name = "test_free_source (free)", .tau = 0.75, .epsilon = 0.1,
	  .free_source = OPT(POLICY_FREE_FREE), .host_free = 4, .n = 2,
	  AVAIL_DOMS(POLICY_IN_AVAIL), .target = { 425000, 575000 } },
	/* avail without the guest reporting it falls back to free: 425000. */
	{ .name = "test_free_source (avail unreported)", .tau = 0.75,
	  .epsilon = 0.1, .free_source = OPT(POLICY_FREE_AVAIL),
	  .host_free = 4, .n = 2, AVAIL_DOMS(0), .target = { 425000 } },
	/* Pressure, abundant: goal 200000 below B = 1000000, but psi_some
	 * 2000 > 1000: L_i' = min(B, H) = 1000000, the target stays. */
	{ .name = "test_pressure_self (psi)", .tau = 0.75, .epsilon = 0.1,
	  .host_free = 10 * GIB, .n = 1,
	  .dom = { PRESSED_D1(.flags = POLICY_IN_PSI, .psi_some = 2000) },
	  .target = { 1000000 }, .reasons = { OPT(POLICY_R_PSI) } },
	/* At exactly 1000 (not above) it shrinks by 100000 (hysteresis). */
	{ .name = "test_pressure_self (psi at limit)", .tau = 0.75,
	  .epsilon = 0.1, .host_free = 10 * GIB, .n = 1,
	  .dom = { PRESSED_D1(.flags = POLICY_IN_PSI, .psi_some = 1000) },
	  .target = { 900000 } },
	/* swapin_rate 300 > 256 also holds it at 1000000. */
	{ .name = "test_pressure_self (swapin)", .tau = 0.75, .epsilon = 0.1,
	  .host_free = 10 * GIB, .n = 1,
	  .dom = { PRESSED_D1(.flags = POLICY_IN_PSI | POLICY_IN_SWAPIN,
			      .psi_some = 1000, .swapin_rate = 300) },
	  .target = { 1000000 }, .reasons = { OPT(POLICY_R_SWAPIN) } },
	/* Pressure, scarce: test_solve.c's two-domain case would shrink D1
	 * from 400000 to 387500. Under pressure L1' = B1 = 400000: D1 keeps
	 * 400000 and D2 gets the rest, 1000004 - 400000 = 600004 ->
	 * page_down(600004 - 1/16) = 600000. */
	{ .name = "test_pressure_global_not_shrunk", .tau = 0.75,
	  .epsilon = 0.1, .host_free = 4, .n = 2,
	  .dom = { TWO_D1(.flags = POLICY_IN_PSI, .psi_some = 5000), TWO_D2 },
	  .stage_want = OPT(POLICY_STAGE_PRICE), .target = { 400000, 600000 },
	  .reasons = { OPT(POLICY_R_PSI) } },
	/* OOM: the daemon raised L1 to N1 + 64 MiB = 465536 and says so. In
	 * the same scarce case D1 would get 387500; it gets 465536 (reason
	 * min+oom), D2 the rest: 1000004 - 465536 = 534468 -> 534464. */
	{ .name = "test_oom_raised_min", .tau = 0.75, .epsilon = 0.1,
	  .host_free = 4, .n = 2,
	  .dom = { HD(1, 400000, 200000, 1900000, 465536, 2000000,
		      .flags = POLICY_IN_OOM_MIN), TWO_D2 },
	  .target = { 465536, 534464 },
	  .reasons = { OPT(POLICY_R_MIN | POLICY_R_OOM) },
	  .extra = oom_reason_named },
	/* dom0 priority never pushes a domU below its minimum: L1 = L2 =
	 * 500000, room = 500000 + 1000000 + 100004 - 1000000 = 600004 <
	 * MC_0 = 700000: T_0 = 600004 (reason dom0), and the domUs are left
	 * exactly sum L_i: F_U = 0, M = 1000000. D2 asks for more than L2
	 * (MC2 = 600000), so need = 100000 > F_U: scarce, and with M = sum
	 * L_i both sit at 500000. */
	{ .name = "test_dom0_priority_limited", .tau = 0.75, .epsilon = 0.1,
	  .dom0_mode = OPT(POLICY_DOM0_PRIORITY), .host_free = 100004, .n = 3,
	  .dom = { HD(0, 500000, 100000, 700000, 100000, 1000000),
		   HD(1, 400000, 200000, 300000, 500000, 2000000),
		   HD(2, 600000, 100000, 600000, 500000, 2000000) },
	  .mode_want = OPT(POLICY_MODE_SCARCE),
	  .target = { 600004, 500000, 500000 }, .budget = OPT(1000000),
	  .extra = dom0_reason },
};

static void test_hand_cases(void **state)
{
	for (size_t i = 0; i < sizeof(policy_cases) / sizeof(policy_cases[0]); i++)
		hand_case_run(&policy_cases[i], out, &cycle);
}

static void expect_refused(const struct policy_dom *d, size_t n,
			   size_t bad_index, const char *needle)
{
	struct policy_params p = hand_params(0.75, 0.1);
	struct policy_ctx ctx;
	struct policy_host host = { .free_kb = 0 };

	assert_int_equal(policy_ctx_init(&ctx, n), 0);
	assert_int_equal(policy_decide(&ctx, &p, &host, d, n, out, &cycle), -1);
	assert_int_equal(cycle.bad_index, bad_index);
	assert_non_null(strstr(cycle.error, needle));
	policy_ctx_free(&ctx);
}

static void test_bad_input_refused(void **state)
{
	struct policy_dom d[2] = {
		dom_u(1, 400000, 0, 0, 100000, 2000000),
		dom_u(2, 400000, 0, 0, 100000, 2000000),
	};

	d[1].min_kb = 3000000;
	expect_refused(d, 2, 1, "min 3000000 > max");
	d[1].min_kb = 100000;
	d[1].swap_tot_kb = 5;
	d[1].swap_free_kb = 6;
	expect_refused(d, 2, 1, "swap_free 6 > swap_tot 5");
	d[1].swap_free_kb = 0;
	d[0].shares = 0;
	expect_refused(d, 2, 0, "shares");
	d[0].shares = NAN;
	expect_refused(d, 2, 0, "shares");
	d[0].shares = 1;
	d[0].actual_kb = POLICY_KB_MAX + 1;
	expect_refused(d, 2, 0, "actual");
	d[0] = dom_u(0, 400000, 0, 0, 100000, 2000000);
	d[1] = dom_u(0, 400000, 0, 0, 100000, 2000000);
	expect_refused(d, 2, 1, "second dom0");

	/* More domains than the context was sized for. */
	struct policy_params p = hand_params(0.75, 0.1);
	struct policy_ctx ctx;
	struct policy_host host = { .free_kb = 0 };

	assert_int_equal(policy_ctx_init(&ctx, 1), 0);
	assert_int_equal(policy_decide(&ctx, &p, &host, d, 2, out, &cycle), -1);
	p.tau = 1;
	assert_int_equal(policy_decide(&ctx, &p, &host, d, 1, out, &cycle), -1);
	assert_non_null(strstr(cycle.error, "tau"));
	policy_ctx_free(&ctx);
}

static void test_names(void **state)
{
	char buf[128];

	assert_string_equal(policy_mode_name(POLICY_MODE_INFEASIBLE), "infeasible");
	assert_string_equal(policy_stage_name(POLICY_STAGE_THETA), "theta");
	assert_string_equal(policy_reason_name(POLICY_R_GRANT), "grant");
	assert_null(policy_reason_name(POLICY_R_GRANT | POLICY_R_MIN));
	assert_string_equal(policy_reasons_format(0, buf, sizeof(buf)), "-");
	assert_string_equal(policy_reasons_format(POLICY_R_DEMAND |
						  POLICY_R_THRESHOLD, buf,
						  sizeof(buf)),
			    "demand+threshold");
	/* Every reason bit has a distinct name. */
	for (unsigned i = 0; i < POLICY_R_COUNT; i++)
		for (unsigned j = 0; j < i; j++)
			assert_string_not_equal(policy_reason_name(1u << i),
						policy_reason_name(1u << j));
	assert_int_equal(policy_name_index(policy_solver_names, "paper"),
			 POLICY_SOLVER_PAPER);
	assert_int_equal(policy_name_index(policy_solver_names, "Paper"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_boundary),
		cmocka_unit_test(test_self_steps),
		cmocka_unit_test(test_self_step_pages),
		cmocka_unit_test(test_dom0_fixed),
		cmocka_unit_test(test_dom0_priority),
		cmocka_unit_test(test_unmanaged),
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_paper_preset_steps),
		cmocka_unit_test(test_hand_cases),
		cmocka_unit_test(test_bad_input_refused),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
