/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memory/report, the guest report as one value (common/report_value.c)
 * and the arbiter's guest_parse_value() on it: the fields follow the
 * guest-key table, every refusal rule of design.md §Report layout: one
 * value or one key a figure refuses the value as a whole, and the fields
 * go through the same bounds as the per-key keys.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbiter/guest.h"
#include "common/report_value.h"

static const struct guest_bounds bounds = { .mem_max_kb = 524288 };

/* A 256 MiB guest's honest figures, every key. */
static void honest(uint64_t v[MK_COUNT], bool have[MK_COUNT])
{
	static const uint64_t f[MK_COUNT] = {
		[MK_TOT] = 250000, [MK_FREE] = 100000, [MK_AVAIL] = 150000,
		[MK_COMMITTED_AS] = 120000, [MK_SWAP_TOT] = 102400, [MK_SWAP_FREE] = 92400,
		[MK_BALLOON_CURRENT] = 262144, [MK_BALLOON_TARGET] = 262144,
		[MK_OOM_KILLS] = 2, [MK_PSI_SOME] = 150, [MK_SWAPIN_RATE] = 12,
		[MK_ACTIVE_ANON] = 80000, [MK_INACTIVE_ANON] = 10000,
		[MK_ACTIVE_FILE] = 30000, [MK_INACTIVE_FILE] = 8000,
		[MK_ANON_PAGES] = 70000, [MK_SHMEM] = 20000, [MK_PSWPIN] = 1000,
		[MK_REFAULT_ANON] = 10, [MK_REFAULT_FILE] = 2000, [MK_PGMAJFAULT] = 3000,
		[MK_PSI_SOME_TOTAL] = 10, [MK_PSI_FULL_TOTAL] = 4,
		[MK_STAMP] = UINT64_MAX, [MK_VERSION] = 0,
	};

	for (int k = 0; k < MK_COUNT; k++) {
		v[k] = f[k];
		have[k] = true;
	}
}

/* The honest value, NUL-terminated (the codec itself never needs one). */
static size_t encode(char *buf, const uint64_t v[MK_COUNT], const bool have[MK_COUNT])
{
	size_t n = report_value_encode(buf, v, have);

	assert_true(n <= REPORT_VALUE_MAX);
	buf[n] = '\0';
	return n;
}

static enum report_value_err split_str(const char *s)
{
	const char *raw[MK_COUNT];
	unsigned lens[MK_COUNT];
	uint64_t layout;

	return report_value_split(s, strlen(s), raw, lens, &layout);
}

/* The fields, the order of the table: the layout, every figure row
 * (publish != MKP_META) in enum order, the stamp. Built here from the
 * table's columns, independently of report_value_keys(). */
static void test_fields_follow_the_key_table(void **state)
{
	uint64_t v[MK_COUNT];
	bool have[MK_COUNT];
	char buf[REPORT_VALUE_MAX + 1], want[REPORT_VALUE_MAX + 1];
	size_t n = 0;

	honest(v, have);
	have[MK_BALLOON_TARGET] = false;     /* one absent: "-" */
	n += (size_t)snprintf(want + n, sizeof(want) - n, "%d", MEMBAL_KEY_LAYOUT_VERSION);
	/* The figures of layouts up to 3 in enum order, the stamp, then each
	 * later layout's figures: a later layout only appends. */
	int before = 0;

	for (int l = REPORT_VALUE_LAYOUT_MIN; l <= MEMBAL_KEY_LAYOUT_VERSION; l++) {
		for (int k = 0; k < MK_COUNT; k++) {
			int kl = membal_keys[k].layout;

			if (membal_keys[k].publish == MKP_META ||
			    (l == REPORT_VALUE_LAYOUT_MIN ? kl > l : kl != l))
				continue;
			before += l == REPORT_VALUE_LAYOUT_MIN;
			n += have[k] ? (size_t)snprintf(want + n, sizeof(want) - n, " %" PRIu64, v[k])
				     : (size_t)snprintf(want + n, sizeof(want) - n, " -");
		}
		if (l == REPORT_VALUE_LAYOUT_MIN)
			n += (size_t)snprintf(want + n, sizeof(want) - n, " %" PRIu64, v[MK_STAMP]);
	}
	encode(buf, v, have);
	assert_string_equal(buf, want);

	int keys[MK_COUNT];

	assert_int_equal(report_value_keys(MEMBAL_KEY_LAYOUT_VERSION, keys), MK_COUNT - 1);
	assert_int_equal(keys[before], MK_STAMP);
	/* A later layout: what we know, at the same places. */
	assert_int_equal(report_value_keys(99, keys), MK_COUNT - 1);
}

static void test_round_trip(void **state)
{
	uint64_t v[MK_COUNT];
	bool have[MK_COUNT];
	char buf[REPORT_VALUE_MAX + 1];
	const char *raw[MK_COUNT];
	unsigned lens[MK_COUNT];
	uint64_t layout = 0;

	srand(21);
	for (int round = 0; round < 2000; round++) {
		for (int k = 0; k < MK_COUNT; k++) {
			int bits = rand() % 65;

			v[k] = bits == 0 ? 0 : ((uint64_t)rand() << 33 ^ (uint64_t)rand() << 11 ^
						(uint64_t)rand()) >> (64 - bits);
			have[k] = rand() % 4 != 0;
		}
		have[MK_STAMP] = true;
		if (round == 0)
			for (int k = 0; k < MK_COUNT; k++)
				v[k] = UINT64_MAX;   /* the longest value */
		size_t n = encode(buf, v, have);

		assert_int_equal(report_value_split(buf, n, raw, lens, &layout), RV_OK);
		assert_int_equal(layout, MEMBAL_KEY_LAYOUT_VERSION);
		for (int k = 0; k < MK_COUNT; k++) {
			char want[24];

			if (k == MK_VERSION) {
				snprintf(want, sizeof(want), "%d", MEMBAL_KEY_LAYOUT_VERSION);
			} else if (!have[k]) {
				assert_null(raw[k]);
				continue;
			} else {
				snprintf(want, sizeof(want), "%" PRIu64, v[k]);
			}
			assert_non_null(raw[k]);
			assert_int_equal(lens[k], strlen(want));
			assert_memory_equal(raw[k], want, lens[k]);
		}
	}
}

/* Through the arbiter: the same figures back, the same bounds. */
static void test_guest_parse_value_takes_honest(void **state)
{
	uint64_t v[MK_COUNT];
	bool have[MK_COUNT];
	char buf[REPORT_VALUE_MAX + 1], why[64];
	struct guest_figures g;
	struct guest_rejects rej = { 0 };

	honest(v, have);
	have[MK_AVAIL] = false;
	size_t n = encode(buf, v, have);

	assert_true(guest_parse_value(buf, (unsigned)n, &bounds, &g, &rej, why, sizeof(why)));
	assert_string_equal(why, "");
	for (int k = 0; k < MK_COUNT; k++) {
		if (k == MK_AVAIL) {
			assert_false(guest_has(&g, k));
			continue;
		}
		assert_true(guest_has(&g, k));
		assert_int_equal(g.v[k], k == MK_VERSION ? MEMBAL_KEY_LAYOUT_VERSION : v[k]);
	}
	assert_int_equal(rej.reports, 0);
	assert_int_equal(rej.keys, 0);

	/* The per-key bounds: free above tot refuses (a required key), a
	 * shmem above tot drops that figure only. */
	honest(v, have);
	v[MK_SHMEM] = 250001;
	n = encode(buf, v, have);
	assert_true(guest_parse_value(buf, (unsigned)n, &bounds, &g, &rej, why, sizeof(why)));
	assert_false(guest_has(&g, MK_SHMEM));
	assert_int_equal(rej.keys, 1);
	v[MK_FREE] = 250001;
	n = encode(buf, v, have);
	assert_false(guest_parse_value(buf, (unsigned)n, &bounds, &g, &rej, why, sizeof(why)));
	assert_string_equal(why, "free: free>tot");
	/* A required figure the value says it does not have. */
	honest(v, have);
	have[MK_COMMITTED_AS] = false;
	n = encode(buf, v, have);
	assert_false(guest_parse_value(buf, (unsigned)n, &bounds, &g, &rej, why, sizeof(why)));
	assert_string_equal(why, "committed_as: missing");
	assert_int_equal(rej.reports, 2);
}

struct bad {
	const char *what;
	enum report_value_err err;
};

/* Replace the text between field i and field i+1 (or put text around
 * the value): every refusal rule on an otherwise honest value. */
static void mutate(char *out, size_t size, const char *good, const char *how, int field,
		   const char *text)
{
	const char *p = good;

	if (!strcmp(how, "prefix")) {
		snprintf(out, size, "%s%s", text, good);
		return;
	}
	if (!strcmp(how, "suffix")) {
		snprintf(out, size, "%s%s", good, text);
		return;
	}
	for (int i = 0; i < field; i++)
		p = strchr(p, ' ') + 1;
	const char *end = strchr(p, ' ');

	if (!end)
		end = p + strlen(p);
	if (!strcmp(how, "drop-last")) {
		snprintf(out, size, "%.*s", (int)(p - good - 1), good);
		return;
	}
	/* "field": replace field `field` with text */
	snprintf(out, size, "%.*s%s%s", (int)(p - good), good, text, end);
}

static void test_refusals(void **state)
{
	uint64_t v[MK_COUNT];
	bool have[MK_COUNT];
	char good[REPORT_VALUE_MAX + 1], bad[2 * REPORT_VALUE_MAX];
	static const struct { const char *how; int field; const char *text;
			      enum report_value_err err; } cases[] = {
		{ "prefix", 0, " ", RV_LEADING_SPACE },
		{ "suffix", 0, " ", RV_TRAILING_SPACE },
		{ "field", 3, "1  2", RV_DOUBLE_SPACE },
		{ "field", 0, "", RV_LEADING_SPACE },     /* an empty first field */
		{ "field", 5, "", RV_DOUBLE_SPACE },      /* an empty field */
		{ "field", 2, "123456789012345678901", RV_FIELD_TOO_LONG },
		{ "field", 2, "00000000000000000000000", RV_FIELD_TOO_LONG },
		{ "field", 2, "12a", RV_NOT_A_NUMBER },
		{ "field", 2, "+5", RV_NOT_A_NUMBER },
		{ "field", 2, "-5", RV_NOT_A_NUMBER },
		{ "field", 2, "--", RV_NOT_A_NUMBER },
		{ "field", 2, "0x10", RV_NOT_A_NUMBER },
		{ "field", 2, "1.5", RV_NOT_A_NUMBER },
		{ "field", 2, "5\n", RV_NOT_A_NUMBER },
		{ "field", 4, "1\t2", RV_NOT_A_NUMBER },
		{ "field", 0, "99999999999999999999", RV_NOT_A_NUMBER }, /* layout > 2^64 - 1 */
		{ "field", 0, "2", RV_LAYOUT },
		{ "field", 0, "0", RV_LAYOUT },
		{ "field", 0, "-", RV_LAYOUT },
		{ "drop-last", 24, "", RV_TOO_FEW },
		{ "suffix", 0, " 5", RV_TOO_MANY },
		{ "suffix", 0, " -", RV_TOO_MANY },
	};

	honest(v, have);
	encode(good, v, have);
	assert_int_equal(split_str(good), RV_OK);
	assert_int_equal(split_str(""), RV_EMPTY);
	assert_int_equal(split_str("3"), RV_TOO_FEW);
	assert_int_equal(split_str(" "), RV_LEADING_SPACE);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mutate(bad, sizeof(bad), good, cases[i].how, cases[i].field, cases[i].text);
		if (split_str(bad) != cases[i].err)
			fail_msg("case %zu (%s %d '%s'): '%s' gave %s, want %s", i, cases[i].how,
				 cases[i].field, cases[i].text, bad,
				 report_value_strerror(split_str(bad)),
				 report_value_strerror(cases[i].err));
	}
	/* An embedded NUL: the value is bytes, not a C string. */
	{
		const char *raw[MK_COUNT];
		unsigned lens[MK_COUNT];
		uint64_t layout;
		size_t n = strlen(good);

		memcpy(bad, good, n);
		bad[6] = '\0';
		assert_int_equal(report_value_split(bad, n, raw, lens, &layout), RV_NOT_A_NUMBER);
	}
}

/* A later layout may only append fields: an arbiter of ours takes the
 * fields it knows at the same places and ignores the rest; the extra
 * fields are held to the same syntax. */
static void test_later_layout_appends(void **state)
{
	uint64_t v[MK_COUNT];
	bool have[MK_COUNT];
	char good[REPORT_VALUE_MAX + 1], later[2 * REPORT_VALUE_MAX], why[64];
	struct guest_figures g, h;
	struct guest_rejects rej = { 0 };

	honest(v, have);
	encode(good, v, have);
	assert_true(guest_parse_value(good, (unsigned)strlen(good), &bounds, &g, &rej, why,
				      sizeof(why)));
	snprintf(later, sizeof(later), "%d%s 77 - 99", MEMBAL_KEY_LAYOUT_VERSION + 1,
		 strchr(good, ' '));
	assert_int_equal(split_str(later), RV_OK);
	assert_true(guest_parse_value(later, (unsigned)strlen(later), &bounds, &h, &rej, why,
				      sizeof(why)));
	for (int k = 0; k < MK_COUNT; k++)
		if (k != MK_VERSION)
			assert_int_equal(h.v[k], g.v[k]);
	assert_int_equal(h.v[MK_VERSION], MEMBAL_KEY_LAYOUT_VERSION + 1);
	/* ... but not fewer than ours, and not garbage in the extras. */
	snprintf(later, sizeof(later), "%d%s", MEMBAL_KEY_LAYOUT_VERSION + 1, strchr(good, ' '));
	*strrchr(later, ' ') = '\0';
	assert_int_equal(split_str(later), RV_TOO_FEW);
	snprintf(later, sizeof(later), "%d%s 7x", MEMBAL_KEY_LAYOUT_VERSION + 1, strchr(good, ' '));
	assert_int_equal(split_str(later), RV_NOT_A_NUMBER);
	assert_int_equal(rej.reports, 0);
}

/* Refused as a whole: counted once, said why, *out untouched; the
 * hand-over's empty node is nothing published, not a refusal. */
static void test_guest_parse_value_refuses_whole(void **state)
{
	uint64_t v[MK_COUNT];
	bool have[MK_COUNT];
	char good[REPORT_VALUE_MAX + 1], bad[REPORT_VALUE_MAX + 8], why[64];
	struct guest_figures g, canary;
	struct guest_rejects rej = { 0 };

	honest(v, have);
	encode(good, v, have);
	memset(&canary, 0x5a, sizeof(canary));
	g = canary;
	snprintf(bad, sizeof(bad), "%s ", good);
	assert_false(guest_parse_value(bad, (unsigned)strlen(bad), &bounds, &g, &rej, why,
				       sizeof(why)));
	assert_string_equal(why, "report: trailing space");
	assert_memory_equal(&g, &canary, sizeof(g));
	assert_int_equal(rej.reports, 1);
	assert_int_equal(rej.why[GREJ_SYNTAX], 1);
	snprintf(bad, sizeof(bad), "2%s", strchr(good, ' '));
	assert_false(guest_parse_value(bad, (unsigned)strlen(bad), &bounds, &g, &rej, why,
				       sizeof(why)));
	assert_string_equal(why, "report: layout below 3");
	assert_int_equal(rej.why[GREJ_LAYOUT], 1);
	assert_int_equal(rej.reports, 2);
	/* nothing published yet */
	assert_false(guest_parse_value("", 0, &bounds, &g, &rej, why, sizeof(why)));
	assert_string_equal(why, "");
	assert_int_equal(rej.reports, 2);
	assert_memory_equal(&g, &canary, sizeof(g));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_follow_the_key_table),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_guest_parse_value_takes_honest),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_later_layout_appends),
		cmocka_unit_test(test_guest_parse_value_refuses_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
