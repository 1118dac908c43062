#include "ctl/plan.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_config.h"
#include "policy/snapshot.h"
#include "common/parse.h"

enum column {
	/* required */
	COL_DOMID, COL_NAME, COL_ACTUAL, COL_FREE, COL_COMMITTED,
	COL_SWAP_TOT, COL_SWAP_FREE, COL_MIN, COL_MAX, COL_SHARES,
	/* optional */
	COL_AVAIL, COL_MEMTOTAL, COL_BALLOON_CURRENT, COL_CURRENT_TARGET,
	COL_PSI, COL_SWAPIN,
	COL_COUNT,
};
#define COL_REQUIRED COL_AVAIL  /* columns before this one are required */

static const char *const column_names[COL_COUNT] = {
	"domid", "name", "actual_kb", "free_kb", "committed_as_kb",
	"swap_tot_kb", "swap_free_kb", "min_kb", "max_kb", "shares",
	"avail_kb", "memtotal_kb", "balloon_current_kb", "current_target_kb",
	"psi_some", "swapin_rate",
};

/* More columns than this in a header is not a snapshot. */
#define PLAN_MAX_COLUMNS 256

struct reader {
	const char *src;
	unsigned line;
	char *err;
	size_t errlen;
	int pos[COL_COUNT];          /* field index of each column, or -1 */
	size_t nfields;              /* fields per row (the header's) */
	char *field[PLAN_MAX_COLUMNS];
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

void plan_init(struct plan *pl)
{
	memset(pl, 0, sizeof(*pl));
}

void plan_free(struct plan *pl)
{
	free(pl->dom);
	free(pl->line);
	free(pl->name_off);
	free(pl->names);
	plan_init(pl);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* Split line in place at commas; returns the number of fields or -1 when
 * there are more than PLAN_MAX_COLUMNS. */
static int split(char *line, char **field)
{
	int n = 0;

	for (;;) {
		char *comma = strchr(line, ',');

		if (n == PLAN_MAX_COLUMNS)
			return -1;
		if (comma)
			*comma = '\0';
		field[n++] = trim(line);
		if (!comma)
			return n;
		line = comma + 1;
	}
}

static int read_header(struct reader *r, char *line)
{
	int n = split(line, r->field);

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
	for (int c = 0; c < COL_REQUIRED; c++)
		if (r->pos[c] < 0)
			return rerr(r, "missing column '%s'", column_names[c]);
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
	if (s[0] == '-')
		return col_err(r, c, s, "negative value");
	e = parse_u64(s, 0, max, out);
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
	size_t cap = pl->cap ? pl->cap * 2 : 1024;
	struct policy_dom *dom = realloc(pl->dom, cap * sizeof(*dom));

	if (!dom)
		return -1;
	pl->dom = dom;
	uint32_t *line = realloc(pl->line, cap * sizeof(*line));

	if (!line)
		return -1;
	pl->line = line;
	size_t *off = realloc(pl->name_off, cap * sizeof(*off));

	if (!off)
		return -1;
	pl->name_off = off;
	pl->cap = cap;
	return 0;
}

static int add_name(struct plan *pl, const char *name, size_t *off)
{
	size_t len = strlen(name) + 1;

	if (pl->names_len + len > pl->names_cap) {
		size_t cap = pl->names_cap ? pl->names_cap * 2 : 65536;

		while (cap < pl->names_len + len)
			cap *= 2;
		char *names = realloc(pl->names, cap);

		if (!names)
			return -1;
		pl->names = names;
		pl->names_cap = cap;
	}
	memcpy(pl->names + pl->names_len, name, len);
	*off = pl->names_len;
	pl->names_len += len;
	return 0;
}

static int read_row(struct reader *r, char *line, struct plan *pl)
{
	int n = split(line, r->field);
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
	in.domid = (uint32_t)v;

	const char *name = field_of(r, COL_NAME);

	if (!name)
		return rerr(r, "column 'name': empty value");
	if (strlen(name) > PLAN_MAX_NAME)
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
	e = parse_double(shares, -1e300, 1e300, &in.shares);
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
	if (add_name(pl, name, &pl->name_off[pl->n]) < 0)
		return rerr(r, "out of memory");
	pl->dom[pl->n] = d;
	pl->line[pl->n] = r->line;
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
	r->line = pl->line[worst];
	return rerr(r, "column 'domid': duplicate domid %u (first on line %u)",
		    pl->dom[worst].domid, pl->line[first]);
}

/* One line into buf (without its newline), never more than cap - 1
 * bytes however long the line is. 1: a line; 0: end of input; -1: too
 * long (the rest of it is not read). *nul says a NUL byte was seen. */
static int read_line(FILE *in, char *buf, size_t cap, size_t *len, bool *nul)
{
	size_t n = 0;
	int c;

	*nul = false;
	while ((c = getc_unlocked(in)) != EOF && c != '\n') {
		if (n + 1 >= cap)
			return -1;
		if (c == '\0')
			*nul = true;
		buf[n++] = (char)c;
	}
	if (c == EOF && n == 0)
		return 0;
	buf[n] = '\0';
	*len = n;
	return 1;
}

int plan_read_csv(FILE *in, const char *src, struct plan *pl, char *err,
		  size_t errlen)
{
	struct reader r = { .src = src, .err = err, .errlen = errlen };
	char *buf = malloc(PLAN_MAX_LINE + 1);
	bool header = false, nul;
	size_t len;
	int rc = 0, got;

	if (!buf)
		return rerr(&r, "out of memory");
	while ((got = read_line(in, buf, PLAN_MAX_LINE + 1, &len, &nul)) != 0) {
		r.line++;
		if (got < 0) {
			rc = rerr(&r, "line longer than %d characters",
				  PLAN_MAX_LINE);
			break;
		}
		if (nul) {
			rc = rerr(&r, "NUL byte in line");
			break;
		}
		if (len > 0 && buf[len - 1] == '\r')
			buf[--len] = '\0';

		char *s = trim(buf);

		if (*s == '\0' || *s == '#')
			continue;
		if (!header) {
			rc = read_header(&r, s);
			header = true;
		} else {
			rc = read_row(&r, s, pl);
		}
		if (rc < 0)
			break;
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

int plan_write_csv(FILE *out, const struct plan *pl,
		   const struct policy_decision *dec, bool explain)
{
	fputs(explain ? "domid,name,mode,target_kb,write_kb,price,stage,goal_kb,reasons\n"
		      : "domid,name,mode,target_kb,write_kb,price\n", out);
	for (size_t i = 0; i < pl->n; i++) {
		const struct policy_decision *o = &dec[i];
		char write[24] = "", price[32] = "";

		if (o->has_write)
			snprintf(write, sizeof(write), "%llu",
				 (unsigned long long)o->write_kb);
		if (o->has_price)
			snprintf(price, sizeof(price), "%.6g", o->price);
		fprintf(out, "%u,%s,%s,%llu,%s,%s", pl->dom[i].domid,
			pl->names + pl->name_off[i], policy_mode_name(o->mode),
			(unsigned long long)o->target_kb, write, price);
		if (explain) {
			char why[160];

			fprintf(out, ",%s,%llu,%s", policy_stage_name(o->stage),
				(unsigned long long)o->goal_kb,
				policy_reasons_format(o->reasons, why,
						      sizeof(why)));
		}
		fputc('\n', out);
	}
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* ---- the subcommand -------------------------------------------------------- */

static void plan_usage(FILE *out)
{
	fputs("usage: membalctl plan --host-free-kb N [options] [FILE] < snapshot.csv\n"
	      "\n"
	      "Print what the arbiter would decide for a snapshot (CSV on stdin or\n"
	      "FILE): domid,name,mode,target_kb,write_kb,price.\n"
	      "\n"
	      "  --host-free-kb N     host free memory after claims and the pending\n"
	      "                       growth of domains not in the file, before the\n"
	      "                       reserve (required; may be negative)\n"
	      "  --config FILE        take the [policy] keys of FILE as defaults\n"
	      "  --preset P           static|self|paper|membal (applied before the\n"
	      "                       options below, whatever their order)\n"
	      "  --solver S           exact|paper\n"
	      "  --mode M             auto|self|global\n"
	      "  --reserve-kb N       default: the config's reserve_mb\n"
	      "  --dom0-mode M        fixed|priority\n"
	      "  --tau X  --epsilon X\n"
	      "  --free-source S      free|avail\n"
	      "  --scarce-cap C       demand|max\n"
	      "  --headroom-kb N  --min-change-kb N\n"
	      "  --hysteresis-up N  --hysteresis-down N\n"
	      "  --explain            add stage,goal_kb,reasons columns\n"
	      "  -v, --verbose        print the cycle summary on stderr\n"
	      "\n"
	      "Exit status: 0 done, 1 bad input (names line and column), 2 bad usage.\n",
	      out);
}

enum {
	OPT_CONFIG = 256, OPT_PRESET, OPT_SOLVER, OPT_MODE, OPT_HOST_FREE,
	OPT_RESERVE, OPT_DOM0, OPT_TAU, OPT_EPSILON, OPT_FREE_SOURCE,
	OPT_SCARCE_CAP, OPT_HEADROOM, OPT_HYST_UP, OPT_HYST_DOWN,
	OPT_MIN_CHANGE, OPT_EXPLAIN,
};

static const struct option plan_options[] = {
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "preset", required_argument, NULL, OPT_PRESET },
	{ "solver", required_argument, NULL, OPT_SOLVER },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "host-free-kb", required_argument, NULL, OPT_HOST_FREE },
	{ "reserve-kb", required_argument, NULL, OPT_RESERVE },
	{ "dom0-mode", required_argument, NULL, OPT_DOM0 },
	{ "tau", required_argument, NULL, OPT_TAU },
	{ "epsilon", required_argument, NULL, OPT_EPSILON },
	{ "free-source", required_argument, NULL, OPT_FREE_SOURCE },
	{ "scarce-cap", required_argument, NULL, OPT_SCARCE_CAP },
	{ "headroom-kb", required_argument, NULL, OPT_HEADROOM },
	{ "hysteresis-up", required_argument, NULL, OPT_HYST_UP },
	{ "hysteresis-down", required_argument, NULL, OPT_HYST_DOWN },
	{ "min-change-kb", required_argument, NULL, OPT_MIN_CHANGE },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs("membalctl plan: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

static const char *option_name(int id)
{
	for (const struct option *o = plan_options; o->name; o++)
		if (o->val == id)
			return o->name;
	return "?";
}

static int opt_enum(int id, const char *value, const char *const *names,
		    int limit, int *out)
{
	int i = policy_name_index(names, value);

	if (i < 0 || i >= limit) {
		char expected[128] = "";

		for (int j = 0; names[j] && j < limit; j++) {
			strncat(expected, j ? "|" : "", sizeof(expected) - strlen(expected) - 1);
			strncat(expected, names[j], sizeof(expected) - strlen(expected) - 1);
		}
		return usage_err("--%s '%s': expected %s", option_name(id),
				 value, expected);
	}
	*out = i;
	return 0;
}

static int opt_u64(int id, const char *value, uint64_t min, uint64_t max,
		   uint64_t *out)
{
	enum parse_err e = parse_u64(value, min, max, out);

	if (e != PARSE_OK)
		return usage_err("--%s '%s': %s (expected an integer in [%llu, %llu])",
				 option_name(id), value, parse_strerror(e),
				 (unsigned long long)min, (unsigned long long)max);
	return 0;
}

/* Options are applied in two rounds: --config and --preset first, then
 * the rest, so that `--tau 0.5 --preset paper` keeps tau = 0.5. */
struct plan_opts {
	const char *config, *preset, *input;
	struct { int id; const char *value; } set[32];
	size_t nset;
	bool have_host_free, have_reserve, explain, verbose;
	int64_t host_free_kb;
	uint64_t reserve_kb;
};

static int apply_option(struct policy_params *p, struct plan_opts *o, int id,
			const char *value)
{
	uint64_t u;
	int e;
	enum parse_err pe;

	switch (id) {
	case OPT_SOLVER:
		if (opt_enum(id, value, policy_solver_names, 2, &e))
			return 2;
		p->solver = (enum policy_solver)e;
		return 0;
	case OPT_MODE:
		/* static is a preset, not a branch */
		if (opt_enum(id, value, policy_force_names, 3, &e))
			return 2;
		p->mode = (enum policy_force)e;
		return 0;
	case OPT_DOM0:
		if (opt_enum(id, value, policy_dom0_mode_names, 2, &e))
			return 2;
		p->dom0_mode = (enum policy_dom0_mode)e;
		return 0;
	case OPT_FREE_SOURCE:
		if (opt_enum(id, value, policy_free_source_names, 2, &e))
			return 2;
		p->free_source = (enum policy_free_source)e;
		return 0;
	case OPT_SCARCE_CAP:
		if (opt_enum(id, value, policy_scarce_cap_names, 2, &e))
			return 2;
		p->scarce_cap = (enum policy_scarce_cap)e;
		return 0;
	case OPT_TAU:
		pe = parse_double(value, 0, 1, &p->tau);
		if (pe == PARSE_OK && p->tau >= 1)
			pe = PARSE_RANGE;
		if (pe != PARSE_OK)
			return usage_err("--tau '%s': %s (expected 0 <= tau < 1)",
					 value, parse_strerror(pe));
		return 0;
	case OPT_EPSILON:
		pe = parse_double(value, 0, 1e6, &p->epsilon);
		if (pe != PARSE_OK)
			return usage_err("--epsilon '%s': %s (expected 0 <= epsilon <= 1e6)",
					 value, parse_strerror(pe));
		return 0;
	case OPT_HEADROOM:
		if (opt_u64(id, value, 0, POLICY_KB_MAX, &p->headroom_kb))
			return 2;
		return 0;
	case OPT_MIN_CHANGE:
		if (opt_u64(id, value, 0, POLICY_KB_MAX, &p->min_change_kb))
			return 2;
		return 0;
	case OPT_HYST_UP:
	case OPT_HYST_DOWN:
		if (opt_u64(id, value, 1, 1000000, &u))
			return 2;
		if (id == OPT_HYST_UP)
			p->hysteresis_up = (uint32_t)u;
		else
			p->hysteresis_down = (uint32_t)u;
		return 0;
	case OPT_RESERVE:
		if (opt_u64(id, value, 0, POLICY_KB_MAX, &o->reserve_kb))
			return 2;
		o->have_reserve = true;
		return 0;
	case OPT_HOST_FREE:
		pe = parse_i64(value, -(int64_t)(POLICY_KB_MAX * 1024),
			       (int64_t)(POLICY_KB_MAX * 1024), &o->host_free_kb);
		if (pe != PARSE_OK)
			return usage_err("--host-free-kb '%s': %s", value,
					 parse_strerror(pe));
		o->have_host_free = true;
		return 0;
	}
	return usage_err("internal: option %d", id);
}

static int parse_args(int argc, char **argv, struct plan_opts *o,
		      struct policy_params *p)
{
	int c, rc;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+vh", plan_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			plan_usage(stdout);
			return -1;
		case 'v':
			o->verbose = true;
			break;
		case OPT_EXPLAIN:
			o->explain = true;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_PRESET:
			o->preset = optarg;
			break;
		case '?':
			if (optopt)
				return usage_err("option -%c: unknown or missing its value (see --help)",
						 optopt);
			return usage_err("'%s': unknown option or missing value (see --help)",
					 argv[optind - 1]);
		default:
			if (o->nset == sizeof(o->set) / sizeof(o->set[0]))
				return usage_err("too many options");
			o->set[o->nset].id = c;
			o->set[o->nset].value = optarg;
			o->nset++;
			break;
		}
	}
	if (optind < argc)
		o->input = argv[optind++];
	if (optind < argc)
		return usage_err("unexpected argument '%s'", argv[optind]);

	policy_params_default(p);
	if (o->config) {
		struct cfg_file f;

		/* Each bad line was logged with file:line already. */
		if (policy_config_load(o->config, p, &f) < 0)
			return usage_err("--config %s: %u error%s", o->config,
					 f.errors, f.errors == 1 ? "" : "s");
	}
	if (o->preset) {
		int i = policy_name_index(policy_preset_names, o->preset);

		if (i < 0)
			return usage_err("--preset '%s': expected static|self|paper|membal",
					 o->preset);
		policy_preset_apply(p, (enum policy_preset)i);
	}
	for (size_t i = 0; i < o->nset; i++) {
		rc = apply_option(p, o, o->set[i].id, o->set[i].value);
		if (rc)
			return rc;
	}
	if (!o->have_host_free)
		return usage_err("--host-free-kb is required (see --help)");
	if (!o->have_reserve)
		o->reserve_kb = p->reserve_kb;

	char why[160];

	if (policy_params_check(p, why, sizeof(why)) < 0)
		return usage_err("%s", why);
	return 0;
}

static void print_summary(const struct policy_cycle *cy)
{
	fprintf(stderr,
		"membalctl plan: mode=%s stage=%s decided=%zu F_h=%lld F_domU=%lld "
		"M=%lld need=%lld",
		policy_mode_name(cy->mode), policy_stage_name(cy->stage),
		cy->decided, (long long)cy->host_free_kb,
		(long long)cy->domu_free_kb, (long long)cy->budget_kb,
		(long long)cy->need_kb);
	if (cy->stage == POLICY_STAGE_PRICE)
		fprintf(stderr, " lambda=%.9g", cy->lambda);
	if (cy->stage == POLICY_STAGE_THETA)
		fprintf(stderr, " theta=%.9g", cy->theta);
	if (cy->stage == POLICY_STAGE_INFEASIBLE)
		fprintf(stderr, " shortfall=%llu",
			(unsigned long long)cy->shortfall_kb);
	if (cy->stage == POLICY_STAGE_PAPER)
		fprintf(stderr, " paper_solves=%u", cy->paper_solves);
	fputc('\n', stderr);
}

int plan_main(int argc, char **argv)
{
	struct policy_params p;
	struct plan_opts o;
	struct plan pl;
	struct policy_ctx ctx;
	struct policy_cycle cycle;
	struct policy_decision *dec = NULL;
	char err[512];
	FILE *in = stdin;
	int rc;

	rc = parse_args(argc, argv, &o, &p);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (o.input && strcmp(o.input, "-") != 0) {
		in = fopen(o.input, "re");
		if (!in) {
			fprintf(stderr, "membalctl plan: %s: %s\n", o.input,
				strerror(errno));
			return 1;
		}
	}
	plan_init(&pl);
	rc = plan_read_csv(in, o.input && strcmp(o.input, "-") ? o.input : "stdin",
			   &pl, err, sizeof(err));
	if (in != stdin)
		fclose(in);
	if (rc < 0) {
		fprintf(stderr, "membalctl plan: %s\n", err);
		plan_free(&pl);
		return 1;
	}

	struct policy_host host = { .free_kb = o.host_free_kb,
				    .reserve_kb = o.reserve_kb };

	rc = 1;
	if (policy_ctx_init(&ctx, pl.n) < 0) {
		fprintf(stderr, "membalctl plan: out of memory for %zu domains\n",
			pl.n);
		goto out;
	}
	dec = calloc(pl.n ? pl.n : 1, sizeof(*dec));
	if (!dec) {
		fprintf(stderr, "membalctl plan: out of memory\n");
		goto out_ctx;
	}
	if (policy_decide(&ctx, &p, &host, pl.dom, pl.n, dec, &cycle) < 0) {
		if (cycle.bad_index != SIZE_MAX)
			fprintf(stderr, "membalctl plan: line %u: %s\n",
				pl.line[cycle.bad_index], cycle.error);
		else
			fprintf(stderr, "membalctl plan: %s\n", cycle.error);
		goto out_ctx;
	}
	policy_apply(&p, &cycle, pl.dom, pl.n, dec);
	if (o.verbose)
		print_summary(&cycle);
	if (plan_write_csv(stdout, &pl, dec, o.explain) < 0) {
		fprintf(stderr, "membalctl plan: write error: %s\n",
			strerror(errno));
		goto out_ctx;
	}
	rc = 0;
out_ctx:
	policy_ctx_free(&ctx);
out:
	free(dec);
	plan_free(&pl);
	return rc;
}
