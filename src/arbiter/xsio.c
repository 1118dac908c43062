/* SPDX-License-Identifier: GPL-2.0-only */
#include "arbiter/xsio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "arbiter/state.h"
#include "common/log.h"
#include "common/parse.h"
#include "common/report_value.h"
#include "common/xs.h"
#include "policy/policy.h"

#define BACKOFF_START_MS 100
#define BACKOFF_MAX_MS 10000

void xsio_backoff_init(struct xsio_backoff *b)
{
	b->retry_ms = 0;
	b->delay_ms = BACKOFF_START_MS;
}

void xsio_backoff_failed(struct xsio_backoff *b, uint64_t now)
{
	b->retry_ms = now + b->delay_ms;
	b->delay_ms = b->delay_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : b->delay_ms * 2;
}

struct xs_handle *xsio_connect(struct xsio_backoff *b, uint64_t now)
{
	struct xs_handle *h = xs_open(0);

	if (!h || !xs_watch(h, "@introduceDomain", "i") ||
	    !xs_watch(h, "@releaseDomain", "r")) {
		int err = errno;

		if (h)
			xs_close(h);
		xsio_backoff_failed(b, now);
		errno = err;
		return NULL;
	}
	b->delay_ms = BACKOFF_START_MS;
	return h;
}

enum xsio_event xsio_next_event(struct xs_handle *h, uint32_t *domid, int *err)
{
	for (;;) {
		char **vec = xs_check_watch(h);
		enum xsio_event ev = XSE_NONE;
		uint64_t id;

		*err = 0;
		if (!vec) {
			if (errno != EAGAIN)
				*err = errno;
			return XSE_NONE;
		}
		const char *tok = vec[XS_WATCH_TOKEN];

		if (!strcmp(tok, "i"))
			ev = XSE_INTRODUCE;
		else if (!strcmp(tok, "r"))
			ev = XSE_RELEASE;
		else if (tok[0] == 'n' &&
			 parse_u64(tok + 1, 0, MEMBAL_DOMID_LIMIT - 1, &id) == PARSE_OK) {
			*domid = (uint32_t)id;
			ev = XSE_NAME;
		} else if (tok[0] == 'm' &&
			 parse_u64(tok + 1, 0, MEMBAL_DOMID_LIMIT - 1, &id) == PARSE_OK) {
			const char *path = vec[XS_WATCH_PATH];
			const char *leaf = strrchr(path, '/');

			*domid = (uint32_t)id;
			leaf = leaf ? leaf + 1 : path;
			if (!strcmp(leaf, REPORT_VALUE_KEY))
				ev = XSE_VALUE;
			else if (!strcmp(leaf, "memory"))
				ev = XSE_WATCHED;
			else if (!strcmp(leaf, "stamp"))
				ev = XSE_STAMP;
			else if (!strcmp(leaf, "target"))
				ev = XSE_TARGET;
			else if (!strcmp(leaf, "static-max"))
				ev = XSE_MAX;
			else if (!strcmp(leaf, "uncooperative") ||
				 !strcmp(leaf, "membal_state") ||
				 !strcmp(leaf, membal_key_name(MK_VERSION)) ||
				 !strcmp(leaf, "videoram"))
				ev = XSE_NONE;  /* ours, or not a figure */
			else
				ev = XSE_REPORT;
		}
		free(vec);
		if (ev != XSE_NONE)
			return ev;
		/* A token we did not set: ignore it and look at the next. */
	}
}

static char *read_str(struct xs_handle *h, xs_transaction_t t, uint32_t domid,
		      const char *rel, unsigned *len)
{
	char path[MXS_PATH_MAX];

	if (mxs_domain_path(path, sizeof(path), domid, rel) < 0)
		return NULL;
	return xs_read(h, t, path, len);
}

/* One decimal node of a domain, strictly; errno EINVAL when garbage. */
static bool read_u64(struct xs_handle *h, uint32_t domid, const char *rel,
		     uint64_t max, uint64_t *out)
{
	unsigned len = 0;
	char *s = read_str(h, XBT_NULL, domid, rel, &len);
	enum parse_err e;

	if (!s)
		return false;
	e = parse_u64n(s, len, PARSE_U64_MAXLEN, 0, max, out);
	free(s);
	if (e != PARSE_OK)
		errno = EINVAL;
	return e == PARSE_OK;
}

static bool read_kb(struct xs_handle *h, uint32_t domid, const char *rel,
		    uint64_t *kb)
{
	return read_u64(h, domid, rel, POLICY_KB_MAX, kb);
}

int xsio_read_name(struct xs_handle *h, uint32_t domid, char *buf, size_t size)
{
	unsigned len = 0;
	char *name = read_str(h, XBT_NULL, domid, "name", &len);

	/* The name is written by the toolstack, but a guest cannot change
	 * it only if libxl's permissions hold; keep it printable and
	 * bounded anyway, since it ends up in logs and JSON. */
	if (!name)
		return -1;
	size_t n = len < size - 1 ? len : size - 1;

	for (size_t i = 0; i < n; i++)
		buf[i] = (name[i] >= 0x21 && name[i] < 0x7f &&
			  name[i] != '"' && name[i] != '\\') ? name[i] : '_';
	buf[n] = '\0';
	free(name);
	return 0;
}

int xsio_read_layout(struct xs_handle *h, uint32_t domid, struct xsio_layout *l)
{
	if (xsio_read_name(h, domid, l->name, l->name_size) < 0)
		snprintf(l->name, l->name_size, "domain-%u", domid);
	if (!read_kb(h, domid, "memory/static-max", &l->static_max_kb))
		l->static_max_kb = 0;   /* unknown: bounded by maxmem below */
	/* XEN_DOMINF_hvm_guest covers HVM and PVH, and so does
	 * libxl_domain_info's domain_type (seen on real Xen: a PVH guest
	 * listed as hvm). libxl keeps the type it built in /libxl/<id>/type;
	 * absent or unknown, stay with HVM, as libxl itself does. */
	if (l->type == HV_TYPE_HVM || l->type == HV_TYPE_PVH) {
		char path[40];
		unsigned tlen = 0;
		char *t;

		snprintf(path, sizeof(path), "/libxl/%u/type", domid);
		t = xs_read(h, XBT_NULL, path, &tlen);
		if (t && tlen == 3 && !memcmp(t, "pvh", 3))
			l->type = HV_TYPE_PVH;
		else if (t && tlen == 3 && !memcmp(t, "hvm", 3))
			l->type = HV_TYPE_HVM;
		free(t);
	}
	if (l->no_videoram || !read_kb(h, domid, "memory/videoram", &l->videoram_kb))
		l->videoram_kb = 0;
	return 0;
}

/* The toolstack writes memory/target when it builds a domain and removes
 * the home when it destroys it; its presence is our test that the domain
 * is still there. errno ESRCH when not. */
static bool home_exists(struct xs_handle *h, xs_transaction_t t, uint32_t domid)
{
	char path[MXS_PATH_MAX];
	unsigned len;
	char *v;

	if (mxs_domain_path(path, sizeof(path), domid, "memory/target") < 0)
		return false;
	v = xs_read(h, t, path, &len);
	if (!v) {
		if (errno == ENOENT)
			errno = ESRCH;
		return false;
	}
	free(v);
	return true;
}

int xsio_watch_dom(struct xs_handle *h, uint32_t domid)
{
	char path[MXS_PATH_MAX], tok[16];

	mxs_domain_path(path, sizeof(path), domid, "memory");
	snprintf(tok, sizeof(tok), "m%u", domid);
	if (!xs_watch(h, path, tok))
		return -1;
	/* xl renames NAME--incoming to NAME at the end of a migration */
	mxs_domain_path(path, sizeof(path), domid, "name");
	snprintf(tok, sizeof(tok), "n%u", domid);
	return xs_watch(h, path, tok) ? 0 : -1;
}

void xsio_unwatch_dom(struct xs_handle *h, uint32_t domid)
{
	char path[MXS_PATH_MAX], tok[16];

	mxs_domain_path(path, sizeof(path), domid, "memory");
	snprintf(tok, sizeof(tok), "m%u", domid);
	xs_unwatch(h, path, tok);
	mxs_domain_path(path, sizeof(path), domid, "name");
	snprintf(tok, sizeof(tok), "n%u", domid);
	xs_unwatch(h, path, tok);
}

struct report_ctx {
	uint32_t domid;
	char *raw[MK_COUNT];
	unsigned len[MK_COUNT];
};

static void report_ctx_clear(struct report_ctx *c)
{
	for (int k = 0; k < MK_COUNT; k++) {
		free(c->raw[k]);
		c->raw[k] = NULL;
		c->len[k] = 0;
	}
}

static int report_body(struct xs_handle *h, xs_transaction_t t, void *arg)
{
	struct report_ctx *c = arg;
	char rel[64];

	report_ctx_clear(c); /* a retried transaction starts over */
	for (int k = 0; k < MK_COUNT; k++) {
		snprintf(rel, sizeof(rel), "memory/%s", membal_key_name(k));
		c->raw[k] = read_str(h, t, c->domid, rel, &c->len[k]);
		if (!c->raw[k] && errno != ENOENT && errno != EACCES)
			return -1;
	}
	return 0;
}

int xsio_read_report(struct xs_handle *h, uint32_t domid, unsigned tries,
		     const struct guest_bounds *b, struct guest_figures *fig,
		     struct guest_rejects *rej, char *last_reject,
		     size_t last_reject_size)
{
	struct report_ctx c = { .domid = domid };
	struct guest_figures g;
	char why[64];
	bool ok;

	if (mxs_transact(h, tries, report_body, &c, NULL) < 0) {
		int err = errno;

		report_ctx_clear(&c);
		errno = err;
		return -1;
	}
	/* Nothing published yet (the hand-over leaves empty keys): not a
	 * reject, just no agent so far. */
	if (!c.raw[MK_STAMP] || c.len[MK_STAMP] == 0) {
		report_ctx_clear(&c);
		return 0;
	}
	ok = guest_parse((const char *const *)c.raw, c.len, b, &g, rej,
			 why, sizeof(why));
	report_ctx_clear(&c);
	if (!ok) {
		snprintf(last_reject, last_reject_size, "%s", why);
		return 0;
	}
	*fig = g;
	return 1;
}

int xsio_read_report_value(struct xs_handle *h, uint32_t domid,
			   const struct guest_bounds *b, struct guest_figures *fig,
			   struct guest_rejects *rej, char *last_reject,
			   size_t last_reject_size, bool *published)
{
	unsigned len = 0;
	char *s = read_str(h, XBT_NULL, domid, "memory/" REPORT_VALUE_KEY, &len);
	struct guest_figures g;
	char why[64];
	bool ok;

	*published = false;
	if (!s)
		return errno == ENOENT || errno == EACCES ? 0 : -1;
	*published = len > 0;
	ok = guest_parse_value(s, len, b, &g, rej, why, sizeof(why));
	free(s);
	if (!ok) {
		if (why[0])
			snprintf(last_reject, last_reject_size, "%s", why);
		return 0;
	}
	*fig = g;
	return 1;
}

int xsio_stamp_published(struct xs_handle *h, uint32_t domid)
{
	unsigned len = 0;
	char *s = read_str(h, XBT_NULL, domid, "memory/stamp", &len);

	if (!s)
		return errno == ENOENT || errno == EACCES ? 0 : -1;
	free(s);
	return len > 0;
}

int xsio_read_stamp(struct xs_handle *h, uint32_t domid, uint64_t *stamp)
{
	return read_u64(h, domid, "memory/stamp", UINT64_MAX, stamp) ? 0 : -1;
}

int xsio_read_target(struct xs_handle *h, uint32_t domid, uint64_t *kb)
{
	return read_kb(h, domid, "memory/target", kb) ? 0 : -1;
}

int xsio_read_static_max(struct xs_handle *h, uint32_t domid, uint64_t *kb)
{
	return read_kb(h, domid, "memory/static-max", kb) ? 0 : -1;
}

struct write_ctx {
	uint32_t domid;
	const char *rel;
	const char *value;
};

static int write_body(struct xs_handle *h, xs_transaction_t t, void *arg)
{
	struct write_ctx *c = arg;
	char path[MXS_PATH_MAX];

	if (!home_exists(h, t, c->domid))
		return -1;
	if (mxs_domain_path(path, sizeof(path), c->domid, c->rel) < 0)
		return -1;
	return xs_write(h, t, path, c->value, (unsigned)strlen(c->value)) ? 0 : -1;
}

/* Writes go in a transaction that first checks the domain is still there:
 * a domain destroyed between listing and writing must not get its home
 * re-created by us. */
static int write_if_alive(struct xs_handle *h, uint32_t domid, const char *rel,
			  const char *value)
{
	struct write_ctx c = { .domid = domid, .rel = rel, .value = value };

	return mxs_transact(h, 4, write_body, &c, NULL);
}

int xsio_write_target(struct xs_handle *h, uint32_t domid, uint64_t kb)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)kb);
	return write_if_alive(h, domid, "memory/target", buf);
}

char *xsio_read_state(struct xs_handle *h, uint32_t domid)
{
	unsigned len = 0;
	char *s = read_str(h, XBT_NULL, domid, "memory/membal_state", &len);

	/* Ours, but xenstore text all the same: bounded and terminated. */
	if (s && (len >= STATE_TEXT_MAX || memchr(s, '\0', len))) {
		free(s);
		errno = EINVAL;
		return NULL;
	}
	return s;
}

int xsio_write_state(struct xs_handle *h, uint32_t domid, const char *text)
{
	return write_if_alive(h, domid, "memory/membal_state", text);
}

int xsio_set_uncooperative(struct xs_handle *h, uint32_t domid, bool on)
{
	char path[MXS_PATH_MAX];

	if (on)
		return write_if_alive(h, domid, "memory/uncooperative", "1");
	if (mxs_domain_path(path, sizeof(path), domid, "memory/uncooperative") < 0)
		return -1;
	if (!xs_rm(h, XBT_NULL, path) && errno != ENOENT)
		return -1;
	return 0;
}

bool xsio_get_uncooperative(struct xs_handle *h, uint32_t domid)
{
	unsigned len = 0;
	char *s = read_str(h, XBT_NULL, domid, "memory/uncooperative", &len);

	free(s);
	return s != NULL;
}
