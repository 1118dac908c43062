// SPDX-License-Identifier: GPL-2.0-only
/*
 * An administrator's maxmem (src/arbiter/maxcap.c, design.md §Maxmem, PoD
 * and the videoram offset, "An administrator's maxmem"):
 *  - the rules alone: a maxmem membal did not set is a cap, our own write
 *    (rounded to pages by Xen) and libxl's value at adoption are not; the
 *    cap holds across listings, moves with a second outside value, lifts
 *    at static-max + 1 MiB or with xl mem-set; maxmem is never set above
 *    it; a new cap only stops increases for one listing;
 *  - memory/membal_state's maxcap word, strictly parsed;
 *  - the closed loop (the real arbiter on the sim backend, an
 *    administrator setting Xen's maxmem between two cycles): no target
 *    above the cap and Xen's maxmem never raised past it while the guest
 *    wants more, the cap surviving a restart of the arbiter, moved and
 *    lifted by the administrator, and our own maxmem writes never taken
 *    for one, nor an administrator's value set between a cycle's listing
 *    and its raise (read again before the raise).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "arbiter/maxcap.h"
#include "arbiter/state.h"
#include "loop_env.h"

#define MiB 1024ull

/* A PV domain adopted at target 512 MiB, static-max 1 GiB, its maxmem
 * what libxl set for that target. */
static void adopted(struct dom *d, uint64_t offset_kb)
{
	memset(d, 0, sizeof(*d));
	d->domid = 3;
	d->static_max_kb = 1024 * MiB;
	d->offset_kb = offset_kb;
	d->have_target = true;
	d->target_kb = 512 * MiB;
	assert_int_equal(maxcap_adopt(d, hv_maxmem_for(512 * MiB, offset_kb), 0), MAXCAP_SAME);
	assert_int_equal(d->cap_kb, 0);
}

static void test_own_writes_are_not_caps(void **state)
{
	struct dom d;
	uint64_t old;

	(void)state;
	adopted(&d, 0);
	/* Ours, raised and lowered; Xen keeps pages (a value not a multiple
	 * of 4 KiB comes back rounded down). */
	for (uint64_t kb = 600 * MiB + 3; kb > 300 * MiB; kb -= 97 * MiB + 1) {
		maxcap_written(&d, kb);
		assert_int_equal(maxcap_listed(&d, kb / 4 * 4, &old), MAXCAP_SAME);
	}
	assert_int_equal(d.cap_kb, 0);
	assert_int_equal(maxcap_target_kb(&d), UINT64_MAX);
	assert_int_equal(maxcap_maxmem_for(&d, 900 * MiB), hv_maxmem_for(900 * MiB, 0));
}

static void test_cap_set_held_moved_lifted(void **state)
{
	struct dom d;
	uint64_t old, cap = 560 * MiB + 1024;   /* xl mem-max 560m */

	(void)state;
	adopted(&d, 0);
	maxcap_written(&d, hv_maxmem_for(700 * MiB, 0));
	d.target_kb = 700 * MiB;
	assert_int_equal(maxcap_listed(&d, cap, &old), MAXCAP_SET);
	assert_int_equal(old, 0);
	assert_int_equal(d.cap_kb, cap);
	/* First listing: no increase, no cut yet (the target is above). */
	assert_int_equal(maxcap_target_kb(&d), 700 * MiB);
	assert_int_equal(maxcap_maxmem_for(&d, 700 * MiB), cap);
	/* Second: confirmed, targets at most cap - 1 MiB. */
	assert_int_equal(maxcap_listed(&d, cap, &old), MAXCAP_CONFIRMED);
	assert_int_equal(maxcap_target_kb(&d), 560 * MiB);
	/* Held across listings, and across our own decreases below it. */
	for (int i = 0; i < 5; i++)
		assert_int_equal(maxcap_listed(&d, cap, &old), MAXCAP_SAME);
	maxcap_written(&d, maxcap_maxmem_for(&d, 400 * MiB));
	assert_int_equal(maxcap_listed(&d, hv_maxmem_for(400 * MiB, 0), &old), MAXCAP_SAME);
	assert_int_equal(d.cap_kb, cap);
	/* Never above the cap, whatever the target asked. */
	assert_int_equal(maxcap_maxmem_for(&d, 2048 * MiB), cap);
	/* The administrator again: moved. */
	assert_int_equal(maxcap_listed(&d, 760 * MiB + 1024, &old), MAXCAP_MOVED);
	assert_int_equal(old, cap);
	assert_int_equal(maxcap_listed(&d, 760 * MiB + 1024, &old), MAXCAP_CONFIRMED);
	assert_int_equal(maxcap_target_kb(&d), 760 * MiB);
	/* Back to static-max (xl mem-max DOM 1024m): lifted, and that value
	 * is ours from now on. */
	assert_int_equal(maxcap_listed(&d, 1024 * MiB + 1024, &old), MAXCAP_LIFTED);
	assert_int_equal(d.cap_kb, 0);
	assert_int_equal(maxcap_listed(&d, 1024 * MiB + 1024, &old), MAXCAP_SAME);
	assert_int_equal(maxcap_target_kb(&d), UINT64_MAX);
}

/* HVM: libxl's maxmem counts videoram (and 1 MiB more at build for a
 * guest whose maxmem is above its memory); the cap leaves room for it. */
static void test_hvm_offset(void **state)
{
	struct dom d;
	uint64_t old, video = 8 * MiB;

	(void)state;
	adopted(&d, video);
	memset(&d, 0, sizeof(d));
	d.domid = 3;
	d.static_max_kb = 1024 * MiB;
	d.offset_kb = video;
	d.have_target = true;
	d.target_kb = 512 * MiB;
	assert_int_equal(maxcap_adopt(&d, hv_maxmem_for(512 * MiB, video) + 1024, 0), MAXCAP_SAME);
	assert_int_equal(maxcap_listed(&d, 600 * MiB + 1024, &old), MAXCAP_SET);
	assert_int_equal(maxcap_listed(&d, 600 * MiB + 1024, &old), MAXCAP_CONFIRMED);
	assert_int_equal(maxcap_target_kb(&d), 600 * MiB - video);
	assert_int_equal(maxcap_maxmem_for(&d, 600 * MiB - video), 600 * MiB + 1024);
}

static void test_adoption(void **state)
{
	struct dom d;
	uint64_t old;

	(void)state;
	adopted(&d, 0);
	/* Above what the target needs, no cap on record: a predecessor
	 * killed between its maxmem and its target (test_faults). */
	memset(&d, 0, sizeof(d));
	d.domid = 3;
	d.static_max_kb = 1024 * MiB;
	d.have_target = true;
	d.target_kb = 512 * MiB;
	assert_int_equal(maxcap_adopt(&d, 700 * MiB, 0), MAXCAP_SAME);
	assert_int_equal(d.cap_kb, 0);
	assert_int_equal(d.mm_ours_kb, 700 * MiB);
	/* Below it: no value of ours, a raw caller's while no arbiter ran. */
	assert_int_equal(maxcap_adopt(&d, 400 * MiB, 0), MAXCAP_SET);
	assert_int_equal(d.cap_kb, 400 * MiB);
	assert_int_equal(maxcap_target_kb(&d), 512 * MiB);    /* new: no cut yet */
	/* Above static-max + 1 MiB (dom0's unlimited maxmem): none. */
	d.cap_kb = 0;
	assert_int_equal(maxcap_adopt(&d, UINT64_C(1) << 40, 0), MAXCAP_SAME);
	assert_int_equal(d.cap_kb, 0);
	/* membal_state's cap, still in Xen: restored, confirmed at once. */
	assert_int_equal(maxcap_adopt(&d, 700 * MiB, 700 * MiB), MAXCAP_RESTORED);
	assert_int_equal(maxcap_target_kb(&d), 699 * MiB);
	/* ... and one Xen no longer holds: someone reset maxmem meanwhile. */
	assert_int_equal(maxcap_adopt(&d, hv_maxmem_for(512 * MiB, 0), 700 * MiB), MAXCAP_LIFTED);
	assert_int_equal(d.cap_kb, 0);
	assert_int_equal(maxcap_adopt(&d, 800 * MiB, 700 * MiB), MAXCAP_MOVED);
	assert_int_equal(d.cap_kb, 800 * MiB);
	/* dom0: its maxmem is Xen's boot value. */
	d.domid = 0;
	d.cap_kb = 0;
	assert_int_equal(maxcap_adopt(&d, 400 * MiB, 0), MAXCAP_SAME);
	assert_int_equal(maxcap_listed(&d, 600 * MiB, &old), MAXCAP_SAME);
	assert_int_equal(d.cap_kb, 0);
	d.domid = 3;
	/* static-max unknown: the management rule bounds H_i by maxmem. */
	d.static_max_kb = 0;
	d.cap_kb = 0;
	assert_int_equal(maxcap_adopt(&d, 400 * MiB, 0), MAXCAP_SAME);
	assert_int_equal(d.cap_kb, 0);
}

/* xl mem-set sets maxmem for its target before the target appears: the
 * listing between takes it for a cap, the target read lifts it. A cap
 * not matching that target stays. */
static void test_mem_set(void **state)
{
	struct dom d;
	uint64_t old, mm = hv_maxmem_for(300 * MiB, 0);

	(void)state;
	adopted(&d, 0);
	assert_int_equal(maxcap_listed(&d, mm, &old), MAXCAP_SET);
	assert_int_equal(maxcap_target_kb(&d), 512 * MiB);   /* no cut yet */
	assert_int_equal(maxcap_target_set(&d, 300 * MiB, mm), MAXCAP_LIFTED);
	assert_int_equal(d.cap_kb, 0);
	assert_int_equal(maxcap_listed(&d, mm, &old), MAXCAP_SAME);
	assert_int_equal(maxcap_listed(&d, 600 * MiB, &old), MAXCAP_SET);
	assert_int_equal(maxcap_target_set(&d, 300 * MiB, 600 * MiB), MAXCAP_SAME);
	assert_int_equal(d.cap_kb, 600 * MiB);
}

static void test_state_word(void **state)
{
	struct dom_state s;
	char text[STATE_TEXT_MAX];
	unsigned ignored;

	(void)state;
	assert_int_equal(state_parse("hold=none oom_min_kb=0 oom_until=0 maxcap_kb=574464", &s), 0);
	assert_int_equal(s.maxcap_kb, 574464);
	state_format(&s, text, sizeof(text));
	assert_string_equal(text, "hold=none oom_min_kb=0 oom_until=0 maxcap_kb=574464");
	assert_int_equal(state_parse("hold=none oom_min_kb=0 oom_until=0", &s), 0);
	assert_int_equal(s.maxcap_kb, 0);
	state_format(&s, text, sizeof(text));
	assert_null(strstr(text, "maxcap"));
	assert_int_equal(state_parse("hold=none oom_min_kb=0 oom_until=0 maxcap_kb=0", &s), -1);
	assert_int_equal(state_parse("hold=none oom_min_kb=0 oom_until=0 maxcap_kb=12x", &s), -1);
	assert_int_equal(state_parse("hold=none oom_min_kb=0 oom_until=0 maxcap_kb=-1", &s), -1);
	assert_int_equal(state_parse("hold=none oom_min_kb=0 oom_until=0 maxcap_kb=", &s), -1);
	assert_int_equal(state_parse("hold=none maxcap_kb=5 maxcap_kb=6 oom_min_kb=0 oom_until=0", &s), -1);
	/* An import does not take it (maxmem is rebuilt at the destination). */
	assert_int_equal(state_parse_export("hold=none oom_min_kb=0 oom_until=0 maxcap_kb=5",
					    &s, &ignored), 0);
	assert_int_equal(ignored, 1);
	assert_int_equal(s.maxcap_kb, 0);
}

/* ---- closed loop ---- */

/* a climbs 300-900 MiB over 300 s, b is steady: a's targets rise, and
 * membal raises its maxmem on every increase. */
#define LOOP_SCENARIO \
	"[host]\ntotal_mb = 2560\ndom0_mb = 512\n" \
	"[guest a]\nmemory_mb = 400\nstatic_max_mb = 1024\nswap_mb = 256\n" \
	"workload = mono:300,900,600\n" \
	"[guest b]\nmemory_mb = 400\nstatic_max_mb = 1024\nworkload = const:200\n"

static uint64_t xen_maxmem(struct env *e, uint32_t domid)
{
	const struct sim_dom *sd = hv_sim_domain(&e->hv, domid);

	assert_non_null(sd);
	return sd->max_kb;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* cycles with a capped at cap_kb (Xen's value): checked every cycle
 * after the first listing of the cap. */
static void held(struct env *e, uint64_t cap_kb, unsigned cycles)
{
	for (unsigned i = 0; i < cycles; i++) {
		loop_cycle(e);
		struct dom *d = e->a.by_domid[1];

		assert_non_null(d);
		assert_int_equal(d->cap_kb, cap_kb);
		if (xen_maxmem(e, 1) > cap_kb)
			fail_msg("cycle %u: maxmem %llu KiB above the cap %llu", i,
				 (unsigned long long)xen_maxmem(e, 1),
				 (unsigned long long)cap_kb);
		if (i > 0 && d->target_kb > cap_kb - 1024)
			fail_msg("cycle %u: target %llu KiB above the cap's %llu", i,
				 (unsigned long long)d->target_kb,
				 (unsigned long long)(cap_kb - 1024));
	}
}

static void test_loop(void **state)
{
	struct env *e = loop_start("membal-maxcap", LOOP_SCENARIO, SIM_AGENTS_INPROCESS, NULL);
	char line[160];

	(void)state;
	for (unsigned i = 0; i < 30; i++)
		loop_cycle(e);
	/* a grew, and membal raised its maxmem itself: no cap. */
	assert_true(e->a.by_domid[1]->target_kb > 350 * MiB);
	assert_true(e->a.n.maxmem_writes > 3);
	assert_int_equal(e->a.by_domid[1]->cap_kb, 0);
	assert_null(strstr(logged(e), "someone else"));

	/* xl mem-max a (Xen 4.16: maxmem only), 48 MiB above its target. */
	uint64_t cap = (e->a.by_domid[1]->target_kb / MiB + 48) * MiB + 1024;
	uint64_t moved = cap + 128 * MiB;

	assert_int_equal(e->hv.ops->set_maxmem(&e->hv, 1, cap), 0);
	held(e, cap, 60);
	assert_int_equal(e->a.by_domid[1]->target_kb, cap - 1024);   /* it wants more */
	assert_int_equal(count(logged(e), "set by someone else"), 1);
	snprintf(line, sizeof(line), "domain 1 (a): maxmem %llu KiB set by someone else",
		 (unsigned long long)cap);
	assert_non_null(strstr(logged(e), line));

	/* kill -9 and a new arbiter: the cap is in memory/membal_state. */
	arbiter_free(&e->a);
	assert_int_equal(arbiter_init(&e->a, &e->cfg, &e->hv, false), 0);
	held(e, cap, 20);
	snprintf(line, sizeof(line), "%llu KiB restored", (unsigned long long)cap);
	assert_int_equal(count(logged(e), line), 1);

	/* Moved up by the administrator. */
	assert_int_equal(e->hv.ops->set_maxmem(&e->hv, 1, moved), 0);
	held(e, moved, 30);
	assert_true(e->a.by_domid[1]->target_kb > cap);
	snprintf(line, sizeof(line), "cap %llu -> %llu KiB", (unsigned long long)cap,
		 (unsigned long long)moved);
	assert_int_equal(count(logged(e), line), 1);

	/* Lifted: maxmem to static-max + 1 MiB. a grows past the old cap
	 * and membal owns maxmem again. */
	assert_int_equal(e->hv.ops->set_maxmem(&e->hv, 1, 1024 * MiB + 1024), 0);
	for (unsigned i = 0; i < 60; i++)
		loop_cycle(e);
	assert_int_equal(e->a.by_domid[1]->cap_kb, 0);
	assert_true(e->a.by_domid[1]->target_kb > moved);
	snprintf(line, sizeof(line), "%llu KiB lifted", (unsigned long long)moved);
	assert_int_equal(count(logged(e), line), 1);
	assert_int_equal(e->a.n.maxmem_caps, 2);   /* moved, lifted (this run) */
	stop(e);
}

/* The administrator acts between a cycle's listing and its raise of
 * maxmem: the wrapped hypervisor sets the cap at the arbiter's read
 * before the raise (the only moment it can be seen before the write). */
static const struct hv_ops *real_ops;
static uint64_t race_cap_kb;

static int racing_maxmem(struct hv *hv, uint32_t domid, uint64_t *max_kb)
{
	if (domid == 1 && race_cap_kb) {
		assert_int_equal(real_ops->set_maxmem(hv, domid, race_cap_kb), 0);
		race_cap_kb = 0;
	}
	return real_ops->maxmem(hv, domid, max_kb);
}

static void test_raise_race(void **state)
{
	struct env *e = loop_start("membal-maxcap-race", LOOP_SCENARIO, SIM_AGENTS_INPROCESS, NULL);
	static struct hv_ops wrapped;
	uint64_t cap;

	(void)state;
	real_ops = e->hv.ops;
	wrapped = *real_ops;
	wrapped.maxmem = racing_maxmem;
	e->hv.ops = &wrapped;
	for (unsigned i = 0; i < 30; i++)
		loop_cycle(e);
	cap = (e->a.by_domid[1]->target_kb / MiB + 24) * MiB + 1024;
	race_cap_kb = cap;
	/* a grows: a raise comes, and meets the cap. Within a few cycles
	 * most runs; the in-process agents publish through the test's
	 * xenstored, so under a loaded machine a report (and the raise it
	 * asks for) may come some cycles later: up to 40. */
	for (unsigned i = 0; i < 40 && race_cap_kb; i++)
		loop_cycle(e);
	assert_int_equal(race_cap_kb, 0);
	held(e, cap, 40);
	assert_non_null(strstr(logged(e), "(read again before a raise)"));
	assert_int_equal(e->a.by_domid[1]->target_kb, cap - 1024);
	e->hv.ops = real_ops;
	stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_writes_are_not_caps),
		cmocka_unit_test(test_cap_set_held_moved_lifted),
		cmocka_unit_test(test_hvm_offset),
		cmocka_unit_test(test_adoption),
		cmocka_unit_test(test_mem_set),
		cmocka_unit_test(test_state_word),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_raise_race),
	};

	log_set_level(LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
