/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Properties over thousands of seeded random snapshots (test_policy_util.h
 * makes them: unaligned sizes, swap, shares, pressure, OOM-raised minimums,
 * host free memory from hopeless to plenty). A failure prints the seed.
 */
#include "test_policy_util.h"

#define MAXN 40
#define ROUNDS 3000

static struct policy_dom dom[MAXN + 1];
static struct policy_decision out[MAXN + 1], out2[MAXN + 1];
static struct policy_cycle cycle, cycle2;

static size_t random_snapshot(struct rng *r, struct policy_params *p,
			      int64_t *host_free)
{
	size_t n = (size_t)rng_range(r, 1, MAXN);

	*p = random_params(r);
	for (size_t i = 0; i < n; i++)
		dom[i] = random_dom(r, (uint32_t)(i + 1));
	*host_free = random_host_free(r, dom, n);
	return n;
}

/* a_i and w_i as design.md §Global balancing: the equal-price allocation writes them, computed here independently. */
static double taxed_active(const struct policy_params *p,
			   const struct policy_dom *d)
{
	uint64_t f = (p->free_source == POLICY_FREE_AVAIL &&
		      (d->flags & POLICY_IN_AVAIL)) ? d->avail_kb : d->free_kb;

	return p->tau * (d->actual_kb > f ? (double)(d->actual_kb - f) : 0);
}

static double weight(const struct policy_params *p, const struct policy_dom *d)
{
	double swap = d->swap_tot_kb ? 1 - (double)d->swap_free_kb /
					   (double)d->swap_tot_kb : 0;

	return d->shares * ((1 - p->tau) + p->epsilon * swap);
}

#define HELD (POLICY_R_MIN | POLICY_R_OOM | POLICY_R_MAX | POLICY_R_DEMAND | \
	      POLICY_R_PSI | POLICY_R_SWAPIN)

/*
 * Budget and bounds, both solvers, auto and forced global:
 *   stages 1-3: sum targets <= M;  stage 4: every target = L_i';
 *   every target in [L_i', min(H_i, U_i)] (U_i = MC_i under demand),
 *   goal MC_i in [L_i', H_i]; the exact solver never needed its fix-up.
 * Also counts the stages seen, so a generator that stopped reaching one
 * fails the test instead of passing it vacuously.
 */
static void test_budget_and_bounds(void **state)
{
	unsigned seen[POLICY_STAGE_PAPER + 1] = { 0 };

	for (unsigned seed = 1; seed <= ROUNDS; seed++) {
		struct rng r = { seed };
		struct policy_params p;
		int64_t host_free;
		size_t n = random_snapshot(&r, &p, &host_free);

		p.mode = rng_chance(&r, 30) ? POLICY_FORCE_GLOBAL
					    : POLICY_FORCE_AUTO;
		if (n <= 12 && rng_chance(&r, 30))
			p.solver = POLICY_SOLVER_PAPER;
		decide(&p, host_free, dom, n, out, &cycle);
		seen[cycle.stage]++;
		assert_int_equal(cycle.fixup_kb, 0);

		int64_t sum = 0, sum_n = 0;

		for (size_t i = 0; i < n; i++) {
			uint64_t lo = effective_min(&p, &dom[i]);
			uint64_t up = p.scarce_cap == POLICY_CAP_DEMAND &&
				      cycle.mode != POLICY_MODE_ABUNDANT
				      ? out[i].goal_kb : dom[i].max_kb;

			sum += (int64_t)out[i].target_kb;
			sum_n += (int64_t)dom[i].actual_kb;
			if (out[i].target_kb < lo || out[i].target_kb > up ||
			    out[i].goal_kb < lo || out[i].goal_kb > dom[i].max_kb)
				fail_msg("seed %u dom %zu: target %llu goal %llu "
					 "outside [%llu, %llu]", seed, i,
					 (unsigned long long)out[i].target_kb,
					 (unsigned long long)out[i].goal_kb,
					 (unsigned long long)lo,
					 (unsigned long long)up);
			if (cycle.stage == POLICY_STAGE_INFEASIBLE &&
			    out[i].target_kb != lo)
				fail_msg("seed %u: infeasible but dom %zu not at L",
					 seed, i);
		}
		assert_int_equal(cycle.budget_kb, sum_n + cycle.domu_free_kb);
		if (cycle.mode == POLICY_MODE_SCARCE &&
		    p.solver == POLICY_SOLVER_EXACT && sum > cycle.budget_kb)
			fail_msg("seed %u: sum targets %lld > M %lld", seed,
				 (long long)sum, (long long)cycle.budget_kb);
		if (cycle.stage == POLICY_STAGE_INFEASIBLE)
			assert_int_equal(cycle.shortfall_kb,
					 sum - cycle.budget_kb);
	}
	for (int s = POLICY_STAGE_SELF; s <= POLICY_STAGE_PAPER; s++)
		print_message("stage %-10s %u\n",
			      policy_stage_name((enum policy_stage)s), seen[s]);
	for (int s = POLICY_STAGE_SELF; s <= POLICY_STAGE_PAPER; s++) {
		if (s == POLICY_STAGE_DOM0)
			continue;
		if (seen[s] < 50)
			fail_msg("stage %s seen only %u times",
				 policy_stage_name((enum policy_stage)s), seen[s]);
	}
}

/*
 * Stage 2: every domain not held at a bound has the price 1/Lambda, to
 * the tolerance rounding allows: its target is the real allocation x_i
 * rounded down by less than 4 + 1/16 KiB, so |rho_i*Lambda - 1| <=
 * 4.07/(t_i - a_i). Held domains sit on the right side of it (KKT): at
 * a lower bound rho_i <= 1/Lambda, at an upper bound rho_i >= 1/Lambda.
 */
static void test_equal_price(void **state)
{
	unsigned checked = 0;

	for (unsigned seed = 1; seed <= ROUNDS; seed++) {
		struct rng r = { seed * 7919 };
		struct policy_params p;
		int64_t host_free;
		size_t n = random_snapshot(&r, &p, &host_free);

		decide(&p, host_free, dom, n, out, &cycle);
		if (cycle.stage != POLICY_STAGE_PRICE || cycle.lambda <= 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			double a = taxed_active(&p, &dom[i]);
			double w = weight(&p, &dom[i]);
			double t = (double)out[i].target_kb;

			if (!(t > a)) {
				assert_false(out[i].has_price);
				continue;
			}
			assert_true(out[i].has_price);
			assert_true(fabs(out[i].price - w / (t - a)) <=
				    1e-12 * out[i].price);
			double rel = out[i].price * cycle.lambda - 1;
			double tol = 4.07 / (t - a) + 1e-9;

			if (!(out[i].reasons & HELD)) {
				if (fabs(rel) > tol)
					fail_msg("seed %u dom %zu: price*Lambda-1 = %g > %g",
						 seed, i, rel, tol);
				checked++;
			} else if ((out[i].reasons & (POLICY_R_MAX | POLICY_R_DEMAND)) &&
				   !(out[i].reasons & ~(POLICY_R_MAX | POLICY_R_DEMAND))) {
				assert_true(rel >= -tol);
			} else if (!(out[i].reasons & (POLICY_R_MAX | POLICY_R_DEMAND))) {
				assert_true(rel <= tol);
			}
		}
	}
	assert_true(checked > 1000);
}

/*
 * Raising a domain's active memory, swap use or shares never lowers its
 * target (auto mode and forced global). It is why Lambda is never
 * negative: with Lambda < 0 more weight would mean less memory.
 */
static void test_monotone(void **state)
{
	unsigned rose = 0;

	for (unsigned seed = 1; seed <= ROUNDS; seed++) {
		struct rng r = { seed * 104729 };
		struct policy_params p;
		int64_t host_free;
		size_t n = random_snapshot(&r, &p, &host_free);
		size_t i = (size_t)rng_range(&r, 0, n - 1);
		int what = (int)rng_range(&r, 0, 2);

		if (rng_chance(&r, 40))
			p.mode = POLICY_FORCE_GLOBAL;
		decide(&p, host_free, dom, n, out, &cycle);

		struct policy_dom saved = dom[i];
		uint64_t delta = rng_range(&r, 1 * MIB, 1 * GIB);

		switch (what) {
		case 0:  /* more active memory: less free and available */
			dom[i].free_kb -= dom[i].free_kb < delta ? dom[i].free_kb : delta;
			dom[i].avail_kb -= dom[i].avail_kb < delta ? dom[i].avail_kb : delta;
			break;
		case 1:  /* more swap in use */
			if (dom[i].swap_tot_kb == 0) {
				dom[i].swap_tot_kb = 2 * GIB;
				dom[i].swap_free_kb = 2 * GIB;
			}
			dom[i].swap_free_kb -= dom[i].swap_free_kb < delta
					       ? dom[i].swap_free_kb : delta;
			break;
		default:  /* more shares */
			dom[i].shares *= 1.5;
			break;
		}
		decide(&p, host_free, dom, n, out2, &cycle2);
		if (out2[i].target_kb < out[i].target_kb)
			fail_msg("seed %u: raising %s of dom %zu lowered its target "
				 "%llu -> %llu (stages %s -> %s)", seed,
				 what == 0 ? "active memory" : what == 1 ? "swap use"
									: "shares",
				 i, (unsigned long long)out[i].target_kb,
				 (unsigned long long)out2[i].target_kb,
				 policy_stage_name(cycle.stage),
				 policy_stage_name(cycle2.stage));
		rose += out2[i].target_kb > out[i].target_kb;
		dom[i] = saved;
	}
	/* Not vacuous: the changes did move targets. */
	assert_true(rose > ROUNDS / 10);
}

/* Permuting the domains permutes the answer, writes included. */
static void test_permutation(void **state)
{
	for (unsigned seed = 1; seed <= ROUNDS; seed++) {
		struct rng r = { seed * 31337 };
		struct policy_params p;
		int64_t host_free;
		size_t n = random_snapshot(&r, &p, &host_free);

		if (rng_chance(&r, 30)) {
			/* a dom0 in priority mode too */
			dom[n] = random_dom(&r, 0);
			dom[n].kind = POLICY_DOM0;
			n++;
			p.dom0_mode = POLICY_DOM0_PRIORITY;
		}
		if (rng_chance(&r, 30))
			p.mode = POLICY_FORCE_GLOBAL;
		assert_permutation_invariant(seed, &r, &p, host_free, dom, n);
	}
}

/*
 * `paper` and `exact` (scarce_cap = max) agree when no bound is active,
 * F_h = 0 and sum tau*A_i <= sum N_i (always true: A_i <= N_i, tau < 1):
 * both then solve the same linear system on M = sum N_i. Gaussian
 * elimination and the breakpoint walk round differently, so targets may
 * differ by the last page: |difference| <= 4 KiB.
 */
static void test_paper_agrees_without_bounds(void **state)
{
	unsigned compared = 0;

	for (unsigned seed = 1; seed <= ROUNDS / 3; seed++) {
		struct rng r = { seed * 65537 };
		struct policy_params p;
		int64_t host_free;
		size_t n = random_snapshot(&r, &p, &host_free);

		for (size_t i = 0; i < n; i++) {
			dom[i].min_kb = 0;
			dom[i].max_kb = 64 * GIB;
			dom[i].flags &= ~(POLICY_IN_PSI | POLICY_IN_SWAPIN |
					  POLICY_IN_OOM_MIN);
		}
		p.scarce_cap = POLICY_CAP_MAX;
		p.mode = POLICY_FORCE_GLOBAL;
		host_free = (int64_t)p.reserve_kb;   /* F_h = 0 */
		decide(&p, host_free, dom, n, out, &cycle);
		assert_int_equal(cycle.stage, POLICY_STAGE_PRICE);

		bool bound = false;

		for (size_t i = 0; i < n; i++)
			bound |= (out[i].reasons & HELD) != 0;
		if (bound)
			continue;
		p.solver = POLICY_SOLVER_PAPER;
		decide(&p, host_free, dom, n, out2, &cycle2);
		assert_int_equal(cycle2.paper_solves, n > 1 ? 1 : 0);
		for (size_t i = 0; i < n; i++) {
			uint64_t x = out[i].target_kb, y = out2[i].target_kb;

			if ((x > y ? x - y : y - x) > 4)
				fail_msg("seed %u dom %zu: exact %llu paper %llu",
					 seed, i, (unsigned long long)x,
					 (unsigned long long)y);
		}
		compared++;
	}
	assert_true(compared > ROUNDS / 4);
}

/*
 * scarce_cap = demand: at the boundary sum MC_i = M the scarce
 * allocation IS the goals (stage 1 through mode = global), while auto
 * calls it abundant; one KiB less and auto goes scarce, with every target
 * within two pages below its goal (continuity across the boundary).
 */
static void test_demand_boundary(void **state)
{
	unsigned checked = 0;

	for (unsigned seed = 1; seed <= ROUNDS; seed++) {
		struct rng r = { seed * 15485863 };
		struct policy_params p;
		int64_t host_free;
		size_t n = random_snapshot(&r, &p, &host_free);

		p.scarce_cap = POLICY_CAP_DEMAND;
		decide(&p, 0, dom, n, out, &cycle);
		/* F_h = need: host free = need + reserve */
		host_free = cycle.need_kb + (int64_t)p.reserve_kb;

		decide(&p, host_free, dom, n, out, &cycle);
		assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
		p.mode = POLICY_FORCE_GLOBAL;
		decide(&p, host_free, dom, n, out, &cycle);
		assert_int_equal(cycle.stage, POLICY_STAGE_CAP);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(out[i].target_kb, out[i].goal_kb);

		p.mode = POLICY_FORCE_AUTO;
		decide(&p, host_free - 1, dom, n, out, &cycle);
		assert_int_equal(cycle.mode == POLICY_MODE_ABUNDANT, false);
		if (cycle.stage == POLICY_STAGE_INFEASIBLE)
			continue;   /* every goal was its minimum */
		for (size_t i = 0; i < n; i++)
			if (out[i].target_kb > out[i].goal_kb ||
			    out[i].target_kb + 8 < out[i].goal_kb)
				fail_msg("seed %u dom %zu: target %llu, goal %llu",
					 seed, i, (unsigned long long)out[i].target_kb,
					 (unsigned long long)out[i].goal_kb);
		checked++;
	}
	assert_true(checked > ROUNDS / 2);
}

/*
 * Repeated self-adjustment reaches every goal exactly. A host with room
 * for everybody; each cycle the arbiter writes, the balloons reach their
 * targets (N_i = B_i = write), the host's free memory follows. Whatever
 * the hysteresis and min_change, within a bounded number of cycles every
 * B_i equals MC_i and nothing more is written.
 */
static void test_self_converges(void **state)
{
	for (unsigned seed = 1; seed <= ROUNDS / 6; seed++) {
		struct rng r = { seed * 2654435761u };
		struct policy_params p;
		int64_t host_free;
		size_t n = random_snapshot(&r, &p, &host_free);
		int64_t total = 0;
		unsigned cycles = 0, quiet = 0;

		p.hysteresis_up = (uint32_t)rng_range(&r, 1, 4);
		static uint64_t start[MAXN + 1];
		for (size_t i = 0; i < n; i++)
			start[i] = dom[i].target_kb;
		for (size_t i = 0; i < n; i++) {
			dom[i].flags &= ~(POLICY_IN_PSI | POLICY_IN_SWAPIN);
			total += (int64_t)(dom[i].actual_kb + dom[i].max_kb);
		}
		total += (int64_t)p.reserve_kb;
		while (cycles < 3000 && quiet < 2) {
			int64_t held = 0;

			for (size_t i = 0; i < n; i++)
				held += (int64_t)dom[i].actual_kb;
			run_cycle(&p, total - held, dom, n, out, &cycle);
			assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
			bool wrote = false;

			for (size_t i = 0; i < n; i++) {
				if (!out[i].has_write)
					continue;
				wrote = true;
				dom[i].target_kb = out[i].write_kb;
				dom[i].actual_kb = out[i].write_kb;
			}
			quiet = wrote ? 0 : quiet + 1;
			cycles++;
		}
		/* Converged: every target within the noise floor (settle_min)
		 * of its goal, and exactly on it unless the goal itself moved
		 * by less than the floor during the walk (O_i is clamped to
		 * N_i, so the goal can move as the domain shrinks) or the
		 * domain started that close. */
		for (size_t i = 0; i < n; i++) {
			uint64_t g = out[i].goal_kb, t = dom[i].target_kb;
			uint64_t d = t > g ? t - g : g - t;

			if (d >= p.settle_min_kb || (d != 0 && start[i] == g))
				fail_msg("seed %u dom %zu: parked at %llu, goal %llu, "
					 "started at %llu, after %u cycles", seed, i,
					 (unsigned long long)t, (unsigned long long)g,
					 (unsigned long long)start[i], cycles);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget_and_bounds),
		cmocka_unit_test(test_equal_price),
		cmocka_unit_test(test_monotone),
		cmocka_unit_test(test_permutation),
		cmocka_unit_test(test_paper_agrees_without_bounds),
		cmocka_unit_test(test_demand_boundary),
		cmocka_unit_test(test_self_converges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
