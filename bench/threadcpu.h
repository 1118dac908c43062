/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Timing helpers shared by the benches that run the test xenstored in a
 * thread of their own process and want its CPU time apart from theirs.
 */
#ifndef MEMBAL_BENCH_THREADCPU_H
#define MEMBAL_BENCH_THREADCPU_H

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <time.h>

static inline uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The CPU clock of another thread of this process, as glibc's
 * pthread_getcpuclockid() builds it from a thread id (the kernel's
 * MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED)). xsd.h does not expose the
 * server's pthread_t; its thread shows in /proc/self/task. */
static inline clockid_t thread_cpu_clock(pid_t tid)
{
	return (clockid_t)((~(unsigned)tid << 3) | 6u);
}

static inline size_t list_tids(pid_t *out, size_t cap)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < cap)
		if (e->d_name[0] != '.')
			out[n++] = (pid_t)atoi(e->d_name);
	closedir(d);
	return n;
}

#endif
