/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cycle's xenstore side: the connection to xenstored, the watch
 * events, adopting a domain through xenstore, reading what changed (a
 * report, a stamp, a target); each domain's memory/membal_state is
 * state_io.c's. The rules applied to what is read are rules.h's; the
 * I/O is xsio.h's.
 */
#include "arbiter/arbiter_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "arbiter/maxcap.h"
#include "arbiter/rules.h"
#include "arbiter/state.h"
#include "arbiter/xsio.h"
#include "common/log.h"
#include "common/xs.h"

/* ---- the connection ------------------------------------------------------ */

static void xs_lost(struct arbiter *a, uint64_t now, int err)
{
	if (a->xs) {
		log_warn("xenstore connection lost (%s); reconnecting", strerror(err));
		xs_close(a->xs);
		a->xs = NULL;
	}
	xsio_backoff_failed(&a->xs_backoff, now);
	/* Everything learnt through the old connection is re-learnt: watches
	 * are gone, and xenstored may have come back with an empty tree. */
	for (size_t i = 0; i < a->ndoms; i++)
		a->by_domid[a->order[i]]->known = false;
}

bool arbiter_xs_ensure(struct arbiter *a, uint64_t now)
{
	if (a->xs)
		return true;
	if (!xsio_backoff_due(&a->xs_backoff, now))
		return false;
	a->xs = xsio_connect(&a->xs_backoff, now);
	if (!a->xs) {
		log_limited(LOG_WARNING, "arbiter:xs-open",
			    "cannot connect to xenstored: %s", strerror(errno));
		return false;
	}
	if (a->xs_ever) {
		log_notice("connected to xenstored again");
		a->n.xs_reconnects++;
	}
	a->xs_ever = true;
	return true;
}

bool arbiter_xs_failed(struct arbiter *a, uint64_t now, const char *what,
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

/* ---- domains ------------------------------------------------------------- */

/* Whether the arbiter hands d its report nodes: every domU, and dom0 when balanced as a guest. */
static bool hands_over(const struct arbiter *a, const struct dom *d)
{
	return d->domid != 0 || a->cfg.policy.params.dom0_mode == POLICY_DOM0_PRIORITY;
}

/* A failed hand-over: 0 to go on (logged, or the domain is gone and the
 * next cycle forgets it), -1 when the connection is lost. */
static int handover_failed(struct arbiter *a, struct dom *d)
{
	if (errno == ESRCH)
		return 0;
	if (mxs_conn_lost(errno))
		return -1;
	log_limited(LOG_WARNING, "arbiter:handover",
		    "domain %u (%s): cannot hand over report keys: %s",
		    d->domid, d->name, strerror(errno));
	return 0;
}

/* Learn a domain through this connection: its layout, its current target
 * and uncooperative flag (a restarted arbiter rebuilds its state from
 * them), memory/report handed to it (and the per-key keys when
 * per_key_after_ms is 0 or an earlier hand-over made them its), and the
 * watches. The hand-over's listing of memory/ says which of our nodes are
 * there, so that a new domain costs no READ of one that is not. */
static int dom_adopt(struct arbiter *a, struct dom *d, uint64_t now)
{
	struct xs_handle *h = a->xs;
	struct xsio_handover ho = { .value = true,
				    .per_key = a->cfg.per_key_after_ms == 0 };
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
		 * destroying it): try again next cycle. Its name is there
		 * from the start (libxl__domain_make): a reservation made
		 * for it must take the memory it is filled with now. */
		if (arbiter_reservations_pending(a)) {
			struct xsio_layout l = { .name = d->name,
						 .name_size = sizeof(d->name), .type = d->type };

			xsio_read_layout(h, d->domid, &l);
		}
		return 0;
	} else if (errno != ENOENT && errno != EINVAL) {
		return -1;
	}
	if (hands_over(a, d) &&
	    xsio_hand_over_some(h, d->domid, a->cfg.tx_retries, &ho) < 0) {
		if (errno == ESRCH)
			return 0;   /* gone meanwhile: next cycle forgets it */
		if (handover_failed(a, d) < 0)
			return -1;
	}
	d->per_key = ho.listed && ho.per_key_handed;
	d->value_handed = ho.listed;
	d->per_key_due_ms = now + a->cfg.per_key_after_ms;

	struct xsio_layout l = { .name = d->name, .name_size = sizeof(d->name),
				 .type = d->type,
				 .no_videoram = ho.listed && !ho.has_videoram };

	if (xsio_read_layout(h, d->domid, &l) < 0)
		return -1;
	d->static_max_kb = d->static_max_top_kb = l.static_max_kb;
	d->videoram_kb = l.videoram_kb;
	d->type = l.type;
	d->offset_kb = d->type == HV_TYPE_HVM ? d->videoram_kb : 0;
	/* N_i again: listed before the offset was known (fuzz_cycle P2) */
	d->actual_kb = d->hv.tot_kb > d->offset_kb ? d->hv.tot_kb - d->offset_kb : 0;
	arbiter_apply_rules(a, d);
	if (!ho.listed || ho.has_state)
		arbiter_load_state(a, d, now);
	arbiter_created_adopt(a, d);   /* its creation size */
	/* Its maxmem: ours, libxl's or an administrator's (maxcap.h); once a domain */
	if (!d->mm_known)
		arbiter_maxcap_changed(a, d, maxcap_adopt(d, d->hv.max_kb, d->cap_saved_kb),
				       d->cap_saved_kb, d->hv.max_kb, "(at adoption)");
	if (d->domid != 0 && (!ho.listed || ho.has_uncooperative) &&
	    xsio_get_uncooperative(h, d->domid)) {
		d->uncooperative = true;
		d->shrink_since_ms = now;
		d->shrink_best_kb = d->actual_kb;
	}
	if (xsio_watch_dom(h, d->domid) < 0)
		return -1;
	d->known = true;
	/* A stamp and a memory/report we have just created: nothing published
	 * yet; read when the watch fires (at once, so nothing is missed). */
	d->probe_dirty = !(ho.listed && ho.fresh);
	d->target_dirty = true;
	return 0;
}

/* The per-key keys of a domain that has not written memory/report for
 * per_key_after_ms since its adoption or its last one: no agent, an
 * agent older than key layout 3 (it retries its writes every
 * handover_retry_ms and publishes once they are its), or one that
 * stopped. Once a domain. */
static void hand_over_per_key(struct arbiter *a, struct dom *d, uint64_t now)
{
	/* memory/report too if the adoption's hand-over failed. */
	struct xsio_handover ho = { .value = !d->value_handed, .per_key = true };

	if (xsio_hand_over_some(a->xs, d->domid, a->cfg.tx_retries, &ho) < 0) {
		d->per_key_due_ms = now + a->cfg.per_key_after_ms;
		if (handover_failed(a, d) < 0)
			arbiter_xs_failed(a, now, "hand over", d->domid);
		return;
	}
	d->per_key = true;
	d->value_handed = true;
	d->per_key_own_events = true;
	log_info("domain %u (%s): no memory/report for %u ms; per-key report keys handed over (an agent older than key layout 3 writes those)",
		 d->domid, d->name, a->cfg.per_key_after_ms);
}

void arbiter_drain_events(struct arbiter *a, uint64_t now)
{
	uint32_t domid = 0;
	int err = 0;
	enum xsio_event ev;

	while (a->xs && (ev = xsio_next_event(a->xs, &domid, &err)) != XSE_NONE) {
		struct dom *d = arbiter_dom_get(a, domid);

		if (ev == XSE_STAMP && d) {
			/* The stamp alone is a heartbeat: the figures are the
			 * ones we hold. Until we hold some, read them all. */
			d->stamp_dirty = true;
			if (!d->have_fig)
				d->report_dirty = true;
		} else if (ev == XSE_REPORT && d)
			d->report_dirty = true;
		else if (ev == XSE_VALUE && d)
			d->value_dirty = true;
		else if (ev == XSE_WATCHED && d)
			d->probe_dirty = true;
		else if (ev == XSE_TARGET && d)
			d->target_dirty = true;
		else if (ev == XSE_NAME && d)
			d->name_dirty = true;
		else if (ev == XSE_MAX && d)
			d->max_dirty = true;
		/* introduce/release: the domain list below tells the rest. */
	}
	if (err)
		xs_lost(a, now, err);
}

static struct guest_bounds dom_bounds(const struct dom *d)
{
	/* The guest can see at most its static-max (when the toolstack
	 * wrote it), else what Xen lets it hold; the largest it had, as a
	 * guest whose maximum was cut holds more until it balloons down. */
	struct guest_bounds b = {
		.mem_max_kb = d->static_max_kb ? d->static_max_top_kb + d->videoram_kb
					       : d->hv.max_kb,
	};

	return b;
}

/* Whether g says what prev said but for the stamp and the layout: a
 * new agent's heartbeat (memory/report rewritten with a new stamp). */
static bool same_figures(const struct guest_figures *g, const struct guest_figures *prev)
{
	uint32_t meta = 1u << MK_STAMP | 1u << MK_VERSION;

	if ((g->have & ~meta) != (prev->have & ~meta))
		return false;
	for (int k = 0; k < MK_COUNT; k++)
		if (!(meta >> k & 1u) && guest_has(g, k) && g->v[k] != prev->v[k])
			return false;
	return true;
}

/* What a report read (r: xsio_read_report's or xsio_read_report_value's
 * answer) means for d. A changed stamp is liveness, whatever else the
 * report says; a heartbeat is liveness alone, as a stamp written alone
 * is: the figures are the ones held, and neither the history nor the
 * learner take them again. */
static void take_report(struct arbiter *a, struct dom *d, int r,
			const struct guest_figures *prev, bool had_prev,
			uint64_t rejected, uint64_t now, bool heartbeat)
{
	if (d->rej.reports != rejected) {
		a->n.reports_rejected++;
		log_limited(LOG_WARNING, d->name,
			    "domain %u (%s): report refused (%s); keeping the last good figures",
			    d->domid, d->name, d->last_reject);
	}
	if (r != 1)
		return;
	if (guest_has(&d->fig, MK_STAMP) && d->fig.v[MK_STAMP] != d->stamp) {
		d->stamp = d->fig.v[MK_STAMP];
		d->stamp_ms = now;
		d->per_key_due_ms = now + a->cfg.per_key_after_ms;
	}
	if (heartbeat)
		return;
	dom_report_accepted(d, had_prev ? prev : NULL, now);
	if (guest_has(&d->fig, MK_OOM_KILLS)) {
		const struct policy_params *p = &a->cfg.policy.params;
		uint64_t kills = dom_oom_seen(d, d->fig.v[MK_OOM_KILLS], p->oom_bump_kb,
					      p->oom_hold_s, now);

		if (kills) {
			char key[32];

			a->n.oom_events++;
			arbiter_save_state(a, d, now);
			/* The count is the guest's word: one that "kills"
			 * every cycle must not flood the log. */
			snprintf(key, sizeof(key), "arbiter:oom:%u", d->domid);
			log_limited(LOG_WARNING, key,
				    "domain %u (%s): %llu OOM kill(s); minimum raised to %llu KiB for %u s",
				    d->domid, d->name, (unsigned long long)kills,
				    (unsigned long long)d->oom_min_kb, p->oom_hold_s);
		}
	}
}

/* An older agent's report: every key in one transaction. */
static void read_report(struct arbiter *a, struct dom *d, uint64_t now)
{
	uint64_t rejected = d->rej.reports;
	struct guest_bounds b = dom_bounds(d);
	struct guest_figures prev = d->fig;
	bool had_prev = d->have_fig;
	int r = xsio_read_report(a->xs, d->domid, a->cfg.tx_retries, &b, &d->fig,
				 &d->rej, d->last_reject, sizeof(d->last_reject));

	a->n.report_reads++;
	if (r < 0) {
		int err = errno;

		/* EAGAIN on every attempt is a busy xenstored, not a bad
		 * report: read it again next cycle, or the publication is
		 * lost until the agent's next one. */
		if (!arbiter_xs_failed(a, now, "read report", d->domid) && err != EAGAIN)
			d->report_dirty = false;
		return;
	}
	d->report_dirty = false;
	take_report(a, d, r, &prev, had_prev, rejected, now, false);
}

/* The watch events of our own late hand-over of the per-key keys (each
 * empty key written, each one's permissions set: they are queued before
 * the transaction's end returns, so this cycle's drain took them): one
 * READ of the stamp says whether the agent published since, instead of
 * a report transaction over empty keys (and a heartbeat read of an
 * empty stamp). */
static void own_handover_events(struct arbiter *a, struct dom *d, uint64_t now)
{
	int s = xsio_stamp_published(a->xs, d->domid);

	if (s < 0 && arbiter_xs_failed(a, now, "read stamp", d->domid))
		return;
	d->per_key_own_events = false;
	d->stamp_dirty = false;
	d->report_dirty = s != 0;
}

/* memory/report: one READ. When d was just watched (probe), the domain's
 * agent may be an older one: if there is no value, its per-key report is
 * read when memory/stamp says it published one. */
static void read_value(struct arbiter *a, struct dom *d, uint64_t now)
{
	uint64_t rejected = d->rej.reports;
	struct guest_bounds b = dom_bounds(d);
	struct guest_figures prev = d->fig;
	bool had_prev = d->have_fig, published = false;
	bool probe = d->probe_dirty;
	int r = xsio_read_report_value(a->xs, d->domid, &b, &d->fig, &d->rej,
				       d->last_reject, sizeof(d->last_reject),
				       &published);

	a->n.report_reads++;
	if (r < 0) {
		if (!arbiter_xs_failed(a, now, "read report", d->domid)) {
			d->value_dirty = false;
			d->probe_dirty = false;
		}
		return;
	}
	d->value_dirty = false;
	d->probe_dirty = false;
	take_report(a, d, r, &prev, had_prev, rejected, now,
		    r == 1 && had_prev && same_figures(&d->fig, &prev));
	/* memory/stamp holds an agent's stamp only if it was handed over. */
	if (probe && !published && d->per_key) {
		int s = xsio_stamp_published(a->xs, d->domid);

		if (s < 0)
			arbiter_xs_failed(a, now, "read stamp", d->domid);
		else if (s > 0)
			d->report_dirty = true;
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
		} else if (errno == ENOENT || !arbiter_xs_failed(a, now, "read stamp", d->domid)) {
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
		} else if (!arbiter_xs_failed(a, now, "read target", d->domid)) {
			d->target_dirty = false;
		}
		return;
	}
	d->target_dirty = false;
	/* xl mem-set set maxmem for its target first: no cap (maxcap.h). */
	if (d->have_written && kb != d->written_kb) {
		uint64_t old_cap = d->cap_kb;

		arbiter_maxcap_changed(a, d, maxcap_target_set(d, kb, d->hv.max_kb),
				       old_cap, d->hv.max_kb, "by xl mem-set");
	}
	if (dom_target_seen(d, kb)) {
		a->n.manual_holds++;
		arbiter_save_state(a, d, now);
		log_notice("domain %u (%s): memory/target set to %llu KiB by someone else (we wrote %llu); holding it (membalctl resume %s to manage it again)",
			   d->domid, d->name, (unsigned long long)kb,
			   (unsigned long long)d->written_kb, d->name);
	}
}

/* xl migrate builds the arriving domain as NAME--incoming and renames it
 * NAME once the stream is complete: the rules of [domain NAME] apply from
 * then on. */
static void read_name(struct arbiter *a, struct dom *d)
{
	char name[ARB_NAME_MAX];

	d->name_dirty = false;
	if (xsio_read_name(a->xs, d->domid, name, sizeof(name)) < 0 ||
	    !strcmp(name, d->name))
		return;   /* unchanged, or the home is going away */
	log_notice("domain %u: renamed %s -> %s", d->domid, d->name, name);
	snprintf(d->name, sizeof(d->name), "%s", name);
	arbiter_apply_rules(a, d);
}

/* Late per-key hand-overs in one cycle: 53 requests each, so a host of
 * a thousand domains without memory/report (no agents, older agents)
 * spreads them over ten cycles of about 5,000 requests rather than one
 * cycle of 53,000 (seconds). */
const unsigned arbiter_per_key_a_cycle = 100;

void arbiter_sync_xenstore(struct arbiter *a, uint64_t now)
{
	unsigned late = 0;

	for (size_t i = 0; i < a->ndoms && a->xs; i++) {
		struct dom *d = a->by_domid[a->order[i]];

		if (d->hv.dying)
			continue;
		if (!d->known && dom_adopt(a, d, now) < 0) {
			if (!arbiter_xs_failed(a, now, "adopt", d->domid))
				continue;
			return;
		}
		if (a->xs && d->known && d->name_dirty)
			read_name(a, d);
		if (a->xs && d->known && d->max_dirty)
			arbiter_read_static_max(a, d);
		if (a->xs && d->target_dirty)
			read_target(a, d, now);
		if (a->xs && d->per_key_own_events)
			own_handover_events(a, d, now);
		if (a->xs && (d->value_dirty || d->probe_dirty))
			read_value(a, d, now);
		if (a->xs && d->report_dirty) {
			read_report(a, d, now);   /* reads the stamp too */
			d->stamp_dirty = false;
		}
		if (a->xs && d->stamp_dirty)
			read_stamp(a, d, now);
		if (a->xs && d->known && !d->per_key && hands_over(a, d) &&
		    (now >= d->per_key_due_ms || a->cfg.per_key_after_ms == 0) &&
		    late < a->per_key_a_cycle) {
			hand_over_per_key(a, d, now);
			late++;
		}
	}
}

