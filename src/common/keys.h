/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xenstore contract between membal-agent and membal-arbiter: the keys
 * the agent publishes under /local/domain/<domid>/memory/ (design.md §Guest keys).
 *
 * Under libxl a guest may not create nodes in memory/, so the arbiter
 * creates exactly these keys for each new domain and makes the domain
 * their owner (design.md §Guest keys). Both sides use this one list, so a key cannot be
 * published that the arbiter did not hand over.
 */
#ifndef MEMBAL_KEYS_H
#define MEMBAL_KEYS_H

/* Bump when the meaning or set of keys changes; written as membal_version. */
#define MEMBAL_KEY_LAYOUT_VERSION 2

enum membal_key {
	MK_TOT,             /* MemTotal, KiB */
	MK_FREE,            /* filtered MemFree, KiB */
	MK_AVAIL,           /* filtered MemAvailable, KiB (absent on < 3.14) */
	MK_COMMITTED_AS,    /* Committed_AS, KiB */
	MK_SWAP_TOT,        /* SwapTotal, KiB */
	MK_SWAP_FREE,       /* SwapFree, KiB */
	MK_BALLOON_CURRENT, /* balloon driver current_kb */
	MK_BALLOON_TARGET,  /* balloon driver target_kb */
	MK_OOM_KILLS,       /* /proc/vmstat oom_kill, a count */
	MK_PSI_SOME,        /* PSI memory some avg10, hundredths of a percent */
	MK_SWAPIN_RATE,     /* pswpin rate, pages per second */
	/* Layout 2: the working-set figures (docs/design.md, "Guest figures
	 * and working-set estimators"). Optional on both sides: an older
	 * arbiter does not hand them over, an older agent leaves them empty. */
	MK_ACTIVE_ANON,     /* meminfo Active(anon), KiB */
	MK_INACTIVE_ANON,   /* meminfo Inactive(anon), KiB */
	MK_ACTIVE_FILE,     /* meminfo Active(file), KiB */
	MK_INACTIVE_FILE,   /* meminfo Inactive(file), KiB */
	MK_ANON_PAGES,      /* meminfo AnonPages, KiB */
	MK_SHMEM,           /* meminfo Shmem, KiB (tmpfs, a RAM-backed root) */
	MK_PSWPIN,          /* vmstat pswpin, pages, cumulative */
	MK_REFAULT_ANON,    /* vmstat workingset_refault_anon, pages, cumulative */
	MK_REFAULT_FILE,    /* vmstat workingset_refault_file (before 5.9:
			     * workingset_refault), pages, cumulative */
	MK_PGMAJFAULT,      /* vmstat pgmajfault, cumulative; diagnostics only
			     * (it counts swap-ins too) */
	MK_PSI_SOME_TOTAL,  /* PSI memory some total=, microseconds, cumulative */
	MK_PSI_FULL_TOTAL,  /* PSI memory full total=, microseconds, cumulative */
	MK_STAMP,           /* changes with every publication */
	MK_VERSION,         /* MEMBAL_KEY_LAYOUT_VERSION, written once */
	MK_COUNT
};

/* The keys of layout 1 (MK_TOT..MK_SWAPIN_RATE, MK_STAMP, MK_VERSION):
 * what an arbiter or agent of that layout knows. */
#define MK_LAYOUT1_LAST MK_SWAPIN_RATE
static inline int membal_key_layout(int k)
{
	return k > MK_LAYOUT1_LAST && k < MK_STAMP ? 2 : 1;
}

/* The KiB figures among them (bounded by what the domain can see). */
static inline int membal_key_is_kib(int k)
{
	return k <= MK_BALLOON_TARGET ||
	       (k >= MK_ACTIVE_ANON && k <= MK_SHMEM);
}

/* Relative to the domain's memory/ directory. */
extern const char *const membal_key_names[MK_COUNT];

#endif
