/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to the cluster modules of src/sim: one host's machinery
 * (multi_host.c) as multi_run.c drives it.
 */
#ifndef MEMBAL_SIM_MULTI_INT_H
#define MEMBAL_SIM_MULTI_INT_H

#include "arbiter/arbiter.h"
#include "simhost/hv_sim.h"
#include "sim/multi.h"
#include "sim/resv_events.h"

#define KIB_PER_MIB 1024.0

struct agent_config;

/* A spare domain's start time: never, without overflowing t0 + it. */
#define MULTI_NEVER_MS (UINT64_C(1) << 60)

struct mhost {
	const struct multi_host_spec *spec;
	char dir[96], sock[128], guests[128];
	struct xsd *x;
	struct hv hv;
	bool hv_open;
	struct arbiter_config cfg;
	struct arbiter a;
	bool a_init;
	uint32_t next_slot, slots;
	bool *ghost;              /* [domid]: an incoming migration's reservation */
	uint32_t scarce_cycles;   /* consecutive cycles scarce or infeasible */
	uint64_t reserving_kb;    /* asked of the arbiter for incoming guests */
	uint32_t reserving_id;    /* its reservation; 0: none */
	struct sim_resv_tools tools;   /* [host NAME] reserve_at */
	uint64_t starting_kb;     /* of it, domains created but not started */
	uint64_t early_ms;        /* a follow-up cycle due (UINT64_MAX: none) */
};

int mhost_open(struct mhost *h, const struct multi_scenario *m, size_t i,
	       const struct arbiter_config *cfg, const struct agent_config *ac);
void mhost_close(struct mhost *h);
/* Give g (start_ms, stop_ms from the run's start) the next spare domain:
 * its domid, or 0 when none is left. */
uint32_t mhost_start(struct mhost *h, const struct sim_guest_spec *g, bool ghost);
/* The arbiter's cycle at now, and the scarce-cycle count the rebalancer
 * holds. A regular cycle (next_regular: when the one after it is due) may
 * ask for an early one, as the daemon's loop does
 * (design.md §Growth is never cut, "The follow-up cycle"): h->early_ms;
 * h->a.early (arbiter_next_cycle keeps it) says whether this is it. */
void mhost_cycle(struct mhost *h, uint64_t now, uint64_t next_regular);
/* What the running domUs hold (ghosts included) and how many run; of
 * it, what migrations' receiving domains hold in *ghost_kb. */
uint64_t mhost_used_kb(const struct mhost *h, size_t *running, uint64_t *ghost_kb);
uint64_t mhost_free_kb(const struct mhost *h);
/* What another tool's reservations (reserve_at) keep free on h now. */
uint64_t mhost_tools_kb(struct mhost *h);
const struct sim_dom *mhost_dom(const struct mhost *h, uint32_t domid);
const struct dom *mhost_arbiter_dom(const struct mhost *h, uint32_t domid);

enum gstate { G_WAIT, G_INCOMING, G_RUNNING, G_MIGRATING, G_REJECTED };

struct mguest {
	const struct sim_guest_spec *spec;
	const struct multi_guest_extra *x;
	enum gstate st;
	int32_t host;             /* where it runs (the source while migrating) */
	uint32_t domid;
	uint64_t since_ms;        /* this incarnation's start (absolute) */
	uint64_t offset_ms;       /* its workload clock at since_ms */
	uint64_t min_kb, max_kb;
	double shares;
	int32_t dst;              /* G_INCOMING, G_MIGRATING */
	uint64_t size_kb, deadline_ms, switch_ms;
	enum { PH_ROOM, PH_START, PH_COPY } ph;
	uint32_t new_domid, ghost_domid;
	struct migrate_plan mp;
	uint64_t moved_ms;        /* last migration's end; 0: never */
	uint64_t tried;           /* hosts (bits) whose reservation timed out */
};

struct mrun {
	const struct multi_scenario *m;
	const struct multi_run_spec *rs;
	struct mhost *h;
	size_t nh;
	struct mguest *g;
	size_t ng;
	uint64_t t0;
	struct multi_result *r;
	uint32_t inflight;
};

/* multi_move.c: a guest coming to a host, new or migrating. */
void mrun_reserve(struct mrun *w, size_t h, int64_t delta_kb);
void mrun_incoming(struct mrun *w, struct mguest *g, int32_t dst, uint64_t size_kb,
		   bool moving);
/* Reservations, creations and switches due at now. */
void mrun_progress(struct mrun *w, uint64_t now);
/* multi_run.c: place guest i (new, or turned away by a host whose
 * reservation timed out: g->tried) with the run's algorithm on a host it
 * has not tried; rejected when there is none. */
void mrun_place_newcomer(struct mrun *w, size_t i);
bool mrun_host_on(const struct mrun *w, size_t h);

#endif
