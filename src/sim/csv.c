/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The time series as CSV, one row per (policy, tick, guest):
 *   policy,time_s,guest,demand_mb,target_mb,actual_mb,memtotal_mb,
 *   cache_mb,swap_mb,psi_some_pct,host_free_mb
 * A guest that is not running at a tick has no row.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/out.h"

int sim_series_csv(const struct sim_report *rep, const char *dir)
{
	char path[1024];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s.csv", dir, rep->name) >= sizeof(path)) {
		fprintf(stderr, "membal-sim: %s/%s.csv: path too long\n", dir, rep->name);
		return -1;
	}
	f = sim_out_open(path);
	if (!f)
		return -1;
	fprintf(f, "policy,time_s,guest,demand_mb,target_mb,actual_mb,memtotal_mb,"
		"cache_mb,swap_mb,psi_some_pct,host_free_mb\n");
	for (size_t p = 0; p < rep->n_runs; p++) {
		const struct sim_run *r = &rep->runs[p];

		for (size_t t = 0; t < r->n_ticks; t++)
			for (size_t g = 0; g < r->n_guests; g++) {
				const float *v = sim_run_at(r, t, g);

				if (isnan(v[SF_DEMAND]))
					continue;
				fprintf(f, "%s,%.3f,%s,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.2f,%.1f\n",
					r->label, (double)(t + 1) * (double)r->tick_ms / 1000,
					rep->sc->guests[g].name, v[SF_DEMAND], v[SF_TARGET],
					v[SF_ACTUAL], v[SF_MEMTOTAL], v[SF_CACHE], v[SF_SWAP],
					v[SF_PSI], r->host_free[t]);
			}
	}
	return sim_out_close(f, path);
}
