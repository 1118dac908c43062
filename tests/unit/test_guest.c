/* SPDX-License-Identifier: GPL-2.0-only */
/* The untrusted-input boundary: a guest's xenstore strings to figures. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "arbiter/guest.h"

struct raw {
	const char *v[MK_COUNT];
	unsigned len[MK_COUNT];
	char buf[MK_COUNT][32];
};

static void set(struct raw *r, enum membal_key k, const char *s)
{
	r->v[k] = s;
	r->len[k] = s ? (unsigned)strlen(s) : 0;
}

static void good(struct raw *r)
{
	memset(r, 0, sizeof(*r));
	set(r, MK_TOT, "250000");
	set(r, MK_FREE, "100000");
	set(r, MK_AVAIL, "150000");
	set(r, MK_COMMITTED_AS, "120000");
	set(r, MK_SWAP_TOT, "102400");
	set(r, MK_SWAP_FREE, "92400");
	set(r, MK_BALLOON_CURRENT, "262144");
	set(r, MK_BALLOON_TARGET, "262144");
	set(r, MK_OOM_KILLS, "0");
	set(r, MK_PSI_SOME, "150");
	set(r, MK_SWAPIN_RATE, "12");
	set(r, MK_STAMP, "7");
	set(r, MK_VERSION, "1");
}

static const struct guest_bounds bounds = { .mem_max_kb = 524288 };

static void test_good_report(void **state)
{
	struct raw r;
	struct guest_figures g;
	struct guest_rejects rej = { 0 };

	good(&r);
	assert_true(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_int_equal(g.v[MK_TOT], 250000);
	assert_int_equal(g.v[MK_SWAP_FREE], 92400);
	assert_int_equal(g.v[MK_STAMP], 7);
	assert_true(guest_has(&g, MK_PSI_SOME));
	assert_int_equal(rej.reports, 0);
	assert_int_equal(rej.keys, 0);
}

static void test_required_garbage_refuses_report(void **state)
{
	const char *bad[] = { "-1", "1e6", "12 ", "0x10", "", "99999999999999999999",
			      "18446744073709551616", "abc" };
	const enum membal_key req[] = { MK_TOT, MK_FREE, MK_COMMITTED_AS, MK_SWAP_TOT,
					MK_SWAP_FREE, MK_STAMP };

	for (size_t k = 0; k < sizeof(req) / sizeof(req[0]); k++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			struct raw r;
			struct guest_figures g;
			struct guest_rejects rej = { 0 };
			char why[64];

			good(&r);
			set(&r, req[k], bad[i]);
			memset(&g, 0x77, sizeof(g));
			assert_false(guest_parse(r.v, r.len, &bounds, &g, &rej, why, sizeof(why)));
			assert_int_equal(rej.reports, 1);
			/* untouched: the last good figures stay */
			assert_int_equal(g.have, 0x77777777);
			assert_non_null(strstr(why, membal_key_name(req[k])));
		}
	}
}

static void test_missing_required(void **state)
{
	struct raw r;
	struct guest_figures g;
	struct guest_rejects rej = { 0 };

	good(&r);
	set(&r, MK_COMMITTED_AS, NULL);
	assert_false(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_int_equal(rej.why[GREJ_MISSING], 1);
}

static void test_optional_garbage_dropped(void **state)
{
	struct raw r;
	struct guest_figures g;
	struct guest_rejects rej = { 0 };

	good(&r);
	set(&r, MK_PSI_SOME, "10001");          /* above 100 % */
	set(&r, MK_BALLOON_CURRENT, "999999999"); /* above static-max */
	set(&r, MK_SWAPIN_RATE, "lots");
	set(&r, MK_AVAIL, "");                   /* hand-over placeholder: absent */
	assert_true(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_false(guest_has(&g, MK_PSI_SOME));
	assert_false(guest_has(&g, MK_BALLOON_CURRENT));
	assert_false(guest_has(&g, MK_SWAPIN_RATE));
	assert_false(guest_has(&g, MK_AVAIL));
	assert_true(guest_has(&g, MK_BALLOON_TARGET));
	assert_int_equal(rej.keys, 3);
	assert_int_equal(rej.why[GREJ_RANGE], 2);
	assert_int_equal(rej.why[GREJ_SYNTAX], 1);
}

/* swap_zram (layout 4): taken within swap_tot; above it, or garbage,
 * it is dropped and counted, and the report stands (the kind is then
 * unknown, which the policy reads as zram). An older agent's report
 * without it: no kind, nothing counted. */
static void test_swap_zram(void **state)
{
	struct raw r;
	struct guest_figures g;
	struct guest_rejects rej = { 0 };

	good(&r);
	assert_true(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_false(guest_has(&g, MK_SWAP_ZRAM));
	assert_int_equal(rej.keys, 0);
	set(&r, MK_SWAP_ZRAM, "102400");
	assert_true(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_true(guest_has(&g, MK_SWAP_ZRAM) && g.v[MK_SWAP_ZRAM] == 102400);
	set(&r, MK_SWAP_ZRAM, "0");
	assert_true(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_true(guest_has(&g, MK_SWAP_ZRAM) && g.v[MK_SWAP_ZRAM] == 0);
	set(&r, MK_SWAP_ZRAM, "102401");
	assert_true(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_false(guest_has(&g, MK_SWAP_ZRAM));
	assert_int_equal(rej.why[GREJ_ZRAM], 1);
	assert_int_equal(rej.keys, 1);
	set(&r, MK_SWAP_ZRAM, "-1");
	assert_true(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_false(guest_has(&g, MK_SWAP_ZRAM));
	set(&r, MK_SWAP_ZRAM, "99999999999999999999");
	assert_true(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_false(guest_has(&g, MK_SWAP_ZRAM));
	assert_int_equal(rej.keys, 3);
	assert_int_equal(rej.reports, 0);
	/* The hand-over's empty node: absent, not garbage. */
	set(&r, MK_SWAP_ZRAM, "");
	assert_true(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_int_equal(rej.keys, 3);
}

static void test_implausible_relations(void **state)
{
	struct raw r;
	struct guest_figures g;
	struct guest_rejects rej = { 0 };

	/* swap_free > swap_tot: refused (both are required). */
	good(&r);
	set(&r, MK_SWAP_FREE, "200000");
	assert_false(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_int_equal(rej.why[GREJ_SWAP], 1);
	/* free above MemTotal. */
	good(&r);
	set(&r, MK_FREE, "250001");
	assert_false(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_int_equal(rej.why[GREJ_FREE], 1);
	/* MemTotal above static-max: a guest cannot see more than that. */
	good(&r);
	set(&r, MK_TOT, "524289");
	set(&r, MK_FREE, "1");
	assert_false(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_int_equal(rej.why[GREJ_RANGE], 1);
	/* avail above MemTotal is dropped, not fatal. */
	good(&r);
	set(&r, MK_AVAIL, "300000");
	assert_true(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_false(guest_has(&g, MK_AVAIL));
}

static void test_full_quota_value_and_nul(void **state)
{
	static char big[2048];
	struct raw r;
	struct guest_figures g;
	struct guest_rejects rej = { 0 };

	memset(big, '9', sizeof(big));
	good(&r);
	r.v[MK_COMMITTED_AS] = big;
	r.len[MK_COMMITTED_AS] = sizeof(big); /* not NUL-terminated */
	assert_false(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_int_equal(rej.why[GREJ_SYNTAX], 1);
	good(&r);
	r.v[MK_FREE] = "100\0" "999";
	r.len[MK_FREE] = 7;
	assert_false(guest_parse(r.v, r.len, &bounds, &g, &rej, NULL, 0));
	assert_int_equal(rej.why[GREJ_SYNTAX], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_report),
		cmocka_unit_test(test_required_garbage_refuses_report),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_optional_garbage_dropped),
		cmocka_unit_test(test_implausible_relations),
		cmocka_unit_test(test_swap_zram),
		cmocka_unit_test(test_full_quota_value_and_nul),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
