/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `membalctl plan`: "what would the arbiter do now?" for a snapshot
 * written by hand or exported from a host.
 *
 * Input (CSV, untrusted): a header line naming the columns in any order
 * (unknown columns are ignored), then one row per domain. Required:
 *   domid,name,actual_kb,free_kb,committed_as_kb,swap_tot_kb,swap_free_kb,
 *   min_kb,max_kb,shares
 * Optional (a column may also be left empty in a row):
 *   avail_kb,memtotal_kb,balloon_current_kb,current_target_kb,psi_some,
 *   swapin_rate
 * Blank lines and lines starting with '#' are skipped; spaces around a
 * field are ignored; a UTF-8 byte order mark is skipped; a field cannot
 * contain a comma or a double quote (no quoting). Domids are Xen's
 * (below DOMID_FIRST_RESERVED) unless any_domid is set.
 *
 * Output: domid,name,mode,target_kb,write_kb,price, one row per input row
 * in input order (--explain adds stage,goal_kb,reasons).
 */
#ifndef MEMBAL_CTL_PLAN_H
#define MEMBAL_CTL_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/domid.h"
#include "policy/policy.h"

#define PLAN_MAX_LINE 65536
#define PLAN_MAX_NAME 256
#define PLAN_DOMID_FIRST_RESERVED MEMBAL_DOMID_LIMIT

struct plan {
	size_t n, cap;
	struct policy_dom *dom;
	/* The input line of each row, for messages (plan_line_of()): row i
	 * is on jump.line + i - jump.row for the last jump at or before it;
	 * a jump is recorded where a skipped line (blank, comment) breaks
	 * the run, so a plain file has one. */
	struct plan_jump { size_t row; uint32_t line; } *jump;
	size_t njumps, jumps_cap;
	bool domids_unordered;  /* some row's domid is not above the last */
	char *names;            /* the rows' names in row order, each ended
				 * by a NUL (the writer walks them in turn) */
	size_t names_len, names_cap;
	bool any_domid;         /* set before reading: synthetic scale tests */
	uint64_t gap_kb;        /* set before reading: g_i of a row with ws_kb
				 * and no gap_kb (the headroom) */
};

void plan_init(struct plan *pl);

/* Zeroed memory for a million-row array, in 2 MiB pages when the kernel
 * allows (fewer page faults); NULL when out of memory. */
void *plan_big_alloc(size_t size);
void plan_big_free(void *p, size_t size);
/* The same 2 MiB pages for a large block malloc gave (the policy core's
 * arrays): a hint, before the block is first touched. */
void plan_big_hint(void *p);
void plan_free(struct plan *pl);
/* Row row was read from this line; -1 when out of memory. */
int plan_note_line(struct plan *pl, size_t row, uint32_t line);
uint32_t plan_line_of(const struct plan *pl, size_t row);
/* Grow (or, with p NULL, map) a row array from old to size bytes;
 * NULL when out of memory (p is then still valid). */
void *plan_big_resize(void *p, size_t old, size_t size);

/* Read a whole snapshot. 0, or -1 with "SRC:LINE: column 'c': ..." in
 * err (and pl holds no usable rows). */
int plan_read_csv(FILE *in, const char *src, struct plan *pl, char *err,
		  size_t errlen);

/* The input columns, their units and meaning, for --help. */
void plan_print_columns(FILE *out);

/* The price column: x as "%.6g" writes it (byte for byte, printf only
 * for near-ties and odd values), NUL-terminated in out[PLAN_PRICE_MAX];
 * returns its length. */
#define PLAN_PRICE_MAX 32
size_t plan_format_price(char *out, double x);

/* 0, or -1 on a write error. */
int plan_write_csv(FILE *out, const struct plan *pl,
		   const struct policy_decision *dec, bool explain);

/* The subcommand: argv[0] is "plan". Exit status: 0, 1 bad input, 2 bad
 * usage. */
int plan_main(int argc, char **argv);

#endif
