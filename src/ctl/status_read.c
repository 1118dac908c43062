/* SPDX-License-Identifier: GPL-2.0-only */
#include "ctl/status_read.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

struct rd {
	char *err;
	size_t errlen;
	const char *where;   /* "host", "domains[3]" */
	bool bad;
};

static void bad(struct rd *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bad(struct rd *r, const char *key, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (r->bad)
		return;   /* the first problem is the one to fix */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "%s%s%s: %s", r->where,
		 *r->where && *key ? "." : "", key, msg);
	r->bad = true;
}

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* An integer in [min, max], or ST_NONE when null/absent and optional. */
static int64_t integer(struct rd *r, struct json_object *o, const char *key,
		       int64_t min, int64_t max, bool optional)
{
	struct json_object *v = member(o, key);
	int64_t x;

	if (!v) {
		if (!optional)
			bad(r, key, "missing");
		return ST_NONE;
	}
	if (!json_object_is_type(v, json_type_int)) {
		bad(r, key, "not an integer");
		return ST_NONE;
	}
	x = json_object_get_int64(v);
	/* json-c keeps integers above INT64_MAX as uint64 */
	if (x < min || x > max || (x == INT64_MAX && json_object_get_uint64(v) > INT64_MAX)) {
		bad(r, key, "out of range");
		return ST_NONE;
	}
	return x;
}

static double number(struct rd *r, struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	if (!v)
		return NAN;
	if (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int)) {
		bad(r, key, "not a number");
		return NAN;
	}
	return json_object_get_double(v);
}

/* A string copied into buf; "" when null/absent and optional. Control
 * characters are refused: the text goes to a terminal. */
static void string(struct rd *r, struct json_object *o, const char *key,
		   char *buf, size_t size, bool optional)
{
	struct json_object *v = member(o, key);
	const char *s;

	buf[0] = '\0';
	if (!v) {
		if (!optional)
			bad(r, key, "missing");
		return;
	}
	if (!json_object_is_type(v, json_type_string)) {
		bad(r, key, "not a string");
		return;
	}
	s = json_object_get_string(v);
	if ((size_t)json_object_get_string_len(v) >= size) {
		bad(r, key, "longer than %zu bytes", size - 1);
		return;
	}
	for (const char *c = s; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			bad(r, key, "control character");
			return;
		}
	}
	memcpy(buf, s, strlen(s) + 1);
}

static bool boolean(struct rd *r, struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	if (v && !json_object_is_type(v, json_type_boolean))
		bad(r, key, "not a boolean");
	return v && json_object_get_boolean(v);
}

/* An array of short strings joined with sep into buf. */
static void list(struct rd *r, struct json_object *o, const char *key,
		 char sep, char *buf, size_t size)
{
	struct json_object *v = member(o, key);
	size_t used = 0;

	buf[0] = '\0';
	if (!v)
		return;
	if (!json_object_is_type(v, json_type_array)) {
		bad(r, key, "not an array");
		return;
	}
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		struct json_object *e = json_object_array_get_idx(v, i);
		const char *s = json_object_get_string(e);

		if (!json_object_is_type(e, json_type_string) ||
		    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(s)) {
			bad(r, key, "element %zu is not a name", i);
			return;
		}
		int w = snprintf(buf + used, size - used, "%s%s", used ? (char[2]){ sep, 0 } : "", s);

		if (w < 0 || (size_t)w >= size - used) {
			bad(r, key, "too long");
			return;
		}
		used += (size_t)w;
	}
}

#define KB_MAX (INT64_C(1) << 50)

static void read_report(struct rd *r, struct json_object *o, struct st_dom *d)
{
	d->age_ms = integer(r, o, "age_ms", 0, INT64_MAX, false);
	d->memtotal_kb = integer(r, o, "memtotal_kb", 0, KB_MAX, true);
	d->free_kb = integer(r, o, "free_kb", 0, KB_MAX, false);
	d->avail_kb = integer(r, o, "avail_kb", 0, KB_MAX, true);
	d->committed_as_kb = integer(r, o, "committed_as_kb", 0, KB_MAX, false);
	d->swap_tot_kb = integer(r, o, "swap_tot_kb", 0, KB_MAX, false);
	d->swap_free_kb = integer(r, o, "swap_free_kb", 0, KB_MAX, false);
	d->swap_zram_kb = integer(r, o, "swap_zram_kb", 0, KB_MAX, true);
	d->balloon_current_kb = integer(r, o, "balloon_current_kb", 0, KB_MAX, true);
	d->psi_some = integer(r, o, "psi_some", 0, INT64_MAX, true);
	d->swapin_rate = integer(r, o, "swapin_rate", 0, INT64_MAX, true);
}

static void read_dom(struct rd *r, struct json_object *o, struct st_dom *d)
{
	struct json_object *rep;

	if (!json_object_is_type(o, json_type_object)) {
		bad(r, "", "not an object");
		return;
	}
	d->domid = integer(r, o, "domid", 0, 0x7FEF, false);
	string(r, o, "name", d->name, sizeof(d->name), false);
	string(r, o, "type", d->type, sizeof(d->type), true);
	string(r, o, "state", d->state, sizeof(d->state), false);
	list(r, o, "flags", ',', d->flags, sizeof(d->flags));
	d->min_kb = integer(r, o, "min_kb", 0, KB_MAX, true);
	d->max_kb = integer(r, o, "max_kb", 0, KB_MAX, true);
	d->shares = number(r, o, "shares");
	d->target_kb = integer(r, o, "target_kb", 0, KB_MAX, true);
	d->target_set = boolean(r, o, "target_set");
	d->actual_kb = integer(r, o, "actual_kb", 0, KB_MAX, true);
	d->maxmem_kb = integer(r, o, "maxmem_kb", 0, KB_MAX, true);
	d->demand_kb = integer(r, o, "demand_kb", 0, KB_MAX, true);
	d->floor_kb = integer(r, o, "floor_kb", 0, KB_MAX, true);
	d->maxmem_cap_kb = integer(r, o, "maxmem_cap_kb", 0, KB_MAX, true);
	string(r, o, "mode", d->mode, sizeof(d->mode), true);
	string(r, o, "stage", d->stage, sizeof(d->stage), true);
	list(r, o, "reasons", '+', d->reasons, sizeof(d->reasons));
	d->price = number(r, o, "price");
	rep = member(o, "report");
	d->has_report = rep != NULL;
	if (rep) {
		const char *where = r->where;
		char sub[48];

		snprintf(sub, sizeof(sub), "%s.report", where);
		r->where = sub;
		if (!json_object_is_type(rep, json_type_object))
			bad(r, "", "not an object");
		else
			read_report(r, rep, d);
		r->where = where;
	}
	d->reports_rejected = integer(r, o, "reports_rejected", 0, INT64_MAX, true);
	d->oom_events = integer(r, o, "oom_events", 0, INT64_MAX, true);
	d->pressure_holds = integer(r, o, "pressure_holds", 0, INT64_MAX, true);
	d->target_changes = integer(r, o, "target_changes", 0, INT64_MAX, true);
	d->withdrawals = integer(r, o, "withdrawals", 0, INT64_MAX, true);
}

static void read_top(struct rd *r, struct json_object *o, struct st_status *st)
{
	struct json_object *host, *doms;

	st->version = integer(r, o, "version", 0, INT64_MAX, false);
	if (r->bad)
		return;
	if (st->version != ST_VERSION) {
		bad(r, "version", "%lld, this membalctl reads %d",
		    (long long)st->version, ST_VERSION);
		return;
	}
	string(r, o, "membal", st->membal, sizeof(st->membal), true);
	string(r, o, "backend", st->backend, sizeof(st->backend), true);
	st->dry_run = boolean(r, o, "dry_run");
	st->paused_all = boolean(r, o, "paused_all");
	st->cycle = integer(r, o, "cycle", 0, INT64_MAX, true);
	st->timestamp = number(r, o, "timestamp");
	st->interval_ms = integer(r, o, "interval_ms", 1, INT64_MAX, true);
	string(r, o, "mode", st->mode, sizeof(st->mode), true);
	string(r, o, "stage", st->stage, sizeof(st->stage), true);
	string(r, o, "free_source", st->free_source, sizeof(st->free_source), true);
	host = member(o, "host");
	r->where = "host";
	if (!json_object_is_type(host, json_type_object)) {
		r->where = "";
		bad(r, "host", "missing or not an object");
		return;
	}
	st->total_kb = integer(r, host, "total_kb", 0, KB_MAX, true);
	st->free_kb = integer(r, host, "free_kb", 0, KB_MAX, true);
	st->reserve_kb = integer(r, host, "reserve_kb", 0, KB_MAX, true);
	st->reservation_kb = integer(r, host, "reservation_kb", 0, KB_MAX, true);
	st->reservation_waits_kb = integer(r, host, "reservation_waits_kb", 0, KB_MAX, true);
	st->budget_kb = integer(r, host, "budget_kb", -KB_MAX, KB_MAX, true);
	st->shortfall_kb = integer(r, host, "shortfall_kb", 0, KB_MAX, true);
	r->where = "";
	doms = member(o, "domains");
	if (!json_object_is_type(doms, json_type_array)) {
		bad(r, "domains", "missing or not an array");
		return;
	}
	size_t n = json_object_array_length(doms);

	if (n > ST_MAX_DOMAINS) {
		bad(r, "domains", "more than %d", ST_MAX_DOMAINS);
		return;
	}
	st->dom = calloc(n ? n : 1, sizeof(*st->dom));
	if (!st->dom) {
		bad(r, "domains", "out of memory");
		return;
	}
	for (size_t i = 0; i < n && !r->bad; i++) {
		char where[32];

		snprintf(where, sizeof(where), "domains[%zu]", i);
		r->where = where;
		read_dom(r, json_object_array_get_idx(doms, i), &st->dom[i]);
		st->n = i + 1;
		r->where = "";
	}
}

int st_parse(const char *text, size_t len, struct st_status *st, char *err,
	     size_t errlen)
{
	struct rd r = { .err = err, .errlen = errlen, .where = "" };
	struct json_tokener *tok;
	struct json_object *root;

	memset(st, 0, sizeof(*st));
	if (len > ST_MAX_BYTES || len > INT32_MAX) {
		snprintf(err, errlen, "larger than %u bytes", ST_MAX_BYTES);
		return -1;
	}
	tok = json_tokener_new_ex(ST_MAX_DEPTH);
	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error e = json_tokener_get_error(tok);

	if (!root || e != json_tokener_success) {
		/* json_tokener_continue: the text ended inside a value */
		snprintf(err, errlen, "offset %zu: %s", json_tokener_get_parse_end(tok),
			 e == json_tokener_continue ? "unexpected end of file"
			 : json_tokener_error_desc(e));
		json_object_put(root);
		json_tokener_free(tok);
		return -1;
	}
	size_t end = json_tokener_get_parse_end(tok);

	json_tokener_free(tok);
	while (end < len && strchr(" \t\r\n", text[end]))
		end++;
	if (end != len) {
		snprintf(err, errlen, "offset %zu: text after the document", end);
		json_object_put(root);
		return -1;
	}
	if (!json_object_is_type(root, json_type_object))
		bad(&r, "", "the document is not an object");
	else
		read_top(&r, root, st);
	json_object_put(root);
	return r.bad ? -1 : 0;
}

void st_free(struct st_status *st)
{
	free(st->dom);
	memset(st, 0, sizeof(*st));
}
