/* SPDX-License-Identifier: GPL-2.0-only */
#include "common/report_value.h"

#include "common/parse.h"

const char *report_value_strerror(enum report_value_err e)
{
	switch (e) {
	case RV_OK: return "ok";
	case RV_EMPTY: return "empty";
	case RV_LEADING_SPACE: return "leading space";
	case RV_TRAILING_SPACE: return "trailing space";
	case RV_DOUBLE_SPACE: return "doubled space";
	case RV_FIELD_TOO_LONG: return "field longer than 20";
	case RV_NOT_A_NUMBER: return "field not a number";
	case RV_LAYOUT: return "layout below 3";
	case RV_TOO_FEW: return "too few fields";
	case RV_TOO_MANY: return "too many fields";
	case RV_COUNT: break;
	}
	return "?";
}

static bool is_figure(int k)
{
	return membal_keys[k].publish != MKP_META;
}

int report_value_keys(uint64_t layout, int keys[MK_COUNT])
{
	uint64_t top = layout < MEMBAL_KEY_LAYOUT_VERSION ? layout : MEMBAL_KEY_LAYOUT_VERSION;
	int n = 0;

	for (int k = 0; k < MK_COUNT; k++)
		if (is_figure(k) && membal_key_layout(k) <= REPORT_VALUE_LAYOUT_MIN)
			keys[n++] = k;
	keys[n++] = MK_STAMP;
	/* A later layout appends: what an older arbiter knows stays put. */
	for (uint64_t l = REPORT_VALUE_LAYOUT_MIN + 1; l <= top; l++)
		for (int k = 0; k < MK_COUNT; k++)
			if (is_figure(k) && (uint64_t)membal_key_layout(k) == l)
				keys[n++] = k;
	return n;
}

static size_t put_u64(char *p, uint64_t v)
{
	char tmp[REPORT_VALUE_FIELD_MAX];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

size_t report_value_encode(char *buf, const uint64_t v[MK_COUNT],
			   const bool have[MK_COUNT])
{
	int keys[MK_COUNT];
	int n = report_value_keys(MEMBAL_KEY_LAYOUT_VERSION, keys);
	size_t len = put_u64(buf, MEMBAL_KEY_LAYOUT_VERSION);

	for (int i = 0; i < n; i++) {
		buf[len++] = ' ';
		if (have[keys[i]])
			len += put_u64(buf + len, v[keys[i]]);
		else
			buf[len++] = '-';
	}
	return len;
}

/* One field: 1-20 digits, or "-" alone. */
static enum report_value_err field_ok(const char *f, size_t n)
{
	if (n == 0)
		return RV_DOUBLE_SPACE;
	if (n > REPORT_VALUE_FIELD_MAX)
		return RV_FIELD_TOO_LONG;
	if (n == 1 && f[0] == '-')
		return RV_OK;
	for (size_t i = 0; i < n; i++)
		if (f[i] < '0' || f[i] > '9')
			return RV_NOT_A_NUMBER;
	return RV_OK;
}

enum report_value_err report_value_split(const char *s, size_t len,
					 const char *raw[MK_COUNT],
					 unsigned lens[MK_COUNT], uint64_t *layout)
{
	/* Our layout's fields; a later layout's extra ones are checked
	 * and then ignored. */
	const char *f[REPORT_VALUE_FIELDS];
	unsigned fl[REPORT_VALUE_FIELDS];
	size_t nf = 0, i = 0;
	int keys[MK_COUNT], n;
	uint64_t l;

	if (len == 0)
		return RV_EMPTY;
	if (s[0] == ' ')
		return RV_LEADING_SPACE;
	if (s[len - 1] == ' ')
		return RV_TRAILING_SPACE;
	while (i <= len) {
		size_t start = i;
		enum report_value_err e;

		while (i < len && s[i] != ' ')
			i++;
		e = field_ok(s + start, i - start);
		if (e != RV_OK)
			return e;
		if (nf < REPORT_VALUE_FIELDS) {
			f[nf] = s + start;
			fl[nf] = (unsigned)(i - start);
		}
		nf++;
		i++;    /* the space, or past the end */
	}
	if (fl[0] == 1 && f[0][0] == '-')
		return RV_LAYOUT;
	if (parse_u64n(f[0], fl[0], REPORT_VALUE_FIELD_MAX, 0, UINT64_MAX, &l) != PARSE_OK)
		return RV_NOT_A_NUMBER;    /* 20 digits above 2^64 - 1 */
	*layout = l;
	if (l < REPORT_VALUE_LAYOUT_MIN)
		return RV_LAYOUT;
	n = report_value_keys(l, keys);
	if (nf < (size_t)n + 1)
		return RV_TOO_FEW;
	if (l <= MEMBAL_KEY_LAYOUT_VERSION && nf > (size_t)n + 1)
		return RV_TOO_MANY;
	for (int k = 0; k < MK_COUNT; k++) {
		raw[k] = NULL;
		lens[k] = 0;
	}
	raw[MK_VERSION] = f[0];
	lens[MK_VERSION] = fl[0];
	for (int j = 0; j < n; j++) {
		if (fl[j + 1] == 1 && f[j + 1][0] == '-')
			continue;
		raw[keys[j]] = f[j + 1];
		lens[keys[j]] = fl[j + 1];
	}
	return RV_OK;
}
