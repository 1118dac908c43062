/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-place apply: carry out a plan's migrations (apply.c), with every
 * step in a journal (journal.c) so that an interrupted run can be resumed
 * or explained. docs/placement.md §Applying a plan.
 */
#ifndef MEMBAL_PLACETOOL_APPLY_H
#define MEMBAL_PLACETOOL_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define APPLY_MAX_MOVES 4096
#define APPLY_NAME 64

struct apply_move {
	char guest[APPLY_NAME], from[APPLY_NAME], to[APPLY_NAME];
	uint64_t size_kb;
	unsigned wave;
	/* from the journal */
	enum { MV_NEW, MV_DONE, MV_FAILED, MV_DOUBT, MV_PARTIAL } was;
	uint32_t resv_id;        /* a reservation the journal says is held */
	bool paused;             /* the journal says the source was paused */
	char last[160];          /* its last journal record */
};

struct apply_plan {
	struct apply_move *m;
	size_t n;
};

/* The migrate rows of `membal-plan plan --csv` (other rows skipped).
 * -1 and "file:line: why" in err. */
int apply_read_plan(const char *path, struct apply_plan *p, char *err, size_t errlen);
void apply_plan_free(struct apply_plan *p);

/* Journal lines: "<unix time> <guest>:<from>:<to> <step> <result> [detail]",
 * and "<unix time> cooldown <from>:<to> <until>". */
int journal_open(const char *path);   /* O_APPEND; -1 errno */
void journal_put(int fd, const struct apply_move *m, const char *step,
		 const char *result, const char *detail);
void journal_cooldown(int fd, const char *from, const char *to, uint64_t until);
/* Read back: each move's state (MV_* and what it holds), and whether the
 * pair from:to of each move is cooling down at now. -1 and err if the
 * file is unreadable or garbage (a missing file is an empty journal). */
int journal_load(const char *path, struct apply_plan *p, uint64_t now,
		 bool *cooling, char *err, size_t errlen);

int apply_main(int argc, char **argv);

#endif
