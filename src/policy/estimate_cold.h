/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cold swap: swapped-out anonymous memory that does not come back is not
 * need (docs/design.md §Cold swap is not need). Pure: one report pair's
 * estimator input (policy/estimate.h) at a time in, the swap that is
 * cold out.
 *
 * The need the arbiter takes from a report (need_of) is the default
 * estimator raised to the lru bound, every swapped-out page counted: a
 * guest thrashing slowly brings its pages back slower than the refault
 * window sees. What stays out does not count in that bound: the swap in
 * use throughout the last ESTIMATE_COLD_MS (the smallest SwapTotal -
 * SwapFree the reports of that window showed) while every report pair
 * of a run at least that long was quiet, its swap-ins (pswpin or anon
 * refaults, the larger) at most 1/64 of what is in swap per
 * ESTIMATE_WINDOW_MS. Any other pair ends the run: one with more
 * swap-ins, or without forward deltas (the first report after adoption
 * or an arbiter restart, a counter gone backwards or missing).
 */
#ifndef MEMBAL_POLICY_ESTIMATE_COLD_H
#define MEMBAL_POLICY_ESTIMATE_COLD_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/estimate.h"

/* One working-set window: a page out for a whole window without coming
 * back was not touched in it, so it is not in the working set by the
 * refault estimator's own measure. */
#define ESTIMATE_COLD_MS ESTIMATE_WINDOW_MS
/* Swap-ins up to swapped >> ESTIMATE_COLD_SHIFT per window are noise (a
 * daemon's stray page, readahead), not a guest living out of its swap. */
#define ESTIMATE_COLD_SHIFT 6
/* The sliding minimum's entries; more reports in a window than this
 * keep the oldest surplus value longer (less cold, never more). */
#define ESTIMATE_COLD_SLOTS 32

struct estimate_cold {
	uint64_t quiet_ms;   /* the run of quiet report pairs */
	uint64_t pairs;      /* how many */
	uint64_t cold_kb;    /* cold swap at the last report */
	uint32_t n;          /* q[0, n): (report time, swap in use), rising */
	struct { uint64_t ms, kb; } q[ESTIMATE_COLD_SLOTS];
};

/* One report, read at now_ms: in's deltas to the report before it and
 * its swap figures. */
void estimate_cold_observe(struct estimate_cold *c, const struct estimate_in *in,
			   uint64_t now_ms);

/* The need in KiB (WS_i, the guest's units) from a report and its cold
 * state: the default estimator; for a refault-based or lru one, raised to
 * the lru bound less the cold swap (c NULL: none cold). Returns the
 * estimator used. */
enum estimator estimate_need(const struct estimate_in *in,
			     const struct estimate_cold *c, uint64_t *kb);

#endif
