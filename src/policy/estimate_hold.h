/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent's burst filter seen from the estimator (docs/design.md
 * §Counted once: the filter's hold and pages back from swap). Pure: one
 * report's estimator input (policy/estimate.h) at a time in, the part of
 * `used` that is the filter's doing out.
 *
 * The agent reports MemAvailable through its one-sided burst filter
 * (design.md §Free-memory filter): a reading above the window's mean by
 * more than fmd is replaced by the mean, for up to fmd_max_reject samples
 * in a row. MemTotal is not filtered. When the balloon hands a guest
 * pages (MemTotal and MemAvailable rise together) or a program exits,
 * the filter holds MemAvailable down and used = MemTotal - MemAvailable
 * counts the free pages as used, for up to that many reports: the need
 * would rise by what the guest was just given, and the next write hand
 * it more again. The filter only ever lowers MemAvailable, so used errs
 * upward only; AnonPages and Shmem are not filtered. The part of used
 * above them (kernel, ramfs, unevictable pages: what used alone sees) is
 * taken at its smallest over the last ESTIMATE_HOLD_REPORTS reports, one
 * more than the filter's default run of rejections, so one of them is a
 * reading the filter let through.
 */
#ifndef MEMBAL_POLICY_ESTIMATE_HOLD_H
#define MEMBAL_POLICY_ESTIMATE_HOLD_H

#include <stdint.h>

#include "policy/estimate.h"

/* fmd_max_reject's default (3) + 1. An agent configured for longer runs
 * of rejections is corrected only in part (never more than the truth). */
#define ESTIMATE_HOLD_REPORTS 4

struct estimate_hold {
	uint32_t n, head;                    /* x[] holds n, the newest at head */
	uint64_t x[ESTIMATE_HOLD_REPORTS];   /* used - AnonPages - Shmem, KiB */
	uint64_t held_kb;                    /* at the last report */
};

/* Forget the reports seen (a new guest, an arbiter restart). */
void estimate_hold_reset(struct estimate_hold *h);

/* One report: its MemTotal, MemAvailable, AnonPages and Shmem. A report
 * without MemAvailable or the LRU figures empties the window. */
void estimate_hold_observe(struct estimate_hold *h, const struct estimate_in *in);

#endif
