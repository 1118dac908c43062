/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rebalance: from the placement running now, the fewest live migrations
 * that relieve the hosts short of memory (the sum of their guests' demand
 * MC_i above what they can hold) for at least `hold` cycles.
 *
 * Greedy, largest relief first: take the host with the largest shortfall,
 * move the guest that relieves the most of it (min(MC_j, shortfall); on a
 * tie the smaller guest, which copies less), to the host that keeps the
 * most room after taking it (which also lowers the Gini). A move must
 * relieve at least min_gain_kb; the destination must hold the guest's
 * demand and its current size without becoming short itself, so no move
 * creates a new shortfall and no guest lands below its minimum.
 *
 * Never moved: dom0, stub domains, held or paused guests, guests with
 * migratable = no, in cooldown, or pinned to another host than the
 * destination. Never to a host that is off or drained, nor across Xen
 * versions or CPU feature sets unless the operator allows it. Every guest
 * moves at most once per plan; moves are grouped in waves of at most
 * max_concurrent, each wave safe to run at once (destinations were
 * checked against the sum of everything sent to them).
 */
#include "place/place_int.h"

#include <stdlib.h>

static uint64_t short_of(const struct place_work *w, size_t h)
{
	return w->up_sum[h] > w->cap[h] ? w->up_sum[h] - w->cap[h] : 0;
}

static bool may_receive(const struct place_work *w, size_t j, size_t s,
			size_t h)
{
	const struct place_dom *d = &w->doms[j];
	const struct place_host *to = &w->hosts[h];

	if (h == s || !to->on || to->drain)
		return false;
	if (d->pin_host >= 0 && (size_t)d->pin_host != h)
		return false;
	if (!pl_compatible(w->p, &w->hosts[s], to))
		return false;
	return w->up_sum[h] + pl_demand(d) <= w->cap[h] &&
	       w->held[h] + d->size_kb <= w->cap[h] &&
	       w->lo_sum[h] + d->min_kb <= w->cap[h];
}

/* The host with the most room left after taking guest j, or -1. */
static int32_t best_dest(const struct place_work *w, size_t j, size_t s)
{
	int32_t best = -1;
	uint64_t best_room = 0;

	for (size_t h = 0; h < w->nh; h++) {
		if (!may_receive(w, j, s, h))
			continue;
		uint64_t room = w->cap[h] - w->up_sum[h] - pl_demand(&w->doms[j]);

		if (best < 0 || room > best_room) {
			best = (int32_t)h;
			best_room = room;
		}
	}
	return best;
}

static void note(struct place_work *w, size_t h, int what)
{
	struct place_plan *pl = w->plan;

	pl->notes[pl->nnotes++] = (struct place_note){
		.host = (uint32_t)h, .short_kb = short_of(w, h), .what = what,
	};
}

int pl_rebalance(struct place_work *w)
{
	const struct place_params *p = w->p;
	struct place_plan *pl = w->plan;
	bool *done = calloc(w->nh, sizeof(*done));
	bool *moved = calloc(w->nd ? w->nd : 1, sizeof(*moved));

	if (!done || !moved) {
		free(done);
		free(moved);
		return pl_error(pl, "out of memory");
	}
	for (size_t j = 0; j < w->nd; j++) {
		const struct place_dom *d = &w->doms[j];

		if (d->host >= 0)
			pl_assign(w, j, (size_t)d->host, d->size_kb);
		else
			pl->why[j] = PLACE_WHY_NOT_RUNNING;
	}
	for (;;) {
		int32_t s = -1;

		for (size_t h = 0; h < w->nh; h++)
			if (w->hosts[h].on && !done[h] && short_of(w, h) > 0 &&
			    (s < 0 || short_of(w, h) > short_of(w, (size_t)s)))
				s = (int32_t)h;
		if (s < 0)
			break;
		uint64_t need = short_of(w, (size_t)s);

		if (w->hosts[s].scarce_cycles < p->hold) {
			note(w, (size_t)s, PLACE_NOTE_HOLD);
			done[s] = true;
			continue;
		}
		if (pl->nmoves >= p->max_moves) {
			note(w, (size_t)s, PLACE_NOTE_MAX_MOVES);
			done[s] = true;
			continue;
		}
		int32_t bj = -1, bd = -1;
		uint64_t bgain = 0;

		for (int32_t j = w->head[s]; j >= 0; j = w->next[j]) {
			const struct place_dom *d = &w->doms[j];
			uint64_t dem = pl_demand(d);
			uint64_t gain = dem < need ? dem : need;

			if (moved[j] || !pl_can_move(p, d) || gain < p->min_gain_kb)
				continue;
			if (bj >= 0 && (gain < bgain ||
					(gain == bgain && (d->size_kb > w->doms[bj].size_kb ||
							   (d->size_kb == w->doms[bj].size_kb && j > bj)))))
				continue;
			int32_t dest = best_dest(w, (size_t)j, (size_t)s);

			if (dest < 0)
				continue;
			bj = j;
			bd = dest;
			bgain = gain;
		}
		if (bj < 0) {
			note(w, (size_t)s, PLACE_NOTE_STUCK);
			done[s] = true;
			continue;
		}
		pl_unassign(w, (size_t)bj, (size_t)s);
		pl_assign(w, (size_t)bj, (size_t)bd, w->doms[bj].size_kb);
		moved[bj] = true;
		pl->moves[pl->nmoves] = (struct place_move){
			.dom = (uint32_t)bj, .from = s, .to = bd,
			.size_kb = w->doms[bj].size_kb,
			.wave = (uint32_t)(pl->nmoves / p->max_concurrent),
			.gain_kb = bgain,
		};
		pl->nmoves++;
	}
	free(done);
	free(moved);
	return 0;
}
