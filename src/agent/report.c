/* SPDX-License-Identifier: GPL-2.0-only */
#include "agent/report.h"

#include <stddef.h>

const char *report_why_name(enum report_why why)
{
	switch (why) {
	case REPORT_QUIET: return "quiet";
	case REPORT_FIRST: return "first";
	case REPORT_DELTA: return "delta";
	case REPORT_OOM: return "oom";
	case REPORT_LAYOUT: return "layout";
	case REPORT_HEARTBEAT: return "heartbeat";
	case REPORT_PRESSURE: return "pressure";
	case REPORT_SWAP_KIND: return "swap-kind";
	}
	return "?";
}

/* The publication rules are columns of the guest-key table (keys.h):
 * pressure figures ride along (they appear on the second sample, a rate
 * needs two, and with the kernel's PSI state: neither is worth a
 * publication); page counters are cumulative, so riding along would lose
 * nothing, but a guest that refaults report_delta_kb worth of memory has a
 * working set that moved as much as a KiB figure moving by that much. */
static bool triggers(int k)
{
	enum membal_key_publish p = membal_keys[k].publish;

	return p == MKP_KIB || p == MKP_PAGES || p == MKP_CHANGE;
}

enum report_why report_due(const struct report *last, uint64_t last_ms,
			   const struct report *now, uint64_t now_ms,
			   uint64_t delta_kb, uint64_t heartbeat_ms)
{
	if (last == NULL)
		return REPORT_FIRST;
	for (int k = 0; k < MK_COUNT; k++)
		if (triggers(k) && last->have[k] != now->have[k])
			return REPORT_LAYOUT;
	for (int k = 0; k < MK_COUNT; k++)
		if (membal_keys[k].publish == MKP_CHANGE && now->have[k] &&
		    now->v[k] != last->v[k])
			return k == MK_OOM_KILLS ? REPORT_OOM : REPORT_SWAP_KIND;
	for (int k = 0; k < MK_COUNT; k++) {
		bool pages = membal_keys[k].publish == MKP_PAGES;

		if ((membal_keys[k].publish != MKP_KIB && !pages) || !now->have[k])
			continue;
		uint64_t a = now->v[k], b = last->v[k];
		uint64_t d = a > b ? a - b : b - a;

		if (pages)
			d = d > UINT64_MAX / REPORT_PAGE_KB ? UINT64_MAX
							    : d * REPORT_PAGE_KB;

		/* delta 0 means "every change", not "every sample". */
		if (d > 0 && d >= delta_kb)
			return REPORT_DELTA;
	}
	if (now_ms - last_ms >= heartbeat_ms) {
		const enum membal_key pressure[] = { MK_PSI_SOME, MK_SWAPIN_RATE };

		for (size_t i = 0; i < sizeof(pressure) / sizeof(pressure[0]); i++) {
			enum membal_key k = pressure[i];

			/* A figure appearing (a rate needs two samples) or
			 * vanishing holds nothing the arbiter decides on. */
			if (now->have[k] && last->have[k] && now->v[k] != last->v[k])
				return REPORT_PRESSURE;
		}
		return REPORT_HEARTBEAT;
	}
	return REPORT_QUIET;
}
