// SPDX-License-Identifier: GPL-2.0-only
/*
 * A reservation asked for between an `xl create` and the next cycle
 * (design.md §Live migration, "Reservations"): the tooling creates
 * the domain its reservation was for, releases the reservation, and the
 * next guest's `membalctl reserve --wait` asks at once. The arbiter
 * answers from the last cycle's free figure, which still counts the
 * first reservation's memory as free, although the new domain holds it
 * now. Before session 15 the answer was "ready" and the second `xl
 * create` failed (boot-wave under `learned`: n09 created at 330 s after
 * its 30 s wait, n10's reservation made in the same second, answered
 * ready after 0 ms, "not started: it needs 393216 KiB, the host has
 * 72944 KiB free"). The real arbiter and the simulated host on the
 * driven clock; `new` is created by the test between two cycles, as the
 * toolstack does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "loop_env.h"

#define MIB UINT64_C(1024)

/* 2048 MiB, dom0 512, `old` 256: 1280 MiB free, room for one 768 MiB
 * guest and not for two. `new` (768 MiB) is due at 10 s. */
static const char *const scenario =
	"[host]\ntotal_mb = 2048\ndom0_mb = 512\n"
	"[guest old]\ndomid = 1\nmemory_mb = 256\nstatic_max_mb = 512\n"
	"workload = const:200\n"
	"[guest new]\ndomid = 2\nmemory_mb = 768\nstatic_max_mb = 1024\n"
	"start_s = 10\nworkload = const:100\n";

static int ready(struct env *e, uint32_t id, uint64_t *missing)
{
	char why[512];

	return arbiter_reservation_ready(&e->a, id, missing, why, sizeof(why));
}

static void test_released_reservation_not_counted_free(void **state)
{
	struct env *e = loop_start("membal-released", scenario, SIM_AGENTS_INPROCESS, NULL);
	const struct sim_host *h = hv_sim_host(&e->hv);
	uint64_t missing = 0, free_before;
	uint32_t first, second, third;

	(void)state;
	for (unsigned n = 0; n < 5; n++)
		loop_cycle(e);
	assert_int_equal(arbiter_reserve(&e->a, 768 * MIB, 0, "new", &first), 0);
	loop_cycle(e);
	assert_int_equal(ready(e, first, &missing), 1);
	/* xl create between two cycles (the simulated host alone moves on
	 * until `new` is there), then membalctl release */
	free_before = sim_host_free_kb(h);
	for (unsigned n = 0; sim_host_free_kb(h) + 512 * MIB > free_before; n++) {
		if (n == 200)
			fail_msg("`new` was not created");
		clock_advance(100);
		e->hv.ops->advance(&e->hv, clock_now_ms());
	}
	assert_int_equal(arbiter_release(&e->a, first), 1);
	/* The next guest asks before the arbiter's next cycle: the memory
	 * the first reservation kept free is `new`'s now. */
	assert_true(sim_host_free_kb(h) < e->reserve_kb + 768 * MIB);
	assert_int_equal(arbiter_reserve(&e->a, 768 * MIB, 0, "next", &second), 0);
	assert_int_equal(ready(e, second, &missing), 0);
	assert_true(missing > 0);
	/* A cycle later the reading is fresh and says the same. */
	loop_cycle(e);
	assert_int_equal(ready(e, second, &missing), 0);
	assert_int_equal(arbiter_release(&e->a, second), 1);
	/* What was released is not held back for ever: after a cycle, a
	 * reservation the free memory covers is ready. */
	loop_cycle(e);
	assert_int_equal(arbiter_reserve(&e->a, 128 * MIB, 0, NULL, &third), 0);
	assert_int_equal(ready(e, third, &missing), 1);
	stop(e);
}

/* A guest destroyed between two cycles, then a reservation its memory
 * covers (design.md §Live migration, "Reservations", `reserve_fresh`).
 * 2048 MiB, dom0 512, `stay` 256 and `leaving` 640 (gone at 8 s): about
 * 640 MiB free before, 1280 after. Answered from the last cycle's
 * reading, a 1024 MiB reservation asked after `leaving` went waits for
 * the next cycle; with reserve_fresh the arbiter reads free memory again
 * and answers ready at once. A reservation larger than what is free
 * stays not ready either way: the fresh figure does not promise memory
 * the host does not have. */
static const char *const leaving =
	"[host]\ntotal_mb = 2048\ndom0_mb = 512\n"
	"[guest stay]\ndomid = 1\nmemory_mb = 256\nstatic_max_mb = 512\n"
	"workload = const:200\n"
	"[guest leaving]\ndomid = 2\nmemory_mb = 640\nstatic_max_mb = 1024\n"
	"stop_s = 8\nworkload = const:100\n";

static void fresh_reading(bool fresh)
{
	struct env *e = loop_start("membal-fresh", leaving, SIM_AGENTS_INPROCESS, NULL);
	const struct sim_host *h = hv_sim_host(&e->hv);
	uint64_t missing = 0, free_before;
	uint32_t id, huge;

	e->a.cfg.reserve_fresh = fresh;
	for (unsigned n = 0; n < 5; n++)
		loop_cycle(e);
	assert_int_equal(arbiter_reserve(&e->a, 1024 * MIB, 0, NULL, &id), 0);
	assert_int_equal(ready(e, id, &missing), 0);
	/* `leaving` goes between two cycles (the host alone moves on) */
	free_before = sim_host_free_kb(h);
	for (unsigned n = 0; sim_host_free_kb(h) < free_before + 512 * MIB; n++) {
		if (n == 100)
			fail_msg("`leaving` was not destroyed");
		clock_advance(100);
		e->hv.ops->advance(&e->hv, clock_now_ms());
	}
	assert_true(sim_host_free_kb(h) >= e->reserve_kb + 1024 * MIB);
	assert_int_equal(ready(e, id, &missing), fresh ? 1 : 0);
	/* More than the host has free: not ready, fresh or not. */
	assert_int_equal(arbiter_reserve(&e->a, 2048 * MIB, 0, NULL, &huge), 0);
	assert_int_equal(ready(e, huge, &missing), 0);
	assert_true(missing > 0);
	assert_int_equal(arbiter_release(&e->a, huge), 1);
	/* The next cycle's reading says ready either way. */
	loop_cycle(e);
	assert_int_equal(ready(e, id, &missing), 1);
	stop(e);
}

static void test_fresh_reading_answers_between_cycles(void **state)
{
	(void)state;
	fresh_reading(true);
}

static void test_last_reading_waits_for_the_cycle(void **state)
{
	(void)state;
	fresh_reading(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_released_reservation_not_counted_free),
		cmocka_unit_test(test_fresh_reading_answers_between_cycles),
		cmocka_unit_test(test_last_reading_waits_for_the_cycle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
