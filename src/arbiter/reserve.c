/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reservations: the table, leases, consumers (reserve.h).
 */
#include "arbiter/reserve.h"

#include "arbiter/arbiter_int.h"
#include "arbiter/carry.h"
#include "arbiter/resv_born.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "common/log.h"

struct reservation *arbiter_reservation(struct arbiter *a, uint32_t id)
{
	for (size_t i = 0; id && i < RESV_MAX; i++)
		if (a->resv[i].id == id)
			return &a->resv[i];
	return NULL;
}

static uint64_t effective(const struct reservation *r)
{
	return r->kb > r->consumed_kb ? r->kb - r->consumed_kb : 0;
}

/* What the newcomer still needs beyond what it holds: its --need, or
 * when none was said all it was reserved (the newcomer may use every
 * page it is created with). */
static uint64_t need_of(const struct reservation *r)
{
	uint64_t need = r->need_kb ? r->need_kb : r->kb;

	return need > r->consumed_kb ? need - r->consumed_kb : 0;
}

static void total(struct arbiter *a)
{
	uint64_t kb = 0, named = 0, need = 0;

	for (size_t i = 0; i < RESV_MAX; i++)
		if (a->resv[i].id) {
			uint64_t e = effective(&a->resv[i]);

			kb += e;
			named += a->resv[i].for_name[0] ? e : 0;
			need += a->resv[i].for_name[0] ? need_of(&a->resv[i]) : 0;
		}
	a->reserve_kb = kb;
	a->reserve_for_kb = named;
	a->reserve_need_kb = need;
}

int arbiter_reserve(struct arbiter *a, uint64_t kb, uint64_t lease_ms,
		    const char *for_name, uint32_t *id)
{
	struct reservation *r = NULL;
	uint64_t now = clock_now_ms();

	if (for_name && strlen(for_name) >= ARB_NAME_MAX) {
		errno = EINVAL;
		return -1;
	}
	for (size_t i = 0; i < RESV_MAX && !r; i++)
		if (!a->resv[i].id)
			r = &a->resv[i];
	if (!r) {
		errno = ENOSPC;
		return -1;
	}
	memset(r, 0, sizeof(*r));
	/* ids are not reused while the arbiter runs: a late release of an
	 * old id must not end someone else's reservation */
	r->id = ++a->resv_last_id;
	r->kb = kb;
	r->made_ms = now;
	r->lease_ms = lease_ms;
	r->until_ms = lease_ms ? now + lease_ms : 0;
	snprintf(r->for_name, sizeof(r->for_name), "%s", for_name ? for_name : "");
	*id = r->id;
	total(a);
	return 0;
}

int arbiter_reserve_need(struct arbiter *a, uint32_t id, uint64_t need_kb)
{
	struct reservation *r = arbiter_reservation(a, id);

	if (!r) {
		errno = ENOENT;
		return -1;
	}
	if (!r->for_name[0] || !need_kb || need_kb > POLICY_KB_MAX) {
		errno = EINVAL;
		return -1;
	}
	r->need_kb = need_kb;
	total(a);
	return 0;
}

int arbiter_release(struct arbiter *a, uint32_t id)
{
	int n = 0;

	for (size_t i = 0; i < RESV_MAX; i++)
		if (a->resv[i].id && (!id || a->resv[i].id == id)) {
			/* The last cycle's free figure counted this memory
			 * free; `xl create` then `membalctl release` means a
			 * domain holds it now. Until the next reading it is
			 * nobody else's (reservation_ready). */
			a->resv_gone_kb += effective(&a->resv[i]);
			arbiter_resv_born_keep(a, &a->resv[i], clock_now_ms());
			a->resv[i].id = 0;
			n++;
		}
	total(a);
	if (id && !n) {
		errno = ENOENT;
		return -1;
	}
	return n;
}

int arbiter_renew(struct arbiter *a, uint32_t id)
{
	struct reservation *r = arbiter_reservation(a, id);

	if (!r) {
		errno = ENOENT;
		return -1;
	}
	if (r->lease_ms)
		r->until_ms = clock_now_ms() + r->lease_ms;
	return 0;
}

uint64_t arbiter_reservations_waited_ms(const struct arbiter *a, uint64_t now)
{
	uint64_t age = 0;

	for (size_t i = 0; i < RESV_MAX; i++) {
		const struct reservation *r = &a->resv[i];

		if (r->id && r->for_name[0] && !r->consumer && now > r->made_ms &&
		    now - r->made_ms > age)
			age = now - r->made_ms;
	}
	return age;
}

bool arbiter_reservations_pending(const struct arbiter *a)
{
	for (size_t i = 0; i < RESV_MAX; i++)
		if (a->resv[i].id && a->resv[i].for_name[0] && !a->resv[i].consumer)
			return true;
	return false;
}

/* NAME itself, or xl's NAME--incoming. */
static bool name_for(const char *name, const char *for_name)
{
	size_t n = strlen(for_name);

	return !strncmp(name, for_name, n) &&
	       (!name[n] || !strcmp(name + n, RESV_INCOMING));
}

static bool taken(const struct arbiter *a, uint32_t domid)
{
	for (size_t i = 0; i < RESV_MAX; i++)
		if (a->resv[i].id && a->resv[i].consumer == domid + 1)
			return true;
	return false;
}

/* The domain the reservation is for, if it has appeared: born after the
 * reservation (the source of a migration to this very host is older and
 * has the same name), not dying, not someone else's consumer. */
static struct dom *consumer_of(struct arbiter *a, struct reservation *r)
{
	if (r->consumer) {
		struct dom *d = arbiter_dom_get(a, r->consumer - 1);

		if (d && !d->hv.dying && d->born_ms >= r->made_ms)
			return d;
		log_notice("reservation %u for %s: domain %u went away before it reported; holding all %llu KiB again",
			   r->id, r->for_name, r->consumer - 1, (unsigned long long)r->kb);
		r->consumer = 0;
		r->consumed_kb = 0;
	}
	if (!r->for_name[0])
		return NULL;
	for (size_t i = 0; i < a->ndoms; i++) {
		struct dom *d = a->by_domid[a->order[i]];

		if (d->hv.dying || d->born_ms < r->made_ms || !d->name[0] ||
		    !name_for(d->name, r->for_name) || taken(a, d->domid))
			continue;
		r->consumer = d->domid + 1;
		log_notice("reservation %u for %s: domain %u (%s) arrived; what it holds comes out of the reservation",
			   r->id, r->for_name, d->domid, d->name);
		if (r->state[0])
			carry_apply(a, d, r->state);
		return d;
	}
	return NULL;
}

void arbiter_reservations_account(struct arbiter *a, uint64_t now)
{
	for (size_t i = 0; i < RESV_MAX; i++) {
		struct reservation *r = &a->resv[i];
		struct dom *d;

		if (!r->id)
			continue;
		if (r->until_ms && now >= r->until_ms) {
			log_notice("reservation %u of %llu KiB%s%s expired (lease %llu s not renewed)",
				   r->id, (unsigned long long)r->kb,
				   r->for_name[0] ? " for " : "", r->for_name,
				   (unsigned long long)(r->lease_ms / 1000));
			r->id = 0;
			continue;
		}
		d = consumer_of(a, r);
		if (!d)
			continue;
		if (d->have_fig) {
			/* Its agent reported: the arbiter manages it like any
			 * other guest from now on. */
			log_notice("reservation %u for %s: domain %u (%s) reported; the rest (%llu KiB) released",
				   r->id, r->for_name, d->domid, d->name,
				   (unsigned long long)effective(r));
			arbiter_resv_born_keep(a, r, now);
			r->id = 0;
			continue;
		}
		uint64_t held = d->hv.tot_kb, promised = d->have_target ? d->target_kb + d->offset_kb : 0;

		r->consumed_kb = held > promised ? held : promised;
		if (r->consumed_kb > r->kb)
			r->consumed_kb = r->kb;
	}
	total(a);
}

/* Why memory is missing, from the last cycle's view. */
static void explain(struct arbiter *a, uint64_t now, char *why, size_t size)
{
	uint64_t above_min = 0, unmanaged_kb = 0;
	unsigned pressure = 0, oom = 0, unmanaged = 0, need = 0;

	for (size_t i = 0; i < a->ndoms; i++) {
		const struct dom *d = a->by_domid[a->order[i]];

		if (d->domid == 0 || d->hv.dying)
			continue;
		if (d->skip != SKIP_NONE) {
			unmanaged++;
			unmanaged_kb += d->actual_kb;
			continue;
		}
		if (d->decided && (d->decision.reasons & (POLICY_R_PSI | POLICY_R_SWAPIN)))
			pressure++;
		if (d->oom_until_ms > now)
			oom++;
		/* need = estimate: held at min(B_i, W_i) or in its adoption
		 * grace; a reservation cannot take that
		 * (design.md §Growth is never cut). */
		if (d->decided && (d->decision.reasons & (POLICY_R_NEED | POLICY_R_ADOPT)))
			need++;
		if (d->actual_kb > d->min_kb)
			above_min += d->actual_kb - d->min_kb;
	}
	snprintf(why, size, "managed guests hold %llu KiB above their minimums (%u under memory pressure, %u at an OOM-raised minimum, %u at their working set or newly adopted: not shrunk); %u guests not managed (paused, held, no agent) hold %llu KiB",
		 (unsigned long long)above_min, pressure, oom, need, unmanaged,
		 (unsigned long long)unmanaged_kb);
}

/* What is free for r: free memory above the reserve, the other
 * reservations and the growth every domain was promised and has not
 * taken yet, from the host reading h and the last cycle's listing; and
 * not what a reservation released since that listing held free (the
 * domain it was for was created in it: without this a `reserve --wait`
 * asked between that `xl create` and the next cycle is answered ready
 * from memory that is gone, and its own `xl create` fails). */
static int64_t room_for(const struct arbiter *a, const struct reservation *r,
			const struct hv_host *h)
{
	int64_t room;

	room = (int64_t)h->free_kb - (int64_t)h->outstanding_kb -
	       (int64_t)a->cfg.policy.params.reserve_kb -
	       (int64_t)(a->reserve_kb - effective(r)) -
	       (int64_t)a->resv_gone_kb;
	for (size_t i = 0; i < a->ndoms; i++) {
		const struct dom *d = a->by_domid[a->order[i]];

		/* a balloon within the tolerance of its target is at it */
		if (!d->hv.dying && d->have_target &&
		    d->target_kb > d->actual_kb + a->cfg.target_tolerance_kb &&
		    !(r->consumer && d->domid == r->consumer - 1))
			room -= (int64_t)(d->target_kb - d->actual_kb);
	}
	/* The arbiter's own tolerance: pages and balloon steps leave free
	 * memory a few hundred KiB short of the exact figure (seen on real
	 * Xen: 332 KiB, for 60 s) */
	return room + (int64_t)a->cfg.target_tolerance_kb;
}

int arbiter_reservation_ready(struct arbiter *a, uint32_t id,
			      uint64_t *missing_kb, char *why, size_t size)
{
	struct reservation *r = arbiter_reservation(a, id);
	struct hv_host now;
	int64_t room;

	if (!r) {
		errno = ENOENT;
		return -1;
	}
	room = room_for(a, r, &a->host);
	/* reserve_fresh: not there at the last cycle's reading, read the
	 * host's free memory again. The room for a reservation comes from decreases the
	 * arbiter wrote, and a balloon gives its pages back within a
	 * fraction of an interval; answered from the last reading, the
	 * `xl create` waited for the next cycle to see them, the new
	 * guest's whole need short meanwhile (migrate-in's m1: 1200 MiB for
	 * 250 ms; docs/evaluation.md, "Session 18: the lag (lag18)"). The
	 * listing stays the last cycle's: a guest that grew since counts
	 * both in the fresh free figure and as promised growth, one that
	 * shrank only in the free figure, so the fresh answer can only
	 * under-count the room, never promise memory that is gone. Off by
	 * default: the guests admitted sooner changed which guest a host
	 * short of every need killed (boot-wave 5 -> 7 OOM kills). */
	if (a->cfg.reserve_fresh && room < (int64_t)effective(r) &&
	    a->hv && a->hv->ops->host &&
	    a->hv->ops->host(a->hv, &now) == 0)
		room = room_for(a, r, &now);
	if (room >= (int64_t)effective(r)) {
		*missing_kb = 0;
		return 1;
	}
	*missing_kb = (uint64_t)((int64_t)effective(r) - room);
	explain(a, clock_now_ms(), why, size);
	return 0;
}
