/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A reservation nearly met (resv_slack_share_pct, off;
 * design.md §The estimate's slack, "A reservation nearly met").
 * A reservation never takes a need or a slack (R5_i = W_i +
 * need_slack_pct of it), except the slack of a guest whose disk swap
 * can page for it (policy_slack_pages()). So a swapless guest's slack,
 * a few percent of its working set for the estimate's error, held a
 * VM creation out whole: blue-green's g1 waited 61 s for its 1 GiB
 * because 31 MiB of it were b1's and c1's slacks (63 MiB between
 * them), and in that minute every rise of a running guest came first
 * (a need), so the wait grew to 150 MiB and ended only when the noisy
 * loads fell together.
 *
 * With the key, a reservation made for a guest (`membalctl reserve
 * --for`, a newcomer whose whole demand waits with it) may take up to
 * this percent of each swapless guest's slack (R5_i - R4_i, never its
 * need, OOM margin or floors), and only when those shares pay all that
 * would wait: all or nothing, so no guest gives up page cache for a
 * reservation that waits anyway. The rest of each slack stays: at 50 a
 * guest keeps W_i + 2.5 %. Guests with swap are not asked: a disk swap
 * already lends its slack whole (policy_slack_pages()), zram's slack is
 * the one whose loss killed on real Xen (session 10), and an agent that
 * does not say its kind keeps it. A reservation for nobody in
 * particular (a tool's staging area) waits as before. The price: the
 * lent part comes back only when memory frees up, and a steady swapless
 * guest whose load steps into it meanwhile is OOM-killed where its
 * whole slack would have held (resv-share-step: 4 kills with the key,
 * none without, where the restored guest never starts); so off.
 */
#include "policy/policy.h"
#include "policy/solve.h"

uint64_t policy_resv_share_kb(const struct policy_params *p,
			      const struct policy_dom *d, uint64_t r4,
			      uint64_t slack, uint64_t lo)
{
	uint64_t s;

	if (!p->resv_slack_share_pct || d->swap_tot_kb || slack <= r4 ||
	    slack <= lo)
		return 0;
	/* slack - r4 <= POLICY_KB_MAX (2^40), pct <= 100: no overflow */
	s = ((slack - r4) * p->resv_slack_share_pct / 100) & ~(uint64_t)3;
	return s < slack - lo ? s : slack - lo;
}

bool policy_resv_share(const struct policy_params *p,
		       const struct policy_host *host, int64_t *keep,
		       int64_t share, int64_t pool, struct policy_lend *lend)
{
	if (!p->resv_slack_share_pct || host->reservations_for_kb == 0 ||
	    share <= 0 || *keep <= pool || *keep - share > pool)
		return false;
	lend->flags |= POLICY_LEND_SHARE;
	lend->need_kb = (uint64_t)(*keep - pool);
	lend->share_kb = (uint64_t)share;
	*keep = pool;
	return true;
}

/* Each swapless guest lends in proportion to its part, rounded up to a
 * page so that the parts pay all that waits: what is not needed stays
 * its slack (tier 5), not another guest's gap. */
uint64_t policy_resv_share_part(const struct policy_lend *lend, uint64_t s)
{
	unsigned __int128 x;

	if (!(lend->flags & POLICY_LEND_SHARE) || !lend->share_kb)
		return 0;
	/* need_kb <= share_kb: the part is at most s */
	x = ((unsigned __int128)s * lend->need_kb + lend->share_kb - 1) / lend->share_kb;
	x = (x + 3) & ~(unsigned __int128)3;
	return x < s ? (uint64_t)x : s;
}
