/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The size a domain was created with, as its default minimum's bound
 * (`min_created`, manage.h's manage_default_min_kb(): L_i = min(min_mb,
 * creation size) for a guest with swap, manage_created_kb()). Decided
 * once, at adoption: memory/target as the toolstack wrote it, unless
 * memory/membal_state says otherwise (a restarted arbiter reads a target
 * the policy has moved since: the state's created word is the size; a
 * state without it leaves the size unknown and L_i at min_mb, the old
 * rule). A domain created below min_mb writes the word at once, swap or
 * not (its swap is known only from its reports, and may come later)
 * (design.md §Which domains are managed).
 */
#include "arbiter/arbiter_int.h"
#include "common/log.h"

uint64_t dom_swap_kb(const struct dom *d)
{
	return d->have_fig && guest_has(&d->fig, MK_SWAP_TOT) ? d->fig.v[MK_SWAP_TOT] : 0;
}

void arbiter_created_adopt(struct arbiter *a, struct dom *d, uint64_t now)
{
	const struct policy_params *p = &a->cfg.policy.params;

	if (!d->created_known) {
		/* No memory/membal_state: memory/target is the toolstack's
		 * (a new domain), or an arbiter's that wrote no state for it,
		 * which never set it below min_mb unless a [domain] min_mb
		 * said so. */
		d->created_kb = d->have_target ? d->target_kb : 0;
		d->created_known = true;
	}
	arbiter_apply_rules(a, d);
	if (!p->min_created || d->created_saved || !d->created_kb || d->created_kb >= p->min_kb)
		return;
	log_info("domain %u (%s): created with %llu KiB, below min_mb: its minimum while it has swap (min_created)",
		 d->domid, d->name, (unsigned long long)d->created_kb);
	d->created_saved = true;
	arbiter_save_state(a, d, now);
}

void arbiter_created_report(struct arbiter *a, struct dom *d,
			    const struct guest_figures *prev, uint64_t now)
{
	/* prev: the report before this one (NULL: the first). */
	bool had_swap = prev && guest_has(prev, MK_SWAP_TOT) && prev->v[MK_SWAP_TOT];

	dom_report_accepted(d, prev, now);
	if (!d->created_saved || had_swap == (dom_swap_kb(d) != 0))
		return;
	arbiter_apply_rules(a, d);
}
