/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `membalctl status` as a user runs it: $MEMBAL_BIN/membalctl on the
 * status files in $MEMBAL_FIXTURES/status, stdout compared with golden
 * files (MEMBALCTL_NOW pins "now" for the ages), and damaged files
 * refused with the member named. To regenerate a golden file after a
 * deliberate change: MEMBALCTL_NOW=1764900002.5 membalctl status ... >
 * tests/fixtures/status/NAME.out, then read the diff.
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
	char out[65536];
	char err[4096];
};

static void slurp_fd(int fd, char *buf, size_t size)
{
	ssize_t n;
	size_t len = 0;

	lseek(fd, 0, SEEK_SET);
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
}

static char *slurp(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		fail_msg("cannot open %s", path);
	slurp_fd(fd, buf, sizeof(buf));
	close(fd);
	return buf;
}

static int temp_fd(void)
{
	char path[] = "/tmp/membal-status-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	return fd;
}

static const char *fixture(const char *name)
{
	static char path[4][512];
	static int slot;

	slot = (slot + 1) % 4;
	snprintf(path[slot], sizeof(path[slot]), "%s/status/%s",
		 getenv("MEMBAL_FIXTURES"), name);
	return path[slot];
}

/* membalctl ARGS... with stdin from in_text (or empty). */
static void run_ctl(struct run *r, const char *in_text, const char *const *args)
{
	char path[512];
	const char *argv[32] = { path };
	size_t argc = 1;
	int in_fd = temp_fd(), out_fd = temp_fd(), err_fd = temp_fd();

	snprintf(path, sizeof(path), "%s/membalctl", getenv("MEMBAL_BIN"));
	for (size_t i = 0; args[i]; i++)
		argv[argc++] = args[i];
	if (in_text)
		assert_true(write(in_fd, in_text, strlen(in_text)) == (ssize_t)strlen(in_text));
	lseek(in_fd, 0, SEEK_SET);

	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(in_fd, 0);
		dup2(out_fd, 1);
		dup2(err_fd, 2);
		setenv("MEMBALCTL_NOW", "1764900002.5", 1);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	slurp_fd(out_fd, r->out, sizeof(r->out));
	slurp_fd(err_fd, r->err, sizeof(r->err));
	close(in_fd);
	close(out_fd);
	close(err_fd);
}

static struct run r;

static void golden(const char *expect, const char *const *args)
{
	run_ctl(&r, NULL, args);
	const char *want = slurp(fixture(expect));

	if (r.status != 0 || strcmp(r.out, want) != 0)
		fail_msg("%s: exit %d\n--- got\n%s--- expected\n%s--- stderr\n%s",
			 expect, r.status, r.out, want, r.err);
	assert_string_equal(r.err, "");
}

/* Units in the header, "-" for none, MemAvailable where the policy reads
 * it (MemFree for a guest that does not report it), the Why column, the
 * report's age, a 49-character name cut at 40 with a '~', dom0's target
 * as it holds (no memory/target), the state not repeated among the
 * flags; -v adds the price. */
static void test_table(void **state)
{
	golden("table.out", (const char *[]){ "status", "--file", fixture("host.json"), NULL });
	assert_non_null(strstr(r.out, "batch-worker-with-a-rather-long-name-fo~ "));
	assert_null(strstr(r.out, "e-06"));
	golden("table_v.out", (const char *[]){ "status", "-v", "--file", fixture("host.json"), NULL });
	assert_non_null(strstr(r.out, "2.33e-06"));
}

/* One domain by name or by id, with what its state and flags mean. */
static void test_one_domain(void **state)
{
	golden("domain_web1.out", (const char *[]){ "status", "web1", "--file", fixture("host.json"), NULL });
	run_ctl(&r, NULL, (const char *[]){ "status", "--file", fixture("host.json"), "9", NULL });
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "domain 9 (db)"));
	assert_non_null(strstr(r.out, "to do: membalctl resume DOMAIN"));
	/* db's report is an older arbiter's (no swap_zram_kb): "-", not 0 */
	assert_non_null(strstr(r.out, "  of SwapTotal on zram   -\n"));
	run_ctl(&r, NULL, (const char *[]){ "status", "nosuch", "--file", fixture("host.json"), NULL });
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "no domain 'nosuch'"));
}

/* --csv is plan's input: plan reads it back without a complaint, and
 * decides for the managed domains (dom0 and the held one are left out:
 * the arbiter already took their growth out of the budget). */
static void test_csv_feeds_plan(void **state)
{
	static char csv[65536];

	golden("host.csv", (const char *[]){ "status", "--csv", "--file", fixture("host.json"), NULL });
	snprintf(csv, sizeof(csv), "%s", r.out);
	/* budget -20480 + reserve 131072, as the comment says */
	assert_non_null(strstr(csv, "# membalctl plan --host-free-kb 110592 --reserve-kb 131072\n"));
	run_ctl(&r, csv, (const char *[]){ "plan", "--host-free-kb", "110592",
					    "--reserve-kb", "131072", NULL });
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_non_null(strstr(r.out, "\n3,web1,scarce,"));
	assert_non_null(strstr(r.out, "\n7,batch-worker-with-a-rather-long-name-for-reports,scarce,"));
	assert_null(strstr(r.out, "\n9,"));
}

struct bad { const char *text, *message; };

/* A damaged or foreign file: exit 1 and the member (or offset) named. */
static void test_bad_files(void **state)
{
	static const struct bad bad[] = {
		{ "", "offset 0: unexpected end" },
		{ "{\"version\":2,", "unexpected end" },
		{ "[1,2]", "not an object" },
		{ "{\"version\":1}", "version: 1, this membalctl reads 2" },
		{ "{\"version\":2,\"host\":{}}", "domains: missing or not an array" },
		{ "{\"version\":2,\"host\":{},\"domains\":[{\"domid\":1}]}", "domains[0].name: missing" },
		{ "{\"version\":2,\"host\":{},\"domains\":[{\"domid\":32752,\"name\":\"a\",\"state\":\"managed\"}]}",
		  "domains[0].domid: out of range" },
		{ "{\"version\":2,\"host\":{},\"domains\":[{\"domid\":1,\"name\":\"a\\u001b[2J\",\"state\":\"managed\"}]}",
		  "domains[0].name: control character" },
		/* version 1 wrote "-" strings for empty lists */
		{ "{\"version\":2,\"host\":{},\"domains\":[{\"domid\":1,\"name\":\"a\",\"state\":\"managed\",\"flags\":\"-\"}]}",
		  "domains[0].flags: not an array" },
		{ "{\"version\":2,\"host\":{\"free_kb\":-1},\"domains\":[]}", "host.free_kb: out of range" },
		{ "{\"version\":2,\"host\":{},\"domains\":[]} x", "offset 37: " },
		{ "{\"version\":2,\"host\":{},\"domains\":[{\"domid\":1,\"name\":\"a\",\"state\":\"managed\",\"report\":{\"age_ms\":1}}]}",
		  "domains[0].report.free_kb: missing" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[] = "/tmp/membal-status-bad-XXXXXX";
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		assert_true(write(fd, bad[i].text, strlen(bad[i].text)) == (ssize_t)strlen(bad[i].text));
		close(fd);
		run_ctl(&r, NULL, (const char *[]){ "status", "--file", path, NULL });
		unlink(path);
		if (r.status != 1 || !strstr(r.err, bad[i].message) || r.out[0])
			fail_msg("case %zu: exit %d, stderr '%s' (want '%s'), stdout '%s'",
				 i, r.status, r.err, bad[i].message, r.out);
	}
}

/* A reservation part of which waits for the guests' needs (design.md
 * §The estimate's slack) says so on the memory line. */
static void test_reservation_waits(void **state)
{
	char path[] = "/tmp/membal-status-resv-XXXXXX";
	char *text = slurp(fixture("host.json"));
	const char *from = "\"reservation_kb\":null,";
	char *at = strstr(text, from);
	char edited[1 << 16];
	int fd = mkstemp(path);

	assert_non_null(at);
	assert_true(fd >= 0);
	snprintf(edited, sizeof(edited), "%.*s\"reservation_kb\":524288,\"reservation_waits_kb\":102400,%s",
		 (int)(at - text), text, at + strlen(from));
	assert_true(write(fd, edited, strlen(edited)) == (ssize_t)strlen(edited));
	close(fd);
	run_ctl(&r, NULL, (const char *[]){ "status", "--file", path, NULL });
	unlink(path);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "reservation 512 (100 of it waits: the guests are at their needs)"));
	/* Without it, no such words (table.out is the golden file). */
	run_ctl(&r, NULL, (const char *[]){ "status", "--file", fixture("host.json"), NULL });
	assert_null(strstr(r.out, "waits"));
}

/* The paths come from arbiter.ini (--config); an old file is flagged. */
static void test_config_and_usage(void **state)
{
	char ini[] = "/tmp/membal-status-ini-XXXXXX", text[700];
	int fd = mkstemp(ini);

	snprintf(text, sizeof(text), "[daemon]\nstatus_file = %s\n"
		 "control_socket = /nonexistent/membal-test.sock\n[policy]\ntau = 0.5\n",
		 fixture("host.json"));
	assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	run_ctl(&r, NULL, (const char *[]){ "status", "--config", ini, NULL });
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, slurp(fixture("table.out")));
	/* pause, resume, reserve, release: the socket from the same file */
	run_ctl(&r, NULL, (const char *[]){ "pause", "web1", "--config", ini, NULL });
	unlink(ini);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "/nonexistent/membal-test.sock"));

	run_ctl(&r, NULL, (const char *[]){ "status", "--config", "/nonexistent/arbiter.ini", NULL });
	assert_int_equal(r.status, 1);
	run_ctl(&r, NULL, (const char *[]){ "status", "--watch", "0", NULL });
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--watch '0'"));
	run_ctl(&r, NULL, (const char *[]){ "status", "--bogus", NULL });
	assert_int_equal(r.status, 2);
	run_ctl(&r, NULL, (const char *[]){ "status", "web1", "--json", NULL });
	assert_int_equal(r.status, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_one_domain),
		cmocka_unit_test(test_csv_feeds_plan),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_config_and_usage),
		cmocka_unit_test(test_reservation_waits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
