/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memory/report, the guest report as one value (src/common/report_value.c
 * split by src/arbiter/guest.c's guest_parse_value()). The input: a byte
 * choosing the domain's static-max, then the value, any bytes (xenstored
 * allows 2048 a node; longer inputs are cut there). Besides memory safety:
 *  - the value splits exactly when an independent reading of the rules
 *    (design.md §Report layout: one value or one key a figure) says it is
 *    one: single spaces between 1-20 digit or "-" fields, a layout of at
 *    least 3, exactly that layout's field count for a layout up to ours
 *    (an older agent's value has fewer), at least ours for a later one;
 *  - an accepted report holds, for every field it kept, exactly the
 *    number written there (the field order is the key table's);
 *  - a refusal is counted once, names its reason and leaves *out alone;
 *  - an accepted value re-encodes, figure for figure, to what the agent
 *    would write.
 */
#include "arbiter/guest.h"
#include "common/report_value.h"
#include "fuzz.h"

#define NODE_MAX 2048

/* An independent reading of one field: digits (1-20, fitting 64 bits
 * for the layout) or "-". */
static bool field(const uint8_t *s, size_t n, bool *dash)
{
	*dash = n == 1 && s[0] == '-';
	if (*dash)
		return true;
	if (n == 0 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The fields a value of `layout` has, from the table's columns: the
 * layout, every figure row of that layout or before, the stamp. */
static size_t fields_of(unsigned __int128 layout)
{
	size_t n = 2;

	for (int k = 0; k < MK_COUNT; k++)
		n += membal_keys[k].publish != MKP_META && membal_keys[k].layout <= layout;
	return n;
}

static unsigned __int128 decimal(const uint8_t *s, size_t n)
{
	unsigned __int128 acc = 0;

	for (size_t i = 0; i < n; i++)
		acc = acc * 10 + (unsigned)(s[i] - '0');
	return acc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_bounds b = { .mem_max_kb = UINT64_C(1) << 20 };
	struct guest_figures g, canary;
	struct guest_rejects rej = { 0 };
	const uint8_t *s;
	size_t len, start[NODE_MAX + 1], flen[NODE_MAX + 1], nf = 0;
	bool ok_syntax = true, dash;
	char why[64];

	if (size == 0)
		return 0;
	if (data[0] & 1)
		b.mem_max_kb = (uint64_t)data[0] << 30;
	s = data + 1;
	len = size - 1 > NODE_MAX ? NODE_MAX : size - 1;

	/* the rules, read again */
	for (size_t i = 0; len > 0 && i <= len; i++) {
		size_t j = i;

		while (j < len && s[j] != ' ')
			j++;
		start[nf] = i;
		flen[nf] = j - i;
		ok_syntax &= field(s + i, j - i, &dash);
		nf++;
		i = j;
	}
	bool expect = len > 0 && ok_syntax;
	unsigned __int128 layout = 0;

	if (expect) {
		field(s + start[0], flen[0], &dash);
		layout = dash ? 0 : decimal(s + start[0], flen[0]);
		expect = !dash && layout <= UINT64_MAX && layout >= REPORT_VALUE_LAYOUT_MIN &&
			 (layout > MEMBAL_KEY_LAYOUT_VERSION ? nf >= REPORT_VALUE_FIELDS
							     : nf == fields_of(layout));
	}

	const char *raw[MK_COUNT];
	unsigned lens[MK_COUNT];
	uint64_t l = 0;
	enum report_value_err e = report_value_split((const char *)s, len, raw, lens, &l);

	FUZZ_CHECK((e == RV_OK) == expect, "split says %s, the rules say %s",
		   report_value_strerror(e), expect ? "ok" : "refuse");
	FUZZ_CHECK((e == RV_EMPTY) == (len == 0), "empty is %s", report_value_strerror(e));

	memset(&canary, 0xa5, sizeof(canary));
	g = canary;
	memset(why, 'x', sizeof(why));
	bool ok = guest_parse_value((const char *)s, (unsigned)len, &b, &g, &rej, why,
				    sizeof(why));

	FUZZ_CHECK(memchr(why, '\0', sizeof(why)) != NULL, "reason not terminated");
	if (!ok) {
		FUZZ_CHECK(memcmp(&g, &canary, sizeof(g)) == 0, "refused but *out written");
		FUZZ_CHECK(rej.reports == (len > 0), "reports %llu", (unsigned long long)rej.reports);
		FUZZ_CHECK(len == 0 || why[0] != '\0', "refused without a reason");
		return 0;
	}
	FUZZ_CHECK(e == RV_OK, "accepted what does not split");
	FUZZ_CHECK(rej.reports == 0 && why[0] == '\0', "accepted with a reject");

	/* every kept figure is the number at its table place */
	int keys[MK_COUNT];
	int n = report_value_keys(l, keys);

	FUZZ_CHECK(g.v[MK_VERSION] == l, "layout %llu", (unsigned long long)l);
	for (int j = 0; j < n; j++) {
		int k = keys[j];
		const uint8_t *f = s + start[j + 1];

		if (!guest_has(&g, k))
			continue;
		FUZZ_CHECK(decimal(f, flen[j + 1]) == g.v[k], "%s is not field %d",
			   membal_key_name(k), j + 1);
	}
	/* what the agent would write for these figures, fields of ours */
	if (l == MEMBAL_KEY_LAYOUT_VERSION) {
		char buf[REPORT_VALUE_MAX];
		bool have[MK_COUNT];

		for (int k = 0; k < MK_COUNT; k++)
			have[k] = guest_has(&g, k);
		size_t m = report_value_encode(buf, g.v, have);

		FUZZ_CHECK(m <= REPORT_VALUE_MAX, "encoded %zu bytes", m);
		FUZZ_CHECK(!memchr(buf, '\0', m), "NUL in an encoded value");
	}
	return 0;
}
