/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-sim's trace CSV reader (sim_trace_load_string() in
 * src/simhost/workload.c) and the workload texts of scenario files
 * (sim_workload_parse()). The first byte picks which; the rest is the
 * text. Besides memory safety:
 *  - a refused trace has an error "name:line: ..." and *out empty (safe
 *    to free, nothing half-loaded);
 *  - an accepted one has series with valid VM names (sim_name_ok), one
 *    per name, at least one row each, times strictly increasing, demand
 *    within SIM_WORKLOAD_MB_MAX; sim_trace_find() finds each; a copy is
 *    equal; replaying a series gives its rows' values as a step function;
 *  - an accepted workload text gives demands within [LOW, HIGH] at any
 *    time (idle, const, mono, step, random, compute).
 */
#include "simhost/workload.h"
#include "fuzz.h"

static void check_trace(const char *text)
{
	struct sim_trace t, copy;
	char err[256];

	memset(&t, 0x5a, sizeof(t));
	err[0] = '\0';
	if (sim_trace_load_string("fuzz.csv", text, &t, err, sizeof(err)) != 0) {
		FUZZ_CHECK(!strncmp(err, "fuzz.csv:", 9), "error without a place: '%s'", err);
		FUZZ_CHECK(t.n == 0 && t.series == NULL, "refused but half-loaded");
		return;
	}
	for (size_t i = 0; i < t.n; i++) {
		const struct sim_trace_series *s = &t.series[i];

		FUZZ_CHECK(sim_name_ok(s->vm), "series name '%s'", s->vm);
		FUZZ_CHECK(s->n >= 1, "empty series %s", s->vm);
		FUZZ_CHECK(sim_trace_find(&t, s->vm) == s, "find %s", s->vm);
		for (size_t j = 0; j < s->n; j++) {
			FUZZ_CHECK(j == 0 || s->pt[j].t_ms > s->pt[j - 1].t_ms,
				   "series %s: times not increasing at row %zu", s->vm, j);
			FUZZ_CHECK(s->pt[j].kb <= SIM_WORKLOAD_MB_MAX * 1024, "demand");
		}
		struct sim_workload w;
		char why[160];

		FUZZ_CHECK(sim_workload_parse("trace", &w, why, sizeof(why)) == 0, "%s", why);
		w.series = s;
		/* Step semantics: before the first row its value, at and
		 * after row j the value of row j. */
		for (size_t j = 0; j < s->n && j < 64; j++) {
			uint64_t at = s->pt[j].t_ms;

			FUZZ_CHECK(sim_workload_demand_kb(&w, at) == s->pt[j].kb,
				   "series %s at %llu ms", s->vm, (unsigned long long)at);
			if (at > 0 && j == 0)
				FUZZ_CHECK(sim_workload_demand_kb(&w, at - 1) == s->pt[0].kb,
					   "before the first row");
		}
	}
	FUZZ_CHECK(sim_trace_copy(&copy, &t) == 0, "copy");
	FUZZ_CHECK(copy.n == t.n, "copy size");
	for (size_t i = 0; i < t.n; i++)
		FUZZ_CHECK(copy.series[i].n == t.series[i].n &&
			   !strcmp(copy.series[i].vm, t.series[i].vm) &&
			   !memcmp(copy.series[i].pt, t.series[i].pt,
				   t.series[i].n * sizeof(*t.series[i].pt)),
			   "copy differs");
	sim_trace_free(&copy);
	sim_trace_free(&t);
}

static void check_workload(const char *text, uint64_t salt)
{
	struct sim_workload w, canary;
	char why[160];

	memset(&canary, 0x5a, sizeof(canary));
	w = canary;
	if (sim_workload_parse(text, &w, why, sizeof(why)) != 0) {
		FUZZ_CHECK(memcmp(&w, &canary, sizeof(w)) == 0, "refused but *out written");
		FUZZ_CHECK(memchr(why, '\0', sizeof(why)) && why[0], "no reason");
		return;
	}
	if (w.kind == SIM_WL_TRACE)
		return;     /* needs its series: check_trace() */
	uint64_t lo = w.from_kb < w.to_kb ? w.from_kb : w.to_kb;
	uint64_t hi = w.from_kb > w.to_kb ? w.from_kb : w.to_kb;

	w.seed = salt;
	for (int i = 0; i < 16; i++) {
		uint64_t t = i < 8 ? (uint64_t)i * 999 : salt * (uint64_t)i % (SIM_WORKLOAD_S_MAX * 1000);
		uint64_t d = sim_workload_demand_kb(&w, t);

		FUZZ_CHECK(d >= lo && d <= hi, "'%s' at %llu ms: %llu KiB outside [%llu, %llu]",
			   w.text, (unsigned long long)t, (unsigned long long)d,
			   (unsigned long long)lo, (unsigned long long)hi);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	char *text = malloc(size);

	if (!text)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (data[0] & 1)
		check_workload(text, size * 2654435761u);
	else
		check_trace(text);
	free(text);
	return 0;
}
