/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-test-xenstored as a program: spawned (the sanitized build, from
 * MEMBAL_BIN), driven through its control socket with its own client
 * mode, checked with the real libxenstore; it must exit cleanly (so also
 * without leaks) on "quit" and on SIGTERM.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xsd_fixture.h"

struct prog {
	char bin[512];
	char dir[64], sock[96], domdir[96], ctl[96], pid[96];
	pid_t child;
};

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Run the client mode; its output in out, its exit status returned. */
static int ctl(struct prog *p, const char *cmd, char *out, size_t size)
{
	char line[8192];
	size_t used = 0;
	FILE *f;
	int st;

	snprintf(line, sizeof(line), "'%s' --control '%s' --cmd '%s'", p->bin,
		 p->ctl, cmd);
	f = popen(line, "r");
	assert_non_null(f);
	out[0] = '\0';
	while (used + 1 < size && fgets(out + used, (int)(size - used), f))
		used += strlen(out + used);
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void start(struct prog *p)
{
	char out[256];
	int tries;

	p->child = fork();
	assert_true(p->child >= 0);
	if (p->child == 0) {
		execl(p->bin, p->bin, "--socket", p->sock, "--domain-sockets",
		      p->domdir, "--control", p->ctl, "--pidfile", p->pid,
		      (char *)NULL);
		_exit(127);
	}
	/* Process start-up (a sanitized binary): poll, 10 ms steps. */
	for (tries = 0; tries < 1000; tries++) {
		if (exists(p->ctl) && ctl(p, "stats", out, sizeof(out)) == 0)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	assert_true(tries < 1000);
}

static int stop_status(struct prog *p)
{
	int st;

	assert_int_equal(waitpid(p->child, &st, 0), p->child);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int setup(void **state)
{
	const char *bin = getenv("MEMBAL_BIN");
	struct prog *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	if (bin)
		snprintf(p->bin, sizeof(p->bin), "%s/membal-test-xenstored", bin);
	snprintf(p->dir, sizeof(p->dir), "/tmp/membal-xsdp-XXXXXX");
	if (!mkdtemp(p->dir))
		return -1;
	snprintf(p->sock, sizeof(p->sock), "%s/socket", p->dir);
	snprintf(p->domdir, sizeof(p->domdir), "%s/domains", p->dir);
	snprintf(p->ctl, sizeof(p->ctl), "%s/control", p->dir);
	snprintf(p->pid, sizeof(p->pid), "%s/pid", p->dir);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct prog *p = *state;

	rmdir(p->domdir);
	rmdir(p->dir);
	free(p);
	return 0;
}

static void test_control_commands(void **state)
{
	struct prog *p = *state;
	struct xs_handle *h, *g;
	xs_transaction_t t;
	char out[16384], *v;

	if (!p->bin[0] || access(p->bin, X_OK)) {
		print_message("MEMBAL_BIN/membal-test-xenstored not found: skipped\n");
		skip();
	}
	start(p);
	assert_true(exists(p->pid));

	assert_int_equal(ctl(p, "introduce 5 guest1 262144 524288", out, sizeof(out)), 0);
	assert_string_equal(out, "OK\n");
	h = fx_open_path(p->sock);
	assert_non_null(h);
	v = fx_read(h, "/local/domain/5/memory/target");
	assert_string_equal(v, "262144");
	free(v);
	snprintf(out, sizeof(out), "%s/dom5", p->domdir);
	g = fx_open_path(out);
	assert_non_null(g);
	v = fx_read(g, "memory/static-max");
	assert_string_equal(v, "524288");
	free(v);
	assert_int_equal(fx_write_err(g, "memory/target", "1"), EACCES);
	xs_close(g);

	assert_int_equal(ctl(p, "introduce 5 guest1 262144 524288", out, sizeof(out)), 1);
	assert_memory_equal(out, "ERR", 3);
	assert_int_equal(ctl(p, "introduce 0 dom0 1 1", out, sizeof(out)), 1);
	assert_int_equal(ctl(p, "frobnicate", out, sizeof(out)), 1);
	assert_memory_equal(out, "ERR unknown command", 19);

	assert_int_equal(ctl(p, "eagain 1", out, sizeof(out)), 0);
	t = xs_transaction_start(h);
	assert_true(xs_write(h, t, "/p/k", "1", 1));
	errno = 0;
	assert_false(xs_transaction_end(h, t, false));
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(ctl(p, "stats", out, sizeof(out)), 0);
	assert_non_null(strstr(out, " tx_eagain=1 "));
	assert_non_null(strstr(out, " connections=1 "));

	assert_int_equal(ctl(p, "write /p/msg hello world", out, sizeof(out)), 0);
	v = fx_read(h, "/p/msg");
	assert_string_equal(v, "hello world");
	free(v);
	assert_int_equal(ctl(p, "read /p/msg", out, sizeof(out)), 0);
	assert_string_equal(out, "OK hello world\n");
	assert_int_equal(ctl(p, "dump", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "\n/local/domain/5/memory/target = \"262144\"  (n0,r5)\n"));
	assert_non_null(strstr(out, "\n/p/msg = \"hello world\"  (n0)\n"));
	assert_string_equal(out + strlen(out) - 3, "OK\n");

	assert_int_equal(ctl(p, "release 5", out, sizeof(out)), 0);
	errno = 0;
	assert_null(fx_read(h, "/local/domain/5/memory/target"));
	assert_int_equal(errno, ENOENT);

	assert_int_equal(ctl(p, "drop", out, sizeof(out)), 0);
	assert_null(fx_read(h, "/p/msg"));
	xs_close(h);
	assert_int_equal(ctl(p, "restart empty", out, sizeof(out)), 0);
	h = fx_open_path(p->sock);
	assert_non_null(h);
	assert_null(fx_read(h, "/p/msg"));
	xs_close(h);

	assert_int_equal(ctl(p, "quit", out, sizeof(out)), 0);
	assert_int_equal(stop_status(p), 0);
	assert_false(exists(p->sock));
	assert_false(exists(p->ctl));
	assert_false(exists(p->pid));
}

static void test_sigterm(void **state)
{
	struct prog *p = *state;

	if (!p->bin[0] || access(p->bin, X_OK))
		skip();
	start(p);
	assert_int_equal(kill(p->child, SIGTERM), 0);
	assert_int_equal(stop_status(p), 0);
	assert_false(exists(p->sock));
	assert_false(exists(p->pid));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_commands),
		cmocka_unit_test(test_sigterm),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
