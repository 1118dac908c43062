/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The placement core on clusters small enough to work out by hand; each
 * case carries its arithmetic. Sizes in GiB or MiB, written in KiB.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "place/place.h"

#define MIB UINT64_C(1024)
#define GIB (1024 * MIB)

static struct place_host H[8];
static struct place_dom D[16];
static size_t nh, nd;
static struct place_params P;
static struct place_plan plan;

static void reset(void)
{
	memset(H, 0, sizeof(H));
	memset(D, 0, sizeof(D));
	nh = nd = 0;
	place_params_default(&P);
}

static size_t host(const char *name, uint64_t mem_kb)
{
	H[nh] = (struct place_host){
		.name = name, .mem_kb = mem_kb, .on = true,
		.xen_version = "4.17", .cpu_features = "x86-64-v3",
	};
	return nh++;
}

/* A guest that may move, with L, H, demand; not running unless host >= 0. */
static size_t guest(const char *name, int32_t on, uint64_t lo, uint64_t hi,
		    uint64_t demand, uint64_t size)
{
	D[nd] = (struct place_dom){
		.name = name, .kind = PLACE_DOMU, .host = on, .pin_host = -1,
		.min_kb = lo, .max_kb = hi, .size_kb = size,
		.demand_kb = demand, .active_kb = demand, .shares = 1,
		.migratable = true, .last_move_age_s = PLACE_NEVER_MOVED,
	};
	return nd++;
}

static void run(enum place_algorithm alg)
{
	int rc = place_plan(&P, H, nh, D, nd, alg, &plan);

	if (rc != 0)
		fail_msg("place_plan: %s", plan.error);
}

static void done(void **state)
{
	(void)state;
	place_plan_free(&plan);
}

/* ---- Gini (seed 002's vectors) ------------------------------------------ */

static void test_gini_vectors(void **state)
{
	static double x[1001];

	(void)state;
	for (int i = 0; i < 4; i++)
		x[i] = 5;
	assert_true(place_gini(x, 4) == 0);
	/* A thousand zeros and a one: sum |xi - xj| = 2 * 1000, mean 1/1001,
	 * G = 2000 / (2 * 1001^2 / 1001) = 1000/1001. */
	for (int i = 0; i < 1001; i++)
		x[i] = i == 500 ? 1 : 0;
	assert_float_equal(place_gini(x, 1001), 1000.0 / 1001.0, 1e-12);
	/* x_i = i/(n-1), n = 1000, shuffled: G = (n+1)/(3n) -> 1/3. */
	for (int i = 0; i < 1000; i++)
		x[i] = (double)((i * 337) % 1000) / 999.0;
	assert_float_equal(place_gini(x, 1000), 1001.0 / 3000.0, 1e-12);
	assert_float_equal(place_gini(x, 1000), 1.0 / 3.0, 1e-3);
	/* .7 .8 .9 1: sum (2i-5) x_(i) = -2.1 - .8 + .9 + 3 = 1, G = 1/(4*3.4). */
	double b[4] = { 0.8, 1.0, 0.7, 0.9 };

	assert_float_equal(place_gini(b, 4), 1.0 / 13.6, 1e-12);
	assert_true(place_gini(b, 4) < PLACE_GINI_BALANCED);
	double z[3] = { 0, 0, 0 };

	assert_true(place_gini(z, 3) == 0);
	assert_true(place_gini(z, 0) == 0);
}

/* ---- bs and gm: items 2, 2, 3, 3 GiB on hosts of 5 GiB ------------------
 * bs, input order: A = 2+2, B = 3 (3+3 > 5), C = 3: three hosts.
 * gm, 3, 3, 2, 2: A = 3+2, B = 3+2: two hosts, C stays empty. */
static void bins(void)
{
	reset();
	host("A", 5 * GIB);
	host("B", 5 * GIB);
	host("C", 5 * GIB);
	guest("g1", -1, 1 * GIB, 2 * GIB, 1 * GIB, 0);
	guest("g2", -1, 1 * GIB, 2 * GIB, 1 * GIB, 0);
	guest("g3", -1, 1 * GIB, 3 * GIB, 1 * GIB, 0);
	guest("g4", -1, 1 * GIB, 3 * GIB, 1 * GIB, 0);
}

static void test_bs_first_fit_input_order(void **state)
{
	bins();
	run(PLACE_BS);
	int32_t want[4] = { 0, 0, 1, 2 };

	for (int j = 0; j < 4; j++) {
		assert_int_equal(plan.host[j], want[j]);
		assert_int_equal(plan.size_kb[j], D[j].max_kb);
	}
	assert_int_equal(plan.hosts_on_after, 3);
	assert_int_equal(plan.unplaced, 0);
	/* Four new guests started, none migrated. */
	assert_int_equal(plan.nmoves, 4);
	for (size_t k = 0; k < plan.nmoves; k++)
		assert_int_equal(plan.moves[k].from, -1);
	/* Utilisation 4/5, 3/5, 3/5: sorted .6 .6 .8, sum 2,
	 * G = (-2*.6 + 0 + 2*.8) / (3*2) = 1/15. */
	assert_float_equal(plan.gini_after, 1.0 / 15.0, 1e-12);
	done(state);
}

static void test_gm_sorted_by_max(void **state)
{
	bins();
	run(PLACE_GM);
	int32_t want[4] = { 0, 1, 0, 1 };

	for (int j = 0; j < 4; j++)
		assert_int_equal(plan.host[j], want[j]);
	assert_int_equal(plan.hosts_on_after, 2);
	assert_int_equal(plan.hosts_on_before, 3);
	assert_float_equal(plan.gini_after, 0, 1e-12);
	done(state);
}

/* ---- gmm: H = 4, 4, 3 GiB, L = 1 GiB, two hosts of 5 GiB -----------------
 * gm: 4 -> A, 4 -> B, 3 fits neither (7 > 5): unplaced.
 * gmm: the third goes at L = 1 GiB to A (4 + 1 = 5). */
static void test_gmm_falls_back_to_min(void **state)
{
	reset();
	host("A", 5 * GIB);
	host("B", 5 * GIB);
	guest("g1", -1, 1 * GIB, 4 * GIB, 1 * GIB, 0);
	guest("g2", -1, 1 * GIB, 4 * GIB, 1 * GIB, 0);
	guest("g3", -1, 1 * GIB, 3 * GIB, 1 * GIB, 0);
	run(PLACE_GM);
	assert_int_equal(plan.host[2], -1);
	assert_int_equal(plan.why[2], PLACE_WHY_NO_ROOM);
	assert_int_equal(plan.unplaced, 1);
	place_plan_free(&plan);

	run(PLACE_GMM);
	assert_int_equal(plan.host[0], 0);
	assert_int_equal(plan.host[1], 1);
	assert_int_equal(plan.host[2], 0);
	assert_int_equal(plan.size_kb[2], 1 * GIB);
	assert_int_equal(plan.unplaced, 0);
	done(state);
}

/* ---- emm and pemm --------------------------------------------------------
 * tau = 0, so the solver shares by shares alone: T_i = clamp(Lambda*S_i,
 * L_i, MC_i), pages rounded down. Hosts A, B of 4 GiB = 4194304 KiB.
 * g1: L 1, H 4, MC 3 GiB, S 2; g2: L 1, H 4, MC 3 GiB, S 3 (input order,
 * both H = 4). Utility S * min(T, MC) in share-MiB.
 *   g1: no open host; A (first) serves all 3 GiB: gain 2*3072 = 6144.
 *   g2 on A: 3 + 3 > 4 GiB, Lambda*(2 + 3) = 4194304 -> 838860.8,
 *       g1 = 1677721.6 -> 1677720 KiB, g2 = 2516582.4 -> 2516580 KiB
 *       (less 1/16 KiB, down to a page): U = (2*1677720 + 3*2516580)/1024
 *       = 10649.59, gain 4505.59. On B (closed): 3*3072 = 9216.
 *   emm: 9216 > 4505.59 -> B.
 *   pemm, power_cost 5000: 9216 - 5000 = 4216 < 4505.59 -> A, one host
 *       (g1 opened A: 6144 > 5000); power_cost 1024: 8192 -> B.
 *   pemm, power_cost 7000: g1 gains 6144 < 7000, unplaced; g2 gains
 *       9216 > 7000 and opens A alone, at its MC. */
static void two_guests(void)
{
	reset();
	P.tau = 0;
	host("A", 4 * GIB);
	host("B", 4 * GIB);
	guest("g1", -1, 1 * GIB, 4 * GIB, 3 * GIB, 0);
	guest("g2", -1, 1 * GIB, 4 * GIB, 3 * GIB, 0);
	D[0].shares = 2;
	D[1].shares = 3;
}

static void test_emm_opens_where_gain_is_higher(void **state)
{
	two_guests();
	run(PLACE_EMM);
	assert_int_equal(plan.host[0], 0);
	assert_int_equal(plan.host[1], 1);
	assert_int_equal(plan.size_kb[0], 3 * GIB);
	assert_int_equal(plan.size_kb[1], 3 * GIB);
	assert_float_equal(plan.utility_after, 6144 + 9216, 1e-6);
	assert_int_equal(plan.hosts_on_after, 2);
	done(state);
}

static void test_pemm_power_cost_keeps_one_host(void **state)
{
	two_guests();
	P.power_cost = 5000;
	run(PLACE_PEMM);
	assert_int_equal(plan.host[0], 0);
	assert_int_equal(plan.host[1], 0);
	/* The exact solver's expansion, as worked out above. */
	assert_int_equal(plan.size_kb[0], 1677720);
	assert_int_equal(plan.size_kb[1], 2516580);
	assert_float_equal(plan.utility_after,
			   (2.0 * 1677720 + 3.0 * 2516580) / 1024, 1e-6);
	assert_int_equal(plan.hosts_on_after, 1);
	place_plan_free(&plan);

	P.power_cost = 1024;
	run(PLACE_PEMM);
	assert_int_equal(plan.host[0], 0);
	assert_int_equal(plan.host[1], 1);
	assert_int_equal(plan.hosts_on_after, 2);
	done(state);
}

static void test_pemm_leaves_unplaced_for_power(void **state)
{
	two_guests();
	P.power_cost = 7000;
	run(PLACE_PEMM);
	assert_int_equal(plan.host[0], -1);
	assert_int_equal(plan.why[0], PLACE_WHY_POWER);
	assert_int_equal(plan.host[1], 0);
	assert_int_equal(plan.size_kb[1], 3 * GIB);
	assert_int_equal(plan.unplaced, 1);
	done(state);
}

/* ---- guests that cannot move are placed first, on their host ------------
 * dom0 holds 3 GiB of A (5 GiB). bs in input order would put g1 (3 GiB)
 * on A first; dom0 goes first instead, g1 to B. A held guest on B stays
 * there whatever the order; a guest pinned to B goes nowhere else. */
static void test_fixed_guests_first(void **state)
{
	reset();
	host("A", 5 * GIB);
	host("B", 8 * GIB);
	guest("g1", -1, 1 * GIB, 3 * GIB, 1 * GIB, 0);
	size_t z = guest("Domain-0", 0, 0, 0, 0, 3 * GIB);
	size_t h = guest("held", 1, 1 * GIB, 3 * GIB, 1 * GIB, 2 * GIB);
	size_t p = guest("pinned", -1, 1 * GIB, 1 * GIB, 1 * GIB, 0);

	D[z].kind = PLACE_DOM0;
	D[h].held = true;
	D[p].pin_host = 1;
	run(PLACE_BS);
	assert_int_equal(plan.host[z], 0);
	assert_int_equal(plan.size_kb[z], 3 * GIB);
	assert_int_equal(plan.host[0], 1);
	assert_int_equal(plan.host[h], 1);
	assert_int_equal(plan.size_kb[h], 2 * GIB);  /* held: its size, not H */
	assert_int_equal(plan.host[p], 1);
	done(state);
}

/* ---- a guest that cannot move and does not fit still holds its floor ----
 * A (960 MiB): three running guests that cannot move, each held at 300
 * MiB (min = max = 300: the arbiter's floor, say), 900 in all, and a
 * fourth at 100: 1000 MiB, more than A has (its arbiter is infeasible).
 * The fourth stays unplaced (why FIXED), but its 100 MiB are still held:
 * a newcomer of min 50 MiB has no room on A. Before session 9 the fourth
 * was simply left out and the newcomer took the 60 MiB "left" (gmm at
 * its min, emm likewise), which the arbiter could never give. */
static void test_fixed_overflow_holds(void **state)
{
	for (int a = 0; a < 2; a++) {
		reset();
		host("A", 960 * MIB);
		for (int i = 0; i < 3; i++) {
			size_t g = guest(i == 0 ? "f1" : i == 1 ? "f2" : "f3", 0,
					 300 * MIB, 300 * MIB, 300 * MIB, 300 * MIB);

			D[g].migratable = false;
		}
		size_t f4 = guest("f4", 0, 100 * MIB, 100 * MIB, 100 * MIB, 100 * MIB);
		size_t n = guest("new", -1, 50 * MIB, 100 * MIB, 100 * MIB, 0);

		D[f4].migratable = false;
		run(a == 0 ? PLACE_GMM : PLACE_EMM);
		assert_int_equal(plan.why[f4], PLACE_WHY_FIXED);
		assert_int_equal(plan.host[n], -1);
		assert_int_equal(plan.why[n], PLACE_WHY_NO_ROOM);
		done(state);
	}
}

/* ---- rebalance -----------------------------------------------------------
 * A (8 GiB): a1 MC 4 / size 4, a2 MC 3 / size 3, a3 MC 3 / size 2:
 * demand 10, short 2 GiB, for 5 cycles (hold 3). B (8): b1 MC 5 / size 5,
 * room 3. C (8) is on but drained.
 * Every guest of A relieves min(MC, 2) = 2 GiB; the smallest, a3, moves
 * to B (5 + 3 <= 8): one migration, A no longer short.
 * Utilisation before 9/8, 5/8, 0: G = 2*1.125/(3*1.75) = 3/7;
 * after 7/8, 7/8, 0: G = 2*.875/(3*1.75) = 1/3. */
static void three_hosts(void)
{
	reset();
	host("A", 8 * GIB);
	host("B", 8 * GIB);
	host("C", 8 * GIB);
	H[0].scarce_cycles = 5;
	H[2].drain = true;
	guest("a1", 0, 1 * GIB, 6 * GIB, 4 * GIB, 4 * GIB);
	guest("a2", 0, 1 * GIB, 6 * GIB, 3 * GIB, 3 * GIB);
	guest("a3", 0, 1 * GIB, 6 * GIB, 3 * GIB, 2 * GIB);
	guest("b1", 1, 1 * GIB, 6 * GIB, 5 * GIB, 5 * GIB);
}

static void test_rebalance_one_move(void **state)
{
	three_hosts();
	run(PLACE_REBALANCE);
	assert_int_equal(plan.nmoves, 1);
	assert_int_equal(plan.moves[0].dom, 2);
	assert_int_equal(plan.moves[0].from, 0);
	assert_int_equal(plan.moves[0].to, 1);
	assert_int_equal(plan.moves[0].gain_kb, 2 * GIB);
	assert_int_equal(plan.moves[0].wave, 0);
	assert_int_equal(plan.short_before_kb, 2 * GIB);
	assert_int_equal(plan.short_after_kb, 0);
	assert_float_equal(plan.gini_before, 3.0 / 7.0, 1e-12);
	assert_float_equal(plan.gini_after, 1.0 / 3.0, 1e-12);
	assert_int_equal(plan.hosts_on_after, 3);
	assert_int_equal(plan.nnotes, 0);
	done(state);
}

/* a3 may not move (each reason in turn): a2 (size 3) goes instead,
 * B then holds 5 + 3 = 8, exactly full. */
static void test_rebalance_skips_unmovable(void **state)
{
	for (int why = 0; why < 5; why++) {
		three_hosts();
		switch (why) {
		case 0: D[2].migratable = false; break;
		case 1: D[2].held = true; break;
		case 2: D[2].paused = true; break;
		case 3: D[2].last_move_age_s = 600; break;   /* cooldown 1800 */
		case 4: D[2].pin_host = 0; break;            /* pinned to A */
		}
		run(PLACE_REBALANCE);
		assert_int_equal(plan.nmoves, 1);
		assert_int_equal(plan.moves[0].dom, 1);
		assert_int_equal(plan.moves[0].to, 1);
		place_plan_free(&plan);
	}
	(void)state;
}

/* Nothing may go: a note says why, and no move is planned. */
static void test_rebalance_notes(void **state)
{
	three_hosts();
	P.hold = 6;                        /* short for 5 cycles only */
	run(PLACE_REBALANCE);
	assert_int_equal(plan.nmoves, 0);
	assert_int_equal(plan.nnotes, 1);
	assert_int_equal(plan.notes[0].host, 0);
	assert_int_equal(plan.notes[0].what, PLACE_NOTE_HOLD);
	assert_int_equal(plan.notes[0].short_kb, 2 * GIB);
	place_plan_free(&plan);

	three_hosts();
	H[1].xen_version = "4.19";         /* B runs another Xen */
	run(PLACE_REBALANCE);
	assert_int_equal(plan.nmoves, 0);
	assert_int_equal(plan.notes[0].what, PLACE_NOTE_STUCK);
	place_plan_free(&plan);
	P.allow_cross_version = true;      /* ... unless the operator allows */
	run(PLACE_REBALANCE);
	assert_int_equal(plan.nmoves, 1);
	place_plan_free(&plan);

	three_hosts();
	H[1].cpu_features = "x86-64-v2";
	run(PLACE_REBALANCE);
	assert_int_equal(plan.nmoves, 0);
	place_plan_free(&plan);

	three_hosts();
	P.min_gain_kb = 2 * GIB + 4;       /* no move relieves that much */
	run(PLACE_REBALANCE);
	assert_int_equal(plan.nmoves, 0);
	assert_int_equal(plan.notes[0].what, PLACE_NOTE_STUCK);
	place_plan_free(&plan);

	/* B off (b1 not running): C is drained, so nowhere to go. */
	three_hosts();
	H[1].on = false;
	D[3].host = -1;
	D[3].size_kb = 0;
	run(PLACE_REBALANCE);
	assert_int_equal(plan.nmoves, 0);
	assert_int_equal(plan.why[3], PLACE_WHY_NOT_RUNNING);
	done(state);
}

/* A (2 GiB) holds four guests of 2 GiB (short 6 GiB); B, C, D of 2 GiB
 * are empty. Three moves of 2 GiB each, to B, C, D (equal room: input
 * order), in waves of max_concurrent = 2: 0, 0, 1. The fourth stays. */
static void test_rebalance_waves(void **state)
{
	reset();
	host("A", 2 * GIB);
	host("B", 2 * GIB);
	host("C", 2 * GIB);
	host("D", 2 * GIB);
	H[0].scarce_cycles = 3;
	for (int i = 0; i < 4; i++)
		guest("x", 0, 1 * GIB, 2 * GIB, 2 * GIB, 2 * GIB);
	run(PLACE_REBALANCE);
	assert_int_equal(plan.nmoves, 3);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(plan.moves[k].to, k + 1);
		assert_int_equal(plan.moves[k].wave, k / 2);
		assert_int_equal(plan.moves[k].gain_kb, 2 * GIB);
	}
	assert_int_equal(plan.short_after_kb, 0);
	place_plan_free(&plan);

	P.max_moves = 1;
	run(PLACE_REBALANCE);
	assert_int_equal(plan.nmoves, 1);
	assert_int_equal(plan.notes[0].what, PLACE_NOTE_MAX_MOVES);
	assert_int_equal(plan.notes[0].short_kb, 4 * GIB);
	done(state);
}

static void test_bad_snapshot(void **state)
{
	reset();
	host("A", 4 * GIB);
	guest("g", -1, 2 * GIB, 1 * GIB, 1 * GIB, 0);
	assert_int_equal(place_plan(&P, H, nh, D, nd, PLACE_BS, &plan), -1);
	assert_non_null(strstr(plan.error, "guest g: min"));
	place_plan_free(&plan);

	reset();
	host("A", 4 * GIB);
	H[0].reserve_kb = 5 * GIB;
	assert_int_equal(place_plan(&P, H, nh, D, nd, PLACE_EMM, &plan), -1);
	assert_non_null(strstr(plan.error, "host A"));
	place_plan_free(&plan);

	reset();
	host("A", 4 * GIB);
	guest("g", 3, 1 * GIB, 1 * GIB, 1 * GIB, 0);
	assert_int_equal(place_plan(&P, H, nh, D, nd, PLACE_GM, &plan), -1);
	place_plan_free(&plan);

	reset();
	host("A", 4 * GIB);
	H[0].on = false;
	guest("g", 0, 1 * GIB, 1 * GIB, 1 * GIB, 1 * GIB);
	assert_int_equal(place_plan(&P, H, nh, D, nd, PLACE_GM, &plan), -1);
	assert_non_null(strstr(plan.error, "guest g runs on host A, which is off"));
	done(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gini_vectors),
		cmocka_unit_test(test_bs_first_fit_input_order),
		cmocka_unit_test(test_gm_sorted_by_max),
		cmocka_unit_test(test_gmm_falls_back_to_min),
		cmocka_unit_test(test_emm_opens_where_gain_is_higher),
		cmocka_unit_test(test_pemm_power_cost_keeps_one_host),
		cmocka_unit_test(test_pemm_leaves_unplaced_for_power),
		cmocka_unit_test(test_fixed_guests_first),
		cmocka_unit_test(test_fixed_overflow_holds),
		cmocka_unit_test(test_rebalance_one_move),
		cmocka_unit_test(test_rebalance_skips_unmovable),
		cmocka_unit_test(test_rebalance_notes),
		cmocka_unit_test(test_rebalance_waves),
		cmocka_unit_test(test_bad_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
