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
 *
 * stale_relend_s (off by default): a loan taken back is lent again once
 * the host has stayed abundant, with no decided domain short, for
 * stale_relend_s since the take-back, the wait doubled with each
 * take-back of the staleness (2^(K-1), at most 32 times): a host that
 * flips between the modes moves the loan once per wait at most, fewer
 * as it goes on. The count K is the stale word's fourth field; a
 * restarted arbiter starts the wait again from its start. A withdrawn
 * grant (one the guest did not take) is refused for good: K = 0.
 */
#include "arbiter/arbiter_int.h"
#include "arbiter/state.h"
#include "common/log.h"

void arbiter_stale_save(struct arbiter *a, struct dom *d, uint64_t now)
{
	bool want = a->cfg.policy.params.stale_return && d->stale_seen && d->stale_base_kb;

	if (a->dry_run || !a->xs ||
	    (want == d->stale_saved && (!want || (d->stale_refused == d->stale_saved_refused &&
						 d->stale_takes == d->stale_saved_takes))))
		return;
	arbiter_save_state(a, d, now);   /* state_stale_of_dom() says the same */
	d->stale_saved = want;
	d->stale_saved_refused = want && d->stale_refused;
	d->stale_saved_takes = want ? d->stale_takes : 0;
}

bool arbiter_stale_relend_due(const struct arbiter *a, const struct dom *d, uint64_t now)
{
	uint64_t wait = (uint64_t)a->cfg.policy.params.stale_relend_s * 1000;
	uint64_t since = a->abundant_since_ms ? a->abundant_since_ms - 1 : 0;

	if (!wait || !d->stale_takes || !a->abundant_since_ms)
		return false;
	wait <<= d->stale_takes - 1 < 5 ? d->stale_takes - 1 : 5;
	if (d->stale_taken_ms > since)
		since = d->stale_taken_ms;
	return now >= since + wait;
}

/* This cycle abundant, no decided domain's growth cut for want of memory
 * (stale_return.c's nobody_short()): the abundance stale_relend_s waits
 * for goes on, or starts; otherwise it ends. */
static void abundance_note(struct arbiter *a, size_t n, uint64_t now)
{
	bool calm = a->cycle.mode == POLICY_MODE_ABUNDANT;

	for (size_t i = 0; calm && i < n; i++)
		if (a->dec[i].mode != POLICY_MODE_FIXED && (a->dec[i].reasons & POLICY_R_GRANT))
			calm = false;
	if (!calm)
		a->abundant_since_ms = 0;
	else if (!a->abundant_since_ms)
		a->abundant_since_ms = now + 1;
}

void arbiter_stale_persist(struct arbiter *a, size_t n, uint64_t now)
{
	abundance_note(a, n, now);
	for (size_t i = 0; i < n; i++) {
		struct dom *d = a->snap_dom[i];
		const struct policy_decision *o = &a->dec[i];
		bool moved = d->skip == SKIP_STALE && o->mode == POLICY_MODE_FIXED && o->has_write;

		/* one loan per staleness: none after a take-back, known
		 * before the take-back is written (stale_relend_s: until
		 * the wait, counted here, is over) */
		if (moved && o->write_kb < a->snap[i].target_kb) {
			d->stale_refused = true;
			if (a->cfg.policy.params.stale_relend_s) {
				if (d->stale_takes < STATE_STALE_TAKES_MAX)
					d->stale_takes++;
				d->stale_taken_ms = now;
			}
		} else if (moved && d->stale_refused && o->write_kb > a->snap[i].target_kb) {
			d->stale_refused = false;   /* lent again (stale_relend_due) */
			log_notice("domain %u (%s): reports still stale, the host abundant for the wait: lent again (take-back %u of this staleness; stale_relend_s)",
				   d->domid, d->name, (unsigned)d->stale_takes);
		}
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
