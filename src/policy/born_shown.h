/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A newborn kept whole until its load shows (resv_born_shown_mb, off;
 * design.md §The estimate's slack, "A newcomer the needs paid for, kept
 * whole"). resv_born_keep_s keeps a domain created from a reservation
 * the guests' needs paid for at what it was created with; with this
 * key that keep ends as soon as its load has shown, resv_born_keep_s
 * being its bound: its first reports show its boot, and the working set
 * its application touches seconds or a minute later is what it is to be
 * sized by. Pure: the estimate W_i of each report in, whether the keep
 * goes on out (the arbiter keeps one struct per domain).
 */
#ifndef MEMBAL_POLICY_BORN_SHOWN_H
#define MEMBAL_POLICY_BORN_SHOWN_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/policy.h"

struct born_watch {
	uint64_t boot_kb;   /* the lowest W_i since its first report (its boot level) */
	uint64_t last_kb;   /* W_i at the report before */
	bool seen;          /* boot_kb and last_kb hold a report's W_i */
	bool risen;         /* W_i has risen past boot_kb + resv_born_shown_mb */
	bool shown;         /* its load has shown: the keep has ended (for good) */
};

/* One report's estimate (have_ws: W_i is known, ws_kb) of a domain kept
 * at keep_kb: whether the keep goes on. With resv_born_shown_mb 0 it
 * always does (resv_born_keep_s alone bounds it). Else it ends, for
 * good, at the first report where either
 *  - W_i has risen past its boot level (the lowest W_i since its first
 *    report) by more than resv_born_shown_mb, and this report's W_i is
 *    less than resv_born_shown_mb above the report before's: the rise
 *    has landed, the estimate now holds the load (a keep ended in the
 *    middle of the rise prices the guest at half its step); or
 *  - W_i is at keep_kb or above: the estimate asks for all it keeps.
 * A report without an estimate changes nothing. */
bool born_keep_goes_on(const struct policy_params *p, struct born_watch *w,
		       bool have_ws, uint64_t ws_kb, uint64_t keep_kb);

#endif
