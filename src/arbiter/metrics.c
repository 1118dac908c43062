/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Prometheus textfile (node_exporter's textfile collector reads
 * *.prom in its directory; Debian's prometheus-node-exporter uses
 * /var/lib/prometheus/node-exporter/). Rewritten each cycle through a
 * temporary file renamed over it; on a clean stop it keeps membal_up 0
 * and the build info, so an alert can tell "stopped" from "stale".
 * Sizes in bytes, times in seconds (Prometheus base units).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arbiter/status.h"

static void metric(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP membal_%s %s\n# TYPE membal_%s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and newline escaped. */
static void label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void dom_labels(FILE *f, const struct dom *d)
{
	fprintf(f, "{domid=\"%u\",name=\"", d->domid);
	label(f, d->name);
	fputs("\"}", f);
}

static void build_info(FILE *f, const char *backend)
{
	metric(f, "build_info", "gauge", "Always 1; the labels say which membal-arbiter runs.");
	fprintf(f, "membal_build_info{version=\"%s\",backend=\"", MEMBAL_VERSION);
	label(f, backend);
	fputs("\"} 1\n", f);
}

enum dom_metric { DM_TARGET, DM_ACTUAL, DM_DEMAND, DM_MIN, DM_MAX, DM_CAP, DM_AGE,
		  DM_OOM, DM_PRESSURE, DM_MANAGED, DM_COUNT };

static const struct { const char *name, *type, *help; } dom_metrics[DM_COUNT] = {
	{ "domain_target_bytes", "gauge", "memory/target per domain (what it holds when none is set)." },
	{ "domain_actual_bytes", "gauge", "Memory the domain holds (tot_pages, target units)." },
	{ "domain_demand_bytes", "gauge", "The goal the policy gave a decided domain." },
	{ "domain_min_bytes", "gauge", "The domain's minimum this cycle (an OOM-raised one included)." },
	{ "domain_max_bytes", "gauge", "The domain's maximum this cycle." },
	{ "domain_maxmem_cap_bytes", "gauge", "An administrator's maxmem that caps the domain's targets." },
	{ "domain_report_age_seconds", "gauge", "Time since the agent's report last changed." },
	{ "domain_oom_events_total", "counter", "OOM kill events per domain." },
	{ "domain_pressure_holds_total", "counter", "Cycles a domain was not shrunk because of pressure." },
	{ "domain_managed", "gauge", "1 when the domain was decided this cycle." },
};

/* false: the domain has no such figure this cycle (no line). */
static bool dom_value(const struct arbiter *a, const struct dom *d, enum dom_metric m,
		      double *v)
{
	switch (m) {
	case DM_TARGET: *v = (double)(d->have_target ? d->target_kb : d->actual_kb) * 1024; return true;
	case DM_ACTUAL: *v = (double)d->actual_kb * 1024; return true;
	case DM_DEMAND: *v = (double)d->decision.goal_kb * 1024; return d->decided;
	case DM_MIN: *v = (double)d->min_kb * 1024; return true;
	case DM_MAX: *v = (double)d->max_kb * 1024; return true;
	/* only capped domains: a query for the series lists exactly those */
	case DM_CAP: *v = (double)d->cap_kb * 1024; return d->cap_kb != 0;
	case DM_AGE:
		*v = (double)(a->last_cycle_ms >= d->stamp_ms ? a->last_cycle_ms - d->stamp_ms : 0) / 1000;
		return d->have_fig;
	case DM_OOM: *v = (double)d->oom_events; return true;
	case DM_PRESSURE: *v = (double)d->pressure_holds; return true;
	case DM_MANAGED: *v = d->decided; return true;
	case DM_COUNT: break;
	}
	return false;
}

static void host_metrics(FILE *f, const struct arbiter *a)
{
	static const enum policy_mode modes[] = { POLICY_MODE_ABUNDANT, POLICY_MODE_SCARCE,
						  POLICY_MODE_INFEASIBLE, POLICY_MODE_FIXED };
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	metric(f, "up", "gauge", "1 while membal-arbiter runs; 0 after a clean stop.");
	fputs("membal_up 1\n", f);
	build_info(f, a->hv->ops->name);
	metric(f, "last_cycle_timestamp_seconds", "gauge", "Wall clock when the last cycle ended.");
	fprintf(f, "membal_last_cycle_timestamp_seconds %.3f\n",
		(double)ts.tv_sec + ts.tv_nsec / 1e9);
	metric(f, "host_mode", "gauge", "1 for the host's mode this cycle, 0 for the others.");
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		fprintf(f, "membal_host_mode{mode=\"%s\"} %d\n", policy_mode_name(modes[i]),
			a->cycle.mode == modes[i]);
	metric(f, "cycles_total", "counter", "Arbiter cycles run.");
	fprintf(f, "membal_cycles_total %llu\n", (unsigned long long)a->n.cycles);
	metric(f, "follow_up_cycles_total", "counter",
	       "Early cycles run for growth that waited on the donors' decreases.");
	fprintf(f, "membal_follow_up_cycles_total %llu\n", (unsigned long long)a->n.follow_ups);
	metric(f, "cycle_seconds", "gauge", "Wall time of the last cycle.");
	fprintf(f, "membal_cycle_seconds %.9f\n", (double)a->cycle_ns / 1e9);
	metric(f, "host_free_bytes", "gauge", "Host free memory (xc_physinfo).");
	fprintf(f, "membal_host_free_bytes %llu\n", (unsigned long long)a->host.free_kb * 1024);
	metric(f, "host_budget_bytes", "gauge", "F_h: memory the arbiter may hand out (can be negative).");
	fprintf(f, "membal_host_budget_bytes %lld\n", (long long)a->cycle.host_free_kb * 1024);
	metric(f, "reservation_bytes", "gauge", "Memory kept free by membalctl reserve.");
	fprintf(f, "membal_reservation_bytes %llu\n", (unsigned long long)a->reserve_kb * 1024);
	metric(f, "scarce", "gauge", "1 when the host is scarce (global balancing), 0 when abundant.");
	fprintf(f, "membal_scarce %d\n", a->cycle.mode == POLICY_MODE_SCARCE ||
					   a->cycle.mode == POLICY_MODE_INFEASIBLE);
	metric(f, "infeasible_cycles_total", "counter", "Cycles in which the minimums did not fit.");
	fprintf(f, "membal_infeasible_cycles_total %llu\n", (unsigned long long)a->n.infeasible_cycles);
	metric(f, "target_writes_total", "counter", "memory/target writes.");
	fprintf(f, "membal_target_writes_total %llu\n", (unsigned long long)a->n.target_writes);
	metric(f, "write_errors_total", "counter", "Failed target, maxmem or PoD writes.");
	fprintf(f, "membal_write_errors_total %llu\n", (unsigned long long)a->n.write_errors);
	metric(f, "reports_rejected_total", "counter", "Guest reports refused as invalid.");
	fprintf(f, "membal_reports_rejected_total %llu\n", (unsigned long long)a->n.reports_rejected);
	metric(f, "requests_rejected_total", "counter", "membalctl requests refused as malformed.");
	fprintf(f, "membal_requests_rejected_total %llu\n", (unsigned long long)a->n.requests_rejected);
	metric(f, "oom_events_total", "counter", "OOM kills reported by guests (minimum raised).");
	fprintf(f, "membal_oom_events_total %llu\n", (unsigned long long)a->n.oom_events);
	metric(f, "pressure_holds_total", "counter", "Domain-cycles not shrunk because of memory pressure.");
	fprintf(f, "membal_pressure_holds_total %llu\n", (unsigned long long)a->n.pressure_holds);
	metric(f, "withdrawals_total", "counter", "Grants withdrawn because the domain did not take them.");
	fprintf(f, "membal_withdrawals_total %llu\n", (unsigned long long)a->n.withdrawals);
	metric(f, "maxmem_caps_total", "counter", "Administrators' maxmem caps set, moved or lifted.");
	fprintf(f, "membal_maxmem_caps_total %llu\n", (unsigned long long)a->n.maxmem_caps);
}

int status_write_metrics(const struct arbiter *a, const char *path)
{
	char tmp[512];
	FILE *f;
	double v;

	if (status_open_tmp(path, tmp, sizeof(tmp), &f) < 0)
		return -1;
	host_metrics(f, a);
	for (int m = 0; m < DM_COUNT; m++) {
		metric(f, dom_metrics[m].name, dom_metrics[m].type, dom_metrics[m].help);
		for (size_t i = 0; i < a->ndoms; i++) {
			const struct dom *d = a->by_domid[a->order[i]];

			if (!dom_value(a, d, (enum dom_metric)m, &v))
				continue;
			fprintf(f, "membal_%s", dom_metrics[m].name);
			dom_labels(f, d);
			fprintf(f, " %.15g\n", v);
		}
	}
	/* the state as an info-style series: one line per domain, value 1 */
	metric(f, "domain_state", "gauge", "1 for the domain's state (managed, no-agent, stale, ...).");
	for (size_t i = 0; i < a->ndoms; i++) {
		const struct dom *d = a->by_domid[a->order[i]];

		fprintf(f, "membal_domain_state{domid=\"%u\",name=\"", d->domid);
		label(f, d->name);
		fprintf(f, "\",state=\"%s\"} 1\n", d->decided ? "managed" : dom_skip_name(d->skip));
	}
	return status_commit_tmp(f, tmp, path);
}

int status_write_metrics_down(const char *path)
{
	char tmp[512];
	FILE *f;

	if (status_open_tmp(path, tmp, sizeof(tmp), &f) < 0)
		return -1;
	metric(f, "up", "gauge", "1 while membal-arbiter runs; 0 after a clean stop.");
	fputs("membal_up 0\n", f);
	return status_commit_tmp(f, tmp, path);
}
