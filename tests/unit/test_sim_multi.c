/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-sim with several hosts (src/sim/multi_*.c, migrate.c):
 *  - the pre-copy model against hand-computed rounds;
 *  - cluster scenario files: what they set, and errors at file:line;
 *  - conf/scenarios/cluster-small.ini end to end: four guests packed on
 *    one host by emm, working sets that outgrow it; rebalancing migrates
 *    and cuts the shortfall, no rebalancing does not; hosts never hold
 *    more than they have; a run is reproducible to the byte;
 *  - a guest the destination cannot make room for (a balloon too slow
 *    to free the memory in reserve_wait_s) is turned away;
 *  - another tool's reservations on one host ([host NAME] reserve_at,
 *    parsed as [host]'s): that host's arbiter keeps them free, and no
 *    newcomer is created into them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/log.h"
#include "sim/multi.h"

#define MIB 1024u

static struct migrate_params mp100(void)
{
	struct migrate_params p;

	migrate_params_default(&p);
	p.bandwidth_kb_s = 100 * MIB;
	p.max_rounds = 5;
	p.stop_kb = 200;
	p.resume_ms = 100;
	return p;
}

/* 1000 MiB dirtied at 10 MiB/s over 100 MiB/s: each round sends a tenth
 * of the one before, until the dirty set is under 200 KiB. */
static void test_migrate_converges(void **state)
{
	struct migrate_params p = mp100();
	struct migrate_plan m;

	migrate_estimate(&p, 1000 * MIB, 10 * MIB, &m);
	assert_int_equal(m.rounds, 4);
	assert_int_equal(m.precopy_ms, 10000 + 1000 + 100 + 10);
	assert_int_equal(m.bytes_kb, 1024000 + 102400 + 10240 + 1024 + 102);
	assert_int_equal(m.downtime_ms, 1 + 100);      /* 102 KiB, then resume */
	assert_int_equal(m.total_ms, m.precopy_ms + m.downtime_ms);
}

/* Dirtying at least as fast as the link: one round, then a long pause. */
static void test_migrate_not_converging(void **state)
{
	struct migrate_params p = mp100();
	struct migrate_plan m;

	migrate_estimate(&p, 100 * MIB, 200 * MIB, &m);
	assert_int_equal(m.rounds, 1);
	assert_int_equal(m.bytes_kb, 2 * 100 * MIB);
	assert_int_equal(m.downtime_ms, 1000 + 100);
}

/* Halving each round: stopped by max_rounds with 32000 KiB left. */
static void test_migrate_max_rounds(void **state)
{
	struct migrate_params p = mp100();
	struct migrate_plan m;

	migrate_estimate(&p, 1000 * MIB, 50 * MIB, &m);
	assert_int_equal(m.rounds, 5);
	assert_int_equal(m.bytes_kb, 1024000 + 512000 + 256000 + 128000 + 64000 + 32000);
	assert_int_equal(m.downtime_ms, 313 + 100);
	/* Nothing dirtied: one round, and the pause is the resume alone. */
	migrate_estimate(&p, 1000 * MIB, 0, &m);
	assert_int_equal(m.rounds, 1);
	assert_int_equal(m.downtime_ms, 100);
}

static const char good[] =
	"[cluster]\n"
	"duration_s = 30\n"
	"min_mb = 64\n"
	"migrate_mb_s = 50\n"
	"slots = 9\n"
	"[host a]\n"
	"total_mb = 2048\n"
	"dom0_mb = 512\n"
	"always_on = yes\n"
	"reserve_at = 10:300:20, 15:200:0:60\n"
	"[host b]\n"
	"total_mb = 4096\n"
	"dom0_mb = 1024\n"
	"[run x]\n"
	"placement = pemm\n"
	"power_cost = 300\n"
	"rebalance_s = 20\n"
	"[guest g1]\n"
	"memory_mb = 256\n"
	"min_mb = 96\n"
	"shares = 2\n"
	"dirty_mb_s = 3\n"
	"migratable = no\n"
	"[guest g2]\n"
	"memory_mb = 256\n";

static void test_scenario_good(void **state)
{
	struct multi_scenario m;
	struct cfg_file f;

	assert_int_equal(multi_scenario_load_string("good", good, &m, &f), 0);
	assert_int_equal(m.n_hosts, 2);
	assert_string_equal(m.host[1].name, "b");
	assert_int_equal(m.host[1].total_kb, 4096 * MIB);
	assert_true(m.host[0].always_on);
	assert_false(m.host[1].always_on);
	/* Per host: a's two reservations, none on b. */
	assert_int_equal(m.host[0].n_resv_ev, 2);
	assert_int_equal(m.host[0].resv_ev[0].at_ms, 10000);
	assert_int_equal(m.host[0].resv_ev[0].kb, 300 * MIB);
	assert_int_equal(m.host[0].resv_ev[0].lease_ms, 20000);
	assert_int_equal(m.host[0].resv_ev[0].hold_ms, 0);
	assert_int_equal(m.host[0].resv_ev[1].lease_ms, 0);
	assert_int_equal(m.host[0].resv_ev[1].hold_ms, 60000);
	assert_int_equal(m.host[1].n_resv_ev, 0);
	/* Not the summed [host] of simhost's pass. */
	assert_int_equal(m.sc.n_resv_ev, 0);
	assert_int_equal(m.n_runs, 1);
	assert_int_equal(m.run[0].placement, PLACE_PEMM);
	assert_int_equal(m.run[0].rebalance_ms, 20000);
	assert_true(m.run[0].pp.power_cost == 300);
	assert_int_equal(m.mig.bandwidth_kb_s, 50 * MIB);
	assert_int_equal(m.min_kb, 64 * MIB);
	assert_int_equal(m.slots, 9);
	assert_int_equal(m.sc.duration_ms, 30000);
	assert_int_equal(m.sc.n_guests, 2);
	assert_string_equal(m.sc.guests[0].name, "g1");
	assert_true(m.extra[0].has_min && m.extra[0].min_kb == 96 * MIB);
	assert_true(m.extra[0].has_shares && m.extra[0].shares == 2);
	assert_int_equal(m.extra[0].dirty_kb_s, 3 * MIB);
	assert_false(m.extra[0].migratable);
	assert_false(m.extra[1].has_min);
	assert_true(m.extra[1].migratable);
	assert_int_equal(m.extra[1].dirty_kb_s, 4 * MIB);   /* the default */
	multi_scenario_free(&m);
}

static void bad(const char *text, const char *want)
{
	struct multi_scenario m;
	struct cfg_file f;

	assert_int_equal(multi_scenario_load_string("bad", text, &m, &f), -1);
	if (!strstr(f.first_error, want))
		fail_msg("'%s' does not name '%s'", f.first_error, want);
}

static void test_scenario_bad(void **state)
{
	/* This file's keys, at their lines. */
	bad("[cluster]\n[host a]\ntotal_mb = 2048\ndom0_mb = 512\nram = 3\n", "bad:5");
	bad("[host a]\ntotal_mb = 2048\ndom0_mb = 512\n[run r]\nplacement = rebalance\n",
	    "bad:5");
	bad("[host a]\ntotal_mb = 2048\ndom0_mb = 512\n[cluster]\nspeed = 1\n", "bad:5");
	bad("[host a]\ntotal_mb = 512\ndom0_mb = 512\n", "needs total_mb above dom0_mb");
	bad("[host a]\ntotal_mb = 2048\ndom0_mb = 512\n[guest g]\nmemory_mb = 64\nshares = 0\n",
	    "bad:6");
	/* simhost's keys too: the blanked lines keep the numbers. */
	bad("[cluster]\nmin_mb = 64\n[host a]\ntotal_mb = 2048\ndom0_mb = 512\n"
	    "[guest g]\nmemory_mb = 64\nmin_mb = 32\nworkload = wobble\n", "bad:9");
	bad("[cluster]\nseed = -1\n[host a]\ntotal_mb = 2048\ndom0_mb = 512\n", "seed");
	bad("[host a]\ntotal_mb = 2048\ndom0_mb = 512\n", "at least one [guest NAME]");
	/* Names reach file names and gnuplot strings. */
	bad("[host a\"b]\ntotal_mb = 2048\ndom0_mb = 512\n", "host name");
	bad("[host a]\ntotal_mb = 2048\ndom0_mb = 512\n[run ../x]\nplacement = bs\n", "run name");
	/* reserve_at: [host]'s strict parsing, at its line; one host's. */
	bad("[host a]\ntotal_mb = 2048\ndom0_mb = 512\nreserve_at = 10:100\n", "bad:4");
	bad("[host a]\ntotal_mb = 2048\ndom0_mb = 512\nreserve_at = 10:100\n",
	    "expected 3 or more");
	bad("[host a]\ntotal_mb = 2048\ndom0_mb = 512\nreserve_at = 20:1:1, 10:1:1\n",
	    "before the one before");
	bad("[host a]\ntotal_mb = 2048\ndom0_mb = 512\nreserve_at = 10:0:5\n", "bad:4");
	bad("[host a]\ntotal_mb = 2048\nreserve_at = 1:1:1\nreserve_at = 2:1:1\n"
	    "dom0_mb = 512\n", "bad:4: [host a] reserve_at: given twice");
	bad("[cluster]\nreserve_at = 10:100:5\n[host a]\ntotal_mb = 2048\ndom0_mb = 512\n",
	    "bad:2: [cluster] reserve_at: is per host");
	/* [host] belongs to single-host scenarios. */
	bad("[host]\ntotal_mb = 2048\n[host a]\ntotal_mb = 2048\ndom0_mb = 512\n", "bad:2");
}

static void run(const struct multi_scenario *m, size_t k, uint64_t duration_ms,
		struct multi_result *r)
{
	struct sim_policy p;
	struct sim_run_options o = { .duration_ms = duration_ms, .tick_ms = 1000,
				     .log_level = LOG_WARNING };

	arbiter_config_defaults(&p.cfg);
	snprintf(p.label, sizeof(p.label), "membal");
	assert_int_equal(multi_run(m, &m->run[k], &p, &o, r), 0);
	assert_int_equal(r->n_ticks, duration_ms / 1000);
}

/* No host ever holds more than its memory for guests. */
static void check_hosts(const struct multi_scenario *m, const struct multi_result *r)
{
	for (size_t t = 0; t < r->n_ticks; t++)
		for (size_t h = 0; h < r->n_hosts; h++) {
			float used = r->host_used[t * r->n_hosts + h];

			if (!isnan(used))
				assert_true(used <= (m->host[h].total_kb - m->host[h].dom0_kb) / 1024.0);
		}
}

static void test_cluster_small(void **state)
{
	struct multi_scenario m;
	struct cfg_file f;
	struct multi_result packed, reb, again;

	if (multi_scenario_load(MEMBAL_SRCDIR "/conf/scenarios/cluster-small.ini", &m, &f) != 0)
		fail_msg("%s", f.first_error);
	assert_int_equal(m.n_runs, 2);
	run(&m, 0, 100000, &packed);
	run(&m, 1, 100000, &reb);
	assert_int_equal(packed.placed, 4);
	assert_int_equal(reb.placed, 4);
	assert_int_equal(packed.migrations, 0);
	assert_true(reb.migrations >= 1);
	assert_int_equal(reb.migrations_failed, 0);
	/* A guest of about 250 MiB moved, at least once over. */
	assert_true(reb.moved_mib >= 200 * reb.migrations);
	assert_true(reb.downtime_s > 0 && reb.downtime_s < reb.migrate_s);
	/* Memory on both hosts while it copies: sampled every second, at
	 * most the size moved for as long as the moves took. */
	assert_true(reb.held_twice_mibs > 0);
	assert_true(reb.held_twice_mibs <= reb.moved_mib * (reb.migrate_s + 1));
	assert_true(packed.held_twice_mibs == 0);
	/* The point of it: less shortfall, a better balanced cluster
	 * (1385 against 6584 MiB*s over these 100 s with the steps to
	 * 340 MiB; at 300 MiB, before the adoption grace yielded to another
	 * guest's need, 1218 against 2404). */
	assert_true(reb.shortfall_mibs < 0.6 * packed.shortfall_mibs);
	assert_true(reb.gini_mean < packed.gini_mean);
	/* Both hosts are always on: 2 hosts x 100 s. */
	assert_true(fabs(reb.hosts_on_s - 200) < 1e-6);
	check_hosts(&m, &packed);
	check_hosts(&m, &reb);
	/* Reproducible: the same run again gives the same figures. */
	run(&m, 1, 100000, &again);
	assert_int_equal(again.migrations, reb.migrations);
	assert_true(again.shortfall_mibs == reb.shortfall_mibs);
	assert_true(again.moved_mib == reb.moved_mib);
	assert_memory_equal(again.tick, reb.tick, reb.n_ticks * sizeof(*reb.tick));
	assert_memory_equal(again.host_used, reb.host_used,
			    reb.n_ticks * reb.n_hosts * sizeof(float));
	multi_result_free(&packed);
	multi_result_free(&reb);
	multi_result_free(&again);
	multi_scenario_free(&m);
}

/* A guest arrives on a host whose memory an idle guest holds; emm
 * counts on the arbiter to shrink it, but its balloon moves at 1 MiB/s:
 * the room is not made within reserve_wait_s and the newcomer is
 * rejected (a migration's destination goes through the same
 * reservation). */
static const char slow[] =
	"[cluster]\nduration_s = 40\nmin_mb = 64\nreserve_wait_s = 2\n"
	"[host pm1]\ntotal_mb = 2048\ndom0_mb = 512\n"
	"[run r]\nplacement = emm\n"
	"[guest hog]\nmemory_mb = 1450\nstatic_max_mb = 1450\noverhead_kb = 16384\n"
	"balloon_rate_mb_s = 1\nworkload = idle\n"
	"[guest late]\nmemory_mb = 256\nstatic_max_mb = 256\noverhead_kb = 16384\n"
	"start_s = 20\nworkload = const:100\n";

static void test_no_room_in_time(void **state)
{
	struct multi_scenario m;
	struct cfg_file f;
	struct multi_result r, fast;

	if (multi_scenario_load_string("slow", slow, &m, &f) != 0)
		fail_msg("%s", f.first_error);
	run(&m, 0, 40000, &r);
	assert_int_equal(r.arrivals, 2);
	assert_int_equal(r.placed, 1);
	assert_int_equal(r.rejected, 1);
	check_hosts(&m, &r);
	/* With a balloon of the usual speed, the same guest gets in. */
	assert_string_equal(m.sc.guests[0].name, "hog");
	m.sc.guests[0].balloon_rate_kb_s = 256 * MIB;
	run(&m, 0, 40000, &fast);
	assert_int_equal(fast.placed, 2);
	assert_int_equal(fast.rejected, 0);
	multi_result_free(&r);
	multi_result_free(&fast);
	multi_scenario_free(&m);
}

/* The same guest where a second host has room: a reservation that times
 * out is not the end, the newcomer is offered to the next host of a plan
 * without the first (session 9; before, it was turned away). The late
 * guest comes after the hog's adoption grace, when its floor is its small
 * need: emm counts on pm1 shrinking it (pm1 is the larger host, so it wins
 * the tie), its balloon cannot do that within reserve_wait_s, and pm2
 * takes the guest. */
static const char slow2[] =
	"[cluster]\nduration_s = 90\nmin_mb = 64\nreserve_wait_s = 2\n"
	"[host pm1]\ntotal_mb = 2048\ndom0_mb = 512\nalways_on = yes\n"
	"[host pm2]\ntotal_mb = 1024\ndom0_mb = 256\nalways_on = yes\n"
	"[run r]\nplacement = emm\n"
	"[guest hog]\nmemory_mb = 1450\nstatic_max_mb = 1450\noverhead_kb = 16384\n"
	"balloon_rate_mb_s = 1\nworkload = idle\n"
	"[guest late]\nmemory_mb = 256\nstatic_max_mb = 256\noverhead_kb = 16384\n"
	"start_s = 70\nworkload = const:100\n";

static void test_offered_to_next_host(void **state)
{
	struct multi_scenario m;
	struct cfg_file f;
	struct multi_result r;

	if (multi_scenario_load_string("slow2", slow2, &m, &f) != 0)
		fail_msg("%s", f.first_error);
	run(&m, 0, 90000, &r);
	assert_int_equal(r.arrivals, 2);
	assert_int_equal(r.reoffered, 1);
	assert_int_equal(r.placed, 2);
	assert_int_equal(r.rejected, 0);
	check_hosts(&m, &r);
	/* pm2 serves it: no shortfall once it runs. */
	assert_true(r.shortfall_mibs < 1);
	multi_result_free(&r);
	multi_scenario_free(&m);
}

/*
 * Placement at the floor (session 9): pm1 runs five guests and pm2 four,
 * each needing 160 MiB plus 16 MiB of kernel, which the arbiter does not
 * shrink them below (growth is never cut: their floor L_i' is 176 MiB).
 * A host has 952 MiB for guests (2048 - 1024 of dom0 - the 72 MiB
 * reserve): pm1 has 72 MiB above its five floors, pm2 248 above its four.
 * A newcomer whose own minimum is 128 MiB fits pm2 only. Placement that
 * counted the running guests at their configured 64 MiB (before) saw
 * room on both, gave the tie to pm1, whose arbiter could not make room:
 * the reservation timed out and the guest was turned away. Now it goes
 * to pm2 at once, without a timeout. (Guests arrive every 10 s, emm
 * puts g1-g3, g7 and g9 on pm1, g4-g6 and g8 on pm2; the newcomer comes
 * at 150 s, once the last guest's 60 s adoption grace is over: in it a
 * guest's floor is what it was given, and then neither host has room.)
 */
static const char floors[] =
	"[cluster]\nduration_s = 170\nseed = 4\nmin_mb = 64\n"
	"[host pm1]\nalways_on = yes\ntotal_mb = 2048\ndom0_mb = 1024\n"
	"[host pm2]\nalways_on = yes\ntotal_mb = 2048\ndom0_mb = 1024\n"
	"[run emm]\nplacement = emm\n"
#define FLOOR_GUEST(n, s) "[guest g" #n "]\nmemory_mb = 256\nstatic_max_mb = 256\n" \
	"overhead_kb = 16384\nswap_mb = 128\nworkload = const:160\nstart_s = " #s "\n"
	FLOOR_GUEST(1, 0) FLOOR_GUEST(2, 10) FLOOR_GUEST(3, 20) FLOOR_GUEST(4, 30)
	FLOOR_GUEST(5, 40) FLOOR_GUEST(6, 50) FLOOR_GUEST(7, 60) FLOOR_GUEST(8, 70)
	FLOOR_GUEST(9, 80)
#undef FLOOR_GUEST
	"[guest new]\nmemory_mb = 256\nstatic_max_mb = 256\nmin_mb = 128\n"
	"overhead_kb = 16384\nswap_mb = 128\nworkload = const:160\nstart_s = 150\n";

static void test_placed_at_the_floor(void **state)
{
	struct multi_scenario m;
	struct cfg_file f;
	struct multi_result r;

	if (multi_scenario_load_string("floors", floors, &m, &f) != 0)
		fail_msg("%s", f.first_error);
	run(&m, 0, 170000, &r);
	assert_int_equal(r.arrivals, 10);
	assert_int_equal(r.placed, 10);
	assert_int_equal(r.rejected, 0);
	/* Placed where there was room, not after a timeout on pm1. */
	assert_int_equal(r.reoffered, 0);
	check_hosts(&m, &r);
	multi_result_free(&r);
	multi_scenario_free(&m);
}

/*
 * Another tool's reservation on a cluster's host ([host NAME]
 * reserve_at), 700 MiB kept to the end (no lease), on pm1's 1536 MiB for
 * domUs. a needs 300 MiB and boots larger.
 */
#define RESV_HOST(wait_s) "[cluster]\nduration_s = 110\nmin_mb = 64\n" \
	"reserve_wait_s = " #wait_s "\n" \
	"[host pm1]\ntotal_mb = 2048\ndom0_mb = 512\nalways_on = yes\n"
#define RESV_GUEST(name, mb, need, start) "[guest " #name "]\nmemory_mb = " #mb "\n" \
	"static_max_mb = " #mb "\nswap_mb = 128\nworkload = const:" #need "\n" \
	"start_s = " #start "\n"

static void run_text(const char *name, const char *text, struct multi_result *r)
{
	struct multi_scenario m;
	struct cfg_file f;

	if (multi_scenario_load_string(name, text, &m, &f) != 0)
		fail_msg("%s", f.first_error);
	run(&m, 0, 110000, r);
	check_hosts(&m, r);
	multi_scenario_free(&m);
}

/* The first tick at which the utility is above `above` share-MiB (a
 * guest more runs), or n_ticks. */
static size_t first_above(const struct multi_result *r, double above)
{
	for (size_t t = 0; t < r->n_ticks; t++)
		if (r->tick[t].utility > above + 0.5)
			return t;
	return r->n_ticks;
}

/* In force from 5 s, before late (500 MiB, needs 400) arrives at 40 s:
 * the arbiter shrinks a (1000 MiB at boot) to make it, and placement
 * reads it as reserve as membal-place does (status.json's
 * reservation_kb): gmm, which counts a at its maximum, finds no room for
 * late on pm1, so no host for it, and the domUs never hold the reserved
 * memory. Without the reservation late is placed. */
static void test_host_reservation_placement(void **state)
{
#define PLACED_GUESTS "[run r]\nplacement = gmm\n" RESV_GUEST(a, 1000, 300, 0) \
	RESV_GUEST(late, 500, 400, 40)
	struct multi_result r, base;
	float most = 0;

	(void)state;
	run_text("with", RESV_HOST(10) "reserve_at = 5:700:0\n" PLACED_GUESTS, &r);
	run_text("without", RESV_HOST(10) PLACED_GUESTS, &base);
#undef PLACED_GUESTS
	for (size_t t = 15; t < r.n_ticks; t++)
		if (r.host_used[t] > most)
			most = r.host_used[t];
	assert_true(most <= 1536 - 700);
	assert_int_equal(r.placed, 1);
	assert_int_equal(r.rejected, 1);
	assert_int_equal(base.placed, 2);
	assert_int_equal(base.rejected, 0);
	multi_result_free(&r);
	multi_result_free(&base);
}

/* Made at 61 s, after late (200 MiB, needs 150) was placed at 60 s by emm
 * and while its domain waits for room (a still holds its 1400 MiB boot
 * size): late is created only once the hypervisor has its size free
 * beyond the tool's 700 MiB (`membalctl reserve --wait` counts the
 * others), not into them; without the reservation it is created at
 * once, next to a at its boot size. Late's own reservation ends when its
 * domain has the memory, the tool's stays: later (300 MiB) at 90 s is
 * placed into what is left beyond it, and the domUs never hold the
 * reserved memory; without the tool it gets its 300 MiB. */
static void test_host_reservation_waits(void **state)
{
#define WAIT_GUESTS "[run r]\nplacement = emm\n" RESV_GUEST(a, 1400, 300, 0) \
	RESV_GUEST(late, 200, 150, 60) RESV_GUEST(later, 300, 200, 90)
	struct multi_result r, base;
	size_t late, late_base;
	float most = 0;

	(void)state;
	run_text("with", RESV_HOST(20) "reserve_at = 61:700:0\n" WAIT_GUESTS, &r);
	run_text("without", RESV_HOST(20) WAIT_GUESTS, &base);
#undef WAIT_GUESTS
	assert_int_equal(r.placed, 3);
	assert_int_equal(base.placed, 3);
	/* late runs once the utility is above a's 300 share-MiB */
	late = first_above(&r, 300);
	late_base = first_above(&base, 300);
	assert_true(late < 90 && late_base < 90);
	assert_true(r.host_used[late] <= 1536 - 700);
	assert_true(base.host_used[late_base] > 1536 - 700);
	assert_true(late > late_base);
	for (size_t t = late; t < r.n_ticks; t++)
		if (r.host_used[t] > most)
			most = r.host_used[t];
	assert_true(most <= 1536 - 700);
	assert_true(base.host_used[base.n_ticks - 1] > 1536 - 700);
	multi_result_free(&r);
	multi_result_free(&base);
}
#undef RESV_HOST
#undef RESV_GUEST

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate_converges),
		cmocka_unit_test(test_migrate_not_converging),
		cmocka_unit_test(test_migrate_max_rounds),
		cmocka_unit_test(test_scenario_good),
		cmocka_unit_test(test_scenario_bad),
		cmocka_unit_test(test_cluster_small),
		cmocka_unit_test(test_no_room_in_time),
		cmocka_unit_test(test_offered_to_next_host),
		cmocka_unit_test(test_placed_at_the_floor),
		cmocka_unit_test(test_host_reservation_placement),
		cmocka_unit_test(test_host_reservation_waits),
	};

	log_set_level(LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
