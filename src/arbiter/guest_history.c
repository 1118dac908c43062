/* SPDX-License-Identifier: GPL-2.0-only */
#include "arbiter/guest_history.h"
#include "arbiter/arbiter.h"

#include <string.h>

bool guest_key_is_counter(enum membal_key k)
{
	switch (k) {
	case MK_OOM_KILLS: case MK_PSWPIN: case MK_REFAULT_ANON:
	case MK_REFAULT_FILE: case MK_PGMAJFAULT: case MK_PSI_SOME_TOTAL:
	case MK_PSI_FULL_TOTAL:
		return true;
	default:
		return false;
	}
}

void guest_history_push(struct guest_history *h, const struct guest_figures *last,
			const struct guest_figures *g, uint64_t now_ms)
{
	h->have_d = 0;
	memset(h->d, 0, sizeof(h->d));
	h->dt_ms = 0;
	if (last && h->have_last) {
		h->prev = *last;
		h->prev_ms = h->last_ms;
		h->have_prev = true;
	} else {
		h->have_prev = false;
	}
	h->have_last = true;
	h->last_ms = now_ms;
	if (h->have_prev) {
		h->dt_ms = now_ms > h->prev_ms ? now_ms - h->prev_ms : 0;
		for (int k = 0; k < MK_COUNT; k++) {
			if (!guest_key_is_counter((enum membal_key)k) ||
			    !guest_has(g, (enum membal_key)k) ||
			    !guest_has(&h->prev, (enum membal_key)k))
				continue;
			if (g->v[k] < h->prev.v[k]) {
				h->backwards++;
				continue;
			}
			h->d[k] = g->v[k] - h->prev.v[k];
			h->have_d |= 1u << k;
		}
	}
	/* Every report moves the cold-swap count (on, or back to zero)
	 * and the filter's hold (estimate_hold.h), which starts over with
	 * the history. */
	struct estimate_in in;

	if (!h->have_prev)
		estimate_hold_reset(&h->hold);
	guest_estimate_input(g, h, &in);
	estimate_hold_observe(&h->hold, &in);
	in.used_held_kb = h->hold.held_kb;
	estimate_cold_observe(&h->cold, &in, now_ms);
}

/* PSI's `some avg10` is an exponential average over 10 s, so a guest
 * whose stall has ended (its load fell, a service restarted) still
 * reports it above psi_no_shrink for up to ten seconds while it decays,
 * and was held at its size that long with its memory free (leak-restart:
 * a service restarted from 621 to 142 MiB of load kept 616 MiB for 14 s
 * while three guests paged). The share of time the guest stalled
 * between its last two reports, from the cumulative `psi_some_total`
 * (µs), is the pressure of now, and the lower of the two is used: a
 * stall that starts is seen as before (avg10 rises more slowly than the
 * share) and one that has ended stops holding at the first report after
 * it; a stalling guest publishes (its swap or free memory moves), so
 * the delta of a quiet guest is not stale pressure. Which guests the
 * figure applies to (those above their goal) is the policy's choice
 * (policy.c derive()); design.md §Guest keys, "The pressure of now". */
uint64_t guest_psi_some_now(const struct guest_history *h, uint64_t avg10)
{
	uint64_t us, share;

	if (!guest_history_has(h, MK_PSI_SOME_TOTAL) || !h->dt_ms)
		return avg10;
	/* A share below avg10 goes with an avg10 that falls (it moves
	 * toward the share). One that did not fall beside a counter that
	 * did not move is a heartbeat repeating the last publication's
	 * figures while the guest stalls at a steady rate (some avg10 at
	 * 100.00 in a thrash), not a stall that ended. */
	if (!guest_has(&h->prev, MK_PSI_SOME) || h->prev.v[MK_PSI_SOME] <= avg10)
		return avg10;
	us = h->d[MK_PSI_SOME_TOTAL];
	/* us / (dt_ms * 1000) of the time, in units of 1/10000. */
	share = us > UINT64_MAX / 10 ? us / h->dt_ms * 10 : us * 10 / h->dt_ms;
	return share < avg10 ? share : avg10;
}

/* Swap in use by a report's figures. */
static uint64_t swapped_kb(const struct guest_figures *g)
{
	uint64_t tot = g->v[MK_SWAP_TOT], fr = g->v[MK_SWAP_FREE];

	return tot > fr ? tot - fr : 0;
}

void guest_estimate_input(const struct guest_figures *g,
			  const struct guest_history *h, struct estimate_in *in)
{
	memset(in, 0, sizeof(*in));
	in->committed_as = g->v[MK_COMMITTED_AS];
	in->mem_total = g->v[MK_TOT];
	in->swap_tot = g->v[MK_SWAP_TOT];
	in->swap_free = g->v[MK_SWAP_FREE];
	in->have_avail = guest_has(g, MK_AVAIL);
	in->mem_avail = g->v[MK_AVAIL];
	in->have_lru = guest_has(g, MK_ANON_PAGES) && guest_has(g, MK_SHMEM) &&
		       guest_has(g, MK_ACTIVE_FILE);
	if (in->have_lru) {
		in->anon_pages = g->v[MK_ANON_PAGES];
		in->shmem = g->v[MK_SHMEM];
		in->active_file = g->v[MK_ACTIVE_FILE];
	}
	if (h)
		in->used_held_kb = h->hold.held_kb;
	if (h && h->have_prev) {
		uint64_t was = swapped_kb(&h->prev), now = swapped_kb(g);

		in->d_swap_drop_kb = was > now ? was - now : 0;
	}
	if (!h || !h->have_prev || h->dt_ms == 0 ||
	    !guest_history_has(h, MK_PSWPIN) || !guest_history_has(h, MK_REFAULT_FILE))
		return;
	in->have_deltas = true;
	in->dt_ms = h->dt_ms;
	in->d_pswpin = h->d[MK_PSWPIN];
	in->d_refault_file = h->d[MK_REFAULT_FILE];
	in->have_d_refault_anon = guest_history_has(h, MK_REFAULT_ANON);
	in->d_refault_anon = h->d[MK_REFAULT_ANON];
}

void dom_report_accepted(struct dom *d, const struct guest_figures *prev,
			 uint64_t now_ms)
{
	guest_history_push(&d->hist, prev, &d->fig, now_ms);
	if (!d->have_fig)
		d->first_fig_ms = now_ms;
	d->have_fig = true;
}
