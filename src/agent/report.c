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
	}
	return "?";
}

/* Pressure figures appear on the second sample (a rate needs two) and
 * with the kernel's PSI state; neither is worth a publication. */
static bool rides_along(int k)
{
	return k == MK_PSI_SOME || k == MK_SWAPIN_RATE;
}

static bool is_kib_figure(int k)
{
	return k <= MK_BALLOON_TARGET;
}

enum report_why report_due(const struct report *last, uint64_t last_ms,
			   const struct report *now, uint64_t now_ms,
			   uint64_t delta_kb, uint64_t heartbeat_ms)
{
	if (last == NULL)
		return REPORT_FIRST;
	for (int k = 0; k < MK_STAMP; k++)
		if (!rides_along(k) && last->have[k] != now->have[k])
			return REPORT_LAYOUT;
	if (now->have[MK_OOM_KILLS] &&
	    now->v[MK_OOM_KILLS] != last->v[MK_OOM_KILLS])
		return REPORT_OOM;
	for (int k = 0; k < MK_COUNT; k++) {
		if (!is_kib_figure(k) || !now->have[k])
			continue;
		uint64_t a = now->v[k], b = last->v[k];
		uint64_t d = a > b ? a - b : b - a;

		/* delta 0 means "every change", not "every sample". */
		if (d > 0 && d >= delta_kb)
			return REPORT_DELTA;
	}
	if (now_ms - last_ms >= heartbeat_ms)
		return REPORT_HEARTBEAT;
	return REPORT_QUIET;
}
