/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-arbiter and membalctl as an administrator runs them: the binaries
 * (sanitized builds from $MEMBAL_BIN) as processes, the arbiter with its
 * sim backend against membal-test-xenstored (a separate process speaking
 * the real xenstore protocol), signals, the control socket, the status
 * file. Real time with short intervals: about two seconds in all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[64], bin[256], fx[256];
static pid_t xsd_pid;

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void put(const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *name)
{
	static char buf[1 << 16];
	char p[256];
	FILE *f;
	size_t n;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "r");
	if (!f)
		return strcpy(buf, "");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static bool exists(const char *name)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

/* Run a program with stdout+stderr to dir/out; returns the exit status. */
static pid_t spawn(const char *out, char *const argv[])
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		char p[256], sock[128];

		snprintf(p, sizeof(p), "%s/%s", dir, out);
		int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		snprintf(sock, sizeof(sock), "%s/xenstored", dir);
		setenv("XENSTORED_PATH", sock, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static int run(const char *out, char *const argv[])
{
	int status;
	pid_t pid = spawn(out, argv);

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int ctl(const char *out, const char *a1, const char *a2, const char *a3)
{
	char b[300], sock[128], file[128];

	snprintf(b, sizeof(b), "%s/membalctl", bin);
	snprintf(sock, sizeof(sock), "%s/control.sock", dir);
	snprintf(file, sizeof(file), "%s/status.json", dir);
	if (!strcmp(a1, "status")) {
		char *const argv[] = { b, (char *)a1, "--file", file, (char *)a2, NULL };
		return run(out, argv);
	}
	char *const argv[] = { b, (char *)a1, "--socket", sock, (char *)a2, (char *)a3, NULL };
	return run(out, argv);
}

static void write_config(const char *extra)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "[daemon]\ninterval_ms = 100\nstale_after_ms = 5000\n"
		 "status_file = %s/status.json\ncontrol_socket = %s/control.sock\n"
		 "metrics_file = %s/metrics.prom\nlock_file = %s/arbiter.lock\n%s",
		 dir, dir, dir, dir, extra);
	put("arbiter.ini", text);
}

static pid_t start_arbiter(const char *flag1, const char *flag2)
{
	char b[300], cfg[128], ctlp[128], scen[300];

	snprintf(b, sizeof(b), "%s/membal-arbiter", bin);
	snprintf(cfg, sizeof(cfg), "%s/arbiter.ini", dir);
	snprintf(ctlp, sizeof(ctlp), "%s/xsd-control", dir);
	snprintf(scen, sizeof(scen), "%s/../../conf/scenarios/demo.ini", fx);
	char *const argv[] = { b, "--foreground", "--config", cfg, "--backend", "sim",
			       "--scenario", scen, "--sim-xsd-control", ctlp,
			       (char *)flag1, (char *)flag2, NULL };
	return spawn("arbiter.log", argv);
}

static int setup(void **state)
{
	char b[300], sock[128], ctlp[128];
	const char *e = getenv("MEMBAL_BIN"), *f = getenv("MEMBAL_FIXTURES");

	snprintf(bin, sizeof(bin), "%s", e ? e : "build/san");
	snprintf(fx, sizeof(fx), "%s", f ? f : "tests/fixtures");
	snprintf(dir, sizeof(dir), "/tmp/membal-daemon.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(b, sizeof(b), "%s/membal-test-xenstored", bin);
	snprintf(sock, sizeof(sock), "%s/xenstored", dir);
	snprintf(ctlp, sizeof(ctlp), "%s/xsd-control", dir);
	char *const argv[] = { b, "--socket", sock, "--domain-sockets", dir,
			       "--control", ctlp, NULL };
	xsd_pid = spawn("xsd.log", argv);
	for (int i = 0; i < 100 && !exists("xsd-control"); i++)
		sleep_ms(20);
	assert_true(exists("xsd-control"));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	int status;

	kill(xsd_pid, SIGTERM);
	waitpid(xsd_pid, &status, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void wait_for(bool (*cond)(void), unsigned ms)
{
	for (unsigned t = 0; t < ms && !cond(); t += 20)
		sleep_ms(20);
}

static bool status_ready(void) { return strstr(slurp("status.json"), "\"name\":\"guest2\"") != NULL; }

static void test_daemon_end_to_end(void **state)
{
	int status;

	write_config("");
	pid_t pid = start_arbiter(NULL, NULL);
	wait_for(status_ready, 10000);
	assert_true(status_ready());

	/* membalctl status reads the file the arbiter rewrites. */
	int rc = ctl("ctl.out", "status", NULL, NULL);
	if (rc != 0)
		print_message("membalctl status: %s\n", slurp("ctl.out"));
	assert_int_equal(rc, 0);
	assert_non_null(strstr(slurp("ctl.out"), "guest1"));
	assert_non_null(strstr(slurp("ctl.out"), "appliance"));
	assert_int_equal(ctl("ctl.out", "status", "--json", NULL), 0);
	assert_non_null(strstr(slurp("ctl.out"), "\"version\":2,"));

	/* pause / resume / reserve / release through the control socket */
	assert_int_equal(ctl("ctl.out", "pause", "guest2", NULL), 0);
	assert_non_null(strstr(slurp("ctl.out"), "paused guest2"));
	sleep_ms(300);
	assert_non_null(strstr(slurp("status.json"), "\"name\":\"guest2\",\"type\":\"pv\",\"state\":\"hold-paused\""));
	assert_int_equal(ctl("ctl.out", "resume", "guest2", NULL), 0);
	assert_int_equal(ctl("ctl.out", "pause", "nosuch", NULL), 1);
	assert_non_null(strstr(slurp("ctl.out"), "no domain 'nosuch'"));
	assert_int_equal(ctl("ctl.out", "reserve", "64M", NULL), 0);
	assert_non_null(strstr(slurp("ctl.out"), "reserving 65536 KiB"));
	sleep_ms(300);
	assert_non_null(strstr(slurp("status.json"), "\"reservation_kb\":65536"));
	assert_int_equal(ctl("ctl.out", "reserve", "12parsecs", NULL), 2);
	assert_int_equal(ctl("ctl.out", "release", NULL, NULL), 0);
	assert_non_null(strstr(slurp("ctl.out"), "released 1 reservation"));
	/* --wait: the id alone on stdout, 0 once the memory is free; 1 at
	 * the timeout with what is missing, and the reservation released */
	{
		char b[300], sock[128];

		snprintf(b, sizeof(b), "%s/membalctl", bin);
		snprintf(sock, sizeof(sock), "%s/control.sock", dir);
		char *const w1[] = { b, "reserve", "16M", "--wait", "--timeout", "20",
				     "--for", "g9", "--socket", sock, NULL };
		assert_int_equal(run("ctl.out", w1), 0);
		assert_non_null(strstr(slurp("ctl.out"), "2\nmembalctl: reservation 2 reserving 16384 KiB for g9"));
		char *const w2[] = { b, "reserve", "1T", "--wait", "--timeout", "1",
				     "--socket", sock, NULL };
		assert_int_equal(run("ctl.out", w2), 1);
		assert_non_null(strstr(slurp("ctl.out"), "reservation 3: "));
		assert_non_null(strstr(slurp("ctl.out"), " KiB still missing after 1 s: managed guests hold "));
		assert_int_equal(ctl("ctl.out", "release", "3", NULL), 1);   /* already released */
		assert_int_equal(ctl("ctl.out", "release", "2", NULL), 0);
		assert_int_equal(ctl("ctl.out", "renew", NULL, NULL), 2);
	}

	/* SIGHUP with a bad file: still running, old config kept, says why
	 * with file:line. With a good one: reloaded. */
	write_config("[policy]\ntau = 2\n");
	kill(pid, SIGHUP);
	sleep_ms(400);
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
	assert_non_null(strstr(slurp("arbiter.log"), "arbiter.ini:9: [policy] tau: '2': out of range"));
	assert_non_null(strstr(slurp("arbiter.log"), "rejected; keeping the previous one"));
	write_config("[policy]\ntau = 0.5\n");
	kill(pid, SIGHUP);
	sleep_ms(400);
	assert_non_null(strstr(slurp("arbiter.log"), "reloaded"));

	/* The metrics textfile is there. */
	assert_non_null(strstr(slurp("metrics.prom"), "membal_cycles_total"));
	assert_non_null(strstr(slurp("metrics.prom"), "\nmembal_up 1\n"));

	/* SIGTERM: clean exit, control socket removed. */
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_non_null(strstr(slurp("arbiter.log"), "stopping: targets stay as they are"));
	assert_false(exists("control.sock"));
	/* and the metrics say it stopped (not merely went stale) */
	assert_non_null(strstr(slurp("metrics.prom"), "\nmembal_up 0\n"));
	assert_null(strstr(slurp("metrics.prom"), "membal_domain_target_bytes"));

	/* Not running: clear errors. */
	assert_int_equal(ctl("ctl.out", "pause", "--all", NULL), 1);
	assert_non_null(strstr(slurp("ctl.out"), "is it running?"));
	unlink(strcat(strcpy((char[256]){0}, dir), "/status.json"));
	assert_int_equal(ctl("ctl.out", "status", NULL, NULL), 1);
	assert_non_null(strstr(slurp("ctl.out"), "cannot read"));
}

static void test_bad_config_refuses_to_start(void **state)
{
	write_config("[daemon]\ntx_retries = fast\n");
	pid_t pid = start_arbiter(NULL, NULL);
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 78); /* EX_CONFIG: no restart loop */
	assert_non_null(strstr(slurp("arbiter.log"), "arbiter.ini:9: [daemon] tx_retries: 'fast'"));
	assert_non_null(strstr(slurp("arbiter.log"), "not starting"));
}

static void test_once_dry_run(void **state)
{
	int status;

	write_config("");
	/* --once --dry-run: one cycle, then exit 0, and not even the status
	 * file of the configuration is written (it may be a live arbiter's;
	 * test_arbiter_service covers --status-file and the lock). What a
	 * dry run decides is tested in test_arbiter_loop. */
	pid_t pid = start_arbiter("--once", "--dry-run");
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_false(exists("status.json"));
	assert_false(exists("metrics.prom"));
	assert_non_null(strstr(slurp("arbiter.log"), "dry run (nothing is written)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_daemon_end_to_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_config_refuses_to_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_once_dry_run, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
