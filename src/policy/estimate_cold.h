/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cold swap: swapped-out anonymous memory that does not come back is not
 * need (docs/design.md §Cold swap is not need). Pure: one report pair's
 * estimator input (policy/estimate.h) at a time in, a verdict out.
 *
 * The need the arbiter takes from a report (need_of) is the default
 * estimator, with every swapped-out page counted (the lru bound): a guest
 * thrashing slowly brings its pages back slower than the refault window
 * sees. That bound is dropped once the guest's swap has been quiet for
 * ESTIMATE_COLD_MS of report pairs in a row: swap-ins (pswpin or anon
 * refaults, the larger) at most 1/64 of what is in swap per
 * ESTIMATE_WINDOW_MS. Any pair without forward deltas (the first report
 * after adoption or an arbiter restart, a counter gone backwards or
 * missing) starts the count again, so the bound stays until the guest
 * has shown, on counters that moved forward, that its swap is cold.
 */
#ifndef MEMBAL_POLICY_ESTIMATE_COLD_H
#define MEMBAL_POLICY_ESTIMATE_COLD_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/estimate.h"

/* Twice the working-set window: a page touched once a window would have
 * come back at least once. */
#define ESTIMATE_COLD_MS (2 * ESTIMATE_WINDOW_MS)
/* Swap-ins up to swapped >> ESTIMATE_COLD_SHIFT per window are noise (a
 * daemon's stray page, readahead), not a guest living out of its swap. */
#define ESTIMATE_COLD_SHIFT 6

struct estimate_cold {
	uint64_t quiet_ms;   /* report pairs in a row with a quiet swap */
	uint64_t pairs;      /* how many of them (status, tests) */
};

/* One report pair: in's deltas and swap figures. */
void estimate_cold_observe(struct estimate_cold *c, const struct estimate_in *in);

/* Whether the swap has been quiet for ESTIMATE_COLD_MS. */
bool estimate_cold_swap(const struct estimate_cold *c);

/* The need in KiB (WS_i, the guest's units) from a report and its cold
 * state: the default estimator; for a refault-based or lru one, raised to
 * the lru bound (every swapped-out page) unless the swap is cold (c NULL:
 * never cold). Returns the estimator used. */
enum estimator estimate_need(const struct estimate_in *in,
			     const struct estimate_cold *c, uint64_t *kb);

#endif
