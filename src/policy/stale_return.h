/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MEMBAL_POLICY_STALE_RETURN_H
#define MEMBAL_POLICY_STALE_RETURN_H

#include "policy/policy.h"

/*
 * A domain whose reports stopped (design.md §Which domains are managed,
 * "A guest whose agent died"; stale_return.c): with stale_return, in
 * abundant mode when no decided domain's growth was cut (reason grant),
 * each POLICY_IN_STALE entry that holds its target is written up to
 * stale_top_kb, out of what F_h leaves after this cycle's increases and
 * the growth in flight, in one write (or as much as that leaves, at
 * least min_change_kb). In scarce (or infeasible) mode, what it was lent
 * so (B_i above stale_base_kb, its target when its reports stopped) is
 * taken back as far as the decided domains' goals are short of free
 * memory (less the take-backs still in flight), each loan whole, in one
 * write to stale_base_kb: the smallest loan that covers the rest, else
 * the largest, until it is covered. The
 * snapshot's stale_top_kb is the bound: its size at creation (or at
 * adoption), never above its maximum; the daemon passes stale_base_kb
 * as stale_top_kb after a take-back (one loan per staleness). After
 * policy_apply(); returns how many writes it added.
 */
size_t policy_stale_return(const struct policy_params *p,
			   const struct policy_cycle *cycle,
			   const struct policy_dom *dom, size_t n,
			   struct policy_decision *out);

#endif
