/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CSV snapshots: hosts.csv and domains.csv (docs/placement.md, "CSV
 * snapshot"). A header names the columns (any order; unknown ones are an
 * error, so a typo is not silently a default), `#` comments and blank
 * lines are skipped, every value is parsed strictly and bounded, and the
 * first error stops the read with file:line and the column.
 */
#include "placetool/placetool.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"
#include "policy/policy.h"

#define MAX_COLS 32

struct csv {
	FILE *f;
	const char *path;
	unsigned line;
	char buf[SNAP_MAX_LINE + 2];
	char *field[MAX_COLS];
	size_t nfields;
	size_t width;               /* fields in the header */
	const char *const *names;   /* the columns this file may have */
	size_t ncols;
	int pos[MAX_COLS];          /* field index of each column, -1 */
	char *err;
	size_t errlen;
};

static int cerr(struct csv *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int cerr(struct csv *c, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s:%u: %s", c->path, c->line, msg);
	return -1;
}

static char *trim(char *s)
{
	char *e = s + strlen(s);

	while (*s == ' ' || *s == '\t')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Next data line split into fields: 1, 0 at the end, -1 on error. */
static int next_line(struct csv *c)
{
	for (;;) {
		if (!fgets(c->buf, sizeof(c->buf), c->f)) {
			if (ferror(c->f))
				return cerr(c, "read error: %s", strerror(errno));
			return 0;
		}
		c->line++;
		size_t len = strlen(c->buf);

		if (len > SNAP_MAX_LINE)
			return cerr(c, "line longer than %d bytes", SNAP_MAX_LINE);
		if (len && c->buf[len - 1] == '\n')
			c->buf[len - 1] = '\0';
		char *s = trim(c->buf);

		if (*s == '\0' || *s == '#')
			continue;
		c->nfields = 0;
		for (;;) {
			char *comma = strchr(s, ',');

			if (c->nfields == MAX_COLS)
				return cerr(c, "more than %d fields", MAX_COLS);
			if (comma)
				*comma = '\0';
			c->field[c->nfields++] = trim(s);
			if (!comma)
				break;
			s = comma + 1;
		}
		if (c->width && c->nfields != c->width)
			return cerr(c, "%zu fields, the header has %zu", c->nfields,
				    c->width);
		return 1;
	}
}

static int read_header(struct csv *c, size_t nrequired)
{
	int rc = next_line(c);

	if (rc <= 0)
		return rc < 0 ? -1 : cerr(c, "empty file: no header");
	for (size_t k = 0; k < c->ncols; k++)
		c->pos[k] = -1;
	for (size_t i = 0; i < c->nfields; i++) {
		size_t k;

		for (k = 0; k < c->ncols; k++)
			if (strcmp(c->field[i], c->names[k]) == 0)
				break;
		if (k == c->ncols)
			return cerr(c, "unknown column '%.40s'", c->field[i]);
		if (c->pos[k] >= 0)
			return cerr(c, "column '%s' appears twice", c->names[k]);
		c->pos[k] = (int)i;
	}
	for (size_t k = 0; k < nrequired; k++)
		if (c->pos[k] < 0)
			return cerr(c, "missing column '%s'", c->names[k]);
	c->width = c->nfields;
	return 0;
}

/* The value of column k in this row, NULL when absent or empty. */
static const char *val(struct csv *c, size_t k)
{
	if (c->pos[k] < 0 || (size_t)c->pos[k] >= c->nfields)
		return NULL;
	return *c->field[c->pos[k]] ? c->field[c->pos[k]] : NULL;
}

static int bad(struct csv *c, size_t k, const char *v, const char *why)
{
	return cerr(c, "column '%s': '%.40s': %s", c->names[k], v, why);
}

/* An unsigned integer in [0, max]; *have says whether it was there. */
static int get_u64(struct csv *c, size_t k, uint64_t max, bool required,
		   bool *have, uint64_t *out)
{
	const char *v = val(c, k);
	enum parse_err e;

	*have = v != NULL;
	if (!v)
		return required ? cerr(c, "column '%s': empty value", c->names[k]) : 0;
	if (v[0] == '-')
		return bad(c, k, v, "negative value");
	e = parse_u64(v, 0, max, out);
	if (e == PARSE_RANGE) {
		char why[48];

		snprintf(why, sizeof(why), "above %llu", (unsigned long long)max);
		return bad(c, k, v, why);
	}
	return e == PARSE_OK ? 0 : bad(c, k, v, parse_strerror(e));
}

static int get_bool(struct csv *c, size_t k, bool *out)
{
	const char *v = val(c, k);

	if (!v)
		return 0;
	if (parse_bool(v, out) != PARSE_OK)
		return bad(c, k, v, "not yes/no, true/false, on/off, 1/0");
	return 0;
}

static int get_token(struct csv *c, size_t k, bool required, size_t max,
		     const char **out)
{
	const char *v = val(c, k);
	char why[96];

	*out = v;
	if (!v)
		return required ? cerr(c, "column '%s': empty value", c->names[k]) : 0;
	if (!snap_token_ok(v, max)) {
		snprintf(why, sizeof(why),
			 "not a name (1-%zu printable characters, no space, comma or quote)", max);
		return bad(c, k, v, why);
	}
	return 0;
}

static int get_name(struct csv *c, size_t k, bool required, const char **out)
{
	return get_token(c, k, required, SNAP_MAX_NAME, out);
}

static int open_csv(struct csv *c, const char *path, const char *const *names,
		    size_t ncols, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->path = path;
	c->names = names;
	c->ncols = ncols;
	c->err = err;
	c->errlen = errlen;
	c->f = fopen(path, "re");
	if (!c->f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

enum { H_NAME, H_MEM, H_RESERVE, H_ON, H_DRAIN, H_XEN, H_CPU, H_SCARCE, H_COUNT };
static const char *const host_cols[H_COUNT] = {
	"name", "mem_kb", "reserve_kb", "on", "drain", "xen_version",
	"cpu_features", "scarce_cycles",
};
#define H_REQUIRED 2

static int read_hosts(struct snap *s, struct csv *c)
{
	int rc;

	if (read_header(c, H_REQUIRED) < 0)
		return -1;
	while ((rc = next_line(c)) > 0) {
		const char *name, *xen, *cpu;
		uint64_t v = 0;
		bool have;
		struct place_host *h;

		if (get_name(c, H_NAME, true, &name) < 0)
			return -1;
		if (snap_host_index(s, name) >= 0)
			return bad(c, H_NAME, name, "host listed twice");
		if (!(h = snap_add_host(s)))
			return cerr(c, "more than %u hosts (or out of memory)", PLACE_MAX_HOSTS);
		h->on = true;
		if (!(h->name = snap_str(s, name)))
			return cerr(c, "out of memory");
		if (get_u64(c, H_MEM, POLICY_KB_MAX, true, &have, &h->mem_kb) < 0 ||
		    get_u64(c, H_RESERVE, POLICY_KB_MAX, false, &have, &h->reserve_kb) < 0 ||
		    get_bool(c, H_ON, &h->on) < 0 || get_bool(c, H_DRAIN, &h->drain) < 0)
			return -1;
		if (h->reserve_kb > h->mem_kb)
			return cerr(c, "column 'reserve_kb': %llu above mem_kb %llu",
				    (unsigned long long)h->reserve_kb,
				    (unsigned long long)h->mem_kb);
		if (get_token(c, H_XEN, false, SNAP_MAX_TOKEN, &xen) < 0 ||
		    get_token(c, H_CPU, false, SNAP_MAX_TOKEN, &cpu) < 0)
			return -1;
		if ((xen && !(h->xen_version = snap_str(s, xen))) ||
		    (cpu && !(h->cpu_features = snap_str(s, cpu))))
			return cerr(c, "out of memory");
		if (get_u64(c, H_SCARCE, UINT32_MAX - 1, false, &have, &v) < 0)
			return -1;
		h->scarce_cycles = (uint32_t)v;
	}
	if (rc == 0 && s->nh == 0)
		return cerr(c, "no host");
	return rc;
}

enum {
	D_NAME, D_MIN, D_MAX, D_HOST, D_SIZE, D_DEMAND, D_ACTIVE, D_SHARES,
	D_MIGRATABLE, D_PIN, D_HELD, D_PAUSED, D_DOMID, D_AGE, D_COUNT,
};
static const char *const dom_cols[D_COUNT] = {
	"name", "min_kb", "max_kb", "host", "size_kb", "demand_kb", "active_kb",
	"shares", "migratable", "pin_host", "held", "paused", "domid",
	"last_move_age_s",
};
#define D_REQUIRED 3

static int read_dom_row(struct snap *s, struct csv *c)
{
	const char *name, *host, *pin, *sh;
	uint64_t domid = 0, age = 0;
	bool have_domid, have_size, have_demand, have_active, have_age, have;
	struct place_dom *d;

	if (get_name(c, D_NAME, true, &name) < 0)
		return -1;
	if (snap_dom_index(s, name) >= 0)
		return bad(c, D_NAME, name, "guest listed twice");
	if (!(d = snap_add_dom(s)))
		return cerr(c, "more than %u guests (or out of memory)", PLACE_MAX_DOMS);
	if (!(d->name = snap_str(s, name)))
		return cerr(c, "out of memory");
	if (get_u64(c, D_MIN, POLICY_KB_MAX, true, &have, &d->min_kb) < 0 ||
	    get_u64(c, D_MAX, POLICY_KB_MAX, true, &have, &d->max_kb) < 0 ||
	    get_u64(c, D_SIZE, POLICY_KB_MAX, false, &have_size, &d->size_kb) < 0 ||
	    get_u64(c, D_DEMAND, POLICY_KB_MAX, false, &have_demand, &d->demand_kb) < 0 ||
	    get_u64(c, D_ACTIVE, POLICY_KB_MAX, false, &have_active, &d->active_kb) < 0 ||
	    get_u64(c, D_DOMID, UINT32_MAX, false, &have_domid, &domid) < 0 ||
	    get_u64(c, D_AGE, UINT32_MAX - 1, false, &have_age, &age) < 0)
		return -1;
	if (d->min_kb > d->max_kb)
		return cerr(c, "column 'min_kb': %llu above max_kb %llu",
			    (unsigned long long)d->min_kb, (unsigned long long)d->max_kb);
	if (have_demand && (d->demand_kb < d->min_kb || d->demand_kb > d->max_kb))
		return bad(c, D_DEMAND, val(c, D_DEMAND), "outside [min_kb, max_kb]");
	if (have_age)
		d->last_move_age_s = (uint32_t)age;
	d->kind = snap_kind(name, have_domid, domid);
	if ((sh = val(c, D_SHARES))) {
		enum parse_err e = parse_double(sh, POLICY_SHARES_MIN, POLICY_SHARES_MAX,
						&d->shares);

		if (e == PARSE_RANGE)
			return bad(c, D_SHARES, sh, "outside [1e-06, 1e+06]");
		if (e != PARSE_OK)
			return bad(c, D_SHARES, sh, parse_strerror(e));
	}
	if (get_bool(c, D_MIGRATABLE, &d->migratable) < 0 ||
	    get_bool(c, D_HELD, &d->held) < 0 || get_bool(c, D_PAUSED, &d->paused) < 0)
		return -1;
	if (get_name(c, D_HOST, false, &host) < 0 || get_name(c, D_PIN, false, &pin) < 0)
		return -1;
	if (host && (d->host = snap_host_index(s, host)) < 0)
		return bad(c, D_HOST, host, "no such host in the hosts file");
	if (host && !s->hosts[d->host].on)
		return bad(c, D_HOST, host, "that host is off: nothing runs there");
	if (pin && (d->pin_host = snap_host_index(s, pin)) < 0)
		return bad(c, D_PIN, pin, "no such host in the hosts file");
	if (d->host >= 0 && !have_size)
		return cerr(c, "column 'size_kb': empty value (the guest runs on %s)", host);
	if (d->host < 0 && d->kind != PLACE_DOMU)
		return cerr(c, "column 'host': dom0 or a stub domain must have a host");
	if (d->host < 0 && have_size && d->size_kb)
		return bad(c, D_SIZE, val(c, D_SIZE), "a guest without a host holds nothing");
	/* Defaults: a running guest asks for what it holds (within its
	 * bounds), a new one for its maximum; active memory = demand. */
	if (!have_demand)
		d->demand_kb = d->host >= 0 ? d->size_kb : d->max_kb;
	if (!have_active)
		d->active_kb = d->demand_kb;
	return 0;
}

static int read_doms(struct snap *s, struct csv *c)
{
	int rc;

	if (read_header(c, D_REQUIRED) < 0)
		return -1;
	while ((rc = next_line(c)) > 0)
		if (read_dom_row(s, c) < 0)
			return -1;
	return rc;
}

int snap_read_csv(struct snap *s, const char *hosts_path,
		  const char *doms_path, char *err, size_t errlen)
{
	struct csv c;
	int rc;

	if (open_csv(&c, hosts_path, host_cols, H_COUNT, err, errlen) < 0)
		return -1;
	rc = read_hosts(s, &c);
	fclose(c.f);
	if (rc < 0)
		return -1;
	if (open_csv(&c, doms_path, dom_cols, D_COUNT, err, errlen) < 0)
		return -1;
	rc = read_doms(s, &c);
	fclose(c.f);
	return rc < 0 ? -1 : 0;
}
