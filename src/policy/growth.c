/* SPDX-License-Identifier: GPL-2.0-only */
#include <stddef.h>

#include "policy/growth.h"

const char *const growth_keep_names[] = { "no", "climbing", "killed", NULL };

/* W rose by rise_kb (counted) at now_ms: its rate is that rise over the
 * time since its previous counted rise, if that one is recent. */
static void ws_rise(struct growth_state *s, uint64_t rise_kb, uint64_t now_ms,
		    uint64_t hold_ms)
{
	bool paced = s->ws_grew && hold_ms && now_ms > s->ws_grew_ms &&
		     now_ms - s->ws_grew_ms < hold_ms;

	s->ws_rise_kb = rise_kb;
	s->ws_pace_ms = paced ? now_ms - s->ws_grew_ms : 0;
	s->ws_grew = true;
	s->ws_grew_ms = now_ms;
}

void growth_observe(struct growth_state *s, uint64_t ws_kb,
		    uint64_t committed_kb, uint64_t threshold_kb, uint64_t now_ms,
		    uint64_t hold_ms)
{
	const uint64_t v[GROWTH_FIGURES] = { ws_kb, committed_kb };
	uint64_t lead = committed_kb > ws_kb ? committed_kb - ws_kb : 0;

	if (!s->have) {
		/* The first figures are a level, not a rise. */
		s->have = true;
		for (int i = 0; i < GROWTH_FIGURES; i++)
			s->base_kb[i] = v[i];
		s->lead_kb = s->lead_min_kb = lead;
		return;
	}
	/* Outside a growth the lead is a level: what was promised before
	 * the growth began is not what the growth will touch. */
	if (!growth_recent(s, now_ms, hold_ms))
		s->lead_min_kb = s->lead_kb;
	if (lead < s->lead_min_kb)
		s->lead_min_kb = lead;
	s->lead_kb = lead;
	for (int i = 0; i < GROWTH_FIGURES; i++) {
		if (v[i] < s->base_kb[i]) {
			s->base_kb[i] = v[i];
		} else if (v[i] - s->base_kb[i] >= threshold_kb) {
			if (i == GROWTH_WS)
				ws_rise(s, v[i] - s->base_kb[i], now_ms, hold_ms);
			s->base_kb[i] = v[i];
			if (s->grew_ms != now_ms)
				s->pace_ms = growth_recent(s, now_ms, hold_ms)
					? now_ms - s->grew_ms : 0;
			s->grew = true;
			s->grew_ms = now_ms;
		}
	}
}

bool growth_climbing(const struct growth_state *s, uint64_t now_ms,
		     uint64_t hold_ms)
{
	if (!growth_recent(s, now_ms, hold_ms))
		return false;
	return s->pace_ms == 0 || now_ms - s->grew_ms <= 2 * s->pace_ms;
}

bool growth_ramping(const struct growth_state *s, uint64_t now_ms,
		    uint64_t hold_ms)
{
	return s->pace_ms > 0 && growth_climbing(s, now_ms, hold_ms);
}

bool growth_recent(const struct growth_state *s, uint64_t now_ms,
		   uint64_t hold_ms)
{
	return s->grew && hold_ms && now_ms >= s->grew_ms &&
	       now_ms - s->grew_ms < hold_ms;
}

uint64_t growth_commit_new_kb(const struct growth_state *s, uint64_t now_ms,
			      uint64_t hold_ms)
{
	if (!growth_recent(s, now_ms, hold_ms))
		return 0;
	return s->lead_kb - s->lead_min_kb;
}

uint64_t growth_rise_ahead_kb(const struct growth_state *s, uint64_t now_ms,
			      uint64_t hold_ms, uint64_t horizon_ms)
{
	if (!s->ws_grew || !s->ws_pace_ms || !hold_ms || now_ms < s->ws_grew_ms)
		return 0;
	uint64_t age = now_ms - s->ws_grew_ms;

	if (age >= hold_ms || age > 2 * s->ws_pace_ms)
		return 0;
	/* Both bounded: rise_kb by the estimate (a KiB count of guest
	 * RAM), horizon_ms by the cycle interval; divide first when the
	 * product would not fit. */
	if (s->ws_rise_kb > UINT64_MAX / (horizon_ms ? horizon_ms : 1))
		return s->ws_rise_kb / s->ws_pace_ms * horizon_ms;
	return s->ws_rise_kb * horizon_ms / s->ws_pace_ms;
}

void growth_kill(struct growth_state *s, uint64_t now_ms, uint64_t hold_ms,
		 uint64_t until_ms, bool any)
{
	if (any || growth_climbing(s, now_ms, hold_ms)) {
		s->kept = true;
		if (until_ms > s->kept_until_ms)
			s->kept_until_ms = until_ms;
	}
}

void growth_pin(struct growth_state *s, bool pinned, uint64_t now_ms,
		uint64_t hold_ms)
{
	if (!s->kept)
		return;
	if (now_ms >= s->kept_until_ms ||
	    (!pinned && !growth_climbing(s, now_ms, hold_ms))) {
		s->kept = false;
		return;
	}
	/* Pinned: the climb goes on as far as anyone can tell; its clock
	 * reads now, its pace is kept (a guest killed without a climb has
	 * none: one rise, climbing for all of hold_ms once it has room). */
	if (pinned) {
		s->grew = true;
		s->grew_ms = now_ms;
	}
}
