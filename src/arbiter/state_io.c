/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The state that survives a restart (state.h): each domain's
 * memory/membal_state written (arbiter_save_state(), and the growth
 * evidence before the cycle's writes) and read back at adoption
 * (arbiter_load_state()). Moved out of sync.c, the cycle's xenstore
 * reads, in session 25.
 */
#include "arbiter/arbiter_int.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "arbiter/state.h"
#include "arbiter/xsio.h"
#include "common/log.h"

static uint64_t wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec;
}

void arbiter_save_state(struct arbiter *a, struct dom *d, uint64_t now)
{
	const struct policy_params *p = &a->cfg.policy.params;
	struct dom_state s;
	char text[STATE_TEXT_MAX];

	if (a->dry_run || !a->xs)
		return;
	state_of_dom(d, now, wall_s(), &s);
	state_gap_of_dom(d, &s);
	state_stale_of_dom(d, p->stale_return, &s);
	if (p->need == POLICY_NEED_ESTIMATE)
		state_growth_of_dom(d, now, wall_s(), (uint64_t)p->oom_room_s * 1000, &s);
	state_format(&s, text, sizeof(text));
	if (xsio_write_state(a->xs, d->domid, text) < 0) {
		if (errno != ESRCH)
			arbiter_xs_failed(a, now, "write state", d->domid);
		return;
	}
	if (s.have_growth)
		d->growth_saved_ms = now;
	if (s.have_gap) {
		d->gap_saved_kb = s.gap_kb;
		d->gap_saved_ms = now;
		d->gap_saves++;
		a->n.gap_saves++;
	}
}

/* A growing guest without swap room keeps its OOM margin across a
 * restart (design.md §Growth is never cut): the rise is written when it
 * is counted, before the cycle's writes, so that even a kill -9 in the
 * middle of them leaves it behind; a ramp that keeps rising is written
 * again at most every GROWTH_SAVE_MS (its margin then restarts that much
 * older at worst). A steady guest writes nothing. */
#define GROWTH_SAVE_MS 10000

void arbiter_growth_persist(struct arbiter *a, uint64_t now)
{
	const struct policy_params *p = &a->cfg.policy.params;

	if (p->need != POLICY_NEED_ESTIMATE || !p->oom_room_s)
		return;
	for (size_t i = 0; i < a->ndoms && a->xs; i++) {
		struct dom *d = a->by_domid[a->order[i]];

		if (!d->growth.grew || d->growth.grew_ms != now ||
		    (d->growth_saved_ms && now - d->growth_saved_ms < GROWTH_SAVE_MS))
			continue;
		arbiter_save_state(a, d, now);
	}
}

void arbiter_load_state(struct arbiter *a, struct dom *d, uint64_t now)
{
	char *text = xsio_read_state(a->xs, d->domid);
	struct dom_state s;
	int rc = text ? state_parse(text, &s) : -1;

	free(text);
	if (rc < 0) {
		if (text)
			log_warn("domain %u (%s): memory/membal_state unreadable; starting afresh",
				 d->domid, d->name);
		return;
	}
	if (state_gap_to_dom(&s, &a->cfg.policy.params, d))
		log_notice("domain %u (%s): restored learned gap %llu KiB", d->domid,
			   d->name, (unsigned long long)s.gap_kb);
	if (state_growth_to_dom(&s, now, wall_s(), d))
		log_notice("domain %u (%s): restored growth evidence (last rise %llu s ago)",
			   d->domid, d->name,
			   (unsigned long long)((now - d->growth.grew_ms) / 1000));
	if (state_to_dom(&s, now, wall_s(), d))
		log_notice("domain %u (%s): restored %s%s", d->domid, d->name,
			   s.hold == HOLD_MANUAL ? "manual hold" :
			   s.hold == HOLD_PAUSED ? "pause" : "",
			   d->oom_until_ms > now ? " OOM-raised minimum" : "");
}
