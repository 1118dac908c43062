/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The price column of `membalctl plan`: "%.6g" as printf writes it, byte
 * for byte, without printf for the prices a plan has. printf converts
 * the exact binary value and rounds to six digits; here x is scaled by an
 * exact power of ten in long double (64-bit mantissa: one rounding, an
 * error below 1e-13 on the six-digit integer), which decides the
 * rounding whenever the scaled value is not within 1e-9 of a half; when
 * it is (a tie or nearly), and for what is not a normal positive number
 * within 1e-20 .. 1e20, printf does it.
 */
#include "ctl/plan.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define P10_MAX 27

/* Exact: 10^k = 2^k * 5^k and 5^27 < 2^64. */
static const long double p10[P10_MAX + 1] = {
	1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L, 1e6L, 1e7L, 1e8L, 1e9L, 1e10L,
	1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L,
	1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L,
};

static size_t by_printf(char *out, double x)
{
	int n = snprintf(out, PLAN_PRICE_MAX, "%.6g", x);

	return n > 0 ? (size_t)n : 0;
}

/* x * 10^k, k in [-P10_MAX, P10_MAX]: one rounding. */
static long double scaled(double x, int k)
{
	return k >= 0 ? (long double)x * p10[k] : (long double)x / p10[-k];
}

size_t plan_format_price(char *out, double x)
{
	if (!(x >= 1e-20 && x < 1e20))
		return by_printf(out, x);
	/* e10 = floor(log10(x)), from the binary exponent, then corrected */
	int e2;

	frexp(x, &e2);
	int e10 = (int)floor((e2 - 1) * 0.30102999566398120);
	long double y = scaled(x, 5 - e10);

	if (y < 100000.0L) {
		e10--;
		y = scaled(x, 5 - e10);
	} else if (y >= 1000000.0L) {
		e10++;
		y = scaled(x, 5 - e10);
	}
	if (y < 100000.0L || y >= 1000000.0L)
		return by_printf(out, x);
	uint64_t n = (uint64_t)y;
	long double frac = y - (long double)n;

	if (fabsl(frac - 0.5L) < 1e-9L)
		return by_printf(out, x);
	if (frac > 0.5L)
		n++;
	if (n == 1000000) {
		n = 100000;
		e10++;
	}
	char d[6];

	for (int i = 5; i >= 0; i--) {
		d[i] = (char)('0' + n % 10);
		n /= 10;
	}
	int nd = 6;             /* digits left once trailing zeros go */

	while (nd > 1 && d[nd - 1] == '0')
		nd--;
	size_t len = 0;

	if (e10 < -4 || e10 >= 6) {
		/* d.ddddde+XX */
		out[len++] = d[0];
		if (nd > 1) {
			out[len++] = '.';
			memcpy(out + len, d + 1, (size_t)nd - 1);
			len += (size_t)nd - 1;
		}
		out[len++] = 'e';
		out[len++] = e10 < 0 ? '-' : '+';
		int ae = e10 < 0 ? -e10 : e10;

		if (ae >= 100)
			out[len++] = (char)('0' + ae / 100);
		out[len++] = (char)('0' + ae / 10 % 10);
		out[len++] = (char)('0' + ae % 10);
	} else if (e10 >= 0) {
		/* e10 + 1 integer digits, then what is left of the six */
		int ni = e10 + 1;

		memcpy(out, d, (size_t)ni);
		len = (size_t)ni;
		if (nd > ni) {
			out[len++] = '.';
			memcpy(out + len, d + ni, (size_t)(nd - ni));
			len += (size_t)(nd - ni);
		}
	} else {
		/* 0.000ddd: -e10 - 1 zeros after the point */
		out[len++] = '0';
		out[len++] = '.';
		for (int i = 0; i < -e10 - 1; i++)
			out[len++] = '0';
		memcpy(out + len, d, (size_t)nd);
		len += (size_t)nd;
	}
	out[len] = '\0';
	return len;
}
