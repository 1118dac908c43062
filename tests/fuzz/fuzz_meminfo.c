/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /proc/meminfo as the agent reads it (src/common/meminfo.c). The input is
 * the file. Besides memory safety:
 *  - the result agrees with the error counts, and an absent field reads 0;
 *  - the excerpt of the first bad line is NUL-terminated and printable
 *    (it goes into logs);
 *  - what was accepted survives a round trip: printed again the way the
 *    kernel prints it, it parses to the same fields and values, cleanly;
 *  - figures meminfo_usable() lets through are consistent (MemTotal > 0,
 *    MemFree <= MemTotal, SwapFree <= SwapTotal).
 */
#include <errno.h>

#include "common/meminfo.h"
#include "fuzz.h"

static size_t render(const struct meminfo *mi, char *buf, size_t size)
{
	size_t used = 0;

	for (int f = 0; f < MI_COUNT; f++) {
		if (!meminfo_has(mi, (enum meminfo_field)f))
			continue;
		int n = snprintf(buf + used, size - used,
				 meminfo_field_is_count((enum meminfo_field)f)
					 ? "%s: %llu\n" : "%s: %8llu kB\n",
				 meminfo_field_name((enum meminfo_field)f),
				 (unsigned long long)mi->v[f]);
		FUZZ_CHECK(n > 0 && (size_t)n < size - used, "render buffer");
		used += (size_t)n;
	}
	return used;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[MI_COUNT * 64];
	struct meminfo mi, again;
	struct meminfo_errors err, err2;
	size_t newlines = 0;
	int rc = meminfo_parse((const char *)data, size, &mi, &err);

	FUZZ_CHECK(rc == 0 || rc == -EBADMSG, "rc %d", rc);
	FUZZ_CHECK((rc == 0) == (err.malformed == 0), "rc %d malformed %u", rc,
		   err.malformed);
	for (size_t i = 0; i < size; i++)
		newlines += data[i] == '\n';
	FUZZ_CHECK(err.lines >= newlines && err.lines <= newlines + 1,
		   "lines %u newlines %zu", err.lines, newlines);
	FUZZ_CHECK(err.unknown + err.duplicate + err.malformed <= err.lines,
		   "counts exceed lines");
	if (err.malformed) {
		FUZZ_CHECK(err.first_bad_line >= 1 && err.first_bad_line <= err.lines,
			   "first_bad_line %u of %u", err.first_bad_line, err.lines);
		FUZZ_CHECK(err.first_bad != MI_BAD_NONE, "first_bad none");
	}
	FUZZ_CHECK(memchr(err.first_bad_text, '\0', sizeof(err.first_bad_text)) != NULL,
		   "excerpt not terminated");
	for (const char *c = err.first_bad_text; *c; c++)
		FUZZ_CHECK(*c >= 0x20 && *c < 0x7f, "control byte in excerpt");
	for (int f = 0; f < MI_COUNT; f++)
		if (!meminfo_has(&mi, (enum meminfo_field)f))
			FUZZ_CHECK(mi.v[f] == 0, "absent field %d reads %llu", f,
				   (unsigned long long)mi.v[f]);

	size_t len = render(&mi, text, sizeof(text));
	FUZZ_CHECK(meminfo_parse(text, len, &again, &err2) == 0,
		   "round trip malformed: %s", meminfo_bad_str(err2.first_bad));
	FUZZ_CHECK(memcmp(&mi, &again, sizeof(mi)) == 0, "round trip differs");

	if (meminfo_usable(&mi)) {
		FUZZ_CHECK(mi.v[MI_MEMTOTAL] > 0, "MemTotal 0");
		FUZZ_CHECK(mi.v[MI_MEMFREE] <= mi.v[MI_MEMTOTAL], "MemFree > MemTotal");
		FUZZ_CHECK(mi.v[MI_SWAPFREE] <= mi.v[MI_SWAPTOTAL], "SwapFree > SwapTotal");
	}
	return 0;
}
