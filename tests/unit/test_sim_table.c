/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-sim's text table (src/sim/table.c): whatever the cells, adjacent
 * ones are separated by at least two spaces and every row's columns start
 * at the same place, so `awk '{print $3}'` finds a column (the "time to
 * 90 %" cells such as 123.4/5678.9 used to run into their neighbours).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/table.h"

static char *render(struct table *t, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	table_print(t, f, "");
	fclose(f);
	return buf;
}

static void test_cells_never_touch(void **state)
{
	static const char *const cells[][4] = {
		{ "metric", "static", "a-very-long-policy-label", "x" },
		{ "  time to 90% (s, mean/max)", "1234.5/67890.1", "-", "12345678901.0/2.0" },
		{ "short", "1", "22", "333" },
	};
	struct table t;
	size_t len;

	table_init(&t, 4);
	for (size_t r = 0; r < 3; r++) {
		assert_int_equal(table_row(&t), 0);
		for (size_t c = 0; c < 4; c++)
			table_set(&t, c, "%s", cells[r][c]);
	}
	char *out = render(&t, &len);
	char *line = out;

	/* every cell is found whole, followed by two spaces or the end */
	for (size_t r = 0; r < 3; r++) {
		char *nl = strchr(line, '\n');

		assert_non_null(nl);
		*nl = '\0';
		for (size_t c = 1; c < 4; c++) {
			char *at = strstr(line, cells[r][c]);

			assert_non_null(at);
			assert_true(at - line >= 2);
			assert_memory_equal(at - 2, "  ", 2);
			char after = at[strlen(cells[r][c])];

			assert_true(after == '\0' || after == ' ');
		}
		line = nl + 1;
	}
	/* right-aligned columns: all lines have the same length */
	line = out;
	size_t first = strlen(line);

	for (size_t r = 1; r < 3; r++) {
		line += strlen(line) + 1;
		assert_int_equal(strlen(line), first);
	}
	free(out);
	table_free(&t);
}

static void test_long_cell_cut_and_marked(void **state)
{
	struct table t;
	char big[200];
	size_t len;

	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	table_init(&t, 2);
	for (int r = 0; r < 100; r++) {   /* grows past its first allocation */
		assert_int_equal(table_row(&t), 0);
		table_set(&t, 0, "row%d", r);
		table_set(&t, 1, "%s", r == 50 ? big : "1");
	}
	table_set(&t, 5, "ignored");   /* out of range: no effect */
	char *out = render(&t, &len);

	assert_non_null(strstr(out, "yyy~\n"));
	assert_null(strstr(out, "ignored"));
	assert_non_null(strstr(out, "row99"));
	free(out);
	table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells_never_touch),
		cmocka_unit_test(test_long_cell_cut_and_marked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
