// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest created while the host runs (design.md §The hypervisor): the
 * tooling's `membalctl reserve --for NAME --wait --timeout
 * reserve_wait_s` before `xl create`, through membal-sim's closed loop
 * (src/sim/run.c create_gate(), the real arbiter's reservations). The
 * host is full when `late` is due at 45 s: `a` (swap, its load falling)
 * holds everything. With the reservation the arbiter makes room and the
 * guest starts a few seconds later, its need short while it waited; with
 * plain `xl create` (reserve_wait_s = 0) it does not start; with a
 * timeout shorter than the room takes it does not start either, and the
 * reservation is released.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "simhost/scenario.h"
#include "common/config.h"
#include "common/log.h"
#include "sim/sim.h"

#define DURATION_MS 90000

static void run(const char *wait_key, struct sim_run *r)
{
	char text[1024];
	struct sim_scenario sc;
	struct sim_policy p = { .literal = false };
	struct sim_run_options o = { .duration_ms = DURATION_MS, .tick_ms = 1000,
				     .log_level = LOG_WARNING };
	struct cfg_file f;

	snprintf(text, sizeof(text),
		 "[host]\ntotal_mb = 896\ndom0_mb = 256\n%s\n"
		 "[guest a]\nmemory_mb = 640\nstatic_max_mb = 1024\nswap_mb = 256\n"
		 "workload = mono:100,600,60\n"
		 "[guest late]\nmemory_mb = 256\nstatic_max_mb = 256\nstart_s = 45\n"
		 "stop_s = 80\nworkload = const:50\n", wait_key);
	if (sim_scenario_load_string("create.ini", text, &sc, &f) != 0)
		fail_msg("scenario: %s", f.first_error);
	assert_int_equal(sc.reserve_wait_ms,
			 wait_key[0] ? (uint64_t)strtoull(strchr(wait_key, '=') + 1, NULL, 10) * 1000
				     : SIM_DEFAULT_RESERVE_WAIT_S * 1000ull);
	arbiter_config_defaults(&p.cfg);
	policy_preset_apply(&p.cfg.policy.params, POLICY_PRESET_MEMBAL);
	snprintf(p.label, sizeof(p.label), "membal");
	assert_int_equal(sim_run_policy(&sc, &p, &o, r), 0);
	assert_int_equal(r->n_guests, 2);
	sim_scenario_free(&sc);
}

/* late is guest 1 (domid order). Its load is 50 MiB for 35 s. */
static void test_reserved_then_created(void **state)
{
	struct sim_run r;

	(void)state;
	run("", &r);
	assert_false(r.g[1].not_started);
	assert_true(r.g[1].ran);
	/* It waited (the room takes a few seconds of balloon and cycles)
	 * and lacked its whole load meanwhile; it did not wait long. */
	assert_true(r.g[1].shortfall_mibs >= 2 * 50.0);
	assert_true(r.g[1].shortfall_mibs <= 20 * 50.0);
	assert_int_equal(r.g[0].oom_kills, 0);
	sim_run_free(&r);
}

/* The toolstack asks every 100 ms (`membalctl reserve --wait`,
 * CONTROL_RESERVE_POLL_MS): late waits from the cycle whose reading has
 * the room to the next ask, not to the next whole second. The arbiter's cycles
 * come at whole seconds from the start and late's reservation at 45 s,
 * so its wait (its whole 50 MiB load short meanwhile) ends 100 ms after
 * a whole second. Asked once a second (before session 18) it ended on
 * one: 9 s, a second more than the room took. */
static void test_asked_within_a_cycle(void **state)
{
	struct sim_run r;
	double wait_s, frac;

	(void)state;
	run("", &r);
	assert_false(r.g[1].not_started);
	wait_s = r.g[1].shortfall_mibs / 50.0;
	frac = wait_s - (double)(uint64_t)wait_s;
	assert_true(wait_s >= 1.0);
	assert_true(frac > 0.05 && frac < 0.25);
	sim_run_free(&r);
}

/* The guest is never started: short for the whole life it should have
 * had. */
static void assert_not_started(const char *host_line)
{
	struct sim_run r;

	run(host_line, &r);
	assert_true(r.g[1].not_started);
	assert_true(r.g[1].shortfall_mibs >= 34 * 50.0);
	sim_run_free(&r);
}

static void test_plain_create_fails(void **state)
{
	(void)state;
	assert_not_started("reserve_wait_s = 0");
}

static void test_timeout(void **state)
{
	(void)state;
	assert_not_started("reserve_wait_s = 2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reserved_then_created),
		cmocka_unit_test(test_asked_within_a_cycle),
		cmocka_unit_test(test_plain_create_fails),
		cmocka_unit_test(test_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
