// SPDX-License-Identifier: GPL-2.0-only
/* oom_over_lack (design.md §Growth is never cut, "The floors'
 * stalemate"): a swapless guest OOM-killed with its load still there
 * takes, from a paging guest's no-shrink floor, what its commit lacks of
 * what it holds, as far as that guest's free swap can hold what it gives.
 *
 * puppet-run and recur-pair (docs/evaluation.md, sessions 21 and 22):
 * the guests with swap page and keep their no-shrink floors (L_i' = B_i,
 * tier 1's `safe`), the swapless ones were OOM-killed and their raises
 * wait in tier 4 (oom_min_yield) while their need now is what they hold
 * (a swapless W_i cannot exceed it). Every floor is what its domain
 * holds, the floors sum to M, and nothing is written for 70 s while the
 * swapless guests stay over their memory. Paging is what the other
 * guest's swap is for, a kill is what the swapless guest has.
 *
 * stale22's wider form (`oom_over_paging`, with `oom_over_commit`; taken
 * out in session 25) took the raise and the gap from pagers that then
 * paged for memory the rescued guest left idle: 123 -> 150 failing
 * cells. */
#include "policy/solve.h"

/* A raise whose load is still there: the need now and the bump reach
 * what the guest held at its kill (the level it was killed at). */
bool policy_oom_load_live(const struct policy_params *p, const struct policy_dom *d)
{
	return d->ws_kb + p->oom_bump_kb >= policy_oom_kill_level_kb(p, d);
}

/* oom_over_lack: what the commit of a swapless guest killed with its
 * load still there asks of the host, C_i + O_i in target units (at most
 * U_i): its programs were promised that, and without swap what it lacks
 * of it is a kill. Not the raise (oom_bump_mb above the target it was
 * killed at) nor the gap: under oom_over_paging (session 22) those
 * took from the pagers what a guest over its memory by a few MiB leaves
 * idle (cron-grow's batch guest bt 75583 -> 240915 MiB·s). Taken from the
 * pagers only while above what the guest holds or was given (held,
 * policy_held_now_kb()); below, a floor within what it holds
 * (keep_commit()). */
uint64_t policy_over_lack_kb(const struct policy_dom *d)
{
	uint64_t o = d->overhead_kb < d->actual_kb ? d->overhead_kb : d->actual_kb;
	uint64_t c = d->committed_as_kb + o;

	return c < d->max_kb ? c : d->max_kb;
}

/* What the guest holds or was given, max(N_i, B_i) (oom_over_lack;
 * 0: the key off). */
uint64_t policy_held_now_kb(const struct policy_params *p, const struct policy_dom *d)
{
	if (!p->oom_over_lack)
		return 0;
	return d->actual_kb > d->target_kb ? d->actual_kb : d->target_kb;
}

/* What a swapless guest killed while its load is still at the killed
 * level (policy_oom_load_live()) asks of the pagers' floors: its commit
 * (policy_over_lack_kb()). Not a crash loop: loops_whole() serves that
 * raise whole (solve_tiers.c). 0: none, or the key off. */
uint64_t policy_over_kb(const struct policy_params *p, const struct policy_dom *d,
			bool est)
{
	if (!p->oom_over_lack || !est || d->swap_tot_kb ||
	    !(d->flags & POLICY_IN_OOM_MIN) ||
	    (d->flags & POLICY_IN_OOM_LOOP) || !policy_oom_load_live(p, d))
		return 0;
	return policy_over_lack_kb(d);
}

/* What a paging guest's no-shrink floor may yield to such a lack: its
 * free swap beyond both its gap and half its swap (room kept for its own
 * rise: yielding all its free swap beyond the gap gave leak-maxmem's s3,
 * 512 MiB of swap, 10 kills against 0), less what its balloon has still to take
 * (N_i above B_i: its free swap does not show that yet, and a floor that
 * yields every cycle would give it again). 0 with the key off. */
uint64_t policy_over_give_kb(const struct policy_params *p, const struct policy_dom *d)
{
	if (!p->oom_over_lack || !d->swap_tot_kb)
		return 0;
	uint64_t keep = d->swap_tot_kb / 2, g = policy_dom_gap_kb(p, d);
	uint64_t pending = d->actual_kb > d->target_kb ? d->actual_kb - d->target_kb : 0;

	if (g > keep)
		keep = g;
	keep += pending;
	return d->swap_free_kb > keep ? d->swap_free_kb - keep : 0;
}

/* What a pager's floor gives at most: its give (policy_over_give_kb()),
 * tier 1's spare (room kept for a peer's spike), and not below what its
 * own swap cannot hold of its need now. */
static uint64_t yield_kb(const struct solve_item *it)
{
	uint64_t g = it->give < it->spare ? it->give : it->spare;
	uint64_t z = it->rung[3] - (it->swap < it->rung[3] ? it->swap : it->rung[3]);
	uint64_t room = it->lo > z ? it->lo - z : 0;

	return it->est && !it->over ? (g < room ? g : room) / 4 * 4 : 0;
}

/* Where a guest's lack counts from: its floor lo, or under
 * oom_over_lack what it holds or was given if more (held; its raise
 * waits in tier 4 and lo may be far below it): only the commit beyond
 * that is taken from the pagers' floors. A guest granted some has
 * that and the grant as its floor, what it holds counted in the room
 * the floors leave of M. */
static uint64_t lack_from(const struct solve_item *it)
{
	return it->held > it->lo ? it->held : it->lo;
}

/* oom_over_lack: of what it holds, the guest keeps its commit (min(C_i
 * + O_i, N_i)) as a floor: rescued, its need now was its working set
 * again and the tiers cut it a few MiB below its load, a second kill
 * (puppet-run's p02 and p05, 5 kills each against 2). It keeps, takes
 * nothing: a floor within what it holds. */
static void raise_lo(struct solve_item *it, uint64_t lo)
{
	it->lo = lo;
	it->safe = it->lo;
	if (it->grace < it->lo)
		it->grace = it->lo;
	for (unsigned r = 3; r < SOLVE_TIERS; r++)
		if (it->rung[r] < it->lo)
			it->rung[r] = it->lo;
}

static void keep_commit(struct solve_item *it)
{
	uint64_t z = it->over < it->rung[6] ? it->over : it->rung[6];

	if (!it->est || !it->over || !it->held)
		return;
	if (z > it->actual)
		z = it->actual;
	if (z > it->lo)
		raise_lo(it, z);
}

/*
 * Before the tiers: the swapless guests over their memory have their
 * commits (not above U_i) as floors, as far as what the floors leave of
 * M and then what the floors of the guests with swap to page into (their
 * no-shrink floors) give, in proportion to what each may give: a transfer of floors,
 * not a share of tier 1 (lowering the pagers' `safe` and letting tier 1
 * share the room gave it to another pager's need: recur-pair's w1 took
 * what b1 gave, the swapless guests nothing).
 */
void policy_over_lack(struct solve_item *items, size_t k, int64_t M)
{
	uint64_t lack = 0, can = 0, moved = 0;
	int64_t left = M;

	for (size_t j = 0; j < k; j++)
		keep_commit(&items[j]);
	for (size_t j = 0; j < k; j++) {
		const struct solve_item *it = &items[j];
		uint64_t z = it->over < it->rung[6] ? it->over : it->rung[6];

		if (it->est && it->over && z > lack_from(it)) {
			lack += z - lack_from(it);
			left -= (int64_t)lack_from(it);
		} else {
			left -= (int64_t)it->lo;
		}
		can += yield_kb(it);
	}
	if (!lack)
		return;
	/* What the floors leave of M first: the pagers give only the
	 * rest. */
	uint64_t room = left > 0 ? (uint64_t)left : 0;
	uint64_t grant = lack < room + can ? lack : room + can;
	uint64_t t = grant > room ? grant - room : 0;

	moved = grant - t;

	for (size_t j = 0; j < k && t; j++) {
		struct solve_item *it = &items[j];
		uint64_t y = yield_kb(it), g;

		if (!y)
			continue;
		g = (uint64_t)((unsigned __int128)y * t / can) / 4 * 4;
		it->lo -= g;
		it->grace -= g;         /* grace >= lo stays */
		if (it->safe > it->lo)
			it->safe = it->lo;
		moved += g;
	}
	for (size_t j = 0; j < k && moved; j++) {
		struct solve_item *it = &items[j];
		uint64_t z = it->over < it->rung[6] ? it->over : it->rung[6], g;

		if (!it->est || !it->over || z <= lack_from(it))
			continue;
		g = (uint64_t)((unsigned __int128)(z - lack_from(it)) * grant / lack) / 4 * 4;
		if (g > moved)
			g = moved;
		if (!g)
			continue;
		moved -= g;
		raise_lo(it, lack_from(it) + g);
	}
}
