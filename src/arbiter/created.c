/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The size a domain was created with: how far stale_return gives a
 * domain whose agent died back (snap_build.c). Decided once, at
 * adoption: memory/target as the toolstack wrote it, unless
 * memory/membal_state says otherwise (a restarted arbiter reads a target
 * the policy has moved since: the state's created word is the size; a
 * state without it leaves the size unknown). The word is written once
 * the policy moves the target away from it (cycle.c). It bounded the
 * default minimum too (`min_created`, off, taken out in session 25).
 */
#include "arbiter/arbiter_int.h"

void arbiter_created_adopt(struct arbiter *a, struct dom *d)
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
}
