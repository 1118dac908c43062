/* SPDX-License-Identifier: GPL-2.0-only */
/* The agent's sampler against fixture trees: what it publishes, what it
 * does when an optional file is missing or garbled, and when meminfo
 * vanishes under it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/sample.h"

/* Each call returns its own buffer from a ring, so that one sample_paths
 * can hold several fixture paths at once; no test makes more than a few
 * dozen calls while it still uses the first. */
static const char *fx(const char *rel)
{
	static char ring[64][1024];
	static unsigned next;
	const char *root = getenv("MEMBAL_FIXTURES");
	char *p = ring[next++ % 64];

	snprintf(p, sizeof(ring[0]), "%s/%s", root ? root : "tests/fixtures",
		 rel);
	return p;
}

/* The complete fixture guest; tests change one path at a time. */
static struct sample_paths good_paths(void)
{
	struct sample_paths p = {
		.meminfo = fx("meminfo/linux-6.18-x86_64.txt"),
		.vmstat = fx("vmstat/linux-6.18.txt"),
		.psi_memory = fx("psi/memory.txt"),
		.sysfs_root = fx("sysfs/xen"),
		/* not the build host's /proc/swaps (test_swaps.c) */
		.swaps = fx("swaps/absent"),
	};
	return p;
}

static void test_everything_present(void **state)
{
	struct sample_paths p = good_paths();
	struct agent_sample s;
	struct sample_status st;
	struct meminfo mi;

	memset(&s, 0xa5, sizeof(s));
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_int_equal(meminfo_read(p.meminfo, &mi, NULL), 0);
	assert_memory_equal(&s.mi, &mi, sizeof(mi));
	assert_true(s.have_balloon);
	assert_true(s.balloon_target_kb == 1048576);
	assert_true(s.balloon_current_kb == 1040384);
	assert_true(s.have_oom_kill && s.oom_kills == 3);
	assert_true(s.have_pswpin && s.pswpin == 123456);
	assert_true(s.have_psi);
	assert_int_equal(s.psi_some, 1234);     /* 12.34 % */
	assert_true(s.psi_some_total == 123456789);
	assert_true(s.have_psi_full && s.psi_full_total == 23456789);
	assert_true(s.have_refault_anon && s.refault_anon == 0);
	assert_true(s.have_refault_file && s.refault_file == 96423);
	assert_true(s.have_pgmajfault && s.pgmajfault == 1164);
	assert_int_equal(st.meminfo_errno, 0);
	assert_null(st.meminfo_unusable);
	assert_int_equal(st.balloon_target.state, SRC_OK);
	assert_int_equal(st.balloon_current.state, SRC_OK);
	assert_int_equal(st.vmstat.state, SRC_OK);
	assert_int_equal(st.oom_kill.state, SRC_OK);
	assert_int_equal(st.pswpin.state, SRC_OK);
	assert_int_equal(st.psi.state, SRC_OK);
	assert_string_equal(sample_status_str(&st), "ok");
}

/* Before 5.9 the kernel had one workingset_refault (file pages: anon
 * pages were not on the shadow-entry path): it is the file refaults. */
static void test_refault_counters(void **state)
{
	struct sample_paths p = good_paths();
	struct agent_sample s;
	struct sample_status st;

	p.vmstat = fx("vmstat/linux-5.4-refault.txt");
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_false(s.have_refault_anon);
	assert_int_equal(st.refault_anon.state, SRC_MISSING);
	assert_true(s.have_refault_file && s.refault_file == 4242);
	assert_int_equal(st.refault_file.state, SRC_OK);
	assert_true(s.have_pgmajfault && s.pgmajfault == 321);
	assert_true(s.have_pswpin && s.pswpin == 77);

	/* Strict per line: a garbled value loses that counter only, and the
	 * old name never stands in for a 5.9 line that is present. */
	p.vmstat = fx("vmstat/garbage-refault.txt");
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_false(s.have_refault_anon);
	assert_true(s.refault_anon == 0);
	assert_int_equal(st.refault_anon.state, SRC_BAD);
	assert_int_equal(st.refault_anon.line, 2);
	assert_true(s.have_refault_file && s.refault_file == 500);
	assert_false(s.have_pgmajfault);
	assert_int_equal(st.pgmajfault.state, SRC_BAD);
	assert_true(s.have_pswpin && s.pswpin == 77);
	assert_non_null(strstr(sample_status_str(&st), "vmstat workingset_refault_anon line 2"));

	/* PSI: a bad "full" line loses the full total, not "some". */
	p.vmstat = fx("vmstat/linux-6.18.txt");
	p.psi_memory = fx("psi/bad-full.txt");
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_true(s.have_psi && s.psi_some == 50 && s.psi_some_total == 42);
	assert_false(s.have_psi_full);
	assert_true(s.psi_full_total == 0);
	/* No "full" line at all (the fixture ends after "some"). */
	p.psi_memory = fx("psi/no-trailing-newline.txt");
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_true(s.have_psi && !s.have_psi_full);
}

static void test_older_kernels(void **state)
{
	struct sample_paths p = good_paths();
	struct agent_sample s;
	struct sample_status st;

	p.meminfo = fx("meminfo/linux-2.6.32-i686-pv.txt");
	p.vmstat = fx("vmstat/no-oom-kill.txt");   /* oom_kill is 4.13+ */
	p.psi_memory = fx("psi/does-not-exist");   /* PSI is 4.20+ */
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_false(meminfo_has(&s.mi, MI_MEMAVAILABLE));
	assert_true(s.mi.v[MI_COMMITTED_AS] == 427360);
	assert_false(s.have_oom_kill);
	assert_true(s.oom_kills == 0);
	assert_int_equal(st.oom_kill.state, SRC_MISSING);
	assert_true(s.have_pswpin);
	assert_false(s.have_psi);
	assert_int_equal(st.psi.state, SRC_MISSING);
	assert_int_equal(st.psi.sys_errno, ENOENT);
	/* missing is normal: nothing to complain about */
	assert_string_equal(sample_status_str(&st), "ok");
}

static void test_optional_sources_missing(void **state)
{
	struct sample_paths p = good_paths();
	struct agent_sample s;
	struct sample_status st;

	p.vmstat = fx("vmstat/none");
	p.psi_memory = fx("psi/none");
	p.sysfs_root = fx("sysfs/none");
	memset(&s, 0xa5, sizeof(s));
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_false(s.have_balloon);
	assert_false(s.have_oom_kill);
	assert_false(s.have_pswpin);
	assert_false(s.have_psi);
	assert_true(s.balloon_target_kb == 0 && s.balloon_current_kb == 0);
	assert_true(s.oom_kills == 0 && s.pswpin == 0 && s.psi_some == 0);
	assert_int_equal(st.balloon_target.state, SRC_MISSING);
	assert_int_equal(st.balloon_current.state, SRC_MISSING);
	assert_int_equal(st.vmstat.state, SRC_MISSING);
	assert_int_equal(st.oom_kill.state, SRC_MISSING);
	assert_int_equal(st.psi.state, SRC_MISSING);
	assert_string_equal(sample_status_str(&st), "ok");

	/* a balloon with only one of its two files is no balloon */
	p.sysfs_root = fx("sysfs/no-current");
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_false(s.have_balloon);
	assert_int_equal(st.balloon_target.state, SRC_OK);
	assert_int_equal(st.balloon_current.state, SRC_MISSING);
}

static void test_balloon_garbage(void **state)
{
	struct sample_paths p = good_paths();
	struct agent_sample s;
	struct sample_status st;

	p.sysfs_root = fx("sysfs/garbage");       /* target_kb "12ab\n" */
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_false(s.have_balloon);
	assert_true(s.balloon_current_kb == 0);
	assert_int_equal(st.balloon_target.state, SRC_BAD);
	assert_string_equal(st.balloon_target.why, "not a plain decimal number");
	assert_int_equal(st.balloon_current.state, SRC_OK);
	assert_non_null(strstr(sample_status_str(&st),
			       "balloon target_kb line 1: not a plain decimal number"));
	/* the rest of the sample is unaffected */
	assert_true(s.have_oom_kill && s.have_psi);

	p.sysfs_root = fx("sysfs/toolong");       /* 40 bytes of digits */
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_false(s.have_balloon);
	assert_int_equal(st.balloon_current.state, SRC_BAD);

	/* no newline at the end: accepted */
	p.sysfs_root = fx("sysfs/nonewline");
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_true(s.have_balloon && s.balloon_target_kb == 2097152);

	/* a path that cannot be built is an error, not a crash */
	char root[5000];
	memset(root, 'r', sizeof(root) - 1);
	root[sizeof(root) - 1] = '\0';
	p.sysfs_root = root;
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_false(s.have_balloon);
	assert_int_equal(st.balloon_target.state, SRC_BAD);
	assert_int_equal(st.balloon_target.sys_errno, ENAMETOOLONG);
}

static void test_vmstat_garbage(void **state)
{
	struct sample_paths p = good_paths();
	struct agent_sample s;
	struct sample_status st;

	p.vmstat = fx("vmstat/garbage-oom-kill.txt");   /* "oom_kill 3x" */
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_false(s.have_oom_kill);
	assert_true(s.oom_kills == 0);
	assert_int_equal(st.oom_kill.state, SRC_BAD);
	assert_int_equal(st.oom_kill.line, 125);
	assert_true(s.have_pswpin && s.pswpin == 123456);
	assert_non_null(strstr(sample_status_str(&st), "vmstat oom_kill line 125"));

	p.vmstat = fx("vmstat/overflow-pswpin.txt");    /* 2^64 */
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_false(s.have_pswpin);
	assert_string_equal(st.pswpin.why, "number too large");
	assert_true(s.have_oom_kill && s.oom_kills == 3);

	/* a 4 KiB line of noise, then oom_kill; no pswpin at all */
	p.vmstat = fx("vmstat/garbage.txt");
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_true(s.have_oom_kill && s.oom_kills == 1);
	assert_false(s.have_pswpin);
	assert_int_equal(st.pswpin.state, SRC_MISSING);

	p.vmstat = fx("vmstat/no-values.txt");  /* "oom_kill", "pswpin  5" */
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_false(s.have_oom_kill);
	assert_false(s.have_pswpin);
	assert_int_equal(st.oom_kill.state, SRC_BAD);
	assert_int_equal(st.pswpin.state, SRC_BAD);
	assert_int_equal(st.pswpin.line, 2);

	p.vmstat = fx("vmstat/duplicate.txt");  /* first wins */
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_true(s.oom_kills == 7);
	assert_true(s.pswpin == 99);

	/* names that merely start with ours are other counters */
	p.vmstat = fx("vmstat/prefixed-names.txt");
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_true(s.have_oom_kill && s.oom_kills == 4);
	assert_true(s.have_pswpin && s.pswpin == 11);

	p.vmstat = fx("vmstat/no-trailing-newline.txt");
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_true(s.have_oom_kill && s.oom_kills == 2);
	assert_true(s.have_pswpin && s.pswpin == 5);
}

static void test_psi_variants(void **state)
{
	static const struct {
		const char *file;
		bool ok;
		uint32_t some;
	} cases[] = {
		{ "psi/memory.txt", true, 1234 },
		{ "psi/memory-saturated.txt", true, 10000 },
		{ "psi/no-trailing-newline.txt", true, 50 },
		{ "psi/over-100.txt", false, 0 },
		{ "psi/one-decimal.txt", false, 0 },
		{ "psi/full-first.txt", false, 0 },
		{ "psi/no-total.txt", false, 0 },
		{ "psi/trailing.txt", false, 0 },
		{ "psi/too-long.txt", false, 0 },
	};
	struct sample_paths p = good_paths();
	struct agent_sample s;
	struct sample_status st;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("%s\n", cases[i].file);
		p.psi_memory = fx(cases[i].file);
		assert_int_equal(sample_read(&p, &s, &st), 0);
		assert_int_equal(s.have_psi, cases[i].ok);
		assert_int_equal(s.psi_some, cases[i].some);
		assert_int_equal(st.psi.state, cases[i].ok ? SRC_OK : SRC_BAD);
	}
	/* a directory where the file should be: unreadable, with errno */
	p.psi_memory = fx("psi");
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_false(s.have_psi);
	assert_int_equal(st.psi.state, SRC_BAD);
	assert_int_equal(st.psi.sys_errno, EISDIR);
	assert_non_null(strstr(sample_status_str(&st), "psi: cannot be read"));
}

static char tmpdir[64];

static int make_tmpdir(void **state)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/membal-sample-XXXXXX",
		 t && strlen(t) < 32 ? t : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

/* Also after a failed test, which leaves its file behind. */
static int remove_tmpdir(void **state)
{
	static const char *const names[] = { "meminfo" };
	char path[128];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		unlink(path);
	}
	return rmdir(tmpdir);
}

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* The agent keeps its last good sample when meminfo goes away or turns to
 * garbage: sample_read must leave *out alone and say why. */
static void test_meminfo_vanishes(void **state)
{
	struct sample_paths p = good_paths();
	struct agent_sample s, kept;
	struct sample_status st;
	char path[128];

	snprintf(path, sizeof(path), "%s/meminfo", tmpdir);
	copy_file(fx("meminfo/linux-4.19-x86_64.txt"), path);
	p.meminfo = path;
	assert_int_equal(sample_read(&p, &s, &st), 0);
	kept = s;

	assert_int_equal(unlink(path), 0);
	assert_int_equal(sample_read(&p, &s, &st), -ENOENT);
	assert_memory_equal(&s, &kept, sizeof(s));
	assert_int_equal(st.meminfo_errno, ENOENT);
	assert_string_equal(sample_status_str(&st),
			    "meminfo: No such file or directory");

	/* cut in the middle of Committed_AS */
	copy_file(fx("meminfo/truncated-mid-value.txt"), path);
	assert_int_equal(sample_read(&p, &s, &st), -EBADMSG);
	assert_memory_equal(&s, &kept, sizeof(s));
	assert_int_equal(st.meminfo_errno, 0);
	assert_string_equal(st.meminfo_unusable, "no Committed_AS");
	assert_string_equal(sample_status_str(&st),
			    "meminfo: no Committed_AS; meminfo: 1 malformed line(s), first at line 7: value has no kB unit (\"Committed_AS:      7864\")");

	/* empty: what a read racing with a rewrite of a fixture can give */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(sample_read(&p, &s, &st), -EBADMSG);
	assert_memory_equal(&s, &kept, sizeof(s));
	assert_string_equal(st.meminfo_unusable, "no MemTotal");

	/* back to normal */
	copy_file(fx("meminfo/linux-6.18-x86_64.txt"), path);
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_true(s.mi.v[MI_MEMTOTAL] != kept.mi.v[MI_MEMTOTAL]);
	assert_int_equal(unlink(path), 0);
}

/* Lines the parser refuses in fields the agent does not need: the sample
 * is used, and the status says what was wrong. */
static void test_meminfo_partly_garbled(void **state)
{
	struct sample_paths p = good_paths();
	struct agent_sample s;
	struct sample_status st;

	p.meminfo = fx("meminfo/wrong-units.txt");
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_int_equal(st.meminfo.malformed, 2);
	assert_non_null(strstr(sample_status_str(&st), "2 malformed line(s), first at line 7"));

	p.meminfo = fx("meminfo/no-unit-memfree.txt");
	assert_int_equal(sample_read(&p, &s, &st), -EBADMSG);
	assert_string_equal(st.meminfo_unusable, "no MemFree");
	p.meminfo = fx("meminfo/overflow-2e64.txt");
	assert_int_equal(sample_read(&p, &s, &st), -EBADMSG);
	assert_int_equal(st.meminfo.first_bad, MI_BAD_OVERFLOW);
	p.meminfo = fx("meminfo/nul-bytes.txt");
	assert_int_equal(sample_read(&p, &s, &st), -EBADMSG);
	/* the NUL reaches the log as '?', never as a string terminator or
	 * a control byte */
	assert_non_null(strstr(sample_status_str(&st), "262?144"));
}

static void test_status_text_is_bounded(void **state)
{
	struct sample_paths p = {
		.meminfo = fx("meminfo/garbage-4k-line.txt"),
		.vmstat = fx("vmstat/no-values.txt"),
		.psi_memory = fx("psi"),
		.sysfs_root = fx("sysfs/garbage"),
		.swaps = fx("swaps/absent"),
	};
	struct agent_sample s;
	struct sample_status st;
	const char *t;

	assert_int_equal(sample_read(&p, &s, &st), 0);
	t = sample_status_str(&st);
	assert_true(strlen(t) < SAMPLE_STATUS_TEXT_MAX);
	assert_non_null(strstr(t, "meminfo: 2 malformed"));
	assert_non_null(strstr(t, "balloon target_kb"));
	for (const char *c = t; *c; c++)
		assert_true(*c >= 0x20 && *c < 0x7f);
}

static void test_defaults_on_this_system(void **state)
{
	struct sample_paths p = { 0 };
	struct agent_sample s;
	struct sample_status st;

	if (access(SAMPLE_MEMINFO_PATH, R_OK) != 0)
		skip();
	/* all members NULL and a NULL pointer both mean the defaults */
	assert_int_equal(sample_read(&p, &s, &st), 0);
	assert_true(s.mi.v[MI_MEMTOTAL] > 0);
	assert_int_not_equal(st.balloon_target.state, SRC_BAD);
	assert_int_not_equal(st.vmstat.state, SRC_BAD);
	assert_int_not_equal(st.oom_kill.state, SRC_BAD);
	assert_int_not_equal(st.psi.state, SRC_BAD);
	assert_int_equal(sample_read(NULL, &s, &st), 0);
	if (access(SAMPLE_VMSTAT_PATH, R_OK) == 0)
		assert_true(s.have_pswpin);
}

static void test_swapin_rate(void **state)
{
	/* 1000 pages in 2 s */
	assert_true(sample_swapin_rate(5000, 10000, 6000, 12000) == 500);
	/* rounded down: 10 pages in 3 s is 3.33/s; 1 page in 3 s is 0 */
	assert_true(sample_swapin_rate(0, 0, 10, 3000) == 3);
	assert_true(sample_swapin_rate(0, 0, 1, 3000) == 0);
	/* sub-second interval */
	assert_true(sample_swapin_rate(100, 1000, 150, 1250) == 200);
	/* counter went backwards (reboot, 32-bit wrap): 0, not 2^64 - x */
	assert_true(sample_swapin_rate(4294967290u, 1000, 5, 2000) == 0);
	/* clock did not move, or moved back */
	assert_true(sample_swapin_rate(0, 5000, 100, 5000) == 0);
	assert_true(sample_swapin_rate(0, 5000, 100, 4000) == 0);
	/* no change */
	assert_true(sample_swapin_rate(77, 0, 77, 1000) == 0);
	/* large but honest: 2^62 pages in 2^40 ms */
	assert_true(sample_swapin_rate(0, 0, UINT64_C(1) << 62, UINT64_C(1) << 40) ==
		    (UINT64_C(1) << 22) * 1000);
	/* absurd: saturates instead of wrapping */
	assert_true(sample_swapin_rate(0, 0, UINT64_MAX, 1) == UINT64_MAX);
	assert_true(sample_swapin_rate(0, 0, UINT64_MAX / 999, 1) == UINT64_MAX);
	/* an hour-long gap stays exact */
	assert_true(sample_swapin_rate(0, 0, 3600 * 7, 3600 * 1000) == 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_everything_present),
		cmocka_unit_test(test_older_kernels),
		cmocka_unit_test(test_refault_counters),
		cmocka_unit_test(test_optional_sources_missing),
		cmocka_unit_test(test_balloon_garbage),
		cmocka_unit_test(test_vmstat_garbage),
		cmocka_unit_test(test_psi_variants),
		cmocka_unit_test(test_meminfo_vanishes),
		cmocka_unit_test(test_meminfo_partly_garbled),
		cmocka_unit_test(test_status_text_is_bounded),
		cmocka_unit_test(test_defaults_on_this_system),
		cmocka_unit_test(test_swapin_rate),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
