// SPDX-License-Identifier: GPL-2.0-only
/* The jump a guest has shown (jump.h). */
#include "policy/jump.h"
#include "policy/policy.h"
#include "policy/solve.h"

#include <string.h>

void jump_reset(struct jump_state *s)
{
	memset(s, 0, sizeof(*s));
}

/* The window keeps the largest rise of each eighth, not every sample: a
 * bounded state per domain whatever the interval. A rise joins the
 * newest bucket while that is younger than an eighth, else opens the
 * next one (the oldest is overwritten). */
static void bucket_rise(struct jump_state *s, uint64_t rise, uint64_t now,
			uint64_t window_ms)
{
	uint64_t width = window_ms / (JUMP_BUCKETS - 1);

	if (width == 0)
		width = 1;
	if (s->n && now - s->start_ms[s->head] < width) {
		if (rise > s->rise_kb[s->head])
			s->rise_kb[s->head] = rise;
		return;
	}
	s->head = (s->head + 1) % JUMP_BUCKETS;
	s->start_ms[s->head] = now;
	s->rise_kb[s->head] = rise;
	if (s->n < JUMP_BUCKETS)
		s->n++;
}

/* Keeps w as the newest sample; returns its rise over the lowest of the
 * samples before it taken within span_ms (0 with none), and in *fall the
 * highest of them less w (0 with none). */
static uint64_t sample_rise(struct jump_state *s, uint64_t w, uint64_t now,
			    uint64_t span_ms, uint64_t *fall)
{
	uint64_t low = w, high = w;

	/* recent[0..nrecent) are filled; last is the newest. */
	for (unsigned i = 0; i < s->nrecent; i++) {
		if (now - s->recent_ms[i] > span_ms)
			continue;
		if (s->recent_kb[i] < low)
			low = s->recent_kb[i];
		if (s->recent_kb[i] > high)
			high = s->recent_kb[i];
	}
	*fall = high - w;
	s->last = s->nrecent < JUMP_RECENT ? s->nrecent : (s->last + 1) % JUMP_RECENT;
	s->recent_kb[s->last] = w;
	s->recent_ms[s->last] = now;
	if (s->nrecent < JUMP_RECENT)
		s->nrecent++;
	return w - low;
}

/* Files a sample's rise in its window of the clock (jump_past()): the
 * windows since the last one filed start without a jump. */
static void past_rise(struct jump_state *s, uint64_t rise, uint64_t fall,
		      uint64_t w, uint64_t now, uint64_t window_ms)
{
	uint64_t k = now / window_ms;
	uint32_t r = rise < UINT32_MAX ? (uint32_t)rise : UINT32_MAX;
	uint32_t f = fall < UINT32_MAX ? (uint32_t)fall : UINT32_MAX;
	uint32_t top = w < UINT32_MAX ? (uint32_t)w : UINT32_MAX;

	if (!s->past_any || k > s->past_k) {
		uint64_t from = s->past_any ? s->past_k + 1 : k;

		if (k - from >= JUMP_RING)
			from = k - (JUMP_RING - 1);
		for (uint64_t i = from; i <= k; i++) {
			s->past_kb[i % JUMP_RING] = 0;
			s->past_top_kb[i % JUMP_RING] = 0;
			s->past_fall_kb[i % JUMP_RING] = 0;
		}
		if (!s->past_any)
			s->past_first = k;
		s->past_k = k;
		s->past_any = true;
	}
	if (r > s->past_kb[k % JUMP_RING])
		s->past_kb[k % JUMP_RING] = r;
	if (top > s->past_top_kb[k % JUMP_RING])
		s->past_top_kb[k % JUMP_RING] = top;
	if (f > s->past_fall_kb[k % JUMP_RING])
		s->past_fall_kb[k % JUMP_RING] = f;
}

/* The first of the JUMP_PAST windows before window end that the tracker
 * has watched. */
static uint64_t past_from(const struct jump_state *s, uint64_t end)
{
	uint64_t from = end > JUMP_PAST ? end - JUMP_PAST : 0;

	return from < s->past_first ? s->past_first : from;
}

/* Whether window k's slot in past_kb holds window k (filed, not yet
 * overwritten by a later one). */
static bool past_filed(const struct jump_state *s, uint64_t k)
{
	return k <= s->past_k && k + JUMP_RING > s->past_k;
}

unsigned jump_past(const struct jump_state *s, uint64_t over_kb, uint64_t now,
		   uint64_t window_ms, unsigned *seen)
{
	unsigned count = 0;

	*seen = 0;
	if (!window_ms || !s->past_any || now < window_ms)
		return 0;
	/* Windows k < end ended at or before now - window_ms. */
	uint64_t end = (now - window_ms) / window_ms;
	uint64_t from = past_from(s, end);

	*seen = end > from ? (unsigned)(end - from) : 0;
	for (uint64_t k = from; k < end; k++)
		if (past_filed(s, k) && s->past_kb[k % JUMP_RING] > over_kb)
			count++;
	return count;
}

/* The rank-th largest of one of the windows' figures (past_kb or
 * past_top_kb) from JUMP_PAST windows before the current one to now. */
static uint64_t past_rank(const struct jump_state *s, const uint32_t *fig,
			  uint64_t now, uint64_t window_ms, unsigned rank)
{
	/* top[0] >= top[1] >= ...: the rank largest windows' figures */
	uint32_t top[JUMP_RING] = { 0 };

	if (!window_ms || !s->past_any || rank == 0 || rank > JUMP_RING)
		return 0;
	uint64_t end = now / window_ms;

	for (uint64_t k = past_from(s, end); k <= end; k++) {
		if (!past_filed(s, k))
			continue;
		uint32_t r = fig[k % JUMP_RING];

		for (unsigned i = 0; i < rank; i++)
			if (r > top[i]) {
				uint32_t t = top[i];

				top[i] = r;
				r = t;
			}
	}
	return top[rank - 1];
}

uint64_t jump_most(const struct jump_state *s, uint64_t now, uint64_t window_ms,
		   unsigned rank)
{
	return past_rank(s, s->past_kb, now, window_ms, rank);
}

uint64_t jump_top(const struct jump_state *s, uint64_t now, uint64_t window_ms,
		  unsigned rank)
{
	return past_rank(s, s->past_top_kb, now, window_ms, rank);
}

uint64_t jump_noise(const struct jump_state *s, uint64_t now, uint64_t window_ms)
{
	uint32_t r[JUMP_PAST];
	unsigned n = 0;

	if (!window_ms || !s->past_any)
		return 0;
	uint64_t end = now / window_ms;

	/* the completed windows: k < end (the current one is partial) */
	for (uint64_t k = past_from(s, end); k < end; k++) {
		if (!past_filed(s, k))
			continue;
		/* up and back down within the window or the one before
		 * (a noise whose level changes every window or so): the
		 * lesser of the pair's largest rise and largest fall;
		 * insertion, largest first */
		uint32_t v = s->past_kb[k % JUMP_RING], f = s->past_fall_kb[k % JUMP_RING];

		if (k > 0 && past_filed(s, k - 1)) {
			if (s->past_kb[(k - 1) % JUMP_RING] > v)
				v = s->past_kb[(k - 1) % JUMP_RING];
			if (s->past_fall_kb[(k - 1) % JUMP_RING] > f)
				f = s->past_fall_kb[(k - 1) % JUMP_RING];
		}
		if (f < v)
			v = f;
		unsigned i = n++;

		for (; i > 0 && r[i - 1] < v; i--)
			r[i] = r[i - 1];
		r[i] = v;
	}
	if (n < NOISE_MIN_WINDOWS)
		return 0;
	return r[n / 4];
}

uint64_t jump_fell(const struct jump_state *s, uint64_t now, uint64_t window_ms,
		   uint64_t back_ms)
{
	if (!window_ms || !back_ms || !s->past_any || !s->nrecent)
		return 0;
	uint64_t end = now / window_ms, from = now > back_ms ? (now - back_ms) / window_ms : 0;
	uint64_t w = s->recent_kb[s->last], top = 0;

	if (end - from >= JUMP_RING)
		from = end - (JUMP_RING - 1);
	for (uint64_t k = from; k <= end; k++)
		if (past_filed(s, k) && s->past_top_kb[k % JUMP_RING] > top)
			top = s->past_top_kb[k % JUMP_RING];
	return top > w ? top - w : 0;
}

bool jump_fall_ended(const struct jump_state *s, uint64_t tol_kb)
{
	if (s->nrecent < 2)
		return false;
	uint64_t w = s->recent_kb[s->last];

	for (unsigned i = 0; i < s->nrecent; i++)
		if (s->recent_kb[i] > w && s->recent_kb[i] - w > tol_kb)
			return false;
	return true;
}

/* The rise of the newest sample over the lowest of the recent ones. */
static uint64_t recent_rise(const struct jump_state *s)
{
	uint64_t w = s->recent_kb[s->last], low = w;

	for (unsigned i = 0; i < s->nrecent; i++)
		if (s->recent_kb[i] < low)
			low = s->recent_kb[i];
	return w - low;
}

void jump_fall_note(struct jump_state *s, uint64_t now, uint64_t window_ms,
		    uint64_t back_ms, uint64_t tol_kb, uint64_t step_kb)
{
	uint64_t f = jump_fell(s, now, window_ms, back_ms);

	if (!jump_fall_kb(s, now, back_ms))
		s->fall_kb = 0;
	if (!s->nrecent)
		return;
	uint64_t w = s->recent_kb[s->last];

	if (s->fall_kb) {
		if (w < s->fall_low_kb)
			s->fall_low_kb = w;
		if (recent_rise(s) >= step_kb)
			s->fall_stepped = true;
	}
	if (!f || !jump_fall_ended(s, tol_kb))
		return;
	/* A new fall, or a deeper one: its trough is here. */
	if (f > s->fall_kb) {
		s->fall_kb = f;
		s->fall_low_kb = w;
		s->fall_stepped = false;
	}
	s->fall_ms = now;
}

bool jump_fall_climbs(const struct jump_state *s, uint64_t tol_kb)
{
	if (!s->fall_kb || s->fall_stepped || !s->nrecent)
		return false;
	uint64_t w = s->recent_kb[s->last];

	return w > s->fall_low_kb && w - s->fall_low_kb > tol_kb;
}

uint64_t jump_fall_kb(const struct jump_state *s, uint64_t now, uint64_t back_ms)
{
	if (!s->fall_kb || now < s->fall_ms || now - s->fall_ms > back_ms)
		return 0;
	return s->fall_kb;
}

uint64_t jump_observe(struct jump_state *s, uint64_t w, uint64_t now,
		      uint64_t window_ms, uint64_t span_ms)
{
	uint64_t most = 0;

	if (!window_ms)
		return 0;
	/* A clock that went back (a restored state): start afresh. */
	if (s->nrecent && now < s->recent_ms[s->last])
		jump_reset(s);
	uint64_t fall;
	uint64_t rise = sample_rise(s, w, now, span_ms, &fall);

	bucket_rise(s, rise, now, window_ms);
	past_rise(s, rise, fall, w, now, window_ms);
	for (unsigned i = 0; i < s->n; i++) {
		unsigned j = (s->head + JUMP_BUCKETS - i) % JUMP_BUCKETS;

		if (now - s->start_ms[j] > window_ms)
			break;
		if (s->rise_kb[j] > most)
			most = s->rise_kb[j];
	}
	return most;
}

void jump_snapshot(const struct jump_state *s, const struct policy_params *p,
		   uint64_t now, struct policy_dom *d)
{
	uint64_t window_ms = (uint64_t)p->spike_window_s * 1000;
	uint64_t r = jump_most(s, now, window_ms, KILL_RISE_RANK);
	uint64_t t = jump_top(s, now, window_ms, KILL_RISE_RANK);

	unsigned seen;

	d->jump_past = jump_past(s, policy_dom_gap_kb(p, d), now, window_ms, &d->jump_seen);
	/* windows with a rise above min_change: at least those above g_i */
	d->jump_within = jump_past(s, p->min_change_kb, now, window_ms, &seen);
	d->jump_within = d->jump_within > d->jump_past ? d->jump_within - d->jump_past : 0;
	d->rise_most_kb = r < POLICY_KB_MAX ? r : POLICY_KB_MAX;
	d->top_kb = t < POLICY_KB_MAX ? t : POLICY_KB_MAX;
	d->fell_kb = jump_fell(s, now, window_ms, (uint64_t)p->fall_margin_s * 1000);
	d->noise_kb = p->noise_margin_kb ? jump_noise(s, now, window_ms) : 0;
	if (d->noise_kb > POLICY_KB_MAX)
		d->noise_kb = POLICY_KB_MAX;
	/* fall_margin_given: the fall seen ended (jump_fall_note()), for
	 * fall_margin_s after it was last seen so, at its size then. While
	 * W still falls (backup-cache's a2, a decline of 100 s) a margin
	 * kept through it was paged for by the guests with swap, and the
	 * fall within the window alone shrank to nothing as the fall aged,
	 * before the climb back it was for (level-creep's s1: 3 MiB at
	 * 297 s, killed at 301 s; docs/evaluation.md, fallmargin22). */
	/* ... and none while a fall of min_change (a write's worth) shows
	 * within the last spike window: a fall in progress, whatever the
	 * trough. A triangle's next decline (backup-cache's a2, 100 s down
	 * from 750 MiB) kept the margin all the way down at fall_margin_s
	 * = 120, and a decline the estimate shows in stairs, flat for a
	 * few reports between drops (cache-tmpfs's a2 at 2.8 MiB/s), was a
	 * new trough at each stair and kept it too: paged for by the
	 * guests with swap (a1 and f1; c1 and s1). The noise of a level is
	 * less (docs/evaluation.md, fallgiven24). Nor once W stepped since
	 * the fall (a rise of fall_margin_mb over a few reports,
	 * snap_build.c: one the margin cannot ride; a rise within it is
	 * what it is for): a load of steps, whose falls are the troughs of
	 * its steps and whose next step is no creep a margin rides
	 * (cache-tmpfs's c2, a swapless random level: the margin it kept
	 * after each step down was paged for by c1 and s1). */
	if (p->fall_margin_given) {
		uint64_t tol = p->min_change_kb / 4;

		d->fell_kb = jump_fall_kb(s, now, (uint64_t)p->fall_margin_s * 1000);
		if (jump_fell(s, now, window_ms, window_ms) >= p->min_change_kb ||
		    s->fall_stepped)
			d->fell_kb = 0;
		d->fall_climbs = d->fell_kb && jump_fall_climbs(s, tol);
	}
}
