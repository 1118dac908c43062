// SPDX-License-Identifier: GPL-2.0-only
/* The boot grace in abundance
 * (design.md §A step ahead and the boot grace): a guest that started while the arbiter ran has no history and
 * was just sized for what it is starting; it keeps min(B_i, H_i) while
 * that is memory nobody needs: the free memory left once every domain
 * has its goal (spare) covers what it would give back. */
#include "policy/solve.h"

uint64_t policy_boot_keep_kb(const struct policy_dom *d, uint64_t goal,
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
	/* All or nothing: the part the spare covers kept instead
	 * (`boot_keep_part`, fall23) turned resv-climb's `oom` cell but
	 * cost ephemeral-fat's and ephemeral-fat-need's `least` and
	 * boot-wave two kills (126 -> 127 failing cells); taken out in
	 * session 25. */
	return t;
}
