/* SPDX-License-Identifier: GPL-2.0-only */
/* xen_role_detect() on fake /sys and /proc trees: what the units'
 * ExecCondition= (--check-host) decides on dom0, a guest, bare metal. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xenrole.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[256], cmd[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname %s)\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/membal-xenrole.XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static enum xen_role detect(void)
{
	char why[256];

	return xen_role_detect(root, why, sizeof(why));
}

static void test_bare_metal(void **state)
{
	assert_int_equal(detect(), XEN_ROLE_NONE);
	put("/sys/hypervisor/type", "kvm\n");   /* another hypervisor */
	assert_int_equal(detect(), XEN_ROLE_NONE);
}

/* dom0 before xenfs is mounted: only sysfs, with XENFEAT_dom0 (bit 11). */
static void test_dom0_from_sysfs(void **state)
{
	put("/sys/hypervisor/type", "xen\n");
	put("/sys/hypervisor/properties/features", "00000ff5\n");
	assert_int_equal(detect(), XEN_ROLE_DOM0);
}

static void test_guest_from_sysfs(void **state)
{
	put("/sys/hypervisor/type", "xen\n");
	put("/sys/hypervisor/properties/features", "000017f5\n");  /* bit 11 clear */
	assert_int_equal(detect(), XEN_ROLE_DOMU);
	/* xenfs mounted in a guest: capabilities is empty. */
	put("/proc/xen/capabilities", "\n");
	assert_int_equal(detect(), XEN_ROLE_DOMU);
}

/* No usable features file: /proc/xen/capabilities decides. */
static void test_capabilities_fallback(void **state)
{
	put("/sys/hypervisor/type", "xen\n");
	put("/sys/hypervisor/properties/features", "garbage\n");
	put("/proc/xen/capabilities", "control_d\n");
	assert_int_equal(detect(), XEN_ROLE_DOM0);
	put("/proc/xen/capabilities", "\n");
	assert_int_equal(detect(), XEN_ROLE_DOMU);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bare_metal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dom0_from_sysfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_from_sysfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capabilities_fallback, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
