/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bad scenario files, for the tests of the scenario format
 * (test_sim_scenario.c, test_sim_events.c): each case is written to a
 * real file, loaded as membal-sim loads it, and must be refused whole
 * (no guest, no event left half loaded) with a first error that names
 * the file and the line holding the problem (line 0: the file as a
 * whole, named without a line) and says `what`.
 * Include after <cmocka.h>, "simhost/scenario.h" and "common/config.h".
 */
#ifndef MEMBAL_TEST_SCENARIO_BAD_H
#define MEMBAL_TEST_SCENARIO_BAD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct bad_case {
	const char *text;
	unsigned line;
	const char *what;   /* expected in the first error */
};

static inline void check_bad_scenarios(const struct bad_case *cases, size_t n)
{
	char path[] = "/tmp/membal-scenario-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	for (size_t i = 0; i < n; i++) {
		const struct bad_case *c = &cases[i];
		struct sim_scenario s;
		struct cfg_file f;
		char where[128];
		FILE *fp = fopen(path, "w");

		assert_non_null(fp);
		fputs(c->text, fp);
		fclose(fp);
		if (sim_scenario_load(path, &s, &f) == 0)
			fail_msg("case %zu accepted:\n%s", i, c->text);
		assert_null(s.guests);
		assert_int_equal(s.n_guests, 0);
		assert_int_equal(s.n_resv_ev, 0);
		if (c->line)
			snprintf(where, sizeof(where), "%s:%u: ", path, c->line);
		else
			snprintf(where, sizeof(where), "%s: ", path);
		if (strncmp(f.first_error, where, strlen(where)) != 0 ||
		    !strstr(f.first_error, c->what))
			fail_msg("case %zu: first error '%s', expected '%s...%s'", i,
				 f.first_error, where, c->what);
	}
	unlink(path);
}

#endif
