/* SPDX-License-Identifier: GPL-2.0-only */
/* The agent's kept-open sampler (sample_ctx_read, issue 21) on files this
 * test rewrites in place, marked as kernel files: the same descriptors
 * read again, /proc/vmstat read only when PSI some total, MemFree or
 * SwapFree moved or when forced, and an absent balloon driver looked for
 * again only when forced. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/sample.h"

static char dir[64];
static char meminfo[128], vmstat[128], psi[128], sysfs[128];

/* In place (same inode), as the kernel's files change. */
static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "r+");

	if (!f)
		f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), 0), 0);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void put_meminfo(unsigned long free_kb, unsigned long swap_free_kb)
{
	char t[512];

	snprintf(t, sizeof(t),
		 "MemTotal: 1000000 kB\nMemFree: %lu kB\nMemAvailable: 600000 kB\n"
		 "SwapTotal: 500000 kB\nSwapFree: %lu kB\nCommitted_AS: 300000 kB\n",
		 free_kb, swap_free_kb);
	put(meminfo, t);
}

static void put_vmstat(unsigned long pswpin)
{
	char t[256];

	snprintf(t, sizeof(t), "pgmajfault 7\npswpin %lu\noom_kill 1\n", pswpin);
	put(vmstat, t);
}

static void put_psi(unsigned long total)
{
	char t[256];

	snprintf(t, sizeof(t),
		 "some avg10=0.00 avg60=0.00 avg300=0.00 total=%lu\n"
		 "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", total);
	put(psi, t);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/membal-test-sample-ctx.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(meminfo, sizeof(meminfo), "%s/meminfo", dir);
	snprintf(vmstat, sizeof(vmstat), "%s/vmstat", dir);
	snprintf(psi, sizeof(psi), "%s/psi", dir);
	snprintf(sysfs, sizeof(sysfs), "%s/sys", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void kept_ctx(struct sample_ctx *c)
{
	struct sample_paths p = { meminfo, vmstat, psi, sysfs, "/nonexistent/swaps" };

	sample_ctx_init(c, &p);
	/* fixture paths are not kept by default: pretend they are the
	 * kernel's */
	for (int f = 0; f < SF_COUNT; f++)
		c->keep[f] = true;
}

static void test_vmstat_when_something_moved(void **state)
{
	struct sample_ctx c;
	struct agent_sample s, once;
	struct sample_status st;
	int fd;

	put_meminfo(400000, 500000);
	put_vmstat(10);
	put_psi(1000);
	kept_ctx(&c);

	assert_int_equal(sample_ctx_read(&c, false, &s, &st), 0);
	assert_true(s.vmstat_fresh);            /* never read before */
	assert_true(s.have_pswpin && s.pswpin == 10);
	assert_true(s.have_pgmajfault && s.pgmajfault == 7);
	fd = c.fd[SF_MEMINFO];
	assert_true(fd >= 0);
	/* the same figures as the open-every-time path */
	struct sample_paths p = { meminfo, vmstat, psi, sysfs, "/nonexistent/swaps" };

	assert_int_equal(sample_read(&p, &once, &st), 0);
	assert_memory_equal(&once.mi, &s.mi, sizeof(s.mi));

	/* vmstat alone moved: not read, the last counts carried */
	put_vmstat(20);
	assert_int_equal(sample_ctx_read(&c, false, &s, &st), 0);
	assert_false(s.vmstat_fresh);
	assert_true(s.have_pswpin && s.pswpin == 10);
	assert_true(s.have_oom_kill && s.oom_kills == 1);
	assert_int_equal(c.vmstat_skips, 1);

	/* PSI some total advanced: read */
	put_psi(1500);
	assert_int_equal(sample_ctx_read(&c, false, &s, &st), 0);
	assert_true(s.vmstat_fresh);
	assert_true(s.pswpin == 20);

	/* MemFree moved: read */
	put_vmstat(30);
	put_meminfo(399996, 500000);
	assert_int_equal(sample_ctx_read(&c, false, &s, &st), 0);
	assert_true(s.vmstat_fresh && s.pswpin == 30);

	/* SwapFree moved: read */
	put_vmstat(40);
	put_meminfo(399996, 499000);
	assert_int_equal(sample_ctx_read(&c, false, &s, &st), 0);
	assert_true(s.vmstat_fresh && s.pswpin == 40);

	/* nothing moved, but forced (the heartbeat): read */
	put_vmstat(50);
	assert_int_equal(sample_ctx_read(&c, false, &s, &st), 0);
	assert_false(s.vmstat_fresh);
	assert_int_equal(sample_ctx_read(&c, true, &s, &st), 0);
	assert_true(s.vmstat_fresh && s.pswpin == 50);

	/* the same descriptor all along, and the values are the new ones */
	assert_int_equal(c.fd[SF_MEMINFO], fd);
	assert_true(s.mi.v[MI_SWAPFREE] == 499000);
	sample_ctx_close(&c);
	assert_int_equal(c.fd[SF_MEMINFO], -1);
}

static void test_absent_balloon_looked_for_at_heartbeat(void **state)
{
	struct sample_ctx c;
	struct agent_sample s;
	struct sample_status st;
	char path[256];

	put_meminfo(400000, 500000);
	put_vmstat(10);
	put_psi(1000);
	kept_ctx(&c);
	assert_int_equal(sample_ctx_read(&c, false, &s, &st), 0);
	assert_false(s.have_balloon);
	assert_int_equal(st.balloon_target.state, SRC_MISSING);

	/* the driver appears */
	snprintf(path, sizeof(path), "%s/devices/system/xen_memory/xen_memory0/info", sysfs);
	char cmd[320];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/devices/system/xen_memory/xen_memory0/target_kb", sysfs);
	put(path, "1048576\n");
	snprintf(path, sizeof(path), "%s/devices/system/xen_memory/xen_memory0/info/current_kb", sysfs);
	put(path, "1040384\n");

	assert_int_equal(sample_ctx_read(&c, false, &s, &st), 0);
	assert_false(s.have_balloon);           /* not looked for yet */
	assert_int_equal(sample_ctx_read(&c, true, &s, &st), 0);
	assert_true(s.have_balloon);
	assert_true(s.balloon_target_kb == 1048576 && s.balloon_current_kb == 1040384);
	sample_ctx_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmstat_when_something_moved),
		cmocka_unit_test(test_absent_balloon_looked_for_at_heartbeat),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
