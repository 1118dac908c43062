/* SPDX-License-Identifier: GPL-2.0-only */
#include "arbiter/guest.h"

#include <stdio.h>

#include "policy/policy.h"
#include "common/parse.h"
#include "common/report_value.h"


const char *guest_reject_name(enum guest_reject r)
{
	switch (r) {
	case GREJ_MISSING: return "missing";
	case GREJ_SYNTAX: return "syntax";
	case GREJ_RANGE: return "range";
	case GREJ_SWAP: return "swap_free>swap_tot";
	case GREJ_FREE: return "free>tot";
	case GREJ_OVER_TOT: return "figure>tot";
	case GREJ_LAYOUT: return "layout";
	case GREJ_ZRAM: return "swap_zram>swap_tot";
	case GREJ_COUNT: break;
	}
	return "?";
}

/* Upper bound of each key for this domain (its row's bound). */
static uint64_t key_max(enum membal_key k, const struct guest_bounds *b)
{
	switch (membal_keys[k].bound) {
	case MKB_MEM:
		return b->mem_max_kb;
	case MKB_KIB:
		return POLICY_KB_MAX;
	case MKB_PERCENT:
		return 10000;            /* 100.00 % */
	case MKB_RATE:
		return UINT64_C(1) << 32; /* 16 TiB/s of 4 KiB pages */
	case MKB_COUNTER:
		return UINT64_MAX;
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
	if (membal_keys[k].required && !v->refuse) {
		v->refuse = true;
		v->why = why;
		v->key = k;
	} else if (!membal_keys[k].required) {
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
			if (membal_keys[k].required)
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
		if (e == PARSE_EMPTY && !membal_keys[k].required)
			continue;
		note(&v, rej, k, e == PARSE_RANGE ? GREJ_RANGE : GREJ_SYNTAX, &g);
	}
	/* Cross-key consistency. */
	if (guest_has(&g, MK_SWAP_TOT) && guest_has(&g, MK_SWAP_FREE) &&
	    g.v[MK_SWAP_FREE] > g.v[MK_SWAP_TOT])
		note(&v, rej, MK_SWAP_FREE, GREJ_SWAP, &g);
	/* More zram than swap is not a kind of the swap there is. */
	if (guest_has(&g, MK_SWAP_ZRAM) &&
	    (!guest_has(&g, MK_SWAP_TOT) || g.v[MK_SWAP_ZRAM] > g.v[MK_SWAP_TOT]))
		note(&v, rej, MK_SWAP_ZRAM, GREJ_ZRAM, &g);
	for (int k = 0; k < MK_COUNT; k++)
		if (membal_keys[k].vs_tot != MKT_NONE && guest_has(&g, MK_TOT) &&
		    guest_has(&g, (enum membal_key)k) && g.v[k] > g.v[MK_TOT])
			note(&v, rej, k, membal_keys[k].vs_tot == MKT_FREE ? GREJ_FREE
									   : GREJ_OVER_TOT, &g);

	if (v.refuse) {
		rej->reports++;
		if (why)
			snprintf(why, whylen, "%s: %s", membal_key_name(v.key),
				 guest_reject_name(v.why));
		return false;
	}
	if (why && whylen)
		why[0] = '\0';
	*out = g;
	return true;
}

bool guest_parse_value(const char *s, unsigned len, const struct guest_bounds *b,
		       struct guest_figures *out, struct guest_rejects *rej,
		       char *why, size_t whylen)
{
	const char *raw[MK_COUNT];
	unsigned lens[MK_COUNT];
	uint64_t layout = 0;
	enum report_value_err e = report_value_split(s, len, raw, lens, &layout);

	if (why && whylen)
		why[0] = '\0';
	if (e == RV_EMPTY)
		return false;
	if (e != RV_OK) {
		rej->reports++;
		rej->why[e == RV_LAYOUT ? GREJ_LAYOUT : GREJ_SYNTAX]++;
		if (why)
			snprintf(why, whylen, "%s: %s", REPORT_VALUE_KEY,
				 report_value_strerror(e));
		return false;
	}
	return guest_parse(raw, lens, b, out, rej, why, whylen);
}
