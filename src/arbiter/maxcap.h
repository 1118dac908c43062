/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An administrator's maxmem
 * (design.md §Maxmem, PoD and the videoram offset, "An administrator's
 * maxmem"): membal owns Xen's maxmem and
 * moves it with every target, so a maxmem it did not set is someone
 * else's word. `xl mem-max` of Xen 4.2 to 4.16 (libxl_domain_setmaxmem),
 * libvirt's setmaxmem and any caller of xc_domain_setmaxmem set only
 * Xen's maxmem; Xen 4.17's xl also writes memory/static-max after it.
 * Such a maxmem becomes a cap, kept apart from the live value (membal
 * still lowers maxmem below it after a decrease): no target above
 *
 *     cap - 1 MiB - offset      (libxl: maxmem = target + videoram + 1 MiB)
 *
 * is written and membal never sets maxmem above the cap, until the
 * administrator changes maxmem again: a new value moves it, one at or
 * above static-max + 1 MiB (what `xl mem-max DOM <static-max>` sets)
 * lifts it, and so does `xl mem-set` (it resets maxmem to libxl's value
 * for its target, as Xen documents).
 *
 * Told from our own values: Xen keeps maxmem in pages (the value read
 * back is ours rounded down to 4 KiB); at adoption a maxmem libxl (or a
 * predecessor of ours) would set for the current target is none, the cap
 * a predecessor recorded in memory/membal_state is restored when Xen
 * still holds it. A cap first seen in a cycle only stops increases; the
 * target is cut to it from the next listing on (xl mem-set sets maxmem
 * before its target appears: that cycle must not take its maxmem for a
 * cap and cut the target).
 *
 * Pure: the cycle passes what it read and does the writes and the logs.
 */
#ifndef MEMBAL_ARBITER_MAXCAP_H
#define MEMBAL_ARBITER_MAXCAP_H

#include <stdint.h>

#include "arbiter/arbiter.h"

/* What a reading changed (the caller logs it once and saves the state). */
enum maxcap_change {
	MAXCAP_SAME = 0,
	MAXCAP_SET,        /* a cap where there was none */
	MAXCAP_MOVED,      /* another value */
	MAXCAP_LIFTED,     /* none any more */
	MAXCAP_RESTORED,   /* memory/membal_state's, still in Xen (adoption) */
	MAXCAP_CONFIRMED,  /* seen in a second listing: targets cut to it */
};

const char *maxcap_change_name(enum maxcap_change c);

/* Xen keeps maxmem in pages: what it reports back for kb. */
static inline uint64_t maxcap_pages_kb(uint64_t kb)
{
	return kb / 4 * 4;
}

/* What the cap lets the domain hold as a target, libxl's relation:
 * cap - videoram - 1 MiB (0: no cap, or one below that). */
uint64_t maxcap_cap_target_kb(const struct dom *d);
/* The largest target the cap lets us write (UINT64_MAX: no cap); while
 * the cap is new, not below the current target. Never 0. */
uint64_t maxcap_target_kb(const struct dom *d);
/* kb, at most what the cap lets the domain hold even while the cap is
 * new: a target that is lowered anyway (cap_at_static_max()) is lowered
 * under it, not to a value Xen's maxmem refuses (fuzz_cycle's P3). */
uint64_t maxcap_lower_kb(const struct dom *d, uint64_t kb);

/* The maxmem to set for a target: libxl's, never above the cap. */
uint64_t maxcap_maxmem_for(const struct dom *d, uint64_t target_kb);

/* The first time the domain is learnt (its target and static-max read,
 * memory/membal_state's cap in saved_kb, 0 none): seen is Xen's maxmem. */
enum maxcap_change maxcap_adopt(struct dom *d, uint64_t seen_kb, uint64_t saved_kb);

/* Each listing of a domain already adopted; *old_kb gets the cap before. */
enum maxcap_change maxcap_listed(struct dom *d, uint64_t seen_kb, uint64_t *old_kb);

/* Our set_maxmem of kb succeeded. */
void maxcap_written(struct dom *d, uint64_t kb);

/* Someone else's memory/target kb (xl mem-set) while Xen holds seen_kb:
 * libxl set maxmem for that target, which resets an administrator's. */
enum maxcap_change maxcap_target_set(struct dom *d, uint64_t kb, uint64_t seen_kb);

#endif
