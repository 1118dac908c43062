/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Swapless margins owed after a reservation took needs (resv_need_keep_mb,
 * 64 MiB by default since session 25; 0: off).
 *
 * resv_need_wait_s creates a VM on a host whose needs fill it, out of the
 * needs of the guests whose disk swap can page them. Once it runs, the
 * host carries more than every guest's need: the tiers serve each need
 * and nothing above, and a swapless guest held at exactly its need W_i
 * is killed by the first MiB of its next climb or noise, while a pager
 * short of its need only pages (patch-reboot with the rule: 28 -> 51
 * kills, the rebuilt swapless guests killed over and over at their
 * steady loads; scale-out: 0 -> 6). swapless_keep_mb with
 * swapless_keep_given is that order (a swapless guest's margin as need
 * its swap cannot hold, before a pager's need its swap holds), but on
 * every host it costs paging where no reservation made the host full
 * (session 22, oomnear22: 11-14 `lag` cells lost). So it is in force only
 * from a cycle in which a reservation took needs until the host is next
 * abundant: the debt of the creation is the pagers', not the swapless
 * guests'.
 */
#include "arbiter/resv_keep.h"

#include "common/log.h"

bool resv_keep_owed(bool owed, const struct policy_params *p,
		    const struct policy_cycle *cycle, uint64_t *abundant_ms,
		    uint64_t now)
{
	if (!p->resv_need_keep_kb || !p->resv_need_wait_s)
		return false;
	if (cycle->resv_need_kb || cycle->mode != POLICY_MODE_ABUNDANT) {
		*abundant_ms = 0;
		return owed || cycle->resv_need_kb;
	}
	/* The newcomer boots small: the host turns abundant the moment it
	 * is created, and its warm-up fills it again. Only abundance that
	 * outlasts its adoption grace, when its estimate sizes it, pays
	 * the debt. */
	if (!*abundant_ms)
		*abundant_ms = now;
	return owed && now - *abundant_ms < (uint64_t)p->adopt_grace_s * 1000;
}

const struct policy_params *resv_keep_params(const struct policy_params *p, bool owed,
					     struct policy_params *keep)
{
	if (!owed || (p->swapless_keep_kb >= p->resv_need_keep_kb && p->swapless_keep_given))
		return p;
	*keep = *p;
	if (keep->swapless_keep_kb < p->resv_need_keep_kb)
		keep->swapless_keep_kb = p->resv_need_keep_kb;
	keep->swapless_keep_given = true;
	return keep;
}

const struct policy_params *arbiter_resv_keep_params(const struct arbiter *a,
						     struct policy_params *keep)
{
	return resv_keep_params(&a->cfg.policy.params, a->resv_need_owed, keep);
}

void arbiter_resv_keep_after(struct arbiter *a, uint64_t now)
{
	bool owed = resv_keep_owed(a->resv_need_owed, &a->cfg.policy.params, &a->cycle,
				   &a->resv_need_abundant_ms, now);

	if (owed != a->resv_need_owed)
		log_info("reservations: swapless margins %s (resv_need_keep_mb)",
			 owed ? "before the pagers' needs: a reservation took needs"
			      : "as configured again: the host abundant through an adoption grace");
	a->resv_need_owed = owed;
}
