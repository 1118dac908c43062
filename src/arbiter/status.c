/*
 * The arbiter's outputs for people and monitoring, rewritten each cycle:
 *   - the JSON status file that `membalctl status` reads (SPEC §3.5);
 *   - the Prometheus textfile for node_exporter's textfile collector.
 * Both are written to a temporary file in the same directory and renamed
 * over the old one, so a reader never sees half a file.
 */
#include "arbiter/status.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/clock.h"

static const char *type_name(enum hv_dom_type t)
{
	switch (t) {
	case HV_TYPE_PV: return "pv";
	case HV_TYPE_PVH: return "pvh";
	case HV_TYPE_HVM: return "hvm";
	default: return "unknown";
	}
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* The flags column: everything an administrator should notice. */
void status_dom_flags(const struct dom *d, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
#define FLAG(cond, text)                                                        \
	do {                                                                    \
		if ((cond) && used < size) {                                    \
			int w = snprintf(buf + used, size - used, "%s%s",       \
					 used ? "," : "", text);                \
			if (w > 0)                                              \
				used += (size_t)w;                              \
		}                                                               \
	} while (0)
	FLAG(d->skip != SKIP_NONE, dom_skip_name(d->skip));
	FLAG(d->uncooperative && d->skip != SKIP_UNCOOPERATIVE, "uncooperative");
	FLAG(d->hold_manual && d->skip != SKIP_HOLD_MANUAL, "hold-manual");
	FLAG(d->hold_paused && d->skip != SKIP_HOLD_PAUSED, "hold-paused");
	FLAG(d->decided && (d->d.reasons & (POLICY_R_PSI | POLICY_R_SWAPIN)), "pressure");
	FLAG(d->decided && (d->d.reasons & POLICY_R_OOM), "oom-min");
	FLAG(d->grant_open, "growing");
#undef FLAG
	if (used == 0)
		snprintf(buf, size, "-");
}

static int open_tmp(const char *path, char *tmp, size_t size, FILE **out)
{
	int fd;

	if (snprintf(tmp, size, "%s.XXXXXX", path) >= (int)size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	fchmod(fd, 0644);
	*out = fdopen(fd, "w");
	if (!*out) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int commit_tmp(FILE *f, const char *tmp, const char *path)
{
	int bad = ferror(f);

	if (fclose(f) != 0 || bad) {
		unlink(tmp);
		errno = EIO;
		return -1;
	}
	if (rename(tmp, path) < 0) {
		int err = errno;

		unlink(tmp);
		errno = err;
		return -1;
	}
	return 0;
}

static void json_u64(FILE *f, const char *key, uint64_t v, bool comma)
{
	fprintf(f, "\"%s\":%llu%s", key, (unsigned long long)v, comma ? "," : "");
}

int status_write_json(const struct arbiter *a, const char *path)
{
	char tmp[512], flags[160], reasons[128];
	FILE *f;

	if (open_tmp(path, tmp, sizeof(tmp), &f) < 0)
		return -1;
	fprintf(f, "{\"version\":%d,\"membal\":", STATUS_VERSION);
	json_str(f, MEMBAL_VERSION);
	fprintf(f, ",\"backend\":");
	json_str(f, a->hv->ops->name);
	fprintf(f, ",\"dry_run\":%s,", a->dry_run ? "true" : "false");
	json_u64(f, "cycle", a->n.cycles, true);
	json_u64(f, "time_ms", a->last_cycle_ms, true);
	json_u64(f, "interval_ms", a->cfg.interval_ms, true);
	json_u64(f, "cycle_us", a->cycle_ns / 1000, true);
	fprintf(f, "\"mode\":");
	json_str(f, policy_mode_name(a->cycle.mode));
	fprintf(f, ",\"stage\":");
	json_str(f, policy_stage_name(a->cycle.stage));
	fprintf(f, ",\"paused_all\":%s,\"host\":{", a->paused_all ? "true" : "false");
	json_u64(f, "total_kb", a->host.total_kb, true);
	json_u64(f, "free_kb", a->host.free_kb, true);
	json_u64(f, "outstanding_kb", a->host.outstanding_kb, true);
	json_u64(f, "reserve_kb", a->cfg.policy.params.reserve_kb, true);
	json_u64(f, "reservation_kb", a->reserve_kb, true);
	fprintf(f, "\"budget_kb\":%lld,", (long long)a->cycle.host_free_kb);
	json_u64(f, "shortfall_kb", a->cycle.shortfall_kb, false);
	fprintf(f, "},\"counters\":{");
	json_u64(f, "target_writes", a->n.target_writes, true);
	json_u64(f, "maxmem_writes", a->n.maxmem_writes, true);
	json_u64(f, "pod_writes", a->n.pod_writes, true);
	json_u64(f, "write_errors", a->n.write_errors, true);
	json_u64(f, "reports_rejected", a->n.reports_rejected, true);
	json_u64(f, "oom_events", a->n.oom_events, true);
	json_u64(f, "pressure_holds", a->n.pressure_holds, true);
	json_u64(f, "withdrawals", a->n.withdrawals, true);
	json_u64(f, "uncooperative_flags", a->n.uncooperative_flags, true);
	json_u64(f, "manual_holds", a->n.manual_holds, true);
	json_u64(f, "xs_reconnects", a->n.xs_reconnects, false);
	fprintf(f, "},\"domains\":[");
	for (size_t i = 0; i < a->ndoms; i++) {
		const struct dom *d = a->by_domid[a->order[i]];
		const struct guest_figures *g = &d->fig;

		status_dom_flags(d, flags, sizeof(flags));
		policy_reasons_format(d->decided ? d->d.reasons : 0, reasons, sizeof(reasons));
		fprintf(f, "%s\n{", i ? "," : "");
		json_u64(f, "domid", d->domid, true);
		fprintf(f, "\"name\":");
		json_str(f, d->name);
		fprintf(f, ",\"type\":\"%s\",\"state\":\"%s\",\"flags\":",
			type_name(d->type), d->decided ? "managed" : dom_skip_name(d->skip));
		json_str(f, flags);
		fprintf(f, ",");
		json_u64(f, "min_kb", d->min_kb, true);
		json_u64(f, "max_kb", d->max_kb, true);
		json_u64(f, "target_kb", d->have_target ? d->target_kb : 0, true);
		json_u64(f, "actual_kb", d->actual_kb, true);
		json_u64(f, "maxmem_kb", d->hv.max_kb, true);
		json_u64(f, "demand_kb", d->decided ? d->d.goal_kb : 0, true);
		json_u64(f, "free_kb", d->have_fig ? g->v[MK_FREE] : 0, true);
		json_u64(f, "avail_kb", d->have_fig ? g->v[MK_AVAIL] : 0, true);
		json_u64(f, "committed_as_kb", d->have_fig ? g->v[MK_COMMITTED_AS] : 0, true);
		json_u64(f, "swap_tot_kb", d->have_fig ? g->v[MK_SWAP_TOT] : 0, true);
		json_u64(f, "swap_free_kb", d->have_fig ? g->v[MK_SWAP_FREE] : 0, true);
		status_estimates_json(f, d);
		fprintf(f, "\"price\":");
		if (d->decided && d->d.has_price)
			fprintf(f, "%.6g,", d->d.price);
		else
			fprintf(f, "null,");
		fprintf(f, "\"mode\":\"%s\",\"stage\":\"%s\",\"reasons\":\"%s\",",
			d->decided ? policy_mode_name(d->d.mode) : "fixed",
			d->decided ? policy_stage_name(d->d.stage) : "none", reasons);
		json_u64(f, "report_age_ms",
			 d->have_fig ? a->last_cycle_ms - d->stamp_ms : 0, true);
		json_u64(f, "reports_rejected", d->rej.reports, true);
		json_u64(f, "keys_rejected", d->rej.keys, true);
		json_u64(f, "oom_kills", d->oom_kills, true);
		json_u64(f, "oom_events", d->oom_events, true);
		json_u64(f, "pressure_holds", d->pressure_holds, true);
		json_u64(f, "target_changes", d->target_changes, true);
		json_u64(f, "withdrawals", d->withdrawals, false);
		fprintf(f, "}");
	}
	fprintf(f, "\n]}\n");
	return commit_tmp(f, tmp, path);
}

static void metric(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP membal_%s %s\n# TYPE membal_%s %s\n", name, help, name, type);
}

int status_write_metrics(const struct arbiter *a, const char *path)
{
	char tmp[512];
	FILE *f;

	if (open_tmp(path, tmp, sizeof(tmp), &f) < 0)
		return -1;
	metric(f, "cycles_total", "counter", "Arbiter cycles run.");
	fprintf(f, "membal_cycles_total %llu\n", (unsigned long long)a->n.cycles);
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
	metric(f, "oom_events_total", "counter", "OOM kills reported by guests (minimum raised).");
	fprintf(f, "membal_oom_events_total %llu\n", (unsigned long long)a->n.oom_events);
	metric(f, "pressure_holds_total", "counter", "Domain-cycles not shrunk because of memory pressure.");
	fprintf(f, "membal_pressure_holds_total %llu\n", (unsigned long long)a->n.pressure_holds);
	metric(f, "withdrawals_total", "counter", "Grants withdrawn because the domain did not take them.");
	fprintf(f, "membal_withdrawals_total %llu\n", (unsigned long long)a->n.withdrawals);
	metric(f, "domain_target_bytes", "gauge", "memory/target per domain.");
	for (size_t i = 0; i < a->ndoms; i++) {
		const struct dom *d = a->by_domid[a->order[i]];

		fprintf(f, "membal_domain_target_bytes{domid=\"%u\",name=\"%s\"} %llu\n",
			d->domid, d->name, (unsigned long long)d->target_kb * 1024);
	}
	metric(f, "domain_actual_bytes", "gauge", "Memory the domain holds (tot_pages, target units).");
	for (size_t i = 0; i < a->ndoms; i++) {
		const struct dom *d = a->by_domid[a->order[i]];

		fprintf(f, "membal_domain_actual_bytes{domid=\"%u\",name=\"%s\"} %llu\n",
			d->domid, d->name, (unsigned long long)d->actual_kb * 1024);
	}
	metric(f, "domain_oom_events_total", "counter", "OOM kill events per domain.");
	for (size_t i = 0; i < a->ndoms; i++) {
		const struct dom *d = a->by_domid[a->order[i]];

		fprintf(f, "membal_domain_oom_events_total{domid=\"%u\",name=\"%s\"} %llu\n",
			d->domid, d->name, (unsigned long long)d->oom_events);
	}
	metric(f, "domain_pressure_holds_total", "counter", "Cycles a domain was not shrunk because of pressure.");
	for (size_t i = 0; i < a->ndoms; i++) {
		const struct dom *d = a->by_domid[a->order[i]];

		fprintf(f, "membal_domain_pressure_holds_total{domid=\"%u\",name=\"%s\"} %llu\n",
			d->domid, d->name, (unsigned long long)d->pressure_holds);
	}
	metric(f, "domain_managed", "gauge", "1 when the domain was decided this cycle.");
	for (size_t i = 0; i < a->ndoms; i++) {
		const struct dom *d = a->by_domid[a->order[i]];

		fprintf(f, "membal_domain_managed{domid=\"%u\",name=\"%s\"} %d\n",
			d->domid, d->name, d->decided ? 1 : 0);
	}
	return commit_tmp(f, tmp, path);
}
