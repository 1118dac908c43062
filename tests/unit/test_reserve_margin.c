// SPDX-License-Identifier: GPL-2.0-only
/*
 * A reservation does not take the OOM margin of a guest without swap room
 * (design.md §Growth is never cut): the real arbiter, agents and
 * simulated host on the driven clock. A swapless guest climbs 4 MiB/s
 * beside a guest with swap that fills the host; `membalctl reserve` asks
 * for more than the two hold above their needs. The reservation waits
 * (the cycle says how much), the climber keeps its need and margin and
 * is never OOM-killed. Before session 13 the reservation counted as the
 * host being below its reserve, the climber's margin yielded, it was cut
 * to W_i + slack and killed a few seconds later (churn-scarce's c3, cut
 * for c4's reservation). Free memory below the reserve itself (an
 * intruder: test_faults) still takes the margin.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "loop_env.h"

#define MIB UINT64_C(1024)

/* 2048 MiB, dom0 512: 1536 for the guests. The climber's load rises
 * from 150 MiB by 4 MiB/s for 125 s; the pager's is 500 MiB steady. */
static const char *const scenario =
	"[host]\ntotal_mb = 2048\ndom0_mb = 512\n"
	"[guest climber]\ndomid = 1\nmemory_mb = 320\nstatic_max_mb = 1024\n"
	"workload = mono:150,650,250\n"
	"[guest pager]\ndomid = 2\nmemory_mb = 1024\nstatic_max_mb = 2048\n"
	"swap_mb = 512\nworkload = const:500\n";

static void test_reservation_keeps_margin(void **state)
{
	struct env *e = loop_start("membal-resv-margin", scenario, SIM_AGENTS_INPROCESS, NULL);
	const struct sim_dom *c = hv_sim_domain(&e->hv, 1);
	uint64_t gap = e->a.cfg.policy.params.gap_min_kb;
	unsigned held = 0;
	uint32_t id;

	(void)state;
	/* Past the adoption grace, the climber climbing. */
	for (unsigned n = 0; n < 80; n++)
		loop_cycle(e);
	assert_int_equal(c->mem.oom_kills, 0);
	assert_int_equal(arbiter_reserve(&e->a, 256 * MIB, 0, "newcomer", &id), 0);
	for (unsigned n = 0; n < 40; n++) {
		const struct dom *d = e->a.by_domid[1];

		loop_cycle(e);
		held += e->a.cycle.resv_held_kb > 0;
		assert_non_null(d);
		/* What it holds, less what its kernel keeps, covers its load
		 * and most of the margin (it climbs 4 MiB a cycle: the grant
		 * lands a cycle late). */
		if (d->target_kb < c->need_kb + sim_dom_offset_kb(c) + c->spec->overhead_kb + gap / 2)
			fail_msg("cycle %u after the reservation: climber's target %llu KiB, load %llu KiB: its margin was taken",
				 n, (unsigned long long)d->target_kb,
				 (unsigned long long)c->need_kb);
	}
	assert_int_equal(c->mem.oom_kills, 0);
	/* The host could not pay it all: part of it waited. */
	assert_true(held > 0);
	assert_non_null(strstr(logged(e), "reservations: "));
	stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reservation_keeps_margin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
