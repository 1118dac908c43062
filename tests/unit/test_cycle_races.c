/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The world moves while a cycle reads it. Both races were found on real
 * Xen under QEMU (tests/e2e-xen), where a cycle takes long enough for them.
 *
 * 1. Adoption against a toolstack that commits while the arbiter reads:
 * a guest adopted with H_i = 257 MiB although
 * its static-max was 512 MiB, so its demand was clamped there until the
 * arbiter restarted. libxl writes memory/static-max and memory/target in
 * one transaction; the arbiter read static-max (absent), then libxl
 * committed, then it read target (present) and adopted the domain with an
 * unknown static-max, bounded by the maxmem of the build (memory + 1 MiB).
 *
 * 2. A donor's balloon giving pages back between the domain listing and
 * the free-memory reading: the released memory was counted twice (in the
 * donor's stale N_i and in the fresh free figure), the budget was too
 * large by that much, and the targets together asked for more than the
 * host had: free memory fell 14 MiB below the reserve.
 *
 * Here the real cycle.c/xsio.c and policy run against the in-memory
 * xenstore of tests/fuzz/fake_xs.c (its read hook lets "libxl" commit
 * between two reads) and the small hypervisor table below (its list hook
 * lets a balloon move right after the listing).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <xenstore.h>

#include "arbiter/arbiter.h"
#include "common/clock.h"
#include "common/log.h"
#include "fake_xs.h"

#define MIB 1024u

#define NDOM 3

static struct {
	struct hv_domain dom[NDOM];  /* domid = index; dom0 first */
	size_t n;
	uint64_t total_kb;
	bool committed;              /* libxl's layout transaction is in */
	unsigned reads_before;       /* arbiter reads of memory/ before it */
	uint32_t release_domid;      /* after each listing, this balloon ... */
	uint64_t release_kb;         /* ... gives back this much */
} W;

static int hv_host(struct hv *hv, struct hv_host *out)
{
	uint64_t used = 0;

	(void)hv;
	for (size_t i = 0; i < W.n; i++)
		used += W.dom[i].tot_kb;
	memset(out, 0, sizeof(*out));
	out->total_kb = W.total_kb;
	out->free_kb = W.total_kb - used;
	return 0;
}

static int hv_list(struct hv *hv, struct hv_domain *out, size_t cap, size_t *n)
{
	(void)hv;
	*n = W.n;
	if (cap < W.n) {
		errno = ENOBUFS;
		return -1;
	}
	memcpy(out, W.dom, W.n * sizeof(W.dom[0]));
	/* The balloon works on while the arbiter goes on with its cycle. */
	if (W.release_kb) {
		struct hv_domain *d = &W.dom[W.release_domid];

		d->tot_kb -= W.release_kb < d->tot_kb ? W.release_kb : 0;
	}
	return 0;
}

static int hv_set_maxmem(struct hv *hv, uint32_t domid, uint64_t max_kb)
{
	(void)hv;
	if (domid >= W.n) {
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

/* What the xen backend can tell from libxl_domain_info: PV or "HVM",
 * which for Xen means an HVM container, PVH included. */
static enum hv_dom_type hv_type(struct hv *hv, uint32_t domid)
{
	(void)hv;
	return domid < W.n && W.dom[domid].hvm_container ? HV_TYPE_HVM : HV_TYPE_PV;
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

static void put_kb(uint32_t domid, const char *rel, uint64_t kb)
{
	char path[96], val[24];

	snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, rel);
	snprintf(val, sizeof(val), "%llu", (unsigned long long)kb);
	put(path, val);
}

/* A 2 GiB host: dom0 (512 MiB, fixed) and n - 1 guest slots to fill. */
static void new_world(size_t n)
{
	fxs_reset();
	memset(&W, 0, sizeof(W));
	W.total_kb = 2048 * MIB;
	W.n = n;
	W.dom[0] = (struct hv_domain){ .domid = 0, .tot_kb = 512 * MIB, .max_kb = 512 * MIB };
	put("/local/domain/0/name", "Domain-0");
	put_kb(0, "memory/static-max", 512 * MIB);
	put_kb(0, "memory/target", 512 * MIB);
}

/* The shipped defaults on the driven clock, without status file or
 * control socket. */
static void test_config(struct arbiter_config *cfg)
{
	clock_drive(1000000);
	log_set_level(LOG_ERR);
	arbiter_config_defaults(cfg);
	cfg->status_file[0] = '\0';
	cfg->control_socket[0] = '\0';
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

	/* The guest being built: 256 MiB, maxmem 257 MiB (the build's
	 * memory + 1 MiB, what Xen lists before libxl is done). */
	new_world(2);
	W.dom[1] = (struct hv_domain){ .domid = 1, .tot_kb = 256 * MIB, .max_kb = 257 * MIB };
	put("/local/domain/1/name", "g1");

	test_config(&cfg);
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

/* A guest of tot_kb that wants far more than the host has: every report
 * key, as membal-agent writes them. */
static void hungry_guest(uint32_t domid, const char *name, uint64_t tot_kb,
			 uint64_t target_kb)
{
	char path[64];

	W.dom[domid] = (struct hv_domain){ .domid = domid, .tot_kb = tot_kb,
					   .max_kb = target_kb > tot_kb ? target_kb : tot_kb };
	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	put(path, name);
	put_kb(domid, "memory/static-max", 2048 * MIB);
	put_kb(domid, "memory/target", target_kb);
	put_kb(domid, "memory/videoram", 0);
	put_kb(domid, "memory/tot", tot_kb - 32 * MIB);
	put_kb(domid, "memory/free", 20 * MIB);
	put_kb(domid, "memory/avail", 30 * MIB);
	put_kb(domid, "memory/committed_as", 1200 * MIB);
	put_kb(domid, "memory/swap_tot", 0);
	put_kb(domid, "memory/swap_free", 0);
	put_kb(domid, "memory/balloon_current", tot_kb);
	put_kb(domid, "memory/balloon_target", target_kb);
	put_kb(domid, "memory/oom_kills", 0);
	put_kb(domid, "memory/psi_some", 0);
	put_kb(domid, "memory/swapin_rate", 0);
	put_kb(domid, "memory/stamp", 1);
	put_kb(domid, "memory/membal_version", 1);
}

static uint64_t target_of(uint32_t domid)
{
	char path[64], buf[32];
	unsigned len = 0;
	const char *v;

	snprintf(path, sizeof(path), "/local/domain/%u/memory/target", domid);
	v = fxs_get(path, &len);
	assert_non_null(v);
	assert_true(len < sizeof(buf));
	memcpy(buf, v, len);
	buf[len] = '\0';
	return strtoull(buf, NULL, 10);
}

/* g2 is shrinking (target 700 MiB, still holding 800) and gives back
 * 48 MiB between the listing and the free-memory reading; g1 and g2 both
 * want far more than the host has (scarce). Whatever the cycle writes,
 * the targets together must fit in what the host has for guests:
 * total - dom0 - reserve_mb. */
static void test_release_between_list_and_free(void **state)
{
	static struct arbiter_config cfg;
	struct arbiter a;
	struct hv hv = { .ops = &test_hv_ops };
	(void)state;

	new_world(3);
	hungry_guest(1, "g1", 600 * MIB, 600 * MIB);
	hungry_guest(2, "g2", 800 * MIB, 700 * MIB);

	test_config(&cfg);
	assert_int_equal(arbiter_init(&a, &cfg, &hv, false), 0);
	W.release_domid = 2;
	W.release_kb = 48 * MIB;
	clock_advance(cfg.interval_ms);
	arbiter_cycle(&a);

	uint64_t reserve_kb = cfg.policy.params.reserve_kb;
	uint64_t room_kb = W.total_kb - W.dom[0].tot_kb - reserve_kb;
	uint64_t t1 = target_of(1), t2 = target_of(2);
	uint64_t writes = a.n.target_writes;
	const char *mode = policy_mode_name(a.cycle.mode);

	print_message("after one cycle (%s): g1 %llu, g2 %llu KiB = %llu; room %llu KiB; %llu writes\n",
		      mode, (unsigned long long)t1, (unsigned long long)t2,
		      (unsigned long long)(t1 + t2), (unsigned long long)room_kb,
		      (unsigned long long)writes);
	arbiter_free(&a);
	fxs_reset();
	assert_true(writes >= 1);
	assert_true(t1 + t2 <= room_kb);
}

/* A PVH guest: the hypervisor and libxl_domain_info say "HVM container";
 * libxl's /libxl/<id>/type says pvh (seen on real Xen, where the arbiter
 * took a PVH guest for HVM and left it alone under manage_hvm = no). */
static void test_pvh_type_from_libxl(void **state)
{
	static struct arbiter_config cfg;
	struct arbiter a;
	struct hv hv = { .ops = &test_hv_ops };
	(void)state;

	new_world(3);
	hungry_guest(1, "pvh1", 600 * MIB, 600 * MIB);
	hungry_guest(2, "hvm2", 600 * MIB, 600 * MIB);
	W.dom[1].hvm_container = W.dom[2].hvm_container = true;
	put("/libxl/1/type", "pvh");
	put("/libxl/2/type", "hvm");

	test_config(&cfg);
	cfg.manage_pvh = true;
	assert_int_equal(arbiter_init(&a, &cfg, &hv, false), 0);
	clock_advance(cfg.interval_ms);
	arbiter_cycle(&a);
	enum hv_dom_type t1 = a.by_domid[1] ? a.by_domid[1]->type : HV_TYPE_UNKNOWN;
	enum hv_dom_type t2 = a.by_domid[2] ? a.by_domid[2]->type : HV_TYPE_UNKNOWN;
	bool managed1 = a.by_domid[1] && a.by_domid[1]->skip == SKIP_NONE;
	bool managed2 = a.by_domid[2] && a.by_domid[2]->skip == SKIP_NONE;

	arbiter_free(&a);
	fxs_reset();
	assert_int_equal(t1, HV_TYPE_PVH);
	assert_int_equal(t2, HV_TYPE_HVM);
	assert_true(managed1);     /* manage_pvh = yes */
	assert_false(managed2);    /* manage_hvm = no (the default) */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_complete_before_listing),
		cmocka_unit_test(test_layout_commits_between_reads),
		cmocka_unit_test(test_release_between_list_and_free),
		cmocka_unit_test(test_pvh_type_from_libxl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
