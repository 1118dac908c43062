/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * [host] reserve_at (simhost/scenario.h): another tool's reservations on
 * the arbiter while the host runs, `membalctl reserve MB --lease S`,
 * renewed while it needs the memory and released after, or left to
 * lapse. Driven on the simulated clock by run.c (the [host]'s events)
 * and by multi_run.c (each [host NAME]'s on its own arbiter).
 */
#ifndef MEMBAL_SIM_RESV_EVENTS_H
#define MEMBAL_SIM_RESV_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "simhost/scenario.h"

struct arbiter;

struct sim_resv_tool {
	uint32_t id;            /* the arbiter's reservation; 0 none */
	bool made, done;
	uint64_t renew_ms;      /* scenario time of the next renewal */
};

struct sim_resv_tools {
	struct sim_resv_tool t[SIM_EVENTS_MAX];
	unsigned made, refused; /* reservations made, refused (RESV_MAX) */
};

/* Everything of ev[0..n) due at scenario time t_ms (reserve, renew,
 * release) on a. */
void sim_resv_tools_run(struct sim_resv_tools *rt, const struct sim_resv_event *ev,
			unsigned n, struct arbiter *a, uint64_t t_ms);
/* The next scenario time something of ev[0..n) is due after t_ms, or until. */
uint64_t sim_resv_tools_next(const struct sim_resv_tools *rt,
			     const struct sim_resv_event *ev, unsigned n,
			     uint64_t t_ms, uint64_t until);
/* What the reservations of rt that the arbiter still holds keep free
 * (KiB): the tools' share of a->reserve_kb. */
uint64_t sim_resv_tools_kb(const struct sim_resv_tools *rt, const struct sim_resv_event *ev,
			   unsigned n, struct arbiter *a);

#endif
