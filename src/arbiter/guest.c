/* SPDX-License-Identifier: GPL-2.0-only */
#include "arbiter/guest.h"

#include <stdio.h>

#include "policy/policy.h"
#include "common/parse.h"

static const bool required[MK_COUNT] = {
	[MK_TOT] = true, [MK_FREE] = true, [MK_COMMITTED_AS] = true,
	[MK_SWAP_TOT] = true, [MK_SWAP_FREE] = true, [MK_STAMP] = true,
};

const char *guest_reject_name(enum guest_reject r)
{
	switch (r) {
	case GREJ_MISSING: return "missing";
	case GREJ_SYNTAX: return "syntax";
	case GREJ_RANGE: return "range";
	case GREJ_SWAP: return "swap_free>swap_tot";
	case GREJ_FREE: return "free>tot";
	case GREJ_OVER_TOT: return "figure>tot";
	case GREJ_COUNT: break;
	}
	return "?";
}

/* Upper bound of each key for this domain. */
static uint64_t key_max(enum membal_key k, const struct guest_bounds *b)
{
	switch (k) {
	case MK_TOT: case MK_FREE: case MK_AVAIL:
	case MK_BALLOON_CURRENT: case MK_BALLOON_TARGET:
	case MK_ACTIVE_ANON: case MK_INACTIVE_ANON: case MK_ACTIVE_FILE:
	case MK_INACTIVE_FILE: case MK_ANON_PAGES: case MK_SHMEM:
		return b->mem_max_kb;
	case MK_COMMITTED_AS: case MK_SWAP_TOT: case MK_SWAP_FREE:
		return POLICY_KB_MAX;
	case MK_PSI_SOME:
		return 10000;            /* 100.00 % */
	case MK_SWAPIN_RATE:
		return UINT64_C(1) << 32; /* 16 TiB/s of 4 KiB pages */
	case MK_OOM_KILLS: case MK_STAMP: case MK_VERSION:
	case MK_PSWPIN: case MK_REFAULT_ANON: case MK_REFAULT_FILE:
	case MK_PGMAJFAULT: case MK_PSI_SOME_TOTAL: case MK_PSI_FULL_TOTAL:
		return UINT64_MAX;
	case MK_COUNT: break;
	}
	return 0;
}

struct verdict {
	bool refuse;
	enum guest_reject why;
	int key;
};

static void note(struct verdict *v, struct guest_rejects *rej, int k,
		 enum guest_reject why, struct guest_figures *g)
{
	rej->why[why]++;
	if (required[k] && !v->refuse) {
		v->refuse = true;
		v->why = why;
		v->key = k;
	} else if (!required[k]) {
		rej->keys++;
	}
	g->have &= ~(1u << k);
}

bool guest_parse(const char *const raw[MK_COUNT], const unsigned len[MK_COUNT],
		 const struct guest_bounds *b, struct guest_figures *out,
		 struct guest_rejects *rej, char *why, size_t whylen)
{
	struct guest_figures g = { .have = 0 };
	struct verdict v = { .refuse = false };

	for (int k = 0; k < MK_COUNT; k++) {
		enum parse_err e;

		if (raw[k] == NULL) {
			if (required[k])
				note(&v, rej, k, GREJ_MISSING, &g);
			continue;
		}
		e = parse_u64n(raw[k], len[k], PARSE_U64_MAXLEN, 0, key_max(k, b),
			       &g.v[k]);
		if (e == PARSE_OK) {
			g.have |= 1u << k;
			continue;
		}
		/* An empty value is what the arbiter's hand-over leaves before
		 * the agent's first publication: absent, not garbage. */
		if (e == PARSE_EMPTY && !required[k])
			continue;
		note(&v, rej, k, e == PARSE_RANGE ? GREJ_RANGE : GREJ_SYNTAX, &g);
	}
	/* Cross-key consistency. */
	if (guest_has(&g, MK_SWAP_TOT) && guest_has(&g, MK_SWAP_FREE) &&
	    g.v[MK_SWAP_FREE] > g.v[MK_SWAP_TOT])
		note(&v, rej, MK_SWAP_FREE, GREJ_SWAP, &g);
	if (guest_has(&g, MK_TOT) && guest_has(&g, MK_FREE) &&
	    g.v[MK_FREE] > g.v[MK_TOT])
		note(&v, rej, MK_FREE, GREJ_FREE, &g);
	if (guest_has(&g, MK_TOT) && guest_has(&g, MK_AVAIL) &&
	    g.v[MK_AVAIL] > g.v[MK_TOT])
		note(&v, rej, MK_AVAIL, GREJ_FREE, &g);
	for (int k = MK_ACTIVE_ANON; k <= MK_SHMEM; k++)
		if (guest_has(&g, MK_TOT) && guest_has(&g, (enum membal_key)k) &&
		    g.v[k] > g.v[MK_TOT])
			note(&v, rej, k, GREJ_OVER_TOT, &g);

	if (v.refuse) {
		rej->reports++;
		if (why)
			snprintf(why, whylen, "%s: %s", membal_key_names[v.key],
				 guest_reject_name(v.why));
		return false;
	}
	if (why && whylen)
		why[0] = '\0';
	*out = g;
	return true;
}
