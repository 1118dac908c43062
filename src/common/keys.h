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
#define MEMBAL_KEY_LAYOUT_VERSION 1

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
	MK_STAMP,           /* changes with every publication */
	MK_VERSION,         /* MEMBAL_KEY_LAYOUT_VERSION, written once */
	MK_COUNT
};

/* Relative to the domain's memory/ directory. */
extern const char *const membal_key_names[MK_COUNT];

#endif
