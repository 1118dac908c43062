/*
 * One arbiter cycle (SPEC §3.1, §3.4):
 *
 *   1. drain xenstore watch events (stamps, targets, introduce/release);
 *   2. list domains from the hypervisor; adopt new ones (read libxl's
 *      layout, hand the agent its report keys, watch), drop vanished ones;
 *   3. re-read the reports and targets whose watches fired (only those:
 *      a steady cycle sends no xenstore request);
 *   4. build the policy snapshot: managed domUs, and every other domain as
 *      unmanaged so that what it was promised is not handed out again;
 *   5. decide (policy_decide) and turn targets into writes (policy_apply);
 *   6. perform decreases first, then increases with maxmem raised before
 *      the target, PoD targets for non-PV guests;
 *   7. uncooperative detection (failure to shrink), withdrawal of grants a
 *      domain does not take, both after stuck_after_ms.
 */
#include "arbiter/arbiter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

#include "arbiter/history.h"
#include "arbiter/xsio.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/parse.h"
#include "common/xs.h"

#define XS_BACKOFF_START_MS 100
#define XS_BACKOFF_MAX_MS 10000

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

static void apply_rules(struct arbiter *a, struct dom *d);

int arbiter_init(struct arbiter *a, const struct arbiter_config *cfg,
		 struct hv *hv, bool dry_run)
{
	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	a->hv = hv;
	a->dry_run = dry_run;
	a->xs_backoff_ms = XS_BACKOFF_START_MS;
	a->capacity = cfg->max_domains;
	a->by_domid = calloc(HV_DOMID_LIMIT, sizeof(*a->by_domid));
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
		apply_rules(a, a->by_domid[a->order[i]]);
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

/* ---- xenstore connection ------------------------------------------------ */

/* Next attempt after the current back-off, which then doubles (capped). */
static void xs_backoff(struct arbiter *a, uint64_t now)
{
	a->xs_retry_ms = now + a->xs_backoff_ms;
	a->xs_backoff_ms = a->xs_backoff_ms * 2 > XS_BACKOFF_MAX_MS
				   ? XS_BACKOFF_MAX_MS : a->xs_backoff_ms * 2;
}

static void xs_lost(struct arbiter *a, uint64_t now, int err)
{
	if (a->xs) {
		log_warn("xenstore connection lost (%s); reconnecting", strerror(err));
		xs_close(a->xs);
		a->xs = NULL;
	}
	xs_backoff(a, now);
	/* Everything learnt through the old connection is re-learnt: watches
	 * are gone, and xenstored may have come back with an empty tree. */
	for (size_t i = 0; i < a->ndoms; i++)
		a->by_domid[a->order[i]]->known = false;
}

static bool xs_ensure(struct arbiter *a, uint64_t now)
{
	if (a->xs)
		return true;
	if (now < a->xs_retry_ms)
		return false;
	a->xs = xsio_open();
	if (!a->xs || !xsio_watch_specials(a->xs)) {
		int err = errno;

		if (a->xs) {
			xs_close(a->xs);
			a->xs = NULL;
		}
		log_limited(LOG_WARNING, "arbiter:xs-open",
			    "cannot connect to xenstored: %s", strerror(err));
		xs_backoff(a, now);
		return false;
	}
	if (a->xs_ever) {
		log_notice("connected to xenstored again");
		a->n.xs_reconnects++;
	}
	a->xs_ever = true;
	a->xs_backoff_ms = XS_BACKOFF_START_MS;
	return true;
}

/* A failed libxenstore call: lose the connection if that is what it was. */
static bool xs_failed(struct arbiter *a, uint64_t now, const char *what,
		      uint32_t domid)
{
	int err = errno;

	if (mxs_conn_lost(err)) {
		xs_lost(a, now, err);
		return true;
	}
	log_limited(LOG_WARNING, what, "domain %u: %s: %s", domid, what,
		    strerror(err));
	return false;
}

/* ---- state that survives a restart --------------------------------------- */

/*
 * memory/membal_state: "hold=none|manual|paused oom_min_kb=N oom_until=S"
 * with S in seconds of CLOCK_REALTIME (the monotonic clock does not
 * survive a reboot of dom0's userspace, wall time does). Without it a
 * restarted arbiter would manage a paused domain, or shrink one right
 * after an OOM kill (seen on real Xen).
 */
static uint64_t wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec;
}

static void save_state(struct arbiter *a, struct dom *d, uint64_t now)
{
	char text[128];
	uint64_t left = d->oom_until_ms > now ? (d->oom_until_ms - now + 999) / 1000 : 0;

	if (a->dry_run || !a->xs)
		return;
	snprintf(text, sizeof(text), "hold=%s oom_min_kb=%llu oom_until=%llu",
		 d->hold_manual ? "manual" : d->hold_paused ? "paused" : "none",
		 (unsigned long long)(left ? d->oom_min_kb : 0),
		 (unsigned long long)(left ? wall_s() + left : 0));
	if (xsio_write_state(a->xs, d->domid, text) < 0 && errno != ESRCH)
		xs_failed(a, now, "write state", d->domid);
}

static void load_state(struct arbiter *a, struct dom *d, uint64_t now)
{
	char *s = xsio_read_state(a->xs, d->domid), *save = NULL;
	uint64_t min_kb = 0, until = 0;
	int hold = -1;
	bool ok = s != NULL;

	for (char *tok = s ? strtok_r(s, " ", &save) : NULL; tok && ok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (!strcmp(tok, "hold=none"))
			hold = 0;
		else if (!strcmp(tok, "hold=manual"))
			hold = 1;
		else if (!strcmp(tok, "hold=paused"))
			hold = 2;
		else if (!strncmp(tok, "oom_min_kb=", 11))
			ok = parse_u64(tok + 11, 0, POLICY_KB_MAX, &min_kb) == PARSE_OK;
		else if (!strncmp(tok, "oom_until=", 10))
			ok = parse_u64(tok + 10, 0, UINT64_MAX / 2000, &until) == PARSE_OK;
		else
			ok = false;
	}
	free(s);
	if (!ok || hold < 0) {
		if (s)
			log_warn("domain %u (%s): memory/membal_state unreadable; starting afresh",
				 d->domid, d->name);
		return;
	}
	d->hold_manual = hold == 1;
	d->hold_paused = hold == 2;
	uint64_t w = wall_s();

	if (until > w && min_kb) {
		d->oom_min_kb = min_kb;
		d->oom_until_ms = now + (until - w) * 1000;
	}
	if (hold || d->oom_until_ms > now)
		log_notice("domain %u (%s): restored %s%s", d->domid, d->name,
			   hold == 1 ? "manual hold" : hold == 2 ? "pause" : "",
			   d->oom_until_ms > now ? " OOM-raised minimum" : "");
}

/* ---- domains ------------------------------------------------------------ */

static struct dom *dom_get(struct arbiter *a, uint32_t domid)
{
	return domid < HV_DOMID_LIMIT ? a->by_domid[domid] : NULL;
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

/* L_i, H_i, S_i from the [domain NAME] rule or the [policy] defaults.
 * H_i never exceeds what the guest can see (static-max; SPEC §1). */
static void apply_rules(struct arbiter *a, struct dom *d)
{
	const struct policy_params *p = &a->cfg.policy.params;
	const struct domain_rule *r = arbiter_config_rule(&a->cfg, d->name);
	uint64_t cap = d->static_max_kb ? d->static_max_kb : d->hv.max_kb;

	d->min_kb = r && r->has_min ? r->min_kb : p->min_kb;
	d->max_kb = r && r->has_max ? r->max_kb : (p->max_kb ? p->max_kb : cap);
	if (cap && d->max_kb > cap)
		d->max_kb = cap;
	d->shares = r && r->has_shares ? r->shares : p->shares;
	/* Never clamp the minimum down to fit: a domain whose maximum we
	 * cannot trust (static-max unknown or tiny) is not managed at all.
	 * On real Xen a domain is listed before libxl wrote its layout; a
	 * clamp there once produced a target of 0 KiB. */
	d->bad_bounds = d->min_kb > d->max_kb;
	if (d->bad_bounds) {
		char key[32];

		snprintf(key, sizeof(key), "arbiter:minmax:%u", d->domid);
		log_limited(LOG_WARNING, key,
			    "domain %u (%s): min %llu KiB above max %llu KiB (static-max %llu); not managed",
			    d->domid, d->name, (unsigned long long)d->min_kb,
			    (unsigned long long)d->max_kb,
			    (unsigned long long)d->static_max_kb);
	}
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

/* Learn a domain through this connection: its layout, its current target
 * and uncooperative flag (a restarted arbiter rebuilds its state from
 * them), the report keys handed to it, and the watches. */
static int dom_adopt(struct arbiter *a, struct dom *d, uint64_t now)
{
	struct xs_handle *h = a->xs;
	uint64_t kb;

	/* memory/target first: libxl writes it in the same transaction as
	 * static-max and videoram (libxl__build_post), so once target is
	 * there the layout is complete. Read the other way round, a commit
	 * falling between the two reads left static-max unknown and H_i at
	 * the maxmem of the build (seen on real Xen). */
	if (xsio_read_target(h, d->domid, &kb) == 0) {
		d->have_target = true;
		d->target_kb = kb;
		/* What is there now is what we (or our predecessor) agreed
		 * to: a restart must not count it as a manual override. */
		d->have_written = true;
		d->written_kb = kb;
	} else if (errno == ENOENT && d->domid != 0) {
		/* The toolstack has not finished building it (or is
		 * destroying it): try again next cycle. */
		return 0;
	} else if (errno != ENOENT && errno != EINVAL) {
		return -1;
	}
	if (xsio_read_layout(h, d) < 0)
		return -1;
	d->offset_kb = d->type == HV_TYPE_HVM ? d->videoram_kb : 0;
	apply_rules(a, d);
	load_state(a, d, now);
	if (d->domid != 0 && xsio_get_uncooperative(h, d->domid)) {
		d->uncooperative = true;
		d->shrink_since_ms = now;
		d->shrink_best_kb = d->actual_kb;
	}
	if (d->domid != 0 || a->cfg.policy.params.dom0_mode == POLICY_DOM0_PRIORITY) {
		if (xsio_hand_over(h, d, a->cfg.tx_retries) < 0) {
			if (errno == ESRCH)
				return 0;   /* gone meanwhile: next cycle forgets it */
			if (mxs_conn_lost(errno))
				return -1;
			log_limited(LOG_WARNING, "arbiter:handover",
				    "domain %u (%s): cannot hand over report keys: %s",
				    d->domid, d->name, strerror(errno));
		}
	}
	if (xsio_watch_dom(h, d) < 0)
		return -1;
	d->known = true;
	d->report_dirty = true;  /* the watch fires at once anyway */
	d->target_dirty = true;
	return 0;
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
	a->by_domid[hd->domid] = d;
	order_insert(a, hd->domid);
	a->n.domains_added++;
	return d;
}

static void dom_drop(struct arbiter *a, size_t idx)
{
	uint32_t domid = a->order[idx];
	struct dom *d = a->by_domid[domid];

	log_info("domain %u (%s) is gone; forgetting it", domid, d->name);
	if (a->xs && d->known)
		xsio_unwatch_dom(a->xs, domid);
	dom_free(a, domid);
	order_remove(a, idx);
	a->n.domains_removed++;
}

static void drain_events(struct arbiter *a, uint64_t now)
{
	uint32_t domid = 0;
	int err = 0;
	enum xsio_event ev;

	while (a->xs && (ev = xsio_next_event(a->xs, &domid, &err)) != XSE_NONE) {
		struct dom *d = dom_get(a, domid);

		if (ev == XSE_STAMP && d) {
			/* The stamp alone is a heartbeat: the figures are the
			 * ones we hold. Until we hold some, read them all. */
			d->stamp_dirty = true;
			if (!d->have_fig)
				d->report_dirty = true;
		} else if (ev == XSE_REPORT && d)
			d->report_dirty = true;
		else if (ev == XSE_TARGET && d)
			d->target_dirty = true;
		/* introduce/release: the domain list below tells the rest. */
	}
	if (err)
		xs_lost(a, now, err);
}

static int refresh_domains(struct arbiter *a, uint64_t now)
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

			if (hd->domid >= HV_DOMID_LIMIT)
				continue;
			d = dom_get(a, hd->domid);
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

/* A changed stamp is liveness, whatever else the report says. */
static void read_report(struct arbiter *a, struct dom *d, uint64_t now)
{
	uint64_t rejected = d->rej.reports;
	int r = xsio_read_report(a->xs, d, a->cfg.tx_retries);

	a->n.report_reads++;
	if (r < 0) {
		int err = errno;

		/* EAGAIN on every attempt is a busy xenstored, not a bad
		 * report: read it again next cycle, or the publication is
		 * lost until the agent's next one. */
		if (!xs_failed(a, now, "read report", d->domid) && err != EAGAIN)
			d->report_dirty = false;
		return;
	}
	d->report_dirty = false;
	if (d->rej.reports != rejected) {
		a->n.reports_rejected++;
		log_limited(LOG_WARNING, d->name,
			    "domain %u (%s): report refused (%s); keeping the last good figures",
			    d->domid, d->name, d->last_reject);
	}
	if (r == 1 && guest_has(&d->fig, MK_STAMP) && d->fig.v[MK_STAMP] != d->stamp) {
		d->stamp = d->fig.v[MK_STAMP];
		d->stamp_ms = now;
	}
	if (r == 1 && guest_has(&d->fig, MK_OOM_KILLS)) {
		uint64_t k = d->fig.v[MK_OOM_KILLS];

		/* The first figure is a baseline, not an event; a counter
		 * that went down is a rebooted guest. */
		if (d->have_oom && k > d->oom_kills) {
			const struct policy_params *p = &a->cfg.policy.params;

			d->oom_events++;
			a->n.oom_events++;
			d->oom_min_kb = d->actual_kb + p->oom_bump_kb;
			d->oom_until_ms = now + (uint64_t)p->oom_hold_s * 1000;
			save_state(a, d, now);
			char key[32];

			/* The count is the guest's word: one that "kills"
			 * every cycle must not flood the log. */
			snprintf(key, sizeof(key), "arbiter:oom:%u", d->domid);
			log_limited(LOG_WARNING, key,
				    "domain %u (%s): %llu OOM kill(s); minimum raised to %llu KiB for %u s",
				    d->domid, d->name, (unsigned long long)(k - d->oom_kills),
				    (unsigned long long)d->oom_min_kb, p->oom_hold_s);
		}
		d->oom_kills = k;
		d->have_oom = true;
	}
}

/* A heartbeat: one read of the stamp. Only a new value is liveness (a
 * stamp rewritten with the same value is a frozen agent), and a stamp
 * that does not parse is a refused report like any other. */
static void read_stamp(struct arbiter *a, struct dom *d, uint64_t now)
{
	uint64_t v;

	if (xsio_read_stamp(a->xs, d->domid, &v) < 0) {
		if (errno == EINVAL) {
			d->stamp_dirty = false;
			d->rej.reports++;
			d->rej.why[GREJ_SYNTAX]++;
			a->n.reports_rejected++;
			snprintf(d->last_reject, sizeof(d->last_reject), "stamp: syntax");
			log_limited(LOG_WARNING, d->name,
				    "domain %u (%s): report refused (stamp: syntax); keeping the last good figures",
				    d->domid, d->name);
		} else if (errno == ENOENT || !xs_failed(a, now, "read stamp", d->domid)) {
			d->stamp_dirty = false;
		}
		return;
	}
	d->stamp_dirty = false;
	if (v != d->stamp) {
		d->stamp = v;
		d->stamp_ms = now;
	}
}

static void read_target(struct arbiter *a, struct dom *d, uint64_t now)
{
	uint64_t kb;

	if (xsio_read_target(a->xs, d->domid, &kb) < 0) {
		if (errno == ENOENT || errno == EINVAL) {
			d->have_target = false;
			d->target_dirty = false;
		} else if (!xs_failed(a, now, "read target", d->domid)) {
			d->target_dirty = false;
		}
		return;
	}
	d->target_dirty = false;
	d->target_kb = kb;
	d->have_target = true;
	/* Our own writes fire this watch too; only a different value is
	 * someone else's (xl mem-set). */
	if (d->have_written && kb != d->written_kb && !d->hold_manual) {
		d->hold_manual = true;
		a->n.manual_holds++;
		save_state(a, d, now);
		log_notice("domain %u (%s): memory/target set to %llu KiB by someone else (we wrote %llu); holding it (membalctl resume %s to manage it again)",
			   d->domid, d->name, (unsigned long long)kb,
			   (unsigned long long)d->written_kb, d->name);
	}
	if (!d->have_written) {
		d->have_written = true;
		d->written_kb = kb;
	}
}

static void sync_xenstore(struct arbiter *a, uint64_t now)
{
	for (size_t i = 0; i < a->ndoms && a->xs; i++) {
		struct dom *d = a->by_domid[a->order[i]];

		if (d->hv.dying)
			continue;
		if (!d->known && dom_adopt(a, d, now) < 0) {
			if (!xs_failed(a, now, "adopt", d->domid))
				continue;
			return;
		}
		if (a->xs && d->target_dirty)
			read_target(a, d, now);
		if (a->xs && d->report_dirty) {
			read_report(a, d, now);   /* reads the stamp too */
			d->stamp_dirty = false;
		}
		if (a->xs && d->stamp_dirty)
			read_stamp(a, d, now);
	}
}

/* ---- snapshot ----------------------------------------------------------- */

static enum dom_skip classify(struct arbiter *a, struct dom *d, uint64_t now)
{
	const struct arbiter_config *c = &a->cfg;

	if (d->domid == 0) {
		if (c->policy.params.dom0_mode != POLICY_DOM0_PRIORITY || !d->have_fig ||
		    now - d->stamp_ms >= c->stale_after_ms)
			return SKIP_DOM0;
		return SKIP_NONE;
	}
	if (d->hv.dying || d->hv.shutdown)
		return SKIP_DYING;
	if (d->hv.paused)
		return SKIP_PAUSED;
	const struct domain_rule *r = arbiter_config_rule(c, d->name);

	if ((r && r->has_managed && !r->managed) ||
	    (!(r && r->has_managed && r->managed) && arbiter_config_excluded(c, d->name)) ||
	    (d->type == HV_TYPE_HVM && !c->manage_hvm) ||
	    (d->type == HV_TYPE_PVH && !c->manage_pvh) ||
	    d->type == HV_TYPE_UNKNOWN)
		return SKIP_EXCLUDED;
	if (!d->have_target)
		return SKIP_NO_TARGET;
	if (d->bad_bounds)
		return SKIP_BAD_BOUNDS;
	if (d->hold_manual)
		return SKIP_HOLD_MANUAL;
	if (d->hold_paused || a->paused_all)
		return SKIP_HOLD_PAUSED;
	if (d->uncooperative)
		return SKIP_UNCOOPERATIVE;
	if (!d->have_fig)
		return SKIP_NO_AGENT;
	if (now - d->stamp_ms >= c->stale_after_ms)
		return SKIP_STALE;
	/* PoD guests take part only once their balloon has reached its
	 * target: before that Xen backs the difference with PoD entries. */
	if (d->type != HV_TYPE_PV) {
		const struct guest_figures *g = &d->fig;

		if (!guest_has(g, MK_BALLOON_CURRENT) || !guest_has(g, MK_BALLOON_TARGET))
			return SKIP_POD_SETTLING;
		uint64_t cur = g->v[MK_BALLOON_CURRENT], tgt = g->v[MK_BALLOON_TARGET];

		if ((cur > tgt ? cur - tgt : tgt - cur) > c->target_tolerance_kb)
			return SKIP_POD_SETTLING;
	}
	return SKIP_NONE;
}

static void fill_managed(struct arbiter *a, struct dom *d, struct policy_dom *s,
			 uint64_t now)
{
	const struct guest_figures *g = &d->fig;
	uint64_t memtotal = g->v[MK_TOT];

	s->kind = d->domid == 0 ? POLICY_DOM0 : POLICY_DOMU;
	s->min_kb = d->min_kb;
	if (now < d->oom_until_ms && d->oom_min_kb > s->min_kb) {
		s->min_kb = d->oom_min_kb < d->max_kb ? d->oom_min_kb : d->max_kb;
		s->flags |= POLICY_IN_OOM_MIN;
	}
	s->max_kb = d->max_kb;
	s->shares = d->shares;
	s->free_kb = g->v[MK_FREE];
	if (guest_has(g, MK_AVAIL)) {
		s->avail_kb = g->v[MK_AVAIL];
		s->flags |= POLICY_IN_AVAIL;
	}
	s->committed_as_kb = g->v[MK_COMMITTED_AS];
	s->swap_tot_kb = g->v[MK_SWAP_TOT];
	s->swap_free_kb = g->v[MK_SWAP_FREE];
	/* O_i: what the domain holds that the guest does not see as RAM
	 * (selfballoon's current_pages - totalram_pages), clamped to
	 * [0, N_i]. Without the balloon figure, N_i - MemTotal. */
	uint64_t holds = guest_has(g, MK_BALLOON_CURRENT) ? g->v[MK_BALLOON_CURRENT]
							  : d->actual_kb;
	uint64_t o = holds > memtotal ? holds - memtotal : 0;

	s->overhead_kb = o < d->actual_kb ? o : d->actual_kb;
	if (guest_has(g, MK_PSI_SOME)) {
		s->psi_some = g->v[MK_PSI_SOME];
		s->flags |= POLICY_IN_PSI;
	}
	if (guest_has(g, MK_SWAPIN_RATE)) {
		s->swapin_rate = g->v[MK_SWAPIN_RATE];
		s->flags |= POLICY_IN_SWAPIN;
	}
}

/* Build the snapshot; returns its size. Every listed domain is in it:
 * the undecided ones as POLICY_UNMANAGED, so that the policy subtracts
 * their pending growth from F_h (§3.1 step 2). */
static size_t build_snapshot(struct arbiter *a, uint64_t now)
{
	size_t n = 0;

	for (size_t i = 0; i < a->ndoms; i++) {
		struct dom *d = a->by_domid[a->order[i]];
		struct policy_dom *s = &a->snap[n];

		if (d->hv.dying)
			continue;   /* its memory returns to free as Xen frees it */
		memset(s, 0, sizeof(*s));
		d->skip = classify(a, d, now);
		d->decided = false;
		s->domid = d->domid;
		s->actual_kb = d->actual_kb;
		s->target_kb = d->have_target ? d->target_kb : d->actual_kb;
		if (s->target_kb > POLICY_KB_MAX)
			s->target_kb = POLICY_KB_MAX;
		s->shares = 1;
		if (d->skip == SKIP_NONE) {
			fill_managed(a, d, s, now);
		} else {
			s->kind = d->domid == 0 ? POLICY_DOM0 : POLICY_UNMANAGED;
			s->min_kb = 0;
			s->max_kb = POLICY_KB_MAX;
			if (d->domid == 0) {
				/* dom0 without a fresh agent is fixed whatever
				 * dom0_mode says: tell the core so. */
				s->kind = POLICY_UNMANAGED;
			}
		}
		a->snap_dom[n] = d;
		n++;
	}
	return n;
}

/* ---- apply -------------------------------------------------------------- */

static void log_change(struct arbiter *a, struct dom *d, uint64_t old_kb,
		       uint64_t new_kb, const char *what)
{
	char reasons[128], msg[512];

	policy_reasons_format(d->d.reasons, reasons, sizeof(reasons));
	if (d->d.has_price)
		snprintf(msg, sizeof(msg), "%sdomain %u (%s): target %llu -> %llu KiB%s [%s/%s, demand %llu, actual %llu, price %.4g, %s]",
			 a->dry_run ? "dry-run: " : "", d->domid, d->name,
			 (unsigned long long)old_kb, (unsigned long long)new_kb, what,
			 policy_mode_name(d->d.mode), policy_stage_name(d->d.stage),
			 (unsigned long long)d->d.goal_kb, (unsigned long long)d->actual_kb,
			 d->d.price, reasons);
	else
		snprintf(msg, sizeof(msg), "%sdomain %u (%s): target %llu -> %llu KiB%s [%s/%s, demand %llu, actual %llu, %s]",
			 a->dry_run ? "dry-run: " : "", d->domid, d->name,
			 (unsigned long long)old_kb, (unsigned long long)new_kb, what,
			 policy_mode_name(d->d.mode), policy_stage_name(d->d.stage),
			 (unsigned long long)d->d.goal_kb, (unsigned long long)d->actual_kb,
			 reasons);
	/* history.c: the journal with MEMBAL_* fields, or this line */
	history_target_change(&(struct history_change){
		.domid = d->domid, .domain = d->name, .old_kb = old_kb,
		.target_kb = new_kb, .demand_kb = d->d.goal_kb,
		.actual_kb = d->actual_kb, .mode = policy_mode_name(d->d.mode),
		.stage = policy_stage_name(d->d.stage),
		.reason = *what ? "grant-withdrawn" : reasons,
		.has_price = d->d.has_price, .price = d->d.price,
		.dry_run = a->dry_run }, msg);
}

static int set_maxmem(struct arbiter *a, struct dom *d, uint64_t target_kb)
{
	uint64_t mm = hv_maxmem_for(target_kb, d->offset_kb);

	if (a->dry_run || d->hv.max_kb == mm)
		return 0;
	if (a->hv->ops->set_maxmem(a->hv, d->domid, mm) < 0) {
		a->n.write_errors++;
		log_limited(LOG_WARNING, "arbiter:maxmem",
			    "domain %u (%s): set maxmem %llu KiB: %s", d->domid,
			    d->name, (unsigned long long)mm, strerror(errno));
		return -1;
	}
	d->hv.max_kb = mm;
	a->n.maxmem_writes++;
	return 0;
}

/* Write one target. Increases raise maxmem FIRST: otherwise the balloon
 * stops at the old maxmem and Xen logs "Over-allocation" (observed on Xen
 * 4.17). Decreases lower it AFTER, so it follows the target. */
static int write_target(struct arbiter *a, struct dom *d, uint64_t kb,
			uint64_t now, const char *what)
{
	uint64_t old = d->have_target ? d->target_kb : d->actual_kb;
	bool up = kb > old;

	log_change(a, d, old, kb, what);
	if (a->dry_run)
		return 0;
	if (up && set_maxmem(a, d, kb) < 0)
		return -1;
	if (xsio_write_target(a->xs, d->domid, kb) < 0) {
		if (errno == ESRCH) {
			log_info("domain %u (%s) went away before its target was written; skipped",
				 d->domid, d->name);
			return -1;
		}
		a->n.write_errors++;
		xs_failed(a, now, "write target", d->domid);
		return -1;
	}
	d->target_kb = kb;
	d->have_target = true;
	d->written_kb = kb;
	d->have_written = true;
	d->target_changes++;
	a->n.target_writes++;
	if (!up)
		set_maxmem(a, d, kb);
	if (d->type != HV_TYPE_PV && d->domid != 0) {
		if (a->hv->ops->set_pod_target(a->hv, d->domid, hv_pod_pages_for(kb)) < 0) {
			a->n.write_errors++;
			log_limited(LOG_WARNING, "arbiter:pod",
				    "domain %u (%s): set PoD target: %s", d->domid,
				    d->name, strerror(errno));
		} else {
			a->n.pod_writes++;
		}
	}
	/* A new grant: watch whether the domain takes it. */
	if (kb > d->actual_kb + a->cfg.target_tolerance_kb) {
		d->grant_open = true;
		d->grant_since_ms = now;
		d->grant_best_kb = d->actual_kb;
	} else {
		d->grant_open = false;
	}
	return 0;
}

static void perform(struct arbiter *a, size_t n, uint64_t now)
{
	/* Decreases first: the memory they release is what increases are
	 * granted from (policy_apply never counted on it beyond F_h, but
	 * the hypervisor needs it back before others balloon up). */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n && a->xs; i++) {
			struct dom *d = a->snap_dom[i];
			const struct policy_decision *o = &a->dec[i];
			uint64_t b = a->snap[i].target_kb;

			if (!o->has_write || o->write_kb == b)
				continue;
			if ((pass == 0) != (o->write_kb < b))
				continue;
			write_target(a, d, o->write_kb, now, "");
		}
	}
}

/* Failure to shrink is uncooperative; failure to grow is starvation,
 * and a grant not taken is withdrawn (SPEC §3.4). */
static void watch_progress(struct arbiter *a, uint64_t now)
{
	const uint64_t tol = a->cfg.target_tolerance_kb;
	const uint64_t stuck = a->cfg.stuck_after_ms;

	for (size_t i = 0; i < a->ndoms && a->xs; i++) {
		struct dom *d = a->by_domid[a->order[i]];

		if (d->domid == 0 || !d->have_target || d->hv.dying || d->hold_manual)
			continue;
		/* Above target: shrinking? */
		if (d->actual_kb > d->target_kb + tol) {
			if (d->shrink_since_ms == 0 ||
			    d->actual_kb + tol < d->shrink_best_kb) {
				d->shrink_since_ms = now;
				d->shrink_best_kb = d->actual_kb;
			} else if (!d->uncooperative && now - d->shrink_since_ms >= stuck) {
				d->uncooperative = true;
				a->n.uncooperative_flags++;
				log_warn("domain %u (%s): holds %llu KiB, target %llu KiB, no progress for %llu ms: uncooperative; its memory is left out of the policy",
					 d->domid, d->name, (unsigned long long)d->actual_kb,
					 (unsigned long long)d->target_kb,
					 (unsigned long long)(now - d->shrink_since_ms));
				if (!a->dry_run) {
					set_maxmem(a, d, d->target_kb);
					if (xsio_set_uncooperative(a->xs, d->domid, true) < 0)
						xs_failed(a, now, "set uncooperative", d->domid);
				}
			}
		} else {
			d->shrink_since_ms = 0;
			if (d->uncooperative) {
				d->uncooperative = false;
				log_notice("domain %u (%s): reached its target; cooperative again",
					   d->domid, d->name);
				if (!a->dry_run && xsio_set_uncooperative(a->xs, d->domid, false) < 0)
					xs_failed(a, now, "clear uncooperative", d->domid);
			}
		}
		/* Below target: taking the grant? */
		if (d->grant_open && d->actual_kb + tol < d->target_kb) {
			if (d->actual_kb > d->grant_best_kb + tol) {
				d->grant_best_kb = d->actual_kb;
				d->grant_since_ms = now;
			} else if (now - d->grant_since_ms >= stuck && d->skip == SKIP_NONE) {
				uint64_t back = d->actual_kb - d->actual_kb % POLICY_PAGE_KB;

				if (back < d->min_kb)
					back = d->min_kb;
				d->withdrawals++;
				a->n.withdrawals++;
				write_target(a, d, back, now, " (grant not taken: withdrawn)");
				d->grant_open = false;
			}
		} else {
			d->grant_open = false;
		}
	}
}

static void record_decisions(struct arbiter *a, size_t n)
{
	for (size_t i = 0; i < a->ndoms; i++)
		a->by_domid[a->order[i]]->decided = false;
	for (size_t i = 0; i < n; i++) {
		struct dom *d = a->snap_dom[i];

		d->d = a->dec[i];
		d->decided = a->dec[i].mode != POLICY_MODE_FIXED;
		if (d->decided && (a->dec[i].reasons & (POLICY_R_PSI | POLICY_R_SWAPIN))) {
			d->pressure_holds++;
			a->n.pressure_holds++;
		}
	}
}

static int64_t host_free(struct arbiter *a, uint64_t now)
{
	int64_t f = (int64_t)a->host.free_kb - (int64_t)a->host.outstanding_kb;

	if (a->reserve_kb && a->reserve_until_ms && now >= a->reserve_until_ms) {
		log_notice("reservation of %llu KiB expired", (unsigned long long)a->reserve_kb);
		a->reserve_kb = 0;
		a->reserve_until_ms = 0;
	}
	return f - (int64_t)a->reserve_kb;
}

static int read_host(struct arbiter *a, struct hv_host *out)
{
	if (a->hv->ops->host(a->hv, out) == 0)
		return 0;
	a->n.hv_errors++;
	log_limited(LOG_ERR, "arbiter:physinfo", "cannot read host memory: %s",
		    strerror(errno));
	return -1;
}

int arbiter_cycle(struct arbiter *a)
{
	uint64_t now = clock_now_ms();
	struct timespec t0, t1;
	size_t n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	a->n.cycles++;
	a->last_cycle_ms = now;
	if (a->hv->ops->advance)
		a->hv->ops->advance(a->hv, now);
	if (!xs_ensure(a, now))
		return -1;
	drain_events(a, now);
	/* Free memory read on both sides of the listing, and the smaller
	 * figure kept: a balloon that gives pages back after the listing
	 * would otherwise count twice, in its stale N_i and in a later free
	 * figure, and the budget would promise it again (seen on real Xen:
	 * free memory 14 MiB below the reserve). Whichever way a balloon
	 * moves in between, the smaller reading can only under-count. */
	struct hv_host before;

	if (read_host(a, &before) < 0 || refresh_domains(a, now) < 0 ||
	    read_host(a, &a->host) < 0)
		return -1;
	if (before.free_kb < a->host.free_kb)
		a->host.free_kb = before.free_kb;
	if (before.outstanding_kb > a->host.outstanding_kb)
		a->host.outstanding_kb = before.outstanding_kb;
	sync_xenstore(a, now);
	if (!a->xs)
		return -1;
	n = build_snapshot(a, now);
	struct policy_host host = {
		.free_kb = host_free(a, now),
		.reserve_kb = a->cfg.policy.params.reserve_kb,
	};
	if (policy_decide(&a->pctx, &a->cfg.policy.params, &host, a->snap, n,
			  a->dec, &a->cycle) < 0) {
		log_limited(LOG_ERR, "arbiter:policy", "policy refused the snapshot: %s",
			    a->cycle.error);
		return -1;
	}
	policy_apply(&a->cfg.policy.params, &a->cycle, a->snap, n, a->dec);
	record_decisions(a, n);
	if (a->cycle.mode == POLICY_MODE_INFEASIBLE && a->cycle.decided > 0) {
		a->n.infeasible_cycles++;
		log_limited(LOG_WARNING, "arbiter:infeasible",
			    "infeasible: the domains' minimums exceed the memory by %llu KiB; everyone held at min",
			    (unsigned long long)a->cycle.shortfall_kb);
	}
	perform(a, n, now);
	watch_progress(a, now);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	a->cycle_ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u +
		      (uint64_t)(t1.tv_nsec - t0.tv_nsec);
	return 0;
}

void arbiter_shutdown(struct arbiter *a)
{
	for (size_t i = 0; i < a->ndoms && a->xs; i++) {
		struct dom *d = a->by_domid[a->order[i]];

		if (!d->uncooperative)
			continue;
		/* Lift the cap to what libxl would set for the target, and the
		 * flag; the target itself stays (a guest must not balloon up
		 * unmanaged). */
		if (!a->dry_run) {
			xsio_set_uncooperative(a->xs, d->domid, false);
			set_maxmem(a, d, d->target_kb);
		}
		d->uncooperative = false;
	}
}

int arbiter_pause(struct arbiter *a, const char *name, bool pause)
{
	if (!name) {
		a->paused_all = pause;
		if (!pause)
			for (size_t i = 0; i < a->ndoms; i++) {
				struct dom *d = a->by_domid[a->order[i]];

				bool was = d->hold_paused || d->hold_manual;

				d->hold_paused = false;
				d->hold_manual = false;
				d->written_kb = d->target_kb;
				if (was)
					save_state(a, d, clock_now_ms());
			}
		return 0;
	}
	struct dom *d = arbiter_dom_by_name(a, name);

	if (!d) {
		uint64_t id;

		if (parse_u64(name, 0, HV_DOMID_LIMIT - 1, &id) != PARSE_OK ||
		    !(d = dom_get(a, (uint32_t)id))) {
			errno = ENOENT;
			return -1;
		}
	}
	d->hold_paused = pause;
	if (!pause) {
		/* Resuming also ends a manual hold: the administrator's value
		 * becomes the starting point. */
		d->hold_manual = false;
		d->written_kb = d->target_kb;
	}
	save_state(a, d, clock_now_ms());
	return 0;
}

void arbiter_reserve(struct arbiter *a, uint64_t kb, uint64_t timeout_ms)
{
	a->reserve_kb = kb;
	a->reserve_until_ms = timeout_ms ? clock_now_ms() + timeout_ms : 0;
}

void arbiter_release(struct arbiter *a)
{
	a->reserve_kb = 0;
	a->reserve_until_ms = 0;
}
