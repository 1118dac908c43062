/* SPDX-License-Identifier: GPL-2.0-only */
#include "policy/growth.h"

void growth_observe(struct growth_state *s, uint64_t ws_kb,
		    uint64_t committed_kb, uint64_t threshold_kb, uint64_t now_ms)
{
	const uint64_t v[GROWTH_FIGURES] = { ws_kb, committed_kb };

	if (!s->have) {
		/* The first figures are a level, not a rise. */
		s->have = true;
		for (int i = 0; i < GROWTH_FIGURES; i++)
			s->base_kb[i] = v[i];
		return;
	}
	for (int i = 0; i < GROWTH_FIGURES; i++) {
		if (v[i] < s->base_kb[i]) {
			s->base_kb[i] = v[i];
		} else if (v[i] - s->base_kb[i] >= threshold_kb) {
			s->base_kb[i] = v[i];
			s->grew = true;
			s->grew_ms = now_ms;
		}
	}
}

bool growth_recent(const struct growth_state *s, uint64_t now_ms,
		   uint64_t hold_ms)
{
	return s->grew && hold_ms && now_ms >= s->grew_ms &&
	       now_ms - s->grew_ms < hold_ms;
}
