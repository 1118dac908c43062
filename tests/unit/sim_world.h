/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the simulated-host tests share: a host built from a scenario text
 * (the guests that start at 0 created), and a group set-up that silences
 * the log (the model logs every balloon step).
 */
#ifndef MEMBAL_TEST_SIM_WORLD_H
#define MEMBAL_TEST_SIM_WORLD_H

#include <stdio.h>
#include <stdlib.h>

#include "common/config.h"
#include "common/log.h"
#include "simhost/model.h"

static FILE *quiet_null;

static inline int quiet_setup(void **state)
{
	(void)state;
	quiet_null = fopen("/dev/null", "w");
	log_set_stream(quiet_null);
	return 0;
}

static inline int quiet_teardown(void **state)
{
	(void)state;
	log_set_stream(stderr);
	fclose(quiet_null);
	return 0;
}

#ifdef SIM_WORLD
struct world {
	struct sim_scenario sc;
	struct sim_host h;
};

/* name: the scenario's name in error messages. */
static inline struct world *world_named(const char *name, const char *text)
{
	struct world *w = calloc(1, sizeof(*w));
	struct cfg_file f;

	assert_non_null(w);
	if (sim_scenario_load_string(name, text, &w->sc, &f) != 0)
		fail_msg("scenario rejected: %s", f.first_error);
	assert_int_equal(sim_host_init(&w->h, &w->sc), 0);
	for (size_t i = 0; i < w->h.n; i++)
		if (w->sc.guests[i].start_ms == 0)
			assert_int_equal(sim_dom_create(&w->h, &w->h.dom[i]), 0);
	return w;
}

static inline void world_free(struct world *w)
{
	sim_host_free(&w->h);
	sim_scenario_free(&w->sc);
	free(w);
}
#endif

#endif
