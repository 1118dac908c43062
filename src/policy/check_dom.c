/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bounds of a snapshot and of its entries, checked by policy_decide()
 * before any arithmetic (design.md §One cycle).
 */
#include "policy/policy.h"
#include "policy/solve.h"

/* The core does not trust its caller either: every figure is bounded so
 * that no sum in policy_decide() can overflow and no price can become NaN. */
int policy_check_dom(const struct policy_dom *d, char *err, size_t len)
{
	const struct {
		const char *name;
		uint64_t v;
	} sizes[] = {
		{ "actual", d->actual_kb }, { "target", d->target_kb },
		{ "min", d->min_kb }, { "max", d->max_kb },
		{ "free", d->free_kb }, { "avail", d->avail_kb },
		{ "committed_as", d->committed_as_kb },
		{ "overhead", d->overhead_kb }, { "gap", d->gap_kb },
		{ "swap_free", d->swap_free_kb }, { "swap_tot", d->swap_tot_kb },
		{ "ws", d->ws_kb }, { "commit_new", d->commit_new_kb },
		{ "oom_raise", d->oom_raise_kb }, { "oom_kill", d->oom_kill_kb },
		{ "top", d->top_kb },
	};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (sizes[i].v > POLICY_KB_MAX)
			return policy_fail(err, len, "domain %u: %s %llu KiB above %llu",
				    d->domid, sizes[i].name,
				    (unsigned long long)sizes[i].v,
				    (unsigned long long)POLICY_KB_MAX);
	if (d->min_kb > d->max_kb)
		return policy_fail(err, len, "domain %u: min %llu > max %llu",
			    d->domid, (unsigned long long)d->min_kb,
			    (unsigned long long)d->max_kb);
	if (d->oom_raise_kb > d->min_kb)
		return policy_fail(err, len, "domain %u: oom_raise %llu > min %llu",
			    d->domid, (unsigned long long)d->oom_raise_kb,
			    (unsigned long long)d->min_kb);
	if (d->oom_kill_kb > d->min_kb)
		return policy_fail(err, len, "domain %u: oom_kill %llu > min %llu",
			    d->domid, (unsigned long long)d->oom_kill_kb,
			    (unsigned long long)d->min_kb);
	if ((d->flags & POLICY_IN_SWAP_KIND) && d->swap_zram_kb > d->swap_tot_kb)
		return policy_fail(err, len, "domain %u: swap_zram %llu > swap_tot %llu",
			    d->domid, (unsigned long long)d->swap_zram_kb,
			    (unsigned long long)d->swap_tot_kb);
	if (d->swap_free_kb > d->swap_tot_kb)
		return policy_fail(err, len, "domain %u: swap_free %llu > swap_tot %llu",
			    d->domid, (unsigned long long)d->swap_free_kb,
			    (unsigned long long)d->swap_tot_kb);
	if (!(d->shares >= POLICY_SHARES_MIN && d->shares <= POLICY_SHARES_MAX))
		return policy_fail(err, len, "domain %u: shares %g outside [%g, %g]",
			    d->domid, d->shares, POLICY_SHARES_MIN,
			    POLICY_SHARES_MAX);
	if ((d->flags & POLICY_IN_STALE) &&
	    (d->kind != POLICY_UNMANAGED || d->stale_top_kb > POLICY_KB_MAX ||
	     d->stale_base_kb > d->target_kb))
		return policy_fail(err, len, "domain %u: stale_top %llu (base %llu, target %llu) on a decided entry or out of range",
			    d->domid, (unsigned long long)d->stale_top_kb,
			    (unsigned long long)d->stale_base_kb,
			    (unsigned long long)d->target_kb);
	if ((unsigned)d->kind > POLICY_UNMANAGED)
		return policy_fail(err, len, "domain %u: unknown kind %d", d->domid,
			    (int)d->kind);
	return 0;
}

/* The whole snapshot: the host's figures, every entry, at most one dom0
 * (its index in *dom0, SIZE_MAX if none). */
int policy_check_snapshot(const struct policy_host *host,
			  const struct policy_dom *dom, size_t n,
			  size_t capacity, struct policy_cycle *cycle,
			  size_t *dom0)
{
	const int64_t host_limit = (int64_t)(POLICY_KB_MAX * 1024);

	if (n > capacity)
		return policy_fail(cycle->error, sizeof(cycle->error),
			    "%zu domains, context sized for %zu", n, capacity);
	if (host->free_kb > host_limit || host->free_kb < -host_limit ||
	    host->reserve_kb > POLICY_KB_MAX)
		return policy_fail(cycle->error, sizeof(cycle->error),
			    "host free %lld KiB or reserve %llu KiB out of range",
			    (long long)host->free_kb,
			    (unsigned long long)host->reserve_kb);
	for (size_t i = 0; i < n; i++) {
		if (policy_check_dom(&dom[i], cycle->error, sizeof(cycle->error)) < 0) {
			cycle->bad_index = i;
			return -1;
		}
		if (dom[i].kind == POLICY_DOM0) {
			if (*dom0 != SIZE_MAX) {
				cycle->bad_index = i;
				return policy_fail(cycle->error, sizeof(cycle->error),
					    "domain %u: a second dom0", dom[i].domid);
			}
			*dom0 = i;
		}
	}
	return 0;
}
