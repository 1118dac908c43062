/* SPDX-License-Identifier: GPL-2.0-only */
#include "agent/swaps.h"

#include <string.h>

#include "common/parse.h"

const char *swaps_strerror(enum swaps_err e)
{
	switch (e) {
	case SWAPS_OK: return "ok";
	case SWAPS_HEADER: return "first line is not 'Filename Type Size Used Priority'";
	case SWAPS_FIELDS: return "not five fields";
	case SWAPS_TYPE: return "type neither partition nor file";
	case SWAPS_NUMBER: return "size, used or priority not a number in range";
	case SWAPS_USED: return "used above size";
	case SWAPS_TOO_MANY: return "more areas than a kernel has";
	case SWAPS_CUT: return "cut short (no final newline) or a NUL";
	case SWAPS_ERR_COUNT: break;
	}
	return "?";
}

int swaps_is_zram(const char *path, size_t n)
{
	static const char pre[] = "/dev/zram";
	size_t p = sizeof(pre) - 1;

	if (n <= p || n > p + 3 || memcmp(path, pre, p) != 0)
		return 0;
	for (size_t i = p; i < n; i++)
		if (path[i] < '0' || path[i] > '9')
			return 0;
	return 1;
}

struct field {
	const char *s;
	size_t n;
};

/* Split [p, end) at runs of spaces and tabs into at most 5 fields; a
 * sixth field makes it 6 (the caller refuses anything but 5). */
static unsigned split5(const char *p, const char *end, struct field f[5])
{
	unsigned n = 0;

	while (p < end) {
		const char *q;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			break;
		for (q = p; q < end && *q != ' ' && *q != '\t'; q++)
			;
		if (n == 5)
			return 6;
		f[n].s = p;
		f[n].n = (size_t)(q - p);
		n++;
		p = q;
	}
	return n;
}

static int field_is(const struct field *f, const char *word)
{
	size_t n = strlen(word);

	return f->n == n && memcmp(f->s, word, n) == 0;
}

/* The kernel prints the priority with %d: an optional minus, digits. */
static int priority_ok(const struct field *f)
{
	uint64_t v;
	size_t neg = f->n > 0 && f->s[0] == '-';

	return parse_u64n(f->s + neg, f->n - neg, 10, 0,
			  neg ? UINT64_C(2147483648) : UINT64_C(2147483647), &v) == PARSE_OK;
}

static enum swaps_err area(const struct field f[5], struct swaps_sum *out)
{
	uint64_t size, used;

	if (!field_is(&f[1], "partition") && !field_is(&f[1], "file"))
		return SWAPS_TYPE;
	if (parse_u64n(f[2].s, f[2].n, PARSE_U64_MAXLEN, 0, SWAPS_KB_MAX, &size) != PARSE_OK ||
	    parse_u64n(f[3].s, f[3].n, PARSE_U64_MAXLEN, 0, SWAPS_KB_MAX, &used) != PARSE_OK ||
	    !priority_ok(&f[4]))
		return SWAPS_NUMBER;
	if (used > size)
		return SWAPS_USED;
	/* At most SWAPS_MAX_AREAS areas of at most 2^40: no overflow. */
	out->size_kb += size;
	if (swaps_is_zram(f[0].s, f[0].n))
		out->zram_kb += size;
	out->areas++;
	return SWAPS_OK;
}

enum swaps_err swaps_parse(const char *buf, size_t len, struct swaps_sum *out,
			   unsigned *line)
{
	static const char *const head[5] = { "Filename", "Type", "Size", "Used", "Priority" };
	const char *p = buf, *end = buf + len;
	struct swaps_sum s = { 0, 0, 0 };
	unsigned lineno = 0;
	enum swaps_err e = SWAPS_OK;

	memset(out, 0, sizeof(*out));
	if (line)
		*line = 0;
	if (memchr(buf, '\0', len) || (len > 0 && buf[len - 1] != '\n'))
		return SWAPS_CUT;
	while (p < end && e == SWAPS_OK) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct field f[5];
		unsigned n = split5(p, nl, f);

		lineno++;
		if (lineno == 1) {
			for (unsigned i = 0; i < 5 && n == 5; i++)
				if (!field_is(&f[i], head[i]))
					n = 0;
			if (n != 5)
				e = SWAPS_HEADER;
		} else if (n != 5) {
			e = SWAPS_FIELDS;
		} else if (s.areas == SWAPS_MAX_AREAS) {
			e = SWAPS_TOO_MANY;
		} else {
			e = area(f, &s);
		}
		p = nl + 1;
	}
	if (lineno == 0)
		e = SWAPS_HEADER;       /* empty: not even the header */
	if (e != SWAPS_OK) {
		if (line)
			*line = lineno;
		return e;
	}
	*out = s;
	return SWAPS_OK;
}
