// SPDX-License-Identifier: GPL-2.0-only
/* A swapless guest's margin for its noise (noise_margin_mb; design.md
 * §Scarce mode from the estimated need, "A margin for the noise"): in
 * scarce mode, a guest whose free swap cannot hold the noise its working
 * set shows (noise_kb, jump_noise(): how far W goes up and comes back
 * down in most windows) is given that noise above its need now, at most noise_margin_mb and its gap, in tier 1 as
 * far as tier 1 fits (margins_fit(), solve_tiers.c). */
#include "policy/solve.h"

/* A swapless guest held at exactly its need W_i in scarce mode is
 * OOM-killed each time its load's noise of a few MiB crosses MemTotal:
 * k8s-nodes' nodes (±4 MiB over a pod plateau: 93 such kills of 152),
 * spike-noise's c5 and c6, swap-fill's db (±10 MiB, whose peers' swap is
 * full) (docs/evaluation/sessions/session-25.md, oom25 group C and
 * break25 cause 1). A fixed margin for every swapless guest
 * (swapless_keep_mb = 8) made the guests with swap page for margins
 * nothing ate (backup-cache's and cache-tmpfs's `lag`); sized by the
 * rise the guest itself shows in most windows, a quiet guest pays
 * nothing and a noisy one gets its noise, not a guess. The rare jumps
 * (a pod's arrival) are not noise: the upper quartile leaves them out,
 * and a margin could not ride them; nor is a climb or a decline, which
 * does not come back (a rise-only measure gave backup-cache's swapless
 * triangle a margin its pagers paged for: `lag` 1.15x -> 2.60x). Given above W_i (it follows the
 * plateau's moves) only while the guest holds its need: one short of it
 * keeps what it holds of the margin, no rescue (keep19, oom21). */
uint64_t policy_noise_margin_kb(const struct policy_params *p,
				const struct policy_dom *d, uint64_t u1, uint64_t up)
{
	if (!p->noise_margin_kb || !d->noise_kb || !(d->flags & POLICY_IN_WS))
		return 0;

	uint64_t g = policy_dom_gap_kb(p, d);
	uint64_t m = d->noise_kb < p->noise_margin_kb ? d->noise_kb : p->noise_margin_kb;

	if (m > g)
		m = g;
	m = (m + 3) & ~(uint64_t)3;      /* a whole page: a 4 KiB multiple */
	if (policy_held_kb(d, up) >= u1)
		return policy_given_margin_kb(d, m, u1, up);
	return policy_kept_margin_kb(d, m, u1, up);
}
