/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A newcomer the guests' needs paid for, kept whole (resv_born_keep_s;
 * src/arbiter/resv_born.c): a reservation resv_need_wait_s took needs for
 * (marked after such a cycle) leaves, when released by `xl create`'s
 * toolstack, its name and size for its domain to claim; that domain's
 * minimum is what it was created with (at most the reservation) until
 * resv_born_keep_s after its first report. Not for a reservation the
 * needs did not pay, not for an older domain of that name, not with the
 * key at 0, never above the domain's maximum.
 */
#include "test_policy_util.h"

#include <stdlib.h>

#include "arbiter/resv_born.h"

static struct arbiter *a;

static int setup(void **state)
{
	a = calloc(1, sizeof(*a));
	assert_non_null(a);
	a->cfg.policy.params.resv_born_keep_s = 60;
	return 0;
}

static int teardown(void **state)
{
	free(a);
	return 0;
}

/* A reservation of 384 MiB for s5r made at 100 s, waiting (no consumer);
 * a cycle at `need_kb` taken from needs marks it. */
static struct reservation *waiting(uint64_t need_kb)
{
	struct reservation *r = &a->resv[0];

	memset(r, 0, sizeof(*r));
	r->id = 1;
	r->kb = 384 * MIB;
	r->made_ms = 100000;
	snprintf(r->for_name, sizeof(r->for_name), "s5r");
	a->cycle.resv_need_kb = need_kb;
	arbiter_resv_born_mark(a);
	return r;
}

static void newcomer(struct dom *d, const char *name, uint64_t born_ms)
{
	memset(d, 0, sizeof(*d));
	d->domid = 7;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->born_ms = born_ms;
	d->actual_kb = 384 * MIB;
}

/* Paid by needs, released at 111 s, the domain listed at 112 s: kept at
 * 384 MiB (min 128) before its first report and until 60 s after it
 * (report at 115 s: until 175 s), its configured minimum from then. */
static void test_kept_through_the_first_minute(void **state)
{
	struct dom d;

	arbiter_resv_born_keep(a, waiting(50 * MIB), 111000);
	newcomer(&d, "s5r", 112000);
	assert_int_equal(arbiter_resv_born_floor_kb(a, &d, 112000, 128 * MIB, 2048 * MIB, false, 0), 384 * MIB);
	d.have_fig = true;
	d.first_fig_ms = 115000;
	assert_int_equal(arbiter_resv_born_floor_kb(a, &d, 174999, 128 * MIB, 2048 * MIB, false, 0), 384 * MIB);
	assert_int_equal(arbiter_resv_born_floor_kb(a, &d, 175000, 128 * MIB, 2048 * MIB, false, 0), 128 * MIB);
	/* claimed once: another domain of the name later is not kept */
	struct dom e;

	newcomer(&e, "s5r", 180000);
	assert_int_equal(arbiter_resv_born_floor_kb(a, &e, 180000, 128 * MIB, 2048 * MIB, false, 0), 128 * MIB);
}

/* Not paid by needs (no cycle took any), an older domain of that name (a
 * migration's source), the key at 0: the configured minimum. */
static void test_only_for_a_newcomer_the_needs_paid(void **state)
{
	struct dom d;

	arbiter_resv_born_keep(a, waiting(0), 111000);
	newcomer(&d, "s5r", 112000);
	assert_int_equal(arbiter_resv_born_floor_kb(a, &d, 112000, 128 * MIB, 2048 * MIB, false, 0), 128 * MIB);

	arbiter_resv_born_keep(a, waiting(50 * MIB), 111000);
	newcomer(&d, "s5r", 99000);
	assert_int_equal(arbiter_resv_born_floor_kb(a, &d, 112000, 128 * MIB, 2048 * MIB, false, 0), 128 * MIB);

	a->cfg.policy.params.resv_born_keep_s = 0;
	arbiter_resv_born_keep(a, waiting(50 * MIB), 111000);
	newcomer(&d, "s5r", 112000);
	assert_int_equal(arbiter_resv_born_floor_kb(a, &d, 112000, 128 * MIB, 2048 * MIB, false, 0), 128 * MIB);
}

/* resv_born_shown_mb = 32: s5r, created under a 50 MiB reservation at
 * 112 s, reporting from 115 s. */
static void reporting_newcomer(struct dom *d)
{
	a->cfg.policy.params.resv_born_shown_kb = 32 * MIB;
	arbiter_resv_born_keep(a, waiting(50 * MIB), 111000);
	newcomer(d, "s5r", 112000);
	d->have_fig = true;
	d->first_fig_ms = 115000;
	d->hist.have_last = true;
}

/* A fresh report a second from `from` to `to`, each estimating ws_kb:
 * kept whole (384 MiB) at every one. */
static void kept_through(struct dom *d, uint64_t from, uint64_t to, uint64_t ws_kb)
{
	for (uint64_t t = from; t < to; t += 1000) {
		d->hist.last_ms = t;
		assert_int_equal(arbiter_resv_born_floor_kb(a, d, t, 128 * MIB, 2048 * MIB, true, ws_kb), 384 * MIB);
	}
}

/* resv_born_shown_mb: kept through its flat boot, released at the
 * report after its application's rise landed, long before 60 s; each
 * fresh report read once (two cycles on one report are one reading: a
 * rise seen twice is not a landing). */
static void test_released_when_its_load_shows(void **state)
{
	struct dom d;

	reporting_newcomer(&d);
	kept_through(&d, 115000, 130000, 40 * MIB);
	d.hist.last_ms = 130000;
	assert_int_equal(arbiter_resv_born_floor_kb(a, &d, 130000, 128 * MIB, 2048 * MIB, true, 200 * MIB), 384 * MIB);
	/* the next cycle, no new report: the same reading */
	assert_int_equal(arbiter_resv_born_floor_kb(a, &d, 130500, 128 * MIB, 2048 * MIB, true, 200 * MIB), 384 * MIB);
	d.hist.last_ms = 131000;
	assert_int_equal(arbiter_resv_born_floor_kb(a, &d, 131000, 128 * MIB, 2048 * MIB, true, 210 * MIB), 128 * MIB);
	/* ended for good */
	d.hist.last_ms = 132000;
	assert_int_equal(arbiter_resv_born_floor_kb(a, &d, 132000, 128 * MIB, 2048 * MIB, true, 40 * MIB), 128 * MIB);
}

/* A load that never shows is kept until resv_born_keep_s, its bound. */
static void test_a_quiet_newcomer_kept_until_the_bound(void **state)
{
	struct dom d;

	reporting_newcomer(&d);
	kept_through(&d, 115000, 175000, 40 * MIB);
	d.hist.last_ms = 175000;
	assert_int_equal(arbiter_resv_born_floor_kb(a, &d, 175000, 128 * MIB, 2048 * MIB, true, 40 * MIB), 128 * MIB);
}

/* The floor itself: at most the maximum, never below the minimum, none
 * from until_ms on. */
static void test_floor_bounds(void **state)
{
	assert_int_equal(resv_born_floor_kb(128 * MIB, 2048 * MIB, 384 * MIB, 1000, 999), 384 * MIB);
	assert_int_equal(resv_born_floor_kb(128 * MIB, 256 * MIB, 384 * MIB, 1000, 999), 256 * MIB);
	assert_int_equal(resv_born_floor_kb(512 * MIB, 2048 * MIB, 384 * MIB, 1000, 999), 512 * MIB);
	assert_int_equal(resv_born_floor_kb(128 * MIB, 2048 * MIB, 384 * MIB, 1000, 1000), 128 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kept_through_the_first_minute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_for_a_newcomer_the_needs_paid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_released_when_its_load_shows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_quiet_newcomer_kept_until_the_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_floor_bounds, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
