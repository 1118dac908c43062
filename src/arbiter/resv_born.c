/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A newcomer the guests' needs paid for (resv_born_keep_s, off).
 *
 * resv_need_wait_s creates a VM on a host whose needs fill it: the guests
 * with disk swap lend part of their needs until the domain appears. Once
 * its agent reports it is a guest like any other: its adoption grace
 * floor (what it promised or touched: a boot of 40 MiB) yields to what
 * the lenders lack of their needs, so it is cut to a few hundred MiB at
 * its first report, and its warm-up (60 % of its level within 10 s on
 * patch-reboot's rebuilds) is then funded by guests that page and are
 * held by their no-shrink floors: swapless newcomers were killed in
 * their first minute (session 24, resvneed24). With the key, such a
 * newcomer keeps what it was created with as its minimum until
 * resv_born_keep_s after its first report: what the lenders gave stays
 * lent while it warms up, and it is cut to its estimate once its load
 * is known.
 *
 * `xl create` then `membalctl release`: the toolstack ends the
 * reservation before the arbiter lists the domain, so its name and size
 * are kept here until a domain of that name born after it claims them.
 */
#include "arbiter/resv_born.h"

#include <stdio.h>
#include <string.h>

#include "arbiter/arbiter_int.h"
#include "common/log.h"

void arbiter_resv_born_mark(struct arbiter *a)
{
	if (!a->cycle.resv_need_kb)
		return;
	for (size_t i = 0; i < RESV_MAX; i++) {
		struct reservation *r = &a->resv[i];

		if (r->id && r->for_name[0] && !r->consumer)
			r->need_lent = true;
	}
}

void arbiter_resv_born_keep(struct arbiter *a, const struct reservation *r,
			    uint64_t now)
{
	uint32_t s = a->cfg.policy.params.resv_born_keep_s;
	struct resv_born *b = NULL;

	if (!s || !r->need_lent || !r->for_name[0] || !r->kb)
		return;
	/* a free slot, else the oldest: RESV_MAX reservations are in force
	 * at most, so a slot is free unless domains never came */
	for (size_t i = 0; i < RESV_MAX; i++)
		if (!a->born[i].for_name[0] || now >= a->born[i].until_ms) {
			b = &a->born[i];
			break;
		} else if (!b || a->born[i].made_ms < b->made_ms) {
			b = &a->born[i];
		}
	snprintf(b->for_name, sizeof(b->for_name), "%s", r->for_name);
	b->kb = r->kb;
	b->made_ms = r->made_ms;
	/* unclaimed by then, the domain did not come */
	b->until_ms = now + (uint64_t)s * 1000;
}

/* NAME itself, or xl's NAME--incoming (reserve.c's name_for()). */
static bool born_name(const char *name, const char *for_name)
{
	size_t n = strlen(for_name);

	return n && !strncmp(name, for_name, n) &&
	       (!name[n] || !strcmp(name + n, RESV_INCOMING));
}

uint64_t arbiter_resv_born_floor_kb(struct arbiter *a, struct dom *d,
				    uint64_t now, uint64_t min_kb,
				    uint64_t max_kb, bool have_ws, uint64_t ws_kb)
{
	uint32_t s = a->cfg.policy.params.resv_born_keep_s;

	if (!s)
		return min_kb;
	for (size_t i = 0; !d->born_keep_kb && d->name[0] && i < RESV_MAX; i++) {
		struct resv_born *b = &a->born[i];

		if (!b->for_name[0] || now >= b->until_ms || d->born_ms < b->made_ms ||
		    !born_name(d->name, b->for_name))
			continue;
		d->born_keep_kb = b->kb < d->actual_kb ? b->kb : d->actual_kb;
		b->for_name[0] = '\0';
		log_notice("domain %u (%s): created from a reservation the guests' needs paid for; kept at %llu KiB until %u s after its first report (resv_born_keep_s)",
			   d->domid, d->name, (unsigned long long)d->born_keep_kb, s);
	}
	if (!d->born_keep_kb)
		return min_kb;
	/* resv_born_shown_mb: each fresh report's estimate, once (the
	 * decision is the policy's, policy/born_shown.h) */
	if (d->have_fig && d->hist.have_last && d->hist.last_ms != d->born_report_ms &&
	    !d->born.shown) {
		d->born_report_ms = d->hist.last_ms;
		if (!born_keep_goes_on(&a->cfg.policy.params, &d->born, have_ws, ws_kb,
				       d->born_keep_kb))
			log_notice("domain %u (%s): its load has shown (estimate %llu KiB, boot level %llu); its keep ends (resv_born_shown_mb)",
				   d->domid, d->name, (unsigned long long)ws_kb,
				   (unsigned long long)d->born.boot_kb);
	}
	if (d->born.shown)
		return min_kb;
	return resv_born_floor_kb(min_kb, max_kb, d->born_keep_kb,
				  d->have_fig ? d->first_fig_ms + (uint64_t)s * 1000 : UINT64_MAX,
				  now);
}

uint64_t resv_born_floor_kb(uint64_t min_kb, uint64_t max_kb,
			    uint64_t keep_kb, uint64_t until_ms, uint64_t now)
{
	if (now >= until_ms || keep_kb <= min_kb)
		return min_kb;
	return keep_kb < max_kb ? keep_kb : (max_kb > min_kb ? max_kb : min_kb);
}
