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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbiter/manage.h"
#include "policy/snapshot.h"
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
static struct snap_report clairvoyant_report(const struct sim_guest_spec *g,
					     uint64_t t)
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
			struct manage_verdict v;
			struct snap_dom in = { .domid = g->domid };
			struct policy_dom s;

			if (!running_at(g, t))
				continue;
			in.managed = sim_guest_rule_at(cfg, g, t, &v);
			in.fig = clairvoyant_report(g, t);
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
			it[n].min_kb = s.min_kb;
			it[n].max_kb = s.max_kb;
			n++;
		}
		kbms += (double)sim_floor_instant(it, n, budget) * (double)step_ms;
	}
	free(it);
	return kbms / 1024 / 1000;
}

/*
 * The lagged floor (a fairer yardstick for a causal policy): the same
 * water-filling, but against each guest's need as it was lag_ms ago (the
 * agent's sample, the arbiter's interval), and the memory moves toward
 * that allocation at the guest's balloon speed, decreases first and
 * increases only out of what is free, as real balloons do. What the
 * water-filling leaves over is spread in proportion to each guest's room
 * below H_i (a causal allocator keeps it in the guests). Shortfall at t
 * is sum max(0, need_i(t) - allocation_i(t)).
 *
 * A guest that has run for less than lag_ms has no need "lag_ms ago": a
 * causal policy has not heard from it yet, so it keeps what it was
 * created with and the others share what is left. (Seeing its need at
 * the start instead would grant a guest that starts short its memory
 * before any report could have told of it.)
 */
struct lag_state {
	bool live, seen;
	uint64_t alloc, target, need_now, need_then, min, max, rate, swap;
	uint64_t anon;           /* of need_now, the workload's demand */
	uint64_t anon_then;      /* of need_then, the workload's demand */
	uint64_t lo, top;        /* the water-filling's range for it */
	uint64_t restart_ms, touch_kb_s;
	struct sim_oom oom;      /* the guest model's OOM rule (oom_restart_s = 0) */
	uint64_t down_ms;        /* the kill-aware floor killed it: down this long */
	uint64_t retouch_kb;     /* back from a kill, it has re-touched this much; 0: all */
	uint64_t untouched_kb;   /* of its demand, what it has not re-touched yet */
	bool dead;               /* the kill-aware floor let it die this step */
};

/*
 * The kill-aware floor at one instant (where the kill frees memory). A
 * guest that may die has two states: alive, at an allocation a >= keep
 * (its need beyond its swap), lacking need - a; or killed, at L_i,
 * lacking dead (its whole demand while down). Memory given to it below
 * keep lowers nobody's shortfall: it dies anyway. So the least total
 * shortfall is, over the set K of guests kept alive,
 *
 *   sum_K (need - lo) - min(spare - C_K, sum_K (top - lo)) + sum_!K dead
 *
 * with lo = max(L_i, keep) the least a living guest holds, C_K = sum_K
 * (lo - L_i) <= spare what keeping them alive costs, and the rest of the
 * spare water-filled 1:1 over the living up to top = min(need, H_i).
 * Each dead >= need - L_i, so this is never below the plain floor (which
 * charges nobody for a kill); and the set a plain water-filling keeps
 * alive is one of the sets tried, so it is never above that allocation's
 * charged shortfall.
 */
static uint64_t kill_lo(const struct floor_kill_item *x)
{
	return x->may_die && x->keep_kb > x->min_kb ? x->keep_kb : x->min_kb;
}

static uint64_t kill_total(const struct floor_kill_item *it, size_t n,
			   uint64_t spare, const bool *kept)
{
	uint64_t lack = 0, cost = 0, give = 0, rem;

	for (size_t i = 0; i < n; i++) {
		uint64_t lo = kill_lo(&it[i]);

		if (!kept[i]) {
			lack += it[i].dead_kb;
			continue;
		}
		lack += it[i].need_kb > lo ? it[i].need_kb - lo : 0;
		give += it[i].top_kb > lo ? it[i].top_kb - lo : 0;
		cost += lo - it[i].min_kb;
	}
	if (cost > spare)
		return UINT64_MAX;   /* cannot keep them all alive */
	rem = spare - cost;
	return lack - (rem < give ? rem : give);
}

/* Saved demand per KiB needed to keep it alive, the greedy's order. */
static int by_saving(const void *a, const void *b, void *ctx)
{
	const struct floor_kill_item *it = ctx;
	const struct floor_kill_item *x = &it[*(const size_t *)a], *y = &it[*(const size_t *)b];
	double rx = (double)x->dead_kb / (double)(kill_lo(x) - x->min_kb);
	double ry = (double)y->dead_kb / (double)(kill_lo(y) - y->min_kb);

	return rx > ry ? -1 : rx < ry ? 1 : 0;
}

uint64_t sim_floor_kill_instant(const struct floor_kill_item *it, size_t n,
				int64_t budget_kb, bool *kept)
{
	uint64_t base = 0, spare, best = UINT64_MAX, t;
	size_t m = 0, *cand = malloc((n ? n : 1) * sizeof(*cand));
	bool *cur = malloc(n ? n : 1);

	if (!cand || !cur)
		goto out;
	for (size_t i = 0; i < n; i++) {
		uint64_t lo = kill_lo(&it[i]);

		base += it[i].min_kb;
		if (it[i].down)
			kept[i] = false;     /* killed and not back yet */
		else if (lo == it[i].min_kb)
			kept[i] = true;      /* lives at its minimum */
		else if (lo > it[i].top_kb)
			kept[i] = false;     /* cannot live within H_i */
		else
			cand[m++] = i;
	}
	spare = budget_kb > 0 && (uint64_t)budget_kb > base ? (uint64_t)budget_kb - base : 0;
	best = kill_total(it, n, spare, kept);
	memcpy(cur, kept, n);
	if (m <= SIM_FLOOR_KILL_EXACT) {
		for (uint64_t mask = 0; mask < (1ULL << m); mask++) {
			for (size_t j = 0; j < m; j++)
				cur[cand[j]] = mask >> j & 1;
			t = kill_total(it, n, spare, cur);
			if (t < best) {
				best = t;
				memcpy(kept, cur, n);
			}
		}
	} else {
		/* Greedy: from all dead, keep alive the guest that saves most
		 * per KiB it needs, while that lowers the total. */
		qsort_r(cand, m, sizeof(*cand), by_saving, (void *)it);
		for (size_t j = 0; j < m; j++)
			cur[cand[j]] = false;
		t = kill_total(it, n, spare, cur);
		for (size_t j = 0; j < m; j++) {
			uint64_t u;

			cur[cand[j]] = true;
			u = kill_total(it, n, spare, cur);
			if (u < t)
				t = u;
			else
				cur[cand[j]] = false;
		}
		if (t < best) {
			best = t;
			memcpy(kept, cur, n);
		}
	}
out:
	free(cand);
	free(cur);
	return best;
}

/* Water-fill the spare over [lo, top] of the seen guests, what is left
 * spread by room below H_i. */
static void lag_fill(struct lag_state *s, size_t n, uint64_t spare)
{
	uint64_t can_give = 0, room = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i].live && s[i].seen)
			can_give += s[i].top > s[i].lo ? s[i].top - s[i].lo : 0;
	for (size_t i = 0; i < n; i++) {
		if (!s[i].live || !s[i].seen)
			continue;
		uint64_t want = s[i].top > s[i].lo ? s[i].top - s[i].lo : 0;

		s[i].target = s[i].lo + (spare >= can_give ? want
			: (uint64_t)((double)want * (double)spare / (double)can_give));
		room += s[i].max - s[i].target;
	}
	if (spare <= can_give || room == 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (s[i].live && s[i].seen)
			s[i].target += (uint64_t)((double)(s[i].max - s[i].target) *
						  (double)(spare - can_give) / (double)room);
}

/* The least allocation at which a guest's lagged need lives (its need
 * beyond its swap); 0 where the kill frees nothing. */
static uint64_t lag_keep(const struct lag_state *x)
{
	if (!x->restart_ms)
		return 0;
	return x->need_then > x->swap ? x->need_then - x->swap : 0;
}

/* Where the kill frees memory and the plain water-filling leaves a guest
 * below what it lives at: choose who lives (sim_floor_kill_instant), the
 * dead at L_i, the spare left water-filled over the living from their
 * keep. Otherwise the plain water-filling stands. */
static void lag_kill_aware(struct lag_state *s, size_t n, uint64_t spare,
			   int64_t budget)
{
	struct floor_kill_item *it = calloc(n ? n : 1, sizeof(*it));
	size_t *at = calloc(n ? n : 1, sizeof(*at));
	bool *kept = calloc(n ? n : 1, 1), starved = false;
	size_t m = 0;

	if (!it || !at || !kept)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (!s[i].live || !s[i].seen)
			continue;
		uint64_t keep = lag_keep(&s[i]);
		uint64_t other = s[i].need_then > s[i].anon_then
				? s[i].need_then - s[i].anon_then : 0;

		it[m] = (struct floor_kill_item){
			.need_kb = s[i].need_then, .min_kb = s[i].min, .top_kb = s[i].top,
			.keep_kb = keep, .may_die = s[i].restart_ms > 0,
			.dead_kb = s[i].anon_then + (other > s[i].min ? other - s[i].min : 0),
		};
		/* dead >= need - L_i: a kill never costs less than the minimum */
		if (it[m].dead_kb < (s[i].need_then > s[i].min ? s[i].need_then - s[i].min : 0))
			it[m].dead_kb = s[i].need_then - s[i].min;
		it[m].down = s[i].down_ms > 0;
		kept[m] = s[i].target >= keep && !it[m].down;
		starved |= it[m].down || (it[m].may_die && keep > s[i].min && s[i].target < keep);
		at[m++] = i;
	}
	if (!starved)
		goto out;
	sim_floor_kill_instant(it, m, budget, kept);
	for (size_t j = 0; j < m; j++) {
		struct lag_state *x = &s[at[j]];
		uint64_t lo = kill_lo(&it[j]);

		x->dead = !kept[j];
		if (kept[j]) {
			x->lo = lo;
			spare -= lo - x->min < spare ? lo - x->min : spare;
		} else {
			x->lo = x->top = x->min;
		}
	}
	lag_fill(s, n, spare);
out:
	free(it);
	free(at);
	free(kept);
}

static void lag_targets(struct lag_state *s, size_t n, int64_t budget)
{
	uint64_t base = 0, spare;
	bool frees = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i].live && !s[i].seen) {
			s[i].target = s[i].alloc;
			budget -= (int64_t)s[i].alloc;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!s[i].live || !s[i].seen)
			continue;
		s[i].dead = false;
		s[i].lo = s[i].min;
		s[i].top = s[i].need_then < s[i].max ? s[i].need_then : s[i].max;
		base += s[i].min;
		frees |= s[i].restart_ms > 0;
	}
	spare = budget > 0 && (uint64_t)budget > base ? (uint64_t)budget - base : 0;
	lag_fill(s, n, spare);
	if (frees)
		lag_kill_aware(s, n, spare, budget);
}

static uint64_t lag_move(struct lag_state *s, size_t n, int64_t budget,
			 uint64_t step_ms, uint64_t *oom_kills)
{
	int64_t held = 0;
	uint64_t shortfall = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t step = s[i].rate * step_ms / 1000;

		if (!s[i].live)
			continue;
		if (s[i].alloc > s[i].target)
			s[i].alloc -= s[i].alloc - s[i].target < step ? s[i].alloc - s[i].target : step;
		held += (int64_t)s[i].alloc;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t step = s[i].rate * step_ms / 1000;
		int64_t free_kb = budget - held;

		if (!s[i].live || s[i].alloc >= s[i].target || free_kb <= 0)
			continue;
		uint64_t up = s[i].target - s[i].alloc;

		up = up < step ? up : step;
		up = up < (uint64_t)free_kb ? up : (uint64_t)free_kb;
		s[i].alloc += up;
		held += (int64_t)up;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t lack, other, room;
		bool kill;

		if (!s[i].live)
			continue;
		lack = s[i].need_now > s[i].alloc ? s[i].need_now - s[i].alloc : 0;
		other = s[i].need_now > s[i].anon ? s[i].need_now - s[i].anon : 0;
		if (s[i].restart_ms) {
			/* The kill frees memory: the floor kills only the
			 * guests it chose to let die (lag_kill_aware), charged
			 * as the guest model charges a killed workload: its
			 * demand short while down, the rest against what it
			 * holds; the guests it keeps alive are charged their
			 * lack, as by the plain floor. */
			if (s[i].dead && !s[i].down_ms) {
				s[i].down_ms = s[i].restart_ms;
				s[i].retouch_kb = 0;
				(*oom_kills)++;
			}
			/* not re-touched yet: short as a killed part is */
			lack += s[i].untouched_kb;
			if (s[i].down_ms) {
				lack = s[i].anon + s[i].untouched_kb +
				       (other > s[i].alloc ? other - s[i].alloc : 0);
				s[i].down_ms -= s[i].down_ms < step_ms ? s[i].down_ms : step_ms;
				/* back: it touches its memory again at the
				 * guest's rate (sim_oom_step), if it has one */
				if (!s[i].down_ms && s[i].touch_kb_s)
					s[i].retouch_kb = SIM_OOM_SURVIVOR_KB;
			} else if (s[i].retouch_kb) {
				s[i].retouch_kb += s[i].touch_kb_s * step_ms / 1000;
			}
			shortfall += lack;
			continue;
		}
		/* The kill frees nothing (the guest model's rule,
		 * sim_oom_step): the kills it would count at this allocation
		 * are printed beside the floor, which stays the lack. */
		room = s[i].alloc + s[i].swap > other ? s[i].alloc + s[i].swap - other : 0;
		sim_oom_step(&s[i].oom, s[i].anon, room, s[i].restart_ms, s[i].touch_kb_s,
			     step_ms, &kill);
		*oom_kills += kill;
		shortfall += lack;
	}
	return shortfall;
}

/* A guest's need at t in target units, as the clairvoyant floor sees it
 * (its start value before it starts). */
static uint64_t need_at(const struct arbiter_config *cfg,
			const struct sim_guest_spec *g, uint64_t t, bool *managed,
			uint64_t *min_kb, uint64_t *max_kb)
{
	struct manage_verdict v;
	struct snap_dom in = { .domid = g->domid };
	struct policy_dom s;

	in.managed = sim_guest_rule_at(cfg, g, t, &v);
	in.fig = clairvoyant_report(g, t < g->start_ms ? g->start_ms : t);
	in.actual_kb = in.managed ? in.fig.balloon_current_kb : g->memory_kb;
	in.min_kb = v.min_kb;
	in.max_kb = v.max_kb;
	in.shares = v.shares;
	snapshot_dom(&in, &s);
	*managed = s.kind != POLICY_UNMANAGED;
	*min_kb = s.min_kb;
	*max_kb = s.max_kb;
	return *managed ? s.committed_as_kb + s.overhead_kb : s.actual_kb;
}

double sim_floor_lagged(const struct sim_scenario *sc,
			const struct arbiter_config *cfg, uint64_t duration_ms,
			uint64_t step_ms, uint64_t lag_ms)
{
	uint64_t kills;

	return sim_floor_lagged_series(sc, cfg, duration_ms, step_ms, lag_ms, NULL, 0,
				       &kills);
}

/* One row per running managed guest every tick_ms: what the lagged floor
 * allocated, to compare a policy's series with second by second. */
static void lag_row(FILE *f, const struct sim_scenario *sc,
		    const struct lag_state *s, uint64_t t)
{
	for (size_t i = 0; i < sc->n_guests; i++) {
		if (!s[i].live)
			continue;
		fprintf(f, "%.3f,%s,%.1f,%.1f,%.1f,%.1f,%.1f\n", (double)t / 1000,
			sc->guests[i].name, (double)s[i].need_now / 1024,
			(double)s[i].need_then / 1024, (double)s[i].target / 1024,
			(double)s[i].alloc / 1024,
			s[i].need_now > s[i].alloc
				? (double)(s[i].need_now - s[i].alloc) / 1024 : 0.0);
	}
}

double sim_floor_lagged_series(const struct sim_scenario *sc,
			       const struct arbiter_config *cfg, uint64_t duration_ms,
			       uint64_t step_ms, uint64_t lag_ms, FILE *series,
			       uint64_t tick_ms, uint64_t *oom_kills)
{
	struct lag_state *s = calloc(sc->n_guests ? sc->n_guests : 1, sizeof(*s));
	double kbms = 0;

	*oom_kills = 0;
	if (!s)
		return -1;
	for (uint64_t t = step_ms; t <= duration_ms; t += step_ms) {
		int64_t budget = (int64_t)sc->total_kb - (int64_t)sc->dom0_kb -
				 (int64_t)cfg->policy.params.reserve_kb;

		for (size_t i = 0; i < sc->n_guests; i++) {
			const struct sim_guest_spec *g = &sc->guests[i];
			bool managed;
			uint64_t lo, hi;

			if (!running_at(g, t)) {
				s[i].live = false;
				continue;
			}
			s[i].need_now = need_at(cfg, g, t, &managed, &lo, &hi);
			if (!managed) {
				budget -= (int64_t)s[i].need_now;   /* what it holds */
				s[i].live = false;
				continue;
			}
			s[i].need_then = need_at(cfg, g, t > lag_ms ? t - lag_ms : 0,
						 &managed, &lo, &hi);
			s[i].seen = t >= g->start_ms + lag_ms;
			s[i].min = lo;
			s[i].max = hi > lo ? hi : lo;
			s[i].rate = g->balloon_rate_kb_s;
			/* zram: less than its size, uncapped (model.h) */
			s[i].swap = sim_swap_room_kb(g, UINT64_MAX);
			s[i].anon = sim_guest_demand_kb(g, t - g->start_ms);
			s[i].anon_then = t > lag_ms && t - lag_ms > g->start_ms
				? sim_guest_demand_kb(g, t - lag_ms - g->start_ms)
				: sim_guest_demand_kb(g, 0);
			s[i].restart_ms = g->phys.oom_restart_ms;
			s[i].touch_kb_s = sim_guest_retouch_kb_s(g);
			if (!s[i].live) {
				memset(&s[i].oom, 0, sizeof(s[i].oom));
				s[i].down_ms = 0;
				s[i].retouch_kb = 0;
				/* it starts with what it was created with */
				s[i].alloc = g->memory_kb < s[i].min ? s[i].min
					   : g->memory_kb > s[i].max ? s[i].max : g->memory_kb;
				s[i].live = true;
			}
			/* A workload the floor killed, back and re-touching:
			 * it needs what it has touched, not its curve yet (the
			 * lagged need too: optimistic, a floor); the rest is
			 * short as the guest model counts it (the killed part). */
			if (s[i].retouch_kb >= s[i].anon)
				s[i].retouch_kb = 0;
			s[i].untouched_kb = s[i].retouch_kb ? s[i].anon - s[i].retouch_kb : 0;
			if (s[i].retouch_kb) {
				uint64_t then = s[i].anon_then < s[i].retouch_kb
					      ? s[i].anon_then : s[i].retouch_kb;

				s[i].need_now -= s[i].anon - s[i].retouch_kb;
				s[i].anon = s[i].retouch_kb;
				s[i].need_then -= s[i].anon_then - then;
				s[i].anon_then = then;
			}
		}
		lag_targets(s, sc->n_guests, budget);
		kbms += (double)lag_move(s, sc->n_guests, budget, step_ms, oom_kills) *
			(double)step_ms;
		if (series && tick_ms && t % tick_ms == 0)
			lag_row(series, sc, s, t);
	}
	free(s);
	return kbms / 1024 / 1000;
}
