/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * State that travels with a migrating domain (membalctl state export|import):
 * its hold and its OOM-raised minimum with what is left of it, in the
 * membal_state words (state.h; wall-clock seconds, so hosts must agree on
 * the time). A plain `xl migrate` carries memory/membal_state nowhere:
 * the destination's xenstore is another one.
 *
 * Import into a domain that is not there yet (before the move) is kept
 * with the reservation made --for it and applied when it arrives, before
 * its first report: the destination must not shrink a guest that has just
 * been OOM-killed at the source.
 */
#include "arbiter/carry.h"

#include "arbiter/arbiter_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arbiter/state.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/parse.h"

static uint64_t wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec;
}

static struct dom *find(struct arbiter *a, const char *name)
{
	struct dom *d = arbiter_dom_by_name(a, name);
	uint64_t id;

	if (!d && parse_u64(name, 0, MEMBAL_DOMID_LIMIT - 1, &id) == PARSE_OK)
		d = arbiter_dom_get(a, (uint32_t)id);
	return d;
}

int carry_export(struct arbiter *a, const char *name, char *out, size_t size)
{
	struct dom *d = find(a, name);
	struct dom_state s;

	if (!d) {
		errno = ENOENT;
		return -1;
	}
	state_of_dom(d, clock_now_ms(), wall_s(), &s);
	/* The destination rebuilds maxmem from the configuration. */
	s.maxcap_kb = 0;
	state_format(&s, out, size);
	return 0;
}

int carry_apply(struct arbiter *a, struct dom *d, const char *text)
{
	struct dom_state s;
	unsigned ignored;
	uint64_t now = clock_now_ms();

	if (state_parse_export(text, &s, &ignored) < 0) {
		errno = EINVAL;
		return -1;
	}
	if (ignored)
		log_notice("domain %u (%s): state import: %u word(s) this version does not know, ignored",
			   d->domid, d->name, ignored);
	uint64_t created_kb = d->created_kb;

	state_to_dom(&s, now, wall_s(), d);
	/* The source's creation size, when it says one (a migrated domain
	 * arrives at the source's target); else what the adoption saw. */
	if (!s.created_kb)
		d->created_kb = created_kb;
	arbiter_apply_rules(a, d);
	arbiter_save_state(a, d, now);
	log_notice("domain %u (%s): state imported: %s", d->domid, d->name, text);
	return 0;
}

int carry_import(struct arbiter *a, const char *name, const char *text,
		 char *answer, size_t size)
{
	struct dom *d = find(a, name);
	struct dom_state s;
	unsigned ignored;

	if (state_parse_export(text, &s, &ignored) < 0) {
		snprintf(answer, size, "ERR state '%.80s': expected hold=none|manual|paused oom_min_kb=N oom_until=S", text);
		return -1;
	}
	if (d) {
		carry_apply(a, d, text);
		snprintf(answer, size, "OK imported into domain %u (%.63s)", d->domid, d->name);
		return 0;
	}
	for (size_t i = 0; i < RESV_MAX; i++) {
		struct reservation *r = &a->resv[i];

		if (!r->id || strcmp(r->for_name, name))
			continue;
		snprintf(r->state, sizeof(r->state), "%s", text);
		snprintf(answer, size, "OK kept with reservation %u until %.63s arrives", r->id, name);
		log_notice("state for %s kept with reservation %u: %s", name, r->id, text);
		return 0;
	}
	snprintf(answer, size, "ERR no domain '%.63s' and no reservation --for it", name);
	errno = ENOENT;
	return -1;
}
