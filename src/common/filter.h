/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Free-memory filter (design.md §Free-memory filter).
 *
 * Why: when the host is short of memory, a guest's page-frame reclaim
 * (PFRA) frees pages in bursts, and MemFree read at that moment jumps up
 * for a second and falls back. The global policy prices memory from the
 * free figure, so one such spike would move targets for nothing. The paper
 * keeps the readings it trusts and replaces a reading that exceeds their
 * mean by more than fmd (5 MB) with that mean:
 *
 *     free_{k+1} - (sum_{i<=k} free_i) / k > fmd   =>   report the mean
 *
 * What we add to the paper's rule:
 *  - The mean is over a window of the last `window` ACCEPTED readings
 *    (default 10); a replaced reading never enters it, so a burst cannot
 *    drag the mean up.
 *  - A rise that persists is real (a process exited and freed its memory):
 *    after `max_reject` rejections in a row (default 3), the next reading
 *    above the threshold is accepted and the window restarts from it alone.
 *    So a real rise shows after max_reject + 1 samples.
 *  - One-sided, as in the paper: a reading at or below mean + fmd is
 *    always accepted (falling free memory is the signal the arbiter must
 *    see at once), and it ends a run of rejections.
 *  - Warm-up: while fewer than `window` readings were accepted, the mean is
 *    over those there are; the very first reading is always accepted.
 *
 * Edge values, on purpose:
 *  - fmd_kb = 0: any reading strictly above the mean is a burst. The filter
 *    then delays every rise by max_reject samples and lets falls through;
 *    a reading equal to the mean is accepted.
 *  - max_reject = 0: a burst is accepted at once (and restarts the window):
 *    the filter reports every reading unchanged. This is how to switch it
 *    off without a second code path.
 *
 * Arithmetic: integers only (KiB). The mean is rounded DOWN: the error is
 * under 1 KiB and errs toward reporting less free memory, i.e. toward not
 * taking memory from the guest. The sum of the window is exact for any
 * uint64_t readings (no overflow, no wrap).
 *
 * Pure and allocation-free: the agent runs one filter for MemFree and one
 * for MemAvailable, and the simulator runs this same code.
 */
#ifndef MEMBAL_FILTER_H
#define MEMBAL_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#define FMD_WINDOW_DEFAULT 10
#define FMD_WINDOW_MAX 64
#define FMD_KB_DEFAULT 5120          /* the paper's 5 MB */
#define FMD_MAX_REJECT_DEFAULT 3

struct fmd_filter {
	/* configuration */
	unsigned window;        /* 1..FMD_WINDOW_MAX */
	uint64_t fmd_kb;
	unsigned max_reject;

	/* the last `count` accepted readings, oldest at win[head] */
	uint64_t win[FMD_WINDOW_MAX];
	unsigned head, count;
	unsigned reject_run;    /* rejections in a row so far */

	/* what happened (for the agent's counters, logs and tests) */
	bool last_replaced;     /* the last fmd_push() reported the mean */
	uint64_t last_reading;  /* what the last fmd_push() was given */
	uint64_t last_output;   /* what it returned */
	uint64_t accepted;      /* readings reported as they were */
	uint64_t rejected;      /* readings replaced by the mean */
	uint64_t restarts;      /* bursts accepted after max_reject */
};

/* Set the parameters and empty the window and the counters. A window of 0
 * or above FMD_WINDOW_MAX is clamped into [1, FMD_WINDOW_MAX] and -1 is
 * returned so the caller can say so (the configuration loader should have
 * refused it already); the filter is usable either way. */
int fmd_init(struct fmd_filter *f, unsigned window, uint64_t fmd_kb,
	     unsigned max_reject);

/* Forget the readings (not the parameters or counters): the next reading
 * is accepted as a first one. */
void fmd_reset(struct fmd_filter *f);

/* Feed one reading (KiB) and return the value to report: the reading, or
 * the window mean when the reading is a burst. */
uint64_t fmd_push(struct fmd_filter *f, uint64_t reading_kb);

/* Mean of the accepted readings in the window, rounded down; 0 if empty. */
uint64_t fmd_mean(const struct fmd_filter *f);

#endif
