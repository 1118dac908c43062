/* SPDX-License-Identifier: GPL-2.0-only */
#include "policy/gap.h"

#include <string.h>

uint64_t gap_rand(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

const char *gap_outcome_name(enum gap_outcome o)
{
	switch (o) {
	case GAP_NONE: return "none";
	case GAP_FROZEN: return "frozen";
	case GAP_FIRST: return "first";
	case GAP_PRIZE: return "prize";
	case GAP_FINED: return "fined";
	case GAP_UNJUDGED: return "unjudged";
	case GAP_BEAT: return "heartbeat";
	}
	return "?";
}

int gap_action_index(int64_t change_kb)
{
	int64_t half = GAP_ALIGN_KB / 2;
	/* Round half away from zero, symmetric for cuts and growths. */
	int64_t steps = change_kb >= 0 ? (change_kb + half) / GAP_ALIGN_KB
				       : -((-change_kb + half) / GAP_ALIGN_KB);

	if (steps > GAP_CENTER)
		steps = GAP_CENTER;
	if (steps < -GAP_CENTER)
		steps = -GAP_CENTER;
	return (int)steps + GAP_CENTER;
}

static void bounds(const struct policy_params *p, uint64_t ws_kb, uint64_t floor,
		   uint64_t *lo, uint64_t *hi)
{
	/* The seed's W/2 ceiling limits how far the gap grows, not where it
	 * starts: a small guest is not cut below gap_start (the fixed
	 * headroom) before anything has shown that it can be (issue 14's
	 * bound as written, below gap_start too, was a cut before evidence:
	 * swap-in and OOM kills in membal-sim, docs/evaluation/sessions/
	 * session-18.md "(gap18)"). */
	uint64_t half = gap_align_down(ws_kb) / 2;
	uint64_t cap = half > p->gap_start_kb ? half : p->gap_start_kb;
	/* headroom_ws_pct scales the ceiling as it scales the fixed gap. */
	uint64_t max = p->gap_max_kb, sc = policy_fixed_gap_kb(p, ws_kb);

	if (p->headroom_ws_pct && sc > max)
		max = sc;
	uint64_t top = gap_align_down(max < cap ? max : cap);

	*lo = floor;
	*hi = top > floor ? top : floor;
}

void gap_bounds(const struct policy_params *p, uint64_t ws_kb, bool oom_hold,
		uint64_t *lo, uint64_t *hi)
{
	/* The seed's floor was 4 MiB and its safety net the hypervisor's own
	 * paging; a PV guest has none, so the floor is gap_min, and after an
	 * OOM kill gap_min + oom_bump for the hold. */
	bounds(p, ws_kb, gap_floor_kb(p, oom_hold, oom_hold), lo, hi);
}

/* The bounds in force for domain state s (the OOM floor as
 * gap_oom_floor() has it). */
static void bounds_of(const struct policy_params *p, const struct gap_state *s,
		      uint64_t ws_kb, bool oom_hold, uint64_t *lo, uint64_t *hi)
{
	bounds(p, ws_kb, gap_floor_kb(p, oom_hold, gap_oom_floor(p, s, oom_hold)), lo, hi);
}

static uint64_t clamp_gap(const struct policy_params *p, const struct gap_state *s,
			  int64_t gap_kb, uint64_t ws_kb, bool oom_hold)
{
	uint64_t lo, hi, g;

	bounds_of(p, s, ws_kb, oom_hold, &lo, &hi);
	g = gap_kb <= 0 ? 0 : gap_align_down((uint64_t)gap_kb);
	return g < lo ? lo : g > hi ? hi : g;
}

uint64_t gap_current_kb(const struct policy_params *p,
			const struct gap_state *s, uint64_t ws_kb, bool oom_hold)
{
	uint64_t g = !s->init ? p->gap_start_kb : s->have_use ? s->use_kb : s->gap_kb;

	return clamp_gap(p, s, (int64_t)(g > POLICY_KB_MAX ? POLICY_KB_MAX : g),
			 ws_kb, oom_hold);
}

void gap_state_init(struct gap_state *s, const struct policy_params *p,
		    uint32_t domid)
{
	memset(s, 0, sizeof(*s));
	s->rng = (uint64_t)p->gap_seed * UINT64_C(0x100000001b3) ^ domid;
	s->gap_kb = gap_align_down(p->gap_start_kb);
	s->use_kb = s->gap_kb;
	s->have_use = true;
	s->quiet = true;   /* no pain seen yet: a first growth is not rewarded */
	s->init = true;
	s->last_action = GAP_CENTER;
}

int64_t gap_realised_kb(uint64_t actual_kb, uint64_t overhead_kb,
			uint64_t ws_kb)
{
	return (int64_t)actual_kb - (int64_t)overhead_kb -
	       (int64_t)gap_align_down(ws_kb);
}

static void add_price(int32_t *price, int64_t v)
{
	int64_t x = (int64_t)*price + v;

	*price = (int32_t)(x > GAP_PRICE_MAX ? GAP_PRICE_MAX
			   : x < -GAP_PRICE_MAX ? -GAP_PRICE_MAX : x);
}

/* A forward delta of a cumulative counter, false when either side is
 * missing or it went backwards (a rebooted or restored guest). */
static bool fwd(bool have_a, uint64_t a, bool have_b, uint64_t b, uint64_t *d)
{
	if (!have_a || !have_b || b < a)
		return false;
	*d = b - a;
	return true;
}

/* pages over dt_ms above rate pages per second */
static bool above(uint64_t pages, uint32_t rate, uint64_t dt_ms)
{
	return (unsigned __int128)pages * 1000 > (unsigned __int128)rate * dt_ms;
}

/* Whether (swap-ins + anon refaults) from a to b over dt_ms exceed
 * gap_pagein_rate. */
static bool paged_in_between(const struct policy_params *p,
			     const struct gap_counters *a,
			     const struct gap_counters *b, uint64_t dt_ms)
{
	uint64_t d_in = 0, d_anon = 0;

	if (!fwd(a->have_pswpin, a->pswpin, b->have_pswpin, b->pswpin, &d_in))
		return false;
	fwd(a->have_refault_anon, a->refault_anon, b->have_refault_anon,
	    b->refault_anon, &d_anon);
	return above(d_in + d_anon, p->gap_pagein_rate, dt_ms);
}

/* Credit the realised action since the previous step. */
static enum gap_outcome judge(const struct policy_params *p,
			      struct gap_state *s, const struct gap_obs *o,
			      int64_t realised)
{
	uint64_t dt = o->report_ms > s->prev_ms ? o->report_ms - s->prev_ms : 0;
	uint64_t d_in = 0, d_anon = 0, d_file = 0;
	int i = gap_action_index(realised - s->prev_realised_kb);

	if (dt == 0 ||
	    !fwd(s->prev_c.have_pswpin, s->prev_c.pswpin, o->c.have_pswpin,
		 o->c.pswpin, &d_in))
		return GAP_UNJUDGED;
	/* Anon refaults exist from Linux 5.9; without them pswpin alone. */
	fwd(s->prev_c.have_refault_anon, s->prev_c.refault_anon,
	    o->c.have_refault_anon, o->c.refault_anon, &d_anon);
	bool have_file = fwd(s->prev_c.have_refault_file, s->prev_c.refault_file,
			     o->c.have_refault_file, o->c.refault_file, &d_file);
	bool pagein = above(d_in + d_anon, p->gap_pagein_rate, dt);
	bool io = have_file && above(d_file, p->gap_io_rate, dt);

	bool was_quiet = s->quiet;

	s->quiet = !pagein && !io;
	if (s->quiet) {
		/* A quiet step shows that the gap was enough, not that a growth
		 * was needed: a growth is rewarded only when it ended pain
		 * (the previous judged step was fined). Otherwise every growth
		 * would be rewarded, chosen again and rewarded again, up to
		 * the ceiling (seen in membal-sim: working-set). */
		if (i <= GAP_CENTER || !was_quiet)
			add_price(&s->price[i], p->gap_prize);
		s->n_prizes++;
		return GAP_PRIZE;
	}
	if (pagein) {
		s->pain_ms = o->report_ms ? o->report_ms : 1;
		add_price(&s->price[i], -(int64_t)p->gap_fine_pagein);
		s->n_fines_pagein++;
	}
	if (io) {
		add_price(&s->price[i], -(int64_t)p->gap_fine_io);
		s->n_fines_io++;
	}
	return GAP_FINED;
}

/* The highest price; ties: the smallest |change|, then the growth. */
static int best_action(const struct gap_state *s)
{
	int best = GAP_CENTER;

	for (int k = 1; k <= GAP_CENTER; k++) {
		int up = GAP_CENTER + k, down = GAP_CENTER - k;

		if (s->price[up] > s->price[best])
			best = up;
		if (s->price[down] > s->price[best])
			best = down;
	}
	return best;
}

/* gap_ramp_hold: W rose at the last fresh report and the one before. A
 * cut taken while W still climbs is paid at the ramp's top, where the
 * balloon lags the rise by a report (membal-sim, demo: 7.5 MiB of
 * swap-in; band-edge): no cut then, explored or priced. Heartbeats do
 * not end the ramp: they carry the last publication's figures, and a
 * climb below the agent's report_delta_kb goes on under them
 * (gap-creep: ending it there cost 11 MiB of swap-in). */
static bool on_ramp(const struct policy_params *p, const struct gap_state *s)
{
	return gap_ramp_held(p, s);   /* gap_ramp.c: a slow ramp may be cut */
}

static int explore_action(const struct policy_params *p, struct gap_state *s,
			  const struct gap_obs *o)
{
	int m = (int)(p->gap_explore_max_kb / GAP_ALIGN_KB);
	int lo = (o->psi_up || o->oom_hold || on_ramp(p, s)) ? 0 : -m;

	if (m > GAP_CENTER)
		m = GAP_CENTER;
	if (lo < -m)
		lo = -m;
	lo = gap_ramp_explore_lo(p, s, lo);
	/* Cuts only (or none): an explored growth is never rewarded. */
	return GAP_CENTER + lo + (int)(gap_rand(&s->rng) % (uint64_t)(1 - lo));
}

static bool may_explore(const struct policy_params *p,
			const struct gap_state *s, const struct gap_obs *o,
			enum gap_outcome judged)
{
	if (p->gap_greedy == 0 || s->steps % p->gap_greedy != 0)
		return false;
	if (judged != GAP_PRIZE && !(judged == GAP_BEAT && s->quiet))
		return false;   /* only when the guest is quiet */
	return !s->explored ||
	       o->report_ms - s->last_explore_ms >= (uint64_t)p->gap_explore_s * 1000;
}

static uint64_t rise_width_ms(const struct policy_params *p)
{
	uint64_t w = (uint64_t)p->gap_window_s * 1000 / GAP_RISE_SLOTS;

	return w ? w : 1;
}

static void note_rise(const struct policy_params *p, struct gap_state *s,
		      uint64_t now_ms, uint64_t ws)
{
	if (!p->gap_window_s || !s->have_ws || ws <= s->prev_ws_kb)
		return;
	uint64_t id = now_ms / rise_width_ms(p) + 1;   /* 0: an empty slot */
	int k = (int)(id % GAP_RISE_SLOTS);

	if (s->rise_slot[k] != id) {
		s->rise_slot[k] = id;
		s->rise_kb[k] = 0;
	}
	if (ws - s->prev_ws_kb > s->rise_kb[k])
		s->rise_kb[k] = ws - s->prev_ws_kb;
}

uint64_t gap_recent_rise_kb(const struct policy_params *p,
			    const struct gap_state *s, uint64_t now_ms)
{
	uint64_t id = now_ms / rise_width_ms(p) + 1, r = 0;

	if (!p->gap_window_s)
		return 0;
	for (int k = 0; k < GAP_RISE_SLOTS; k++)
		if (s->rise_slot[k] && s->rise_slot[k] <= id &&
		    id - s->rise_slot[k] < GAP_RISE_SLOTS && s->rise_kb[k] > r)
			r = s->rise_kb[k];
	if (r > p->gap_start_kb)
		r = p->gap_start_kb;
	return gap_align_up(r);
}

/* While the guest grows, the part of gap_start that its free swap cannot
 * take: what fixed would have left it between a rise and an OOM kill. */
static uint64_t growth_floor(const struct policy_params *p, const struct gap_obs *o)
{
	return o->growing ? gap_start_unswapped_kb(p, o->swap_free_kb) : 0;
}

uint64_t gap_start_unswapped_kb(const struct policy_params *p,
				uint64_t swap_free_kb)
{
	uint64_t start = gap_align_down(p->gap_start_kb);

	return swap_free_kb >= start ? 0 : gap_align_up(start - swap_free_kb);
}

/* Deviations for safety (design.md §The learned gap): the gap is not
 * below the largest recent rise of W (capped at gap_start), a page-in
 * brings it back to gap_start, both at once. Any other change of the gap
 * in effect costs a target write of its own unless it joins one that the
 * goal makes anyway: a move of W by min_change, or with gap_ride any
 * change of W (a changed goal is written, the write lands on it). A
 * growth waits for such a write; a cut comes only after a quiet step,
 * with such a write (with gap_ride by at most min_change less W's fall,
 * so that the joined write still lands on the goal in one step), or
 * alone, by min_change, gap_lone_cut_s after the last change. */
static void settle_gap(const struct policy_params *p, struct gap_state *s,
		       const struct gap_obs *o, uint64_t ws, bool paged_in,
		       bool quiet)
{
	uint64_t lo, hi, need = gap_recent_rise_kb(p, s, o->report_ms);

	bounds_of(p, s, ws, o->oom_hold, &lo, &hi);
	if (need < growth_floor(p, o))
		need = growth_floor(p, o);
	if (paged_in && need < p->gap_start_kb)
		need = gap_align_down(p->gap_start_kb);
	if (need > hi)
		need = hi;
	bool forced = paged_in || s->gap_kb < need;

	if (s->gap_kb < need)
		s->gap_kb = need;
	uint64_t dws = ws > s->prev_ws_kb ? ws - s->prev_ws_kb : s->prev_ws_kb - ws;
	bool moved = s->have_ws && dws >= p->min_change_kb;
	bool changed = s->have_ws && o->ws_kb != s->prev_ws_raw_kb;
	bool joins = p->gap_ride ? changed : moved;
	uint64_t fall = changed && o->ws_kb < s->prev_ws_raw_kb ? s->prev_ws_raw_kb - o->ws_kb : 0;
	bool apply;

	if (!p->gap_cut_s || !s->have_use)
		apply = true;
	else if (s->gap_kb > s->use_kb)
		/* A growth after pain or up to a recent rise at once; any
		 * other (explored, priced) with a write made anyway. */
		apply = forced || joins;
	else if (p->gap_ride && joins)
		apply = quiet;
	else
		apply = quiet && s->use_kb - s->gap_kb >= p->min_change_kb &&
			(joins || (gap_lone_wait_ms(p, s) &&
				   o->report_ms - s->use_ms >= gap_lone_wait_ms(p, s)));
	if (apply) {
		uint64_t to = s->gap_kb;

		if (p->gap_cut_s && s->have_use && to < s->use_kb && !joins) {
			/* A lone cut: a write of its own (gap_lone_backoff). */
			s->lone_ms = o->report_ms ? o->report_ms : 1;
			s->n_lone_cuts++;
		}

		if (p->gap_cut_s && s->have_use && to < s->use_kb) {
			/* A cut that joins no write is a write of its own:
			 * by min_change at a time it is exactly one (a larger
			 * decrease walks down in min_change steps, one write
			 * each, and a remainder is one more); one that joins a
			 * fall of W stays within the walk's one step. */
			uint64_t room = !joins ? p->min_change_kb
					: !p->gap_ride ? UINT64_MAX
					: p->min_change_kb > fall ? gap_align_down(p->min_change_kb - fall) : 0;

			if (s->use_kb - to > room)
				to = s->use_kb - room;
		}
		if (!s->have_use || to != s->use_kb)
			s->use_ms = o->report_ms;
		s->use_kb = to;
		s->have_use = true;
	}
}

uint64_t gap_lone_wait_ms(const struct policy_params *p, const struct gap_state *s)
{
	uint32_t shift = p->gap_lone_backoff ? s->lone_shift : 0;

	return ((uint64_t)p->gap_lone_cut_s * 1000) << (shift > GAP_LONE_SHIFT_MAX ? GAP_LONE_SHIFT_MAX : shift);
}

/*
 * gap_lone_backoff. A lone cut is a target write bought for idle memory;
 * when the gap in effect grows back over it before it has stood
 * (a recent rise, the growth floor, a page-in, an OOM kill or a priced
 * growth brought it back: the guest needed the room again), that write
 * was wasted and the way back up is often one more. The next lone cut of
 * the domain then waits twice as long (membal-sim, gap-wake: a guest
 * that wakes every few minutes was cut each time the 300 s rise window
 * forgot its last wake, one write per period, and grown back at the
 * wake). A lone cut that stands for gap_window_s, and for as long as the
 * wait before it, halves the wait again.
 */
static void lone_stood(const struct policy_params *p, struct gap_state *s,
		       uint64_t now_ms)
{
	uint64_t stand_ms = (uint64_t)p->gap_window_s * 1000;

	if (stand_ms < gap_lone_wait_ms(p, s))
		stand_ms = gap_lone_wait_ms(p, s);
	if (s->lone_ms && now_ms >= s->lone_ms && now_ms - s->lone_ms >= stand_ms) {
		s->lone_ms = 0;
		if (s->lone_shift)
			s->lone_shift--;
	}
}

/* After anything that may move the gap in effect, with what it was. */
static void lone_undone(struct gap_state *s, uint64_t was_use_kb)
{
	if (!s->lone_ms || s->use_kb <= was_use_kb)
		return;
	s->lone_ms = 0;
	s->n_lone_undone++;
	if (s->lone_shift < GAP_LONE_SHIFT_MAX)
		s->lone_shift++;
}

static void remember(struct gap_state *s, const struct gap_obs *o,
		     int64_t realised, uint64_t ws)
{
	s->prev_realised_kb = realised;
	s->prev_ws_kb = ws;
	s->have_ws = true;
	s->prev_ms = o->report_ms;
	s->prev_c = o->c;
}

enum gap_outcome gap_step(const struct policy_params *p, struct gap_state *s,
			  const struct gap_obs *o)
{
	uint64_t ws = gap_align_down(o->ws_kb);
	int64_t realised = gap_realised_kb(o->actual_kb, o->overhead_kb, o->ws_kb);
	enum gap_outcome out;

	if (!s->init)
		gap_state_init(s, p, 0);
	uint64_t was_use = s->have_use ? s->use_kb : s->gap_kb;

	s->now_ms = o->report_ms;
	lone_stood(p, s, o->report_ms);
	note_rise(p, s, o->report_ms, ws);
	if (!o->heartbeat) {
		uint64_t rise = s->have_ws && o->ws_kb > s->prev_ws_raw_kb ?
				o->ws_kb - s->prev_ws_raw_kb : 0;

		gap_ramp_rise(p, s, rise, s->have_ws && o->ws_kb == s->prev_ws_raw_kb);
		gap_ramp_note(s, o->report_ms, rise);   /* before seen_ms moves */
		gap_quiet_note(s, o);                    /* before seen_c moves */
	}
	bool seen = s->have_seen && !o->heartbeat;
	uint64_t seen_ms = s->seen_ms;
	struct gap_counters seen_c = s->seen_c;

	if (!o->heartbeat) {
		s->have_seen = true;
		s->seen_ms = o->report_ms;
		s->seen_c = o->c;
	}
	if (o->frozen) {
		/* No price changes; the next eligible step starts a chain.
		 * The page-in back-off is a safety rule, not a price: it
		 * holds in every regime (in scarce mode the gap still caps
		 * tier 2, U_i = min(H_i, W_i + g_i)). */
		bool paged = seen && o->report_ms > seen_ms &&
			     paged_in_between(p, &seen_c, &o->c, o->report_ms - seen_ms);
		uint64_t floor = paged ? gap_align_down(p->gap_start_kb) : growth_floor(p, o);

		if (floor && (paged || s->gap_kb < floor || !s->have_use || s->use_kb < floor)) {
			if (s->gap_kb < floor)
				s->gap_kb = floor;
			if (!s->have_use || s->use_kb < s->gap_kb) {
				s->use_kb = s->gap_kb;
				s->use_ms = o->report_ms;
			}
			s->have_use = true;
		}
		if (paged) {
			s->quiet = false;
			/* gap_seen_rises: the gap's pain, not the host's (below W_i). */
			if (realised >= 0)
				s->pain_ms = o->report_ms ? o->report_ms : 1;
		}
		s->have_prev = false;
		s->prev_ws_kb = ws;
		s->prev_ws_raw_kb = o->ws_kb;
		s->have_ws = true;
		s->last_outcome = GAP_FROZEN;
		lone_undone(s, was_use);
		return GAP_FROZEN;
	}
	if (o->heartbeat && !s->have_prev) {
		/* No chain to act in: a fresh report starts one. */
		s->last_outcome = GAP_BEAT;
		return GAP_BEAT;
	}
	s->steps++;
	s->n_steps++;
	uint64_t fines_before = s->n_fines_pagein;

	out = o->heartbeat ? GAP_BEAT : s->have_prev ? judge(p, s, o, realised) : GAP_FIRST;

	/* The default keeps the gap (the seed's followed W_i's change: the
	 * goal W_i + g_i then moved twice as far as W_i). Only a priced
	 * action grows the gap (an exploration cuts or keeps it), so the
	 * learner holds more than `fixed` only where its prices say so. */
	int act = GAP_CENTER;

	if (may_explore(p, s, o, out)) {
		act = explore_action(p, s, o);
		s->last_explore_ms = o->report_ms;
		s->explored = true;
		s->n_explores++;
	} else {
		int best = best_action(s);

		/* The seed moved to the best action at every step, so a
		 * rewarded move was repeated step after step up to a bound.
		 * Here a move is at most once per gap_cut_s, but a growth
		 * after pain at once; and never a cut after pain. */
		bool may = out == GAP_FINED ? best > GAP_CENTER
			   : out == GAP_BEAT && !s->quiet ? false
			   : best < GAP_CENTER && on_ramp(p, s) ? false
			   : !p->gap_cut_s || !s->greedy_ms ||
			     o->report_ms - s->greedy_ms >= (uint64_t)p->gap_cut_s * 1000;

		if (may && (int64_t)s->price[best] - s->price[GAP_CENTER] >= (int64_t)p->gap_tolerance &&
		    best != GAP_CENTER) {
			s->greedy_ms = o->report_ms ? o->report_ms : 1;
			act = best;
			s->n_greedy_switches++;
		}
	}
	int64_t before = (int64_t)s->gap_kb, next = before + gap_action_kb(act);

	s->gap_kb = clamp_gap(p, s, gap_ramp_cut_kb(p, s, before, next), ws, o->oom_hold);
	s->last_action = act;
	s->have_prev = true;
	s->last_outcome = out;
	settle_gap(p, s, o, ws, s->n_fines_pagein != fines_before,
		   out == GAP_PRIZE || (out == GAP_BEAT && s->quiet));
	s->prev_ws_raw_kb = o->ws_kb;
	if (!o->heartbeat)
		remember(s, o, realised, ws);
	lone_undone(s, was_use);
	return out;
}

void gap_oom(const struct policy_params *p, struct gap_state *s, uint64_t now_ms)
{
	if (!s->init)
		return;
	uint64_t was_use = s->have_use ? s->use_kb : s->gap_kb;

	/* A run of kills, each within the hold of the one before. */
	s->oom_run = s->oom_ms && now_ms >= s->oom_ms &&
		     now_ms - s->oom_ms < (uint64_t)p->oom_hold_s * 1000 ? s->oom_run + 1 : 0;
	s->oom_ms = now_ms ? now_ms : 1;
	s->pain_ms = s->oom_ms;

	add_price(&s->price[s->last_action], -(int64_t)p->gap_fine_oom);
	s->n_fines_oom++;
	/* Back to the fixed headroom at least (the hold raises the floor). */
	if (s->gap_kb < gap_align_down(p->gap_start_kb))
		s->gap_kb = gap_align_down(p->gap_start_kb);
	if (!s->have_use || s->use_kb < s->gap_kb)
		s->use_kb = s->gap_kb;
	s->have_use = true;
	s->have_prev = false;
	s->quiet = false;
	lone_undone(s, was_use);
}
