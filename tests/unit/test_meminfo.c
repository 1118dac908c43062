/* SPDX-License-Identifier: GPL-2.0-only */
/* /proc/meminfo parser: three kernel generations and what can go wrong
 * with the text (cut, garbled, oversized, NUL bytes, 2^64). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/meminfo.h"

static const char *fixture(const char *name)
{
	static char path[4096];
	const char *root = getenv("MEMBAL_FIXTURES");

	snprintf(path, sizeof(path), "%s/meminfo/%s",
		 root ? root : "tests/fixtures", name);
	return path;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The text in a heap block of exactly len bytes, so that ASan catches any
 * read past the end (the parser must not want a NUL terminator). */
static int parse_exact(const char *text, size_t len, struct meminfo *mi,
		       struct meminfo_errors *err)
{
	char *buf = malloc(len ? len : 1);
	int rc;

	assert_non_null(buf);
	memcpy(buf, text, len);
	rc = meminfo_parse(buf, len, mi, err);
	free(buf);
	return rc;
}

static int parse_str(const char *text, struct meminfo *mi,
		     struct meminfo_errors *err)
{
	return parse_exact(text, strlen(text), mi, err);
}

static int field_by_name(const char *name)
{
	for (int f = 0; f < MI_COUNT; f++)
		if (strcmp(meminfo_field_name((enum meminfo_field)f), name) == 0)
			return f;
	return -1;
}

static unsigned count_present(const struct meminfo *mi)
{
	unsigned n = 0;

	for (int f = 0; f < MI_COUNT; f++)
		n += meminfo_has(mi, (enum meminfo_field)f);
	return n;
}

/* An independent reading of a well-formed file with sscanf: every known
 * "Name: value" line must be in mi with that value, and nothing else. */
static void check_against_sscanf(const char *path, const struct meminfo *mi)
{
	FILE *f = fopen(path, "r");
	char line[256], name[64];
	unsigned known = 0;
	uint64_t v;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		int fld;

		assert_int_equal(sscanf(line, "%63[^:]: %" SCNu64, name, &v), 2);
		fld = field_by_name(name);
		if (fld < 0)
			continue;
		known++;
		assert_true(meminfo_has(mi, (enum meminfo_field)fld));
		assert_true(mi->v[fld] == v);
		/* The unit matches the field's kind. */
		assert_int_equal(strstr(line, " kB\n") == NULL,
				 meminfo_field_is_count((enum meminfo_field)fld));
	}
	fclose(f);
	assert_int_equal(count_present(mi), known);
}

static void read_fixture(const char *name, int want_rc, struct meminfo *mi,
			 struct meminfo_errors *err)
{
	assert_int_equal(meminfo_read(fixture(name), mi, err), want_rc);
}

/* --- kernel generations ------------------------------------------------ */

static void test_linux_2_6_32_i686(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	read_fixture("linux-2.6.32-i686-pv.txt", 0, &mi, &err);
	check_against_sscanf(fixture("linux-2.6.32-i686-pv.txt"), &mi);
	assert_int_equal(err.lines, 45);
	assert_int_equal(err.malformed, 0);
	assert_int_equal(err.unknown, 0);
	assert_int_equal(err.first_bad_line, 0);
	assert_null(meminfo_unusable(&mi));
	/* Before 3.14: no MemAvailable, and the agent must still publish. */
	assert_false(meminfo_has(&mi, MI_MEMAVAILABLE));
	assert_true(meminfo_has(&mi, MI_HIGHTOTAL));
	assert_true(mi.v[MI_HIGHTOTAL] + mi.v[MI_LOWTOTAL] == mi.v[MI_MEMTOTAL]);
	assert_true(mi.v[MI_HIGHFREE] + mi.v[MI_LOWFREE] == mi.v[MI_MEMFREE]);
	assert_true(meminfo_has(&mi, MI_HARDWARECORRUPTED)); /* "%5lu" spacing */
	assert_true(meminfo_has(&mi, MI_HUGEPAGES_SURP));
	assert_false(meminfo_has(&mi, MI_KRECLAIMABLE));
}

static void test_linux_4_19_x86_64(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	read_fixture("linux-4.19-x86_64.txt", 0, &mi, &err);
	check_against_sscanf(fixture("linux-4.19-x86_64.txt"), &mi);
	assert_int_equal(err.malformed, 0);
	assert_null(meminfo_unusable(&mi));
	assert_true(meminfo_has(&mi, MI_MEMAVAILABLE));
	assert_true(meminfo_has(&mi, MI_PERCPU));
	assert_false(meminfo_has(&mi, MI_HIGHTOTAL));
	assert_false(meminfo_has(&mi, MI_KRECLAIMABLE));  /* 4.20 */
	assert_true(mi.v[MI_ACTIVE_ANON] + mi.v[MI_ACTIVE_FILE] == mi.v[MI_ACTIVE]);
	assert_true(mi.v[MI_VMALLOCTOTAL] == UINT64_C(34359738367));
}

static void test_linux_6_18_x86_64(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	read_fixture("linux-6.18-x86_64.txt", 0, &mi, &err);
	check_against_sscanf(fixture("linux-6.18-x86_64.txt"), &mi);
	assert_int_equal(err.malformed, 0);
	assert_int_equal(err.unknown, 0);
	assert_int_equal(err.duplicate, 0);
	assert_null(meminfo_unusable(&mi));
	assert_true(meminfo_has(&mi, MI_ZSWAPPED));
	assert_true(meminfo_has(&mi, MI_SECPAGETABLES));
	assert_true(meminfo_has(&mi, MI_BALLOON));
	assert_true(meminfo_has(&mi, MI_DIRECTMAP1G));
	assert_true(mi.v[MI_SRECLAIMABLE] + mi.v[MI_SUNRECLAIM] == mi.v[MI_SLAB]);
}

/* The running system's file, whatever its kernel: usable, nothing
 * malformed. Skipped where there is no /proc. */
static void test_this_kernel(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	if (access("/proc/meminfo", R_OK) != 0)
		skip();
	assert_int_equal(meminfo_read("/proc/meminfo", &mi, &err), 0);
	assert_int_equal(err.malformed, 0);
	assert_null(meminfo_unusable(&mi));
}

/* Reordered lines: same result (the lookup hint is only a shortcut). */
static void test_order_does_not_matter(void **state)
{
	struct meminfo fwd, rev;
	size_t len, i, o = 0;
	char *text = slurp(fixture("linux-6.18-x86_64.txt"), &len);
	char *out = malloc(len + 1);

	assert_non_null(out);
	assert_int_equal(meminfo_parse(text, len, &fwd, NULL), 0);
	/* Write the lines last to first. */
	i = len;
	while (i > 0) {
		size_t end = i, start = i - 1;

		while (start > 0 && text[start - 1] != '\n')
			start--;
		memcpy(out + o, text + start, end - start);
		o += end - start;
		i = start;
	}
	assert_int_equal(o, len);
	assert_int_equal(parse_exact(out, len, &rev, NULL), 0);
	assert_memory_equal(&fwd, &rev, sizeof(fwd));
	free(text);
	free(out);
}

/* Every table entry round-trips: a name typo or a missing initializer in
 * the table would show here. */
static void test_every_field_round_trips(void **state)
{
	char line[128];
	struct meminfo mi;
	struct meminfo_errors err;

	for (int f = 0; f < MI_COUNT; f++) {
		const char *name = meminfo_field_name((enum meminfo_field)f);
		bool count = meminfo_field_is_count((enum meminfo_field)f);

		assert_non_null(name);
		assert_true(name[0] != '\0' && strlen(name) <= MEMINFO_NAME_MAX);
		assert_int_equal(field_by_name(name), f); /* unique */
		snprintf(line, sizeof(line), "%s:   %d%s\n", name, 1000 + f,
			 count ? "" : " kB");
		assert_int_equal(parse_str(line, &mi, &err), 0);
		assert_int_equal(count_present(&mi), 1);
		assert_true(meminfo_has(&mi, (enum meminfo_field)f));
		assert_true(mi.v[f] == (uint64_t)(1000 + f));
		/* and the other unit is refused */
		snprintf(line, sizeof(line), "%s:   %d%s\n", name, 1000 + f,
			 count ? " kB" : "");
		assert_int_equal(parse_str(line, &mi, &err), -EBADMSG);
		assert_int_equal(err.first_bad, count ? MI_BAD_UNIT : MI_BAD_NO_UNIT);
		assert_int_equal(count_present(&mi), 0);
	}
	assert_string_equal(meminfo_field_name(MI_ACTIVE_ANON), "Active(anon)");
	assert_string_equal(meminfo_field_name(MI_COMMITTED_AS), "Committed_AS");
}

/* --- damaged text ------------------------------------------------------- */

static void test_truncated_mid_value(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	/* "Committed_AS:      7864" and EOF: a shorter number without its
	 * unit, which must not be taken as 7864 KiB. */
	read_fixture("truncated-mid-value.txt", -EBADMSG, &mi, &err);
	assert_int_equal(err.malformed, 1);
	assert_int_equal(err.first_bad_line, 7);
	assert_int_equal(err.first_bad, MI_BAD_NO_UNIT);
	assert_string_equal(err.first_bad_text, "Committed_AS:      7864");
	assert_false(meminfo_has(&mi, MI_COMMITTED_AS));
	assert_true(mi.v[MI_COMMITTED_AS] == 0);
	assert_true(meminfo_has(&mi, MI_COMMITLIMIT));
	assert_string_equal(meminfo_unusable(&mi), "no Committed_AS");
}

static void test_truncated_mid_name(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	read_fixture("truncated-mid-name.txt", -EBADMSG, &mi, &err);
	assert_int_equal(err.first_bad, MI_BAD_NO_COLON);
	assert_int_equal(err.first_bad_line, 3);
	assert_true(meminfo_has(&mi, MI_MEMFREE));
	assert_false(meminfo_has(&mi, MI_MEMAVAILABLE));
	assert_string_equal(meminfo_unusable(&mi), "no Committed_AS");
}

static void test_missing_required_field(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	read_fixture("missing-committed-as.txt", 0, &mi, &err);
	assert_int_equal(err.malformed, 0);
	assert_string_equal(meminfo_unusable(&mi), "no Committed_AS");
	assert_false(meminfo_usable(&mi));
}

static void test_value_without_unit(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	read_fixture("no-unit-memfree.txt", -EBADMSG, &mi, &err);
	assert_int_equal(err.malformed, 1);
	assert_int_equal(err.first_bad_line, 2);
	assert_int_equal(err.first_bad, MI_BAD_NO_UNIT);
	assert_false(meminfo_has(&mi, MI_MEMFREE));
	assert_string_equal(meminfo_unusable(&mi), "no MemFree");
}

static void test_wrong_units(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	read_fixture("wrong-units.txt", -EBADMSG, &mi, &err);
	assert_int_equal(err.malformed, 2);
	assert_int_equal(err.first_bad_line, 7);
	assert_int_equal(err.first_bad, MI_BAD_UNIT);
	assert_false(meminfo_has(&mi, MI_HUGEPAGES_TOTAL));
	assert_false(meminfo_has(&mi, MI_HUGEPAGESIZE));
	/* The fields the agent needs are fine. */
	assert_null(meminfo_unusable(&mi));
}

static void test_two_to_the_64_is_overflow(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	read_fixture("overflow-2e64.txt", -EBADMSG, &mi, &err);
	assert_int_equal(err.malformed, 1);
	assert_int_equal(err.first_bad, MI_BAD_OVERFLOW);
	assert_int_equal(err.first_bad_line, 1);
	/* Not wrapped to 0 and present: absent. */
	assert_false(meminfo_has(&mi, MI_MEMTOTAL));
	assert_string_equal(meminfo_unusable(&mi), "no MemTotal");

	/* one past, with many digits */
	assert_int_equal(parse_str("MemFree: 99999999999999999999 kB\n", &mi, &err), -EBADMSG);
	assert_int_equal(err.first_bad, MI_BAD_OVERFLOW);
	assert_int_equal(parse_str("MemFree: 123456789012345678901234567890 kB\n", &mi, &err), -EBADMSG);
	assert_int_equal(err.first_bad, MI_BAD_OVERFLOW);
}

static void test_two_to_the_64_minus_1_is_exact(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	read_fixture("max-2e64m1.txt", 0, &mi, &err);
	assert_true(mi.v[MI_MEMTOTAL] == UINT64_MAX);
	assert_true(mi.v[MI_MEMFREE] == UINT64_MAX);
	assert_true(mi.v[MI_COMMITTED_AS] == UINT64_MAX);
	assert_true(mi.v[MI_HUGEPAGES_TOTAL] == UINT64_MAX);
	assert_true(meminfo_has(&mi, MI_SWAPFREE) && mi.v[MI_SWAPFREE] == 0);
	assert_null(meminfo_unusable(&mi));
}

static void test_nul_bytes(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	read_fixture("nul-bytes.txt", -EBADMSG, &mi, &err);
	assert_int_equal(err.lines, 6);
	assert_int_equal(err.malformed, 2);
	assert_int_equal(err.first_bad_line, 2);
	assert_int_equal(err.first_bad, MI_BAD_TRAILING);
	/* The NUL is shown, not allowed to end the excerpt early. */
	assert_string_equal(err.first_bad_text, "MemFree:          262?144 kB");
	/* "262" is not MemFree. */
	assert_false(meminfo_has(&mi, MI_MEMFREE));
	/* "Swap\0Total" is not SwapTotal; the good line after it is. */
	assert_true(mi.v[MI_SWAPTOTAL] == 524288);
	assert_int_equal(err.duplicate, 0);
	assert_string_equal(meminfo_unusable(&mi), "no MemFree");
}

static void test_no_trailing_newline(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	read_fixture("no-trailing-newline.txt", 0, &mi, &err);
	assert_int_equal(err.malformed, 0);
	assert_true(meminfo_has(&mi, MI_DIRECTMAP1G));
	assert_true(mi.v[MI_DIRECTMAP1G] == 25165824);
	assert_null(meminfo_unusable(&mi));
}

static void test_duplicate_first_wins(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	read_fixture("duplicate-memfree.txt", 0, &mi, &err);
	assert_int_equal(err.duplicate, 1);
	assert_int_equal(err.malformed, 0);
	assert_true(mi.v[MI_MEMFREE] == 262144);
}

static void test_unknown_fields_are_counted_not_errors(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	read_fixture("unknown-fields.txt", 0, &mi, &err);
	assert_int_equal(err.unknown, 3);
	assert_int_equal(err.malformed, 0);
	assert_null(meminfo_unusable(&mi));
	assert_int_equal(count_present(&mi), 6);
}

static void test_4k_garbage_line(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	read_fixture("garbage-4k-line.txt", -EBADMSG, &mi, &err);
	assert_int_equal(err.lines, 8);
	assert_int_equal(err.malformed, 2);
	assert_int_equal(err.first_bad_line, 6);
	assert_int_equal(err.first_bad, MI_BAD_NO_COLON);
	assert_int_equal(strlen(err.first_bad_text), MEMINFO_EXCERPT_MAX - 1);
	assert_int_equal(strspn(err.first_bad_text, "x"), MEMINFO_EXCERPT_MAX - 1);
	/* The parser found its feet again after the garbage. */
	assert_true(mi.v[MI_COMMITTED_AS] == 786432);
	assert_null(meminfo_unusable(&mi));
}

static void test_linux_2_4_header_lines(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	read_fixture("linux-2.4-header.txt", -EBADMSG, &mi, &err);
	assert_int_equal(err.malformed, 1);         /* "   total: used: ..." */
	assert_int_equal(err.first_bad, MI_BAD_NAME);
	assert_int_equal(err.unknown, 1);           /* "Mem: ..." */
	assert_null(meminfo_unusable(&mi));
}

static void test_line_syntax(void **state)
{
	static const struct {
		const char *text;
		enum meminfo_bad bad;
		uint64_t v;             /* MemTotal when bad == NONE */
	} cases[] = {
		{ "MemTotal:1 kB", MI_BAD_NONE, 1 },
		{ "MemTotal:\t\t42 kB", MI_BAD_NONE, 42 },
		{ "MemTotal: 0 kB", MI_BAD_NONE, 0 },
		{ "MemTotal: 00000000000000000007 kB", MI_BAD_NONE, 7 },
		{ "MemTotal: 000000000000000000007 kB", MI_BAD_OVERFLOW, 0 },
		{ "MemTotal: 1 kB ", MI_BAD_TRAILING, 0 },
		{ "MemTotal: 1  kB", MI_BAD_TRAILING, 0 },
		{ "MemTotal: 1kB", MI_BAD_TRAILING, 0 },
		{ "MemTotal: 1 kB\r", MI_BAD_TRAILING, 0 },
		{ "MemTotal: 1 KB", MI_BAD_UNIT, 0 },
		{ "MemTotal: 1 MB", MI_BAD_UNIT, 0 },
		{ "MemTotal: 1", MI_BAD_NO_UNIT, 0 },
		{ "MemTotal: -1 kB", MI_BAD_NO_VALUE, 0 },
		{ "MemTotal: +1 kB", MI_BAD_NO_VALUE, 0 },
		{ "MemTotal: 0x10 kB", MI_BAD_TRAILING, 0 },
		{ "MemTotal: kB", MI_BAD_NO_VALUE, 0 },
		{ "MemTotal:", MI_BAD_NO_VALUE, 0 },
		{ "MemTotal 1 kB", MI_BAD_NO_COLON, 0 },
		{ ": 1 kB", MI_BAD_NAME, 0 },
		{ " MemTotal: 1 kB", MI_BAD_NAME, 0 },
		{ "Mem Total: 1 kB", MI_BAD_NAME, 0 },
		{ "", MI_BAD_EMPTY, 0 },
	};
	struct meminfo mi;
	struct meminfo_errors err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse_str(cases[i].text, &mi, &err);

		print_message("case %zu: \"%s\"\n", i, cases[i].text);
		if (cases[i].bad == MI_BAD_NONE) {
			assert_int_equal(rc, 0);
			assert_true(meminfo_has(&mi, MI_MEMTOTAL));
			assert_true(mi.v[MI_MEMTOTAL] == cases[i].v);
		} else if (cases[i].text[0] == '\0') {
			/* An empty buffer has no lines at all. */
			assert_int_equal(rc, 0);
			assert_int_equal(err.lines, 0);
		} else {
			assert_int_equal(rc, -EBADMSG);
			assert_int_equal(err.first_bad, cases[i].bad);
			assert_false(meminfo_has(&mi, MI_MEMTOTAL));
		}
	}
	/* An empty line in the middle is malformed. */
	assert_int_equal(parse_str("MemTotal: 1 kB\n\nMemFree: 1 kB\n", &mi, &err), -EBADMSG);
	assert_int_equal(err.first_bad, MI_BAD_EMPTY);
	assert_int_equal(err.first_bad_line, 2);
	assert_true(meminfo_has(&mi, MI_MEMFREE));
}

/* The parser looks at len bytes, not up to a NUL: what follows the buffer
 * (here "34 kB", cut away) must not complete the last line. */
static void test_length_is_respected(void **state)
{
	const char *text = "MemTotal: 1234 kB\n";
	struct meminfo mi;
	struct meminfo_errors err;

	assert_int_equal(parse_exact(text, 12, &mi, &err), -EBADMSG);
	assert_int_equal(err.first_bad, MI_BAD_NO_UNIT);
	assert_false(meminfo_has(&mi, MI_MEMTOTAL));
	assert_int_equal(parse_exact(text, 17, &mi, &err), 0);
	assert_true(mi.v[MI_MEMTOTAL] == 1234);
	assert_int_equal(parse_exact(text, 0, &mi, &err), 0);
	assert_int_equal(count_present(&mi), 0);
}

static void test_output_is_cleared(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	memset(&mi, 0xa5, sizeof(mi));
	memset(&err, 0xa5, sizeof(err));
	assert_int_equal(parse_str("MemFree: 5 kB\n", &mi, &err), 0);
	assert_int_equal(count_present(&mi), 1);
	assert_true(mi.v[MI_MEMTOTAL] == 0);
	assert_int_equal(err.malformed, 0);
	assert_int_equal(err.unknown, 0);
	assert_false(err.truncated);
	/* err may be NULL */
	assert_int_equal(parse_str("junk\n", &mi, NULL), -EBADMSG);
}

static void test_consistency_checks(void **state)
{
	struct meminfo mi;
	const char *head = "MemTotal: 1000 kB\nCommitted_AS: 1 kB\n";
	char text[256];

	snprintf(text, sizeof(text), "%sMemFree: 1001 kB\nSwapTotal: 5 kB\nSwapFree: 5 kB\n", head);
	parse_str(text, &mi, NULL);
	assert_string_equal(meminfo_unusable(&mi), "MemFree larger than MemTotal");
	snprintf(text, sizeof(text), "%sMemFree: 1000 kB\nSwapTotal: 5 kB\nSwapFree: 6 kB\n", head);
	parse_str(text, &mi, NULL);
	assert_string_equal(meminfo_unusable(&mi), "SwapFree larger than SwapTotal");
	parse_str("MemTotal: 0 kB\nMemFree: 0 kB\nCommitted_AS: 1 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n", &mi, NULL);
	assert_string_equal(meminfo_unusable(&mi), "MemTotal is 0");
	snprintf(text, sizeof(text), "%sMemFree: 1000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n", head);
	parse_str(text, &mi, NULL);
	assert_null(meminfo_unusable(&mi));
	assert_true(meminfo_usable(&mi));
}

/* --- reading files ------------------------------------------------------ */

static char tmpdir[64];

static int make_tmpdir(void **state)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/membal-meminfo-XXXXXX",
		 t && strlen(t) < 32 ? t : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

/* Also after a failed test, which leaves its file behind. */
static int remove_tmpdir(void **state)
{
	static const char *const names[] = { "big", "edge", "cut", "small" };
	char path[128];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		unlink(path);
	}
	return rmdir(tmpdir);
}

static const char *write_tmp(const char *name, const char *text, size_t len)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* total bytes: the five required fields first or last, and between or
 * before them filler lines with unknown names (the last filler line is cut
 * to fit and ends in a newline). */
static char *big_meminfo(size_t total, bool required_first)
{
	static const char required[] =
		"MemTotal:        1048576 kB\nMemFree:          262144 kB\n"
		"SwapTotal:        524288 kB\nSwapFree:         500000 kB\n"
		"Committed_AS:     786432 kB\n";
	size_t rl = sizeof(required) - 1, fill = total - rl, o = 0;
	char *buf = malloc(total);
	char *f;
	unsigned i = 0;

	assert_non_null(buf);
	f = required_first ? buf + rl : buf;
	while (o < fill) {
		char line[32];
		size_t n = (size_t)snprintf(line, sizeof(line),
					    "Filler%06u:      1 kB\n", i++);

		if (n > fill - o)
			n = fill - o;
		memcpy(f + o, line, n);
		o += n;
	}
	f[fill - 1] = '\n';
	memcpy(required_first ? buf : buf + fill, required, rl);
	return buf;
}

static void test_64k_file_is_truncated_and_reported(void **state)
{
	size_t total = 64 * 1024;
	char *text = big_meminfo(total, true);
	const char *path = write_tmp("big", text, total);
	struct meminfo mi;
	struct meminfo_errors err;

	assert_int_equal(meminfo_read(path, &mi, &err), -EFBIG);
	assert_true(err.truncated);
	/* The line cut by the buffer is dropped, not counted as malformed. */
	assert_int_equal(err.malformed, 0);
	assert_true(err.lines > 600 && err.lines < MEMINFO_BUF_SIZE / 20);
	assert_null(meminfo_unusable(&mi));
	unlink(path);
	free(text);

	/* Required fields beyond the buffer: reported as missing. */
	text = big_meminfo(total, false);
	path = write_tmp("big", text, total);
	assert_int_equal(meminfo_read(path, &mi, &err), -EFBIG);
	assert_true(err.truncated);
	assert_string_equal(meminfo_unusable(&mi), "no MemTotal");
	unlink(path);
	free(text);
}

/* The line the buffer cuts must be dropped, not parsed: for a count with
 * no unit, "HugePages_Total:   1234" cut after "12" would read as 12. */
static void test_cut_line_is_dropped(void **state)
{
	static const char required[] =
		"MemTotal:        1048576 kB\nMemFree:          262144 kB\n"
		"SwapTotal:        524288 kB\nSwapFree:         500000 kB\n"
		"Committed_AS:     786432 kB\n";
	static const char hp[] = "HugePages_Total:   1234\n";
	const size_t cut_after = sizeof("HugePages_Total:   12") - 1;
	size_t total = MEMINFO_BUF_SIZE + 100, at, o;
	char *text = malloc(total);
	const char *path;
	struct meminfo mi;
	struct meminfo_errors err;

	assert_non_null(text);
	memset(text, '\n', total);
	memcpy(text, required, sizeof(required) - 1);
	/* one unknown line ("Pad:      ...") fills up to where hp starts */
	at = MEMINFO_BUF_SIZE - cut_after;
	o = sizeof(required) - 1;
	memcpy(text + o, "Pad:", 4);
	memset(text + o + 4, ' ', at - o - 5);
	memcpy(text + at, hp, sizeof(hp) - 1);
	/* the rest: more unknown lines */
	for (o = at + sizeof(hp) - 1; o + 3 < total; o += 3)
		memcpy(text + o, "Z:\n", 3);
	path = write_tmp("cut", text, total);
	assert_int_equal(meminfo_read(path, &mi, &err), -EFBIG);
	assert_true(err.truncated);
	assert_false(meminfo_has(&mi, MI_HUGEPAGES_TOTAL));
	assert_int_equal(err.malformed, 0);
	assert_null(meminfo_unusable(&mi));

	/* the same text, not cut: 1234 */
	(void)meminfo_parse(text, total, &mi, &err);
	assert_true(mi.v[MI_HUGEPAGES_TOTAL] == 1234);
	unlink(path);
	free(text);
}

static void test_buffer_boundary(void **state)
{
	char *text = big_meminfo(MEMINFO_BUF_SIZE + 1, true);
	const char *path;
	struct meminfo mi;
	struct meminfo_errors err;

	/* Exactly the buffer: complete, not truncated. Make it end in a
	 * newline so that every line is whole. */
	text[MEMINFO_BUF_SIZE - 1] = '\n';
	path = write_tmp("edge", text, MEMINFO_BUF_SIZE);
	assert_int_not_equal(meminfo_read(path, &mi, &err), -EFBIG);
	assert_false(err.truncated);
	assert_null(meminfo_unusable(&mi));
	/* One byte more: truncated. */
	path = write_tmp("edge", text, MEMINFO_BUF_SIZE + 1);
	assert_int_equal(meminfo_read(path, &mi, &err), -EFBIG);
	assert_true(err.truncated);
	unlink(path);
	free(text);
}

static void test_read_errors(void **state)
{
	struct meminfo mi;
	struct meminfo_errors err;

	memset(&mi, 0xa5, sizeof(mi));
	assert_int_equal(meminfo_read(fixture("does-not-exist"), &mi, &err), -ENOENT);
	assert_int_equal(count_present(&mi), 0);
	assert_int_equal(err.lines, 0);
	assert_int_equal(meminfo_read(tmpdir, &mi, &err), -EISDIR);
	assert_int_equal(meminfo_read(fixture("linux-6.18-x86_64.txt/x"), &mi, &err), -ENOTDIR);
}

static void test_proc_read_file(void **state)
{
	char buf[8];
	size_t len = 99;
	const char *path = write_tmp("small", "12345678", 8);

	assert_int_equal(proc_read_file(path, buf, 8, &len), 0);
	assert_int_equal(len, 8);
	assert_memory_equal(buf, "12345678", 8);
	assert_int_equal(proc_read_file(path, buf, 7, &len), -EFBIG);
	assert_int_equal(len, 7);
	path = write_tmp("small", "", 0);
	assert_int_equal(proc_read_file(path, buf, 8, &len), 0);
	assert_int_equal(len, 0);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_2_6_32_i686),
		cmocka_unit_test(test_linux_4_19_x86_64),
		cmocka_unit_test(test_linux_6_18_x86_64),
		cmocka_unit_test(test_this_kernel),
		cmocka_unit_test(test_order_does_not_matter),
		cmocka_unit_test(test_every_field_round_trips),
		cmocka_unit_test(test_truncated_mid_value),
		cmocka_unit_test(test_truncated_mid_name),
		cmocka_unit_test(test_missing_required_field),
		cmocka_unit_test(test_value_without_unit),
		cmocka_unit_test(test_wrong_units),
		cmocka_unit_test(test_two_to_the_64_is_overflow),
		cmocka_unit_test(test_two_to_the_64_minus_1_is_exact),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_no_trailing_newline),
		cmocka_unit_test(test_duplicate_first_wins),
		cmocka_unit_test(test_unknown_fields_are_counted_not_errors),
		cmocka_unit_test(test_4k_garbage_line),
		cmocka_unit_test(test_linux_2_4_header_lines),
		cmocka_unit_test(test_line_syntax),
		cmocka_unit_test(test_length_is_respected),
		cmocka_unit_test(test_output_is_cleared),
		cmocka_unit_test(test_consistency_checks),
		cmocka_unit_test(test_64k_file_is_truncated_and_reported),
		cmocka_unit_test(test_cut_line_is_dropped),
		cmocka_unit_test(test_buffer_boundary),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_proc_read_file),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
