/* SPDX-License-Identifier: GPL-2.0-only */
/* src/common/notify.c: the sd_notify datagrams, to a path and to an
 * abstract ("@name") socket, and when the watchdog is ours. The daemons'
 * use of it is in test_arbiter_service. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/notify.h"

/* Bind a datagram socket at name (a path, or "@x" for the abstract
 * namespace) and return it. */
static int listen_at(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	memcpy(sa.sun_path, name, strlen(name));
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, len), 0);
	return fd;
}

static const char *receive(int fd)
{
	static char msg[600];
	ssize_t n = recv(fd, msg, sizeof(msg) - 1, 0);

	assert_true(n >= 0);
	msg[n] = '\0';
	return msg;
}

static void test_path_and_abstract(void **state)
{
	char path[64], abstract[64];

	snprintf(path, sizeof(path), "/tmp/membal-notify-%ld", (long)getpid());
	snprintf(abstract, sizeof(abstract), "@membal-notify-%ld", (long)getpid());
	unlink(path);
	int a = listen_at(path), b = listen_at(abstract);

	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_send("READY=1"), 0);   /* not under systemd */

	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(notify_send("STATUS=%s, %d domains", "abundant", 3), 1);
	assert_string_equal(receive(a), "STATUS=abundant, 3 domains");

	setenv("NOTIFY_SOCKET", abstract, 1);
	assert_int_equal(notify_send("WATCHDOG=1"), 1);
	assert_string_equal(receive(b), "WATCHDOG=1");

	/* Neither a path nor abstract; nobody listening. */
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(notify_send("READY=1"), -1);
	unlink(path);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(notify_send("READY=1"), -1);
	unsetenv("NOTIFY_SOCKET");
	close(a);
	close(b);
}

static void test_watchdog_is_ours(void **state)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	assert_int_equal(notify_watchdog_ms(), 0);
	setenv("WATCHDOG_USEC", "30000000", 1);
	assert_int_equal(notify_watchdog_ms(), 30000);        /* no WATCHDOG_PID: ours */
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(notify_watchdog_ms(), 30000);
	setenv("WATCHDOG_PID", "1", 1);                      /* another process's */
	assert_int_equal(notify_watchdog_ms(), 0);
	setenv("WATCHDOG_PID", pid, 1);
	setenv("WATCHDOG_USEC", "soon", 1);
	assert_int_equal(notify_watchdog_ms(), 0);
	setenv("WATCHDOG_USEC", "0", 1);
	assert_int_equal(notify_watchdog_ms(), 0);
	setenv("WATCHDOG_USEC", "500", 1);                   /* below 1 ms: still on */
	assert_int_equal(notify_watchdog_ms(), 1);
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_and_abstract),
		cmocka_unit_test(test_watchdog_is_ours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
