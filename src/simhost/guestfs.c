/* SPDX-License-Identifier: GPL-2.0-only */
#include "simhost/guestfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BALLOON_DIR "sys/devices/system/xen_memory/xen_memory0"

static const char *const rel[SIM_GFS_COUNT] = {
	[SIM_GFS_MEMINFO] = "proc/meminfo",
	[SIM_GFS_VMSTAT] = "proc/vmstat",
	[SIM_GFS_TARGET] = BALLOON_DIR "/target_kb",
	[SIM_GFS_CURRENT] = BALLOON_DIR "/info/current_kb",
	[SIM_GFS_PSI] = "proc/pressure/memory",
	[SIM_GFS_SWAPS] = "proc/swaps",
};

/* Deepest first, for removal; creation walks it backwards. */
static const char *const dirs[] = {
	BALLOON_DIR "/info", BALLOON_DIR, "sys/devices/system/xen_memory",
	"sys/devices/system", "sys/devices", "sys", "proc/pressure", "proc",
};
#define N_DIRS (sizeof(dirs) / sizeof(dirs[0]))

static int path_of(char *buf, size_t size, const char *dir, const char *r)
{
	int n = snprintf(buf, size, "%s/%s", dir, r);

	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int sim_guestfs_init(struct sim_guestfs *g, const char *guest_dir,
		     const char *name)
{
	char p[PATH_MAX];
	int n;

	memset(g, 0, sizeof(*g));
	n = snprintf(g->dir, sizeof(g->dir), "%s/%s", guest_dir, name);
	if (n < 0 || (size_t)n >= sizeof(g->dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(g->dir, 0755) < 0 && errno != EEXIST)
		return -1;
	for (size_t i = N_DIRS; i-- > 0;) {
		if (path_of(p, sizeof(p), g->dir, dirs[i]) < 0)
			return -1;
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -1;
	}
	if (path_of(g->meminfo, sizeof(g->meminfo), g->dir, rel[SIM_GFS_MEMINFO]) < 0 ||
	    path_of(g->vmstat, sizeof(g->vmstat), g->dir, rel[SIM_GFS_VMSTAT]) < 0 ||
	    path_of(g->psi, sizeof(g->psi), g->dir, "proc/pressure/memory") < 0 ||
	    path_of(g->sysfs_root, sizeof(g->sysfs_root), g->dir, "sys") < 0 ||
	    path_of(g->swaps, sizeof(g->swaps), g->dir, rel[SIM_GFS_SWAPS]) < 0)
		return -1;
	return 0;
}

/* Temporary file next to the target, then rename(2): a reader sees the
 * old text or the new, never a mix or a truncated file. */
static int replace_file(const char *path, const char *text, size_t len)
{
	char tmp[PATH_MAX];
	int fd, err;
	ssize_t n;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	n = write(fd, text, len);
	if (n != (ssize_t)len) {
		err = n < 0 ? errno : EIO;
		close(fd);
		unlink(tmp);
		errno = err;
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		err = errno;
		unlink(tmp);
		errno = err;
		return -1;
	}
	return 0;
}

static int meminfo_text(char *buf, size_t size, const struct sim_guest_mem *m)
{
	/* fs/proc/meminfo.c's layout: name and colon padded to 16, value
	 * right-aligned in 8, " kB". CommitLimit as with overcommit_ratio 50. */
	const struct { const char *name; unsigned long long v; } f[] = {
		{ "MemTotal:", m->mem_total },
		{ "MemFree:", m->mem_free },
		{ "MemAvailable:", m->mem_available },
		{ "Buffers:", 0 },
		{ "Cached:", m->cached + m->shmem },
		{ "SwapCached:", 0 },
		{ "Active:", m->active_anon + m->active_file },
		{ "Inactive:", m->inactive_anon + m->inactive_file },
		{ "Active(anon):", m->active_anon },
		{ "Inactive(anon):", m->inactive_anon },
		{ "Active(file):", m->active_file },
		{ "Inactive(file):", m->inactive_file },
		{ "SwapTotal:", m->swap_total },
		{ "SwapFree:", m->swap_free },
		{ "AnonPages:", m->anon_pages },
		{ "Shmem:", m->shmem },
		{ "CommitLimit:", m->mem_total / 2 + m->swap_total },
		{ "Committed_AS:", m->committed_as },
	};
	size_t used = 0;

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		int n = snprintf(buf + used, size - used, "%-16s%8llu kB\n",
				 f[i].name, f[i].v);

		if (n < 0 || (size_t)n >= size - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}

int sim_guestfs_write(struct sim_guestfs *g, const struct sim_guest_mem *m)
{
	char text[SIM_GFS_COUNT][SIM_GFS_TEXT_MAX], path[PATH_MAX];

	if (meminfo_text(text[SIM_GFS_MEMINFO], sizeof(text[0]), m) < 0) {
		errno = EOVERFLOW;
		return -1;
	}
	snprintf(text[SIM_GFS_VMSTAT], sizeof(text[0]),
		 "nr_free_pages %llu\nworkingset_refault_anon %llu\n"
		 "workingset_refault_file %llu\npswpin %llu\npgmajfault %llu\n"
		 "oom_kill %llu\n",
		 (unsigned long long)(m->mem_free / SIM_PAGE_KB),
		 (unsigned long long)m->refault_anon, (unsigned long long)m->refault_file,
		 (unsigned long long)m->pswpin, (unsigned long long)m->pgmajfault,
		 (unsigned long long)m->oom_kills);
	snprintf(text[SIM_GFS_TARGET], sizeof(text[0]), "%llu\n",
		 (unsigned long long)m->balloon_target_kb);
	snprintf(text[SIM_GFS_CURRENT], sizeof(text[0]), "%llu\n",
		 (unsigned long long)m->balloon_current_kb);
	/* One stalled task stalls the guest's one workload: full = some. */
	for (int line = 0; line < 2; line++)
		snprintf(text[SIM_GFS_PSI] + (line ? strlen(text[SIM_GFS_PSI]) : 0),
			 sizeof(text[0]) - (line ? strlen(text[SIM_GFS_PSI]) : 0),
			 "%s avg10=%u.%02u avg60=%u.%02u avg300=%u.%02u total=%llu\n",
			 line ? "full" : "some", m->psi_avg10 / 100, m->psi_avg10 % 100,
			 m->psi_avg60 / 100, m->psi_avg60 % 100, m->psi_avg300 / 100,
			 m->psi_avg300 % 100, (unsigned long long)m->psi_total_us);
	/* mm/swapfile.c swap_show()'s layout (5.x+: tab-separated). Used
	 * moves with every swap-out, but the agent reads the file only when
	 * SwapTotal moves: the text is rewritten, not read. */
	text[SIM_GFS_SWAPS][0] = '\0';
	snprintf(text[SIM_GFS_SWAPS], sizeof(text[0]),
		 "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	if (m->swap_total)
		snprintf(text[SIM_GFS_SWAPS] + strlen(text[SIM_GFS_SWAPS]),
			 sizeof(text[0]) - strlen(text[SIM_GFS_SWAPS]),
			 "%s\t\t\t\tpartition\t%llu\t\t%llu\t\t%d\n",
			 m->swap_zram ? "/dev/zram0" : "/dev/xvdb",
			 (unsigned long long)m->swap_total,
			 (unsigned long long)(m->swap_total - m->swap_free),
			 m->swap_zram ? 100 : -2);
	for (int i = 0; i < SIM_GFS_COUNT; i++) {
		if (!strcmp(text[i], g->last[i]))
			continue;
		if (path_of(path, sizeof(path), g->dir, rel[i]) < 0 ||
		    replace_file(path, text[i], strlen(text[i])) < 0)
			return -1;
		memcpy(g->last[i], text[i], sizeof(g->last[i]));
		g->writes++;
	}
	return 0;
}

void sim_guestfs_remove(struct sim_guestfs *g)
{
	char p[PATH_MAX];

	if (!g->dir[0])
		return;
	for (int i = 0; i < SIM_GFS_COUNT; i++)
		if (path_of(p, sizeof(p), g->dir, rel[i]) == 0)
			unlink(p);
	for (size_t i = 0; i < N_DIRS; i++)
		if (path_of(p, sizeof(p), g->dir, dirs[i]) == 0)
			rmdir(p);
	rmdir(g->dir);
	memset(g->last, 0, sizeof(g->last));
}
