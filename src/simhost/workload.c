/* SPDX-License-Identifier: GPL-2.0-only */
#include "simhost/workload.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"

struct wl_kind {
	const char *name;
	enum sim_workload_kind kind;
	unsigned nargs;
	const char *usage;
};

static const struct wl_kind kinds[] = {
	{ "idle", SIM_WL_IDLE, 0, "idle" },
	{ "const", SIM_WL_CONST, 1, "const:MB" },
	{ "mono", SIM_WL_MONO, 3, "mono:LOW_MB,HIGH_MB,PERIOD_S" },
	{ "step", SIM_WL_STEP, 3, "step:BEFORE_MB,AFTER_MB,AT_S" },
	{ "random", SIM_WL_RANDOM, 3, "random:LOW_MB,HIGH_MB,HOLD_S" },
	{ "compute", SIM_WL_COMPUTE, 2, "compute:MB,WORK_S" },
	{ "trace", SIM_WL_TRACE, 0, "trace or trace:VM" },
};

/* Split "a,b,c" into exactly n fields, each parsed within [min, max]. */
static int wl_args(const char *s, unsigned n, const uint64_t *min,
		   const uint64_t *max, uint64_t *out, char *why,
		   size_t why_size)
{
	for (unsigned i = 0; i < n; i++) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		enum parse_err e;

		if ((i + 1 < n) != (end != NULL)) {
			snprintf(why, why_size, "expected %u comma-separated numbers", n);
			return -1;
		}
		e = parse_u64n(s, len, PARSE_U64_MAXLEN, min[i], max[i], &out[i]);
		if (e != PARSE_OK) {
			snprintf(why, why_size, "number %u: %s (expected %llu..%llu)",
				 i + 1, parse_strerror(e), (unsigned long long)min[i],
				 (unsigned long long)max[i]);
			return -1;
		}
		s += len + (end ? 1 : 0);
	}
	return 0;
}

int sim_workload_parse(const char *text, struct sim_workload *out, char *why,
		       size_t why_size)
{
	const uint64_t mb_min[3] = { 0, 0, 1 };
	const uint64_t mb_max[3] = { SIM_WORKLOAD_MB_MAX, SIM_WORKLOAD_MB_MAX,
				     SIM_WORKLOAD_S_MAX };
	const uint64_t step_min[3] = { 0, 0, 0 };
	const uint64_t job_min[2] = { 0, 1 };
	const uint64_t job_max[2] = { SIM_WORKLOAD_MB_MAX, SIM_WORKLOAD_S_MAX };
	const char *colon = strchr(text, ':');
	size_t klen = colon ? (size_t)(colon - text) : strlen(text);
	const struct wl_kind *k = NULL;
	struct sim_workload w;
	uint64_t v[3];

	if (strlen(text) >= sizeof(w.text)) {
		snprintf(why, why_size, "longer than %zu characters", sizeof(w.text) - 1);
		return -1;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].name) == klen && !strncmp(text, kinds[i].name, klen))
			k = &kinds[i];
	if (!k) {
		snprintf(why, why_size, "unknown workload (expected idle, const:MB, "
			 "mono:LOW_MB,HIGH_MB,PERIOD_S, step:BEFORE_MB,AFTER_MB,AT_S, "
			 "random:LOW_MB,HIGH_MB,HOLD_S, compute:MB,WORK_S or trace[:VM])");
		return -1;
	}
	if (k->kind == SIM_WL_TRACE) {
		memset(&w, 0, sizeof(w));
		w.kind = SIM_WL_TRACE;
		if (colon && !sim_name_ok(colon + 1)) {
			snprintf(why, why_size, "trace:VM: VM must be 1..%d characters of [A-Za-z0-9_.-]",
				 SIM_TRACE_NAME_MAX - 1);
			return -1;
		}
		if (colon)
			snprintf(w.vm, sizeof(w.vm), "%s", colon + 1);
		snprintf(w.text, sizeof(w.text), "%s", text);
		*out = w;
		return 0;
	}
	if ((k->nargs > 0) != (colon != NULL)) {
		snprintf(why, why_size, "expected %s", k->usage);
		return -1;
	}
	memset(&w, 0, sizeof(w));
	w.kind = k->kind;
	snprintf(w.text, sizeof(w.text), "%s", text);
	if (k->nargs && wl_args(colon + 1, k->nargs,
				k->kind == SIM_WL_STEP ? step_min :
				k->kind == SIM_WL_COMPUTE ? job_min : mb_min,
				k->kind == SIM_WL_COMPUTE ? job_max : mb_max,
				v, why, why_size) < 0)
		return -1;
	switch (k->kind) {
	case SIM_WL_IDLE:
		w.from_kb = w.to_kb = (uint64_t)SIM_IDLE_DEMAND_MB * 1024;
		break;
	case SIM_WL_CONST:
		w.from_kb = w.to_kb = v[0] * 1024;
		break;
	case SIM_WL_COMPUTE:
		w.from_kb = w.to_kb = v[0] * 1024;
		w.work_ms = v[1] * 1000;
		break;
	case SIM_WL_MONO:
	case SIM_WL_RANDOM:
		if (v[0] > v[1]) {
			snprintf(why, why_size, "LOW_MB %llu above HIGH_MB %llu (expected %s)",
				 (unsigned long long)v[0], (unsigned long long)v[1],
				 k->usage);
			return -1;
		}
		w.from_kb = v[0] * 1024;
		w.to_kb = v[1] * 1024;
		w.period_ms = v[2] * 1000;
		break;
	case SIM_WL_STEP:
		w.from_kb = v[0] * 1024;
		w.to_kb = v[1] * 1024;
		w.at_ms = v[2] * 1000;
		break;
	case SIM_WL_TRACE:
		break;
	}
	*out = w;
	return 0;
}

/* splitmix64: a well-mixed hash of one 64-bit value. */
static uint64_t mix64(uint64_t x)
{
	x += UINT64_C(0x9E3779B97F4A7C15);
	x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
	return x ^ (x >> 31);
}

uint64_t sim_random_draw_kb(const struct sim_workload *w, uint64_t k)
{
	uint64_t lo = w->from_kb / 1024, span = w->to_kb / 1024 - lo + 1;

	return (lo + mix64(mix64(w->seed) ^ k) % span) * 1024;
}

/* The last point at or before t_ms (the first before it starts). */
static uint64_t trace_demand_kb(const struct sim_trace_series *s, uint64_t t_ms)
{
	size_t lo = 0, hi;

	if (!s || !s->n)
		return 0;
	hi = s->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->pt[mid].t_ms <= t_ms)
			lo = mid;
		else
			hi = mid;
	}
	return s->pt[lo].kb;
}

uint64_t sim_workload_demand_kb(const struct sim_workload *w, uint64_t t_ms)
{
	uint64_t phase, up;

	switch (w->kind) {
	case SIM_WL_RANDOM:
		return sim_random_draw_kb(w, t_ms / w->period_ms);
	case SIM_WL_TRACE:
		return trace_demand_kb(w->series, t_ms);
	case SIM_WL_MONO:
		/* Triangle: LOW + (HIGH - LOW) * (1 - |2 phase / P - 1|), in
		 * integers (128-bit: 2^34 KiB times 2 * 3.2e10 ms overflows 64). */
		phase = t_ms % w->period_ms;
		up = 2 * phase <= w->period_ms ? phase : w->period_ms - phase;
		return w->from_kb +
		       (uint64_t)((unsigned __int128)(w->to_kb - w->from_kb) * 2 * up /
				  w->period_ms);
	case SIM_WL_STEP:
		return t_ms < w->at_ms ? w->from_kb : w->to_kb;
	case SIM_WL_IDLE:
	case SIM_WL_CONST:
	case SIM_WL_COMPUTE:
	default:
		return w->from_kb;
	}
}

/* ---- trace files ---- */

bool sim_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= SIM_TRACE_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

#define TRACE_HEADER "time_s,vm,demand_mb"

struct trace_load {
	const char *name;
	struct sim_trace *t;
	size_t cap;
	size_t rows;
	bool header;
	size_t last;            /* series of the previous row: rows cluster */
	char *err;
	size_t err_size;
};

static int trace_fail(struct trace_load *l, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int trace_fail(struct trace_load *l, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(l->err, l->err_size, "%s:%u: ", l->name, line);

	if (n >= 0 && (size_t)n < l->err_size) {
		va_start(ap, fmt);
		vsnprintf(l->err + n, l->err_size - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* "S" or "S.f", "S.ff", "S.fff": seconds to milliseconds, no sign. */
static enum parse_err parse_seconds_ms(const char *s, size_t len, uint64_t *ms)
{
	const char *dot = memchr(s, '.', len);
	size_t ilen = dot ? (size_t)(dot - s) : len, flen = dot ? len - ilen - 1 : 0;
	uint64_t secs, frac = 0;
	enum parse_err e;

	e = parse_u64n(s, ilen, 8, 0, SIM_WORKLOAD_S_MAX, &secs);
	if (e != PARSE_OK)
		return e;
	if (dot) {
		if (flen == 0 || flen > 3)
			return PARSE_SYNTAX;
		e = parse_u64n(dot + 1, flen, 3, 0, 999, &frac);
		if (e != PARSE_OK)
			return e;
		for (size_t i = flen; i < 3; i++)
			frac *= 10;
	}
	*ms = secs * 1000 + frac;
	return PARSE_OK;
}

static struct sim_trace_series *series_for(struct trace_load *l, const char *vm,
					   unsigned line)
{
	struct sim_trace *t = l->t;
	struct sim_trace_series *s;

	if (l->last < t->n && !strcmp(t->series[l->last].vm, vm))
		return &t->series[l->last];
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->series[i].vm, vm)) {
			l->last = i;
			return &t->series[i];
		}
	if (t->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct sim_trace_series *ns = realloc(t->series, cap * sizeof(*ns));

		if (!ns)
			return NULL;
		t->series = ns;
		l->cap = cap;
	}
	s = &t->series[t->n];
	memset(s, 0, sizeof(*s));
	snprintf(s->vm, sizeof(s->vm), "%s", vm);
	s->line = line;
	l->last = t->n++;
	return s;
}

static int series_push(struct sim_trace_series *s, uint64_t t_ms, uint64_t kb)
{
	/* Capacity doubles at powers of two: n alone tells when to grow. */
	if ((s->n & (s->n - 1)) == 0) {
		size_t cap = s->n ? 2 * s->n : 1;
		struct sim_trace_point *np = realloc(s->pt, cap * sizeof(*np));

		if (!np)
			return -1;
		s->pt = np;
	}
	s->pt[s->n].t_ms = t_ms;
	s->pt[s->n].kb = kb;
	s->n++;
	return 0;
}

/* One line without its newline. */
static int trace_line(struct trace_load *l, const char *p, size_t len,
		      unsigned line)
{
	const char *c1, *c2;
	char vm[SIM_TRACE_NAME_MAX];
	uint64_t t_ms, mb;
	struct sim_trace_series *s;
	enum parse_err e;
	size_t vlen;

	if (len && p[len - 1] == '\r')
		len--;
	if (len == 0 || p[0] == '#')
		return 0;
	if (memchr(p, '\0', len))
		return trace_fail(l, line, "NUL byte in the line");
	if (!l->header) {
		if (len != strlen(TRACE_HEADER) || memcmp(p, TRACE_HEADER, len))
			return trace_fail(l, line, "expected the header '" TRACE_HEADER "', got '%.*s'",
					  (int)(len < 64 ? len : 64), p);
		l->header = true;
		return 0;
	}
	c1 = memchr(p, ',', len);
	c2 = c1 ? memchr(c1 + 1, ',', len - (size_t)(c1 + 1 - p)) : NULL;
	if (!c1 || !c2 || memchr(c2 + 1, ',', len - (size_t)(c2 + 1 - p)))
		return trace_fail(l, line, "expected 3 fields time_s,vm,demand_mb");
	e = parse_seconds_ms(p, (size_t)(c1 - p), &t_ms);
	if (e != PARSE_OK)
		return trace_fail(l, line, "time_s '%.*s': %s (expected seconds, up to 3 decimals, at most %llu)",
				  (int)(c1 - p < 32 ? c1 - p : 32), p, parse_strerror(e),
				  (unsigned long long)SIM_WORKLOAD_S_MAX);
	vlen = (size_t)(c2 - c1 - 1);
	if (vlen == 0 || vlen >= sizeof(vm))
		return trace_fail(l, line, "vm: 1..%d characters expected", SIM_TRACE_NAME_MAX - 1);
	memcpy(vm, c1 + 1, vlen);
	vm[vlen] = '\0';
	if (!sim_name_ok(vm))
		return trace_fail(l, line, "vm '%s': expected [A-Za-z0-9_.-], not starting with '.' or '-'", vm);
	e = parse_u64n(c2 + 1, len - (size_t)(c2 + 1 - p), PARSE_U64_MAXLEN, 0,
		       SIM_WORKLOAD_MB_MAX, &mb);
	if (e != PARSE_OK)
		return trace_fail(l, line, "demand_mb '%.*s': %s (expected whole MiB, 0..%llu)",
				  (int)(len - (size_t)(c2 + 1 - p) < 32 ? len - (size_t)(c2 + 1 - p) : 32),
				  c2 + 1, parse_strerror(e), (unsigned long long)SIM_WORKLOAD_MB_MAX);
	if (++l->rows > SIM_TRACE_ROWS_MAX)
		return trace_fail(l, line, "more than %u rows", SIM_TRACE_ROWS_MAX);
	s = series_for(l, vm, line);
	if (!s)
		return trace_fail(l, line, "out of memory");
	if (s->n && t_ms <= s->pt[s->n - 1].t_ms)
		return trace_fail(l, line, "vm %s: time %llu.%03llu s is not after its previous row's",
				  vm, (unsigned long long)(t_ms / 1000),
				  (unsigned long long)(t_ms % 1000));
	if (series_push(s, t_ms, mb * 1024) < 0)
		return trace_fail(l, line, "out of memory");
	return 0;
}

static int trace_finish(struct trace_load *l, int rc, unsigned lines)
{
	if (rc == 0 && !l->header)
		rc = trace_fail(l, lines, "no header '" TRACE_HEADER "'");
	else if (rc == 0 && l->t->n == 0)
		rc = trace_fail(l, lines, "no rows");
	if (rc < 0)
		sim_trace_free(l->t);
	return rc;
}

int sim_trace_load_string(const char *name, const char *text,
			  struct sim_trace *out, char *err, size_t err_size)
{
	struct trace_load l = { .name = name, .t = out, .err = err,
				.err_size = err_size };
	unsigned line = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	while (*text && rc == 0) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		line++;
		if (len > SIM_TRACE_LINE_MAX)
			rc = trace_fail(&l, line, "longer than %d characters", SIM_TRACE_LINE_MAX);
		else
			rc = trace_line(&l, text, len, line);
		text += len + (nl ? 1 : 0);
	}
	return trace_finish(&l, rc, line);
}

int sim_trace_load(const char *path, struct sim_trace *out, char *err,
		   size_t err_size)
{
	struct trace_load l = { .name = path, .t = out, .err = err,
				.err_size = err_size };
	char buf[SIM_TRACE_LINE_MAX + 2];
	unsigned line = 0;
	FILE *f;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	f = fopen(path, "re");
	if (!f) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* getc, not fgets: a NUL byte must be seen, not end the line. */
	while (rc == 0) {
		size_t len = 0;
		int c;

		while ((c = getc(f)) != EOF && c != '\n' && len <= SIM_TRACE_LINE_MAX)
			buf[len++] = (char)c;
		if (c == EOF && len == 0)
			break;
		line++;
		if (len > SIM_TRACE_LINE_MAX) {
			rc = trace_fail(&l, line, "longer than %d characters", SIM_TRACE_LINE_MAX);
			break;
		}
		rc = trace_line(&l, buf, len, line);
	}
	if (rc == 0 && ferror(f))
		rc = trace_fail(&l, line, "read error: %s", strerror(errno));
	fclose(f);
	return trace_finish(&l, rc, line);
}

const struct sim_trace_series *sim_trace_find(const struct sim_trace *t,
					      const char *vm)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (!strcmp(t->series[i].vm, vm))
			return &t->series[i];
	return NULL;
}

int sim_trace_copy(struct sim_trace *dst, const struct sim_trace *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src->n)
		return 0;
	dst->series = calloc(src->n, sizeof(*dst->series));
	if (!dst->series)
		goto oom;
	for (size_t i = 0; i < src->n; i++) {
		const struct sim_trace_series *s = &src->series[i];
		struct sim_trace_series *d = &dst->series[i];

		*d = *s;
		d->pt = malloc((s->n ? s->n : 1) * sizeof(*d->pt));
		if (!d->pt) {
			dst->n = i;
			goto oom;
		}
		memcpy(d->pt, s->pt, s->n * sizeof(*d->pt));
	}
	dst->n = src->n;
	return 0;
oom:
	sim_trace_free(dst);
	errno = ENOMEM;
	return -1;
}

void sim_trace_free(struct sim_trace *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->series[i].pt);
	free(t->series);
	memset(t, 0, sizeof(*t));
}
