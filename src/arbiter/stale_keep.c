/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A dead agent's loan, kept across a restart (stale_return; state.h's
 * stale word; design.md §Which domains are managed, "A guest whose agent
 * died"). What a stale domain was lent is B_i above its target when its
 * reports stopped: that floor, the stamp its agent last wrote and whether
 * the loan was taken back are written to memory/membal_state when the
 * domain goes stale, and again when the take-back or a withdrawal is
 * decided, before that write (a kill -9 between the two leaves the
 * refusal known, never a second loan); the word goes when the domain
 * reports again or an administrator sets its target (a pause, a hold or
 * an uncooperative flag in between keep it, as they keep the floor). A restarted arbiter reads it at adoption (state.c's
 * state_to_dom()): the domain is stale at once, with the same floor (a
 * loan it finds is taken back to it, never further), instead of being
 * decided for stale_after_ms on the dead agent's last report, and its
 * creation size is the word's, not the lent target. One write of the
 * state per change: a staleness costs two or three.
 */
#include "arbiter/arbiter_int.h"
#include "common/log.h"

void arbiter_stale_save(struct arbiter *a, struct dom *d, uint64_t now)
{
	bool want = a->cfg.policy.params.stale_return && d->stale_seen && d->stale_base_kb;

	if (a->dry_run || !a->xs ||
	    (want == d->stale_saved && (!want || d->stale_refused == d->stale_saved_refused)))
		return;
	arbiter_save_state(a, d, now);   /* state_stale_of_dom() says the same */
	d->stale_saved = want;
	d->stale_saved_refused = want && d->stale_refused;
}

void arbiter_stale_persist(struct arbiter *a, size_t n, uint64_t now)
{
	for (size_t i = 0; i < n; i++) {
		struct dom *d = a->snap_dom[i];
		const struct policy_decision *o = &a->dec[i];

		/* one loan per staleness: none after a take-back, known
		 * before the take-back is written */
		if (d->skip == SKIP_STALE && o->mode == POLICY_MODE_FIXED && o->has_write &&
		    o->write_kb < a->snap[i].target_kb)
			d->stale_refused = true;
		if (d->stale_kept && !d->stale_told) {
			d->stale_told = true;
			log_notice("domain %u (%s): reports stale before the restart (memory/membal_state, stamp %llu): target %llu KiB, %llu KiB when they stopped%s",
				   d->domid, d->name, (unsigned long long)d->stale_stamp,
				   (unsigned long long)d->target_kb,
				   (unsigned long long)d->stale_base_kb,
				   d->stale_refused ? ", its loan taken back" : "");
		}
		arbiter_stale_save(a, d, now);
	}
}
