/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A newcomer the guests' needs paid for, kept whole through its first
 * reports (resv_born_keep_s, off; resv_born.c;
 * design.md §The estimate's slack, "A reservation that waits for ever").
 */
#ifndef MEMBAL_ARBITER_RESV_BORN_H
#define MEMBAL_ARBITER_RESV_BORN_H

#include <stdbool.h>
#include <stdint.h>

#include "arbiter/arbiter.h"
#include "arbiter/reserve.h"

/* After the policy's cycle: when resv_need_wait_s took guests' needs
 * (cycle.resv_need_kb), every named reservation still waiting for its
 * domain is marked as paid by them. */
void arbiter_resv_born_mark(struct arbiter *a);
/* r ends at now (released, or its domain reported): with
 * resv_born_keep_s and r paid by the needs, its name and size are kept
 * for its domain to claim (arbiter_resv_born_floor_kb()). */
void arbiter_resv_born_keep(struct arbiter *a, const struct reservation *r,
			    uint64_t now);
/* d's minimum in the snapshot: min_kb, raised (never above max_kb) to
 * what it was created with, min(the reservation, N_i at its claim), from
 * when it is listed until resv_born_keep_s after its first report;
 * with resv_born_shown_mb, until its load shows if sooner: each fresh
 * report's estimate (have_ws, ws_kb: this cycle's W_i) is read by
 * born_keep_goes_on() (policy/born_shown.h), which ends the keep. */
uint64_t arbiter_resv_born_floor_kb(struct arbiter *a, struct dom *d,
				    uint64_t now, uint64_t min_kb,
				    uint64_t max_kb, bool have_ws, uint64_t ws_kb);
/* The same for given figures: keep_kb held while now < until_ms. */
uint64_t resv_born_floor_kb(uint64_t min_kb, uint64_t max_kb,
			    uint64_t keep_kb, uint64_t until_ms, uint64_t now);

#endif
