/* SPDX-License-Identifier: GPL-2.0-only */
#include "policy/growth.h"

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
