/* SPDX-License-Identifier: GPL-2.0-only */
#include "sim/table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int table_init(struct table *t, size_t cols)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols ? cols : 1;
	return 0;
}

int table_row(struct table *t)
{
	if (t->rows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char (*c)[TABLE_CELL] = realloc(t->cell, cap * t->cols * sizeof(*c));

		if (!c)
			return -1;
		t->cell = c;
		t->cap = cap;
	}
	memset(t->cell[t->rows * t->cols], 0, t->cols * sizeof(*t->cell));
	t->rows++;
	return 0;
}

void table_set(struct table *t, size_t col, const char *fmt, ...)
{
	va_list ap;
	char *c;
	int n;

	if (!t->rows || col >= t->cols)
		return;
	c = t->cell[(t->rows - 1) * t->cols + col];
	va_start(ap, fmt);
	n = vsnprintf(c, TABLE_CELL, fmt, ap);
	va_end(ap);
	if (n >= TABLE_CELL)
		c[TABLE_CELL - 2] = '~';   /* cut: say so */
}

void table_print(const struct table *t, FILE *out, const char *indent)
{
	size_t w[t->cols];

	for (size_t c = 0; c < t->cols; c++) {
		w[c] = 1;
		for (size_t r = 0; r < t->rows; r++) {
			size_t len = strlen(t->cell[r * t->cols + c]);

			if (len > w[c])
				w[c] = len;
		}
	}
	for (size_t r = 0; r < t->rows; r++) {
		fputs(indent, out);
		for (size_t c = 0; c < t->cols; c++) {
			const char *s = t->cell[r * t->cols + c];

			if (c == 0)
				fprintf(out, "%-*s", (int)w[c], s);
			else
				fprintf(out, "  %*s", (int)w[c], s);
		}
		fputc('\n', out);
	}
}

void table_free(struct table *t)
{
	free(t->cell);
	memset(t, 0, sizeof(*t));
}
