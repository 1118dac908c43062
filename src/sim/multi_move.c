/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A guest coming to a host (multi_run.c decides who and where): first
 * the destination's arbiter makes room, arbiter_reserve() as `membalctl
 * reserve` does it, keeping the size free on top of its reserve by
 * shrinking guests within [L_i, H_i]; once the hypervisor has that much
 * free, the domain is created and the reservation ends. Not within
 * reserve_wait_ms: a new guest is offered to the next host (rejected
 * when none is left), a migration fails and the guest stays where it is.
 *
 * A migration (migrate.c) holds memory on both hosts: on the destination
 * a domain of the guest's size without agent (what the restore side has
 * populated; the arbiter leaves it alone) for the whole pre-copy while
 * the guest runs on at the source; at the switch both stop and the guest
 * starts on the destination, its workload's clock carried over. The
 * final pause is counted as downtime.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbiter/control.h"
#include "common/clock.h"
#include "common/log.h"
#include "sim/multi_int.h"

void mrun_reserve(struct mrun *w, size_t h, int64_t delta_kb)
{
	struct mhost *mh = &w->h[h];

	/* one reservation for the sum, as before reservations added up: the
	 * figures of docs/evaluation.md stay comparable; only its own, not
	 * another tool's (reserve_at) */
	mh->reserving_kb = (uint64_t)((int64_t)mh->reserving_kb + delta_kb);
	if (mh->reserving_id)
		arbiter_release(&mh->a, mh->reserving_id);
	mh->reserving_id = 0;
	if (mh->reserving_kb &&
	    arbiter_reserve(&mh->a, mh->reserving_kb, 0, NULL, &mh->reserving_id) < 0) {
		mh->reserving_id = 0;
		log_warn("host %s: reserve %" PRIu64 " KiB for incoming guests: %s",
			 mh->spec->name, mh->reserving_kb, strerror(errno));
	}
}

void mrun_incoming(struct mrun *w, struct mguest *g, int32_t dst, uint64_t size_kb,
		     bool moving)
{
	uint64_t floor = g->spec->overhead_kb + 16 * 1024;

	g->dst = dst;
	g->size_kb = size_kb > floor ? size_kb : floor;
	g->deadline_ms = clock_now_ms() + w->m->mig.reserve_wait_ms;
	g->ph = PH_ROOM;
	g->st = moving ? G_MIGRATING : G_INCOMING;
	mrun_reserve(w, (size_t)dst, (int64_t)g->size_kb);
}

/* A new guest that a host could not take (its guests at their floors,
 * a balloon too slow, no slot left) is offered to the next host of a
 * plan without that one, as an administrator would start it elsewhere;
 * turned away only when no host is left (design.md §membal-sim: several
 * hosts). */
static void give_up(struct mrun *w, struct mguest *g, const char *why)
{
	log_warn("guest %s: %s on %s (host %s, %s)", g->spec->name, why,
		 w->h[g->dst].spec->name, policy_mode_name(w->h[g->dst].a.cycle.mode),
		 w->h[g->dst].a.cycle.shortfall_kb ? "its guests at their floors" : "room not made");
	if (g->st == G_INCOMING) {
		g->tried |= UINT64_C(1) << g->dst;
		mrun_place_newcomer(w, (size_t)(g - w->g));
		if (g->st == G_INCOMING)
			w->r->reoffered++;
	} else {
		g->st = G_RUNNING;
		w->r->migrations_failed++;
		w->inflight--;
	}
}

/* The destination has made room: create the guest's domain (for a
 * migration, the domain that receives it, and the one it will run in). */
static void room_made(struct mrun *w, struct mguest *g, uint64_t now)
{
	struct mhost *dh = &w->h[g->dst];
	struct sim_guest_spec s = *g->spec, ghost;
	struct migrate_plan mp;
	uint64_t rel = now - w->t0;

	s.memory_kb = g->size_kb;
	g->ph = PH_START;
	if (g->st == G_INCOMING) {
		s.start_ms = rel;
		g->new_domid = mhost_start(dh, &s, false);
		if (!g->new_domid) {
			dh->starting_kb -= g->size_kb;
			mrun_reserve(w, (size_t)g->dst, -(int64_t)g->size_kb);
			give_up(w, g, "no domain slot left");
		}
		return;
	}
	migrate_estimate(&w->m->mig, g->size_kb, g->x->dirty_kb_s, &g->mp);
	mp = g->mp;
	g->switch_ms = now + mp.total_ms;
	ghost = s;
	snprintf(ghost.name, sizeof(ghost.name), "%.*s.in", SIM_NAME_MAX - 4, s.name);
	ghost.agent = false;
	ghost.follows = false;
	ghost.swap_kb = 0;
	sim_workload_parse("idle", &ghost.workload, NULL, 0);
	ghost.start_ms = rel;
	ghost.stop_ms = g->switch_ms - w->t0;
	s.start_ms = g->switch_ms - w->t0;
	s.offset_ms = g->offset_ms + (g->switch_ms - g->since_ms);
	if (dh->next_slot + 1 > dh->slots || !(g->ghost_domid = mhost_start(dh, &ghost, true)) ||
	    !(g->new_domid = mhost_start(dh, &s, false))) {
		dh->starting_kb -= g->size_kb;
		mrun_reserve(w, (size_t)g->dst, -(int64_t)g->size_kb);
		give_up(w, g, "no domain slot left");
		return;
	}
	hv_sim_set_stop(&w->h[g->host].hv, g->domid, g->switch_ms - w->t0);
}

/* A migration whose receiving domain could not be created: the guest
 * stays, its future domain on the destination never starts. */
static void abort_move(struct mrun *w, struct mguest *g)
{
	struct sim_guest_spec never = *g->spec;

	never.start_ms = MULTI_NEVER_MS;
	hv_sim_respec(&w->h[g->dst].hv, g->new_domid, &never);
	hv_sim_set_stop(&w->h[g->host].hv, g->domid, g->spec->stop_ms);
	give_up(w, g, "the receiving domain could not be created");
}

static void step_guest(struct mrun *w, struct mguest *g, uint64_t now)
{
	const struct sim_dom *d;

	switch (g->ph) {
	case PH_ROOM:
		/* Room beyond what domains created here but not started yet
		 * will take, and beyond what another tool's reservations keep
		 * free (`membalctl reserve --wait` is answered ready only
		 * then: reservation_ready counts the others). */
		if (mhost_free_kb(&w->h[g->dst]) >=
		    w->h[g->dst].starting_kb + g->size_kb + mhost_tools_kb(&w->h[g->dst])) {
			w->h[g->dst].starting_kb += g->size_kb;
			room_made(w, g, now);
		} else if (now >= g->deadline_ms) {
			mrun_reserve(w, (size_t)g->dst, -(int64_t)g->size_kb);
			give_up(w, g, "no room made in time");
		}
		return;
	case PH_START:
		/* The reservation holds until the domain has the memory. */
		d = mhost_dom(&w->h[g->dst], g->st == G_INCOMING ? g->new_domid : g->ghost_domid);
		if (!d || d->state == SIM_DOM_PENDING)
			return;
		w->h[g->dst].starting_kb -= g->size_kb;
		mrun_reserve(w, (size_t)g->dst, -(int64_t)g->size_kb);
		if (d->state != SIM_DOM_RUNNING) {
			if (g->st == G_INCOMING)
				give_up(w, g, "domain creation failed");
			else
				abort_move(w, g);
			return;
		}
		if (g->st == G_INCOMING) {
			g->host = g->dst;
			g->domid = g->new_domid;
			g->since_ms = now;
			g->offset_ms = g->spec->offset_ms;
			g->st = G_RUNNING;
			w->r->placed++;
			return;
		}
		g->ph = PH_COPY;
		w->r->migrations++;
		w->r->moved_mib += (double)g->mp.bytes_kb / KIB_PER_MIB;
		w->r->downtime_s += (double)g->mp.downtime_ms / 1000;
		w->r->migrate_s += (double)g->mp.total_ms / 1000;
		log_info("guest %s: %s -> %s, %u rounds, %.1f MiB, %" PRIu64 " ms down",
			 g->spec->name, w->h[g->host].spec->name, w->h[g->dst].spec->name,
			 g->mp.rounds, (double)g->mp.bytes_kb / KIB_PER_MIB, g->mp.downtime_ms);
		return;
	case PH_COPY:
		if (now < g->switch_ms)
			return;
		g->host = g->dst;
		g->domid = g->new_domid;
		g->offset_ms += g->switch_ms - g->since_ms;
		g->since_ms = g->switch_ms;
		g->moved_ms = now;
		g->st = G_RUNNING;
		w->inflight--;
		return;
	}
}

void mrun_progress(struct mrun *w, uint64_t now)
{
	for (size_t i = 0; i < w->ng; i++)
		if (w->g[i].st == G_INCOMING || w->g[i].st == G_MIGRATING)
			step_guest(w, &w->g[i], now);
}

