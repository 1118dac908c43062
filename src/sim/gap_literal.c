// SPDX-License-Identifier: GPL-2.0-only
#include "sim/gap_literal.h"

#include <string.h>

#define LIT_ALIGN 4
#define LIT_CHANGE_MAX 128
#define LIT_MIN_GAP 4

void literal_gap_init(struct literal_gap *l, uint64_t seed)
{
	memset(l, 0, sizeof(*l));
	l->prev_gap = 16;          /* the listing's "empirical initial value" */
	l->prev_pagein = 1000;     /* its initial values for the first delta */
	l->prev_io = 100;
	l->rng = seed;
}

/* ALIGN_GAP(gap, ws): MAX(MIN(gap, ws/2) & ~3, 4) */
static int align_gap(int gap, unsigned ws)
{
	int g = gap < (int)ws / 2 ? gap : (int)ws / 2;

	g &= ~(LIT_ALIGN - 1);
	return g > LIT_MIN_GAP ? g : LIT_MIN_GAP;
}

void literal_gap_fine(struct literal_gap *l, int fined_change,
		      uint32_t cur_pagein, uint32_t cur_io, uint32_t fine_io,
		      uint32_t fine_pagein, uint32_t prize)
{
	/* GAP_TO_IDX in C int arithmetic (truncating division), then into
	 * a UINT: -132 gives -1, +132 gives 65. */
	int i = (fined_change + LIT_CHANGE_MAX) / LIT_ALIGN;
	int32_t *slot;

	if (i < 0) {
		/* The listing: i > GAP_CHANGE_ARRAY -> Abort(). */
		l->out_of_range++;
		slot = &l->price[0];
	} else if (i >= GAP_ACTIONS) {
		/* The listing's check is `>`: index 65 passes and writes one
		 * past the table (kept apart here); larger ones abort. */
		l->out_of_range++;
		slot = i == GAP_ACTIONS ? &l->past_end : &l->price[GAP_ACTIONS - 1];
	} else {
		slot = &l->price[i];
	}
	if ((cur_io & 0xf) > (l->prev_io & 0xf))
		*slot -= (int32_t)fine_io;
	if ((cur_pagein & 0x3f) > (l->prev_pagein & 0x3f))
		*slot -= (int32_t)fine_pagein;
	if (cur_io <= l->prev_io && cur_pagein <= l->prev_pagein)
		*slot += (int32_t)prize;
	l->prev_io = cur_io;
	l->prev_pagein = cur_pagein;
}

int literal_gap_choose(struct literal_gap *l, unsigned ws, uint32_t cur_pagein,
		       uint32_t cur_io, const struct policy_params *p)
{
	int gap = 0;

	literal_gap_fine(l, l->prev_gap_change, cur_pagein, cur_io, p->gap_fine_io,
			 p->gap_fine_pagein, p->gap_prize);
	if (p->gap_greedy && (++l->iter) % p->gap_greedy == 0) {
		/* gap is 0 here: an absolute random gap, not a change. */
		gap = gap + (signed char)(gap_rand(&l->rng) % LIT_CHANGE_MAX);
		gap = align_gap(gap, ws);
	} else {
		gap = align_gap((int)ws - (int)l->prev_ws + l->prev_gap, ws);
		int change = gap - l->prev_gap;

		if (change > LIT_CHANGE_MAX)
			change = LIT_CHANGE_MAX;
		if (change < -LIT_CHANGE_MAX)
			change = -LIT_CHANGE_MAX;
		int ci = (change + LIT_CHANGE_MAX) / LIT_ALIGN;

		/* The index-order scan: it switches to any price that beats
		 * the CURRENT candidate by the tolerance, so it can stop on a
		 * lower price than the best, and low indices (cuts) come
		 * first. */
		for (int i = 0; i < GAP_ACTIONS; i++)
			if (l->price[i] > l->price[ci] &&
			    (int64_t)l->price[i] - l->price[ci] >= (int64_t)p->gap_tolerance)
				ci = i;
		if (ci * LIT_ALIGN - LIT_CHANGE_MAX != change)
			gap = align_gap(l->prev_gap + ci * LIT_ALIGN - LIT_CHANGE_MAX, ws);
		/* else: the unclamped gap stays (defect (b)). */
	}
	l->prev_gap_change = l->prev_gap - gap;   /* defect (a) */
	l->prev_gap = gap;
	l->prev_ws = ws;
	return gap;
}
