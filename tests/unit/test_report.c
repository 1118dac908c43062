/* SPDX-License-Identifier: GPL-2.0-only */
/* When the agent publishes (design.md §Guest keys): moved by report_delta_kb, oom_kills
 * changed, heartbeat due; pressure figures alone never trigger. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "agent/report.h"

static void fill(struct report *r)
{
	memset(r, 0, sizeof(*r));
	for (int k = 0; k < MK_COUNT; k++) {
		if (membal_keys[k].publish == MKP_META)
			continue;
		r->have[k] = true;
		r->v[k] = 100000 + (uint64_t)k * 1000;
	}
}

static void test_first_publication(void **state)
{
	struct report now;

	fill(&now);
	assert_int_equal(report_due(NULL, 0, &now, 5, 4096, 10000), REPORT_FIRST);
}

static void test_delta_threshold_each_kib_figure(void **state)
{
	struct report last, now;
	const enum membal_key kib[] = { MK_TOT, MK_FREE, MK_AVAIL, MK_COMMITTED_AS,
		MK_SWAP_TOT, MK_SWAP_FREE, MK_BALLOON_CURRENT, MK_BALLOON_TARGET };

	for (size_t i = 0; i < sizeof(kib) / sizeof(kib[0]); i++) {
		fill(&last);
		now = last;
		now.v[kib[i]] += 4095;
		assert_int_equal(report_due(&last, 0, &now, 100, 4096, 10000), REPORT_QUIET);
		now.v[kib[i]] = last.v[kib[i]] + 4096;
		assert_int_equal(report_due(&last, 0, &now, 100, 4096, 10000), REPORT_DELTA);
		now.v[kib[i]] = last.v[kib[i]] - 4096; /* downwards too */
		assert_int_equal(report_due(&last, 0, &now, 100, 4096, 10000), REPORT_DELTA);
	}
}

static void test_delta_zero_means_any_change(void **state)
{
	struct report last, now;

	fill(&last);
	now = last;
	assert_int_equal(report_due(&last, 0, &now, 100, 0, 10000), REPORT_QUIET);
	now.v[MK_FREE]++;
	assert_int_equal(report_due(&last, 0, &now, 100, 0, 10000), REPORT_DELTA);
}

static void test_oom_and_pressure(void **state)
{
	struct report last, now;

	fill(&last);
	now = last;
	now.v[MK_OOM_KILLS]++;
	assert_int_equal(report_due(&last, 0, &now, 100, 4096, 10000), REPORT_OOM);
	/* A swapon or swapoff of a zram device, by any amount. */
	now = last;
	now.v[MK_SWAP_ZRAM] += 4;
	assert_int_equal(report_due(&last, 0, &now, 100, 4096, 10000), REPORT_SWAP_KIND);
	now.have[MK_SWAP_ZRAM] = false;     /* /proc/swaps stopped adding up */
	assert_int_equal(report_due(&last, 0, &now, 100, 4096, 10000), REPORT_LAYOUT);
	now = last;
	now.v[MK_PSI_SOME] += 5000;
	now.v[MK_SWAPIN_RATE] += 100000;
	assert_int_equal(report_due(&last, 0, &now, 100, 4096, 10000), REPORT_QUIET);
}

/* Page counters trigger when report_delta_kb worth of pages came back;
 * pgmajfault and the PSI totals ride along like psi_some. */
static void test_page_counters(void **state)
{
	const enum membal_key pages[] = { MK_PSWPIN, MK_REFAULT_ANON, MK_REFAULT_FILE };
	const enum membal_key along[] = { MK_PGMAJFAULT, MK_PSI_SOME_TOTAL, MK_PSI_FULL_TOTAL };
	struct report last, now;

	for (size_t i = 0; i < 3; i++) {
		fill(&last);
		now = last;
		now.v[pages[i]] += 4096 / REPORT_PAGE_KB - 1;
		assert_int_equal(report_due(&last, 0, &now, 100, 4096, 10000), REPORT_QUIET);
		now.v[pages[i]]++;
		assert_int_equal(report_due(&last, 0, &now, 100, 4096, 10000), REPORT_DELTA);
		/* A counter reset (a new boot under the same agent) moved too. */
		now.v[pages[i]] = 0;
		assert_int_equal(report_due(&last, 0, &now, 100, 4096, 10000), REPORT_DELTA);
		/* Saturating, never wrapping into "quiet". */
		now.v[pages[i]] = UINT64_MAX;
		last.v[pages[i]] = 0;
		assert_int_equal(report_due(&last, 0, &now, 100, 4096, 10000), REPORT_DELTA);

		fill(&last);
		now = last;
		now.v[along[i]] += 1000000;
		assert_int_equal(report_due(&last, 0, &now, 100, 4096, 10000), REPORT_QUIET);
		now.have[along[i]] = false;
		assert_int_equal(report_due(&last, 0, &now, 100, 4096, 10000), REPORT_QUIET);
	}
	/* The layout-2 sizes are KiB figures like MemFree. */
	fill(&last);
	now = last;
	now.v[MK_SHMEM] += 4096;
	assert_int_equal(report_due(&last, 0, &now, 100, 4096, 10000), REPORT_DELTA);
}

static void test_heartbeat_and_layout(void **state)
{
	struct report last, now;

	fill(&last);
	now = last;
	assert_int_equal(report_due(&last, 1000, &now, 10999, 4096, 10000), REPORT_QUIET);
	assert_int_equal(report_due(&last, 1000, &now, 11000, 4096, 10000), REPORT_HEARTBEAT);
	/* Pressure figures appearing or vanishing ride along... */
	now.have[MK_PSI_SOME] = false;
	now.have[MK_SWAPIN_RATE] = false;
	assert_int_equal(report_due(&last, 1000, &now, 1001, 4096, 10000), REPORT_QUIET);
	/* ...but a figure the arbiter decides on does not. */
	now.have[MK_AVAIL] = false;
	assert_int_equal(report_due(&last, 1000, &now, 1001, 4096, 10000), REPORT_LAYOUT);
}

/* A heartbeat carries the figures when a pressure figure the arbiter's
 * no-shrink rule reads moved since the last publication: a guest whose
 * load fell right after it paged goes quiet (no KiB figure moves), and a
 * stamp-only heartbeat would keep its last, high psi_some in force. The
 * other ride-along figures leave the heartbeat a stamp. */
static void test_heartbeat_carries_pressure(void **state)
{
	const enum membal_key pressure[] = { MK_PSI_SOME, MK_SWAPIN_RATE };
	const enum membal_key along[] = { MK_PGMAJFAULT, MK_PSI_SOME_TOTAL, MK_PSI_FULL_TOTAL };
	struct report last, now;

	for (size_t i = 0; i < 2; i++) {
		fill(&last);
		now = last;
		now.v[pressure[i]] -= 1;
		/* Never on its own before the heartbeat... */
		assert_int_equal(report_due(&last, 1000, &now, 10999, 4096, 10000), REPORT_QUIET);
		/* ...at the heartbeat, with the figures. */
		assert_int_equal(report_due(&last, 1000, &now, 11000, 4096, 10000), REPORT_PRESSURE);
		/* Appearing or vanishing is no news: a plain heartbeat. */
		now = last;
		now.have[pressure[i]] = false;
		assert_int_equal(report_due(&last, 1000, &now, 11000, 4096, 10000), REPORT_HEARTBEAT);
		/* A KiB figure that moved is still a delta. */
		now.v[MK_FREE] += 4096;
		assert_int_equal(report_due(&last, 1000, &now, 11000, 4096, 10000), REPORT_DELTA);
	}
	for (size_t i = 0; i < 3; i++) {
		fill(&last);
		now = last;
		now.v[along[i]] += 1000000;
		assert_int_equal(report_due(&last, 1000, &now, 11000, 4096, 10000), REPORT_HEARTBEAT);
	}
	assert_string_equal(report_why_name(REPORT_PRESSURE), "pressure");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_publication),
		cmocka_unit_test(test_delta_threshold_each_kib_figure),
		cmocka_unit_test(test_delta_zero_means_any_change),
		cmocka_unit_test(test_oom_and_pressure),
		cmocka_unit_test(test_heartbeat_and_layout),
		cmocka_unit_test(test_page_counters),
		cmocka_unit_test(test_heartbeat_carries_pressure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
