/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /proc/meminfo, parsed strictly.
 *
 * The agent reads this file every sample_ms (default 1 s) and the figures
 * end up in the arbiter's policy, so a line the parser does not understand
 * must never turn into a number. The kernel prints one "Name:   value kB"
 * line per field (fs/proc/meminfo.c, show_val_kb()); HugePages_* are counts
 * and have no unit. Which fields appear depends on the kernel version and
 * its configuration (MemAvailable since 3.14, HighTotal only with HIGHMEM,
 * Balloon only on recent kernels, ...), so every field has a presence bit.
 *
 * Rules, per line:
 *  - "Name:" then blanks (spaces or tabs, possibly none) then 1..20 decimal
 *    digits, then " kB" or nothing, then the end of the line. A name is
 *    1..MEMINFO_NAME_MAX characters of [A-Za-z0-9_()].
 *  - A known field with the wrong unit (no kB where the kernel prints one,
 *    or a unit on a HugePages_* count), a value of 2^64 or more, trailing
 *    bytes, NUL bytes, a line without ':' or an empty line: malformed. The
 *    field stays absent (never wrapped, never truncated to a prefix).
 *  - An unknown name with a well-formed name is ignored and counted; its
 *    value is not inspected (we do not know what unit it should have, and
 *    an architecture's arch_report_meminfo() may print anything).
 *  - A field seen twice: the FIRST value wins and the repeat is counted.
 *    The kernel never repeats a field; if text was appended to a real
 *    meminfo (a bad fixture, a concatenation), the kernel's block comes
 *    first, and the required fields sit at its top.
 *  - The last line may lack its newline.
 */
#ifndef MEMBAL_MEMINFO_H
#define MEMBAL_MEMINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Kernel order (6.x), then the fields older or configuration-dependent
 * kernels print. Names: the kernel's, upper-cased, "(" -> "_", ")" dropped. */
enum meminfo_field {
	MI_MEMTOTAL,
	MI_MEMFREE,
	MI_MEMAVAILABLE,        /* 3.14+ */
	MI_BUFFERS,
	MI_CACHED,
	MI_SWAPCACHED,
	MI_ACTIVE,
	MI_INACTIVE,
	MI_ACTIVE_ANON,
	MI_INACTIVE_ANON,
	MI_ACTIVE_FILE,
	MI_INACTIVE_FILE,
	MI_UNEVICTABLE,
	MI_MLOCKED,
	MI_HIGHTOTAL,           /* CONFIG_HIGHMEM (32-bit guests) */
	MI_HIGHFREE,
	MI_LOWTOTAL,
	MI_LOWFREE,
	MI_MMAPCOPY,            /* !CONFIG_MMU */
	MI_SWAPTOTAL,
	MI_SWAPFREE,
	MI_ZSWAP,
	MI_ZSWAPPED,
	MI_DIRTY,
	MI_WRITEBACK,
	MI_ANONPAGES,
	MI_MAPPED,
	MI_SHMEM,
	MI_KRECLAIMABLE,        /* 4.20+ */
	MI_SLAB,
	MI_SRECLAIMABLE,
	MI_SUNRECLAIM,
	MI_KERNELSTACK,
	MI_SHADOWCALLSTACK,     /* arm64 SCS */
	MI_PAGETABLES,
	MI_SECPAGETABLES,
	MI_QUICKLISTS,          /* old kernels with CONFIG_QUICKLIST */
	MI_NFS_UNSTABLE,
	MI_BOUNCE,
	MI_WRITEBACKTMP,
	MI_COMMITLIMIT,
	MI_COMMITTED_AS,
	MI_VMALLOCTOTAL,
	MI_VMALLOCUSED,
	MI_VMALLOCCHUNK,
	MI_PERCPU,              /* 4.16+ */
	MI_EARLYMEMTESTBAD,
	MI_HARDWARECORRUPTED,
	MI_ANONHUGEPAGES,
	MI_SHMEMHUGEPAGES,
	MI_SHMEMPMDMAPPED,
	MI_FILEHUGEPAGES,
	MI_FILEPMDMAPPED,
	MI_CMATOTAL,
	MI_CMAFREE,
	MI_UNACCEPTED,
	MI_BALLOON,             /* recent kernels: pages held by a balloon */
	MI_HUGEPAGES_TOTAL,     /* count, no unit */
	MI_HUGEPAGES_FREE,      /* count, no unit */
	MI_HUGEPAGES_RSVD,      /* count, no unit */
	MI_HUGEPAGES_SURP,      /* count, no unit */
	MI_HUGEPAGESIZE,
	MI_HUGETLB,
	MI_DIRECTMAP4K,         /* x86 */
	MI_DIRECTMAP2M,
	MI_DIRECTMAP4M,         /* 32-bit non-PAE x86 */
	MI_DIRECTMAP1G,
	MI_COUNT
};

/* Values in KiB, except the HugePages_* counts. A value whose presence bit
 * is clear is 0. */
struct meminfo {
	uint64_t v[MI_COUNT];
	uint64_t have[(MI_COUNT + 63) / 64];
};

enum meminfo_bad {
	MI_BAD_NONE = 0,
	MI_BAD_EMPTY,           /* empty line */
	MI_BAD_NO_COLON,        /* no ':' within MEMINFO_NAME_MAX + 1 bytes */
	MI_BAD_NAME,            /* empty name or a byte outside [A-Za-z0-9_()] */
	MI_BAD_NO_VALUE,        /* no digits after the name */
	MI_BAD_OVERFLOW,        /* 2^64 or more (or more than 20 digits) */
	MI_BAD_NO_UNIT,         /* field needs " kB", has nothing */
	MI_BAD_UNIT,            /* a unit other than kB, or one on a count */
	MI_BAD_TRAILING,        /* anything else after the number */
};

/* Longest field name we accept ("HardwareCorrupted" is 17). */
#define MEMINFO_NAME_MAX 32
/* Room for the first bad line, non-printable bytes shown as '?'. */
#define MEMINFO_EXCERPT_MAX 40

struct meminfo_errors {
	unsigned lines;         /* lines looked at */
	unsigned unknown;       /* well-formed lines with a name we do not know */
	unsigned duplicate;     /* known fields seen again (ignored) */
	unsigned malformed;
	unsigned first_bad_line;        /* 1-based; 0 when malformed == 0 */
	enum meminfo_bad first_bad;
	char first_bad_text[MEMINFO_EXCERPT_MAX]; /* start of that line */
	bool truncated;         /* meminfo_read(): file larger than its buffer */
};

/* Largest /proc/meminfo we read (a 6.x kernel prints about 1.5 KiB). */
#define MEMINFO_BUF_SIZE 16384

/* Parse len bytes of buf (not NUL-terminated; NUL bytes are data). *out is
 * cleared first and then holds every well-formed known field; err (may be
 * NULL) gets the counts. Returns 0 when no line was malformed, -EBADMSG
 * otherwise; either way, whether the figures can be used is
 * meminfo_unusable()'s decision. */
int meminfo_parse(const char *buf, size_t len, struct meminfo *out,
		  struct meminfo_errors *err);

/* Read path (at most MEMINFO_BUF_SIZE bytes, on the stack) and parse it.
 * Returns -errno when the file cannot be opened or read (out cleared),
 * -EFBIG when it is larger than the buffer (the complete lines that fit
 * are parsed, err->truncated is set), else meminfo_parse()'s result. */
int meminfo_read(const char *path, struct meminfo *out,
		 struct meminfo_errors *err);

/* The part of meminfo_read() after the read, for a caller that read the
 * file itself (the agent keeps it open): read_rc is the read's result (0,
 * -EFBIG with len bytes that fit, or -errno), err may be NULL; returns
 * what meminfo_read() would. */
int meminfo_parse_read(int read_rc, const char *buf, size_t len,
		       struct meminfo *out, struct meminfo_errors *err);

/* NULL when the agent can publish from mi, else why not: a required field
 * (MemTotal, MemFree, Committed_AS, SwapTotal, SwapFree) is missing, or
 * the figures contradict each other (MemTotal 0, MemFree > MemTotal,
 * SwapFree > SwapTotal: the kernel never prints that, so the text is not
 * what the kernel printed). MemAvailable is optional (2.6 and 3.x < 3.14
 * kernels lack it). */
const char *meminfo_unusable(const struct meminfo *mi);

static inline bool meminfo_usable(const struct meminfo *mi)
{
	return meminfo_unusable(mi) == NULL;
}

static inline bool meminfo_has(const struct meminfo *mi,
			       enum meminfo_field f)
{
	return (mi->have[f / 64] >> (f % 64)) & 1;
}

/* The kernel's spelling ("Active(anon)"), for logs. */
const char *meminfo_field_name(enum meminfo_field f);
/* True for the HugePages_* counts, which carry no unit. */
bool meminfo_field_is_count(enum meminfo_field f);
const char *meminfo_bad_str(enum meminfo_bad bad);

/*
 * Read a whole /proc or sysfs file into buf with bounded read()s (retrying
 * EINTR and short reads until end of file). Returns 0 and *len, -errno, or
 * -EFBIG when the file holds more than size bytes (buf then holds the first
 * size bytes, *len == size). Shared with the agent's sampler, which reads
 * the other small kernel files the same way.
 */
int proc_read_file(const char *path, char *buf, size_t size, size_t *len);

#endif
