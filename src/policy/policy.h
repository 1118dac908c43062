/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The policy core: a snapshot of one host goes in, decisions come out.
 *
 * Pure C, no Xen header, no I/O, no global state. The arbiter daemon and
 * the simulator build a snapshot (struct policy_dom[] + struct
 * policy_host) each cycle, call policy_decide() for the targets and
 * policy_apply() for this cycle's writes, and perform the writes
 * themselves. design.md §Policy core explains the model and the maths;
 * design.md §The snapshot how the callers build the snapshot.
 *
 * Units. Every size is KiB in a 64-bit integer. Two families of figures
 * meet here and must not be mixed up:
 *   - target units: what `memory/target` means, i.e. what the hypervisor
 *     says a domain holds (tot_pages*4 - offset_i). N_i, B_i, L_i, H_i,
 *     MC_i, every target and every write are target units.
 *   - guest figures: what the guest kernel reports (free, avail,
 *     Committed_AS). O_i converts: MC_i = C_i + O_i + headroom.
 *
 * Memory. The caller owns everything: it sizes a struct policy_ctx once
 * for the most domains it will pass (policy_ctx_init), and policy_decide()
 * then allocates nothing, except that the `paper` solver allocates its
 * scratch on its first call and grows its dense n x n matrix the first
 * time it needs a bigger one (it is the baseline, kept with its real
 * cost; the default `exact` solver never allocates).
 */
#ifndef MEMBAL_ARBITER_POLICY_H
#define MEMBAL_ARBITER_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POLICY_PAGE_KB 4u
/* Largest size accepted for one domain or the host (1 PiB). With at most
 * POLICY_MAX_DOMAINS domains every sum fits an int64_t. */
#define POLICY_KB_MAX (UINT64_C(1) << 40)
#define POLICY_MAX_DOMAINS (UINT32_C(1) << 22)
/* Sizes go to the hypervisor in whole pages: kb rounded down to one. */
static inline uint64_t policy_page_down(uint64_t kb) { return kb - kb % POLICY_PAGE_KB; }

/* Shares outside this range are refused (they would only make prices
 * overflow or vanish). */
#define POLICY_SHARES_MIN 1e-6
#define POLICY_SHARES_MAX 1e6

/* ---- parameters: the [policy] section (conf/arbiter.ini) ---------------- */

enum policy_solver { POLICY_SOLVER_EXACT, POLICY_SOLVER_PAPER };
enum policy_free_source { POLICY_FREE_FREE, POLICY_FREE_AVAIL };
enum policy_scarce_cap { POLICY_CAP_DEMAND, POLICY_CAP_MAX };
enum policy_dom0_mode { POLICY_DOM0_FIXED, POLICY_DOM0_PRIORITY };
/* climb_grant (climb_grant.c): off, every climber (POLICY_IN_CLIMBING),
 * or only a ramp (POLICY_IN_RAMP). */
enum policy_climb_grant { POLICY_CLIMB_GRANT_NO, POLICY_CLIMB_GRANT_YES, POLICY_CLIMB_GRANT_RAMP };
/* The gap left above a domain's demand: headroom_kb, or learned per
 * domain (policy/gap.h, design.md §The learned gap). */
enum policy_headroom { POLICY_HEADROOM_FIXED, POLICY_HEADROOM_LEARNED };
/* What sizes a domain whose report carries a working-set estimate:
 * committed keeps today's MC_i and A_i for every domain; estimate uses
 * W_i and g_i (design.md §Scarce mode from the estimated need). */
enum policy_need { POLICY_NEED_COMMITTED, POLICY_NEED_ESTIMATE };
/* Which branch a cycle takes: auto classifies (§3.1 step 4); self and
 * global force one; static changes nothing (preset `static`). */
enum policy_force {
	POLICY_FORCE_AUTO,
	POLICY_FORCE_SELF,
	POLICY_FORCE_GLOBAL,
	POLICY_FORCE_STATIC,
};
enum policy_preset {
	POLICY_PRESET_STATIC,
	POLICY_PRESET_SELF,
	POLICY_PRESET_PAPER,
	POLICY_PRESET_MEMBAL,
};

/* NULL-terminated name tables, indexed by the enums above (for
 * cfg_get_enum(), command-line options and output). */
extern const char *const policy_solver_names[];
extern const char *const policy_free_source_names[];
extern const char *const policy_scarce_cap_names[];
extern const char *const policy_dom0_mode_names[];
extern const char *const policy_climb_grant_names[];
extern const char *const policy_headroom_names[];
extern const char *const policy_need_names[];
extern const char *const policy_force_names[];
extern const char *const policy_preset_names[];
/* Index of s in names, or -1. */
int policy_name_index(const char *const *names, const char *s);
/* names joined by sep into buf (for --help and messages, so that a new
 * preset or solver shows up there without editing any text); buf. */
const char *policy_names_join(const char *const *names, const char *sep,
			      char *buf, size_t size);

struct policy_params {
	double tau;                    /* idle memory tax, [0, 1) */
	double epsilon;                /* weight of swap use in w_i, >= 0 */
	enum policy_solver solver;
	enum policy_free_source free_source;
	enum policy_scarce_cap scarce_cap;
	enum policy_dom0_mode dom0_mode;
	enum policy_need need;
	enum policy_force mode;        /* not an INI key: presets and membalctl */
	bool global_hysteresis;        /* step global targets too (paper preset) */
	uint64_t unpark_ramp_batch_kb; /* unpark rule 3: a ramp waits for this much lack */
	bool part_page_keep;           /* a target less than a page above N_i is kept, not written down to N_i */
	uint64_t tier4_keep_kb;        /* scarce tier 4: a target less than this from the equal-price one is kept (0: off) */
	bool oom_min_yield, oom_loop_held; /* a swapless killed domain's raised L_i is tier 4; a loop's raise served stays */
	bool rise_ahead;               /* a climbing W's rise over the next interval is need now */
	int climb_grant;               /* enum policy_climb_grant: climb_grant.c */
	uint64_t swapless_keep_kb;     /* of what a swapless guest holds above W_i, this much stays (tier 1, as far as it fits) */
	bool swapless_keep_given;      /* ... and follows a climb while the guest holds W_i */
	uint32_t fall_margin_s;        /* ... only for this long after W_i fell (fall_margin.c; 0: off) */
	uint64_t fall_margin_kb;       /* ... and this much of it at most */
	bool fall_margin_given;        /* ... from when the fall ended, given above W_i (follows a climb) */
	uint64_t noise_margin_kb;      /* a swapless guest's shown noise (noise_kb) given above W_i, at most this (noise_margin.c; 0: off) */
	bool need_in_swap;             /* tier 1: what of W_i is in swap already is held by swap */
	uint64_t oom_min_keep_kb;      /* of a swapless killed domain's raise, this much above its N at the kill stays a floor */
	bool fund_below_reserve;       /* below the reserve, a decrease growth waits on is one write */
	bool fund_reservation;         /* ... and one a reservation waits on */
	bool resv_page;                /* a reservation before a rise a guest with disk swap pages for */
	uint32_t resv_slack_share_pct; /* of a swapless guest's slack, the part a named reservation it completes may take */
	uint32_t resv_need_wait_s, resv_need_pct, resv_born_keep_s; uint64_t resv_need_keep_kb; /* resv_need.c; arbiter/resv_born.c, resv_keep.c */
	uint64_t resv_born_shown_kb;   /* resv_born_keep_s ends once the newborn's W_i has risen past its boot by this (born_shown.c; 0: off) */
	bool fund_to_goal;             /* above it, while guests page, a decrease goes to the goal */
	bool oom_min_keep_held;        /* ... at most what it holds (B_i): kept, never given */
	uint64_t oom_min_keep_gone_kb; /* ... none while W_i is more than this below N at the latest kill (0: no guard) */
	bool oom_recur_keep;           /* a swapless domain killed again near one level keeps that kill's raise as a floor */
	bool oom_keep_held_kill, oom_keep_held_any; /* ... given it above its target when killed at it (any: a kill that need not recur) */
	bool oom_margin_futile;        /* a killed guest's margin its shown rises outgrow is tier 4, not need now */
	int oom_climb_keep;            /* enum growth_keep (growth.h): a killed guest climbs while pinned at what it holds */
	bool psi_now;                  /* the daemon reads PSI's stall since the last report too */
	bool peak_hold;                /* the level W_i reached lately, less free swap, is kept after the needs */
	bool level_keep;               /* abundance: a jumpy guest keeps its recent level while the spare covers it (level_keep.c) */
	bool band_fixed_gap;           /* learned: the band's growth-waits test reads the aims with the fixed gap (step.c) */
	bool level_ahead;              /* ... and guests between jobs share the spare left, grown toward their levels (level_ahead.c) */
	bool stale_return;             /* a domain whose reports stopped gets back up to stale_top_kb out of free memory (stale_return.c) */
	uint32_t stale_relend_s;       /* 0, or: a taken-back loan is lent again after this long abundant, doubled per take-back (stale_keep.c) */
	uint32_t hysteresis_up;        /* >= 1 */
	uint32_t hysteresis_down;      /* >= 1 */
	uint64_t headroom_kb;
	/* The fixed gap is at least this percent of the domain's demand
	 * (W_i or C_i), and the learned gap's ceiling gap_max_kb likewise
	 * (policy_fixed_gap_kb(); 0: off). */
	uint32_t headroom_ws_pct;
	uint64_t reserve_kb;
	uint64_t min_change_kb;
	/* Noise floor: a move smaller than this is never written, not even
	 * onto the goal, and a hysteresis step never leaves less than this
	 * to go (a real guest's Committed_AS jitters by a few hundred KiB). */
	uint64_t settle_min_kb;
	uint64_t psi_no_shrink;        /* psi_some, hundredths of a percent */
	uint64_t swapin_no_shrink;     /* pages per second */
	uint64_t oom_bump_kb;          /* used by the daemon (raised L_i) */
	uint32_t oom_hold_s;           /* used by the daemon */
	uint32_t oom_loop_s;           /* used by the daemon: POLICY_IN_OOM_LOOP */
	/* need = estimate: a newly adopted domain is not shrunk until it has
	 * reported for this long (used by the daemon: POLICY_IN_GRACE). */
	uint32_t adopt_grace_s, grace_swapless_s; /* ... the latter: grace_keep.h */
	/* need = estimate: for this long after a domain grew (or while its
	 * OOM-raised minimum holds), the part of g_i that its free swap
	 * cannot hold is need, not gap (design.md §Growth is never cut; used
	 * by the daemon: POLICY_IN_GROWING). 0: never. */
	uint32_t oom_room_s;
	/* need = estimate: the estimate's error allowance, percent of W_i,
	 * served after every domain's need and margin (tier 5) and kept by a
	 * reservation (design.md §The estimate's slack). */
	uint32_t need_slack_pct;
	/* need = estimate: a load that comes back (used by the daemon:
	 * policy_dom.peak_kb; design.md §Scarce mode from the estimated need,
	 * "A load that comes back"). A fall of W_i that came back within
	 * comeback_window_s makes the window's peak need for comeback_hold_s
	 * after the return. Either 0: off. */
	uint32_t comeback_window_s;
	uint32_t comeback_hold_s;
	/* need = estimate: a load that recurs (used by the daemon:
	 * policy_dom.recur_kb; design.md §Scarce mode from the estimated need,
	 * "A load that recurs"): a fall of W_i that jumped back after up to
	 * comeback_recur_s, twice in a row, holds the level it fell from while
	 * the load was last there no longer ago than its time down (and a
	 * quarter, and comeback_window_s). 0: off. */
	uint32_t comeback_recur_s;
	/* need = estimate: while a swapless domain's load recurs to a level
	 * (comeback_recur_s), the level and its margin are its need now
	 * (recur_margin) and its no-shrink floor (recur_hold; recur_hold.c). */
	bool recur_margin;
	bool recur_hold;
	/* ... only for a domain that jumped in this percent of its past
	 * spike windows or more (0: any) */
	uint32_t recur_hold_rate_pct;
	/* ... and, whatever its rate, for a domain whose load comes back
	 * after at most this long down (policy_dom.recur_down_ms), until it
	 * is late (recur_period.c; 0: off) */
	uint32_t recur_period_s;
	/* ... and for this long after such a level was last known, a
	 * swapless domain keeps what it holds of W_i and oom_min_keep more
	 * as its no-shrink floor (recur_handback.c; 0: off) */
	uint32_t recur_handback_s;
	/* ... sized by the highest W_i since then, not W_i now */
	bool recur_handback_peak;
	/* need = estimate: how long a jump of W_i (policy/jump.h) counts as
	 * part of a spike its peers share (used by the daemon:
	 * policy_dom.jump_kb; design.md §Scarce mode from the estimated need,
	 * "A spike the peers show"). 0: off. */
	uint32_t spike_window_s;
	/* Defaults for domains without their own [domain] section; the
	 * daemon resolves them into each policy_dom. max_kb 0: static-max. */
	uint64_t min_kb;
	uint64_t max_kb;
	double shares;
	/* The learned gap (policy/gap.h): used by the daemon, which puts
	 * each domain's gap into policy_dom.gap_kb. Fines, prize and
	 * tolerance are price units; rates pages per second. */
	enum policy_headroom headroom;
	uint64_t gap_min_kb;
	uint64_t gap_max_kb;
	uint64_t gap_start_kb;
	uint32_t gap_fine_pagein;
	uint32_t gap_fine_io;
	uint32_t gap_fine_oom;
	uint32_t gap_prize;
	uint32_t gap_tolerance;
	uint32_t gap_greedy;           /* every Nth step explores; 0 never */
	uint32_t gap_pagein_rate;      /* fined above, pages per second */
	uint32_t gap_io_rate;          /* fined above, pages per second */
	uint64_t gap_explore_max_kb;
	uint32_t gap_explore_s;
	uint32_t gap_seed;
	uint32_t gap_window_s;         /* cuts floored at the largest rise of W in it */
	uint32_t gap_cut_s;            /* a cut alone at most this often; 0 any step */
	uint32_t gap_lone_cut_s;       /* a cut joining no write at most this often; 0 never */
	bool gap_lone_backoff;         /* a lone cut undone: the next waits twice as long */
	uint32_t gap_oom_floor_kills;  /* kills within oom_hold_s that raise the floor; 0 never */
	bool gap_ride;                 /* a gap change joins any change of W */
	bool gap_band;                 /* the goal holds within [g_i, gap_start] */
	bool gap_band_scarce;          /* and within min_change at a cap, tier of the gaps */
	bool gap_band_threshold;       /* ... a cap a hair off, not written, counts too */
	bool gap_band_tail;            /* no walk step below what fixed's band keeps */
	bool gap_ramp_hold;            /* no cut while W rises report after report */
	bool gap_ramp_flat;            /* ... a flat report between two rises too */
	uint32_t gap_ramp_lead_s;      /* ... below what the ramp fills in this; 0 none */
	uint32_t gap_seen_rises;       /* gap at most this many x the largest rise seen; 0 off */
	uint32_t gap_quiet_rises;      /* ... for a guest with no page-in or kill yet; 0 off */
	bool gap_quiet_flat;           /* ... and one whose W has not risen at all */
};

/* The defaults, in one place (conf/arbiter.ini repeats them). */
void policy_params_default(struct policy_params *p);
/* Sets the fields a preset names (§3.6) and leaves the others alone, so
 * options given after it still apply. Returns -1 for an unknown preset. */
int policy_preset_apply(struct policy_params *p, enum policy_preset preset);
/* 0 when every field is in range; else -1 and a message naming the field. */
int policy_params_check(const struct policy_params *p, char *err,
			size_t errlen);

/* ---- the snapshot --------------------------------------------------------- */

enum policy_kind {
	POLICY_DOMU,       /* a managed domU */
	POLICY_DOM0,       /* domain 0: fixed or priority per dom0_mode */
	POLICY_UNMANAGED,  /* in the snapshot but not decided: keeps B_i */
};

/* policy_dom.flags */
#define POLICY_IN_AVAIL   (1u << 0)  /* avail_kb is valid */
#define POLICY_IN_PSI     (1u << 1)  /* psi_some is valid */
#define POLICY_IN_SWAPIN  (1u << 2)  /* swapin_rate is valid */
#define POLICY_IN_OOM_MIN (1u << 3)  /* min_kb was raised after an OOM kill */
#define POLICY_IN_GAP     (1u << 4)  /* gap_kb is valid (else headroom_kb) */
#define POLICY_IN_WS      (1u << 5)  /* ws_kb is valid (gap_kb too) */
#define POLICY_IN_GRACE   (1u << 6)  /* adopted less than adopt_grace_s ago */
#define POLICY_IN_GROWING (1u << 7)  /* W or Committed_AS rose within oom_room_s */
#define POLICY_IN_BOOTED  (1u << 8)  /* in its grace, started while the arbiter ran */
#define POLICY_IN_CLIMBING (1u << 9) /* growing, its last rise within twice its pace */
#define POLICY_IN_RAMP    (1u << 10) /* climbing at a known pace: two rises or more */
#define POLICY_IN_PEAK    (1u << 11) /* peak_kb is valid: a load that comes back */
#define POLICY_IN_PSI_NOW (1u << 12) /* psi_some_now is valid (with POLICY_IN_PSI) */
#define POLICY_IN_SWAP_KIND (1u << 13) /* swap_zram_kb is valid: the swap's kind is known */
#define POLICY_IN_OOM_LOOP (1u << 14) /* OOM_MIN, and killed again within oom_loop_s */
#define POLICY_IN_RECUR   (1u << 15) /* recur_kb is valid: a load that recurs */
#define POLICY_IN_OOM_FRESH (1u << 16) /* OOM_MIN, the latest kill within oom_loop_s */
#define POLICY_IN_OOM_RECUR (1u << 17) /* OOM_MIN, killed twice or more near one level within oom_hold_s */
#define POLICY_IN_CRON    (1u << 18) /* cron_kb and its period are valid */
#define POLICY_IN_LEVEL   (1u << 19) /* level_ms is valid: a level of W_i was known */
#define POLICY_IN_STALE   (1u << 20) /* POLICY_UNMANAGED whose reports stopped: stale_top_kb is valid */

/* One domain. The daemon fills it from checked xenstore figures; the core
 * still refuses out-of-range values (policy_decide returns -1). */
struct policy_dom {
	uint32_t domid;
	uint32_t flags;            /* POLICY_IN_* */
	enum policy_kind kind;
	uint64_t actual_kb;        /* N_i (target units) */
	uint64_t target_kb;        /* B_i: current target (N_i if none) */
	uint64_t stale_top_kb, stale_base_kb; /* POLICY_IN_STALE: stale_return.h */
	uint64_t min_kb;           /* L_i, effective (after an OOM raise) */
	/* With POLICY_IN_OOM_MIN: how far the OOM kill raised min_kb above
	 * the configured L_i (0: all of it is configured). Under need =
	 * estimate scarce mode serves that part after every domain's need
	 * (design.md §Growth is never cut, "The OOM minimum after the
	 * needs"). */
	uint64_t oom_raise_kb;
	/* With POLICY_IN_OOM_MIN: N_i when the latest kill was seen (at most
	 * min_kb; 0: unknown, taken as min_kb less oom_bump_kb). The raise
	 * keeps the largest kill in force; oom_min_keep judges against the
	 * latest (design.md §Growth is never cut, "A kill's margin kept"). */
	uint64_t oom_kill_kb;
	uint64_t max_kb;           /* H_i */
	double shares;             /* S_i */
	uint64_t free_kb;          /* guest MemFree (filtered) */
	uint64_t avail_kb;         /* guest MemAvailable (filtered) */
	uint64_t committed_as_kb;  /* C_i */
	uint64_t overhead_kb;      /* O_i, already clamped to [0, N_i] */
	uint64_t swap_free_kb;     /* SF_i */
	uint64_t swap_tot_kb;      /* ST_i */
	/* With POLICY_IN_SWAP_KIND: the part of ST_i on zram, compressed
	 * RAM (the agent's swap_zram). Without it the kind is unknown and
	 * the policy takes the swap to be RAM-backed
	 * (design.md §The estimate's slack, "Swap in RAM"). */
	uint64_t swap_zram_kb;
	uint64_t psi_some;         /* hundredths of a percent (avg10) */
	/* With POLICY_IN_PSI_NOW: the pressure of now, the lower of avg10
	 * and the share of time the guest stalled since its last report
	 * (the daemon's history; design.md §Guest keys, "The pressure of
	 * now"). */
	uint64_t psi_some_now;
	uint64_t swapin_rate;      /* pages per second */
	/* g_i: the gap the policy leaves above the demand (W_i + O_i + g_i).
	 * The snapshot builder fills it (POLICY_IN_GAP): policy_fixed_gap_kb()
	 * under `headroom = fixed`, the learned gap under `learned`. A domain
	 * built without the flag gets the fixed gap (policy_dom_gap_kb). */
	uint64_t gap_kb;
	/* With POLICY_IN_WS (read only under need = estimate): W_i = WS_i +
	 * O_i, the estimated working set in target units. */
	uint64_t ws_kb;
	/* With POLICY_IN_GROWING: Committed_AS - WS_i less its lowest value
	 * since the domain started growing: what its programs committed
	 * lately and have not touched yet (KiB). */
	uint64_t commit_new_kb;
	/* With POLICY_IN_WS, under rise_ahead: how much W_i will rise by the
	 * next cycle at the pace of its climb (0: not climbing). Need now,
	 * at most g_i (design.md §Scarce mode from the estimated need, "The
	 * rise ahead"). */
	uint64_t rise_kb;
	/* With POLICY_IN_PEAK (read only with POLICY_IN_WS): W_i's peak over
	 * comeback_window_s, above W_i, while its load came back within
	 * comeback_hold_s (policy/comeback.h), in target units. */
	uint64_t peak_kb;
	/* With POLICY_IN_RECUR (read only with POLICY_IN_WS): the level W_i
	 * recurs to, above W_i, while it may still come back
	 * (comeback_recur_s; policy/comeback.h), in target units. */
	uint64_t recur_kb;
	/* With POLICY_IN_CRON (read only with POLICY_IN_WS): the level W_i
	 * recurs to read as a cron's (recur_period_s; comeback_cron(): the
	 * higher of its last two runs'), above W_i, in target units; its
	 * period: the longer of its last two times down (a fall to its
	 * return) and how long ago W_i was last at the level, in ms (at most
	 * UINT32_MAX; comeback_period()). Read by recur_period.c. */
	uint64_t cron_kb;
	uint32_t cron_down_ms;
	uint32_t cron_since_ms;
	/* With POLICY_IN_LEVEL (read only with POLICY_IN_WS): how long ago
	 * a level W_i recurs to (recur_kb, or cron_kb with its period) was
	 * last known, in ms (0: now; at most UINT32_MAX). Read by
	 * recur_handback.c. */
	uint32_t level_ms;
	/* With POLICY_IN_LEVEL: the highest W_i since that level was last
	 * known (target units; recur_handback_peak). */
	uint64_t level_w_kb;
	/* With POLICY_IN_WS: W_i's largest jump (its rise within a few
	 * reports) within spike_window_s (policy/jump.h); 0: none. */
	uint64_t jump_kb;
	/* With POLICY_IN_WS: in how many of the JUMP_PAST windows of
	 * spike_window_s before the current one W_i jumped beyond g_i
	 * (jump_past()): its own jump rate, which tells a jump of its habit
	 * from one a common cause made (spike.c); jump_seen: of how many
	 * windows (those since the tracker's first sample). */
	uint32_t jump_past;
	uint32_t jump_seen;
	/* With POLICY_IN_WS: in how many of the same windows W_i rose by
	 * more than min_change but not beyond g_i: the rises a margin of
	 * g_i holds (margin_futile.c). */
	uint32_t jump_within;
	/* With POLICY_IN_WS: the second largest (KILL_RISE_RANK) of W_i's
	 * per-window largest rises (as jump_kb measures them) over the last
	 * JUMP_PAST windows of spike_window_s (jump_most()):
	 * the rises the guest has shown, which size the kill margin of a
	 * guest whose swap cannot hold them (solve_tiers.c); 0: none. */
	uint64_t rise_most_kb;
	/* With POLICY_IN_WS: the second highest (KILL_RISE_RANK) of W_i's
	 * per-window highest samples over the same windows (jump_top()):
	 * the level its load has reached lately, for the peak hold
	 * (peak_hold.c); 0: none. */
	uint64_t top_kb;
	/* With POLICY_IN_WS, under fall_margin_s: how far W_i fell lately
	 * (jump_fell(); with fall_margin_given the fall seen ended,
	 * jump_fall_kb()), for fall_margin.c; 0: none. fall_climbs: W
	 * creeps back from that fall's trough (jump_fall_climbs()). */
	uint64_t fell_kb;
	bool fall_climbs;
	/* With POLICY_IN_WS, under noise_margin_mb: W_i's noise, how far it
	 * goes up and comes back down in most windows of the last JUMP_PAST
	 * (jump_noise()), for noise_margin.c; 0: none (or too few windows
	 * seen). */
	uint64_t noise_kb;
};

/* The fixed gap for a demand of ws_kb: max(headroom_kb, headroom_ws_pct
 * percent of ws_kb), page aligned (need.c). */
uint64_t policy_fixed_gap_kb(const struct policy_params *p, uint64_t ws_kb);
/* g_i as the policy reads it: gap_kb, or the fixed gap without the
 * flags; at most the fixed gap once the load an OOM kill raised L_i for
 * is gone (need.c). */
uint64_t policy_dom_gap_kb(const struct policy_params *p,
			   const struct policy_dom *d);

struct policy_host {
	/*
	 * The host's free memory in KiB: free_pages*4 minus outstanding
	 * claims minus the pending growth max(0, target_j - N_j) of domains
	 * that are NOT in the snapshot at all. It is taken BEFORE the
	 * reserve. policy_decide() itself subtracts reserve_kb and the
	 * pending growth of the snapshot's undecided entries (fixed dom0,
	 * POLICY_UNMANAGED, everything under `static`) to get F_h.
	 */
	int64_t free_kb;
	uint64_t reserve_kb;
	/* The part of what free_kb already leaves out that the daemon's
	 * reservations hold (design.md §The estimate's slack): the policy
	 * gives back what of it would cut a guest below its need. */
	uint64_t reservations_kb;
	/* The part of reservations_kb made for a named guest (`membalctl
	 * reserve --for`: a domain about to be created or received), whose
	 * demand waits with it (resv_page). */
	uint64_t reservations_for_kb;
	/* What the guests those are for will hold once they run (`reserve
	 * --need`; a reservation without one counts its whole size), less
	 * what they hold already. reservations_for_kb above it is what the
	 * newcomers will give back after their boot (resv_page). */
	uint64_t reservations_need_kb;
	uint64_t reservations_for_waited_ms; /* the oldest named one without its domain yet: its age (resv_need.c) */
};

/* ---- decisions: policy/decision.h ---------------------------------------- */

#include "policy/decision.h"

/* Scratch space for policy_decide(). Fields are private. */
struct policy_ctx {
	size_t capacity;
	struct solve_item *items;
	struct solve_event *events;
	struct solve_event *events_tmp;
	double *paper_matrix;      /* grown on demand, see above */
	size_t paper_matrix_n;
	double *paper_x;           /* capacity entries, on demand */
	uint32_t *paper_idx;       /* capacity entries, on demand */
};

/* 0, or -1 (out of memory, or capacity above POLICY_MAX_DOMAINS). */
int policy_ctx_init(struct policy_ctx *ctx, size_t capacity);
void policy_ctx_free(struct policy_ctx *ctx);

/*
 * Decide every domain's target. out[i] belongs to dom[i]; write fields
 * are cleared (policy_apply fills them). Returns 0, or -1 when n exceeds
 * the context's capacity or an entry is out of range (cycle->bad_index
 * and cycle->error say which and why; out[] is then unspecified).
 */
int policy_decide(struct policy_ctx *ctx, const struct policy_params *p,
		  const struct policy_host *host, const struct policy_dom *dom,
		  size_t n, struct policy_decision *out,
		  struct policy_cycle *cycle);

/*
 * Turn targets into this cycle's writes (§3.4): decreases in full;
 * increases (new target - N_i) only out of cycle->host_free_kb, dom0
 * priority first, the rest in proportion to deficit; nothing written when
 * the change is below min_change_kb unless it settles the walk. Writes
 * below B_i are decreases (perform them first); above B_i, increases.
 */
void policy_apply(const struct policy_params *p,
		  const struct policy_cycle *cycle,
		  const struct policy_dom *dom, size_t n,
		  struct policy_decision *out);

/* Growth that waits on this cycle's decreases (follow_up.c): under need =
 * estimate, the increases the pool could not cover (or a starving
 * domain's), as far as the decreases written this cycle (and, with
 * owed, those of earlier cycles still under way) will pay for them; 0
 * otherwise. The daemon runs its next cycle early when it is at
 * least settle_min_kb. */
uint64_t policy_follow_up(const struct policy_params *p,
			  const struct policy_dom *dom, size_t n,
			  const struct policy_decision *out, bool owed);
/* The decreases the domUs' balloons have yet to give back, against the
 * targets they had at the start of the cycle (after = false) or against
 * those it writes (after = true); 0 unless need = estimate. With owed,
 * policy_follow_up counts the former too as memory coming back. */
uint64_t policy_owed_kb(const struct policy_params *p,
			const struct policy_dom *dom, size_t n,
			const struct policy_decision *out, bool after);
/* Slow donors (design.md §Growth is never cut, "Slow donors"): at a
 * regular cycle (early = false), whether the decreases written at earlier
 * cycles still owe settle_min_kb or more (owed_now: policy_owed_kb before
 * this cycle's writes); at an early cycle, whether they were slow and
 * gave back at least settle_min_kb since the last cycle (owed_last: what
 * that one left owed, policy_owed_kb after its writes). */
bool policy_slow_donors(const struct policy_params *p, bool early, bool slow,
			uint64_t owed_now, uint64_t owed_last);

#endif
