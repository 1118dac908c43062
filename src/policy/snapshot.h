/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The snapshot builder: what the arbiter knows of one domain turned into
 * the policy's input (struct policy_dom). One function, used by the
 * daemon's cycle (src/arbiter/snap_build.c), `membalctl plan` (src/ctl) and
 * membal-sim's clairvoyant floor (src/sim/floor.c), so that the three
 * cannot read the same figures differently (docs/design.md §The snapshot).
 *
 * Pure: no I/O, no Xen header. Which domains are managed and with which
 * [L_i, H_i] is decided before, by the management rule
 * (src/arbiter/manage.h); this file only assembles.
 */
#ifndef MEMBAL_POLICY_SNAPSHOT_H
#define MEMBAL_POLICY_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/policy.h"

/* snap_report.have */
#define SNAP_HAS_MEMTOTAL (1u << 0)
#define SNAP_HAS_AVAIL    (1u << 1)
#define SNAP_HAS_BALLOON  (1u << 2)  /* balloon_current_kb */
#define SNAP_HAS_PSI      (1u << 3)
#define SNAP_HAS_SWAPIN   (1u << 4)
#define SNAP_HAS_PSI_NOW  (1u << 5)  /* psi_some_now */
#define SNAP_HAS_SWAP_ZRAM (1u << 6) /* swap_zram_kb: the swap's kind */

/* The figures of the guest's last good report that the policy reads
 * (guest units, except balloon_current_kb: what the balloon driver says
 * the domain holds). */
struct snap_report {
	uint32_t have;               /* SNAP_HAS_* */
	uint64_t memtotal_kb;
	uint64_t free_kb;
	uint64_t avail_kb;
	uint64_t committed_as_kb;
	uint64_t swap_tot_kb;
	uint64_t swap_free_kb;
	uint64_t swap_zram_kb;       /* of swap_tot_kb, on zram */
	uint64_t balloon_current_kb;
	uint64_t psi_some;           /* hundredths of a percent (avg10) */
	/* The pressure of now (the lower of avg10 and the share of time
	 * stalled since the last report), from the daemon's history; input
	 * without one (membalctl plan) has avg10 alone. */
	uint64_t psi_some_now;
	uint64_t swapin_rate;        /* pages per second */
};

/* What the arbiter knows of one domain this cycle. */
struct snap_dom {
	uint32_t domid;
	/* Decided this cycle: the management rule admits it and nothing
	 * holds it (agent fresh, no hold, bounds sane). Otherwise it enters
	 * the snapshot as POLICY_UNMANAGED, so that what it was promised
	 * (B_i - N_i) is not handed out again. */
	bool managed;
	/* Not managed because its reports stopped (stale): what it may be
	 * given back in abundant mode (POLICY_IN_STALE; 0: nothing). */
	uint64_t stale_top_kb;
	uint64_t stale_base_kb;      /* with it: B_i when its reports stopped */
	uint64_t actual_kb;          /* N_i */
	bool have_target;
	uint64_t target_kb;          /* B_i as read (or last written) */
	/* Managed only: L_i, H_i, S_i from the management rule, and the
	 * minimum raised after an OOM kill (0: none in force). */
	uint64_t min_kb, max_kb;
	double shares;
	uint64_t oom_min_kb;
	uint64_t oom_kill_kb;         /* with oom_min_kb: N_i at the latest kill (0: unknown) */
	bool oom_loop;               /* with oom_min_kb: POLICY_IN_OOM_LOOP */
	bool oom_fresh;              /* with oom_min_kb: POLICY_IN_OOM_FRESH */
	bool oom_recur;              /* with oom_min_kb: POLICY_IN_OOM_RECUR */
	/* Managed only: g_i, the gap left above the demand (policy_dom.gap_kb);
	 * without have_gap the policy uses headroom_kb. */
	bool have_gap;
	uint64_t gap_kb;
	struct snap_report fig;      /* managed only */
	/* Managed only, read under need = estimate: WS_i, the working-set
	 * estimate of the last report (guest units; the builder adds O_i),
	 * when have_ws (the gap above it is gap_kb); grace: adopted less
	 * than adopt_grace_s ago. */
	bool have_ws;
	uint64_t ws_kb;
	bool grace;
	/* grace, and the domain started while the arbiter ran. */
	bool booted;
	/* need = estimate: W or Committed_AS rose within oom_room_s, and
	 * what was committed since and not touched (policy_dom). */
	bool growing;
	bool climbing;             /* growing, and its steps have not paused */
	bool ramping;              /* climbing at a known pace */
	uint64_t commit_new_kb;
	uint64_t rise_kb;          /* W's rise by the next cycle (policy_dom) */
	/* WS_i's peak to hold (guest units, like ws_kb): a load that comes
	 * back (policy/comeback.h); not above ws_kb: none. */
	uint64_t peak_kb;
	/* WS_i's level of a load that recurs (guest units; policy/comeback.h);
	 * not above ws_kb: none. */
	uint64_t recur_kb;
	/* WS_i's level read as a cron's (recur_period_s; comeback_cron()),
	 * not above ws_kb: none; its period (comeback_period()): the longer
	 * of its last two times down, and how long ago W was last at it. */
	uint64_t cron_kb, cron_down_ms, cron_since_ms;
	/* recur_handback_s: a level (recur_kb, cron_kb) was known, and how
	 * long ago it last was (0: now). */
	bool level_seen;
	uint64_t level_ms;
	/* ... and the highest WS_i since then (guest units). */
	uint64_t level_w_kb;
	/* W's largest jump within spike_window_s (policy/jump.h). */
	uint64_t jump_kb;
};

/* O_i: what the domain holds that the guest does not count as RAM,
 * (balloon current, or N_i without it) - MemTotal, clamped to [0, N_i];
 * 0 without MemTotal. */
uint64_t snapshot_overhead_kb(uint64_t actual_kb, const struct snap_report *r);

/* Fill *out (cleared first) from *in. */
void snapshot_dom(const struct snap_dom *in, struct policy_dom *out);

#endif
