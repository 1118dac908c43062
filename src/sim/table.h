/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A text table whose cells never run together: every column is as wide as
 * its widest cell (header included) and columns are separated by two
 * spaces; the first column is left-aligned, the others right-aligned.
 */
#ifndef MEMBAL_SIM_TABLE_H
#define MEMBAL_SIM_TABLE_H

#include <stddef.h>
#include <stdio.h>

#define TABLE_CELL 48     /* longer cells are cut (with a '~') */

struct table {
	size_t cols, rows, cap;
	char (*cell)[TABLE_CELL];   /* [row][col] */
};

/* 0, or -1 out of memory. */
int table_init(struct table *t, size_t cols);
/* Start a row; cells are then set left to right with table_set(). */
int table_row(struct table *t);
void table_set(struct table *t, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Lines starting with indent. */
void table_print(const struct table *t, FILE *out, const char *indent);
void table_free(struct table *t);

#endif
