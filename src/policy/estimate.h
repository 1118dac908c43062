/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Working-set estimators: how much memory a guest needs, from one report
 * of its agent and the deltas to the previous one (docs/design.md, "Guest
 * figures and working-set estimators"; the accuracy of each is measured in
 * docs/evaluation.md). Pure: figures in, KiB out.
 *
 * Units are the guest's own (KiB of its MemTotal world); the policy adds
 * the domain's O_i to compare an estimate with targets.
 *
 *   committed   Committed_AS: what the guest's programs were promised.
 *               Counts promised-but-untouched memory, misses tmpfs (a
 *               RAM-backed root) and the page cache a workload needs.
 *   used        MemTotal - MemAvailable: what the kernel could not give
 *               back without swapping. Never above MemTotal, so a guest
 *               that needs more than it holds looks merely full. Less
 *               what the agent's filter holds (used_held_kb).
 *   lru         AnonPages + Shmem + Active(file) + swapped-out anon
 *               (SwapTotal - SwapFree): the pages in use wherever they
 *               are, the active file pages standing for the file working
 *               set. Counts cold pages in swap; misses file pages
 *               evicted but still wanted.
 *   refault     lru, with the swap and file parts taken from what comes
 *               back: swapped-out anon counts only as much as was swapped
 *               in (or refaulted as anon) within ESTIMATE_WINDOW_MS, less
 *               what left swap for good (d_swap_drop_kb: in AnonPages
 *               already, a page counted once), and
 *               the file pages refaulted within that window are added (a
 *               refault is a page evicted and wanted again: working set
 *               that did not fit). Needs two reports.
 *   hybrid      max(used, refault), or max(used, lru) before a second
 *               report: used sees what the kernel cannot give back that
 *               no LRU figure shows (a ramfs root, as the e2e guests'
 *               initramfs, is Unevictable, neither Shmem nor file LRU);
 *               refault sees need beyond what the guest holds, which
 *               used cannot (it never exceeds MemTotal). Each is a lower
 *               bound of the need where the other is blind.
 */
#ifndef MEMBAL_POLICY_ESTIMATE_H
#define MEMBAL_POLICY_ESTIMATE_H

#include <stdbool.h>
#include <stdint.h>

enum estimator { EST_COMMITTED, EST_USED, EST_LRU, EST_REFAULT, EST_HYBRID,
		 EST_COUNT };

/* A page counted by the vmstat counters (x86's 4 KiB). */
#define ESTIMATE_PAGE_KB 4
/* A page touched once in this long is in the working set: the window the
 * refault rates are scaled to. */
#define ESTIMATE_WINDOW_MS 10000

struct estimate_in {
	uint64_t committed_as, mem_total, swap_tot, swap_free;
	bool have_avail;
	uint64_t mem_avail;
	bool have_lru;                 /* AnonPages, Shmem, Active(file) */
	uint64_t anon_pages, shmem, active_file;
	/* Forward deltas of the cumulative counters between the previous
	 * report and this one, dt_ms apart. have_deltas: dt_ms > 0 and
	 * pswpin and the file refaults both moved forward (or stood). */
	bool have_deltas;
	uint64_t dt_ms;
	uint64_t d_pswpin, d_refault_file;
	bool have_d_refault_anon;      /* 5.9+ kernels */
	uint64_t d_refault_anon;
	/* How much less swap was in use (SwapTotal - SwapFree) at this
	 * report than at the previous one, KiB (0: as much or more, or no
	 * previous report). The pages swapped in that left swap are in
	 * AnonPages now: counted there, not again as swap-ins. */
	uint64_t d_swap_drop_kb;
	/* The part of MemTotal - MemAvailable that is the agent's burst
	 * filter holding MemAvailable down, KiB (estimate_hold.h); used
	 * leaves it out. */
	uint64_t used_held_kb;
};

/* The estimate of e in KiB, saturating at UINT64_MAX; false when the
 * report lacks what e needs (then *kb is 0). */
bool estimate(enum estimator e, const struct estimate_in *in, uint64_t *kb);

/* The default, chosen on docs/evaluation.md's accuracy table, and what it
 * falls back to when a report lacks its figures: hybrid (layout-2
 * reports), else used (no layout-2 figures but MemAvailable), else
 * committed (today's policy). Returns the estimator used. */
#define ESTIMATE_DEFAULT EST_HYBRID
enum estimator estimate_default(const struct estimate_in *in, uint64_t *kb);

/* "committed", "used", "lru", "refault", "hybrid". */
const char *estimator_name(enum estimator e);

/* Pages counted over dt_ms, as KiB per ESTIMATE_WINDOW_MS (saturating). */
uint64_t estimate_window_kb(uint64_t pages, uint64_t dt_ms);

#endif
