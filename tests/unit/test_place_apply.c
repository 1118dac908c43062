/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-place apply as an administrator runs it, with fake ssh and xl
 * (fixtures/place/apply-ssh records every command it is asked to run and
 * answers as membalctl and xl would): the order of the steps per move,
 * failure paths (no room, migration refused, guest held), the journal and
 * a resumed run after an interruption.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/membal-apply-XXXXXX";
static char out[16384], logbuf[16384], jbuf[16384];

static const char *path(const char *name)
{
	static char p[4][256];
	static int slot;

	slot = (slot + 1) % 4;
	snprintf(p[slot], sizeof(p[slot]), "%s/%s", dir, name);
	return p[slot];
}

static const char *fix(const char *name)
{
	static char p[4][512];
	static int slot;
	const char *d = getenv("MEMBAL_FIXTURES");

	slot = (slot + 1) % 4;
	snprintf(p[slot], sizeof(p[slot]), "%s/place/%s", d ? d : "tests/fixtures", name);
	return p[slot];
}

static void slurp(const char *file, char *buf, size_t size)
{
	FILE *f = fopen(file, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (!f)
		return;
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* membal-place apply ARGS... with the fake ssh; stdout+stderr in out. */
static int apply(const char *first, ...)
{
	const char *bin = getenv("MEMBAL_BIN");
	const char *argv[32];
	char prog[512], mig[600];
	int n = 0, st;
	va_list ap;

	snprintf(prog, sizeof(prog), "%s/membal-place", bin ? bin : "build/san");
	snprintf(mig, sizeof(mig), "%s {from} xl migrate {guest} {to}", fix("apply-ssh"));
	argv[n++] = prog;
	argv[n++] = "apply";
	argv[n++] = "--plan";
	argv[n++] = fix("apply-plan.csv");
	argv[n++] = "--journal";
	argv[n++] = path("journal");
	argv[n++] = "--ssh";
	argv[n++] = fix("apply-ssh");
	argv[n++] = "--migrate-cmd";
	argv[n++] = mig;
	va_start(ap, first);
	for (const char *a = first; a && n < 31; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	fflush(NULL);
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *o = freopen(path("out"), "w", stdout);

		(void)o;
		dup2(1, 2);
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	slurp(path("out"), out, sizeof(out));
	slurp(path("log"), logbuf, sizeof(logbuf));
	slurp(path("journal"), jbuf, sizeof(jbuf));
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* The lines of the ssh log about guest g, in order. */
static const char *lines_of(const char *g)
{
	static char buf[8192];
	char needle[80];
	size_t n = 0;

	snprintf(needle, sizeof(needle), " %s", g);
	buf[0] = '\0';
	for (const char *l = logbuf; *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)len, l);
		/* a line names g as a word: after a space, then space or end */
		const char *p = strstr(line, needle);

		if (p && (p[strlen(needle)] == ' ' || p[strlen(needle)] == '\0') &&
		    n + len + 2 < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s\n", line);
		l = e ? e + 1 : l + len;
	}
	return buf;
}

/* Every needle (NULL-terminated) is in hay; the first missing one is named. */
static void has(const char *hay, ...)
{
	va_list ap;
	const char *needle;

	va_start(ap, hay);
	while ((needle = va_arg(ap, const char *)))
		if (!strstr(hay, needle))
			fail_msg("'%s' not in:\n%s", needle, hay);
	va_end(ap);
}

static int setup(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (!mkdtemp(dir))
		return -1;
	setenv("APPLY_LOG", path("log"), 1);
	unsetenv("APPLY_FULL");
	unsetenv("APPLY_MIGRATE_FAIL");
	unsetenv("APPLY_HOLD");
	unsetenv("APPLY_ID");
	unsetenv("APPLY_RULES_DIFF");
	(void)cmd;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	strcpy(dir, "/tmp/membal-apply-XXXXXX");
	return 0;
}

static void test_dry_run_does_nothing(void **state)
{
	assert_int_equal(apply(NULL), 0);
	has(out,
	    "web1 hostA -> hostB (262144 KiB), would run:",
	    "reserve 270336K --for web1 --lease 3900 --wait --timeout 300",
	    "dry run: nothing done (--apply to do it)", NULL);
	assert_null(strstr(out, "new1"));      /* a start row is not a migration */
	assert_string_equal(logbuf, "");       /* nothing was run */
	assert_string_equal(jbuf, "");
	assert_int_equal(access(path("journal"), F_OK), -1);
}

static void test_moves_in_order(void **state)
{
	assert_int_equal(apply("--apply", "--max-concurrent", "1", NULL), 0);
	assert_string_equal(lines_of("web1"),
			    "hostA membalctl state export web1\n"
			    "hostB membalctl reserve 270336K --for web1 --lease 3900 --wait --timeout 300\n"
			    "hostB membalctl state import web1 hold=none oom_min_kb=0 oom_until=0\n"
			    "hostA membalctl pause web1\n"
			    "hostA xl migrate web1 hostB\n");
	has(logbuf,
	    "hostA xl migrate web1 hostB\nhostB membalctl release 7\n",
	    "hostC xl migrate app1 hostB\nhostB membalctl release 7\n", NULL);
	assert_null(strstr(logbuf, "resume"));
	assert_null(strstr(logbuf, "new1"));
	has(jbuf,
	    " web1:hostA:hostB reserve ok 7\n",
	    " web1:hostA:hostB done ok\n",
	    " db1:hostA:hostC done ok\n",
	    " app1:hostC:hostB done ok\n", NULL);
	assert_non_null(strstr(out, "web1 hostA -> hostB: done"));
	/* run again over the journal: nothing to do */
	remove(path("log"));
	assert_int_equal(apply("--apply", NULL), 0);
	assert_string_equal(logbuf, "");
	assert_non_null(strstr(out, "web1 hostA -> hostB: skipped: done"));
}

static void test_failed_migration_undone_and_cooled(void **state)
{
	setenv("APPLY_MIGRATE_FAIL", "db1", 1);
	assert_int_equal(apply("--apply", NULL), 1);
	assert_string_equal(lines_of("db1"),
			    "hostA membalctl state export db1\n"
			    "hostC membalctl reserve 532480K --for db1 --lease 3900 --wait --timeout 300\n"
			    "hostC membalctl state import db1 hold=none oom_min_kb=0 oom_until=0\n"
			    "hostA membalctl pause db1\n"
			    "hostA xl migrate db1 hostC\n"
			    "hostA membalctl resume db1\n");
	assert_non_null(strstr(logbuf, "hostC membalctl release 7\n"));
	has(jbuf,
	    " cooldown hostA:hostC ",
	    " db1:hostA:hostC migrate rc=1 migration target: Cannot allocate memory",
	    " db1:hostA:hostC failed migrate",
	    " web1:hostA:hostB done ok\n", NULL);
	assert_non_null(strstr(out, "db1 hostA -> hostC: FAILED (migrate); the guest stays where it was"));
	/* not retried while the pair cools down */
	remove(path("log"));
	unsetenv("APPLY_MIGRATE_FAIL");
	assert_int_equal(apply("--apply", NULL), 1);
	assert_string_equal(logbuf, "");
	assert_int_equal(apply("--explain", NULL), 1);
	assert_non_null(strstr(out, "db1 hostA -> hostC: failed (not retried while its pair cools down)"));
}

static void test_no_room_nothing_paused(void **state)
{
	setenv("APPLY_FULL", "hostB", 1);
	assert_int_equal(apply("--apply", NULL), 1);
	/* reserve --wait failed (and released itself): no pause, no migrate */
	assert_string_equal(lines_of("web1"),
			    "hostA membalctl state export web1\n"
			    "hostB membalctl reserve 270336K --for web1 --lease 3900 --wait --timeout 300\n");
	assert_null(strstr(logbuf, "hostB membalctl release"));
	assert_null(strstr(logbuf, "pause web1"));
	has(jbuf,
	    " web1:hostA:hostB failed reserve 7 membalctl: reservation 7: 40960 KiB still missing",
	    " db1:hostA:hostC done ok\n", NULL);
}

static void test_held_guest_not_moved(void **state)
{
	setenv("APPLY_HOLD", "paused", 1);
	assert_int_equal(apply("--apply", "--max-concurrent", "1", NULL), 1);
	assert_string_equal(lines_of("web1"), "hostA membalctl state export web1\n");
	assert_null(strstr(logbuf, "reserve"));
	assert_non_null(strstr(out, "web1 hostA -> hostB: FAILED (held)"));
}

/* An interrupted run: web1 had its reservation and its pause, db1's
 * migration had started; app1 never began. */
static void test_interrupted_run_resumed(void **state)
{
	FILE *j = fopen(path("journal"), "w");

	assert_non_null(j);
	fputs("1700000000 web1:hostA:hostB state-export ok hold=none oom_min_kb=0 oom_until=0\n"
	      "1700000001 web1:hostA:hostB reserve ok 5\n"
	      "1700000002 web1:hostA:hostB pause ok\n"
	      "1700000003 db1:hostA:hostC reserve ok 6\n"
	      "1700000004 db1:hostA:hostC pause ok\n"
	      "1700000005 db1:hostA:hostC migrate start ssh hostA xl migrate db1 hostC\n", j);
	fclose(j);
	assert_int_equal(apply("--explain", NULL), 1);
	has(out,
	    "web1 hostA -> hostB: interrupted before the migration: will be undone and redone",
	    "db1 hostA -> hostC: IN DOUBT",
	    "app1 hostC -> hostB: not started", NULL);
	assert_int_equal(apply("--apply", NULL), 1);
	assert_string_equal(lines_of("web1"),
			    "hostA membalctl resume web1\n"
			    "hostA membalctl state export web1\n"
			    "hostB membalctl reserve 270336K --for web1 --lease 3900 --wait --timeout 300\n"
			    "hostB membalctl state import web1 hold=none oom_min_kb=0 oom_until=0\n"
			    "hostA membalctl pause web1\n"
			    "hostA xl migrate web1 hostB\n");
	assert_non_null(strstr(logbuf, "hostB membalctl release 5\n"));
	assert_null(strstr(logbuf, "db1"));   /* left to a human */
	assert_non_null(strstr(out, "db1 hostA -> hostC: skipped: IN DOUBT"));
	assert_non_null(strstr(jbuf, " app1:hostC:hostB done ok\n"));
}

/* [domain GUEST] differs between the hosts: said and journaled, the move
 * goes on; the same rules: nothing said. */
static void test_rules_compared(void **state)
{
	setenv("APPLY_RULES_DIFF", "hostB", 1);
	assert_int_equal(apply("--apply", NULL), 0);
	assert_non_null(strstr(out, "web1 hostA -> hostB: warning: [domain web1] differs between hostA and hostB"));
	assert_non_null(strstr(jbuf, " web1:hostA:hostB rules differ hostA: min_mb = 256; hostB: min_mb = 300\n"));
	assert_non_null(strstr(logbuf, "hostA membal-arbiter --check-config\n"));
	assert_non_null(strstr(jbuf, " web1:hostA:hostB done ok\n"));
	/* db1 has no section on either host, app1 neither: no warning */
	assert_null(strstr(out, "db1 hostA -> hostC: warning"));
	assert_null(strstr(jbuf, "db1:hostA:hostC rules"));
}

static void test_bad_plans_refused(void **state)
{
	FILE *f = fopen(path("bad.csv"), "w");

	assert_non_null(f);
	fputs("action,wave,guest,from,to,size_kb,gain_kb,reason\n"
	      "migrate,1,web1;reboot,hostA,hostB,1024,1,rebalance\n", f);
	fclose(f);
	const char *bin = getenv("MEMBAL_BIN");
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "%s/membal-place apply --plan %s >%s 2>&1",
		 bin ? bin : "build/san", path("bad.csv"), path("out"));
	assert_int_equal(WEXITSTATUS(system(cmd)), 1);
	slurp(path("out"), out, sizeof(out));
	assert_non_null(strstr(out, "bad.csv:2: guest or host name not usable in a command line"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dry_run_does_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_moves_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_migration_undone_and_cooled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_room_nothing_paused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_guest_not_moved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupted_run_resumed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rules_compared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_plans_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
