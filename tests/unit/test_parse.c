/* SPDX-License-Identifier: GPL-2.0-only */
/* Strict number parsing: what a guest or an INI file may send us. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "common/parse.h"

static void test_u64_accepts_plain_decimal(void **state)
{
	uint64_t v = 7;

	assert_int_equal(parse_u64("0", 0, UINT64_MAX, &v), PARSE_OK);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u64("262144", 0, UINT64_MAX, &v), PARSE_OK);
	assert_int_equal(v, 262144);
	assert_int_equal(parse_u64("0007", 0, UINT64_MAX, &v), PARSE_OK);
	assert_int_equal(v, 7);
	assert_int_equal(parse_u64("18446744073709551615", 0, UINT64_MAX, &v), PARSE_OK);
	assert_true(v == UINT64_MAX);
}

static void test_u64_rejects_what_strtoull_accepts(void **state)
{
	uint64_t v = 42;
	/* Each of these is a number to strtoull(); none is to us. */
	const char *bad[] = { "-1", "+1", " 1", "1 ", "0x10", "12abc", "1e3",
			      "1.0", "", "\t5", "5\n" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum parse_err e = parse_u64(bad[i], 0, UINT64_MAX, &v);

		assert_int_not_equal(e, PARSE_OK);
		assert_int_equal(v, 42); /* untouched on error */
	}
	assert_int_equal(parse_u64("", 0, 10, &v), PARSE_EMPTY);
	assert_int_equal(parse_u64("12abc", 0, UINT64_MAX, &v), PARSE_SYNTAX);
}

static void test_u64_overflow_and_range(void **state)
{
	uint64_t v = 1;

	assert_int_equal(parse_u64("18446744073709551616", 0, UINT64_MAX, &v),
			 PARSE_OVERFLOW);
	assert_int_equal(parse_u64("99999999999999999999", 0, UINT64_MAX, &v),
			 PARSE_OVERFLOW);
	assert_int_equal(parse_u64("11", 0, 10, &v), PARSE_RANGE);
	assert_int_equal(parse_u64("4", 5, 10, &v), PARSE_RANGE);
	assert_int_equal(v, 1);
}

static void test_u64n_bounded_length_and_nul(void **state)
{
	uint64_t v = 0;
	char buf[4096];

	/* A guest may write 2048 bytes of digits: refused by length before
	 * any arithmetic. */
	memset(buf, '1', sizeof(buf));
	assert_int_equal(parse_u64n(buf, sizeof(buf), PARSE_U64_MAXLEN, 0, UINT64_MAX, &v),
			 PARSE_TOO_LONG);
	assert_int_equal(parse_u64n("123\0" "4", 5, PARSE_U64_MAXLEN, 0, UINT64_MAX, &v),
			 PARSE_SYNTAX);
	assert_int_equal(parse_u64n("1234", 2, PARSE_U64_MAXLEN, 0, UINT64_MAX, &v), PARSE_OK);
	assert_int_equal(v, 12);
	assert_int_equal(parse_u64n("", 0, 5, 0, 10, &v), PARSE_EMPTY);
}

static void test_i64(void **state)
{
	int64_t v = 0;

	assert_int_equal(parse_i64("-5", -10, 10, &v), PARSE_OK);
	assert_int_equal(v, -5);
	assert_int_equal(parse_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v), PARSE_OK);
	assert_true(v == INT64_MIN);
	assert_int_equal(parse_i64("9223372036854775808", INT64_MIN, INT64_MAX, &v), PARSE_OVERFLOW);
	assert_int_equal(parse_i64("-9223372036854775809", INT64_MIN, INT64_MAX, &v), PARSE_OVERFLOW);
	assert_int_equal(parse_i64("-", INT64_MIN, INT64_MAX, &v), PARSE_SYNTAX);
	assert_int_equal(parse_i64("--1", INT64_MIN, INT64_MAX, &v), PARSE_SYNTAX);
}

static void test_double(void **state)
{
	double v = 0;

	assert_int_equal(parse_double("0.75", 0, 1, &v), PARSE_OK);
	assert_true(v == 0.75);
	assert_int_equal(parse_double("1", 0, 1, &v), PARSE_OK);
	assert_int_equal(parse_double(".5", 0, 1, &v), PARSE_OK);
	assert_true(v == 0.5);
	assert_int_equal(parse_double("1.5", 0, 1, &v), PARSE_RANGE);
	assert_int_equal(parse_double("nan", 0, 1, &v), PARSE_SYNTAX);
	assert_int_equal(parse_double("inf", 0, 1, &v), PARSE_SYNTAX);
	assert_int_equal(parse_double("1e-3", 0, 1, &v), PARSE_SYNTAX);
	assert_int_equal(parse_double(".", 0, 1, &v), PARSE_SYNTAX);
	assert_int_equal(parse_double("0.5x", 0, 1, &v), PARSE_SYNTAX);
}

static void test_bool(void **state)
{
	bool b = false;

	assert_int_equal(parse_bool("yes", &b), PARSE_OK);
	assert_true(b);
	assert_int_equal(parse_bool("Off", &b), PARSE_OK);
	assert_false(b);
	assert_int_equal(parse_bool("maybe", &b), PARSE_SYNTAX);
	assert_int_equal(parse_bool("", &b), PARSE_EMPTY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_accepts_plain_decimal),
		cmocka_unit_test(test_u64_rejects_what_strtoull_accepts),
		cmocka_unit_test(test_u64_overflow_and_range),
		cmocka_unit_test(test_u64n_bounded_length_and_nul),
		cmocka_unit_test(test_i64),
		cmocka_unit_test(test_double),
		cmocka_unit_test(test_bool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
