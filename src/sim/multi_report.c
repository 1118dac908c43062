/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a cluster run prints and writes: a table with the runs as
 * columns, CSVs (summary, utility-vs-guests points, time series) and two
 * gnuplot figures: over time (utility, hosts on, Gini, then one panel per
 * host with what its domUs hold), and against the number of guests
 * arrived (utility and hosts on, every run on the same axes).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "sim/child.h"
#include "sim/multi.h"
#include "sim/out.h"

static void row(const char *what, const struct multi_result *r, size_t n,
		double (*get)(const struct multi_result *), int decimals)
{
	printf("%-30s", what);
	for (size_t i = 0; i < n; i++)
		printf("%12.*f", decimals, get(&r[i]));
	putchar('\n');
}

#define GETTER(fn, expr) \
	static double fn(const struct multi_result *r) { return (expr); }
GETTER(g_short, r->shortfall_mibs)
GETTER(g_short_pct, r->demand_mibs > 0 ? 100 * r->shortfall_mibs / r->demand_mibs : 0)
GETTER(g_oom, (double)r->oom_kills)
GETTER(g_hosts_h, r->hosts_on_s / 3600)
GETTER(g_util, r->utility_mean)
GETTER(g_gini, r->gini_mean)
GETTER(g_arr, r->arrivals)
GETTER(g_placed, r->placed)
GETTER(g_rej, r->rejected)
GETTER(g_reoff, r->reoffered)
GETTER(g_mig, r->migrations)
GETTER(g_migf, r->migrations_failed)
GETTER(g_moved, r->moved_mib)
GETTER(g_down, r->downtime_s)
GETTER(g_migs, r->migrate_s)
GETTER(g_twice, r->held_twice_mibs)
GETTER(g_wall, r->wall_s)

void multi_report_print(const char *name, const struct multi_scenario *m,
			const struct multi_result *r, size_t n)
{
	printf("== %s: %zu hosts, %zu guests, %.0f s ==\n", name, m->n_hosts,
	       m->sc.n_guests, (double)r[0].n_ticks * (double)r[0].tick_ms / 1000);
	printf("%-30s", "run");
	for (size_t i = 0; i < n; i++)
		printf("%12s", r[i].label);
	putchar('\n');
	printf("%-30s", "placement / rebalance_s");
	for (size_t i = 0; i < n; i++) {
		char b[40];

		snprintf(b, sizeof(b), "%s/%llu", place_algorithm_names[m->run[i].placement],
			 (unsigned long long)(m->run[i].rebalance_ms / 1000));
		printf("%12s", b);
	}
	putchar('\n');
	row("guests arrived", r, n, g_arr, 0);
	row("  placed", r, n, g_placed, 0);
	row("  rejected (no host, no room)", r, n, g_rej, 0);
	row("  offered again (timed out)", r, n, g_reoff, 0);
	row("shortfall (MiB*s)", r, n, g_short, 0);
	row("  % of demand", r, n, g_short_pct, 2);
	row("OOM kills", r, n, g_oom, 0);
	row("utility, mean (share-MiB)", r, n, g_util, 1);
	row("hosts on x time (host-h)", r, n, g_hosts_h, 3);
	row("Gini of utilisation, mean", r, n, g_gini, 3);
	row("migrations", r, n, g_mig, 0);
	row("  failed (no room)", r, n, g_migf, 0);
	row("  moved (MiB)", r, n, g_moved, 0);
	row("  downtime (s)", r, n, g_down, 2);
	row("  duration (s)", r, n, g_migs, 1);
	row("  held on both hosts (MiB*s)", r, n, g_twice, 0);
	row("wall time (s)", r, n, g_wall, 1);
	fflush(stdout);
}

static FILE *open_out(const char *dir, const char *name, const char *ext,
		      char *path, size_t size)
{
	if ((size_t)snprintf(path, size, "%s/%s.%s", dir, name, ext) >= size) {
		fprintf(stderr, "membal-sim: %s: path too long\n", dir);
		return NULL;
	}
	return sim_out_open(path);
}

int multi_report_csv(const char *name, const struct multi_result *r, size_t n,
		     const char *dir)
{
	char path[1200];
	FILE *f;
	int rc = 0;

	if (!(f = open_out(dir, name, "multi.csv", path, sizeof(path))))
		return -1;
	fprintf(f, "run,arrived,placed,rejected,shortfall_mibs,demand_mibs,oom_kills,utility_mean,"
		   "hosts_on_s,gini_mean,migrations,migrations_failed,moved_mib,downtime_s,migrate_s,held_twice_mibs,reoffered\n");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s,%u,%u,%u,%.1f,%.1f,%llu,%.2f,%.1f,%.4f,%u,%u,%.1f,%.3f,%.1f,%.1f,%u\n",
			r[i].label, r[i].arrivals, r[i].placed, r[i].rejected,
			r[i].shortfall_mibs, r[i].demand_mibs,
			(unsigned long long)r[i].oom_kills, r[i].utility_mean, r[i].hosts_on_s,
			r[i].gini_mean, r[i].migrations, r[i].migrations_failed,
			r[i].moved_mib, r[i].downtime_s, r[i].migrate_s, r[i].held_twice_mibs,
			r[i].reoffered);
	rc |= sim_out_close(f, path);
	if (!(f = open_out(dir, name, "points.csv", path, sizeof(path))))
		return -1;
	fprintf(f, "run,arrived,running,utility,hosts_on\n");
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < r[i].n_points; k++)
			fprintf(f, "%s,%u,%u,%.2f,%u\n", r[i].label, r[i].point[k].arrived,
				r[i].point[k].running, r[i].point[k].utility,
				r[i].point[k].hosts_on);
	rc |= sim_out_close(f, path);
	if (!(f = open_out(dir, name, "ticks.csv", path, sizeof(path))))
		return -1;
	fprintf(f, "run,time_s,utility,hosts_on,gini,shortfall_mib");
	for (size_t h = 0; n && h < r[0].n_hosts; h++)
		fprintf(f, ",host%zu_mib", h);
	fputc('\n', f);
	for (size_t i = 0; i < n; i++)
		for (size_t t = 0; t < r[i].n_ticks; t++) {
			const struct multi_tick *k = &r[i].tick[t];

			fprintf(f, "%s,%.3f,%.2f,%.0f,%.4f,%.1f", r[i].label,
				(double)(t + 1) * (double)r[i].tick_ms / 1000, k->utility,
				k->hosts_on, k->gini, k->shortfall_mib);
			for (size_t h = 0; h < r[i].n_hosts; h++)
				fprintf(f, ",%.1f", r[i].host_used[t * r[i].n_hosts + h]);
			fputc('\n', f);
		}
	rc |= sim_out_close(f, path);
	return rc ? -1 : 0;
}

/* ---- gnuplot ---- */

static int gnuplot(const char *script)
{
	pid_t pid = fork();
	char what[PATH_MAX + 16];   /* "gnuplot " + the script path */

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		fprintf(stderr, "membal-sim: cannot run gnuplot: %s\n", strerror(errno));
		_exit(127);
	}
	snprintf(what, sizeof(what), "gnuplot %s", script);
	return child_exited_ok(pid, what) ? 0 : -1;
}

static bool plain(const char *s)
{
	return !strpbrk(s, "\"\\\n`'");
}

/* Over time: rows utility, hosts on, Gini, then one per host; columns
 * the runs. Data: <name>.ticks.csv (written first). */
static int time_figure(const char *name, const struct multi_scenario *m,
		       const struct multi_result *r, size_t n, const char *dir)
{
	char gp[1200], csv[1200], png[1200];
	size_t rows = 3 + m->n_hosts, cols = n;
	double dur = (double)r[0].n_ticks * (double)r[0].tick_ms / 1000;
	FILE *f;

	snprintf(csv, sizeof(csv), "%s/%s.ticks.csv", dir, name);
	snprintf(png, sizeof(png), "%s/%s.png", dir, name);
	if (!plain(csv) || !plain(png) || !(f = open_out(dir, name, "gp", gp, sizeof(gp))))
		return -1;
	fprintf(f, "set terminal pngcairo size %zu,%zu font \"sans,8\"\n", cols * 380,
		rows * 150 + 60);
	fprintf(f, "set output \"%s\"\nset datafile separator \",\"\n", png);
	fprintf(f, "set multiplot layout %zu,%zu title \"%s: cluster over time (x: seconds)\" font \",11\"\n",
		rows, cols, name);
	fprintf(f, "set xrange [0:%.0f]\nset grid\nset key off\nset tmargin 2\nset bmargin 1.5\n"
		"set lmargin 8\nset rmargin 1\n", dur);
	for (size_t row = 0; row < rows; row++)
		for (size_t c = 0; c < cols; c++) {
			const char *lab = r[c].label;
			char using[200];
			int col;
			const char *title;

			if (row == 0)
				col = 3, title = "utility (share-MiB)";
			else if (row == 1)
				col = 4, title = "hosts on";
			else if (row == 2)
				col = 5, title = "Gini of utilisation (hosts on)";
			else
				col = 7 + (int)(row - 3), title = m->host[row - 3].name;
			snprintf(using, sizeof(using), "(strcol(1) eq \"%s\" ? $%d : NaN)", lab, col);
			fprintf(f, "set title \"%s%s - %s\"\n", row >= 3 ? "MiB held on " : "",
				title, lab);
			if (row == 1)
				fprintf(f, "set yrange [0:%zu]\n", m->n_hosts + 1);
			else if (row == 2)
				fputs("set yrange [0:1]\n", f);
			else if (row >= 3)
				fprintf(f, "set yrange [0:%.0f]\n",
					(double)(m->host[row - 3].total_kb - m->host[row - 3].dom0_kb) / 1024);
			else
				fputs("set autoscale y\n", f);
			fprintf(f, "plot \"%s\" every ::1 using 2:%s with lines lw 1.5\n", csv, using);
		}
	fputs("unset multiplot\n", f);
	if (sim_out_close(f, gp) < 0)
		return -1;
	return gnuplot(gp);
}

/* Utility and hosts on against the guests arrived, every run. */
static int vms_figure(const char *name, const struct multi_result *r, size_t n,
		      const char *dir)
{
	char gp[1200], csv[1200], png[1200], base[300];
	FILE *f;

	snprintf(base, sizeof(base), "%s.vms", name);
	snprintf(csv, sizeof(csv), "%s/%s.points.csv", dir, name);
	snprintf(png, sizeof(png), "%s/%s.vms.png", dir, name);
	if (!plain(csv) || !plain(png) || !(f = open_out(dir, base, "gp", gp, sizeof(gp))))
		return -1;
	fprintf(f, "set terminal pngcairo size 1000,420 font \"sans,9\"\n");
	fprintf(f, "set output \"%s\"\nset datafile separator \",\"\n", png);
	fprintf(f, "set multiplot layout 1,2 title \"%s: against the number of guests arrived\" font \",11\"\n", name);
	fputs("set grid\nset key top left font \",8\"\nset xlabel \"guests arrived\"\n", f);
	for (int panel = 0; panel < 2; panel++) {
		fprintf(f, "set ylabel \"%s\"\n", panel ? "hosts on" : "utility (share-MiB served)");
		fputs("plot ", f);
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%s\"%s\" every ::1 using 2:(strcol(1) eq \"%s\" ? $%d : NaN) with linespoints title \"%s\"",
				i ? ", " : "", csv, r[i].label, panel ? 5 : 4, r[i].label);
		fputc('\n', f);
	}
	fputs("unset multiplot\n", f);
	if (sim_out_close(f, gp) < 0)
		return -1;
	return gnuplot(gp);
}

int multi_plot(const char *name, const struct multi_scenario *m,
	       const struct multi_result *r, size_t n, const char *dir)
{
	if (n == 0)
		return -1;
	if (time_figure(name, m, r, n, dir) < 0 || vms_figure(name, r, n, dir) < 0)
		return -1;
	return 0;
}
