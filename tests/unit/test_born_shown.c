/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A newborn kept whole until its load shows (resv_born_shown_mb, off;
 * policy/born_shown.c). swapkind-wave's n07 in miniature: created at 384
 * MiB, its boot 40 MiB, its application 380 MiB half a minute later;
 * faas-churn's function: created at 256, its load 44 then 85 MiB.
 */
#include "test_policy_util.h"
#include "policy/born_shown.h"

static struct policy_params params;
static struct born_watch w;

static int setup(void **state)
{
	(void)state;
	policy_params_default(&params);
	params.resv_born_keep_s = 60;
	params.resv_born_shown_kb = 32 * MIB;
	memset(&w, 0, sizeof(w));
	return 0;
}

/* A boot that stays flat is kept, report after report, as is one that
 * creeps by less than the margin in all. */
static void test_a_quiet_boot_is_kept(void **state)
{
	(void)state;
	for (int i = 0; i < 30; i++)
		assert_true(born_keep_goes_on(&params, &w, true, (40 + i) * MIB, 384 * MIB));
	assert_false(w.risen);
	assert_false(w.shown);
}

/* The application's step over three reports: still kept while W climbs
 * by the margin or more a report; released at the first report after it
 * where W has landed; released for good (a later fall changes nothing). */
static void test_released_once_the_rise_lands(void **state)
{
	(void)state;
	assert_true(born_keep_goes_on(&params, &w, true, 40 * MIB, 384 * MIB));
	assert_true(born_keep_goes_on(&params, &w, true, 41 * MIB, 384 * MIB));
	assert_true(born_keep_goes_on(&params, &w, true, 160 * MIB, 384 * MIB));
	assert_true(w.risen);
	assert_true(born_keep_goes_on(&params, &w, true, 290 * MIB, 384 * MIB));
	assert_true(born_keep_goes_on(&params, &w, false, 0, 384 * MIB));
	assert_false(born_keep_goes_on(&params, &w, true, 300 * MIB, 384 * MIB));
	assert_true(w.shown);
	assert_false(born_keep_goes_on(&params, &w, true, 40 * MIB, 384 * MIB));
}

/* The boot level is the lowest W since the first report: a boot whose
 * caches fall back shows its load from there. */
static void test_the_boot_level_is_the_lowest(void **state)
{
	(void)state;
	assert_true(born_keep_goes_on(&params, &w, true, 70 * MIB, 256 * MIB));
	assert_true(born_keep_goes_on(&params, &w, true, 44 * MIB, 256 * MIB));
	assert_int_equal(w.boot_kb, 44 * MIB);
	/* 85 - 44 = 41 > 32 in one report: risen, not landed */
	assert_true(born_keep_goes_on(&params, &w, true, 85 * MIB, 256 * MIB));
	assert_false(born_keep_goes_on(&params, &w, true, 86 * MIB, 256 * MIB));
}

/* W at what it keeps: nothing left to keep, released. */
static void test_released_at_its_size(void **state)
{
	(void)state;
	assert_true(born_keep_goes_on(&params, &w, true, 40 * MIB, 384 * MIB));
	assert_false(born_keep_goes_on(&params, &w, true, 384 * MIB, 384 * MIB));
}

/* Off (0): always kept (resv_born_keep_s alone bounds it), whatever W. */
static void test_off_keeps(void **state)
{
	(void)state;
	params.resv_born_shown_kb = 0;
	assert_true(born_keep_goes_on(&params, &w, true, 40 * MIB, 384 * MIB));
	assert_true(born_keep_goes_on(&params, &w, true, 300 * MIB, 384 * MIB));
	assert_true(born_keep_goes_on(&params, &w, true, 301 * MIB, 384 * MIB));
	assert_true(born_keep_goes_on(&params, &w, true, 400 * MIB, 384 * MIB));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_a_quiet_boot_is_kept, setup),
		cmocka_unit_test_setup(test_released_once_the_rise_lands, setup),
		cmocka_unit_test_setup(test_the_boot_level_is_the_lowest, setup),
		cmocka_unit_test_setup(test_released_at_its_size, setup),
		cmocka_unit_test_setup(test_off_keeps, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
