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

#include <stdbool.h>

/* Bump when the meaning or set of keys changes; written as membal_version. */
#define MEMBAL_KEY_LAYOUT_VERSION 4

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
	/* Layout 4: the kind of the swap (design.md §The estimate's slack,
	 * "Swap in RAM"). Optional: an older agent does not write it, and
	 * the arbiter then treats the guest's swap as RAM-backed. */
	MK_SWAP_ZRAM,       /* /proc/swaps: Size of the zram devices, KiB */
	MK_STAMP,           /* changes with every publication */
	MK_VERSION,         /* MEMBAL_KEY_LAYOUT_VERSION, written once */
	MK_COUNT
};

/* What a key's value may be (the arbiter's parser, src/arbiter/guest.c). */
enum membal_key_bound {
	MKB_MEM,       /* KiB, at most what the domain can see (static-max) */
	MKB_KIB,       /* KiB, at most POLICY_KB_MAX (Committed_AS, swap) */
	MKB_PERCENT,   /* hundredths of a percent, at most 10000 */
	MKB_RATE,      /* pages per second, at most 2^32 */
	MKB_COUNTER,   /* a cumulative count or a stamp: any 64-bit value */
};

/* Checked against tot by the arbiter: a report where it is larger is
 * refused (required key) or loses the key (optional one). */
enum membal_key_vs_tot {
	MKT_NONE,
	MKT_FREE,      /* a free figure: reason "free>tot" */
	MKT_FIGURE,    /* any other part of memory: reason "figure>tot" */
};

/* When a change of the key makes the agent publish (src/agent/report.c). */
enum membal_key_publish {
	MKP_KIB,       /* moved by report_delta_kb */
	MKP_PAGES,     /* moved by report_delta_kb worth of 4 KiB pages */
	MKP_CHANGE,    /* any change (OOM kills) */
	MKP_RIDES,     /* never on its own: rides along with a publication */
	MKP_META,      /* stamp, membal_version: written by the agent's own rules */
};

/* One row of the guest-key table: everything either side needs to know
 * about a key, so that adding one is a row plus its use (design.md
 * §Where to change what). */
struct membal_key_info {
	const char *name;             /* relative to the domain's memory/ */
	unsigned char layout;         /* the key layout that introduced it */
	bool required;                /* the arbiter refuses a report without it */
	bool handed_over;             /* the arbiter creates it empty and makes the
				       * domain its owner; the agent writes it */
	enum membal_key_bound bound;
	enum membal_key_vs_tot vs_tot;
	enum membal_key_publish publish;
	const char *doc;              /* docs/configuration.md, "What the agent publishes" */
};

extern const struct membal_key_info membal_keys[MK_COUNT];

static inline const char *membal_key_name(int k)
{
	return membal_keys[k].name;
}

/* The layout that introduced k: an arbiter or agent of layout L knows
 * the keys of layouts <= L. */
static inline int membal_key_layout(int k)
{
	return membal_keys[k].layout;
}

#endif
