#include "arbiter/sim_workload.h"

#include <stdio.h>
#include <string.h>

#include "common/parse.h"

struct wl_kind {
	const char *name;
	enum sim_workload_kind kind;
	unsigned nargs;
	const char *usage;
};

static const struct wl_kind kinds[] = {
	{ "idle", SIM_WL_IDLE, 0, "idle" },
	{ "const", SIM_WL_CONST, 1, "const:MB" },
	{ "mono", SIM_WL_MONO, 3, "mono:LOW_MB,HIGH_MB,PERIOD_S" },
	{ "step", SIM_WL_STEP, 3, "step:BEFORE_MB,AFTER_MB,AT_S" },
};

/* Split "a,b,c" into exactly n fields, each parsed within [min, max]. */
static int wl_args(const char *s, unsigned n, const uint64_t *min,
		   const uint64_t *max, uint64_t *out, char *why,
		   size_t why_size)
{
	for (unsigned i = 0; i < n; i++) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		enum parse_err e;

		if ((i + 1 < n) != (end != NULL)) {
			snprintf(why, why_size, "expected %u comma-separated numbers", n);
			return -1;
		}
		e = parse_u64n(s, len, PARSE_U64_MAXLEN, min[i], max[i], &out[i]);
		if (e != PARSE_OK) {
			snprintf(why, why_size, "number %u: %s (expected %llu..%llu)",
				 i + 1, parse_strerror(e), (unsigned long long)min[i],
				 (unsigned long long)max[i]);
			return -1;
		}
		s += len + (end ? 1 : 0);
	}
	return 0;
}

int sim_workload_parse(const char *text, struct sim_workload *out, char *why,
		       size_t why_size)
{
	const uint64_t mb_min[3] = { 0, 0, 1 };
	const uint64_t mb_max[3] = { SIM_WORKLOAD_MB_MAX, SIM_WORKLOAD_MB_MAX,
				     SIM_WORKLOAD_S_MAX };
	const uint64_t step_min[3] = { 0, 0, 0 };
	const char *colon = strchr(text, ':');
	size_t klen = colon ? (size_t)(colon - text) : strlen(text);
	const struct wl_kind *k = NULL;
	struct sim_workload w;
	uint64_t v[3];

	if (strlen(text) >= sizeof(w.text)) {
		snprintf(why, why_size, "longer than %zu characters", sizeof(w.text) - 1);
		return -1;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].name) == klen && !strncmp(text, kinds[i].name, klen))
			k = &kinds[i];
	if (!k) {
		snprintf(why, why_size, "unknown workload (expected idle, const:MB, "
			 "mono:LOW_MB,HIGH_MB,PERIOD_S or step:BEFORE_MB,AFTER_MB,AT_S)");
		return -1;
	}
	if ((k->nargs > 0) != (colon != NULL)) {
		snprintf(why, why_size, "expected %s", k->usage);
		return -1;
	}
	memset(&w, 0, sizeof(w));
	w.kind = k->kind;
	snprintf(w.text, sizeof(w.text), "%s", text);
	if (k->nargs && wl_args(colon + 1, k->nargs,
				k->kind == SIM_WL_STEP ? step_min : mb_min,
				mb_max, v, why, why_size) < 0)
		return -1;
	switch (k->kind) {
	case SIM_WL_IDLE:
		w.from_kb = w.to_kb = (uint64_t)SIM_IDLE_DEMAND_MB * 1024;
		break;
	case SIM_WL_CONST:
		w.from_kb = w.to_kb = v[0] * 1024;
		break;
	case SIM_WL_MONO:
		if (v[0] > v[1]) {
			snprintf(why, why_size, "LOW_MB %llu above HIGH_MB %llu (expected %s)",
				 (unsigned long long)v[0], (unsigned long long)v[1],
				 k->usage);
			return -1;
		}
		w.from_kb = v[0] * 1024;
		w.to_kb = v[1] * 1024;
		w.period_ms = v[2] * 1000;
		break;
	case SIM_WL_STEP:
		w.from_kb = v[0] * 1024;
		w.to_kb = v[1] * 1024;
		w.at_ms = v[2] * 1000;
		break;
	}
	*out = w;
	return 0;
}

uint64_t sim_workload_demand_kb(const struct sim_workload *w, uint64_t t_ms)
{
	uint64_t phase, up;

	switch (w->kind) {
	case SIM_WL_MONO:
		/* Triangle: LOW + (HIGH - LOW) * (1 - |2 phase / P - 1|), in
		 * integers (128-bit: 2^34 KiB times 2 * 3.2e10 ms overflows 64). */
		phase = t_ms % w->period_ms;
		up = 2 * phase <= w->period_ms ? phase : w->period_ms - phase;
		return w->from_kb +
		       (uint64_t)((unsigned __int128)(w->to_kb - w->from_kb) * 2 * up /
				  w->period_ms);
	case SIM_WL_STEP:
		return t_ms < w->at_ms ? w->from_kb : w->to_kb;
	case SIM_WL_IDLE:
	case SIM_WL_CONST:
	default:
		return w->from_kb;
	}
}
