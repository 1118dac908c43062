/* SPDX-License-Identifier: GPL-2.0-only */
/* The memory of a `membalctl plan` snapshot: its row arrays (plan.h). */
#include "ctl/plan.h"

#include <malloc.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

void plan_init(struct plan *pl)
{
	memset(pl, 0, sizeof(*pl));
}

/*
 * The row arrays of a large snapshot are hundreds of MiB: each grows in
 * place (mremap) in 2 MiB pages, so that a million rows cost a few
 * hundred page faults instead of seventy thousand.
 */
void *plan_big_resize(void *p, size_t old, size_t size)
{
	void *q;

	if (!p) {
		q = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	} else {
		q = mremap(p, old, size, MREMAP_MAYMOVE);
	}
	if (q == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	if (size >= (2u << 20))
		madvise(q, size, MADV_HUGEPAGE);  /* a hint: may fail */
#endif
	return q;
}

static void big_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

void *plan_big_alloc(size_t size)
{
	return plan_big_resize(NULL, 0, size ? size : 1);
}

void plan_big_free(void *p, size_t size)
{
	big_free(p, size ? size : 1);
}

/*
 * A million-domain policy context is 130 MB of calloc'd arrays, which
 * glibc maps on their own and leaves untouched (calloc knows fresh pages
 * are zero): in 4 KiB pages the policy's first pass over them takes
 * 30,000 page faults, each dear on a virtual machine.
 */
void plan_big_hint(void *p)
{
	size_t size = p ? malloc_usable_size(p) : 0;
	uintptr_t start = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t end = ((uintptr_t)p + size) & ~(uintptr_t)4095;

#ifdef MADV_HUGEPAGE
	if (size >= (2u << 20) && end > start)
		madvise((void *)start, end - start, MADV_HUGEPAGE);  /* may fail */
#endif
}

void plan_free(struct plan *pl)
{
	big_free(pl->dom, pl->cap * sizeof(*pl->dom));
	free(pl->jump);
	big_free(pl->names, pl->names_cap);
	plan_init(pl);
}


int plan_note_line(struct plan *pl, size_t row, uint32_t line)
{
	if (pl->njumps) {
		const struct plan_jump *j = &pl->jump[pl->njumps - 1];

		if (line - j->line == row - j->row)
			return 0;       /* the run goes on */
	}
	if (pl->njumps == pl->jumps_cap) {
		size_t cap = pl->jumps_cap ? pl->jumps_cap * 2 : 16;
		struct plan_jump *j = realloc(pl->jump, cap * sizeof(*j));

		if (!j)
			return -1;
		pl->jump = j;
		pl->jumps_cap = cap;
	}
	pl->jump[pl->njumps++] = (struct plan_jump){ row, line };
	return 0;
}

uint32_t plan_line_of(const struct plan *pl, size_t row)
{
	size_t lo = 0, hi = pl->njumps;

	/* the last jump at or before row */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (pl->jump[mid].row <= row)
			lo = mid;
		else
			hi = mid;
	}
	return pl->njumps ? pl->jump[lo].line + (uint32_t)(row - pl->jump[lo].row) : 0;
}
