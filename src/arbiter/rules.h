/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rules the arbiter carries from cycle to cycle, as pure functions:
 * each reads and updates one domain's remembered state (struct dom) and
 * returns what to do; the cycle does the I/O
 * (design.md §Rules carried from cycle to cycle).
 *
 *   dom_classify      whether a domain is decided this cycle, or why not
 *   dom_target_seen   memory/target read back: someone else's value is a
 *                     manual hold (xl mem-set)
 *   dom_oom_seen      the guest's OOM-kill counter: a kill raises L_i
 *   dom_oom_min       that raised minimum while it is in force
 *   dom_oom_kill      N_i at the latest kill, while the raise is in force
 *   dom_oom_loop      a kill that came soon after the one before
 *   dom_oom_recur     killed twice or more near one level within the hold
 *   dom_oom_in        the five, as the snapshot's inputs
 *   dom_progress      failure to shrink (uncooperative) and grants not
 *                     taken (withdrawn), after stuck_after_ms
 *
 * No I/O, no clock: `now` is passed in, so every rule is tested alone
 * (tests/unit/test_rules.c).
 */
#ifndef MEMBAL_ARBITER_RULES_H
#define MEMBAL_ARBITER_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "arbiter/arbiter.h"

/* paused_all: `membalctl pause` without a domain. */
enum dom_skip dom_classify(const struct dom *d, const struct arbiter_config *c,
			   bool paused_all, uint64_t now);

/* memory/target read as kb. Our own writes fire the watch too: only a
 * value different from what we last wrote is someone else's. Returns true
 * when that starts a manual hold (save the state, tell the log). */
bool dom_target_seen(struct dom *d, uint64_t kb);

/* A report's OOM-kill count. The first figure is a baseline, not an
 * event; a counter that went down is a rebooted guest. Returns the number
 * of new kills (0: nothing to do); then L_i is raised to N_i + bump_kb
 * (or kept at a higher raise still in force) for hold_s seconds. */
uint64_t dom_oom_seen(struct dom *d, uint64_t kills, uint64_t bump_kb,
		      uint32_t hold_s, uint64_t now);

/* The OOM-raised minimum in force at now, or 0. */
uint64_t dom_oom_min(const struct dom *d, uint64_t now);

/* N_i when the latest kill was seen, while the raised minimum is in
 * force, or 0 (0 too after a restart from a state written without it). */
uint64_t dom_oom_kill(const struct dom *d, uint64_t now);

/* A crash loop: the raised minimum is in force and its last kill came
 * within loop_s of the one before (or with it, in one report); 0: off
 * (design.md §Growth is never cut, "A crash loop"). */
bool dom_oom_loop(const struct dom *d, uint32_t loop_s, uint64_t now);
/* The raise is in force and the latest kill came within loop_s: a
 * supervisor may be restarting the killed job (POLICY_IN_OOM_FRESH). */
bool dom_oom_fresh(const struct dom *d, uint32_t loop_s, uint64_t now);

/* A load that recurs (design.md §Growth is never cut, "A kill that
 * recurs"): the raised minimum is in force and the guest was killed at
 * least twice in a row, each kill within oom_hold_s of the one before
 * and holding within oom_bump_mb of what it held then (two kills seen
 * in one report count two). */
bool dom_oom_recur(const struct dom *d, uint64_t now);

/* The five above, as the snapshot's inputs (snap_dom's oom_* fields). */
struct snap_dom;
void dom_oom_in(const struct dom *d, uint32_t loop_s, uint64_t now,
		struct snap_dom *in);

/* What dom_progress() asks for (bits). */
enum progress_act {
	PROGRESS_UNCOOPERATIVE = 1u << 0, /* flag it, cap maxmem at its target */
	PROGRESS_COOPERATIVE   = 1u << 1, /* reached its target: clear the flag */
	PROGRESS_WITHDRAW      = 1u << 2, /* write *withdraw_kb: grant not taken */
};

/* Failure to shrink is uncooperative; failure to grow is starvation, and
 * a grant not taken for stuck_ms is withdrawn (down to N_i, whole pages,
 * not below L_i, never up: a grant below L_i is left). tol:
 * target_tolerance_kb. Returns PROGRESS_* bits. */
unsigned dom_progress(struct dom *d, uint64_t tol, uint64_t stuck_ms,
		      uint64_t now, uint64_t *withdraw_kb);

/* After a target write of kb: a grant (kb above N_i + tol) is watched
 * from now on; anything else closes the watch. */
void dom_grant_opened(struct dom *d, uint64_t kb, uint64_t tol, uint64_t now);

#endif
