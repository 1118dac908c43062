/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Two consecutive reports of a guest: the deltas of its cumulative
 * counters (pswpin, refaults, pgmajfault, PSI totals, oom_kills) and the
 * estimator input built from them (policy/estimate.h). Pure.
 *
 * A counter that went backwards (the guest rebooted under the same domain,
 * was restored, or its agent lies) gives no delta for that pair; the next
 * pair starts from the new value. So does a counter absent from either
 * report.
 */
#ifndef MEMBAL_ARBITER_GUEST_HISTORY_H
#define MEMBAL_ARBITER_GUEST_HISTORY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arbiter/guest.h"
#include "policy/estimate.h"
#include "policy/estimate_cold.h"
#include "policy/estimate_hold.h"

struct guest_history {
	bool have_prev;
	struct guest_figures prev;     /* the report before the last one */
	uint64_t prev_ms;              /* when it was read (arbiter's clock) */
	bool have_last;
	uint64_t last_ms;
	uint64_t dt_ms;                /* between prev and the last report */
	uint32_t have_d;               /* 1u << k: d[k] is a forward delta */
	uint64_t d[MK_COUNT];
	uint64_t backwards;            /* counters seen going backwards */
	struct estimate_cold cold;     /* how long its swap has been quiet */
	struct estimate_hold hold;     /* the agent's filter in used */
};

static inline bool guest_history_has(const struct guest_history *h,
				     enum membal_key k)
{
	return (h->have_d >> k) & 1u;
}

/* The pressure of now, in hundredths of a percent: the lower of the
 * report's `psi_some` (avg10) and the share of time the guest stalled
 * between its last two reports (`psi_some_total`'s delta over dt_ms)
 * while avg10 falls; avg10 otherwise and without that delta.
 * guest_history.c says why. */
uint64_t guest_psi_some_now(const struct guest_history *h, uint64_t avg10);

/* True for the cumulative counters the history takes deltas of. */
bool guest_key_is_counter(enum membal_key k);

/* A new good report g, read at now_ms; last is the report before it (the
 * one the history has not seen as "last" yet), NULL on the first. */
void guest_history_push(struct guest_history *h, const struct guest_figures *last,
			const struct guest_figures *g, uint64_t now_ms);

struct dom;

/* xsio_read_report() accepted a new report into d->fig at now_ms; prev
 * is the one it replaced (NULL when there was none). */
void dom_report_accepted(struct dom *d, const struct guest_figures *prev,
			 uint64_t now_ms);

/* The estimators' input from the last report g and its history. */
void guest_estimate_input(const struct guest_figures *g,
			  const struct guest_history *h, struct estimate_in *in);

/* status.c: the estimates of a domain as JSON fields (status_est.c). */
struct dom;
struct json_object;
void status_estimates_add(struct json_object *o, const struct dom *d);

#endif
