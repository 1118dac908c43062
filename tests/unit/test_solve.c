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
#include "hand_case.h"

static struct policy_decision out[8];
static struct policy_cycle cycle;

static void expect_price_equal(size_t i, size_t j)
{
	assert_true(out[i].has_price && out[j].has_price);
	assert_true(fabs(out[i].price - out[j].price) <= 1e-9 * out[i].price);
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

/* ---- the hand-computed table ------------------------------------------------
 * D1 and D2 of the two-domain case (TWO_D1, TWO_D2), used by most rows:
 *   D1: N=400000 F=200000 -> A=200000, a=150000, w=0.25
 *   D2: N=600000 F=100000 -> A=500000, a=375000, w=0.25
 */

/* Prices: 0.25/(387500-150000) = 0.25/(612500-375000) = 0.25/237500. */
static void two_domains_prices(const struct policy_decision *o,
			       const struct policy_cycle *c)
{
	assert_true(fabs(o[0].price - 0.25 / 237500) < 1e-15);
	expect_price_equal(0, 1);
	assert_int_equal(c->fixup_kb, 0);
}

/* rho = w/(Nt - a): 0.30/258004 and 0.25/215004, equal to 1e-5. */
static void swap_prices(const struct policy_decision *o,
			const struct policy_cycle *c)
{
	(void)c;
	assert_true(fabs(o[0].price / o[1].price - 1) < 1e-4);
}

static void bounds_prices(const struct policy_decision *o,
			  const struct policy_cycle *c)
{
	(void)o;
	(void)c;
	expect_price_equal(1, 2);
}

/* Stage 1 and auto mode on one host (headroom 65536). */
#define STAGE1_DOMS .dom = { HD(1, 1000000, 500000, 300000, 131072, 2 * GIB), \
	HD(2, 500000, 100000, 500002, 131072, 2 * GIB) }
/* Stage 4 for both solvers: the snapshot and what both must give. */
#define INFEASIBLE_ROW .host_free = -300000, .n = 2, \
	.dom = { HD(1, 400000, 100000, 900000, 300000, 2000000), \
		 HD(2, 400000, 100000, 900000, 300000, 2000000) }, \
	.mode_want = OPT(POLICY_MODE_INFEASIBLE), \
	.stage_want = OPT(POLICY_STAGE_INFEASIBLE), \
	.shortfall = OPT(100000), .target = { 300000, 300000 }, \
	.dom_mode0 = OPT(POLICY_MODE_INFEASIBLE), \
	.reasons = { OPT(POLICY_R_MIN) }
/* The paper's bonus: S = (1, 3), N = 400000 each, D1 capped at h1. */
#define BONUS_DOMS(h1) .dom = { \
	HD(1, 400000, 100000, 1900000, 100000, h1), \
	HD(2, 400000, 300000, 1900000, 100000, 2000000, .shares = 3) }

static const struct hand_case solve_cases[] = {
	/* F_h = 4 -> M = 1000004; MC_i = 1900000 each: need 2.8e6 > 4,
	 * scarce. f(0) = 525000 <= M: stage 2. 525000 + 0.5*Lambda =
	 * 1000004, Lambda = 950008; Nt1 = 150000 + 237502 = 387502 ->
	 * 387500, Nt2 = 375000 + 237502 = 612502 -> 612500. */
	{ .name = "test_two_domains_price", .tau = 0.75, .epsilon = 0.1,
	  .host_free = 4, .n = 2, .dom = { TWO_D1(), TWO_D2 },
	  .mode_want = OPT(POLICY_MODE_SCARCE),
	  .stage_want = OPT(POLICY_STAGE_PRICE), .budget = OPT(1000004),
	  .lambda = 950008, .target = { 387500, 612500 },
	  .reasons = { OPT(0) }, .extra = two_domains_prices },
	/* Swap: D1 has ST=100000, SF=50000, so w1 = 0.25 + 0.1*(1 - 0.5) =
	 * 0.30. F_h = -1989 -> M = 998011. 525000 + 0.55*Lambda = 998011,
	 * Lambda = 860020; Nt1 = 150000 + 0.30*860020 = 408006 -> 408004,
	 * Nt2 = 375000 + 0.25*860020 = 590005 -> 590004. The domain that
	 * swaps gets more than its twin without swap would. */
	{ .name = "test_swap_raises_weight", .tau = 0.75, .epsilon = 0.1,
	  .host_free = -1989, .n = 2,
	  .dom = { TWO_D1(.swap_tot = 100000, .swap_free = 50000), TWO_D2 },
	  .stage_want = OPT(POLICY_STAGE_PRICE), .lambda = 860020,
	  .target = { 408004, 590004 }, .extra = swap_prices },
	/* epsilon = 0 drops the swap term: the same snapshot as above
	 * balances as if nobody swapped. w1 = w2 = 0.25: 525000 +
	 * 0.5*Lambda = 998011, Lambda = 946022; Nt1 = 150000 + 236505.5 ->
	 * 386504, Nt2 = 375000 + 236505.5 -> 611504. */
	{ .name = "test_epsilon_zero_ignores_swap", .tau = 0.75, .epsilon = 0,
	  .host_free = -1989, .n = 2,
	  .dom = { TWO_D1(.swap_tot = 100000, .swap_free = 50000), TWO_D2 },
	  .lambda = 946022, .target = { 386504, 611504 } },
	/* tau = 0 is pure proportional share: a_i = 0, w_i = S_i, Nt_i =
	 * Lambda*S_i whatever the active memory. S = (1, 3), N = 500000
	 * each, D1 fully active, D2 fully idle; F_h = 8: 4*Lambda = 1000008,
	 * Lambda = 250002; Nt1 = 250002 -> 250000, Nt2 = 750006 -> 750004. */
	{ .name = "test_tau_zero_is_proportional", .tau = 0, .epsilon = 0.1,
	  .host_free = 8, .n = 2,
	  .dom = { HD(1, 500000, 0, 1900000, 100000, 2000000),
		   HD(2, 500000, 500000, 1900000, 100000, 2000000,
		      .shares = 3) },
	  .stage_want = OPT(POLICY_STAGE_PRICE), .lambda = 250002,
	  .target = { 250000, 750004 } },
	/* bounds_snapshot(), arithmetic above bounds_params(): D1 held at
	 * H1 = 200000, Lambda = 750010, D2 525004 and D3 475004. */
	{ .name = "test_three_domains_bounds", .tau = 0.5, .epsilon = 0,
	  .scarce_cap = OPT(POLICY_CAP_MAX), .host_free = 0, .n = 3,
	  .dom = { HD(1, 400000, 300000, 1900000, 0, 200000),
		   HD(2, 400000, 100000, 1900000, 500000, 2000000),
		   HD(3, 400010, 200010, 1900000, 0, 2000000) },
	  .stage_want = OPT(POLICY_STAGE_PRICE), .lambda = 750010,
	  .target = { 200000, 525004, 475004 },
	  .reasons = { OPT(POLICY_R_MAX), OPT(0) }, .extra = bounds_prices },
	/* Stage 1 (next row) and auto mode on the same host, headroom 65536:
	 * MC1 = 300000 + 65536 = 365536, MC2 = page_down(500002 + 65536 =
	 * 565538) = 565536. In auto mode the host is abundant and D1 only
	 * steps down: d = 1000000 - 365536 = 634464, ceil(d/8) = 79308 ->
	 * 920692. */
	{ .name = "test_stage1_forced_global (auto)", .tau = 0.75,
	  .epsilon = 0.1, .headroom = 65536, .host_free = 1000000, .n = 2,
	  STAGE1_DOMS,
	  .mode_want = OPT(POLICY_MODE_ABUNDANT),
	  .target = { 920692, 565536 } },
	/* Stage 1, reached through mode = global (scarce_cap = demand):
	 * plenty of memory, every domain gets U_i = MC_i at once. */
	{ .name = "test_stage1_forced_global (global)", .tau = 0.75,
	  .epsilon = 0.1, .headroom = 65536, .host_free = 1000000, .n = 2,
	  .mode = OPT(POLICY_FORCE_GLOBAL),
	  STAGE1_DOMS,
	  .mode_want = OPT(POLICY_MODE_SCARCE),
	  .stage_want = OPT(POLICY_STAGE_CAP), .target = { 365536, 565536 },
	  .reasons = { OPT(POLICY_R_DEMAND) }, .no_price0 = true },
	/* Stage 3: even the taxed active memory does not fit, tau = 0.5,
	 * eps 0: D1 N=800000 F=0 -> a=400000; D2 N=800000 F=400000 ->
	 * a=200000; L=100000 each. F_h = -1149996 -> M = 450004 < f(0) =
	 * 600000, >= sum L = 200000. Stage 2 would need Lambda = (450004 -
	 * 600000)/(0.5 + 0.5) = -149996, which takes 74998 from each: more
	 * swap or more shares would then LOWER a target. Stage 3 scales:
	 * theta*(400000 + 200000) = 450004, theta = 0.7500067;
	 * D1 = 300002.7 -> 300000, D2 = 150001.3 -> 150000. */
	{ .name = "test_stage3_theta", .tau = 0.5, .epsilon = 0,
	  .scarce_cap = OPT(POLICY_CAP_MAX), .host_free = -1149996, .n = 2,
	  .dom = { HD(1, 800000, 0, 1900000, 100000, 2000000),
		   HD(2, 800000, 400000, 1900000, 100000, 2000000) },
	  .stage_want = OPT(POLICY_STAGE_THETA), .theta = 450004.0 / 600000,
	  .target = { 300000, 150000 }, .no_price0 = true,
	  .dom_mode0 = OPT(POLICY_MODE_SCARCE) },
	/* Stage 4: sum L = 600000 > M = 800000 - 300000 = 500000. Both
	 * solvers (this row and the next) give everybody L_i and report the
	 * 100000 KiB shortfall. */
	{ .name = "test_infeasible (exact)", .tau = 0.75, .epsilon = 0.1,
	  .solver = OPT(POLICY_SOLVER_EXACT), INFEASIBLE_ROW },
	{ .name = "test_infeasible (paper)", .tau = 0.75, .epsilon = 0.1,
	  .solver = OPT(POLICY_SOLVER_PAPER), INFEASIBLE_ROW },
	/* The paper solver without active bounds balances sum N_i = 1000000
	 * like the exact one (test_two_domains_price): Nt = (387500,
	 * 612500); then adds F_h = 4 in proportion: T1 = 387500 +
	 * 4*0.3875 = 387501.55 -> 387500, T2 = 612500 + 2.45 -> 612500. */
	{ .name = "test_paper_two_domains", .tau = 0.75, .epsilon = 0.1,
	  .solver = OPT(POLICY_SOLVER_PAPER), .host_free = 4, .n = 2,
	  .dom = { TWO_D1(), TWO_D2 }, .stage_want = OPT(POLICY_STAGE_PAPER),
	  .paper_solves = OPT(1), .target = { 387500, 612500 } },
	/* The paper's bonus: tau = 0, S = (1, 3), N = 400000 each.
	 * Balancing sum N = 800000 gives Nt = (200000, 600000); F_h = 80008
	 * is added in proportion: T1 = 200000 + 80008/4 = 220002 -> 220000,
	 * T2 = 600000 + 60006 = 660006 -> 660004. */
	{ .name = "test_paper_bonus (paper)", .tau = 0, .epsilon = 0,
	  .solver = OPT(POLICY_SOLVER_PAPER), .host_free = 80008, .n = 2,
	  BONUS_DOMS(2000000),
	  .target = { 220000, 660004 } },
	/* With tau = 0 and no bound the exact solver on M = 880008 agrees
	 * with the row above: Lambda = 220002. */
	{ .name = "test_paper_bonus (exact)", .tau = 0, .epsilon = 0,
	  .solver = OPT(POLICY_SOLVER_EXACT), .host_free = 80008, .n = 2,
	  BONUS_DOMS(2000000),
	  .lambda = 220002, .target = { 220000, 660004 } },
	/* The paper's bonus ignores bounds until the final clamp, so memory
	 * can stay unallocated: with D1 capped at H1 = 210000, T1 = 220002
	 * is cut to 210000 and nobody gets the 10002 KiB. Nt = (200000,
	 * 600000) is within bounds: one solve. */
	{ .name = "test_paper_bonus_clamped (paper)", .tau = 0, .epsilon = 0,
	  .solver = OPT(POLICY_SOLVER_PAPER),
	  .scarce_cap = OPT(POLICY_CAP_MAX), .host_free = 80008, .n = 2,
	  BONUS_DOMS(210000),
	  .paper_solves = OPT(1), .target = { 210000, 660004 } },
	/* The exact solver gives those 10002 KiB to D2 (M = 880008: D1 at
	 * 210000, D2 = 670008 - 1/16 -> 670004). */
	{ .name = "test_paper_bonus_clamped (exact)", .tau = 0, .epsilon = 0,
	  .solver = OPT(POLICY_SOLVER_EXACT),
	  .scarce_cap = OPT(POLICY_CAP_MAX), .host_free = 80008, .n = 2,
	  BONUS_DOMS(210000),
	  .target = { 210000, 670004 } },
};

static void test_hand_cases(void **state)
{
	for (size_t i = 0; i < sizeof(solve_cases) / sizeof(solve_cases[0]); i++)
		hand_case_run(&solve_cases[i], out, &cycle);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_cases),
		cmocka_unit_test(test_paper_differs_from_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
