/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-place's snapshot cache, read for the allocator (demand.h):
 *
 *   {"format": "membal-place-cache", "version": 1, "collected_at": EPOCH,
 *    "hosts": [{"name": ..., "status": {the host's membal status file}}]}
 *
 * Only what the allocator needs: each host's total_kb, free_kb,
 * outstanding_kb, reserve_kb and reservation_kb, and each domain's name,
 * domid, actual_kb, min_kb, max_kb, demand_kb and floor_kb. The checks are
 * membal-place's: figures that do not add up refuse the whole cache, as
 * one wrong host would mislead every answer.
 */
#include "iallocator/demand.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cfail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cfail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static struct json_object *get(struct json_object *o, const char *key,
			       enum json_type t)
{
	struct json_object *v;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, t))
		return NULL;
	return v;
}

/* A KiB figure: an integer 0..2^50 (a pebibyte). -1 when present and
 * wrong, or absent and required; 0 otherwise (absent: *out = 0). */
static int kib(struct json_object *o, const char *key, bool required,
	       uint64_t *out)
{
	struct json_object *v;

	*out = 0;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return required ? -1 : 0;
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0 ||
	    json_object_get_int64(v) > (INT64_C(1) << 50))
		return -1;
	*out = (uint64_t)json_object_get_int64(v);
	return 0;
}

static const char *own(struct ia_snapshot *s, const char *str)
{
	char **nn = realloc(s->names, (s->nnames + 1) * sizeof(*nn));

	if (!nn)
		return NULL;
	s->names = nn;
	if (!(nn[s->nnames] = strdup(str)))
		return NULL;
	return nn[s->nnames++];
}

static int read_host(struct ia_snapshot *s, struct json_object *h, size_t hi,
		     char *err, size_t errlen)
{
	struct json_object *name = get(h, "name", json_type_string);
	struct json_object *st = get(h, "status", json_type_object);
	struct json_object *host = get(st, "host", json_type_object);
	struct json_object *doms = get(st, "domains", json_type_array);
	uint64_t total, free_kb, outstanding, reserve, reservation, held = 0;
	struct place_host *ph = &s->hosts[hi];

	if (!name || !st || !host || !doms)
		return cfail(err, errlen, "hosts[%zu]: needs name, status.host and status.domains", hi);
	const char *hn = json_object_get_string(name);

	if (kib(host, "total_kb", true, &total) < 0 || kib(host, "free_kb", true, &free_kb) < 0 ||
	    kib(host, "outstanding_kb", false, &outstanding) < 0 ||
	    kib(host, "reserve_kb", false, &reserve) < 0 ||
	    kib(host, "reservation_kb", false, &reservation) < 0)
		return cfail(err, errlen, "host %.64s: a memory figure is missing or not a whole KiB count", hn);
	memset(ph, 0, sizeof(*ph));
	if (!(ph->name = own(s, hn)))
		return cfail(err, errlen, "out of memory");
	ph->xen_version = ph->cpu_features = "";
	ph->on = true;
	for (size_t i = 0; i < json_object_array_length(doms); i++) {
		struct json_object *d = json_object_array_get_idx(doms, i);
		struct json_object *dn = get(d, "name", json_type_string);
		struct place_dom *pd;
		uint64_t domid, floor_kb;
		bool has_demand;

		if (s->nd >= PLACE_MAX_DOMS)
			return cfail(err, errlen, "more than %u domains", PLACE_MAX_DOMS);
		pd = realloc(s->doms, (s->nd + 1) * sizeof(*pd));
		if (!pd)
			return cfail(err, errlen, "out of memory");
		s->doms = pd;
		pd = &s->doms[s->nd];
		memset(pd, 0, sizeof(*pd));
		if (!dn || kib(d, "domid", true, &domid) < 0 ||
		    kib(d, "actual_kb", true, &pd->size_kb) < 0 ||
		    kib(d, "min_kb", true, &pd->min_kb) < 0 ||
		    kib(d, "max_kb", true, &pd->max_kb) < 0 ||
		    kib(d, "demand_kb", false, &pd->demand_kb) < 0 ||
		    kib(d, "floor_kb", false, &floor_kb) < 0)
			return cfail(err, errlen, "host %.64s, domain %zu: name, domid, actual_kb, min_kb, max_kb or floor_kb missing or wrong", hn, i);
		has_demand = json_object_object_get_ex(d, "demand_kb", NULL);
		if (!(pd->name = own(s, json_object_get_string(dn))))
			return cfail(err, errlen, "out of memory");
		size_t len = strlen(pd->name);

		pd->kind = domid == 0 ? PLACE_DOM0 :
			   len > 3 && strcmp(pd->name + len - 3, "-dm") == 0 ?
			   PLACE_STUB : PLACE_DOMU;
		pd->host = (int32_t)hi;
		pd->pin_host = -1;
		pd->shares = 1;
		pd->migratable = true;
		pd->last_move_age_s = PLACE_NEVER_MOVED;
		/* Without a measurement the domain needs what it holds. */
		if (!has_demand)
			pd->demand_kb = pd->size_kb;
		pd->active_kb = pd->demand_kb;
		if (pd->min_kb > pd->max_kb)
			return cfail(err, errlen, "host %.64s, domain %.64s: min_kb above max_kb", hn, pd->name);
		/* Not shrunk below its floor L_i'
		 * (design.md §Placement at the floor): nothing to count on
		 * below it. */
		if (pd->kind == PLACE_DOMU && floor_kb > pd->max_kb)
			return cfail(err, errlen, "host %.64s, domain %.64s: floor_kb above max_kb", hn, pd->name);
		if (pd->kind == PLACE_DOMU && floor_kb > pd->min_kb)
			pd->min_kb = floor_kb;
		held += pd->size_kb;
		s->nd++;
	}
	if (held + free_kb > total || outstanding > held + free_kb)
		return cfail(err, errlen, "host %.64s: figures do not add up (domains hold %llu KiB, %llu KiB free, total %llu KiB)",
			     hn, (unsigned long long)held, (unsigned long long)free_kb,
			     (unsigned long long)total);
	ph->mem_kb = held + free_kb - outstanding;
	ph->reserve_kb = reserve + reservation;
	if (ph->reserve_kb > ph->mem_kb)
		return cfail(err, errlen, "host %.64s: reserve above its memory", hn);
	return 0;
}

static int read_cache(struct ia_snapshot *s, struct json_object *top,
		      int64_t now, int64_t max_age_s, char *err, size_t errlen)
{
	struct json_object *f = get(top, "format", json_type_string);
	struct json_object *v = get(top, "version", json_type_int);
	struct json_object *at = get(top, "collected_at", json_type_int);
	struct json_object *hosts = get(top, "hosts", json_type_array);

	if (!f || strcmp(json_object_get_string(f), "membal-place-cache") != 0)
		return cfail(err, errlen, "not a membal-place cache");
	if (!v || json_object_get_int64(v) != 1)
		return cfail(err, errlen, "cache version is not 1");
	if (!at || !hosts || json_object_array_length(hosts) == 0 ||
	    json_object_array_length(hosts) > PLACE_MAX_HOSTS)
		return cfail(err, errlen, "no collected_at, or no hosts");
	s->collected_at = json_object_get_int64(at);
	if (now - s->collected_at > max_age_s)
		return cfail(err, errlen, "collected %lld s ago, older than the %lld s bound",
			     (long long)(now - s->collected_at), (long long)max_age_s);
	if (s->collected_at - now > IA_CACHE_FUTURE_S)
		return cfail(err, errlen, "collected %lld s in the future", (long long)(s->collected_at - now));
	s->nh = json_object_array_length(hosts);
	if (!(s->hosts = calloc(s->nh, sizeof(*s->hosts))))
		return cfail(err, errlen, "out of memory");
	for (size_t h = 0; h < s->nh; h++)
		if (read_host(s, json_object_array_get_idx(hosts, h), h, err, errlen) < 0)
			return -1;
	return 0;
}

int ia_snapshot_read_cache(struct ia_snapshot *s, const char *path,
			   int64_t now, int64_t max_age_s, char *err,
			   size_t errlen)
{
	char why[200];
	int rc = -1;

	struct stat sb;

	memset(s, 0, sizeof(*s));
	if (stat(path, &sb) < 0)
		return cfail(err, errlen, "%s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > IA_MAX_CACHE)
		return cfail(err, errlen, "%s: not a regular file of at most %u bytes",
			     path, IA_MAX_CACHE);
	struct json_object *top = json_object_from_file(path);

	if (!top)
		return cfail(err, errlen, "%s: unreadable or not JSON", path);
	rc = read_cache(s, top, now, max_age_s, why, sizeof(why));
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		ia_snapshot_free(s);
	}
	json_object_put(top);
	return rc;
}

void ia_snapshot_free(struct ia_snapshot *s)
{
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	free(s->hosts);
	free(s->doms);
	memset(s, 0, sizeof(*s));
}
