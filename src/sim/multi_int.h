/*
 * Private to the cluster modules of src/sim: one host's machinery
 * (multi_host.c) as multi_run.c drives it.
 */
#ifndef MEMBAL_SIM_MULTI_INT_H
#define MEMBAL_SIM_MULTI_INT_H

#include "arbiter/arbiter.h"
#include "simhost/hv_sim.h"
#include "sim/multi.h"

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
};

int mhost_open(struct mhost *h, const struct multi_scenario *m, size_t i,
	       const struct arbiter_config *cfg, const struct agent_config *ac);
void mhost_close(struct mhost *h);
/* Give g (start_ms, stop_ms from the run's start) the next spare domain:
 * its domid, or 0 when none is left. */
uint32_t mhost_start(struct mhost *h, const struct sim_guest_spec *g, bool ghost);
/* The arbiter's cycle, and the scarce-cycle count the rebalancer holds. */
void mhost_cycle(struct mhost *h);
/* What the running domUs hold (ghosts included) and how many run. */
uint64_t mhost_used_kb(const struct mhost *h, size_t *running);
uint64_t mhost_free_kb(const struct mhost *h);
const struct sim_dom *mhost_dom(const struct mhost *h, uint32_t domid);
const struct dom *mhost_arbiter_dom(const struct mhost *h, uint32_t domid);

#endif
