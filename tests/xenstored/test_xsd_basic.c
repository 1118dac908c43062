/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test xenstored against the real libxenstore: basic operations,
 * DIRECTORY_PART, error replies, raw protocol corner cases.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "xsd_fixture.h"

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || !fx_start(f, 0, 0)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	fx_stop(f);
	free(f);
	return 0;
}

static void test_read_write_mkdir(void **state)
{
	struct fx *f = *state;
	struct xs_handle *h = fx_open_dom0(f);
	unsigned len;
	char *v;

	assert_non_null(h);
	errno = 0;
	assert_null(xs_read(h, XBT_NULL, "/nothing/here", &len));
	assert_int_equal(errno, ENOENT);

	assert_true(xs_write(h, XBT_NULL, "/a/b/c", "12", 2));
	v = xs_read(h, XBT_NULL, "/a/b/c", &len);
	assert_string_equal(v, "12");
	assert_int_equal(len, 2);
	free(v);
	/* Implicitly created parents are empty. */
	v = xs_read(h, XBT_NULL, "/a/b", &len);
	assert_string_equal(v, "");
	free(v);

	/* Binary values keep their bytes. */
	assert_true(xs_write(h, XBT_NULL, "/a/bin", "x\0y", 3));
	v = xs_read(h, XBT_NULL, "/a/bin", &len);
	assert_int_equal(len, 3);
	assert_memory_equal(v, "x\0y", 3);
	free(v);

	assert_true(xs_mkdir(h, XBT_NULL, "/m/n"));
	assert_true(xs_mkdir(h, XBT_NULL, "/m/n"));   /* exists: fine */
	v = xs_read(h, XBT_NULL, "/m/n", &len);
	assert_string_equal(v, "");
	free(v);
	/* mkdir leaves a value alone. */
	assert_true(xs_mkdir(h, XBT_NULL, "/a/b/c"));
	v = fx_read(h, "/a/b/c");
	assert_string_equal(v, "12");
	free(v);

	/* Relative paths of a socket client are below /local/domain/0. */
	assert_true(xs_write(h, XBT_NULL, "rel/key", "r", 1));
	v = xsd_read(f->x, "/local/domain/0/rel/key");
	assert_string_equal(v, "r");
	free(v);
	xs_close(h);
}

static void test_invalid_paths(void **state)
{
	struct fx *f = *state;
	struct xs_handle *h = fx_open_dom0(f);
	char big[2200];

	assert_non_null(h);
	assert_int_equal(fx_write_err(h, "/a//b", "x"), EINVAL);
	assert_int_equal(fx_write_err(h, "/a/b/", "x"), EINVAL);
	assert_int_equal(fx_write_err(h, "/a/b c", "x"), EINVAL);
	assert_int_equal(fx_write_err(h, "@introduceDomain", "x"), EINVAL);
	/* At most 2048 characters below /local/domain/<id>/. */
	memset(big, 'k', sizeof(big));
	memcpy(big, "/local/domain/7/", 16);
	big[16 + 2048] = '\0';
	assert_int_equal(fx_write_err(h, big, "x"), 0);
	big[16 + 2048] = 'k';
	big[16 + 2049] = '\0';
	assert_int_equal(fx_write_err(h, big, "x"), EINVAL);
	xs_close(h);
}

static void test_rm(void **state)
{
	struct fx *f = *state;
	struct xs_handle *h = fx_open_dom0(f);
	struct xsd_stats before, after;
	unsigned num;
	char **d;

	assert_non_null(h);
	xsd_get_stats(f->x, &before);
	assert_true(xs_write(h, XBT_NULL, "/r/x/y/z", "1", 1));
	assert_true(xs_write(h, XBT_NULL, "/r/x/w", "2", 1));
	assert_true(xs_write(h, XBT_NULL, "/r/keep", "3", 1));
	assert_true(xs_rm(h, XBT_NULL, "/r/x"));
	errno = 0;
	assert_null(fx_read(h, "/r/x/y/z"));
	assert_int_equal(errno, ENOENT);
	assert_null(fx_read(h, "/r/x"));
	d = xs_directory(h, XBT_NULL, "/r", &num);
	assert_non_null(d);
	assert_int_equal(num, 1);
	assert_string_equal(d[0], "keep");
	free(d);
	/* Missing node with an existing parent: fine; missing parent: not. */
	assert_true(xs_rm(h, XBT_NULL, "/r/none"));
	errno = 0;
	assert_false(xs_rm(h, XBT_NULL, "/r/none/deeper"));
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_false(xs_rm(h, XBT_NULL, "/"));
	assert_int_equal(errno, EINVAL);
	assert_true(xs_rm(h, XBT_NULL, "/r"));
	xsd_get_stats(f->x, &after);
	assert_int_equal(after.nodes, before.nodes);   /* nothing left over */
	xs_close(h);
}

static void test_directory_order_and_domain_path(void **state)
{
	struct fx *f = *state;
	struct xs_handle *h = fx_open_dom0(f);
	unsigned num;
	char **d, *p;

	assert_non_null(h);
	assert_true(xs_write(h, XBT_NULL, "/o/zz", "", 0));
	assert_true(xs_write(h, XBT_NULL, "/o/aa", "", 0));
	assert_true(xs_write(h, XBT_NULL, "/o/mm", "", 0));
	d = xs_directory(h, XBT_NULL, "/o", &num);
	assert_int_equal(num, 3);
	/* Creation order, as xenstored. */
	assert_string_equal(d[0], "zz");
	assert_string_equal(d[1], "aa");
	assert_string_equal(d[2], "mm");
	free(d);
	errno = 0;
	assert_null(xs_directory(h, XBT_NULL, "/o/none", &num));
	assert_int_equal(errno, ENOENT);

	p = xs_get_domain_path(h, 7);
	assert_string_equal(p, "/local/domain/7");
	free(p);
	p = xs_get_domain_path(h, 0);
	assert_string_equal(p, "/local/domain/0");
	free(p);
	xs_close(h);
}

static void test_directory_part_fallback(void **state)
{
	struct fx *f = *state;
	struct xs_handle *h = fx_open_dom0(f);
	struct xsd_stats st;
	char path[64], **d;
	unsigned num;
	enum { N = 600 };   /* 600 names of 12 bytes: 7200 > 4096 */

	assert_non_null(h);
	for (int i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "/big/child-%05d", i);
		assert_true(xs_write(h, XBT_NULL, path, "", 0));
	}
	xsd_reset_stats(f->x);
	d = xs_directory(h, XBT_NULL, "/big", &num);
	assert_non_null(d);
	assert_int_equal(num, N);
	for (int i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "child-%05d", i);
		assert_string_equal(d[i], path);
	}
	free(d);
	xsd_get_stats(f->x, &st);
	/* DIRECTORY answered E2BIG, then DIRECTORY_PART in 4 KiB pieces. */
	assert_int_equal(st.by_type[XS_DIRECTORY], 1);
	assert_int_equal(st.by_type[XS_DIRECTORY_PART], 2);
	assert_true(xs_rm(h, XBT_NULL, "/big"));
	xs_close(h);
}

/* A raw client, for what libxenstore would never send. */
static int raw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(sa.sun_path, path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void raw_send(int fd, uint32_t type, uint32_t req_id, uint32_t tx,
		     const void *data, uint32_t len)
{
	struct xsd_sockmsg m = { .type = type, .req_id = req_id, .tx_id = tx,
				 .len = len };

	assert_int_equal(write(fd, &m, sizeof(m)), sizeof(m));
	if (len)
		assert_int_equal(write(fd, data, len), (ssize_t)len);
}

static uint32_t raw_recv(int fd, uint32_t *req_id, char *buf, uint32_t *len)
{
	struct xsd_sockmsg m;

	assert_int_equal(read(fd, &m, sizeof(m)), sizeof(m));
	assert_true(m.len <= XENSTORE_PAYLOAD_MAX);
	if (m.len)
		assert_int_equal(read(fd, buf, m.len), (ssize_t)m.len);
	buf[m.len] = '\0';
	*req_id = m.req_id;
	*len = m.len;
	return m.type;
}

static void test_raw_protocol(void **state)
{
	struct fx *f = *state;
	char buf[XENSTORE_PAYLOAD_MAX + 1];
	uint32_t req, len;
	int fd = raw_connect(f->sock);

	/* Unknown and reply-only types: ENOSYS, req_id echoed. */
	raw_send(fd, 999, 42, 0, "x", 2);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_ERROR);
	assert_int_equal(req, 42);
	assert_string_equal(buf, "ENOSYS");
	raw_send(fd, XS_WATCH_EVENT, 43, 0, "x", 2);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_ERROR);
	assert_string_equal(buf, "ENOSYS");
	raw_send(fd, 20 /* RESTRICT, removed */, 44, 0, "x", 2);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_ERROR);
	assert_string_equal(buf, "ENOSYS");
	/* A transaction id that does not exist. */
	raw_send(fd, XS_READ, 45, 77, "/local", 7);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_ERROR);
	assert_string_equal(buf, "ENOENT");
	/* READ wants exactly one nul-terminated argument. */
	raw_send(fd, XS_READ, 46, 0, "/local\0x", 8);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_ERROR);
	assert_string_equal(buf, "EINVAL");
	/* DIRECTORY_PART past the end: generation, then an empty list. */
	raw_send(fd, XS_DIRECTORY_PART, 47, 0, "/local\0" "999", 11);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_DIRECTORY_PART);
	assert_int_equal(len, strlen(buf) + 2);
	assert_int_equal(buf[len - 1], '\0');
	assert_int_equal(buf[len - 2], '\0');
	/* DIRECTORY_PART from 0: gen, "domain", and the closing empty name. */
	raw_send(fd, XS_DIRECTORY_PART, 48, 0, "/local\0" "0", 9);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_DIRECTORY_PART);
	assert_string_equal(buf + strlen(buf) + 1, "domain");
	assert_int_equal(len, strlen(buf) + 1 + sizeof("domain") + 1);
	/* A watch fires at once; RESET_WATCHES removes it. */
	raw_send(fd, XS_WATCH, 51, 0, "/local\0tok\0", 11);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_WATCH);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_WATCH_EVENT);
	assert_int_equal(req, 0);
	assert_string_equal(buf, "/local");
	assert_string_equal(buf + 7, "tok");
	raw_send(fd, XS_RESET_WATCHES, 52, 0, "", 1);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_RESET_WATCHES);
	raw_send(fd, XS_UNWATCH, 53, 0, "/local\0tok\0", 11);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_ERROR);
	assert_string_equal(buf, "ENOENT");
	/* Transactions do not nest; ids are per connection, never 0. */
	raw_send(fd, XS_TRANSACTION_START, 54, 0, "", 1);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_TRANSACTION_START);
	assert_string_equal(buf, "1");
	raw_send(fd, XS_TRANSACTION_START, 55, 1, "", 1);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_ERROR);
	assert_string_equal(buf, "EBUSY");
	raw_send(fd, XS_TRANSACTION_END, 56, 1, "X", 2);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_ERROR);
	assert_string_equal(buf, "EINVAL");
	raw_send(fd, XS_TRANSACTION_END, 57, 1, "F", 2);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_TRANSACTION_END);
	assert_string_equal(buf, "OK");
	/* CONTROL is optional and not implemented. */
	raw_send(fd, XS_CONTROL, 58, 0, "check", 6);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_ERROR);
	assert_string_equal(buf, "ENOSYS");
	/* More than XENSTORE_PAYLOAD_MAX: the connection is closed. */
	raw_send(fd, XS_READ, 49, 0, NULL, 0);
	assert_int_equal(raw_recv(fd, &req, buf, &len), XS_ERROR);
	{
		struct xsd_sockmsg m = { .type = XS_WRITE, .req_id = 50,
					 .len = XENSTORE_PAYLOAD_MAX + 1 };

		assert_int_equal(write(fd, &m, sizeof(m)), sizeof(m));
		assert_int_equal(read(fd, buf, sizeof(buf)), 0);
	}
	close(fd);
}

/* All of len bytes, or fail (the socket's receive timeout ends a wait). */
static void read_full(int fd, void *p, size_t len)
{
	while (len) {
		ssize_t n = read(fd, p, len);

		assert_true(n > 0);
		p = (char *)p + n;
		len -= (size_t)n;
	}
}

/* A client that sends many requests before reading any reply: once
 * 256 KiB of replies wait for it the server stops reading from it, and
 * it must take up reading again as the client drains them (the server
 * re-arms only the connections it touched): every reply arrives, in
 * order, within the receive timeout. */
static void test_slow_reader(void **state)
{
	enum { N = 400, VLEN = 1999 };
	struct fx *f = *state;
	static char big[VLEN + 1], body[XENSTORE_PAYLOAD_MAX];
	struct timeval tv = { .tv_sec = 30 };
	int fd = raw_connect(f->sock);

	static char reqs[N * (sizeof(struct xsd_sockmsg) + 6)];
	size_t used = 0;

	memset(big, 'b', VLEN);
	assert_int_equal(xsd_write(f->x, "/slow", big), 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	/* All the requests in one write (9 KiB, well within the socket's
	 * buffer): sent one by one, their per-message overhead can fill the
	 * buffer once the server stops reading, and a client that then
	 * blocks in write() before reading anything never gets out. */
	for (uint32_t i = 0; i < N; i++) {
		struct xsd_sockmsg m = { .type = XS_READ, .req_id = 1000 + i, .len = 6 };

		memcpy(reqs + used, &m, sizeof(m));
		memcpy(reqs + used + sizeof(m), "/slow", 6);
		used += sizeof(m) + 6;
	}
	assert_int_equal(write(fd, reqs, used), (ssize_t)used);
	for (uint32_t i = 0; i < N; i++) {
		struct xsd_sockmsg m;

		read_full(fd, &m, sizeof(m));
		assert_int_equal(m.type, XS_READ);
		assert_int_equal(m.req_id, 1000 + i);
		assert_int_equal(m.len, VLEN);
		read_full(fd, body, m.len);
		assert_memory_equal(body, big, VLEN);
	}
	/* and it still serves this connection */
	raw_send(fd, XS_READ, 7, 0, "/nonexistent", 13);
	{
		uint32_t req, len;

		assert_int_equal(raw_recv(fd, &req, body, &len), XS_ERROR);
		assert_int_equal(req, 7);
	}
	close(fd);
	assert_int_equal(xsd_rm(f->x, "/slow"), 0);
}

static void test_get_permissions(void **state)
{
	struct fx *f = *state;
	struct xs_handle *h = fx_open_dom0(f);
	struct xs_permissions *p, set[2] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = 9, .perms = XS_PERM_READ | XS_PERM_WRITE },
	};
	unsigned num;

	assert_non_null(h);
	assert_int_equal(xsd_introduce_domain(f->x, 9, "g9", 131072, 262144), 0);
	p = xs_get_permissions(h, XBT_NULL, "/local/domain/9", &num);
	assert_non_null(p);
	assert_int_equal(num, 2);
	assert_int_equal(p[0].id, 0);
	assert_int_equal(p[0].perms, XS_PERM_NONE);
	assert_int_equal(p[1].id, 9);
	assert_int_equal(p[1].perms, XS_PERM_READ);
	free(p);
	p = xs_get_permissions(h, XBT_NULL, "/local/domain/9/data", &num);
	assert_int_equal(num, 1);
	assert_int_equal(p[0].id, 9);
	assert_int_equal(p[0].perms, XS_PERM_NONE);
	free(p);

	/* A child made by dom0 inherits its parent's list unchanged. */
	assert_true(xs_set_permissions(h, XBT_NULL, "/local/domain/9/memory", set, 2));
	assert_true(xs_write(h, XBT_NULL, "/local/domain/9/memory/new", "1", 1));
	p = xs_get_permissions(h, XBT_NULL, "/local/domain/9/memory/new", &num);
	assert_int_equal(num, 2);
	assert_int_equal(p[1].id, 9);
	assert_int_equal(p[1].perms, XS_PERM_READ | XS_PERM_WRITE);
	free(p);

	/* An owner that does not exist: ENOENT, as xenstored. */
	set[0].id = 4242;
	errno = 0;
	assert_false(xs_set_permissions(h, XBT_NULL, "/local/domain/9/memory", set, 1));
	assert_int_equal(errno, ENOENT);
	assert_int_equal(xsd_release_domain(f->x, 9), 0);
	xs_close(h);
}

static void test_api_access(void **state)
{
	struct fx *f = *state;
	char *v, *dump;

	assert_int_equal(xsd_write(f->x, "/api/k", "v1"), 0);
	v = xsd_read(f->x, "/api/k");
	assert_string_equal(v, "v1");
	free(v);
	assert_int_equal(xsd_write(f->x, "relative", "v"), -1);
	assert_int_equal(errno, EINVAL);
	dump = xsd_dump(f->x);
	assert_non_null(strstr(dump, "/api/k = \"v1\"  (n0)\n"));
	free(dump);
	assert_int_equal(xsd_rm(f->x, "/api"), 0);
	assert_null(xsd_read(f->x, "/api/k"));
	assert_int_equal(errno, ENOENT);
}

/* A host of a thousand domains: a thousand connections open at once
 * (two thousand descriptors in this process, over the usual soft limit
 * of 1024, which xsd_start raises), each one served, its writes seen
 * through the others, and a watch on all of them fired for each. */
#define MANY_CONNS 1000

static void test_thousand_connections(void **state)
{
	struct fx *f = *state;
	struct xs_handle **h = calloc(MANY_CONNS, sizeof(*h));
	struct xs_handle *w = fx_open_dom0(f);
	char path[64], val[16], buf[16384];
	unsigned num;
	char **dir;

	assert_non_null(h);
	assert_non_null(w);
	assert_true(xs_watch(w, "/many", "t"));
	assert_true(fx_next_event(w, "/many", "t", 5000));
	for (int i = 0; i < MANY_CONNS; i++) {
		h[i] = fx_open_dom0(f);
		assert_non_null(h[i]);
	}
	/* every connection is live at once: write through each ... */
	for (int i = 0; i < MANY_CONNS; i++) {
		snprintf(path, sizeof(path), "/many/c%d", i);
		snprintf(val, sizeof(val), "%d", i);
		assert_true(xs_write(h[i], XBT_NULL, path, val, strlen(val)));
	}
	/* ... read back through another one */
	for (int i = 0; i < MANY_CONNS; i++) {
		char *v;

		snprintf(path, sizeof(path), "/many/c%d", i);
		snprintf(val, sizeof(val), "%d", i);
		v = fx_read(h[(i + 1) % MANY_CONNS], path);
		assert_non_null(v);
		assert_string_equal(v, val);
		free(v);
	}
	dir = xs_directory(h[0], XBT_NULL, "/many", &num);
	assert_non_null(dir);
	assert_int_equal(num, MANY_CONNS);
	free(dir);
	assert_int_equal(fx_drain_events(w, buf, sizeof(buf)), MANY_CONNS);
	for (int i = 0; i < MANY_CONNS; i++)
		xs_close(h[i]);
	xs_close(w);
	free(h);
	assert_int_equal(xsd_rm(f->x, "/many"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_write_mkdir),
		cmocka_unit_test(test_invalid_paths),
		cmocka_unit_test(test_rm),
		cmocka_unit_test(test_directory_order_and_domain_path),
		cmocka_unit_test(test_directory_part_fallback),
		cmocka_unit_test(test_raw_protocol),
		cmocka_unit_test(test_slow_reader),
		cmocka_unit_test(test_get_permissions),
		cmocka_unit_test(test_api_access),
		cmocka_unit_test(test_thousand_connections),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
