/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The jump a guest has shown
 * (design.md §Scarce mode from the estimated need, "A spike the peers show"): the largest rise of its
 * working-set estimate W within a few reports, over a short window. A
 * host where a quorum of guests jumped within that window is in a
 * spike, and the guests that have not jumped yet keep room for it
 * (spike.c). Pure: W and the clock in, the largest rise out (the
 * arbiter keeps one struct per domain).
 */
#ifndef MEMBAL_POLICY_JUMP_H
#define MEMBAL_POLICY_JUMP_H

#include <stdbool.h>
#include <stdint.h>

/* The window as the largest rise of each of its eighths (a bucket per
 * eighth, one spare for the one being filled). */
#define JUMP_BUCKETS 9
/* The samples a rise is measured over: an estimate that follows a step
 * of the load over two or three reports (the hybrid estimator, whose
 * refault part lags one) shows it whole. */
#define JUMP_RECENT 4

/* The guest's own jump rate is read over the JUMP_PAST windows before
 * the current one (ten minutes at spike_window_s = 10): long enough to
 * hold a few of a fleet's spikes minutes apart, short enough to follow a
 * guest whose load changes its habits. */
#define JUMP_PAST 60
/* ...and the two the current window overlaps (the newest, where the
 * samples go, and the one before it). */
#define JUMP_RING (JUMP_PAST + 2)

struct jump_state {
	uint64_t recent_kb[JUMP_RECENT];
	uint64_t recent_ms[JUMP_RECENT];
	unsigned nrecent, last;
	uint64_t start_ms[JUMP_BUCKETS];
	uint64_t rise_kb[JUMP_BUCKETS];
	unsigned head, n;
	/* The largest rise in each window of the clock cut in window_ms
	 * (window k: [k, k + 1) x window_ms), window k in past_kb[k %
	 * JUMP_RING] (KiB, at most UINT32_MAX); past_k: the newest window
	 * filed, past_first the first, valid with past_any. */
	uint32_t past_kb[JUMP_RING];
	/* W's highest sample in the same windows (KiB, at most UINT32_MAX:
	 * 4 TiB), the level a load reached (jump_top()). */
	uint32_t past_top_kb[JUMP_RING];
	/* W's largest fall in the same windows (KiB, at most UINT32_MAX):
	 * the highest of the samples within a few reports before one, less
	 * it (jump_noise()). */
	uint32_t past_fall_kb[JUMP_RING];
	uint64_t past_k, past_first;
	bool past_any;
	/* fall_margin_given: the largest fall of W seen ended (KiB) and
	 * when it was last seen ended (jump_fall_note()); 0: none. Its
	 * trough: W's lowest since (KiB), and whether W rose by a step
	 * since (a rise of step_kb or more over the recent samples). */
	uint64_t fall_kb, fall_ms, fall_low_kb;
	bool fall_stepped;
};

/* Forget W's history (a new guest, an arbiter restart). */
void jump_reset(struct jump_state *s);

/* One W sample (KiB) at now. Returns the largest jump of W within the
 * last window_ms (this sample's included): a jump is the rise of W over
 * the lowest of the last JUMP_RECENT samples taken within span_ms (a
 * few reports; a slow climb over minutes is no jump). window_ms 0: off
 * (returns 0 and keeps no history). */
uint64_t jump_observe(struct jump_state *s, uint64_t w, uint64_t now,
		      uint64_t window_ms, uint64_t span_ms);

/* In how many of the JUMP_PAST windows that ended before now - window_ms
 * W rose by more than over_kb (0..JUMP_PAST): the guest's own jump rate,
 * in windows, before the jump the current window shows. *seen: how many
 * of those windows the tracker has watched (since its first sample; a
 * window without a report counts as one without a jump). */
unsigned jump_past(const struct jump_state *s, uint64_t over_kb, uint64_t now,
		   uint64_t window_ms, unsigned *seen);

/* The rank-th largest of the windows' largest rises of W (as
 * jump_observe() measures them), over the windows of window_ms from
 * JUMP_PAST before the current one to now: the rises the guest has shown
 * over the last ten minutes (the kill margin's size, need.c). 0 with no
 * history or fewer than rank windows with a rise. */
uint64_t jump_most(const struct jump_state *s, uint64_t now, uint64_t window_ms,
		   unsigned rank);

/* The rank-th highest of the windows' highest samples of W (KiB), over
 * the same windows as jump_most(): the level the guest's load has
 * reached over the last ten minutes (the peak hold, peak_hold.c). 0 with
 * no history or fewer than rank windows. */
uint64_t jump_top(const struct jump_state *s, uint64_t now, uint64_t window_ms,
		  unsigned rank);

/* How far the newest sample of W (KiB) is below W's highest sample in
 * the windows of window_ms from the one back_ms before now to now: a
 * fall within back_ms, to a window (fall_margin.c). 0 with no history,
 * back_ms 0 or no fall. */
uint64_t jump_fell(const struct jump_state *s, uint64_t now, uint64_t window_ms,
		   uint64_t back_ms);

/* Whether W's fall has ended: none of the JUMP_RECENT samples before
 * the newest is more than tol_kb above it (a step that has settled, a
 * fall slower than tol_kb over a few reports), not a decline in
 * progress. false with fewer than two samples. */
bool jump_fall_ended(const struct jump_state *s, uint64_t tol_kb);

/* Notes, after jump_observe(), a fall of W (jump_fell() over back_ms)
 * seen ended (jump_fall_ended() within tol_kb): its size, the largest
 * since the last one lapsed, and the time; W's lowest since that fall,
 * and whether W rose since by step_kb or more over its recent samples
 * (a step, not a creep). */
void jump_fall_note(struct jump_state *s, uint64_t now, uint64_t window_ms,
		    uint64_t back_ms, uint64_t tol_kb, uint64_t step_kb);

/* Whether W creeps back after the fall jump_fall_note() keeps: the
 * newest sample more than tol_kb above W's lowest since the fall, with
 * no step since. false with no fall kept. */
bool jump_fall_climbs(const struct jump_state *s, uint64_t tol_kb);


/* The fall jump_fall_note() saw ended within back_ms of now (KiB); 0:
 * none. */
uint64_t jump_fall_kb(const struct jump_state *s, uint64_t now, uint64_t back_ms);

/* W's noise: the upper quartile (the (n / 4 + 1)-th largest) over the
 * n completed windows of window_ms among the JUMP_PAST before now that
 * the tracker filed of the lesser of the largest rise and the largest
 * fall of W over a few reports within the window and the one before it
 * (a window without a report counts as one without either): how far W
 * goes up and comes back down in most windows, a noise whose level
 * changes every window or so included. A climb or a decline shows a
 * rise or a fall, not both; rare jumps (in a quarter of the windows or
 * fewer) do not move the quartile (noise_margin.c). 0 with fewer than
 * NOISE_MIN_WINDOWS windows. */
#define NOISE_MIN_WINDOWS 6
uint64_t jump_noise(const struct jump_state *s, uint64_t now, uint64_t window_ms);

/* The kill margin's rank: a rise shown in two windows at least, so that
 * a single start-up jump is not taken for a habit. (A jump that the
 * estimate shows over reports on both sides of a window's edge is seen
 * in two windows: the rank is a weak filter.) */
#define KILL_RISE_RANK 2

struct policy_params;
struct policy_dom;
/* Fills d's jump_past and jump_seen (its own jump rate against its gap
 * as the policy reads it, spike.c), jump_within (its windows with a
 * rise of min_change to its gap, margin_futile.c), rise_most_kb (the rises it has
 * shown, the kill margin, need.c), top_kb (the level it has reached,
 * peak_hold.c), fell_kb (a fall within fall_margin_s, fall_margin.c) and
 * noise_kb (under noise_margin_mb, noise_margin.c) from s over
 * spike_window_s's windows. */
void jump_snapshot(const struct jump_state *s, const struct policy_params *p,
		   uint64_t now, struct policy_dom *d);

#endif
