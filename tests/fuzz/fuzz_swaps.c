/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /proc/swaps as the agent reads it (src/agent/swaps.c). The input is
 * the file. Besides memory safety:
 *  - accepted: at most SWAPS_MAX_AREAS areas, the zram part within the
 *    total, the total within what that many areas can have;
 *  - refused: the figures cleared and a line within the file's lines;
 *  - the file ends in a newline whenever it was accepted (a cut file is
 *    never taken in part).
 */
#include "agent/swaps.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct swaps_sum s;
	unsigned line = 0, lines = 0;
	enum swaps_err e = swaps_parse((const char *)data, size, &s, &line);

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	FUZZ_CHECK(e < SWAPS_ERR_COUNT, "err %d", (int)e);
	if (e == SWAPS_OK) {
		FUZZ_CHECK(size > 0 && data[size - 1] == '\n', "accepted a cut file");
		FUZZ_CHECK(s.areas <= SWAPS_MAX_AREAS, "areas %u", s.areas);
		FUZZ_CHECK(s.zram_kb <= s.size_kb, "zram %llu > size %llu",
			   (unsigned long long)s.zram_kb, (unsigned long long)s.size_kb);
		FUZZ_CHECK(s.size_kb <= (uint64_t)s.areas * SWAPS_KB_MAX, "size %llu",
			   (unsigned long long)s.size_kb);
		FUZZ_CHECK(s.areas + 1 == lines, "areas %u lines %u", s.areas, lines);
	} else {
		FUZZ_CHECK(s.areas == 0 && s.size_kb == 0 && s.zram_kb == 0, "not cleared");
		FUZZ_CHECK(line <= lines + 1, "line %u of %u", line, lines);
	}
	return 0;
}
