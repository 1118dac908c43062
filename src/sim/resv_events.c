/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Another tool on the host needs memory for a while (a backup's staging
 * area, a migration tool's incoming domain, a build): it asks the
 * arbiter as the README says, `membalctl reserve MB --lease S` (a
 * reservation for nobody in particular, kept free above the reserve),
 * renews it every S/2 while it runs and releases it when done. One that
 * never renews stands for a tool that died: the arbiter's lease ends it.
 */
#include "sim/resv_events.h"

#include <errno.h>
#include <string.h>

#include "arbiter/arbiter.h"
#include "common/log.h"

static uint64_t renew_every(const struct sim_resv_event *e)
{
	uint64_t half = e->lease_ms / 2;

	return half ? half : 1;
}

void sim_resv_tools_run(struct sim_resv_tools *rt, const struct sim_resv_event *ev,
			unsigned n, struct arbiter *a, uint64_t t_ms)
{
	for (unsigned i = 0; i < n; i++) {
		const struct sim_resv_event *e = &ev[i];
		struct sim_resv_tool *t = &rt->t[i];

		if (t->done || t_ms < e->at_ms)
			continue;
		if (!t->made) {
			t->made = true;
			if (arbiter_reserve(a, e->kb, e->lease_ms, "", &t->id) < 0) {
				rt->refused++;
				t->done = true;
				log_warn("tool: membalctl reserve %llu KiB --lease %llu s: %s",
					 (unsigned long long)e->kb,
					 (unsigned long long)(e->lease_ms / 1000),
					 strerror(errno));
				continue;
			}
			rt->made++;
			t->renew_ms = e->at_ms + renew_every(e);
			log_info("tool: membalctl reserve %llu KiB --lease %llu s: reservation %u%s",
				 (unsigned long long)e->kb,
				 (unsigned long long)(e->lease_ms / 1000), t->id,
				 e->hold_ms ? "" : " (never renewed)");
			if (!e->hold_ms) {
				t->done = true;   /* its lease, if any, ends it */
				continue;
			}
		}
		if (t_ms >= e->at_ms + e->hold_ms) {
			if (arbiter_release(a, t->id) < 0)
				log_warn("tool: membalctl release %u: %s (its lease ended it)",
					 t->id, strerror(errno));
			else
				log_info("tool: membalctl release %u after %llu s", t->id,
					 (unsigned long long)(e->hold_ms / 1000));
			t->done = true;
			continue;
		}
		if (e->lease_ms && t_ms >= t->renew_ms) {
			if (arbiter_renew(a, t->id) < 0)
				log_warn("tool: membalctl renew %u: %s", t->id, strerror(errno));
			while (t->renew_ms <= t_ms)
				t->renew_ms += renew_every(e);
		}
	}
}

uint64_t sim_resv_tools_next(const struct sim_resv_tools *rt,
			     const struct sim_resv_event *ev, unsigned n,
			     uint64_t t_ms, uint64_t until)
{
	uint64_t next = until;

	for (unsigned i = 0; i < n; i++) {
		const struct sim_resv_event *e = &ev[i];
		const struct sim_resv_tool *t = &rt->t[i];
		uint64_t at;

		if (t->done)
			continue;
		if (!t->made)
			at = e->at_ms;
		else if (e->lease_ms && t->renew_ms < e->at_ms + e->hold_ms)
			at = t->renew_ms;
		else
			at = e->at_ms + e->hold_ms;
		if (at > t_ms && at < next)
			next = at;
	}
	return next;
}

uint64_t sim_resv_tools_kb(const struct sim_resv_tools *rt, const struct sim_resv_event *ev,
			   unsigned n, struct arbiter *a)
{
	uint64_t kb = 0;

	/* A lease that lapsed ended it on the arbiter's side: only what the
	 * arbiter still holds counts. */
	for (unsigned i = 0; i < n; i++)
		if (rt->t[i].id && arbiter_reservation(a, rt->t[i].id))
			kb += ev[i].kb;
	return kb;
}
