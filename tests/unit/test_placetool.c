/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-place as an administrator runs it: $MEMBAL_BIN/membal-place on
 * the fixtures in $MEMBAL_FIXTURES/place (their arithmetic is in their
 * comments and in test_place.c), checked on stdout, stderr and exit
 * status; `collect` goes through fixtures/place/fake-ssh, which answers
 * from the status files next to it.
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
	int status;
	char out[16384];
	char err[4096];
};

static char tmpdir[] = "/tmp/membal-place-test-XXXXXX";

static void slurp_fd(int fd, char *buf, size_t size)
{
	ssize_t n;
	size_t len = 0;

	lseek(fd, 0, SEEK_SET);
	while (len + 1 < size && (n = read(fd, buf + len, size - len - 1)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fd);
}

static int temp_fd(void)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "%s/outXXXXXX", tmpdir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	return fd;
}

static const char *fix(const char *name)
{
	static char path[8][512];
	static int slot;
	const char *dir = getenv("MEMBAL_FIXTURES");

	if (!dir)
		fail_msg("MEMBAL_FIXTURES is not set");
	slot = (slot + 1) % 8;
	snprintf(path[slot], sizeof(path[slot]), "%s/place/%s", dir, name);
	return path[slot];
}

static const char *tmp(const char *name)
{
	static char path[4][256];
	static int slot;

	slot = (slot + 1) % 4;
	snprintf(path[slot], sizeof(path[slot]), "%s/%s", tmpdir, name);
	return path[slot];
}

/* membal-place with args (NULL-terminated, without argv[0]). */
/* membal-place with the arguments pre[0..npre) and then ap's (NULL-ended). */
static void vrun(struct run *r, const char *const *pre, size_t npre, va_list ap)
{
	const char *bin = getenv("MEMBAL_BIN");
	const char *argv[48];
	char path[512];
	size_t argc = 0;
	int out = temp_fd(), err = temp_fd();

	if (!bin)
		fail_msg("MEMBAL_BIN is not set");
	snprintf(path, sizeof(path), "%s/membal-place", bin);
	argv[argc++] = path;
	for (size_t i = 0; i < npre && argc < 47; i++)
		argv[argc++] = pre[i];
	for (const char *a; (a = va_arg(ap, const char *)) && argc < 47;)
		argv[argc++] = a;
	argv[argc] = NULL;

	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(out, 1);
		dup2(err, 2);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	int st;

	assert_true(waitpid(pid, &st, 0) == pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	slurp_fd(out, r->out, sizeof(r->out));
	slurp_fd(err, r->err, sizeof(r->err));
}

static void run(struct run *r, ...)
{
	va_list ap;

	va_start(ap, r);
	vrun(r, NULL, 0, ap);
	va_end(ap);
}

/* membal-place plan --algorithm alg over two fixture files, then the rest. */
static void plan(struct run *r, const char *alg, const char *hosts,
		 const char *domains, ...)
{
	const char *pre[] = { "plan", "--algorithm", alg, "--hosts", fix(hosts),
			      "--domains", fix(domains) };
	va_list ap;

	va_start(ap, domains);
	vrun(r, pre, sizeof(pre) / sizeof(pre[0]), ap);
	va_end(ap);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#define HAS(buf, s)                                                           \
	do {                                                                  \
		if (!strstr((buf), (s)))                                      \
			fail_msg("missing \"%s\" in:\n%s", (s), (buf));       \
	} while (0)

static void test_usage(void **state)
{
	static struct run r;

	(void)state;
	run(&r, "--version", NULL);
	assert_int_equal(r.status, 0);
	HAS(r.out, "membal-place 0.");
	run(&r, "-V", NULL);
	assert_int_equal(r.status, 0);
	run(&r, NULL);
	assert_int_equal(r.status, 2);
	run(&r, "frobnicate", NULL);
	assert_int_equal(r.status, 2);
	run(&r, "--help", NULL);
	assert_int_equal(r.status, 0);
	HAS(r.out, "domains.csv columns");
	run(&r, "plan", "--algorithm", "best", "--cache", "x", NULL);
	assert_int_equal(r.status, 2);
	HAS(r.err, "unknown algorithm 'best'");
	run(&r, "plan", "--algorithm", "gm", NULL);
	assert_int_equal(r.status, 2);
	run(&r, "plan", "--algorithm", "gm", "--cache", "x", "--hosts", "y", NULL);
	assert_int_equal(r.status, 2);
	run(&r, "plan", "--algorithm", "emm", "--cache", "x", "--tau", "1", NULL);
	assert_int_equal(r.status, 2);
	HAS(r.err, "--tau '1'");
	run(&r, "plan", "--algorithm", "emm", "--cache", "x", "--max-concurrent", "0", NULL);
	assert_int_equal(r.status, 2);
	run(&r, "collect", NULL);
	assert_int_equal(r.status, 2);
	run(&r, "collect", "--host", "-oProxyCommand=x", NULL);
	assert_int_equal(r.status, 2);
	run(&r, "collect", "--host", "a;id", NULL);
	assert_int_equal(r.status, 2);
	HAS(r.err, "--host 'a;id': not a host name");
	run(&r, "collect", "--host", "$(id)", NULL);
	assert_int_equal(r.status, 2);
}

/* Arithmetic in hosts.csv, domains.csv and test_place.c
 * (test_rebalance_one_move). */
static void test_rebalance_csv(void **state)
{
	static struct run r;

	(void)state;
	plan(&r, "rebalance", "hosts.csv", "domains.csv", NULL);
	assert_int_equal(r.status, 0);
	HAS(r.out, "before          3   0.429        no                  14336         2048");
	HAS(r.out, "after           3   0.333        no                  14336            0");
	HAS(r.out, "moves: 1 live migration, 0 starts");
	HAS(r.out, "wave 1   migrate a3                   A -> B, 2048 MiB: relieves 2048 MiB of A's shortfall");

	plan(&r, "rebalance", "hosts.csv", "domains.csv",
	    "--csv", "--hold", "5", NULL);
	assert_int_equal(r.status, 0);
	HAS(r.out, "# membal-place plan: rebalance; before: hosts_on 3, gini 0.428571");
	HAS(r.out, "after: hosts_on 3, gini 0.333333, utility 14336.000, short_kb 0\n"
		   "action,wave,guest,from,to,size_kb,gain_kb,reason\n"
		   "migrate,1,a3,A,B,2097152,2097152,rebalance\n");
	plan(&r, "rebalance", "hosts.csv", "domains.csv",
	    "--csv", "--hold", "6", NULL);
	HAS(r.out, "action,wave,guest,from,to,size_kb,gain_kb,reason\nshort,,,A,,2097152,,hold\n");

	/* The same with a3 not migratable: a2 goes (B ends exactly full). */
	plan(&r, "rebalance", "hosts.csv", "domains.csv",
	    "--no-migrate", "a3", NULL);
	assert_int_equal(r.status, 0);
	HAS(r.out, "migrate a2                   A -> B, 3072 MiB");

	/* Short for 5 collections: --hold 6 waits. */
	plan(&r, "rebalance", "hosts.csv", "domains.csv",
	    "--hold", "6", NULL);
	assert_int_equal(r.status, 0);
	HAS(r.out, "moves: 0 live migrations");
	HAS(r.out, "A by 2048 MiB: short for 5 cycles, hold is 6");

	/* B drained too: nowhere to go. */
	plan(&r, "rebalance", "hosts.csv", "domains.csv",
	    "--drain", "B", NULL);
	assert_int_equal(r.status, 0);
	HAS(r.out, "A by 2048 MiB: no allowed migration relieves 64 MiB or more");
	plan(&r, "rebalance", "hosts.csv", "domains.csv",
	    "--drain", "Z", NULL);
	assert_int_equal(r.status, 1);
	HAS(r.err, "--drain Z: no such host");
}

/* new_hosts.csv / new_domains.csv: bs three hosts, gm two. */
static void test_placement_csv(void **state)
{
	static struct run r;

	(void)state;
	plan(&r, "bs", "new_hosts.csv", "new_domains.csv", NULL);
	assert_int_equal(r.status, 0);
	HAS(r.out, "before          0");
	HAS(r.out, "after           3   0.067");
	HAS(r.out, "moves: 0 live migrations, 4 starts");
	HAS(r.out, "start    g3                   on h2 at 3072 MiB (bs)");
	plan(&r, "gm", "new_hosts.csv", "new_domains.csv", NULL);
	assert_int_equal(r.status, 0);
	HAS(r.out, "after           2   0.000");
	HAS(r.out, "start    g1                   on h1 at 2048 MiB (gm)");
	HAS(r.out, "start    g2                   on h2 at 2048 MiB (gm)");
	/* pemm: a guest of 1 GiB demand at one share gains 1024 share-MiB,
	 * not more than the default power_cost 1024: nothing is opened. */
	plan(&r, "pemm", "new_hosts.csv", "new_domains.csv", NULL);
	assert_int_equal(r.status, 0);
	HAS(r.out, "unplaced: 4");
	HAS(r.out, "g1                   opening a host would gain less than power_cost");
	plan(&r, "pemm", "new_hosts.csv", "new_domains.csv",
	    "--csv", NULL);
	HAS(r.out, "unplaced,,g3,,,,,power\n");
	plan(&r, "gm", "new_hosts.csv", "new_domains.csv",
	    "--csv", NULL);
	HAS(r.out, "start,,g3,,h1,3145728,,gm\n");
	plan(&r, "pemm", "new_hosts.csv", "new_domains.csv",
	    "--power-cost", "1000", "-v", NULL);
	assert_int_equal(r.status, 0);
	HAS(r.out, "after           1");
	HAS(r.out, "  g4                   h1                     1024          0       1024");
}

struct bad_csv {
	const char *hosts, *doms, *want;
};

/* Every error names the file, the line and the column. */
static void test_csv_errors(void **state)
{
	static const struct bad_csv cases[] = {
		{ "name,mem_kb,colour\nA,1,red\n", NULL, "h.csv:1: unknown column 'colour'" },
		{ "name\nA\n", NULL, "h.csv:1: missing column 'mem_kb'" },
		{ "# c\n\nname,mem_kb\nA,-5\n", NULL, "h.csv:4: column 'mem_kb': '-5': negative value" },
		{ "name,mem_kb\nA,12abc\n", NULL, "h.csv:2: column 'mem_kb': '12abc':" },
		{ "name,mem_kb\nA,1\nA,2\n", NULL, "h.csv:3: column 'name': 'A': host listed twice" },
		{ "name,mem_kb,reserve_kb\nA,1,2\n", NULL, "h.csv:2: column 'reserve_kb': 2 above mem_kb 1" },
		{ "name,mem_kb,on\nA,1,maybe\n", NULL, "h.csv:2: column 'on': 'maybe'" },
		{ "name,mem_kb\nA,1,3\n", NULL, "h.csv:2: 3 fields, the header has 2" },
		{ "name,mem_kb\nA B,1\n", NULL, "h.csv:2: column 'name': 'A B': not a name" },
		{ "name,mem_kb\n", NULL, "h.csv:1: no host" },
		{ "name,mem_kb\nA,1\n", "name,min_kb,max_kb\ng,2,1\n",
		  "d.csv:2: column 'min_kb': 2 above max_kb 1" },
		{ "name,mem_kb\nA,1\n", "name,min_kb,max_kb,host\ng,1,2,Z\n",
		  "d.csv:2: column 'host': 'Z': no such host" },
		{ "name,mem_kb,on\nA,1,no\n", "name,min_kb,max_kb,host,size_kb\ng,1,2,A,1\n",
		  "d.csv:2: column 'host': 'A': that host is off" },
		{ "name,mem_kb\nA,1\n", "name,min_kb,max_kb,host\ng,1,2,A\n",
		  "d.csv:2: column 'size_kb': empty value" },
		{ "name,mem_kb\nA,1\n", "name,min_kb,max_kb\ng,1,2\ng,1,2\n",
		  "d.csv:3: column 'name': 'g': guest listed twice" },
		{ "name,mem_kb\nA,1\n", "name,min_kb,max_kb,demand_kb\ng,1,2,3\n",
		  "d.csv:2: column 'demand_kb': '3': outside [min_kb, max_kb]" },
		{ "name,mem_kb\nA,1\n", "name,min_kb,max_kb,shares\ng,1,2,0\n",
		  "d.csv:2: column 'shares': '0': outside" },
		{ "name,mem_kb\nA,1\n", "name,min_kb,max_kb,pin_host\ng,1,2,Q\n",
		  "d.csv:2: column 'pin_host': 'Q': no such host" },
		{ "name,mem_kb\nA,1\n", "name,min_kb,max_kb\nDomain-0,1,2\n",
		  "d.csv:2: column 'host': dom0 or a stub domain must have a host" },
		{ "name,mem_kb\nA,1\n", "name,min_kb,max_kb\ng,1,99999999999999999999\n",
		  "d.csv:2: column 'max_kb'" },
	};
	static struct run r;
	char *longline = malloc(5000);

	(void)state;
	assert_non_null(longline);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(tmp("h.csv"), cases[i].hosts);
		write_file(tmp("d.csv"), cases[i].doms ? cases[i].doms : "name,min_kb,max_kb\n");
		run(&r, "plan", "--algorithm", "gm", "--hosts", tmp("h.csv"), "--domains",
		    tmp("d.csv"), NULL);
		if (r.status != 1 || !strstr(r.err, cases[i].want))
			fail_msg("case %zu: exit %d, stderr: %s (want \"%s\")", i, r.status,
				 r.err, cases[i].want);
		assert_string_equal(r.out, "");
	}
	/* A line longer than 4096 bytes. */
	memset(longline, 'x', 4999);
	longline[4999] = '\0';
	memcpy(longline, "name,mem_kb\nA,", 14);
	write_file(tmp("h.csv"), longline);
	run(&r, "plan", "--algorithm", "gm", "--hosts", tmp("h.csv"), "--domains",
	    tmp("d.csv"), NULL);
	assert_int_equal(r.status, 1);
	HAS(r.err, "h.csv:2: line longer than 4096 bytes");
	free(longline);
	run(&r, "plan", "--algorithm", "gm", "--hosts", tmp("none.csv"), "--domains",
	    tmp("d.csv"), NULL);
	assert_int_equal(r.status, 1);
	HAS(r.err, "none.csv: No such file");
}

/* collect twice through the fake ssh, then plan from the cache. Host A
 * (status-A.json): dom0 1 GiB + a1 4 + a2 3 + a3 3 GiB of demand; the
 * domains hold 10 GiB and 256 MiB are free: 10496 MiB, less the 72 MiB
 * reserve = 10424; short by 11264 - 10424 = 840 MiB. B: 11776 - 72 =
 * 11704 MiB for 6144 of demand: a3 fits. */
static void test_collect_and_cache(void **state)
{
	static struct run r;
	char cache[256];

	(void)state;
	snprintf(cache, sizeof(cache), "%s", tmp("cache.json"));
	run(&r, "collect", "--ssh", fix("fake-ssh"), "--host", "A", "--host", "B",
	    "--cache", cache, NULL);
	assert_int_equal(r.status, 0);
	HAS(r.out, "A: 4 domains, mode scarce, scarce for 1 collection, Xen 4.17");
	HAS(r.out, "B: 2 domains, mode abundant, scarce for 0 collections, Xen 4.17");
	run(&r, "collect", "--ssh", fix("fake-ssh"), "--host", "A", "--host", "B",
	    "--cache", cache, NULL);
	assert_int_equal(r.status, 0);
	HAS(r.out, "A: 4 domains, mode scarce, scarce for 2 collections");

	run(&r, "plan", "--algorithm", "rebalance", "--cache", cache, NULL);
	assert_int_equal(r.status, 0);
	HAS(r.out, "A by 840 MiB: short for 2 cycles, hold is 3");
	run(&r, "plan", "--algorithm", "rebalance", "--cache", cache, "--hold", "2", NULL);
	assert_int_equal(r.status, 0);
	HAS(r.out, "short (MiB)");
	HAS(r.out, "840\n");
	HAS(r.out, "migrate a3                   A -> B, 2048 MiB: relieves 840 MiB of A's shortfall");

	/* A host whose status format is unknown, or whose figures do not add
	 * up, is refused and the cache is left as it was. */
	run(&r, "collect", "--ssh", fix("fake-ssh"), "--host", "badver",
	    "--info-cmd", "", "--cache", cache, NULL);
	assert_int_equal(r.status, 1);
	HAS(r.err, "host badver: status: format version 9, this membal-place reads 1 to 2");
	run(&r, "collect", "--ssh", fix("fake-ssh"), "--host", "badsum",
	    "--info-cmd", "", "--cache", cache, NULL);
	assert_int_equal(r.status, 1);
	HAS(r.err, "host badsum: status: figures do not add up");
	run(&r, "collect", "--ssh", fix("fake-ssh"), "--host", "gone", "--cache", cache, NULL);
	assert_int_equal(r.status, 1);
	HAS(r.err, "host gone: '");
	run(&r, "plan", "--algorithm", "gm", "--cache", cache, NULL);
	assert_int_equal(r.status, 0);

	/* Too old, not a cache, unknown cache version. */
	run(&r, "plan", "--algorithm", "gm", "--cache", fix("cache-old.json"), NULL);
	assert_int_equal(r.status, 1);
	HAS(r.err, "s ago, older than --max-age 300 s");
	write_file(tmp("x.json"), "{\"hosts\": []}\n");
	run(&r, "plan", "--algorithm", "gm", "--cache", tmp("x.json"), NULL);
	assert_int_equal(r.status, 1);
	HAS(r.err, "not a membal-place cache");
	write_file(tmp("x.json"), "{\"format\": \"membal-place-cache\", \"version\": 2}\n");
	run(&r, "plan", "--algorithm", "gm", "--cache", tmp("x.json"), NULL);
	assert_int_equal(r.status, 1);
	HAS(r.err, "cache version other, this membal-place reads 1");
	write_file(tmp("x.json"), "{\"format\": \"membal-place-cache\"} x\n");
	run(&r, "plan", "--algorithm", "gm", "--cache", tmp("x.json"), NULL);
	assert_int_equal(r.status, 1);
	HAS(r.err, "trailing data");
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_rebalance_csv),
		cmocka_unit_test(test_placement_csv),
		cmocka_unit_test(test_csv_errors),
		cmocka_unit_test(test_collect_and_cache),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
