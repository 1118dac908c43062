/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The need under need = estimate: W*_i, a growing guest's need with its
 * OOM margin, and the part of it that is need now
 * (design.md §Growth is never cut). Used by policy.c for the floor, the
 * goal and scarce mode's tiers.
 */
#include "policy/solve.h"

/* W_i and its rise ahead over `cycles` intervals while it climbs
 * (policy_dom.rise_kb is one interval's, the sum at most g_i). A guest
 * fed exactly its measured need in a scarce host is a sample behind its
 * ramp at every cycle and pages that much all along
 * (design.md §Scarce mode from the estimated need, "The rise ahead").
 * Only for a guest whose free swap
 * holds its gap: one without swap room has its OOM margin as need while
 * it climbs (policy_need_w_kb()), which covers the rise; adding it there
 * as well only moved the unpark writes of lockstep-swapless's six
 * swapless climbers (one OOM kill more). */
static uint64_t ws_ahead_kb(const struct policy_params *p,
			    const struct policy_dom *d, uint64_t g,
			    unsigned cycles)
{
	if (!p->rise_ahead || d->swap_free_kb < g)
		return d->ws_kb;
	/* rise_kb < g <= POLICY_KB_MAX (2^40): the product fits. */
	uint64_t r = d->rise_kb < g ? d->rise_kb * cycles : g;
	uint64_t w;

	if (r > g)
		r = g;
	w = d->ws_kb + (r & ~(uint64_t)3);
	return w < POLICY_KB_MAX ? w : POLICY_KB_MAX;
}

/* How many intervals of a climb its need now covers: the memory for a
 * ramp's rise in a scarce host comes from another domain's decrease,
 * written in one cycle and granted to the ramp in the next (growth comes
 * only out of memory already free:
 * design.md §Apply: from targets to this cycle's writes),
 * so the ramp holds it two cycles after the lack was seen. Given one
 * interval's rise it is short again by the time the memory lands, and
 * starving at every cycle: a decrease and an increase of a few MiB
 * each, every cycle. The starving test (policy_need_ahead_kb()) looks
 * one interval ahead: a ramp given two is not starving in the cycle
 * after, and a donor's held-back decrease waits for it every other
 * cycle only. design.md §Scarce mode from the estimated need, "The rise
 * ahead". */
#define RISE_NEED_CYCLES 2u

/* Only for a ramp (POLICY_IN_RAMP: two rises or more at a pace it keeps,
 * so its lack comes back at every sample); one that rose once or walks
 * at random has the next interval's rise only: two intervals of a pace
 * measured between two random rises were need that other guests'
 * floors paid (growing-adopted-touch: 19 -> 22 OOM kills). */
static unsigned lead_cycles(const struct policy_dom *d)
{
	return (d->flags & POLICY_IN_RAMP) ? RISE_NEED_CYCLES : 1;
}

/* The need the tiers and the floor serve: W_i, plus, while the domain
 * grows (W_i or Committed_AS rose within oom_room_s), the part of g_i the guest's free swap cannot hold. A guest held at W_i
 * absorbs its next rise in swap; without swap room that rise is an OOM
 * kill, not a shortfall, and the estimate cannot show the need beyond
 * what the guest holds (no swap, no refaults of anonymous memory): its
 * margin is need (design.md §Growth is never cut). Never below W_i's
 * rise ahead (ws_ahead_kb()). */
static uint64_t need_w(const struct policy_params *p,
		       const struct policy_dom *d, unsigned cycles)
{
	uint64_t g = policy_dom_gap_kb(p, d);
	bool growing = p->oom_room_s && (d->flags & POLICY_IN_GROWING);
	uint64_t room = growing && g > d->swap_free_kb ? g - d->swap_free_kb : 0;
	uint64_t w = d->ws_kb + room < POLICY_KB_MAX ? d->ws_kb + room : POLICY_KB_MAX;
	uint64_t ahead = ws_ahead_kb(p, d, g, cycles);

	if (room && d->commit_new_kb > room) {
		/* Growing without swap room: what its programs committed
		 * since the growth began and have not touched yet is what
		 * they are about to touch (malloc, then fill). */
		uint64_t c = d->ws_kb + d->commit_new_kb;

		w = c < POLICY_KB_MAX ? c : POLICY_KB_MAX;
	}
	return w > ahead ? w : ahead;
}

/* The part of policy_need_w_kb() that is need now: W_i, plus, while the domain
 * grows without swap room, what its programs committed and have not
 * touched yet. The rest of W*_i, the part of g_i its swap cannot hold,
 * is a margin for the next rise: scarce mode serves it after every
 * domain's need and before anyone's gap, and the no-shrink floor does
 * not hold it (design.md §Growth is never cut, "The margin after the
 * needs"). */
static uint64_t need_now(const struct policy_params *p,
			 const struct policy_dom *d, unsigned cycles)
{
	uint64_t g = policy_dom_gap_kb(p, d);
	bool growing = p->oom_room_s && (d->flags & POLICY_IN_GROWING);
	uint64_t room = growing && g > d->swap_free_kb ? g - d->swap_free_kb : 0;
	uint64_t c = d->ws_kb + d->commit_new_kb;   /* both <= POLICY_KB_MAX */
	uint64_t ahead = ws_ahead_kb(p, d, g, cycles);

	if (!room)
		return ahead;
	/* Its steps have not paused: the next one is as good as here; or
	 * it was OOM-killed within oom_hold_s (its minimum raised): the
	 * margin is what it lacked then. */
	if ((d->flags & (POLICY_IN_CLIMBING | POLICY_IN_OOM_MIN)) &&
	    !policy_margin_futile(p, d, room))
		return need_w(p, d, cycles);
	if (c > POLICY_KB_MAX)
		c = POLICY_KB_MAX;
	return c > ahead ? c : ahead;
}

/* lead: scarce mode's tiers and the follow-up's test, where a ramp's
 * need leads by RISE_NEED_CYCLES (lead_cycles()); else the next
 * interval's rise only: the goal and the no-shrink floor. The second
 * interval is for the cycle a donor's decrease takes to land; where the
 * host has the memory free the increase is written at once, and a goal
 * two rises ahead hid every cut of the learned gap below them on a ramp
 * (demo: `learned` gave `fixed`'s figures to the digit). */
static unsigned cycles_of(const struct policy_dom *d, bool lead)
{
	return lead ? lead_cycles(d) : 1;
}

uint64_t policy_need_w_kb(const struct policy_params *p,
			  const struct policy_dom *d, bool lead)
{
	return need_w(p, d, cycles_of(d, lead));
}

uint64_t policy_need_now_kb(const struct policy_params *p,
			    const struct policy_dom *d, bool lead)
{
	return need_now(p, d, cycles_of(d, lead));
}

/* W_i plus its slack (need_slack_pct of W_i, 4 KiB aligned): the error
 * the working-set estimate can have on a real guest (the e2e's squeezed
 * guest: up to 4.9 % under, `make e2e-xen`'s est_squeezed_hybrid). A guest held at W_i
 * exactly has no free page left for its page cache and the kernel's
 * watermarks; with its swap in zram a squeeze there ends in the OOM
 * killer (design.md §The estimate's slack). */
uint64_t policy_need_slack_kb(const struct policy_params *p,
			      const struct policy_dom *d)
{
	/* ws_kb <= POLICY_KB_MAX (2^40), need_slack_pct <= 50: no overflow. */
	uint64_t s = d->ws_kb * p->need_slack_pct / 100;
	uint64_t w = d->ws_kb + (s & ~(uint64_t)3);

	return w < POLICY_KB_MAX ? w : POLICY_KB_MAX;
}

/* Whether a reservation may take d's slack (lent KiB of it): its agent
 * says its swap is all on disk or in files (zram 0), and that swap has
 * room for what the slack covered. Its estimate's error then pages,
 * slowly and survivably. On zram (compressed RAM) a squeeze to W_i ends
 * in the OOM killer whatever the free swap says (the project's CI on real
 * Xen), and a swapless guest has nowhere to page. An agent that does not
 * tell the kind: as zram (design.md §The estimate's slack, "Swap in
 * RAM"). */
bool policy_slack_pages(const struct policy_dom *d, uint64_t lent)
{
	return d->swap_tot_kb > 0 && (d->flags & POLICY_IN_SWAP_KIND) &&
	       d->swap_zram_kb == 0 && d->swap_free_kb >= lent;
}

/* W_i and its rise ahead (ws_ahead_kb()), without the OOM margin: with
 * lead = false what a domain lacks by the next cycle when it holds less
 * (apply_unpark.c's starving test), with lead = true the increase the
 * follow-up cycle grants a waiting ramp (follow_up.c). */
uint64_t policy_need_ahead_kb(const struct policy_params *p,
			      const struct policy_dom *d, bool lead)
{
	return ws_ahead_kb(p, d, policy_dom_gap_kb(p, d), cycles_of(d, lead));
}

/* A load that comes back (design.md §Scarce mode from the estimated need,
 * "A load that comes back"): while its load came back within
 * comeback_hold_s, the window's peak of W_i (POLICY_IN_PEAK) stands for
 * `w` in its goal and in scarce mode's need now (tiers 3 and 4), beside
 * every other domain's need; what of it the domain holds comes first in
 * tier 3 (solve_tiers.c), but it is never the no-shrink floor. So does
 * the level of a load that recurs (POLICY_IN_RECUR, comeback_recur_s),
 * for a swapless guest: there it is need its swap cannot hold (tier 1). */
uint64_t policy_need_held_kb(const struct policy_params *p,
			     const struct policy_dom *d, uint64_t w)
{
	uint64_t held = (d->flags & POLICY_IN_PEAK) && d->peak_kb > w ? d->peak_kb : w;

	/* A load that recurs: a swapless guest's level, when the jump back
	 * to it is more than its gap holds. A guest with swap pages through
	 * its next burst (tier 1's reasoning): holding its level too, even
	 * less its free swap, made hosts scarce between the bursts and
	 * gained kills where random loads "recur" by chance
	 * (growing-adopted-touch 19 -> 22, many-small-one-big 13 -> 16) and
	 * tripled fleet-spike's writes; so did a swapless random walk whose
	 * jumps the gap covers (many-small-one-big). */
	if ((d->flags & POLICY_IN_RECUR) && d->swap_tot_kb == 0 &&
	    d->recur_kb > w + policy_dom_gap_kb(p, d) && d->recur_kb > held)
		held = d->recur_kb;
	return held;
}

/* Whether the load an OOM kill raised d's minimum for is gone: d does
 * not grow, and W_i lies below the raised L_i by more than the fixed
 * headroom (headroom_kb), all its swap and oom_bump_kb. The raise then
 * stands for a load that has fallen away (a daily cycle past its peak),
 * further than the guest's swap and a bump could have carried. Held as
 * a floor of every tier, it kept such a guest 300 MiB above a 130 MiB
 * load for minutes while the guests it starved were killed
 * (diurnal-fleet-tight, 38 kills;
 * design.md §Growth is never cut, "The OOM minimum after the needs").
 * Without the bump, small guests with 64 MiB of swap whose loads jump
 * back after a fall were killed more (growing-adopted 24 -> 40). The
 * margin is the fixed headroom, not g_i, whatever the headroom mode:
 * after a kill the learned gap's floor is gap_min + oom_bump (gap.c), so
 * g_i would count the bump twice; the learned column kept d8's raise
 * there (W_i 195 + 96 + 128 + 64 > 482) where the fixed one yielded it.
 * A guest that grows again keeps the raise as a floor. */
bool policy_oom_load_gone(const struct policy_params *p,
			  const struct policy_dom *d)
{
	if (!(d->flags & POLICY_IN_WS) || !(d->flags & POLICY_IN_OOM_MIN) ||
	    d->oom_raise_kb == 0 || (d->flags & POLICY_IN_GROWING))
		return false;
	/* each <= POLICY_KB_MAX */
	return d->ws_kb + p->headroom_kb + d->swap_tot_kb + p->oom_bump_kb < d->min_kb;
}

/* Whether a loop's raise was being served: oom_loop_held, a need now
 * U1_i of at most half the raise (the kill left the guest idle: the
 * room the estimate shows, which a grant does not move at once), and
 * the target the last cycle wrote (B_i) at least half way from U1_i up
 * to the raise. Then the room is not judged again: the restarted job
 * grows into the grant (MemAvailable stays, N_i rises), which read as an
 * over-limit guest whose job lives, the raise yielded, the cut killed
 * the job and freed the room again: every cycle (session 25,
 * rolling-peaks under fall_margin_given: w03's raise granted and
 * yielded, 379 <-> 635 MiB, 115 exact reversals in 1200 s). */
static bool loop_held(const struct policy_params *p, const struct policy_dom *d,
		      uint64_t u1)
{
	return p->oom_loop_held && u1 <= d->min_kb / 2 &&
	       d->target_kb >= u1 + (d->min_kb - u1) / 2;
}

/* A crash loop (design.md §Growth is never cut, "A crash loop"): a
 * swapless guest killed again soon after its last kill, its restarted
 * job killed before its agent could show the need. The raise is the only
 * figure of that need, and one its swap cannot hold: scarce mode serves
 * it in tier 1, whole or not at all (solve_tiers.c). A guest with swap
 * keeps its raise as a floor (or its load is gone): not this rule's,
 * nor a guest without room (below). */
uint64_t policy_oom_loop_kb(const struct policy_params *p, const struct policy_dom *d,
			    uint64_t u1, uint64_t r4, uint64_t *loop)
{
	*loop = 0;
	if (!(d->flags & POLICY_IN_OOM_LOOP) || d->swap_tot_kb || d->min_kb <= u1 || r4 <= u1)
		return u1;
	/* With room: at least half its RAM available. A kill that leaves
	 * the guest that much freed the job's memory (the loop the figures
	 * cannot show); an over-limit guest whose job lives has none, and
	 * its kills cost what it lacks, not its job's whole demand: there
	 * the raise yields as before (tiny-start-swapmix under
	 * oom_restart_s = 0: 49941 -> 101797 MiB·s without this test). */
	if (!loop_held(p, d, u1) && (!(d->flags & POLICY_IN_AVAIL) ||
				     d->avail_kb * 2 < d->actual_kb - d->overhead_kb))
		return u1;
	*loop = u1;
	return d->min_kb < r4 ? d->min_kb : r4;
}

/* The learned gap keeps gap_min + oom_bump for oom_hold_s after a kill
 * (gap.c): with the raised L_i it guards against the load that killed
 * the guest coming back. Once that load is gone (above), the raise
 * yields and so does that floor: the gap is read at most as the fixed
 * headroom, what `headroom = fixed` leaves. Without this, under
 * `headroom = learned` every such guest kept 32 MiB more than under
 * `fixed` for the rest of the hold, and diurnal-fleet-tight's learned
 * column had 32 kills against fixed's 27 (docs/evaluation.md, "Session
 * 14: the killed load gone (killgone14)"). */
uint64_t policy_dom_gap_kb(const struct policy_params *p,
			   const struct policy_dom *d)
{
	uint64_t h = policy_fixed_gap_kb(p, (d->flags & POLICY_IN_WS) ? d->ws_kb
								     : d->committed_as_kb);
	uint64_t g = (d->flags & (POLICY_IN_GAP | POLICY_IN_WS)) ? d->gap_kb : h;

	return g > h && policy_oom_load_gone(p, d) ? h : g;
}

/* A gap in MiB is a rounding error on a guest of tens of GiB: a
 * database of 20000 MiB whose load steps by 100-300 MiB every report
 * was cut to its load + 64 MiB and OOM-killed at each step (break26's
 * big-iron: 81 kills against static's 6; docs/evaluation/sessions/
 * session-26.md, "(biggap26)"). With headroom_ws_pct the fixed gap is
 * a share of the demand where that share passes headroom_kb: a guest
 * under headroom_kb * 100 / pct keeps headroom_kb, as before. */
uint64_t policy_fixed_gap_kb(const struct policy_params *p, uint64_t ws_kb)
{
	if (!p->headroom_ws_pct)
		return p->headroom_kb;
	/* w <= 2^40, pct <= 50: no overflow */
	uint64_t w = ws_kb < POLICY_KB_MAX ? ws_kb : POLICY_KB_MAX;
	uint64_t s = (w * p->headroom_ws_pct / 100) & ~(uint64_t)3;

	return s > p->headroom_kb ? s : p->headroom_kb;
}

/* The margin tier 1 serves above u1: the margin a swapless guest keeps
 * of what it holds (swapless_keep.c, or after a fall: fall_margin.c),
 * or is given above the target it was killed at (oom_keep_held_any,
 * oom_keep_full.c), or its shown noise (noise_margin.c), the largest.
 * (A margin for every shown rise, kill_margin, was tried and
 * removed in session 23: design.md, "A kill against paging".) */
uint64_t policy_kill_margin_kb(const struct policy_params *p,
			       const struct policy_dom *d, uint64_t u1, uint64_t up)
{
	uint64_t sk = policy_swapless_keep_kb(p, d, u1, up);
	uint64_t fm = policy_fall_margin_kb(p, d, u1, up);
	uint64_t hm = policy_oom_held_margin_kb(p, d, u1, up);
	uint64_t nm = policy_noise_margin_kb(p, d, u1, up);

	if (sk < fm)
		sk = fm;
	if (sk < hm)
		sk = hm;
	return nm > sk ? nm : sk;
}

/* need_in_swap: what of W_i the domain's swap holds already. W_i counts
 * the swapped pages that come back (the hybrid estimate's hot swap, the
 * lru bound while pages come back), and what of W_i the domain does not
 * hold in RAM is in its swap, so at most W_i above N_i and at most the
 * swap in use. Tier 1's need swap cannot hold is W_i less the swap the
 * domain can still page into (SF_i) *and* less this: a guest held where
 * it is keeps paging what it pages now, and only a cut below N_i - SF_i
 * kills it. Without it a guest paging P KiB of its need looked P KiB
 * further from its OOM floor than it is, and its "need swap cannot
 * hold" was served before the needs of guests without swap (design.md
 * §Scarce mode from the estimated need, "What of its need a guest's swap
 * holds already"). */
uint64_t policy_need_in_swap_kb(const struct policy_params *p,
				const struct policy_dom *d)
{
	if (!p->need_in_swap || !(d->flags & POLICY_IN_WS) ||
	    d->swap_tot_kb <= d->swap_free_kb || d->ws_kb <= d->actual_kb)
		return 0;
	uint64_t used = d->swap_tot_kb - d->swap_free_kb, out = d->ws_kb - d->actual_kb;

	return used < out ? used : out;
}

/* oom_min_keep (design.md §Growth is never cut, "A kill's margin
 * kept"): the floor a swapless domain killed within oom_hold_s keeps in
 * every tier, what it held at the kill (its raised L_i less oom_bump)
 * and oom_min_keep more, at most its need now and that much, at most the
 * raise. Held at exactly its need after a kill, such a guest was killed
 * again by its next rise of a MiB (hold-lapse's h1 and h2); a floor at
 * the level of the kill alone held memory for a load that had fallen
 * (cache-tmpfs's a2: 1.91x its lagged floor). 0 when off; the caller
 * (tier_floors()) has checked the raise yields.
 *
 * "At the kill" is the latest kill (oom_kill_kb, from the arbiter): the
 * raise keeps the largest kill in force, and a guest killed by a job's
 * jump and then by creeps of its usual load (hold-lapse's h1: 610 MiB,
 * then 150) held the job's level as "the kill". No floor while W_i is
 * more than oom_min_keep_gone below that level: the load the kill came
 * from has fallen, and what is kept for it only makes the others page
 * (cache-tmpfs's a2, killed at the top of each ramp). */
uint64_t policy_oom_keep_kb(const struct policy_params *p,
			    const struct policy_dom *d)
{
	if (!p->oom_min_keep_kb)
		return 0;
	/* min_kb, ws_kb <= POLICY_KB_MAX (2^40), keep <= MIB_MAX: no overflow */
	uint64_t k = policy_oom_kill_level_kb(p, d);
	uint64_t w = d->ws_kb + p->oom_min_keep_kb;

	/* oom_keep_held_any's margin is tier 1's (policy_kill_margin_kb()),
	 * not a floor. */
	if (!policy_oom_recur_keeps(p, d, k))
		return 0;
	if (p->oom_min_keep_gone_kb && d->ws_kb + p->oom_min_keep_gone_kb < k)
		return 0;
	k += p->oom_min_keep_kb;
	if (k > w)
		k = w;
	/* Held only: a floor that raised the target took a guest left over
	 * after its kill out of the over state, and the next climb of more
	 * than `keep` killed it again (agent-jump's w2, kill-price's s1). */
	if (p->oom_min_keep_held && k > d->target_kb) {
		/* With oom_recur_keep, a margin the guest does not hold whole
		 * is none: capped at B_i it kept a guest whose load hovers
		 * at the level it was killed at right there, and each rise
		 * of its noise was a kill (hang-grow's g2: 10 -> 14 kills on
		 * the row; oom_recur.c). */
		if (p->oom_recur_keep && !policy_oom_keep_held_recur(p, d, policy_oom_kill_level_kb(p, d)))
			return 0;
		if (!p->oom_recur_keep)
			k = d->target_kb;
	}
	return k < d->min_kb ? k : d->min_kb;
}
