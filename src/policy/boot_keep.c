// SPDX-License-Identifier: GPL-2.0-only
/* The boot grace in abundance
 * (design.md §A step ahead and the boot grace): a guest that started while the arbiter ran has no history and
 * was just sized for what it is starting; it keeps min(B_i, H_i) while
 * that is memory nobody needs: the free memory left once every domain
 * has its goal (spare) covers what it would give back. */
#include "policy/solve.h"

uint64_t policy_boot_keep_kb(const struct policy_params *p,
			     const struct policy_dom *d, uint64_t goal,
			     uint64_t t, int64_t *spare, uint32_t *hold)
{
	uint64_t keep = d->target_kb < d->max_kb ? d->target_kb : d->max_kb;
	uint64_t give = keep > goal ? keep - goal : 0;

	if (t >= keep)
		return t;
	if (*spare >= (int64_t)give) {
		*spare -= (int64_t)give;
		*hold = POLICY_R_ADOPT;
		return keep;
	}
	/* boot_keep_part: all or nothing, a guest whose boot memory the
	 * spare covered but for a MiB was cut to its goal in one write,
	 * 5-20 s before its application's first step (resv-climb's n2 at
	 * 175 s, boot-wave's n08 at 285 s, swapkind-wave's n05 at 200 s:
	 * each OOM-killed by that step; docs/evaluation.md, fall23). The
	 * part the spare covers is memory nobody needs as well. */
	if (!p->boot_keep_part || *spare <= 0)
		return t;
	uint64_t k = policy_page_down(goal + (uint64_t)*spare);

	if (k <= t)
		return t;
	*spare -= (int64_t)(k - goal);
	*hold = POLICY_R_ADOPT;
	return k;
}
