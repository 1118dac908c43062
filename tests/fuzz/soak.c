/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The soak: the arbiter's real cycle with the sim backend, the in-process
 * test xenstored, real in-process agents and the real libxenstore, for
 * SOAK_CYCLES cycles (default 5,000; `make soak` runs 100,000) on the
 * driven clock, with domains created and destroyed all along, a guest
 * that writes garbage, membalctl requests, and xenstore faults (EAGAIN
 * storms, the arbiter's connection broken). Built with ASan/LSan (and
 * plain, for valgrind: `make soak-valgrind`).
 *
 * Every cycle the rules of loop.h (R1-R3) are checked. Every 5 % of the
 * run it samples the live heap, RSS, open file descriptors, xenstore
 * nodes and connections; it fails when any of them grows from the second
 * quarter of the run (after warm-up) to the last, when a rule broke, or
 * when LSan finds a leak at exit. It prints the figures either way.
 */
#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "arbiter/control.h"
#include "common/log.h"
#include "loop.h"
#include "xenstored/xsd.h"

#define MIB 1024u
#define SAMPLES 10

/* ASan's count of live heap bytes; absent without ASan. */
size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));
/* SOAK_PROFILE=1: ASan's live allocations by stack at the checkpoint and
 * the end, to find what grew. */
void __sanitizer_print_memory_profile(size_t top_percent, size_t max_contexts)
	__attribute__((weak));

static void profile(const char *when)
{
	if (getenv("SOAK_PROFILE") && __sanitizer_print_memory_profile) {
		fprintf(stderr, "==== memory profile at the %s\n", when);
		__sanitizer_print_memory_profile(100, 60);
	}
}

/* Without ASan the heap is glibc's mallinfo2(), which counts the chunks
 * parked in each thread's tcache as in use: which sizes happen to sit
 * there at the two samples moved the figure by up to 25 KiB between runs
 * of the same soak (the slack below is 16 KiB plus the setenv cost). With
 * the tcache off the figure is the same every run; the soak runs itself
 * again with it off. ASan counts live bytes exactly and needs nothing. */
static void exact_glibc_heap(char **argv)
{
	const char *t = getenv("GLIBC_TUNABLES");

	if (__sanitizer_get_current_allocated_bytes || (t && strstr(t, "tcache_count=0")))
		return;
	if (setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", 1) == 0)
		execv("/proc/self/exe", argv);
	fprintf(stderr, "soak: cannot run again with the tcache off (%s); the heap figure may move by tens of KiB\n",
		strerror(errno));
}

static uint64_t heap_bytes(void)
{
	if (__sanitizer_get_current_allocated_bytes)
		return __sanitizer_get_current_allocated_bytes();
	return mallinfo2().uordblks;
}

static uint64_t rss_kb(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (uint64_t)(sysconf(_SC_PAGESIZE) / 1024);
}

/* SOAK_FDS=1: what the descriptors are, at the checkpoint and the end. */
static void list_fds(const char *when)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char link[300], path[300];

	if (!d || !getenv("SOAK_FDS"))
		goto out;
	while ((e = readdir(d))) {
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		printf("  %s fd %s -> %s\n", when, e->d_name, link);
	}
out:
	if (d)
		closedir(d);
}

static unsigned open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned n = 0;

	if (!d)
		return 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3;    /* ".", "..", and the directory itself */
}

struct sample {
	unsigned cycle;
	uint64_t starts;          /* domains started so far */
	uint64_t heap, rss;
	unsigned fds, nodes, conns, running, ndoms;
	double ms_per_cycle;
};

/* Three guests for the whole run (one of them, "chaos", has no agent: the
 * soak writes for it, garbage included), then churners: one created every
 * `period` seconds (40, or cycles/1000 for long runs), each living 2 to 4
 * periods, of every kind. None is
 * alive at the checkpoint (a quarter of the way) or at the end, so that
 * the two measurements see the same three domains. */
static unsigned period_of(unsigned cycles)
{
	return cycles / 1000 > 40 ? cycles / 1000 : 40;
}

static char *scenario(unsigned cycles, unsigned checkpoint, unsigned *churners)
{
	unsigned period = period_of(cycles);
	unsigned slots = cycles / period;
	size_t cap = 4096 + (size_t)slots * 256, used = 0;
	char *s = malloc(cap);
	static const char *const wl[] = {
		"idle", "const:200", "step:60,500,30", "mono:40,300,300",
		"random:40,400,60", "const:90",
	};
	unsigned n = 0;

	if (!s)
		abort();
	used += (size_t)snprintf(s + used, cap - used,
		"[host]\ntotal_mb = 16384\ndom0_mb = 1024\n"
		"[guest web]\ndomid = 1\nmemory_mb = 1024\nstatic_max_mb = 4096\n"
		"swap_mb = 512\nworkload = random:200,1200,120\n"
		"[guest db]\ndomid = 2\nmemory_mb = 2048\nstatic_max_mb = 4096\n"
		"workload = const:900\n"
		"[guest chaos]\ndomid = 3\nmemory_mb = 512\nstatic_max_mb = 2048\nagent = no\n");
	for (unsigned i = 0; i < slots && n < SIM_MAX_GUESTS - 3; i++) {
		unsigned start = 5 + i * period, stop = start + period * (2 + i % 3);

		if ((start <= checkpoint + 2 && stop + 2 >= checkpoint) || stop + 5 >= cycles)
			continue;
		used += (size_t)snprintf(s + used, cap - used,
			"[guest churn%u]\ndomid = %u\ntype = %s\nmemory_mb = %u\n"
			"static_max_mb = %u\nworkload = %s\nagent = %s\n"
			"start_s = %u\nstop_s = %u\n",
			i, 10 + i, i % 5 == 4 ? "hvm" : "pv", 256 + (i % 3) * 256,
			1024 + (i % 2) * 1024, wl[i % 6], i % 7 == 6 ? "no" : "yes",
			start, stop);
		n++;
	}
	*churners = n;
	return s;
}

static void chaos(struct loop *l, unsigned i)
{
	static const char *const junk[] = { "lots", "-5", "18446744073709551616",
					    "", "0x10", "99999999999999" };
	struct loop_fig f = {
		.tot = 460 * MIB, .free = (i * 7919u) % (400 * MIB),
		.committed_as = (i * 104729u) % (3000 * MIB),
		.swap_tot = 1024 * MIB, .swap_free = (i * 31u) % (1024 * MIB),
		.psi_some = i % 10001, .swapin_rate = i % 1000, .oom_kills = i / 500,
	};

	if (!loop_publish(l, 3, &f, 0))
		return;
	if (i % 4 == 0) {
		struct xs_handle *h = loop_open_as(l, 3);
		const char *j = junk[i % 6];

		loop_guest_write(h, 3, i % 2 ? "committed_as" : "swap_free", j, strlen(j));
		loop_guest_write(h, 3, "stamp", "7", 1);
		xs_close(h);
	}
}

static void control(struct loop *l, unsigned i)
{
	static const char *const req[] = { "pause web", "resume web", "reserve 262144 30",
					   "release", "pause", "resume", "ping", "pause nosuch" };
	char answer[CONTROL_LINE_MAX];

	control_handle(&l->a, req[i % 8], answer, sizeof(answer));
}

/* The arbiter's connection breaks, as when xenstored drops it: it must
 * reconnect and re-learn. Only the arbiter's: the simulated toolstack
 * does not reconnect (tests/unit/test_faults.c restarts a whole
 * xenstored). libxenstore 4.17 keeps the socket as the first member of
 * its handle (xs_fileno() is a pipe for threads, not the socket); the
 * peer's address makes sure it is the one. */
static bool break_connection(struct loop *l)
{
	struct sockaddr_un peer;
	socklen_t len = sizeof(peer);
	int fd;

	if (!l->a.xs)
		return false;
	fd = *(const int *)(const void *)l->a.xs;
	if (getpeername(fd, (struct sockaddr *)&peer, &len) != 0 ||
	    peer.sun_family != AF_UNIX || strcmp(peer.sun_path, l->sock) != 0) {
		printf("soak: cannot find the arbiter's socket; connection fault skipped\n");
		return false;
	}
	return shutdown(fd, SHUT_RDWR) == 0;
}

static struct sample take(struct loop *l, unsigned cycle, double ms)
{
	struct xsd_stats st;
	const struct sim_host *h = hv_sim_host(&l->sim);
	struct sample s = { .cycle = cycle, .heap = heap_bytes(), .rss = rss_kb(),
			    .fds = open_fds(), .ndoms = (unsigned)l->a.ndoms,
			    .ms_per_cycle = ms };

	struct hv_sim_stats hs;

	hv_sim_get_stats(&l->sim, &hs);
	s.starts = hs.starts;
	xsd_get_stats(l->x, &st);
	s.nodes = st.nodes;
	s.conns = st.connections;
	for (size_t i = 0; i < h->n; i++)
		s.running += h->dom[i].state == SIM_DOM_RUNNING;
	return s;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	const char *env = getenv("SOAK_CYCLES");
	unsigned cycles = env ? (unsigned)strtoul(env, NULL, 10) : 5000;
	unsigned churners, faults = 0, bad = 0, checkpoint, period;
	bool storm = false;
	struct sample at_check = { 0 }, at_end;
	struct sample smp[SAMPLES + 1];
	unsigned ns = 0;
	char *sc;
	struct loop *l;
	double t0, tl;

	(void)argc;
	exact_glibc_heap(argv);
	signal(SIGPIPE, SIG_IGN);
	if (cycles < 400)
		cycles = 400;
	checkpoint = cycles / 4;
	period = period_of(cycles);
	sc = scenario(cycles, checkpoint, &churners);
	l = loop_start(sc, SIM_AGENTS_INPROCESS,
		       "[daemon]\nmanage_hvm = yes\nstuck_after_ms = 15000\n",
		       LOOP_LOOSE | LOOP_QUIET_AGENTS);
	printf("soak: %u cycles, %u churning domains, ASan %s\n", cycles, churners,
	       __sanitizer_get_current_allocated_bytes ? "on" : "off");
	printf("%8s %10s %9s %5s %6s %6s %8s %6s %9s\n", "cycle", "heap_kb", "rss_kb",
	       "fds", "nodes", "conns", "running", "ndoms", "ms/cycle");
	t0 = tl = now_ms();
	for (unsigned i = 1; i <= cycles; i++) {
		if (i % 40 == 0)
			chaos(l, i / 40);
		if (i % 97 == 0)
			control(l, i / 97);
		/* An EAGAIN storm every 1,000 cycles, half-way between two
		 * churn events: the simulated toolstack does not retry a
		 * failed `xl create`, and the arbiter is what is soaked. */
		if (i % 1000 == 0)
			storm = true;
		if (storm && i % period == (5 + period / 2) % period) {
			xsd_fail_transactions(l->x, 10);
			storm = false;
			faults++;
		}
		if (i % 2500 == 2000 && i < cycles - cycles / 20 && break_connection(l))
			faults++;
		loop_cycle(l);
		if (i == checkpoint) {
			at_check = take(l, i, 0);
			list_fds("checkpoint");
			profile("checkpoint");
		}
		if (i % (cycles / SAMPLES) == 0 && ns <= SAMPLES) {
			double t = now_ms();

			smp[ns] = take(l, i, (t - tl) / (cycles / SAMPLES));
			tl = t;
			printf("%8u %10llu %9llu %5u %6u %6u %8u %6u %9.3f\n", smp[ns].cycle,
			       (unsigned long long)smp[ns].heap / 1024,
			       (unsigned long long)smp[ns].rss, smp[ns].fds, smp[ns].nodes,
			       smp[ns].conns, smp[ns].running, smp[ns].ndoms,
			       smp[ns].ms_per_cycle);
			fflush(stdout);
			ns++;
		}
	}
	double total = now_ms() - t0;
	struct hv_sim_stats hs;

	hv_sim_get_stats(&l->sim, &hs);
	struct xsd_stats xst;

	xsd_get_stats(l->x, &xst);
	printf("soak: xenstored: %llu requests (%.1f a cycle), %llu transactions committed, %llu EAGAIN\n",
	       (unsigned long long)xst.requests, (double)xst.requests / cycles,
	       (unsigned long long)xst.tx_committed, (unsigned long long)xst.tx_eagain);
	at_end = take(l, cycles, 0);
	list_fds("end");
	profile("end");
	printf("soak: %u cycles in %.1f s (%.3f ms a cycle); domains started %llu, stopped %llu, start failures %llu\n",
	       cycles, total / 1e3, total / cycles, (unsigned long long)hs.starts,
	       (unsigned long long)hs.stops, (unsigned long long)hs.start_failures);
	printf("soak: arbiter: %llu target writes, %llu maxmem writes, %llu PoD writes, %llu reports read, %llu refused, %llu keys dropped, %llu domains added, %llu removed, %llu reconnects, %llu write errors\n",
	       (unsigned long long)l->a.n.target_writes, (unsigned long long)l->a.n.maxmem_writes,
	       (unsigned long long)l->a.n.pod_writes, (unsigned long long)l->a.n.report_reads,
	       (unsigned long long)l->a.n.reports_rejected, (unsigned long long)l->a.n.keys_rejected,
	       (unsigned long long)l->a.n.domains_added, (unsigned long long)l->a.n.domains_removed,
	       (unsigned long long)l->a.n.xs_reconnects, (unsigned long long)l->a.n.write_errors);
	printf("soak: %u faults injected, %u cycles failed; rule violations: %u%s%s\n",
	       faults, l->failed_cycles, l->violations, l->violations ? ", first: " : "",
	       l->violations ? l->first_violation : "");
	/* The same three domains run at the checkpoint and at the end: what
	 * the process holds must be the same, whatever happened between. */
	printf("soak: checkpoint (cycle %u) -> end: heap %llu -> %llu KiB, rss %llu -> %llu KiB, fds %u -> %u, xenstore nodes %u -> %u, connections %u -> %u, running %u -> %u\n",
	       checkpoint, (unsigned long long)at_check.heap / 1024,
	       (unsigned long long)at_end.heap / 1024, (unsigned long long)at_check.rss,
	       (unsigned long long)at_end.rss, at_check.fds, at_end.fds, at_check.nodes,
	       at_end.nodes, at_check.conns, at_end.conns, at_check.running, at_end.running);
	if (at_check.running != 3 || at_end.running != 3) {
		printf("soak: FAIL: the checkpoints do not see the same domains\n");
		bad++;
	}
	/* A transaction's buffers or a log line may be live at one sample
	 * and not the other: 16 KiB. And glibc's setenv() keeps every value
	 * ever set: the sim points XENSTORED_PATH at each new domain's socket
	 * to open its connections (about 50 bytes a domain; the harness, not
	 * membal: SOAK_PROFILE=1 shows it). More than that is a leak. */
	uint64_t slack = 16 * 1024 + 96 * (at_end.starts - at_check.starts);

	if (at_end.heap > at_check.heap + slack) {
		printf("soak: FAIL: the heap grew\n");
		bad++;
	}
	if (at_end.fds > at_check.fds || at_end.conns > at_check.conns) {
		printf("soak: FAIL: file descriptors or connections grew\n");
		bad++;
	}
	/* memory/membal_state is created the first time the arbiter has
	 * something to remember about a domain (a hold, an OOM-raised
	 * minimum), which may come after the checkpoint: one node per running
	 * domain at most. A leak over thousands of cycles is far more. */
	if (at_end.nodes > at_check.nodes + at_end.running) {
		printf("soak: FAIL: xenstore nodes grew\n");
		bad++;
	}
	if (l->violations) {
		printf("soak: FAIL: rules broken\n");
		bad++;
	}
	if (hs.start_failures || hs.stops < churners || l->a.n.domains_removed < hs.stops) {
		printf("soak: FAIL: the domains did not churn as planned\n");
		bad++;
	}
	if (l->failed_cycles > 5 * faults + 5) {
		printf("soak: FAIL: %u cycles failed for %u faults\n", l->failed_cycles, faults);
		bad++;
	}
	loop_stop(l);
	free(sc);
	printf("soak: %s\n", bad ? "FAILED" : "ok");
	return bad ? 1 : 0;
}
