/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the agent publishes and when (design.md §Guest keys). Pure: no I/O here, so the
 * "publish or stay quiet" rule is tested without xenstored.
 */
#ifndef MEMBAL_AGENT_REPORT_H
#define MEMBAL_AGENT_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/keys.h"

struct report {
	uint64_t v[MK_COUNT];
	bool have[MK_COUNT];
};

enum report_why {
	REPORT_QUIET = 0,   /* nothing to publish */
	REPORT_FIRST,       /* nothing published yet on this connection */
	REPORT_DELTA,       /* a KiB figure moved by report_delta_kb */
	REPORT_OOM,         /* oom_kills changed */
	REPORT_LAYOUT,      /* a key appeared or disappeared */
	REPORT_HEARTBEAT,   /* heartbeat_ms passed */
	REPORT_PRESSURE,    /* heartbeat_ms passed and psi_some or swapin_rate moved */
	REPORT_SWAP_KIND,   /* swap_zram changed (a swapon or swapoff) */
};

const char *report_why_name(enum report_why why);

/* The page size the vmstat counters are taken in (x86's; a guest with
 * larger pages only publishes more often). */
#define REPORT_PAGE_KB 4

/* last == NULL: nothing published yet. psi_some, swapin_rate, pgmajfault
 * and the PSI totals ride along but never trigger a publication on their
 * own: they move every second on a busy guest and the arbiter only needs
 * them when it decides (the totals are cumulative: nothing is lost). When
 * the heartbeat is due and psi_some or swapin_rate moved since the last
 * publication, the heartbeat carries the figures (REPORT_PRESSURE): the
 * arbiter does not shrink a guest whose published pressure is above
 * psi_no_shrink or swapin_no_shrink, and a guest that went quiet right
 * after paging (its load fell) would otherwise be held at its size by a
 * figure that stopped being true, for as long as no KiB figure moves. The
 * page counters pswpin, refault_anon and refault_file trigger when they
 * moved by report_delta_kb worth of 4 KiB pages, as a KiB figure would. */
enum report_why report_due(const struct report *last, uint64_t last_ms,
			   const struct report *now, uint64_t now_ms,
			   uint64_t delta_kb, uint64_t heartbeat_ms);

#endif
