/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The learned gap (design.md §The learned gap): how much a domain is left
 * above its working set W_i, learned per domain from the pain the guest
 * shows, as seed 003's stateless multi-armed bandit, corrected:
 *
 *   - 65 actions, gap changes of -128 ... +128 MiB in 4 MiB steps, each
 *     with a cumulative price (0 at start);
 *   - the action credited at a learning step is the change of the
 *     REALISED gap N_i - O_i - W_i (W_i aligned down to 4 MiB) since the
 *     previous step, clamped to +-128 MiB (the seed credits the negative
 *     of the change it chose, unclamped);
 *   - it is fined gap_fine_pagein when (swap-ins + anon refaults) per
 *     second over the step exceed gap_pagein_rate, gap_fine_io when file
 *     refaults per second exceed gap_io_rate, rewarded gap_prize when
 *     neither does; gap_fine_oom on an OOM kill;
 *   - the default action keeps the gap (the seed's followed the W_i
 *     change); the highest-priced action replaces it when
 *     it beats it by gap_tolerance (ties: the smallest |change|, then the
 *     growth), at most once per gap_cut_s, never a cut after pain;
 *   - a growth is rewarded only when it ended pain;
 *   - every gap_greedy-th step explores a random action with |change| <=
 *     gap_explore_max, a cut or none (never a growth), at most once
 *     per gap_explore_s, only when the last step was quiet, never a cut
 *     under PSI or within the OOM hold;
 *   - gap_ramp_hold: no cut, explored or priced, while W rose at the last
 *     fresh report and the one before (ramp_kb, a ramp); with
 *     gap_ramp_lead_s a cut down to what the ramp fills in that time
 *     (gap_ramp.c);
 *   - the gap stays in [floor, max(floor, min(gap_max, max(W_i/2,
 *     gap_start)))], 4 MiB aligned (not the min(gap_max, W_i/2):
 *     a cut before evidence); floor = gap_min, raised by oom_bump
 *     during the OOM hold (gap_oom_floor_kills: from the n-th kill of a
 *     run within the hold; before it gap_start for the hold), never above
 *     gap_max (by default gap_start: a kill gives the fixed headroom); not below
 *     the largest recent rise of W_i (gap_window_s, at most gap_start); back to gap_start after a
 *     page-in or an OOM kill;
 *   - while the guest grows (obs.growing), not below gap_start less its
 *     free swap;
 *   - the gap in effect (use_kb, what the goal gets) follows the chosen
 *     one with the hysteresis of settle_gap() in gap.c: a change joins a
 *     write that W makes anyway (gap_ride: any change of W, a cut within
 *     min_change less W's fall); a cut that joins none at most once per
 *     gap_lone_cut_s, min_change at a time (one write); with
 *     gap_lone_backoff a lone cut that the gap in effect grows back over
 *     within gap_window_s doubles that wait for the domain (a write
 *     wasted), one that stands halves it again;
 *   - gap_band_kb(): the daemon keeps the last target while the gap it
 *     leaves is within [g, gap_start]; gap_band_hold_kb(): in the tier
 *     of the gaps of scarce mode, at a cap, while that is within
 *     min_change of g;
 *   - a heartbeat (the last report's figures) is a step without credit:
 *     the chain keeps its start, a settled quiet guest may choose;
 *   - the page-in back-off holds in every regime: a frozen report with
 *     page-ins since the previous report brings the gap back to
 *     gap_start (no price changes).
 *
 * Pure: figures and the clock come in, the state is the caller's, the
 * PRNG is seeded (gap_seed ^ domid), so tests are deterministic.
 */
#ifndef MEMBAL_POLICY_GAP_H
#define MEMBAL_POLICY_GAP_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/policy.h"

#define GAP_ALIGN_KB (4u * 1024)          /* 4 MiB */
#define GAP_CHANGE_MAX_KB (128u * 1024)   /* +-128 MiB */
#define GAP_ACTIONS 65                    /* -128 ... +128 by 4 */
#define GAP_CENTER 32                     /* the index of "no change" */
#define GAP_PRICE_MAX 1000000             /* prices saturate at +-this */
#define GAP_RISE_SLOTS 4                  /* quarters of gap_window_s */
#define GAP_LONE_SHIFT_MAX 4              /* a lone cut waits 16 x at most */

/* A gap in KiB to the 4 MiB grid, down or up. */
static inline uint64_t gap_align_down(uint64_t kb)
{
	return kb - kb % GAP_ALIGN_KB;
}

static inline uint64_t gap_align_up(uint64_t kb)
{
	return kb % GAP_ALIGN_KB ? kb + (GAP_ALIGN_KB - kb % GAP_ALIGN_KB) : kb;
}

/* The change of action index i, in KiB. */
static inline int64_t gap_action_kb(int i)
{
	return ((int64_t)i - GAP_CENTER) * (int64_t)GAP_ALIGN_KB;
}

/* A change in KiB as an action index: rounded to the nearest 4 MiB,
 * clamped to the table. */
int gap_action_index(int64_t change_kb);

/* What a learning step did (gap_state.last_outcome, status). */
enum gap_outcome {
	GAP_NONE,       /* no step yet */
	GAP_FROZEN,     /* a report while not eligible: no price changed */
	GAP_FIRST,      /* first step of a chain: nothing credited */
	GAP_PRIZE,      /* quiet: the realised action rewarded */
	GAP_FINED,      /* page-ins and/or I/O: the realised action fined */
	GAP_UNJUDGED,   /* counters missing or backwards: nothing credited */
	GAP_BEAT,       /* a heartbeat of a settled domain: a choice, no credit */
};

struct gap_counters {
	bool have_pswpin, have_refault_anon, have_refault_file;
	uint64_t pswpin, refault_anon, refault_file;   /* cumulative pages */
};

/* One fresh report of a domain, as the learner sees it. */
struct gap_obs {
	uint64_t report_ms;        /* when the report was read */
	/* A heartbeat (liveness with the last report's figures): the
	 * counters are those of the chain's last step, so it credits
	 * nothing and the chain keeps its start; the next fresh report
	 * judges the whole interval on exact deltas. It only lets a
	 * settled domain choose (explore, a priced move) at the pace of
	 * its heartbeats. */
	bool heartbeat;
	/* The arbiter's freezes, all false for a learning step: the domain
	 * was not decided in abundant mode, was held, paused, uncooperative,
	 * pressure-held, granted less than its goal, or has not reached its
	 * last written target (N_i outside the tolerance). */
	bool frozen;
	uint64_t ws_kb;            /* W_i, guest units */
	uint64_t actual_kb;        /* N_i */
	uint64_t overhead_kb;      /* O_i */
	struct gap_counters c;
	bool psi_up;               /* no exploratory cut under pressure */
	/* Growth evidence (the OOM margin's, see
	 * design.md §Growth is never cut) and the guest's free swap: while
	 * it grows, the gap is not below gap_start less what its swap can
	 * take. */
	bool growing;
	uint64_t swap_free_kb;
	bool oom_hold;             /* within oom_hold_s of a kill */
};

struct gap_state {
	bool init;                 /* gap_kb holds a chosen gap */
	uint64_t gap_kb;           /* the chosen gap */
	int32_t price[GAP_ACTIONS];
	uint64_t rng;              /* splitmix64 state */
	uint32_t steps;            /* learning steps since the start */
	bool have_prev;            /* a previous step to credit from */
	int64_t prev_realised_kb;
	bool have_ws;
	uint64_t prev_ws_kb;       /* aligned, at the last report seen */
	uint64_t prev_ws_raw_kb;   /* the same, as the goal saw it */
	uint64_t prev_ms;
	struct gap_counters prev_c;
	bool quiet;                /* the last judged step was quiet */
	int last_action;           /* chosen at the last step */
	uint64_t last_explore_ms;
	uint64_t greedy_ms;        /* the last greedy move (0: none) */
	bool explored;
	enum gap_outcome last_outcome;
	/* The gap in effect (gap_current_kb): follows gap_kb at once when
	 * it grows, and a cut only as gap_cut_s allows (applied_ms: when it
	 * last changed). have_use false: gap_kb (a restored state). */
	bool have_use;
	uint64_t use_kb;
	uint64_t use_ms;
	/* gap_lone_backoff: when the last lone cut of the gap in effect was
	 * made (0: none pending), and how many times the wait for the next
	 * one has doubled (at most GAP_LONE_SHIFT_MAX). */
	uint64_t lone_ms;
	uint32_t lone_shift;
	/* The last OOM kill (gap_oom(); 0: none) and how many kills came
	 * before it, each within oom_hold_s of the next: the OOM floor
	 * (gap_oom_floor_kills). */
	uint64_t oom_ms;
	uint32_t oom_run;
	/* The largest one-report rise of W in each quarter of gap_window_s:
	 * what the gap had to absorb lately. */
	uint64_t rise_kb[GAP_RISE_SLOTS];
	uint64_t rise_slot[GAP_RISE_SLOTS];
	/* W's rise at the last fresh report, and that rise again when the
	 * report before rose too (a ramp), else 0: gap_band's lead, and
	 * with gap_ramp_hold no cut while it is not 0. */
	uint64_t last_rise_kb;
	uint64_t ramp_kb;
	bool ramp_flat;            /* gap_ramp_flat: the last report was a flat one kept */
	uint64_t ramp_ms;          /* the interval of that rise (0: unknown) */
	uint64_t max_rise_kb;      /* the largest one-report rise of W seen */
	uint64_t first_ms;         /* the first fresh report (0: none yet) */
	uint64_t now_ms;           /* the last report seen, heartbeats included */
	uint64_t pain_ms;          /* the last page-in or OOM kill seen (0: none) */
	bool loud;                 /* a page-in seen at any report (gap_quiet.c) */
	/* The last fresh report, eligible or not: the page-in back-off
	 * holds in every regime. */
	bool have_seen;
	uint64_t seen_ms;
	struct gap_counters seen_c;
	/* counters for status and tests */
	uint64_t n_steps, n_prizes, n_fines_pagein, n_fines_io, n_fines_oom,
		 n_explores, n_greedy_switches, n_lone_cuts, n_lone_undone;
};

/* A fresh state: prices 0, the PRNG seeded from p->gap_seed and domid,
 * the gap gap_start. */
void gap_state_init(struct gap_state *s, const struct policy_params *p,
		    uint32_t domid);

/* The largest one-report rise of W_i within gap_window_s before now_ms,
 * at most gap_start, 4 MiB aligned up: the floor of a cut. */
uint64_t gap_recent_rise_kb(const struct policy_params *p,
			    const struct gap_state *s, uint64_t now_ms);

/* With gap_band, the gap the goal gets (design.md §The learned gap):
 * left_kb, the gap that the last written target leaves above W_i
 * (target - O_i - W_i), while it is within [g_kb, max(g_kb, gap_start)]:
 * the goal is that target, no write; below it (W_i rose out) g_kb plus
 * W_i's last rise on a ramp, at most the top; above it g_kb. Without
 * gap_band, g_kb. */
uint64_t gap_band_kb(const struct policy_params *p, const struct gap_state *s,
		     uint64_t g_kb, int64_t left_kb);

/* With gap_band_scarce, the gap the goal gets in scarce mode where the
 * last cycle capped the domain at its goal in the tier of the gaps: the
 * band's (gap_band_kb()) when it keeps the goal within min_change of
 * W_i + g_kb, else g_kb: a move of a capped goal by less than the write
 * threshold is not written. Without it (or gap_band), g_kb. */
uint64_t gap_band_hold_kb(const struct policy_params *p, const struct gap_state *s,
			  uint64_t g_kb, int64_t left_kb);

/* Whether the last cycle (goal_kb, target_kb, reasons) left a domain whose
 * written target is written_kb capped at its goal, for gap_band_hold_kb():
 * its target its goal and written; with gap_band_threshold also a target
 * within min_change of the goal not written for the write threshold, the
 * written one within min_change of the goal (gap_capped.c). */
bool gap_band_capped(const struct policy_params *p, uint64_t goal_kb, uint64_t target_kb,
		     uint64_t written_kb, uint32_t reasons);

/* With gap_band_tail, in abundant mode: while the last target leaves
 * left_kb in (gap_start, gap_start + 2 min_change] above W_i, where the
 * write band would keep it at gap_start (`fixed`), the gap is at least
 * left_kb - 2 min_change (4 MiB aligned up): the target is kept, no
 * walk step that fixed would not make. Otherwise g_kb. */
uint64_t gap_band_tail_kb(const struct policy_params *p, uint64_t g_kb, int64_t left_kb);

/* gap_ramp_lead_s (gap_ramp.c): on a ramp (ramp_kb), the lowest gap a cut
 * may leave: what the ramp's rate (ramp_kb over ramp_ms) fills in
 * gap_ramp_lead_s, and twice the largest one-report rise of W seen
 * (max_rise_kb), 4 MiB aligned up; UINT64_MAX without a lead (no cut at
 * all, gap_ramp_hold as before) or within 2 gap_window_s of the first
 * fresh report (no evidence yet that W does not jump); 0 off a ramp. */
uint64_t gap_ramp_floor_kb(const struct policy_params *p, const struct gap_state *s);
/* At a fresh report whose W rose by rise_kb (0: none; flat: W did not move
 * at all): last_rise_kb and ramp_kb, W's rise at the last two reports;
 * with gap_ramp_flat one flat report after a rise keeps both. */
void gap_ramp_rise(const struct policy_params *p, struct gap_state *s, uint64_t rise_kb,
		   bool flat);
/* At a fresh report at now_ms whose W rose by rise_kb (after ramp_kb was
 * set, before seen_ms moves): the ramp's interval, the largest rise. */
void gap_ramp_note(struct gap_state *s, uint64_t now_ms, uint64_t rise_kb);
/* Whether gap_ramp_hold allows no cut at all now. */
bool gap_ramp_held(const struct policy_params *p, const struct gap_state *s);
/* An exploration's lowest action offset (lo, in 4 MiB steps) on a ramp. */
int gap_ramp_explore_lo(const struct policy_params *p, const struct gap_state *s, int lo);
/* A move from before to next (KiB), a cut held at the ramp's floor. */
int64_t gap_ramp_cut_kb(const struct policy_params *p, const struct gap_state *s,
			int64_t before, int64_t next);

/* The part of gap_start (4 MiB aligned) that swap_free_kb of free swap
 * cannot take, aligned up; 0 when the swap takes it all. */
uint64_t gap_start_unswapped_kb(const struct policy_params *p,
				uint64_t swap_free_kb);

/* gap_seen_rises (gap_seen.c): g_kb, the gap the domain is given, at most
 * gap_seen_rises x the largest one-report rise of W seen (max_rise_kb),
 * 4 MiB aligned up, at least gap_min and gap_start less swap_free_kb;
 * only 2 gap_window_s after the first report and a rise seen, not within gap_window_s of
 * pain (pain_ms), not in the OOM hold. Off (0): g_kb. */
uint64_t gap_seen_cap_kb(const struct policy_params *p, const struct gap_state *s,
			 uint64_t g_kb, bool oom_hold, uint64_t swap_free_kb);
/* In scarce mode, the gap for g_kb capped to capped_kb by gap_seen_cap_kb():
 * where the cap binds, the band's (gap_band_kb(), the last target kept
 * while left_kb is within [capped_kb, gap_start]); else capped_kb. */
uint64_t gap_seen_scarce_kb(const struct policy_params *p, const struct gap_state *s,
			    uint64_t g_kb, uint64_t capped_kb, int64_t left_kb);

/* gap_quiet_rises (gap_quiet.c): at a fresh report (before seen_c moves),
 * note any page-in since the last one, frozen reports included. */
void gap_quiet_note(struct gap_state *s, const struct gap_obs *o);
/* A quiet guest: no page-in and no OOM kill seen since its first report. */
bool gap_quiet(const struct gap_state *s);
/* The N of gap_seen_cap_kb(): gap_seen_rises, or gap_quiet_rises for a
 * quiet guest when smaller (or gap_seen_rises is off); 0: no cap. */
uint32_t gap_seen_n(const struct policy_params *p, const struct gap_state *s);
/* In scarce mode with gap_quiet_rises, the gap for g_kb capped to
 * capped_kb: the last target kept (left_kb) while it is at least the cap
 * and W_i + g_kb stays within min_change of it (no write `fixed` would
 * not make); below the cap gap_band_kb(); above, the cap. */
uint64_t gap_quiet_scarce_kb(const struct policy_params *p, const struct gap_state *s,
			     uint64_t g_kb, uint64_t capped_kb, int64_t left_kb);

/* The bounds of the gap for W_i = ws_kb: [*lo, *hi], 4 MiB aligned. */
void gap_bounds(const struct policy_params *p, uint64_t ws_kb, bool oom_hold,
		uint64_t *lo, uint64_t *hi);

/* How long a lone cut waits after the last change of the gap in effect
 * (gap_lone_cut_s, doubled per lone cut undone with gap_lone_backoff),
 * in ms; 0: never. */
uint64_t gap_lone_wait_ms(const struct policy_params *p, const struct gap_state *s);

/* The gap to leave now: the chosen gap within today's bounds. */
uint64_t gap_current_kb(const struct policy_params *p,
			const struct gap_state *s, uint64_t ws_kb,
			bool oom_hold);

/* One fresh report: credit, then choose. Returns the outcome; s->gap_kb
 * is the new chosen gap. */
enum gap_outcome gap_step(const struct policy_params *p, struct gap_state *s,
			  const struct gap_obs *o);

/* An OOM kill at now_ms: the action last taken is fined gap_fine_oom,
 * the gap is at least gap_start, and the chain restarts (the interval is
 * not credited again). */
void gap_oom(const struct policy_params *p, struct gap_state *s, uint64_t now_ms);

/* Whether the OOM floor (gap_min + oom_bump) is in force: within the
 * hold (oom_hold) of a kill that is the gap_oom_floor_kills-th in a run
 * of kills each within oom_hold_s of the one before. */
bool gap_oom_floor(const struct policy_params *p, const struct gap_state *s,
		   bool oom_hold);

/* The floor of the gap (4 MiB aligned up): gap_min; gap_min + oom_bump
 * when raised; within the hold (oom_hold) of a kill that did not raise
 * it, gap_start (at most gap_min + oom_bump). */
uint64_t gap_floor_kb(const struct policy_params *p, bool oom_hold, bool raised);

/* The realised gap N_i - O_i - W_i (W_i aligned down to 4 MiB). */
int64_t gap_realised_kb(uint64_t actual_kb, uint64_t overhead_kb,
			uint64_t ws_kb);

/* splitmix64: the learner's PRNG (the sim's literal variant uses it too). */
uint64_t gap_rand(uint64_t *state);

const char *gap_outcome_name(enum gap_outcome o);

#endif
