/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A guest whose agent died (stale_return;
 * design.md §Which domains are managed, "A guest whose agent died").
 * A domain whose reports stopped is not decided: it keeps B_i, whatever
 * its load does since. Its last target was sized for the load of its last
 * report, and a load that rose since pages (agent-dead's a1: 99 % PSI at a
 * 630 MiB target while 600-900 MiB lay free). What is known of it without
 * a report is what the toolstack gave it (its size at creation, or at
 * adoption) and its maximum: in abundant mode, with no decided domain
 * short, it is given back up to that, out of what free memory leaves after
 * this cycle's increases and the growth in flight. Nothing it writes moves
 * the bound (its reports are not read: they stopped). The write is one
 * move up (or as much as free memory leaves, at least min_change), made
 * only while it holds its target. What it was lent so is memory nobody
 * asked for: when the host turns scarce it is taken back, whole and in one
 * write, from as few stale domains as cover what the decided domains are
 * short, down to the target it had when its reports stopped and never
 * below (what scarce mode left it before this rule: neither grown nor
 * cut). The daemon makes one
 * loan per staleness: after a take-back it is never grown again until it
 * reports (a flip between the modes would otherwise write it up and down
 * each time).
 */
#include "policy/stale_return.h"

static uint64_t above(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* What free memory leaves after this cycle: F_h less what the decided
 * domains will hold above N_i (their new grants and the growth in flight
 * of those that keep B_i; the undecided entries' is out of F_h already). */
static int64_t free_left(const struct policy_cycle *cycle,
			 const struct policy_dom *dom, size_t n,
			 const struct policy_decision *out)
{
	int64_t left = cycle->host_free_kb;

	for (size_t i = 0; i < n; i++) {
		if (out[i].mode == POLICY_MODE_FIXED)
			continue;
		uint64_t to = out[i].has_write ? out[i].write_kb : dom[i].target_kb;

		left -= (int64_t)above(to, dom[i].actual_kb);
	}
	return left;
}

/* Abundant, and no decided domain's growth was cut for want of memory. */
static bool nobody_short(const struct policy_cycle *cycle,
			 const struct policy_decision *out, size_t n)
{
	if (cycle->mode != POLICY_MODE_ABUNDANT)
		return false;
	for (size_t i = 0; i < n; i++)
		if (out[i].mode != POLICY_MODE_FIXED && (out[i].reasons & POLICY_R_GRANT))
			return false;
	return true;
}

/* Scarce: the loans back, each in one write down to B_i when its reports
 * stopped, as far as the decided domains' goals are short of free memory
 * (need_kb - domu_free_kb) less what stale domains give back already
 * (a take-back still in flight: B_i below N_i). Whole loans, never a
 * part: a part would leave the rest to take in a later cycle, a walk of
 * writes for one loan. Which: the smallest loan that covers what is left
 * short, else the largest, and again (the fewest loans, and the least
 * taken beyond the shortfall); a tie goes to the first. */
static size_t take_back(const struct policy_params *p, const struct policy_cycle *cycle,
			const struct policy_dom *dom, size_t n, struct policy_decision *out)
{
	int64_t shortfall = cycle->need_kb - cycle->domu_free_kb;
	size_t writes = 0;

	for (size_t i = 0; i < n; i++)
		if (dom[i].flags & POLICY_IN_STALE)
			shortfall -= (int64_t)above(dom[i].actual_kb, dom[i].target_kb);
	while (shortfall > 0) {
		size_t pick = n;
		uint64_t pick_loan = 0;

		for (size_t i = 0; i < n; i++) {
			const struct policy_dom *d = &dom[i];
			uint64_t loan = above(d->target_kb, d->stale_base_kb);

			if (!(d->flags & POLICY_IN_STALE) || d->kind != POLICY_UNMANAGED ||
			    out[i].has_write || loan < p->min_change_kb || !d->stale_base_kb)
				continue;
			bool covers = loan >= (uint64_t)shortfall;
			bool pick_covers = pick < n && pick_loan >= (uint64_t)shortfall;

			if (pick == n || (covers && (!pick_covers || loan < pick_loan)) ||
			    (!covers && !pick_covers && loan > pick_loan)) {
				pick = i;
				pick_loan = loan;
			}
		}
		if (pick == n)
			break;
		out[pick].has_write = true;
		out[pick].write_kb = dom[pick].stale_base_kb;
		out[pick].target_kb = out[pick].write_kb;
		shortfall -= (int64_t)pick_loan;
		writes++;
	}
	return writes;
}

size_t policy_stale_return(const struct policy_params *p,
			   const struct policy_cycle *cycle,
			   const struct policy_dom *dom, size_t n,
			   struct policy_decision *out)
{
	size_t writes = 0;

	if (!p->stale_return)
		return 0;
	if (cycle->mode == POLICY_MODE_SCARCE || cycle->mode == POLICY_MODE_INFEASIBLE)
		return take_back(p, cycle, dom, n, out);
	if (!nobody_short(cycle, out, n))
		return 0;
	int64_t left = free_left(cycle, dom, n, out);

	for (size_t i = 0; i < n && left > 0; i++) {
		const struct policy_dom *d = &dom[i];
		uint64_t b = d->target_kb, held = d->actual_kb;

		if (!(d->flags & POLICY_IN_STALE) || d->kind != POLICY_UNMANAGED ||
		    out[i].has_write || d->stale_top_kb <= b ||
		    above(b, held) >= p->min_change_kb)   /* still taking a grant */
			continue;
		/* What it holds above N_i after the write, less what F_h
		 * counted for it already (B_i - N_i). */
		uint64_t base = b > held ? b : held;
		uint64_t to = d->stale_top_kb;

		if (above(to, base) > (uint64_t)left)
			to = (base + (uint64_t)left) & ~UINT64_C(3);   /* whole pages */
		if (to <= b || to - b < p->min_change_kb)
			continue;
		left -= (int64_t)above(to, base);
		out[i].has_write = true;
		out[i].write_kb = to;
		out[i].target_kb = to;
		writes++;
	}
	return writes;
}
