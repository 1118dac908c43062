/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the agent benches: the floor every sample is measured
 * against (one open + read + close of /proc/meminfo), a process's CPU
 * time from outside, and the hand-over the arbiter does before an agent
 * may publish.
 */
#ifndef MEMBAL_BENCH_FLOOR_H
#define MEMBAL_BENCH_FLOOR_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include <xenstore.h>

#include "common/keys.h"
#include "common/meminfo.h"

static inline void bench_die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what,
		strerror(errno));
	exit(1);
}

/* One bare read of /proc/meminfo; the bytes read (the caller sinks
 * them, so that the read is not optimised away). */
static inline size_t bench_bare_meminfo_read(void)
{
	char buf[MEMINFO_BUF_SIZE];
	int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		bench_die("open /proc/meminfo");
	n = read(fd, buf, sizeof(buf));
	if (n <= 0)
		bench_die("read /proc/meminfo");
	close(fd);
	return (size_t)n;
}

/* ns a process spent on a CPU (every thread, system calls included):
 * the first field of /proc/PID/schedstat. */
static inline uint64_t bench_schedstat_ns(pid_t pid)
{
	char path[64], buf[128];
	unsigned long long ns = 0;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		bench_die(path);
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		bench_die(path);
	buf[n] = '\0';
	if (sscanf(buf, "%llu", &ns) != 1)
		bench_die("schedstat format");
	return ns;
}

/* What the arbiter does for a new domain (design.md §Guest keys): create
 * every report key and memory/report as dom0 and make the guest their
 * owner; the agent then writes memory/report alone (design.md §Report
 * layout: one value or one key a figure). */
static inline void bench_hand_over(struct xs_handle *h0, int domid)
{
	struct xs_permissions perms[1] = { { .id = (unsigned)domid, .perms = XS_PERM_NONE } };
	char p[128];

	for (int k = 0; k <= MK_COUNT; k++) {
		snprintf(p, sizeof(p), "/local/domain/%d/memory/%s", domid,
			 k < MK_COUNT ? membal_key_name(k) : "report");
		if (!xs_write(h0, XBT_NULL, p, "", 0) ||
		    !xs_set_permissions(h0, XBT_NULL, p, perms, 1))
			bench_die(p);
	}
}

#endif
