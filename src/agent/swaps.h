/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /proc/swaps, parsed strictly: which part of the guest's swap is zram
 * (compressed RAM), the key swap_zram (design.md §The estimate's slack,
 * "Swap in RAM"). Pure: bytes in, figures out, so that it is tested on
 * fixtures and fuzzed without a kernel.
 *
 * The kernel's layout (mm/swapfile.c swap_show()): a header line
 *
 *     Filename  Type  Size  Used  Priority
 *
 * then one line per active swap area, the same five fields separated by
 * spaces or tabs (the padding changed across kernels): the path (spaces,
 * tabs, newlines and backslashes escaped as \ooo by seq_file_path(), so
 * it is one field), "partition" or "file", Size and Used in KiB, and a
 * signed priority. A zram device is /dev/zramN; everything else is a
 * block device or a file on one.
 */
#ifndef MEMBAL_AGENT_SWAPS_H
#define MEMBAL_AGENT_SWAPS_H

#include <stddef.h>
#include <stdint.h>

#define SWAPS_PATH "/proc/swaps"
/* Linux has at most MAX_SWAPFILES (32 less the special swap types)
 * areas; twice that is a file we do not understand. */
#define SWAPS_MAX_AREAS 64
/* A Size or Used above 2^40 KiB (1 PiB) is not a guest's swap. */
#define SWAPS_KB_MAX (UINT64_C(1) << 40)
/* What the agent reads of the file: 64 areas with long paths. A larger
 * file is refused, not read in part (an area left out could be zram). */
#define SWAPS_BUF_SIZE 16384

struct swaps_sum {
	unsigned areas;
	uint64_t size_kb;       /* Σ Size: SwapTotal when the file is whole */
	uint64_t zram_kb;       /* Σ Size of the /dev/zramN areas */
};

enum swaps_err {
	SWAPS_OK = 0,
	SWAPS_HEADER,       /* the first line is not the five column names */
	SWAPS_FIELDS,       /* a line without exactly five fields */
	SWAPS_TYPE,         /* Type neither "partition" nor "file" */
	SWAPS_NUMBER,       /* Size, Used or Priority not a plain number in range */
	SWAPS_USED,         /* Used above Size */
	SWAPS_TOO_MANY,     /* more than SWAPS_MAX_AREAS lines */
	SWAPS_CUT,          /* the last line without its newline, or a NUL */
	SWAPS_ERR_COUNT
};

const char *swaps_strerror(enum swaps_err e);

/* Whether path (one field of the file, n bytes) is a zram device:
 * "/dev/zram" and 1-3 digits, nothing else. */
int swaps_is_zram(const char *path, size_t n);

/* Parse buf[0..len) (any bytes). SWAPS_OK fills *out; otherwise *out is
 * cleared and *line (when given) is the 1-based line of the problem. */
enum swaps_err swaps_parse(const char *buf, size_t len, struct swaps_sum *out,
			   unsigned *line);

#endif
