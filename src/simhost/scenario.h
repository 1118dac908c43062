/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario files of the simulated host (INI, read with common/config.h so
 * every bad line is reported as file:line). The reference is
 * design.md §Scenario file; in short:
 *
 *   [host]
 *   total_mb = 2048            required: the host's RAM
 *   dom0_mb = 512              required: dom0's fixed size (dom0_mem=)
 *   balloon_rate_mb_s = 256    default balloon speed of the guests
 *   duration_s = 600           how long membal-sim runs it
 *   seed = 1                   random workloads and reclaim bursts
 *   trace = loads.csv          trace workloads' file (relative to this file)
 *   swap_fault_us = 200        guest physics (sim_model.h), defaults there
 *   touch_window_s = 10
 *   swap_rate_mb_s = 100
 *   cache_rate_mb_s = 8
 *   burst_mb = 16
 *   oom_restart_s = 0          an OOM-killed workload is freed and comes
 *                              back after this many seconds (10: a
 *                              supervisor's crash loop); 0: the kill
 *                              frees nothing (the figures of record)
 *   oom_retouch_mb_s = 0       the restarted workload re-touches its
 *                              memory this fast (a guest's touch_mb_s
 *                              first); 0: at once
 *   reserve_at = 200:512:60    timed reservations by another tool
 *                              (scenario_events.c): AT:MB:LEASE_S[:HOLD_S],
 *                              comma-separated; `membalctl reserve MB
 *                              --lease LEASE_S` at AT s, renewed every
 *                              LEASE_S/2 and released after HOLD_S s;
 *                              without HOLD_S never renewed (it lapses
 *                              after LEASE_S; LEASE_S 0: kept to the end)
 *   reserve_wait_s = 120       a guest with start_s > 0 is created after
 *                              `membalctl reserve --for NAME --wait
 *                              --timeout S` (README); 0: plain `xl create`
 *
 *   [guest NAME]               one per domU; NAME as `xl create` names it
 *   domid = 3                  default: lowest free id from 1, file order
 *   type = pv                  pv | pvh | hvm
 *   memory_mb = 256            required: xl's memory= (start size)
 *   static_max_mb = 512        xl's maxmem= (default memory_mb)
 *   static_max_at = 200:384    the maximum changed while it runs:
 *                              AT:MB, comma-separated, AT after start_s
 *                              and before stop_s, increasing; at AT the
 *                              toolstack writes memory/static-max = MB and
 *                              sets Xen's maxmem to MB + 1 MiB, even below
 *                              the domain's target or tot (scenario_events.c)
 *   maxmem_at = 200:300        Xen's maxmem alone changed while it runs
 *                              (xl mem-max of Xen 4.2 to 4.16, libvirt's
 *                              setmaxmem, xc_domain_setmaxmem): AT:MB as
 *                              static_max_at's; at AT maxmem becomes MB +
 *                              1 MiB (libxl's arch extra, no videoram) and
 *                              memory/static-max stays; Xen takes it even
 *                              below tot and refuses growth above it
 *   videoram_mb = 8            hvm only (default 8, libxl's for qemu-xen)
 *   overhead_kb = ...          held but not seen as RAM by the guest
 *                              (default sim_overhead_default_kb())
 *   balloon_rate_mb_s = 256    default [host]'s
 *   follows = yes              no: a broken balloon driver, never moves
 *   agent = yes                no: nothing publishes for this guest
 *   start_s = 0                when `xl create` runs
 *   stop_s = 600               when `xl destroy` runs (default never)
 *   swap_mb = 0                the guest's swap device
 *   swap_kind = disk           disk | zram: what /proc/swaps names it,
 *                              and zram's pages stay in RAM (model.h)
 *   zram_ratio = 3             zram: KiB swapped per KiB of RAM kept
 *   workload = idle            sim_workload.h
 *   offset_s = 0               the workload starts this far into its curve
 *   work_s = 300               a job of this much work (compute: its WORK_S)
 *   file_mb = 64               file data the guest reads (page cache bound)
 *   file_ws_mb = 0             of it, the file working set: read again
 *                              within touch_window_s (refaults when evicted)
 *   shmem_mb = 0               tmpfs in RAM (a RAM-backed root): Shmem,
 *                              swappable, invisible to Committed_AS
 *   untouched_mb = 0           promised but never touched: in Committed_AS
 *                              only
 *   agent_quiet_s = 200,500    the agent is not run from 200 to 500 s
 *                              (hung or stopped; its last report stays)
 *   paused_s = 200,320         `xl pause` at 200 s, `xl unpause` at 320:
 *                              the domain shows paused, neither its agent
 *                              nor its balloon driver runs (the workload's
 *                              curve is the scenario's to hold still)
 *   reserve_need_mb = 400      the toolstack's `membalctl reserve --for
 *                              NAME --need 400M` before `xl create`: what
 *                              it says the guest will hold once it runs
 *                              (its template's use); default not said
 *   touch_mb_s = 0             commit before touch: the workload's curve
 *                              is what the program commits (Committed_AS
 *                              at once), its working set follows it up at
 *                              most this fast (malloc, then fill); 0: it
 *                              touches what it commits at once
 *
 * Unknown keys, repeated keys and a section that appears again further
 * down are errors: a typo in a scenario must not quietly simulate
 * something else.
 */
#ifndef MEMBAL_SIM_SCENARIO_H
#define MEMBAL_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arbiter/hv.h"
#include "simhost/workload.h"

struct cfg_file;

#define SIM_NAME_MAX 64           /* guest names, incl. NUL */
#define SIM_MAX_GUESTS 1024
#define SIM_NEVER UINT64_MAX      /* stop_ms of a guest that never stops */
#define SIM_DEFAULT_RATE_MB_S 256 /* Xen balloons move hundreds of MiB/s */
#define SIM_HVM_VIDEORAM_MB 8     /* libxl's default for qemu-xen + cirrus */

/* The guest physics' constants (sim_model.h explains each), set in
 * [host] and copied into every guest. */
struct sim_physics {
	uint64_t swap_fault_us;     /* stall per page swapped in */
	uint64_t touch_window_ms;   /* a working set's pages are all touched
				     * within this long */
	uint64_t swap_rate_kb_s;    /* the swap device's read bandwidth */
	uint64_t cache_rate_kb_s;   /* page cache growth while files are read */
	uint64_t burst_kb;          /* mean size of a reclaim burst; 0: none */
	uint64_t oom_restart_ms;    /* an OOM-killed workload is down this
				     * long; 0: the kill frees nothing */
	uint64_t oom_retouch_kb_s;  /* restarted, it re-touches this fast
				     * (touch_mb_s first); 0: at once */
};

/* Guest physics defaults (model.h says why each). */
#define DEF_SWAP_FAULT_US 200
#define DEF_TOUCH_WINDOW_S 10
#define DEF_SWAP_RATE_MB_S 100
#define DEF_CACHE_RATE_MB_S 8
#define DEF_BURST_MB 16
/* 0: the kill frees nothing, the model every figure of record uses,
 * kept until the lagged floor follows a kill (design.md §Guest physics).
 * 10 s is the value to try: Kubernetes' first crash back-off (a
 * supervisor restarting a service that keeps dying waits 10 s, then
 * longer); systemd's RestartSec= is shorter, but a service's start-up
 * takes seconds of its own. */
#define DEF_OOM_RESTART_S 0
/* zram's compression (zram_ratio): what Linux's zram with lzo-rle, its
 * default compressor, typically reaches on anonymous memory, about 3:1
 * (design.md §Guest physics, "zram"). */
#define SIM_ZRAM_RATIO_DEFAULT 3.0

#define SIM_DEFAULT_DURATION_S 600
/* membalctl reserve --wait's own default --timeout. */
#define SIM_DEFAULT_RESERVE_WAIT_S 120
#define SIM_DEFAULT_FILE_MB 64

/* Timed events (scenario_events.c): at most this many per key. */
#define SIM_EVENTS_MAX 16

/* static_max_at: memory/static-max and maxmem become max_kb at at_ms. */
struct sim_max_event {
	uint64_t at_ms;           /* scenario time */
	uint64_t max_kb;
};

/* reserve_at: a reservation of kb made at at_ms with lease_ms (0: none),
 * renewed every lease_ms / 2 and released hold_ms later; hold_ms 0: never
 * renewed nor released (the lease ends it, or nothing). */
struct sim_resv_event {
	uint64_t at_ms;
	uint64_t kb;
	uint64_t lease_ms;
	uint64_t hold_ms;
};

struct sim_guest_spec {
	char name[SIM_NAME_MAX];
	uint32_t domid;
	enum hv_dom_type type;
	uint64_t memory_kb;       /* xl memory=: what the domain starts with */
	uint64_t static_max_kb;   /* xl maxmem=: memory/static-max */
	uint64_t videoram_kb;     /* HVM: memory/videoram, held outside target */
	uint64_t overhead_kb;     /* held, not MemTotal */
	uint64_t swap_kb;
	bool swap_zram;           /* swap_kind = zram: /dev/zram0, else a disk */
	double zram_ratio;        /* zram: KiB swapped out per KiB of RAM it keeps */
	uint64_t balloon_rate_kb_s;
	bool follows;
	bool agent;
	uint64_t quiet_from_ms;   /* the agent is not run in [from, to) */
	uint64_t quiet_to_ms;     /* (scenario time); 0, 0: always run */
	uint64_t pause_from_ms;   /* xl pause in [from, to): no vCPU runs, */
	uint64_t pause_to_ms;     /* so no agent and no balloon; 0, 0: never */
	uint64_t start_ms;
	uint64_t stop_ms;         /* SIM_NEVER */
	struct sim_workload workload;
	uint64_t offset_ms;       /* workload clock = time since start + this */
	uint64_t work_ms;         /* 0: no job */
	uint64_t file_kb;
	uint64_t file_ws_kb;      /* <= file_kb */
	uint64_t shmem_kb;
	uint64_t untouched_kb;
	uint64_t touch_kb_s;      /* 0: touched as soon as committed */
	uint64_t reserve_need_kb; /* reserve --need of its creation; 0 not said */
	uint64_t seed;            /* the guest's own: bursts */
	struct sim_physics phys;
	struct sim_max_event max_ev[SIM_EVENTS_MAX];   /* by at_ms */
	unsigned n_max_ev;
	struct sim_max_event mm_ev[SIM_EVENTS_MAX];    /* maxmem_at, by at_ms */
	unsigned n_mm_ev;
	unsigned line;            /* of the [guest NAME] section's first key */
};

struct sim_scenario {
	uint64_t total_kb;
	uint64_t dom0_kb;
	uint64_t balloon_rate_kb_s;
	uint64_t duration_ms;
	uint64_t seed;
	uint64_t reserve_wait_ms;        /* 0: xl create without a reservation */
	struct sim_resv_event resv_ev[SIM_EVENTS_MAX];   /* by at_ms */
	unsigned n_resv_ev;
	struct sim_physics phys;
	struct sim_trace trace;          /* n == 0: no trace file */
	char trace_path[512];
	struct sim_guest_spec *guests;   /* sorted by domid after loading */
	size_t n_guests;
};

/* The default overhead_kb of a guest: what its kernel keeps for itself
 * (code, data, reserved ranges) plus the struct page array it allocates
 * for static-max (64 bytes per 4 KiB page). Calibrated on the one figure
 * we observed (notes/xen-under-qemu.md): a PV guest of 128 MiB, static-max
 * 128 MiB, shows MemTotal = 128 - 47 - 2 = 79 MiB. */
#define SIM_KERNEL_FIXED_KB (47 * 1024)
uint64_t sim_overhead_default_kb(uint64_t static_max_kb);

/* 0: loaded (*out owns memory: sim_scenario_free). -1: errors, every one
 * logged as file:line and the first kept in f->first_error; *out is then
 * empty. */
int sim_scenario_load(const char *path, struct sim_scenario *out,
		      struct cfg_file *f);
int sim_scenario_load_string(const char *name, const char *text,
			     struct sim_scenario *out, struct cfg_file *f);
/* The demand of guest g t_ms after its start: its workload at t + offset,
 * followed at most touch_kb_s (what its program has touched). */
uint64_t sim_guest_demand_kb(const struct sim_guest_spec *g, uint64_t t_ms);
/* What its program has committed then: the workload's curve itself. */
uint64_t sim_guest_commit_kb(const struct sim_guest_spec *g, uint64_t t_ms);
/* What the guest needs at that anonymous demand: with its tmpfs and file
 * working set (the truth membal-sim measures shortfall against). */
static inline uint64_t sim_guest_need_kb(const struct sim_guest_spec *g,
					 uint64_t demand_kb)
{
	return demand_kb + g->shmem_kb + g->file_ws_kb;
}

/* How fast an OOM-killed workload re-touches its memory once restarted:
 * the guest's own touch rate, else oom_retouch_mb_s; 0: at once. */
static inline uint64_t sim_guest_retouch_kb_s(const struct sim_guest_spec *g)
{
	return g->touch_kb_s ? g->touch_kb_s : g->phys.oom_retouch_kb_s;
}

/* scenario_events.c: static_max_at's and reserve_at's values, -1 with a
 * reason in why when one is not well formed or out of bounds. reserve_at
 * fills ev[0..*n): [host]'s, or a cluster's [host NAME]'s. */
int sim_max_events_parse(const char *v, struct sim_guest_spec *g, char *why,
			 size_t size);
int sim_maxmem_events_parse(const char *v, struct sim_guest_spec *g, char *why,
			    size_t size);
int sim_resv_events_parse(const char *v, struct sim_resv_event ev[SIM_EVENTS_MAX],
			  unsigned *n, char *why, size_t size);
/* The checks that need the whole [guest] section (start_s, stop_s): 0,
 * or -1 with a reason and *key the key it is about. */
int sim_max_events_check(const struct sim_guest_spec *g, const char **key,
			 char *why, size_t size);
/* The largest target an administrator's maxmem_at lets the arbiter write
 * at scenario time t_ms (maxcap.h: maxmem - 1 MiB - videoram), or
 * UINT64_MAX: none in force (none yet, at or above the static-max of its
 * time, or followed by a static_max_at, which sets maxmem too). */
uint64_t sim_guest_maxmem_cap_kb(const struct sim_guest_spec *g, uint64_t t_ms);
/* What the reserve_at reservations of ev[0..n) in force at scenario time
 * t_ms keep free, as their tools make, renew, release or let lapse them
 * (the floors' yardstick, sim/floor.c; the arbiter's lease is checked at
 * its cycles, a little later). */
uint64_t sim_resv_in_force_kb(const struct sim_resv_event *ev, unsigned n, uint64_t t_ms);
/* The static-max in force at scenario time t_ms (static_max_at). */
uint64_t sim_guest_static_max_kb(const struct sim_guest_spec *g, uint64_t t_ms);
/* The lower of the two: the maximum the arbiter holds the guest to then. */
uint64_t sim_guest_top_kb(const struct sim_guest_spec *g, uint64_t t_ms);
/* agent_quiet_s, paused_s: FROM,TO in s, FROM < TO. 0, or -1. */
int sim_window_parse(const char *v, uint64_t *from_ms, uint64_t *to_ms);

/* 0, or -1 (ENOMEM). Trace workloads point into the copy's own trace. */
int sim_scenario_copy(struct sim_scenario *dst, const struct sim_scenario *src);
void sim_scenario_free(struct sim_scenario *s);

const char *sim_type_name(enum hv_dom_type t);   /* libxl's words */

#endif
