/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The paper's global-balancing solver, kept as Zhang et al. describe it
 * (§4.4, equations (3)-(4), Algorithm 3) because it is the baseline the
 * exact solver is measured against. Faithful on purpose, including its
 * cost and its weaknesses:
 *
 * - The budget is M = sum N_i: the paper balances the memory the domains
 *   hold now and adds the host's free memory F_h afterwards, in
 *   proportion: T_i = Nt_i + F_h * Nt_i / sum Nt_i, clamped to bounds.
 * - Equal prices w_1/(Nt_1 - tau*A_1) = w_j/(Nt_j - tau*A_j) become, with
 *   b_j = w_j / w_1, the n-1 rows  b_j*Nt_1 - Nt_j = b_j*tau*A_1 - tau*A_j
 *   and the row  Nt_1 + ... + Nt_n = M  (the matrix A of equation (4)),
 *   solved by dense Gaussian elimination with partial pivoting: O(n^3)
 *   although the matrix is an arrow with 3n - 2 non-zeros.
 * - Algorithm 3: every result outside [L_i, U_i] is pinned at the bound
 *   it crossed, all at once, and the others are solved again with what
 *   is left; a domain once pinned is never released. This is where it can
 *   differ from the equal-price allocation (design.md §The paper's solver (`solver = paper`), and
 *   tests/unit/test_solve.c: test_paper_differs_from_exact).
 * - A single remaining domain takes what is left, clamped to its bounds.
 *
 * The upper bound is U_i as for the exact solver, which is H_i under the
 * paper preset (scarce_cap = max), as in the paper.
 */
#include "policy/solve.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ensure_matrix(struct policy_ctx *ctx, size_t m,
			 struct policy_cycle *cycle)
{
	if (m <= ctx->paper_matrix_n)
		return 0;
	double *mat = realloc(ctx->paper_matrix, m * (m + 1) * sizeof(double));

	if (!mat) {
		snprintf(cycle->error, sizeof(cycle->error),
			 "paper solver: cannot allocate a %zux%zu matrix", m, m);
		return -1;
	}
	ctx->paper_matrix = mat;
	ctx->paper_matrix_n = m;
	return 0;
}

/* Its per-domain scratch, for the capacity, the first time it runs. */
static int ensure_scratch(struct policy_ctx *ctx, struct policy_cycle *cycle)
{
	size_t cap = ctx->capacity ? ctx->capacity : 1;

	if (ctx->paper_x && ctx->paper_idx)
		return 0;
	if (!ctx->paper_x)
		ctx->paper_x = calloc(cap, sizeof(*ctx->paper_x));
	if (!ctx->paper_idx)
		ctx->paper_idx = calloc(cap, sizeof(*ctx->paper_idx));
	if (ctx->paper_x && ctx->paper_idx)
		return 0;
	snprintf(cycle->error, sizeof(cycle->error),
		 "paper solver: cannot allocate its scratch for %zu domains", cap);
	return -1;
}

/* Solve the m x m system held in mat (row-major, m+1 columns: the last is
 * the right-hand side). The solution ends in the last column. */
static int gauss(double *mat, size_t m)
{
	size_t stride = m + 1;

	for (size_t col = 0; col < m; col++) {
		size_t piv = col;
		double best = fabs(mat[col * stride + col]);

		for (size_t r = col + 1; r < m; r++) {
			double v = fabs(mat[r * stride + col]);

			if (v > best) {
				best = v;
				piv = r;
			}
		}
		if (!(best > 1e-300))
			return -1;
		if (piv != col) {
			double *a = &mat[piv * stride], *b = &mat[col * stride];

			for (size_t c = col; c < stride; c++) {
				double t = a[c];

				a[c] = b[c];
				b[c] = t;
			}
		}
		const double *prow = &mat[col * stride];

		for (size_t r = col + 1; r < m; r++) {
			double *row = &mat[r * stride];
			double f = row[col] / prow[col];

			/* Dense, as written: no skipping of zero multipliers. */
			for (size_t c = col; c < stride; c++)
				row[c] -= f * prow[c];
		}
	}
	for (size_t r = m; r-- > 0;) {
		double *row = &mat[r * stride];
		double s = row[m];

		for (size_t c = r + 1; c < m; c++)
			s -= row[c] * mat[c * stride + m];
		row[m] = s / row[r];
	}
	return 0;
}

int solve_paper(struct policy_ctx *ctx, size_t k, int64_t bonus_kb,
		struct policy_cycle *cycle)
{
	struct solve_item *items = ctx->items;
	double total = 0;
	size_t m = 0;

	if (ensure_scratch(ctx, cycle) < 0)
		return -1;
	double *nt = ctx->paper_x;
	uint32_t *idx = ctx->paper_idx;

	for (size_t i = 0; i < k; i++) {
		total += (double)items[i].actual;
		items[i].at = SOLVE_FREE;
		idx[m++] = (uint32_t)i;
	}

	/* Balance_mem(total_cur), Algorithm 3, unrolled into a loop. */
	while (m > 0) {
		if (m == 1) {
			struct solve_item *it = &items[idx[0]];
			double x = total;

			if (x < (double)it->lo)
				x = (double)it->lo;
			if (x > (double)it->up)
				x = (double)it->up;
			nt[idx[0]] = x;
			break;
		}
		if (ensure_matrix(ctx, m, cycle) < 0)
			return -1;

		double *mat = ctx->paper_matrix;
		size_t stride = m + 1;
		const struct solve_item *first = &items[idx[0]];

		memset(mat, 0, m * stride * sizeof(double));
		for (size_t r = 0; r + 1 < m; r++) {
			const struct solve_item *it = &items[idx[r + 1]];
			double b = it->w / first->w;  /* b_j = w_j / w_1 */
			double *row = &mat[r * stride];

			row[0] = b;
			row[r + 1] = -1;
			row[m] = b * first->a - it->a;
		}
		for (size_t c = 0; c < m; c++)
			mat[(m - 1) * stride + c] = 1;
		mat[(m - 1) * stride + m] = total;

		cycle->paper_solves++;
		if (gauss(mat, m) < 0) {
			snprintf(cycle->error, sizeof(cycle->error),
				 "paper solver: singular %zux%zu system", m, m);
			return -1;
		}

		size_t keep = 0;

		for (size_t r = 0; r < m; r++) {
			uint32_t i = idx[r];
			struct solve_item *it = &items[i];
			double x = mat[r * stride + m];

			if (x < (double)it->lo) {
				nt[i] = (double)it->lo;
				it->at = SOLVE_AT_LO;
				total -= (double)it->lo;
			} else if (x > (double)it->up) {
				nt[i] = (double)it->up;
				it->at = SOLVE_AT_UP;
				total -= (double)it->up;
			} else {
				nt[i] = x;
				idx[keep++] = i;
			}
		}
		if (keep == m)
			break;
		m = keep;
	}

	/* The "bonus": the host's free memory in proportion to Nt_i. */
	double sum_nt = 0;

	for (size_t i = 0; i < k; i++)
		sum_nt += nt[i];
	for (size_t i = 0; i < k; i++) {
		struct solve_item *it = &items[i];
		double x = nt[i];
		uint32_t at;

		if (sum_nt > 0)
			x += (double)bonus_kb * nt[i] / sum_nt;
		/* Where it ends is decided after the bonus: a domain pinned
		 * at L_i by the recursion may be lifted off it. */
		it->target = solve_round(x, it->lo, it->up, &at);
		it->at = at;
	}
	return 0;
}
