/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One sample of everything the agent publishes (design.md §Guest keys), read from the
 * guest kernel's files:
 *
 *   /proc/meminfo                 required: tot, free, avail, committed_as,
 *                                 swap_tot, swap_free
 *   <sysfs>/devices/system/xen_memory/xen_memory0/target_kb
 *   <sysfs>/devices/system/xen_memory/xen_memory0/info/current_kb
 *                                 optional: the balloon driver (absent on
 *                                 a non-Xen or balloon-less kernel)
 *   /proc/vmstat oom_kill, pswpin optional (oom_kill since 4.13)
 *     workingset_refault_anon/_file  (5.9+; before: workingset_refault,
 *     pgmajfault                     taken as file refaults), each optional
 *   /proc/pressure/memory         optional: PSI, 4.20+ with CONFIG_PSI and
 *                                 not booted with psi=0; "some" avg10 and
 *                                 total, "full" total
 *   /proc/swaps                   optional: the zram part of the swap
 *                                 (swaps.h); read only when SwapTotal > 0
 *
 * The kernel is the guest's own, but a file can still vanish, be cut short
 * or hold something unexpected (a container's lxcfs view, a test fixture,
 * a kernel we never saw), so each one is parsed strictly and bounded, and a
 * problem in an optional file only clears its have_* flag.
 *
 * Paths are configurable so that tests point them at fixture trees; a NULL
 * member (or a NULL paths pointer) means the default.
 */
#ifndef MEMBAL_AGENT_SAMPLE_H
#define MEMBAL_AGENT_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/meminfo.h"

#define SAMPLE_MEMINFO_PATH "/proc/meminfo"
#define SAMPLE_VMSTAT_PATH "/proc/vmstat"
#define SAMPLE_PSI_PATH "/proc/pressure/memory"
#define SAMPLE_SYSFS_ROOT "/sys"
#define SAMPLE_BALLOON_DIR "/devices/system/xen_memory/xen_memory0"

struct sample_paths {
	const char *meminfo;
	const char *vmstat;
	const char *psi_memory;
	const char *sysfs_root;
	const char *swaps;
};

struct agent_sample {
	struct meminfo mi;
	bool have_balloon;              /* both balloon files read */
	uint64_t balloon_target_kb, balloon_current_kb;
	bool have_oom_kill;
	uint64_t oom_kills;             /* /proc/vmstat oom_kill (count) */
	bool have_pswpin;
	uint64_t pswpin;                /* /proc/vmstat pswpin (pages, cumulative) */
	bool have_refault_anon, have_refault_file, have_pgmajfault;
	uint64_t refault_anon;          /* workingset_refault_anon (pages) */
	uint64_t refault_file;          /* workingset_refault_file, or the
					 * pre-5.9 workingset_refault */
	uint64_t pgmajfault;
	bool have_psi;
	uint32_t psi_some;              /* some avg10, hundredths of a percent */
	uint64_t psi_some_total;        /* some total=, microseconds */
	bool have_psi_full;             /* the "full" line read */
	uint64_t psi_full_total;        /* full total=, microseconds */
	/* /proc/swaps: Size of the zram areas, KiB; have: the file read
	 * strictly and its sizes add up to SwapTotal, or SwapTotal is 0 */
	bool have_swap_zram;
	uint64_t swap_zram_kb;
	/* /proc/vmstat was read for this sample; false: its figures are the
	 * last read's (sample_ctx_read() found nothing that moves them) */
	bool vmstat_fresh;
};

/* How one optional source fared. */
enum sample_src_state {
	SRC_OK = 0,
	SRC_MISSING,    /* not there (ENOENT, ENOTDIR, EOPNOTSUPP): not an error */
	SRC_BAD,        /* there, but unreadable or not in the expected format */
};

struct sample_src_status {
	enum sample_src_state state;
	int sys_errno;          /* when the file could not be read */
	unsigned line;          /* 1-based line of the problem, 0 if n/a */
	const char *why;        /* static text, NULL when OK */
};

#define SAMPLE_STATUS_TEXT_MAX 256

struct sample_status {
	int meminfo_errno;      /* meminfo could not be read at all */
	const char *meminfo_unusable;   /* meminfo_unusable()'s reason */
	struct meminfo_errors meminfo;  /* counts, first bad line, truncated */
	struct sample_src_status balloon_target, balloon_current;
	struct sample_src_status vmstat;        /* the file as a whole */
	struct sample_src_status oom_kill, pswpin;   /* lines in it */
	struct sample_src_status refault_anon, refault_file, pgmajfault;
	struct sample_src_status psi;
	struct sample_src_status swaps;
	char text[SAMPLE_STATUS_TEXT_MAX];      /* sample_status_str() */
};

/* Read everything. Returns 0 when meminfo is usable (meminfo_usable());
 * then *out holds this sample and optional sources that were missing or
 * bad have have_* false (st says which and why). Returns -errno when
 * meminfo could not be read, -EBADMSG when it was read but is unusable;
 * *out is then left as it was, so a caller can keep its last good sample.
 * st is always filled. */
int sample_read(const struct sample_paths *p, struct agent_sample *out,
		struct sample_status *st);

/* One line for a log: the meminfo problem if there is one, else the
 * optional sources that were bad (missing ones are not mentioned), else
 * "ok". Written into st->text. */
const char *sample_status_str(struct sample_status *st);

/* Swap-in rate in pages per second from two cumulative pswpin readings
 * taken at prev_ms and now_ms (the agent's clock). A counter that went
 * backwards (agent restarted into a new boot, 32-bit wrap) or a clock that
 * did not advance gives 0: no rate is better than a garbage one. Rounded
 * down; saturates at UINT64_MAX instead of wrapping. */
/*
 * The agent's way to sample (issue 21): files of the running kernel
 * (under /proc and /sys) are opened once and re-read with pread() from
 * offset 0, and /proc/vmstat is read only when something that moves its
 * counters moved: PSI memory "some total" advanced, MemFree or SwapFree
 * changed, the caller forces it (the heartbeat), or it was never read. A
 * swap-in, a refault or an OOM kill allocates or frees memory or stalls,
 * so its counters are read in the same sample or at the latest at the
 * next heartbeat, and being cumulative they lose nothing. Other paths
 * (test fixtures, membal-sim's guest files, replaced by rename) are
 * opened and read whole at every sample, as sample_read() does.
 */
enum { SF_MEMINFO, SF_VMSTAT, SF_PSI, SF_BALLOON_TARGET, SF_BALLOON_CURRENT,
       SF_SWAPS, SF_COUNT };

struct sample_ctx {
	const char *path[SF_COUNT];
	char balloon_path[2][4096];
	int fd[SF_COUNT];               /* -1: not open */
	bool keep[SF_COUNT];            /* kept open (kernel files) */
	bool missing[SF_COUNT];         /* a kept file absent (no balloon
					 * driver): tried again when forced */
	bool have_vm;                   /* vm and vm_st hold a vmstat read */
	struct agent_sample vm;         /* the last vmstat figures */
	struct sample_status vm_st;
	bool have_prev;                 /* the last sample's triggers */
	uint64_t prev_free, prev_swap_free, prev_psi_total;
	bool prev_have_psi;
	/* /proc/swaps as last read, for the SwapTotal it was read at: a
	 * swapon or swapoff moves SwapTotal, so it is read again only then
	 * or at the heartbeat. */
	bool swaps_read, swaps_have;
	uint64_t swaps_tot, swaps_zram;
	struct sample_src_status swaps_st;
	uint64_t swaps_reads;
	uint64_t vmstat_reads;          /* counters, for the bench and tests */
	uint64_t vmstat_skips;
};

void sample_ctx_init(struct sample_ctx *c, const struct sample_paths *p);
void sample_ctx_close(struct sample_ctx *c);
/* sample_read() through c; force_vmstat reads /proc/vmstat whatever
 * moved (the heartbeat). */
int sample_ctx_read(struct sample_ctx *c, bool force_vmstat,
		    struct agent_sample *out, struct sample_status *st);

uint64_t sample_swapin_rate(uint64_t prev_pswpin, uint64_t prev_ms,
			    uint64_t now_pswpin, uint64_t now_ms);

#endif
