/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The snapshot reader and the decision writer of `membalctl plan`
 * (formats in plan.h): untrusted CSV in, one policy_dom per row.
 */
#include "ctl/plan.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "policy/policy_config.h"
#include "common/parse.h"
#include "policy/snapshot.h"

enum column {
	/* required */
	COL_DOMID, COL_NAME, COL_ACTUAL, COL_FREE, COL_COMMITTED,
	COL_SWAP_TOT, COL_SWAP_FREE, COL_MIN, COL_MAX, COL_SHARES,
	/* optional */
	COL_AVAIL, COL_MEMTOTAL, COL_BALLOON_CURRENT, COL_CURRENT_TARGET,
	COL_PSI, COL_SWAPIN, COL_WS, COL_GAP,
	COL_COUNT,
};
#define COL_REQUIRED COL_AVAIL  /* columns before this one are required */

static const char *const column_names[COL_COUNT] = {
	"domid", "name", "actual_kb", "free_kb", "committed_as_kb",
	"swap_tot_kb", "swap_free_kb", "min_kb", "max_kb", "shares",
	"avail_kb", "memtotal_kb", "balloon_current_kb", "current_target_kb",
	"psi_some", "swapin_rate", "ws_kb", "gap_kb",
};

/* What --help says of each column: unit, then meaning. */
static const char *const column_help[COL_COUNT][2] = {
	{ "id", "Xen domain id, 0 (dom0) to 32751, unique" },
	{ "text", "domain name, up to 256 bytes, no comma or quote" },
	{ "KiB", "N_i: memory the domain holds now (tot_pages)" },
	{ "KiB", "guest MemFree" },
	{ "KiB", "guest Committed_AS" },
	{ "KiB", "guest SwapTotal" },
	{ "KiB", "guest SwapFree (<= swap_tot_kb)" },
	{ "KiB", "L_i: the domain's minimum" },
	{ "KiB", "H_i: the domain's maximum (>= min_kb)" },
	{ "weight", "w_i, 1e-06 to 1e+06" },
	{ "KiB", "guest MemAvailable (free_source = avail)" },
	{ "KiB", "guest MemTotal (gives O_i with balloon_current_kb)" },
	{ "KiB", "the balloon driver's current size" },
	{ "KiB", "B_i: memory/target now (default actual_kb)" },
	{ "1/100 %", "PSI memory some avg10, hundredths of a percent" },
	{ "pages/s", "pages swapped in per second" },
	{ "KiB", "WS_i: working-set estimate, guest units (need = estimate)" },
	{ "KiB", "g_i: gap above WS_i (default headroom; needs ws_kb)" },
};

void plan_print_columns(FILE *out)
{
	fputs("Input columns (header line first, any order, unknown ones ignored):\n",
	      out);
	for (int c = 0; c < COL_COUNT; c++)
		fprintf(out, "  %-19s %-8s %s%s\n", column_names[c],
			column_help[c][0], c < COL_REQUIRED ? "required: " : "",
			column_help[c][1]);
}

/* More columns than this in a header is not a snapshot. */
#define PLAN_MAX_COLUMNS 256

struct reader {
	const char *src;
	unsigned line;
	char *err;
	size_t errlen;
	int pos[COL_COUNT];          /* field index of each column, or -1 */
	size_t nfields;              /* fields per row (the header's) */
	bool any_domid;              /* plan_opts: any 32-bit domid */
	char *field[PLAN_MAX_COLUMNS];
	size_t flen[PLAN_MAX_COLUMNS];   /* strlen of each field */
};

static int rerr(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int rerr(struct reader *r, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "%s:%u: %s", r->src, r->line, msg);
	return -1;
}

static int col_err(struct reader *r, enum column c, const char *value,
		   const char *why)
{
	return rerr(r, "column '%s': '%.40s': %s", column_names[c], value, why);
}

/* Split line (len bytes, NUL-terminated) in place at commas, trimming
 * each field; returns the number of fields or -1 when there are more
 * than PLAN_MAX_COLUMNS. */
static int split(char *line, size_t len, char **field, size_t *flen)
{
	char *end = line + len;
	int n = 0;

	for (;;) {
		char *comma = memchr(line, ',', (size_t)(end - line));
		char *e = comma ? comma : end;

		if (n == PLAN_MAX_COLUMNS)
			return -1;
		while (line < e && (*line == ' ' || *line == '\t'))
			line++;
		while (e > line && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		*e = '\0';
		field[n] = line;
		flen[n++] = (size_t)(e - line);
		if (!comma)
			return n;
		line = comma + 1;
	}
}

static int read_header(struct reader *r, char *line, size_t len)
{
	int n = split(line, len, r->field, r->flen);
	char missing[384] = "";
	int nmissing = 0;

	if (n < 0)
		return rerr(r, "more than %d columns", PLAN_MAX_COLUMNS);
	for (int c = 0; c < COL_COUNT; c++)
		r->pos[c] = -1;
	for (int i = 0; i < n; i++) {
		for (int c = 0; c < COL_COUNT; c++) {
			if (strcmp(r->field[i], column_names[c]) != 0)
				continue;
			if (r->pos[c] >= 0)
				return rerr(r, "column '%s' appears twice",
					    column_names[c]);
			r->pos[c] = i;
		}
	}
	/* All of them at once: a hand-written header is fixed in one go. */
	for (int c = 0; c < COL_REQUIRED; c++) {
		if (r->pos[c] >= 0)
			continue;
		size_t used = strlen(missing);

		snprintf(missing + used, sizeof(missing) - used, "%s'%s'",
			 nmissing ? ", " : "", column_names[c]);
		nmissing++;
	}
	if (nmissing)
		return rerr(r, "missing column%s %s (see membalctl plan --help)",
			    nmissing > 1 ? "s" : "", missing);
	r->nfields = (size_t)n;
	return 0;
}

/* The field of column c, or NULL when an optional column is absent or
 * empty in this row. */
static const char *field_of(struct reader *r, enum column c)
{
	if (r->pos[c] < 0)
		return NULL;
	const char *s = r->field[r->pos[c]];

	return *s ? s : NULL;
}

static size_t len_of(struct reader *r, enum column c)
{
	return r->flen[r->pos[c]];
}

static int get_u64(struct reader *r, enum column c, uint64_t max,
		   bool *present, uint64_t *out)
{
	const char *s = field_of(r, c);
	enum parse_err e;

	if (present)
		*present = s != NULL;
	if (!s) {
		if (present)
			return 0;
		return rerr(r, "column '%s': empty value", column_names[c]);
	}
	size_t len = len_of(r, c);

	/* The common case: up to 19 digits (no overflow) within max. */
	if (len <= 19) {
		uint64_t v = 0;
		size_t i;

		for (i = 0; i < len; i++) {
			unsigned d = (unsigned char)s[i] - '0';

			if (d > 9)
				break;
			v = v * 10 + d;
		}
		if (i == len && v <= max) {
			*out = v;
			return 0;
		}
	}
	if (s[0] == '-')
		return col_err(r, c, s, "negative value");
	/* parse_u64() as it is, without measuring the field again */

	e = parse_u64n(s, len > 65 ? 65 : len, 64, 0, max, out);
	if (e == PARSE_RANGE) {
		char why[64];

		snprintf(why, sizeof(why), "above %llu", (unsigned long long)max);
		return col_err(r, c, s, why);
	}
	if (e != PARSE_OK)
		return col_err(r, c, s, parse_strerror(e));
	return 0;
}

static int get_kb(struct reader *r, enum column c, uint64_t *out)
{
	return get_u64(r, c, POLICY_KB_MAX, NULL, out);
}

static int get_opt_kb(struct reader *r, enum column c, bool *present,
		      uint64_t *out)
{
	*out = 0;
	return get_u64(r, c, POLICY_KB_MAX, present, out);
}

static int plan_grow(struct plan *pl)
{
	size_t cap = pl->cap ? pl->cap * 2 : 4096;
	struct policy_dom *dom = plan_big_resize(pl->dom, pl->cap * sizeof(*dom),
					    cap * sizeof(*dom));

	if (!dom)
		return -1;
	pl->dom = dom;
	pl->cap = cap;
	return 0;
}

static int add_name(struct plan *pl, const char *name, size_t len0)
{
	size_t len = len0 + 1;

	if (pl->names_len + len > pl->names_cap) {
		size_t cap = pl->names_cap ? pl->names_cap * 2 : 65536;

		while (cap < pl->names_len + len)
			cap *= 2;
		char *names = plan_big_resize(pl->names, pl->names_cap, cap);

		if (!names)
			return -1;
		pl->names = names;
		pl->names_cap = cap;
	}
	memcpy(pl->names + pl->names_len, name, len);
	pl->names_len += len;
	return 0;
}

/* parse_double() as the shares column needs it, with a short cut for
 * the common whole number of at most 15 digits (exact in a double, so
 * strtod would give the same value). */
static enum parse_err parse_shares(const char *s, size_t len, double *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 15)
		return parse_double(s, -1e300, 1e300, out);
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return parse_double(s, -1e300, 1e300, out);
		v = v * 10 + d;
	}
	*out = (double)v;
	return PARSE_OK;
}

static int read_row(struct reader *r, char *line, size_t len,
		    struct plan *pl)
{
	int n = split(line, len, r->field, r->flen);
	struct snap_dom in;
	struct snap_report *g = &in.fig;
	struct policy_dom d;
	uint64_t v;
	bool has;

	if (n < 0 || (size_t)n != r->nfields)
		return rerr(r, "%s fields, the header has %zu",
			    n < 0 ? "too many" : "wrong number of",
			    r->nfields);
	/* Every row is a managed domain (dom0 as POLICY_DOM0); the snapshot
	 * builder assembles it as the arbiter's cycle would. */
	memset(&in, 0, sizeof(in));
	in.managed = true;
	if (get_u64(r, COL_DOMID, UINT32_MAX, NULL, &v) < 0)
		return -1;
	if (!r->any_domid && v >= PLAN_DOMID_FIRST_RESERVED)
		return col_err(r, COL_DOMID, field_of(r, COL_DOMID),
			       "not a domain id (Xen's are 0 to 32751)");
	in.domid = (uint32_t)v;

	const char *name = field_of(r, COL_NAME);

	if (!name)
		return rerr(r, "column 'name': empty value");
	size_t name_len = len_of(r, COL_NAME);

	if (name_len > PLAN_MAX_NAME)
		return col_err(r, COL_NAME, name, "longer than 256 characters");
	for (const char *s = name; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return col_err(r, COL_NAME, name, "control character");

	if (get_kb(r, COL_ACTUAL, &in.actual_kb) < 0 ||
	    get_kb(r, COL_FREE, &g->free_kb) < 0 ||
	    get_kb(r, COL_COMMITTED, &g->committed_as_kb) < 0 ||
	    get_kb(r, COL_SWAP_TOT, &g->swap_tot_kb) < 0 ||
	    get_kb(r, COL_SWAP_FREE, &g->swap_free_kb) < 0 ||
	    get_kb(r, COL_MIN, &in.min_kb) < 0 ||
	    get_kb(r, COL_MAX, &in.max_kb) < 0)
		return -1;

	const char *shares = field_of(r, COL_SHARES);
	enum parse_err e;

	if (!shares)
		return rerr(r, "column 'shares': empty value");
	e = parse_shares(shares, len_of(r, COL_SHARES), &in.shares);
	if (e != PARSE_OK)
		return col_err(r, COL_SHARES, shares, parse_strerror(e));
	if (!(in.shares > 0))
		return col_err(r, COL_SHARES, shares, "must be > 0");
	if (in.shares < POLICY_SHARES_MIN || in.shares > POLICY_SHARES_MAX)
		return col_err(r, COL_SHARES, shares,
			       "out of range (expected 1e-06 <= shares <= 1e+06)");

	if (get_opt_kb(r, COL_AVAIL, &has, &g->avail_kb) < 0)
		return -1;
	if (has)
		g->have |= SNAP_HAS_AVAIL;
	if (get_opt_kb(r, COL_MEMTOTAL, &has, &g->memtotal_kb) < 0)
		return -1;
	if (has)
		g->have |= SNAP_HAS_MEMTOTAL;
	if (get_opt_kb(r, COL_BALLOON_CURRENT, &has, &g->balloon_current_kb) < 0)
		return -1;
	if (has)
		g->have |= SNAP_HAS_BALLOON;
	if (get_opt_kb(r, COL_CURRENT_TARGET, &in.have_target, &in.target_kb) < 0)
		return -1;
	if (get_u64(r, COL_PSI, UINT64_MAX, &has, &g->psi_some) < 0)
		return -1;
	if (has)
		g->have |= SNAP_HAS_PSI;
	if (get_u64(r, COL_SWAPIN, UINT64_MAX, &has, &g->swapin_rate) < 0)
		return -1;
	if (has)
		g->have |= SNAP_HAS_SWAPIN;
	if (get_opt_kb(r, COL_WS, &in.have_ws, &in.ws_kb) < 0 ||
	    get_opt_kb(r, COL_GAP, &has, &in.gap_kb) < 0)
		return -1;
	if (has && !in.have_ws)
		return rerr(r, "column 'gap_kb': a value without ws_kb");
	if (!has)
		in.gap_kb = pl->gap_kb;
	snapshot_dom(&in, &d);

	if (d.min_kb > d.max_kb)
		return rerr(r, "column 'min_kb': %llu > max_kb %llu",
			    (unsigned long long)d.min_kb,
			    (unsigned long long)d.max_kb);
	if (d.swap_free_kb > d.swap_tot_kb)
		return rerr(r, "column 'swap_free_kb': %llu > swap_tot_kb %llu",
			    (unsigned long long)d.swap_free_kb,
			    (unsigned long long)d.swap_tot_kb);

	if (pl->n == POLICY_MAX_DOMAINS)
		return rerr(r, "more than %u domains", POLICY_MAX_DOMAINS);
	if (pl->n == pl->cap && plan_grow(pl) < 0)
		return rerr(r, "out of memory");
	if (add_name(pl, name, name_len) < 0)
		return rerr(r, "out of memory");
	if (plan_note_line(pl, pl->n, r->line) < 0)
		return rerr(r, "out of memory");
	if (pl->n && d.domid <= pl->dom[pl->n - 1].domid)
		pl->domids_unordered = true;
	pl->dom[pl->n] = d;
	pl->n++;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Domids must be unique: sort (domid, row) pairs and look at neighbours;
 * report the duplicate that comes first in the file. */
static int check_duplicates(struct reader *r, const struct plan *pl)
{
	uint64_t *key;
	size_t worst = SIZE_MAX, first = 0;

	if (pl->n < 2)
		return 0;
	/* A snapshot listed by domid (as dumps and generators write it)
	 * has no duplicate if each is above the one before (read_row()
	 * says): no sort. */
	if (!pl->domids_unordered)
		return 0;
	key = malloc(pl->n * sizeof(*key));
	if (!key)
		return rerr(r, "out of memory");
	for (size_t i = 0; i < pl->n; i++)
		key[i] = (uint64_t)pl->dom[i].domid << 32 | i;
	qsort(key, pl->n, sizeof(*key), cmp_u64);
	for (size_t i = 1; i < pl->n; i++) {
		if (key[i] >> 32 != key[i - 1] >> 32)
			continue;
		size_t row = (uint32_t)key[i];

		if (row < worst) {
			worst = row;
			/* the run of equal domids starts at its lowest row */
			size_t j = i - 1;

			while (j > 0 && key[j - 1] >> 32 == key[i] >> 32)
				j--;
			first = (uint32_t)key[j];
		}
	}
	free(key);
	if (worst == SIZE_MAX)
		return 0;
	r->line = plan_line_of(pl, worst);
	return rerr(r, "column 'domid': duplicate domid %u (first on line %u)",
		    pl->dom[worst].domid, plan_line_of(pl, first));
}

/* Input is read in blocks of this size; a line may span two blocks. */
#define PLAN_BLOCK (1u << 20)

/* One line, its newline and a possible '\r' stripped, trimmed; handed to
 * the header or row reader. 1: go on; 0: skip; -1: error. */
static int one_line(struct reader *r, char *s, size_t len, bool *header,
		    struct plan *pl)
{
	char *e;

	if (memchr(s, '\0', len))
		return rerr(r, "NUL byte in line");
	if (len > 0 && s[len - 1] == '\r')
		len--;
	s[len] = '\0';
	e = s + len;
	/* Spreadsheets save "CSV UTF-8" with a byte order mark. */
	if (r->line == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (*s == ' ' || *s == '\t')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	len = (size_t)(e - s);
	if (*s != '#' && memchr(s, '"', len))
		return rerr(r, "quoting is not supported (a field cannot "
			    "contain '\"' or ',')");
	if (*s == '\0' || *s == '#')
		return 0;
	if (!*header) {
		*header = true;
		return read_header(r, s, len);
	}
	return read_row(r, s, len, pl);
}

int plan_read_csv(FILE *in, const char *src, struct plan *pl, char *err,
		  size_t errlen)
{
	struct reader r = { .src = src, .err = err, .errlen = errlen,
			    .any_domid = pl->any_domid };
	/* room for a whole block after the longest line still unfinished */
	size_t cap = PLAN_BLOCK + PLAN_MAX_LINE + 2;
	char *buf = malloc(cap);
	size_t start = 0, have = 0;
	bool header = false, eof = false;
	int rc = 0;

	if (!buf)
		return rerr(&r, "out of memory");
	for (;;) {
		char *s = buf + start;
		char *nl = memchr(s, '\n', have - start);
		size_t len = nl ? (size_t)(nl - s) : have - start;

		if (len > PLAN_MAX_LINE) {
			r.line++;
			rc = rerr(&r, "line longer than %d characters",
				  PLAN_MAX_LINE);
			break;
		}
		if (!nl && !eof) {
			/* keep the unfinished line, read the next block */
			memmove(buf, s, len);
			start = 0;
			have = len;
			size_t got = fread(buf + have, 1, PLAN_BLOCK, in);

			have += got;
			if (got < PLAN_BLOCK && (feof(in) || ferror(in)))
				eof = true;
			continue;
		}
		if (!nl && len == 0)
			break;
		r.line++;
		start += len + (nl != NULL);
		rc = one_line(&r, s, len, &header, pl);
		if (rc < 0)
			break;
		rc = 0;
	}
	if (rc == 0 && ferror(in))
		rc = rerr(&r, "read error: %s", strerror(errno));
	free(buf);
	if (rc == 0 && !header) {
		r.line = r.line ? r.line : 1;
		rc = rerr(&r, "no header line");
	}
	if (rc == 0)
		rc = check_duplicates(&r, pl);
	if (rc < 0)
		pl->n = 0;
	return rc;
}
