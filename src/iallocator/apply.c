/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal's measured view of a Ganeti node (demand.h). Pure.
 */
#include "iallocator/demand.h"

#include <stdlib.h>
#include <string.h>

/* What a domain needs: its demand MC_i clamped to [L_i, H_i], the figure
 * the arbiter aims at when the host has room (design.md §Policy core); dom0
 * and stub domains keep their size. */
static uint64_t need_kb(const struct place_dom *d)
{
	uint64_t n = d->demand_kb;

	if (d->kind != PLACE_DOMU)
		return d->size_kb;
	if (n > d->max_kb)
		n = d->max_kb;
	if (n < d->min_kb)
		n = d->min_kb;
	return n;
}

size_t ia_apply_snapshot(struct ia_cluster *c, const struct place_host *hosts,
			 size_t nh, const struct place_dom *doms, size_t nd)
{
	size_t covered = 0;
	uint64_t *need = calloc(nh ? nh : 1, sizeof(*need));
	uint64_t *extra = calloc(nh ? nh : 1, sizeof(*extra));

	if (!need || !extra) {
		free(need);
		free(extra);
		return 0;
	}
	for (size_t j = 0; j < nd; j++) {
		const struct place_dom *d = &doms[j];

		if (d->host < 0 || (size_t)d->host >= nh)
			continue;
		uint64_t n = need_kb(d);

		need[d->host] += n;
		if (d->size_kb > n)
			extra[d->host] += d->size_kb - n;
	}
	for (size_t h = 0; h < nh; h++) {
		int32_t n = ia_node_index(c, hosts[h].name);

		if (n < 0)
			continue;
		struct ia_node *nd_ = &c->nodes[n];
		uint64_t keep = need[h] + hosts[h].reserve_kb;

		nd_->measured = true;
		nd_->membal_free_mb = hosts[h].mem_kb > keep ? (hosts[h].mem_kb - keep) / 1024 : 0;
		nd_->reclaim_mb = extra[h] / 1024;
		covered++;
	}
	free(need);
	free(extra);
	return covered;
}
