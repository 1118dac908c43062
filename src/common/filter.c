/* SPDX-License-Identifier: GPL-2.0-only */
#include "common/filter.h"

#include <string.h>

int fmd_init(struct fmd_filter *f, unsigned window, uint64_t fmd_kb,
	     unsigned max_reject)
{
	int rc = 0;

	memset(f, 0, sizeof(*f));
	if (window == 0 || window > FMD_WINDOW_MAX) {
		window = window == 0 ? 1 : FMD_WINDOW_MAX;
		rc = -1;
	}
	f->window = window;
	f->fmd_kb = fmd_kb;
	f->max_reject = max_reject;
	return rc;
}

void fmd_reset(struct fmd_filter *f)
{
	f->head = 0;
	f->count = 0;
	f->reject_run = 0;
}

/* floor(sum / n) without a 128-bit sum: sum(x / n) + sum(x % n) / n is the
 * same number, and neither part can overflow (the remainders add up to
 * less than n * n <= 64 * 64). The common case, a sum that fits, takes the
 * short path. */
uint64_t fmd_mean(const struct fmd_filter *f)
{
	uint64_t sum = 0, q = 0, r = 0;
	unsigned n = f->count, i;
	bool overflow = false;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		overflow |= __builtin_add_overflow(sum, f->win[i], &sum);
	if (!overflow)
		return sum / n;
	for (i = 0; i < n; i++) {
		q += f->win[i] / n;
		r += f->win[i] % n;
	}
	return q + r / n;
}

static void window_add(struct fmd_filter *f, uint64_t reading)
{
	if (f->count < f->window) {
		f->win[(f->head + f->count) % f->window] = reading;
		f->count++;
	} else {
		f->win[f->head] = reading;
		f->head = (f->head + 1) % f->window;
	}
}

uint64_t fmd_push(struct fmd_filter *f, uint64_t reading_kb)
{
	uint64_t mean = fmd_mean(f);
	/* reading - mean > fmd, written so that neither side can wrap. */
	bool burst = f->count > 0 && reading_kb > mean &&
		     reading_kb - mean > f->fmd_kb;

	f->last_reading = reading_kb;
	if (burst && f->reject_run < f->max_reject) {
		f->reject_run++;
		f->rejected++;
		f->last_replaced = true;
		f->last_output = mean;
		return mean;
	}
	if (burst) {
		/* The rise outlived max_reject samples: it is real. The old
		 * readings describe a guest that no longer exists. */
		fmd_reset(f);
		f->restarts++;
	}
	f->reject_run = 0;
	window_add(f, reading_kb);
	f->accepted++;
	f->last_replaced = false;
	f->last_output = reading_kb;
	return reading_kb;
}
