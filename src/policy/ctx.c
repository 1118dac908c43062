/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The solvers' scratch (struct policy_ctx): allocated once for the
 * largest snapshot, so that a cycle allocates nothing.
 */
#include "policy/policy.h"

#include <stdlib.h>
#include <string.h>

#include "policy/solve.h"

int policy_ctx_init(struct policy_ctx *ctx, size_t capacity)
{
	memset(ctx, 0, sizeof(*ctx));
	if (capacity > POLICY_MAX_DOMAINS)
		return -1;
	size_t cap = capacity ? capacity : 1;

	ctx->items = calloc(cap, sizeof(*ctx->items));
	ctx->events = calloc(2 * cap, sizeof(*ctx->events));
	ctx->events_tmp = calloc(2 * cap, sizeof(*ctx->events_tmp));
	/* The paper solver's scratch is allocated by its first call
	 * (solve_paper.c): the default exact solver never needs it. */
	if (!ctx->items || !ctx->events || !ctx->events_tmp) {
		policy_ctx_free(ctx);
		return -1;
	}
	ctx->capacity = capacity;
	return 0;
}

void policy_ctx_free(struct policy_ctx *ctx)
{
	free(ctx->items);
	free(ctx->events);
	free(ctx->events_tmp);
	free(ctx->paper_matrix);
	free(ctx->paper_x);
	free(ctx->paper_idx);
	memset(ctx, 0, sizeof(*ctx));
}
