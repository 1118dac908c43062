/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-sim's guest physics (sim_model.h, sim_guest_step): invariants
 * over random histories, and the documented formulas on cases worked by
 * hand: page cache given up before swap, swap only beyond MemTotal, the
 * stall share and PSI average of a known swap, job progress and its
 * restart on an OOM kill, and reclaim bursts that the agent's fmd filter
 * (common/filter.h, the agent's own code) takes out again.
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
#include "common/filter.h"
#include "common/log.h"
#define SIM_WORLD
#include "sim_world.h"

#define MiB 1024ull

static struct world *world(const char *text)
{
	return world_named("physics.ini", text);
}

static uint64_t lcg(uint64_t *x)
{
	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	return *x >> 33;
}

/* The guest's books balance and the rules hold at every step. */
static void check_guest(const struct sim_dom *d)
{
	const struct sim_guest_mem *m = &d->mem;
	uint64_t swap_used = m->swap_total - m->swap_free;
	uint64_t anon = m->mem_total - m->mem_free - m->cached;

	assert_true(m->mem_free + m->cached <= m->mem_total);
	assert_true(m->mem_available >= m->mem_free);
	assert_true(m->swap_free <= m->swap_total);
	assert_true(d->cache_kb <= d->spec->file_kb);
	/* Swap only when what the processes hold exceeds MemTotal (a burst
	 * shows reclaimed anonymous pages in swap only while the working
	 * set is there). */
	if (d->swapped_kb)
		assert_true(d->live_kb > m->mem_total);
	assert_int_equal(d->swapped_kb + (d->live_kb < m->mem_total ? d->live_kb : m->mem_total),
			 d->live_kb < m->mem_total + d->spec->swap_kb ? d->live_kb
								    : m->mem_total + d->spec->swap_kb);
	/* What RAM and swap hold together never exceeds the working set
	 * (a burst only moves pages between them). */
	assert_true(anon + swap_used <= d->live_kb);
	assert_true(d->stall >= 0 && d->stall <= 1);
	assert_true(m->psi_avg10 <= 10000 && m->psi_avg60 <= 10000 && m->psi_avg300 <= 10000);
	assert_true(d->oom.over == (d->live_kb > m->mem_total + d->spec->swap_kb));
	assert_true(d->live_kb <= d->demand_kb);
	if (!d->spec->phys.oom_restart_ms) {
		/* The kill frees nothing: the workload holds its demand,
		 * over or not, and is never down. */
		assert_int_equal(d->live_kb, d->demand_kb);
		assert_int_equal(d->oom.down_ms, 0);
	} else if (!d->oom.down_ms) {
		/* The kill frees memory: a running workload is never left
		 * over; only a killed one holds less than it wants, and then
		 * no more than the survivors. */
		assert_false(d->oom.over);
	} else {
		assert_true(d->live_kb <= SIM_OOM_SURVIVOR_KB);
	}
	assert_int_equal(m->oom_kills, d->oom.kills);
	assert_true(d->m.progress_ms <= (double)d->spec->work_ms + 1e-6 || !d->spec->work_ms);
}

static void assert_conserved(const struct sim_host *h)
{
	uint64_t sum = h->dom0_kb + sim_host_free_kb(h);

	for (size_t i = 0; i < h->n; i++)
		if (h->dom[i].state == SIM_DOM_RUNNING)
			sum += h->dom[i].tot_kb;
	assert_int_equal(sum, h->total_kb);
}

/* Random targets and demands in 100 ms steps: the host's memory is
 * conserved, nobody exceeds maxmem, every guest's books balance; under
 * both OOM models (restart_s 0: the kill frees nothing, the default). */
static void invariants_random(int restart_s)
{
	char ini[1024];

	snprintf(ini, sizeof(ini),
		"[host]\ntotal_mb = 3072\ndom0_mb = 512\nburst_mb = 24\ncache_rate_mb_s = 20\n"
		"oom_restart_s = %d\n"
		"[guest a]\nmemory_mb = 512\nstatic_max_mb = 1024\nswap_mb = 256\nwork_s = 100\n"
		"[guest b]\nmemory_mb = 400\nstatic_max_mb = 1024\nswap_mb = 0\nfile_mb = 300\n"
		"[guest c]\nmemory_mb = 700\nstatic_max_mb = 1024\nswap_mb = 64\ntype = hvm\n",
		restart_s);
	struct world *w = world(ini);
	uint64_t x = 99;
	uint64_t bursts = 0, swapped_steps = 0, oom = 0;

	for (int step = 0; step < 20000; step++) {
		for (size_t i = 0; i < w->h.n; i++) {
			struct sim_dom *d = &w->h.dom[i];

			if (lcg(&x) % 50 == 0)
				d->target_kb = lcg(&x) % (1024 * MiB);
			if (lcg(&x) % 200 == 0)
				d->max_kb = lcg(&x) % (1100 * MiB);
		}
		sim_host_step(&w->h, 100);
		assert_conserved(&w->h);
		for (size_t i = 0; i < w->h.n; i++) {
			struct sim_dom *d = &w->h.dom[i];
			/* Slow drifts with occasional jumps. */
			uint64_t demand = (uint64_t)(step / 40 % 20) * 50 * MiB +
					  (lcg(&x) % 100 == 0 ? lcg(&x) % (400 * MiB) : 0);

			double sf = d->m.shortfall_kbms;
			uint64_t mt = sim_dom_mem_total_kb(d);

			sim_guest_step(d, demand, 100);
			check_guest(d);
			/* A kill never makes the shortfall smaller than what
			 * the whole need lacks in MemTotal. */
			assert_true(d->m.shortfall_kbms - sf + 1e-6 >=
				    (double)(d->need_kb > mt ? d->need_kb - mt : 0) * 100);
			assert_true(d->tot_kb <= (d->max_kb / 4 * 4 > d->tot_kb ? d->max_kb / 4 * 4 : d->tot_kb));
			swapped_steps += d->swapped_kb > 0;
		}
	}
	for (size_t i = 0; i < w->h.n; i++) {
		bursts += w->h.dom[i].m.bursts;
		oom += w->h.dom[i].mem.oom_kills;
	}
	/* The history did exercise the interesting branches. */
	assert_true(bursts > 0);
	assert_true(swapped_steps > 0);
	assert_true(oom > 0);
	world_free(w);
}

static void test_invariants_random(void **state)
{
	invariants_random(10);
	invariants_random(0);
}

/* The cache gives way before anything goes to swap; it grows back at
 * cache_rate while files are read, up to file_mb. */
static void test_cache_first(void **state)
{
	struct world *w = world(
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\ncache_rate_mb_s = 10\nburst_mb = 0\n"
		"[guest g]\nmemory_mb = 512\nswap_mb = 256\nfile_mb = 100\noverhead_kb = 12288\n");
	struct sim_dom *d = &w->h.dom[0];
	uint64_t total = 500 * MiB;

	sim_guest_step(d, 100 * MiB, 0);
	assert_int_equal(d->mem.mem_total, total);
	assert_int_equal(d->mem.cached, SIM_PAGE_CACHE_KB);
	for (int i = 0; i < 100; i++)
		sim_guest_step(d, 100 * MiB, 100);     /* 10 s at 10 MiB/s */
	assert_int_equal(d->mem.cached, 100 * MiB);   /* capped at file_mb */
	/* Demand grows into the cache: the cache shrinks, nothing swaps. */
	sim_guest_step(d, total - 30 * MiB, 100);
	assert_int_equal(d->mem.cached, 30 * MiB - 0);
	assert_int_equal(d->mem.mem_free, 0);
	assert_int_equal(d->swapped_kb, 0);
	/* ... and it regrows only up to the watermark (MemTotal / 64). */
	sim_guest_step(d, total - 100 * MiB, 0);
	for (int i = 0; i < 200; i++)
		sim_guest_step(d, total - 100 * MiB, 100);
	assert_int_equal(d->mem.cached, 100 * MiB - total / 64);
	assert_int_equal(d->mem.mem_free, total / 64);
	/* Beyond MemTotal: no cache at all, the excess in swap. */
	sim_guest_step(d, total + 40 * MiB, 100);
	assert_int_equal(d->mem.cached, 0);
	assert_int_equal(d->swapped_kb, 40 * MiB);
	assert_int_equal(d->mem.swap_free, 216 * MiB);
	world_free(w);
}

/* 100 MiB of a working set in swap, touched once per 10 s window:
 * 2560 pages/s, 200 us each = a stall share of 0.512. PSI's avg10 after
 * 10 s of it is (1 - 1/e) of that; a job advances at 1 - 0.512. */
static void test_stall_psi_progress(void **state)
{
	struct world *w = world(
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nburst_mb = 0\n"
		"[guest g]\nmemory_mb = 512\nswap_mb = 256\noverhead_kb = 12288\nwork_s = 100\n");
	struct sim_dom *d = &w->h.dom[0];
	uint64_t total = 500 * MiB, pswpin0;

	sim_guest_step(d, total + 100 * MiB, 0);
	pswpin0 = d->mem.pswpin;
	for (int i = 0; i < 100; i++)
		sim_guest_step(d, total + 100 * MiB, 100);
	assert_true(d->stall > 0.511 && d->stall < 0.513);
	/* 10 s at 2560 pages/s */
	assert_true(d->mem.pswpin - pswpin0 >= 25599 && d->mem.pswpin - pswpin0 <= 25601);
	/* avg10 = 0.512 (1 - e^-1) = 32.36 % */
	assert_true(d->mem.psi_avg10 >= 3230 && d->mem.psi_avg10 <= 3242);
	assert_true(d->mem.psi_avg60 < d->mem.psi_avg10);
	assert_true(d->m.progress_ms > 4870 && d->m.progress_ms < 4890);
	assert_true(d->m.shortfall_kbms > 100.0 * MiB * 10000 - 1 &&
		    d->m.shortfall_kbms < 100.0 * MiB * 10000 + 1);
	/* Memory arrives: the swapped pages come back in one step (read
	 * back: counted, and that step stalls), then the job runs at full
	 * speed: 100 s of work, 4.88 s done at 10.1 s, so done at 105.22 s. */
	sim_guest_step(d, total - 10 * MiB, 100);
	assert_true(d->mem.pswpin - pswpin0 >= 25600 + 100 * 256 - 1);
	assert_true(d->stall == 1);
	for (int i = 0; i < 950; i++)
		sim_guest_step(d, total - 10 * MiB, 100);
	assert_true(d->stall == 0);
	assert_int_equal(d->m.done_ms, 0);
	for (int i = 0; i < 10; i++)
		sim_guest_step(d, total - 10 * MiB, 100);
	assert_true(d->m.done_ms > 105150 && d->m.done_ms <= 105300);
	world_free(w);
}

/* oom_restart_s = 0, the kill frees nothing (the model before session
 * 15): an OOM kill (demand above MemTotal + swap) is counted once per
 * episode and sends the job back to the start; the time over counts
 * every step spent over, however many episodes. */
static void test_oom_frees_nothing(void **state)
{
	struct world *w = world(
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nburst_mb = 0\noom_restart_s = 0\n"
		"[guest g]\nmemory_mb = 512\nswap_mb = 64\noverhead_kb = 12288\nwork_s = 100\n");
	struct sim_dom *d = &w->h.dom[0];
	uint64_t total = 500 * MiB;

	for (int i = 0; i < 100; i++)
		sim_guest_step(d, 100 * MiB, 100);
	assert_true(d->m.progress_ms > 9999);
	assert_int_equal(d->m.oom_ms, 0);
	sim_guest_step(d, total + 65 * MiB, 100);
	sim_guest_step(d, total + 80 * MiB, 100);
	assert_int_equal(d->mem.oom_kills, 1);
	assert_int_equal(d->m.oom_ms, 200);
	assert_int_equal(d->m.job_restarts, 1);
	assert_true(d->m.progress_ms < 200);
	assert_int_equal(d->live_kb, total + 80 * MiB);
	sim_guest_step(d, total + 10 * MiB, 100);
	assert_int_equal(d->m.oom_ms, 200);
	sim_guest_step(d, total + 80 * MiB, 250);
	assert_int_equal(d->mem.oom_kills, 2);
	assert_int_equal(d->m.oom_ms, 450);
	world_free(w);
}

/* The kill frees the memory (oom_restart_s = 10): a guest over MemTotal
 * + swap loses its workload's process, keeps its daemons' memory, and
 * shows it (MemFree, swap, Committed_AS); the workload is down for 10 s
 * (no progress, its whole demand short), comes back at its demand and,
 * still not fitting, is killed again: every kill of the crash loop
 * counts. Given the memory, it comes back for good. */
static void test_oom_kill_frees(void **state)
{
	struct world *w = world(
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nburst_mb = 0\noom_restart_s = 10\n"
		"[guest g]\nmemory_mb = 512\nstatic_max_mb = 1024\nswap_mb = 64\n"
		"overhead_kb = 12288\nwork_s = 100\n");
	struct sim_dom *d = &w->h.dom[0];
	uint64_t total = 500 * MiB, want = total + 80 * MiB, pswpin, kills;
	double sf;

	for (int i = 0; i < 100; i++)
		sim_guest_step(d, 100 * MiB, 100);
	/* Into swap, not over: no kill. */
	sim_guest_step(d, total + 60 * MiB, 100);
	assert_int_equal(d->mem.oom_kills, 0);
	assert_int_equal(d->swapped_kb, 60 * MiB);
	pswpin = d->mem.pswpin;
	sf = d->m.shortfall_kbms;
	/* Over: killed, its memory (swap included) freed, not read back. */
	sim_guest_step(d, want, 100);
	assert_int_equal(d->mem.oom_kills, 1);
	assert_int_equal(d->m.job_restarts, 1);
	assert_true(d->m.progress_ms < 1);
	assert_int_equal(d->live_kb, SIM_OOM_SURVIVOR_KB);
	assert_int_equal(d->swapped_kb, 0);
	assert_int_equal(d->mem.swap_free, 64 * MiB);
	assert_true(d->mem.pswpin - pswpin < 60 * MiB / 4 / 10);
	assert_int_equal(d->mem.mem_free + d->mem.cached, total - SIM_OOM_SURVIVOR_KB);
	assert_int_equal(d->mem.committed_as, SIM_OOM_SURVIVOR_KB + SIM_COMMIT_EXTRA_KB);
	/* The dead job's whole demand is short: more than MemTotal left. */
	assert_true(d->m.shortfall_kbms - sf > (double)(want - total) * 100 + 1);
	assert_true(fabs(d->m.shortfall_kbms - sf -
			 (double)(want - SIM_OOM_SURVIVOR_KB) * 100) < 1);
	/* Down for 10 s: no second kill, no progress, all of it OOM time. */
	for (int i = 0; i < 99; i++)
		sim_guest_step(d, want, 100);
	assert_int_equal(d->mem.oom_kills, 1);
	assert_true(d->m.progress_ms < 1);
	assert_int_equal(d->m.oom_ms, 10000);
	/* Back at its demand, which still does not fit: killed again. */
	sim_guest_step(d, want, 100);
	assert_int_equal(d->mem.oom_kills, 2);
	assert_int_equal(d->live_kb, SIM_OOM_SURVIVOR_KB);
	/* A minute of the crash loop: a kill every 10 s. */
	for (int i = 0; i < 600; i++)
		sim_guest_step(d, want, 100);
	assert_int_equal(d->mem.oom_kills, 8);
	assert_int_equal(d->m.oom_ms, 70100);
	/* Memory arrives while it is down: it restarts at its demand and
	 * stays up; its job runs again. */
	kills = d->mem.oom_kills;
	d->max_kb = 1024 * MiB;
	d->target_kb = 700 * MiB;
	sim_host_step(&w->h, 1000);
	for (int i = 0; i < 200; i++)
		sim_guest_step(d, want, 100);
	assert_int_equal(d->mem.oom_kills, kills);
	assert_int_equal(d->live_kb, want);
	assert_int_equal(d->oom.down_ms, 0);
	assert_true(d->m.progress_ms > 9000);
	world_free(w);
}

/* A guest that touches at touch_mb_s re-touches at that rate after a
 * restart (and any guest at [host] oom_retouch_mb_s): its live memory
 * ramps from the survivors' up to its demand, and its Committed_AS shows
 * the whole curve at once. */
static void test_oom_retouch(void **state)
{
	static const char *const ini[2] = {
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nburst_mb = 0\noom_restart_s = 5\n"
		"[guest g]\nmemory_mb = 512\nstatic_max_mb = 1024\nswap_mb = 0\n"
		"overhead_kb = 12288\ntouch_mb_s = 100\n",
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nburst_mb = 0\noom_restart_s = 5\n"
		"oom_retouch_mb_s = 100\n"
		"[guest g]\nmemory_mb = 512\nstatic_max_mb = 1024\nswap_mb = 0\n"
		"overhead_kb = 12288\n",
	};

	for (int k = 0; k < 2; k++) {
		struct world *w = world(ini[k]);
		struct sim_dom *d = &w->h.dom[0];
		uint64_t want = 600 * MiB;

		sim_guest_step(d, want, 100);
		assert_int_equal(d->mem.oom_kills, 1);
		d->max_kb = 1024 * MiB;
		d->target_kb = 1000 * MiB;
		sim_host_step(&w->h, 1000);
		for (int i = 0; i < 50; i++)
			sim_guest_step(d, want, 100);
		assert_int_equal(d->oom.down_ms, 0);
		assert_int_equal(d->live_kb, SIM_OOM_SURVIVOR_KB);
		assert_true(d->mem.committed_as >= want);
		for (int i = 0; i < 20; i++)
			sim_guest_step(d, want, 100);
		assert_int_equal(d->live_kb, SIM_OOM_SURVIVOR_KB + 200 * MiB);
		for (int i = 0; i < 40; i++)
			sim_guest_step(d, want, 100);
		assert_int_equal(d->live_kb, want);
		assert_int_equal(d->mem.oom_kills, 1);
		world_free(w);
	}
}

/* A guest whose page cache keeps pushing against the watermark reclaims
 * in bursts that show in MemFree for one second; the agent's fmd filter
 * (seed 001 §5.1) replaces them by the window mean, so what the arbiter
 * sees stays near the true free memory. A guest with room never bursts. */
static void test_bursts_and_fmd(void **state)
{
	struct world *w = world(
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nburst_mb = 16\nseed = 3\n"
		"[guest tight]\nmemory_mb = 512\nswap_mb = 256\nfile_mb = 2000\noverhead_kb = 12288\n"
		"[guest roomy]\nmemory_mb = 512\nswap_mb = 256\nfile_mb = 32\noverhead_kb = 12288\n");
	struct sim_dom *t = &w->h.dom[0], *r = &w->h.dom[1];
	struct fmd_filter f;
	uint64_t true_free = 500 * MiB / 64, worst = 0, seen = 0;

	fmd_init(&f, FMD_WINDOW_DEFAULT, FMD_KB_DEFAULT, FMD_MAX_REJECT_DEFAULT);
	for (int s = 0; s < 600; s++) {
		for (int i = 0; i < 10; i++) {
			sim_guest_step(t, 300 * MiB, 100);
			sim_guest_step(r, 300 * MiB, 100);
		}
		if (s < 60)
			continue;       /* the cache fills the guest first */
		/* The agent samples once a second. */
		uint64_t out = fmd_push(&f, t->mem.mem_free);

		seen += t->mem.mem_free > true_free;
		if (out > worst)
			worst = out;
	}
	assert_true(t->m.bursts >= 60);           /* about one per 5 s */
	assert_true(seen >= 40);                  /* and the agent saw them */
	assert_int_equal(r->m.bursts, 0);
	assert_true(f.rejected >= seen / 2);
	/* Isolated bursts never reach the report (a run of max_reject + 1
	 * would; seed 3 has none). */
	assert_true(worst <= true_free + FMD_KB_DEFAULT);
	world_free(w);
}

/* The working-set figures (model.h): tmpfs held in RAM first and counted
 * in need but not in Committed_AS, untouched promises in Committed_AS
 * only, the file working set refaulting once per touch window while the
 * cache cannot hold it, and the thrashing swap-ins counted as anon
 * refaults. Worked by hand on a guest of MemTotal 200 MiB. */
static void test_working_set_figures(void **state)
{
	struct world *w = world(
		"[host]\ntotal_mb = 2048\ndom0_mb = 512\nburst_mb = 0\ncache_rate_mb_s = 1000\n"
		"touch_window_s = 10\nswap_rate_mb_s = 1000\n"
		"[guest g]\nmemory_mb = 300\noverhead_kb = 102400\nswap_mb = 200\n"
		"file_mb = 100\nfile_ws_mb = 80\nshmem_mb = 30\nuntouched_mb = 50\n");
	struct sim_dom *d = &w->h.dom[0];
	const struct sim_guest_mem *m = &d->mem;

	assert_true(sim_dom_mem_total_kb(d) == 200 * MiB);
	/* Room for everything: 60 anon + 30 tmpfs + 80..100 cache. */
	for (int i = 0; i < 10; i++)
		sim_guest_step(d, 60 * MiB, 1000);
	assert_true(d->need_kb == (60 + 30 + 80) * MiB);
	assert_true(m->shmem == 30 * MiB && m->anon_pages == 60 * MiB);
	assert_true(m->inactive_anon == m->shmem && m->active_anon == m->anon_pages);
	assert_true(m->committed_as == (60 + 16 + 50) * MiB);
	assert_true(m->active_file == 80 * MiB);
	assert_true(m->inactive_file == m->cached - 80 * MiB);
	assert_true(m->mem_available == m->mem_free + m->cached);
	uint64_t rf = m->refault_file, ra = m->refault_anon, maj = m->pgmajfault;
	assert_true(rf == 0 && maj == 0);

	/* 150 anon + 30 tmpfs leave 20 MiB for the cache (squeezed from
	 * above, it keeps all the room): the file working set is short of
	 * 60 MiB, read again once per 10 s. */
	for (int i = 0; i < 10; i++)
		sim_guest_step(d, 150 * MiB, 1000);
	uint64_t cache = d->cache_kb, missing = 80 * MiB - cache;
	assert_true(cache == 20 * MiB && missing == 60 * MiB);
	assert_true(m->active_file == cache && m->inactive_file == 0);
	rf = m->refault_file;
	sim_guest_step(d, 150 * MiB, 1000);
	/* missing KiB / 4 pages per touch window, one second of it */
	assert_int_equal(m->refault_file - rf, missing / 4 / 10);
	assert_true(m->pgmajfault == m->pswpin + m->refault_file);
	assert_true(d->stall > 0);

	/* 240 anon + 30 tmpfs: 70 MiB in swap, all of it touched once per
	 * window: 70 MiB / 4 KiB / 10 per second, anon refaults too. */
	sim_guest_step(d, 240 * MiB, 1000);
	ra = m->refault_anon;
	uint64_t in = m->pswpin;
	sim_guest_step(d, 240 * MiB, 1000);
	assert_true(d->swapped_kb == 70 * MiB);
	assert_true(m->swap_total - m->swap_free == 70 * MiB);
	assert_true(m->shmem == 30 * MiB && m->anon_pages == 170 * MiB);
	assert_int_equal(m->refault_anon - ra, 70 * MiB / 4 / 10);
	assert_int_equal(m->pswpin - in, 70 * MiB / 4 / 10);
	assert_true(d->need_kb == (240 + 30 + 80) * MiB);
	world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invariants_random),
		cmocka_unit_test(test_cache_first),
		cmocka_unit_test(test_working_set_figures),
		cmocka_unit_test(test_stall_psi_progress),
		cmocka_unit_test(test_oom_frees_nothing),
		cmocka_unit_test(test_oom_kill_frees),
		cmocka_unit_test(test_oom_retouch),
		cmocka_unit_test(test_bursts_and_fmd),
	};

	return cmocka_run_group_tests(tests, quiet_setup, quiet_teardown);
}
