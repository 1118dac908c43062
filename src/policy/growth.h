/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Growth evidence for the OOM margin (design.md §Growth is never cut):
 * whether a guest's working-set estimate W or its Committed_AS rose by at
 * least a threshold recently. Each figure is compared with the lowest
 * value it has had since its last counted rise, so a slow ramp adds up
 * and jitter below the threshold never counts; a fall moves the base
 * down. And what its programs committed lately and have not touched: the
 * lead Committed_AS - W less its lowest value since the growth began (a
 * lead that was there before, memory promised and never touched, is not
 * counted). Pure: figures and the clock in, a verdict out (the arbiter
 * keeps one struct per domain).
 */
#ifndef MEMBAL_POLICY_GROWTH_H
#define MEMBAL_POLICY_GROWTH_H

#include <stdbool.h>
#include <stdint.h>

enum { GROWTH_WS, GROWTH_COMMITTED, GROWTH_FIGURES };

/* oom_climb_keep: which killed guests keep a climb while pinned
 * (growth_kill()): none, those climbing at the kill, every one. */
enum growth_keep { GROWTH_KEEP_NO, GROWTH_KEEP_CLIMBING, GROWTH_KEEP_KILLED };
extern const char *const growth_keep_names[];

struct growth_state {
	bool have;
	uint64_t base_kb[GROWTH_FIGURES];
	bool grew;                 /* a rise was counted at grew_ms */
	uint64_t grew_ms;
	uint64_t lead_kb;          /* Committed_AS - W at the last observation */
	uint64_t lead_min_kb;      /* its lowest since the growth began */
	uint64_t pace_ms;          /* between the last two counted rises of
				    * this growth; 0: one rise so far (not
				    * kept across a restart) */
	/* W's own rate, for the rise ahead: its last counted rise, the
	 * time since the one before (0: one rise so far, or the one
	 * before was outside hold_ms) and when it was counted. Not kept
	 * across a restart. */
	bool ws_grew;
	uint64_t ws_rise_kb;
	uint64_t ws_pace_ms;
	uint64_t ws_grew_ms;
	/* A climb kept across an OOM kill (growth_kill(), growth_pin()):
	 * until kept_until_ms, while the guest is pinned at what it holds,
	 * it climbs. Not kept across a restart. */
	bool kept;
	uint64_t kept_until_ms;
};

/* One observation of W (ws_kb) and Committed_AS at now_ms: a rise of
 * either by threshold_kb or more over its base counts as growth; a growth
 * lasts hold_ms. */
void growth_observe(struct growth_state *s, uint64_t ws_kb,
		    uint64_t committed_kb, uint64_t threshold_kb, uint64_t now_ms,
		    uint64_t hold_ms);

/* Committed lately and not touched yet: the lead less its lowest value
 * since the growth began (0 when not growing). */
uint64_t growth_commit_new_kb(const struct growth_state *s, uint64_t now_ms,
			      uint64_t hold_ms);

/* Still climbing: a rise was counted within the last hold_ms, and no
 * longer ago than twice the time between its last two rises (a climb
 * of one rise so far, or of unknown pace, climbs for all of hold_ms).
 * A guest whose steps stopped for twice their own pace has ended its
 * climb for now: its OOM margin is a margin, not need now
 * (design.md §Growth is never cut, "The margin after the needs"). */
bool growth_climbing(const struct growth_state *s, uint64_t now_ms,
		     uint64_t hold_ms);

/* The rise ahead (design.md §Scarce mode from the estimated need, "The
 * rise ahead"): how much W will rise over the next horizon_ms at the
 * rate of its last counted rise (rise / time since the rise before),
 * while W climbs at that pace (its last counted rise within hold_ms and
 * no older than twice that time). 0 with one rise so far or no climb. */
uint64_t growth_rise_ahead_kb(const struct growth_state *s, uint64_t now_ms,
			      uint64_t hold_ms, uint64_t horizon_ms);

/* A ramp: climbing at a pace measured between two rises within hold_ms
 * (not one jump: after a single rise the pace is unknown). Its lack of
 * now comes back at every sample, where a jump's is left once
 * (design.md §No parked memory, "A ramp funded every few samples"). */
bool growth_ramping(const struct growth_state *s, uint64_t now_ms,
		    uint64_t hold_ms);

/* An OOM kill at now_ms (design.md §Growth is never cut, "A climb
 * across a kill"): a guest climbing then (growth_climbing()), or any
 * guest with `any`, keeps a climb until until_ms (the kill's hold)
 * while it is pinned (growth_pin()). Without `any` a guest that was
 * not climbing gains nothing: a kill alone is not growth. */
void growth_kill(struct growth_state *s, uint64_t now_ms, uint64_t hold_ms,
		 uint64_t until_ms, bool any);

/* Before growth_observe(), each report: whether the guest is pinned
 * (its W within a rise's threshold of what it holds: a swapless guest
 * over its memory reads exactly what it holds, and can show no rise).
 * A kept climb pinned climbs now (its last rise read as now, its pace
 * kept): its steps have not paused, they cannot show. Once it has
 * room and its climb lapses (growth_climbing()), or the hold ends, the
 * climb is no longer kept. */
void growth_pin(struct growth_state *s, bool pinned, uint64_t now_ms,
		uint64_t hold_ms);

/* A rise was counted within the last hold_ms (hold_ms 0: never). */
bool growth_recent(const struct growth_state *s, uint64_t now_ms,
		   uint64_t hold_ms);

#endif
