/*
 * Adoption against a toolstack that commits while the arbiter reads.
 *
 * Found on real Xen under QEMU: a guest adopted with H_i = 257 MiB although
 * its static-max was 512 MiB, so its demand was clamped there until the
 * arbiter restarted. libxl writes memory/static-max and memory/target in
 * one transaction; the arbiter read static-max (absent), then libxl
 * committed, then it read target (present) and adopted the domain with an
 * unknown static-max, bounded by the maxmem of the build (memory + 1 MiB).
 *
 * Here the real cycle.c/xsio.c run against the in-memory xenstore of
 * tests/fuzz/fake_xs.c, whose read hook lets "libxl" commit right after
 * the arbiter's first read of the domain's memory/ directory, whichever
 * key that read was for. The hypervisor is the small table below.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <xenstore.h>

#include "arbiter/arbiter.h"
#include "common/clock.h"
#include "common/log.h"
#include "fake_xs.h"

#define MIB 1024u

static struct {
	struct hv_domain dom[2];     /* dom0, the new guest */
	uint64_t total_kb;
	bool committed;              /* libxl's layout transaction is in */
	unsigned reads_before;       /* arbiter reads of memory/ before it */
} W;

static int hv_host(struct hv *hv, struct hv_host *out)
{
	(void)hv;
	memset(out, 0, sizeof(*out));
	out->total_kb = W.total_kb;
	out->free_kb = W.total_kb - W.dom[0].tot_kb - W.dom[1].tot_kb;
	return 0;
}

static int hv_list(struct hv *hv, struct hv_domain *out, size_t cap, size_t *n)
{
	(void)hv;
	*n = 2;
	if (cap < 2) {
		errno = ENOBUFS;
		return -1;
	}
	memcpy(out, W.dom, sizeof(W.dom));
	return 0;
}

static int hv_set_maxmem(struct hv *hv, uint32_t domid, uint64_t max_kb)
{
	(void)hv;
	if (domid > 1) {
		errno = ESRCH;
		return -1;
	}
	W.dom[domid].max_kb = max_kb;
	return 0;
}

static int hv_set_pod(struct hv *hv, uint32_t domid, uint64_t pages)
{
	(void)hv;
	(void)domid;
	(void)pages;
	errno = EINVAL;
	return -1;
}

static enum hv_dom_type hv_type(struct hv *hv, uint32_t domid)
{
	(void)hv;
	(void)domid;
	return HV_TYPE_PV;
}

static const struct hv_ops test_hv_ops = {
	.name = "test", .host = hv_host, .list = hv_list,
	.set_maxmem = hv_set_maxmem, .set_pod_target = hv_set_pod,
	.dom_type = hv_type,
};

static void put(const char *path, const char *val)
{
	fxs_put(path, val, (unsigned)strlen(val));
}

/* libxl__build_post's transaction, as one commit: static-max, target and
 * videoram appear together. */
static void libxl_commit_layout(void)
{
	put("/local/domain/1/memory/static-max", "524288");
	put("/local/domain/1/memory/target", "262144");
	put("/local/domain/1/memory/videoram", "-1");
	W.committed = true;
}

static void commit_after_first_read(void *ctx, const char *path, bool found)
{
	(void)ctx;
	(void)found;
	if (W.committed || strncmp(path, "/local/domain/1/memory/", 23) != 0)
		return;
	W.reads_before++;
	libxl_commit_layout();
}

static void run_adoption(void (*read_hook)(void *, const char *, bool))
{
	static struct arbiter_config cfg;
	struct arbiter a;
	struct hv hv = { .ops = &test_hv_ops };

	fxs_reset();
	memset(&W, 0, sizeof(W));
	W.total_kb = 2048 * MIB;
	/* dom0 512 MiB; the guest being built: 256 MiB, maxmem 257 MiB (the
	 * build's memory + 1 MiB, what Xen lists before libxl is done). */
	W.dom[0] = (struct hv_domain){ .domid = 0, .tot_kb = 512 * MIB, .max_kb = 512 * MIB };
	W.dom[1] = (struct hv_domain){ .domid = 1, .tot_kb = 256 * MIB, .max_kb = 257 * MIB };
	put("/local/domain/0/name", "Domain-0");
	put("/local/domain/0/memory/static-max", "524288");
	put("/local/domain/0/memory/target", "524288");
	put("/local/domain/1/name", "g1");

	clock_drive(1000000);
	log_set_level(LOG_ERR);
	arbiter_config_defaults(&cfg);
	cfg.status_file[0] = '\0';
	cfg.control_socket[0] = '\0';
	assert_int_equal(arbiter_init(&a, &cfg, &hv, false), 0);
	fxs_set_read_hook(read_hook, NULL);
	if (!read_hook)
		libxl_commit_layout();
	for (int i = 0; i < 3; i++) {
		clock_advance(cfg.interval_ms);
		arbiter_cycle(&a);
	}
	struct dom *d = a.by_domid[1];
	bool known = d && d->known;
	uint64_t static_max_kb = d ? d->static_max_kb : 0, max_kb = d ? d->max_kb : 0;

	fxs_set_read_hook(NULL, NULL);
	arbiter_free(&a);
	fxs_reset();
	assert_true(known);
	assert_true(W.committed);
	/* H_i is static-max, not the maxmem of the build. */
	assert_int_equal(static_max_kb, 512 * MIB);
	assert_int_equal(max_kb, 512 * MIB);
}

/* The plain case: everything is there before the first listing. */
static void test_layout_complete_before_listing(void **state)
{
	(void)state;
	run_adoption(NULL);
}

/* libxl commits between two of the arbiter's reads. */
static void test_layout_commits_between_reads(void **state)
{
	(void)state;
	run_adoption(commit_after_first_read);
	assert_int_equal(W.reads_before, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_complete_before_listing),
		cmocka_unit_test(test_layout_commits_between_reads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
