/* SPDX-License-Identifier: GPL-2.0-only */
/* The memory of a `membalctl plan` snapshot: its row arrays (plan.h). */
#include "ctl/plan.h"

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

void plan_free(struct plan *pl)
{
	big_free(pl->dom, pl->cap * sizeof(*pl->dom));
	big_free(pl->line, pl->cap * sizeof(*pl->line));
	big_free(pl->name_off, pl->cap * sizeof(*pl->name_off));
	big_free(pl->names, pl->names_cap);
	plan_init(pl);
}

