// SPDX-License-Identifier: GPL-2.0-only
/* A killed guest's margin its rises outgrow (oom_margin_futile;
 * design.md §Growth is never cut, "The margin its rises outgrow"):
 * whether a guest without swap room keeps the part of g_i its swap
 * cannot hold as need now after an OOM kill (need.c). */
#include "policy/jump.h"
#include "policy/solve.h"

/* Within oom_hold_s of a kill, a guest without swap room has its margin
 * (room: the part of its gap its free swap cannot hold) as need now,
 * served before the other guests' needs, so that its next rise lands in
 * memory it holds. A load that jumps between random levels outgrows it:
 * its shown rises (rise_most_kb, the second largest of its windows'
 * largest rises) are larger than the margin, and in most of its recent
 * windows with a rise of min_change or more that rise went beyond g_i
 * (jump_past), the rises within g_i (jump_within) being at most half as
 * many. Its next rise kills it whatever margin it holds more often than
 * not, and the margin, held idle, is paid by the guests with swap, which
 * page for it (fleet-36's swapless web guests: random levels of 150-350
 * MiB every 30 s, 64 MiB each held idle while the workers paged;
 * docs/evaluation.md, "Session 22: the lag, near misses (lagnear22)").
 * Such a margin comes after every domain's need (tier 4), as for a guest
 * that does not grow. A climb (POLICY_IN_CLIMBING) keeps it: its next
 * step is as good as there. So does a load that recurs (POLICY_IN_RECUR):
 * its need now is the level it recurs to and this margin (recur_hold.c),
 * and without the margin recur-pair's two swapless stages, jumping 150 ->
 * 620 MiB every 12 s, were killed 87 times instead of 14. */
bool policy_margin_futile(const struct policy_params *p,
			  const struct policy_dom *d, uint64_t room)
{
	return p->oom_margin_futile && room &&
	       (d->flags & POLICY_IN_OOM_MIN) &&
	       !(d->flags & (POLICY_IN_CLIMBING | POLICY_IN_RECUR)) &&
	       d->rise_most_kb > room &&
	       (uint64_t)d->jump_within * 2 <= d->jump_past;
}
