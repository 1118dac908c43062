/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A simulated guest's kernel files, for membal-agent to read: written
 * under <guest_dir>/<name>/ laid out as the agent finds them in a guest
 * (agent/sample.h):
 *
 *   proc/meminfo                                        the kernel's format
 *   proc/vmstat                                         nr_free_pages, pswpin, oom_kill
 *   proc/pressure/memory                                PSI (sim_model.h's stall)
 *   proc/swaps                                          the swap area, disk or zram
 *   sys/devices/system/xen_memory/xen_memory0/target_kb
 *   sys/devices/system/xen_memory/xen_memory0/info/current_kb
 *
 * Each file is replaced atomically (a temporary file in the same
 * directory, then rename), so an agent in another process never reads
 * half a file; a file whose text did not change is not rewritten.
 */
#ifndef MEMBAL_SIM_GUESTFS_H
#define MEMBAL_SIM_GUESTFS_H

#include <limits.h>

#include "simhost/model.h"

enum sim_gfs_file { SIM_GFS_MEMINFO, SIM_GFS_VMSTAT, SIM_GFS_TARGET,
		    SIM_GFS_CURRENT, SIM_GFS_PSI, SIM_GFS_SWAPS, SIM_GFS_COUNT };

#define SIM_GFS_TEXT_MAX 1024

struct sim_guestfs {
	char dir[PATH_MAX - 128];        /* <guest_dir>/<name> */
	/* For the agent's configuration (meminfo_path, vmstat_path,
	 * psi_path, sysfs_root, swaps_path). */
	char meminfo[PATH_MAX], vmstat[PATH_MAX], psi[PATH_MAX], sysfs_root[PATH_MAX];
	char swaps[PATH_MAX];
	char last[SIM_GFS_COUNT][SIM_GFS_TEXT_MAX];  /* "" until written */
	unsigned long long writes;       /* files replaced */
};

/* Create the directories. 0, or -1 with errno (ENAMETOOLONG...). */
int sim_guestfs_init(struct sim_guestfs *g, const char *guest_dir,
		     const char *name);
/* Write what changed. 0, or -1 with errno (the old files stay whole). */
int sim_guestfs_write(struct sim_guestfs *g, const struct sim_guest_mem *m);
/* The guest is gone: its files and directories go too. */
void sim_guestfs_remove(struct sim_guestfs *g);

#endif
