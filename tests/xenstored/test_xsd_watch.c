/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Watches of the test xenstored through the real libxenstore: the event
 * at once, children, removal, relative paths, special watches and the
 * permission filter of xenstored 4.17.
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

#define WAIT_MS 5000   /* only a failing test waits this long */

struct ctx {
	struct fx f;
	struct xs_handle *dom0, *writer;
	char seen[1024];
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c || !fx_start(&c->f, 0, 0))
		return -1;
	c->dom0 = fx_open_dom0(&c->f);
	c->writer = fx_open_dom0(&c->f);
	if (!c->dom0 || !c->writer)
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	xs_close(c->dom0);
	xs_close(c->writer);
	fx_stop(&c->f);
	free(c);
	return 0;
}

static void put(struct xs_handle *h, const char *path, const char *value)
{
	assert_true(xs_write(h, XBT_NULL, path, value, (unsigned)strlen(value)));
}

static int drain(struct ctx *c, struct xs_handle *h)
{
	return fx_drain_events(h, c->seen, sizeof(c->seen));
}

static void test_initial_event_and_children(void **state)
{
	struct ctx *c = *state;
	struct xsd_stats st;

	xsd_reset_stats(c->f.x);
	/* Fired at once, also for a node that does not exist. */
	assert_true(xs_watch(c->dom0, "/w/a", "t1"));
	assert_true(fx_next_event(c->dom0, "/w/a", "t1", WAIT_MS));
	assert_int_equal(drain(c, c->dom0), 0);

	put(c->writer, "/w/a/b/c", "1");
	assert_true(fx_next_event(c->dom0, "/w/a/b/c", "t1", WAIT_MS));
	put(c->writer, "/w/a", "2");
	assert_true(fx_next_event(c->dom0, "/w/a", "t1", WAIT_MS));
	/* Siblings and prefixes that are not children do not fire. */
	put(c->writer, "/w/ab", "3");
	put(c->writer, "/w", "4");
	assert_int_equal(drain(c, c->dom0), 0);
	/* mkdir of an existing node changes nothing and fires nothing. */
	assert_true(xs_mkdir(c->writer, XBT_NULL, "/w/a/b"));
	assert_int_equal(drain(c, c->dom0), 0);
	/* Permission changes fire. */
	{
		struct xs_permissions p = { .id = 0, .perms = XS_PERM_READ };

		assert_true(xs_set_permissions(c->writer, XBT_NULL, "/w/a/b", &p, 1));
		assert_true(fx_next_event(c->dom0, "/w/a/b", "t1", WAIT_MS));
	}
	/* Same path, second token: a second watch; same token: EEXIST. */
	assert_true(xs_watch(c->dom0, "/w/a", "t2"));
	assert_true(fx_next_event(c->dom0, "/w/a", "t2", WAIT_MS));
	errno = 0;
	assert_false(xs_watch(c->dom0, "/w/a", "t2"));
	assert_int_equal(errno, EEXIST);
	put(c->writer, "/w/a/x", "5");
	assert_int_equal(drain(c, c->dom0), 2);
	assert_string_equal(c->seen, "/w/a/x /w/a/x");

	assert_true(xs_unwatch(c->dom0, "/w/a", "t1"));
	assert_true(xs_unwatch(c->dom0, "/w/a", "t2"));
	errno = 0;
	assert_false(xs_unwatch(c->dom0, "/w/a", "t2"));
	assert_int_equal(errno, ENOENT);
	put(c->writer, "/w/a/x", "6");
	assert_int_equal(drain(c, c->dom0), 0);
	xsd_get_stats(c->f.x, &st);
	assert_int_equal(st.watch_events, 7);
}

static void test_rm_events(void **state)
{
	struct ctx *c = *state;

	put(c->writer, "/rm/a/b/c", "1");
	assert_true(xs_watch(c->dom0, "/rm", "top"));
	assert_true(xs_watch(c->dom0, "/rm/a/b/c", "leaf"));
	assert_true(xs_watch(c->dom0, "/rm/a/b/c/d", "below"));
	assert_int_equal(drain(c, c->dom0), 3);
	/* The removed root fires watches above it; nodes below it fire only
	 * watches on themselves; nothing fires for what did not exist. */
	assert_true(xs_rm(c->writer, XBT_NULL, "/rm/a"));
	assert_int_equal(drain(c, c->dom0), 2);
	assert_string_equal(c->seen, "/rm/a/b/c /rm/a");
	xs_unwatch(c->dom0, "/rm", "top");
	xs_unwatch(c->dom0, "/rm/a/b/c", "leaf");
	xs_unwatch(c->dom0, "/rm/a/b/c/d", "below");
}

static void test_special_watches(void **state)
{
	struct ctx *c = *state;
	struct xs_permissions grant[] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = 4, .perms = XS_PERM_READ },
	};
	struct xs_handle *g4;

	assert_int_equal(xsd_introduce_domain(c->f.x, 4, "g4", 1, 1), 0);
	g4 = fx_open_dom(&c->f, 4);
	assert_non_null(g4);
	assert_true(xs_watch(c->dom0, "@introduceDomain", "in"));
	assert_true(xs_watch(c->dom0, "@releaseDomain", "out"));
	assert_true(xs_watch(g4, "@introduceDomain", "g4in"));
	assert_true(fx_next_event(c->dom0, "@introduceDomain", "in", WAIT_MS));
	assert_true(fx_next_event(c->dom0, "@releaseDomain", "out", WAIT_MS));
	assert_true(fx_next_event(g4, "@introduceDomain", "g4in", WAIT_MS));

	assert_int_equal(xsd_introduce_domain(c->f.x, 8, "g8", 1, 1), 0);
	assert_true(fx_next_event(c->dom0, "@introduceDomain", "in", WAIT_MS));
	/* The home is written before the event, as libxl does. */
	{
		char *v = fx_read(c->dom0, "/local/domain/8/name");

		assert_string_equal(v, "g8");
		free(v);
	}
	/* A guest gets special events only when dom0 allowed it. */
	assert_int_equal(drain(c, g4), 0);
	assert_true(xs_set_permissions(c->dom0, XBT_NULL, "@introduceDomain", grant, 2));
	errno = 0;
	assert_false(xs_set_permissions(g4, XBT_NULL, "@releaseDomain", grant, 2));
	assert_int_equal(errno, EACCES);
	assert_int_equal(xsd_introduce_domain(c->f.x, 9, "g9", 1, 1), 0);
	assert_true(fx_next_event(g4, "@introduceDomain", "g4in", WAIT_MS));
	assert_true(fx_next_event(c->dom0, "@introduceDomain", "in", WAIT_MS));

	/* Release: the home is gone when the event comes. */
	assert_int_equal(xsd_release_domain(c->f.x, 8), 0);
	assert_true(fx_next_event(c->dom0, "@releaseDomain", "out", WAIT_MS));
	assert_null(fx_read(c->dom0, "/local/domain/8"));
	assert_int_equal(xsd_release_domain(c->f.x, 9), 0);
	assert_true(fx_next_event(c->dom0, "@releaseDomain", "out", WAIT_MS));
	/* Also through the wire (xs_release_domain, as xl would). */
	assert_true(xs_release_domain(c->dom0, 4));
	assert_true(fx_next_event(c->dom0, "@releaseDomain", "out", WAIT_MS));
	errno = 0;
	assert_false(xs_release_domain(c->dom0, 4));
	assert_int_equal(errno, ENOENT);
	xs_close(g4);
	xs_unwatch(c->dom0, "@introduceDomain", "in");
	xs_unwatch(c->dom0, "@releaseDomain", "out");
}

static void test_guest_filter_and_relative(void **state)
{
	struct ctx *c = *state;
	struct xs_handle *g5, *g6;

	assert_int_equal(xsd_introduce_domain(c->f.x, 5, "g5", 1, 1), 0);
	assert_int_equal(xsd_introduce_domain(c->f.x, 6, "g6", 1, 1), 0);
	g5 = fx_open_dom(&c->f, 5);
	g6 = fx_open_dom(&c->f, 6);
	assert_non_null(g5);
	assert_non_null(g6);

	/* Relative watch: relative event paths. */
	assert_true(xs_watch(g5, "memory/target", "tgt"));
	assert_true(fx_next_event(g5, "memory/target", "tgt", WAIT_MS));
	put(c->writer, "/local/domain/5/memory/target", "4096");
	assert_true(fx_next_event(g5, "memory/target", "tgt", WAIT_MS));

	/* A guest may watch anything, but hears only about nodes it (or,
	 * for a node it cannot read, the node's parent) may read. */
	assert_true(xs_watch(g5, "/local/domain", "all"));
	assert_true(fx_next_event(g5, "/local/domain", "all", WAIT_MS));
	put(c->writer, "/local/domain/6/data/secret", "x");      /* n6 */
	put(c->writer, "/local/domain/0/private", "x");          /* n0 */
	put(c->writer, "/local/domain/5/memory/target", "8192"); /* n0 r5 */
	assert_int_equal(drain(c, g5), 2);
	assert_string_equal(c->seen, "memory/target /local/domain/5/memory/target");
	/* The guest's own writes, in its data/. */
	put(g5, "data/mine", "1");
	assert_int_equal(drain(c, g5), 1);
	assert_string_equal(c->seen, "/local/domain/5/data/mine");
	/* The node is unreadable but its parent is: the event comes. */
	{
		struct xs_permissions hide[] = { { .id = 0, .perms = XS_PERM_NONE } };

		put(c->writer, "/local/domain/5/memory/hidden", "1");
		assert_int_equal(drain(c, g5), 1);
		assert_true(xs_set_permissions(c->writer, XBT_NULL,
					       "/local/domain/5/memory/hidden", hide, 1));
		/* Readable before the change: the change itself is seen. */
		assert_int_equal(drain(c, g5), 1);
		put(c->writer, "/local/domain/5/memory/hidden", "2");
		assert_int_equal(drain(c, g5), 1);
	}
	/* Guest 6 hears nothing of guest 5's home. */
	assert_true(xs_watch(g6, "/local/domain/5", "spy"));
	assert_true(fx_next_event(g6, "/local/domain/5", "spy", WAIT_MS));
	put(c->writer, "/local/domain/5/data/mine", "2");
	assert_int_equal(drain(c, g6), 0);
	assert_int_equal(drain(c, g5), 1);

	/* A guest's watches go with its connection on release. */
	xs_close(g5);
	xs_close(g6);
	assert_int_equal(xsd_release_domain(c->f.x, 5), 0);
	assert_int_equal(xsd_release_domain(c->f.x, 6), 0);
}

static void test_watch_quota(void **state)
{
	struct ctx *c = *state;
	struct xs_handle *g;
	char tok[16];
	int i;

	assert_int_equal(xsd_introduce_domain(c->f.x, 11, "g11", 1, 1), 0);
	g = fx_open_dom(&c->f, 11);
	assert_non_null(g);
	/* Quota 128, checked with ">" before adding: 129 fit. */
	for (i = 0; i < 200; i++) {
		snprintf(tok, sizeof(tok), "t%d", i);
		if (!xs_watch(g, "data", tok))
			break;
	}
	assert_int_equal(i, 129);
	assert_int_equal(errno, E2BIG);
	drain(c, g);
	xs_close(g);
	/* Counted per connection (a real domain has exactly one). */
	g = fx_open_dom(&c->f, 11);
	assert_true(xs_watch(g, "data", "again"));
	xs_close(g);
	assert_int_equal(xsd_release_domain(c->f.x, 11), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initial_event_and_children),
		cmocka_unit_test(test_rm_events),
		cmocka_unit_test(test_special_watches),
		cmocka_unit_test(test_guest_filter_and_relative),
		cmocka_unit_test(test_watch_quota),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
