/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What one changed guest report costs, one key a figure (an older agent's
 * layout, still read by the arbiter) and as the single strictly parsed
 * `memory/report` value (issue 21, item 2; docs/design.md §Report layout:
 * one value or one key a figure).
 *
 *   bench_report_layout [-n ITERATIONS] [-r RUNS]
 *
 * Both sides against membal's own xenstored (src/xenstored, a thread of
 * this process, the real wire protocol through the real libxenstore):
 * the agent through domain 1's socket (a guest's rights), the arbiter as
 * dom0 with its watch on the domain's memory/ set (xsio_watch_dom), so
 * that every watch event a publication fires is read by libxenstore's
 * reader thread and then taken by the arbiter, as in the daemon.
 *
 *  - per key (layouts 1 and 2, an older agent): the agent writes the stamp and the
 *    figures that changed in one transaction (src/agent/agent.c's
 *    publish_body, re-done here with the same calls); the arbiter reads
 *    the report with the product's own xsio_read_report() (every key in
 *    one transaction, then guest_parse()) and takes the events with
 *    xsio_next_event(). Two cases: a busy guest's publication (free and
 *    avail moved: 3 writes, what bench_agent counts on average) and a
 *    first publication (every key).
 *  - one value (layout 3, the product since issue 21): the agent encodes
 *    every figure and the stamp with report_value_encode() (the agent's
 *    own encoder, src/common/report_value.c) and writes memory/report
 *    (one WRITE, atomic: no transaction); the arbiter reads it with the
 *    product's xsio_read_report_value() (one READ, then the strict split
 *    and the same guest_parse() as the per-key keys).
 *
 * Per changed report: requests counted by the test xenstored (agent's and
 * arbiter's apart), watch events queued to the arbiter, the agent's CPU
 * (its thread), the arbiter's CPU (its thread plus the reader thread
 * libxenstore starts for its watches), the test xenstored's CPU (its
 * thread) and wall time. -r runs (default 5) of -n reports (default 500)
 * per case, the cases alternating; medians. Nothing here fails on timing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "arbiter/guest.h"
#include "arbiter/xsio.h"
#include "common/keys.h"
#include "common/parse.h"
#include "common/report_value.h"
#include "common/xs.h"
#include "threadcpu.h"
#include "xenstored/xsd.h"

#define DOMID 1
#define MAX_TIDS 64
#define MAX_RUNS 15

static void die(const char *what)
{
	fprintf(stderr, "bench_report_layout: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ---- the two sides ---- */

struct bench {
	struct xsd *x;
	struct xs_handle *arb, *agt;
	pid_t server_tid, reader_tid;
	char report_path[128];
	struct guest_bounds bounds;
	uint64_t v[MK_COUNT];       /* the agent's figures */
	uint32_t have;
	uint64_t last[MK_COUNT];    /* what xenstore holds (per key) */
	bool published;
};

struct pk_ctx {
	struct bench *b;
	bool all;
};

/* The agent's per-key publication: the stamp and what changed. */
static int pk_body(struct xs_handle *h, xs_transaction_t t, void *arg)
{
	struct pk_ctx *c = arg;
	struct bench *b = c->b;
	char path[MXS_PATH_MAX];

	for (int k = 0; k < MK_COUNT; k++) {
		if (!(b->have & (1u << k)))
			continue;
		if (!c->all && k != MK_STAMP && b->last[k] == b->v[k])
			continue;
		snprintf(path, sizeof(path), "/local/domain/%d/memory/%s", DOMID,
			 membal_key_name(k));
		if (!mxs_write_u64(h, t, path, b->v[k]))
			return -1;
	}
	return 0;
}

static void agent_per_key(struct bench *b, bool all)
{
	struct pk_ctx c = { .b = b, .all = all };

	if (mxs_transact(b->agt, 4, pk_body, &c, NULL) < 0)
		die("per-key publication");
	memcpy(b->last, b->v, sizeof(b->last));
}

static void agent_one_value(struct bench *b)
{
	char buf[REPORT_VALUE_MAX];
	bool have[MK_COUNT];
	size_t n;

	for (int k = 0; k < MK_COUNT; k++)
		have[k] = (b->have >> k) & 1u;
	n = report_value_encode(buf, b->v, have);
	if (!xs_write(b->agt, XBT_NULL, b->report_path, buf, (unsigned)n))
		die("one-value publication");
}

static unsigned drain_events(struct bench *b)
{
	unsigned n = 0;
	uint32_t domid;
	int err;

	while (xsio_next_event(b->arb, &domid, &err) != XSE_NONE)
		n++;
	/* xsio_next_event() returns XSE_NONE for tokens it ignores too:
	 * whatever is left is taken by the next call. */
	return n;
}

static void arbiter_per_key(struct bench *b)
{
	struct guest_figures g;
	struct guest_rejects rej = { 0 };
	char why[64] = "";

	if (xsio_read_report(b->arb, DOMID, 4, &b->bounds, &g, &rej, why, sizeof(why)) != 1)
		die(why[0] ? why : "per-key report read");
	drain_events(b);
}

static void arbiter_one_value(struct bench *b)
{
	struct guest_figures g;
	struct guest_rejects rej = { 0 };
	char why[64] = "";
	bool published;

	if (xsio_read_report_value(b->arb, DOMID, &b->bounds, &g, &rej, why, sizeof(why),
				   &published) != 1)
		die(why[0] ? why : "one-value read");
	drain_events(b);
}

/* ---- measurement ---- */

enum bcase { C_PK_BUSY, C_PK_FIRST, C_ONE, C_COUNT };
static const char *const case_name[C_COUNT] = {
	"per key, busy (free + avail moved: 3 writes)",
	"per key, first publication (every key)",
	"one value, memory/report (any change)",
};

struct fig {
	double agent_req, arb_req, events;
	double agent_ns, arb_ns, xsd_ns, wall_ns;
};

static uint64_t requests(struct xsd *x)
{
	struct xsd_stats st;

	xsd_get_stats(x, &st);
	return st.requests;
}

static uint64_t events(struct xsd *x)
{
	struct xsd_stats st;

	xsd_get_stats(x, &st);
	return st.watch_events;
}

/* A busy guest: free and avail move by a few MiB, the stamp advances. */
static void move(struct bench *b, unsigned i)
{
	b->v[MK_FREE] = 200000 + (i % 64) * 4096;
	b->v[MK_AVAIL] = 400000 + (i % 64) * 4096;
	b->v[MK_STAMP]++;
}

static struct fig run_case(struct bench *b, enum bcase c, unsigned n)
{
	uint64_t agent_ns = 0, arb_ns = 0, agent_req = 0, arb_req = 0;
	uint64_t ev0 = events(b->x);
	clockid_t rclk = thread_cpu_clock(b->reader_tid), sclk = thread_cpu_clock(b->server_tid);
	uint64_t r0 = clock_ns(rclk), s0 = clock_ns(sclk), w0 = clock_ns(CLOCK_MONOTONIC);
	struct fig f;

	for (unsigned i = 0; i < n; i++) {
		uint64_t t0, t1, t2, q0, q1, q2;

		move(b, i);
		q0 = requests(b->x);
		t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		if (c == C_ONE)
			agent_one_value(b);
		else
			agent_per_key(b, c == C_PK_FIRST);
		t1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		q1 = requests(b->x);
		if (c == C_ONE)
			arbiter_one_value(b);
		else
			arbiter_per_key(b);
		t2 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		q2 = requests(b->x);
		agent_ns += t1 - t0;
		arb_ns += t2 - t1;
		agent_req += q1 - q0;
		arb_req += q2 - q1;
	}
	f.wall_ns = (double)(clock_ns(CLOCK_MONOTONIC) - w0) / n;
	f.agent_ns = (double)agent_ns / n;
	f.arb_ns = (double)(arb_ns + clock_ns(rclk) - r0) / n;
	f.xsd_ns = (double)(clock_ns(sclk) - s0) / n;
	f.agent_req = (double)agent_req / n;
	f.arb_req = (double)arb_req / n;
	f.events = (double)(events(b->x) - ev0) / n;
	return f;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The thread that appeared since `before` (its tids, n of them). */
static pid_t new_tid(const pid_t *before, size_t n)
{
	pid_t now[MAX_TIDS];
	size_t m = list_tids(now, MAX_TIDS);

	for (size_t i = 0; i < m; i++) {
		bool seen = false;

		for (size_t j = 0; j < n; j++)
			seen |= now[i] == before[j];
		if (!seen)
			return now[i];
	}
	errno = ESRCH;
	die("a new thread");
	return 0;
}

static void setup(struct bench *b, const char *dir)
{
	char sock[160];
	pid_t tids[MAX_TIDS];
	size_t nt;

	snprintf(sock, sizeof(sock), "%s/socket", dir);
	nt = list_tids(tids, MAX_TIDS);
	struct xsd_options xo = { .socket_path = sock, .domain_socket_dir = dir };

	b->x = xsd_start(&xo);
	if (!b->x)
		die("xsd_start");
	b->server_tid = new_tid(tids, nt);
	if (xsd_introduce_domain(b->x, DOMID, "guest1", 1048576, 2097152) < 0)
		die("introduce domain 1");
	setenv("XENSTORED_PATH", sock, 1);
	b->arb = xs_open(0);
	if (!b->arb)
		die("xs_open as dom0");
	/* The arbiter's hand-over: every per-key key and memory/report. */
	if (xsio_hand_over(b->arb, DOMID, 4) < 0)
		die("hand-over");
	snprintf(b->report_path, sizeof(b->report_path), "/local/domain/%d/memory/%s",
		 DOMID, REPORT_VALUE_KEY);
	nt = list_tids(tids, MAX_TIDS);
	if (xsio_watch_dom(b->arb, DOMID) < 0)
		die("watch");
	b->reader_tid = new_tid(tids, nt);
	setenv("XENSTORED_PATH", xsd_domain_socket(b->x, DOMID), 1);
	b->agt = xs_open(0);
	if (!b->agt)
		die("xs_open as domain 1");
	b->bounds.mem_max_kb = 2097152;

	/* A 1 GiB guest's figures, every figure of layout 3. */
	const uint64_t fig[MK_STAMP] = {
		[MK_TOT] = 1004000, [MK_FREE] = 200000, [MK_AVAIL] = 400000,
		[MK_COMMITTED_AS] = 700000, [MK_SWAP_TOT] = 524284,
		[MK_SWAP_FREE] = 500000, [MK_BALLOON_CURRENT] = 1048576,
		[MK_BALLOON_TARGET] = 1048576, [MK_OOM_KILLS] = 0,
		[MK_PSI_SOME] = 12, [MK_SWAPIN_RATE] = 3,
		[MK_ACTIVE_ANON] = 300000, [MK_INACTIVE_ANON] = 100000,
		[MK_ACTIVE_FILE] = 150000, [MK_INACTIVE_FILE] = 120000,
		[MK_ANON_PAGES] = 380000, [MK_SHMEM] = 9000, [MK_PSWPIN] = 123456,
		[MK_REFAULT_ANON] = 2345, [MK_REFAULT_FILE] = 34567,
		[MK_PGMAJFAULT] = 45678, [MK_PSI_SOME_TOTAL] = 123456789,
		[MK_PSI_FULL_TOTAL] = 23456789,
	};
	memcpy(b->v, fig, sizeof(fig));
	b->v[MK_STAMP] = 1;
	b->v[MK_VERSION] = MEMBAL_KEY_LAYOUT_VERSION;
	b->have = (1u << MK_COUNT) - 1;
	/* The first per-key publication, so that every key holds a figure. */
	agent_per_key(b, true);
	arbiter_per_key(b);
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/membal-bench-layout.XXXXXX";
	unsigned n = 500, runs = 5;
	struct fig f[C_COUNT][MAX_RUNS];
	struct bench b = { 0 };
	int c;

	while ((c = getopt(argc, argv, "n:r:")) != -1) {
		if (c == 'n' && atoi(optarg) > 0)
			n = (unsigned)atoi(optarg);
		else if (c == 'r' && atoi(optarg) > 0 && atoi(optarg) <= MAX_RUNS)
			runs = (unsigned)atoi(optarg);
		else {
			fprintf(stderr, "usage: bench_report_layout [-n ITERATIONS] [-r RUNS<=%d]\n",
				MAX_RUNS);
			return 2;
		}
	}
	if (!mkdtemp(dir))
		die("mkdtemp");
	setup(&b, dir);
	for (unsigned r = 0; r < runs; r++)
		for (int k = 0; k < C_COUNT; k++)
			f[k][r] = run_case(&b, (enum bcase)k, n);

	printf("bench_report_layout: one changed report, agent (domain 1) -> membal's xenstored -> arbiter (dom0),\n"
	       "  %u reports a run, median of %u runs; CPU in us a report\n", n, runs);
	printf("  %-46s %8s %8s %7s %9s %9s %9s %9s\n", "layout", "agt req", "arb req",
	       "events", "agent us", "arbiter", "xsd us", "wall us");
	for (int k = 0; k < C_COUNT; k++) {
		double v[7][MAX_RUNS];

		for (unsigned r = 0; r < runs; r++) {
			v[0][r] = f[k][r].agent_req;
			v[1][r] = f[k][r].arb_req;
			v[2][r] = f[k][r].events;
			v[3][r] = f[k][r].agent_ns;
			v[4][r] = f[k][r].arb_ns;
			v[5][r] = f[k][r].xsd_ns;
			v[6][r] = f[k][r].wall_ns;
		}
		printf("  %-46s %8.1f %8.1f %7.1f %9.1f %9.1f %9.1f %9.1f\n", case_name[k],
		       median(v[0], runs), median(v[1], runs), median(v[2], runs),
		       median(v[3], runs) / 1e3, median(v[4], runs) / 1e3,
		       median(v[5], runs) / 1e3, median(v[6], runs) / 1e3);
	}
	xs_close(b.agt);
	xs_close(b.arb);
	xsd_stop(b.x);
	rmdir(dir);
	return 0;
}
