/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The memory model of the simulated host, without xenstore: balloons
 * follow their target at the configured rate, stop at maxmem (counted:
 * Xen's "Over-allocation") and at an empty host (counted), a broken
 * driver never moves, memory is conserved, and the guest's figures are
 * the documented functions of what the domain holds and of its demand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simhost/model.h"
#include "common/config.h"
#include "common/log.h"
#define SIM_WORLD
#include "sim_world.h"

#define MiB 1024ull

static struct world *world(const char *text)
{
	return world_named("model.ini", text);
}

static struct sim_dom *dom(struct world *w, uint32_t domid)
{
	struct sim_dom *d = sim_host_find(&w->h, domid);

	assert_non_null(d);
	return d;
}

static void assert_conserved(const struct sim_host *h)
{
	uint64_t sum = h->dom0_kb + sim_host_free_kb(h);

	for (size_t i = 0; i < h->n; i++)
		if (h->dom[i].state == SIM_DOM_RUNNING)
			sum += h->dom[i].tot_kb;
	assert_int_equal(sum, h->total_kb);
}

static const char one_guest[] =
	"[host]\ntotal_mb = 4096\ndom0_mb = 512\nballoon_rate_mb_s = 256\n"
	"[guest g]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 1024\n";

/* 256 MiB/s: 0.5 s of simulated time moves 128 MiB, then it stops at the
 * target. */
static void test_balloon_rate(void **state)
{
	struct world *w = world(one_guest);
	struct sim_dom *d = dom(w, 1);

	assert_int_equal(d->tot_kb, 512 * MiB);
	assert_int_equal(d->max_kb, 512 * MiB + 1024);   /* libxl: + 1 MiB */
	assert_int_equal(d->target_kb, 512 * MiB);
	d->target_kb = 256 * MiB;
	sim_host_step(&w->h, 500);
	assert_int_equal(d->tot_kb, 384 * MiB);
	sim_host_step(&w->h, 250);
	assert_int_equal(d->tot_kb, 320 * MiB);
	sim_host_step(&w->h, 10000);
	assert_int_equal(d->tot_kb, 256 * MiB);
	sim_host_step(&w->h, 1000);
	assert_int_equal(d->tot_kb, 256 * MiB);
	/* Growth at the same speed, once maxmem allows it. */
	d->max_kb = 512 * MiB + 1024;
	d->target_kb = 512 * MiB;
	sim_host_step(&w->h, 500);
	assert_int_equal(d->tot_kb, 384 * MiB);
	assert_int_equal(d->n.overalloc, 0);
	world_free(w);
}

/* Many short steps add up to what one long one moves: progress short of
 * a page is carried, not lost (1 MiB/s is a quarter page per ms). */
static void test_balloon_carry(void **state)
{
	struct world *w = world(
		"[host]\ntotal_mb = 4096\ndom0_mb = 512\nballoon_rate_mb_s = 1\n"
		"[guest g]\ndomid = 1\nmemory_mb = 512\n");
	struct sim_dom *d = dom(w, 1);

	d->target_kb = 256 * MiB;
	for (int i = 0; i < 1000; i++)
		sim_host_step(&w->h, 1);
	assert_int_equal(d->tot_kb, 511 * MiB);
	/* A target that is not a whole page: the driver works in pages. */
	d->target_kb = 511 * MiB - 6;
	sim_host_step(&w->h, 1000);
	assert_int_equal(d->tot_kb, 511 * MiB - 8);
	world_free(w);
}

/* Raising the target without raising maxmem first: the balloon stops at
 * maxmem and the refusals are counted (design.md §Maxmem, PoD and the videoram offset). Lowering
 * maxmem below tot is allowed and only blocks growth. */
static void test_balloon_maxmem(void **state)
{
	struct world *w = world(one_guest);
	struct sim_dom *d = dom(w, 1);

	d->target_kb = 768 * MiB;
	sim_host_step(&w->h, 10000);
	assert_int_equal(d->tot_kb, 512 * MiB + 1024);
	assert_true(d->n.overalloc > 0);
	uint64_t refused = d->n.overalloc;
	sim_host_step(&w->h, 1000);
	assert_int_equal(d->n.overalloc, refused + 1);
	assert_int_equal(d->tot_kb, 512 * MiB + 1024);
	/* maxmem first, then the target: it gets there. */
	d->max_kb = 768 * MiB + 1024;
	sim_host_step(&w->h, 10000);
	assert_int_equal(d->tot_kb, 768 * MiB);
	assert_int_equal(d->n.overalloc, refused + 1);
	/* maxmem below tot: shrinking still works, growing does not. */
	d->max_kb = 300 * MiB;
	d->target_kb = 900 * MiB;
	sim_host_step(&w->h, 10000);
	assert_int_equal(d->tot_kb, 768 * MiB);
	assert_int_equal(d->n.overalloc, refused + 2);
	d->target_kb = 200 * MiB;
	sim_host_step(&w->h, 10000);
	assert_int_equal(d->tot_kb, 200 * MiB);
	assert_int_equal(d->n.host_full, 0);
	world_free(w);
}

/* Growth takes what the host has free, first come first served in domid
 * order; memory another domain gives back in the same step is free for
 * it. Every step conserves memory. */
static void test_balloon_host_free(void **state)
{
	struct world *w = world(
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nballoon_rate_mb_s = 256\n"
		"[guest a]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 1024\n"
		"[guest b]\ndomid = 2\nmemory_mb = 512\nstatic_max_mb = 1024\n"
		"[guest c]\ndomid = 3\nmemory_mb = 256\nstatic_max_mb = 512\n");
	struct sim_dom *a = dom(w, 1), *b = dom(w, 2), *c = dom(w, 3);

	assert_int_equal(sim_host_free_kb(&w->h), 256 * MiB);
	a->max_kb = b->max_kb = 1024 * MiB + 1024;
	a->target_kb = b->target_kb = 1024 * MiB;
	sim_host_step(&w->h, 500);       /* each may move 128 MiB */
	assert_conserved(&w->h);
	assert_int_equal(a->tot_kb, 640 * MiB);
	assert_int_equal(b->tot_kb, 640 * MiB);
	assert_int_equal(sim_host_free_kb(&w->h), 0);
	assert_int_equal(a->n.host_full + b->n.host_full, 0);
	sim_host_step(&w->h, 500);
	assert_conserved(&w->h);
	assert_int_equal(a->tot_kb, 640 * MiB);
	assert_int_equal(b->tot_kb, 640 * MiB);
	assert_int_equal(a->n.host_full, 1);
	assert_int_equal(b->n.host_full, 1);
	assert_int_equal(a->n.overalloc, 0);
	/* c gives back 128 MiB in a step: domain 1 takes it all first. */
	c->target_kb = 128 * MiB;
	sim_host_step(&w->h, 500);
	assert_conserved(&w->h);
	assert_int_equal(c->tot_kb, 128 * MiB);
	assert_int_equal(a->tot_kb, 768 * MiB);
	assert_int_equal(b->tot_kb, 640 * MiB);
	assert_int_equal(sim_host_free_kb(&w->h), 0);
	world_free(w);
}

static void test_follows_no(void **state)
{
	struct world *w = world(
		"[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
		"[guest stuck]\ndomid = 1\nmemory_mb = 512\nfollows = no\n");
	struct sim_dom *d = dom(w, 1);

	d->target_kb = 128 * MiB;
	sim_host_step(&w->h, 60000);
	assert_int_equal(d->tot_kb, 512 * MiB);
	d->target_kb = 1024 * MiB;
	d->max_kb = 2048 * MiB;
	sim_host_step(&w->h, 60000);
	assert_int_equal(d->tot_kb, 512 * MiB);
	assert_int_equal(d->n.overalloc + d->n.host_full, 0);
	world_free(w);
}

/* Random targets, maxmems and step lengths (a fixed LCG): memory is
 * conserved, nothing grows above its maxmem or beyond the host, and
 * nobody moves faster than its rate. */
static void test_conservation_random(void **state)
{
	struct world *w = world(
		"[host]\ntotal_mb = 3072\ndom0_mb = 512\nballoon_rate_mb_s = 300\n"
		"[guest a]\nmemory_mb = 512\nstatic_max_mb = 2048\n"
		"[guest b]\nmemory_mb = 512\nstatic_max_mb = 2048\nballoon_rate_mb_s = 37\n"
		"[guest c]\nmemory_mb = 700\nstatic_max_mb = 2048\nfollows = no\n"
		"[guest d]\nmemory_mb = 300\nstatic_max_mb = 2048\ntype = hvm\n");
	uint64_t x = 12345, before[4];

	for (int step = 0; step < 5000; step++) {
		uint64_t dt;

		for (size_t i = 0; i < w->h.n; i++) {
			struct sim_dom *d = &w->h.dom[i];

			before[i] = d->tot_kb;
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			if ((x >> 60) < 3)
				d->target_kb = (x >> 20) % (2048 * MiB);
			if ((x >> 56) % 7 == 0)
				d->max_kb = (x >> 8) % (2048 * MiB);
		}
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		dt = (x >> 33) % 3000;
		sim_host_step(&w->h, dt);
		assert_conserved(&w->h);
		for (size_t i = 0; i < w->h.n; i++) {
			const struct sim_dom *d = &w->h.dom[i];
			uint64_t moved = d->tot_kb > before[i] ? d->tot_kb - before[i]
							       : before[i] - d->tot_kb;

			if (d->tot_kb > before[i])
				assert_true(d->tot_kb <= d->max_kb / 4 * 4);
			/* rate * dt, plus at most one page carried over */
			assert_true(moved <= d->spec->balloon_rate_kb_s * dt / 1000 + 4);
			assert_int_equal(d->tot_kb % 4, 0);
			if (!d->spec->follows)
				assert_int_equal(d->tot_kb, 700 * MiB);
		}
	}
	world_free(w);
}

/* A domain that does not fit is not created; destroying one gives its
 * memory back. */
static void test_create_destroy(void **state)
{
	struct world *w = world(
		"[host]\ntotal_mb = 1024\ndom0_mb = 512\n"
		"[guest a]\ndomid = 1\nmemory_mb = 384\n"
		"[guest b]\ndomid = 2\nmemory_mb = 256\nstart_s = 5\n");
	struct sim_dom *a = dom(w, 1), *b = dom(w, 2);

	assert_int_equal(b->state, SIM_DOM_PENDING);
	assert_int_equal(sim_dom_create(&w->h, b), -1);
	assert_int_equal(b->state, SIM_DOM_FAILED);
	assert_int_equal(sim_host_free_kb(&w->h), 128 * MiB);
	sim_dom_destroy(a);
	assert_int_equal(sim_host_free_kb(&w->h), 512 * MiB);
	assert_int_equal(sim_dom_create(&w->h, b), 0);
	assert_int_equal(sim_host_free_kb(&w->h), 256 * MiB);
	assert_conserved(&w->h);
	world_free(w);
}

/* The guest model: MemTotal follows what the domain holds, the rest
 * follows demand; swap takes what does not fit, comes back as pswpin,
 * and, with oom_restart_s = 0 (the kill frees nothing), an OOM kill is
 * counted once per episode (test_sim_physics.c has the kill that frees). */
static void test_guest_figures(void **state)
{
	struct world *w = world(
		"[host]\ntotal_mb = 4096\ndom0_mb = 512\noom_restart_s = 0\n"
		"[guest small]\ndomid = 1\nmemory_mb = 128\n"
		"[guest g]\ndomid = 2\nmemory_mb = 512\nstatic_max_mb = 1024\nswap_mb = 100\n");
	struct sim_dom *s = dom(w, 1), *d = dom(w, 2);
	const struct sim_guest_mem *m = &d->mem;
	uint64_t total;

	/* notes/xen-under-qemu.md: 128 MB PV guest, MemTotal about 79 MB. */
	sim_guest_update(s, 48 * MiB);
	assert_int_equal(s->mem.mem_total, 79 * MiB);
	assert_int_equal(s->mem.balloon_current_kb - s->mem.mem_total, s->spec->overhead_kb);

	sim_guest_update(d, 100 * MiB);
	total = 512 * MiB - d->spec->overhead_kb;
	assert_int_equal(m->mem_total, total);
	assert_int_equal(m->cached, SIM_PAGE_CACHE_KB);
	assert_int_equal(m->mem_free, total - 100 * MiB - SIM_PAGE_CACHE_KB);
	assert_int_equal(m->mem_available, m->mem_free + SIM_PAGE_CACHE_KB);
	assert_int_equal(m->committed_as, 100 * MiB + SIM_COMMIT_EXTRA_KB);
	assert_int_equal(m->swap_total, 100 * MiB);
	assert_int_equal(m->swap_free, 100 * MiB);
	assert_int_equal(m->balloon_target_kb, 512 * MiB);
	assert_int_equal(m->balloon_current_kb, 512 * MiB);

	/* The balloon takes 256 MiB: MemTotal drops with it. */
	d->target_kb = 256 * MiB;
	sim_host_step(&w->h, 1000);
	sim_guest_update(d, 100 * MiB);
	assert_int_equal(m->mem_total, 256 * MiB - d->spec->overhead_kb);
	assert_int_equal(m->balloon_target_kb, 256 * MiB);
	assert_int_equal(m->balloon_current_kb, 256 * MiB);

	/* Demand above MemTotal: no page cache left, the excess in swap. */
	total = m->mem_total;
	sim_guest_update(d, total + 60 * MiB);
	assert_int_equal(m->mem_free, 0);
	assert_int_equal(m->cached, 0);
	assert_int_equal(m->mem_available, 0);
	assert_int_equal(m->swap_free, 40 * MiB);
	assert_int_equal(m->oom_kills, 0);
	/* Back below: the 60 MiB swapped out come back in. */
	sim_guest_update(d, total - 20 * MiB);
	assert_int_equal(m->swap_free, 100 * MiB);
	assert_int_equal(m->pswpin, 60 * MiB / 4);
	/* Above MemTotal + swap: one OOM kill for the episode. */
	sim_guest_update(d, total + 101 * MiB);
	sim_guest_update(d, total + 150 * MiB);
	assert_int_equal(m->oom_kills, 1);
	assert_int_equal(m->swap_free, 0);
	sim_guest_update(d, total);
	sim_guest_update(d, total + 200 * MiB);
	assert_int_equal(m->oom_kills, 2);
	world_free(w);
}

/* HVM: memory/target excludes videoram (and libxl's 1 MiB fudge when
 * maxmem > memory); the balloon's goal in tot adds videoram back; the
 * guest does not see videoram as RAM. */
static void test_hvm_offset(void **state)
{
	struct world *w = world(
		"[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
		"[guest win]\ndomid = 1\ntype = hvm\nmemory_mb = 1024\nstatic_max_mb = 2048\nvideoram_mb = 16\n"
		"[guest flat]\ndomid = 2\ntype = hvm\nmemory_mb = 1024\n");
	struct sim_dom *d = dom(w, 1);

	assert_int_equal(sim_dom_offset_kb(d), 16 * MiB);
	assert_int_equal(d->target_kb, 1024 * MiB - 16 * MiB - 1024);
	assert_int_equal(dom(w, 2)->target_kb, 1024 * MiB - 8 * MiB);
	/* At boot it holds memory_mb; the fudge makes it give 1 MiB back. */
	sim_host_step(&w->h, 1000);
	assert_int_equal(d->tot_kb, 1024 * MiB - 1024);
	d->target_kb = 512 * MiB;
	sim_host_step(&w->h, 10000);
	assert_int_equal(d->tot_kb, 512 * MiB + 16 * MiB);
	sim_guest_update(d, 0);
	assert_int_equal(d->mem.balloon_current_kb, 512 * MiB);
	assert_int_equal(d->mem.balloon_target_kb, 512 * MiB);
	assert_int_equal(d->mem.mem_total, 512 * MiB - d->spec->overhead_kb);
	world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_balloon_rate),
		cmocka_unit_test(test_balloon_carry),
		cmocka_unit_test(test_balloon_maxmem),
		cmocka_unit_test(test_balloon_host_free),
		cmocka_unit_test(test_follows_no),
		cmocka_unit_test(test_conservation_random),
		cmocka_unit_test(test_create_destroy),
		cmocka_unit_test(test_guest_figures),
		cmocka_unit_test(test_hvm_offset),
	};

	return cmocka_run_group_tests(tests, quiet_setup, quiet_teardown);
}
