#include "arbiter/sim_model.h"

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
	d->in_oom = false;
	memset(&d->mem, 0, sizeof(d->mem));
	d->mem.swap_total = d->mem.swap_free = g->swap_kb;
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
		if (d->state != SIM_DOM_RUNNING || !d->spec->follows)
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

void sim_guest_update(struct sim_dom *d, uint64_t demand_kb)
{
	const struct sim_guest_spec *g = d->spec;
	struct sim_guest_mem *m = &d->mem;
	uint64_t held = d->tot_kb - sim_dom_offset_kb(d);
	uint64_t used, swap_used, old_swap_used, excess;
	bool over;

	d->demand_kb = demand_kb;
	m->mem_total = held > g->overhead_kb ? held - g->overhead_kb : 0;
	used = demand_kb < m->mem_total ? demand_kb : m->mem_total;
	m->cached = m->mem_total - used < SIM_PAGE_CACHE_KB ? m->mem_total - used
							    : SIM_PAGE_CACHE_KB;
	m->mem_free = m->mem_total - used - m->cached;
	m->mem_available = m->mem_free + m->cached;
	m->committed_as = demand_kb + SIM_COMMIT_EXTRA_KB;

	excess = demand_kb - used;
	swap_used = excess < g->swap_kb ? excess : g->swap_kb;
	old_swap_used = m->swap_total - m->swap_free;
	if (swap_used < old_swap_used)
		m->pswpin += (old_swap_used - swap_used) / SIM_PAGE_KB;
	m->swap_total = g->swap_kb;
	m->swap_free = g->swap_kb - swap_used;

	over = excess > g->swap_kb;
	if (over && !d->in_oom)
		m->oom_kills++;
	d->in_oom = over;

	m->balloon_target_kb = d->target_kb / SIM_PAGE_KB * SIM_PAGE_KB;
	m->balloon_current_kb = held;
}
