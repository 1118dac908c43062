/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A steady membal-agent as a whole process, against the floor of one
 * open + read + close of /proc/meminfo (issue 21).
 *
 *   bench_agent_proc [-w SECONDS] [AGENT_BINARY]
 *
 * The real membal-agent ($MEMBAL_BIN/membal-agent, or AGENT_BINARY) runs
 * as domain 1 against membal's own xenstored (in this process, keys
 * handed over as the arbiter does) with sample_ms = 20, on this machine's
 * /proc and /sys. Steady: report_delta_kb is set out of reach (2^40
 * KiB), so that a shared build machine's moving MemFree does not make
 * it publish every few samples (it still publishes at the heartbeat, and
 * a moving MemFree still makes it read /proc/vmstat). Its CPU is the first field of /proc/PID/schedstat (time
 * on a CPU, every thread, system calls included) over a window of -w
 * seconds (default 10) after 2 s of warm-up, divided by the samples it
 * took in the window (its main thread's voluntary context switches: one
 * sleep a sample; under load fewer than window / sample_ms, since the
 * agent sleeps sample_ms after each step and a late wake-up shifts the
 * rest), the floors' per read they made. In the same window, side by side:
 *  - the floor: open + read + close of /proc/meminfo in a tight loop, CPU
 *    per read (CLOCK_PROCESS_CPUTIME_ID of a child doing only that);
 *  - the paced floor: a child doing one such read every 20 ms with
 *    clock_nanosleep, CPU per read from its schedstat: what the wake-up
 *    itself costs is in both it and the agent;
 *  - the paced floor with the file kept open: the same with one pread()
 *    from offset 0 of a descriptor opened once, as the agent reads.
 * And, from /proc/PID/io over the same window, the read system calls
 * (syscr) and bytes read (rchar) a sample, of the agent and of the
 * paced floors: what the agent reads besides /proc/meminfo (PSI, and
 * /proc/vmstat when its trigger fires) shows there.
 * Printed: µs per sample, the ratios, samples that published, and the
 * share of one CPU at the default sample_ms (1000).
 *
 * Which floor is fair: the tight loop is what the kernel charges for
 * producing /proc/meminfo's text (three system calls, no sleep). A
 * sampling agent must also be woken by a timer every sample, and on this
 * VM that wake-up (a timer interrupt, a context switch in and out, the
 * return from clock_nanosleep) costs several times the read. The paced
 * floor is a process that does the least an agent can do (wake, read
 * meminfo once, sleep): the agent compared with it is what the agent
 * adds; compared with the tight loop, it is mostly the wake-up.
 *
 * Nothing here fails on timing: it prints figures and ratios.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "common/keys.h"
#include "floor.h"
#include "xenstored/xsd.h"

#define DOMID 1
#define SAMPLE_MS 20
#define WARMUP_S 2

/* The reads' bytes go here, so that no read is optimised away. */
static volatile size_t sink;

/* The tight floor: CPU per read over a fixed count. */
static double floor_tight(unsigned iters)
{
	struct timespec a, b;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	for (unsigned i = 0; i < iters; i++)
		sink += bench_bare_meminfo_read();
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	return ((double)(b.tv_sec - a.tv_sec) * 1e9 +
		(double)(b.tv_nsec - a.tv_nsec)) / iters;
}

/* One pread() from offset 0 of a descriptor kept open. */
static void kept_read(int fd)
{
	char buf[8192];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);

	if (n <= 0)
		bench_die("pread /proc/meminfo");
	sink += (size_t)n;
}

static void paced_child(bool keep)
{
	struct timespec next;
	int fd = -1;

	if (keep) {
		fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			bench_die("open /proc/meminfo");
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		if (keep)
			kept_read(fd);
		else
			sink += bench_bare_meminfo_read();
		next.tv_nsec += SAMPLE_MS * 1000000L;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
}

/* Times the process's main thread went to sleep: once a sample for the
 * agent (its clock_nanosleep; a publication's round trips add a few) and
 * for the paced floors. Under load a sleep may end late and the agent,
 * which sleeps sample_ms after each step, then takes fewer samples than
 * window / sample_ms: dividing by what it did is the honest figure. */
static uint64_t sleeps(pid_t pid)
{
	char path[64], line[128];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		bench_die(path);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "voluntary_ctxt_switches: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* Read system calls and bytes read so far: /proc/PID/io's syscr and
 * rchar (every read(), pread() and the like, whatever the file). */
static void proc_io(pid_t pid, uint64_t *syscr, uint64_t *rchar)
{
	char path[64], line[128];
	unsigned long long v;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
	f = fopen(path, "re");
	if (!f)
		bench_die(path);
	*syscr = *rchar = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "syscr: %llu", &v) == 1)
			*syscr = v;
		else if (sscanf(line, "rchar: %llu", &v) == 1)
			*rchar = v;
	}
	fclose(f);
}

/* What the window is measured by, for one process: read at its start and
 * at its end. */
struct counters {
	uint64_t cpu_ns, syscr, rchar;
};

static struct counters counters_of(pid_t pid)
{
	struct counters c = { .cpu_ns = bench_schedstat_ns(pid) };

	proc_io(pid, &c.syscr, &c.rchar);
	return c;
}

/* The agent's publications: one WRITE of memory/report each (the
 * hand-over gives it), or, one key a figure, one committed transaction
 * each. Only the agent writes here. */
static uint64_t publications(struct xsd *x)
{
	struct xsd_stats st;

	xsd_get_stats(x, &st);
	return st.tx_committed ? st.tx_committed : st.by_type[XS_WRITE];
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/membal-bench-agent-proc.XXXXXX";
	char sock[128], ini[160], agent[512];
	const char *bin = getenv("MEMBAL_BIN");
	unsigned window_s = 10;
	pid_t apid, ppid, kpid, tpid;
	int c, pipefd[2];

	while ((c = getopt(argc, argv, "w:")) != -1) {
		if (c == 'w' && atoi(optarg) > 0 && atoi(optarg) <= 600)
			window_s = (unsigned)atoi(optarg);
		else {
			fprintf(stderr, "usage: bench_agent_proc [-w SECONDS] [AGENT_BINARY]\n");
			return 2;
		}
	}
	if (optind < argc)
		snprintf(agent, sizeof(agent), "%s", argv[optind]);
	else if (bin)
		snprintf(agent, sizeof(agent), "%s/membal-agent", bin);
	else {
		fprintf(stderr, "bench_agent_proc: MEMBAL_BIN or AGENT_BINARY needed\n");
		return 2;
	}
	if (!mkdtemp(dir))
		bench_die("mkdtemp");
	snprintf(sock, sizeof(sock), "%s/socket", dir);
	snprintf(ini, sizeof(ini), "%s/agent.ini", dir);
	FILE *f = fopen(ini, "w");

	if (!f || fprintf(f, "[agent]\nsample_ms = %d\nreport_delta_kb = %llu\n",
			  SAMPLE_MS, 1ull << 40) < 0 ||
	    fclose(f) != 0)
		bench_die(ini);
	struct xsd_options xo = { .socket_path = sock, .domain_socket_dir = dir };
	struct xsd *x = xsd_start(&xo);

	if (!x)
		bench_die("xsd_start");
	if (xsd_introduce_domain(x, DOMID, "guest1", 1048576, 2097152) < 0)
		bench_die("introduce domain 1");
	setenv("XENSTORED_PATH", sock, 1);
	struct xs_handle *h0 = xs_open(0);

	if (!h0)
		bench_die("xs_open as dom0");
	bench_hand_over(h0, DOMID);
	const char *dsock = xsd_domain_socket(x, DOMID);

	if (!dsock)
		bench_die("domain socket");

	apid = fork();
	if (apid < 0)
		bench_die("fork");
	if (apid == 0) {
		setenv("XENSTORED_PATH", dsock, 1);
		execl(agent, agent, "-c", ini, "-d", "1", "-l", "err", (char *)NULL);
		_exit(127);
	}
	ppid = fork();
	if (ppid < 0)
		bench_die("fork");
	if (ppid == 0)
		paced_child(false);
	kpid = fork();
	if (kpid < 0)
		bench_die("fork");
	if (kpid == 0)
		paced_child(true);
	if (pipe(pipefd) < 0)
		bench_die("pipe");

	sleep(WARMUP_S);
	struct counters a0 = counters_of(apid), p0 = counters_of(ppid), k0 = counters_of(kpid);
	uint64_t tx0 = publications(x);
	uint64_t as0 = sleeps(apid);

	/* The tight floor runs in the middle of the window, in a child of
	 * its own (its CPU alone). */
	tpid = fork();
	if (tpid < 0)
		bench_die("fork");
	if (tpid == 0) {
		double ns = floor_tight(20000);

		if (write(pipefd[1], &ns, sizeof(ns)) != sizeof(ns))
			_exit(1);
		_exit(0);
	}
	sleep(window_s);
	struct counters a1 = counters_of(apid), p1 = counters_of(ppid), k1 = counters_of(kpid);
	uint64_t tx1 = publications(x);
	uint64_t as1 = sleeps(apid);
	double tight = 0;

	if (read(pipefd[0], &tight, sizeof(tight)) != sizeof(tight))
		bench_die("tight floor");
	waitpid(tpid, NULL, 0);
	kill(apid, SIGTERM);
	kill(ppid, SIGTERM);
	kill(kpid, SIGTERM);
	waitpid(apid, NULL, 0);
	waitpid(ppid, NULL, 0);
	waitpid(kpid, NULL, 0);
	xs_close(h0);
	xsd_stop(x);
	unlink(ini);
	rmdir(dir);

	double samples = (double)window_s * 1000.0 / SAMPLE_MS;
	/* Per sample the process really took (its sleeps), not per
	 * nominal sample. */
	/* The floors do one read() each round, and a round whose timer was
	 * overrun does not sleep: their reads count the rounds. */
	double an = (double)(as1 - as0 ? as1 - as0 : 1),
	       pn = (double)(p1.syscr - p0.syscr ? p1.syscr - p0.syscr : 1),
	       kn = (double)(k1.syscr - k0.syscr ? k1.syscr - k0.syscr : 1);
	double agent_ns = (double)(a1.cpu_ns - a0.cpu_ns) / an;
	double paced_ns = (double)(p1.cpu_ns - p0.cpu_ns) / pn;
	double kept_ns = (double)(k1.cpu_ns - k0.cpu_ns) / kn;

	printf("bench_agent_proc: %s as domain %d against membal's xenstored, sample_ms %d,\n"
	       "  CPU from /proc/PID/schedstat over %u s (%.0f nominal samples; per sample taken), side by side\n",
	       agent, DOMID, SAMPLE_MS, window_s, samples);
	printf("  floor, open+read+close /proc/meminfo (tight loop):   %8.2f us a read\n",
	       tight / 1e3);
	printf("  paced floor, the same every %d ms (wake-up included): %8.2f us a read\n",
	       SAMPLE_MS, paced_ns / 1e3);
	printf("  paced floor, kept open, one pread every %d ms:        %8.2f us a read\n",
	       SAMPLE_MS, kept_ns / 1e3);
	printf("  membal-agent, whole process:                          %8.2f us a sample"
	       " (%llu publications in the window)\n", agent_ns / 1e3,
	       (unsigned long long)(tx1 - tx0));
	printf("  reads a sample (syscr) / bytes read a sample (rchar): agent %.2f / %.0f,"
	       " paced floor %.2f / %.0f, kept open %.2f / %.0f\n",
	       (double)(a1.syscr - a0.syscr) / an, (double)(a1.rchar - a0.rchar) / an,
	       (double)(p1.syscr - p0.syscr) / pn, (double)(p1.rchar - p0.rchar) / pn,
	       (double)(k1.syscr - k0.syscr) / kn, (double)(k1.rchar - k0.rchar) / kn);
	printf("  samples taken in the window: agent %.0f (its sleeps), paced floor %.0f, kept open %.0f"
	       " (their reads; nominal %.0f)\n", an, pn, kn, samples);
	printf("  agent / floor (tight): %.2fx; agent / paced floor: %.2fx; agent / paced, kept open: %.2fx\n"
	       "  (goal <= 2x the floor; the paced floor is the fair one: it pays the timer\n"
	       "  wake-up every sample as the agent must, the tight loop never sleeps)\n",
	       agent_ns / tight, agent_ns / paced_ns, agent_ns / kept_ns);
	printf("  share of one CPU at sample_ms 1000: %.4f%% (goal < 0.01%%)\n",
	       agent_ns / 1e9 * 100.0);
	/* A process kept off the CPU (a loaded or stalled VM) takes far
	 * fewer samples than nominal, and a paced floor then catches up
	 * with rounds that do not sleep and look cheap (bench_wake says the
	 * same): such a run's ratios are not the machine's. */
	if (an < 0.9 * samples || pn < 0.9 * samples || pn > 1.1 * samples ||
	    kn < 0.9 * samples || kn > 1.1 * samples)
		printf("  (samples well off nominal: the machine was loaded or stalled;"
		       " the figures of this run are not comparable)\n");
	return 0;
}
