/* SPDX-License-Identifier: GPL-2.0-only */
#include "common/parse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum parse_err parse_u64n(const char *s, size_t len, size_t maxlen,
			  uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s == NULL || len == 0)
		return PARSE_EMPTY;
	if (len > maxlen)
		return PARSE_TOO_LONG;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return PARSE_SYNTAX;
		if (v > (UINT64_MAX - d) / 10)
			return PARSE_OVERFLOW;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return PARSE_RANGE;
	*out = v;
	return PARSE_OK;
}

enum parse_err parse_u64(const char *s, uint64_t min, uint64_t max,
			 uint64_t *out)
{
	if (s == NULL)
		return PARSE_EMPTY;
	/* Allow leading zeros but not unbounded text: 64 characters is far
	 * beyond any honest number and keeps the scan bounded. */
	size_t len = strnlen(s, 65);
	return parse_u64n(s, len, 64, min, max, out);
}

enum parse_err parse_i64(const char *s, int64_t min, int64_t max,
			 int64_t *out)
{
	bool neg = false;
	uint64_t mag;
	enum parse_err e;

	if (s == NULL || *s == '\0')
		return PARSE_EMPTY;
	if (*s == '-') {
		neg = true;
		s++;
	}
	e = parse_u64(s, 0, UINT64_MAX, &mag);
	if (e != PARSE_OK)
		return e == PARSE_EMPTY ? PARSE_SYNTAX : e;
	if (!neg && mag > (uint64_t)INT64_MAX)
		return PARSE_OVERFLOW;
	if (neg && mag > (uint64_t)INT64_MAX + 1)
		return PARSE_OVERFLOW;
	int64_t v = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	if (v < min || v > max)
		return PARSE_RANGE;
	*out = v;
	return PARSE_OK;
}

enum parse_err parse_double(const char *s, double min, double max,
			    double *out)
{
	size_t len, i = 0, digits = 0;
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return PARSE_EMPTY;
	len = strnlen(s, 65);
	if (len > 64)
		return PARSE_TOO_LONG;
	if (s[i] == '-')
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		i++;
		digits++;
	}
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			i++;
			digits++;
		}
	}
	if (i != len || digits == 0)
		return PARSE_SYNTAX;
	v = strtod(s, &end);
	if (end != s + len || !isfinite(v))
		return PARSE_OVERFLOW;
	if (v < min || v > max)
		return PARSE_RANGE;
	*out = v;
	return PARSE_OK;
}

enum parse_err parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	if (s == NULL || *s == '\0')
		return PARSE_EMPTY;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return PARSE_OK;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return PARSE_OK;
		}
	}
	return PARSE_SYNTAX;
}

const char *parse_strerror(enum parse_err err)
{
	switch (err) {
	case PARSE_OK: return "ok";
	case PARSE_EMPTY: return "empty value";
	case PARSE_TOO_LONG: return "value too long";
	case PARSE_SYNTAX: return "not a plain decimal number";
	case PARSE_OVERFLOW: return "number too large";
	case PARSE_RANGE: return "out of range";
	}
	return "unknown error";
}
