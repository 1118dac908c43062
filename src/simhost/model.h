/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The memory model of the simulated host: what Xen and each guest kernel
 * would show, with no xenstore, files or agents in it (hv_sim.c is the
 * glue). All sizes KiB; the hypervisor's figures are whole 4 KiB pages.
 *
 * Hypervisor side (Xen 4.17's rules):
 *   free = total - dom0 - sum(tot) (never negative). A domain's tot moves
 *   toward its balloon goal (memory/target + offset; offset = videoram for
 *   HVM, 0 otherwise, design.md §Maxmem, PoD and the videoram offset) at balloon_rate per second of simulated
 *   time. Growth is refused page by page above maxmem (Xen logs
 *   "Over-allocation" and populate_physmap fails) and when the host has no
 *   free page left; each step in which either stopped a growing balloon is
 *   counted. In one step every shrinking domain gives back first, then the
 *   growing ones take free memory in domid order (first come, first
 *   served). A domain with follows = no never moves (a broken driver),
 *   nor does one that is paused (frozen, set by hv_sim: paused_s).
 *
 * Guest side: a simple physics, stepped in time (sim_guest_step) so that
 * the figures the agent reads and the pressure it feels follow what the
 * domain holds. demand is the workload's anonymous working set; shmem
 * (a RAM-backed root) and file_ws (files read again within touch_window)
 * are the guest's own; need = demand + shmem + file_ws is the true demand
 * the metrics and the estimators' accuracy are measured against. The
 * guest's kernel keeps overhead_kb of what the domain holds for itself.
 *   MemTotal      = tot - offset - overhead           (never negative)
 *   resident      = min(demand + shmem, MemTotal)     swap-backed pages in
 *                   RAM: shmem first (AnonPages = the rest)
 *   swapped       = min(swap, demand + shmem - resident)  the rest, in swap
 *                   (swap only when demand exceeds MemTotal)
 *   zram          swap_kind = zram keeps the swapped pages compressed in
 *                 the guest's own RAM, zram_ratio KiB swapped for one KiB
 *                 held (the pool): resident + pool = MemTotal, so
 *                 swapped = (demand + shmem - MemTotal) * r / (r - 1),
 *                 at most min(swap, r * MemTotal) (sim_swap_room_kb);
 *                 the pool is neither MemFree nor Cached (used, as
 *                 zsmalloc's pages are), and SwapFree counts swapped
 *                 pages whole, as Linux shows zram. A swap-in is a
 *                 decompression on the guest's CPU: SIM_ZRAM_FAULT_US a
 *                 page, at most one vCPU's worth a second, instead of
 *                 swap_fault_us and the disk's swap_rate
 *   oom_kill      +1 each time what the guest's processes hold (+ shmem)
 *                 would exceed MemTotal + swap: the OOM killer kills the
 *                 workload's process (the largest, as oom_badness picks)
 *                 and its memory is freed: the guest keeps its daemons'
 *                 SIM_OOM_SURVIVOR_KB (or the demand, if less) for
 *                 oom_restart_s (its supervisor's restart delay), then
 *                 the workload is back at its curve's demand (re-touched
 *                 at touch_mb_s when the guest has one, else at
 *                 oom_retouch_mb_s when set) and, if that
 *                 still does not fit, is killed again: a crash loop
 *                 counts every kill (sim_oom_step). The shortfall metric
 *                 counts the killed part of the demand as wholly short
 *                 while it is down (as a guest not started), so a kill
 *                 never makes a policy look better. oom_restart_s = 0:
 *                 the kill frees nothing (the model before session 15):
 *                 one kill per episode over, the demand goes on.
 *   live          what the guest's processes hold: demand, less the
 *                 killed part while the workload is down or re-touching;
 *                 every formula below that says demand means live
 *   Cached        page cache: reclaimed first (at once) when resident
 *                 needs the room; otherwise grows at cache_rate toward
 *                 file_kb while the guest reads its files, leaving a
 *                 watermark of MemTotal/64 free (as kswapd's high mark)
 *   Active(file)  = min(Cached, file_ws), Inactive(file) the rest of it
 *   refault_file  the file working set not in the cache is read again
 *                 once per touch_window (at most swap_rate, the disk)
 *   MemFree       = MemTotal - resident - Cached
 *   MemAvailable  = MemFree + Cached                  (all of it clean;
 *                   meminfo's Cached line also counts Shmem, as Linux's)
 *   Active(anon)  = AnonPages, Inactive(anon) = Shmem (a root fs is cold)
 *   Committed_AS  = demand + commit_ahead + SIM_COMMIT_EXTRA_KB + untouched
 *                 (commit_ahead: committed, not yet touched, touch_mb_s;
 *                 while the killed workload is down: live instead of
 *                 demand + commit_ahead)
 *   pswpin        pages read back from swap: those that leave swap when
 *                 it shrinks, plus thrashing: every swapped page of the
 *                 working set is touched once per touch_window, at most
 *                 swap_rate per second (the device); the thrashing ones
 *                 are refault_anon too; pgmajfault = pswpin + refault_file
 *   stall         PSI's "some": the share of time a task waits for a
 *                 swap-in or a file refault = min(1, their rate *
 *                 swap_fault_us); the
 *                 agent's psi_some is its 10 s average (avg60, avg300
 *                 too), as /proc/pressure/memory
 *   progress      a job (work_ms) advances at (1 - stall) per unit of
 *                 time, not at all while it is down; an OOM kill
 *                 restarts it from zero
 *   bursts        while the guest is reclaiming (MemFree at the
 *                 watermark and the cache or the working set wants
 *                 more), page reclaim frees a burst of about burst_kb
 *                 (0.5x..1.5x) that shows in MemFree for one second and
 *                 is refaulted after it: on average one burst per 5 s of
 *                 reclaim (Zhang et al. saw these; the agent's fmd
 *                 filter exists for them). It is taken from the cache
 *                 first, then from anonymous pages into swap; the
 *                 state underneath does not change.
 * Demand is open loop: the workload's curve is a function of time, not of
 * the guest's progress, so every policy faces the same demand (and the
 * clairvoyant floor is defined); completion time is what a fixed amount
 * of work would take at the rate the memory allowed.
 *
 * The balloon driver's sysfs files (drivers/xen/xen-balloon.c):
 *   target_kb     = the memory/target it last read, whole pages
 *   current_kb    = balloon_stats.current_pages: for a PV guest the pages
 *                   Xen gave it at boot (nr_pages) plus or minus every
 *                   reservation change since, i.e. what the domain holds;
 *                   for HVM/PVH the RAM pages it has. Here tot - offset,
 *                   so current == target once the balloon got there and
 *                   current - MemTotal = overhead (O_i of design.md §Notation).
 */
#ifndef MEMBAL_SIM_MODEL_H
#define MEMBAL_SIM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simhost/scenario.h"

#define SIM_PAGE_KB 4
/* Page cache at boot (the kernel read its binaries). */
#define SIM_PAGE_CACHE_KB (16 * 1024)
#define SIM_COMMIT_EXTRA_KB (16 * 1024)
/* libxl's LIBXL_MAXMEM_CONSTANT: maxmem = target + offset + 1 MiB. */
#define SIM_MAXMEM_SLACK_KB 1024

/* A zram swap-in: a page fault, a zsmalloc lookup and an lzo-rle
 * decompression of 4 KiB on the guest's own vCPU, about 10 us against a
 * disk's swap_fault_us (200); one vCPU busy with nothing else reads back
 * 10^6 / 10 pages a second, the zram guest's thrashing cap. */
#define SIM_ZRAM_FAULT_US 10

/* What an OOM kill leaves of a guest's anonymous memory: its daemons
 * (workload.h's idle guest); the workload's process is the one killed. */
#define SIM_OOM_SURVIVOR_KB (SIM_IDLE_DEMAND_MB * 1024)

/* The OOM killer and the killed workload's supervisor, one guest: the
 * guest model and the lagged floor (sim/floor.c) count kills with it. */
struct sim_oom {
	uint64_t down_ms;    /* the killed workload restarts in this long; 0: it runs */
	uint64_t retouch_kb; /* restarted, it has re-touched this much (touch_kb_s); 0: all */
	bool over;           /* what it holds exceeds what RAM and swap back */
	uint64_t kills;
};

/* Let dt_ms pass: the workload wants want_kb (anonymous, its curve) and
 * RAM + swap can back room_kb of it (MemTotal + swap - shmem). Returns
 * what the guest's processes hold at the end (live): want_kb while the
 * workload runs; after a kill min(want, SIM_OOM_SURVIVOR_KB) for
 * restart_ms, then, at touch_kb_s > 0, SIM_OOM_SURVIVOR_KB growing at
 * that rate until it reaches want. A kill happens when live would
 * exceed room_kb while the workload runs (*killed); restart_ms = 0: the
 * kill frees nothing, one kill per entry into the over state. */
uint64_t sim_oom_step(struct sim_oom *o, uint64_t want_kb, uint64_t room_kb,
		      uint64_t restart_ms, uint64_t touch_kb_s, uint64_t dt_ms,
		      bool *killed);

/* What a guest's swap holds beyond MemTotal at most (KiB): all of a
 * disk; of zram, what its pages free once compressed, swapped pages less
 * their pool, with the pool at most MemTotal (the guest model's room
 * before an OOM kill, and the lagged floor's). */
/* zram: what its swap can take (KiB): its size, or what a pool of all
 * of MemTotal holds at zram_ratio. */
static inline double sim_zram_cap_kb(const struct sim_guest_spec *g,
				     uint64_t mem_total_kb)
{
	double cap = (double)g->swap_kb;

	if ((double)mem_total_kb * g->zram_ratio < cap)
		cap = (double)mem_total_kb * g->zram_ratio;
	return cap;
}

static inline uint64_t sim_swap_room_kb(const struct sim_guest_spec *g,
					uint64_t mem_total_kb)
{
	if (!g->swap_zram)
		return g->swap_kb;
	double cap = sim_zram_cap_kb(g, mem_total_kb);

	return (uint64_t)(cap - cap / g->zram_ratio);
}

enum sim_dom_state { SIM_DOM_PENDING, SIM_DOM_RUNNING, SIM_DOM_GONE,
		     SIM_DOM_FAILED };

/* What the guest kernel shows (KiB unless said). */
struct sim_guest_mem {
	uint64_t mem_total, mem_free, mem_available, cached, committed_as;
	uint64_t swap_total, swap_free;
	bool swap_zram;           /* the swap is /dev/zram0 (/proc/swaps) */
	uint64_t balloon_target_kb, balloon_current_kb;
	uint64_t oom_kills;       /* a count */
	uint64_t pswpin;          /* pages, cumulative */
	uint64_t shmem, anon_pages, active_file, inactive_file;
	uint64_t active_anon, inactive_anon;
	uint64_t refault_anon, refault_file, pgmajfault;   /* cumulative */
	uint32_t psi_avg10, psi_avg60, psi_avg300;  /* hundredths of a percent */
	uint64_t psi_total_us;    /* stall time, cumulative */
};

/* What membal-sim reports, integrated over the guest's steps (KiB*ms,
 * ms). Doubles: sums of products that could overflow 64 bits on a long
 * run of a big guest, and never need more than 15 significant digits. */
struct sim_dom_metrics {
	uint64_t elapsed_ms;      /* running time stepped */
	double shortfall_kbms;    /* integral of max(0, live need - MemTotal)
				   * + the killed part of the demand */
	double demand_kbms;       /* integral of demand */
	double idle_kbms;         /* integral of max(0, MemTotal - live need) */
	double stall_ms;          /* integral of the stall share */
	double progress_ms;       /* the job's work done (since its last restart) */
	uint64_t done_ms;         /* elapsed_ms when the job finished; 0: not */
	uint64_t job_restarts;    /* OOM kills that restarted the job */
	/* Time over (live + shmem above MemTotal + swap) or down after a
	 * kill: how long OOM kept the workload from running (with
	 * oom_restart_s = 0: how long the guest stayed killable). */
	uint64_t oom_ms;
	uint64_t bursts;          /* reclaim bursts shown */
	/* Starvation episodes: MemTotal below 90 % of demand. */
	bool starving;
	uint64_t starve_since_ms;
	uint64_t starve_episodes;
	uint64_t starve_ms_total;
	uint64_t starve_ms_max;
};

struct sim_dom_counters {
	uint64_t overalloc;       /* steps stopped at maxmem ("Over-allocation") */
	uint64_t host_full;       /* steps stopped by an empty host */
	uint64_t target_events;   /* memory/target watch events read */
	uint64_t target_rejects;  /* memory/target values that did not parse */
};

struct sim_dom {
	const struct sim_guest_spec *spec;
	uint32_t domid;
	enum sim_dom_state state;
	uint64_t tot_kb;          /* tot_pages * 4 */
	uint64_t max_kb;          /* maxmem as set (max_pages * 4 is shown) */
	uint64_t pod_pages;       /* last xc_domain_set_pod_target */
	uint64_t target_kb;       /* memory/target as the balloon driver read it */
	uint64_t carry;           /* balloon progress short of a page, page*ms/1000 */
	bool frozen;              /* paused: the balloon driver does not run */
	uint64_t demand_kb;       /* the workload's anonymous working set (its curve) */
	uint64_t live_kb;         /* of it, what the guest's processes hold (sim_oom_step) */
	uint64_t need_kb;         /* demand + shmem + file_ws: the truth */
	uint64_t commit_ahead_kb; /* committed, not touched yet (set by the caller) */
	struct sim_oom oom;       /* the OOM killer's state */
	/* guest physics state */
	uint64_t cache_kb;        /* page cache */
	uint64_t swapped_kb;      /* anonymous pages in swap */
	uint64_t zram_kb;         /* zram: their compressed copy in RAM */
	double swapin_carry;      /* pages short of a whole one */
	double refault_carry;     /* file refaults short of a whole page */
	double refault_anon_carry;
	double stall;             /* this step's stall share, [0, 1] */
	double psi[3];            /* avg10, avg60, avg300 as fractions */
	double psi_total_us;
	uint64_t rng;
	uint64_t burst_left_ms;   /* a burst is showing */
	uint64_t burst_kb;
	struct sim_dom_metrics m;
	struct sim_guest_mem mem;
	struct sim_dom_counters n;
};

struct sim_host {
	uint64_t total_kb;
	uint64_t dom0_kb;
	struct sim_dom *dom;      /* in domid order */
	size_t n;
};

/* doms[i] for spec->guests[i] (which are in domid order); all PENDING. */
int sim_host_init(struct sim_host *h, const struct sim_scenario *sc);
void sim_host_free(struct sim_host *h);
struct sim_dom *sim_host_find(struct sim_host *h, uint32_t domid);

uint64_t sim_host_free_kb(const struct sim_host *h);
/* HVM: videoram; PV, PVH: 0. */
uint64_t sim_dom_offset_kb(const struct sim_dom *d);

/* What libxl computes at `xl create` (libxl__build_pre/_post):
 * memory/target = memory - videoram - (HVM with maxmem above memory:
 * 1 MiB, libxl__get_targetmem_fudge), maxmem = memory + 1 MiB. */
uint64_t sim_dom_initial_target_kb(const struct sim_guest_spec *g);

/* The domain is created: takes memory_kb from the host. -1 with errno
 * ENOMEM when the host has less free (as `xl create` fails then). */
int sim_dom_create(struct sim_host *h, struct sim_dom *d);
/* The domain is destroyed: its memory goes back to the host. */
void sim_dom_destroy(struct sim_dom *d);

/* Move every running balloon for dt_ms. */
void sim_host_step(struct sim_host *h, uint64_t dt_ms);

/* Let dt_ms pass inside the guest, ending at demand_kb (the formulas
 * above), then recompute its figures; metrics integrate over dt_ms. Call
 * it after sim_host_step() for the same interval. dt_ms = 0 only
 * recomputes the figures for a demand. */
void sim_guest_step(struct sim_dom *d, uint64_t demand_kb, uint64_t dt_ms);
/* The same for a guest that could not be started (SIM_DOM_FAILED), from
 * its start_s to its stop_s: MemTotal 0, so its whole need counts as
 * shortfall. Otherwise a policy that fills the host until `xl create`
 * fails would be measured on fewer guests and look better for it. */
void sim_guest_step_unstarted(struct sim_dom *d, uint64_t demand_kb, uint64_t dt_ms);
/* sim_guest_step(d, demand_kb, 0). */
void sim_guest_update(struct sim_dom *d, uint64_t demand_kb);
/* The guest's MemTotal for what its domain holds now. */
uint64_t sim_dom_mem_total_kb(const struct sim_dom *d);

/* Of the demand, the part an OOM kill took down (demand_kb - live_kb):
 * short whatever the guest holds, as a guest not started; the metrics
 * (single host and multi-host) count it so, and measure the rest of
 * the need against MemTotal. */
static inline uint64_t sim_dom_killed_kb(const struct sim_dom *d)
{
	return d->demand_kb > d->live_kb ? d->demand_kb - d->live_kb : 0;
}

#endif
