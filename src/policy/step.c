// SPDX-License-Identifier: GPL-2.0-only
/*
 * Abundant mode's steps from the current target toward the goal: the
 * hysteresis walk of self-adjustment (§3.2, also the paper preset's
 * global targets) and the write band of a domain sized by its estimate
 * (design.md §A step ahead and the boot grace).
 */
#include "policy/solve.h"

/*
 * One self-adjustment step (§3.2) from the current target B toward goal:
 *     d = |goal - B|,  step = max(ceil(d / h), min(min_change, d))
 * with h = hysteresis_up when growing, hysteresis_down when shrinking.
 * The step is never below the write threshold unless it lands exactly
 * on the goal, so a walk always ends on the goal instead of parking
 * within min_change of it. It is rounded up to a whole page (never past
 * the goal), so that a walk between page-aligned values stays aligned.
 */
uint64_t policy_self_step(const struct policy_params *p, uint64_t from,
			  uint64_t goal)
{
	if (goal == from)
		return from;

	bool grow = goal > from;
	uint64_t d = grow ? goal - from : from - goal;
	uint64_t h = grow ? p->hysteresis_up : p->hysteresis_down;
	uint64_t step = d / h + (d % h != 0);
	uint64_t least = d < p->min_change_kb ? d : p->min_change_kb;

	if (step < least)
		step = least;
	step += (POLICY_PAGE_KB - step % POLICY_PAGE_KB) % POLICY_PAGE_KB;
	/* Never leave a sliver below the noise floor: it would not be
	 * written and the walk would park short of its goal. */
	if (step > d || d - step < p->settle_min_kb)
		step = d;
	return grow ? from + step : from - step;
}

/*
 * The write band of a domain sized by its estimate
 * (design.md §A step ahead and the boot grace): its goal W_i + g_i
 * moves with every sample, and a ramp would
 * otherwise be rewritten every cycle by a few MiB. The target aims
 * min_change above the goal: a domain whose goal passes its target grows
 * there at once, so the goal can rise that much before the next write; a
 * target up to 2 min_change above the goal is kept, so the goal can
 * jitter by min_change either way without a write; farther above, it
 * walks down (in hysteresis steps, as before) to min_change above the
 * goal. Returns the target and sets *settle to the end of that move,
 * which a write below min_change may land on (the target itself when it
 * is kept: the learned gap reads target == settle as settled).
 */
uint64_t policy_band_aim(const struct policy_params *p,
			 const struct policy_dom *d, uint64_t goal)
{
	uint64_t lead = policy_page_down(p->min_change_kb);
	uint64_t top = policy_page_down(d->max_kb);
	uint64_t aim = goal + lead < top ? goal + lead : top;

	return aim < goal ? goal : aim;
}

/*
 * band_fixed_gap: the goal a growing domain's aim is read from when the
 * band asks whether growth waits (free_u < up: the decreases fund it in
 * one write each). Under headroom = learned a learned gap g_i below the
 * fixed H lowers the growers' aims, so the host is judged to have room
 * where the fixed gap judged growth waiting: a donor whose load fell then
 * walks down by hysteresis steps (a write a cycle, ~d / min_change of
 * them) where under fixed it went to its aim in one write (recur-stop's
 * r2 after each burst: 11 writes against 1). With the key the test reads
 * the aims as H would have them, goal + H - g_i; what is granted is not
 * changed. Under headroom = fixed g_i = H: the goal itself.
 */
uint64_t policy_band_goal_kb(const struct policy_params *p,
			     const struct policy_dom *d, uint64_t goal)
{
	uint64_t g = policy_dom_gap_kb(p, d);

	if (!p->band_fixed_gap || p->headroom != POLICY_HEADROOM_LEARNED ||
	    g >= p->headroom_kb)
		return goal;
	return goal + (p->headroom_kb - g);
}

enum policy_band policy_band_of(const struct policy_params *p, int64_t free_u,
				int64_t back, int64_t up, int64_t lack,
				int64_t pages, bool resv)
{
	/* Below the reserve, the band yields only what the host lacks
	 * (design.md §A step ahead and the boot grace, "Below the reserve"). */
	enum policy_band band = free_u >= 0 ? POLICY_BAND_KEEP :
				free_u + back >= 0 ? POLICY_BAND_AIM : POLICY_BAND_GOAL;

	/* Above the reserve but short of what the growing domains' aims
	 * take: the decreases fund them in one write each. */
	if (band == POLICY_BAND_KEEP) {
		if (free_u >= up)
			return band;
		/* A guest that pages (W_i and its rise ahead above what the
		 * domains hold add up to min_change) waits on memory the keep strands: a donor
		 * up to 2 min_change above its goal was kept, and with a few
		 * donors that is more than the pager lacks while Step 4 counts
		 * it as free (boot-overcommit's i2 paged 27 MiB for 4 s with
		 * five donors 11-27 MiB above their goals). fund_to_goal: the
		 * donors give that lack back, toward their goals, in one
		 * write each (fund_goal.c). */
		if (p->fund_to_goal && pages >= (int64_t)p->min_change_kb)
			return POLICY_BAND_FUND_GOAL;
		return POLICY_BAND_FUND;
	}
	/* Below the reserve too, a guest that pages waits on the decreases
	 * (grants come out of free memory above the reserve alone, apply.c;
	 * the early cycle only grants): once the needs W_i above what their
	 * domains hold add up to min_change, the walk to the end of the
	 * band is one write (fund_below_reserve; a host adopted short:
	 * liar-commit's d swapped while the donors stepped down by an eighth
	 * a cycle). A guest short of its gap only waits for the walk, as
	 * before (unpark-trickle). */
	/* A reservation waits the same way (fund_reservation): below the
	 * reserve with one in force, what it lacks is counted in F_U, and
	 * `reserve --wait` is answered only once free memory covers it. A
	 * domain created big and idle (a CI runner from a template sized
	 * for its largest job) walked down in eighths for 12 s after its
	 * grace while the next runner waited on it (ephemeral-fat's e02). */
	if ((p->fund_below_reserve && lack >= (int64_t)p->min_change_kb) ||
	    (p->fund_reservation && resv))
		return band == POLICY_BAND_AIM ? POLICY_BAND_AIM_FUND
					       : POLICY_BAND_GOAL_FUND;
	return band;
}

uint64_t policy_band_step(const struct policy_params *p,
			  const struct policy_dom *d, uint64_t goal,
			  enum policy_band band, uint32_t take_ppm,
			  uint64_t *settle)
{
	/* Below the reserve the band is memory the host needs back: walk
	 * to the aim while that gives it back, else to the goal, as
	 * self-adjustment does. */
	uint64_t b = d->target_kb;
	bool fund = band == POLICY_BAND_FUND || band == POLICY_BAND_AIM_FUND ||
		    band == POLICY_BAND_GOAL_FUND || band == POLICY_BAND_FUND_GOAL;
	uint64_t aim = band == POLICY_BAND_GOAL || band == POLICY_BAND_GOAL_FUND ?
		       goal : policy_band_aim(p, d, goal);
	uint64_t keep = band == POLICY_BAND_KEEP || band == POLICY_BAND_FUND ||
			band == POLICY_BAND_FUND_GOAL ?
			2 * policy_page_down(p->min_change_kb)
						 : aim - goal;

	*settle = aim;
	if (goal > b)
		return aim;
	if (band == POLICY_BAND_FUND_GOAL) {
		/* FUND's move (the aim, beyond the keep), or the pagers'
		 * share of the keep, whichever gives more back. */
		uint64_t s, t = policy_fund_goal_step(p, d, goal, take_ppm, &s);

		if (b - goal <= keep || t < aim) {
			*settle = s;
			return t;
		}
		return aim;
	}
	if (b - goal <= keep) {
		*settle = b;   /* kept: no move, the domain is where it should be */
		return b;
	}
	/* Growth waits on this decrease: one write that covers it, not a
	 * hysteresis walk whose every step funds one more grant (a donor
	 * stepping down by min_change per cycle and the grower granted
	 * that much each time: two writes a cycle for one move). */
	if (fund)
		return aim;
	return policy_self_step(p, b, aim);
}

/*
 * What the host gets back (negative: still gives) once d's target has
 * walked to the end of its band below the reserve: its aim (a domain
 * without an estimate: its goal), not below L_i', not above its target.
 * Counted from what it holds (N_i), as F_U is, so a decrease in flight
 * is memory coming back and growth in flight memory still to go.
 * Summed over the domUs, it decides whether walking to the aims gives
 * the host what it lacks (design.md §A step ahead and the boot grace,
 * "Below the reserve").
 */
int64_t policy_band_back(const struct policy_params *p,
			 const struct policy_dom *d, uint64_t goal, uint64_t lo,
			 bool estimate)
{
	uint64_t end = estimate ? policy_band_aim(p, d, goal) : goal;

	if (end < lo)
		end = lo;
	if (end > d->target_kb)
		end = d->target_kb;
	return (int64_t)d->actual_kb - (int64_t)end;
}
