/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the libFuzzer targets in tests/fuzz/.
 *
 * A target is one LLVMFuzzerTestOneInput(); besides the sanitizers
 * (ASan, UBSan with -fno-sanitize-recover) it checks the properties the
 * code promises with FUZZ_CHECK, which aborts so that libFuzzer keeps the
 * input as a crash. Structured targets take their choices from the input
 * through struct fz, a cursor that returns zeros once the bytes run out,
 * so that every input is valid and short inputs mean "defaults".
 */
#ifndef MEMBAL_FUZZ_H
#define MEMBAL_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: property violated: %s: ",      \
				__FILE__, __LINE__, #cond);                    \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

struct fz {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t fz_u8(struct fz *z)
{
	if (z->left == 0)
		return 0;
	z->left--;
	return *z->p++;
}

static inline uint16_t fz_u16(struct fz *z)
{
	return (uint16_t)(fz_u8(z) | fz_u8(z) << 8);
}

static inline uint32_t fz_u32(struct fz *z)
{
	return (uint32_t)fz_u16(z) | (uint32_t)fz_u16(z) << 16;
}

static inline uint64_t fz_u64(struct fz *z)
{
	return (uint64_t)fz_u32(z) | (uint64_t)fz_u32(z) << 32;
}

/* A value in [lo, hi] (hi >= lo). */
static inline uint64_t fz_range(struct fz *z, uint64_t lo, uint64_t hi)
{
	uint64_t span = hi - lo;
	uint64_t v = span < 0x100 ? fz_u8(z) : span < 0x10000 ? fz_u16(z)
		     : span < 0x100000000ull ? fz_u32(z) : fz_u64(z);

	return span == UINT64_MAX ? v : lo + v % (span + 1);
}

static inline bool fz_bool(struct fz *z)
{
	return fz_u8(z) & 1;
}

/* Up to max bytes of raw input (length first); *len gets the count.
 * Points into the input: no copy. */
static inline const char *fz_bytes(struct fz *z, size_t max, size_t *len)
{
	size_t n = (size_t)fz_range(z, 0, max);
	const char *s = (const char *)z->p;

	if (n > z->left)
		n = z->left;
	z->p += n;
	z->left -= n;
	*len = n;
	return s;
}

#endif
