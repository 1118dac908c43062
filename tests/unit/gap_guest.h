/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A guest for the learned gap's unit tests (test_gap_safety.c,
 * test_gap_ride.c): one report a second of a guest that follows the gap
 * in effect, 20 MiB of overhead, W_i and its counters set by the test.
 * Header-only (static functions) so each test stays one file.
 */
#ifndef MEMBAL_TESTS_GAP_GUEST_H
#define MEMBAL_TESTS_GAP_GUEST_H

#include <stdint.h>

#include "policy/gap.h"

struct guest {
	uint64_t ws, ms;
	struct gap_counters c;
};

static inline struct gap_obs obs(const struct gap_state *s, struct guest *g)
{
	return (struct gap_obs){
		.report_ms = g->ms += 1000,
		.ws_kb = g->ws,
		.actual_kb = 20 * 1024ull + g->ws + s->use_kb,
		.overhead_kb = 20 * 1024ull,
		.c = g->c,
	};
}

static inline enum gap_outcome step(const struct policy_params *p, struct gap_state *s,
				    struct guest *g)
{
	struct gap_obs o = obs(s, g);

	return gap_step(p, s, &o);
}

#endif
