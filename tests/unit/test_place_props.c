/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Properties of every algorithm over seeded random clusters (a failure
 * prints the seed): each guest is placed once or has a reason; no host
 * holds more than its memory for guests; placed guests sit in [L_i, H_i];
 * dom0, stubs and guests that cannot move stay where they are; nothing
 * goes to a drained or off host, against a pin, or across Xen versions or
 * CPU feature sets unless allowed; rebalance keeps its limits (moves,
 * waves, gain, hold) and never makes a destination short.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place/place.h"

#define MIB UINT64_C(1024)
#define MAXH 12
#define MAXD 80
#define ROUNDS 1500

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	/* splitmix64: small, seedable, good enough for test inputs */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t range(struct rng *r, uint64_t lo, uint64_t hi)
{
	return lo + rnd(r) % (hi - lo + 1);
}

static bool chance(struct rng *r, unsigned pct)
{
	return rnd(r) % 100 < pct;
}

static struct place_host H[MAXH];
static struct place_dom D[MAXD];
static char names[MAXD][24];
static const char *versions[] = { "4.17", "4.17", "4.19" };
static const char *features[] = { "v3", "v3", "v2" };

static void random_cluster(struct rng *r, struct place_params *p, size_t *nh,
			   size_t *nd)
{
	place_params_default(p);
	p->tau = (double)range(r, 0, 90) / 100;
	p->power_cost = (double)range(r, 0, 8192);
	p->hold = (uint32_t)range(r, 0, 4);
	p->min_gain_kb = range(r, 0, 512) * MIB;
	p->max_concurrent = (uint32_t)range(r, 1, 3);
	p->max_moves = (uint32_t)range(r, 1, 20);
	p->allow_cross_version = chance(r, 30);
	p->allow_cross_features = chance(r, 30);
	*nh = range(r, 1, MAXH);
	*nd = range(r, 0, MAXD);
	for (size_t h = 0; h < *nh; h++) {
		H[h] = (struct place_host){
			.name = "h",
			.mem_kb = range(r, 512, 16384) * MIB + range(r, 0, 3),
			.on = chance(r, 80),
			.drain = chance(r, 10),
			.xen_version = versions[range(r, 0, 2)],
			.cpu_features = features[range(r, 0, 2)],
			.scarce_cycles = (uint32_t)range(r, 0, 5),
		};
		H[h].reserve_kb = range(r, 0, H[h].mem_kb / 8);
	}
	for (size_t j = 0; j < *nd; j++) {
		struct place_dom *d = &D[j];
		uint64_t lo = range(r, 0, 2048) * MIB + range(r, 0, 1023);
		uint64_t hi = lo + range(r, 0, 4096) * MIB;

		snprintf(names[j], sizeof(names[j]), "g%zu", j);
		*d = (struct place_dom){
			.name = names[j], .kind = PLACE_DOMU,
			.host = chance(r, 70) ? (int32_t)range(r, 0, *nh - 1) : -1,
			.pin_host = chance(r, 10) ? (int32_t)range(r, 0, *nh - 1) : -1,
			.min_kb = lo, .max_kb = hi,
			.demand_kb = range(r, lo / 2, hi + hi / 4),
			.active_kb = range(r, 0, hi),
			.shares = (double)range(r, 1, 400) / 100,
			.migratable = chance(r, 85), .held = chance(r, 8),
			.paused = chance(r, 5),
			.last_move_age_s = chance(r, 20) ? (uint32_t)range(r, 0, 3600)
							 : PLACE_NEVER_MOVED,
		};
		if (d->host >= 0 && !H[d->host].on)
			d->host = -1;   /* nothing runs on a host that is off */
		d->size_kb = d->host >= 0 ? range(r, lo, hi) : 0;
		if (d->host >= 0 && chance(r, 6)) {
			d->kind = chance(r, 50) ? PLACE_DOM0 : PLACE_STUB;
			d->size_kb = range(r, 256, 4096) * MIB;
		}
	}
}

static bool can_move(const struct place_params *p, const struct place_dom *d)
{
	return d->kind == PLACE_DOMU && d->migratable && !d->held && !d->paused &&
	       d->last_move_age_s >= p->cooldown_s;
}

static void check_plan(const struct place_params *p, size_t nh, size_t nd,
		       enum place_algorithm alg, const struct place_plan *pl,
		       unsigned seed)
{
	uint64_t held[MAXH] = { 0 }, held0[MAXH] = { 0 }, demand[MAXH] = { 0 };
	unsigned in_moves[MAXD] = { 0 };
	size_t unplaced = 0;

#define CHECK(c)                                                              \
	do {                                                                  \
		if (!(c))                                                     \
			fail_msg("seed %u, %s: %s", seed,                     \
				 place_algorithm_names[alg], #c);             \
	} while (0)

	for (size_t j = 0; j < nd; j++) {
		const struct place_dom *d = &D[j];
		int32_t to = pl->host[j];
		if (d->host >= 0)
			held0[d->host] += d->size_kb;
		/* placed once, or a reason */
		CHECK((to >= 0) == (pl->why[j] == PLACE_WHY_NONE));
		CHECK(to < (int32_t)nh);
		if (to < 0) {
			unplaced++;
			continue;
		}
		bool frozen = d->kind != PLACE_DOMU ||
			      (d->host >= 0 && (d->held || d->paused));

		held[to] += pl->size_kb[j];
		demand[to] += !frozen ?
			(d->demand_kb < d->min_kb ? d->min_kb :
			 d->demand_kb > d->max_kb ? d->max_kb : d->demand_kb) :
			d->size_kb;

		if (!frozen && alg != PLACE_REBALANCE) {
			CHECK(pl->size_kb[j] >= d->min_kb);
			CHECK(pl->size_kb[j] <= d->max_kb);
		} else {
			/* rebalance keeps sizes; dom0, stubs, held and paused
			 * guests keep theirs */
			CHECK(pl->size_kb[j] == d->size_kb);
		}
		if (to == d->host)
			continue;
		/* It changed host: it must have been free to. */
		CHECK(d->kind == PLACE_DOMU);
		CHECK(!H[to].drain);
		CHECK(d->pin_host < 0 || d->pin_host == to);
		if (d->host >= 0) {
			CHECK(can_move(p, d));
			CHECK(p->allow_cross_version ||
			      !strcmp(H[d->host].xen_version, H[to].xen_version));
			CHECK(p->allow_cross_features ||
			      !strcmp(H[d->host].cpu_features, H[to].cpu_features));
		}
		if (alg == PLACE_REBALANCE)
			CHECK(H[to].on);
	}
	CHECK(unplaced == pl->unplaced);
	for (size_t k = 0; k < pl->nmoves; k++) {
		const struct place_move *m = &pl->moves[k];

		CHECK(m->dom < nd);
		CHECK(++in_moves[m->dom] == 1);      /* one move per guest */
		CHECK(m->to == pl->host[m->dom]);
		CHECK(m->from == D[m->dom].host);
		CHECK(m->wave == k / p->max_concurrent);
	}
	for (size_t h = 0; h < nh; h++) {
		uint64_t cap = H[h].mem_kb - H[h].reserve_kb;

		if (alg != PLACE_REBALANCE) {
			CHECK(held[h] <= cap);
			continue;
		}
		/* rebalance: a host never ends above its memory unless it
		 * started there, and then it did not grow */
		CHECK(held[h] <= cap || held[h] <= held0[h]);
	}
	if (alg == PLACE_REBALANCE) {
		CHECK(pl->nmoves <= p->max_moves);
		for (size_t k = 0; k < pl->nmoves; k++) {
			const struct place_move *m = &pl->moves[k];

			CHECK(m->gain_kb >= p->min_gain_kb && m->gain_kb > 0);
			CHECK(H[m->from].scarce_cycles >= p->hold);
			CHECK(demand[m->to] <= H[m->to].mem_kb - H[m->to].reserve_kb);
		}
		CHECK(pl->short_after_kb <= pl->short_before_kb);
		CHECK(pl->hosts_on_after == pl->hosts_on_before);
	}
	CHECK(pl->gini_before >= 0 && pl->gini_before < 1);
	CHECK(pl->gini_after >= 0 && pl->gini_after < 1);
	CHECK(pl->hosts_on_after <= nh);
#undef CHECK
}

static void test_properties(void **state)
{
	struct place_params p;
	struct place_plan pl;
	unsigned moves = 0, unplaced = 0, notes = 0, power = 0;

	(void)state;
	for (unsigned seed = 1; seed <= ROUNDS; seed++) {
		struct rng r = { seed };
		size_t nh, nd;

		random_cluster(&r, &p, &nh, &nd);
		for (int alg = 0; alg < PLACE_ALG_COUNT; alg++) {
			if (place_plan(&p, H, nh, D, nd, alg, &pl) != 0)
				fail_msg("seed %u: %s", seed, pl.error);
			check_plan(&p, nh, nd, alg, &pl, seed);
			if (alg == PLACE_REBALANCE) {
				moves += pl.nmoves;
				notes += pl.nnotes;
			}
			unplaced += pl.unplaced;
			for (size_t j = 0; j < nd; j++)
				power += pl.why[j] == PLACE_WHY_POWER;
			place_plan_free(&pl);
		}
	}
	/* The generator must reach the interesting cases. */
	assert_true(moves > 100);
	assert_true(notes > 100);
	assert_true(unplaced > 100);
	assert_true(power > 10);
}

/* pemm with power_cost 0 is emm (every demand is positive here). */
static void test_pemm_zero_cost_is_emm(void **state)
{
	struct place_params p;
	struct place_plan a, b;

	(void)state;
	for (unsigned seed = 1; seed <= ROUNDS / 3; seed++) {
		struct rng r = { seed };
		size_t nh, nd;

		random_cluster(&r, &p, &nh, &nd);
		for (size_t j = 0; j < nd; j++)
			if (D[j].min_kb == 0)
				D[j].min_kb = 4;
		p.power_cost = 0;
		assert_int_equal(place_plan(&p, H, nh, D, nd, PLACE_EMM, &a), 0);
		assert_int_equal(place_plan(&p, H, nh, D, nd, PLACE_PEMM, &b), 0);
		for (size_t j = 0; j < nd; j++) {
			if (a.host[j] != b.host[j] || a.size_kb[j] != b.size_kb[j])
				fail_msg("seed %u: guest %zu differs", seed, j);
		}
		place_plan_free(&a);
		place_plan_free(&b);
	}
}

/* Skipping hosts by the gain bound never changes an emm or pemm plan. */
static void test_bound_changes_nothing(void **state)
{
	struct place_params p;
	struct place_plan a, b;
	unsigned skipped_some = 0;

	(void)state;
	for (unsigned seed = 1; seed <= ROUNDS / 2; seed++) {
		struct rng r = { seed };
		size_t nh, nd;

		random_cluster(&r, &p, &nh, &nd);
		for (int alg = PLACE_EMM; alg <= PLACE_PEMM; alg++) {
			p.exhaustive = false;
			assert_int_equal(place_plan(&p, H, nh, D, nd, alg, &a), 0);
			p.exhaustive = true;
			assert_int_equal(place_plan(&p, H, nh, D, nd, alg, &b), 0);
			for (size_t j = 0; j < nd; j++)
				if (a.host[j] != b.host[j] || a.size_kb[j] != b.size_kb[j] ||
				    a.why[j] != b.why[j])
					fail_msg("seed %u, %s: guest %zu differs", seed,
						 place_algorithm_names[alg], j);
			skipped_some += nd > 20;
			place_plan_free(&a);
			place_plan_free(&b);
		}
	}
	assert_true(skipped_some > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_pemm_zero_cost_is_emm),
		cmocka_unit_test(test_bound_changes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
