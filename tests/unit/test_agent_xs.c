/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-agent end to end against the test xenstored, through the REAL
 * libxenstore.
 *
 * Real: libxenstore (Debian's libxen-dev), the agent's code, the wire
 * protocol, xenstored's permission rules as the fixture implements them
 * (the agent connects through domain 1's socket, so it has a guest's
 * rights, not dom0's). Simulated: xenstored itself (src/xenstored/), the
 * guest's /proc and /sys (fixture files this test rewrites).
 *
 * Two halves: in-process agent_step() on a driven clock for the exact
 * rules (nothing in between heartbeats, one transaction per publication),
 * and the membal-agent binary as a daemon for signals and reconnection.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "agent/agent.h"
#include "common/clock.h"
#include "common/log.h"
#include "xenstored/xsd.h"
#include "agent_env.h"

#define DOMID 1

static void put_meminfo(struct env *e, unsigned long memfree, unsigned long avail,
			unsigned long committed)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "MemTotal:         250000 kB\n"
		 "MemFree:        %8lu kB\n"
		 "MemAvailable:   %8lu kB\n"
		 "Buffers:           1000 kB\n"
		 "Cached:           20000 kB\n"
		 "SwapTotal:       102400 kB\n"
		 "SwapFree:         92400 kB\n"
		 "Committed_AS:   %8lu kB\n",
		 memfree, avail, committed);
	put_file(e->dir, "meminfo", text);
}

static void put_vmstat(struct env *e, unsigned long oom, unsigned long pswpin)
{
	char text[256];

	snprintf(text, sizeof(text), "nr_free_pages 100\npswpin %lu\npswpout 7\noom_kill %lu\n",
		 pswpin, oom);
	put_file(e->dir, "vmstat", text);
}

static void make_sysfs(struct env *e, unsigned long target, unsigned long current)
{
	char p[512], text[64];

	snprintf(p, sizeof(p), "mkdir -p %s/sys/devices/system/xen_memory/xen_memory0/info", e->dir);
	assert_int_equal(system(p), 0);
	snprintf(text, sizeof(text), "%lu\n", target);
	put_file(e->dir, "sys/devices/system/xen_memory/xen_memory0/target_kb", text);
	snprintf(text, sizeof(text), "%lu\n", current);
	put_file(e->dir, "sys/devices/system/xen_memory/xen_memory0/info/current_kb", text);
}

static struct xs_handle *open_as(const char *socket)
{
	setenv("XENSTORED_PATH", socket, 1);
	return xs_open(0);
}

static int setup(void **state)
{
	struct env *e = env_start("membal-agent-xs", false);

	put_meminfo(e, 100000, 150000, 120000);
	put_vmstat(e, 0, 1000);
	put_file(e->dir, "psi", "some avg10=1.50 avg60=0.00 avg300=0.00 total=10\n"
				"full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
	make_sysfs(e, 262144, 262144);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	env_stop(*state);
	return 0;
}

/* What the arbiter does for a new domain (design.md §Guest keys). */
static void hand_over(struct env *e)
{
	env_hand_over(e, DOMID, MEMBAL_KEY_LAYOUT_VERSION);
}

static char *key(struct env *e, const char *k)
{
	return env_key(e, DOMID, k);
}

static uint64_t requests(struct env *e)
{
	struct xsd_stats st;

	xsd_get_stats(e->x, &st);
	return st.requests;
}

static uint64_t commits(struct env *e)
{
	struct xsd_stats st;

	xsd_get_stats(e->x, &st);
	return st.tx_committed;
}

static void test_waits_for_handover_then_publishes(void **state)
{
	struct env *e = *state;
	struct agent_config c;
	struct agent a;

	agent_cfg(e, &c);
	agent_init(&a, &c, DOMID);
	assert_int_equal(agent_step(&a), STEP_NO_HANDOVER);
	assert_non_null(strstr(env_logged(e), "waiting for the arbiter to hand over /local/domain/1/memory keys"));
	char *s = key(e, "free");
	assert_null(s); /* the refused transaction left nothing behind */

	/* Before handover_retry_ms it does not even ask xenstored. */
	uint64_t r0 = requests(e);
	clock_advance(c.sample_ms);
	assert_int_equal(agent_step(&a), STEP_NO_HANDOVER);
	assert_int_equal(requests(e), r0);
	clock_advance(c.handover_retry_ms);
	assert_int_equal(agent_step(&a), STEP_NO_HANDOVER);
	assert_true(requests(e) > r0);
	/* Said once, not on every retry. */
	const char *first = strstr(env_logged(e), "waiting for the arbiter");
	assert_null(strstr(first + 1, "waiting for the arbiter"));

	hand_over(e);
	clock_advance(c.handover_retry_ms);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_non_null(strstr(env_logged(e), "report keys handed over"));
	assert_int_equal(key_u64(e, "tot"), 250000);
	assert_int_equal(key_u64(e, "free"), 100000);
	assert_int_equal(key_u64(e, "avail"), 150000);
	assert_int_equal(key_u64(e, "committed_as"), 120000);
	assert_int_equal(key_u64(e, "swap_tot"), 102400);
	assert_int_equal(key_u64(e, "swap_free"), 92400);
	assert_int_equal(key_u64(e, "balloon_current"), 262144);
	assert_int_equal(key_u64(e, "balloon_target"), 262144);
	assert_int_equal(key_u64(e, "oom_kills"), 0);
	assert_int_equal(key_u64(e, "psi_some"), 150);
	assert_int_equal(key_u64(e, "membal_version"), MEMBAL_KEY_LAYOUT_VERSION);
	agent_close(&a);
}

static void test_publication_rules_and_transactions(void **state)
{
	struct env *e = *state;
	struct agent_config c;
	struct agent a;

	hand_over(e);
	agent_cfg(e, &c);
	agent_init(&a, &c, DOMID);
	uint64_t tx0 = commits(e);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(commits(e) - tx0, 1); /* one publication, one transaction */
	unsigned long long stamp1 = key_u64(e, "stamp");

	/* Steady guest: no request at all until the heartbeat. */
	uint64_t r0 = requests(e);
	for (uint32_t t = c.sample_ms; t < c.heartbeat_ms; t += c.sample_ms) {
		clock_advance(c.sample_ms);
		assert_int_equal(agent_step(&a), STEP_QUIET);
	}
	assert_int_equal(requests(e), r0);
	/* The heartbeat rewrites the stamp alone (one WRITE in one
	 * transaction): the arbiter takes it as liveness without reading. */
	struct xsd_stats hb0, hb1;
	xsd_get_stats(e->x, &hb0);
	clock_advance(c.sample_ms);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(a.last_why, REPORT_HEARTBEAT);
	xsd_get_stats(e->x, &hb1);
	assert_int_equal(hb1.by_type[XS_WRITE] - hb0.by_type[XS_WRITE], 1);
	assert_int_equal(commits(e) - tx0, 2);
	unsigned long long stamp2 = key_u64(e, "stamp");
	assert_true(stamp2 != stamp1);

	/* Committed_AS rises by less than report_delta_kb: quiet; by more:
	 * published at the next sample, with a new stamp. */
	put_meminfo(e, 100000, 150000, 120000 + 4000);
	clock_advance(c.sample_ms);
	assert_int_equal(agent_step(&a), STEP_QUIET);
	put_meminfo(e, 100000, 150000, 120000 + 4096);
	clock_advance(c.sample_ms);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(a.last_why, REPORT_DELTA);
	assert_int_equal(key_u64(e, "committed_as"), 124096);
	assert_true(key_u64(e, "stamp") != stamp2);

	/* An OOM kill is published at once, whatever the deltas. */
	put_vmstat(e, 1, 1000);
	clock_advance(c.sample_ms);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(a.last_why, REPORT_OOM);
	assert_int_equal(key_u64(e, "oom_kills"), 1);

	/* A page-reclaim burst in MemFree is filtered: the window mean
	 * (100000) stays published. A real drop is published. */
	put_meminfo(e, 100000 + 50000, 150000, 124096);
	clock_advance(c.sample_ms);
	assert_int_equal(agent_step(&a), STEP_QUIET);
	assert_int_equal(key_u64(e, "free"), 100000);
	put_meminfo(e, 60000, 150000, 124096);
	clock_advance(c.sample_ms);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(key_u64(e, "free"), 60000);

	/* Swap-in rate from pswpin deltas: 500 pages over one second. */
	put_vmstat(e, 1, 1500);
	put_meminfo(e, 50000, 150000, 124096);
	clock_advance(1000);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(key_u64(e, "swapin_rate"), 500);
	agent_close(&a);
}

static void test_eagain_storm(void **state)
{
	struct env *e = *state;
	struct agent_config c;
	struct agent a;

	hand_over(e);
	agent_cfg(e, &c);
	agent_init(&a, &c, DOMID);
	/* A few conflicts: retried inside one publication. */
	xsd_fail_transactions(e->x, 3);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(a.n.tx_eagain, 3);
	assert_int_equal(key_u64(e, "tot"), 250000);

	/* A storm longer than tx_retries: given up, reported, retried at
	 * the next sample (the figures are still due). */
	put_meminfo(e, 10000, 150000, 120000);
	xsd_fail_transactions(e->x, c.tx_retries + 2);
	clock_advance(c.sample_ms);
	assert_int_equal(agent_step(&a), STEP_TX_FAILED);
	assert_int_equal(a.n.tx_gave_up, 1);
	assert_non_null(strstr(env_logged(e), "publication abandoned after 8 transaction attempts"));
	assert_int_equal(key_u64(e, "free"), 100000); /* nothing half-written */
	/* The two refusals left are absorbed by the next publication. */
	uint64_t eagain_before = a.n.tx_eagain;
	clock_advance(c.sample_ms);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(a.n.tx_eagain - eagain_before, 2);
	assert_int_equal(key_u64(e, "free"), 10000);
	agent_close(&a);
}

static void test_xenstored_restart(void **state)
{
	struct env *e = *state;
	struct agent_config c;
	struct agent a;

	hand_over(e);
	agent_cfg(e, &c);
	agent_init(&a, &c, DOMID);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	unsigned long long stamp1 = key_u64(e, "stamp");

	/* Same tree: the agent notices at its next request, backs off, and
	 * publishes again on the new connection. */
	xs_close(e->h0);
	assert_int_equal(xsd_restart(e->x, true), 0);
	char sock[128];
	snprintf(sock, sizeof(sock), "%s/socket", e->dir);
	e->h0 = open_as(sock);
	setenv("XENSTORED_PATH", xsd_domain_socket(e->x, DOMID), 1);
	put_meminfo(e, 50000, 150000, 120000);
	clock_advance(c.sample_ms);
	assert_int_equal(agent_step(&a), STEP_NO_XENSTORE);
	assert_non_null(strstr(env_logged(e), "xenstore connection lost"));
	enum agent_step_result r = STEP_NO_XENSTORE;
	for (int i = 0; i < 10 && r != STEP_PUBLISHED; i++) {
		clock_advance(c.sample_ms);
		r = agent_step(&a);
	}
	assert_int_equal(r, STEP_PUBLISHED);
	assert_int_equal(key_u64(e, "free"), 50000);
	assert_true(key_u64(e, "stamp") > stamp1);
	agent_close(&a);
}

static void test_meminfo_vanishes_and_returns(void **state)
{
	struct env *e = *state;
	struct agent_config c;
	struct agent a;
	char p[256];

	hand_over(e);
	agent_cfg(e, &c);
	agent_init(&a, &c, DOMID);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	snprintf(p, sizeof(p), "%s/meminfo", e->dir);
	unlink(p);
	uint64_t r0 = requests(e);
	for (int i = 0; i < 3; i++) {
		clock_advance(c.heartbeat_ms);
		assert_int_equal(agent_step(&a), STEP_NO_SAMPLE);
	}
	assert_int_equal(requests(e), r0); /* last good figures stay published */
	const char *first = strstr(env_logged(e), "keeping the last published figures");
	assert_non_null(first);
	assert_null(strstr(first + 1, "keeping the last published figures"));
	put_file(e->dir, "meminfo", "MemTotal: 12 kB\nMemFree: garbage\n");
	clock_advance(c.sample_ms);
	assert_int_equal(agent_step(&a), STEP_NO_SAMPLE);
	assert_int_equal(key_u64(e, "tot"), 250000);
	put_meminfo(e, 90000, 150000, 120000);
	clock_advance(c.sample_ms);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_non_null(strstr(env_logged(e), "is usable again"));
	agent_close(&a);
}

/* ---- the daemon binary ---- */

static pid_t spawn_agent(struct env *e, const char *config, const char *extra,
			 const char *errfile)
{
	char bin[512];
	const char *dir = getenv("MEMBAL_BIN");
	pid_t pid;

	snprintf(bin, sizeof(bin), "%s/membal-agent", dir ? dir : "build/san");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, 2);
		dup2(fd, 1);
		char domid[8];
		snprintf(domid, sizeof(domid), "%d", DOMID);
		if (extra)
			execl(bin, bin, "--foreground", "--config", config, "--domid", domid,
			      extra, (char *)NULL);
		else
			execl(bin, bin, "--foreground", "--config", config, "--domid", domid,
			      (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Poll (real time) until key changes from old, at most timeout_ms. */
static bool wait_key_change(struct env *e, const char *k, unsigned long long old,
			    unsigned timeout_ms)
{
	for (unsigned t = 0; t < timeout_ms; t += 20) {
		char *s = key(e, k);

		if (s && *s && strtoull(s, NULL, 10) != old) {
			free(s);
			return true;
		}
		free(s);
		sleep_ms(20);
	}
	return false;
}

static char *slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

static void write_config(struct env *e, const char *name, const char *body)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "[agent]\nmeminfo_path=%s/meminfo\nvmstat_path=%s/vmstat\n"
		 "psi_path=%s/psi\nsysfs_root=%s/sys\n%s",
		 e->dir, e->dir, e->dir, e->dir, body);
	put_file(e->dir, name, text);
}

static void test_once_exit_codes(void **state)
{
	struct env *e = *state;
	char cfg[256], err[256];
	int status;

	write_config(e, "once.ini", "");
	snprintf(cfg, sizeof(cfg), "%s/once.ini", e->dir);
	snprintf(err, sizeof(err), "%s/once.err", e->dir);
	pid_t pid = spawn_agent(e, cfg, "--once", err);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 4); /* keys not handed over */
	assert_non_null(strstr(slurp(err), "report keys not handed over yet"));

	hand_over(e);
	pid = spawn_agent(e, cfg, "--once", err);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(key_u64(e, "free"), 100000);
}

static void test_daemon_signals_and_restart(void **state)
{
	struct env *e = *state;
	char cfg[256], err[256], sock[128];
	int status;

	hand_over(e);
	write_config(e, "d.ini", "sample_ms=20\nheartbeat_ms=200\nreconnect_max_ms=100\n");
	snprintf(cfg, sizeof(cfg), "%s/d.ini", e->dir);
	snprintf(err, sizeof(err), "%s/d.err", e->dir);
	pid_t pid = spawn_agent(e, cfg, NULL, err);
	assert_true(wait_key_change(e, "stamp", 0, 5000));
	unsigned long long s1 = key_u64(e, "stamp");
	assert_true(wait_key_change(e, "stamp", s1, 5000)); /* heartbeat */

	/* SIGHUP with a bad file: still running, old config kept, said why. */
	write_config(e, "d.ini", "sample_ms=oops\n");
	kill(pid, SIGHUP);
	sleep_ms(200);
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
	assert_non_null(strstr(slurp(err), "d.ini:6: [agent] sample_ms: 'oops'"));
	assert_non_null(strstr(slurp(err), "keeping the previous one"));

	/* xenstored restarts (same tree): the agent reconnects by itself. */
	xs_close(e->h0);
	assert_int_equal(xsd_restart(e->x, true), 0);
	snprintf(sock, sizeof(sock), "%s/socket", e->dir);
	e->h0 = open_as(sock);
	unsigned long long s2 = key_u64(e, "stamp");
	put_meminfo(e, 30000, 150000, 120000);
	assert_true(wait_key_change(e, "free", 100000, 5000));
	assert_int_equal(key_u64(e, "free"), 30000);
	assert_true(key_u64(e, "stamp") > s2);

	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_non_null(strstr(slurp(err), "stopping after"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_waits_for_handover_then_publishes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_publication_rules_and_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eagain_storm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xenstored_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meminfo_vanishes_and_returns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_once_exit_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_daemon_signals_and_restart, setup, teardown),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
