/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The snapshot cache `membal-place collect` writes and `plan --cache`
 * reads (docs/placement.md, "Snapshot cache"):
 *
 *   {"format": "membal-place-cache", "version": 1, "collected_at": EPOCH,
 *    "hosts": [{"name": ..., "xen_version": ..., "cpu_features": ...,
 *               "scarce_cycles": N, "status": {the host's status file}}]}
 *
 * Read back with every check of a fresh collection, plus its age.
 */
#include "placetool/placetool.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "placetool/cache.h"

char *read_bounded(FILE *f, size_t max, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL;

	for (;;) {
		if (n == cap) {
			if (cap > max) {
				errno = EFBIG;
				break;
			}
			size_t ncap = cap ? cap * 2 : 65536;
			char *nb = realloc(buf, ncap + 1);

			if (!nb)
				break;
			buf = nb;
			cap = ncap;
		}
		size_t r = fread(buf + n, 1, cap - n, f);

		n += r;
		if (r == 0) {
			if (ferror(f))
				break;
			if (n > max) {
				errno = EFBIG;
				break;
			}
			buf[n] = '\0';
			*len = n;
			return buf;
		}
	}
	free(buf);
	return NULL;
}

struct json_object *parse_json(const char *text, size_t len, char *why,
			       size_t whylen)
{
	struct json_tokener *tok = json_tokener_new_ex(64);
	struct json_object *o;

	if (!tok) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	if (len > INT32_MAX || strlen(text) != len) {
		snprintf(why, whylen, "NUL byte or too large");
		json_tokener_free(tok);
		return NULL;
	}
	o = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error e = json_tokener_get_error(tok);

	if (!o || e != json_tokener_success) {
		snprintf(why, whylen, "not JSON (%s at byte %zu)",
			 json_tokener_error_desc(e == json_tokener_success ?
						 json_tokener_continue : e),
			 json_tokener_get_parse_end(tok));
		json_object_put(o);
		json_tokener_free(tok);
		return NULL;
	}
	/* Only white space may follow the value. */
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++) {
		if (!strchr(" \t\r\n", text[i])) {
			snprintf(why, whylen, "trailing data at byte %zu", i);
			json_object_put(o);
			json_tokener_free(tok);
			return NULL;
		}
	}
	json_tokener_free(tok);
	return o;
}

struct json_object *read_json_file(const char *path, size_t max, char *err,
				   size_t errlen)
{
	FILE *f = fopen(path, "re");
	size_t len = 0;
	char why[160];

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	char *text = read_bounded(f, max, &len);

	fclose(f);
	if (!text) {
		snprintf(err, errlen, "%s: %s", path,
			 errno == EFBIG ? "larger than the limit" : strerror(errno));
		return NULL;
	}
	struct json_object *o = parse_json(text, len, why, sizeof(why));

	free(text);
	if (!o)
		snprintf(err, errlen, "%s: %s", path, why);
	return o;
}

static const char *get_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool get_int(struct json_object *o, const char *key, int64_t *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_int64(v);
	return true;
}

int cache_check_header(struct json_object *cache, const char *path,
		       char *err, size_t errlen)
{
	const char *fmt = get_string(cache, "format");
	int64_t version;

	if (!json_object_is_type(cache, json_type_object) || !fmt ||
	    strcmp(fmt, CACHE_FORMAT) != 0) {
		snprintf(err, errlen, "%s: not a membal-place cache (no \"format\": \"%s\")",
			 path, CACHE_FORMAT);
		return -1;
	}
	if (!get_int(cache, "version", &version) || version != CACHE_VERSION) {
		snprintf(err, errlen, "%s: cache version %s, this membal-place reads %d",
			 path, get_int(cache, "version", &version) ? "other" : "missing",
			 CACHE_VERSION);
		return -1;
	}
	return 0;
}

int snap_read_cache(struct snap *s, const char *path, int64_t now,
		    int64_t max_age_s, char *err, size_t errlen)
{
	struct json_object *cache = read_json_file(path, SNAP_MAX_CACHE, err, errlen);
	struct json_object *hosts;
	int64_t at, sc;
	int rc = -1;

	if (!cache)
		return -1;
	if (cache_check_header(cache, path, err, errlen) < 0)
		goto out;
	if (!get_int(cache, "collected_at", &at)) {
		snprintf(err, errlen, "%s: no collected_at", path);
		goto out;
	}
	if (now - at > max_age_s) {
		snprintf(err, errlen, "%s: collected %lld s ago, older than --max-age %lld s (run membal-place collect again)",
			 path, (long long)(now - at), (long long)max_age_s);
		goto out;
	}
	if (at - now > CACHE_FUTURE_S) {
		snprintf(err, errlen, "%s: collected %lld s in the future (clock?)",
			 path, (long long)(at - now));
		goto out;
	}
	if (!json_object_object_get_ex(cache, "hosts", &hosts) ||
	    !json_object_is_type(hosts, json_type_array) ||
	    json_object_array_length(hosts) == 0) {
		snprintf(err, errlen, "%s: no hosts", path);
		goto out;
	}
	for (size_t i = 0; i < json_object_array_length(hosts); i++) {
		struct json_object *h = json_object_array_get_idx(hosts, i), *st;
		const char *name = get_string(h, "name");
		const char *xen = get_string(h, "xen_version");
		const char *cpu = get_string(h, "cpu_features");
		char sub[400];

		if (!name || !snap_name_ok(name)) {
			snprintf(err, errlen, "%s: host %zu: missing or unusable name", path, i);
			goto out;
		}
		if ((xen && *xen && !snap_token_ok(xen, SNAP_MAX_TOKEN)) ||
		    (cpu && *cpu && !snap_token_ok(cpu, SNAP_MAX_TOKEN))) {
			snprintf(err, errlen, "%s: host %s: unusable xen_version or cpu_features",
				 path, name);
			goto out;
		}
		if (!get_int(h, "scarce_cycles", &sc) || sc < 0 || sc > UINT32_MAX - 1) {
			snprintf(err, errlen, "%s: host %s: bad scarce_cycles", path, name);
			goto out;
		}
		if (!json_object_object_get_ex(h, "status", &st)) {
			snprintf(err, errlen, "%s: host %s: no status", path, name);
			goto out;
		}
		if (snap_add_status(s, name, st, xen ? xen : "", cpu ? cpu : "",
				    (uint32_t)sc, sub, sizeof(sub)) < 0) {
			snprintf(err, errlen, "%s: %s", path, sub);
			goto out;
		}
	}
	rc = 0;
out:
	json_object_put(cache);
	return rc;
}
