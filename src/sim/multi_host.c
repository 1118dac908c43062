/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One host of a cluster run: its own in-process xenstored, simulated
 * hypervisor and real arbiter, as run.c builds them for one host. Every
 * host gets `slots` spare domains that never start on their own: a guest
 * that arrives (by placement or live migration) takes the next one,
 * which also gives it a fresh domid, as on Xen.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xenstore.h>

#include "agent/agent_config.h"
#include "common/log.h"
#include "sim/workdir.h"
#include "simhost/hv_sim.h"
#include "sim/multi_int.h"
#include "xenstored/xsd.h"

static const char *dom_socket(void *ctx, uint32_t domid)
{
	return xsd_domain_socket(ctx, domid);
}

static uint64_t dom_events(void *ctx, uint32_t domid)
{
	return xsd_domain_events(ctx, domid);
}

void mhost_close(struct mhost *h)
{
	if (h->a_init)
		arbiter_free(&h->a);
	if (h->hv_open)
		h->hv.ops->close(&h->hv);
	if (h->x)
		xsd_stop(h->x);
	if (h->dir[0])
		sim_workdir_remove(h->dir);
	free(h->ghost);
	memset(h, 0, sizeof(*h));
}

/* The host's scenario: its memory, the cluster's physics, and `slots`
 * domains that wait for hv_sim_respec(). */
static int host_scenario(const struct multi_scenario *m, size_t i,
			 struct sim_scenario *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->total_kb = m->host[i].total_kb;
	sc->dom0_kb = m->host[i].dom0_kb;
	sc->balloon_rate_kb_s = m->sc.balloon_rate_kb_s;
	sc->duration_ms = m->sc.duration_ms;
	sc->seed = m->sc.seed;
	sc->phys = m->sc.phys;
	sc->n_guests = m->slots;
	sc->guests = calloc(m->slots, sizeof(*sc->guests));
	if (!sc->guests)
		return -1;
	for (uint32_t k = 0; k < m->slots; k++) {
		struct sim_guest_spec *g = &sc->guests[k];

		*g = m->sc.guests[0];
		sim_workload_parse("idle", &g->workload, NULL, 0);
		snprintf(g->name, sizeof(g->name), "slot%u", k + 1);
		g->domid = k + 1;
		g->start_ms = MULTI_NEVER_MS;
		g->stop_ms = SIM_NEVER;
	}
	return 0;
}

int mhost_open(struct mhost *h, const struct multi_scenario *m, size_t i,
	       const struct arbiter_config *cfg, const struct agent_config *ac)
{
	struct sim_scenario sc;
	int rc;

	h->spec = &m->host[i];
	h->early_ms = UINT64_MAX;
	if (sim_workdir_make(h->dir, sizeof(h->dir), "membal-msim") < 0) {
		fprintf(stderr, "membal-sim: temporary directory: %s\n", strerror(errno));
		h->dir[0] = '\0';
		return -1;
	}
	snprintf(h->sock, sizeof(h->sock), "%s/xenstored", h->dir);
	snprintf(h->guests, sizeof(h->guests), "%s/guests", h->dir);
	h->ghost = calloc(m->slots + 1, sizeof(*h->ghost));
	if (!h->ghost || mkdir(h->guests, 0755) < 0)
		return -1;
	struct xsd_options xo = { .socket_path = h->sock, .domain_socket_dir = h->dir };
	h->x = xsd_start(&xo);
	if (!h->x) {
		fprintf(stderr, "membal-sim: host %s: cannot start its xenstored: %s\n",
			h->spec->name, strerror(errno));
		return -1;
	}
	setenv("XENSTORED_PATH", h->sock, 1);
	if (host_scenario(m, i, &sc) < 0)
		return -1;
	struct sim_options so = {
		.scenario = &sc,
		.xenstored_path = h->sock,
		.domain_socket = dom_socket,
		.domain_events = dom_events,
		.domain_socket_ctx = h->x,
		.guest_dir = h->guests,
		.agents = SIM_AGENTS_INPROCESS,
		.agent_cfg = ac,
		.sync_events = true,
	};
	rc = hv_sim_open(&h->hv, &so);
	sim_scenario_free(&sc);
	if (rc < 0) {
		fprintf(stderr, "membal-sim: host %s did not start: %s\n",
			h->spec->name, strerror(errno));
		return -1;
	}
	h->hv_open = true;
	h->cfg = *cfg;
	h->cfg.status_file[0] = '\0';
	h->cfg.control_socket[0] = '\0';
	h->cfg.metrics_file[0] = '\0';
	if (h->cfg.max_domains < m->slots + 1)
		h->cfg.max_domains = m->slots + 1;
	if (arbiter_init(&h->a, &h->cfg, &h->hv, false) < 0) {
		fprintf(stderr, "membal-sim: host %s: arbiter_init: %s\n",
			h->spec->name, strerror(errno));
		return -1;
	}
	h->a_init = true;
	h->next_slot = 1;
	h->slots = m->slots;
	return 0;
}

uint32_t mhost_start(struct mhost *h, const struct sim_guest_spec *g, bool ghost)
{
	uint32_t domid;

	if (h->next_slot > h->slots) {
		log_warn("host %s: all %u domain slots used ([cluster] slots)",
			 h->spec->name, h->slots);
		return 0;
	}
	domid = h->next_slot;
	if (hv_sim_respec(&h->hv, domid, g) < 0)
		return 0;
	h->next_slot++;
	h->ghost[domid] = ghost;
	return domid;
}

void mhost_cycle(struct mhost *h, uint64_t now, uint64_t next_regular)
{
	bool early = h->a.early;   /* set by the last arbiter_next_cycle */

	setenv("XENSTORED_PATH", h->sock, 1);
	/* As in run.c: one round trip so the agents' reports of this instant
	 * have reached the arbiter before its cycle. */
	if (h->a.xs)
		free(xs_get_domain_path(h->a.xs, 0));
	arbiter_cycle(&h->a);
	h->early_ms = arbiter_next_cycle(&h->a, now, next_regular);
	if (h->early_ms >= next_regular)
		h->early_ms = UINT64_MAX;
	if (early)
		return;   /* the rebalancer counts regular cycles */
	if (h->a.cycle.mode == POLICY_MODE_SCARCE ||
	    h->a.cycle.mode == POLICY_MODE_INFEASIBLE)
		h->scarce_cycles++;
	else
		h->scarce_cycles = 0;
}

uint64_t mhost_used_kb(const struct mhost *h, size_t *running, uint64_t *ghost_kb)
{
	const struct sim_host *sh = hv_sim_host(&h->hv);
	uint64_t used = 0;

	*running = 0;
	*ghost_kb = 0;
	for (size_t i = 0; i < sh->n; i++)
		if (sh->dom[i].state == SIM_DOM_RUNNING) {
			used += sh->dom[i].tot_kb;
			(*running)++;
			if (h->ghost[sh->dom[i].domid])
				*ghost_kb += sh->dom[i].tot_kb;
		}
	return used;
}

uint64_t mhost_free_kb(const struct mhost *h)
{
	return sim_host_free_kb(hv_sim_host(&h->hv));
}

uint64_t mhost_tools_kb(struct mhost *h)
{
	if (!h->a_init)
		return 0;
	return sim_resv_tools_kb(&h->tools, h->spec->resv_ev, h->spec->n_resv_ev, &h->a);
}

const struct sim_dom *mhost_dom(const struct mhost *h, uint32_t domid)
{
	return hv_sim_domain(&h->hv, domid);
}

const struct dom *mhost_arbiter_dom(const struct mhost *h, uint32_t domid)
{
	return domid < MEMBAL_DOMID_LIMIT ? h->a.by_domid[domid] : NULL;
}
