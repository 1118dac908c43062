/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-sim's zram (model.h, "zram"; design.md §Guest physics): a guest
 * whose swap is zram keeps what it swaps out compressed in its own RAM,
 * so swapping X KiB frees X (1 - 1/zram_ratio), the guest dies sooner
 * than with a disk of the same size, and a swap-in costs a decompression
 * instead of a disk read. Each case runs the same history on a zram
 * guest and on a disk guest beside it: the disk's figures are the
 * model before zram had a cost.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simhost/model.h"
#include "common/config.h"
#include "common/log.h"
#define SIM_WORLD
#include "sim_world.h"

#define MiB 1024ull

/* z on zram and d on a disk, otherwise alike: MemTotal 500 MiB each. */
static struct world *pair(const char *host, const char *zram_keys, unsigned swap_mb)
{
	char ini[1024];

	snprintf(ini, sizeof(ini),
		 "[host]\ntotal_mb = 2048\ndom0_mb = 512\n%s"
		 "[guest z]\nmemory_mb = 512\nswap_mb = %u\noverhead_kb = 12288\n"
		 "swap_kind = zram\n%s"
		 "[guest d]\nmemory_mb = 512\nswap_mb = %u\noverhead_kb = 12288\n",
		 host, swap_mb, zram_keys, swap_mb);
	return world_named("zram.ini", ini);
}

/* RAM's books: what the processes keep, the compressed pool, the cache
 * and MemFree add up to MemTotal; the swap shows pages whole. */
static void check_books(const struct sim_dom *d)
{
	const struct sim_guest_mem *m = &d->mem;
	uint64_t resident = m->anon_pages + m->shmem;

	assert_int_equal(resident + d->zram_kb + m->cached + m->mem_free, m->mem_total);
	assert_int_equal(m->swap_total - m->swap_free, d->swapped_kb);
	if (!d->spec->swap_zram)
		assert_int_equal(d->zram_kb, 0);
}

/* 80 MiB beyond MemTotal: the disk guest swaps 80 MiB; the zram guest
 * swaps X with X (1 - 1/r) = 80 MiB, and X / r of its RAM holds them,
 * which MemAvailable does not count. */
static void test_swap_out_frees_part(void **state)
{
	static const double ratios[] = { 3.0, 2.0, 4.5 };

	for (size_t k = 0; k < sizeof(ratios) / sizeof(ratios[0]); k++) {
		char keys[64];
		struct world *w;
		struct sim_dom *z, *d;
		double r = ratios[k], x;

		snprintf(keys, sizeof(keys), "zram_ratio = %.1f\n", r);
		w = pair("burst_mb = 0\n", keys, 512);
		z = &w->h.dom[0];
		d = &w->h.dom[1];
		for (int i = 0; i < 20; i++) {
			sim_guest_step(z, 580 * MiB, 100);
			sim_guest_step(d, 580 * MiB, 100);
		}
		check_books(z);
		check_books(d);
		assert_int_equal(d->swapped_kb, 80 * MiB);
		assert_int_equal(d->mem.anon_pages, 500 * MiB);
		x = 80.0 * MiB * r / (r - 1);
		assert_true((double)z->swapped_kb >= x && (double)z->swapped_kb < x + 1);
		/* the pool: X / r, rounded up to a KiB */
		assert_true((double)z->zram_kb >= x / r && (double)z->zram_kb < x / r + 2);
		/* every page is somewhere: in RAM whole, or in swap */
		assert_int_equal(z->mem.anon_pages + z->swapped_kb, 580 * MiB);
		assert_int_equal(z->mem.mem_available, 0);
		assert_int_equal(z->mem.cached, 0);
		/* the shortfall metric is the same RAM short of the need */
		assert_true(z->m.shortfall_kbms == d->m.shortfall_kbms);
		world_free(w);
	}
}

/* A 300 MiB zram at 3:1 holds 200 MiB beyond MemTotal, a 300 MiB disk
 * 300: between the two the zram guest is killed and the disk guest
 * pages. Default ratio. */
static void test_room_before_the_kill(void **state)
{
	struct world *w = pair("burst_mb = 0\noom_restart_s = 0\n", "", 300);
	struct sim_dom *z = &w->h.dom[0], *d = &w->h.dom[1];

	assert_true(z->spec->zram_ratio == SIM_ZRAM_RATIO_DEFAULT);
	assert_int_equal(sim_swap_room_kb(z->spec, 500 * MiB),
			 (uint64_t)(300.0 * MiB * (1 - 1 / SIM_ZRAM_RATIO_DEFAULT)));
	assert_int_equal(sim_swap_room_kb(d->spec, 500 * MiB), 300 * MiB);
	sim_guest_step(z, 690 * MiB, 100);
	sim_guest_step(d, 690 * MiB, 100);
	check_books(z);
	assert_int_equal(z->mem.oom_kills, 0);
	assert_int_equal(z->swapped_kb, 285 * MiB);     /* 190 * 3 / 2 */
	sim_guest_step(z, 710 * MiB, 100);
	sim_guest_step(d, 710 * MiB, 100);
	check_books(z);
	assert_int_equal(z->mem.oom_kills, 1);
	assert_true(z->oom.over);
	assert_int_equal(z->swapped_kb, 300 * MiB);     /* full, the pool 100 */
	assert_int_equal(z->zram_kb, 100 * MiB);
	assert_int_equal(d->mem.oom_kills, 0);
	/* back under the room: no longer over, no second kill */
	sim_guest_step(z, 600 * MiB, 100);
	assert_false(z->oom.over);
	assert_int_equal(z->mem.oom_kills, 1);
	world_free(w);
}

/* A zram bigger than r * MemTotal cannot fill: the pool would take all
 * of RAM first. 100 MiB of MemTotal with 4 GiB of zram at 3:1 holds at
 * most 300 MiB of pages, all of them compressed. */
static void test_pool_capped_by_ram(void **state)
{
	struct world *w = world_named("zram.ini",
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nburst_mb = 0\n"
		"[guest z]\nmemory_mb = 112\nswap_mb = 4096\noverhead_kb = 12288\n"
		"swap_kind = zram\n");
	struct sim_dom *z = &w->h.dom[0];

	assert_int_equal(sim_swap_room_kb(z->spec, 100 * MiB), 200 * MiB);
	sim_guest_step(z, 290 * MiB, 100);
	check_books(z);
	assert_int_equal(z->mem.oom_kills, 0);
	sim_guest_step(z, 310 * MiB, 100);
	check_books(z);
	assert_int_equal(z->mem.oom_kills, 1);
	assert_int_equal(z->swapped_kb, 300 * MiB);
	assert_int_equal(z->zram_kb, 100 * MiB);
	assert_int_equal(z->mem.anon_pages, 0);
	world_free(w);
}

/* The same 100 MiB of the working set in swap, touched once per 10 s:
 * 2560 pages/s on both; a disk read costs swap_fault_us, a decompression
 * SIM_ZRAM_FAULT_US, so the zram guest stalls that much less. A working
 * set beyond the disk's bandwidth is read back from zram whole, as fast
 * as the vCPU decompresses. */
static void test_swap_in_is_cpu(void **state)
{
	struct world *w = pair("burst_mb = 0\n", "", 2048);
	struct sim_dom *z = &w->h.dom[0], *d = &w->h.dom[1];
	uint64_t zin0, din0;
	/* 100 MiB swapped at 3:1 needs 100 * 2 / 3 MiB beyond MemTotal */
	uint64_t zdemand = 500 * MiB + 100 * MiB * 2 / 3;

	sim_guest_step(z, zdemand, 0);
	sim_guest_step(d, 600 * MiB, 0);
	assert_true(z->swapped_kb >= 100 * MiB - 1 && z->swapped_kb <= 100 * MiB + 1);
	zin0 = z->mem.pswpin;
	din0 = d->mem.pswpin;
	for (int i = 0; i < 100; i++) {
		sim_guest_step(z, zdemand, 100);
		sim_guest_step(d, 600 * MiB, 100);
	}
	assert_true(z->mem.pswpin - zin0 >= 25590 && z->mem.pswpin - zin0 <= 25610);
	assert_true(d->mem.pswpin - din0 >= 25599 && d->mem.pswpin - din0 <= 25601);
	assert_true(d->stall > 0.511 && d->stall < 0.513);
	assert_true(fabs(z->stall * (double)d->spec->phys.swap_fault_us -
			 d->stall * SIM_ZRAM_FAULT_US) < 1e-3);
	assert_true(z->mem.psi_avg10 < d->mem.psi_avg10 / 10);
	/* 1400 MiB of it in swap, 35840 pages/s to touch: the disk reads
	 * 100 MiB/s (25600 pages/s), zram all of them (its cap is 10^6 /
	 * SIM_ZRAM_FAULT_US pages/s) */
	for (int i = 0; i < 10; i++) {
		sim_guest_step(z, 500 * MiB + 1400 * MiB * 2 / 3, 100);
		sim_guest_step(d, 1900 * MiB, 100);
	}
	zin0 = z->mem.pswpin;
	din0 = d->mem.pswpin;
	sim_guest_step(z, 500 * MiB + 1400 * MiB * 2 / 3, 1000);
	sim_guest_step(d, 1900 * MiB, 1000);
	assert_true(d->mem.pswpin - din0 >= 25599 && d->mem.pswpin - din0 <= 25601);
	assert_true(z->mem.pswpin - zin0 >= 35830 && z->mem.pswpin - zin0 <= 35850);
	assert_true(35840 <= 1000000 / SIM_ZRAM_FAULT_US);
	/* the disk guest is stalled all the time, the zram guest a third */
	assert_true(d->stall == 1);
	assert_true(fabs(z->stall - 35840.0 * SIM_ZRAM_FAULT_US / 1e6) < 1e-3);
	world_free(w);
}

/* Random targets and demands, with bursts: RAM's books balance on the
 * zram guest at every step, its pages are all in RAM or in swap while it
 * is not over, and it is over exactly beyond MemTotal + its room. */
static void test_books_random(void **state)
{
	struct world *w = pair("burst_mb = 24\n", "zram_ratio = 2.5\n", 256);
	struct sim_dom *z = &w->h.dom[0];
	uint64_t x = 7, over = 0, swapped = 0;

	for (int step = 0; step < 20000; step++) {
		uint64_t demand, mt, sum;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		if ((x >> 33) % 50 == 0)
			z->target_kb = (x >> 20) % (1024 * MiB);
		sim_host_step(&w->h, 100);
		demand = (uint64_t)(step / 40 % 20) * 50 * MiB;
		sim_guest_step(z, demand, 100);
		mt = z->mem.mem_total;
		/* a burst shows what it reclaims, zram's pool less */
		sum = z->mem.anon_pages + z->mem.shmem + z->zram_kb + z->mem.cached +
		      z->mem.mem_free;
		if (z->burst_left_ms)
			assert_true(sum <= mt);
		else
			assert_int_equal(sum, mt);
		assert_true(z->zram_kb <= mt);
		assert_true(z->oom.over == (z->live_kb > mt + sim_swap_room_kb(z->spec, mt)));
		if (!z->oom.over && !z->burst_left_ms)
			assert_int_equal(z->mem.anon_pages + z->swapped_kb, z->live_kb);
		over += z->oom.over;
		swapped += z->swapped_kb > 0;
	}
	assert_true(over > 0);
	assert_true(swapped > 0);
	world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_swap_out_frees_part),
		cmocka_unit_test(test_room_before_the_kill),
		cmocka_unit_test(test_pool_capped_by_ram),
		cmocka_unit_test(test_swap_in_is_cpu),
		cmocka_unit_test(test_books_random),
	};

	return cmocka_run_group_tests(tests, quiet_setup, quiet_teardown);
}
