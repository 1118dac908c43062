/* SPDX-License-Identifier: GPL-2.0-only */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbiter/manage.h"
#include "policy/snapshot.h"
#include "sim/floor_int.h"
#include "sim/sim.h"
#include "simhost/model.h"

/*
 * The lagged floor (a fairer yardstick for a causal policy): the same
 * water-filling, but against each guest's need as it was lag_ms ago (the
 * agent's sample, the arbiter's interval), and the memory moves toward
 * that allocation at the guest's balloon speed, decreases first and
 * increases only out of what is free, as real balloons do. What the
 * water-filling leaves over is spread in proportion to each guest's room
 * below H_i (a causal allocator keeps it in the guests), less what the
 * reservations in force keep free (reserve_at, sim_resv_in_force_kb()):
 * they take what is left over beyond the guests' slacks (need_slack_pct
 * of the lagged need), never a need, as the arbiter serves them
 * (lag_withheld()). Shortfall at t is sum max(0, need_i(t) -
 * allocation_i(t)).
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
	bool creating;           /* due (start_s > 0), its memory not yet free */
	bool paused;             /* xl pause: nobody can move what it holds */
	uint64_t create_kb;      /* what it is created with, within [L_i, H_i] */
	uint64_t wait_kb;        /* while creating, what it lacks: its whole need */
};

/* Of the memory the water-filling leaves over (left), what the
 * reservations in force (resv_kb) keep free: what is beyond the guests'
 * slacks (slack_pct of their lagged need, up to H_i), at most resv_kb.
 * A reservation is served only out of what guests hold above their needs
 * and slacks (README, "Starting a new VM"; policy.c), never out of those:
 * the part that would cut them waits. */
static uint64_t lag_withheld(const struct lag_state *s, size_t n, uint64_t left,
			     uint64_t resv_kb, uint32_t slack_pct)
{
	uint64_t slack = 0;

	if (!resv_kb)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!s[i].live || !s[i].seen)
			continue;
		uint64_t want = s[i].need_then * slack_pct / 100;
		uint64_t room = s[i].max - s[i].target;

		slack += want < room ? want : room;
	}
	if (left <= slack)
		return 0;
	return left - slack < resv_kb ? left - slack : resv_kb;
}

/* Water-fill the spare over [lo, top] of the seen guests; what is left,
 * less what the reservations keep free, spread by room below H_i. */
static void lag_fill(struct lag_state *s, size_t n, uint64_t spare,
		     uint64_t resv_kb, uint32_t slack_pct)
{
	uint64_t can_give = 0, room = 0, left;

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
	left = spare - can_give;
	left -= lag_withheld(s, n, left, resv_kb, slack_pct);
	for (size_t i = 0; i < n; i++)
		if (s[i].live && s[i].seen)
			s[i].target += (uint64_t)((double)(s[i].max - s[i].target) *
						  (double)left / (double)room);
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
			   int64_t budget, uint64_t resv_kb, uint32_t slack_pct)
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
		uint64_t lo = sim_floor_kill_lo(&it[j]);

		x->dead = !kept[j];
		if (kept[j]) {
			x->lo = lo;
			spare -= lo - x->min < spare ? lo - x->min : spare;
		} else {
			x->lo = x->top = x->min;
		}
	}
	lag_fill(s, n, spare, resv_kb, slack_pct);
out:
	free(it);
	free(at);
	free(kept);
}

/*
 * A guest due at start_s > 0 is created once what it is created with is
 * free (`xl create` after `membalctl reserve --wait`): memory is not
 * counted twice. lag_targets() has made the room (the others' targets
 * leave create_kb out, as the reservation's cut does). What another
 * guest holds above its new target but within its lagged need
 * (max(target, top)) leaves it only at its balloon's speed (lag_move's
 * decreases). What it holds above both is the water-filling's leftover,
 * spread over the guests only because nobody needed it: a policy that
 * had kept it free would create at once, so the floor takes it back at
 * once, as much as the new guest lacks (from each guest in proportion to
 * its part), and charges no wait for it. Until it is created the guest
 * is short its whole need (sim_guest_step_unstarted). Returns whether a
 * guest was created (the caller fills again with it in).
 */
static bool lag_create(struct lag_state *s, size_t n, int64_t budget)
{
	int64_t held = 0;
	bool made = false;

	for (size_t i = 0; i < n; i++)
		if (s[i].live && !s[i].creating)
			held += (int64_t)s[i].alloc;
	for (size_t i = 0; i < n; i++) {
		uint64_t parked = 0, lack, took = 0;

		if (!s[i].live || !s[i].creating)
			continue;
		if (budget - held < (int64_t)s[i].create_kb) {
			lack = (uint64_t)((int64_t)s[i].create_kb - (budget - held));
			for (size_t j = 0; j < n; j++) {
				uint64_t keep = s[j].target > s[j].top ? s[j].target : s[j].top;

				if (s[j].live && !s[j].creating && s[j].seen && s[j].alloc > keep)
					parked += s[j].alloc - keep;
			}
			/* all of it if that is not enough: the rest comes by
			 * balloon (lag_move) */
			if (parked < lack)
				lack = parked;
			for (size_t j = 0; j < n && took < lack; j++) {
				uint64_t keep = s[j].target > s[j].top ? s[j].target : s[j].top, x;

				if (!s[j].live || s[j].creating || !s[j].seen || s[j].alloc <= keep)
					continue;
				x = (uint64_t)((double)(s[j].alloc - keep) * (double)lack / (double)parked) + 1;
				x = x < s[j].alloc - keep ? x : s[j].alloc - keep;
				x = x < lack - took ? x : lack - took;
				s[j].alloc -= x;
				took += x;
			}
			held -= (int64_t)took;
			if (budget - held < (int64_t)s[i].create_kb)
				continue;
		}
		s[i].creating = false;
		s[i].alloc = s[i].create_kb;
		held += (int64_t)s[i].alloc;
		made = true;
	}
	return made;
}

static void lag_targets(struct lag_state *s, size_t n, int64_t budget,
			uint64_t resv_kb, uint32_t slack_pct)
{
	uint64_t base = 0, spare;
	bool frees = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i].live && !s[i].seen) {
			/* a guest being created: the room for it is made at
			 * once (the reservation's cut), the others share the rest */
			s[i].target = s[i].creating ? s[i].create_kb : s[i].alloc;
			budget -= (int64_t)s[i].target;
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
	lag_fill(s, n, spare, resv_kb, slack_pct);
	if (frees)
		lag_kill_aware(s, n, spare, budget, resv_kb, slack_pct);
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

		if (!s[i].live || s[i].creating || s[i].alloc >= s[i].target || free_kb <= 0)
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
		if (s[i].creating) {
			/* not started: short its whole need, as the guest
			 * model charges a guest waiting for its room */
			shortfall += s[i].wait_kb;
			continue;
		}
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
	in.fig = sim_floor_report(g, t < g->start_ms ? g->start_ms : t);
	in.actual_kb = in.managed ? in.fig.balloon_current_kb : g->memory_kb;
	in.min_kb = v.min_kb;
	in.max_kb = v.max_kb;
	in.shares = v.shares;
	snapshot_dom(&in, &s);
	*managed = s.kind != POLICY_UNMANAGED;
	sim_floor_bounds(g, s.min_kb, s.max_kb, min_kb, max_kb);
	return *managed ? s.committed_as_kb + s.overhead_kb : s.actual_kb;
}

/*
 * What a causal policy knows of guest g at t: its agent's report of
 * t - lag_ms (*then), the lag from the start on (false: nothing yet,
 * the guest keeps what it was created with). While the agent is quiet
 * (agent_quiet_s: hung, its report keeps its last figures) the policy
 * hears nothing new, so neither does the floor: its need stays the one
 * of the hang's start, and a guest whose agent was quiet from its boot
 * has not been heard of until the agent speaks (plus the lag). Before
 * session 19 the floor read a quiet guest's demand all along.
 *
 * A paused guest (paused_s: `xl pause`) runs no agent either, so its
 * need is frozen the same way; and while it is paused nobody can act on
 * it (its balloon driver does not run, the arbiter leaves it alone):
 * false, it keeps what it holds and the others share the rest
 * (paused_at()). Before start19 the floor went on moving it.
 */
static bool paused_at(const struct sim_guest_spec *g, uint64_t t)
{
	return g->pause_to_ms > g->pause_from_ms && t >= g->pause_from_ms &&
	       t < g->pause_to_ms;
}

/* Within [from, to): the report of from, the last before the silence. */
static bool silent_then(uint64_t from, uint64_t to, uint64_t start,
			uint64_t *then)
{
	if (to <= from || *then < from || *then >= to)
		return true;
	if (from <= start)
		return false;
	*then = from;
	return true;
}

static bool heard(const struct sim_guest_spec *g, uint64_t t, uint64_t lag_ms,
		  uint64_t *then)
{
	*then = t > lag_ms ? t - lag_ms : 0;
	if (t < g->start_ms + lag_ms)
		return false;
	if (!silent_then(g->quiet_from_ms, g->quiet_to_ms, g->start_ms, then) ||
	    !silent_then(g->pause_from_ms, g->pause_to_ms, g->start_ms, then))
		return false;
	return !paused_at(g, t);
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
			s[i].creating ? (double)s[i].wait_kb / 1024
			: s[i].need_now > s[i].alloc
				? (double)(s[i].need_now - s[i].alloc) / 1024 : 0.0);
	}
}

double sim_floor_lagged_series(const struct sim_scenario *sc,
			       const struct arbiter_config *cfg, uint64_t duration_ms,
			       uint64_t step_ms, uint64_t lag_ms, FILE *series,
			       uint64_t tick_ms, uint64_t *oom_kills)
{
	struct lag_state *s = calloc(sc->n_guests ? sc->n_guests : 1, sizeof(*s));
	uint32_t slack_pct = cfg->policy.params.need_slack_pct;
	uint64_t resv_kb;
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
			uint64_t lo, hi, then;

			if (!sim_floor_running_at(g, t)) {
				s[i].live = false;
				continue;
			}
			s[i].need_now = need_at(cfg, g, t, &managed, &lo, &hi);
			if (!managed) {
				budget -= (int64_t)s[i].need_now;   /* what it holds */
				s[i].live = false;
				continue;
			}
			s[i].seen = heard(g, t, lag_ms, &then);
			s[i].paused = paused_at(g, t);
			s[i].need_then = need_at(cfg, g, then, &managed, &lo, &hi);
			s[i].min = lo;
			s[i].max = hi > lo ? hi : lo;
			s[i].rate = g->balloon_rate_kb_s;
			/* zram: less than its size, uncapped (model.h) */
			s[i].swap = sim_swap_room_kb(g, UINT64_MAX);
			s[i].anon = sim_guest_demand_kb(g, t - g->start_ms);
			s[i].anon_then = then > g->start_ms
				? sim_guest_demand_kb(g, then - g->start_ms)
				: sim_guest_demand_kb(g, 0);
			s[i].restart_ms = g->phys.oom_restart_ms;
			s[i].touch_kb_s = sim_guest_retouch_kb_s(g);
			if (!s[i].live) {
				memset(&s[i].oom, 0, sizeof(s[i].oom));
				s[i].down_ms = 0;
				s[i].retouch_kb = 0;
				/* it starts with what it was created with; one
				 * due later waits for that memory (lag_create) */
				s[i].create_kb = g->memory_kb < s[i].min ? s[i].min
					       : g->memory_kb > s[i].max ? s[i].max : g->memory_kb;
				s[i].creating = g->start_ms > 0;
				s[i].alloc = s[i].creating ? 0 : s[i].create_kb;
				s[i].live = true;
			}
			s[i].wait_kb = sim_guest_need_kb(g, s[i].anon);
			/* A workload the floor killed, back and re-touching:
			 * it needs what it has touched, not its curve yet (the
			 * lagged need too: optimistic, a floor); the rest is
			 * short as the guest model counts it (the killed part). */
			if (s[i].retouch_kb >= s[i].anon)
				s[i].retouch_kb = 0;
			s[i].untouched_kb = s[i].retouch_kb ? s[i].anon - s[i].retouch_kb : 0;
			if (s[i].retouch_kb) {
				uint64_t was = s[i].anon_then < s[i].retouch_kb
					     ? s[i].anon_then : s[i].retouch_kb;

				s[i].need_now -= s[i].anon - s[i].retouch_kb;
				s[i].anon = s[i].retouch_kb;
				s[i].need_then -= s[i].anon_then - was;
				s[i].anon_then = was;
			}
		}
		for (size_t i = 0; i < sc->n_guests; i++)
			s[i].seen = s[i].seen && !s[i].creating;
		resv_kb = sim_resv_in_force_kb(sc->resv_ev, sc->n_resv_ev, t);
		lag_targets(s, sc->n_guests, budget, resv_kb, slack_pct);
		if (lag_create(s, sc->n_guests, budget)) {
			for (size_t i = 0; i < sc->n_guests; i++)
				s[i].seen = s[i].live && t >= sc->guests[i].start_ms + lag_ms &&
					    !s[i].creating && !s[i].paused;
			lag_targets(s, sc->n_guests, budget, resv_kb, slack_pct);
		}
		kbms += (double)lag_move(s, sc->n_guests, budget, step_ms, oom_kills) *
			(double)step_ms;
		if (series && tick_ms && t % tick_ms == 0)
			lag_row(series, sc, s, t);
	}
	free(s);
	return kbms / 1024 / 1000;
}
