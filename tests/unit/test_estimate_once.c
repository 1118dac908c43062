/* SPDX-License-Identifier: GPL-2.0-only */
/* design.md §Counted once: the filter's hold and pages back from swap.
 * Reports go through the arbiter's history (src/arbiter/guest_history.c)
 * as the cycle feeds them, and the estimators read what it built:
 *   - pages the balloon hands a guest arrive free; the agent's burst
 *     filter holds MemAvailable at its window mean for a few reports, and
 *     used must not count those pages as used;
 *   - a page swapped back in that left swap is in AnonPages: refault
 *     counts it there, not a second time as a hot swap-in. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "arbiter/guest_history.h"
#include "figures_set.h"
#include "policy/estimate.h"
#include "policy/estimate_cold.h"

static uint64_t est_now(const struct guest_history *h, const struct guest_figures *g,
			enum estimator e)
{
	struct estimate_in in;
	uint64_t kb = 12345;

	guest_estimate_input(g, h, &in);
	assert_true(estimate(e, &in, &kb));
	return kb;
}

/* A guest holding 380000 KiB of anon and tmpfs, nothing else: used is
 * what the LRU figures show. */
static struct guest_figures holder(void)
{
	struct guest_figures g;

	memset(&g, 0, sizeof(g));
	set(&g, MK_TOT, 400000);
	set(&g, MK_FREE, 20000);
	set(&g, MK_AVAIL, 20000);
	set(&g, MK_COMMITTED_AS, 420000);
	set(&g, MK_SWAP_TOT, 0);
	set(&g, MK_SWAP_FREE, 0);
	set(&g, MK_ANON_PAGES, 370000);
	set(&g, MK_SHMEM, 10000);
	set(&g, MK_ACTIVE_FILE, 0);
	set(&g, MK_PSWPIN, 0);
	set(&g, MK_REFAULT_FILE, 0);
	return g;
}

static void test_balloon_pages_are_not_used(void **state)
{
	struct guest_history h;
	struct guest_figures last = holder(), g;
	uint64_t t = 1000;

	memset(&h, 0, sizeof(h));
	guest_history_push(&h, NULL, &last, t);
	assert_true(est_now(&h, &last, EST_USED) == 380000);
	/* The balloon hands it 80000 KiB a report, three times; the filter
	 * reports its window mean, 20000, for MemAvailable each time. */
	for (int i = 1; i <= 3; i++) {
		g = last;
		g.v[MK_TOT] = 400000 + 80000 * (uint64_t)i;
		t += 1000;
		guest_history_push(&h, &last, &g, t);
		assert_true(est_now(&h, &g, EST_USED) == 380000);
		assert_true(est_now(&h, &g, EST_HYBRID) == 380000);
		uint64_t need;
		struct estimate_in in;

		guest_estimate_input(&g, &h, &in);
		estimate_need(&in, &h.cold, &need);
		assert_true(need == 380000);
		last = g;
	}
	/* The filter lets the reading through: 260000 free of 640000. */
	g = last;
	g.v[MK_AVAIL] = 260000;
	t += 1000;
	guest_history_push(&h, &last, &g, t);
	assert_true(est_now(&h, &g, EST_USED) == 380000);
	last = g;

	/* What no LRU figure shows (a ramfs root growing by 50000) is not
	 * held back for long: used sees it once it has outlasted a run of
	 * the filter's rejections. */
	for (int i = 1; i <= ESTIMATE_HOLD_REPORTS; i++) {
		g = last;
		g.v[MK_AVAIL] = 210000;
		t += 1000;
		guest_history_push(&h, &last, &g, t);
		last = g;
	}
	assert_true(est_now(&h, &g, EST_USED) == 430000);
	/* ... and a figure that falls is taken at once. */
	g = last;
	g.v[MK_AVAIL] = 240000;
	t += 1000;
	guest_history_push(&h, &last, &g, t);
	assert_true(est_now(&h, &g, EST_USED) == 400000);
}

/* A guest with 200000 KiB in swap and 200000 of anon, one report a
 * second. */
static struct guest_figures swapper(void)
{
	struct guest_figures g = holder();

	g.v[MK_TOT] = 500000;
	g.v[MK_AVAIL] = g.v[MK_FREE] = 300000;
	g.v[MK_ANON_PAGES] = 200000;
	g.v[MK_SHMEM] = 0;
	g.v[MK_SWAP_TOT] = 400000;
	g.v[MK_SWAP_FREE] = 200000;
	g.v[MK_PSWPIN] = 1000;
	set(&g, MK_REFAULT_ANON, 0);
	return g;
}

static void test_swap_in_counted_once(void **state)
{
	struct guest_history h;
	struct guest_figures a = swapper(), b, c, d, e;

	memset(&h, 0, sizeof(h));
	guest_history_push(&h, NULL, &a, 1000);
	/* Given room, it swaps 10000 pages back in over a second: swap use
	 * falls by 40000 KiB, AnonPages rises by as much. Refault counts
	 * them in AnonPages only (they would be 400000 KiB a window as hot
	 * swap-ins, capped at the 160000 still in swap). */
	b = a;
	b.v[MK_PSWPIN] += 10000;
	b.v[MK_SWAP_FREE] += 40000;
	b.v[MK_ANON_PAGES] += 40000;
	guest_history_push(&h, &a, &b, 2000);
	assert_true(est_now(&h, &b, EST_REFAULT) == 240000);
	/* Full, it thrashes: 1000 pages in, as many out, swap use stands.
	 * They are need beyond RAM: 4000 KiB a second, 40000 a window. */
	c = b;
	c.v[MK_PSWPIN] += 1000;
	guest_history_push(&h, &b, &c, 3000);
	assert_true(est_now(&h, &c, EST_REFAULT) == 240000 + 40000);
	/* Both at once: 3000 pages in, 1000 of them stayed (swap use fell by
	 * 4000 KiB, AnonPages rose by as much). */
	d = c;
	d.v[MK_PSWPIN] += 3000;
	d.v[MK_SWAP_FREE] += 4000;
	d.v[MK_ANON_PAGES] += 4000;
	guest_history_push(&h, &c, &d, 4000);
	assert_true(est_now(&h, &d, EST_REFAULT) == 244000 + 80000);
	/* An anon refault count larger than pswpin is what came back, less
	 * what stayed, alike: 4000 - 1000 pages. */
	e = d;
	e.v[MK_PSWPIN] += 3000;
	e.v[MK_REFAULT_ANON] += 4000;
	e.v[MK_SWAP_FREE] += 4000;
	e.v[MK_ANON_PAGES] += 4000;
	guest_history_push(&h, &d, &e, 5000);
	assert_true(est_now(&h, &e, EST_REFAULT) == 248000 + 120000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_balloon_pages_are_not_used),
		cmocka_unit_test(test_swap_in_counted_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
