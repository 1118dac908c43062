/* SPDX-License-Identifier: GPL-2.0-only */
/* /proc/swaps (agent/swaps.h) on fixture files: which part of the swap is
 * zram, and every way the file can be refused (malformed lines, huge
 * numbers, a cut file); then the sampler around it: a kernel without
 * swap (no file), sizes that do not add up to SwapTotal, and the file
 * read again only when SwapTotal moved or at the heartbeat. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/sample.h"
#include "agent/swaps.h"

static const char *fx(const char *rel)
{
	static char ring[16][1024];
	static unsigned next;
	const char *root = getenv("MEMBAL_FIXTURES");
	char *p = ring[next++ % 16];

	snprintf(p, sizeof(ring[0]), "%s/swaps/%s", root ? root : "tests/fixtures", rel);
	return p;
}

static enum swaps_err parse_fixture(const char *name, struct swaps_sum *s,
				    unsigned *line)
{
	static char buf[SWAPS_BUF_SIZE + 1];
	FILE *f = fopen(fx(name), "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(n <= SWAPS_BUF_SIZE);
	return swaps_parse(buf, n, s, line);
}

static void test_kinds(void **state)
{
	struct swaps_sum s;

	assert_int_equal(parse_fixture("zram-6.1.txt", &s, NULL), SWAPS_OK);
	assert_int_equal(s.areas, 1);
	assert_true(s.size_kb == 262140 && s.zram_kb == 262140);

	/* The 5.4 header (one tab fewer between the numbers). */
	assert_int_equal(parse_fixture("zram-5.4.txt", &s, NULL), SWAPS_OK);
	assert_true(s.size_kb == 262140 && s.zram_kb == 262140);

	/* A disk and a file: nothing of it is RAM. */
	assert_int_equal(parse_fixture("disk-and-file-6.1.txt", &s, NULL), SWAPS_OK);
	assert_int_equal(s.areas, 2);
	assert_true(s.size_kb == 524284 + 131068 && s.zram_kb == 0);

	assert_int_equal(parse_fixture("zram-and-disk-6.1.txt", &s, NULL), SWAPS_OK);
	assert_true(s.size_kb == 524284 + 262140 && s.zram_kb == 262140);

	/* Swap turned off: the header alone. */
	assert_int_equal(parse_fixture("header-only.txt", &s, NULL), SWAPS_OK);
	assert_true(s.areas == 0 && s.size_kb == 0 && s.zram_kb == 0);
}

/* Only /dev/zramN with 1-3 digits is zram; a partition of it, a path
 * elsewhere or a bare name is not (and counts as a disk, as it would on
 * a kernel that names it so). */
static void test_zram_names(void **state)
{
	struct swaps_sum s;

	assert_true(swaps_is_zram("/dev/zram0", 10));
	assert_true(swaps_is_zram("/dev/zram123", 12));
	assert_false(swaps_is_zram("/dev/zram", 9));
	assert_false(swaps_is_zram("/dev/zram1234", 13));
	assert_false(swaps_is_zram("/dev/zram0p1", 12));
	assert_false(swaps_is_zram("/dev/zramx", 10));
	assert_false(swaps_is_zram("/dev/zram0", 9));   /* n counts */
	assert_int_equal(parse_fixture("zram-lookalikes.txt", &s, NULL), SWAPS_OK);
	assert_int_equal(s.areas, 7);
	assert_true(s.zram_kb == 8);                     /* /dev/zram12 alone */
}

static void test_refused(void **state)
{
	static const struct { const char *file; enum swaps_err e; unsigned line; } cases[] = {
		{ "four-fields.txt", SWAPS_FIELDS, 2 },
		{ "six-fields.txt", SWAPS_FIELDS, 2 },
		{ "empty-line.txt", SWAPS_FIELDS, 2 },
		{ "overflow-size.txt", SWAPS_NUMBER, 2 },
		{ "above-1pib.txt", SWAPS_NUMBER, 2 },
		{ "negative-size.txt", SWAPS_NUMBER, 2 },
		{ "plus-priority.txt", SWAPS_NUMBER, 2 },
		{ "priority-overflow.txt", SWAPS_NUMBER, 2 },
		{ "bad-type.txt", SWAPS_TYPE, 2 },
		{ "used-above-size.txt", SWAPS_USED, 2 },
		{ "bad-header.txt", SWAPS_HEADER, 1 },
		{ "too-many.txt", SWAPS_TOO_MANY, 66 },
		{ "no-trailing-newline.txt", SWAPS_CUT, 0 },
		{ "nul-byte.txt", SWAPS_CUT, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct swaps_sum s;
		unsigned line = 99;

		memset(&s, 0xa5, sizeof(s));
		if (parse_fixture(cases[i].file, &s, &line) != cases[i].e)
			fail_msg("%s: not %s", cases[i].file, swaps_strerror(cases[i].e));
		if (line != cases[i].line)
			fail_msg("%s: line %u, not %u", cases[i].file, line, cases[i].line);
		assert_true(s.areas == 0 && s.size_kb == 0 && s.zram_kb == 0);
	}
	/* Nothing at all is not even the header. */
	{
		struct swaps_sum s;

		assert_int_equal(swaps_parse("", 0, &s, NULL), SWAPS_HEADER);
	}
}

/* This machine's own /proc/swaps, when there is one: the kernel's
 * format, whatever its version. */
static void test_this_system(void **state)
{
	static char buf[SWAPS_BUF_SIZE];
	struct swaps_sum s;
	unsigned line = 0;
	FILE *f = fopen(SWAPS_PATH, "rb");
	size_t n;

	if (!f)
		skip();
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (swaps_parse(buf, n, &s, &line) != SWAPS_OK)
		fail_msg("%s line %u: %s", SWAPS_PATH, line,
			 swaps_strerror(swaps_parse(buf, n, &s, &line)));
}

/* A meminfo with this SwapTotal (and the rest of a plain guest). */
static char dir[64], meminfo[128];

static void put_meminfo(unsigned long swap_tot)
{
	FILE *f = fopen(meminfo, "w");

	assert_non_null(f);
	fprintf(f, "MemTotal: 1000000 kB\nMemFree: 400000 kB\nMemAvailable: 600000 kB\n"
		"SwapTotal: %lu kB\nSwapFree: %lu kB\nCommitted_AS: 300000 kB\n",
		swap_tot, swap_tot);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/membal-test-swaps.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(meminfo, sizeof(meminfo), "%s/meminfo", dir);
	return 0;
}

static int teardown(void **state)
{
	unlink(meminfo);
	rmdir(dir);
	return 0;
}

/* The sampler (sample_read), missing sources aside. */
static void sample_with(unsigned long swap_tot, const char *swaps_file,
			struct agent_sample *s, struct sample_status *st)
{
	struct sample_paths p = {
		.meminfo = meminfo, .vmstat = "/nonexistent/vmstat",
		.psi_memory = "/nonexistent/psi", .sysfs_root = "/nonexistent",
		.swaps = swaps_file ? fx(swaps_file) : "/nonexistent/swaps",
	};

	put_meminfo(swap_tot);
	memset(s, 0xa5, sizeof(*s));
	assert_int_equal(sample_read(&p, s, st), 0);
}

static void test_sample(void **state)
{
	struct agent_sample s;
	struct sample_status st;

	/* A kernel without swap: no file, SwapTotal 0: none of it is zram. */
	sample_with(0, NULL, &s, &st);
	assert_true(s.have_swap_zram && s.swap_zram_kb == 0);
	assert_string_equal(sample_status_str(&st), "ok");

	sample_with(262140, "zram-6.1.txt", &s, &st);
	assert_true(s.have_swap_zram && s.swap_zram_kb == 262140);

	sample_with(524284 + 262140, "zram-and-disk-6.1.txt", &s, &st);
	assert_true(s.have_swap_zram && s.swap_zram_kb == 262140);

	sample_with(524284 + 131068, "disk-and-file-6.1.txt", &s, &st);
	assert_true(s.have_swap_zram && s.swap_zram_kb == 0);

	/* Swap but no file (a container without it): unknown. */
	sample_with(262140, NULL, &s, &st);
	assert_false(s.have_swap_zram);
	assert_int_equal(st.swaps.state, SRC_MISSING);

	/* Sizes that do not add up (a swapon between the two reads). */
	sample_with(524284 + 262140, "zram-6.1.txt", &s, &st);
	assert_false(s.have_swap_zram);
	assert_int_equal(st.swaps.state, SRC_BAD);
	assert_non_null(strstr(sample_status_str(&st), "swaps: sizes do not add up"));

	/* A malformed line: unknown, said with its line. */
	sample_with(262140, "used-above-size.txt", &s, &st);
	assert_false(s.have_swap_zram);
	assert_non_null(strstr(sample_status_str(&st), "swaps line 2: used above size"));

	/* Larger than the agent reads: refused, not read in part. */
	sample_with(1200, "larger-than-buf.txt", &s, &st);
	assert_false(s.have_swap_zram);
	assert_int_equal(st.swaps.state, SRC_BAD);
}

/* Kept open: read again only when SwapTotal moved, or when forced. */
static void test_read_when_swap_total_moves(void **state)
{
	struct sample_paths p = {
		.meminfo = meminfo, .vmstat = "/nonexistent/vmstat",
		.psi_memory = "/nonexistent/psi", .sysfs_root = "/nonexistent",
		.swaps = fx("zram-6.1.txt"),
	};
	struct sample_ctx c;
	struct agent_sample s;
	struct sample_status st;

	sample_ctx_init(&c, &p);
	put_meminfo(262140);
	assert_int_equal(sample_ctx_read(&c, false, &s, &st), 0);
	assert_true(s.have_swap_zram && s.swap_zram_kb == 262140);
	assert_int_equal(c.swaps_reads, 1);
	assert_int_equal(sample_ctx_read(&c, false, &s, &st), 0);
	assert_true(s.have_swap_zram && s.swap_zram_kb == 262140);
	assert_int_equal(c.swaps_reads, 1);
	/* swapoff: SwapTotal 0, nothing to read. */
	put_meminfo(0);
	assert_int_equal(sample_ctx_read(&c, false, &s, &st), 0);
	assert_true(s.have_swap_zram && s.swap_zram_kb == 0);
	assert_int_equal(c.swaps_reads, 1);
	/* A SwapTotal the file does not match: unknown, and not read again
	 * until SwapTotal moves or the heartbeat. */
	put_meminfo(100000);
	assert_int_equal(sample_ctx_read(&c, false, &s, &st), 0);
	assert_false(s.have_swap_zram);
	assert_int_equal(sample_ctx_read(&c, false, &s, &st), 0);
	assert_false(s.have_swap_zram);
	assert_int_equal(st.swaps.state, SRC_BAD);
	assert_int_equal(c.swaps_reads, 2);
	assert_int_equal(sample_ctx_read(&c, true, &s, &st), 0);
	assert_int_equal(c.swaps_reads, 3);
	put_meminfo(262140);
	assert_int_equal(sample_ctx_read(&c, false, &s, &st), 0);
	assert_true(s.have_swap_zram && s.swap_zram_kb == 262140);
	assert_int_equal(c.swaps_reads, 4);
	sample_ctx_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_zram_names),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_this_system),
		cmocka_unit_test_setup_teardown(test_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_when_swap_total_moves, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
