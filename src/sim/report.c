/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The summary: one table per scenario, policies as columns, one metric a
 * row (table.c sizes the columns, so cells never run together), then (for small hosts) each guest's shortfall; and the same
 * figures as CSV for scripts. docs/evaluation.md explains every row.
 */
#include <stdio.h>
#include <string.h>

#include "sim/out.h"
#include "sim/sim.h"
#include "sim/table.h"

/* Below this the floor counts as zero: ratios to it mean nothing. */
#define FLOOR_NEAR_ZERO_MIBS 1.0

/* The cell being written (the table copies it). */
static char cell[TABLE_CELL];

static void cell_num(double v, int decimals)
{
	snprintf(cell, sizeof(cell), "%.*f", decimals, v);
}

static void cell_text(const char *s)
{
	snprintf(cell, sizeof(cell), "%s", s);
}

typedef void (*cell_fn)(const struct sim_report *rep, size_t run,
			const struct sim_summary *s);

static void row(struct table *t, const struct sim_report *rep,
		const struct sim_summary *sum, const char *label, cell_fn fn)
{
	if (table_row(t) < 0)
		return;
	table_set(t, 0, "%s", label);
	for (size_t i = 0; i < rep->n_runs; i++) {
		cell[0] = '\0';
		fn(rep, i, &sum[i]);
		table_set(t, i + 1, "%s", cell);
	}
}

static void c_short(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	cell_num(s->shortfall_mibs, 0);
}

static void c_ratio(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	char b[32];

	if (r->floor_mibs < FLOOR_NEAR_ZERO_MIBS) {
		cell_text("n/a");
		return;
	}
	snprintf(b, sizeof(b), "%.2fx", s->shortfall_mibs / r->floor_mibs);
	cell_text(b);
}

static void c_lag_ratio(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	char b[32];

	if (r->lagged_floor_mibs < FLOOR_NEAR_ZERO_MIBS) {
		cell_text("n/a");
		return;
	}
	snprintf(b, sizeof(b), "%.2fx", s->shortfall_mibs / r->lagged_floor_mibs);
	cell_text(b);
}

static void c_swapin(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	cell_num(s->swapin_mib, 0);
}

static void c_oom(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	cell_num((double)s->oom_kills, 0);
}

static void c_oom_s(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	cell_num(s->oom_s, 0);
}

static void c_unstarted(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	cell_num((double)s->not_started, 0);
}

static void c_jobs(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	char b[32];

	if (!s->jobs) {
		cell_text("-");
		return;
	}
	snprintf(b, sizeof(b), "%s%.0f", s->jobs_done < s->jobs ? ">" : "", s->job_time_s);
	cell_text(b);
}

static void c_jobs_vs(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	const struct sim_summary *base = s - i;   /* the first column */
	char b[32];

	if (!s->jobs || base->job_time_s <= 0) {
		cell_text("-");
		return;
	}
	snprintf(b, sizeof(b), "%+.1f%%",
		 100.0 * (s->job_time_s - base->job_time_s) / base->job_time_s);
	cell_text(b);
}

static void c_done(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	char b[32];

	if (!s->jobs) {
		cell_text("-");
		return;
	}
	snprintf(b, sizeof(b), "%zu/%zu", s->jobs_done, s->jobs);
	cell_text(b);
}

static void c_idle(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	cell_num(s->idle_mean_mib, 0);
}

static void c_writes(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	cell_num((double)s->target_writes, 0);
}

static void c_literal(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	if (!s->literal)
		cell_text("-");
	else
		cell_num((double)s->literal_out_of_range, 0);
}

static void c_starve(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	cell_num((double)s->starve_episodes, 0);
}

static void c_t90(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	char b[32];

	if (!s->starve_episodes) {
		cell_text("-");
		return;
	}
	snprintf(b, sizeof(b), "%.1f/%.1f", s->t90_mean_s, s->t90_max_s);
	cell_text(b);
}

static void c_gini(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	if (s->gini < 0)
		cell_text("-");
	else
		cell_num(s->gini, 2);
}

static void c_free(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	cell_num(s->host_free_mean_mib, 0);
}

static void c_wall(const struct sim_report *r, size_t i, const struct sim_summary *s)
{
	cell_num(r->runs[i].wall_s, 1);
}

void sim_report_print(const struct sim_report *rep, bool per_guest)
{
	struct sim_summary sum[rep->n_runs ? rep->n_runs : 1];
	size_t managed = 0;
	struct table t;

	for (size_t i = 0; i < rep->n_runs; i++)
		sim_summarise(&rep->runs[i], rep->duration_s, &sum[i]);
	if (rep->n_runs)
		managed = sum[0].managed;
	printf("\n== %s: %zu guests (%zu managed), %.0f s, host %llu MiB, dom0 %llu MiB, reserve %llu MiB\n",
	       rep->name, rep->sc->n_guests, managed, rep->duration_s,
	       (unsigned long long)(rep->sc->total_kb / 1024),
	       (unsigned long long)(rep->sc->dom0_kb / 1024),
	       (unsigned long long)(rep->base->policy.params.reserve_kb / 1024));
	printf("   clairvoyant floor: %.0f MiB*s%s\n", rep->floor_mibs,
	       rep->floor_mibs < FLOOR_NEAR_ZERO_MIBS ? " (near zero: ratios n/a)" : "");
	/* The floor charges a swapless guest's lack as shortfall; the guest
	 * model would count it as OOM kills (sim_oom_step(), simhost/model.c). */
	printf("   lagged floor (%.1f s late, balloon speed): %.0f MiB*s%s, %llu OOM kill%s at its allocation\n",
	       rep->lag_s, rep->lagged_floor_mibs,
	       rep->lagged_floor_mibs < FLOOR_NEAR_ZERO_MIBS ? " (near zero: ratios n/a)" : "",
	       (unsigned long long)rep->lagged_oom_kills, rep->lagged_oom_kills == 1 ? "" : "s");
	table_init(&t, rep->n_runs + 1);
	if (table_row(&t) == 0) {
		table_set(&t, 0, "metric");
		for (size_t i = 0; i < rep->n_runs; i++)
			table_set(&t, i + 1, "%s", rep->runs[i].label);
	}
	row(&t, rep, sum, "shortfall (MiB*s)", c_short);
	row(&t, rep, sum, "  / clairvoyant floor", c_ratio);
	row(&t, rep, sum, "  / lagged floor", c_lag_ratio);
	row(&t, rep, sum, "swap-in (MiB)", c_swapin);
	row(&t, rep, sum, "OOM kills", c_oom);
	row(&t, rep, sum, "  OOM time (s, down or over, summed)", c_oom_s);
	row(&t, rep, sum, "not started (xl create failed)", c_unstarted);
	row(&t, rep, sum, "job time, sum (s)", c_jobs);
	row(&t, rep, sum, "  vs first column", c_jobs_vs);
	row(&t, rep, sum, "  jobs done", c_done);
	row(&t, rep, sum, "idle memory held (MiB, mean)", c_idle);
	row(&t, rep, sum, "target writes", c_writes);
	for (size_t i = 0; i < rep->n_runs; i++)
		if (sum[i].literal) {
			row(&t, rep, sum, "literal_out_of_range", c_literal);
			break;
		}
	row(&t, rep, sum, "starving episodes (<90%)", c_starve);
	row(&t, rep, sum, "  time to 90% (s, mean/max)", c_t90);
	row(&t, rep, sum, "Gini of relative shortfall", c_gini);
	row(&t, rep, sum, "host free (MiB, mean)", c_free);
	row(&t, rep, sum, "wall time (s)", c_wall);
	table_print(&t, stdout, "");
	table_free(&t);
	if (!per_guest)
		return;
	printf("\n   per guest: shortfall MiB*s / swap-in MiB / OOM kills / job s\n");
	table_init(&t, rep->n_runs + 1);
	if (table_row(&t) == 0) {
		table_set(&t, 0, "guest");
		for (size_t i = 0; i < rep->n_runs; i++)
			table_set(&t, i + 1, "%s", rep->runs[i].label);
	}
	for (size_t g = 0; g < rep->sc->n_guests; g++) {
		if (table_row(&t) < 0)
			break;
		table_set(&t, 0, "%s%s", rep->sc->guests[g].name,
			  rep->n_runs && !rep->runs[0].g[g].managed ? " (unmanaged)" : "");
		for (size_t i = 0; i < rep->n_runs; i++) {
			const struct sim_guest_result *x = &rep->runs[i].g[g];

			if (x->work_s > 0 && x->done_s >= 0)
				table_set(&t, i + 1, "%.0f/%.0f/%llu/%.0f", x->shortfall_mibs,
					  x->swapin_mib, (unsigned long long)x->oom_kills, x->done_s);
			else
				table_set(&t, i + 1, "%.0f/%.0f/%llu%s", x->shortfall_mibs,
					  x->swapin_mib, (unsigned long long)x->oom_kills,
					  x->work_s > 0 ? "/-" : "");
		}
	}
	table_print(&t, stdout, "  ");
	table_free(&t);
}

static FILE *open_out(const char *dir, const char *name, const char *suffix,
		      char *path, size_t size)
{
	if ((size_t)snprintf(path, size, "%s/%s%s", dir, name, suffix) >= size) {
		fprintf(stderr, "membal-sim: %s/%s%s: path too long\n", dir, name, suffix);
		return NULL;
	}
	return sim_out_open(path);
}

int sim_report_csv(const struct sim_report *rep, const char *dir)
{
	char path[1024];
	FILE *f = open_out(dir, rep->name, ".summary.csv", path, sizeof(path));

	if (!f)
		return -1;
	fprintf(f, "policy,shortfall_mibs,floor_mibs,swapin_mib,oom_kills,jobs,jobs_done,"
		"job_time_s,idle_mean_mib,target_writes,starve_episodes,t90_mean_s,"
		"t90_max_s,gini,host_free_mean_mib,oom_s,not_started\n");
	for (size_t i = 0; i < rep->n_runs; i++) {
		struct sim_summary s;

		sim_summarise(&rep->runs[i], rep->duration_s, &s);
		fprintf(f, "%s,%.1f,%.1f,%.1f,%llu,%zu,%zu,%.1f,%.1f,%llu,%llu,%.2f,%.2f,",
			rep->runs[i].label, s.shortfall_mibs, rep->floor_mibs, s.swapin_mib,
			(unsigned long long)s.oom_kills, s.jobs, s.jobs_done, s.job_time_s,
			s.idle_mean_mib, (unsigned long long)s.target_writes,
			(unsigned long long)s.starve_episodes, s.t90_mean_s, s.t90_max_s);
		if (s.gini >= 0)
			fprintf(f, "%.3f", s.gini);
		fprintf(f, ",%.1f,%.1f,%zu\n", s.host_free_mean_mib, s.oom_s, s.not_started);
	}
	if (sim_out_close(f, path) < 0)
		return -1;

	f = open_out(dir, rep->name, ".guests.csv", path, sizeof(path));
	if (!f)
		return -1;
	fprintf(f, "policy,guest,managed,shortfall_mibs,demand_mibs,idle_mibs,swapin_mib,"
		"stall_s,oom_kills,job_restarts,work_s,done_s,starve_episodes,"
		"starve_total_s,starve_max_s,target_writes,bursts,oom_s\n");
	for (size_t i = 0; i < rep->n_runs; i++)
		for (size_t g = 0; g < rep->sc->n_guests; g++) {
			const struct sim_guest_result *x = &rep->runs[i].g[g];

			fprintf(f, "%s,%s,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%llu,%llu,%.0f,",
				rep->runs[i].label, rep->sc->guests[g].name, x->managed,
				x->shortfall_mibs, x->demand_mibs, x->idle_mibs, x->swapin_mib,
				x->stall_s, (unsigned long long)x->oom_kills,
				(unsigned long long)x->job_restarts, x->work_s);
			if (x->work_s > 0 && x->done_s >= 0)
				fprintf(f, "%.1f", x->done_s);
			fprintf(f, ",%llu,%.1f,%.1f,%llu,%llu,%.1f\n",
				(unsigned long long)x->starve_episodes, x->starve_total_s,
				x->starve_max_s, (unsigned long long)x->target_writes,
				(unsigned long long)x->bursts, x->oom_s);
		}
	return sim_out_close(f, path);
}
