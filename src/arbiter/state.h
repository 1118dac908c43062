/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memory/membal_state: what a restarted arbiter must not forget about a
 * domain, written by dom0 only (the guest cannot write in memory/):
 *
 *   hold=none|manual|paused oom_min_kb=N oom_until=S [maxcap_kb=M]
 *   [oom_kill_kb=K] [growth=T:W:C:L] [gap_kb=G gap_prices=I:P,...]
 *   [created_kb=C] [stale=B:S:R]
 *
 * The maxcap word (maxcap.h) is an administrator's maxmem in force, as
 * Xen keeps it (KiB): a restarted arbiter that finds Xen still holding it
 * keeps it as a cap, where a maxmem it cannot tell from its own would
 * otherwise be its own. Optional; export leaves it out (a migration
 * rebuilds maxmem from the configuration).
 *
 * K (written while the raise is in force) is what the domain held at
 * its latest kill, which the raise N (the largest kill in force) does not
 * say: `oom_min_keep_mb` judges against it
 * (design.md §Growth is never cut, "A kill's margin kept"). Optional: a state written before it
 * existed still loads, with K unknown (0).
 *
 * The gap words (design.md §The learned gap) are written for a domain
 * under `headroom = learned`: its chosen gap and the non-zero prices of
 * its actions (index 0..64, price within +-GAP_PRICE_MAX). `membalctl
 * state export` leaves them out (a new host learns anew).
 *
 * The growth word (design.md §Growth is never cut) is written for a
 * domain that grew within oom_room_s: T the wall-clock second of its last
 * counted rise, W and C the bases of its working-set estimate and
 * Committed_AS (KiB), L the lowest lead Committed_AS - W since the growth
 * began. Without it a restarted arbiter would take a growing swapless
 * guest's level for a level and drop its OOM margin. Optional: a value
 * written before it existed still loads; export leaves it out.
 *
 * The created word (created.c) is the domain's size when membal first
 * saw it, written once the policy moved its target (stale_return gives a
 * stale domain back toward it): a restarted arbiter reads a memory/target
 * the policy has moved since. Optional; a state without it leaves the
 * creation size unknown.
 *
 * The stale word (design.md §Which domains are managed, "A guest whose
 * agent died") is written while a domain's reports have stopped and
 * stale_return may lend to it: B its target when they stopped (the floor
 * a take-back never passes, KiB), S the stamp its agent last wrote (a
 * restarted arbiter that reads that stamp again reads no liveness, and
 * does not decide the domain on that old report), R 1 once its loan was
 * taken back or withdrawn (no other until it reports again). With it
 * goes the created word: the loan's bound is the size at creation, not
 * the lent target a restarted arbiter would read. Optional; export
 * leaves it out.
 *
 * S in seconds of CLOCK_REALTIME: the monotonic clock does not survive a
 * restart of dom0's userspace, wall time does. Without it a restarted
 * arbiter would manage a paused domain, or shrink one right after an OOM
 * kill (seen on real Xen). The codec is pure; the clocks are passed in.
 */
#ifndef MEMBAL_ARBITER_STATE_H
#define MEMBAL_ARBITER_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arbiter/arbiter.h"
#include "policy/gap.h"

#define STATE_STALE_TAKES_MAX 1000   /* the stale word's K */
#define STATE_TEXT_MAX 1024   /* 65 prices fit: see xsio_read_state */

enum dom_hold { HOLD_NONE, HOLD_MANUAL, HOLD_PAUSED };

struct dom_state {
	enum dom_hold hold;
	uint64_t oom_min_kb;     /* 0 when none */
	uint64_t oom_until_s;    /* wall clock; 0 when none */
	uint64_t oom_kill_kb;    /* N_i at the latest kill; 0 when none or unknown */
	bool have_gap;           /* the learned gap words */
	uint64_t gap_kb;
	int32_t gap_price[GAP_ACTIONS];
	uint64_t maxcap_kb;      /* the maxcap word; 0 when none */
	uint64_t created_kb;     /* the created word; 0 when none */
	bool have_growth;        /* the growth word */
	uint64_t grew_at_s;      /* wall clock of the last counted rise */
	uint64_t growth_base_kb[GROWTH_FIGURES];
	uint64_t lead_min_kb;
	bool have_stale;         /* the stale word */
	uint64_t stale_base_kb;
	uint64_t stale_stamp;
	bool stale_refused;
	uint32_t stale_takes;    /* B:S:R:K's K (stale_relend_s), 0 when absent */
};

/* Into buf (STATE_TEXT_MAX is enough). */
void state_format(const struct dom_state *s, char *buf, size_t size);
/* 0, or -1 when text is not exactly what state_format() writes (an
 * unknown word, a number out of range, no hold). */
int state_parse(const char *text, struct dom_state *out);

/* What `membalctl state import` accepts: state_format()'s words, and any
 * other lowercase word=value, ignored (counted in *ignored), so that an
 * importer older than the exporter still takes what it knows (the learned
 * gap, for one, is not exported yet). 0, or -1 as state_parse(). */
int state_parse_export(const char *text, struct dom_state *out, unsigned *ignored);

/* What to save of d at now (monotonic ms) and wall_s (seconds). An
 * OOM-raised minimum outlives a restart for what was left of it, rounded
 * up to the second. */
void state_of_dom(const struct dom *d, uint64_t now, uint64_t wall_s,
		  struct dom_state *out);
/* Restore into d; returns true when something was restored (a hold or a
 * minimum still in force). */
bool state_to_dom(const struct dom_state *s, uint64_t now, uint64_t wall_s,
		  struct dom *d);

/* The learned gap of d into s (have_gap), or nothing when d is not
 * under `learned`. */
void state_gap_of_dom(const struct dom *d, struct dom_state *s);
/* Restore the learned gap and prices into d->gap; true when restored. */
bool state_gap_to_dom(const struct dom_state *s, const struct policy_params *p,
		      struct dom *d);

/* The growth evidence of d into s (have_growth) when a rise was counted
 * within hold_ms of now, or nothing. */
void state_growth_of_dom(const struct dom *d, uint64_t now, uint64_t wall_s,
			 uint64_t hold_ms, struct dom_state *s);
/* Restore it into d->growth, aged by the wall clock since T; true when
 * restored. */
bool state_growth_to_dom(const struct dom_state *s, uint64_t now, uint64_t wall_s,
			 struct dom *d);

/* The stale word of d into s (have_stale, and the created word with it)
 * while d's staleness lasts (snap_build.c's stale_top_kb(): until a new
 * stamp or an administrator's target) and `on` (stale_return), or
 * nothing. */
void state_stale_of_dom(const struct dom *d, bool on, struct dom_state *s);

#endif
