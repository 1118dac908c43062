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
 */
#include <stdlib.h>

#include "arbiter/hv.h"
#include "sim/sim.h"

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

bool sim_guest_managed(const struct arbiter_config *c, const struct sim_guest_spec *g)
{
	const struct domain_rule *r = arbiter_config_rule(c, g->name);

	if (!g->agent)
		return false;
	if (r && r->has_managed)
		return r->managed;
	if (arbiter_config_excluded(c, g->name))
		return false;
	return !(g->type == HV_TYPE_HVM && !c->manage_hvm) &&
	       !(g->type == HV_TYPE_PVH && !c->manage_pvh);
}

void sim_guest_bounds(const struct arbiter_config *c, const struct sim_guest_spec *g,
		      uint64_t *min_kb, uint64_t *max_kb)
{
	const struct policy_params *p = &c->policy.params;
	const struct domain_rule *r = arbiter_config_rule(c, g->name);

	*min_kb = r && r->has_min ? r->min_kb : p->min_kb;
	*max_kb = r && r->has_max ? r->max_kb : (p->max_kb ? p->max_kb : g->static_max_kb);
	if (*max_kb > g->static_max_kb)
		*max_kb = g->static_max_kb;
	if (*min_kb > *max_kb)
		*min_kb = *max_kb;
}

static bool running_at(const struct sim_guest_spec *g, uint64_t t)
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

			if (!running_at(g, t))
				continue;
			if (!sim_guest_managed(cfg, g)) {
				budget -= (int64_t)g->memory_kb;
				continue;
			}
			it[n].need_kb = sim_guest_need_kb(g, sim_guest_demand_kb(g, t - g->start_ms)) +
					 g->overhead_kb;
			sim_guest_bounds(cfg, g, &it[n].min_kb, &it[n].max_kb);
			n++;
		}
		kbms += (double)sim_floor_instant(it, n, budget) * (double)step_ms;
	}
	free(it);
	return kbms / 1024 / 1000;
}
