/* SPDX-License-Identifier: GPL-2.0-only */
/* The xen backend's non-hypervisor parts: decoding getinfolist/physinfo
 * results, and the maxmem / PoD arithmetic (design.md §Maxmem, PoD and the videoram offset). (The backend runs
 * for real in the real-Xen harness, tests/e2e-xen.) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "arbiter/hv_xen.h"

static void test_decode_domain(void **state)
{
	xc_domaininfo_t in;
	struct hv_domain out;

	memset(&in, 0, sizeof(in));
	in.domain = 7;
	in.tot_pages = 65536;            /* 256 MiB */
	in.max_pages = 131328;           /* 513 MiB */
	in.outstanding_pages = 10;
	in.flags = XEN_DOMINF_hvm_guest | XEN_DOMINF_paused | XEN_DOMINF_running;
	hv_xen_decode_domain(&in, &out);
	assert_int_equal(out.domid, 7);
	assert_int_equal(out.tot_kb, 262144);
	assert_int_equal(out.max_kb, 525312);
	assert_int_equal(out.outstanding_kb, 40);
	assert_true(out.hvm_container);
	assert_true(out.paused);
	assert_false(out.dying);
	assert_false(out.shutdown);

	in.flags = XEN_DOMINF_dying | XEN_DOMINF_shutdown | (3u << 16); /* shutdown code bits */
	hv_xen_decode_domain(&in, &out);
	assert_true(out.dying);
	assert_true(out.shutdown);
	assert_false(out.hvm_container);
	assert_false(out.paused);
	/* "no limit": max_pages all ones must not wrap into a small number */
	in.max_pages = UINT64_MAX;
	hv_xen_decode_domain(&in, &out);
	assert_true(out.max_kb == UINT64_MAX);
}

static void test_decode_physinfo(void **state)
{
	xc_physinfo_t pi;
	struct hv_host h;

	memset(&pi, 0, sizeof(pi));
	pi.total_pages = 524288;
	pi.free_pages = 1000;
	pi.scrub_pages = 3;
	pi.outstanding_pages = 25;
	hv_xen_decode_physinfo(&pi, &h);
	assert_int_equal(h.total_kb, 2097152);
	assert_int_equal(h.free_kb, 4000);
	assert_int_equal(h.scrub_kb, 12);
	assert_int_equal(h.outstanding_kb, 100);
}

static void test_maxmem_and_pod(void **state)
{
	/* libxl: maxmem = target + videoram + LIBXL_MAXMEM_CONSTANT (1 MiB) */
	assert_int_equal(hv_maxmem_for(262144, 0), 263168);
	assert_int_equal(hv_maxmem_for(262144, 8192), 271360);
	/* PoD target in pages of (target + 1 MiB) */
	assert_int_equal(hv_pod_pages_for(262144), 65792);
	assert_int_equal(hv_pod_pages_for(1), 256);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_domain),
		cmocka_unit_test(test_decode_physinfo),
		cmocka_unit_test(test_maxmem_and_pod),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
