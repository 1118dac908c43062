/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Placement cost: every algorithm of src/place from 10^2 to 10^4 VMs on
 * 10 to 10^3 hosts, in three series (both grow, VMs grow, hosts grow),
 * each time beside the previous point's and the growth the seed states
 * for it (seed 004: BS M log M + M N; GM, GMM + N log N; EMM, PEMM
 * M N^2 log N; M VMs, N hosts). Goal (issue 16): a plan for 10^4 VMs on
 * 10^3 hosts within a second where the algorithm allows.
 *
 * The cluster: guests with L 512 MiB .. 2 GiB, H up to 6 GiB above, a
 * demand between; hosts sized so that the demand fills 90 % of them and
 * the maximums do not fit (BS and GM leave guests out, EMM and PEMM
 * squeeze, the solver runs). For rebalance the guests start spread
 * unevenly (a third of the hosts carry twice their share), short for
 * `hold` cycles.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "place/place.h"

#define MIB 1024ull

/* CPU time of this process: the machine the figures come from is shared,
 * and a plan is single-threaded, so wall time would measure the others. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng_state;

static uint64_t rnd(uint64_t lo, uint64_t hi)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return lo + z % (hi - lo + 1);
}

static char names[10000][24];

static void make_cluster(struct place_host *h, size_t nh, struct place_dom *d,
			 size_t nd)
{
	uint64_t demand = 0;

	rng_state = 0x5eed0004ull;
	for (size_t j = 0; j < nd; j++) {
		uint64_t lo = rnd(512, 2048) * MIB, hi = lo + rnd(0, 6144) * MIB;

		snprintf(names[j], sizeof(names[j]), "vm%zu", j);
		d[j] = (struct place_dom){
			.name = names[j], .kind = PLACE_DOMU, .host = -1, .pin_host = -1,
			.min_kb = lo, .max_kb = hi, .demand_kb = rnd(lo, hi),
			.shares = (double)rnd(1, 4), .migratable = true,
			.last_move_age_s = PLACE_NEVER_MOVED,
		};
		d[j].active_kb = d[j].demand_kb;
		demand += d[j].demand_kb;
	}
	for (size_t i = 0; i < nh; i++)
		h[i] = (struct place_host){
			.name = "h", .mem_kb = demand / nh * 10 / 9, .reserve_kb = 0,
			.on = true, .xen_version = "4.17", .cpu_features = "v3",
			.scarce_cycles = 3,
		};
}

/* Running now, unevenly: host i gets weight 2 when i % 3 == 0. */
static void spread(struct place_dom *d, size_t nd, size_t nh)
{
	size_t slots = nh + (nh + 2) / 3;

	for (size_t j = 0; j < nd; j++) {
		size_t s = j % slots;

		d[j].host = (int32_t)(s < nh ? s : (s - nh) * 3);
		d[j].size_kb = d[j].demand_kb;
	}
}

static double cost(enum place_algorithm a, double m, double n)
{
	switch (a) {
	case PLACE_BS: return m * log2(m) + m * n;
	case PLACE_GM:
	case PLACE_GMM: return m * log2(m) + n * log2(n) + m * n;
	case PLACE_EMM:
	case PLACE_PEMM: return m * log2(m) + n * log2(n) + m * n * n * log2(n);
	default: return 0;
	}
}

struct point {
	size_t m, n;
};

static double run_one(enum place_algorithm a, size_t m, size_t n,
		      bool exhaustive, struct place_plan *out_plan)
{
	struct place_host *h = calloc(n, sizeof(*h));
	struct place_dom *d = calloc(m, sizeof(*d));
	struct place_params p;
	double best = INFINITY;

	if (!h || !d) {
		fprintf(stderr, "bench_place: out of memory\n");
		exit(1);
	}
	make_cluster(h, n, d, m);
	if (a == PLACE_REBALANCE)
		spread(d, m, n);
	place_params_default(&p);
	p.max_moves = (uint32_t)m;
	p.exhaustive = exhaustive;
	/* Best of up to 3 runs within about a second. */
	for (int rep = 0; rep < 3; rep++) {
		struct place_plan pl;
		double t0 = now_s();

		if (place_plan(&p, h, n, d, m, a, &pl) != 0) {
			fprintf(stderr, "bench_place: %s\n", pl.error);
			exit(1);
		}
		double t = now_s() - t0;

		if (t < best)
			best = t;
		if (rep == 0 && out_plan)
			*out_plan = pl;
		else
			place_plan_free(&pl);
		if (t > 0.3)
			break;
	}
	free(h);
	free(d);
	return best;
}

static void series(const char *title, const struct point *pts, size_t np)
{
	printf("\n%s\n%-10s %6s %6s %10s %8s %8s %6s %6s %7s %8s\n", title, "algorithm",
	       "VMs", "hosts", "time ms", "ratio", "seed", "on", "out", "Gini",
	       "moves");
	for (int a = 0; a < PLACE_ALG_COUNT; a++) {
		double prev = 0;

		for (size_t i = 0; i < np; i++) {
			struct place_plan pl;
			double t = run_one((enum place_algorithm)a, pts[i].m, pts[i].n, false,
					   &pl);
			char ratio[16] = "-", seed[16] = "-";

			if (i > 0) {
				snprintf(ratio, sizeof(ratio), "%.1f", t / prev);
				double c0 = cost(a, (double)pts[i - 1].m, (double)pts[i - 1].n);
				double c1 = cost(a, (double)pts[i].m, (double)pts[i].n);

				if (c0 > 0)
					snprintf(seed, sizeof(seed), "%.0f", c1 / c0);
			}
			printf("%-10s %6zu %6zu %10.2f %8s %8s %6u %6zu %7.3f %8zu\n",
			       place_algorithm_names[a], pts[i].m, pts[i].n, t * 1e3, ratio,
			       seed, pl.hosts_on_after, pl.unplaced, pl.gini_after, pl.nmoves);
			place_plan_free(&pl);
			prev = t;
		}
	}
}

int main(void)
{
	static const struct point both[] = { { 100, 10 }, { 1000, 100 }, { 10000, 1000 } };
	static const struct point vms[] = { { 100, 100 }, { 1000, 100 }, { 10000, 100 } };
	static const struct point hosts[] = { { 10000, 10 }, { 10000, 100 }, { 10000, 1000 } };

	printf("bench_place: CPU time of one plan (best of up to 3), ratio to the row above,\n"
	       "the seed's stated growth for the same step; on = hosts on after,\n"
	       "out = guests unplaced, Gini of utilisation after, migrations/starts.\n");
	series("VMs and hosts x10", both, 3);
	series("VMs x10, 100 hosts", vms, 3);
	series("hosts x10, 10^4 VMs", hosts, 3);

	/* What the gain bound saves (same plans: test_place_props). */
	printf("\nemm and pemm, 10^4 VMs on 10^3 hosts: with the gain bound / every host solved\n");
	for (int a = PLACE_EMM; a <= PLACE_PEMM; a++) {
		double t1 = run_one((enum place_algorithm)a, 10000, 1000, false, NULL);
		double t2 = run_one((enum place_algorithm)a, 10000, 1000, true, NULL);

		printf("%-10s %10.2f ms %10.2f ms  x%.1f\n", place_algorithm_names[a],
		       t1 * 1e3, t2 * 1e3, t2 / t1);
	}
	return 0;
}
