/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One membal-arbiter cycle against the test xenstored, with 10, 100 and
 * 1,000 simulated domains (issue 4's benchmark).
 *
 *   bench_arbiter [-n N[,N...]] [-c STEADY_CYCLES] [-b] [-k]
 *
 * What runs: the arbiter's real cycle (arbiter_init/arbiter_cycle, the
 * policy core, libxenstore) on the driven clock, against the in-process
 * test xenstored and the sim backend of hv.h. The guests' reports are
 * written by a fake agent through each guest's own socket (one
 * transaction, new stamp, as membal-agent does), so that this program
 * decides when a report changes; the simulated guests run no agent
 * (SIM_AGENTS_NONE). The figures put every domain's goal MC_i exactly at
 * its boot target, so once the first reports are read nothing needs to
 * balloon, and the simulated balloon drivers are left without xenstore:
 * the domain socket callback registers each domain with the test
 * xenstored (so permissions naming it hold) but gives the simulator no
 * socket. Why: the test xenstored used to check every connection holding
 * a watch for every write, and poll() every socket for every request;
 * with 1,000 balloon connections a first 1,000-domain run had not
 * reached steady state after 20 minutes (docs/performance.md, "Arbiter
 * cycle"). It now finds watches by path and serves sockets with epoll
 * (issue 21); -b gives the balloons their connections again
 * (sync_events = false: they take events as they arrive and cost no
 * request when nothing changes); the arbiter's requests are the same
 * either way.
 *
 * What is measured, per N:
 *  - the first cycle, which adopts every domain (layout, memory/report
 *    handed over, two watches each), its requests by type, and those of
 *    the cycle after (the adoption's watch events, the first reports);
 *    with -k (agents older than key layout 3) also the cycle that hands
 *    them the per-key keys, per_key_after_ms later, and the one after it
 *    (design.md §The lazy hand-over);
 *  - steady state: every domain managed, targets settled, no report
 *    changing: wall time per cycle (median of many), xenstore requests
 *    per cycle (the goal is 0), the CPU of the arbiter (the calling
 *    thread: its code and libxenstore's client side, plus the reader
 *    thread libxenstore starts for the arbiter's watches) and of the test
 *    xenstored's thread, and the share of one CPU at interval_ms;
 *  - heartbeats: what the default agents add when nothing changes: each
 *    agent writes its stamp alone every heartbeat_ms (10 s), so with
 *    interval_ms 1000 a tenth of the domains has a new stamp each cycle;
 *  - one domain publishes new figures that raise its target: the
 *    requests and wall time of that cycle and of the next ones.
 *
 * The simulator's own work is kept out of the figures: the sim backend's
 * advance() (balloons, guest files) is called by this program before
 * each cycle instead of inside it, and the fake agent publishes before
 * the cycle. Before each measured cycle one round trip on the arbiter's
 * connection (not counted) makes sure that every watch event already
 * fired has reached libxenstore's queue, as it would have after the
 * arbiter's one-second sleep; without it an event could land in the
 * cycle after, and the counts would depend on thread scheduling.
 *
 * The test xenstored runs in a thread of this process; on a 2-vCPU
 * machine each request is a round trip between two threads. It is
 * written for tests, not speed: its CPU is printed apart and says
 * nothing about the host's xenstored.
 *
 * Nothing here fails on timing: it prints figures and ratios.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "arbiter/arbiter.h"
#include "simhost/hv_sim.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "common/report_value.h"
#include "xenstored/xsd.h"
#include "threadcpu.h"

#define MIB 1024ull
#define SEED001_ARBITER_PCT 2.0
#define GOAL_ARBITER_PCT 0.1     /* at 100 domains */
#define SETTLE_CYCLES 5          /* no write and no read for this long */
#define MAX_SETTLE 300
#define HEARTBEAT_CYCLES 10      /* heartbeat_ms / interval_ms */
#define HEARTBEAT_PERIODS(n) ((n) <= 100 ? 3 : 1)
#define AFTER_CHANGE 3
#define MAX_TIDS 16384
#define DEFAULT_INTERVAL_MS 1000 /* arbiter.ini [daemon] interval_ms */

static void die(const char *what)
{
	fprintf(stderr, "bench_arbiter: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n ? v[n / 2] : 0;
}

/* ---- one host ------------------------------------------------------------ */

struct bench {
	unsigned n;
	bool balloons;            /* -b: balloon drivers on xenstore */
	char dir[64], sock[128], guest_dir[96];
	struct xsd *x;
	clockid_t server_clock, reader_clock;
	bool have_server_clock, have_reader_clock;
	struct sim_scenario sc;
	struct hv sim;            /* the sim backend as opened */
	struct hv_ops ops;        /* the same without advance() */
	struct hv hv;             /* what the arbiter sees */
	struct arbiter_config cfg;
	struct arbiter a;
	FILE *log;
	char log_path[128];
	uint64_t stamp;
};

/* What one cycle cost. */
struct cycle {
	double wall_ns, self_ns, reader_ns, server_ns;
	uint64_t requests;
	uint64_t by_type[XS_TYPE_COUNT];
	uint64_t target_writes, report_reads;
};

static const char *dom_socket(void *ctx, uint32_t domid)
{
	struct bench *b = ctx;
	const char *sock = xsd_domain_socket(b->x, domid);

	return b->balloons ? sock : NULL;
}

/* The one thread of this process that appeared since before[]; false if
 * none or several. */
static bool new_thread_clock(const pid_t *before, size_t nb, clockid_t *out)
{
	static pid_t now[MAX_TIDS];
	size_t nn = list_tids(now, MAX_TIDS), found = 0;
	struct timespec ts;

	for (size_t i = 0; i < nn; i++) {
		bool old = false;

		for (size_t j = 0; j < nb && !old; j++)
			old = now[i] == before[j];
		if (!old) {
			*out = thread_cpu_clock(now[i]);
			found++;
		}
	}
	return found == 1 && clock_gettime(*out, &ts) == 0;
}

/* Guests of 512 MiB (static-max 1 GiB) on a host with room for all of
 * them at static-max: abundant, so every domain self-adjusts to its
 * goal and stays there. */
static char *scenario_text(unsigned n)
{
	size_t cap = 128 + (size_t)n * 96, len = 0;
	char *s = malloc(cap);

	if (!s)
		die("scenario");
	len += (size_t)snprintf(s + len, cap - len,
				"[host]\ntotal_mb = %llu\ndom0_mb = 1024\n",
				1024ull + (unsigned long long)n * 1024 + 1024);
	for (unsigned i = 1; i <= n; i++)
		len += (size_t)snprintf(s + len, cap - len,
					"[guest vm%u]\ndomid = %u\nmemory_mb = 512\n"
					"static_max_mb = 1024\n", i, i);
	return s;
}

struct fig {
	uint64_t tot, free, avail, committed_as, balloon_current;
};

/* MemTotal 480 MiB of the 512 the domain holds (O_i = 32 MiB of kernel
 * overhead), 416 MiB committed: MC_i = 416 + 32 + 64 (headroom_mb) = 512
 * MiB, the boot target: nothing to change, nothing to balloon. */
static const struct fig base_fig = {
	.tot = 480 * MIB, .free = 40 * MIB, .avail = 90 * MIB,
	.committed_as = 416 * MIB, .balloon_current = 512 * MIB,
};

static struct xs_handle *open_as_guest(struct bench *b, uint32_t domid)
{
	const char *sock = xsd_domain_socket(b->x, domid);
	struct xs_handle *h;

	if (!sock)
		die("domain socket");
	setenv("XENSTORED_PATH", sock, 1);
	h = xs_open(0);
	setenv("XENSTORED_PATH", b->sock, 1);
	if (!h)
		die("xs_open as a guest");
	return h;
}

static void fake_publish_value(struct bench *b, uint32_t domid, const struct fig *f)
{
	static struct fig last[SIM_MAX_GUESTS + 1];
	struct xs_handle *h = open_as_guest(b, domid);
	uint64_t v[MK_COUNT] = { 0 };
	bool have[MK_COUNT] = { false };
	char buf[REPORT_VALUE_MAX], path[96];
	const struct fig *x;
	size_t n;

	if (domid > SIM_MAX_GUESTS)
		die("domid");
	if (f)
		last[domid] = *f;
	x = &last[domid];
	v[MK_TOT] = x->tot;
	v[MK_FREE] = x->free;
	v[MK_AVAIL] = x->avail;
	v[MK_COMMITTED_AS] = x->committed_as;
	v[MK_BALLOON_CURRENT] = v[MK_BALLOON_TARGET] = x->balloon_current;
	v[MK_STAMP] = ++b->stamp;
	for (int k = MK_TOT; k <= MK_SWAPIN_RATE; k++)
		have[k] = true;
	have[MK_STAMP] = true;
	n = report_value_encode(buf, v, have);
	snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid, REPORT_VALUE_KEY);
	if (!xs_write(h, XBT_NULL, path, buf, (unsigned)n))
		die("fake publication");
	xs_close(h);
}

/* -k: the fake agents publish one key a figure (an older agent). */
static bool per_key;

/* Publish like membal-agent: one WRITE of memory/report (every figure, a
 * new stamp), as the guest (through its own socket, with a guest's
 * rights); f NULL: a heartbeat, the figures of the last publication.
 * With -k, like an older agent: one transaction, a new stamp; a
 * heartbeat writes the stamp alone. */
static void fake_publish(struct bench *b, uint32_t domid, const struct fig *f)
{
	if (!per_key) {
		fake_publish_value(b, domid, f);
		return;
	}
	struct xs_handle *h = open_as_guest(b, domid);
	xs_transaction_t t;
	static const struct fig none;
	const struct fig *v = f ? f : &none;
	const struct { const char *k; uint64_t v; } kv[] = {
		{ "stamp", ++b->stamp },
		{ "tot", v->tot }, { "free", v->free }, { "avail", v->avail },
		{ "committed_as", v->committed_as }, { "swap_tot", 0 },
		{ "swap_free", 0 }, { "balloon_current", v->balloon_current },
		{ "balloon_target", v->balloon_current }, { "oom_kills", 0 },
		{ "psi_some", 0 }, { "swapin_rate", 0 }, { "membal_version", 1 },
	};
	size_t nkv = f ? sizeof(kv) / sizeof(kv[0]) : 1;

	for (int tries = 0;; tries++) {
		bool ok = (t = xs_transaction_start(h)) != XBT_NULL;

		for (size_t i = 0; ok && i < nkv; i++) {
			char path[96], val[24];
			int len = snprintf(val, sizeof(val), "%" PRIu64, kv[i].v);

			snprintf(path, sizeof(path), "/local/domain/%u/memory/%s",
				 domid, kv[i].k);
			ok = xs_write(h, t, path, val, (unsigned)len);
		}
		if (ok && xs_transaction_end(h, t, false))
			break;
		if (errno != EAGAIN || tries > 8)
			die("fake publication");
	}
	xs_close(h);
}

static void open_host(struct bench *b, unsigned n, bool balloons)
{
	static pid_t before[MAX_TIDS];
	struct cfg_file cf;
	size_t nb;
	char *text;

	memset(b, 0, sizeof(*b));
	b->n = n;
	b->balloons = balloons;
	b->stamp = 1000;
	snprintf(b->dir, sizeof(b->dir), "/tmp/membal-bench-arbiter.XXXXXX");
	if (!mkdtemp(b->dir))
		die("mkdtemp");
	snprintf(b->sock, sizeof(b->sock), "%s/socket", b->dir);
	snprintf(b->log_path, sizeof(b->log_path), "%s/log", b->dir);
	snprintf(b->guest_dir, sizeof(b->guest_dir), "%s/guests", b->dir);
	if (mkdir(b->guest_dir, 0755) < 0)
		die(b->guest_dir);
	b->log = fopen(b->log_path, "w+");
	if (!b->log)
		die(b->log_path);
	log_set_stream(b->log);
	log_set_level(LOG_WARNING);

	nb = list_tids(before, MAX_TIDS);
	struct xsd_options xo = { .socket_path = b->sock, .domain_socket_dir = b->dir };
	b->x = xsd_start(&xo);
	if (!b->x)
		die("xsd_start");
	b->have_server_clock = new_thread_clock(before, nb, &b->server_clock);
	setenv("XENSTORED_PATH", b->sock, 1);

	text = scenario_text(n);
	if (sim_scenario_load_string("bench", text, &b->sc, &cf) < 0) {
		fprintf(stderr, "bench_arbiter: scenario: %s\n", cf.first_error);
		exit(1);
	}
	free(text);
	struct sim_options so = {
		.scenario = &b->sc,
		.xenstored_path = b->sock,
		.domain_socket = dom_socket,
		.domain_socket_ctx = b,
		.guest_dir = b->guest_dir,
		.agents = SIM_AGENTS_NONE,
		.sync_events = false,
	};
	if (hv_sim_open(&b->sim, &so) < 0)
		die("hv_sim_open");
	b->ops = *b->sim.ops;
	b->ops.advance = NULL;
	b->hv.ops = &b->ops;
	b->hv.priv = b->sim.priv;

	arbiter_config_defaults(&b->cfg);
	b->cfg.status_file[0] = '\0';
	b->cfg.control_socket[0] = '\0';
	b->cfg.max_domains = n + 1;       /* dom0 and the guests */
	/* The fake agents publish only when told to: nobody may go stale
	 * during the run (a real agent's heartbeat keeps it fresh), and, for
	 * the same reason, no domain of a current agent is handed the
	 * per-key keys (design.md §The lazy hand-over). With -k (older
	 * agents) the default stays, and run_host() lets it pass. */
	b->cfg.stale_after_ms = 86400000;
	if (!per_key)
		b->cfg.per_key_after_ms = 86400000;
	if (arbiter_init(&b->a, &b->cfg, &b->hv, false) < 0)
		die("arbiter_init");
}

static void close_host(struct bench *b)
{
	char cmd[160];

	arbiter_free(&b->a);
	b->sim.ops->close(&b->sim);
	sim_scenario_free(&b->sc);
	xsd_stop(b->x);
	log_set_stream(NULL);
	fclose(b->log);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", b->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_arbiter: could not remove %s\n", b->dir);
}

/* One interval: the simulated host moves, then the arbiter's cycle,
 * measured alone. */
static void one_cycle(struct bench *b, struct cycle *c)
{
	struct xsd_stats s0, s1;
	uint64_t now, w0, r0;

	clock_advance(b->cfg.interval_ms);
	now = clock_now_ms();
	b->sim.ops->advance(&b->sim, now);
	if (b->a.xs)
		free(xs_get_domain_path(b->a.xs, 0));
	w0 = b->a.n.target_writes;
	r0 = b->a.n.report_reads;
	xsd_get_stats(b->x, &s0);

	uint64_t v0 = b->have_server_clock ? clock_ns(b->server_clock) : 0;
	uint64_t r0c = b->have_reader_clock ? clock_ns(b->reader_clock) : 0;
	uint64_t c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	uint64_t t0 = clock_ns(CLOCK_MONOTONIC);

	if (arbiter_cycle(&b->a) < 0) {
		fprintf(stderr, "bench_arbiter: arbiter_cycle failed (see the log)\n");
		exit(1);
	}
	uint64_t t1 = clock_ns(CLOCK_MONOTONIC);
	uint64_t c1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	uint64_t r1c = b->have_reader_clock ? clock_ns(b->reader_clock) : 0;
	uint64_t v1 = b->have_server_clock ? clock_ns(b->server_clock) : 0;

	xsd_get_stats(b->x, &s1);
	c->wall_ns = (double)(t1 - t0);
	c->self_ns = (double)(c1 - c0);
	c->reader_ns = (double)(r1c - r0c);
	c->server_ns = (double)(v1 - v0);
	c->requests = s1.requests - s0.requests;
	for (int k = 0; k < XS_TYPE_COUNT; k++)
		c->by_type[k] = s1.by_type[k] - s0.by_type[k];
	c->target_writes = b->a.n.target_writes - w0;
	c->report_reads = b->a.n.report_reads - r0;
}

static void print_types(const uint64_t *by_type)
{
	const char *sep = "";

	for (int k = 0; k < XS_TYPE_COUNT; k++)
		if (by_type[k]) {
			printf("%s%" PRIu64 " %s", sep, by_type[k], xsd_type_name((uint32_t)k));
			sep = ", ";
		}
	if (!*sep)
		printf("none");
}

/* ns per cycle as a share of one CPU at the default interval. */
static double pct(double ns)
{
	return ns / (DEFAULT_INTERVAL_MS * 1e6) * 100;
}

static void print_ms(double ns)
{
	if (ns < 1e6)
		printf("%.1f us", ns / 1e3);
	else
		printf("%.2f ms", ns / 1e6);
}

/* Medians of a series of cycles. */
struct series {
	double *wall, *arb, *server;
	unsigned n;
	uint64_t requests, max_requests, reads, writes;
	uint64_t by_type[XS_TYPE_COUNT];
};

static void series_init(struct series *s, unsigned cap)
{
	memset(s, 0, sizeof(*s));
	s->wall = calloc(cap, sizeof(double));
	s->arb = calloc(cap, sizeof(double));
	s->server = calloc(cap, sizeof(double));
	if (!s->wall || !s->arb || !s->server)
		die("calloc");
}

static void series_add(struct series *s, const struct cycle *c)
{
	s->wall[s->n] = c->wall_ns;
	s->arb[s->n] = c->self_ns + c->reader_ns;
	s->server[s->n] = c->server_ns;
	s->n++;
	s->requests += c->requests;
	if (c->requests > s->max_requests)
		s->max_requests = c->requests;
	s->reads += c->report_reads;
	s->writes += c->target_writes;
	for (int t = 0; t < XS_TYPE_COUNT; t++)
		s->by_type[t] += c->by_type[t];
}

static void series_free(struct series *s)
{
	free(s->wall);
	free(s->arb);
	free(s->server);
}

struct summary {
	unsigned n;
	double steady_wall, steady_arb, hb_wall, hb_arb;
	uint64_t steady_requests;
	double hb_requests;
};

/* wall [min..max], arbiter CPU, xenstored CPU; medians. Sorts. */
static void print_series(const struct series *s, double *wall, double *arb,
			 uint32_t interval_ms)
{
	double w = median(s->wall, s->n), a = median(s->arb, s->n);

	print_ms(w);
	printf(" wall [");
	print_ms(s->wall[0]);
	printf(" .. ");
	print_ms(s->wall[s->n - 1]);
	printf("], CPU: arbiter ");
	print_ms(a);
	printf(", test xenstored ");
	print_ms(median(s->server, s->n));
	printf("\n    share of one CPU at interval_ms %u: %.4f%% (arbiter CPU), "
	       "%.4f%% (wall)\n", interval_ms, a / (interval_ms * 1e6) * 100,
	       w / (interval_ms * 1e6) * 100);
	*wall = w;
	*arb = a;
}

static void run_host(unsigned n, unsigned steady_cycles, bool balloons,
		     struct summary *sum)
{
	static pid_t before[MAX_TIDS];
	struct bench b;
	struct cycle c;
	struct series st, hb;
	unsigned settled = 0, managed = 0, cycles = 0;
	double t_open, t_pub;
	size_t nb;

	printf("\n== %u domains ==\n", n);
	t_open = (double)clock_ns(CLOCK_MONOTONIC);
	open_host(&b, n, balloons);
	t_open = ((double)clock_ns(CLOCK_MONOTONIC) - t_open) / 1e9;

	/* The first cycle connects: libxenstore starts a reader thread for
	 * the arbiter's watches, whose CPU is the arbiter's too. */
	nb = list_tids(before, MAX_TIDS);
	one_cycle(&b, &c);
	b.have_reader_clock = new_thread_clock(before, nb, &b.reader_clock);
	printf("  first cycle, adopts %u domains: ", n);
	print_ms(c.wall_ns);
	printf(" wall, %" PRIu64 " requests (%.1f a domain, dom0 included)%s\n    (",
	       c.requests, (double)c.requests / (n + 1),
	       b.have_reader_clock ? "" : "; libxenstore reader thread not found");
	print_types(c.by_type);
	printf(")\n");

	/* An older agent cannot write its keys before they are handed over:
	 * they are, per_key_after_ms after the adoption (and its next retry,
	 * handover_retry_ms, publishes). The cycles between cost nothing but
	 * the adoption's watch events. */
	if (per_key) {
		one_cycle(&b, &c);
		printf("  cycle after (the adoption's watch events, nothing published): %" PRIu64
		       " requests (", c.requests);
		print_types(c.by_type);
		printf(")\n");
		clock_advance(b.cfg.per_key_after_ms - 2 * b.cfg.interval_ms);
		/* At most 100 a cycle (sync.c): until every domain has them,
		 * then the cycle after the last (its own watch events). */
		struct cycle all = { 0 };
		double worst = 0;
		unsigned k = 0, handed = 0;

		do {
			unsigned had = handed;

			one_cycle(&b, &c);
			handed = 0;
			for (size_t i = 0; i < b.a.ndoms; i++)
				handed += b.a.by_domid[b.a.order[i]]->per_key;
			if (handed == had && k > 0)
				break;
			k++;
			all.wall_ns += c.wall_ns;
			all.requests += c.requests;
			for (int t = 0; t < XS_TYPE_COUNT; t++)
				all.by_type[t] += c.by_type[t];
			if (c.wall_ns > worst)
				worst = c.wall_ns;
		} while (k < 100);
		printf("  per_key_after_ms (%u ms) after the adoption, the per-key keys handed over to %u domains in %u cycles: ",
		       b.cfg.per_key_after_ms, handed, k);
		print_ms(all.wall_ns);
		printf(" wall in all, the longest cycle ");
		print_ms(worst);
		printf(", %" PRIu64 " requests (%.1f a domain; ", all.requests,
		       (double)all.requests / n);
		print_types(all.by_type);
		printf(")\n  cycle after the last (the hand-over's own watch events): %" PRIu64 " requests (",
		       c.requests);
		print_types(c.by_type);
		printf(")\n");
	}

	t_pub = (double)clock_ns(CLOCK_MONOTONIC);
	for (unsigned d = 1; d <= n; d++)
		fake_publish(&b, d, &base_fig);
	t_pub = ((double)clock_ns(CLOCK_MONOTONIC) - t_pub) / 1e9;

	/* Settle: the first reports are read; then nothing may happen for
	 * SETTLE_CYCLES cycles in a row. */
	while (settled < SETTLE_CYCLES && cycles < MAX_SETTLE) {
		one_cycle(&b, &c);
		cycles++;
		if (cycles == 1) {
			printf("  cycle after the first publications (the adoption's watch events and the reports): %" PRIu64
			       " requests (%.1f a domain; ", c.requests, (double)c.requests / n);
			print_types(c.by_type);
			printf(")\n");
		}
		settled = (c.requests == 0 && c.target_writes == 0) ? settled + 1 : 0;
	}
	for (size_t i = 0; i < b.a.ndoms; i++)
		managed += b.a.by_domid[b.a.order[i]]->skip == SKIP_NONE;
	printf("  steady after %u cycle(s): %u of %u domains managed, mode %s, "
	       "%" PRIu64 " target writes, %" PRIu64 " reports read\n",
	       cycles - settled, managed, n, policy_mode_name(b.a.cycle.mode),
	       b.a.n.target_writes, b.a.n.report_reads);
	printf("  (setup, not measured: simulated host %.2f s, %u fake "
	       "publications %.2f s)\n", t_open, n, t_pub);

	/* Steady state. */
	series_init(&st, steady_cycles);
	for (unsigned k = 0; k < steady_cycles; k++) {
		one_cycle(&b, &c);
		series_add(&st, &c);
	}
	printf("  steady cycle, median of %u: ", steady_cycles);
	print_series(&st, &sum->steady_wall, &sum->steady_arb, b.cfg.interval_ms);
	printf("    xenstore requests: %" PRIu64 " in %u cycles (at most %" PRIu64
	       " in one)", st.requests, steady_cycles, st.max_requests);
	if (st.requests) {
		printf(": ");
		print_types(st.by_type);
	}
	printf("\n");
	sum->steady_requests = st.requests;
	series_free(&st);

	/* Heartbeats: a tenth of the domains rewrite memory/report (-k: write
	 * a new stamp alone) before each cycle, as membal-agent's heartbeat
	 * does. */
	unsigned hbn = HEARTBEAT_CYCLES * HEARTBEAT_PERIODS(n);
	double hb_self = 0, hb_reader = 0, beats = 0;

	series_init(&hb, hbn);
	for (unsigned k = 0; k < hbn; k++) {
		for (unsigned d = 1 + k % HEARTBEAT_CYCLES; d <= n; d += HEARTBEAT_CYCLES) {
			fake_publish(&b, d, NULL);
			beats++;
		}
		one_cycle(&b, &c);
		series_add(&hb, &c);
		hb_self += c.self_ns;
		hb_reader += c.reader_ns;
	}
	printf("  heartbeat cycle (a tenth of the agents %s), median of %u: ",
	       per_key ? "write a new stamp alone" : "rewrite memory/report", hbn);
	print_series(&hb, &sum->hb_wall, &sum->hb_arb, b.cfg.interval_ms);
	sum->hb_requests = (double)hb.requests / hbn;
	printf("    %.1f requests a cycle, %.2f a heartbeat (",
	       sum->hb_requests, (double)hb.requests / beats);
	print_types(hb.by_type);
	printf("), %" PRIu64 " full report reads, %" PRIu64 " target writes;\n"
	       "    arbiter CPU a heartbeat ", hb.reads, hb.writes);
	print_ms((hb_self + hb_reader) / beats);
	printf(" (mean; calling thread ");
	print_ms(hb_self / beats);
	printf(", libxenstore reader thread ");
	print_ms(hb_reader / beats);
	printf(")\n");
	series_free(&hb);

	/* One domain's demand rises by 256 MiB: a new report, a new target
	 * (abundant: granted at once), our own write read back. */
	{
		uint32_t dom = n / 2 + 1;
		struct fig f = base_fig;

		f.committed_as += 256 * MIB;
		fake_publish(&b, dom, &f);
		printf("  domain %u's committed_as rises by 256 MiB:\n", dom);
		for (unsigned k = 0; k < AFTER_CHANGE; k++) {
			one_cycle(&b, &c);
			printf("    cycle +%u: ", k);
			print_ms(c.wall_ns);
			printf(" wall, arbiter CPU ");
			print_ms(c.self_ns + c.reader_ns);
			printf(", %" PRIu64 " requests (", c.requests);
			print_types(c.by_type);
			printf("), %" PRIu64 " target write(s)\n", c.target_writes);
		}
	}

	/* Anything the arbiter or the simulator complained about, but the
	 * balloons' missing sockets, which are on purpose. */
	fflush(b.log);
	{
		char line[512];
		unsigned lines = 0, detached = 0;

		rewind(b.log);
		while (fgets(line, sizeof(line), b.log)) {
			if (strstr(line, "no domain socket; its balloon")) {
				detached++;
				continue;
			}
			if (lines++ < 3)
				printf("  log: %s", line);
		}
		if (lines)
			printf("  (%u warning lines in all)\n", lines);
		if (detached)
			printf("  (%u balloon drivers without xenstore, as intended)\n",
			       detached);
	}
	close_host(&b);
}

int main(int argc, char **argv)
{
	unsigned sizes[8] = { 10, 100, 1000 }, nsizes = 3, steady = 100;
	bool balloons = false;
	struct summary sum[8];
	struct rlimit rl;
	struct utsname u;
	int opt;

	while ((opt = getopt(argc, argv, "n:c:bk")) != -1) {
		if (opt == 'n') {
			char *s = optarg, *end;

			nsizes = 0;
			while (*s && nsizes < 8) {
				unsigned long v = strtoul(s, &end, 10);

				if (end == s || v < 1 || v > SIM_MAX_GUESTS) {
					fprintf(stderr, "bench_arbiter: -n: 1..%u, comma separated\n",
						SIM_MAX_GUESTS);
					return 2;
				}
				sizes[nsizes++] = (unsigned)v;
				s = *end == ',' ? end + 1 : end;
			}
		} else if (opt == 'c') {
			steady = (unsigned)atoi(optarg);
		} else if (opt == 'b') {
			balloons = true;
		} else if (opt == 'k') {
			per_key = true;
		} else {
			fprintf(stderr, "usage: %s [-n N[,N...]] [-c STEADY_CYCLES] [-b] [-k]\n", argv[0]);
			return 2;
		}
	}
	if (steady < 1 || steady > 100000) {
		fprintf(stderr, "bench_arbiter: -c in [1, 100000]\n");
		return 2;
	}
	/* A domain socket, its balloon's connection and both ends of it:
	 * about four descriptors a domain. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	clock_drive(10000000);
	uname(&u);
	printf("bench_arbiter: kernel %s %s, %ld CPUs online; the test xenstored "
	       "runs in a thread of this process\n", u.release, u.machine,
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("  sim backend, PV guests of 512 MiB (static-max 1 GiB) on an abundant "
	       "host, fake agents,\n  default [policy] and [daemon] except "
	       "stale_after_ms 86400000%s; balloon drivers %s\n",
	       per_key ? "" : ", per_key_after_ms 86400000", balloons ? "on xenstore (-b)" : "without xenstore (nothing to balloon)");

	for (unsigned i = 0; i < nsizes; i++) {
		sum[i].n = sizes[i];
		run_host(sizes[i], steady, balloons, &sum[i]);
	}

	printf("\nsummary: share of one CPU at interval_ms %u, arbiter CPU "
	       "(wall in brackets)\n", DEFAULT_INTERVAL_MS);
	printf("  %8s %26s %28s %16s %18s\n", "domains", "steady", "heartbeats",
	       "steady requests", "heartbeat requests");
	for (unsigned i = 0; i < nsizes; i++)
		printf("  %8u %10.4f%% [%10.4f%%] %10.4f%% [%12.4f%%] %16" PRIu64
		       " %18.1f\n", sum[i].n, pct(sum[i].steady_arb),
		       pct(sum[i].steady_wall), pct(sum[i].hb_arb),
		       pct(sum[i].hb_wall), sum[i].steady_requests,
		       sum[i].hb_requests);
	printf("  seed 001: about %.0f%% of a dom0 CPU; goal < %.1f%% at 100 domains, "
	       "0 requests in a steady cycle\n", SEED001_ARBITER_PCT, GOAL_ARBITER_PCT);
	return 0;
}
