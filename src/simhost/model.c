/* SPDX-License-Identifier: GPL-2.0-only */
#include "simhost/model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A single step longer than this is cut (about 97 days): keeps the page
 * arithmetic far from overflow whatever a caller passes. */
#define SIM_STEP_MAX_MS (UINT64_C(1) << 33)

int sim_host_init(struct sim_host *h, const struct sim_scenario *sc)
{
	memset(h, 0, sizeof(*h));
	h->total_kb = sc->total_kb;
	h->dom0_kb = sc->dom0_kb;
	if (sc->n_guests) {
		h->dom = calloc(sc->n_guests, sizeof(*h->dom));
		if (!h->dom)
			return -1;
	}
	h->n = sc->n_guests;
	for (size_t i = 0; i < h->n; i++) {
		h->dom[i].spec = &sc->guests[i];
		h->dom[i].domid = sc->guests[i].domid;
		h->dom[i].state = SIM_DOM_PENDING;
	}
	return 0;
}

void sim_host_free(struct sim_host *h)
{
	free(h->dom);
	memset(h, 0, sizeof(*h));
}

struct sim_dom *sim_host_find(struct sim_host *h, uint32_t domid)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->dom[i].domid == domid)
			return &h->dom[i];
	return NULL;
}

uint64_t sim_host_free_kb(const struct sim_host *h)
{
	uint64_t used = h->dom0_kb;

	for (size_t i = 0; i < h->n; i++)
		if (h->dom[i].state == SIM_DOM_RUNNING)
			used += h->dom[i].tot_kb;
	return used < h->total_kb ? h->total_kb - used : 0;
}

uint64_t sim_dom_offset_kb(const struct sim_dom *d)
{
	return d->spec->type == HV_TYPE_HVM ? d->spec->videoram_kb : 0;
}

uint64_t sim_dom_initial_target_kb(const struct sim_guest_spec *g)
{
	uint64_t fudge = g->type == HV_TYPE_HVM && g->static_max_kb > g->memory_kb
				 ? SIM_MAXMEM_SLACK_KB : 0;

	return g->memory_kb - g->videoram_kb - fudge;
}

int sim_dom_create(struct sim_host *h, struct sim_dom *d)
{
	const struct sim_guest_spec *g = d->spec;

	if (sim_host_free_kb(h) < g->memory_kb) {
		d->state = SIM_DOM_FAILED;
		errno = ENOMEM;
		return -1;
	}
	d->state = SIM_DOM_RUNNING;
	d->tot_kb = g->memory_kb;
	d->max_kb = g->memory_kb + SIM_MAXMEM_SLACK_KB;
	d->pod_pages = 0;
	d->target_kb = sim_dom_initial_target_kb(g);
	d->carry = 0;
	memset(&d->oom, 0, sizeof(d->oom));
	d->live_kb = 0;
	d->cache_kb = g->file_kb < SIM_PAGE_CACHE_KB ? g->file_kb : SIM_PAGE_CACHE_KB;
	d->swapped_kb = d->zram_kb = 0;
	d->swapin_carry = 0;
	d->refault_carry = d->refault_anon_carry = 0;
	d->need_kb = 0;
	d->commit_ahead_kb = 0;
	d->stall = 0;
	memset(d->psi, 0, sizeof(d->psi));
	d->psi_total_us = 0;
	d->rng = g->seed ? g->seed : 1;
	d->burst_left_ms = d->burst_kb = 0;
	memset(&d->m, 0, sizeof(d->m));
	memset(&d->mem, 0, sizeof(d->mem));
	d->mem.swap_total = d->mem.swap_free = g->swap_kb;
	d->mem.swap_zram = g->swap_zram;
	return 0;
}

void sim_dom_destroy(struct sim_dom *d)
{
	d->state = SIM_DOM_GONE;
	d->tot_kb = 0;
}

/* The balloon's goal in tot units: the driver works in whole pages. */
static uint64_t goal_kb(const struct sim_dom *d)
{
	return d->target_kb / SIM_PAGE_KB * SIM_PAGE_KB + sim_dom_offset_kb(d);
}

/* Pages this balloon may move in dt_ms, the fraction carried over. */
static uint64_t budget_kb(struct sim_dom *d, uint64_t dt_ms)
{
	unsigned __int128 units = (unsigned __int128)(d->spec->balloon_rate_kb_s /
						      SIM_PAGE_KB) * dt_ms + d->carry;

	d->carry = (uint64_t)(units % 1000);
	return (uint64_t)(units / 1000) * SIM_PAGE_KB;
}

void sim_host_step(struct sim_host *h, uint64_t dt_ms)
{
	uint64_t budget[h->n ? h->n : 1];

	if (dt_ms > SIM_STEP_MAX_MS)
		dt_ms = SIM_STEP_MAX_MS;
	for (size_t i = 0; i < h->n; i++) {
		struct sim_dom *d = &h->dom[i];

		budget[i] = 0;
		if (d->state != SIM_DOM_RUNNING || !d->spec->follows || d->frozen)
			continue;
		if (d->tot_kb == goal_kb(d)) {
			d->carry = 0;
			continue;
		}
		budget[i] = budget_kb(d, dt_ms);
	}
	/* Shrinking never fails; what it frees is there for growth below. */
	for (size_t i = 0; i < h->n; i++) {
		struct sim_dom *d = &h->dom[i];
		uint64_t goal = goal_kb(d), move;

		if (!budget[i] || d->tot_kb <= goal)
			continue;
		move = d->tot_kb - goal < budget[i] ? d->tot_kb - goal : budget[i];
		d->tot_kb -= move;
	}
	for (size_t i = 0; i < h->n; i++) {
		struct sim_dom *d = &h->dom[i];
		uint64_t goal = goal_kb(d), want, room, avail, grant;

		if (!budget[i] || d->tot_kb >= goal)
			continue;
		want = goal - d->tot_kb < budget[i] ? goal - d->tot_kb : budget[i];
		/* Xen compares pages: max_pages = maxmem / 4 KiB. */
		room = d->max_kb / SIM_PAGE_KB * SIM_PAGE_KB;
		room = room > d->tot_kb ? room - d->tot_kb : 0;
		avail = sim_host_free_kb(h) / SIM_PAGE_KB * SIM_PAGE_KB;
		grant = want;
		if (room < grant || avail < grant) {
			if (room <= avail)
				d->n.overalloc++;
			else
				d->n.host_full++;
			grant = room < avail ? room : avail;
		}
		d->tot_kb += grant;
	}
}

uint64_t sim_dom_mem_total_kb(const struct sim_dom *d)
{
	uint64_t held = d->tot_kb - sim_dom_offset_kb(d);

	return held > d->spec->overhead_kb ? held - d->spec->overhead_kb : 0;
}

/* xorshift64*: the guest's own deterministic randomness (bursts). */
static uint64_t next_rand(struct sim_dom *d)
{
	d->rng ^= d->rng >> 12;
	d->rng ^= d->rng << 25;
	d->rng ^= d->rng >> 27;
	return d->rng * UINT64_C(2685821657736338717);
}

/* Uniform in [0, 1). */
static double rand01(struct sim_dom *d)
{
	return (double)(next_rand(d) >> 11) / 9007199254740992.0;
}

#define BURST_MS 1000           /* a burst shows for one agent sample */
#define BURST_MEAN_GAP_MS 5000  /* mean time between bursts in reclaim */
#define STARVE_PCT 90           /* starving: MemTotal below this % of demand */

/* Swap-ins over dt_ms (pages), updating pswpin. */
static double swap_ins(struct sim_dom *d, uint64_t old_swapped, uint64_t dt_ms)
{
	const struct sim_physics *ph = &d->spec->phys;
	double leaving = old_swapped > d->swapped_kb
				 ? (double)(old_swapped - d->swapped_kb) / SIM_PAGE_KB : 0;
	double thrash = 0, total;

	if (dt_ms && d->swapped_kb) {
		/* zram: as fast as one vCPU decompresses; a disk: its bandwidth */
		double cap = d->spec->swap_zram ? 1e6 / SIM_ZRAM_FAULT_US * (double)dt_ms / 1000
			   : (double)ph->swap_rate_kb_s / SIM_PAGE_KB * (double)dt_ms / 1000;

		thrash = (double)d->swapped_kb / SIM_PAGE_KB * (double)dt_ms /
			 (double)ph->touch_window_ms;
		if (thrash > cap)
			thrash = cap;
	}
	total = leaving + thrash + d->swapin_carry;
	d->mem.pswpin += (uint64_t)total;
	d->swapin_carry = total - (double)(uint64_t)total;
	/* Thrashing brings back pages evicted within the window: refaults. */
	total = thrash + d->refault_anon_carry;
	d->mem.refault_anon += (uint64_t)total;
	d->refault_anon_carry = total - (double)(uint64_t)total;
	return leaving + thrash;
}

/* File refaults over dt_ms (pages): the file working set that is not in
 * the cache is read again once per touch_window, at most swap_rate (the
 * disk). */
static double file_refaults(struct sim_dom *d, uint64_t dt_ms)
{
	const struct sim_physics *ph = &d->spec->phys;
	uint64_t ws = d->spec->file_ws_kb, cached = d->cache_kb < ws ? d->cache_kb : ws;
	double pages, cap, total;

	if (!dt_ms || cached >= ws)
		return 0;
	pages = (double)(ws - cached) / SIM_PAGE_KB * (double)dt_ms /
		(double)ph->touch_window_ms;
	cap = (double)ph->swap_rate_kb_s / SIM_PAGE_KB * (double)dt_ms / 1000;
	if (pages > cap)
		pages = cap;
	total = pages + d->refault_carry;
	d->mem.refault_file += (uint64_t)total;
	d->refault_carry = total - (double)(uint64_t)total;
	return pages;
}

/* e^-x for x >= 0 without libm (the model links into programs that do
 * not take it): halve until small, a 5-term series, square back. The
 * relative error stays under 1e-4 for the step lengths used here. */
static double exp_neg(double x)
{
	unsigned k = 0;
	double r;

	while (x > 0.5 && k < 64) {
		x /= 2;
		k++;
	}
	r = 1 - x * (1 - x / 2 * (1 - x / 3 * (1 - x / 4 * (1 - x / 5))));
	while (k--)
		r *= r;
	return r;
}

/* PSI's averages: exponential, over 10, 60 and 300 s. */
static void psi_step(struct sim_dom *d, uint64_t dt_ms)
{
	static const double period_ms[3] = { 10000, 60000, 300000 };
	uint32_t *out[3] = { &d->mem.psi_avg10, &d->mem.psi_avg60, &d->mem.psi_avg300 };

	for (int i = 0; i < 3; i++) {
		d->psi[i] += (d->stall - d->psi[i]) * (1 - exp_neg((double)dt_ms / period_ms[i]));
		*out[i] = (uint32_t)(d->psi[i] * 10000 + 0.5);
	}
	d->psi_total_us += d->stall * (double)dt_ms * 1000;
	d->mem.psi_total_us = (uint64_t)d->psi_total_us;
}

static void metrics_step(struct sim_dom *d, uint64_t mem_total, uint64_t dt_ms)
{
	struct sim_dom_metrics *m = &d->m;
	uint64_t demand = d->need_kb;
	uint64_t killed = sim_dom_killed_kb(d), live = demand - killed;
	bool starving = mem_total * 100 < demand * STARVE_PCT;

	m->elapsed_ms += dt_ms;
	m->demand_kbms += (double)demand * (double)dt_ms;
	m->shortfall_kbms += (double)killed * (double)dt_ms;
	if (live > mem_total)
		m->shortfall_kbms += (double)(live - mem_total) * (double)dt_ms;
	else
		m->idle_kbms += (double)(mem_total - live) * (double)dt_ms;
	m->stall_ms += d->stall * (double)dt_ms;
	/* A job that is down does no work. */
	if (d->spec->work_ms && !m->done_ms && dt_ms && !d->oom.down_ms) {
		double step = (1 - d->stall) * (double)dt_ms;

		if (m->progress_ms + step >= (double)d->spec->work_ms) {
			/* Finished inside this step: when, at this step's speed. */
			double need = (double)d->spec->work_ms - m->progress_ms;
			uint64_t at = m->elapsed_ms - dt_ms +
				      (uint64_t)(need / (1 - d->stall)) + 1;

			m->done_ms = at ? at : 1;
			m->progress_ms = (double)d->spec->work_ms;
		} else {
			m->progress_ms += step;
		}
	}
	if (starving && !m->starving) {
		m->starving = true;
		m->starve_since_ms = m->elapsed_ms;
		m->starve_episodes++;
	} else if (!starving && m->starving) {
		uint64_t len = m->elapsed_ms - m->starve_since_ms;

		m->starving = false;
		m->starve_ms_total += len;
		if (len > m->starve_ms_max)
			m->starve_ms_max = len;
	}
}

/* A guest `xl create` could not start has nothing: its whole need is
 * short, and its job stands still, for the life it should have had. */
void sim_guest_step_unstarted(struct sim_dom *d, uint64_t demand_kb, uint64_t dt_ms)
{
	d->demand_kb = demand_kb;
	d->live_kb = demand_kb;
	d->need_kb = sim_guest_need_kb(d->spec, demand_kb);
	d->stall = 1;
	metrics_step(d, 0, dt_ms);
}

/* zram (model.h): of backed KiB, swapping X frees X (1 - 1/r) of RAM,
 * so resident + pool = MemTotal; over the room, the swap full and the
 * rest unbacked (the OOM state). Returns what stays resident. */
static uint64_t zram_split(struct sim_dom *d, uint64_t backed, uint64_t mem_total)
{
	double r = d->spec->zram_ratio, cap, x;
	uint64_t swapped, pool, resident;

	d->swapped_kb = d->zram_kb = 0;
	if (backed <= mem_total)
		return backed;
	cap = sim_zram_cap_kb(d->spec, mem_total);
	x = (double)(backed - mem_total) * r / (r - 1);
	if (x > cap)
		x = cap;
	swapped = (uint64_t)x;
	swapped += (double)swapped < x;                 /* whole KiB, rounded up */
	if (swapped > backed)
		swapped = backed;
	x = (double)swapped / r;
	pool = (uint64_t)x;
	pool += (double)pool < x;
	if (pool > mem_total)
		pool = mem_total;
	resident = backed - swapped < mem_total - pool ? backed - swapped : mem_total - pool;
	d->swapped_kb = swapped;
	d->zram_kb = pool;
	return resident;
}

uint64_t sim_oom_step(struct sim_oom *o, uint64_t want_kb, uint64_t room_kb,
		      uint64_t restart_ms, uint64_t touch_kb_s, uint64_t dt_ms,
		      bool *killed)
{
	uint64_t live = want_kb;

	*killed = false;
	if (!restart_ms) {
		/* The kill frees nothing: one kill per entry into the state. */
		bool over = want_kb > room_kb;

		if (over && !o->over) {
			o->kills++;
			*killed = true;
		}
		o->over = over;
		return want_kb;
	}
	if (o->down_ms) {
		if (dt_ms < o->down_ms) {
			o->down_ms -= dt_ms;
		} else {
			/* Restarted: it touches its memory again, at once or
			 * at the guest's touch rate. */
			o->down_ms = 0;
			o->retouch_kb = touch_kb_s ? SIM_OOM_SURVIVOR_KB : 0;
		}
	} else if (o->retouch_kb) {
		o->retouch_kb += (uint64_t)((unsigned __int128)touch_kb_s * dt_ms / 1000);
	}
	if (o->down_ms) {
		live = want_kb < SIM_OOM_SURVIVOR_KB ? want_kb : SIM_OOM_SURVIVOR_KB;
	} else if (o->retouch_kb) {
		if (o->retouch_kb < want_kb)
			live = o->retouch_kb;
		else
			o->retouch_kb = 0;
	}
	if (live > room_kb && !o->down_ms) {
		/* The OOM killer kills the workload: its memory is freed,
		 * its supervisor restarts it after restart_ms. */
		o->kills++;
		*killed = true;
		o->down_ms = restart_ms;
		o->retouch_kb = 0;
		live = want_kb < SIM_OOM_SURVIVOR_KB ? want_kb : SIM_OOM_SURVIVOR_KB;
	}
	/* Still over while down: even the survivors do not fit (no second
	 * kill is counted for them). */
	o->over = live > room_kb;
	return live;
}

void sim_guest_step(struct sim_dom *d, uint64_t demand_kb, uint64_t dt_ms)
{
	const struct sim_guest_spec *g = d->spec;
	struct sim_guest_mem *m = &d->mem;
	uint64_t mem_total = sim_dom_mem_total_kb(d);
	uint64_t resident, excess, room, mark, cache_goal, old_swapped = d->swapped_kb;
	uint64_t b_cache = 0, b_anon = 0, b_freed, backed, shm, anon, live;
	uint64_t beyond = sim_swap_room_kb(g, mem_total);
	uint64_t fits = mem_total + beyond > g->shmem_kb
				? mem_total + beyond - g->shmem_kb : 0;
	bool killed, reclaiming, rising;
	double ins;

	live = sim_oom_step(&d->oom, demand_kb, fits, g->phys.oom_restart_ms,
			    sim_guest_retouch_kb_s(g), dt_ms, &killed);
	rising = live > d->live_kb;
	d->demand_kb = demand_kb;
	d->live_kb = live;
	d->need_kb = sim_guest_need_kb(g, demand_kb);
	backed = live + g->shmem_kb;
	if (g->swap_zram) {
		resident = zram_split(d, backed, mem_total);
	} else {
		resident = backed < mem_total ? backed : mem_total;
		excess = backed - resident;
		d->swapped_kb = excess < g->swap_kb ? excess : g->swap_kb;
	}
	/* A killed process's pages in swap are freed, not read back. */
	if (killed && old_swapped > d->swapped_kb)
		old_swapped = d->swapped_kb;
	ins = swap_ins(d, old_swapped, dt_ms);
	shm = g->shmem_kb < resident ? g->shmem_kb : resident;
	anon = resident - shm;

	m->oom_kills = d->oom.kills;
	if (killed && g->work_ms && !d->m.done_ms && d->m.progress_ms > 0) {
		d->m.progress_ms = 0;
		d->m.job_restarts++;
	}
	if (d->oom.over || d->oom.down_ms)
		d->m.oom_ms += dt_ms;

	/* The page cache gives way first; it grows back while files are
	 * read, up to the watermark. */
	room = mem_total - resident - d->zram_kb;
	mark = mem_total / 64;
	if (d->cache_kb > room)
		d->cache_kb = room;
	cache_goal = room > mark ? room - mark : 0;
	if (cache_goal > g->file_kb)
		cache_goal = g->file_kb;
	reclaiming = room - d->cache_kb <= mark &&
		     (rising || d->swapped_kb || d->cache_kb < g->file_kb);
	if (dt_ms && d->cache_kb < cache_goal) {
		uint64_t grow = (uint64_t)((unsigned __int128)g->phys.cache_rate_kb_s * dt_ms / 1000);

		d->cache_kb = d->cache_kb + grow < cache_goal ? d->cache_kb + grow : cache_goal;
	}
	if (g->swap_zram) {
		/* zram's swap-ins cost CPU; the files are still read from disk */
		double file = file_refaults(d, dt_ms);

		if (dt_ms)
			d->stall = (ins * SIM_ZRAM_FAULT_US + file * (double)g->phys.swap_fault_us) *
				   1000 / (double)dt_ms / 1e6;
	} else {
		ins += file_refaults(d, dt_ms);
		if (dt_ms)
			d->stall = ins * 1000 / (double)dt_ms *
				   (double)g->phys.swap_fault_us / 1e6;
	}
	if (d->stall > 1)
		d->stall = 1;

	/* Reclaim bursts: what the next reading of MemFree shows. */
	if (d->burst_left_ms)
		d->burst_left_ms = d->burst_left_ms > dt_ms ? d->burst_left_ms - dt_ms : 0;
	else if (dt_ms && reclaiming && g->phys.burst_kb &&
		 rand01(d) < (double)dt_ms / BURST_MEAN_GAP_MS) {
		d->burst_left_ms = BURST_MS;
		d->burst_kb = (uint64_t)((0.5 + rand01(d)) * (double)g->phys.burst_kb) /
			      SIM_PAGE_KB * SIM_PAGE_KB;
		d->m.bursts++;
	}
	if (d->burst_left_ms) {
		uint64_t want = d->burst_kb, swap_room = g->swap_kb - d->swapped_kb;

		b_cache = want < d->cache_kb ? want : d->cache_kb;
		want -= b_cache;
		b_anon = want < anon ? want : anon;
		if (b_anon > swap_room)
			b_anon = swap_room;
	}
	/* zram keeps a burst's anonymous pages compressed: a share shows */
	b_freed = g->swap_zram ? b_anon - (uint64_t)((double)b_anon / g->zram_ratio) : b_anon;

	m->mem_total = mem_total;
	m->cached = d->cache_kb - b_cache;
	m->mem_free = room - d->cache_kb + b_cache + b_freed;
	m->mem_available = m->mem_free + m->cached;
	m->shmem = m->inactive_anon = shm;
	m->anon_pages = m->active_anon = anon - b_anon;
	m->active_file = m->cached < g->file_ws_kb ? m->cached : g->file_ws_kb;
	m->inactive_file = m->cached - m->active_file;
	m->pgmajfault = m->pswpin + m->refault_file;
	/* A killed program's commitment goes with it; restarted, it
	 * commits its whole curve again at once. */
	m->committed_as = (d->oom.down_ms ? live : demand_kb + d->commit_ahead_kb) +
			  SIM_COMMIT_EXTRA_KB + g->untouched_kb;
	m->swap_total = g->swap_kb;
	m->swap_free = g->swap_kb - d->swapped_kb - b_anon;
	m->balloon_target_kb = d->target_kb / SIM_PAGE_KB * SIM_PAGE_KB;
	m->balloon_current_kb = d->tot_kb - sim_dom_offset_kb(d);

	if (dt_ms) {
		psi_step(d, dt_ms);
		metrics_step(d, mem_total, dt_ms);
	}
}

void sim_guest_update(struct sim_dom *d, uint64_t demand_kb)
{
	sim_guest_step(d, demand_kb, 0);
}
