/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The literal variant of seed 003's learner (its Appendix A listing), for
 * comparison in membal-sim only (design.md §The learned gap). Kept with
 * its defects on purpose:
 *   (a) it fines the negative of the change it applied (prev - new);
 *   (b) the applied change is not clamped: a change beyond +-128 MiB
 *       indexes outside the table (the listing aborts on index -1 and
 *       writes one past the end on index 65); here the index is clamped
 *       and counted in out_of_range;
 *   (c) the gap in MiB is subtracted from a count of pages: the domain is
 *       left gap x 4 KiB above its working set, not gap MiB.
 * And its other traits: the index-order scan that switches whenever
 * price[i] - price[current] >= tolerance, the low-bit counter tests
 * (& 0xF, & 0x3F), the absolute random gap rand() % 128.
 */
#ifndef MEMBAL_SIM_GAP_LITERAL_H
#define MEMBAL_SIM_GAP_LITERAL_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/gap.h"

struct literal_gap {
	int32_t price[GAP_ACTIONS];
	int32_t past_end;          /* the price[65] the listing writes */
	int prev_gap;              /* MiB */
	int prev_gap_change;       /* prev_gap - gap: defect (a) */
	unsigned prev_ws;          /* MiB */
	unsigned iter;
	uint32_t prev_pagein, prev_io;
	uint64_t rng;
	uint64_t out_of_range;     /* index -1 (Abort) or 65 (past the table) */
};

void literal_gap_init(struct literal_gap *l, uint64_t seed);

/* The listing's FineFunction: fined_change in MiB, cumulative counters
 * truncated to 32 bits like its UINTs. */
void literal_gap_fine(struct literal_gap *l, int fined_change,
		      uint32_t cur_pagein, uint32_t cur_io, uint32_t fine_io,
		      uint32_t fine_pagein, uint32_t prize);

/* PciBalloonChooseGap: ws in MiB (aligned down to 4 MiB); returns the
 * gap in MiB. greedy and tolerance as gap_greedy and gap_tolerance. */
int literal_gap_choose(struct literal_gap *l, unsigned ws_mb, uint32_t cur_pagein,
		       uint32_t cur_io, const struct policy_params *p);

/* What the listing leaves above the working set, in KiB: the gap in MiB
 * read as a count of pages (defect (c)). */
static inline uint64_t literal_gap_effective_kb(int gap_mb)
{
	return gap_mb > 0 ? (uint64_t)gap_mb * 4 : 0;
}

#endif
