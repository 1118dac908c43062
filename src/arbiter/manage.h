/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The management rule: which domains membal may manage and with which
 * [L_i, H_i] and S_i, from arbiter.ini and what the toolstack says of the
 * domain. One rule, used by the daemon's cycle and by membal-sim's
 * clairvoyant floor (and so by its "managed" column), so that the floor
 * measures the allocator the arbiter really is
 * (design.md §Which domains are managed).
 *
 * Pure: configuration and the domain's facts in, a verdict out. Whether a
 * domain is decided in a given cycle also depends on what happens at run
 * time (an agent, a hold, staleness): that is rules.h's dom_classify().
 */
#ifndef MEMBAL_ARBITER_MANAGE_H
#define MEMBAL_ARBITER_MANAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "arbiter/arbiter_config.h"
#include "arbiter/hv.h"

struct manage_verdict {
	/* The configuration lets membal manage it: not `managed = no`, not
	 * excluded by a pattern (unless `managed = yes`), its type opted in
	 * (HVM and PVH are opt-in whatever `managed` says; an unknown type
	 * is never managed). */
	bool admitted;
	uint64_t min_kb, max_kb;     /* L_i, H_i */
	double shares;               /* S_i */
	/* min above max: the maximum cannot be trusted (static-max unknown
	 * or tiny), so the domain is not managed at all. The minimum is
	 * never clamped down to fit: on real Xen a clamp once produced a
	 * target of 0 KiB for a domain listed before libxl wrote its
	 * layout. */
	bool bad_bounds;
};

/* static_max_kb 0: unknown, then maxmem_kb bounds H_i (0 too: no cap).
 * L_i is the domain's [domain] min_mb, else [policy] min_mb (the
 * creation size as its bound, `min_created`, was taken out in session
 * 25: tiny-huge's `writes` and a kill on created-grow). */
void manage_rule(const struct arbiter_config *c, const char *name,
		 enum hv_dom_type type, uint64_t static_max_kb,
		 uint64_t maxmem_kb, struct manage_verdict *out);

/* The verdict's `admitted` alone (no bounds). */
bool manage_admitted(const struct arbiter_config *c, const char *name,
		     enum hv_dom_type type);

/* admitted and bounds sane. */
static inline bool manage_ok(const struct manage_verdict *v)
{
	return v->admitted && !v->bad_bounds;
}

#endif
