/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cold swap is not need (design.md §Cold swap is not need), in closed
 * loop: the arbiter's real cycle and report history, the real policy
 * core, against the test xenstored and the sim backend, with a fake agent
 * that publishes exact layout-3 reports (memory/report) as the guest.
 *
 * The guest (as g2 in the e2e scarce phase) has paged 185 MiB out to its
 * swap and takes nothing back: its working set W_i must stop counting
 * them once they have stayed out ESTIMATE_COLD_MS without coming back, count them
 * again at the first swap-in burst, and again after a counter goes
 * backwards (a guest that rebooted or lies) until it has been quiet that
 * long on counters that moved forward.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "arbiter/arbiter_int.h"
#include "common/report_value.h"
#include "loop_env.h"
#include "policy/estimate_cold.h"

#define MIB 1024u

static const char *const one_fake =
	"[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
	"[guest a]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 2048\nagent = no\n";

struct guest {
	uint64_t pswpin, refault_anon, refault_file, pgmajfault, stamp;
};

/* 500 MiB of RAM: 100 anon, 10 tmpfs, 20 active file, 200 not available;
 * 185 of its 256 MiB of swap in use. So lru = 130 + 185 = 315 MiB, used
 * = 200 MiB, refault without swap-ins = 130 MiB. */
static void publish(struct env *e, struct guest *g)
{
	uint64_t v[MK_COUNT] = { 0 };
	bool have[MK_COUNT] = { false };
	char buf[REPORT_VALUE_MAX], path[64];
	struct xs_handle *h = open_as(e, 1);

	v[MK_TOT] = 500 * MIB;
	v[MK_FREE] = v[MK_AVAIL] = 300 * MIB;
	v[MK_COMMITTED_AS] = 350 * MIB;
	v[MK_SWAP_TOT] = 256 * MIB;
	v[MK_SWAP_FREE] = 71 * MIB;
	v[MK_ANON_PAGES] = 100 * MIB;
	v[MK_SHMEM] = 10 * MIB;
	v[MK_ACTIVE_FILE] = 20 * MIB;
	v[MK_PSWPIN] = g->pswpin;
	v[MK_REFAULT_ANON] = g->refault_anon;
	v[MK_REFAULT_FILE] = g->refault_file;
	/* A figure that moves: a report with the last figures is a
	 * heartbeat, liveness alone, and no pair of the history. */
	v[MK_PGMAJFAULT] = ++g->pgmajfault;
	v[MK_STAMP] = ++g->stamp;
	for (int k = 0; k < MK_COUNT; k++)
		have[k] = k != MK_BALLOON_CURRENT && k != MK_BALLOON_TARGET &&
			  k != MK_VERSION;
	size_t n = report_value_encode(buf, v, have);

	snprintf(path, sizeof(path), "/local/domain/1/memory/%s", REPORT_VALUE_KEY);
	assert_true(xs_write(h, XBT_NULL, path, buf, (unsigned)n));
	xs_close(h);
}

/* One cycle a second, the guest reporting before each (g NULL: not). */
static void run(struct env *e, struct guest *g, unsigned cycles)
{
	unsigned len;

	for (unsigned i = 0; i < cycles; i++) {
		if (g)
			publish(e, g);
		clock_advance(e->a.cfg.interval_ms);
		if (e->a.xs)   /* the report's watch event, in this cycle */
			free(xs_read(e->a.xs, XBT_NULL, "/local", &len));
		arbiter_cycle(&e->a);
	}
}

/* W_i of domain 1 in the last snapshot, less its O_i: the guest's own
 * estimate. */
static uint64_t ws_of(struct env *e)
{
	struct dom *d = e->a.by_domid[1];

	assert_non_null(d);
	for (size_t i = 0; i < e->a.ndoms; i++)
		if (e->a.snap_dom[i] == d) {
			assert_true(e->a.snap[i].flags & POLICY_IN_WS);
			return e->a.snap[i].ws_kb - e->a.snap[i].overhead_kb;
		}
	fail_msg("domain 1 not in the snapshot");
	return 0;
}

static void test_cold_swap_stops_counting(void **state)
{
	struct env *e = loop_start("membal-cold", one_fake, SIM_AGENTS_NONE, NULL);
	struct guest g = { .pswpin = 5000, .refault_anon = 4000, .refault_file = 100,
			   .stamp = 7000 };

	run(e, NULL, 1);        /* adopted, memory/report handed over */
	run(e, &g, 6);
	/* Fresh: no evidence yet, every swapped-out page counts. */
	assert_int_equal(e->a.by_domid[1]->hist.cold.cold_kb, 0);
	assert_int_equal(ws_of(e), 315 * MIB);
	run(e, &g, 15);
	/* Out for a window with no swap-in: cold. */
	assert_int_equal(e->a.by_domid[1]->hist.cold.cold_kb, 185 * MIB);
	assert_int_equal(ws_of(e), 200 * MIB);

	/* Swap-ins below 1/64 of what is in swap per 10 s (here 50 pages a
	 * second: 2000 KiB against 2960) are noise: still cold. */
	for (int i = 0; i < 5; i++) {
		g.pswpin += 50;
		run(e, &g, 1);
	}
	assert_int_equal(ws_of(e), 200 * MIB);

	/* A burst of anon refaults: the swap is hot again at once. */
	g.refault_anon += 1000;
	run(e, &g, 1);
	assert_int_equal(e->a.by_domid[1]->hist.cold.cold_kb, 0);
	assert_int_equal(ws_of(e), 315 * MIB);
	run(e, &g, 25);
	assert_int_equal(ws_of(e), 200 * MIB);

	/* pswpin backwards (a reboot under the same domain, or a lie): no
	 * delta, no evidence; cold again only a window later. */
	g.pswpin = 10;
	run(e, &g, 1);
	assert_int_equal(ws_of(e), 315 * MIB);
	run(e, &g, 5);
	assert_int_equal(ws_of(e), 315 * MIB);
	run(e, &g, 15);
	assert_int_equal(ws_of(e), 200 * MIB);
	assert_true(e->a.by_domid[1]->hist.backwards >= 1);
	stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cold_swap_stops_counting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
