/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One run of a cluster scenario: every host (multi_host.c) on the one
 * driven clock, advanced in host order; guests placed by the placement
 * core as they arrive; the rebalancer every rebalance_ms; guests coming
 * to a host, new or migrating, go through multi_move.c. Records the
 * cluster's figures every tick and one point before each arrival.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/agent_config.h"
#include "common/clock.h"
#include "common/log.h"
#include "sim/multi_int.h"


void multi_result_free(struct multi_result *r)
{
	free(r->tick);
	free(r->host_used);
	free(r->point);
	memset(r, 0, sizeof(*r));
}

static void bounds(const struct mrun *w, size_t i, const struct arbiter_config *c,
		   struct mguest *g)
{
	const struct multi_guest_extra *x = &w->m->extra[i];
	const struct policy_params *p = &c->policy.params;

	g->max_kb = p->max_kb && p->max_kb < g->spec->static_max_kb ? p->max_kb
								    : g->spec->static_max_kb;
	g->min_kb = x->has_min ? x->min_kb : w->m->min_kb ? w->m->min_kb : p->min_kb;
	if (g->min_kb > g->max_kb)
		g->min_kb = g->max_kb;
	g->shares = x->has_shares ? x->shares : p->shares;
}

/* The per-host arbiter configuration: the cluster's L_i and the guests'
 * own bounds as [domain NAME] rules. */
static int host_config(const struct multi_scenario *m, const struct sim_policy *pol,
		       struct arbiter_config *c)
{
	*c = pol->cfg;
	if (m->min_kb)
		c->policy.params.min_kb = m->min_kb;
	for (size_t i = 0; i < m->sc.n_guests; i++) {
		const struct multi_guest_extra *x = &m->extra[i];
		struct domain_rule *r;

		if (!x->has_min && !x->has_shares)
			continue;
		if (c->nrules == ARB_MAX_RULES) {
			fprintf(stderr, "membal-sim: more than %d guests with their own min_mb or shares: set [cluster] min_mb instead\n",
				ARB_MAX_RULES);
			return -1;
		}
		r = &c->rules[c->nrules++];
		memset(r, 0, sizeof(*r));
		snprintf(r->name, sizeof(r->name), "%s", m->sc.guests[i].name);
		r->has_min = x->has_min;
		r->min_kb = x->min_kb;
		r->has_shares = x->has_shares;
		r->shares = x->shares;
	}
	return 0;
}

bool mrun_host_on(const struct mrun *w, size_t h)
{
	if (w->m->host[h].always_on)
		return true;
	for (size_t i = 0; i < w->ng; i++) {
		const struct mguest *g = &w->g[i];

		if (((g->st == G_RUNNING || g->st == G_MIGRATING) && g->host == (int32_t)h) ||
		    ((g->st == G_INCOMING || g->st == G_MIGRATING) && g->dst == (int32_t)h))
			return true;
	}
	return false;
}

/* ---- the cluster as the placement core sees it ---- */

/* A plan over the guests arrived (and newcomer); *map gives each plan
 * guest's index in w->g. */
static int snapshot(struct mrun *w, int32_t newcomer, struct place_plan *plan,
		    enum place_algorithm alg, uint32_t **map)
{
	struct place_host *ph = calloc(w->nh, sizeof(*ph));
	struct place_dom *pd = calloc(w->ng + w->nh, sizeof(*pd));
	struct place_dom *dom0 = calloc(w->nh, sizeof(*dom0));
	uint32_t *idx = calloc(w->ng + w->nh, sizeof(*idx));
	size_t n = 0;
	int rc = -1;
	uint64_t now = clock_now_ms();

	if (!ph || !pd || !idx || !dom0)
		goto out;
	/* A host that is on runs its dom0, which the placement core sees as
	 * a guest that never moves (so pemm counts the host as open); one
	 * that is off has none, and its dom0's memory is not on offer. */
	for (size_t h = 0; h < w->nh; h++) {
		const struct multi_host_spec *hs = w->h[h].spec;
		bool on = mrun_host_on(w, h);

		/* membal-place reads the reservations in force as reserve
		 * (placetool/status_json.c); an incoming guest's own is its
		 * domain below, another tool's (reserve_at) is kept free. */
		uint64_t mem = on ? hs->total_kb : hs->total_kb - hs->dom0_kb;
		uint64_t keep = w->h[h].cfg.policy.params.reserve_kb + mhost_tools_kb(&w->h[h]);

		ph[h] = (struct place_host){
			.name = hs->name,
			.mem_kb = mem,
			.reserve_kb = keep < mem ? keep : mem,
			.on = on,
			/* A host that could not make room for the newcomer in
			 * time is not offered it again. */
			.drain = newcomer >= 0 && (w->g[newcomer].tried >> h & 1),
			.xen_version = "", .cpu_features = "",
			.scarce_cycles = w->h[h].scarce_cycles,
		};
		if (on)
			dom0[h] = (struct place_dom){
				.name = "Domain-0", .kind = PLACE_DOM0, .host = (int32_t)h,
				.pin_host = (int32_t)h, .min_kb = hs->dom0_kb,
				.max_kb = hs->dom0_kb, .size_kb = hs->dom0_kb,
				.demand_kb = hs->dom0_kb, .active_kb = hs->dom0_kb,
				.shares = 1, .last_move_age_s = PLACE_NEVER_MOVED,
			};
	}
	for (size_t i = 0; i < w->ng; i++) {
		struct mguest *g = &w->g[i];
		struct place_dom *d = &pd[n];

		if (g->st == G_WAIT || g->st == G_REJECTED)
			if ((int32_t)i != newcomer)
				continue;
		*d = (struct place_dom){
			.name = g->spec->name, .kind = PLACE_DOMU, .host = -1, .pin_host = -1,
			.min_kb = g->min_kb, .max_kb = g->max_kb, .shares = g->shares,
			.demand_kb = g->max_kb, .active_kb = g->max_kb,
			.last_move_age_s = g->moved_ms ? (uint32_t)((now - g->moved_ms) / 1000)
						       : PLACE_NEVER_MOVED,
		};
		if (g->st == G_RUNNING) {
			const struct sim_dom *sd = mhost_dom(&w->h[g->host], g->domid);
			const struct dom *ad = mhost_arbiter_dom(&w->h[g->host], g->domid);

			d->host = g->host;
			d->size_kb = sd ? sd->tot_kb : g->size_kb;
			if (ad && ad->decided && ad->decision.goal_kb)
				d->demand_kb = d->active_kb = ad->decision.goal_kb;
			/* The arbiter does not shrink it below its floor L_i'
			 * (growth is never cut): placement must not count on
			 * that memory (design.md §Placement at the floor). */
			if (ad && ad->decided && ad->decision.floor_kb > d->min_kb)
				d->min_kb = ad->decision.floor_kb < d->max_kb
					? ad->decision.floor_kb : d->max_kb;
			/* Placement only places the newcomer: the others stay. */
			d->migratable = alg == PLACE_REBALANCE && g->x->migratable;
		} else if ((int32_t)i != newcomer) {
			/* Arriving or migrating: it will hold size_kb there. */
			d->host = g->dst;
			d->size_kb = d->demand_kb = d->active_kb = g->size_kb;
			if (d->size_kb < d->min_kb)
				d->min_kb = d->size_kb;
			if (d->size_kb > d->max_kb)
				d->max_kb = d->size_kb;
		} else {
			/* Nothing measured yet: it needs what it boots with
			 * (xl's memory=), as its administrator declared. */
			d->demand_kb = d->active_kb = g->spec->memory_kb < g->min_kb ? g->min_kb
				: g->spec->memory_kb > g->max_kb ? g->max_kb : g->spec->memory_kb;
			d->migratable = true;
		}
		idx[n++] = (uint32_t)i;
	}
	for (size_t h = 0; h < w->nh; h++)
		if (dom0[h].name) {
			idx[n] = UINT32_MAX;
			pd[n++] = dom0[h];
		}
	rc = place_plan(&w->rs->pp, ph, w->nh, pd, n, alg, plan);
	if (rc < 0) {
		log_warn("placement (%s): %s", place_algorithm_names[alg], plan->error);
	} else {
		*map = idx;
		idx = NULL;
	}
out:
	free(ph);
	free(dom0);
	free(pd);
	free(idx);
	return rc;
}

/* ---- arrivals and rebalancing ---- */

void mrun_place_newcomer(struct mrun *w, size_t i)
{
	struct mguest *g = &w->g[i];
	struct place_plan plan = { 0 };
	uint32_t *map = NULL;

	g->st = G_WAIT;
	if (snapshot(w, (int32_t)i, &plan, w->rs->placement, &map) == 0) {
		for (size_t k = 0; k < plan.ndoms; k++)
			if (map[k] == i && plan.host[k] >= 0) {
				log_info("guest %s: placed on %s at %" PRIu64 " KiB (%s)",
					 g->spec->name, w->h[plan.host[k]].spec->name,
					 plan.size_kb[k], place_algorithm_names[w->rs->placement]);
				mrun_incoming(w, g, plan.host[k], plan.size_kb[k], false);
				break;
			}
	}
	if (g->st == G_WAIT) {
		g->st = G_REJECTED;
		w->r->rejected++;
		log_warn("guest %s: no host for it (%s)", g->spec->name,
			   place_algorithm_names[w->rs->placement]);
	}
	free(map);
	place_plan_free(&plan);
}

static void arrive(struct mrun *w, size_t i)
{
	w->r->arrivals++;
	mrun_place_newcomer(w, i);
}

static void rebalance(struct mrun *w)
{
	struct place_plan plan = { 0 };
	uint32_t *map = NULL;

	w->r->rebalances++;
	if (w->inflight >= w->rs->pp.max_concurrent ||
	    snapshot(w, -1, &plan, PLACE_REBALANCE, &map) < 0) {
		place_plan_free(&plan);
		return;
	}

	log_info("rebalance: %zu moves, %zu notes, short %" PRIu64 " -> %" PRIu64 " KiB, Gini %.3f -> %.3f",
		 plan.nmoves, plan.nnotes, plan.short_before_kb, plan.short_after_kb,
		 plan.gini_before, plan.gini_after);
	for (size_t k = 0; k < plan.nnotes; k++)
		log_info("rebalance: host %s short %" PRIu64 " KiB: %s",
			 w->h[plan.notes[k].host].spec->name, plan.notes[k].short_kb,
			 plan.notes[k].what == PLACE_NOTE_HOLD ? "not for hold cycles yet" :
			 plan.notes[k].what == PLACE_NOTE_STUCK ? "no move relieves min_gain" :
			 "max_moves reached");
	for (size_t k = 0; k < plan.nmoves && w->inflight < w->rs->pp.max_concurrent; k++) {
		const struct place_move *mv = &plan.moves[k];
		struct mguest *g;
		const struct sim_dom *sd;

		if (map[mv->dom] == UINT32_MAX)
			continue;
		g = &w->g[map[mv->dom]];
		if (mv->wave != 0 || mv->from < 0 || g->st != G_RUNNING)
			continue;
		sd = mhost_dom(&w->h[g->host], g->domid);
		w->inflight++;
		mrun_incoming(w, g, mv->to, sd ? sd->tot_kb : mv->size_kb, true);
	}
	free(map);
	place_plan_free(&plan);
}

/* ---- what the run measured ---- */

static void record(struct mrun *w, size_t tick)
{
	struct multi_tick *t = &w->r->tick[tick];
	double util[MULTI_MAX_HOSTS];
	size_t on = 0;

	memset(t, 0, sizeof(*t));
	for (size_t h = 0; h < w->nh; h++) {
		size_t running;
		uint64_t ghost, used = mhost_used_kb(&w->h[h], &running, &ghost);
		uint64_t room = w->h[h].spec->total_kb - w->h[h].spec->dom0_kb;

		bool powered = running || w->m->host[h].always_on;

		t->held_twice_mib += (float)(ghost / KIB_PER_MIB);

		w->r->host_used[tick * w->nh + h] = powered ? (float)(used / KIB_PER_MIB) : NAN;
		if (powered)
			util[on++] = (double)used / (double)room;
	}
	for (size_t i = 0; i < w->ng; i++) {
		const struct mguest *g = &w->g[i];
		const struct sim_dom *d;

		if (g->st != G_RUNNING && g->st != G_MIGRATING)
			continue;
		d = mhost_dom(&w->h[g->host], g->domid);
		if (!d || d->state != SIM_DOM_RUNNING)
			continue;
		/* As the single-host metrics: the part of the demand an OOM
		 * kill took down is short and of no use whatever the guest
		 * holds (simhost/model.h). */
		uint64_t mt = d->mem.mem_total, dem = d->demand_kb;
		uint64_t killed = sim_dom_killed_kb(d), live = dem - killed;

		t->utility += g->shares * (double)(mt < live ? mt : live) / KIB_PER_MIB;
		t->shortfall_mib += (float)(killed / KIB_PER_MIB);
		if (live > mt)
			t->shortfall_mib += (float)((live - mt) / KIB_PER_MIB);
	}
	t->hosts_on = (float)on;
	t->gini = on >= 2 ? (float)place_gini(util, on) : -1.0f;
}

/* Measured in the spare tick slot (n_ticks) so the series is untouched. */
static void point(struct mrun *w, uint32_t arrived)
{
	size_t tick_now = w->r->n_ticks;
	struct multi_point *p = &w->r->point[w->r->n_points++];
	size_t running = 0;

	for (size_t i = 0; i < w->ng; i++)
		running += w->g[i].st == G_RUNNING || w->g[i].st == G_MIGRATING;
	record(w, tick_now);
	*p = (struct multi_point){
		.arrived = arrived, .running = (uint32_t)running,
		.utility = w->r->tick[tick_now].utility,
		.hosts_on = (uint32_t)w->r->tick[tick_now].hosts_on,
	};
}

static void collect(struct mrun *w, double duration_s)
{
	struct multi_result *r = w->r;
	double util = 0, gini = 0;
	size_t ginis = 0;

	for (size_t h = 0; h < w->nh; h++) {
		const struct sim_host *sh = hv_sim_host(&w->h[h].hv);

		for (size_t k = 0; k < sh->n; k++) {
			const struct sim_dom *d = &sh->dom[k];

			if (w->h[h].ghost[d->domid] || !d->m.elapsed_ms)
				continue;
			r->shortfall_mibs += d->m.shortfall_kbms / KIB_PER_MIB / 1000;
			r->demand_mibs += d->m.demand_kbms / KIB_PER_MIB / 1000;
			r->oom_kills += d->mem.oom_kills;
		}
	}
	for (size_t t = 0; t < r->n_ticks; t++) {
		r->hosts_on_s += r->tick[t].hosts_on * (double)r->tick_ms / 1000;
		r->held_twice_mibs += r->tick[t].held_twice_mib * (double)r->tick_ms / 1000;
		util += r->tick[t].utility;
		if (r->tick[t].gini >= 0) {
			gini += r->tick[t].gini;
			ginis++;
		}
	}
	r->utility_mean = r->n_ticks ? util / (double)r->n_ticks : 0;
	r->gini_mean = ginis ? gini / (double)ginis : -1;
	(void)duration_s;
}

static int alloc_result(struct multi_result *r, const struct multi_scenario *m,
			const struct multi_run_spec *rs, const struct sim_run_options *o)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->label, sizeof(r->label), "%s", rs->name);
	r->n_hosts = m->n_hosts;
	r->tick_ms = o->tick_ms;
	r->n_ticks = (size_t)(o->duration_ms / o->tick_ms);
	r->tick = calloc(r->n_ticks + 1, sizeof(*r->tick));
	r->host_used = calloc((r->n_ticks + 1) * m->n_hosts, sizeof(float));
	r->point = calloc(m->sc.n_guests + 1, sizeof(*r->point));
	return r->tick && r->host_used && r->point ? 0 : -1;
}

static uint64_t min_of(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

int multi_run(const struct multi_scenario *m, const struct multi_run_spec *rs,
	      const struct sim_policy *pol, const struct sim_run_options *o,
	      struct multi_result *r)
{
	static struct mhost hosts[MULTI_MAX_HOSTS];
	struct mrun w = { .m = m, .rs = rs, .h = hosts, .nh = m->n_hosts, .r = r,
			  .ng = m->sc.n_guests };
	static struct arbiter_config cfg;
	struct agent_config ac;
	struct timespec ts0, ts1;
	FILE *log = NULL;
	uint64_t end, next_cycle, next_sample, next_tick, next_reb = UINT64_MAX;
	size_t tick = 0, next_arrival = 0;
	int rc = -1;

	clock_gettime(CLOCK_MONOTONIC, &ts0);
	memset(hosts, 0, sizeof(hosts));
	if (alloc_result(r, m, rs, o) < 0 || host_config(m, pol, &cfg) < 0 ||
	    !(w.g = calloc(w.ng ? w.ng : 1, sizeof(*w.g))))
		goto out;
	log = fopen(o->log_path ? o->log_path : "/dev/null", "we");
	if (!log) {
		fprintf(stderr, "membal-sim: %s: %s\n", o->log_path, strerror(errno));
		goto out;
	}
	log_set_stream(log);
	log_set_level(o->log_level);
	agent_config_defaults(&ac);
	ac.handover_retry_ms = 1000;
	clock_drive(1000000);
	for (size_t h = 0; h < w.nh; h++)
		if (mhost_open(&hosts[h], m, h, &cfg, &ac) < 0)
			goto out;
	for (size_t i = 0; i < w.ng; i++) {
		w.g[i].spec = &m->sc.guests[i];
		w.g[i].x = &m->extra[i];
		w.g[i].host = w.g[i].dst = -1;
		bounds(&w, i, &cfg, &w.g[i]);
	}
	w.t0 = clock_now_ms();
	end = w.t0 + o->duration_ms;
	next_cycle = w.t0 + cfg.interval_ms;
	next_sample = w.t0 + ac.sample_ms;
	next_tick = w.t0 + o->tick_ms;
	if (rs->rebalance_ms)
		next_reb = w.t0 + rs->rebalance_ms;
	/* Guests arrive in start_s order (the scenario sorts by domid). */
	size_t *order = calloc(w.ng ? w.ng : 1, sizeof(*order));

	if (!order)
		goto out;
	for (size_t i = 0; i < w.ng; i++) {
		size_t k = i;

		while (k > 0 && w.g[order[k - 1]].spec->start_ms > w.g[i].spec->start_ms) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
	while (clock_now_ms() < end) {
		uint64_t now = clock_now_ms(), arr = UINT64_MAX, next;

		if (next_arrival < w.ng)
			arr = w.t0 + w.g[order[next_arrival]].spec->start_ms;
		next = min_of(min_of(next_cycle, next_sample), min_of(end, min_of(arr, next_reb)));
		for (size_t h = 0; h < w.nh; h++) {
			const struct multi_host_spec *hs = &m->host[h];

			next = min_of(next, hosts[h].early_ms);
			/* Another tool's reservation at its own second. */
			next = w.t0 + sim_resv_tools_next(&hosts[h].tools, hs->resv_ev,
							  hs->n_resv_ev, now - w.t0,
							  next - w.t0);
		}
		if (next < now)
			next = now;
		clock_advance(next - now);
		/* As run.c: the tools act first, then the hosts move. */
		for (size_t h = 0; h < w.nh; h++)
			sim_resv_tools_run(&hosts[h].tools, m->host[h].resv_ev,
					   m->host[h].n_resv_ev, &hosts[h].a, next - w.t0);
		for (size_t h = 0; h < w.nh; h++)
			hosts[h].hv.ops->advance(&hosts[h].hv, next);
		mrun_progress(&w, next);
		while (next_arrival < w.ng && w.t0 + w.g[order[next_arrival]].spec->start_ms <= next) {
			if (next_arrival > 0)
				point(&w, (uint32_t)next_arrival);
			arrive(&w, order[next_arrival++]);
		}
		if (next == next_reb) {
			rebalance(&w);
			next_reb += rs->rebalance_ms;
		}
		if (next == next_cycle) {
			next_cycle += cfg.interval_ms;
			for (size_t h = 0; h < w.nh; h++)
				mhost_cycle(&hosts[h], next, next_cycle);
		} else {
			for (size_t h = 0; h < w.nh; h++)
				if (hosts[h].early_ms == next)
					mhost_cycle(&hosts[h], next, next_cycle);
		}
		if (next == next_sample)
			next_sample += ac.sample_ms;
		while (next_tick <= next && tick < r->n_ticks) {
			record(&w, tick++);
			next_tick += o->tick_ms;
		}
	}
	if (next_arrival > 0)
		point(&w, (uint32_t)next_arrival);
	free(order);
	collect(&w, (double)o->duration_ms / 1000);
	rc = 0;
out:
	for (size_t h = 0; h < w.nh; h++)
		mhost_close(&hosts[h]);
	free(w.g);
	log_set_stream(stderr);
	if (log)
		fclose(log);
	if (rc < 0)
		multi_result_free(r);
	clock_gettime(CLOCK_MONOTONIC, &ts1);
	if (rc == 0)
		r->wall_s = (double)(ts1.tv_sec - ts0.tv_sec) +
			    (double)(ts1.tv_nsec - ts0.tv_nsec) / 1e9;
	return rc;
}
