/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The arbiter's table of domains: indexed by domid, with a sorted list of
 * the domids present for cycles; a domain enters when the hypervisor
 * lists it and leaves when it does not any more.
 */
#include "arbiter/arbiter_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "arbiter/manage.h"
#include "arbiter/maxcap.h"
#include "arbiter/reserve.h"
#include "arbiter/xsio.h"
#include "common/clock.h"
#include "common/log.h"

const char *dom_skip_name(enum dom_skip s)
{
	static const char *const names[SKIP_COUNT] = {
		[SKIP_NONE] = "managed", [SKIP_DOM0] = "dom0",
		[SKIP_DYING] = "dying", [SKIP_PAUSED] = "paused",
		[SKIP_EXCLUDED] = "excluded", [SKIP_NO_AGENT] = "no-agent",
		[SKIP_STALE] = "stale", [SKIP_HOLD_MANUAL] = "hold-manual",
		[SKIP_HOLD_PAUSED] = "hold-paused",
		[SKIP_UNCOOPERATIVE] = "uncooperative",
		[SKIP_POD_SETTLING] = "pod-settling",
		[SKIP_NO_TARGET] = "no-target",
		[SKIP_BAD_BOUNDS] = "bad-bounds",
	};
	return (unsigned)s < SKIP_COUNT ? names[s] : "?";
}

int arbiter_init(struct arbiter *a, const struct arbiter_config *cfg,
		 struct hv *hv, bool dry_run)
{
	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	a->hv = hv;
	a->dry_run = dry_run;
	a->per_key_a_cycle = arbiter_per_key_a_cycle;
	xsio_backoff_init(&a->xs_backoff);
	a->capacity = cfg->max_domains;
	a->by_domid = calloc(MEMBAL_DOMID_LIMIT, sizeof(*a->by_domid));
	a->order = calloc(a->capacity, sizeof(*a->order));
	a->hv_list = calloc(a->capacity, sizeof(*a->hv_list));
	a->snap = calloc(a->capacity, sizeof(*a->snap));
	a->dec = calloc(a->capacity, sizeof(*a->dec));
	a->snap_dom = calloc(a->capacity, sizeof(*a->snap_dom));
	if (!a->by_domid || !a->order || !a->hv_list || !a->snap || !a->dec ||
	    !a->snap_dom || policy_ctx_init(&a->pctx, a->capacity) < 0) {
		arbiter_free(a);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int arbiter_reconfigure(struct arbiter *a, const struct arbiter_config *cfg)
{
	if (cfg->max_domains != a->cfg.max_domains)
		log_warn("max_domains change (%u -> %u) needs a restart; keeping %u",
			 a->cfg.max_domains, cfg->max_domains, a->cfg.max_domains);
	uint32_t keep = a->cfg.max_domains;

	a->cfg = *cfg;
	a->cfg.max_domains = keep;
	for (size_t i = 0; i < a->ndoms; i++)
		arbiter_apply_rules(a, a->by_domid[a->order[i]]);
	return 0;
}

static void dom_free(struct arbiter *a, uint32_t domid)
{
	free(a->by_domid[domid]);
	a->by_domid[domid] = NULL;
}

void arbiter_free(struct arbiter *a)
{
	if (a->by_domid) {
		for (size_t i = 0; i < a->ndoms; i++)
			dom_free(a, a->order[i]);
	}
	if (a->xs)
		xs_close(a->xs);
	a->xs = NULL;
	free(a->by_domid);
	free(a->order);
	free(a->hv_list);
	free(a->snap);
	free(a->dec);
	free(a->snap_dom);
	policy_ctx_free(&a->pctx);
	a->by_domid = NULL;
	a->order = NULL;
	a->hv_list = NULL;
	a->snap = NULL;
	a->dec = NULL;
	a->snap_dom = NULL;
	a->ndoms = 0;
}

struct dom *arbiter_dom_get(struct arbiter *a, uint32_t domid)
{
	return domid < MEMBAL_DOMID_LIMIT ? a->by_domid[domid] : NULL;
}

struct dom *arbiter_dom_by_name(struct arbiter *a, const char *name)
{
	for (size_t i = 0; i < a->ndoms; i++) {
		struct dom *d = a->by_domid[a->order[i]];

		if (!strcmp(d->name, name))
			return d;
	}
	return NULL;
}

/* L_i, H_i, S_i by the management rule (manage.h). */
void arbiter_apply_rules(struct arbiter *a, struct dom *d)
{
	struct manage_verdict v;

	uint64_t top = d->static_max_kb, cap = maxcap_target_kb(d);

	/* An administrator's maxmem bounds H_i as static-max does (maxcap.h). */
	if (top && cap < top)
		top = cap;
	manage_rule(&a->cfg, d->name, d->type, top, d->hv.max_kb, &v);
	d->min_kb = v.min_kb;
	d->max_kb = v.max_kb;
	d->shares = v.shares;
	d->bad_bounds = v.bad_bounds;
	dom_gap_rules(d, &a->cfg);
	if (d->bad_bounds) {
		char key[32];

		snprintf(key, sizeof(key), "arbiter:minmax:%u", d->domid);
		log_limited(LOG_WARNING, key,
			    "domain %u (%s): min %llu KiB above max %llu KiB (static-max %llu, maxmem cap %llu); not managed",
			    d->domid, d->name, (unsigned long long)d->min_kb,
			    (unsigned long long)d->max_kb,
			    (unsigned long long)d->static_max_kb,
			    (unsigned long long)d->cap_kb);
	}
}

/* An administrator changed the domain's maximum while it runs (a tool
 * lowering or raising memory/static-max): H_i follows at once, so no
 * target above the new maximum is written from this cycle on, and a
 * target already above it is brought down by the policy like any other
 * above H_i (design.md §Maxmem, PoD and the videoram offset). A value
 * that does not parse, or 0, keeps the maximum we hold: a wrong reading
 * must not lift the cap, nor make it "unknown" (then the maxmem we
 * write ourselves would bound it). */
void arbiter_read_static_max(struct arbiter *a, struct dom *d)
{
	uint64_t kb;

	if (xsio_read_static_max(a->xs, d->domid, &kb) < 0 || kb == 0) {
		if (errno == ENOENT || errno == EINVAL || kb == 0)
			d->max_dirty = false;   /* else a lost read: next cycle */
		return;
	}
	d->max_dirty = false;
	if (kb == d->static_max_kb)
		return;
	log_notice("domain %u (%s): static-max %llu -> %llu KiB (changed while it runs)",
		   d->domid, d->name, (unsigned long long)d->static_max_kb,
		   (unsigned long long)kb);
	d->static_max_kb = kb;
	if (kb > d->static_max_top_kb)
		d->static_max_top_kb = kb;
	arbiter_apply_rules(a, d);
}

void arbiter_maxcap_changed(struct arbiter *a, struct dom *d, int change,
			    uint64_t old_kb, uint64_t seen_kb, const char *how)
{
	unsigned long long cap = d->cap_kb, old = old_kb, seen = seen_kb,
			   ours = d->mm_ours_kb;
	switch ((enum maxcap_change)change) {
	case MAXCAP_SAME:
		return;
	case MAXCAP_CONFIRMED:
		break;   /* no news: the targets are cut to it from now on */
	case MAXCAP_SET:
		log_notice("domain %u (%s): maxmem %llu KiB set by someone else %s (ours %llu KiB): an administrator's cap; targets at most %llu KiB until maxmem changes again",
			   d->domid, d->name, cap, how, ours,
			   (unsigned long long)maxcap_cap_target_kb(d));
		break;
	case MAXCAP_MOVED:
		log_notice("domain %u (%s): administrator's maxmem cap %llu -> %llu KiB %s",
			   d->domid, d->name, old, cap, how);
		break;
	case MAXCAP_LIFTED:
		log_notice("domain %u (%s): administrator's maxmem cap %llu KiB lifted %s (maxmem %llu KiB, static-max %llu KiB): membal sets maxmem again",
			   d->domid, d->name, old, how, seen,
			   (unsigned long long)d->static_max_kb);
		break;
	case MAXCAP_RESTORED:
		log_notice("domain %u (%s): administrator's maxmem cap %llu KiB restored (memory/membal_state, and Xen still holds it)",
			   d->domid, d->name, cap);
		break;
	}
	if (change != MAXCAP_CONFIRMED && change != MAXCAP_RESTORED) {
		d->cap_changes++;
		a->n.maxmem_caps++;
		arbiter_save_state(a, d, clock_now_ms());
	}
	arbiter_apply_rules(a, d);
}

void arbiter_maxcap_listed(struct arbiter *a)
{
	for (size_t i = 0; i < a->ndoms; i++) {
		struct dom *d = a->by_domid[a->order[i]];
		uint64_t old_cap;

		if (d->hv.dying)
			continue;
		enum maxcap_change c = maxcap_listed(d, d->hv.max_kb, &old_cap);

		if (c != MAXCAP_SAME)
			arbiter_maxcap_changed(a, d, c, old_cap, d->hv.max_kb,
					       "(Xen's domain list)");
	}
}

/* An administrator's xl mem-max between this cycle's listing and our
 * raise would be overwritten unseen: Xen has no compare-and-set for
 * maxmem, so the raise reads it again first (what is left is the
 * instant between that read and the hypercall). */
bool arbiter_maxmem_moved(struct arbiter *a, struct dom *d)
{
	uint64_t live, old_cap;

	if (!a->hv->ops->maxmem || a->hv->ops->maxmem(a->hv, d->domid, &live) < 0 ||
	    live == d->hv.max_kb)
		return false;
	enum maxcap_change c = maxcap_listed(d, live, &old_cap);

	d->hv.max_kb = live;
	arbiter_maxcap_changed(a, d, c, old_cap, live, "(read again before a raise)");
	return true;
}

static void order_insert(struct arbiter *a, uint32_t domid)
{
	size_t i = a->ndoms;

	while (i > 0 && a->order[i - 1] > domid) {
		a->order[i] = a->order[i - 1];
		i--;
	}
	a->order[i] = domid;
	a->ndoms++;
}

static void order_remove(struct arbiter *a, size_t idx)
{
	memmove(&a->order[idx], &a->order[idx + 1],
		(a->ndoms - idx - 1) * sizeof(a->order[0]));
	a->ndoms--;
}

static struct dom *dom_new(struct arbiter *a, const struct hv_domain *hd,
			   uint64_t now)
{
	struct dom *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->domid = hd->domid;
	d->hv = *hd;
	d->type = a->hv->ops->dom_type(a->hv, hd->domid);
	d->stamp_ms = now;
	d->born_ms = now;
	/* Listed after our first cycle: a guest that started while we ran
	 * (design.md §A step ahead and the boot grace). */
	d->booted = a->n.cycles > 1;
	a->by_domid[hd->domid] = d;
	order_insert(a, hd->domid);
	a->n.domains_added++;
	return d;
}

static bool name_is_incoming(const char *name)
{
	size_t n = strlen(name), m = strlen(RESV_INCOMING);

	return n > m && !strcmp(name + n - m, RESV_INCOMING);
}

static void dom_drop(struct arbiter *a, size_t idx)
{
	uint32_t domid = a->order[idx];
	struct dom *d = a->by_domid[domid];

	if (name_is_incoming(d->name))
		/* xl renames NAME--incoming to NAME when the stream is
		 * complete: one gone before that is a migration to this host
		 * that failed (or was cancelled) and xl cleaned up after. */
		log_notice("domain %u (%s) is gone before its rename: a migration to this host failed; forgetting it",
			   domid, d->name);
	else
		log_info("domain %u (%s) is gone; forgetting it", domid, d->name);
	if (a->xs && d->known)
		xsio_unwatch_dom(a->xs, domid);
	dom_free(a, domid);
	order_remove(a, idx);
	a->n.domains_removed++;
}

int arbiter_refresh_domains(struct arbiter *a, uint64_t now)
{
	size_t n = 0;

	if (a->hv->ops->list(a->hv, a->hv_list, a->capacity, &n) < 0) {
		a->n.hv_errors++;
		log_limited(LOG_ERR, "arbiter:list", "cannot list domains: %s%s",
			    strerror(errno),
			    errno == ENOBUFS ? " (raise [daemon] max_domains)" : "");
		return -1;
	}
	for (size_t i = 0; i < a->ndoms; i++)
		a->by_domid[a->order[i]]->seen = false;
	/* Known domains first, and the vanished ones dropped before new ones
	 * are added: order[] has room for max_domains, and a domain that
	 * went while another came must not need two slots. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			const struct hv_domain *hd = &a->hv_list[i];
			struct dom *d;

			if (hd->domid >= MEMBAL_DOMID_LIMIT)
				continue;
			d = arbiter_dom_get(a, hd->domid);
			if (pass == 0 ? !d : d != NULL)
				continue;
			if (!d && !(d = dom_new(a, hd, now)))
				return -1;
			d->hv = *hd;
			d->seen = true;
			d->actual_kb = hd->tot_kb > d->offset_kb ? hd->tot_kb - d->offset_kb : 0;
		}
		if (pass == 0)
			for (size_t i = a->ndoms; i-- > 0;)
				if (!a->by_domid[a->order[i]]->seen)
					dom_drop(a, i);
	}
	return 0;
}

