/* SPDX-License-Identifier: GPL-2.0-only */
/* A load that comes back (comeback.h). */
#include "policy/comeback.h"

#include <string.h>

void comeback_reset(struct comeback_state *s)
{
	memset(s, 0, sizeof(*s));
}

/* The highest W in the buckets that still overlap the window. */
static uint64_t window_peak(const struct comeback_state *s, uint64_t now,
			    uint64_t window_ms)
{
	uint64_t pk = 0;

	for (unsigned i = 0; i < s->n; i++) {
		unsigned j = (s->head + COMEBACK_BUCKETS - i) % COMEBACK_BUCKETS;

		if (now - s->start_ms[j] > window_ms)
			break;
		if (s->peak_kb[j] > pk)
			pk = s->peak_kb[j];
	}
	return pk;
}

static void remember(struct comeback_state *s, uint64_t w, uint64_t now,
		     uint64_t window_ms)
{
	uint64_t width = window_ms / (COMEBACK_BUCKETS - 1);

	if (width == 0)
		width = 1;
	if (s->n && now - s->start_ms[s->head] < width) {
		if (w > s->peak_kb[s->head])
			s->peak_kb[s->head] = w;
		return;
	}
	s->head = (s->head + 1) % COMEBACK_BUCKETS;
	s->start_ms[s->head] = now;
	s->peak_kb[s->head] = w;
	if (s->n < COMEBACK_BUCKETS)
		s->n++;
}

/* The longer of the last two times down, fall to return. */
static uint64_t longer_down(const struct comeback_state *s)
{
	return s->down_ms[0] > s->down_ms[1] ? s->down_ms[0] : s->down_ms[1];
}

/* Two durations that differ by an eighth of the longer at most. */
static bool within_eighth(uint64_t a, uint64_t b)
{
	uint64_t hi = a > b ? a : b, lo = a > b ? b : a;

	return hi - lo <= hi / 8;
}

/* A load that recurs: the same fall as below, watched for up to
 * recur_ms; a return counts its time down. Returns the level to hold
 * (0: none): where the load last fell from, once it has come back twice,
 * while it was last at that level no longer ago than its longer time
 * down of the last two (and a quarter more, and the window: a return a
 * little late, the samples' jitter) says the next return may still come. */
static uint64_t recur(struct comeback_state *s, uint64_t w, uint64_t pk,
		      uint64_t drop, uint64_t now, uint64_t window_ms,
		      uint64_t recur_ms, uint64_t rise_ms)
{
	if (s->r_fell_ms && now - s->r_fell_ms > recur_ms)
		s->r_fell_ms = 0;               /* it stayed down: a fall */
	if (!s->r_fell_ms && pk > w && pk - w >= drop) {
		s->r_fell_ms = now ? now : 1;
		s->r_from_kb = pk;
		s->r_low_kb = w;
		s->r_down_ms = s->r_fell_ms;
	} else if (s->r_fell_ms) {
		if (w < s->r_low_kb)
			s->r_low_kb = w;
		uint64_t tol = (s->r_from_kb - s->r_low_kb) / 4;
		/* A cron's runs differ (comeback_cron()): back above half
		 * the fall is a run. */
		uint64_t back = s->cron ? 2 * tol : tol;
		/* A cron's run that OOM-killed the guest came back, though
		 * W_i, which cannot exceed what the guest holds, may never
		 * show it (comeback_cron()). */
		bool killed = s->cron && s->killed_ms > s->r_fell_ms;

		if (w >= s->r_from_kb - back || killed) {
			/* Only a return the loop cannot follow counts: one
			 * that came within rise_ms of the last sample still
			 * down. A climb back (a saw-tooth's slow edge) is
			 * followed by the rise ahead, sample by sample, and
			 * holding its top all along took the memory of a
			 * swapless neighbour (saw-sample). Or, for a cron,
			 * one with an OOM kill after the fall: the jump
			 * outran the memory, and any climb back is the
			 * balloon's pace, not the load's. */
			if (now - s->r_down_ms <= rise_ms || killed) {
				s->down_ms[1] = s->down_ms[0];
				s->down_ms[0] = now - s->r_fell_ms;
				if (s->returns < 2)
					s->returns++;
				s->ret_ms[2] = s->ret_ms[1];
				s->ret_ms[1] = s->ret_ms[0];
				s->ret_ms[0] = now ? now : 1;
				s->prev_high_kb = s->returns > 1 ? s->high_kb : 0;
				s->high_kb = s->r_from_kb;
				s->high_tol_kb = back;
			} else {
				s->returns = 0;
				memset(s->ret_ms, 0, sizeof(s->ret_ms));
			}
			s->r_fell_ms = 0;
		} else if (w <= s->r_low_kb + tol) {
			s->r_down_ms = now;     /* still down */
		}
	}
	if (s->returns < 2)
		return 0;
	if (w >= s->high_kb - s->high_tol_kb || (s->cron && s->killed_ms > s->high_ms))
		s->high_ms = now;
	uint64_t p = longer_down(s);

	if (now - s->high_ms > p + p / 4 + window_ms) {
		s->returns = 0;                 /* stayed low past its period */
		memset(s->ret_ms, 0, sizeof(s->ret_ms));
		return 0;
	}
	/* A cron: the higher of its last two runs' levels. */
	return s->cron && s->prev_high_kb > s->high_kb ? s->prev_high_kb : s->high_kb;
}

void comeback_cron(struct comeback_state *s, uint64_t kill_ms)
{
	s->cron = true;
	if (kill_ms > s->killed_ms)
		s->killed_ms = kill_ms;
}

bool comeback_period(const struct comeback_state *s, uint64_t now,
		     uint64_t *down_ms, uint64_t *since_ms)
{
	*down_ms = *since_ms = 0;
	if (s->returns < 2 || now < s->high_ms)
		return false;
	if (s->cron && s->ret_ms[2]) {
		/* A cron keeps its time: its last two periods, return to
		 * return, within an eighth of each other. Levels of a
		 * random walk that repeat by chance do not. After two
		 * returns there is one period, and a run not held then was
		 * cut for the next, which killed it (minute-cron): its two
		 * times down are judged instead (below). */
		if (s->ret_ms[0] < s->ret_ms[1] || s->ret_ms[1] < s->ret_ms[2])
			return false;
		if (!within_eighth(s->ret_ms[0] - s->ret_ms[1],
				   s->ret_ms[1] - s->ret_ms[2]))
			return false;
	} else if (s->cron) {
		/* One period: its two times down, fall to return, within an
		 * eighth of each other, the cron's period less its run each
		 * time (minute-cron: 49-53 s). A random walk's repeat does
		 * not keep them (balloon-stuck's s5: 20 and 40 s). */
		if (!within_eighth(s->down_ms[0], s->down_ms[1]))
			return false;
	}
	uint64_t down = longer_down(s);

	/* A cron runs briefly: down two thirds of its period at least. A
	 * square wave (square-alias's q4, up half the time) is not one. */
	if (s->cron && s->ret_ms[1] && s->ret_ms[0] > s->ret_ms[1] &&
	    down * 3 < (s->ret_ms[0] - s->ret_ms[1]) * 2)
		return false;
	*down_ms = down;
	*since_ms = now - s->high_ms;
	return true;
}

uint64_t comeback_observe(struct comeback_state *s, uint64_t w,
			  uint64_t min_change_kb, uint64_t now,
			  uint64_t window_ms, uint64_t hold_ms, uint64_t recur_ms,
			  uint64_t rise_ms, uint64_t *recur_kb)
{
	*recur_kb = 0;
	if (!window_ms || !hold_ms)
		return w;
	/* A clock that went back (a restored state): start afresh. */
	if (s->n && now < s->start_ms[s->head])
		comeback_reset(s);
	uint64_t pk = window_peak(s, now, window_ms);
	uint64_t drop = pk / 4 > min_change_kb ? pk / 4 : min_change_kb;

	if (s->fell_ms && now - s->fell_ms > window_ms)
		s->fell_ms = 0;                 /* it stayed down: a fall */
	if (!s->fell_ms && pk > w && pk - w >= drop) {
		s->fell_ms = now ? now : 1;
		s->fell_from_kb = pk;
		s->fell_low_kb = w;
	} else if (s->fell_ms) {
		if (w < s->fell_low_kb)
			s->fell_low_kb = w;
		/* Back within a quarter of the fall of where it fell from. */
		if (w >= s->fell_from_kb - (s->fell_from_kb - s->fell_low_kb) / 4) {
			s->came_back_ms = now ? now : 1;
			s->fell_ms = 0;
		}
	}
	if (recur_ms)
		*recur_kb = recur(s, w, pk, drop, now, window_ms, recur_ms, rise_ms);
	remember(s, w, now, window_ms);
	if (!s->came_back_ms || now - s->came_back_ms > hold_ms)
		return w;
	pk = window_peak(s, now, window_ms);
	return pk > w ? pk : w;
}
