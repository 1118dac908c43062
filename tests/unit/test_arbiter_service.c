/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-arbiter and membal-agent as a service manager runs them: the
 * sanitized binaries ($MEMBAL_BIN) as processes, the arbiter's sim
 * backend against membal-test-xenstored.
 *
 *  - one arbiter per host: a second one is refused naming the first's
 *    pid and touches none of its files; a --dry-run beside it takes no
 *    lock, opens no socket and writes only the files it is given;
 *  - the control socket is unlinked only if it is the one we created;
 *  - --check-config, and the unit's ExecReload line refusing a bad file;
 *  - the sd_notify protocol (READY, RELOADING, STATUS, WATCHDOG,
 *    STOPPING) read from a NOTIFY_SOCKET the test binds;
 *  - exit 78 (EX_CONFIG) for a bad file at start.
 * Real time with short intervals; waits are bounded polls, never
 * assertions on how long something took.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[64], bin[256], fx[256];
static pid_t xsd_pid;
static const char *xsd_control = "xsd-control";  /* the sim host's xenstored */
/* Every process started, so that a failed test leaves none behind. */
static pid_t children[64];
static int nchildren;

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static const char *at(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static void put(const char *name, const char *text)
{
	FILE *f = fopen(at(name), "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *name)
{
	static char buf[1 << 16];
	FILE *f = fopen(at(name), "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static bool exists(const char *name)
{
	return access(at(name), F_OK) == 0;
}

static ino_t inode(const char *name)
{
	struct stat st;

	return lstat(at(name), &st) == 0 ? st.st_ino : 0;
}

/* Run argv with stdout+stderr to dir/out and the extra environment
 * (NAME=VALUE strings, NULL-terminated; "WATCHDOG_PID=self" means the
 * child's own pid, "JOURNAL_STREAM=stderr" the dev:ino of its stderr, as
 * systemd sets it for a journal stream). */
static pid_t spawn_env(const char *out, char *const argv[], const char *const env[])
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(at(out), O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, 1);
		dup2(fd, 2);
		setenv("XENSTORED_PATH", at("xenstored"), 1);
		unsetenv("NOTIFY_SOCKET");
		unsetenv("WATCHDOG_USEC");
		unsetenv("WATCHDOG_PID");
		unsetenv("JOURNAL_STREAM");
		for (int i = 0; env && env[i]; i++) {
			char kv[300], *eq;

			snprintf(kv, sizeof(kv), "%s", env[i]);
			eq = strchr(kv, '=');
			*eq = '\0';
			struct stat st;

			if (!strcmp(eq + 1, "self"))
				snprintf(eq + 1, sizeof(kv) - (size_t)(eq + 1 - kv), "%ld", (long)getpid());
			else if (!strcmp(eq + 1, "stderr") && fstat(2, &st) == 0)
				snprintf(eq + 1, sizeof(kv) - (size_t)(eq + 1 - kv), "%llu:%llu",
					 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
			setenv(kv, eq + 1, 1);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	if (nchildren < 64)
		children[nchildren++] = pid;
	return pid;
}

static int wait_exit(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run(const char *out, char *const argv[])
{
	return wait_exit(spawn_env(out, argv, NULL));
}

/* A key given twice is an error: extra's [daemon] interval_ms and
 * stale_after_ms replace the base's. */
static void write_config(const char *name, const char *prefix, const char *extra)
{
	char text[1024];
	bool own = strstr(extra, "\ninterval_ms =") != NULL;

	snprintf(text, sizeof(text),
		 "[daemon]\n%s"
		 "status_file = %s/%sstatus.json\ncontrol_socket = %s/%scontrol.sock\n"
		 "metrics_file = %s/%smetrics.prom\nlock_file = %s/arbiter.lock\n%s",
		 own ? "" : "interval_ms = 100\nstale_after_ms = 5000\n",
		 dir, prefix, dir, prefix, dir, prefix, dir, extra);
	put(name, text);
}

/* membal-arbiter on the sim backend with config dir/cfg and up to four
 * more arguments. */
static pid_t arbiter(const char *out, const char *cfg, const char *const env[],
		     const char *a1, const char *a2, const char *a3, const char *a4)
{
	char b[300], c[300], ctlp[300], scen[300], x[4][300];

	/* Copies: the strings may be at()'s buffers, which the child reuses. */
	snprintf(x[0], sizeof(x[0]), "%s", a1 ? a1 : "");
	snprintf(x[1], sizeof(x[1]), "%s", a2 ? a2 : "");
	snprintf(x[2], sizeof(x[2]), "%s", a3 ? a3 : "");
	snprintf(x[3], sizeof(x[3]), "%s", a4 ? a4 : "");
	snprintf(b, sizeof(b), "%s/membal-arbiter", bin);
	snprintf(c, sizeof(c), "%s", at(cfg));
	snprintf(ctlp, sizeof(ctlp), "%s", at(xsd_control));
	snprintf(scen, sizeof(scen), "%s/../../conf/scenarios/demo.ini", fx);
	char *const argv[] = { b, "--config", c, "--backend", "sim", "--scenario", scen,
			       "--sim-xsd-control", ctlp, a1 ? x[0] : NULL, a2 ? x[1] : NULL,
			       a3 ? x[2] : NULL, a4 ? x[3] : NULL, NULL };
	return spawn_env(out, argv, env);
}

static int membalctl(const char *out, const char *cmd, const char *arg)
{
	char b[300], sock[300];

	snprintf(b, sizeof(b), "%s/membalctl", bin);
	snprintf(sock, sizeof(sock), "%s", at("control.sock"));
	char *const argv[] = { b, (char *)cmd, "--socket", sock, (char *)arg, NULL };
	return run(out, argv);
}

static bool wait_for_text(const char *file, const char *text, unsigned ms)
{
	for (unsigned t = 0; t < ms; t += 20) {
		if (strstr(slurp(file), text))
			return true;
		sleep_ms(20);
	}
	return false;
}

/* membal-test-xenstored serving dir/sock, control socket dir/control,
 * domain sockets in dir/domdir. */
static pid_t start_xenstored(const char *sock, const char *control, const char *domdir)
{
	char b[300], s[300], c[300], d[300];

	snprintf(b, sizeof(b), "%s/membal-test-xenstored", bin);
	snprintf(s, sizeof(s), "%s", at(sock));
	snprintf(c, sizeof(c), "%s", at(control));
	snprintf(d, sizeof(d), "%s", at(domdir));
	mkdir(d, 0755);
	char *const argv[] = { b, "--socket", s, "--domain-sockets", d, "--control", c, NULL };
	char log[64];

	snprintf(log, sizeof(log), "%s.log", control);
	pid_t pid = spawn_env(log, argv, NULL);
	struct stat st;

	for (int i = 0; i < 250 && !(lstat(at(control), &st) == 0 && S_ISSOCK(st.st_mode)); i++)
		sleep_ms(20);
	assert_true(lstat(at(control), &st) == 0 && S_ISSOCK(st.st_mode));
	return pid;
}

static int setup(void **state)
{
	const char *e = getenv("MEMBAL_BIN"), *f = getenv("MEMBAL_FIXTURES");

	snprintf(bin, sizeof(bin), "%s", e ? e : "build/san");
	snprintf(fx, sizeof(fx), "%s", f ? f : "tests/fixtures");
	snprintf(dir, sizeof(dir), "/tmp/membal-service.XXXXXX");
	assert_non_null(mkdtemp(dir));
	xsd_control = "xsd-control";
	xsd_pid = start_xenstored("xenstored", "xsd-control", ".");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	/* After a failure some may still run: daemons first, xenstored last. */
	/* Only children not yet reaped: their pids cannot have been reused. */
	for (int i = nchildren - 1; i >= 0; i--)
		if (children[i] != xsd_pid && waitpid(children[i], NULL, WNOHANG) == 0) {
			kill(children[i], SIGKILL);
			waitpid(children[i], NULL, 0);
		}
	nchildren = 0;
	kill(xsd_pid, SIGTERM);
	waitpid(xsd_pid, NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void stop(pid_t pid)
{
	kill(pid, SIGTERM);
	assert_int_equal(wait_exit(pid), 0);
}

/* ---- one arbiter per host ------------------------------------------------ */

static void test_second_arbiter_refused(void **state)
{
	char pidtext[64];

	write_config("arbiter.ini", "", "");
	pid_t first = arbiter("first.log", "arbiter.ini", NULL, NULL, NULL, NULL, NULL);

	assert_true(wait_for_text("status.json", "\"name\":\"guest2\"", 20000));
	ino_t sock = inode("control.sock");

	assert_true(sock != 0);
	assert_int_equal(atol(slurp("arbiter.lock")), (long)first);

	/* A second arbiter with the same configuration: refused before it
	 * touches anything, naming the first one. */
	pid_t second = arbiter("second.log", "arbiter.ini", NULL, NULL, NULL, NULL, NULL);

	assert_int_equal(wait_exit(second), 1);
	snprintf(pidtext, sizeof(pidtext), "another membal-arbiter (pid %ld) holds", (long)first);
	if (!strstr(slurp("second.log"), pidtext))
		fail_msg("expected '%s' in:\n%s", pidtext, slurp("second.log"));
	assert_null(strstr(slurp("second.log"), "started"));
	assert_int_equal(inode("control.sock"), sock);
	assert_int_equal(atol(slurp("arbiter.lock")), (long)first);
	/* The first one still answers. */
	assert_int_equal(membalctl("ctl.out", "release", NULL), 0);

	/* A dry run beside it: says who runs, keeps away from the live
	 * files, writes the status file it is given. Its configuration names
	 * other paths for everything, none of which may appear. */
	/* (Its simulated host needs a xenstored of its own: two simulated
	 * hosts cannot share one.) */
	char xs2[300];
	const char *env2[] = { xs2, NULL };
	pid_t xsd2 = start_xenstored("xenstored2", "xsd-control2", "doms2");

	snprintf(xs2, sizeof(xs2), "XENSTORED_PATH=%s", at("xenstored2"));
	xsd_control = "xsd-control2";
	write_config("dry.ini", "dry-", "");
	pid_t dry = arbiter("dry.log", "dry.ini", env2, "--dry-run", "--status-file",
			    at("mine.json"), NULL);

	if (!wait_for_text("mine.json", "\"dry_run\":true", 20000))
		fail_msg("no dry-run status; its log:\n%s", slurp("dry.log"));
	snprintf(pidtext, sizeof(pidtext), "a live membal-arbiter (pid %ld) is running", (long)first);
	if (!strstr(slurp("dry.log"), pidtext))
		fail_msg("expected '%s' in:\n%s", pidtext, slurp("dry.log"));
	stop(dry);
	kill(xsd2, SIGTERM);
	waitpid(xsd2, NULL, 0);
	xsd_control = "xsd-control";
	assert_false(exists("dry-status.json"));
	assert_false(exists("dry-metrics.prom"));
	assert_false(exists("dry-control.sock"));
	assert_int_equal(inode("control.sock"), sock);
	assert_int_equal(membalctl("ctl.out", "release", NULL), 0);

	/* Stopped, the first one removes its socket and frees the lock: a
	 * new arbiter starts. */
	stop(first);
	assert_false(exists("control.sock"));
	pid_t third = arbiter("third.log", "arbiter.ini", NULL, NULL, NULL, NULL, NULL);

	assert_true(wait_for_text("third.log", "started", 20000));
	for (int i = 0; i < 500 && !exists("control.sock"); i++)
		sleep_ms(20);
	assert_true(exists("control.sock"));
	stop(third);
}

/* A dry run with no arbiter: no lock file created, nothing written. */
static void test_dry_run_takes_no_lock(void **state)
{
	write_config("dry.ini", "dry-", "");
	pid_t dry = arbiter("dry.log", "dry.ini", NULL, "--dry-run", "--once", NULL, NULL);

	assert_int_equal(wait_exit(dry), 0);
	assert_false(exists("arbiter.lock"));
	assert_false(exists("dry-status.json"));
	assert_false(exists("dry-control.sock"));
	assert_null(strstr(slurp("dry.log"), "a live membal-arbiter"));
}

/* The control socket path was taken over (someone replaced the file):
 * on exit the arbiter must not unlink what is not its own. */
static void test_socket_unlinked_only_if_ours(void **state)
{
	write_config("arbiter.ini", "", "");
	pid_t pid = arbiter("a.log", "arbiter.ini", NULL, NULL, NULL, NULL, NULL);

	assert_true(wait_for_text("status.json", "\"name\":\"guest2\"", 20000));
	assert_int_equal(rename(at("control.sock"), at("moved.sock")), 0);
	put("control.sock", "not the arbiter's\n");
	stop(pid);
	assert_string_equal(slurp("control.sock"), "not the arbiter's\n");
	assert_true(exists("moved.sock"));
}

/* ---- checked configuration --------------------------------------------- */

static int check_config(const char *prog, const char *out, const char *cfg, const char *flag)
{
	char b[300], c[300];

	snprintf(b, sizeof(b), "%s/%s", bin, prog);
	snprintf(c, sizeof(c), "%s", at(cfg));
	char *const argv[] = { b, "--check-config", "--config", c, (char *)flag, NULL };
	return run(out, argv);
}

static void test_check_config(void **state)
{
	write_config("good.ini", "", "[policy]\ntau = 0.5\n[domain web1]\nmin_mb = 256\n");
	assert_int_equal(check_config("membal-arbiter", "good.out", "good.ini", NULL), 0);
	/* The effective configuration: the file's values and the defaults. */
	assert_non_null(strstr(slurp("good.out"), "tau = 0.5\n"));
	assert_non_null(strstr(slurp("good.out"), "interval_ms = 100\n"));
	assert_non_null(strstr(slurp("good.out"), "reserve_mb = 72\n"));
	assert_non_null(strstr(slurp("good.out"), "[domain web1]\nmin_mb = 256\n"));
	/* It loads back to itself (after the first line, which names the
	 * file). */
	static char good[1 << 16];

	snprintf(good, sizeof(good), "%s", slurp("good.out"));
	put("again.ini", good);
	assert_int_equal(check_config("membal-arbiter", "again.out", "again.ini", NULL), 0);
	assert_string_equal(strchr(slurp("again.out"), '\n'), strchr(good, '\n'));

	/* Every error, with file:line; exit 1; --quiet prints nothing else. */
	write_config("bad.ini", "", "[policy]\ntau = 2\n[daemon]\ntx_retries = fast\n");
	assert_int_equal(check_config("membal-arbiter", "bad.out", "bad.ini", "--quiet"), 1);
	assert_non_null(strstr(slurp("bad.out"), "bad.ini:9: [policy] tau: '2'"));
	assert_non_null(strstr(slurp("bad.out"), "bad.ini:11: [daemon] tx_retries: 'fast'"));
	assert_null(strstr(slurp("bad.out"), "[daemon]\n"));
	assert_int_equal(check_config("membal-arbiter", "none.out", "missing.ini", NULL), 1);

	put("agent.ini", "[agent]\nsample_ms = 250\n");
	assert_int_equal(check_config("membal-agent", "agent.out", "agent.ini", NULL), 0);
	assert_non_null(strstr(slurp("agent.out"), "sample_ms = 250\n"));
	assert_non_null(strstr(slurp("agent.out"), "heartbeat_ms = 10000\n"));
	put("agent-bad.ini", "[agent]\nsample_ms = 0\nheartbeat_ms = x\n");
	assert_int_equal(check_config("membal-agent", "agent-bad.out", "agent-bad.ini", NULL), 1);
	assert_non_null(strstr(slurp("agent-bad.out"), "agent-bad.ini:2: [agent] sample_ms"));
	assert_non_null(strstr(slurp("agent-bad.out"), "agent-bad.ini:3: [agent] heartbeat_ms"));
}

/* The installed unit's ExecReload= lines, run as systemd would (in
 * order, stopping at the first failure), against a bad and a good file:
 * with the bad one `systemctl reload` fails and no SIGHUP is sent. */
static int unit_reload(const char *unit, const char *etc)
{
	char path[300], line[512], cmd[1024];
	FILE *f;
	int ran = 0;

	snprintf(path, sizeof(path), "%s/../../conf/%s", fx, unit);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *o = cmd;

		if (strncmp(line, "ExecReload=", 11) != 0)
			continue;
		s += 11;
		line[strcspn(line, "\n")] = '\0';
		/* @SBINDIR@ -> $MEMBAL_BIN, @SYSCONFDIR@ -> etc; $MAINPID
		 * stays unset: the kill line must not be reached. */
		while (*s && o < cmd + sizeof(cmd) - 300) {
			if (!strncmp(s, "@SBINDIR@", 9)) {
				o += sprintf(o, "%s", bin);
				s += 9;
			} else if (!strncmp(s, "@SYSCONFDIR@", 12)) {
				o += sprintf(o, "%s", etc);
				s += 12;
			} else if (!strncmp(s, "/bin/kill", 9)) {
				o += sprintf(o, "echo SIGNALLED >>%s/reload.out; true", dir);
				s = s + strlen(s);
			} else {
				*o++ = *s++;
			}
		}
		*o = '\0';
		ran++;
		char full[1200];

		snprintf(full, sizeof(full), "%s >>%s/reload.out 2>&1", cmd, dir);
		int rc = system(full);

		if (rc != 0) {
			fclose(f);
			return rc;
		}
	}
	fclose(f);
	assert_true(ran >= 2);
	return 0;
}

static void test_unit_reload_checks_first(void **state)
{
	char etc[300];

	snprintf(etc, sizeof(etc), "%s/etc", dir);
	mkdir(etc, 0755);
	mkdir(at("etc/membal"), 0755);

	put("etc/membal/arbiter.ini", "[policy]\ntau = 7\n");
	assert_int_not_equal(unit_reload("membal-arbiter.service", etc), 0);
	assert_non_null(strstr(slurp("reload.out"), "arbiter.ini:2: [policy] tau"));
	assert_null(strstr(slurp("reload.out"), "SIGNALLED"));

	put("etc/membal/arbiter.ini", "[policy]\ntau = 0.5\n");
	assert_int_equal(unit_reload("membal-arbiter.service", etc), 0);
	assert_non_null(strstr(slurp("reload.out"), "SIGNALLED"));

	unlink(at("reload.out"));
	put("etc/membal/agent.ini", "[agent]\nsample_ms = soon\n");
	assert_int_not_equal(unit_reload("membal-agent.service", etc), 0);
	assert_null(strstr(slurp("reload.out"), "SIGNALLED"));
	put("etc/membal/agent.ini", "[agent]\nsample_ms = 500\n");
	assert_int_equal(unit_reload("membal-agent.service", etc), 0);
	assert_non_null(strstr(slurp("reload.out"), "SIGNALLED"));
}

static void test_bad_config_at_start_is_ex_config(void **state)
{
	char b[300], c[300];

	write_config("bad.ini", "", "[daemon]\ntx_retries = fast\n");
	assert_int_equal(wait_exit(arbiter("bad.log", "bad.ini", NULL, NULL, NULL, NULL, NULL)), 78);
	assert_false(exists("arbiter.lock"));   /* refused before the lock */
	put("agent-bad.ini", "[agent]\nsample_ms = 0\n");
	snprintf(b, sizeof(b), "%s/membal-agent", bin);
	snprintf(c, sizeof(c), "%s", at("agent-bad.ini"));
	char *const argv[] = { b, "--config", c, NULL };
	assert_int_equal(run("agent-bad.log", argv), 78);
}

/* ---- the notification protocol ------------------------------------------ */

static int notify_fd;
static char notes[1 << 15];

static void notify_bind(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", at("notify"));
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(notify_fd >= 0);
	assert_int_equal(bind(notify_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	notes[0] = '\0';
}

/* Collect datagrams (one message each, joined with '|') until text has
 * been seen or ms passed. */
static bool notify_until(const char *text, unsigned ms)
{
	for (unsigned t = 0; t < ms && !strstr(notes, text); t += 20) {
		struct pollfd p = { .fd = notify_fd, .events = POLLIN };
		char msg[600];

		if (poll(&p, 1, 20) <= 0)
			continue;
		ssize_t n = recv(notify_fd, msg, sizeof(msg) - 1, 0);

		if (n <= 0)
			continue;
		msg[n] = '\0';
		size_t used = strlen(notes);

		if (used + (size_t)n + 2 < sizeof(notes))
			snprintf(notes + used, sizeof(notes) - used, "%s|", msg);
	}
	return strstr(notes, text) != NULL;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* The first STATUS= message after marker (waiting up to 10 s for it),
 * without the separator. */
static const char *status_after(const char *marker)
{
	static char msg[600];
	const char *p = NULL;

	for (int i = 0; i < 200; i++) {
		p = strstr(notes, marker);
		if (p && (p = strstr(p, "STATUS=")))
			break;
		notify_until("never", 50);
	}
	if (!p)
		fail_msg("no STATUS= after %s: %s", marker, notes);
	snprintf(msg, sizeof(msg), "%.*s", (int)strcspn(p, "|"), p);
	return msg;
}

/* Wait (bounded) until text has been received n times since notes was
 * last cleared. */
static void expect_count(const char *text, int n, unsigned ms)
{
	for (unsigned t = 0; t < ms && count(notes, text) < n; t += 50)
		notify_until("never", 50);
	if (count(notes, text) < n)
		fail_msg("fewer than %d '%s' among the notifications: %s", n, text, notes);
}

static void expect_note(const char *text, unsigned ms)
{
	if (!notify_until(text, ms))
		fail_msg("no '%s' among the notifications: %s", text, notes);
}

static void test_arbiter_notify(void **state)
{
	char sockenv[300];
	const char *env[] = { sockenv, "WATCHDOG_USEC=400000", "WATCHDOG_PID=self", NULL };

	notify_bind();
	snprintf(sockenv, sizeof(sockenv), "NOTIFY_SOCKET=%s", at("notify"));
	/* A one-minute interval: the pings must come between cycles. */
	write_config("arbiter.ini", "", "[daemon]\ninterval_ms = 60000\nstale_after_ms = 120000\n");
	pid_t pid = arbiter("a.log", "arbiter.ini", env, NULL, NULL, NULL, NULL);

	expect_note("READY=1", 20000);
	expect_note("STATUS=", 5000);
	notes[0] = '\0';
	/* 400 ms watchdog: a ping every 200 ms while the next cycle is a
	 * minute away; a cycle would have sent a STATUS= line. */
	expect_count("WATCHDOG=1", 3, 20000);
	assert_null(strstr(notes, "STATUS="));

	write_config("arbiter.ini", "", "[policy]\ntau = 9\n");
	kill(pid, SIGHUP);
	expect_note("RELOADING=1", 10000);
	expect_note("reload refused (", 10000);
	assert_non_null(strstr(notes, "arbiter.ini:9: [policy] tau"));
	write_config("arbiter.ini", "", "");
	notes[0] = '\0';
	kill(pid, SIGHUP);
	expect_note("RELOADING=1", 10000);
	expect_note("READY=1", 10000);
	assert_null(strstr(status_after("RELOADING=1"), "refused"));
	kill(pid, SIGTERM);
	expect_note("STOPPING=1", 10000);
	assert_int_equal(wait_exit(pid), 0);

	/* A watchdog meant for another process (WATCHDOG_PID) is not ours. */
	const char *other[] = { sockenv, "WATCHDOG_USEC=100000", "WATCHDOG_PID=1", NULL };

	notes[0] = '\0';
	pid = arbiter("a2.log", "arbiter.ini", other, NULL, NULL, NULL, NULL);
	expect_note("READY=1", 20000);
	notify_until("never", 500);
	stop(pid);
	assert_null(strstr(notes, "WATCHDOG=1"));

	/* A configuration error at start says so in STATUS= too. */
	write_config("bad.ini", "", "[daemon]\ntx_retries = fast\n");
	notes[0] = '\0';
	assert_int_equal(wait_exit(arbiter("bad.log", "bad.ini", env, NULL, NULL, NULL, NULL)), 78);
	expect_note("STATUS=configuration rejected: ", 2000);
	assert_non_null(strstr(notes, "bad.ini:9: [daemon] tx_retries"));
	close(notify_fd);
}

static void test_agent_notify(void **state)
{
	char sockenv[300], b[300], c[300];
	const char *env[] = { sockenv, "WATCHDOG_USEC=300000", "WATCHDOG_PID=self", NULL };

	notify_bind();
	snprintf(sockenv, sizeof(sockenv), "NOTIFY_SOCKET=%s", at("notify"));
	/* A sample a minute: the pings come from the sleep between them. */
	put("agent.ini", "[agent]\nsample_ms = 60000\nheartbeat_ms = 60000\nreconnect_max_ms = 100\n");
	snprintf(b, sizeof(b), "%s/membal-agent", bin);
	snprintf(c, sizeof(c), "%s", at("agent.ini"));
	char *const argv[] = { b, "--config", c, "--domid", "5", NULL };
	pid_t pid = spawn_env("agent.log", argv, env);

	expect_note("READY=1", 20000);
	expect_note("STATUS=", 5000);
	notes[0] = '\0';
	expect_count("WATCHDOG=1", 3, 20000);

	put("agent.ini", "[agent]\nsample_ms = never\n");
	kill(pid, SIGHUP);
	expect_note("RELOADING=1", 10000);
	expect_note("reload refused", 10000);
	put("agent.ini", "[agent]\nsample_ms = 60000\nheartbeat_ms = 60000\n");
	notes[0] = '\0';
	kill(pid, SIGHUP);
	expect_note("RELOADING=1", 10000);
	assert_null(strstr(status_after("RELOADING=1"), "refused"));
	kill(pid, SIGTERM);
	expect_note("STOPPING=1", 10000);
	assert_int_equal(wait_exit(pid), 0);
	close(notify_fd);
}

/* ---- command-line conventions, every program ------------------------- */

static int prog(const char *name, const char *a1, const char *a2, const char *a3)
{
	char b[300];

	snprintf(b, sizeof(b), "%s/%s", bin, name);
	char *const argv[] = { b, (char *)a1, (char *)a2, (char *)a3, NULL };
	return run("cli.out", argv);
}

static void test_cli_conventions(void **state)
{
	static const char *const progs[] = { "membal-arbiter", "membal-agent", "membalctl",
					     "membal-sim", "membal-load", "membal-test-xenstored" };
	char name[64];

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		const char *p = progs[i];

		snprintf(name, sizeof(name), "%s 0.", p);
		assert_int_equal(prog(p, "--version", NULL, NULL), 0);
		if (strncmp(slurp("cli.out"), name, strlen(name)) != 0)
			fail_msg("%s --version: %s", p, slurp("cli.out"));
		assert_int_equal(prog(p, "-V", NULL, NULL), 0);
		assert_non_null(strstr(slurp("cli.out"), name));
		/* Usage errors are 2, everywhere. */
		if (prog(p, "--no-such-option", NULL, NULL) != 2)
			fail_msg("%s --no-such-option: not exit 2: %s", p, slurp("cli.out"));
	}
	/* --log-level: a bad level is a usage error; a good one is taken. */
	assert_int_equal(prog("membal-arbiter", "--log-level", "loud", NULL), 2);
	assert_int_equal(prog("membal-agent", "--log-level", "loud", NULL), 2);
	assert_int_equal(prog("membalctl", "--log-level", "loud", "-V"), 2);
	assert_int_equal(prog("membal-sim", "--log-level", "loud", "x.ini"), 2);
	assert_int_equal(prog("membal-load", "hold", "--log-level", "loud"), 2);
	assert_int_equal(prog("membal-test-xenstored", "--log-level", "loud", NULL), 2);
	assert_int_equal(prog("membalctl", "--log-level", "debug", "-V"), 0);
	/* The arbiter's level beats the file's: debug lines appear. */
	put("arbiter.ini", "[daemon]\nlog_level = err\n");
	assert_int_equal(prog("membal-arbiter", "--check-config", "--config", at("arbiter.ini")), 0);
	assert_non_null(strstr(slurp("cli.out"), "log_level = err\n"));
	char c[300];

	snprintf(c, sizeof(c), "%s", at("arbiter.ini"));
	char b[300];

	snprintf(b, sizeof(b), "%s/membal-arbiter", bin);
	char *const argv[] = { b, "--check-config", "--log-level", "debug", "--config", c, NULL };
	assert_int_equal(run("cli.out", argv), 0);
	assert_non_null(strstr(slurp("cli.out"), "log_level = debug\n"));

	/* <N> prefixes only when stderr is the journal's stream. */
	const char *journal[] = { "JOURNAL_STREAM=stderr", NULL };
	const char *elsewhere[] = { "JOURNAL_STREAM=1:2", NULL };
	char *const bad[] = { b, "--check-config", "--config", c, NULL };

	put("arbiter.ini", "[daemon]\ninterval_ms = fast\n");
	assert_int_equal(wait_exit(spawn_env("cli.out", bad, journal)), 1);
	assert_non_null(strstr(slurp("cli.out"), "<3>"));
	assert_null(strstr(slurp("cli.out"), "membal-arbiter: err:"));
	assert_int_equal(wait_exit(spawn_env("cli.out", bad, elsewhere)), 1);
	assert_null(strstr(slurp("cli.out"), "<3>"));
	assert_non_null(strstr(slurp("cli.out"), "membal-arbiter: err: "));

	/* pause/resume need a domain or --all: a forgotten name must not
	 * pause the whole host. */
	assert_int_equal(prog("membalctl", "pause", NULL, NULL), 2);
	assert_non_null(strstr(slurp("cli.out"), "pause needs a DOMAIN or --all"));
	assert_int_equal(prog("membalctl", "resume", NULL, NULL), 2);
	assert_int_equal(prog("membalctl", "pause", "web1", "--all"), 2);
	/* --all passes the parser (then no arbiter answers here: 1). */
	assert_int_equal(membalctl("cli.out", "pause", "--all"), 1);
	assert_non_null(strstr(slurp("cli.out"), "is it running?"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_second_arbiter_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run_takes_no_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_unlinked_only_if_ours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unit_reload_checks_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_config_at_start_is_ex_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arbiter_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_conventions, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
