/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One PNG per scenario, drawn by gnuplot: a grid with one column per
 * policy and one row per guest, each panel the guest's demand, its
 * target and what it actually holds over time, and a last row with the
 * host's free memory. Demand is drawn in target units (demand + the
 * guest's overhead O_i, what the domain must hold for the working set to
 * fit in MemTotal), so that "actual below demand" is exactly shortfall.
 * Rows share a y range across policies so columns compare at a glance.
 *
 * Big hosts: only the max_guests managed guests with the largest
 * shortfall under any policy are drawn; the title says so, and the others
 * are named under the grid and on stdout. The host row shades the
 * periods the arbiter found memory short (scarce mode). The data
 * (<name>.plot.dat) and script (<name>.gp) stay next to the PNG for
 * anyone who wants another view.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/child.h"
#include "sim/out.h"
#include "sim/sim.h"

#define PANEL_W 420
#define PANEL_H 190

static double worst_shortfall(const struct sim_report *rep, size_t g)
{
	double w = 0;

	for (size_t p = 0; p < rep->n_runs; p++)
		if (rep->runs[p].g[g].shortfall_mibs > w)
			w = rep->runs[p].g[g].shortfall_mibs;
	return w;
}

/* The guests to draw, in scenario order; returns how many. */
static size_t pick_guests(const struct sim_report *rep, size_t max, size_t *out)
{
	size_t n = rep->sc->n_guests, k = 0;
	bool *take = calloc(n ? n : 1, sizeof(*take));

	if (!take)
		return 0;
	if (n <= max) {
		for (size_t g = 0; g < n; g++)
			take[g] = true;
	} else {
		for (size_t round = 0; round < max; round++) {
			size_t best = n;

			for (size_t g = 0; g < n; g++)
				if (!take[g] && rep->runs[0].g[g].managed &&
				    (best == n || worst_shortfall(rep, g) > worst_shortfall(rep, best)))
					best = g;
			if (best == n)
				break;
			take[best] = true;
		}
	}
	for (size_t g = 0; g < n; g++)
		if (take[g])
			out[k++] = g;
	free(take);
	return k;
}

/* "a, b, c" of the guests not drawn ("" when all are); cut with "..."
 * when long (the title of a PNG is no place for 500 names). Names are
 * the scenario's, [A-Za-z0-9_.-]. */
static void omitted_names(const struct sim_report *rep, const size_t *rows, size_t n_rows,
			  char *buf, size_t size)
{
	size_t used = 0, k = 0;

	buf[0] = '\0';
	for (size_t g = 0; g < rep->sc->n_guests; g++) {
		if (k < n_rows && rows[k] == g) {
			k++;
			continue;
		}
		const char *name = rep->sc->guests[g].name;

		if (used + strlen(name) + 8 >= size) {
			snprintf(buf + used, size - used, "%s...", used ? ", " : "");
			return;
		}
		used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", name);
	}
}

static void put(FILE *f, float v)
{
	if (isnan(v))
		fputs(" NaN", f);
	else
		fprintf(f, " %.1f", v);
}

static int write_data(const struct sim_report *rep, const size_t *rows, size_t n_rows,
		      const char *path, double *ymax)
{
	FILE *f = sim_out_open(path);

	if (!f)
		return -1;
	for (size_t i = 0; i <= n_rows; i++)
		ymax[i] = 1;
	for (size_t p = 0; p < rep->n_runs; p++) {
		const struct sim_run *r = &rep->runs[p];

		for (size_t i = 0; i < n_rows; i++) {
			size_t g = rows[i];
			double o = (double)rep->sc->guests[g].overhead_kb / 1024;

			fprintf(f, "# %s %s: time_s demand+overhead target actual\n", r->label,
				rep->sc->guests[g].name);
			for (size_t t = 0; t < r->n_ticks; t++) {
				const float *v = sim_run_at(r, t, g);

				fprintf(f, "%.3f", (double)(t + 1) * (double)r->tick_ms / 1000);
				put(f, isnan(v[SF_DEMAND]) ? NAN : (float)(v[SF_DEMAND] + o));
				put(f, v[SF_TARGET]);
				put(f, v[SF_ACTUAL]);
				fputc('\n', f);
				for (int k = 0; k < 3; k++) {
					float x = k == 0 ? (float)(v[SF_DEMAND] + o) :
						  k == 1 ? v[SF_TARGET] : v[SF_ACTUAL];

					if (!isnan(x) && x > ymax[i])
						ymax[i] = x;
				}
			}
			fputs("\n\n", f);
		}
		fprintf(f, "# %s host: time_s free scarce(0/1)\n", r->label);
		for (size_t t = 0; t < r->n_ticks; t++) {
			fprintf(f, "%.3f %.1f %.0f\n", (double)(t + 1) * (double)r->tick_ms / 1000,
				r->host_free[t], r->host_scarce[t]);
			if (r->host_free[t] > ymax[n_rows])
				ymax[n_rows] = r->host_free[t];
		}
		fputs("\n\n", f);
	}
	return sim_out_close(f, path);
}

/* gnuplot strings in double quotes: names are [A-Za-z0-9_.-], paths are
 * the user's; refuse what would need escaping rather than escape it. */
static bool plain(const char *s)
{
	return !strpbrk(s, "\"\\\n`");
}

static int write_script(const struct sim_report *rep, const size_t *rows, size_t n_rows,
			const char *dat, const char *png, const char *path,
			const double *ymax, const char *omitted)
{
	size_t cols = rep->n_runs, R = n_rows + 1;
	double reserve = (double)rep->base->policy.params.reserve_kb / 1024;
	FILE *f;

	if (!plain(dat) || !plain(png)) {
		fprintf(stderr, "membal-sim: output path %s has characters gnuplot strings cannot hold\n", png);
		return -1;
	}
	f = sim_out_open(path);
	if (!f)
		return -1;
	fprintf(f, "# membal-sim: %s (gnuplot %s)\n", rep->name, path);
	fprintf(f, "set terminal pngcairo size %zu,%zu font \"sans,8\"\n",
		cols * PANEL_W, R * PANEL_H + 60 + (omitted[0] ? 80 : 0));
	fprintf(f, "set output \"%s\"\n", png);
	if (omitted[0]) {
		/* the guests left out, named under the title, wrapped to the
		 * width of the grid */
		char wrapped[1024];
		size_t width = cols * PANEL_W / 9, col = 0, used = 0;

		for (const char *c = omitted; *c && used + 3 < sizeof(wrapped); c++) {
			if (*c == ' ' && col > width) {
				used += (size_t)snprintf(wrapped + used, sizeof(wrapped) - used, "\\n");
				col = 0;
				continue;
			}
			wrapped[used++] = *c;
			col++;
		}
		wrapped[used] = '\0';
		fprintf(f, "set multiplot layout %zu,%zu title \"%s: %zu of %zu guests (the largest shortfall), then the host\\n"
			"not drawn: %s\" font \",10\"\n",
			R, cols, rep->name, n_rows, rep->sc->n_guests, wrapped);
	} else {
		fprintf(f, "set multiplot layout %zu,%zu title \"%s: memory of each guest, then the host\" font \",11\"\n",
			R, cols, rep->name);
	}
	fprintf(f, "set xrange [0:%.0f]\nset grid\nset key top left horizontal font \",7\" samplen 2\n"
		"set tmargin 2.2\nset bmargin 2.6\nset lmargin 8\nset rmargin 1\n"
		"set title offset 0,-0.4\n"
		"set xlabel \"time (s)\" offset 0,0.6\nset ylabel \"MiB\" offset 1.5,0\n"
		"set style fill transparent solid 0.18 noborder\nset boxwidth %.3f absolute\n",
		rep->duration_s, rep->runs[0].tick_ms / 1000.0);
	for (size_t i = 0; i < R; i++)
		for (size_t p = 0; p < cols; p++) {
			size_t idx = p * R + i;

			if (i < n_rows) {
				const struct sim_guest_result *g = &rep->runs[p].g[rows[i]];

				fprintf(f, "set title \"%s - %s (shortfall %.0f MiB*s)\"\n",
					rep->sc->guests[rows[i]].name, rep->runs[p].label,
					g->shortfall_mibs);
				fprintf(f, "set yrange [0:%.0f]\n", ymax[i] * 1.12);
				/* actual under target: a balloon that keeps up
				 * hides the red line, one that lags shows it. */
				fprintf(f, "plot \"%s\" index %zu using 1:2 with lines lw 1.5 lc rgb \"black\" title \"needs (working set + overhead)\", "
					"\"\" index %zu using 1:4 with lines lw 3 lc rgb \"#f4a0a0\" title \"holds\", "
					"\"\" index %zu using 1:3 with lines lw 1 lc rgb \"#1f5fbf\" title \"target set\"\n",
					dat, idx, idx, idx);
			} else {
				double top = ymax[i] * 1.12;

				fprintf(f, "set title \"host - %s\"\n", rep->runs[p].label);
				fprintf(f, "set yrange [0:%.0f]\n", top);
				/* scarce periods shaded behind the lines */
				fprintf(f, "plot \"%s\" index %zu using 1:($3*%.0f) with boxes lc rgb \"#ff7f0e\" title \"memory short (scarce)\", "
					"\"\" index %zu using 1:2 with lines lw 1.5 lc rgb \"#2ca02c\" title \"free memory\", "
					"%.0f with lines dt 3 lc rgb \"gray\" title \"reserve (kept free)\"\n",
					dat, idx, top, idx, reserve);
			}
		}
	fputs("unset multiplot\n", f);
	return sim_out_close(f, path);
}

static int run_gnuplot(const char *script)
{
	pid_t pid = fork();
	char what[PATH_MAX + 16];   /* "gnuplot " + the script path */

	if (pid < 0) {
		fprintf(stderr, "membal-sim: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		fprintf(stderr, "membal-sim: cannot run gnuplot: %s (Debian: apt-get install gnuplot-nox)\n",
			strerror(errno));
		_exit(127);
	}
	snprintf(what, sizeof(what), "gnuplot %s", script);
	return child_exited_ok(pid, what) ? 0 : -1;
}

int sim_plot(const struct sim_report *rep, const char *dir, size_t max_guests)
{
	size_t n = rep->sc->n_guests;
	size_t *rows = calloc(n ? n : 1, sizeof(*rows));
	double *ymax = calloc(n + 1, sizeof(*ymax));
	char dat[1024], gp[1024], png[1024], omitted[512];
	size_t n_rows;
	int rc = -1;

	if (!rows || !ymax || rep->n_runs == 0)
		goto out;
	if ((size_t)snprintf(dat, sizeof(dat), "%s/%s.plot.dat", dir, rep->name) >= sizeof(dat) ||
	    (size_t)snprintf(gp, sizeof(gp), "%s/%s.gp", dir, rep->name) >= sizeof(gp) ||
	    (size_t)snprintf(png, sizeof(png), "%s/%s.png", dir, rep->name) >= sizeof(png)) {
		fprintf(stderr, "membal-sim: %s: path too long\n", dir);
		goto out;
	}
	n_rows = pick_guests(rep, max_guests, rows);
	omitted_names(rep, rows, n_rows, omitted, sizeof(omitted));
	if (omitted[0])
		printf("   plot leaves out %zu of %zu guests (less shortfall): %s\n",
		       rep->sc->n_guests - n_rows, rep->sc->n_guests, omitted);
	if (write_data(rep, rows, n_rows, dat, ymax) < 0 ||
	    write_script(rep, rows, n_rows, dat, png, gp, ymax, omitted) < 0 ||
	    run_gnuplot(gp) < 0)
		goto out;
	rc = 0;
out:
	free(rows);
	free(ymax);
	return rc;
}
