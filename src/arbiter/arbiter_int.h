/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of the arbiter daemon share with each other and nobody
 * else (not an API):
 *
 *   domains.c  the table of domains: init, reconfigure, adopt from the
 *              hypervisor's list, drop, bounds by the management rule
 *   sync.c     the cycle's xenstore side: connection, watch events,
 *              adoption through xenstore, reports, stamps, targets, the
 *              membal_state of each domain
 *   cycle.c    one cycle: read, snapshot, decide, write, watch progress
 *   snap_build.c  the cycle's snapshot of every listed domain
 *   control.c  the control socket and its verbs (pause, reserve, ...)
 */
#ifndef MEMBAL_ARBITER_INT_H
#define MEMBAL_ARBITER_INT_H

#include "arbiter/arbiter.h"

/* domains.c */
struct dom *arbiter_dom_get(struct arbiter *a, uint32_t domid);
/* L_i, H_i, S_i of d by the management rule (logged when unusable). */
void arbiter_apply_rules(struct arbiter *a, struct dom *d);
/* memory/static-max changed while the domain runs: H_i follows it. */
void arbiter_read_static_max(struct arbiter *a, struct dom *d);
/* What maxcap.h's rules said of d's maxmem (seen: Xen's, old_kb: the cap
 * before, how: where it was seen): logged once, counted, saved in
 * memory/membal_state, and H_i follows. */
void arbiter_maxcap_changed(struct arbiter *a, struct dom *d, int change,
			    uint64_t old_kb, uint64_t seen_kb, const char *how);
/* Each domain's maxmem in this cycle's listing against ours, after the
 * targets were read (an xl mem-set's maxmem is then known for what it
 * is). */
void arbiter_maxcap_listed(struct arbiter *a);
/* Before a raise: d's maxmem read again; true when it changed since the
 * listing (then judged as a listing would). */
bool arbiter_maxmem_moved(struct arbiter *a, struct dom *d);
/* The hypervisor's list into the table. 0, or -1 (logged). */
int arbiter_refresh_domains(struct arbiter *a, uint64_t now);

/* sync.c */
/* Connected to xenstored, or trying again after the back-off. */
bool arbiter_xs_ensure(struct arbiter *a, uint64_t now);
/* A failed libxenstore call (errno): true when the connection is lost
 * (then it is closed and everything learnt through it is re-learnt). */
bool arbiter_xs_failed(struct arbiter *a, uint64_t now, const char *what,
		       uint32_t domid);
void arbiter_drain_events(struct arbiter *a, uint64_t now);
/* Adopt new domains and re-read what changed. */
void arbiter_sync_xenstore(struct arbiter *a, uint64_t now);
/* Late per-key hand-overs a cycle at most, the default of
 * arbiter.per_key_a_cycle (sync.c says why). */
extern const unsigned arbiter_per_key_a_cycle;
/* memory/membal_state of d (not in dry-run, not without xenstored). */
void arbiter_save_state(struct arbiter *a, struct dom *d, uint64_t now);
/* Write the state of every domain whose growth was counted this cycle
 * (at most once per GROWTH_SAVE_MS each), before the cycle's writes. */
void arbiter_growth_persist(struct arbiter *a, uint64_t now);
/* state_io.c: d's memory/membal_state read back at its adoption (before
 * arbiter_created_adopt()); an unreadable one is logged and ignored. */
void arbiter_load_state(struct arbiter *a, struct dom *d, uint64_t now);

/* stale_keep.c: memory/membal_state's stale word (state.h) of d written
 * when it changed (d went stale, its loan was refused, it reports again). */
void arbiter_stale_save(struct arbiter *a, struct dom *d, uint64_t now);
/* After stale_return, before the cycle's writes: a take-back marks its
 * domain refused, and every changed stale word is written. */
void arbiter_stale_persist(struct arbiter *a, size_t n, uint64_t now);
/* stale_relend_s: d's taken-back loan may be lent again now (the host
 * abundant, nobody short, for the wait since the take-back). */
bool arbiter_stale_relend_due(const struct arbiter *a, const struct dom *d, uint64_t now);

/* created.c: the size a domain was created with (stale_return's bound).
 * After load_state() in the adoption: decides d->created_kb and
 * re-applies the rules; its created word is saved once the policy moves
 * its target (cycle.c). */
void arbiter_created_adopt(struct arbiter *a, struct dom *d);

/* snap_build.c: the policy snapshot of this cycle into a->snap (and
 * a->snap_dom); returns its size. Every listed domain is in it: the
 * undecided ones as POLICY_UNMANAGED, so that the policy subtracts their
 * pending growth from F_h. */
size_t arbiter_build_snapshot(struct arbiter *a, uint64_t now);

/* gap_learn.c: the learned gap (design.md §The learned gap) */
/* [domain NAME] headroom over [policy] headroom. */
void dom_gap_rules(struct dom *d, const struct arbiter_config *c);
/* This cycle's g_i for d, after a learning step on a fresh report;
 * was_decided and prev: the previous cycle's decision of d; ws_kb: the
 * demand the goal leaves g_i above (WS_i or C_i, guest units). */
uint64_t arbiter_gap_for(struct arbiter *a, struct dom *d, bool was_decided,
			 const struct policy_decision *prev, uint64_t overhead_kb,
			 uint64_t ws_kb, uint64_t now);
/* Rewrite memory/membal_state of the domains whose chosen gap changed
 * (at most once per minute each). */
void arbiter_gap_persist(struct arbiter *a, uint64_t now);

#endif
