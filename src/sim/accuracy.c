/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-sim --estimates: each working-set estimator (policy/estimate.h)
 * against the true demand of every simulated guest, sample by sample.
 *
 * The runs (child processes) write one CSV row per guest per tick:
 *   scenario,policy,time_s,guest,truth_kb,committed_kb,used_kb,lru_kb,refault_kb
 * with the estimates as the arbiter would compute them from the last
 * report it read (empty when the report lacks what an estimator needs,
 * or before the first report). truth = the guest's need (workload demand
 * + tmpfs + file working set, model.h), in the guest's units like the
 * estimates. The parent then reads the files back and prints, per
 * scenario and over all of them, each estimator's bias (mean signed
 * error, % of the truth), mean absolute % error, P95 of the absolute %
 * error, and coverage (samples it could estimate).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbiter/arbiter.h"
#include "policy/estimate.h"
#include "sim/sim.h"

void sim_estimates_header(FILE *f)
{
	fprintf(f, "scenario,policy,time_s,guest,truth_kb");
	for (int e = 0; e < EST_COUNT; e++)
		fprintf(f, ",%s_kb", estimator_name((enum estimator)e));
	fputc('\n', f);
}

void sim_estimates_row(FILE *f, const char *scenario, const char *policy,
		       double t_s, const char *guest, uint64_t truth_kb,
		       const struct dom *ad)
{
	struct estimate_in in;

	fprintf(f, "%s,%s,%.1f,%s,%llu", scenario, policy, t_s, guest,
		(unsigned long long)truth_kb);
	if (ad && ad->have_fig)
		guest_estimate_input(&ad->fig, &ad->hist, &in);
	for (int e = 0; e < EST_COUNT; e++) {
		uint64_t kb;

		if (ad && ad->have_fig && estimate((enum estimator)e, &in, &kb))
			fprintf(f, ",%llu", (unsigned long long)kb);
		else
			fputc(',', f);
	}
	fputc('\n', f);
}

struct acc {
	double *err;            /* signed % errors */
	size_t n, cap;
	size_t samples;         /* rows seen (coverage's denominator) */
};

static int acc_add(struct acc *a, double err)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4096;
		double *p = realloc(a->err, cap * sizeof(*p));

		if (!p)
			return -1;
		a->err = p;
		a->cap = cap;
	}
	a->err[a->n++] = err;
	return 0;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

static void acc_print(FILE *out, const char *label, struct acc a[EST_COUNT])
{
	fprintf(out, "| %s |", label);
	for (int e = 0; e < EST_COUNT; e++) {
		double bias = 0, mape = 0;

		if (a[e].n == 0) {
			fprintf(out, " n/a |");
			continue;
		}
		for (size_t i = 0; i < a[e].n; i++) {
			bias += a[e].err[i];
			a[e].err[i] = fabs(a[e].err[i]);
			mape += a[e].err[i];
		}
		qsort(a[e].err, a[e].n, sizeof(double), cmp_double);
		size_t k = (size_t)ceil(0.95 * (double)a[e].n);

		fprintf(out, " %+.1f / %.1f / %.1f (%.0f %%) |", bias / (double)a[e].n,
			mape / (double)a[e].n, a[e].err[k ? k - 1 : 0],
			100.0 * (double)a[e].n / (double)a[e].samples);
	}
	fputc('\n', out);
}

/* One file's rows into acc (per scenario) and all (over every scenario). */
static int read_rows(const char *path, struct acc acc[EST_COUNT],
		     struct acc all[EST_COUNT])
{
	FILE *f = fopen(path, "re");
	char line[512];
	int rc = 0;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {   /* header */
		fclose(f);
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		char *field[5 + EST_COUNT];
		int n = 0;

		/* Empty fields are data (an estimate not available). */
		for (char *p = line, *q;; p = q + 1) {
			q = strpbrk(p, ",\n");
			if (n < 5 + EST_COUNT)
				field[n++] = p;
			if (!q)
				break;
			*q = '\0';
			if (n == 5 + EST_COUNT)
				break;
		}
		if (n < 5 + EST_COUNT)
			continue;
		double truth = strtod(field[4], NULL);

		if (truth <= 0)
			continue;
		for (int e = 0; e < EST_COUNT; e++) {
			acc[e].samples++;
			all[e].samples++;
			if (!field[5 + e][0])
				continue;
			double err = (strtod(field[5 + e], NULL) - truth) / truth * 100;

			if (acc_add(&acc[e], err) < 0 || acc_add(&all[e], err) < 0)
				rc = -1;
		}
	}
	fclose(f);
	return rc;
}

int sim_accuracy_report(const char *const *paths, const char *const *names,
			size_t n, FILE *out)
{
	struct acc all[EST_COUNT] = { { 0 } };
	int rc = 0;

	fprintf(out, "\nestimator accuracy against the true demand, per sample: "
		"bias / mean |error| / P95 |error|, %% of the truth (coverage)\n\n|");
	fprintf(out, " scenario |");
	for (int e = 0; e < EST_COUNT; e++)
		fprintf(out, " %s |", estimator_name((enum estimator)e));
	fprintf(out, "\n|---|");
	for (int e = 0; e < EST_COUNT; e++)
		fprintf(out, "---|");
	fputc('\n', out);
	for (size_t i = 0; i < n; i++) {
		struct acc acc[EST_COUNT] = { { 0 } };

		if (read_rows(paths[i], acc, all) < 0) {
			fprintf(stderr, "membal-sim: %s: %s\n", paths[i], strerror(errno ? errno : EIO));
			rc = -1;
		}
		acc_print(out, names[i], acc);
		for (int e = 0; e < EST_COUNT; e++)
			free(acc[e].err);
	}
	if (n > 1)
		acc_print(out, "**all**", all);
	for (int e = 0; e < EST_COUNT; e++)
		free(all[e].err);
	return rc;
}
