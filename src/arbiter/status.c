/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The arbiter's outputs for people and monitoring, rewritten each cycle:
 *   - the JSON status file that `membalctl status` reads
 *     (docs/status-json.md; design.md §Operation; written with json-c);
 *   - the Prometheus textfile for node_exporter's textfile collector
 *     (metrics.c).
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

#include <time.h>

#include <json-c/json.h>

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
	FLAG(d->decided && (d->decision.reasons & (POLICY_R_PSI | POLICY_R_SWAPIN)), "pressure");
	FLAG(d->decided && (d->decision.reasons & POLICY_R_OOM), "oom-min");
	FLAG(d->grant_open, "growing");
	FLAG(d->cap_kb, "maxmem-cap");
#undef FLAG
	if (used == 0)
		snprintf(buf, size, "-");
}

int status_open_tmp(const char *path, char *tmp, size_t size, FILE **out)
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

int status_commit_tmp(FILE *f, const char *tmp, const char *path)
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

/* ---- the JSON status (schema: docs/status-json.md) ---------------------- */

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

/* null when the figure is absent: never a made-up 0. */
static struct json_object *opt_u64(bool have, uint64_t v)
{
	return have ? json_object_new_uint64(v) : NULL;
}

/* A double written as "%.6g" (fixed false) or "%.3f" (fixed true)
 * rather than json-c's 17 digits. */
static struct json_object *num(double v, bool fixed)
{
	char text[48];

	if (fixed)
		snprintf(text, sizeof(text), "%.3f", v);
	else
		snprintf(text, sizeof(text), "%.6g", v);
	return json_object_new_double_s(v, text);
}

/* "a,b,c" (status_dom_flags) or "a+b" (policy_reasons_format), "-" for
 * none, as a JSON array ([] for none). */
static struct json_object *split_list(const char *text, char sep)
{
	struct json_object *arr = json_object_new_array();
	char item[64];

	if (strcmp(text, "-") == 0)
		return arr;
	while (*text) {
		const char *end = strchr(text, sep);
		size_t len = end ? (size_t)(end - text) : strlen(text);

		if (len >= sizeof(item))
			len = sizeof(item) - 1;
		memcpy(item, text, len);
		item[len] = '\0';
		json_object_array_add(arr, json_object_new_string(item));
		if (!end)
			break;
		text = end + 1;
	}
	return arr;
}

static struct json_object *report_json(const struct arbiter *a, const struct dom *d)
{
	const struct guest_figures *g = &d->fig;
	struct json_object *r;

	if (!d->have_fig)
		return NULL;
	r = json_object_new_object();
	add(r, "age_ms", u64(a->last_cycle_ms >= d->stamp_ms ? a->last_cycle_ms - d->stamp_ms : 0));
	add(r, "memtotal_kb", opt_u64(guest_has(g, MK_TOT), g->v[MK_TOT]));
	add(r, "free_kb", u64(g->v[MK_FREE]));
	add(r, "avail_kb", opt_u64(guest_has(g, MK_AVAIL), g->v[MK_AVAIL]));
	add(r, "committed_as_kb", u64(g->v[MK_COMMITTED_AS]));
	add(r, "swap_tot_kb", u64(g->v[MK_SWAP_TOT]));
	add(r, "swap_free_kb", u64(g->v[MK_SWAP_FREE]));
	/* which part of the swap is zram (layout 4): a reservation never
	 * lends such a guest's slack (design.md §The estimate's slack) */
	add(r, "swap_zram_kb", opt_u64(guest_has(g, MK_SWAP_ZRAM), g->v[MK_SWAP_ZRAM]));
	add(r, "balloon_current_kb", opt_u64(guest_has(g, MK_BALLOON_CURRENT),
					     g->v[MK_BALLOON_CURRENT]));
	add(r, "psi_some", opt_u64(guest_has(g, MK_PSI_SOME), g->v[MK_PSI_SOME]));
	add(r, "swapin_rate", opt_u64(guest_has(g, MK_SWAPIN_RATE), g->v[MK_SWAPIN_RATE]));
	return r;
}

static struct json_object *dom_json(const struct arbiter *a, const struct dom *d)
{
	struct json_object *o = json_object_new_object();
	char flags[160], reasons[128];

	status_dom_flags(d, flags, sizeof(flags));
	policy_reasons_format(d->decided ? d->decision.reasons : 0, reasons, sizeof(reasons));
	add(o, "domid", u64(d->domid));
	add(o, "name", json_object_new_string(d->name));
	add(o, "type", json_object_new_string(type_name(d->type)));
	add(o, "state", json_object_new_string(d->decided ? "managed" : dom_skip_name(d->skip)));
	add(o, "flags", split_list(flags, ','));
	add(o, "min_kb", u64(d->min_kb));
	add(o, "max_kb", u64(d->max_kb));
	add(o, "shares", num(d->shares, false));
	/* B_i as the policy reads it: memory/target, or what the domain
	 * holds when it has none (dom0 often has none). */
	add(o, "target_kb", u64(d->have_target ? d->target_kb : d->actual_kb));
	add(o, "target_set", json_object_new_boolean(d->have_target));
	add(o, "actual_kb", u64(d->actual_kb));
	add(o, "maxmem_kb", u64(d->hv.max_kb));
	add(o, "demand_kb", opt_u64(d->decided, d->decision.goal_kb));
	add(o, "mode", d->decided ? json_object_new_string(policy_mode_name(d->decision.mode)) : NULL);
	add(o, "stage", d->decided ? json_object_new_string(policy_stage_name(d->decision.stage)) : NULL);
	add(o, "reasons", split_list(reasons, '+'));
	add(o, "price", d->decided && d->decision.has_price ? num(d->decision.price, false) : NULL);
	add(o, "report", report_json(a, d));
	status_estimates_add(o, d);
	add(o, "reports_rejected", u64(d->rej.reports));
	add(o, "keys_rejected", u64(d->rej.keys));
	add(o, "oom_kills", u64(d->oom_kills));
	add(o, "oom_events", u64(d->oom_events));
	add(o, "pressure_holds", u64(d->pressure_holds));
	add(o, "headroom", json_object_new_string(policy_headroom_names[d->headroom]));
	add(o, "gap_kb", u64(d->gap_kb));
	add(o, "target_changes", u64(d->target_changes));
	add(o, "withdrawals", u64(d->withdrawals));
	/* L_i': placement counts on no less (design.md §Placement at the floor);
	 * last, so that readers matching the members before it still match */
	add(o, "floor_kb", opt_u64(d->decided, d->decision.floor_kb));
	/* An administrator's maxmem (maxcap.h), after floor_kb for the same
	 * reason (session 19) */
	add(o, "maxmem_cap_kb", opt_u64(d->cap_kb != 0, d->cap_kb));
	return o;
}

static struct json_object *top_json(const struct arbiter *a)
{
	const struct policy_params *p = &a->cfg.policy.params;
	struct json_object *o = json_object_new_object(), *h, *c;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	add(o, "version", json_object_new_int(STATUS_VERSION));
	add(o, "membal", json_object_new_string(MEMBAL_VERSION));
	add(o, "backend", json_object_new_string(a->hv->ops->name));
	add(o, "dry_run", json_object_new_boolean(a->dry_run));
	add(o, "cycle", u64(a->n.cycles));
	add(o, "timestamp", num((double)ts.tv_sec + ts.tv_nsec / 1e9, true));
	add(o, "interval_ms", u64(a->cfg.interval_ms));
	add(o, "cycle_us", u64(a->cycle_ns / 1000));
	add(o, "mode", json_object_new_string(policy_mode_name(a->cycle.mode)));
	add(o, "stage", json_object_new_string(policy_stage_name(a->cycle.stage)));
	add(o, "free_source", json_object_new_string(policy_free_source_names[p->free_source]));
	add(o, "paused_all", json_object_new_boolean(a->paused_all));
	h = json_object_new_object();
	add(h, "total_kb", u64(a->host.total_kb));
	add(h, "free_kb", u64(a->host.free_kb));
	add(h, "outstanding_kb", u64(a->host.outstanding_kb));
	add(h, "reserve_kb", u64(p->reserve_kb));
	add(h, "reservation_kb", opt_u64(a->reserve_kb > 0, a->reserve_kb));
	add(h, "reservation_waits_kb", opt_u64(a->cycle.resv_held_kb > 0, a->cycle.resv_held_kb));
	add(h, "budget_kb", json_object_new_int64(a->cycle.host_free_kb));
	add(h, "shortfall_kb", opt_u64(a->cycle.shortfall_kb > 0, a->cycle.shortfall_kb));
	add(o, "host", h);
	c = json_object_new_object();
	add(c, "target_writes", u64(a->n.target_writes));
	add(c, "maxmem_writes", u64(a->n.maxmem_writes));
	add(c, "pod_writes", u64(a->n.pod_writes));
	add(c, "write_errors", u64(a->n.write_errors));
	add(c, "reports_rejected", u64(a->n.reports_rejected));
	add(c, "requests_rejected", u64(a->n.requests_rejected));
	add(c, "oom_events", u64(a->n.oom_events));
	add(c, "pressure_holds", u64(a->n.pressure_holds));
	add(c, "withdrawals", u64(a->n.withdrawals));
	add(c, "uncooperative_flags", u64(a->n.uncooperative_flags));
	add(c, "manual_holds", u64(a->n.manual_holds));
	add(c, "maxmem_caps", u64(a->n.maxmem_caps));
	add(c, "xs_reconnects", u64(a->n.xs_reconnects));
	add(o, "counters", c);
	return o;
}

#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* One domain per line after a first line with the rest, so that shell
 * scripts can grep a domain's line (tests/e2e-xen/e2elib.sh does). */
int status_write_json(const struct arbiter *a, const char *path)
{
	struct json_object *top = top_json(a);
	const char *text = json_object_to_json_string_ext(top, JSON_FLAGS);
	size_t len = strlen(text);
	char tmp[512];
	FILE *f;

	if (status_open_tmp(path, tmp, sizeof(tmp), &f) < 0) {
		json_object_put(top);
		return -1;
	}
	/* text is "{...}": reopen it for the domains */
	fwrite(text, 1, len - 1, f);
	fputs(",\"domains\":[", f);
	for (size_t i = 0; i < a->ndoms; i++) {
		struct json_object *d = dom_json(a, a->by_domid[a->order[i]]);

		fprintf(f, "%s\n%s", i ? "," : "", json_object_to_json_string_ext(d, JSON_FLAGS));
		json_object_put(d);
	}
	fputs("\n]}\n", f);
	json_object_put(top);
	return status_commit_tmp(f, tmp, path);
}
