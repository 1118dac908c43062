/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * After a reservation took guests' needs, swapless margins before the
 * pagers' needs until the host is next abundant (resv_need_keep_mb, 64
 * MiB by default since session 25; 0: off;
 * resv_keep.c; design.md §The estimate's slack, "A reservation that waits
 * for ever").
 */
#ifndef MEMBAL_ARBITER_RESV_KEEP_H
#define MEMBAL_ARBITER_RESV_KEEP_H

#include <stdbool.h>
#include <stdint.h>

#include "arbiter/arbiter.h"
#include "policy/policy.h"

/* The parameters this cycle decides with: the configured ones, or, while
 * a->resv_need_owed, a copy in *keep with swapless_keep_mb raised to
 * resv_need_keep_mb and swapless_keep_given set. */
const struct policy_params *arbiter_resv_keep_params(const struct arbiter *a,
						     struct policy_params *keep);
/* After the cycle at now: owed from a cycle whose reservations took
 * needs (cycle.resv_need_kb) until the host has decided in abundance
 * for adopt_grace_s. */
void arbiter_resv_keep_after(struct arbiter *a, uint64_t now);
/* The same on given figures: whether it is owed after a cycle;
 * *abundant_ms: since when the host is abundant (0: it is not). */
bool resv_keep_owed(bool owed, const struct policy_params *p,
		    const struct policy_cycle *cycle, uint64_t *abundant_ms,
		    uint64_t now);
/* The same: *keep from *p while owed; p itself when not, or when p's
 * own swapless_keep is at least as much. */
const struct policy_params *resv_keep_params(const struct policy_params *p, bool owed,
					     struct policy_params *keep);

#endif
