/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fault injection of the test xenstored: dropped connections and restarts
 * with the tree kept or emptied, seen by real libxenstore clients.
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

#include "xsd_fixture.h"

struct ctx {
	struct fx f;
	unsigned fresh_nodes;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct xsd_stats st;

	if (!c || !fx_start(&c->f, 0, 0))
		return -1;
	xsd_get_stats(c->f.x, &st);
	c->fresh_nodes = st.nodes;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	fx_stop(&c->f);
	free(c);
	return 0;
}

static void expect(struct xs_handle *h, const char *path, const char *value)
{
	char *v = fx_read(h, path);

	assert_non_null(v);
	assert_string_equal(v, value);
	free(v);
}

static unsigned connections(struct ctx *c)
{
	struct xsd_stats st;

	xsd_get_stats(c->f.x, &st);
	return st.connections;
}

static void test_drop_connections(void **state)
{
	struct ctx *c = *state;
	struct xs_handle *plain = fx_open_dom0(&c->f);
	struct xs_handle *watcher = fx_open_dom0(&c->f);

	assert_non_null(plain);
	assert_non_null(watcher);
	assert_true(xs_write(plain, XBT_NULL, "/keep", "1", 1));
	assert_true(xs_watch(watcher, "/keep", "t"));
	assert_true(fx_next_event(watcher, "/keep", "t", 5000));
	assert_int_equal(connections(c), 2);

	xsd_drop_connections(c->f.x);
	assert_int_equal(connections(c), 0);
	/* Both kinds of handle notice: a plain one on its next request, one
	 * with a reader thread as well. */
	assert_false(xs_write(plain, XBT_NULL, "/keep", "2", 1));
	assert_null(fx_read(watcher, "/keep"));
	xs_close(plain);
	xs_close(watcher);

	/* The server is still there: a new connection works. */
	plain = fx_open_dom0(&c->f);
	assert_non_null(plain);
	expect(plain, "/keep", "1");
	xs_close(plain);
}

static void test_restart_keep(void **state)
{
	struct ctx *c = *state;
	struct xs_handle *h = fx_open_dom0(&c->f), *g;

	assert_int_equal(xsd_introduce_domain(c->f.x, 5, "g5", 1000, 2000), 0);
	g = fx_open_dom(&c->f, 5);
	assert_non_null(h);
	assert_non_null(g);
	assert_true(xs_write(h, XBT_NULL, "/persist", "p", 1));
	assert_true(xs_watch(h, "/persist", "w"));
	assert_true(fx_next_event(h, "/persist", "w", 5000));

	assert_int_equal(xsd_restart(c->f.x, true), 0);
	assert_null(fx_read(h, "/persist"));
	assert_null(fx_read(g, "domid"));
	xs_close(h);
	xs_close(g);

	h = fx_open_dom0(&c->f);
	g = fx_open_dom(&c->f, 5);
	assert_non_null(h);
	assert_non_null(g);
	expect(h, "/persist", "p");
	expect(g, "memory/target", "1000");
	assert_true(xs_is_domain_introduced(h, 5));
	/* Watches did not survive: nothing for the new connection. */
	{
		char seen[128];

		assert_true(xs_write(h, XBT_NULL, "/persist", "q", 1));
		assert_true(xs_watch(h, "/other", "o"));
		assert_int_equal(fx_drain_events(h, seen, sizeof(seen)), 1);
		assert_string_equal(seen, "/other");
	}
	xs_close(h);
	xs_close(g);
}

static void test_restart_empty(void **state)
{
	struct ctx *c = *state;
	struct xs_handle *h, *g;
	struct xsd_stats st;
	unsigned num;
	char **d;

	assert_int_equal(xsd_restart(c->f.x, false), 0);
	xsd_get_stats(c->f.x, &st);
	assert_int_equal(st.nodes, c->fresh_nodes);
	h = fx_open_dom0(&c->f);
	assert_non_null(h);
	errno = 0;
	assert_null(fx_read(h, "/persist"));
	assert_int_equal(errno, ENOENT);
	d = xs_directory(h, XBT_NULL, "/local/domain", &num);
	assert_non_null(d);
	assert_int_equal(num, 1);
	assert_string_equal(d[0], "0");
	free(d);
	assert_false(xs_is_domain_introduced(h, 5));

	/* The domain socket is back too, but the domain is forgotten. */
	g = fx_open_dom(&c->f, 5);
	assert_non_null(g);
	errno = 0;
	assert_null(fx_read(g, "memory/target"));
	assert_int_equal(errno, EACCES);
	xs_close(g);
	assert_int_equal(xsd_introduce_domain(c->f.x, 5, "g5", 3000, 4000), 0);
	g = fx_open_dom(&c->f, 5);
	expect(g, "memory/target", "3000");
	xs_close(g);
	xs_close(h);
	assert_int_equal(xsd_release_domain(c->f.x, 5), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_connections),
		cmocka_unit_test(test_restart_keep),
		cmocka_unit_test(test_restart_empty),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
