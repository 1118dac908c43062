/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membalctl plan's price column (src/ctl/plan_price.c) against printf's
 * "%.6g", byte for byte: random doubles over and beyond the range it
 * formats itself, values on and next to the halves where six-digit
 * rounding goes either way, the places where the exponent or the style
 * changes (1e-5, 1e-4, 1e6, 9.999995eX), and what it leaves to printf.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/plan.h"

static unsigned long checked;

static void same(double x)
{
	char want[64], got[PLAN_PRICE_MAX];
	int n = snprintf(want, sizeof(want), "%.6g", x);
	size_t len = plan_format_price(got, x);

	checked++;
	if (len != (size_t)n || strcmp(got, want) != 0)
		fail_msg("%.17g (%a): printf '%s', plan_format_price '%s' (%zu)", x, x,
			 want, got, len);
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void test_random_doubles(void **state)
{
	for (int i = 0; i < 400000; i++) {
		/* uniform in log scale over 1e-24 .. 1e24 */
		double e = (double)(next() % 48000) / 1000.0 - 24;

		same(pow(10, e));
		/* any positive bit pattern */
		uint64_t b = next() >> 1;
		double x;

		memcpy(&x, &b, sizeof(x));
		same(x);
	}
}

/* (n + 1/2) 10^k for six-digit n: the halves, and the doubles either
 * side of each. */
static void test_halves(void **state)
{
	for (int k = -26; k <= 21; k++) {
		for (int i = 0; i < 2000; i++) {
			uint64_t n = 100000 + next() % 900000;
			double x = ((double)n + 0.5) * pow(10, k);

			same(x);
			same(nextafter(x, 0));
			same(nextafter(x, INFINITY));
			same((double)n * pow(10, k));
		}
	}
}

static void test_style_and_exponent_edges(void **state)
{
	static const double edges[] = {
		1e-5, 1e-4, 1e-3, 0.1, 1, 10, 1e5, 1e6, 1e7, 1e-20, 1e20, 1e-21, 1e21,
		9.999995e-5, 9.999995e-6, 9.9999951e-5, 9.9999949e-5, 999999.5,
		999999.4, 999999.6, 99999.95, 9.999995e5, 9.999995e19, 9.9999e-21,
		0.5, 0.25, 0.125, 1.5, 2.5, 1234565, 0.0001234565, 1.31854e-07,
	};
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		same(edges[i]);
		same(nextafter(edges[i], 0));
		same(nextafter(edges[i], INFINITY));
	}
	for (int e = -30; e <= 30; e++) {
		double p = pow(10, e);

		same(p);
		same(nextafter(p, 0));
		same(nextafter(p, INFINITY));
		same(9.999995 * p);
		same(9.9999951 * p);
		same(9.9999949 * p);
	}
}

/* Left to printf: zero, negatives, subnormals, infinities, NaN. */
static void test_printf_cases(void **state)
{
	const double odd[] = { 0.0, -0.0, -1.5, -1e-7, 5e-324, 2.2250738585072014e-308,
			       INFINITY, -INFINITY, NAN, 1.7976931348623157e308 };

	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		same(odd[i]);
	print_message("%lu values compared with printf\n", checked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_doubles),
		cmocka_unit_test(test_halves),
		cmocka_unit_test(test_style_and_exponent_edges),
		cmocka_unit_test(test_printf_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
