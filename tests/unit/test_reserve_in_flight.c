// SPDX-License-Identifier: GPL-2.0-only
/*
 * Growth in flight is growth (design.md §Placement at the floor): a
 * grant written before a reservation must not keep growing its guest into
 * the reserved memory. The real arbiter, agents and simulated host on the
 * driven clock: a guest whose demand rises is granted its goal, its
 * balloon (16 MiB/s) still far from it when 600 MiB are reserved; from
 * the next cycle on, follow-up or regular, what the arbiter's targets
 * still promise above what the guests hold fits in the free memory above
 * the reserve and the reservation. Before session 9 neither cycle wrote
 * anything (the target was the goal, the move below min_change, and a
 * follow-up cycle dropped every decrease): the balloon went on into the
 * reservation, as cluster-20x200's vm165 took vm170's memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "loop_env.h"

#define MIB UINT64_C(1024)

/* 2048 MiB, dom0 512: about 1 GiB free at the start. The grower's
 * demand steps from 100 to 800 MiB at 70 s, after its adoption grace. */
static const char *const scenario =
	"[host]\ntotal_mb = 2048\ndom0_mb = 512\nballoon_rate_mb_s = 16\n"
	"[guest grower]\ndomid = 1\nmemory_mb = 256\nstatic_max_mb = 1024\n"
	"swap_mb = 1024\nworkload = step:100,800,70\n"
	"[guest other]\ndomid = 2\nmemory_mb = 256\nstatic_max_mb = 1024\nworkload = idle\n";

static void sync_arbiter(struct env *e)
{
	unsigned len;

	if (e->a.xs)
		free(xs_read(e->a.xs, XBT_NULL, "/local", &len));
}

static void cycle(struct env *e, uint64_t step_ms, bool early)
{
	clock_advance(step_ms);
	sync_arbiter(e);
	e->a.early = early;
	arbiter_cycle(&e->a);
	e->a.early = false;
}

/* Growth the arbiter's targets still promise, beyond what is held. */
static uint64_t in_flight(struct env *e)
{
	const struct sim_host *h = hv_sim_host(&e->hv);
	uint64_t kb = 0;

	for (size_t i = 0; i < h->n; i++) {
		const struct sim_dom *d = &h->dom[i];
		const struct dom *a = d->domid < MEMBAL_DOMID_LIMIT ? e->a.by_domid[d->domid] : NULL;

		if (d->state == SIM_DOM_RUNNING && a && a->have_target && a->target_kb > d->tot_kb)
			kb += a->target_kb - d->tot_kb;
	}
	return kb;
}

/* Free memory above the reserve and the reservation covers it (a page of
 * slack per domain: targets are KiB, balloons move pages). The part of
 * the reservation that would cut the grower below its need and slack
 * waits (design.md §The estimate's slack): the cycle says how much, and
 * that much of the growth may still come; nothing beyond it. */
static void assert_covered(struct env *e, const char *when)
{
	uint64_t free_kb = sim_host_free_kb(hv_sim_host(&e->hv));
	uint64_t held = e->a.cycle.resv_held_kb;
	uint64_t want = e->reserve_kb + e->a.reserve_kb - held + in_flight(e);

	if (held > e->a.reserve_kb)
		fail_msg("%s: %llu KiB of a %llu KiB reservation held back", when,
			 (unsigned long long)held, (unsigned long long)e->a.reserve_kb);
	if (free_kb + 3 * 4 < want)
		fail_msg("%s: %llu KiB free, reserve %llu + reservation %llu (%llu of it waits) + growth in flight %llu",
			 when, (unsigned long long)free_kb, (unsigned long long)e->reserve_kb,
			 (unsigned long long)e->a.reserve_kb, (unsigned long long)held,
			 (unsigned long long)in_flight(e));
}

static void test_reservation_stops_growth_in_flight(void **state, bool early)
{
	struct env *e = loop_start("membal-inflight", scenario, SIM_AGENTS_INPROCESS, NULL);
	unsigned n = 0;
	uint32_t id;

	(void)state;
	for (n = 0; n < 70; n++)
		cycle(e, e->a.cfg.interval_ms, false);
	/* The rise: wait for a grant the balloon is far from. */
	for (n = 0; n < 30 && in_flight(e) < 200 * MIB; n++)
		cycle(e, e->a.cfg.interval_ms, false);
	if (in_flight(e) < 200 * MIB)
		fail_msg("no growth in flight after the rise (%llu KiB)",
			 (unsigned long long)in_flight(e));
	assert_int_equal(arbiter_reserve(&e->a, 600 * MIB, 0, NULL, &id), 0);
	/* The reservation does not fit beside the growth in flight. */
	assert_true(sim_host_free_kb(hv_sim_host(&e->hv)) < e->reserve_kb + 600 * MIB + in_flight(e));
	if (early) {
		cycle(e, e->a.cfg.follow_up_ms, true);
		assert_covered(e, "the follow-up cycle after the reservation");
		cycle(e, e->a.cfg.interval_ms - e->a.cfg.follow_up_ms, false);
	} else {
		cycle(e, e->a.cfg.interval_ms, false);
	}
	assert_covered(e, "the regular cycle after the reservation");
	for (n = 0; n < 5; n++) {
		cycle(e, e->a.cfg.interval_ms, false);
		assert_covered(e, "a later cycle");
	}
	assert_non_null(strstr(logged(e), "grant"));
	stop(e);
}

static void test_regular(void **state)
{
	test_reservation_stops_growth_in_flight(state, false);
}

static void test_follow_up(void **state)
{
	test_reservation_stops_growth_in_flight(state, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regular),
		cmocka_unit_test(test_follow_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
