/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hand-computed global balancing: both solvers, every stage of the exact
 * one. Each case gives its arithmetic; the symbols are design.md §Notation's.
 *
 * Reminders used throughout:
 *   a_i = tau*A_i, A_i = N_i - F_i (free_source = free here),
 *   w_i = S_i*((1 - tau) + epsilon*(1 - SF_i/ST_i)),
 *   stage 2: Nt_i = clamp(a_i + Lambda*w_i, L_i, U_i), sum Nt_i = M,
 *   M = sum N_i + F_h (F_h = host free - reserve; reserve 0 here),
 *   an unclamped Nt_i is rounded to page_down(Nt_i - 1/16): an allocation
 *   that is exactly a page multiple loses one page, so the cases below
 *   pick M to keep Nt_i off page multiples.
 */
#include "test_policy_util.h"

static struct policy_decision out[8];
static struct policy_cycle cycle;

static void expect_price_equal(size_t i, size_t j)
{
	assert_true(out[i].has_price && out[j].has_price);
	assert_true(fabs(out[i].price - out[j].price) <= 1e-9 * out[i].price);
}

/* Two domains, no swap, default tau = 0.75, epsilon = 0.1.
 *   D1: N=400000 F=200000 -> A=200000, a=150000, w=0.25
 *   D2: N=600000 F=100000 -> A=500000, a=375000, w=0.25
 *   F_h = 4 -> M = 1000004; MC_i = 1900000 each: need 2.8e6 > 4, scarce.
 *   f(0) = 525000 <= M: stage 2. 525000 + 0.5*Lambda = 1000004,
 *   Lambda = 950008; Nt1 = 150000 + 237502 = 387502 -> 387500,
 *   Nt2 = 375000 + 237502 = 612502 -> 612500.
 *   Prices: 0.25/(387500-150000) = 0.25/(612500-375000) = 0.25/237500. */
static void test_two_domains_price(void **state)
{
	struct policy_params p = hand_params(0.75, 0.1);
	struct policy_dom d[2] = {
		dom_u(1, 400000, 200000, 1900000, 100000, 2000000),
		dom_u(2, 600000, 100000, 1900000, 100000, 2000000),
	};

	decide(&p, 4, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(cycle.stage, POLICY_STAGE_PRICE);
	assert_int_equal(cycle.budget_kb, 1000004);
	assert_true(fabs(cycle.lambda - 950008) < 1e-6);
	assert_int_equal(out[0].target_kb, 387500);
	assert_int_equal(out[1].target_kb, 612500);
	assert_true(fabs(out[0].price - 0.25 / 237500) < 1e-15);
	expect_price_equal(0, 1);
	assert_int_equal(out[0].reasons, 0);
	assert_int_equal(cycle.fixup_kb, 0);
}

/* Swap: D1 has ST=100000, SF=50000, so w1 = 0.25 + 0.1*(1 - 0.5) = 0.30.
 *   F_h = -1989 -> M = 998011. 525000 + 0.55*Lambda = 998011,
 *   Lambda = 860020; Nt1 = 150000 + 0.30*860020 = 408006 -> 408004,
 *   Nt2 = 375000 + 0.25*860020 = 590005 -> 590004.
 * The domain that swaps gets more than its twin without swap would. */
static void test_swap_raises_weight(void **state)
{
	struct policy_params p = hand_params(0.75, 0.1);
	struct policy_dom d[2] = {
		dom_u(1, 400000, 200000, 1900000, 100000, 2000000),
		dom_u(2, 600000, 100000, 1900000, 100000, 2000000),
	};

	d[0].swap_tot_kb = 100000;
	d[0].swap_free_kb = 50000;
	decide(&p, -1989, d, 2, out, &cycle);
	assert_int_equal(cycle.stage, POLICY_STAGE_PRICE);
	assert_true(fabs(cycle.lambda - 860020) < 1e-6);
	assert_int_equal(out[0].target_kb, 408004);
	assert_int_equal(out[1].target_kb, 590004);
	/* rho = w/(Nt - a): 0.30/258004 and 0.25/215004, equal to 1e-5. */
	assert_true(fabs(out[0].price / out[1].price - 1) < 1e-4);
}

/* epsilon = 0 drops the swap term: the same snapshot as above balances
 * as if nobody swapped. w1 = w2 = 0.25: 525000 + 0.5*Lambda = 998011,
 * Lambda = 946022; Nt1 = 150000 + 236505.5 -> 386504,
 * Nt2 = 375000 + 236505.5 -> 611504. */
static void test_epsilon_zero_ignores_swap(void **state)
{
	struct policy_params p = hand_params(0.75, 0);
	struct policy_dom d[2] = {
		dom_u(1, 400000, 200000, 1900000, 100000, 2000000),
		dom_u(2, 600000, 100000, 1900000, 100000, 2000000),
	};

	d[0].swap_tot_kb = 100000;
	d[0].swap_free_kb = 50000;
	decide(&p, -1989, d, 2, out, &cycle);
	assert_true(fabs(cycle.lambda - 946022) < 1e-6);
	assert_int_equal(out[0].target_kb, 386504);
	assert_int_equal(out[1].target_kb, 611504);
}

/* tau = 0 is pure proportional share: a_i = 0, w_i = S_i, Nt_i =
 * Lambda*S_i whatever the active memory. S = (1, 3), N = 500000 each,
 * D1 fully active, D2 fully idle; F_h = 8: 4*Lambda = 1000008,
 * Lambda = 250002; Nt1 = 250002 -> 250000, Nt2 = 750006 -> 750004. */
static void test_tau_zero_is_proportional(void **state)
{
	struct policy_params p = hand_params(0, 0.1);
	struct policy_dom d[2] = {
		dom_u(1, 500000, 0, 1900000, 100000, 2000000),
		dom_u(2, 500000, 500000, 1900000, 100000, 2000000),
	};

	d[1].shares = 3;
	decide(&p, 8, d, 2, out, &cycle);
	assert_int_equal(cycle.stage, POLICY_STAGE_PRICE);
	assert_true(fabs(cycle.lambda - 250002) < 1e-6);
	assert_int_equal(out[0].target_kb, 250000);
	assert_int_equal(out[1].target_kb, 750004);
}

/* Three domains with bounds active, tau = 0.5, epsilon = 0 (w = 0.5):
 *   D1: N=400000 F=300000 -> a=50000,  L=0,      H=200000
 *   D2: N=400000 F=100000 -> a=150000, L=500000, H=2000000
 *   D3: N=400010 F=200010 -> a=100000, L=0,      H=2000000
 *   scarce_cap = max, F_h = 0, M = 1200010.
 * D1 is held at H1: a1 + Lambda*w1 would be 425005 > 200000. D2 and D3
 * share the rest: 250000 + Lambda = 1000010, Lambda = 750010;
 * D2 = 150000 + 375005 = 525005 (> L2: free) -> 525004,
 * D3 = 100000 + 375005 = 475005 -> 475004. */
static struct policy_params bounds_params(void)
{
	struct policy_params p = hand_params(0.5, 0);

	p.scarce_cap = POLICY_CAP_MAX;
	return p;
}

static void bounds_snapshot(struct policy_dom d[3])
{
	d[0] = dom_u(1, 400000, 300000, 1900000, 0, 200000);
	d[1] = dom_u(2, 400000, 100000, 1900000, 500000, 2000000);
	d[2] = dom_u(3, 400010, 200010, 1900000, 0, 2000000);
}

static void test_three_domains_bounds(void **state)
{
	struct policy_params p = bounds_params();
	struct policy_dom d[3];

	bounds_snapshot(d);
	decide(&p, 0, d, 3, out, &cycle);
	assert_int_equal(cycle.stage, POLICY_STAGE_PRICE);
	assert_true(fabs(cycle.lambda - 750010) < 1e-6);
	assert_int_equal(out[0].target_kb, 200000);
	assert_int_equal(out[0].reasons, POLICY_R_MAX);
	assert_int_equal(out[1].target_kb, 525004);
	assert_int_equal(out[2].target_kb, 475004);
	assert_int_equal(out[1].reasons, 0);
	expect_price_equal(1, 2);
}

/*
 * Where the paper's recursion and the exact solver differ: the same
 * snapshot. The paper solves without bounds first: Lambda = (1200010 -
 * 300000)/1.5 = 600006.7, so D1 = 350003 > H1 and D2 = 450003 < L2. It
 * pins BOTH at once (D1 = 200000, D2 = 500000) and gives the remaining
 * 500010 to D3 alone. But pinning D1 at its max freed memory that lifts
 * Lambda to 750010, where D2 would sit at 525005, above its minimum: D2
 * should never have been pinned, and Algorithm 3 never releases a pin.
 * Result (200000, 500000, 500008): D2's price 0.5/350000 is above D3's
 * 0.5/400008 while D2 sits at its MINIMUM, so memory moved from D3 to D2
 * would be worth more to D2; no equal-price allocation looks like that.
 * The exact solver gives (200000, 525004, 475004): D2 and D3 at one price
 * 0.5/375004, and D1, held at its maximum, at a price above it (a domain
 * at its upper bound would take more; at its lower bound, less).
 */
static void test_paper_differs_from_exact(void **state)
{
	struct policy_params p = bounds_params();
	struct policy_decision exact[3];
	struct policy_dom d[3];

	bounds_snapshot(d);
	decide(&p, 0, d, 3, exact, &cycle);
	p.solver = POLICY_SOLVER_PAPER;
	decide(&p, 0, d, 3, out, &cycle);
	assert_int_equal(cycle.stage, POLICY_STAGE_PAPER);
	/* One linear system; the second round has one domain left, which
	 * Algorithm 3 settles without a system. */
	assert_int_equal(cycle.paper_solves, 1);
	assert_int_equal(out[0].target_kb, 200000);
	assert_int_equal(out[1].target_kb, 500000);
	assert_int_equal(out[2].target_kb, 500008);

	/* Exact: free domains share one price; held ones are on the right
	 * side of it. */
	double rho = exact[1].price;

	assert_true(fabs(exact[2].price - rho) <= 1e-12);
	assert_true(exact[0].price > rho);        /* at H: wants more */
	/* Paper: D2 at its minimum yet pricier than the free D3. */
	assert_true(out[1].target_kb == d[1].min_kb);
	assert_true(out[1].price > out[2].price * 1.1);
	/* Same memory used: both allocate sum = M - rounding. */
	assert_int_equal(exact[0].target_kb + exact[1].target_kb +
			 exact[2].target_kb, 1200008);
}

/* Stage 1, reached through mode = global (scarce_cap = demand): plenty of
 * memory, every domain gets U_i = MC_i at once.
 *   headroom 65536: MC1 = 300000 + 65536 = 365536,
 *   MC2 = page_down(500002 + 65536 = 565538) = 565536.
 * In auto mode the same host is abundant and D1 only steps down:
 *   d = 1000000 - 365536 = 634464, ceil(d/8) = 79308 -> 920692. */
static void test_stage1_forced_global(void **state)
{
	struct policy_params p = hand_params(0.75, 0.1);
	struct policy_dom d[2] = {
		dom_u(1, 1000000, 500000, 300000, 131072, 2 * GIB),
		dom_u(2, 500000, 100000, 500002, 131072, 2 * GIB),
	};

	p.headroom_kb = 65536;
	decide(&p, 1000000, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(out[0].target_kb, 920692);
	assert_int_equal(out[1].target_kb, 565536);

	p.mode = POLICY_FORCE_GLOBAL;
	decide(&p, 1000000, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(cycle.stage, POLICY_STAGE_CAP);
	assert_int_equal(out[0].target_kb, 365536);
	assert_int_equal(out[1].target_kb, 565536);
	assert_int_equal(out[0].reasons, POLICY_R_DEMAND);
	assert_false(out[0].has_price);
}

/* Stage 3: even the taxed active memory does not fit, tau = 0.5, eps 0:
 *   D1: N=800000 F=0      -> a=400000, L=100000
 *   D2: N=800000 F=400000 -> a=200000, L=100000
 *   F_h = -1149996 -> M = 450004 < f(0) = 600000, >= sum L = 200000.
 * Stage 2 would need Lambda = (450004 - 600000)/(0.5 + 0.5) = -149996,
 * which takes 74998 from each (D1 325002, D2 125002): more swap or more
 * shares would then LOWER a target. Stage 3 scales instead:
 *   theta*(400000 + 200000) = 450004 (both above L for theta > 0.5),
 *   theta = 0.7500067; D1 = 300002.7 -> 300000, D2 = 150001.3 -> 150000. */
static void test_stage3_theta(void **state)
{
	struct policy_params p = hand_params(0.5, 0);
	struct policy_dom d[2] = {
		dom_u(1, 800000, 0, 1900000, 100000, 2000000),
		dom_u(2, 800000, 400000, 1900000, 100000, 2000000),
	};

	p.scarce_cap = POLICY_CAP_MAX;
	decide(&p, -1149996, d, 2, out, &cycle);
	assert_int_equal(cycle.stage, POLICY_STAGE_THETA);
	assert_true(fabs(cycle.theta - 450004.0 / 600000) < 1e-12);
	assert_int_equal(out[0].target_kb, 300000);
	assert_int_equal(out[1].target_kb, 150000);
	assert_false(out[0].has_price);
	assert_int_equal(out[0].mode, POLICY_MODE_SCARCE);
}

/* Stage 4: sum L = 600000 > M = 800000 - 300000 = 500000. Both solvers
 * give everybody L_i and report the 100000 KiB shortfall. */
static void test_infeasible(void **state)
{
	struct policy_params p = hand_params(0.75, 0.1);
	struct policy_dom d[2] = {
		dom_u(1, 400000, 100000, 900000, 300000, 2000000),
		dom_u(2, 400000, 100000, 900000, 300000, 2000000),
	};

	for (int solver = 0; solver < 2; solver++) {
		p.solver = (enum policy_solver)solver;
		decide(&p, -300000, d, 2, out, &cycle);
		assert_int_equal(cycle.mode, POLICY_MODE_INFEASIBLE);
		assert_int_equal(cycle.stage, POLICY_STAGE_INFEASIBLE);
		assert_int_equal(cycle.shortfall_kb, 100000);
		assert_int_equal(out[0].target_kb, 300000);
		assert_int_equal(out[1].target_kb, 300000);
		assert_int_equal(out[0].mode, POLICY_MODE_INFEASIBLE);
		assert_int_equal(out[0].reasons, POLICY_R_MIN);
	}
}

/* The paper solver without active bounds balances sum N_i = 1000000 like
 * the exact one (test_two_domains_price): Nt = (387500, 612500); then
 * adds F_h = 4 in proportion: T1 = 387500 + 4*0.3875 = 387501.55 ->
 * 387500, T2 = 612500 + 2.45 -> 612500. Same as exact. */
static void test_paper_two_domains(void **state)
{
	struct policy_params p = hand_params(0.75, 0.1);
	struct policy_dom d[2] = {
		dom_u(1, 400000, 200000, 1900000, 100000, 2000000),
		dom_u(2, 600000, 100000, 1900000, 100000, 2000000),
	};

	p.solver = POLICY_SOLVER_PAPER;
	decide(&p, 4, d, 2, out, &cycle);
	assert_int_equal(cycle.stage, POLICY_STAGE_PAPER);
	assert_int_equal(cycle.paper_solves, 1);
	assert_int_equal(out[0].target_kb, 387500);
	assert_int_equal(out[1].target_kb, 612500);
}

/* The paper's bonus: tau = 0, S = (1, 3), N = 400000 each. Balancing
 * sum N = 800000 gives Nt = (200000, 600000); F_h = 80008 is added in
 * proportion: T1 = 200000 + 80008/4 = 220002 -> 220000,
 * T2 = 600000 + 60006 = 660006 -> 660004. With tau = 0 and no bound the
 * exact solver on M = 880008 agrees: Lambda = 220002. */
static void test_paper_bonus(void **state)
{
	struct policy_params p = hand_params(0, 0);
	struct policy_dom d[2] = {
		dom_u(1, 400000, 100000, 1900000, 100000, 2000000),
		dom_u(2, 400000, 300000, 1900000, 100000, 2000000),
	};

	d[1].shares = 3;
	p.solver = POLICY_SOLVER_PAPER;
	decide(&p, 80008, d, 2, out, &cycle);
	assert_int_equal(out[0].target_kb, 220000);
	assert_int_equal(out[1].target_kb, 660004);
	p.solver = POLICY_SOLVER_EXACT;
	decide(&p, 80008, d, 2, out, &cycle);
	assert_true(fabs(cycle.lambda - 220002) < 1e-6);
	assert_int_equal(out[0].target_kb, 220000);
	assert_int_equal(out[1].target_kb, 660004);
}

/* The paper's bonus ignores bounds until the final clamp, so memory can
 * stay unallocated: with D1 capped at H1 = 210000, T1 = 220002 is cut to
 * 210000 and nobody gets the 10002 KiB; the exact solver gives them to
 * D2 (M = 880008: D1 at 210000, D2 = 670008 - 1/16 -> 670004). */
static void test_paper_bonus_clamped(void **state)
{
	struct policy_params p = hand_params(0, 0);
	struct policy_dom d[2] = {
		dom_u(1, 400000, 100000, 1900000, 100000, 210000),
		dom_u(2, 400000, 300000, 1900000, 100000, 2000000),
	};

	d[1].shares = 3;
	p.scarce_cap = POLICY_CAP_MAX;
	p.solver = POLICY_SOLVER_PAPER;
	decide(&p, 80008, d, 2, out, &cycle);
	/* Nt = (200000, 600000) is within bounds: one solve. */
	assert_int_equal(cycle.paper_solves, 1);
	assert_int_equal(out[0].target_kb, 210000);
	assert_int_equal(out[1].target_kb, 660004);
	p.solver = POLICY_SOLVER_EXACT;
	decide(&p, 80008, d, 2, out, &cycle);
	assert_int_equal(out[0].target_kb, 210000);
	assert_int_equal(out[1].target_kb, 670004);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_domains_price),
		cmocka_unit_test(test_swap_raises_weight),
		cmocka_unit_test(test_epsilon_zero_ignores_swap),
		cmocka_unit_test(test_tau_zero_is_proportional),
		cmocka_unit_test(test_three_domains_bounds),
		cmocka_unit_test(test_paper_differs_from_exact),
		cmocka_unit_test(test_stage1_forced_global),
		cmocka_unit_test(test_stage3_theta),
		cmocka_unit_test(test_infeasible),
		cmocka_unit_test(test_paper_two_domains),
		cmocka_unit_test(test_paper_bonus),
		cmocka_unit_test(test_paper_bonus_clamped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
