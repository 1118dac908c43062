/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-run figures from the per-guest ones. Sums are over the guests the
 * policy manages: an unmanaged guest's memory is nobody's decision, so
 * its shortfall would only add the same noise to every column.
 *
 * Gini (a standard measure of imbalance): over the managed guests'
 * relative shortfall r_i = shortfall_i / demand_i,
 *     G = sum_i sum_j |r_i - r_j| / (2 n^2 mean(r))
 * 0 when every guest lacks the same share of what it asked for, towards
 * 1 when one guest carries all of it. Undefined (reported as -) when
 * nobody lacks anything.
 */
#include <stdlib.h>

#include "sim/sim.h"

double sim_gini(const double *x, size_t n)
{
	double sum = 0, diff = 0;

	for (size_t i = 0; i < n; i++)
		sum += x[i];
	if (n == 0 || sum <= 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			diff += x[i] > x[j] ? x[i] - x[j] : x[j] - x[i];
	return diff / (2.0 * (double)n * sum);
}

void sim_summarise(const struct sim_run *r, double duration_s,
		   struct sim_summary *out)
{
	double *rel = calloc(r->n_guests ? r->n_guests : 1, sizeof(*rel));
	double starve_total = 0;
	size_t n_rel = 0;

	*out = (struct sim_summary){ .gini = -1 };
	for (size_t i = 0; i < r->n_guests; i++) {
		const struct sim_guest_result *g = &r->g[i];

		if (!g->ran || !g->managed)
			continue;
		out->managed++;
		out->shortfall_mibs += g->shortfall_mibs;
		out->demand_mibs += g->demand_mibs;
		out->swapin_mib += g->swapin_mib;
		out->oom_kills += g->oom_kills;
		out->oom_s += g->oom_s;
		out->not_started += g->not_started;
		out->idle_mean_mib += duration_s > 0 ? g->idle_mibs / duration_s : 0;
		out->starve_episodes += g->starve_episodes;
		starve_total += g->starve_total_s;
		if (g->starve_max_s > out->t90_max_s)
			out->t90_max_s = g->starve_max_s;
		if (g->work_s > 0) {
			out->jobs++;
			if (g->done_s >= 0) {
				out->jobs_done++;
				out->job_time_s += g->done_s;
			} else {
				out->job_time_s += g->elapsed_s;
			}
		}
		if (rel)
			rel[n_rel++] = g->demand_mibs > 0 ? g->shortfall_mibs / g->demand_mibs : 0;
	}
	out->t90_mean_s = out->starve_episodes ? starve_total / (double)out->starve_episodes : 0;
	out->gini = rel ? sim_gini(rel, n_rel) : -1;
	out->target_writes = r->target_writes;
	out->literal = r->literal;
	out->literal_out_of_range = r->literal_out_of_range;
	out->host_free_mean_mib = r->host_free_mean_mib;
	free(rel);
}
