/* SPDX-License-Identifier: GPL-2.0-only
 *
 * A grant that is a small part of a large lack waits
 * (design.md §No parked memory, "A small part of a large lack"), under
 * need = estimate with lack_part_wait = N (0: off).
 *
 * In scarce mode a donor whose need falls a few MiB per sample is cut at
 * every cycle, and the guest that starves beside it is granted those few
 * MiB a quarter of a second later: a cut and a grant per cycle for one
 * move (writes20's small pairs, half the excess of the `writes` cell).
 * When the receiver lacks many times that (hvm-mix's g1, some 500 MiB
 * short, granted 5.5 MiB a second), each grant changes little of what it
 * pages; so an increase smaller than min_change and than 1/N of the
 * receiver's lack is not written, and the memory stays free, to be
 * granted once it adds up to min_change or 1/N of the lack (or taken by
 * a guest that cannot wait). Unlike the batches tried before
 * (transfer_batch_kb, unpark_level_batch_kb), no donor keeps more than
 * its target: only the receiver's write waits, and only while its free
 * swap, on disk, holds its lack and min_change (it pages for the memory
 * that waits; a swapless or zram guest never waits), never within
 * oom_loop_s of an OOM kill and never after a jump within
 * spike_window_s.
 */
#include "policy/policy.h"
#include "policy/solve.h"

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

bool policy_part_waits(const struct policy_params *p,
		       const struct policy_dom *d,
		       const struct policy_decision *o)
{
	if (!p->lack_part_wait || !policy_uses_need(p, d) ||
	    d->kind != POLICY_DOMU || o->mode == POLICY_MODE_FIXED ||
	    !o->has_write || (d->flags & POLICY_IN_OOM_FRESH))
		return false;
	uint64_t held = max_u64(d->target_kb, d->actual_kb);
	uint64_t w = policy_need_ahead_kb(p, d, false);

	if (o->write_kb <= held || w <= held)
		return false;
	uint64_t grant = o->write_kb - held, lack = w - held;

	if (grant >= p->min_change_kb || grant * p->lack_part_wait >= lack)
		return false;
	/* A guest that jumped within spike_window_s may jump again beyond
	 * what its estimate sees coming: its swap is for that. */
	if (d->jump_kb > 0)
		return false;
	/* Its swap must be on disk (policy_slack_pages()): on zram what
	 * it pages stays in RAM, and the squeeze ends in the OOM killer
	 * (zram-squeeze: 1.01x -> 1.23x of the lagged floor when zram
	 * counted). */
	return policy_slack_pages(d, lack + p->min_change_kb);
}

void policy_part_wait(const struct policy_params *p,
		      const struct policy_dom *dom, size_t n,
		      struct policy_decision *out)
{
	if (!p->lack_part_wait)
		return;
	for (size_t i = 0; i < n; i++) {
		struct policy_decision *o = &out[i];

		if (!policy_part_waits(p, &dom[i], o))
			continue;
		o->has_write = false;
		o->write_kb = 0;
		o->reasons &= ~(uint32_t)(POLICY_R_UNPARK | POLICY_R_GRANT);
		o->reasons |= POLICY_R_THRESHOLD;
	}
}
