/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `membalctl plan`'s CSV reader (src/ctl/plan_csv.c) and, behind it, the whole
 * policy core: a snapshot the reader accepts goes through policy_decide()
 * and policy_apply() with the default parameters and with those of the
 * other presets. The input is the CSV file. Besides memory safety:
 *  - a refused file leaves no rows and an error message with a line;
 *  - the policy never refuses a snapshot the reader accepted (the reader
 *    checks what the core checks);
 *  - every decided target is within [L_i, H_i], no write asks a domain
 *    to shrink below L_i, and writes never promise more than F_h:
 *    sum max(0, write_i - N_i) <= max(0, F_h - growth already in flight).
 */
#include <stdio.h>

#include "policy/policy.h"
#include "common/log.h"
#include "ctl/plan.h"
#include "fuzz.h"

static void decide(const struct plan *pl, int preset, int64_t host_free)
{
	struct policy_ctx ctx;
	struct policy_params p;
	struct policy_host h = { .free_kb = host_free };
	struct policy_cycle cy;
	struct policy_decision *dec = calloc(pl->n ? pl->n : 1, sizeof(*dec));
	char err[160];

	FUZZ_CHECK(dec && policy_ctx_init(&ctx, pl->n) == 0, "out of memory");
	policy_params_default(&p);
	policy_preset_apply(&p, (enum policy_preset)preset);
	h.reserve_kb = p.reserve_kb;
	FUZZ_CHECK(policy_params_check(&p, err, sizeof(err)) == 0, "%s", err);
	int rc = policy_decide(&ctx, &p, &h, pl->dom, pl->n, dec, &cy);

	FUZZ_CHECK(rc == 0, "policy refused an accepted snapshot: %s", cy.error);
	policy_apply(&p, &cy, pl->dom, pl->n, dec);

	uint64_t granted = 0, in_flight = 0;

	for (size_t i = 0; i < pl->n; i++) {
		const struct policy_dom *d = &pl->dom[i];
		const struct policy_decision *o = &dec[i];

		if (o->mode == POLICY_MODE_FIXED) {
			FUZZ_CHECK(!o->has_write, "fixed domain %u written", d->domid);
			continue;
		}
		FUZZ_CHECK(o->target_kb >= d->min_kb && o->target_kb <= d->max_kb,
			   "domain %u target %llu outside [%llu, %llu]", d->domid,
			   (unsigned long long)o->target_kb,
			   (unsigned long long)d->min_kb, (unsigned long long)d->max_kb);
		if (!o->has_write) {
			if (d->target_kb > d->actual_kb)
				in_flight += d->target_kb - d->actual_kb;
			continue;
		}
		FUZZ_CHECK(o->write_kb <= d->max_kb, "domain %u write above max", d->domid);
		/* No write asks a domain to shrink below L_i: a target
		 * under L_i (a grant cut short) never goes under N_i. */
		FUZZ_CHECK(o->write_kb >= (d->min_kb < d->actual_kb ? d->min_kb : d->actual_kb),
			   "domain %u pushed below min: write %llu min %llu B %llu N %llu",
			   d->domid, (unsigned long long)o->write_kb,
			   (unsigned long long)d->min_kb, (unsigned long long)d->target_kb,
			   (unsigned long long)d->actual_kb);
		if (o->write_kb > d->actual_kb)
			granted += o->write_kb - d->actual_kb;
	}
	/* F_h as the core computed it has the undecided entries' growth
	 * taken out already; the decided ones that keep B_i are in flight. */
	int64_t fh = cy.host_free_kb;
	uint64_t pool = fh > 0 ? (uint64_t)fh : 0;

	pool = pool > in_flight ? pool - in_flight : 0;
	FUZZ_CHECK(granted <= pool, "granted %llu KiB out of a pool of %llu",
		   (unsigned long long)granted, (unsigned long long)pool);
	policy_ctx_free(&ctx);
	free(dec);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *null = fopen("/dev/null", "w");

	if (!null)
		abort();
	log_set_stream(null);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan pl;
	char err[256] = "";
	FILE *in = fmemopen((void *)data, size, "r");
	int64_t host_free = 0;

	if (size == 0 || !in)
		return 0;
	plan_init(&pl);
	int rc = plan_read_csv(in, "fuzz.csv", &pl, err, sizeof(err));

	fclose(in);
	if (rc != 0) {
		FUZZ_CHECK(pl.n == 0, "refused with %zu rows", pl.n);
		FUZZ_CHECK(!strncmp(err, "fuzz.csv:", 9), "error without a place: '%s'", err);
	} else {
		/* The host's free memory: from the input's length, so that the
		 * same rows are tried short and plentiful. */
		host_free = (int64_t)(size * 37 % 9) * 262144 - 524288;
		for (int preset = 0; preset <= POLICY_PRESET_MEMBAL; preset++)
			decide(&pl, preset, host_free);
	}
	plan_free(&pl);
	return 0;
}
