/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What one timer wake-up costs a process on this machine, by the way it
 * waits (issue 21: the agent's floor). Side by side, each in a child of
 * its own, every 20 ms (the agent bench's sample_ms):
 *
 *   bench_wake [-w SECONDS]
 *
 *  - abs:      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) to the
 *              next multiple (the paced floor of bench_agent_proc);
 *  - rel:      nanosleep() of 20 ms (what membal-agent does, through
 *              clock_sleep_ms());
 *  - timerfd:  a periodic timerfd (armed once), read();
 *  - poll:     poll() of no descriptor with a 20 ms timeout;
 *  - epoll:    epoll_wait() on an empty epoll set, 20 ms timeout;
 *  - itimer:   setitimer(ITIMER_REAL) periodic (the kernel re-arms it in
 *              the timer interrupt), SIGALRM blocked, sigwaitinfo();
 *  - abs, rel, poll with prctl(PR_SET_TIMERSLACK) of 2 ms (10 % of the
 *    period: the kernel may fold the wake-up into another one) and of
 *    1 ns (no slack at all);
 *  - abs under SCHED_BATCH and SCHED_IDLE;
 *  - no timer at all: a blocking read() of a pipe that another process
 *    (itself woken by clock_nanosleep) writes a byte to every 20 ms:
 *    the wake-up and context switches without arming a timer.
 * Each child does nothing but wait and count its wake-ups (in memory
 * shared with this process); its CPU is the first field of
 * /proc/PID/schedstat (time on a CPU, system calls included) over a
 * window of -w seconds (default 10) after 1 s of warm-up, divided by its
 * wake-ups in the window. For scale, in the same run: one open + read +
 * close of /proc/meminfo (tight loop), the floor the agent is measured
 * against, and one system call that does nothing (getppid, tight loop):
 * what entering and leaving the kernel costs here (page-table isolation
 * without PCID makes that a full TLB flush on some VMs).
 *
 * Nothing here fails on timing: it prints figures and ratios.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "floor.h"

#define PERIOD_MS 20
#define WARMUP_S 1

enum how { ABS, REL, TIMERFD, POLL, EPOLL, ITIMER, PIPE };

struct way {
	const char *name;
	enum how how;
	unsigned long slack_ns;   /* 0: the default (50 us) */
	int policy;               /* SCHED_OTHER, SCHED_BATCH, SCHED_IDLE */
};

static const struct way ways[] = {
	{ "clock_nanosleep ABSTIME", ABS, 0, SCHED_OTHER },
	{ "nanosleep, relative", REL, 0, SCHED_OTHER },
	{ "timerfd periodic + read", TIMERFD, 0, SCHED_OTHER },
	{ "poll, timeout", POLL, 0, SCHED_OTHER },
	{ "epoll_wait, timeout", EPOLL, 0, SCHED_OTHER },
	{ "setitimer + sigwaitinfo", ITIMER, 0, SCHED_OTHER },
	{ "clock_nanosleep ABSTIME, slack 2 ms", ABS, 2000000, SCHED_OTHER },
	{ "nanosleep, relative, slack 2 ms", REL, 2000000, SCHED_OTHER },
	{ "poll, timeout, slack 2 ms", POLL, 2000000, SCHED_OTHER },
	{ "clock_nanosleep ABSTIME, slack 1 ns", ABS, 1, SCHED_OTHER },
	{ "clock_nanosleep ABSTIME, SCHED_BATCH", ABS, 0, SCHED_BATCH },
	{ "clock_nanosleep ABSTIME, SCHED_IDLE", ABS, 0, SCHED_IDLE },
	{ "read of a pipe (no timer of its own)", PIPE, 0, SCHED_OTHER },
};
#define NWAYS (sizeof(ways) / sizeof(ways[0]))

static volatile uint64_t *wakes;   /* one counter a way, shared */

static void step(struct timespec *t)
{
	t->tv_nsec += PERIOD_MS * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static void waiter(size_t i)
{
	const struct way *w = &ways[i];
	struct timespec next, rel = { 0, PERIOD_MS * 1000000L };
	struct sched_param sp = { 0 };
	struct epoll_event ev;
	uint64_t ticks;
	sigset_t alrm;
	int fd = -1, sig;

	if (w->slack_ns && prctl(PR_SET_TIMERSLACK, w->slack_ns, 0, 0, 0) < 0)
		bench_die("PR_SET_TIMERSLACK");
	if (w->policy != SCHED_OTHER && sched_setscheduler(0, w->policy, &sp) < 0)
		bench_die("sched_setscheduler");
	switch (w->how) {
	case TIMERFD: {
		struct itimerspec its = { .it_interval = rel, .it_value = rel };

		fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
		if (fd < 0 || timerfd_settime(fd, 0, &its, NULL) < 0)
			bench_die("timerfd");
		break;
	}
	case EPOLL:
		fd = epoll_create1(EPOLL_CLOEXEC);
		if (fd < 0)
			bench_die("epoll_create1");
		break;
	case ITIMER: {
		struct itimerval itv = { { 0, PERIOD_MS * 1000 }, { 0, PERIOD_MS * 1000 } };

		sigemptyset(&alrm);
		sigaddset(&alrm, SIGALRM);
		sigprocmask(SIG_BLOCK, &alrm, NULL);
		if (setitimer(ITIMER_REAL, &itv, NULL) < 0)
			bench_die("setitimer");
		break;
	}
	case PIPE: {
		int p[2];
		char byte = 0;

		if (pipe(p) < 0)
			bench_die("pipe");
		pid_t waker = fork();

		if (waker < 0)
			bench_die("fork");
		if (waker == 0) {
			/* dies of SIGPIPE with the waiter */
			close(p[0]);
			clock_gettime(CLOCK_MONOTONIC, &next);
			for (;;) {
				step(&next);
				while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
						       NULL) == EINTR)
					;
				if (write(p[1], &byte, 1) != 1)
					_exit(0);
			}
		}
		close(p[1]);
		fd = p[0];
		break;
	}
	default:
		break;
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		switch (w->how) {
		case ABS:
			step(&next);
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
				;
			break;
		case REL:
			nanosleep(&rel, NULL);
			break;
		case TIMERFD:
			if (read(fd, &ticks, sizeof(ticks)) != sizeof(ticks))
				bench_die("read timerfd");
			break;
		case POLL:
			poll(NULL, 0, PERIOD_MS);
			break;
		case EPOLL:
			epoll_wait(fd, &ev, 1, PERIOD_MS);
			break;
		case ITIMER:
			sigwait(&alrm, &sig);
			break;
		case PIPE:
			if (read(fd, &ticks, 1) != 1)
				bench_die("read pipe");
			break;
		}
		wakes[i]++;
	}
}

int main(int argc, char **argv)
{
	unsigned window_s = 10;
	pid_t pid[NWAYS];
	uint64_t cpu0[NWAYS], w0[NWAYS];
	int c;

	while ((c = getopt(argc, argv, "w:")) != -1) {
		if (c == 'w' && atoi(optarg) > 0 && atoi(optarg) <= 600)
			window_s = (unsigned)atoi(optarg);
		else {
			fprintf(stderr, "usage: bench_wake [-w SECONDS]\n");
			return 2;
		}
	}
	wakes = mmap(NULL, NWAYS * sizeof(*wakes), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (wakes == MAP_FAILED)
		bench_die("mmap");
	for (size_t i = 0; i < NWAYS; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			bench_die("fork");
		if (pid[i] == 0)
			waiter(i);
	}
	sleep(WARMUP_S);
	struct timespec m0, m1;

	clock_gettime(CLOCK_MONOTONIC, &m0);
	for (size_t i = 0; i < NWAYS; i++) {
		cpu0[i] = bench_schedstat_ns(pid[i]);
		w0[i] = wakes[i];
	}
	/* The tight floor, in this process, inside the window. */
	struct timespec a, b;
	volatile size_t sink = 0;
	unsigned iters = 20000;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	for (unsigned k = 0; k < iters; k++)
		sink += bench_bare_meminfo_read();
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	double tight = ((double)(b.tv_sec - a.tv_sec) * 1e9 +
			(double)(b.tv_nsec - a.tv_nsec)) / iters;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	for (unsigned k = 0; k < 10 * iters; k++)
		sink += (size_t)syscall(SYS_getppid);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	double null_call = ((double)(b.tv_sec - a.tv_sec) * 1e9 +
			    (double)(b.tv_nsec - a.tv_nsec)) / (10.0 * iters);
	sleep(window_s);

	double per[NWAYS];
	uint64_t n[NWAYS];

	clock_gettime(CLOCK_MONOTONIC, &m1);
	/* the window is the sleep plus the floors' loops */
	uint64_t nominal = (uint64_t)((m1.tv_sec - m0.tv_sec) * 1000 +
				      (m1.tv_nsec - m0.tv_nsec) / 1000000) / PERIOD_MS;

	for (size_t i = 0; i < NWAYS; i++) {
		uint64_t cpu = bench_schedstat_ns(pid[i]) - cpu0[i];

		n[i] = wakes[i] - w0[i];
		per[i] = (double)cpu / (double)(n[i] ? n[i] : 1);
	}
	for (size_t i = 0; i < NWAYS; i++) {
		kill(pid[i], SIGKILL);
		waitpid(pid[i], NULL, 0);
	}
	printf("bench_wake: one wake-up every %d ms, %zu ways side by side, CPU from\n"
	       "  /proc/PID/schedstat over %u s, per wake-up (nominal %llu wake-ups each)\n",
	       PERIOD_MS, NWAYS, window_s, (unsigned long long)nominal);
	printf("  %-38s %8.2f us (open+read+close /proc/meminfo, tight loop)\n",
	       "floor, for scale", tight / 1e3);
	printf("  %-38s %8.2f us (getppid, tight loop)\n", "a system call doing nothing",
	       null_call / 1e3);
	for (size_t i = 0; i < NWAYS; i++)
		printf("  %-38s %8.2f us a wake-up, %5llu wake-ups, %.2fx abs, %.2fx floor\n",
		       ways[i].name, per[i] / 1e3, (unsigned long long)n[i],
		       per[i] / per[0], per[i] / tight);
	/* A relative sleeper that woke far less often than nominal was kept
	 * off the CPU (a loaded or stalled machine); an absolute one then
	 * catches up with wake-ups that do not sleep, and looks cheap. */
	for (size_t i = 0; i < NWAYS; i++)
		/* a slack lets each relative sleep run up to that much longer */
		if ((double)n[i] < 0.9 * (double)nominal * PERIOD_MS * 1e6 /
					   (PERIOD_MS * 1e6 + (double)ways[i].slack_ns)) {
			printf("  (wake-ups well below nominal: the machine was loaded or stalled;"
			       " the figures of this run are not comparable)\n");
			break;
		}
	return 0;
}
