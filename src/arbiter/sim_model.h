/*
 * The memory model of the simulated host: what Xen and each guest kernel
 * would show, with no xenstore, files or agents in it (hv_sim.c is the
 * glue). All sizes KiB; the hypervisor's figures are whole 4 KiB pages.
 *
 * Hypervisor side (Xen 4.17's rules):
 *   free = total - dom0 - sum(tot) (never negative). A domain's tot moves
 *   toward its balloon goal (memory/target + offset; offset = videoram for
 *   HVM, 0 otherwise, SPEC §3.4) at balloon_rate per second of simulated
 *   time. Growth is refused page by page above maxmem (Xen logs
 *   "Over-allocation" and populate_physmap fails) and when the host has no
 *   free page left; each step in which either stopped a growing balloon is
 *   counted. In one step every shrinking domain gives back first, then the
 *   growing ones take free memory in domid order (first come, first
 *   served). A domain with follows = no never moves (a broken driver).
 *
 * Guest side, deliberately simple (membal-sim refines it): the workload's
 * demand is anonymous memory in use; the guest's kernel keeps overhead_kb
 * of what the domain holds for itself.
 *   MemTotal      = tot - offset - overhead           (never negative)
 *   used          = min(demand, MemTotal)
 *   Cached        = min(SIM_PAGE_CACHE_KB, MemTotal - used)
 *   MemFree       = MemTotal - used - Cached
 *   MemAvailable  = MemFree + Cached
 *   Committed_AS  = demand + SIM_COMMIT_EXTRA_KB
 *   swap used     = min(swap, max(0, demand - MemTotal))
 *   pswpin        grows by the pages that leave swap (swap used falls)
 *   oom_kill      +1 each time demand rises above MemTotal + swap
 *                 (counted once per episode; the workload does not die)
 * The balloon driver's sysfs files (drivers/xen/xen-balloon.c):
 *   target_kb     = the memory/target it last read, whole pages
 *   current_kb    = balloon_stats.current_pages: for a PV guest the pages
 *                   Xen gave it at boot (nr_pages) plus or minus every
 *                   reservation change since, i.e. what the domain holds;
 *                   for HVM/PVH the RAM pages it has. Here tot - offset,
 *                   so current == target once the balloon got there and
 *                   current - MemTotal = overhead (SPEC's O_i).
 */
#ifndef MEMBAL_SIM_MODEL_H
#define MEMBAL_SIM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arbiter/sim_scenario.h"

#define SIM_PAGE_KB 4
#define SIM_PAGE_CACHE_KB (16 * 1024)
#define SIM_COMMIT_EXTRA_KB (16 * 1024)
/* libxl's LIBXL_MAXMEM_CONSTANT: maxmem = target + offset + 1 MiB. */
#define SIM_MAXMEM_SLACK_KB 1024

enum sim_dom_state { SIM_DOM_PENDING, SIM_DOM_RUNNING, SIM_DOM_GONE,
		     SIM_DOM_FAILED };

/* What the guest kernel shows (KiB unless said). */
struct sim_guest_mem {
	uint64_t mem_total, mem_free, mem_available, cached, committed_as;
	uint64_t swap_total, swap_free;
	uint64_t balloon_target_kb, balloon_current_kb;
	uint64_t oom_kills;       /* a count */
	uint64_t pswpin;          /* pages, cumulative */
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
	uint64_t demand_kb;
	bool in_oom;              /* demand above MemTotal + swap right now */
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

/* Recompute the guest's figures for a demand (sim_model.h's formulas). */
void sim_guest_update(struct sim_dom *d, uint64_t demand_kb);

#endif
