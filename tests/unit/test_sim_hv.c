/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The sim backend of hv.h against the test xenstored, through the REAL
 * libxenstore, on a driven clock.
 *
 * Real: libxenstore, the wire protocol, xenstored's permission rules as
 * the fixture implements them (guests and their balloon drivers connect
 * through their domain's socket), the agent's code in-process and the
 * membal-agent binary as a process. Simulated: xenstored itself, the
 * hypervisor and the guest kernels (hv_sim.c, sim_model.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "agent/agent_config.h"
#include "simhost/hv_sim.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/keys.h"
#include "common/log.h"
#include "../xenstored/xsd_fixture.h"

#define MiB 1024ull
#define T0 1000000ull

struct env {
	struct fx f;
	struct xs_handle *h0;     /* dom0, as the arbiter would be */
	char gdir[64];            /* guest files */
	struct hv hv;
	bool open;
	uint64_t t0;
	FILE *nullf;
};

static const char *dsock(void *ctx, uint32_t domid)
{
	return xsd_domain_socket(ctx, domid);
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e || !fx_start(&e->f, 0, 0))
		return -1;
	snprintf(e->gdir, sizeof(e->gdir), "/tmp/membal-simg-XXXXXX");
	if (!mkdtemp(e->gdir))
		return -1;
	e->h0 = fx_open_dom0(&e->f);
	if (!e->h0)
		return -1;
	if (!getenv("SIM_TEST_VERBOSE")) {
		e->nullf = fopen("/dev/null", "w");
		log_set_stream(e->nullf);
	}
	clock_drive(T0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	if (e->open)
		e->hv.ops->close(&e->hv);
	xs_close(e->h0);
	fx_stop(&e->f);
	/* The sim removes the files of every guest it destroyed: the
	 * directory must be empty again. */
	if (rmdir(e->gdir) != 0)
		fprintf(stderr, "guest directory %s not empty: %s\n", e->gdir,
			strerror(errno));
	log_set_stream(stderr);
	if (e->nullf)
		fclose(e->nullf);
	free(e);
	return 0;
}

static void open_sim(struct env *e, const char *text, enum sim_agents agents,
		     const struct agent_config *ac, bool sync)
{
	struct sim_scenario sc;
	struct cfg_file f;
	struct sim_options o = {
		.scenario = &sc,
		.xenstored_path = e->f.sock,
		.domain_socket = dsock,
		.domain_socket_ctx = e->f.x,
		.guest_dir = e->gdir,
		.agents = agents,
		.agent_cfg = ac,
		.sync_events = sync,
	};

	if (sim_scenario_load_string("test.ini", text, &sc, &f) != 0)
		fail_msg("scenario: %s", f.first_error);
	e->t0 = clock_now_ms();
	assert_int_equal(hv_sim_open(&e->hv, &o), 0);
	sim_scenario_free(&sc);
	e->open = true;
}

/* Simulated time t_ms after the sim was opened. */
static void at(struct env *e, uint64_t t_ms)
{
	uint64_t now = clock_now_ms();

	assert_true(e->t0 + t_ms >= now);
	clock_advance(e->t0 + t_ms - now);
	e->hv.ops->advance(&e->hv, clock_now_ms());
}

static const struct sim_dom *dom(struct env *e, uint32_t domid)
{
	const struct sim_dom *d = hv_sim_domain(&e->hv, domid);

	assert_non_null(d);
	return d;
}

static char *rd(struct xs_handle *h, const char *path)
{
	return xs_read(h, XBT_NULL, path, NULL);
}

static void assert_xs(struct xs_handle *h, const char *path, const char *want)
{
	char *v = rd(h, path);

	if (!v)
		fail_msg("%s: %s (expected '%s')", path, strerror(errno), want);
	if (strcmp(v, want))
		fail_msg("%s = '%s', expected '%s'", path, v, want);
	free(v);
}

static int read_errno(struct xs_handle *h, const char *path)
{
	char *v;

	errno = 0;
	v = rd(h, path);
	free(v);
	return v ? 0 : errno;
}

static void assert_perms(struct xs_handle *h, const char *path,
			 const struct xs_permissions *want, unsigned n)
{
	unsigned num = 0;
	struct xs_permissions *p = xs_get_permissions(h, XBT_NULL, path, &num);

	if (!p)
		fail_msg("perms of %s: %s", path, strerror(errno));
	if (num != n)
		fail_msg("%s has %u permission entries, expected %u", path, num, n);
	for (unsigned i = 0; i < n; i++)
		if (p[i].id != want[i].id || p[i].perms != want[i].perms)
			fail_msg("%s entry %u: %u/%d, expected %u/%d", path, i,
				 p[i].id, p[i].perms, want[i].id, want[i].perms);
	free(p);
}

static void write_xs(struct xs_handle *h, const char *path, const char *v)
{
	if (!xs_write(h, XBT_NULL, path, v, (unsigned)strlen(v)))
		fail_msg("write %s: %s", path, strerror(errno));
}

static void assert_conserved(struct env *e)
{
	struct hv_domain d[16];
	struct hv_host host;
	size_t n;
	uint64_t sum;

	assert_int_equal(e->hv.ops->host(&e->hv, &host), 0);
	assert_int_equal(e->hv.ops->list(&e->hv, d, 16, &n), 0);
	sum = host.free_kb;
	for (size_t i = 0; i < n; i++)
		sum += d[i].tot_kb;
	assert_int_equal(sum, host.total_kb);
}

/* ---- introduction and release, as libxl and xenstored do them ---- */

static const char two_guests[] =
	"[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
	"[guest vm1]\ndomid = 3\nmemory_mb = 256\nstatic_max_mb = 512\n"
	"[guest win]\ndomid = 4\ntype = hvm\nmemory_mb = 512\nstatic_max_mb = 1024\n";

static void test_introduce_layout(void **state)
{
	struct env *e = *state;
	const struct xs_permissions ro3[] = { { 0, XS_PERM_NONE }, { 3, XS_PERM_READ } };
	const struct xs_permissions own3[] = { { 3, XS_PERM_NONE } };
	const struct xs_permissions dom0only[] = { { 0, XS_PERM_NONE } };
	struct xs_handle *g3;
	struct hv_domain d[8];
	struct hv_host host;
	char buf[256];
	size_t n;

	assert_true(xs_watch(e->h0, "@introduceDomain", "intro"));
	assert_int_equal(fx_drain_events(e->h0, buf, sizeof(buf)), 1);
	open_sim(e, two_guests, SIM_AGENTS_NONE, NULL, true);
	/* One @introduceDomain per domain, after its home was written. */
	assert_int_equal(fx_drain_events(e->h0, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "@introduceDomain @introduceDomain");

	/* libxl__build_post's keys. */
	assert_xs(e->h0, "/local/domain/3/name", "vm1");
	assert_xs(e->h0, "/local/domain/3/domid", "3");
	assert_xs(e->h0, "/local/domain/3/memory/target", "262144");
	assert_xs(e->h0, "/local/domain/3/memory/static-max", "524288");
	assert_xs(e->h0, "/local/domain/3/memory/videoram", "0");
	assert_xs(e->h0, "/local/domain/3/cpu/0/availability", "online");
	assert_xs(e->h0, "/local/domain/3/store/port", "1");
	assert_xs(e->h0, "/libxl/3/type", "pv");
	assert_xs(e->h0, "/local/domain/3/vm", "/vm/00000000-0000-0000-0000-000000000003");
	assert_xs(e->h0, "/vm/00000000-0000-0000-0000-000000000003/name", "vm1");
	/* HVM: target excludes videoram and libxl's 1 MiB fudge. */
	assert_xs(e->h0, "/local/domain/4/memory/target", "515072");
	assert_xs(e->h0, "/local/domain/4/memory/videoram", "8192");
	assert_xs(e->h0, "/local/domain/4/memory/static-max", "1048576");
	assert_xs(e->h0, "/libxl/4/type", "hvm");
	assert_xs(e->h0, "/local/domain/4/hvmloader", "");
	assert_int_equal(read_errno(e->h0, "/local/domain/3/hvmloader"), ENOENT);

	/* libxl__domain_make's permissions. */
	assert_perms(e->h0, "/local/domain/3", ro3, 2);
	assert_perms(e->h0, "/local/domain/3/memory", ro3, 2);
	assert_perms(e->h0, "/local/domain/3/memory/target", ro3, 2);
	assert_perms(e->h0, "/local/domain/3/name", ro3, 2);
	assert_perms(e->h0, "/local/domain/3/data", own3, 1);
	assert_perms(e->h0, "/local/domain/3/control/shutdown", own3, 1);
	assert_perms(e->h0, "/local/domain/3/device/suspend/event-channel", own3, 1);
	assert_perms(e->h0, "/libxl/3", dom0only, 1);

	/* What the guest itself may do, through its own socket. */
	g3 = fx_open_dom(&e->f, 3);
	assert_non_null(g3);
	assert_xs(g3, "/local/domain/3/memory/target", "262144");
	assert_xs(g3, "domid", "3");
	assert_int_equal(fx_write_err(g3, "/local/domain/3/memory/target", "1"), EACCES);
	assert_int_equal(fx_write_err(g3, "/local/domain/3/memory/tot", "1"), EACCES);
	assert_int_equal(fx_write_err(g3, "/local/domain/3/data/x", "1"), 0);
	assert_int_equal(read_errno(g3, "/libxl/3/type"), EACCES);
	assert_int_equal(read_errno(g3, "/local/domain/4/name"), EACCES);
	xs_close(g3);

	/* The hypervisor's side. */
	assert_int_equal(e->hv.ops->list(&e->hv, d, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(d[0].domid, 0);
	assert_int_equal(d[0].tot_kb, 512 * MiB);
	assert_int_equal(d[1].domid, 3);
	assert_int_equal(d[1].tot_kb, 256 * MiB);
	assert_int_equal(d[1].max_kb, 256 * MiB + 1024);   /* libxl__build_pre */
	assert_false(d[1].hvm_container);
	assert_int_equal(d[2].domid, 4);
	assert_int_equal(d[2].tot_kb, 512 * MiB);
	assert_true(d[2].hvm_container);
	assert_int_equal(e->hv.ops->list(&e->hv, d, 2, &n), -1);
	assert_int_equal(errno, ENOBUFS);
	assert_int_equal(e->hv.ops->host(&e->hv, &host), 0);
	assert_int_equal(host.total_kb, 4096 * MiB);
	assert_int_equal(host.free_kb, (4096 - 512 - 256 - 512) * MiB);
	assert_int_equal(e->hv.ops->dom_type(&e->hv, 0), HV_TYPE_PV);
	assert_int_equal(e->hv.ops->dom_type(&e->hv, 3), HV_TYPE_PV);
	assert_int_equal(e->hv.ops->dom_type(&e->hv, 4), HV_TYPE_HVM);
	assert_int_equal(e->hv.ops->dom_type(&e->hv, 9), HV_TYPE_UNKNOWN);
	/* PoD is for HVM containers: Xen answers EINVAL for PV. */
	assert_int_equal(e->hv.ops->set_pod_target(&e->hv, 3, 1000), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(e->hv.ops->set_pod_target(&e->hv, 4, 1000), 0);
	assert_int_equal(dom(e, 4)->pod_pages, 1000);
	assert_int_equal(e->hv.ops->set_maxmem(&e->hv, 9, 1000), -1);
	assert_int_equal(errno, ESRCH);
}

/* start_s / stop_s: appear and vanish at their times; destruction removes
 * the paths first (libxl), then @releaseDomain (xenstored). */
static void test_start_stop(void **state)
{
	struct env *e = *state;
	struct hv_domain d[8];
	struct hv_sim_stats st;
	char buf[256];
	size_t n;

	open_sim(e,
		 "[host]\ntotal_mb = 2048\ndom0_mb = 512\n"
		 "[guest a]\ndomid = 1\nmemory_mb = 256\nstop_s = 5\n"
		 "[guest b]\ndomid = 2\nmemory_mb = 384\nstart_s = 2\n",
		 SIM_AGENTS_NONE, NULL, true);
	assert_true(xs_watch(e->h0, "@introduceDomain", "intro"));
	assert_true(xs_watch(e->h0, "@releaseDomain", "release"));
	assert_true(xs_watch(e->h0, "/local/domain/1", "home1"));
	fx_drain_events(e->h0, buf, sizeof(buf));

	at(e, 1999);
	assert_int_equal(e->hv.ops->list(&e->hv, d, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(read_errno(e->h0, "/local/domain/2"), ENOENT);
	assert_int_equal(fx_drain_events(e->h0, buf, sizeof(buf)), 0);
	at(e, 2000);
	assert_int_equal(e->hv.ops->list(&e->hv, d, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(d[2].domid, 2);
	assert_int_equal(d[2].tot_kb, 384 * MiB);
	assert_xs(e->h0, "/local/domain/2/name", "b");
	assert_int_equal(fx_drain_events(e->h0, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "@introduceDomain");
	assert_conserved(e);

	at(e, 4999);
	assert_xs(e->h0, "/local/domain/1/name", "a");
	assert_int_equal(fx_drain_events(e->h0, buf, sizeof(buf)), 0);
	/* Past stop_s in one jump: stopped at its time all the same. */
	at(e, 7000);
	assert_int_equal(e->hv.ops->list(&e->hv, d, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(d[1].domid, 2);
	assert_int_equal(dom(e, 1)->state, SIM_DOM_GONE);
	assert_int_equal(read_errno(e->h0, "/local/domain/1"), ENOENT);
	assert_int_equal(read_errno(e->h0, "/libxl/1"), ENOENT);
	assert_int_equal(read_errno(e->h0, "/vm/00000000-0000-0000-0000-000000000001"), ENOENT);
	assert_int_equal(fx_drain_events(e->h0, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "/local/domain/1 @releaseDomain");
	assert_conserved(e);
	hv_sim_get_stats(&e->hv, &st);
	assert_int_equal(st.starts, 2);
	assert_int_equal(st.stops, 1);
	assert_int_equal(st.start_failures, 0);
	/* Its socket went with it. */
	snprintf(buf, sizeof(buf), "%s/dom1", e->f.domdir);
	assert_int_equal(stat(buf, &(struct stat){ 0 }), -1);
}

/* A guest that does not fit when its time comes is not started; one that
 * starts when another stops gets that one's memory. */
static void test_start_no_room(void **state)
{
	struct env *e = *state;
	struct hv_sim_stats st;

	open_sim(e,
		 "[host]\ntotal_mb = 1024\ndom0_mb = 512\n"
		 "[guest a]\ndomid = 1\nmemory_mb = 256\nstatic_max_mb = 512\nstop_s = 3\n"
		 "[guest late]\ndomid = 2\nmemory_mb = 384\nstart_s = 1\nstop_s = 4\n"
		 "workload = const:100\n"
		 "[guest next]\ndomid = 3\nmemory_mb = 384\nstart_s = 3\n",
		 SIM_AGENTS_NONE, NULL, true);
	at(e, 1000);
	hv_sim_get_stats(&e->hv, &st);
	assert_int_equal(st.start_failures, 1);
	assert_int_equal(dom(e, 2)->state, SIM_DOM_FAILED);
	assert_int_equal(read_errno(e->h0, "/local/domain/2"), ENOENT);
	at(e, 5000);
	assert_int_equal(dom(e, 2)->state, SIM_DOM_FAILED);
	assert_int_equal(dom(e, 1)->state, SIM_DOM_GONE);
	assert_int_equal(dom(e, 3)->state, SIM_DOM_RUNNING);
	assert_xs(e->h0, "/local/domain/3/name", "next");
	hv_sim_get_stats(&e->hv, &st);
	assert_int_equal(st.start_failures, 1);
	assert_conserved(e);
	/* The guest that could not start had nothing for the life it should
	 * have had (1-4 s): its whole demand was short, and nothing after. */
	assert_int_equal(dom(e, 2)->m.elapsed_ms, 3000);
	assert_true(dom(e, 2)->m.shortfall_kbms == 100.0 * MiB * 3000);
	assert_true(dom(e, 2)->m.demand_kbms == dom(e, 2)->m.shortfall_kbms);
	assert_true(dom(e, 2)->m.idle_kbms == 0);
}

/* A domain that starts inside an advance() interval balloons from its
 * start on, not over the whole interval. libxl's HVM fudge gives it a
 * target 1 MiB below what it boots with; at 1 MiB/s, 0.5 s after its
 * start it has given back 512 KiB. */
static void test_start_mid_interval(void **state)
{
	struct env *e = *state;

	open_sim(e,
		 "[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
		 "[guest h]\ndomid = 1\ntype = hvm\nmemory_mb = 512\nstatic_max_mb = 1024\n"
		 "balloon_rate_mb_s = 1\nstart_s = 2\n",
		 SIM_AGENTS_NONE, NULL, true);
	at(e, 2500);
	assert_int_equal(dom(e, 1)->tot_kb, 512 * MiB - 512);
	at(e, 10000);
	assert_int_equal(dom(e, 1)->tot_kb, 512 * MiB - 1024);
}

/* ---- the balloon ---- */

static const char one_guest[] =
	"[host]\ntotal_mb = 4096\ndom0_mb = 512\nballoon_rate_mb_s = 256\n"
	"[guest g]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 1024\n";

static char *file_text(struct env *e, const char *rel)
{
	char p[512];
	FILE *f;
	char *buf = calloc(1, 4096);

	assert_non_null(buf);
	snprintf(p, sizeof(p), "%s/g/%s", e->gdir, rel);
	f = fopen(p, "r");
	if (!f)
		fail_msg("%s: %s", p, strerror(errno));
	if (fread(buf, 1, 4095, f) == 0)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

static void test_balloon_follows_target(void **state)
{
	struct env *e = *state;
	const struct sim_dom *d;
	char *t, want[64];

	open_sim(e, one_guest, SIM_AGENTS_NONE, NULL, true);
	d = dom(e, 1);
	write_xs(e->h0, "/local/domain/1/memory/target", "262144");
	at(e, 500);
	assert_int_equal(d->tot_kb, 384 * MiB);
	assert_true(d->n.target_events >= 1);
	assert_conserved(e);
	at(e, 1000);
	assert_int_equal(d->tot_kb, 256 * MiB);
	at(e, 1500);
	assert_int_equal(d->tot_kb, 256 * MiB);

	/* The guest's files follow: the driver's view and MemTotal. */
	t = file_text(e, "sys/devices/system/xen_memory/xen_memory0/target_kb");
	assert_string_equal(t, "262144\n");
	free(t);
	t = file_text(e, "sys/devices/system/xen_memory/xen_memory0/info/current_kb");
	assert_string_equal(t, "262144\n");
	free(t);
	t = file_text(e, "proc/meminfo");
	snprintf(want, sizeof(want), "MemTotal:       %8llu kB\n",
		 256 * MiB - d->spec->overhead_kb);
	assert_memory_equal(t, want, strlen(want));
	free(t);

	/* Growth, maxmem first as libxl does. */
	assert_int_equal(e->hv.ops->set_maxmem(&e->hv, 1, 768 * MiB + 1024), 0);
	write_xs(e->h0, "/local/domain/1/memory/target", "786432");
	at(e, 2500);
	assert_int_equal(d->tot_kb, 512 * MiB);
	at(e, 3500);
	assert_int_equal(d->tot_kb, 768 * MiB);
	assert_int_equal(d->n.overalloc, 0);
	/* A raw target write above maxmem: stuck at maxmem, counted. */
	write_xs(e->h0, "/local/domain/1/memory/target", "1048576");
	at(e, 6000);
	assert_int_equal(d->tot_kb, 768 * MiB + 1024);
	assert_true(d->n.overalloc > 0);
	assert_conserved(e);
}

static void test_follows_no(void **state)
{
	struct env *e = *state;

	open_sim(e,
		 "[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
		 "[guest g]\ndomid = 1\nmemory_mb = 512\nfollows = no\n",
		 SIM_AGENTS_NONE, NULL, true);
	write_xs(e->h0, "/local/domain/1/memory/target", "131072");
	at(e, 60000);
	assert_int_equal(dom(e, 1)->tot_kb, 512 * MiB);
	/* It did see the target; it just does not act on it. */
	assert_int_equal(dom(e, 1)->target_kb, 131072);
}

/* The balloon driver parses memory/target strictly: garbage is counted
 * and ignored, the balloon keeps its last target. */
static void test_bad_target(void **state)
{
	struct env *e = *state;
	static const char *const bad[] = { "12abc", "-1", "", " 262144",
					   "0x40000", "99999999999999999999999" };
	const struct sim_dom *d;

	open_sim(e, one_guest, SIM_AGENTS_NONE, NULL, true);
	d = dom(e, 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_xs(e->h0, "/local/domain/1/memory/target", bad[i]);
		at(e, 1000 * (i + 1));
		assert_int_equal(d->n.target_rejects, i + 1);
		assert_int_equal(d->tot_kb, 512 * MiB);
		assert_int_equal(d->target_kb, 512 * MiB);
	}
	write_xs(e->h0, "/local/domain/1/memory/target", "262144");
	at(e, 20000);
	assert_int_equal(d->tot_kb, 256 * MiB);
}

/* Without sync_events the balloon costs nothing while nothing changes:
 * no request at all; one READ when the target is written. With it, one
 * round trip per domain per advance. */
static void test_steady_state_costs_no_request(void **state)
{
	struct env *e = *state;
	const struct sim_dom *d;
	struct xsd_stats st;
	uint64_t seen;
	int tries;

	open_sim(e, one_guest, SIM_AGENTS_NONE, NULL, false);
	d = dom(e, 1);
	/* The watch's first event arrives by itself (real time, bounded). */
	for (tries = 0; tries < 2000 && d->n.target_events == 0; tries++) {
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
		e->hv.ops->advance(&e->hv, clock_now_ms());
	}
	assert_int_equal(d->n.target_events, 1);
	xsd_reset_stats(e->f.x);
	for (int i = 1; i <= 50; i++)
		at(e, 1000 * i);
	xsd_get_stats(e->f.x, &st);
	assert_int_equal(st.requests, 0);

	write_xs(e->h0, "/local/domain/1/memory/target", "262144");
	xsd_reset_stats(e->f.x);
	seen = d->n.target_events;
	for (tries = 0; tries < 2000 && d->n.target_events == seen; tries++) {
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
		e->hv.ops->advance(&e->hv, clock_now_ms());
	}
	xsd_get_stats(e->f.x, &st);
	assert_int_equal(st.requests, 1);
	assert_int_equal(st.by_type[XS_READ], 1);
	assert_int_equal(d->target_kb, 262144);
	e->hv.ops->close(&e->hv);
	e->open = false;

	open_sim(e, one_guest, SIM_AGENTS_NONE, NULL, true);
	xsd_reset_stats(e->f.x);
	for (int i = 1; i <= 10; i++)
		at(e, 1000 * i);
	xsd_get_stats(e->f.x, &st);
	assert_int_equal(st.requests, 10 + 1);   /* + the first event's READ */
}

/* ---- agents ---- */

/* What the arbiter does for a new domain (design.md §Guest keys): create the report
 * keys and make the domain their owner. */
static void hand_over(struct env *e, uint32_t domid)
{
	struct xs_permissions own[1] = { { domid, XS_PERM_NONE } };
	char path[128];

	for (int k = 0; k < MK_COUNT; k++) {
		snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid,
			 membal_key_name(k));
		write_xs(e->h0, path, "");
		assert_true(xs_set_permissions(e->h0, XBT_NULL, path, own, 1));
	}
}

static uint64_t xs_u64(struct env *e, uint32_t domid, const char *key)
{
	char path[128], *v, *end;
	unsigned long long x;

	snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid, key);
	v = rd(e->h0, path);
	if (!v)
		fail_msg("%s: %s", path, strerror(errno));
	if (!*v)
		fail_msg("%s is empty", path);
	x = strtoull(v, &end, 10);
	assert_true(*end == '\0');
	free(v);
	return x;
}

static void test_inprocess_agents(void **state)
{
	struct env *e = *state;
	struct agent_config ac;
	struct hv_sim_stats st;
	const struct sim_dom *d;
	char *v;

	agent_config_defaults(&ac);
	ac.handover_retry_ms = 1000;
	open_sim(e,
		 "[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
		 "[guest g]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 1024\nworkload = const:100\n"
		 "[guest quiet]\ndomid = 2\nmemory_mb = 256\nagent = no\n",
		 SIM_AGENTS_INPROCESS, &ac, true);
	d = dom(e, 1);
	at(e, 0);
	/* Keys not handed over: the agent waits, nothing is published. */
	assert_int_equal(read_errno(e->h0, "/local/domain/1/memory/tot"), ENOENT);
	hand_over(e, 1);
	hand_over(e, 2);
	at(e, 500);
	v = rd(e->h0, "/local/domain/1/memory/tot");
	assert_string_equal(v, "");          /* still waiting: retry is 1 s */
	free(v);
	at(e, 1000);
	assert_int_equal(xs_u64(e, 1, "tot"), d->mem.mem_total);
	assert_int_equal(xs_u64(e, 1, "tot"), 512 * MiB - d->spec->overhead_kb);
	assert_int_equal(xs_u64(e, 1, "committed_as"), 100 * MiB + 16 * MiB);
	assert_int_equal(xs_u64(e, 1, "free"), d->mem.mem_free);
	assert_int_equal(xs_u64(e, 1, "avail"), d->mem.mem_available);
	assert_int_equal(xs_u64(e, 1, "balloon_current"), 512 * MiB);
	assert_int_equal(xs_u64(e, 1, "balloon_target"), 512 * MiB);
	assert_int_equal(xs_u64(e, 1, "swap_tot"), 0);
	assert_int_equal(xs_u64(e, 1, "swap_zram"), 0);     /* no swap: none of it */
	assert_int_equal(xs_u64(e, 1, "oom_kills"), 0);
	assert_int_equal(xs_u64(e, 1, "membal_version"), MEMBAL_KEY_LAYOUT_VERSION);
	/* No agent in the other guest. */
	v = rd(e->h0, "/local/domain/2/memory/tot");
	assert_string_equal(v, "");
	free(v);

	/* The balloon takes 256 MiB: the next publication follows. */
	write_xs(e->h0, "/local/domain/1/memory/target", "262144");
	at(e, 2000);
	assert_int_equal(d->tot_kb, 256 * MiB);
	assert_int_equal(xs_u64(e, 1, "tot"), 256 * MiB - d->spec->overhead_kb);
	assert_int_equal(xs_u64(e, 1, "balloon_current"), 256 * MiB);
	assert_int_equal(xs_u64(e, 1, "balloon_target"), 256 * MiB);
	hv_sim_get_stats(&e->hv, &st);
	assert_int_equal(st.agent_steps, 3);   /* at 0, 1000 and 2000 ms */
}

/* swap_kind: the simulated guest's /proc/swaps names a zram device or a
 * disk, and its agent publishes the zram part (swap_zram) through the
 * same files and keys as on a real guest; disk is the default. */
static void test_swap_kind_published(void **state)
{
	struct env *e = *state;
	struct agent_config ac;

	agent_config_defaults(&ac);
	ac.handover_retry_ms = 1000;
	open_sim(e,
		 "[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
		 "[guest z]\ndomid = 1\nmemory_mb = 512\nswap_mb = 128\nswap_kind = zram\n"
		 "[guest d]\ndomid = 2\nmemory_mb = 512\nswap_mb = 128\n",
		 SIM_AGENTS_INPROCESS, &ac, true);
	at(e, 0);
	hand_over(e, 1);
	hand_over(e, 2);
	at(e, 1000);
	assert_int_equal(xs_u64(e, 1, "swap_tot"), 128 * MiB);
	assert_int_equal(xs_u64(e, 1, "swap_zram"), 128 * MiB);
	assert_int_equal(xs_u64(e, 2, "swap_tot"), 128 * MiB);
	assert_int_equal(xs_u64(e, 2, "swap_zram"), 0);
}

/* agent_quiet_s: the agent is not run inside the window (a hung agent),
 * so its report keeps the figures of before; it publishes again after. */
static void test_agent_quiet(void **state)
{
	struct env *e = *state;
	struct agent_config ac;
	struct hv_sim_stats st;
	unsigned steps;

	agent_config_defaults(&ac);
	ac.handover_retry_ms = 1000;
	open_sim(e,
		 "[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
		 "[guest g]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 1024\n"
		 "workload = step:100,200,3\nagent_quiet_s = 2,6\n",
		 SIM_AGENTS_INPROCESS, &ac, true);
	at(e, 0);
	hand_over(e, 1);
	at(e, 1000);
	assert_int_equal(xs_u64(e, 1, "committed_as"), 100 * MiB + 16 * MiB);
	hv_sim_get_stats(&e->hv, &st);
	steps = st.agent_steps;
	for (uint64_t t = 2000; t < 6000; t += 1000)
		at(e, t);
	hv_sim_get_stats(&e->hv, &st);
	assert_int_equal(st.agent_steps, steps);     /* not run in [2, 6) s */
	/* The load rose at 3 s; the report still says 100. */
	assert_int_equal(xs_u64(e, 1, "committed_as"), 100 * MiB + 16 * MiB);
	at(e, 6000);
	hv_sim_get_stats(&e->hv, &st);
	assert_int_equal(st.agent_steps, steps + 1);
	assert_int_equal(xs_u64(e, 1, "committed_as"), 200 * MiB + 16 * MiB);
}

/* paused_s: Xen shows the domain paused, and neither its agent nor its
 * balloon driver runs; a target written meanwhile is reached after the
 * unpause. */
static void test_paused(void **state)
{
	struct env *e = *state;
	struct agent_config ac;
	struct hv_sim_stats st;
	struct hv_domain d[4];
	const struct sim_dom *g;
	unsigned steps;
	size_t n;

	agent_config_defaults(&ac);
	ac.handover_retry_ms = 1000;
	open_sim(e,
		 "[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
		 "[guest g]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 1024\n"
		 "workload = step:100,200,3\npaused_s = 2,6\n",
		 SIM_AGENTS_INPROCESS, &ac, true);
	g = dom(e, 1);
	at(e, 0);
	hand_over(e, 1);
	at(e, 1000);
	assert_int_equal(e->hv.ops->list(&e->hv, d, 4, &n), 0);
	assert_false(d[1].paused);
	hv_sim_get_stats(&e->hv, &st);
	steps = st.agent_steps;
	at(e, 2000);
	write_xs(e->h0, "/local/domain/1/memory/target", "262144");
	for (uint64_t t = 2500; t < 6000; t += 500)
		at(e, t);
	assert_int_equal(e->hv.ops->list(&e->hv, d, 4, &n), 0);
	assert_true(d[1].paused);
	assert_int_equal(g->tot_kb, 512 * MiB);      /* the balloon stood still */
	hv_sim_get_stats(&e->hv, &st);
	assert_int_equal(st.agent_steps, steps);     /* not run in [2, 6) s */
	assert_int_equal(xs_u64(e, 1, "committed_as"), 100 * MiB + 16 * MiB);
	at(e, 6000);
	assert_int_equal(e->hv.ops->list(&e->hv, d, 4, &n), 0);
	assert_false(d[1].paused);
	hv_sim_get_stats(&e->hv, &st);
	assert_int_equal(st.agent_steps, steps + 1);
	at(e, 7500);
	assert_int_equal(g->tot_kb, 256 * MiB);
	assert_conserved(e);
}

/* ---- guest files for external agents ---- */

struct reader {
	char path[512];
	volatile int stop;
	unsigned reads, torn, distinct;
};

static void *read_loop(void *arg)
{
	struct reader *r = arg;
	char buf[2048], last[2048] = "";

	while (!r->stop) {
		FILE *f = fopen(r->path, "r");
		size_t n;

		if (!f) {
			r->torn++;
			continue;
		}
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		r->reads++;
		if (strncmp(buf, "MemTotal:", 9) || !strstr(buf, "Committed_AS:") ||
		    buf[n - 1] != '\n')
			r->torn++;
		if (strcmp(buf, last)) {
			r->distinct++;
			memcpy(last, buf, n + 1);
		}
	}
	return NULL;
}

/* A reader in another thread never sees half a meminfo while the sim
 * rewrites it as fast as it can; no temporary file is left behind. */
static void test_files_atomic(void **state)
{
	struct env *e = *state;
	struct reader r = { .stop = 0 };
	pthread_t th;
	char p[512];
	struct stat sb;

	open_sim(e,
		 "[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
		 "[guest g]\ndomid = 1\nmemory_mb = 512\nworkload = mono:0,400,2\n",
		 SIM_AGENTS_EXTERNAL, NULL, true);
	snprintf(r.path, sizeof(r.path), "%s/g/proc/meminfo", e->gdir);
	assert_int_equal(pthread_create(&th, NULL, read_loop, &r), 0);
	for (int i = 1; i <= 600; i++)
		at(e, i);
	r.stop = 1;
	pthread_join(th, NULL);
	assert_int_equal(r.torn, 0);
	assert_true(r.reads > 0);
	/* The reader raced real rewrites, not one unchanging file. */
	assert_true(r.distinct >= 2);
	snprintf(p, sizeof(p), "%s/g/proc/meminfo.tmp", e->gdir);
	assert_int_equal(stat(p, &sb), -1);
	/* PSI as the kernel writes it: no swap here, so nothing stalls. */
	char *psi = file_text(e, "proc/pressure/memory");
	assert_string_equal(psi, "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
				 "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
	free(psi);
	/* vmstat as the agent reads it. */
	char *t = file_text(e, "proc/vmstat");
	assert_non_null(strstr(t, "\noom_kill 0\n"));
	assert_non_null(strstr(t, "\npswpin 0\n"));
	free(t);
}

static const char *agent_bin(char *buf, size_t size)
{
	const char *bin = getenv("MEMBAL_BIN");
	struct stat sb;

	if (!bin)
		return NULL;
	snprintf(buf, size, "%s/membal-agent", bin);
	return stat(buf, &sb) == 0 ? buf : NULL;
}

/* membal-agent --once as a separate process, reading the sim's files and
 * connecting through the domain's socket. Returns its exit status. */
static int run_agent_once(struct env *e, const char *bin, uint32_t domid,
			  const char *name)
{
	char cfg[512], meminfo[512], sysfs[512];
	const char *sock = hv_sim_domain_socket(&e->hv, domid);
	FILE *f;
	pid_t pid;
	int st;

	assert_non_null(sock);
	snprintf(cfg, sizeof(cfg), "%s/agent.ini", e->f.dir);
	f = fopen(cfg, "w");
	assert_non_null(f);
	fprintf(f, "[agent]\nvmstat_path = %s/%s/proc/vmstat\npsi_path = %s/%s/proc/pressure/memory\n",
		e->gdir, name, e->gdir, name);
	fclose(f);
	snprintf(meminfo, sizeof(meminfo), "%s/%s/proc/meminfo", e->gdir, name);
	snprintf(sysfs, sizeof(sysfs), "%s/%s/sys", e->gdir, name);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (!getenv("SIM_TEST_VERBOSE") && null >= 0)
			dup2(null, 2);
		setenv("XENSTORED_PATH", sock, 1);
		/* No --domid: the agent reads "domid" from its home, which
		 * libxl's layout lets it read. */
		execl(bin, bin, "--once", "--config", cfg, "--meminfo", meminfo,
		      "--sysfs-root", sysfs, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	unlink(cfg);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_external_agent(void **state)
{
	struct env *e = *state;
	char bin[512];
	const struct sim_dom *d;

	if (!agent_bin(bin, sizeof(bin))) {
		fprintf(stderr, "MEMBAL_BIN/membal-agent not found; skipped\n");
		skip();
	}
	open_sim(e,
		 "[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
		 "[guest ext]\ndomid = 7\nmemory_mb = 512\nswap_mb = 256\nworkload = step:100,600,3\n",
		 SIM_AGENTS_EXTERNAL, NULL, true);
	d = dom(e, 7);
	/* Not handed over yet: exit 4, as documented in its --help. */
	assert_int_equal(run_agent_once(e, bin, 7, "ext"), 4);
	hand_over(e, 7);
	at(e, 1000);
	assert_int_equal(run_agent_once(e, bin, 7, "ext"), 0);
	assert_int_equal(xs_u64(e, 7, "tot"), d->mem.mem_total);
	assert_int_equal(xs_u64(e, 7, "committed_as"), 116 * MiB);
	assert_int_equal(xs_u64(e, 7, "swap_tot"), 256 * MiB);
	assert_int_equal(xs_u64(e, 7, "swap_free"), 256 * MiB);
	assert_int_equal(xs_u64(e, 7, "balloon_current"), 512 * MiB);
	/* The step to 600 MiB: more than MemTotal, the rest in swap. */
	at(e, 3000);
	assert_int_equal(run_agent_once(e, bin, 7, "ext"), 0);
	assert_int_equal(xs_u64(e, 7, "committed_as"), 616 * MiB);
	assert_int_equal(xs_u64(e, 7, "free"), 0);
	assert_int_equal(xs_u64(e, 7, "swap_free"), d->mem.swap_free);
	assert_int_equal(d->mem.swap_free,
			 256 * MiB - (600 * MiB - d->mem.mem_total));
	assert_int_equal(d->mem.oom_kills, 0);
}

/* ---- membal-test-xenstored as a program, domain sockets through its
 * control socket (how a demo runs the arbiter on the sim backend) ---- */

static void test_control_socket(void **state)
{
	struct env *e = *state;
	const char *bin = getenv("MEMBAL_BIN");
	char prog[512], sock[128], domdir[128], ctl[128];
	struct stat sb;
	struct sim_options o = { 0 };
	struct sim_scenario sc;
	struct cfg_file f;
	struct xs_handle *g;
	pid_t pid;
	int st, tries;

	snprintf(prog, sizeof(prog), "%s/membal-test-xenstored", bin ? bin : ".");
	if (!bin || stat(prog, &sb) != 0) {
		fprintf(stderr, "MEMBAL_BIN/membal-test-xenstored not found; skipped\n");
		skip();
	}
	snprintf(sock, sizeof(sock), "%s/p-socket", e->f.dir);
	snprintf(domdir, sizeof(domdir), "%s/p-domains", e->f.dir);
	snprintf(ctl, sizeof(ctl), "%s/p-control", e->f.dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(prog, prog, "--socket", sock, "--domain-sockets", domdir,
		      "--control", ctl, (char *)NULL);
		_exit(127);
	}
	for (tries = 0; tries < 1000 && (stat(ctl, &sb) || stat(sock, &sb)); tries++)
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	assert_true(tries < 1000);

	assert_int_equal(sim_scenario_load_string("t.ini", one_guest, &sc, &f), 0);
	o.scenario = &sc;
	o.xenstored_path = sock;
	o.xsd_control_path = ctl;
	o.agents = SIM_AGENTS_EXTERNAL;
	e->t0 = clock_now_ms();
	assert_int_equal(hv_sim_open(&e->hv, &o), 0);
	sim_scenario_free(&sc);
	e->open = true;
	assert_non_null(hv_sim_domain_socket(&e->hv, 1));
	g = fx_open_path(hv_sim_domain_socket(&e->hv, 1));
	assert_non_null(g);
	assert_xs(g, "memory/target", "524288");
	assert_int_equal(fx_write_err(g, "memory/target", "1"), EACCES);
	xs_close(g);
	/* Its balloon works the same way. */
	g = fx_open_path(sock);
	assert_non_null(g);
	write_xs(g, "/local/domain/1/memory/target", "262144");
	xs_close(g);
	at(e, 1000);
	assert_int_equal(dom(e, 1)->tot_kb, 256 * MiB);
	/* Temporary guest files: removed at close. */
	assert_non_null(hv_sim_guest_path(&e->hv, 1));
	snprintf(prog, sizeof(prog), "%s", hv_sim_guest_path(&e->hv, 1));
	e->hv.ops->close(&e->hv);
	e->open = false;
	assert_int_equal(stat(prog, &sb), -1);

	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	rmdir(domdir);
}

/* Refusals at open: no scenario, no xenstored, no domain sockets. */
static void test_open_refusals(void **state)
{
	struct env *e = *state;
	struct sim_scenario sc;
	struct cfg_file f;
	struct sim_options o = { 0 };
	struct hv hv;

	assert_int_equal(sim_scenario_load_string("t.ini", one_guest, &sc, &f), 0);
	unsetenv("XENSTORED_PATH");
	assert_int_equal(hv_sim_open(&hv, &o), -1);
	assert_int_equal(errno, EINVAL);
	o.scenario = &sc;
	o.domain_socket = dsock;
	o.domain_socket_ctx = e->f.x;
	assert_int_equal(hv_sim_open(&hv, &o), -1);     /* no xenstored */
	assert_int_equal(errno, EINVAL);
	o.xenstored_path = e->f.sock;
	o.domain_socket = NULL;
	assert_int_equal(hv_sim_open(&hv, &o), -1);     /* no domain sockets */
	assert_int_equal(errno, EINVAL);
	o.scenario = NULL;
	o.scenario_path = "/nonexistent.ini";
	o.domain_socket = dsock;
	assert_int_equal(hv_sim_open(&hv, &o), -1);
	assert_int_equal(errno, EINVAL);
	sim_scenario_free(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_introduce_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_no_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_mid_interval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_balloon_follows_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_follows_no, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_steady_state_costs_no_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inprocess_agents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_quiet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swap_kind_published, setup, teardown),
		cmocka_unit_test_setup_teardown(test_files_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_external_agent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_refusals, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
