/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exact global-balancing solver (design.md §Why the exact solver is exact).
 *
 * Every domain i taking part has taxed active memory a_i = tau*A_i, a
 * weight w_i and bounds lo_i = L_i <= up_i = U_i. Its price is
 * rho_i = w_i / (Nt_i - a_i); equal prices mean Nt_i - a_i = Lambda*w_i
 * with one Lambda = 1/rho for every domain that is not held at a bound:
 *
 *     Nt_i(Lambda) = clamp(a_i + Lambda*w_i, lo_i, up_i),  sum Nt_i = M.
 *
 * f(Lambda) = sum Nt_i(Lambda) is continuous, piecewise linear and
 * non-decreasing, with at most 2n breakpoints (where a domain leaves lo_i
 * and where it reaches up_i). Sorting the breakpoints and walking them
 * finds the one segment where f crosses M, and on that segment f is a
 * straight line, so Lambda is solved exactly there: no iteration, no
 * tolerance. Stage 3 is the same walk over theta with Nt_i =
 * clamp(theta*a_i, lo_i, up_i).
 *
 * The breakpoints are positive doubles, whose bit patterns sort like the
 * numbers, so an 8-pass LSD radix sort orders them in linear time; the
 * whole solver is O(n) with a constant of about ten passes over the
 * domains, and allocates nothing (the context holds 2n events + 2n of
 * scratch).
 */
#include "policy/solve.h"

#include <float.h>
#include <math.h>
#include <string.h>

/*
 * An unclamped allocation is lowered by this margin before it is rounded
 * down to a page. Nt_i is computed in double from a Lambda whose error is
 * around 1e-18 relative, so the computed Nt_i is within about 1e-6 KiB of
 * the real one for any domain below 1 PiB. Rounding down after removing
 * a margin far above that error guarantees sum targets <= M without
 * trusting the last bit of any sum; it costs at most one page.
 */
#define SOLVE_ETA_KB (1.0 / 16)

uint64_t solve_round(double x, uint64_t lo, uint64_t up, uint32_t *at)
{
	uint64_t v;

	/* Written so that a NaN falls to lo: never below the minimum. */
	if (!(x > (double)lo)) {
		*at = SOLVE_AT_LO;
		return lo;
	}
	if (!(x < (double)up)) {
		*at = SOLVE_AT_UP;
		v = policy_page_down(up);
		return v < lo ? lo : v;
	}
	*at = SOLVE_FREE;
	x -= SOLVE_ETA_KB;
	if (!(x > (double)lo))
		return lo;
	v = policy_page_down((uint64_t)x);
	return v < lo ? lo : v;
}

static inline uint64_t key_of(double t)
{
	uint64_t u;

	/* Only finite positive keys reach here; an overflowed breakpoint
	 * (absurdly small weight) sorts last instead of as +inf. */
	if (!(t < DBL_MAX))
		t = DBL_MAX;
	memcpy(&u, &t, sizeof(u));
	return u;
}

static inline double value_of(uint64_t u)
{
	double t;

	memcpy(&t, &u, sizeof(t));
	return t;
}

static void sort_events(struct solve_event *a, struct solve_event *tmp,
			size_t n)
{
	size_t count[8][256];
	struct solve_event *src = a, *dst = tmp;

	if (n <= 32) {
		for (size_t i = 1; i < n; i++) {
			struct solve_event e = a[i];
			size_t j = i;

			while (j > 0 && a[j - 1].key > e.key) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = e;
		}
		return;
	}
	memset(count, 0, sizeof(count));
	for (size_t i = 0; i < n; i++)
		for (unsigned b = 0; b < 8; b++)
			count[b][(a[i].key >> (8 * b)) & 0xff]++;
	for (unsigned b = 0; b < 8; b++) {
		unsigned shift = 8 * b;
		size_t pos = 0;

		/* Keys of similar magnitude share their top bytes: skip a
		 * pass that would not move anything. */
		if (count[b][(src[0].key >> shift) & 0xff] == n)
			continue;
		for (unsigned d = 0; d < 256; d++) {
			size_t c = count[b][d];

			count[b][d] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[b][(src[i].key >> shift) & 0xff]++] = src[i];
		struct solve_event *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

/* The line a domain follows before clamping: alpha + t*beta. Stage 2
 * walks Lambda (alpha = a_i, beta = w_i); stage 3 walks theta (alpha = 0,
 * beta = a_i). */
static inline void item_line(const struct solve_item *it, bool theta,
			     double *alpha, double *beta)
{
	if (theta) {
		*alpha = 0;
		*beta = it->a;
	} else {
		*alpha = it->a;
		*beta = it->w;
	}
}

static inline double clampd(double x, double lo, double up)
{
	return x < lo ? lo : x > up ? up : x;
}

/* Kahan summation in long double: the refined Lambda below must not
 * inherit the rounding of a million additions. */
struct ksum {
	long double s, c;
};

static inline void ksum_add(struct ksum *k, long double v)
{
	long double y = v - k->c;
	long double t = k->s + y;

	k->c = (t - k->s) - y;
	k->s = t;
}

/*
 * Find t in [0, t_max] with sum clamp(alpha_i + t*beta_i, lo_i, up_i) = M,
 * given f(0) <= M < f(t_max) (t_max = +inf for Lambda: f(inf) = sum up_i).
 */
static double solve_line(struct policy_ctx *ctx, size_t k, int64_t M,
			 bool theta, double t_max)
{
	struct solve_item *items = ctx->items;
	struct solve_event *ev = ctx->events;
	long double C = 0, W = 0;
	size_t ne = 0;

	/* State at t = 0 and the breakpoints beyond it. */
	for (size_t i = 0; i < k; i++) {
		const struct solve_item *it = &items[i];
		double alpha, beta, lo = (double)it->lo, up = (double)it->up;

		item_line(it, theta, &alpha, &beta);
		if (!(beta > 0)) {
			C += clampd(alpha, lo, up);
			continue;
		}
		double t_lo = (lo - alpha) / beta;
		double t_up = (up - alpha) / beta;

		if (t_up <= 0) {
			C += up;
			continue;
		}
		if (t_lo <= 0) {
			C += alpha;
			W += beta;
		} else {
			C += lo;
			ev[ne++] = (struct solve_event){ key_of(t_lo), (uint32_t)i, 1 };
		}
		ev[ne++] = (struct solve_event){ key_of(t_up), (uint32_t)i, 0 };
	}
	sort_events(ev, ctx->events_tmp, ne);

	/* Walk the segments: on each, f(t) = C + W*t. */
	double t = 0, t_next = t_max;

	for (size_t j = 0; j < ne; j++) {
		double key = value_of(ev[j].key);

		if (key >= t_max)
			break;
		if (C + W * key >= (long double)M) {
			t_next = key;
			break;
		}
		const struct solve_item *it = &items[ev[j].item];
		double alpha, beta;

		item_line(it, theta, &alpha, &beta);
		if (ev[j].enter) {
			C += alpha - (double)it->lo;
			W += beta;
		} else {
			C += (double)it->up - alpha;
			W -= beta;
		}
		t = key;
	}
	double ts = t;

	if (W > 0) {
		long double s = ((long double)M - C) / W;

		if (s > ts)
			ts = (double)s;
	}
	if (ts > t_next)
		ts = t_next;

	/*
	 * Refine on the segment just found: classify every domain at ts and
	 * solve the straight line again from exact integer bounds and
	 * compensated sums, so that the running sums of the walk (2n updates)
	 * leave no trace in the result.
	 */
	int64_t bounds = 0;
	struct ksum sa = { 0, 0 }, sb = { 0, 0 };

	for (size_t i = 0; i < k; i++) {
		const struct solve_item *it = &items[i];
		double alpha, beta;

		item_line(it, theta, &alpha, &beta);
		double x = alpha + ts * beta;

		if (!(x > (double)it->lo))
			bounds += (int64_t)it->lo;
		else if (!(x < (double)it->up))
			bounds += (int64_t)it->up;
		else {
			ksum_add(&sa, alpha);
			ksum_add(&sb, beta);
		}
	}
	if (sb.s > 0) {
		long double s = ((long double)M - bounds - sa.s) / sb.s;

		if (s >= 0 && s <= t_max && isfinite((double)s))
			ts = (double)s;
	}
	return ts;
}

static void set_targets(struct policy_ctx *ctx, size_t k, bool theta,
			double t)
{
	for (size_t i = 0; i < k; i++) {
		struct solve_item *it = &ctx->items[i];
		double alpha, beta;

		uint32_t at;

		item_line(it, theta, &alpha, &beta);
		it->target = solve_round(alpha + t * beta, it->lo, it->up, &at);
		it->at = (uint8_t)at;
	}
}

/*
 * Last resort, never expected: if rounding still left sum targets above
 * M, trim pages in index order and count them in cycle->fixup_kb (the
 * tests assert it stays 0). It keeps the promise sum <= M even if the
 * error analysis above were wrong.
 */
static void fixup(struct policy_ctx *ctx, size_t k, int64_t M,
		  struct policy_cycle *cycle)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < k; i++)
		sum += ctx->items[i].target;
	if (M < 0 || sum <= (uint64_t)M)
		return;
	uint64_t excess = sum - (uint64_t)M;

	for (size_t i = 0; i < k && excess > 0; i++) {
		struct solve_item *it = &ctx->items[i];
		uint64_t room = it->target - it->lo;
		uint64_t take = room < excess ? room : excess;

		it->target -= take;
		excess -= take;
		cycle->fixup_kb += take;
	}
}

bool solve_infeasible(struct policy_ctx *ctx, size_t k, int64_t M,
		      struct policy_cycle *cycle)
{
	uint64_t sum_lo = 0;

	for (size_t i = 0; i < k; i++)
		sum_lo += ctx->items[i].lo;
	if ((int64_t)sum_lo <= M)
		return false;
	for (size_t i = 0; i < k; i++) {
		ctx->items[i].target = ctx->items[i].lo;
		ctx->items[i].at = SOLVE_AT_LO;
	}
	/* Both terms are below 2^62 (policy_decide checks its inputs). */
	cycle->shortfall_kb = (uint64_t)((int64_t)sum_lo - M);
	return true;
}

enum policy_stage solve_exact(struct policy_ctx *ctx, size_t k, int64_t M,
			      struct policy_cycle *cycle)
{
	struct solve_item *items = ctx->items;
	uint64_t sum_up = 0;
	long double f0 = 0;

	/* Stage 4: even the minimums do not fit. */
	if (solve_infeasible(ctx, k, M, cycle))
		return POLICY_STAGE_INFEASIBLE;
	for (size_t i = 0; i < k; i++) {
		sum_up += items[i].up;
		/* f(Lambda = 0): everybody at its taxed active memory. */
		f0 += clampd(items[i].a, (double)items[i].lo,
			     (double)items[i].up);
	}
	/* Stage 1: every domain can have its cap U_i. */
	if ((int64_t)sum_up <= M) {
		for (size_t i = 0; i < k; i++) {
			uint64_t v = policy_page_down(items[i].up);

			items[i].target = v < items[i].lo ? items[i].lo : v;
			items[i].at = SOLVE_AT_UP;
		}
		return POLICY_STAGE_CAP;
	}
	/* Stage 2: Lambda >= 0 exists. Never below 0: a negative Lambda
	 * would make more shares or more swap use LOWER a target. */
	if (f0 <= (long double)M) {
		double lambda = solve_line(ctx, k, M, false, INFINITY);

		set_targets(ctx, k, false, lambda);
		fixup(ctx, k, M, cycle);
		cycle->lambda = lambda;
		return POLICY_STAGE_PRICE;
	}
	/* Stage 3: the taxed active memory itself does not fit; scale it
	 * by theta in [0, 1): g(0) = sum L_i <= M < g(1) = f(0). */
	double theta = solve_line(ctx, k, M, true, 1.0);

	set_targets(ctx, k, true, theta);
	fixup(ctx, k, M, cycle);
	cycle->theta = theta;
	return POLICY_STAGE_THETA;
}
