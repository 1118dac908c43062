/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Transactions of the test xenstored through the real libxenstore:
 * conflicts, aborts, injected EAGAIN, watch events at commit, quotas,
 * and a steady load that must not grow the server.
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
#include <time.h>

#include "xsd_fixture.h"

struct ctx {
	struct fx f;
	struct xs_handle *a, *b;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c || !fx_start(&c->f, 0, 0))
		return -1;
	c->a = fx_open_dom0(&c->f);
	c->b = fx_open_dom0(&c->f);
	if (!c->a || !c->b)
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	xs_close(c->a);
	xs_close(c->b);
	fx_stop(&c->f);
	free(c);
	return 0;
}

static void put(struct xs_handle *h, xs_transaction_t t, const char *path,
		const char *value)
{
	assert_true(xs_write(h, t, path, value, (unsigned)strlen(value)));
}

static void expect(struct xs_handle *h, xs_transaction_t t, const char *path,
		   const char *value)
{
	char *v = xs_read(h, t, path, NULL);

	if (!value) {
		assert_null(v);
		return;
	}
	assert_non_null(v);
	assert_string_equal(v, value);
	free(v);
}

static void test_overlap_gives_eagain(void **state)
{
	struct ctx *c = *state;
	struct xsd_stats st;
	xs_transaction_t t1, t2;

	put(c->a, XBT_NULL, "/tx/n", "0");
	xsd_reset_stats(c->f.x);
	t1 = xs_transaction_start(c->a);
	t2 = xs_transaction_start(c->b);
	assert_true(t1 != XBT_NULL && t2 != XBT_NULL);
	expect(c->a, t1, "/tx/n", "0");
	expect(c->b, t2, "/tx/n", "0");
	put(c->a, t1, "/tx/n", "1");
	put(c->b, t2, "/tx/n", "2");
	/* Isolation: nobody sees a value before its commit. */
	expect(c->a, XBT_NULL, "/tx/n", "0");
	expect(c->b, t2, "/tx/n", "2");
	assert_true(xs_transaction_end(c->a, t1, false));
	errno = 0;
	assert_false(xs_transaction_end(c->b, t2, false));
	assert_int_equal(errno, EAGAIN);
	expect(c->a, XBT_NULL, "/tx/n", "1");
	xsd_get_stats(c->f.x, &st);
	assert_int_equal(st.tx_started, 2);
	assert_int_equal(st.tx_committed, 1);
	assert_int_equal(st.tx_eagain, 1);
	/* The transaction is gone after EAGAIN. */
	errno = 0;
	assert_null(xs_read(c->b, t2, "/tx/n", NULL));
	assert_int_equal(errno, ENOENT);
}

static void test_outside_write_conflicts(void **state)
{
	struct ctx *c = *state;
	xs_transaction_t t;

	put(c->a, XBT_NULL, "/tx/r", "0");
	t = xs_transaction_start(c->a);
	/* Read only /tx/r, write /tx/w: a change of /tx/r outside still
	 * invalidates what the transaction decided from it. */
	expect(c->a, t, "/tx/r", "0");
	put(c->a, t, "/tx/w", "from-r");
	put(c->b, XBT_NULL, "/tx/r", "changed");
	errno = 0;
	assert_false(xs_transaction_end(c->a, t, false));
	assert_int_equal(errno, EAGAIN);
	expect(c->a, XBT_NULL, "/tx/w", NULL);

	/* A node created by someone else after we saw it missing. */
	t = xs_transaction_start(c->a);
	expect(c->a, t, "/tx/fresh", NULL);
	put(c->b, XBT_NULL, "/tx/fresh", "b");
	put(c->a, t, "/tx/fresh", "a");
	errno = 0;
	assert_false(xs_transaction_end(c->a, t, false));
	assert_int_equal(errno, EAGAIN);
	expect(c->a, XBT_NULL, "/tx/fresh", "b");
}

static void test_disjoint_both_commit(void **state)
{
	struct ctx *c = *state;
	xs_transaction_t t1, t2;

	put(c->a, XBT_NULL, "/tx/d/x", "0");
	put(c->a, XBT_NULL, "/tx/d/y", "0");
	t1 = xs_transaction_start(c->a);
	t2 = xs_transaction_start(c->b);
	expect(c->a, t1, "/tx/d/x", "0");
	expect(c->b, t2, "/tx/d/y", "0");
	put(c->a, t1, "/tx/d/x", "1");
	put(c->b, t2, "/tx/d/y", "2");
	assert_true(xs_transaction_end(c->a, t1, false));
	assert_true(xs_transaction_end(c->b, t2, false));
	expect(c->a, XBT_NULL, "/tx/d/x", "1");
	expect(c->a, XBT_NULL, "/tx/d/y", "2");
}

static void test_abort_discards(void **state)
{
	struct ctx *c = *state;
	struct xsd_stats before, after;
	xs_transaction_t t;

	put(c->a, XBT_NULL, "/tx/ab", "keep");
	xsd_get_stats(c->f.x, &before);
	t = xs_transaction_start(c->a);
	put(c->a, t, "/tx/ab", "lost");
	put(c->a, t, "/tx/ab2/deep", "lost");
	assert_true(xs_rm(c->a, t, "/tx/d"));
	expect(c->a, t, "/tx/d/x", NULL);
	assert_true(xs_transaction_end(c->a, t, true));
	expect(c->a, XBT_NULL, "/tx/ab", "keep");
	expect(c->a, XBT_NULL, "/tx/ab2", NULL);
	expect(c->a, XBT_NULL, "/tx/d/x", "1");
	xsd_get_stats(c->f.x, &after);
	assert_int_equal(after.tx_aborted, before.tx_aborted + 1);
	assert_int_equal(after.nodes, before.nodes);
}

static void test_commit_applies_rm_and_create(void **state)
{
	struct ctx *c = *state;
	xs_transaction_t t = xs_transaction_start(c->a);
	unsigned num;
	char **d;

	put(c->a, t, "/tx/new/a/b", "nb");
	assert_true(xs_rm(c->a, t, "/tx/d"));
	/* The transaction sees its own changes. */
	expect(c->a, t, "/tx/new/a/b", "nb");
	d = xs_directory(c->a, t, "/tx/new", &num);
	assert_int_equal(num, 1);
	free(d);
	expect(c->a, XBT_NULL, "/tx/new", NULL);
	assert_true(xs_transaction_end(c->a, t, false));
	expect(c->a, XBT_NULL, "/tx/new/a/b", "nb");
	expect(c->a, XBT_NULL, "/tx/d", NULL);
}

static void test_injected_eagain(void **state)
{
	struct ctx *c = *state;
	struct xsd_stats st;
	int tries = 0;
	bool ok;

	xsd_reset_stats(c->f.x);
	xsd_fail_transactions(c->f.x, 2);
	do {
		xs_transaction_t t = xs_transaction_start(c->a);

		put(c->a, t, "/tx/inj", "v");
		ok = xs_transaction_end(c->a, t, false);
		if (!ok)
			assert_int_equal(errno, EAGAIN);
		tries++;
	} while (!ok && tries < 10);
	assert_true(ok);
	assert_int_equal(tries, 3);
	expect(c->a, XBT_NULL, "/tx/inj", "v");
	/* Aborts are not commits: they are not failed. */
	xsd_fail_transactions(c->f.x, 1);
	assert_true(xs_transaction_end(c->a, xs_transaction_start(c->a), true));
	xsd_fail_transactions(c->f.x, 0);
	xsd_get_stats(c->f.x, &st);
	assert_int_equal(st.tx_eagain, 2);
	assert_int_equal(st.tx_committed, 1);
	assert_int_equal(st.tx_aborted, 1);
}

static void test_watch_fires_at_commit(void **state)
{
	struct ctx *c = *state;
	char seen[256];
	xs_transaction_t t;

	assert_true(xs_watch(c->b, "/tx/w", "tok"));
	assert_true(fx_next_event(c->b, "/tx/w", "tok", 5000));
	t = xs_transaction_start(c->a);
	put(c->a, t, "/tx/w/one", "1");
	put(c->a, t, "/tx/w/two", "2");
	assert_int_equal(fx_drain_events(c->b, seen, sizeof(seen)), 0);
	assert_true(xs_transaction_end(c->a, t, false));
	assert_int_equal(fx_drain_events(c->b, seen, sizeof(seen)), 2);
	assert_string_equal(seen, "/tx/w/one /tx/w/two");
	/* An aborted transaction fires nothing. */
	t = xs_transaction_start(c->a);
	put(c->a, t, "/tx/w/three", "3");
	assert_true(xs_transaction_end(c->a, t, true));
	assert_int_equal(fx_drain_events(c->b, seen, sizeof(seen)), 0);
	assert_true(xs_unwatch(c->b, "/tx/w", "tok"));
}

static void test_guest_transaction_quota(void **state)
{
	struct ctx *c = *state;
	xs_transaction_t t[12];
	struct xs_handle *g;
	int i;

	assert_int_equal(xsd_introduce_domain(c->f.x, 3, "g3", 1, 1), 0);
	g = fx_open_dom(&c->f, 3);
	assert_non_null(g);
	/* xenstored lets a guest connection open 11 (quota 10, checked ">"). */
	for (i = 0; i < 11; i++) {
		t[i] = xs_transaction_start(g);
		assert_true(t[i] != XBT_NULL);
	}
	errno = 0;
	assert_true(xs_transaction_start(g) == XBT_NULL);
	assert_int_equal(errno, ENOSPC);
	for (i = 0; i < 11; i++)
		assert_true(xs_transaction_end(g, t[i], true));
	xs_close(g);
	assert_int_equal(xsd_release_domain(c->f.x, 3), 0);
}

/* What an agent does every second, many times: the tree and the server
 * must not grow, and it must be cheap. */
static void test_steady_load_is_bounded(void **state)
{
	struct ctx *c = *state;
	struct xsd_stats before, after;
	struct timespec t0, t1;
	char path[64], val[32];
	enum { CYCLES = 3000, KEYS = 8 };
	double ms;

	for (int k = 0; k < KEYS; k++) {
		snprintf(path, sizeof(path), "/load/k%d", k);
		put(c->a, XBT_NULL, path, "0");
	}
	assert_true(xs_watch(c->b, "/load", "w"));
	assert_true(fx_next_event(c->b, "/load", "w", 5000));
	xsd_reset_stats(c->f.x);
	xsd_get_stats(c->f.x, &before);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < CYCLES; i++) {
		xs_transaction_t t = xs_transaction_start(c->a);

		for (int k = 0; k < KEYS; k++) {
			snprintf(path, sizeof(path), "/load/k%d", k);
			snprintf(val, sizeof(val), "%d", i * KEYS + k);
			put(c->a, t, path, val);
		}
		assert_true(xs_transaction_end(c->a, t, false));
		if (i % 64 == 0) {   /* the watcher keeps up */
			char seen[2048];

			fx_drain_events(c->b, seen, sizeof(seen));
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	xsd_get_stats(c->f.x, &after);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	print_message("%d transactions of %d writes in %.0f ms (%.0f requests/s)\n",
		      CYCLES, KEYS, ms, (double)after.requests / ms * 1e3);
	assert_int_equal(after.nodes, before.nodes);
	assert_int_equal(after.tx_committed, CYCLES);
	assert_int_equal(after.requests, (uint64_t)CYCLES * (KEYS + 2) +
					 after.by_type[XS_GET_DOMAIN_PATH]);
	assert_true(xs_unwatch(c->b, "/load", "w"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlap_gives_eagain),
		cmocka_unit_test(test_outside_write_conflicts),
		cmocka_unit_test(test_disjoint_both_commit),
		cmocka_unit_test(test_abort_discards),
		cmocka_unit_test(test_commit_applies_rm_and_create),
		cmocka_unit_test(test_injected_eagain),
		cmocka_unit_test(test_watch_fires_at_commit),
		cmocka_unit_test(test_guest_transaction_quota),
		cmocka_unit_test(test_steady_load_is_bounded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
