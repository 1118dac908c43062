/* SPDX-License-Identifier: GPL-2.0-only */
#include "arbiter/maxcap.h"

#include "arbiter/hv.h"

const char *maxcap_change_name(enum maxcap_change c)
{
	static const char *const names[] = {
		[MAXCAP_SAME] = "same", [MAXCAP_SET] = "set", [MAXCAP_MOVED] = "moved",
		[MAXCAP_LIFTED] = "lifted", [MAXCAP_RESTORED] = "restored",
		[MAXCAP_CONFIRMED] = "confirmed",
	};
	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

uint64_t maxcap_cap_target_kb(const struct dom *d)
{
	uint64_t room = d->offset_kb + 1024;

	return d->cap_kb > room ? d->cap_kb - room : 0;
}

uint64_t maxcap_target_kb(const struct dom *d)
{
	uint64_t kb;

	if (!d->cap_kb)
		return UINT64_MAX;
	kb = maxcap_cap_target_kb(d);
	if (d->cap_new && d->have_target && d->target_kb > kb)
		kb = d->target_kb;
	/* 0 would read as "unknown" to the management rule. */
	return kb ? kb : 1;
}

uint64_t maxcap_lower_kb(const struct dom *d, uint64_t kb)
{
	uint64_t cap = maxcap_cap_target_kb(d);

	if (!d->cap_kb)
		return kb;
	if (!cap)
		cap = 1;
	return cap < kb ? cap : kb;
}

uint64_t maxcap_maxmem_for(const struct dom *d, uint64_t target_kb)
{
	uint64_t mm = hv_maxmem_for(target_kb, d->offset_kb);

	return d->cap_kb && mm > d->cap_kb ? d->cap_kb : mm;
}

/* What libxl sets for a target: target + videoram + 1 MiB (xl mem-set, a
 * predecessor of ours), or 1 MiB more for an HVM guest built with maxmem
 * above memory (libxl__build_pre: maxmem = memory + 1 MiB, the target
 * memory - videoram - 1 MiB, libxl__get_targetmem_fudge). */
static bool libxl_value(const struct dom *d, uint64_t target_kb, uint64_t seen_kb)
{
	uint64_t mm = hv_maxmem_for(target_kb, d->offset_kb);

	return seen_kb == maxcap_pages_kb(mm) || seen_kb == maxcap_pages_kb(mm + 1024);
}

/* A maxmem at or above what libxl sets for static-max caps nothing the
 * toolstack does not already; without static-max the management rule
 * bounds H_i by the live maxmem itself. dom0's is Xen's boot value
 * (dom0_mem=...,max:), and libxl writes its static-max from it. */
static bool no_cap(const struct dom *d, uint64_t seen_kb)
{
	return d->domid == 0 || !d->static_max_kb ||
	       seen_kb >= maxcap_pages_kb(d->static_max_kb + 1024);
}

enum maxcap_change maxcap_adopt(struct dom *d, uint64_t seen_kb, uint64_t saved_kb)
{
	d->mm_known = true;
	d->mm_ours_kb = seen_kb;
	d->cap_new = false;
	if (saved_kb && seen_kb == saved_kb && !no_cap(d, seen_kb)) {
		d->cap_kb = seen_kb;
		return MAXCAP_RESTORED;
	}
	if (no_cap(d, seen_kb) || (d->have_target && libxl_value(d, d->target_kb, seen_kb))) {
		d->cap_kb = 0;
		return saved_kb ? MAXCAP_LIFTED : MAXCAP_SAME;
	}
	/* Without a cap of its own on record, a maxmem above what the target
	 * needs may be a predecessor's: killed between raising maxmem and
	 * writing the target, or between writing a lower target and lowering
	 * maxmem (test_faults' kill -9 mid-cycle). Ours then; below what the
	 * target needs it is no value of ours: a raw caller's, set while no
	 * arbiter ran (xl refuses one below the target). */
	if (!saved_kb && (!d->have_target ||
			  seen_kb > maxcap_pages_kb(hv_maxmem_for(d->target_kb, d->offset_kb))))
		return MAXCAP_SAME;
	d->cap_kb = seen_kb;
	d->cap_new = true;
	return saved_kb ? MAXCAP_MOVED : MAXCAP_SET;
}

enum maxcap_change maxcap_listed(struct dom *d, uint64_t seen_kb, uint64_t *old_kb)
{
	bool was_new = d->cap_new;

	*old_kb = d->cap_kb;
	if (!d->mm_known)
		return MAXCAP_SAME;   /* maxcap_adopt() decides */
	d->cap_new = false;
	/* Our own value again is no news, unless it is above the cap: then
	 * someone raised maxmem back to it (xl mem-set of the target we had
	 * written), and the cap moves there (fuzz_cycle: a stale cap cut the
	 * domain below its min while Xen's maxmem no longer held it). */
	if ((seen_kb == d->mm_ours_kb && (!d->cap_kb || seen_kb <= d->cap_kb)) ||
	    (d->cap_kb && seen_kb == d->cap_kb))
		return was_new ? MAXCAP_CONFIRMED : MAXCAP_SAME;
	if (no_cap(d, seen_kb)) {
		/* Ours again from here on. */
		d->mm_ours_kb = seen_kb;
		if (!d->cap_kb)
			return MAXCAP_SAME;
		d->cap_kb = 0;
		return MAXCAP_LIFTED;
	}
	d->cap_kb = seen_kb;
	d->cap_new = true;
	return *old_kb ? MAXCAP_MOVED : MAXCAP_SET;
}

void maxcap_written(struct dom *d, uint64_t kb)
{
	d->mm_ours_kb = maxcap_pages_kb(kb);
}

enum maxcap_change maxcap_target_set(struct dom *d, uint64_t kb, uint64_t seen_kb)
{
	if (!d->mm_known || !libxl_value(d, kb, seen_kb))
		return MAXCAP_SAME;
	d->mm_ours_kb = seen_kb;
	d->cap_new = false;
	if (!d->cap_kb)
		return MAXCAP_SAME;
	d->cap_kb = 0;
	return MAXCAP_LIFTED;
}
