/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membalctl's reader of the arbiter's status file (docs/status-json.md),
 * on json-c. The file is world-readable and could be damaged or replaced:
 * it is parsed with bounded size and depth into plain C values, each
 * checked for its type and range; anything else is an error naming the
 * member, never a crash. Absent figures (JSON null) are ST_NONE.
 */
#ifndef MEMBAL_CTL_STATUS_READ_H
#define MEMBAL_CTL_STATUS_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_VERSION 2                /* the schema this membalctl reads */
#define ST_MAX_BYTES (64u << 20)
#define ST_MAX_DEPTH 8
#define ST_MAX_DOMAINS 32768        /* Xen's domid space */
#define ST_NONE INT64_MIN           /* null or absent */

struct st_dom {
	int64_t domid;
	char name[64], type[8], state[24], mode[16], stage[16];
	char flags[160];                /* "a,b" or "" */
	char reasons[128];              /* "a+b" or "" */
	int64_t min_kb, max_kb, target_kb, actual_kb, maxmem_kb, demand_kb;
	int64_t floor_kb;               /* L_i'; ST_NONE from an older arbiter */
	int64_t maxmem_cap_kb;          /* an administrator's maxmem; ST_NONE: none */
	bool target_set;
	double shares, price;           /* price: NAN when null */
	bool has_report;
	int64_t age_ms, memtotal_kb, free_kb, avail_kb, committed_as_kb,
		swap_tot_kb, swap_free_kb, balloon_current_kb, psi_some,
		swapin_rate;
	int64_t swap_zram_kb;           /* ST_NONE: not said, or an older arbiter */
	int64_t reports_rejected, oom_events, pressure_holds, target_changes,
		withdrawals;
};

struct st_status {
	int64_t version, cycle, interval_ms;
	double timestamp;               /* wall clock, s since the epoch */
	char membal[32], backend[16], mode[16], stage[16], free_source[8];
	bool dry_run, paused_all;
	int64_t total_kb, free_kb, reserve_kb, reservation_kb, budget_kb,
		shortfall_kb, reservation_waits_kb;
	size_t n;
	struct st_dom *dom;
};

/* 0, or -1 with "member: reason" in err. st is freed with st_free()
 * either way. */
int st_parse(const char *text, size_t len, struct st_status *st, char *err,
	     size_t errlen);
void st_free(struct st_status *st);

#endif
