/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scripts/demo.sh (what `make demo` and scripts/setup.sh run) returns and
 * leaves nothing behind: a short demo (DEMO_SECONDS) run in a session of
 * its own must exit 0 within a generous bound, and afterwards no process
 * of that session may be alive and its temporary directory must be gone.
 * The same after a Ctrl-C (SIGINT to its process group) in the middle. The bound is a
 * hang detector, not a speed assertion: a 3-second demo that has not
 * returned after two minutes is hanging.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BOUND_MS 120000

static char out_path[64];

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static char *slurp(const char *path)
{
	static char buf[1 << 17];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* The demo in a new session (setsid): every process it starts stays in
 * that session unless it calls setsid itself, which none of ours does. */
static pid_t start_demo(unsigned seconds)
{
	const char *bin = getenv("MEMBAL_BIN"), *fx = getenv("MEMBAL_FIXTURES");
	char script[512], secs[16];
	pid_t pid;

	snprintf(out_path, sizeof(out_path), "/tmp/membal-demo-test.XXXXXX");
	int fd = mkstemp(out_path);

	assert_true(fd >= 0);
	snprintf(script, sizeof(script), "%s/../../scripts/demo.sh", fx ? fx : "tests/fixtures");
	snprintf(secs, sizeof(secs), "%u", seconds);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sigset_t none;

		/* As from a terminal: a shell cannot trap a signal that was
		 * ignored when it started (make or CI may run us that way). */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setsid();
		dup2(fd, 1);
		dup2(fd, 2);
		setenv("MEMBAL_BIN", bin ? bin : "build/san", 1);
		setenv("DEMO_SECONDS", secs, 1);
		execl("/bin/sh", "sh", script, (char *)NULL);
		_exit(127);
	}
	close(fd);
	return pid;
}

/* Exit status, or -1 if it did not return within ms. */
static int wait_bounded(pid_t pid, unsigned ms)
{
	int status;

	for (unsigned t = 0; t < ms; t += 50) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		sleep_ms(50);
	}
	return -1;
}

/* Processes still alive in session sid (zombies not yet reaped by init
 * count too: a process that has not been waited for is not gone). The
 * names of the first few go into what. */
static int session_survivors(pid_t sid, char *what, size_t size)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	what[0] = '\0';
	while ((e = readdir(d))) {
		char path[300], stat[512], *p;
		long s;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		size_t len = fread(stat, 1, sizeof(stat) - 1, f);

		fclose(f);
		stat[len] = '\0';
		p = strrchr(stat, ')');
		if (!p || sscanf(p + 1, " %*c %*d %*d %ld", &s) != 1 || s != sid)
			continue;
		n++;
		size_t used = strlen(what);

		snprintf(what + used, size - used, " %.*s", (int)(strchr(stat, ')') - stat + 1), stat);
	}
	closedir(d);
	return n;
}

/* The demo's temporary directory, from the simulated host's first line. */
static void assert_tmpdir_removed(const char *out)
{
	const char *p = strstr(out, "files under /tmp/membal-demo.");
	char dir[64];

	assert_non_null(p);
	p += strlen("files under ");
	const char *end = strstr(p, "/guests");

	assert_non_null(end);
	size_t n = (size_t)(end - p);

	assert_true(n < sizeof(dir));
	memcpy(dir, p, n);
	dir[n] = '\0';
	if (access(dir, F_OK) == 0)
		fail_msg("the demo left %s behind", dir);
}

static void check_nothing_left(pid_t sid, const char *out)
{
	char what[512];
	int n = 0;

	/* Children killed by the demo's cleanup are reparented and reaped
	 * by init: give that a moment (10 s: on a loaded 2-CPU machine a
	 * dying subshell was seen alive after 2 s). A process that stays is
	 * still found: this is a grace period, not a measurement. */
	for (int i = 0; i < 200 && (n = session_survivors(sid, what, sizeof(what))) > 0; i++)
		sleep_ms(50);
	if (n > 0) {
		kill(-sid, SIGKILL);
		fail_msg("%d process(es) left behind:%s\n%s", n, what, out);
	}
	assert_tmpdir_removed(out);
}

static void test_short_demo_returns(void **state)
{
	pid_t pid = start_demo(3);
	int rc = wait_bounded(pid, BOUND_MS);
	char *out = slurp(out_path);

	if (rc < 0) {
		kill(-pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("the demo did not return within %d s:\n%s", BOUND_MS / 1000, out);
	}
	if (rc != 0)
		fail_msg("the demo exited %d:\n%s", rc, out);
	/* It ran: the arbiter changed targets, membalctl answered, and the
	 * daemons' own shutdown lines got through their log filters. */
	assert_non_null(strstr(out, "arbiter: info: domain"));
	assert_non_null(strstr(out, "reserving 262144 KiB"));
	assert_non_null(strstr(out, "arbiter: info: stopping: targets stay as they are"));
	assert_non_null(strstr(out, "== done; stopping everything"));
	check_nothing_left(pid, out);
	unlink(out_path);
}

static void test_interrupted_demo_cleans_up(void **state)
{
	pid_t pid = start_demo(60);
	int rc;

	/* Interrupt once the daemons are up, as Ctrl-C in a terminal does:
	 * SIGINT to the whole foreground process group. */
	for (int t = 0; t < BOUND_MS && !strstr(slurp(out_path), "agent[guest2]: info:"); t += 50)
		sleep_ms(50);
	assert_non_null(strstr(slurp(out_path), "agent[guest2]: info:"));
	kill(-pid, SIGINT);
	rc = wait_bounded(pid, BOUND_MS);
	char *out = slurp(out_path);

	if (rc < 0) {
		kill(-pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("the demo did not return after SIGINT:\n%s", out);
	}
	assert_int_equal(rc, 130);
	assert_non_null(strstr(out, "arbiter: info: stopping: targets stay as they are"));
	check_nothing_left(pid, out);
	unlink(out_path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_demo_returns),
		cmocka_unit_test(test_interrupted_demo_cleans_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
