/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A reservation out of the pagers' needs (resv_need_wait_s, 10 s by
 * default since session 25; 0: off;
 * resv_need.c; design.md §The estimate's slack, "A reservation that
 * waits for ever").
 */
#ifndef MEMBAL_POLICY_RESV_NEED_H
#define MEMBAL_POLICY_RESV_NEED_H

#include "policy/policy.h"
#include "policy/solve.h"

/* Of d's need r4 (R4_i; its slack up to slack, R5_i, is lent already
 * when its swap pages for it), the part a named reservation that waited
 * resv_need_wait_s may take: at most resv_need_pct of r4, never below
 * floor (L_i' before the need floor: the minimum, an OOM-raised minimum,
 * the no-shrink floor of a guest under pressure), and only what its free
 * disk swap holds beyond its gap and the lent slack; 0 for a guest
 * without swap, with zram or a swap of unknown kind, or in its adoption
 * grace. */
uint64_t policy_resv_need_part_kb(const struct policy_params *p,
				  const struct policy_dom *d, uint64_t r4,
				  uint64_t slack, uint64_t floor);
/* Whether a named reservation has waited resv_need_wait_s, resv_page
 * does not serve it (page: the rises it would), and the parts (Σ of
 * policy_resv_need_part_kb()) pay all that what is kept (*keep) leaves
 * waiting beyond pool (Σ N_i + F_h), that wait no more than the named
 * reservations: then *keep = pool and lend says what is lent. */
bool policy_resv_need(const struct policy_params *p,
		      const struct policy_host *host, int64_t *keep,
		      int64_t page, int64_t parts, int64_t pool,
		      struct policy_lend *lend);
/* Of a guest's part, what the tiers take: in proportion, rounded up to a
 * page so that the parts pay the whole wait, at most the part. */
uint64_t policy_resv_need_cut_kb(const struct policy_lend *lend, uint64_t part);
/* balance(): with lend's POLICY_LEND_NEED, d's rungs (need now *up1, need
 * with margin *upm, its slack *slack, tier 3's *peak) and its need floor
 * (*lo and *lo_need, L_i' without an adoption floor: d is in none) come
 * down by its cut, never below floor; the slack is lent (= *upm). */
void policy_resv_need_lend(const struct policy_params *p,
			   const struct policy_dom *d,
			   const struct policy_lend *lend, uint64_t floor,
			   uint64_t *lo, uint64_t *lo_need, uint64_t *up1,
			   uint64_t *upm, uint64_t *slack, uint64_t *peak);

#endif
