/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `membalctl plan` as a user runs it: $MEMBAL_BIN/membalctl with a
 * snapshot on stdin, checked on stdout, stderr and exit status. The
 * fixtures in $MEMBAL_FIXTURES/plan carry their arithmetic as comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct run {
	int status;     /* exit status, or -1 if killed */
	char *out;
	char *err;
};

static char *slurp_fd(int fd)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	assert_non_null(buf);
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[len] = '\0';
	return buf;
}

static char *slurp(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		fail_msg("cannot open %s", path);
	char *s = slurp_fd(fd);

	close(fd);
	return s;
}

static int temp_fd(void)
{
	char path[] = "/tmp/membal-plan-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	return fd;
}

static const char *fixture(const char *name)
{
	static char path[4][512];
	static int slot;
	const char *dir = getenv("MEMBAL_FIXTURES");

	if (!dir)
		fail_msg("MEMBAL_FIXTURES is not set");
	slot = (slot + 1) % 4;
	snprintf(path[slot], sizeof(path[slot]), "%s/plan/%s", dir, name);
	return path[slot];
}

/* Run membalctl with args (NULL-terminated, without argv[0]); stdin from
 * the file `in_path`, or the text `in_text`, or nothing. */
static void run_ctl(const char *in_path, const char *in_text,
		    const char *const *args, struct run *r)
{
	const char *bin = getenv("MEMBAL_BIN");
	char path[512];
	const char *argv[64];
	size_t argc = 0;
	int in_fd, out_fd = temp_fd(), err_fd = temp_fd();

	if (!bin)
		fail_msg("MEMBAL_BIN is not set");
	snprintf(path, sizeof(path), "%s/membalctl", bin);
	argv[argc++] = path;
	for (size_t i = 0; args[i]; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;

	if (in_path) {
		in_fd = open(in_path, O_RDONLY);
		if (in_fd < 0)
			fail_msg("cannot open %s", in_path);
	} else {
		in_fd = temp_fd();
		if (in_text)
			assert_true(write(in_fd, in_text, strlen(in_text)) ==
				    (ssize_t)strlen(in_text));
		lseek(in_fd, 0, SEEK_SET);
	}

	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(in_fd, 0);
		dup2(out_fd, 1);
		dup2(err_fd, 2);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	r->out = slurp_fd(out_fd);
	r->err = slurp_fd(err_fd);
	close(in_fd);
	close(out_fd);
	close(err_fd);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* ---- the fixtures ----------------------------------------------------------- */

struct good_case {
	const char *input, *expect;
	const char *args[24];
};

#define BOUNDS_ARGS "--tau", "0.5", "--epsilon", "0", "--scarce-cap", "max", \
	"--headroom-kb", "0", "--reserve-kb", "0", "--free-source", "free", \
	"--host-free-kb", "0", "--mode", "global", "--min-change-kb", "0"

static const struct good_case good[] = {
	{ "two_scarce.csv", "two_scarce.out",
	  { "plan", "--host-free-kb", "4", "--reserve-kb", "0", "--headroom-kb",
	    "0", "--free-source", "free", "--min-change-kb", "0", NULL } },
	{ "mixed.csv", "mixed.out",
	  { "plan", "--host-free-kb", "2000000", "--explain", NULL } },
	{ "mixed.csv", "mixed_static.out",
	  { "plan", "--host-free-kb", "2000000", "--preset", "static", NULL } },
	{ "three_bounds.csv", "three_bounds_exact.out",
	  { "plan", BOUNDS_ARGS, NULL } },
	{ "three_bounds.csv", "three_bounds_paper.out",
	  { "plan", BOUNDS_ARGS, "--solver", "paper", NULL } },
};

static void test_fixtures(void **state)
{
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct run r;
		char *expect = slurp(fixture(good[i].expect));

		run_ctl(fixture(good[i].input), NULL, good[i].args, &r);
		if (r.status != 0 || strcmp(r.out, expect) != 0)
			fail_msg("%s -> %s: exit %d\n--- got\n%s--- expected\n%s"
				 "--- stderr\n%s", good[i].input, good[i].expect,
				 r.status, r.out, expect, r.err);
		assert_string_equal(r.err, "");
		free(expect);
		run_free(&r);
	}
}

/* --config supplies the defaults: policy.ini holds the knobs that
 * three_bounds needs; the snapshot can also be a FILE argument. */
static void test_config_file(void **state)
{
	const char *args[] = { "plan", "--config", fixture("policy.ini"),
			       "--host-free-kb", "0", "--mode", "global",
			       fixture("three_bounds.csv"), NULL };
	char *expect = slurp(fixture("three_bounds_exact.out"));
	struct run r;

	run_ctl(NULL, NULL, args, &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, expect);
	free(expect);
	run_free(&r);

	/* An option still overrides the file: --solver paper. */
	const char *args2[] = { "plan", "--config", fixture("policy.ini"),
				"--host-free-kb", "0", "--mode", "global",
				"--solver", "paper", NULL };

	expect = slurp(fixture("three_bounds_paper.out"));
	run_ctl(fixture("three_bounds.csv"), NULL, args2, &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, expect);
	free(expect);
	run_free(&r);
}

/* A preset is applied before the other options, wherever it stands. */
static void test_preset_order(void **state)
{
	const char *a[] = { "plan", BOUNDS_ARGS, "--preset", "paper",
			    "--solver", "exact", NULL };
	const char *b[] = { "plan", "--solver", "exact", BOUNDS_ARGS,
			    "--preset", "paper", NULL };
	const char *c[] = { "plan", BOUNDS_ARGS, "--preset", "paper", NULL };
	struct run ra, rb, rc;

	run_ctl(fixture("three_bounds.csv"), NULL, a, &ra);
	run_ctl(fixture("three_bounds.csv"), NULL, b, &rb);
	run_ctl(fixture("three_bounds.csv"), NULL, c, &rc);
	assert_int_equal(ra.status, 0);
	assert_string_equal(ra.out, rb.out);
	assert_string_not_equal(ra.out, rc.out);
	run_free(&ra);
	run_free(&rb);
	run_free(&rc);
}

#define HEADER "domid,name,actual_kb,free_kb,committed_as_kb,swap_tot_kb," \
	       "swap_free_kb,min_kb,max_kb,shares\n"

/* -v tells the cycle's story on stderr; stdout stays the CSV. The
 * highest domid Xen gives is 32751; an empty optional field means "not reported"; shares may be
 * fractional. Default headroom 65536. O_i:
 *   last: neither memtotal nor balloon_current: O = 0,
 *         MC = 600000 + 65536 = 665536, grows at once;
 *   five: only memtotal 450000: O = actual - memtotal = 50000,
 *         MC = 300000 + 50000 + 65536 = 415536; shrinking from 500000:
 *         ceil(84464/8) = 10558 < 16384, so 16384 -> 483616;
 *   six:  only balloon_current: O = 0, MC = 365536; ceil(134464/8) =
 *         16808 -> 483192;
 *   seven: balloon_current 530000 - memtotal 450000 = 80000 > N = 60000:
 *         clamped to N, MC = 10000 + 60000 + 65536 = 135536. */
static void test_verbose_and_edges(void **state)
{
	const char *args[] = { "plan", "--host-free-kb", "100000000", "-v",
			       "--explain", NULL };
	struct run r;

	run_ctl(NULL, "domid,name,actual_kb,free_kb,avail_kb,committed_as_kb,"
		"swap_tot_kb,swap_free_kb,min_kb,max_kb,shares,memtotal_kb,"
		"balloon_current_kb\n"
		"32751,last,500000,100000,,600000,0,0,131072,2000000,0.5,,\n"
		"5,five,500000,100000,,300000,0,0,131072,2000000,1,450000,\n"
		"6,six,500000,100000,,300000,0,0,131072,2000000,1,,480000\n"
		"7,seven,60000,0,,10000,0,0,0,2000000,1,450000,530000\n",
		args, &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.err, "mode=abundant stage=self"));
	assert_non_null(strstr(r.out, "\n32751,last,abundant,665536,665536,,self,665536,-\n"));
	assert_non_null(strstr(r.out, "\n5,five,abundant,483616,483616,,self,415536,step\n"));
	assert_non_null(strstr(r.out, "\n6,six,abundant,483192,483192,,self,365536,step\n"));
	assert_non_null(strstr(r.out, "\n7,seven,abundant,135536,135536,,self,135536,-\n"));
	run_free(&r);
}

struct bad_case {
	const char *input;
	const char *args[8];
	int status;
	const char *message;
};

static const struct bad_case bad[] = {
	{ "domid,name,actual_kb,free_kb,committed_as_kb,swap_tot_kb,"
	  "swap_free_kb,min_kb,max_kb\n1,a,1,1,1,0,0,1,2\n",
	  { NULL }, 1, "stdin:1: missing column 'shares' (see membalctl plan --help)" },
	/* every missing column in one message */
	{ "domid,name,actual_kb,swap_tot_kb,swap_free_kb,min_kb\n",
	  { NULL }, 1, "stdin:1: missing columns 'free_kb', 'committed_as_kb', "
	  "'max_kb', 'shares' (see" },
	/* a byte order mark is not part of the first column's name: the
	 * row's error proves the header was read */
	{ "\xef\xbb\xbf" HEADER "1,a,1x,0,0,0,0,1,2,1\n",
	  { NULL }, 1, "stdin:2: column 'actual_kb': '1x'" },
	/* only on the first line */
	{ HEADER "\xef\xbb\xbf" "1,a,1,0,0,0,0,1,2,1\n",
	  { NULL }, 1, "stdin:2: column 'domid': '\xef\xbb\xbf" "1'" },
	{ HEADER "1,\"a,b\",400000,0,0,0,0,1,2,1\n",
	  { NULL }, 1, "stdin:2: quoting is not supported" },
	{ "\"domid\",name\n",
	  { NULL }, 1, "stdin:1: quoting is not supported" },
	{ HEADER "32752,a,400000,0,0,0,0,1,2,1\n",
	  { NULL }, 1, "stdin:2: column 'domid': '32752': not a domain id (Xen's are 0 to 32751)" },
	{ HEADER "65535,a,400000,0,0,0,0,1,2,1\n",
	  { NULL }, 1, "stdin:2: column 'domid': '65535': not a domain id" },
	{ HEADER "1,a,400000,1x,0,0,0,1,2,1\n",
	  { NULL }, 1, "stdin:2: column 'free_kb': '1x': not a plain decimal" },
	{ HEADER "1,a,400000,0,0,0,0,1,2,1\n2,b,400000,-5,0,0,0,1,2,1\n",
	  { NULL }, 1, "stdin:3: column 'free_kb': '-5': negative value" },
	{ HEADER "1,a,400000,0,0,0,0,300,200,1\n",
	  { NULL }, 1, "stdin:2: column 'min_kb': 300 > max_kb 200" },
	{ HEADER "1,a,400000,0,0,10,11,1,2,1\n",
	  { NULL }, 1, "stdin:2: column 'swap_free_kb': 11 > swap_tot_kb 10" },
	{ HEADER "1,a,400000,0,0,0,0,1,2,0\n",
	  { NULL }, 1, "stdin:2: column 'shares': '0': must be > 0" },
	{ HEADER "1,a,400000,0,0,0,0,1,2,-1\n",
	  { NULL }, 1, "stdin:2: column 'shares': '-1': must be > 0" },
	{ HEADER "1,a,400000,0,0,0,0,1,2,one\n",
	  { NULL }, 1, "stdin:2: column 'shares': 'one'" },
	{ "# a comment\n" HEADER "7,a,400000,0,0,0,0,1,2,1\n"
	  "8,b,400000,0,0,0,0,1,2,1\n7,c,400000,0,0,0,0,1,2,1\n",
	  { NULL }, 1, "stdin:5: column 'domid': duplicate domid 7 (first on line 3)" },
	{ HEADER "4294967296,a,400000,0,0,0,0,1,2,1\n",
	  { "--any-domid", NULL }, 1, "stdin:2: column 'domid': '4294967296': above 4294967295" },
	{ HEADER "1,a,400000,0,0,0,0,1,2\n",
	  { NULL }, 1, "stdin:2: wrong number of fields" },
	{ HEADER "1,a,,0,0,0,0,1,2,1\n",
	  { NULL }, 1, "stdin:2: column 'actual_kb': empty value" },
	{ "", { NULL }, 1, "no header line" },
	{ HEADER, { "--tau", "1", NULL }, 2, "--tau '1': out of range" },
	{ HEADER, { "--tau", "-0.5", NULL }, 2, "--tau '-0.5'" },
	{ HEADER, { "--epsilon", "-0.1", NULL }, 2, "--epsilon '-0.1'" },
	{ HEADER, { "--mode", "static", NULL }, 2, "--mode 'static': expected auto|self|global" },
	{ HEADER, { "--solver", "fast", NULL }, 2, "--solver 'fast'" },
	{ HEADER, { "--hysteresis-down", "0", NULL }, 2, "--hysteresis-down '0'" },
	{ HEADER, { "--bogus", NULL }, 2, "unknown option" },
};

/* Every bad input: non-zero exit, a message naming line and column (or
 * the option), and no partial plan on stdout. */
static void test_bad_input(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *args[16] = { "plan" };
		size_t n = 1;
		struct run r;

		args[n++] = "--host-free-kb";
		args[n++] = "0";
		for (size_t j = 0; bad[i].args[j]; j++)
			args[n++] = bad[i].args[j];
		args[n] = NULL;
		run_ctl(NULL, bad[i].input, args, &r);
		if (r.status != bad[i].status || !strstr(r.err, bad[i].message) ||
		    r.out[0] != '\0')
			fail_msg("case %zu: exit %d (want %d), stderr '%s' "
				 "(want '%s'), stdout '%s'", i, r.status,
				 bad[i].status, r.err, bad[i].message, r.out);
		run_free(&r);
	}
}

/* Lines are bounded (64 KiB) and may not hide a NUL byte. */
static void test_long_line_and_nul(void **state)
{
	const char *args[] = { "plan", "--host-free-kb", "0", NULL };
	char path[64];
	struct run r;
	int fd = temp_fd();

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	assert_true(write(fd, HEADER, strlen(HEADER)) == (ssize_t)strlen(HEADER));
	assert_true(write(fd, "1,", 2) == 2);
	for (int i = 0; i < 70000; i++)
		assert_true(write(fd, "a", 1) == 1);
	assert_true(write(fd, ",1,1,1,0,0,1,2,1\n", 17) == 17);
	lseek(fd, 0, SEEK_SET);
	run_ctl(path, NULL, args, &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "stdin:2: line longer than 65536"));
	assert_string_equal(r.out, "");
	run_free(&r);
	close(fd);

	static const char nul_row[] = HEADER "1,a\0b,400000,0,0,0,0,1,2,1\n";

	fd = temp_fd();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	assert_true(write(fd, nul_row, sizeof(nul_row) - 1) ==
		    (ssize_t)sizeof(nul_row) - 1);
	lseek(fd, 0, SEEK_SET);
	run_ctl(path, NULL, args, &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "stdin:2: NUL byte"));
	run_free(&r);
	close(fd);
}

static void test_usage(void **state)
{
	const char *no_free[] = { "plan", NULL };
	const char *none[] = { NULL };
	const char *unknown[] = { "frobnicate", NULL };
	const char *help[] = { "plan", "--help", NULL };
	struct run r;

	run_ctl(NULL, HEADER, no_free, &r);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--host-free-kb is required"));
	run_free(&r);
	run_ctl(NULL, NULL, none, &r);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "plan"));
	run_free(&r);
	run_ctl(NULL, NULL, unknown, &r);
	assert_int_equal(r.status, 2);
	run_free(&r);
	run_ctl(NULL, NULL, help, &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "--host-free-kb"));
	/* the input columns, with unit and whether they are required, and
	 * the output ones */
	assert_non_null(strstr(r.out, "  domid               id       required: "));
	assert_non_null(strstr(r.out, "  shares              weight   required: "));
	assert_non_null(strstr(r.out, "  avail_kb            KiB      guest MemAvailable"));
	assert_non_null(strstr(r.out, "  write_kb    KiB "));
	run_free(&r);
}

/* A million domains (--any-domid: Xen has 32752 ids): one row out per row in, in order, and the budget
 * holds. (The sanitized binary takes a few seconds.) */
static void test_million(void **state)
{
	const size_t n = 1000000;
	int fd = temp_fd();
	FILE *fp = fdopen(dup(fd), "w");
	char path[64];
	uint64_t sum_n = 0;

	assert_non_null(fp);
	fputs(HEADER, fp);
	for (size_t i = 1; i <= n; i++) {
		uint64_t actual = 262144 + (i * 7919) % 4000000;

		sum_n += actual;
		fprintf(fp, "%zu,vm%zu,%llu,%llu,%llu,%llu,%llu,131072,%llu,%zu\n",
			i, i, (unsigned long long)actual,
			(unsigned long long)(actual / 3),
			(unsigned long long)(actual * 2 - i % 1000),
			(unsigned long long)(i % 5 ? 0 : 1048576),
			(unsigned long long)(i % 5 ? 0 : 1048576 - i % 1024),
			(unsigned long long)(actual * 2), 1 + i % 3);
	}
	fclose(fp);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	lseek(fd, 0, SEEK_SET);

	const char *args[] = { "plan", "--host-free-kb", "-1000000000", "-v",
			       "--any-domid", NULL };
	struct run r;

	run_ctl(path, NULL, args, &r);
	close(fd);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.err, "mode=scarce stage=price"));

	/* Parsed by hand, byte by byte: with ASan's strict_string_checks
	 * every str*() call would first scan the whole 70 MB output. Each
	 * row: "<domid>,vm<domid>,scarce,<target>,...\n". */
	size_t rows = 0;
	uint64_t sum_t = 0;
	const char *s = r.out;

	while (*s && *s != '\n')
		s++;                              /* the header */
	while (*s == '\n' && s[1]) {
		uint64_t domid = 0, target = 0;

		for (s++; *s >= '0' && *s <= '9'; s++)
			domid = domid * 10 + (uint64_t)(*s - '0');
		assert_int_equal(domid, rows + 1);
		assert_memory_equal(s, ",vm", 3);
		for (s += 3; *s >= '0' && *s <= '9'; s++)
			;
		assert_memory_equal(s, ",scarce,", 8);
		for (s += 8; *s >= '0' && *s <= '9'; s++)
			target = target * 10 + (uint64_t)(*s - '0');
		assert_int_equal(*s, ',');
		sum_t += target;
		rows++;
		while (*s && *s != '\n')
			s++;
	}
	assert_int_equal(rows, n);
	/* M = sum N_i + F_h, F_h = -10^9 - reserve (72 MiB) */
	assert_true(sum_t <= sum_n - 1000000000ull - 73728);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_config_file),
		cmocka_unit_test(test_preset_order),
		cmocka_unit_test(test_verbose_and_edges),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_long_line_and_nul),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_million),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
