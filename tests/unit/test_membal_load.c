/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-load as a program: what the real-Xen harness relies on when it
 * runs it in a guest. hold really uses its memory, idle only promises it
 * (the hoarder of the idle memory tax), mono rises to --high and comes
 * back, SIGTERM ends it cleanly, bad command lines exit 2.
 *
 * Measured on the child's /proc/<pid>/status (VmRSS) and smaps:
 * real kernel accounting, no Xen involved.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

static char bin[300];

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Start membal-load with stdout to `out` (NULL: /dev/null). */
static pid_t start(const char *out, const char *const args[])
{
	char *argv[16];
	size_t n = 0;

	argv[n++] = bin;
	for (; args[n - 1] && n < 15; n++)
		argv[n] = (char *)args[n - 1];
	argv[n] = NULL;
	fflush(NULL);
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (!freopen(out ? out : "/dev/null", "w", stdout) ||
		    !freopen("/dev/null", "w", stderr))
			_exit(126);
		execv(bin, argv);
		_exit(127);
	}
	return pid;
}

static int finish(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run(const char *const args[])
{
	return finish(start(NULL, args));
}

/* A "VmRSS:" style field of /proc/<pid>/status, in KiB (-1 if absent). */
static long status_kb(pid_t pid, const char *field)
{
	char path[64], line[256];
	long v = -1;
	size_t len = strlen(field);

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':')
			v = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return v;
}

/* Anonymous private writable memory the kernel accounts as committed
 * (VmFlags without "nr", i.e. not MAP_NORESERVE, which keeps the
 * sanitizer's shadow out), in KiB, from /proc/<pid>/smaps. */
static long committed_anon_kb(pid_t pid)
{
	char path[64], line[512];
	long sum = 0, size = 0;
	int anon = 0;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long a, b;
		char perms[8];
		int end = 0;

		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s%n", &a, &b, perms, &end) == 3) {
			const char *rest = line + end;

			rest += strspn(rest, " ");
			anon = perms[0] == 'r' && perms[1] == 'w' && perms[3] == 'p' &&
			       (*rest == '\n' || *rest == '\0');
		} else if (!strncmp(line, "Size:", 5)) {
			size = strtol(line + 5, NULL, 10);
		} else if (!strncmp(line, "VmFlags:", 8) && anon && !strstr(line, " nr")) {
			sum += size;
		}
	}
	fclose(f);
	return sum;
}

/* Wait until the --verbose output file has its first line: the
 * allocation is in place (membal-load reports after mapping). */
static void wait_mapped(const char *out)
{
	for (int i = 0; i < 1000; i++) {
		FILE *f = fopen(out, "r");
		int c = f ? fgetc(f) : EOF;

		if (f)
			fclose(f);
		if (c != EOF)
			return;
		sleep_ms(20);
	}
	fail_msg("%s: membal-load never reported its allocation", out);
}

static void tmpname(char *buf)
{
	int fd = mkstemp(buf);

	assert_true(fd >= 0);
	close(fd);
}

static void test_bad_command_lines_exit_2(void **state)
{
	(void)state;
	const char *const no_period[] = { "mono", "--low", "1", "--high", "2", NULL };
	const char *const inverted[] = { "mono", "--low", "9", "--high", "2", "--period", "4", NULL };
	const char *const unknown[] = { "swapstorm", "--size", "1", NULL };
	const char *const no_size[] = { "idle", NULL };
	const char *const garbage[] = { "hold", "--size", "12abc", NULL };
	const char *const extra[] = { "hold", "--size", "1", "more", NULL };
	const char *const none[] = { NULL };

	assert_int_equal(run(no_period), 2);
	assert_int_equal(run(inverted), 2);
	assert_int_equal(run(unknown), 2);
	assert_int_equal(run(no_size), 2);
	assert_int_equal(run(garbage), 2);
	assert_int_equal(run(extra), 2);
	assert_int_equal(run(none), 2);
}

/* idle promises its memory (committed) without using it (resident);
 * hold uses it. Each compared side by side with the same program so
 * that the sanitizer runtime's own memory cancels out. */
static void test_idle_promises_hold_uses(void **state)
{
	(void)state;
	const long size_kb = 64 * 1024, slack_kb = 8 * 1024;
	char o0[] = "/tmp/membal-load-test.XXXXXX", oi[] = "/tmp/membal-load-test.XXXXXX",
	     oh[] = "/tmp/membal-load-test.XXXXXX";
	const char *const idle0[] = { "idle", "--size", "0", "--verbose", NULL };
	const char *const idle[] = { "idle", "--size", "64", "--verbose", NULL };
	const char *const hold[] = { "hold", "--size", "64", "--verbose", NULL };

	tmpname(o0);
	tmpname(oi);
	tmpname(oh);
	pid_t p0 = start(o0, idle0), pi = start(oi, idle), ph = start(oh, hold);

	wait_mapped(o0);
	wait_mapped(oi);
	wait_mapped(oh);
	long c0 = committed_anon_kb(p0), ci = committed_anon_kb(pi), ch = committed_anon_kb(ph);
	long r0 = status_kb(p0, "VmRSS"), ri = status_kb(pi, "VmRSS"), rh = status_kb(ph, "VmRSS");

	print_message("committed anon KiB: idle 0 %ld, idle 64 MiB %ld, hold 64 MiB %ld; "
		      "RSS KiB: %ld, %ld, %ld\n", c0, ci, ch, r0, ri, rh);
	kill(p0, SIGTERM);
	kill(pi, SIGTERM);
	kill(ph, SIGTERM);
	assert_int_equal(finish(p0), 0);
	assert_int_equal(finish(pi), 0);
	assert_int_equal(finish(ph), 0);
	unlink(o0);
	unlink(oi);
	unlink(oh);
	assert_true(ci - c0 >= size_kb - slack_kb);      /* idle: promised */
	assert_true(ri - r0 < slack_kb);                 /* ... not used */
	assert_true(ch - c0 >= size_kb - slack_kb);      /* hold: promised */
	assert_true(rh - ri >= size_kb - slack_kb);      /* ... and used */
}

/* mono follows the triangle low -> high -> low (with --top, a flat top
 * of that many seconds): every size it reports is the shape's value at
 * the time it gives with it (exact, however late a loaded machine runs
 * it), it rises and then falls, and it comes back to 0 when its cycle
 * ends, saying so with --verbose. */
static unsigned long long mono_mib(unsigned long long t_ms, unsigned long long top_ms)
{
	unsigned long long period = 2000, half = period / 2, cycle = period + top_ms;
	unsigned long long p = t_ms % cycle, up;

	if (p >= half && p <= half + top_ms)
		return 16;
	up = p < half ? p : cycle - p;
	return 2 + (16 - 2) * up / half;
}

/* Runs mono with --top TOP ("0": none) and checks its report against
 * mono_mib(); returns the time of its last report (its 0 at the end of
 * the cycle, which --top lengthens). */
static unsigned long long run_mono(const char *top)
{
	char out[] = "/tmp/membal-load-test.XXXXXX";
	const char *const mono[] = { "mono", "--low", "2", "--high", "16", "--period", "2",
				     "--top", top, "--step-ms", "20", "--verbose", NULL };
	unsigned long long top_ms = strtoull(top, NULL, 10) * 1000;

	tmpname(out);
	assert_int_equal(finish(start(out, mono)), 0);

	FILE *f = fopen(out, "r");
	unsigned long long t[512], size[512];
	int lines = 0;

	assert_non_null(f);
	while (lines < 512 && fscanf(f, "%llu %llu", &t[lines], &size[lines]) == 2)
		lines++;
	fclose(f);
	unlink(out);
	assert_true(lines >= 2);

	unsigned long long peak = 0;
	int falling = 0;

	for (int i = 0; i < lines - 1; i++) {
		assert_int_equal(size[i], mono_mib(t[i], top_ms));
		if (i > 0 && size[i] < size[i - 1])
			falling = 1;
		if (falling && i > 0)
			assert_true(size[i] <= size[i - 1]);
		if (size[i] > peak)
			peak = size[i];
	}
	print_message("--top %s: %d lines, first %llu, peak %llu, last %llu MiB at %llu ms\n",
		      top, lines, size[0], peak, size[lines - 1], t[lines - 1]);
	assert_int_equal(size[0], 2);
	assert_true(peak <= 16);
	assert_int_equal(size[lines - 1], 0);
	return t[lines - 1];
}

static void test_mono_triangle(void **state)
{
	(void)state;
	assert_true(run_mono("0") >= 2000);
}

static void test_mono_top(void **state)
{
	(void)state;
	/* Every report in the top's second is --high (mono_mib()), and the
	 * cycle ends a second later than the plain triangle's. */
	assert_true(run_mono("1") >= 3000);
}

/* hold --ramp: the size rises in steps to --size, then stays there until
 * --seconds ends. */
static void test_hold_ramp(void **state)
{
	(void)state;
	char out[] = "/tmp/membal-load-test.XXXXXX";
	const char *const hold[] = { "hold", "--size", "16", "--ramp", "1", "--seconds", "2",
				     "--step-ms", "20", "--verbose", NULL };

	tmpname(out);
	assert_int_equal(finish(start(out, hold)), 0);

	FILE *f = fopen(out, "r");
	unsigned long long t, size, prev = 0, first = 99, at16_ms = 0, last = 99;
	int lines = 0, rising = 1;

	assert_non_null(f);
	while (fscanf(f, "%llu %llu", &t, &size) == 2) {
		if (lines++ == 0)
			first = size;
		if (size == 16 && !at16_ms)
			at16_ms = t;
		if (size != 0 && size < prev)
			rising = 0;
		prev = size;
		last = size;
	}
	fclose(f);
	unlink(out);
	print_message("%d lines, first %llu MiB, 16 MiB at %llu ms, last %llu\n",
		      lines, first, at16_ms, last);
	assert_true(lines >= 4);            /* several steps, not one jump */
	assert_true(first < 16);
	assert_true(rising);
	assert_true(at16_ms >= 900);        /* reached only at the ramp's end */
	assert_int_equal(last, 0);          /* freed at --seconds */
}

static void test_sigterm_ends_cleanly(void **state)
{
	(void)state;
	char out[] = "/tmp/membal-load-test.XXXXXX";
	const char *const hold[] = { "hold", "--size", "4", "--verbose", NULL };

	tmpname(out);
	pid_t pid = start(out, hold);

	wait_mapped(out);
	kill(pid, SIGTERM);
	assert_int_equal(finish(pid), 0);
	unlink(out);
}

int main(void)
{
	const char *e = getenv("MEMBAL_BIN");

	snprintf(bin, sizeof(bin), "%s/membal-load", e ? e : "build/san");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_command_lines_exit_2),
		cmocka_unit_test(test_idle_promises_hold_uses),
		cmocka_unit_test(test_mono_triangle),
		cmocka_unit_test(test_mono_top),
		cmocka_unit_test(test_hold_ramp),
		cmocka_unit_test(test_sigterm_ends_cleanly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
