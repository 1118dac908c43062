/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent's free-memory filter (src/common/filter.c, seed 001 §5.1) fed
 * any sequence of readings with any parameters. Besides memory safety:
 *  - the output is the reading or, for a burst, the window mean from just
 *    before it, and never above the reading (the rule is one-sided);
 *  - at most max_reject readings in a row are replaced: a real rise gets
 *    through;
 *  - every reading is counted once, accepted or rejected;
 *  - the mean is exact (floor of the sum over the window, 128-bit).
 */
#include "common/filter.h"
#include "fuzz.h"

static uint64_t exact_mean(const struct fmd_filter *f)
{
	unsigned __int128 sum = 0;

	if (f->count == 0)
		return 0;
	for (unsigned i = 0; i < f->count; i++)
		sum += f->win[(f->head + i) % f->window];
	return (uint64_t)(sum / f->count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz z = { data, size };
	struct fmd_filter f;
	unsigned window = (unsigned)fz_range(&z, 0, FMD_WINDOW_MAX + 2);
	uint64_t fmd_kb = fz_bool(&z) ? fz_u64(&z) : fz_u16(&z);
	unsigned max_reject = (unsigned)fz_range(&z, 0, 8);
	unsigned run = 0;
	uint64_t pushes = 0;
	int rc = fmd_init(&f, window, fmd_kb, max_reject);

	FUZZ_CHECK((rc == 0) == (window >= 1 && window <= FMD_WINDOW_MAX),
		   "fmd_init %d for window %u", rc, window);
	FUZZ_CHECK(f.window >= 1 && f.window <= FMD_WINDOW_MAX, "window %u", f.window);
	while (z.left) {
		uint8_t op = fz_u8(&z);
		uint64_t reading;

		if (op == 0xff) {
			fmd_reset(&f);
			run = 0;
			continue;
		}
		/* Mostly small steps around the last reading, sometimes
		 * anything: both the filter's arithmetic and its rule. */
		reading = op & 1 ? fz_u64(&z) : f.last_reading + fz_u16(&z) - 0x8000;
		uint64_t mean = fmd_mean(&f);

		FUZZ_CHECK(mean == exact_mean(&f), "mean %llu exact %llu",
			   (unsigned long long)mean, (unsigned long long)exact_mean(&f));
		uint64_t out = fmd_push(&f, reading);

		pushes++;
		FUZZ_CHECK(out <= reading, "output %llu above reading %llu",
			   (unsigned long long)out, (unsigned long long)reading);
		FUZZ_CHECK(out == reading || (f.last_replaced && out == mean),
			   "output %llu is neither reading %llu nor mean %llu",
			   (unsigned long long)out, (unsigned long long)reading,
			   (unsigned long long)mean);
		run = f.last_replaced ? run + 1 : 0;
		FUZZ_CHECK(run <= max_reject, "%u rejections in a row, max %u", run,
			   max_reject);
		FUZZ_CHECK(f.accepted + f.rejected == pushes, "counts");
		FUZZ_CHECK(f.count >= 1 && f.count <= f.window, "count %u", f.count);
	}
	return 0;
}
