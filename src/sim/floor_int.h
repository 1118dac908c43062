/* SPDX-License-Identifier: GPL-2.0-only */
/* What the clairvoyant floor (floor.c) and the lagged floor
 * (floor_lagged.c) share. */
#ifndef MEMBAL_SIM_FLOOR_INT_H
#define MEMBAL_SIM_FLOOR_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/snapshot.h"
#include "sim/sim.h"

/* The report a guest holding exactly its need at t would publish. */
struct snap_report sim_floor_report(const struct sim_guest_spec *g, uint64_t t);
/* Whether it runs at t (from start_s, before stop_s). */
bool sim_floor_running_at(const struct sim_guest_spec *g, uint64_t t);
/* The least a guest kept alive holds: max(L_i, keep_i) if it may die. */
uint64_t sim_floor_kill_lo(const struct floor_kill_item *x);

#endif
