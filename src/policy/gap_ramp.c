// SPDX-License-Identifier: GPL-2.0-only
/*
 * The learned gap on a ramp (design.md §The learned gap, gap_ramp_hold
 * and gap_ramp_lead_s): how far a cut may go while W_i rises report
 * after report. Split from gap.c, the learner.
 *
 * gap_ramp_hold alone allows no cut on a ramp: a cut taken mid-climb is
 * paid at the top, where the balloon lags the last rise by a report and
 * the host turns scarce later than under `fixed` (membal-sim, demo).
 * That holds a slow leak at gap_start for its whole life (gap-leak: a
 * guest whose W_i grows by a third of a MiB a second never had a cut
 * on any of its 265 judged steps), though 32 MiB of gap is a minute and
 * a half of its climb. With gap_ramp_lead_s a cut on a ramp is allowed
 * down to what the ramp's rate fills in that many seconds: a steep ramp
 * is held as before, a slow one may be cut.
 */
#include "policy/gap.h"

void gap_ramp_rise(const struct policy_params *p, struct gap_state *s, uint64_t rise_kb,
		   bool flat)
{
	/* gap_ramp_flat: an estimate refreshed at half the report rate
	 * shows a steady climb as rise, flat, rise (membal-sim, build-farm:
	 * b02's W rose 52 MiB every other report, ramp_kb stayed 0 and the
	 * 15th step's exploration cut it to 52 MiB mid-climb: 12 MiB of
	 * swap-in more than `fixed`). One report whose W did not move at
	 * all after a rise keeps the ramp as it was; a second, or a fall,
	 * ends it. */
	if (p->gap_ramp_flat && flat && s->last_rise_kb && !s->ramp_flat) {
		s->ramp_flat = true;
		return;
	}
	s->ramp_flat = false;
	s->ramp_kb = rise_kb && s->last_rise_kb ? rise_kb : 0;
	s->last_rise_kb = rise_kb;
}

void gap_ramp_note(struct gap_state *s, uint64_t now_ms, uint64_t rise_kb)
{
	if (!s->have_seen)
		s->first_ms = now_ms ? now_ms : 1;
	if (rise_kb > s->max_rise_kb)
		s->max_rise_kb = rise_kb;
	s->ramp_ms = s->ramp_kb && s->have_seen && now_ms > s->seen_ms ? now_ms - s->seen_ms : 0;
}

uint64_t gap_ramp_floor_kb(const struct policy_params *p, const struct gap_state *s)
{
	if (!s->ramp_kb)
		return 0;
	/* No lead, or a rise whose interval is unknown: the whole hold. */
	if (!p->gap_ramp_lead_s || !s->ramp_ms)
		return UINT64_MAX;
	/* Evidence first: a guest seen for less than two windows of the
	 * recent-rise floor may not have shown its jumps yet (gap-creep's
	 * first jump comes gap_window_s after its start). */
	if (!s->first_ms || s->seen_ms < s->first_ms ||
	    s->seen_ms - s->first_ms < 2 * (uint64_t)p->gap_window_s * 1000)
		return UINT64_MAX;
	unsigned __int128 f = (unsigned __int128)s->ramp_kb * p->gap_ramp_lead_s * 1000 / s->ramp_ms;

	/* A guest that has jumped keeps room for twice its largest jump:
	 * a slow creep between jumps is no leak (gap-creep: a creep cut
	 * on its way up met the next 44-52 MiB jump with 11 MiB of
	 * swap-in). */
	if (f < s->ramp_kb)
		f = s->ramp_kb;
	if (f < 2 * (unsigned __int128)s->max_rise_kb)
		f = 2 * (unsigned __int128)s->max_rise_kb;
	return f >= POLICY_KB_MAX ? UINT64_MAX : gap_align_up((uint64_t)f);
}

bool gap_ramp_held(const struct policy_params *p, const struct gap_state *s)
{
	uint64_t f = gap_ramp_floor_kb(p, s);

	return p->gap_ramp_hold && s->ramp_kb && (f == UINT64_MAX || f + GAP_ALIGN_KB > s->gap_kb);
}

int gap_ramp_explore_lo(const struct policy_params *p, const struct gap_state *s, int lo)
{
	if (!p->gap_ramp_hold || !s->ramp_kb)
		return lo;
	if (gap_ramp_held(p, s))
		return 0;
	int k = (int)((s->gap_kb - gap_ramp_floor_kb(p, s)) / GAP_ALIGN_KB);

	return lo < -k ? -k : lo;
}

int64_t gap_ramp_cut_kb(const struct policy_params *p, const struct gap_state *s,
			int64_t before, int64_t next)
{
	if (!p->gap_ramp_hold || !s->ramp_kb || next >= before)
		return next;
	uint64_t f = gap_ramp_floor_kb(p, s);

	if (f >= (uint64_t)before)
		return before;
	return next < (int64_t)f ? (int64_t)f : next;
}
