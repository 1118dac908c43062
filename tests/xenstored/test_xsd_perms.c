/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test xenstored's permissions and quotas, seen through the real
 * libxenstore on per-domain sockets, against what xenstored 4.17 does.
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

#define QUOTA_NODES 40

struct ctx {
	struct fx f;
	struct xs_handle *dom0, *dom5, *dom6;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c || !fx_start(&c->f, QUOTA_NODES, 0))
		return -1;
	if (xsd_introduce_domain(c->f.x, 5, "guest5", 262144, 524288) ||
	    xsd_introduce_domain(c->f.x, 6, "guest6", 262144, 524288))
		return -1;
	c->dom0 = fx_open_dom0(&c->f);
	c->dom5 = fx_open_dom(&c->f, 5);
	c->dom6 = fx_open_dom(&c->f, 6);
	if (!c->dom0 || !c->dom5 || !c->dom6)
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	xs_close(c->dom0);
	xs_close(c->dom5);
	xs_close(c->dom6);
	fx_stop(&c->f);
	free(c);
	return 0;
}

static int read_err(struct xs_handle *h, const char *path)
{
	char *v;

	errno = 0;
	v = fx_read(h, path);
	free(v);
	return v ? 0 : errno;
}

static void test_domU_reads(void **state)
{
	struct ctx *c = *state;
	char *v;

	/* Its own home is readable (n0 r5), relative paths work. */
	v = fx_read(c->dom5, "memory/target");
	assert_string_equal(v, "262144");
	free(v);
	v = fx_read(c->dom5, "/local/domain/5/name");
	assert_string_equal(v, "guest5");
	free(v);
	/* Another domain's home and dom0's are not. */
	assert_int_equal(read_err(c->dom5, "/local/domain/6/memory/target"), EACCES);
	assert_int_equal(read_err(c->dom5, "/local/domain/0/name"), EACCES);
	assert_int_equal(read_err(c->dom5, "/local/domain"), EACCES);
	/* Missing node: ENOENT where the parent is readable, EACCES where not
	 * (xenstored does not tell whether it exists). */
	assert_int_equal(read_err(c->dom5, "memory/nothing"), ENOENT);
	assert_int_equal(read_err(c->dom5, "/local/domain/6/nothing"), EACCES);
	/* dom0 reads everything. */
	assert_int_equal(read_err(c->dom0, "/local/domain/6/data"), 0);
}

static void test_domU_writes(void **state)
{
	struct ctx *c = *state;
	struct xs_permissions *p;
	unsigned num;
	char *v;

	assert_int_equal(fx_write_err(c->dom5, "memory/target", "1"), EACCES);
	assert_int_equal(fx_write_err(c->dom5, "memory/free", "1"), EACCES);
	assert_int_equal(fx_write_err(c->dom5, "/local/domain/6/data/x", "1"), EACCES);
	assert_int_equal(fx_write_err(c->dom5, "/tool/x", "1"), EACCES);
	v = xsd_read(c->f.x, "/local/domain/5/memory/target");
	assert_string_equal(v, "262144");
	free(v);

	/* data/ belongs to the guest: it writes there and owns what it makes. */
	assert_int_equal(fx_write_err(c->dom5, "data/report/x", "7"), 0);
	p = xs_get_permissions(c->dom5, XBT_NULL, "data/report/x", &num);
	assert_non_null(p);
	assert_int_equal(num, 1);
	assert_int_equal(p[0].id, 5);
	free(p);
	assert_true(xs_rm(c->dom5, XBT_NULL, "data/report"));

	/* dom0 writes everything, also in a guest's home. */
	assert_int_equal(fx_write_err(c->dom0, "/local/domain/5/memory/target", "131072"), 0);
	v = fx_read(c->dom5, "memory/target");
	assert_string_equal(v, "131072");
	free(v);
}

static void test_handover_and_set_perms(void **state)
{
	struct ctx *c = *state;
	struct xs_permissions own5[] = { { .id = 5, .perms = XS_PERM_NONE } };
	struct xs_permissions own6[] = { { .id = 6, .perms = XS_PERM_NONE } };
	struct xs_permissions open5[] = {
		{ .id = 5, .perms = XS_PERM_NONE },
		{ .id = 6, .perms = XS_PERM_READ },
	};
	char *v;

	/* What the arbiter does for the agent's report keys (design.md §Guest keys). */
	assert_true(xs_write(c->dom0, XBT_NULL, "/local/domain/5/memory/free", "0", 1));
	assert_int_equal(fx_write_err(c->dom5, "memory/free", "1"), EACCES);
	assert_true(xs_set_permissions(c->dom0, XBT_NULL,
				       "/local/domain/5/memory/free", own5, 1));
	assert_int_equal(fx_write_err(c->dom5, "memory/free", "4096"), 0);
	v = fx_read(c->dom0, "/local/domain/5/memory/free");
	assert_string_equal(v, "4096");
	free(v);

	/* Only the owner (or dom0) changes permissions. */
	errno = 0;
	assert_false(xs_set_permissions(c->dom6, XBT_NULL,
					"/local/domain/5/memory/free", own6, 1));
	assert_int_equal(errno, EACCES);
	errno = 0;
	assert_false(xs_set_permissions(c->dom5, XBT_NULL, "memory/target", own5, 1));
	assert_int_equal(errno, EACCES);
	/* The owner may grant others, but not give the node away. */
	assert_true(xs_set_permissions(c->dom5, XBT_NULL, "memory/free", open5, 2));
	assert_int_equal(read_err(c->dom6, "/local/domain/5/memory/free"), 0);
	assert_int_equal(fx_write_err(c->dom6, "/local/domain/5/memory/free", "1"), EACCES);
	errno = 0;
	assert_false(xs_set_permissions(c->dom5, XBT_NULL, "memory/free", own6, 1));
	assert_int_equal(errno, EPERM);
	/* Privileged requests are refused to a guest. */
	errno = 0;
	assert_false(xs_introduce_domain(c->dom5, 9, 1, 1));
	assert_int_equal(errno, EACCES);
	errno = 0;
	assert_false(xs_is_domain_introduced(c->dom5, 6));
	assert_int_equal(errno, EACCES);
	assert_true(xs_is_domain_introduced(c->dom0, 6));
	assert_false(xs_is_domain_introduced(c->dom0, 77));
	assert_true(xs_rm(c->dom0, XBT_NULL, "/local/domain/5/memory/free"));
}

static void test_node_size_quota(void **state)
{
	struct ctx *c = *state;
	char big[4000], *v;

	memset(big, 'v', sizeof(big));
	big[2049] = '\0';
	/* The brief's case: a 2049-byte value from a guest. */
	assert_int_equal(fx_write_err(c->dom5, "data/big", big), ENOSPC);
	/* xenstored counts the whole record: 24-byte header + 8 bytes per
	 * permission + value + children >= 2048 is refused. With one
	 * permission entry, 2015 bytes fit and 2016 do not. */
	big[2016] = '\0';
	assert_int_equal(fx_write_err(c->dom5, "data/big", big), ENOSPC);
	big[2015] = '\0';
	assert_int_equal(fx_write_err(c->dom5, "data/big", big), 0);
	/* Unchanged after a refused rewrite. */
	big[2015] = 'v';
	big[2016] = '\0';
	assert_int_equal(fx_write_err(c->dom5, "data/big", big), ENOSPC);
	v = xsd_read(c->f.x, "/local/domain/5/data/big");
	assert_int_equal(strlen(v), 2015);
	free(v);
	/* dom0 is not limited. */
	big[3999] = '\0';
	assert_int_equal(fx_write_err(c->dom0, "/local/domain/5/data/big0", big), 0);
	assert_true(xs_rm(c->dom0, XBT_NULL, "/local/domain/5/data/big"));
	assert_true(xs_rm(c->dom0, XBT_NULL, "/local/domain/5/data/big0"));
}

static void test_node_count_quota(void **state)
{
	struct ctx *c = *state;
	char path[64];
	int made = 0, err = 0;

	/* Guest 6 owns 11 nodes of the libxl layout (data, attr, ...). */
	while (made < 2 * QUOTA_NODES) {
		snprintf(path, sizeof(path), "data/n%d", made);
		err = fx_write_err(c->dom6, path, "1");
		if (err)
			break;
		made++;
	}
	assert_int_equal(err, ENOSPC);
	assert_int_equal(made, QUOTA_NODES - 11);
	/* A transaction does not get around it. */
	{
		xs_transaction_t t = xs_transaction_start(c->dom6);

		assert_int_equal(xs_write(c->dom6, t, "data/in-tx", "1", 1), false);
		assert_int_equal(errno, ENOSPC);
		assert_true(xs_transaction_end(c->dom6, t, true));
	}
	/* Rewriting an existing node needs no new one. */
	assert_int_equal(fx_write_err(c->dom6, "data/n0", "2"), 0);
	/* dom0 is not limited. What it creates in data/ inherits "n6", so it
	 * belongs to the guest and counts for the guest's quota, as in
	 * xenstored. */
	for (int i = 0; i < QUOTA_NODES; i++) {
		snprintf(path, sizeof(path), "/local/domain/6/data/d0-%d", i);
		assert_int_equal(fx_write_err(c->dom0, path, "1"), 0);
	}
	assert_true(xs_rm(c->dom6, XBT_NULL, "data/n0"));
	assert_int_equal(fx_write_err(c->dom6, "data/again", "1"), ENOSPC);
	for (int i = 0; i < QUOTA_NODES; i++) {
		snprintf(path, sizeof(path), "/local/domain/6/data/d0-%d", i);
		assert_true(xs_rm(c->dom0, XBT_NULL, path));
	}
	/* One node free again: two missing levels do not fit, one does. */
	assert_int_equal(fx_write_err(c->dom6, "data/deep/er", "1"), ENOSPC);
	assert_int_equal(fx_write_err(c->dom6, "data/again", "1"), 0);
	assert_int_equal(fx_write_err(c->dom6, "data/again2", "1"), ENOSPC);
	for (int i = 1; i < made; i++) {
		snprintf(path, sizeof(path), "data/n%d", i);
		assert_true(xs_rm(c->dom6, XBT_NULL, path));
	}
	assert_true(xs_rm(c->dom6, XBT_NULL, "data/again"));
}

static void test_release_removes_owned_nodes(void **state)
{
	struct ctx *c = *state;
	struct xs_permissions own7[] = { { .id = 7, .perms = XS_PERM_NONE } };
	struct xs_permissions share[] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = 7, .perms = XS_PERM_READ },
	};
	struct xs_handle *h7;
	char *v;

	assert_int_equal(xsd_introduce_domain(c->f.x, 7, "g7", 1024, 2048), 0);
	h7 = fx_open_dom(&c->f, 7);
	assert_non_null(h7);
	/* A node elsewhere handed to the guest, one shared with it. */
	assert_true(xs_write(c->dom0, XBT_NULL, "/shared/owned/x", "1", 1));
	assert_true(xs_set_permissions(c->dom0, XBT_NULL, "/shared/owned", own7, 1));
	assert_true(xs_write(c->dom0, XBT_NULL, "/shared/ro", "2", 1));
	assert_true(xs_set_permissions(c->dom0, XBT_NULL, "/shared/ro", share, 2));
	assert_int_equal(read_err(h7, "/shared/ro"), 0);

	assert_int_equal(xsd_release_domain(c->f.x, 7), 0);
	assert_int_equal(xsd_release_domain(c->f.x, 7), -1);
	assert_int_equal(errno, ENOENT);
	/* The home is gone, the domain's own nodes elsewhere too. */
	assert_null(xsd_read(c->f.x, "/local/domain/7"));
	assert_null(xsd_read(c->f.x, "/shared/owned"));
	v = xsd_read(c->f.x, "/shared/ro");
	assert_string_equal(v, "2");
	free(v);
	/* Its connection is gone. */
	errno = 0;
	assert_null(fx_read(h7, "domid"));
	xs_close(h7);

	/* A new domain 7 does not inherit the old one's entry. */
	assert_int_equal(xsd_introduce_domain(c->f.x, 7, "g7b", 1024, 2048), 0);
	h7 = fx_open_dom(&c->f, 7);
	assert_int_equal(read_err(h7, "/shared/ro"), EACCES);
	xs_close(h7);
	assert_int_equal(xsd_release_domain(c->f.x, 7), 0);
	assert_true(xs_rm(c->dom0, XBT_NULL, "/shared"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domU_reads),
		cmocka_unit_test(test_domU_writes),
		cmocka_unit_test(test_handover_and_set_perms),
		cmocka_unit_test(test_node_size_quota),
		cmocka_unit_test(test_node_count_quota),
		cmocka_unit_test(test_release_removes_owned_nodes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
