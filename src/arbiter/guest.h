/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The untrusted-input boundary: what a guest wrote under
 * /local/domain/<id>/memory/ turned into checked figures.
 *
 * Everything here is written by the guest's agent, or by whoever is root in
 * the guest and replaced it, within xenstored's quotas (2048 bytes a node).
 * guest_parse() is pure (strings in, figures and reject counts out) so that
 * it is fuzzed without xenstored. Rules (design.md §Guest keys):
 *  - every value is a plain decimal of at most 20 digits (parse_u64n);
 *  - sizes are bounded by what the domain could possibly see: MemTotal,
 *    free, avail and the balloon figures by the domain's static-max (plus
 *    videoram for HVM is the caller's bound), Committed_AS by
 *    POLICY_KB_MAX, swap by POLICY_KB_MAX with swap_free <= swap_tot
 *    and swap_zram <= swap_tot (a bad swap_zram is dropped: its kind
 *    unknown, read as RAM-backed);
 *    free and avail by MemTotal; psi_some by 10000 (100 %); the layout-2
 *    sizes (active_anon .. shmem) by static-max and each by MemTotal; the
 *    cumulative counters (pswpin, refaults, pgmajfault, PSI totals) are
 *    any 64-bit value: guest_history_push() takes only forward deltas;
 *  - a required key (tot, free, committed_as, swap_tot, swap_free, stamp)
 *    that is missing or bad rejects the whole report: the arbiter keeps the
 *    last good figures of that domain and counts the reject;
 *  - an optional key that is bad is dropped (counted) and the rest used.
 */
#ifndef MEMBAL_ARBITER_GUEST_H
#define MEMBAL_ARBITER_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/keys.h"

struct guest_figures {
	uint64_t v[MK_COUNT];
	uint32_t have;          /* 1u << enum membal_key */
};

static inline bool guest_has(const struct guest_figures *g, enum membal_key k)
{
	return (g->have >> k) & 1u;
}

enum guest_reject {
	GREJ_MISSING,      /* a required key is absent */
	GREJ_SYNTAX,       /* not a plain decimal / too long / empty */
	GREJ_RANGE,        /* implausible for this domain */
	GREJ_SWAP,         /* swap_free > swap_tot */
	GREJ_FREE,         /* free or avail > tot */
	GREJ_OVER_TOT,     /* an LRU list, AnonPages or Shmem > tot */
	GREJ_LAYOUT,       /* memory/report of a layout below the value's first */
	GREJ_ZRAM,         /* swap_zram > swap_tot */
	GREJ_COUNT
};

struct guest_rejects {
	uint64_t reports;              /* whole reports refused */
	uint64_t keys;                 /* optional keys dropped */
	uint64_t why[GREJ_COUNT];
};

struct guest_bounds {
	uint64_t mem_max_kb;   /* largest memory the guest can see (static-max) */
};

/*
 * raw[k]/len[k]: the value of key k as read (raw[k] NULL when absent); len
 * is the byte count xenstored returned (values need not be NUL-terminated
 * and may contain NULs). Returns true and fills *out when the report is
 * usable; false when it was refused (then *out is untouched). rej is
 * updated either way; why (optional) gets one line for the log.
 */
bool guest_parse(const char *const raw[MK_COUNT], const unsigned len[MK_COUNT],
		 const struct guest_bounds *b, struct guest_figures *out,
		 struct guest_rejects *rej, char *why, size_t whylen);

/*
 * The same from memory/report, one value (common/report_value.h): split
 * strictly, then the fields through guest_parse() within b. A value that
 * does not split (its syntax, its layout, its field count) is refused as
 * a whole: counted in rej (reports, why[GREJ_SYNTAX] or why[GREJ_LAYOUT])
 * and why says "report: <reason>". len 0 (the hand-over's empty node) is
 * nothing published: false, nothing counted, why empty.
 */
bool guest_parse_value(const char *s, unsigned len, const struct guest_bounds *b,
		       struct guest_figures *out, struct guest_rejects *rej,
		       char *why, size_t whylen);

const char *guest_reject_name(enum guest_reject r);

#endif
