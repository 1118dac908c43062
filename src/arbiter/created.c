/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The size a domain was created with, as its default minimum's bound
 * (`min_created`, manage.h's manage_default_min_kb(): L_i = min(min_mb,
 * creation size)). Decided once, at adoption: memory/target as the
 * toolstack wrote it, unless memory/membal_state says otherwise (a
 * restarted arbiter reads a target the policy has moved since: the
 * state's created word is the size; a state without it leaves the size
 * unknown and L_i at min_mb, the old rule). A domain whose L_i it lowers
 * writes the word at once (design.md §Which domains are managed).
 */
#include "arbiter/arbiter_int.h"
#include "common/log.h"

void arbiter_created_adopt(struct arbiter *a, struct dom *d, uint64_t now)
{
	if (!d->created_known) {
		/* No memory/membal_state: memory/target is the toolstack's
		 * (a new domain), or an arbiter's that wrote no state for it,
		 * which never set it below min_mb unless a [domain] min_mb
		 * said so. */
		d->created_kb = d->have_target ? d->target_kb : 0;
		d->created_known = true;
	}
	arbiter_apply_rules(a, d);
	if (!d->min_created || d->created_saved)
		return;
	log_info("domain %u (%s): created with %llu KiB, below min_mb: its minimum (min_created)",
		 d->domid, d->name, (unsigned long long)d->created_kb);
	arbiter_save_state(a, d, now);
	d->created_saved = true;
}
