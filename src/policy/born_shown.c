// SPDX-License-Identifier: GPL-2.0-only
/*
 * A newborn kept whole until its load shows (resv_born_shown_mb;
 * born_shown.h). swapkind-wave's n07 is created at 384 MiB, reports a
 * boot of 40 and takes 380 MiB for its application 32 s later: cut to
 * its estimate at its first report it is killed by that start, so it is
 * kept whole; faas-churn's functions show their load a second after
 * their first report and live 6-45 s: kept a fixed minute, each holds
 * the 256 MiB it was created with for most of its life, memory the next
 * creation waits for (docs/evaluation/sessions/session-25.md, "(resv25)").
 */
#include "policy/born_shown.h"

bool born_keep_goes_on(const struct policy_params *p, struct born_watch *w,
		       bool have_ws, uint64_t ws_kb, uint64_t keep_kb)
{
	uint64_t m = p->resv_born_shown_kb;

	if (!m)
		return true;
	if (w->shown)
		return false;
	if (!have_ws)
		return true;
	if (ws_kb >= keep_kb) {
		w->shown = true;
		return false;
	}
	if (!w->seen) {
		w->seen = true;
		w->boot_kb = w->last_kb = ws_kb;
		return true;
	}
	if (!w->risen && ws_kb < w->boot_kb)
		w->boot_kb = ws_kb;
	if (ws_kb > w->boot_kb + m)
		w->risen = true;
	bool landed = ws_kb < w->last_kb + m;

	w->last_kb = ws_kb;
	if (w->risen && landed) {
		w->shown = true;
		return false;
	}
	return true;
}
