/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What publishing costs membal-agent, and how often a guest publishes
 * (issue 2's benchmark, the half that bench/sample.c does not cover:
 * sample.c breaks one sample down against the bare read of /proc/meminfo).
 *
 *   bench_agent [-r RUNS] [-t MS_PER_RUN]
 *
 * 1. Cost per step. The real agent (agent_step()) on the driven clock,
 *    sampling the machine's real /proc/meminfo, /proc/vmstat and PSI (the
 *    balloon files from the fixture tree), publishing through domain 1's
 *    socket of the in-process test xenstored with a guest's rights, keys
 *    handed over as the arbiter does. Two agents on the same files:
 *      quiet      nothing is due (heartbeat and report_delta_kb out of
 *                 reach): sample + filter + report_due, no request;
 *      publishing heartbeat_ms below one step, so every step publishes:
 *                 the same + one WRITE of memory/report (the hand-over gives
 *                 it, as the arbiter does; one key a figure: a transaction).
 *    The difference is the cost of a publication. Runs of the two
 *    alternate, so both see the same machine; the median run is printed.
 *    The server runs in another thread of this process: on a 2-vCPU
 *    machine each request is a round trip between two threads that may
 *    share a CPU, so wall time is the client's latency, and the client's
 *    own CPU (CLOCK_THREAD_CPUTIME_ID) and the server thread's CPU are
 *    printed apart. A real guest talks to dom0's xenstored over the xenbus
 *    ring instead: the request count is the same, the transport is not.
 *
 * 2. Publications and xenstore writes per guest per minute: the agent at
 *    the default configuration (sample_ms 1000, heartbeat 10 s,
 *    report_delta_kb 4096, fmd 5120 KiB) against meminfo files that this
 *    program rewrites each simulated second, for a steady guest, a busy
 *    one and a noisy one with page-reclaim bursts (with the free-memory
 *    filter and without it). One simulated minute of warm-up, then one
 *    counted; requests are counted by the test xenstored.
 *
 * Nothing here fails on timing: it prints figures and ratios.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "agent/agent.h"
#include "common/clock.h"
#include "common/keys.h"
#include "floor.h"
#include "common/log.h"
#include "xenstored/xsd.h"
#include "threadcpu.h"

#define DOMID 1
#define SEED001_AGENT_PCT 0.3
#define GOAL_AGENT_PCT 0.01

static char dir[64];
static struct xsd *xsd;
static clockid_t server_clock;
static bool have_server_clock;
static volatile uint64_t sink;

static void put_file(const char *rel, const char *text)
{
	char p[256], tmp[280];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	f = fopen(tmp, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0 || rename(tmp, p) < 0)
		bench_die(p);
}

struct guest_mem {
	unsigned long free, avail, committed;
};

static void put_meminfo(const struct guest_mem *m)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "MemTotal:         984000 kB\n"
		 "MemFree:        %8lu kB\n"
		 "MemAvailable:   %8lu kB\n"
		 "Buffers:           8000 kB\n"
		 "Cached:          120000 kB\n"
		 "SwapTotal:       524284 kB\n"
		 "SwapFree:        524284 kB\n"
		 "Committed_AS:   %8lu kB\n",
		 m->free, m->avail, m->committed);
	put_file("meminfo", text);
}

static void make_guest_files(void)
{
	static const char *const dirs[] = {
		"sys", "sys/devices", "sys/devices/system",
		"sys/devices/system/xen_memory",
		"sys/devices/system/xen_memory/xen_memory0",
		"sys/devices/system/xen_memory/xen_memory0/info",
	};
	char p[256];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, dirs[i]);
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			bench_die(p);
	}
	put_file("sys/devices/system/xen_memory/xen_memory0/target_kb", "1048576\n");
	put_file("sys/devices/system/xen_memory/xen_memory0/info/current_kb", "1048576\n");
	put_file("vmstat", "nr_free_pages 75000\npswpin 1000\npswpout 2000\noom_kill 0\n");
	put_file("psi", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
			"full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
	put_meminfo(&(struct guest_mem){ 300000, 450000, 250000 });
}

/* ---- 1. cost per step ---------------------------------------------------- */

struct cost {
	double wall, self_cpu, server_cpu;   /* ns per operation */
};

struct op {
	const char *name;
	struct agent *a;            /* NULL: the bare read floor */
	enum agent_step_result want;
	uint64_t unexpected;        /* steps that did something else */
	double wall[64], self_cpu[64], server_cpu[64];
	struct cost med;
};

static void op_once(struct op *o)
{
	if (!o->a) {
		sink += bench_bare_meminfo_read();
		return;
	}
	clock_advance(o->a->cfg.sample_ms);
	if (agent_step(o->a) != o->want)
		o->unexpected++;
}

static void op_run(struct op *o, uint64_t iters, int k)
{
	uint64_t c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	uint64_t s0 = have_server_clock ? clock_ns(server_clock) : 0;
	uint64_t t0 = clock_ns(CLOCK_MONOTONIC);

	for (uint64_t i = 0; i < iters; i++)
		op_once(o);
	uint64_t t1 = clock_ns(CLOCK_MONOTONIC);
	uint64_t s1 = have_server_clock ? clock_ns(server_clock) : 0;
	uint64_t c1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);

	o->wall[k] = (double)(t1 - t0) / (double)iters;
	o->self_cpu[k] = (double)(c1 - c0) / (double)iters;
	o->server_cpu[k] = (double)(s1 - s0) / (double)iters;
}

/* Iterations for about run_ms of this operation. */
static uint64_t op_calibrate(struct op *o, unsigned run_ms)
{
	uint64_t iters = 8, t;

	for (;;) {
		uint64_t t0 = clock_ns(CLOCK_MONOTONIC);

		for (uint64_t i = 0; i < iters; i++)
			op_once(o);
		t = clock_ns(CLOCK_MONOTONIC) - t0;
		if (t >= run_ms * 100000ull)
			break;
		iters *= 2;
	}
	iters = iters * run_ms * 1000000ull / (t ? t : 1);
	return iters ? iters : 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	return v[n / 2];
}

/* ---- 2. publications per minute ------------------------------------------ */

static uint64_t rng = 0x2545f4914f6cdd1dull;

static long noise(long amplitude)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (long)(rng % (uint64_t)(2 * amplitude + 1)) - amplitude;
}

/* t in simulated seconds since the agent started. */
static void guest_steady(unsigned t, struct guest_mem *m)
{
	*m = (struct guest_mem){ 300000, 450000, 250000 };
}

/* A workload that allocates 8 MiB a second for 30 s and frees it again
 * (design.md §Workloads and traces: mono, steep): every figure moves by twice report_delta_kb a
 * sample. */
static void guest_busy(unsigned t, struct guest_mem *m)
{
	unsigned phase = t % 60;
	unsigned long used = (phase < 30 ? phase : 60 - phase) * 8192ul;

	*m = (struct guest_mem){ 300000 - used, 450000 - used, 250000 + used };
}

/* An idle-ish guest: its figures wander by up to +-1.5 MiB around a level
 * (below report_delta_kb even peak to peak), and every 10 s kswapd frees
 * 32 MiB of page cache for two samples before it is used again: MemFree
 * jumps, MemAvailable does not (the cache was counted as available). */
static void guest_noisy(unsigned t, struct guest_mem *m)
{
	m->free = (unsigned long)(300000 + noise(1536));
	m->avail = (unsigned long)(450000 + noise(1536));
	m->committed = (unsigned long)(250000 + noise(1024));
	if (t % 10 == 5 || t % 10 == 6)
		m->free += 32768;
}

struct minute {
	const char *name, *expect;
	void (*guest)(unsigned t, struct guest_mem *m);
	uint32_t fmd_max_reject;
	uint64_t pubs, requests, writes, tx, rejected;
};

static void run_minute(struct minute *mn, const struct agent_config *base)
{
	struct agent_config c = *base;
	struct xsd_stats s0, s1;
	struct agent a;
	uint64_t pubs0 = 0, rej0 = 0;
	struct guest_mem m;

	c.fmd_max_reject = mn->fmd_max_reject;
	mn->guest(0, &m);
	put_meminfo(&m);
	agent_init(&a, &c, DOMID);
	for (unsigned t = 0; t < 120; t++) {
		if (t == 60) {
			xsd_get_stats(xsd, &s0);
			pubs0 = a.n.publications;
			rej0 = a.n.fmd_rejected;
		}
		mn->guest(t, &m);
		put_meminfo(&m);
		enum agent_step_result r = agent_step(&a);

		if (r != STEP_PUBLISHED && r != STEP_QUIET) {
			fprintf(stderr, "bench_agent: %s: step at %u s gave %d\n",
				mn->name, t, (int)r);
			exit(1);
		}
		clock_advance(c.sample_ms);
	}
	xsd_get_stats(xsd, &s1);
	mn->pubs = a.n.publications - pubs0;
	mn->rejected = a.n.fmd_rejected - rej0;
	mn->requests = s1.requests - s0.requests;
	mn->writes = s1.by_type[XS_WRITE] - s0.by_type[XS_WRITE];
	mn->tx = s1.tx_committed - s0.tx_committed;
	agent_close(&a);
}

static double pubs_per_sample(const struct minute *mn,
			      const struct agent_config *c)
{
	return (double)mn->pubs / (60000.0 / (double)c->sample_ms);
}

static double cpu_pct(double quiet_ns, double pub_ns, double pubs_per_sample,
		      uint32_t sample_ms)
{
	double per_sample = quiet_ns + (pub_ns - quiet_ns) * pubs_per_sample;

	return per_sample / ((double)sample_ms * 1e6) * 100.0;
}

int main(int argc, char **argv)
{
	const char *fixtures = getenv("MEMBAL_FIXTURES");
	int runs = 7, opt;
	unsigned run_ms = 200;
	char sock[128];
	pid_t before[16], after[16];
	size_t nbefore, nafter;
	struct agent_config dflt, c;
	struct agent quiet, pub;
	struct xs_handle *h0;
	struct utsname u;

	while ((opt = getopt(argc, argv, "r:t:")) != -1) {
		if (opt == 'r')
			runs = atoi(optarg);
		else if (opt == 't')
			run_ms = (unsigned)atoi(optarg);
		else {
			fprintf(stderr, "usage: %s [-r RUNS] [-t MS_PER_RUN]\n", argv[0]);
			return 2;
		}
	}
	if (runs < 1 || runs > 64 || run_ms < 1 || run_ms > 60000) {
		fprintf(stderr, "bench_agent: runs in [1, 64], ms in [1, 60000]\n");
		return 2;
	}

	/* The agent warns once about the empty stamp the hand-over leaves;
	 * anything worse is printed. */
	log_set_level(LOG_ERR);
	snprintf(dir, sizeof(dir), "/tmp/membal-bench-agent.XXXXXX");
	if (!mkdtemp(dir))
		bench_die("mkdtemp");
	snprintf(sock, sizeof(sock), "%s/socket", dir);
	nbefore = list_tids(before, 16);
	struct xsd_options xo = { .socket_path = sock, .domain_socket_dir = dir };
	xsd = xsd_start(&xo);
	if (!xsd)
		bench_die("xsd_start");
	nafter = list_tids(after, 16);
	for (size_t i = 0; i < nafter; i++) {
		bool old = false;

		for (size_t j = 0; j < nbefore; j++)
			old |= after[i] == before[j];
		struct timespec ts;

		if (!old && !have_server_clock) {
			server_clock = thread_cpu_clock(after[i]);
			have_server_clock = clock_gettime(server_clock, &ts) == 0;
		}
	}
	if (xsd_introduce_domain(xsd, DOMID, "guest1", 1048576, 2097152) < 0)
		bench_die("introduce domain 1");
	setenv("XENSTORED_PATH", sock, 1);
	h0 = xs_open(0);
	if (!h0)
		bench_die("xs_open as dom0");
	bench_hand_over(h0, DOMID);
	/* From here on xs_open() in the agent connects as domain 1. */
	if (!xsd_domain_socket(xsd, DOMID))
		bench_die("domain socket");
	setenv("XENSTORED_PATH", xsd_domain_socket(xsd, DOMID), 1);
	make_guest_files();
	clock_drive(1000000);

	/* ---- 1 ---- */
	agent_config_defaults(&dflt);
	c = dflt;
	if (fixtures) {
		snprintf(c.sysfs_root, sizeof(c.sysfs_root), "%s/sysfs/xen", fixtures);
		if (access(c.sysfs_root, R_OK) != 0)
			snprintf(c.sysfs_root, sizeof(c.sysfs_root), "%s/sys", dir);
	} else {
		snprintf(c.sysfs_root, sizeof(c.sysfs_root), "%s/sys", dir);
	}
	/* Out of reach, beyond what agent.ini accepts: the quiet agent takes
	 * millions of simulated seconds over all runs. */
	c.heartbeat_ms = UINT32_MAX;
	c.report_delta_kb = UINT64_MAX;
	agent_init(&quiet, &c, DOMID);
	if (agent_step(&quiet) != STEP_PUBLISHED)   /* the first one always is */
		bench_die("first publication");
	c.heartbeat_ms = 100;
	agent_init(&pub, &c, DOMID);

	struct op ops[] = {
		{ .name = "floor: open+read+close /proc/meminfo" },
		{ .name = "agent_step, quiet (sample+filter+due)", .a = &quiet,
		  .want = STEP_QUIET },
		{ .name = "agent_step, publishing (+1 transaction)", .a = &pub,
		  .want = STEP_PUBLISHED },
	};
	enum { NOPS = sizeof(ops) / sizeof(ops[0]) };
	uint64_t iters[NOPS];
	struct xsd_stats st0, st1;
	uint64_t pubs0;

	for (int i = 0; i < NOPS; i++)
		iters[i] = op_calibrate(&ops[i], run_ms);
	xsd_get_stats(xsd, &st0);
	pubs0 = pub.n.publications;
	for (int k = 0; k < runs; k++)
		for (int i = 0; i < NOPS; i++)
			op_run(&ops[i], iters[i], k);
	xsd_get_stats(xsd, &st1);
	for (int i = 0; i < NOPS; i++) {
		ops[i].med.wall = median(ops[i].wall, runs);
		ops[i].med.self_cpu = median(ops[i].self_cpu, runs);
		ops[i].med.server_cpu = median(ops[i].server_cpu, runs);
	}

	uint64_t npub = pub.n.publications - pubs0;
	double req_per_pub = npub ? (double)(st1.requests - st0.requests) / (double)npub : 0;
	double wr_per_pub = npub ? (double)(st1.by_type[XS_WRITE] - st0.by_type[XS_WRITE]) / (double)npub : 0;

	uname(&u);
	printf("bench_agent: kernel %s %s, %ld CPUs online; the test xenstored runs in "
	       "a thread of this process\n", u.release, u.machine,
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("  real /proc/meminfo, /proc/vmstat, %s; balloon files from %s\n",
	       access(c.psi_path, R_OK) == 0 ? c.psi_path : "(no PSI)", c.sysfs_root);
	printf("  %d runs of ~%u ms each, alternating; median ns per step "
	       "[wall min..max]\n", runs, run_ms);
	printf("  %-42s %9s %-17s %9s %10s\n", "", "wall", "", "agent CPU",
	       "server CPU");
	for (int i = 0; i < NOPS; i++) {
		struct op *o = &ops[i];

		printf("  %-42s %9.0f [%6.0f..%6.0f] %9.0f ", o->name, o->med.wall,
		       o->wall[0], o->wall[runs - 1], o->med.self_cpu);
		if (o->a && have_server_clock)
			printf("%10.0f", o->med.server_cpu);
		else
			printf("%10s", "-");
		printf("  x%.2f floor\n", o->med.wall / ops[0].med.wall);
		if (o->unexpected)
			printf("    (%llu steps did not give the expected result)\n",
			       (unsigned long long)o->unexpected);
	}
	struct cost pubc = {
		ops[2].med.wall - ops[1].med.wall,
		ops[2].med.self_cpu - ops[1].med.self_cpu,
		ops[2].med.server_cpu - ops[1].med.server_cpu,
	};
	printf("  %-42s %9.0f %-17s %9.0f ", "=> one publication (difference)",
	       pubc.wall, "", pubc.self_cpu);
	if (have_server_clock)
		printf("%10.0f\n", pubc.server_cpu);
	else
		printf("%10s\n", "-");
	printf("  a publication is %.1f requests (%.1f WRITE; one key a figure: "
	       "+ transaction start and end), one round trip each\n", req_per_pub, wr_per_pub);

	/* ---- 2 ---- */
	struct minute mins[] = {
		{ .name = "steady", .expect = "heartbeats only: 6",
		  .guest = guest_steady, .fmd_max_reject = dflt.fmd_max_reject },
		{ .name = "busy (+-8 MiB/s)", .expect = "every sample: 60",
		  .guest = guest_busy, .fmd_max_reject = dflt.fmd_max_reject },
		{ .name = "noisy + reclaim bursts", .expect = "bursts filtered: 6",
		  .guest = guest_noisy, .fmd_max_reject = dflt.fmd_max_reject },
		/* fmd_max_reject = 0 switches the filter off (filter.h). */
		{ .name = "  same, filter off", .expect = "bursts published",
		  .guest = guest_noisy, .fmd_max_reject = 0 },
	};
	c = dflt;
	snprintf(c.meminfo_path, sizeof(c.meminfo_path), "%s/meminfo", dir);
	snprintf(c.vmstat_path, sizeof(c.vmstat_path), "%s/vmstat", dir);
	snprintf(c.psi_path, sizeof(c.psi_path), "%s/psi", dir);
	snprintf(c.sysfs_root, sizeof(c.sysfs_root), "%s/sys", dir);
	printf("\nper guest per minute, default agent.ini (sample_ms %u, heartbeat_ms %u, "
	       "report_delta_kb %llu, fmd_kb %llu):\n", c.sample_ms, c.heartbeat_ms,
	       (unsigned long long)c.report_delta_kb, (unsigned long long)c.fmd_kb);
	printf("  %-24s %6s %9s %8s %7s %8s %10s %10s  %s\n", "guest", "pubs",
	       "requests", "writes", "tx", "fmd rej", "agent CPU", "wall",
	       "expected pubs");
	for (size_t i = 0; i < sizeof(mins) / sizeof(mins[0]); i++) {
		struct minute *mn = &mins[i];

		run_minute(mn, &c);
		double ps = pubs_per_sample(mn, &c);

		printf("  %-24s %6llu %9llu %8llu %7llu %8llu %9.5f%% %9.5f%%  %s\n",
		       mn->name, (unsigned long long)mn->pubs,
		       (unsigned long long)mn->requests,
		       (unsigned long long)mn->writes, (unsigned long long)mn->tx,
		       (unsigned long long)mn->rejected,
		       cpu_pct(ops[1].med.self_cpu, ops[2].med.self_cpu, ps, c.sample_ms),
		       cpu_pct(ops[1].med.wall, ops[2].med.wall, ps, c.sample_ms),
		       mn->expect);
	}
	printf("  (share of one CPU at sample_ms %u: quiet step + publications per "
	       "sample x one publication,\n   from the agent's own CPU time and from "
	       "wall time, which also counts waiting for xenstored)\n", c.sample_ms);

	printf("\nsummary at sample_ms %u, share of one CPU (agent CPU / wall): "
	       "steady %.5f%% / %.5f%%, busy %.5f%% / %.5f%%\n"
	       "  seed 001: about %.1f%%; goal < %.2f%%\n", c.sample_ms,
	       cpu_pct(ops[1].med.self_cpu, ops[2].med.self_cpu,
		       pubs_per_sample(&mins[0], &c), c.sample_ms),
	       cpu_pct(ops[1].med.wall, ops[2].med.wall,
		       pubs_per_sample(&mins[0], &c), c.sample_ms),
	       cpu_pct(ops[1].med.self_cpu, ops[2].med.self_cpu,
		       pubs_per_sample(&mins[1], &c), c.sample_ms),
	       cpu_pct(ops[1].med.wall, ops[2].med.wall,
		       pubs_per_sample(&mins[1], &c), c.sample_ms),
	       SEED001_AGENT_PCT, GOAL_AGENT_PCT);
	printf("  quiet step / floor: x%.2f (goal within x2; bench_sample breaks the "
	       "sample down)\n", ops[1].med.wall / ops[0].med.wall);

	agent_close(&quiet);
	agent_close(&pub);
	xs_close(h0);
	xsd_stop(xsd);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_agent: could not remove %s\n", dir);
	}
	return 0;
}
