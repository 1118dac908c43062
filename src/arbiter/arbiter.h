/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-arbiter's state: what it remembers about each domain between
 * cycles, and the cycle itself (design.md §The cycle). The policy core
 * (policy.h) decides; this layer turns xenstore and hypervisor readings
 * into its snapshot and its decisions into writes, in the safe order.
 *
 * Layers, kept apart (design.md §Files):
 *   guest.c     untrusted xenstore strings -> checked figures (pure)
 *   manage.c    which domains are managed, with which [L, H] (pure)
 *   rules.c     what a cycle carries to the next; state.c its codec (pure)
 *   src/policy  snapshot -> targets and writes (pure)
 *   xsio.c      xenstore I/O (libxenstore);  hv_*.c  hypervisor I/O
 *   domains.c, sync.c, cycle.c, snap_build.c, control.c  the daemon
 *              (arbiter_int.h)
 */
#ifndef MEMBAL_ARBITER_ARBITER_H
#define MEMBAL_ARBITER_ARBITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arbiter/arbiter_config.h"
#include "arbiter/guest.h"
#include "arbiter/guest_history.h"
#include "arbiter/hv.h"
#include "arbiter/reserve.h"
#include "arbiter/xsio.h"
#include "policy/born_shown.h"
#include "policy/gap.h"
#include "policy/comeback.h"
#include "policy/jump.h"
#include "policy/growth.h"
#include "policy/policy.h"

struct xs_handle;

/* Why a domain is not decided this cycle (status "flags"). */
enum dom_skip {
	SKIP_NONE = 0,       /* managed */
	SKIP_DOM0,           /* dom0 in fixed mode (or without an agent) */
	SKIP_DYING,          /* dying or shut down */
	SKIP_PAUSED,         /* paused by the toolstack */
	SKIP_EXCLUDED,       /* exclude pattern, managed = no, or type opt-in */
	SKIP_NO_AGENT,       /* no valid report yet */
	SKIP_STALE,          /* stamp unchanged for stale_after_ms */
	SKIP_HOLD_MANUAL,    /* memory/target written by someone else */
	SKIP_HOLD_PAUSED,    /* membalctl pause */
	SKIP_UNCOOPERATIVE,  /* failed to shrink for stuck_after_ms */
	SKIP_POD_SETTLING,   /* PoD guest whose balloon is not at target yet */
	SKIP_NO_TARGET,      /* memory/target unreadable */
	SKIP_BAD_BOUNDS,     /* min above max (static-max unknown or tiny) */
	SKIP_COUNT
};

const char *dom_skip_name(enum dom_skip s);

struct dom {
	uint32_t domid;
	char name[ARB_NAME_MAX];
	enum hv_dom_type type;
	uint64_t static_max_kb;
	uint64_t videoram_kb;
	uint64_t offset_kb;          /* videoram for HVM, else 0 (design.md §Maxmem, PoD and the videoram offset) */
	struct hv_domain hv;         /* this cycle's hypervisor view */
	uint64_t actual_kb;          /* N_i = tot - offset */
	bool seen;                   /* listed this cycle */
	uint64_t born_ms;            /* first listed (reservations --for) */
	bool known;                  /* layout read, keys handed over, watched */

	/* memory/target */
	bool have_target;
	uint64_t target_kb;          /* as read from xenstore (B_i) */
	bool have_written;
	uint64_t written_kb;         /* what this arbiter last wrote */
	bool target_dirty;           /* target watch fired: re-read */
	bool name_dirty;             /* name watch fired: re-read */
	bool max_dirty;              /* static-max watch fired: re-read */
	uint64_t static_max_top_kb;  /* the largest static-max it has had */

	/* Xen's maxmem: ours, and an administrator's cap (maxcap.h) */
	bool mm_known;               /* adopted: mm_ours_kb is meaningful */
	uint64_t mm_ours_kb;         /* the last maxmem we set, as Xen keeps it */
	uint64_t cap_kb;             /* an administrator's maxmem in force (0: none) */
	bool cap_new;                /* first seen in the last listing */
	uint64_t cap_saved_kb;       /* memory/membal_state's, read at adoption */
	uint64_t cap_changes;        /* caps set, moved or lifted */

	/* the agent's report */
	bool report_dirty;           /* a figure key changed: re-read (older agent) */
	bool value_dirty;            /* memory/report changed: one READ */
	bool probe_dirty;            /* just watched: whichever report there is */
	bool stamp_dirty;            /* the stamp alone changed: heartbeat */
	bool value_handed;           /* memory/report is the guest's */
	bool per_key;                /* the per-key report keys are the guest's */
	bool per_key_own_events;     /* the watch events of our late hand-over
				      * of them may be pending */
	uint64_t per_key_due_ms;     /* hand them over then, unless a report came
				      * (design.md §The lazy hand-over) */
	bool have_fig;
	uint64_t first_fig_ms;       /* first good report (adopt_grace_s) */
	bool booted;                 /* appeared after the arbiter's first cycle */
	uint64_t born_keep_kb;       /* resv_born_keep_s: its floor (resv_born.c); 0 none */
	struct born_watch born;      /* resv_born_shown_mb: its load shown (policy/born_shown.h) */
	uint64_t born_report_ms;     /* the last report born saw (hist.last_ms) */
	struct guest_figures fig;    /* last good report */
	struct guest_history hist;   /* deltas to the report before it */
	struct growth_state growth;  /* need = estimate: the OOM margin's evidence */
	uint64_t growth_kill_ms;     /* the OOM kill growth_kill() was told of (oom_climb_keep) */
	struct comeback_state comeback; /* need = estimate: a load that comes back */
	struct comeback_state cron;  /* the same W read as a cron's (recur_period_s) */
	uint64_t level_ms;           /* W's level last known (recur_handback_s; 0: never) */
	uint64_t level_w_kb;         /* the highest W since (recur_handback_peak) */
	struct jump_state jump;      /* need = estimate: the jump it has shown */
	uint64_t growth_saved_ms;    /* its last write to memory/membal_state */
	uint64_t stamp;
	uint64_t stamp_ms;           /* when the stamp last changed */
	struct guest_rejects rej;
	char last_reject[64];

	/* effective bounds and weight for this cycle */
	uint64_t min_kb, max_kb;
	double shares;
	bool bad_bounds;             /* min_kb > max_kb: not managed */
	/* Its size at adoption as the toolstack created it (created.c) */
	uint64_t created_kb;         /* 0: unknown */
	bool created_known;          /* decided: from memory/target or the state */
	bool created_saved;          /* memory/membal_state holds it */

	/* guest safety */
	bool have_oom;
	uint64_t oom_kills;
	uint64_t oom_until_ms;       /* raised minimum in force until */
	uint64_t oom_min_kb;
	uint64_t oom_kill_kb;          /* N_i when the latest kill was seen */
	uint64_t oom_events;
	uint64_t oom_last_ms;        /* the last report with a new kill (0: none) */
	uint64_t oom_gap_ms;         /* from the kill before it (UINT64_MAX: none) */
	uint32_t oom_near;           /* kills in a row, each within the hold and bump of the last */
	uint64_t pressure_holds;     /* cycles not shrunk because of pressure */

	/* the learned gap (gap_learn.c, design.md §The learned gap) */
	enum policy_headroom headroom;   /* [domain NAME] over [policy] */
	struct gap_state gap;
	uint64_t gap_kb;             /* g_i in this cycle's snapshot */
	uint64_t gap_report_ms;      /* the last report the learner saw */
	uint64_t gap_beat_ms;        /* the last heartbeat the learner saw */
	uint64_t gap_oom_seen;       /* oom_events already fined */
	uint64_t gap_saved_kb;       /* the gap memory/membal_state holds */
	uint64_t gap_saved_ms;       /* when it was written (0: never) */
	uint64_t gap_saves;
	bool gap_save_tried;
	uint64_t gap_save_try_ms;    /* the last attempt by arbiter_gap_persist */

	/* holds */
	bool hold_manual;
	bool hold_paused;

	/* uncooperative: above target + tolerance without moving down */
	bool uncooperative;
	uint64_t shrink_since_ms;
	uint64_t shrink_best_kb;
	/* grants: below target - tolerance without moving up */
	bool grant_open;
	uint64_t grant_since_ms;
	uint64_t grant_best_kb;

	/* this cycle's outcome, for logs and status */
	enum dom_skip skip;
	/* stale_return: a grant made while its reports were stale was
	 * withdrawn (not taken): no other until a fresh report. */
	bool stale_refused;
	/* its target when its reports stopped (stale_return's floor) */
	uint64_t stale_base_kb;
	bool stale_seen;
	uint64_t stale_stamp;        /* d->stamp when they stopped */
	/* stale_relend_s: loans taken back in this staleness (0: none, or
	 * the refusal is for good: a withdrawn grant), and when the last was */
	uint32_t stale_takes;
	uint64_t stale_taken_ms;
	uint32_t stale_saved_takes;  /* ... as the stale word says it */
	/* stale before a restart (memory/membal_state's stale word): stale
	 * while its stamp is stale_stamp, report or none (stale_keep.c) */
	bool stale_kept;
	bool stale_saved;            /* the stale word is in memory/membal_state */
	bool stale_saved_refused;    /* ... with R = 1 */
	bool stale_told;             /* the restored staleness logged */
	bool decided;
	struct policy_decision decision;   /* valid when decided */
	uint64_t target_changes;
	uint64_t withdrawals;
};

struct arbiter_counters {
	uint64_t cycles;
	uint64_t target_writes;
	uint64_t maxmem_writes;
	uint64_t pod_writes;
	uint64_t write_errors;
	uint64_t report_reads;
	uint64_t reports_rejected;
	uint64_t requests_rejected;  /* control requests refused as malformed */
	uint64_t keys_rejected;
	uint64_t oom_events;
	uint64_t pressure_holds;
	uint64_t withdrawals;
	uint64_t maxmem_caps;        /* administrators' maxmem caps set, moved, lifted */
	uint64_t uncooperative_flags;
	uint64_t manual_holds;
	uint64_t domains_added;
	uint64_t domains_removed;
	uint64_t xs_reconnects;
	uint64_t hv_errors;
	uint64_t infeasible_cycles;
	uint64_t gap_steps;          /* learning steps, all domains */
	uint64_t gap_saves;          /* membal_state rewritten for the gap */
	uint64_t follow_ups;         /* early cycles run for growth (cycle.c) */
};

/* membal-sim's literal variant of the seed's learner (src/sim): called
 * instead of the consistent one for a domain under `learned` on each
 * fresh report; returns the gap in KiB. Not set by the daemon. */
typedef uint64_t (*arbiter_gap_hook)(void *ctx, struct dom *d,
				     const struct gap_obs *o);

struct arbiter {
	struct arbiter_config cfg;
	struct hv *hv;
	struct xs_handle *xs;
	bool dry_run;
	bool xs_ever;                /* connected at least once */
	unsigned per_key_a_cycle;    /* late per-key hand-overs a cycle at most
	                                (sync.c; tests lower it) */
	struct xsio_backoff xs_backoff;

	/* domains by domid; a sorted index for cycles */
	struct dom **by_domid;       /* MEMBAL_DOMID_LIMIT entries */
	uint32_t *order;             /* domids present, ascending */
	size_t ndoms;

	/* per-cycle scratch, sized once for cfg.max_domains */
	size_t capacity;
	struct hv_domain *hv_list;
	struct policy_dom *snap;
	struct policy_decision *dec;
	struct dom **snap_dom;
	struct policy_ctx pctx;

	/* membalctl reserve (reserve.h) */
	struct reservation resv[RESV_MAX];
	struct resv_born born[RESV_MAX]; /* released, paid by needs (resv_born.c) */
	uint32_t resv_last_id;
	uint64_t reserve_kb;         /* kept free for them: what they still lack */
	uint64_t reserve_for_kb;     /* ... of it, made --for a guest (xl create) */
	uint64_t reserve_need_kb;    /* what those guests will need (--need,
				      * else their size), less what they hold */
	uint64_t resv_gone_kb;       /* what reservations released since the
				      * last host reading still lacked then:
				      * counted free in that reading, a domain
				      * created from it may hold it now */
	bool paused_all;

	/* last cycle */
	struct hv_host host;
	struct policy_cycle cycle;
	/* stale_relend_s: since when (ms + 1) the cycles are abundant with
	 * no decided domain short; 0 when the last was not */
	uint64_t abundant_since_ms;
	bool resv_need_owed;         /* resv_need_keep_mb in force (resv_keep.c) */
	uint64_t resv_need_abundant_ms; /* ... since then abundant (0: not) */
	uint64_t last_cycle_ms;
	uint64_t cycle_ns;           /* wall time of the last cycle */
	uint64_t follow_up_kb;       /* growth waiting on its decreases */
	bool early;                  /* this cycle is a follow-up: grants only */
	bool slow;                   /* slow donors still giving back (cycle.c) */
	uint64_t owed_kb;            /* decreases under way after the last cycle */
	struct arbiter_counters n;
	arbiter_gap_hook gap_hook;   /* NULL: the consistent learner */
	void *gap_hook_ctx;
};

/* When the cycle after one that ran at now should run, given the next
 * regular one: earlier, once, when growth waits on the decreases it just
 * wrote (design.md §Growth is never cut, "The follow-up cycle"). It sets
 * a->early for that next cycle and counts it in n.follow_ups, so the
 * daemon and both simulators keep the books the same way; the caller
 * only runs the cycle at the time returned. */
uint64_t arbiter_next_cycle(struct arbiter *a, uint64_t now, uint64_t regular);

/* Everything allocated here; hv is the caller's and must stay open. */
int arbiter_init(struct arbiter *a, const struct arbiter_config *cfg,
		 struct hv *hv, bool dry_run);
/* A reloaded configuration: bounds and policy apply at the next cycle. */
int arbiter_reconfigure(struct arbiter *a, const struct arbiter_config *cfg);
/* One cycle at clock_now_ms(). 0, or -1 when the cycle could not run
 * (xenstored or the hypervisor unreachable; logged). */
int arbiter_cycle(struct arbiter *a);
/* SIGTERM: remove uncooperative flags and caps, leave targets. */
void arbiter_shutdown(struct arbiter *a);
void arbiter_free(struct arbiter *a);

struct dom *arbiter_dom_by_name(struct arbiter *a, const char *name);

#endif
