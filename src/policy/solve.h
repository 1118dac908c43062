/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private interface of the policy core: between policy.c and the two
 * global-balancing solvers (solve_exact.c, solve_paper.c), and the error
 * helper params.c and policy.c share. Not for the daemon: it calls
 * policy_decide().
 *
 * policy.c fills one solve_item per domain taking part in global
 * balancing (ctx->items[0..k)), with its bounds already resolved
 * (lo = L_i after the safety rules, up = U_i per scarce_cap), and a
 * solver writes each item's target and where it ended.
 */
#ifndef MEMBAL_ARBITER_SOLVE_H
#define MEMBAL_ARBITER_SOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/policy.h"

/* snprintf into err; returns -1. */
int policy_fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* 0, or -1 with err saying which figure of which domain is out of its
 * bounds (check_dom.c). */
int policy_check_dom(const struct policy_dom *d, char *err, size_t len);
/* 0, or -1 with cycle->error (and bad_index) saying what of the
 * snapshot is out of bounds; *dom0 is set to dom0's index (check_dom.c). */
int policy_check_snapshot(const struct policy_host *host,
			  const struct policy_dom *dom, size_t n,
			  size_t capacity, struct policy_cycle *cycle,
			  size_t *dom0);

enum solve_at {
	SOLVE_FREE,  /* strictly between its bounds: on the common price */
	SOLVE_AT_LO,
	SOLVE_AT_UP,
};

struct solve_item {
	double a;          /* tau * A_i: taxed active memory */
	double w;          /* w_i = S_i((1 - tau) + epsilon(1 - SF_i/ST_i)) */
	uint64_t lo;       /* L_i (effective) */
	uint64_t up;       /* U_i = min(H_i, MC_i) or H_i; lo <= up */
	/* What the exact solver reads and writes on every call comes first,
	 * within one cache line; below it what the paper solver, stage 4's
	 * OOM raises and solve_tiers()'s steps (need = estimate) read. */
	uint64_t target;   /* out */
	uint32_t dom;      /* index into the snapshot */
	uint8_t at;        /* out: enum solve_at */
	bool est : 1;
	uint64_t actual;   /* N_i (the paper solver's budget is sum N_i) */
	/* The tiers' bounds (solve_tiers.c; need = estimate), a ladder
	 * rung[0] <= ... <= rung[SOLVE_TIERS]: tier t shares M between
	 * rung[t - 1] and rung[t]. The caller sets lo (L_i' without the
	 * adoption floor), rung[3] = U1_i (the need now), rung[4] (the need
	 * with the OOM margin, W*_i, not below rung[3]) and rung[6] = U_i,
	 * and for a domain with an estimate (est) safe (its floor before
	 * the need and adoption floors), grace (L_i' with the adoption
	 * floor, >= lo) and swap (the swap it can page into);
	 * solve_tiers() sets the rest. */
	uint64_t rung[7];
	uint64_t safe;
	uint64_t grace;
	uint64_t slack;    /* W_i + its slack, rung 5 with grace (est only) */
	/* What a load that comes back holds of its peak, min(B_i, peak),
	 * rung[2] <= peak <= rung[3] (the need floor when it holds none):
	 * tier 3 serves it before anyone's need now (solve_tiers.c). */
	uint64_t peak;
	uint64_t swap;
	/* What of swap it pages into for another guest's need (tier 1):
	 * swap, less the room kept for a spike its peers show (spike.c). */
	uint64_t spare;
	/* A swapless guest in a crash loop (POLICY_IN_OOM_LOOP): its
	 * OOM-raised minimum is rung[3], and loop < rung[3] is the need now
	 * it has without it. solve_tiers() keeps the raise in tier 1 only
	 * if tier 1 then fits whole; else rung[3] = loop (0: none). */
	uint64_t loop;
	/* The kill margin (solve_tiers.c): how far above rung[3] the
	 * guest's own shown rises reach that its free swap cannot hold (0:
	 * none). Served in tier 1 only as far as tier 1 still fits. */
	uint64_t margin;
	/* rung[3] without the kill margin (margins_fit(), set there). */
	uint64_t need3;
	uint64_t given;    /* B_i, the domain's target now (tier4_keep_kb) */
};

/* 12 bytes, not 16: four of them a domain (events and the sort's
 * buffer), read in sequence. */
struct __attribute__((packed, aligned(4))) solve_event {
	uint64_t key;      /* bits of a positive double: they sort as integers */
	uint32_t item : 31;  /* < POLICY_MAX_DOMAINS */
	uint32_t enter : 1;  /* 1: leaves lo and starts to grow; 0: reaches up */
};

/*
 * Exact solver, stages 1-4 (design.md §Global balancing: the equal-price allocation), for items[0..k) and budget M.
 * Returns the stage; sets cycle->lambda, theta, shortfall_kb, fixup_kb.
 * Guarantees sum targets <= M (stages 1-3), = sum lo (stage 4), and
 * lo <= target <= up.
 */
enum policy_stage solve_exact(struct policy_ctx *ctx, size_t k, int64_t M,
			      struct policy_cycle *cycle);

enum { SOLVE_TIERS = POLICY_TIER_GAPS };

/*
 * The tiers (design.md §Scarce mode from the estimated need): the exact
 * solver over items[0..k) in the first tier t whose caps reach M (sum
 * rung[t] >= M; the last tier otherwise), with lo = rung[t - 1] and up =
 * rung[t]. Sets cycle->tier and returns that
 * solve's stage. Called only with an estimate in the snapshot. keep4
 * (tier4_keep_kb; 0: off): in tier 4, a target less than keep4 from the
 * equal-price one is kept.
 */
enum policy_stage solve_tiers(struct policy_ctx *ctx, size_t k, int64_t M,
			      struct policy_cycle *cycle, uint64_t keep4);

/* Stage 4, shared by both solvers: if sum lo > M, every item gets lo,
 * cycle->shortfall_kb is set and true is returned. */
bool solve_infeasible(struct policy_ctx *ctx, size_t k, int64_t M,
		      struct policy_cycle *cycle);

/*
 * The paper's solver (Zhang et al., equations (3)-(4), Algorithm 3): balance
 * sum N_i by dense Gaussian elimination, pin what leaves [lo, up] and
 * solve the rest again, then add bonus_kb (the host's free memory) in
 * proportion. Returns 0, or -1 if the paper matrix cannot be allocated or
 * is singular (cycle->error says which).
 */
int solve_paper(struct policy_ctx *ctx, size_t k, int64_t bonus_kb,
		struct policy_cycle *cycle);

/* Round a real allocation to a target: x at or below lo gives lo, at or
 * above up gives up rounded down to a page (not below lo), otherwise x
 * rounded down to a page (not below lo). *at says which. */
uint64_t solve_round(double x, uint64_t lo, uint64_t up, uint32_t *at);

/* One hysteresis step from `from` toward goal (step.c). */
uint64_t policy_self_step(const struct policy_params *p, uint64_t from,
			  uint64_t goal);
/* How much of the write band the host leaves a domain
 * (design.md §A step ahead and the boot grace, "Below the reserve"):
 * all of it; no keep above the aim (below the reserve, while walking
 * every target to its aim gives the reserve back); none (below it,
 * when only the goals do). */
enum policy_band {
	POLICY_BAND_KEEP,
	POLICY_BAND_AIM,
	POLICY_BAND_GOAL,
	/* The pool does not cover the growing domains' aims: a decrease
	 * goes to its aim in one write, not in hysteresis steps that each
	 * fund one more grant (step.c). */
	POLICY_BAND_FUND,
	/* AIM and GOAL while a growing domain's aim is above what it
	 * holds (fund_below_reserve) or a reservation is in force
	 * (fund_reservation): the same end, in one write. */
	POLICY_BAND_AIM_FUND,
	POLICY_BAND_GOAL_FUND,
	/* FUND while guests page for their need (fund_to_goal): a decrease
	 * goes to the goal in one write, the band's keep yields. */
	POLICY_BAND_FUND_GOAL,
};

/* The cycle's band (step.c) from F_U, what walking to the aims gives
 * back, what the growing domains' aims take, their needs W*_i above
 * what they hold, the pagers' lack (policy_fund_count()) and whether a
 * reservation is in force. */
enum policy_band policy_band_of(const struct policy_params *p, int64_t free_u,
				int64_t back, int64_t up, int64_t lack,
				int64_t pages, bool resv);
/* The write band's target for d toward goal; *settle: the end of the
 * move, which a write below min_change may land on (step.c). */
uint64_t policy_band_step(const struct policy_params *p,
			  const struct policy_dom *d, uint64_t goal,
			  enum policy_band band, uint32_t take_ppm,
			  uint64_t *settle);
/* fund_goal.c (fund_to_goal): the pagers' lack (W_i and its rise ahead
 * above what they hold, a swapless climber's margin once eaten) and
 * what the domains hold above their goals, counted over the domains;
 * the share of that excess the pagers take beyond what is free above
 * the reserve (millionths); d's target for that share. */
struct policy_fund {
	int64_t pages;
	int64_t over;     /* what the givers within their band hold above their goals */
	int64_t coming;   /* decreases in flight: memory on its way back */
	int64_t moving;   /* the FUND band's moves to the aims, this cycle */
};
void policy_fund_count(const struct policy_params *p,
		       const struct policy_dom *d, uint64_t goal,
		       struct policy_fund *f);
uint32_t policy_fund_take_ppm(const struct policy_params *p,
			      enum policy_band band,
			      const struct policy_fund *f, int64_t free_u);
uint64_t policy_fund_goal_step(const struct policy_params *p,
			       const struct policy_dom *d, uint64_t goal,
			       uint32_t take_ppm, uint64_t *settle);
/* The aim of the band: min_change above goal, capped at H_i (step.c). */
uint64_t policy_band_aim(const struct policy_params *p,
			 const struct policy_dom *d, uint64_t goal);
/* The goal the band's growth-waits test reads (band_fixed_gap, step.c):
 * under headroom = learned, goal with the fixed gap H for g_i < H. */
uint64_t policy_band_goal_kb(const struct policy_params *p,
			     const struct policy_dom *d, uint64_t goal);
/* Whether W_i and g_i size this domain (need = estimate and an
 * estimate in its report); otherwise today's MC_i and A_i. */
static inline bool policy_uses_need(const struct policy_params *p, const struct policy_dom *d)
{
	return p->need == POLICY_NEED_ESTIMATE && (d->flags & POLICY_IN_WS);
}
/* N_i at the latest OOM kill (policy_dom.oom_kill_kb), or, from a state
 * written without it, the raised minimum less its bump (0: none). */
static inline uint64_t policy_oom_kill_level_kb(const struct policy_params *p,
						const struct policy_dom *d)
{
	return d->oom_kill_kb ? d->oom_kill_kb
	       : d->min_kb > p->oom_bump_kb ? d->min_kb - p->oom_bump_kb : 0;
}
/* need.c: W*_i (W_i and, while growing without swap room, its OOM
 * margin) and the part of it that is need now
 * (design.md §Growth is never cut, "The margin after the needs"). */
uint64_t policy_need_w_kb(const struct policy_params *p,
			  const struct policy_dom *d, bool lead);
uint64_t policy_need_now_kb(const struct policy_params *p,
			    const struct policy_dom *d, bool lead);
/* W_i and its rise while it climbs, without the margin (need.c). lead:
 * a ramp's rise over two intervals (scarce mode's tiers, the follow-up),
 * else over the next one (the goal, the no-shrink floor, unpark). */
uint64_t policy_need_ahead_kb(const struct policy_params *p,
			      const struct policy_dom *d, bool lead);
/* A spike the peers show (spike.c): find whether a quorum of the
 * domains with an estimate jumped lately, and their largest jump; a guest
 * with swap that has not jumped keeps room for it: its floor *lo raised
 * to what it holds of it (up to up), and of sf, what it pages into for
 * another guest's need in tier 1. s NULL or off: nothing kept. */
struct policy_spike {
	bool on;
	uint64_t jump_kb;
};
struct policy_spike policy_spike_find(const struct policy_params *p,
				      const struct policy_dom *dom, size_t n);
void policy_spike_floor(const struct policy_params *p,
			const struct policy_spike *s,
			const struct policy_dom *d, uint64_t *lo, uint64_t up);
uint64_t policy_spike_spare_kb(const struct policy_params *p,
			       const struct policy_spike *s,
			       const struct policy_dom *d, uint64_t sf);
/* w, or the peak W_i held for a load that comes back (need.c). */
/* recur_margin (or recur_hold): a swapless domain's need now while its
 * load recurs to a level its gap cannot hold: the level with the margin
 * `now` has above W_i (recur_hold.c); else `now`. */
uint64_t policy_recur_need_kb(const struct policy_params *p,
			      const struct policy_dom *d, uint64_t now);
/* recur_hold: the same as its no-shrink floor's need; else `now`.
 * Both are policy_recur_period_kb() for a cron (recur_period.c). */
uint64_t policy_recur_floor_kb(const struct policy_params *p,
			       const struct policy_dom *d, uint64_t now);
/* recur_period_s: whether d's load is a swapless cron whose level is held
 * through its trough (recur_period.c), and that level with its gap at
 * least above it (the margin `now` has above W_i, if more). */
/* recur_handback_s: now, or for a swapless domain whose level lapsed
 * within it, at least what it holds of W_i and oom_min_keep more
 * (recur_handback.c). */
uint64_t policy_recur_handback_kb(const struct policy_params *p,
				  const struct policy_dom *d, uint64_t now);

bool policy_recur_periodic(const struct policy_params *p,
			   const struct policy_dom *d);
uint64_t policy_recur_period_kb(const struct policy_params *p,
				const struct policy_dom *d, uint64_t now);
uint64_t policy_need_held_kb(const struct policy_params *p,
			     const struct policy_dom *d, uint64_t w);
/* Whether the load an OOM kill raised d's minimum for is gone: not
 * growing, W_i + headroom + ST_i + oom_bump_kb below the raised L_i
 * (need.c). */
bool policy_oom_load_gone(const struct policy_params *p,
			  const struct policy_dom *d);
/* A swapless guest in a crash loop (POLICY_IN_OOM_LOOP) whose raised
 * L_i lies above its need now U1_i (and below R4_i, where the yielded
 * raise is): returns the raise as its need now and sets *loop = U1_i
 * (solve_item.loop); else returns U1_i, *loop = 0 (need.c). */
uint64_t policy_oom_loop_kb(const struct policy_params *p, const struct policy_dom *d,
			    uint64_t u1, uint64_t r4, uint64_t *loop);
/* need.c: the floor a swapless domain killed within oom_hold_s keeps
 * (oom_min_keep; 0 when off). */
uint64_t policy_oom_keep_kb(const struct policy_params *p,
			    const struct policy_dom *d);
/* margin_futile.c: whether d's OOM margin room (the part of g_i its free
 * swap cannot hold), need now after a kill, is left to tier 4 because
 * d's shown rises outgrow it (oom_margin_futile). */
bool policy_margin_futile(const struct policy_params *p,
			  const struct policy_dom *d, uint64_t room);
/* oom_recur.c: whether oom_min_keep's floor applies to d killed at
 * kill_kb (oom_recur_keep: only a kill that recurs, below H_i). */
bool policy_oom_recur_keeps(const struct policy_params *p,
			    const struct policy_dom *d, uint64_t kill_kb);
/* oom_keep_full.c: whether a swapless domain killed again at the target
 * it holds is given oom_min_keep's margin above it (oom_keep_held_kill),
 * and whether that margin starves it for the unpark passes. */
bool policy_oom_keep_held_kill(const struct policy_params *p,
			       const struct policy_dom *d, uint64_t kill_kb);
bool policy_oom_keep_starving(const struct policy_params *p,
			      const struct policy_dom *d);
bool policy_oom_keep_held_any(const struct policy_params *p,
			      const struct policy_dom *d, uint64_t kill_kb);
bool policy_oom_keep_held_recur(const struct policy_params *p,
				const struct policy_dom *d, uint64_t kill_kb);
/* oom_keep_full.c: oom_keep_held_any's margin, what the guest is given
 * up to (0: none), and its part above u1 up to up, served in tier 1 as
 * far as tier 1 fits (policy_kill_margin_kb()). */
uint64_t policy_oom_held_top_kb(const struct policy_params *p,
				const struct policy_dom *d);
uint64_t policy_oom_held_margin_kb(const struct policy_params *p,
				   const struct policy_dom *d, uint64_t u1, uint64_t up);
/* need.c: what of W_i the domain's swap holds already (need_in_swap,
 * tier 1; 0 when off). */
uint64_t policy_need_in_swap_kb(const struct policy_params *p,
				const struct policy_dom *d);
/* The margin tier 1 serves above u1 (its need now), up to up: the
 * largest of swapless_keep.c's, fall_margin.c's, oom_keep_held_any's
 * (oom_keep_full.c) and noise_margin.c's (need.c). */
uint64_t policy_kill_margin_kb(const struct policy_params *p,
			       const struct policy_dom *d, uint64_t u1, uint64_t up);
/* swapless_keep.c: of what d holds above u1 (up to up), the part a
 * guest without swap room keeps: at most swapless_keep_kb and its gap,
 * less its free swap (0 when off). */
uint64_t policy_swapless_keep_kb(const struct policy_params *p,
				 const struct policy_dom *d, uint64_t u1, uint64_t up);
/* noise_margin.c: W_i's shown noise (noise_kb) above u1 (up to up), at
 * most noise_margin_kb and its gap, less its free swap: given while d
 * holds u1, else kept of what it holds (0 when off). */
uint64_t policy_noise_margin_kb(const struct policy_params *p,
				const struct policy_dom *d, uint64_t u1, uint64_t up);
/* swapless_keep.c: what d holds (min of its balloon and its target),
 * at most up; above u1, m less its free swap (given: up to up; kept: of
 * what it holds). */
uint64_t policy_held_kb(const struct policy_dom *d, uint64_t up);
uint64_t policy_given_margin_kb(const struct policy_dom *d, uint64_t m,
				uint64_t u1, uint64_t up);
uint64_t policy_kept_margin_kb(const struct policy_dom *d, uint64_t m,
			       uint64_t u1, uint64_t up);
/* climb_grant.c (climb_grant): after the grants of policy_apply(), the
 * climbers without swap room whose writes the grant cut get what this
 * cycle's written decreases give back, less the host's lack of its
 * reserve, in proportion to what each still lacks. */
void policy_climb_grant(const struct policy_params *p,
			const struct policy_cycle *cycle,
			const struct policy_dom *dom, size_t n,
			struct policy_decision *out);
/* boot_keep.c: the target t of a domain in its boot grace
 * (POLICY_IN_BOOTED) in abundance: min(B_i, H_i) while *spare covers
 * what it would give back above its goal, else t; *spare less what it
 * keeps; *hold POLICY_R_ADOPT when it keeps. */
uint64_t policy_boot_keep_kb(const struct policy_dom *d, uint64_t goal,
			     uint64_t t, int64_t *spare, uint32_t *hold);
/* level_keep.c: the largest rise_most_kb of the domUs with an estimate
 * and the next (room for another guest's rise), then the target t of d
 * (index i) in abundance with level_keep: up to min(B_i, H_i, its level
 * lately + g_i; under headroom = learned the level alone, its criteria
 * read with headroom_kb for g_i) while *spare covers that above its goal
 * and the largest rise of another guest, else the part it covers; *spare
 * less what it keeps; *hold POLICY_R_LEVEL when it keeps. */
struct policy_level_room {
	uint64_t first_kb, second_kb;
	size_t first;
};
void policy_level_room_init(const struct policy_params *p,
			    const struct policy_dom *dom, size_t n,
			    struct policy_level_room *r);
uint64_t policy_level_keep_kb(const struct policy_params *p,
			      const struct policy_dom *d, size_t i,
			      const struct policy_level_room *r, uint64_t goal,
			      uint64_t t, int64_t *spare, uint32_t *hold);
/* level_ahead.c: in abundance, after every domU's step and keeps, spare
 * (free once every domU has its goal) less what the targets hold above
 * the goals and the largest rise of a domU not between jobs is shared
 * among the domUs between jobs (level_keep's criteria) in proportion to
 * what they lack of their levels, each grown by its part (out[i]'s
 * target, reason POLICY_R_LEVEL). */
void policy_level_ahead(const struct policy_params *p,
			const struct policy_dom *dom, size_t n,
			struct policy_decision *out, int64_t spare);
/* fall_margin.c: of what d holds above u1 (up to up), the part a guest
 * without swap room keeps after its need fell: at most fall_margin_kb,
 * its gap and the fall, less its free swap (0 when off or no fall). */
uint64_t policy_fall_margin_kb(const struct policy_params *p,
			       const struct policy_dom *d, uint64_t u1, uint64_t up);
/* peak_hold.c: w, or the level d's load reached lately (top_kb) less
 * its free swap, plus its gap, when that is more (peak_hold; w when off). */
uint64_t policy_peak_keep_kb(const struct policy_params *p,
			     const struct policy_dom *d, uint64_t w);
/* Whether every guest's level is dropped this cycle (all or none):
 * peak_hold on and room (what is free once every domU has its goal with
 * the levels, < 0: short) less than the largest rise a domU has shown. */
bool policy_peak_short(const struct policy_params *p, const struct policy_dom *dom,
		       size_t n, int64_t room);
/* p, or *q = p with peak_hold off (what a reservation leaves). */
const struct policy_params *policy_peak_off(const struct policy_params *p,
					    struct policy_params *q);
/* W_i with its error allowance, need_slack_pct of it (need.c). */
uint64_t policy_need_slack_kb(const struct policy_params *p,
			      const struct policy_dom *d);
/* A_i = clamp(N_i - F_i, 0, N_i), F_i per free_source (weight.c). */
double policy_active_kb(const struct policy_params *p, const struct policy_dom *d);
/* w_i, the price weight of d (weight.c). */
double policy_weight(const struct policy_params *p, const struct policy_dom *d);
/* Whether a reservation may take lent KiB of d's slack: its swap is
 * all on disk and has room for it (need.c). */
bool policy_slack_pages(const struct policy_dom *d, uint64_t lent);
/* resv_page (resv_page.c): returns keep, what a reservation leaves d (at
 * least lo, L_i'); adds to *page the part of it above what d holds that
 * d's swap can page for. policy_resv_paged(): whether, with a named
 * reservation in force, what is kept (keep) less those parts (page)
 * fits pool (Σ N_i + F_h) and what waits (keep - pool) fits what the
 * newcomers hold beyond their need (reservations_for_kb -
 * reservations_need_kb): then nothing is held back for the rises. */
uint64_t policy_resv_keep_kb(const struct policy_params *p,
			     const struct policy_dom *d, uint64_t keep,
			     uint64_t lo, int64_t *page);
bool policy_resv_paged(const struct policy_params *p,
		       const struct policy_host *host, int64_t keep, int64_t page,
		       int64_t pool);
/* What balance() lends a reservation (policy.c): the slacks that page
 * (keep_kb()), and with POLICY_LEND_SHARE need_kb of the swapless guests'
 * shares of their slacks, share_kb in all, each in proportion. */
#define POLICY_LEND_PAGES 1u
#define POLICY_LEND_SHARE 2u
#define POLICY_LEND_NEED 4u     /* wait_kb of the pagers' parts, parts_kb (resv_need.h) */
struct policy_lend {
	unsigned flags;
	uint64_t need_kb, share_kb;
	uint64_t wait_kb, parts_kb;
};
/* resv_slack_share_pct (resv_share.c): the part of d's slack (from r4,
 * R4_i, to slack, R5_i; what it keeps stays at least lo, L_i') a named
 * reservation may take, 0 unless d is swapless. policy_resv_share():
 * whether, a named reservation in force, those parts (share) pay all
 * that what is kept (*keep) would leave waiting beyond pool (Σ N_i +
 * F_h); if so *keep is pool and lend says what is lent.
 * policy_resv_share_part(): of d's part s, what the tiers take. */
uint64_t policy_resv_share_kb(const struct policy_params *p,
			      const struct policy_dom *d, uint64_t r4,
			      uint64_t slack, uint64_t lo);
bool policy_resv_share(const struct policy_params *p,
		       const struct policy_host *host, int64_t *keep,
		       int64_t share, int64_t pool, struct policy_lend *lend);
uint64_t policy_resv_share_part(const struct policy_lend *lend, uint64_t s);
/* Guest safety: POLICY_R_PSI and/or POLICY_R_SWAPIN when d reclaims or
 * swaps in harder than psi_no_shrink / swapin_no_shrink (pressure.c). */
uint32_t policy_pressure(const struct policy_params *p, const struct policy_dom *d);
/* N_i less the end of d's walk below the reserve (step.c). */

int64_t policy_band_back(const struct policy_params *p,
			 const struct policy_dom *d, uint64_t goal, uint64_t lo,
			 bool estimate);

/* No parked memory (apply_unpark.c): after policy_apply's grants, with
 * left KiB of the pool unused. */
void policy_unpark(const struct policy_params *p, const struct policy_dom *dom,
		   size_t n, struct policy_decision *out, uint64_t left);

/* A starving domain (apply_unpark.c): W_i ahead above what d holds and
 * was given, or a kill's margin it lacks (policy_oom_keep_starving()). */
bool policy_starving(const struct policy_params *p, const struct policy_dom *d);

#endif
