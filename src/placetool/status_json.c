/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One host's `membalctl status --json` (the arbiter's status file) into
 * the snapshot: checked field by field (json-c), refused when its format
 * version is unknown or its figures do not add up.
 *
 * Versions read: 1 (flags a comma-separated string, absent figures 0)
 * and 2 (flags an array of strings, absent figures null). Other fields
 * are ignored, so the file may grow without breaking this reader.
 */
#include "placetool/placetool.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <string.h>

#include "policy/policy.h"

struct ctx {
	const char *host;
	char *err;
	size_t errlen;
};

static int serr(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int serr(struct ctx *c, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "host %s: status: %s", c->host, msg);
	return -1;
}

/* An integer figure in [0, POLICY_KB_MAX]. Absent or null: *have false
 * (an error when required). */
static int figure(struct ctx *c, struct json_object *o, const char *what,
		  const char *key, bool required, bool *have, uint64_t *out)
{
	struct json_object *v;

	*out = 0;
	*have = false;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL) {
		if (required)
			return serr(c, "%s: no '%s'", what, key);
		return 0;
	}
	if (!json_object_is_type(v, json_type_int))
		return serr(c, "%s: '%s' is not an integer", what, key);
	int64_t x = json_object_get_int64(v);

	if (x < 0 || (uint64_t)x > POLICY_KB_MAX)
		return serr(c, "%s: '%s' = %lld out of range", what, key, (long long)x);
	*out = (uint64_t)x;
	*have = true;
	return 0;
}

static const char *string_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Does the flags field (string "a,b" or array ["a","b"]) hold word? */
static bool has_flag(struct json_object *d, const char *word)
{
	struct json_object *v;
	size_t n = strlen(word);

	if (!json_object_object_get_ex(d, "flags", &v) || v == NULL)
		return false;
	if (json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			struct json_object *e = json_object_array_get_idx(v, i);

			if (json_object_is_type(e, json_type_string) &&
			    strcmp(json_object_get_string(e), word) == 0)
				return true;
		}
		return false;
	}
	if (!json_object_is_type(v, json_type_string))
		return false;
	for (const char *s = json_object_get_string(v); *s;) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (len == n && strncmp(s, word, n) == 0)
			return true;
		if (!e)
			break;
		s = e + 1;
	}
	return false;
}

const char *status_mode(struct json_object *status)
{
	const char *m = string_of(status, "mode");

	return m ? m : "";
}

static int add_domain(struct snap *s, struct ctx *c, int32_t hidx,
		      struct json_object *d, size_t i, uint64_t *held_sum)
{
	char what[96];
	uint64_t domid, floor_kb;
	bool have, have_demand, have_floor;
	struct place_dom *pd;
	const char *name = string_of(d, "name");

	snprintf(what, sizeof(what), "domain %zu", i);
	if (!json_object_is_type(d, json_type_object))
		return serr(c, "%s: not an object", what);
	if (!name || !snap_name_ok(name))
		return serr(c, "%s: missing or unusable name", what);
	snprintf(what, sizeof(what), "domain %s", name);
	if (figure(c, d, what, "domid", true, &have, &domid) < 0)
		return -1;
	enum place_kind kind = snap_kind(name, true, domid);
	char full[2 * SNAP_MAX_NAME + 2];

	/* Every host has a Domain-0: name it after its host. Guests'
	 * names must be unique across the cluster (live migration keeps
	 * them). */
	snprintf(full, sizeof(full), "%s%s%s", name, kind == PLACE_DOM0 ? "@" : "",
		 kind == PLACE_DOM0 ? c->host : "");
	if (snap_dom_index(s, full) >= 0)
		return serr(c, "%s: the name is also on another host", what);
	if (!(pd = snap_add_dom(s)) || !(pd->name = snap_str(s, full)))
		return serr(c, "too many domains, or out of memory");
	pd->host = hidx;
	pd->kind = kind;
	if (figure(c, d, what, "actual_kb", true, &have, &pd->size_kb) < 0 ||
	    figure(c, d, what, "min_kb", true, &have, &pd->min_kb) < 0 ||
	    figure(c, d, what, "max_kb", true, &have, &pd->max_kb) < 0 ||
	    figure(c, d, what, "demand_kb", false, &have_demand, &pd->demand_kb) < 0 ||
	    figure(c, d, what, "floor_kb", false, &have_floor, &floor_kb) < 0)
		return -1;
	if (pd->kind == PLACE_DOMU && pd->min_kb > pd->max_kb)
		return serr(c, "%s: min_kb %llu above max_kb %llu", what,
			    (unsigned long long)pd->min_kb, (unsigned long long)pd->max_kb);
	/* The arbiter does not shrink a guest below its floor L_i' (growth
	 * is never cut): that is its minimum for placement (design.md
	 * §Placement at the floor). Absent from an older arbiter's file. */
	if (have_floor && pd->kind == PLACE_DOMU) {
		if (floor_kb > pd->max_kb)
			return serr(c, "%s: floor_kb %llu above max_kb %llu", what,
				    (unsigned long long)floor_kb,
				    (unsigned long long)pd->max_kb);
		if (floor_kb > pd->min_kb)
			pd->min_kb = floor_kb;
	}
	/* demand_kb is 0 (v1) or null (v2) for a domain not decided. */
	if (have_demand && pd->demand_kb > 0 && pd->kind == PLACE_DOMU &&
	    (pd->demand_kb < pd->min_kb || pd->demand_kb > pd->max_kb))
		return serr(c, "%s: demand_kb %llu outside [min_kb, max_kb]", what,
			    (unsigned long long)pd->demand_kb);
	if (!pd->demand_kb)
		pd->demand_kb = pd->size_kb;
	pd->active_kb = pd->demand_kb;
	const char *state = string_of(d, "state");

	state = state ? state : "";
	pd->held = has_flag(d, "hold-manual") || has_flag(d, "hold-paused") ||
		   has_flag(d, "dying") || !strcmp(state, "hold-manual") ||
		   !strcmp(state, "hold-paused") || !strcmp(state, "dying");
	pd->paused = has_flag(d, "paused") || !strcmp(state, "paused");
	*held_sum += pd->size_kb;
	return 0;
}

int snap_add_status(struct snap *s, const char *name,
		    struct json_object *status, const char *xen_version,
		    const char *cpu_features, uint32_t scarce_cycles,
		    char *err, size_t errlen)
{
	struct ctx c = { name, err, errlen };
	struct json_object *host, *doms, *v;
	uint64_t total, free_kb, outstanding, reserve, reservation, held = 0;
	bool have;
	int64_t version;

	if (!json_object_is_type(status, json_type_object))
		return serr(&c, "not a JSON object");
	if (!json_object_object_get_ex(status, "version", &v) ||
	    !json_object_is_type(v, json_type_int))
		return serr(&c, "no format version");
	version = json_object_get_int64(v);
	if (version < SNAP_STATUS_VERSION_MIN || version > SNAP_STATUS_VERSION_MAX)
		return serr(&c, "format version %lld, this membal-place reads %d to %d",
			    (long long)version, SNAP_STATUS_VERSION_MIN,
			    SNAP_STATUS_VERSION_MAX);
	if (!json_object_object_get_ex(status, "host", &host) ||
	    !json_object_is_type(host, json_type_object))
		return serr(&c, "no 'host' object");
	if (!json_object_object_get_ex(status, "domains", &doms) ||
	    !json_object_is_type(doms, json_type_array))
		return serr(&c, "no 'domains' array");
	if (figure(&c, host, "host", "total_kb", true, &have, &total) < 0 ||
	    figure(&c, host, "host", "free_kb", true, &have, &free_kb) < 0 ||
	    figure(&c, host, "host", "outstanding_kb", false, &have, &outstanding) < 0 ||
	    figure(&c, host, "host", "reserve_kb", false, &have, &reserve) < 0 ||
	    figure(&c, host, "host", "reservation_kb", false, &have, &reservation) < 0)
		return -1;
	if (snap_host_index(s, name) >= 0)
		return serr(&c, "host listed twice");

	struct place_host *h = snap_add_host(s);

	if (!h || !(h->name = snap_str(s, name)) ||
	    !(h->xen_version = snap_str(s, xen_version)) ||
	    !(h->cpu_features = snap_str(s, cpu_features)))
		return serr(&c, "too many hosts, or out of memory");
	int32_t hidx = (int32_t)(s->nh - 1);

	h->on = true;
	h->scarce_cycles = scarce_cycles;
	size_t n = json_object_array_length(doms);

	for (size_t i = 0; i < n; i++)
		if (add_domain(s, &c, hidx, json_object_array_get_idx(doms, i), i,
			       &held) < 0)
			return -1;
	/* What the domains hold plus what is free is what they may hold in
	 * all; Xen's own memory is the rest of total_kb. */
	if (held + free_kb > total)
		return serr(&c, "figures do not add up: domains hold %llu KiB and %llu KiB are free, above total_kb %llu",
			    (unsigned long long)held, (unsigned long long)free_kb,
			    (unsigned long long)total);
	if (outstanding > held + free_kb)
		return serr(&c, "figures do not add up: outstanding_kb %llu above the domains' %llu KiB + free",
			    (unsigned long long)outstanding, (unsigned long long)held);
	h->mem_kb = held + free_kb - outstanding;
	h->reserve_kb = reserve + reservation;
	if (h->reserve_kb > h->mem_kb)
		return serr(&c, "figures do not add up: reserve %llu KiB above the %llu KiB domains may hold",
			    (unsigned long long)h->reserve_kb, (unsigned long long)h->mem_kb);
	return 0;
}
