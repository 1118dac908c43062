/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What one agent sample costs, against the floor of reading /proc/meminfo
 * at all (open + one read + close). The agent samples every sample_ms
 * (default 1000), so ns per sample / 1e7 is the share of one CPU in
 * percent; seed 001 claims about 0.3 % for its agent.
 *
 *   bench_sample [-r RUNS] [-t MS_PER_RUN]
 *
 * Each operation runs RUNS times (default 7) for about MS_PER_RUN
 * milliseconds each (default 200, iteration count calibrated first); the
 * median run is reported with the fastest and slowest. The balloon files
 * come from the fixture tree ($MEMBAL_FIXTURES/sysfs/xen) when it exists,
 * so that their two reads are counted even outside a Xen guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "agent/sample.h"
#include "common/filter.h"
#include "common/meminfo.h"
#include "floor.h"

static struct sample_paths paths;
static struct fmd_filter free_f, avail_f;
static char text[MEMINFO_BUF_SIZE];
static size_t text_len;
static volatile uint64_t sink;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void op_bare_read(void)
{
	sink += bench_bare_meminfo_read();
}

static void op_parse_only(void)
{
	struct meminfo mi;

	meminfo_parse(text, text_len, &mi, NULL);
	sink += mi.v[MI_MEMFREE];
}

static void op_meminfo_read(void)
{
	struct meminfo mi;

	if (meminfo_read("/proc/meminfo", &mi, NULL) != 0)
		bench_die("meminfo_read");
	sink += mi.v[MI_MEMFREE];
}

static void op_read_parse_filter(void)
{
	struct meminfo mi;

	if (meminfo_read("/proc/meminfo", &mi, NULL) != 0)
		bench_die("meminfo_read");
	sink += fmd_push(&free_f, mi.v[MI_MEMFREE]);
	sink += fmd_push(&avail_f, mi.v[MI_MEMAVAILABLE]);
}

static void op_read_file(const char *path)
{
	char buf[16384];
	size_t len;

	if (proc_read_file(path, buf, sizeof(buf), &len) != 0)
		bench_die(path);
	sink += len;
}

static void op_vmstat(void)
{
	op_read_file(SAMPLE_VMSTAT_PATH);
}

static void op_psi(void)
{
	op_read_file(SAMPLE_PSI_PATH);
}

static void op_sample_read(void)
{
	struct agent_sample s;
	struct sample_status st;

	if (sample_read(&paths, &s, &st) != 0)
		bench_die("sample_read");
	sink += s.mi.v[MI_MEMFREE];
}

static void op_agent_sample(void)
{
	struct agent_sample s;
	struct sample_status st;

	if (sample_read(&paths, &s, &st) != 0)
		bench_die("sample_read");
	sink += fmd_push(&free_f, s.mi.v[MI_MEMFREE]);
	sink += fmd_push(&avail_f, s.mi.v[MI_MEMAVAILABLE]);
}

static void op_filter_only(void)
{
	static uint64_t x = 1u << 20;

	x = x * 6364136223846793005u + 1442695040888963407u;
	sink += fmd_push(&free_f, 1u << 20 | (x >> 50));
}

struct result {
	double median, min, max;
	uint64_t iters;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct result measure(void (*op)(void), int runs, unsigned run_ms)
{
	uint64_t iters = 16, t0, t;
	double ns[64];
	struct result r;

	/* calibrate: double until one batch takes a tenth of a run */
	for (;;) {
		t0 = now_ns();
		for (uint64_t i = 0; i < iters; i++)
			op();
		t = now_ns() - t0;
		if (t >= run_ms * 100000ull)
			break;
		iters *= 2;
	}
	iters = iters * run_ms * 1000000ull / (t ? t : 1);
	if (iters == 0)
		iters = 1;
	for (int k = 0; k < runs; k++) {
		t0 = now_ns();
		for (uint64_t i = 0; i < iters; i++)
			op();
		ns[k] = (double)(now_ns() - t0) / (double)iters;
	}
	qsort(ns, (size_t)runs, sizeof(ns[0]), cmp_double);
	r.median = ns[runs / 2];
	r.min = ns[0];
	r.max = ns[runs - 1];
	r.iters = iters;
	return r;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*op)(void);
	} ops[] = {
		{ "floor: open+read+close /proc/meminfo", op_bare_read },
		{ "meminfo_parse (in memory, no I/O)", op_parse_only },
		{ "meminfo_read (read + parse)", op_meminfo_read },
		{ "meminfo_read + 2 x fmd_push", op_read_parse_filter },
		{ "  of which: read /proc/vmstat", op_vmstat },
		{ "  of which: read /proc/pressure/memory", op_psi },
		{ "sample_read (meminfo vmstat psi balloon)", op_sample_read },
		{ "agent sample: sample_read + 2 x fmd_push", op_agent_sample },
		{ "fmd_push alone (window 10)", op_filter_only },
	};
	enum { NOPS = sizeof(ops) / sizeof(ops[0]) };
	struct result res[NOPS];
	const char *fixtures = getenv("MEMBAL_FIXTURES");
	static char sysfs[4096];
	struct utsname u;
	int runs = 7, opt;
	unsigned run_ms = 200;
	int fd;

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
		fprintf(stderr, "bench_sample: runs in [1, 64], ms in [1, 60000]\n");
		return 2;
	}

	paths.meminfo = SAMPLE_MEMINFO_PATH;
	paths.vmstat = SAMPLE_VMSTAT_PATH;
	paths.psi_memory = SAMPLE_PSI_PATH;
	paths.sysfs_root = SAMPLE_SYSFS_ROOT;
	if (fixtures) {
		snprintf(sysfs, sizeof(sysfs), "%s/sysfs/xen", fixtures);
		if (access(sysfs, R_OK) == 0)
			paths.sysfs_root = sysfs;
	}
	fmd_init(&free_f, FMD_WINDOW_DEFAULT, FMD_KB_DEFAULT, FMD_MAX_REJECT_DEFAULT);
	fmd_init(&avail_f, FMD_WINDOW_DEFAULT, FMD_KB_DEFAULT, FMD_MAX_REJECT_DEFAULT);
	fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (text_len = (size_t)read(fd, text, sizeof(text))) == 0)
		bench_die("/proc/meminfo");
	close(fd);

	{
		struct agent_sample s;
		struct sample_status st;

		if (sample_read(&paths, &s, &st) != 0)
			bench_die("sample_read");
		uname(&u);
		printf("bench_sample: kernel %s %s, /proc/meminfo %zu bytes, "
		       "balloon %s, vmstat %s, psi %s\n",
		       u.release, u.machine, text_len,
		       s.have_balloon ? paths.sysfs_root : "absent",
		       s.have_oom_kill ? "oom_kill+pswpin" : "partial",
		       s.have_psi ? "yes" : "absent");
		printf("  %d runs of ~%u ms each; ns/op median [min..max]\n",
		       runs, run_ms);
	}

	for (int i = 0; i < NOPS; i++) {
		res[i] = measure(ops[i].op, runs, run_ms);
		printf("  %-42s %9.0f ns  [%.0f..%.0f]  x%.2f floor  %.5f%% CPU at 1 s\n",
		       ops[i].name, res[i].median, res[i].min, res[i].max,
		       res[i].median / res[0].median, res[i].median / 1e7);
		fflush(stdout);
	}
	return 0;
}
