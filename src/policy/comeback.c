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

uint64_t comeback_observe(struct comeback_state *s, uint64_t w,
			  uint64_t min_change_kb, uint64_t now,
			  uint64_t window_ms, uint64_t hold_ms)
{
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
	remember(s, w, now, window_ms);
	if (!s->came_back_ms || now - s->came_back_ms > hold_ms)
		return w;
	pk = window_peak(s, now, window_ms);
	return pk > w ? pk : w;
}
