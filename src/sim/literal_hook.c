// SPDX-License-Identifier: GPL-2.0-only
/*
 * membal-sim's `literal` policy: the arbiter's learned gap replaced, for
 * every domain under `headroom = learned`, by the seed's listing
 * (gap_literal.h), fed the same counters as the consistent learner on
 * every fresh report, frozen or not (the listing knows no freeze).
 */
#include "sim/sim.h"

#include <stdlib.h>

#include "arbiter/arbiter.h"
#include "sim/gap_literal.h"

struct literal_world {
	size_t n, cap;
	uint32_t *domid;
	struct literal_gap *l;
	const struct policy_params *p;
};

static struct literal_gap *of(struct literal_world *w, uint32_t domid)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->domid[i] == domid)
			return &w->l[i];
	if (w->n == w->cap)
		return NULL;
	w->domid[w->n] = domid;
	literal_gap_init(&w->l[w->n], (uint64_t)w->p->gap_seed * 0x100000001b3ull ^ domid);
	return &w->l[w->n++];
}

static uint64_t hook(void *ctx, struct dom *d, const struct gap_obs *o)
{
	struct literal_world *w = ctx;
	struct literal_gap *l = of(w, d->domid);
	/* the listing: pages aligned down to 4 MiB, then MiB */
	unsigned ws_mb = (unsigned)((o->ws_kb / 1024) & ~(uint64_t)3);
	uint32_t pagein = (uint32_t)(o->c.pswpin + o->c.refault_anon);
	uint32_t io = (uint32_t)o->c.refault_file;

	if (!l)
		return w->p->headroom_kb;
	return literal_gap_effective_kb(literal_gap_choose(l, ws_mb, pagein, io, w->p));
}

void *sim_literal_attach(struct arbiter *a, size_t max_domains)
{
	struct literal_world *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->domid = calloc(max_domains, sizeof(*w->domid));
	w->l = calloc(max_domains, sizeof(*w->l));
	if (!w->domid || !w->l) {
		sim_literal_detach(w, NULL);
		return NULL;
	}
	w->cap = max_domains;
	w->p = &a->cfg.policy.params;
	a->gap_hook = hook;
	a->gap_hook_ctx = w;
	return w;
}

void sim_literal_detach(void *ctx, uint64_t *out_of_range)
{
	struct literal_world *w = ctx;

	if (!w)
		return;
	if (out_of_range) {
		*out_of_range = 0;
		for (size_t i = 0; i < w->n; i++)
			*out_of_range += w->l[i].out_of_range;
	}
	free(w->domid);
	free(w->l);
	free(w);
}
