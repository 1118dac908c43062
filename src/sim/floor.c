/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The clairvoyant floor: the least shortfall any allocator could reach
 * if it knew every guest's demand at every instant and could move memory
 * instantly, within each guest's [L_i, H_i] and the memory the host lets
 * the managed guests share:
 *
 *   budget(t) = total - dom0 - reserve - what unmanaged guests hold
 *
 * At one instant, a guest i needs need_i = demand_i + O_i (its overhead:
 * MemTotal = N_i - O_i) to have no shortfall. Every KiB given to a guest
 * below its need removes one KiB of shortfall, whoever gets it, so the
 * water-filling has a closed form: start every guest at L_i, hand the
 * spare budget to guests below min(need_i, H_i); what cannot be handed
 * out is the floor:
 *
 *   floor = sum max(0, need_i - L_i) - min(spare, sum max(0, min(need_i, H_i) - L_i))
 *
 * The integral over the run (right Riemann sum at the model's step) is
 * what each policy's shortfall is compared with. Balloon speed and
 * arbiter latency are ignored: that is the point of a floor.
 *
 * Reservations (another tool's reserve_at, a new guest's `reserve --for`)
 * do not enter: the arbiter serves one only out of what the guests hold
 * above their needs and slacks, never out of those (README, "Starting a
 * new VM on a full host"), so it takes nothing this water-filling gives;
 * a guest created after its reservation is counted from its start_s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbiter/manage.h"
#include "policy/snapshot.h"
#include "sim/floor_int.h"
#include "sim/sim.h"
#include "simhost/model.h"

uint64_t sim_floor_instant(const struct floor_item *it, size_t n,
			   int64_t budget_kb)
{
	uint64_t base = 0, short_at_min = 0, can_give = 0, spare;

	for (size_t i = 0; i < n; i++) {
		uint64_t top = it[i].need_kb < it[i].max_kb ? it[i].need_kb : it[i].max_kb;

		base += it[i].min_kb;
		if (it[i].need_kb > it[i].min_kb)
			short_at_min += it[i].need_kb - it[i].min_kb;
		if (top > it[i].min_kb)
			can_give += top - it[i].min_kb;
	}
	spare = budget_kb > 0 && (uint64_t)budget_kb > base ? (uint64_t)budget_kb - base : 0;
	return short_at_min - (spare < can_give ? spare : can_give);
}

/* The management rule (src/arbiter/manage.h) for a guest of the scenario;
 * and a guest without an agent is never decided by the arbiter. */
bool sim_guest_rule_at(const struct arbiter_config *c, const struct sim_guest_spec *g,
		       uint64_t t_ms, struct manage_verdict *v)
{
	manage_rule(c, g->name, g->type, sim_guest_top_kb(g, t_ms), 0, v);
	return g->agent && manage_ok(v);
}

/* The report a guest holding exactly its need would publish, had it told
 * its demand as Committed_AS: MemTotal = demand, the balloon at demand +
 * O_i. The snapshot builder reads O_i back from it as the arbiter does
 * from a real report. */
struct snap_report sim_floor_report(const struct sim_guest_spec *g, uint64_t t)
{
	/* The truth the simulated guest needs: its workload's demand plus
	 * its tmpfs and file working set (simhost/model.h). */
	uint64_t demand = sim_guest_need_kb(g, sim_guest_demand_kb(g, t - g->start_ms));

	return (struct snap_report){
		.have = SNAP_HAS_MEMTOTAL | SNAP_HAS_BALLOON,
		.memtotal_kb = demand,
		.committed_as_kb = demand,
		.balloon_current_kb = demand + g->overhead_kb,
	};
}

bool sim_floor_running_at(const struct sim_guest_spec *g, uint64_t t)
{
	return t >= g->start_ms && (g->stop_ms == SIM_NEVER || t < g->stop_ms);
}

double sim_floor_scenario(const struct sim_scenario *sc,
			  const struct arbiter_config *cfg, uint64_t duration_ms,
			  uint64_t step_ms)
{
	struct floor_item *it = calloc(sc->n_guests ? sc->n_guests : 1, sizeof(*it));
	double kbms = 0;

	if (!it)
		return -1;
	for (uint64_t t = step_ms; t <= duration_ms; t += step_ms) {
		int64_t budget = (int64_t)sc->total_kb - (int64_t)sc->dom0_kb -
				 (int64_t)cfg->policy.params.reserve_kb;
		size_t n = 0;

		for (size_t i = 0; i < sc->n_guests; i++) {
			const struct sim_guest_spec *g = &sc->guests[i];
			struct manage_verdict v;
			struct snap_dom in = { .domid = g->domid };
			struct policy_dom s;

			if (!sim_floor_running_at(g, t))
				continue;
			in.managed = sim_guest_rule_at(cfg, g, t, &v);
			in.fig = sim_floor_report(g, t);
			/* A managed guest as if it held its need; another one
			 * holds what it was created with. */
			in.actual_kb = in.managed ? in.fig.balloon_current_kb : g->memory_kb;
			in.min_kb = v.min_kb;
			in.max_kb = v.max_kb;
			in.shares = v.shares;
			snapshot_dom(&in, &s);
			if (s.kind == POLICY_UNMANAGED) {
				/* What it holds is nobody's to share. */
				budget -= (int64_t)s.actual_kb;
				continue;
			}
			it[n].need_kb = s.committed_as_kb + s.overhead_kb;
			sim_floor_bounds(g, s.min_kb, s.max_kb, &it[n].min_kb, &it[n].max_kb);
			n++;
		}
		kbms += (double)sim_floor_instant(it, n, budget) * (double)step_ms;
	}
	free(it);
	return kbms / 1024 / 1000;
}
