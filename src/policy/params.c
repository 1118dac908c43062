/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The policy's parameters and names: the name tables of the [policy]
 * enums, the presets (the defaults are rows of policy_keys.c), the range
 * checks, and the names of modes, stages and reasons for logs, status and
 * membalctl (docs/design.md §Presets).
 */
#include "policy/policy.h"
#include "policy/solve.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *const policy_solver_names[] = { "exact", "paper", NULL };
const char *const policy_free_source_names[] = { "free", "avail", NULL };
const char *const policy_scarce_cap_names[] = { "demand", "max", NULL };
const char *const policy_dom0_mode_names[] = { "fixed", "priority", NULL };
const char *const policy_climb_grant_names[] = { "no", "yes", "ramp", NULL };
const char *const policy_headroom_names[] = { "fixed", "learned", NULL };
const char *const policy_need_names[] = { "committed", "estimate", NULL };
const char *const policy_force_names[] = { "auto", "self", "global",
					   "static", NULL };
const char *const policy_preset_names[] = { "static", "self", "paper",
					    "membal", NULL };


int policy_name_index(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *policy_names_join(const char *const *names, const char *sep,
			      char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; names[i] && used < size; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? sep : "", names[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

int policy_preset_apply(struct policy_params *p, enum policy_preset preset)
{
	switch (preset) {
	case POLICY_PRESET_STATIC:
		p->mode = POLICY_FORCE_STATIC;
		return 0;
	case POLICY_PRESET_SELF:
		p->mode = POLICY_FORCE_SELF;
		p->need = POLICY_NEED_COMMITTED;
		return 0;
	case POLICY_PRESET_PAPER:
		p->mode = POLICY_FORCE_AUTO;
		p->solver = POLICY_SOLVER_PAPER;
		p->free_source = POLICY_FREE_FREE;
		p->scarce_cap = POLICY_CAP_MAX;
		p->global_hysteresis = true;
		p->need = POLICY_NEED_COMMITTED;
		return 0;
	case POLICY_PRESET_MEMBAL:
		p->mode = POLICY_FORCE_AUTO;
		p->solver = POLICY_SOLVER_EXACT;
		p->free_source = POLICY_FREE_AVAIL;
		p->scarce_cap = POLICY_CAP_DEMAND;
		p->global_hysteresis = false;
		p->need = POLICY_NEED_ESTIMATE;
		return 0;
	}
	return -1;
}

int policy_fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int policy_params_check(const struct policy_params *p, char *err,
			size_t errlen)
{
	if (!(p->tau >= 0 && p->tau < 1))
		return policy_fail(err, errlen, "tau %g outside [0, 1)", p->tau);
	if (!(p->epsilon >= 0 && p->epsilon <= 1e6))
		return policy_fail(err, errlen, "epsilon %g outside [0, 1e6]",
			    p->epsilon);
	if ((unsigned)p->solver > POLICY_SOLVER_PAPER ||
	    (unsigned)p->free_source > POLICY_FREE_AVAIL ||
	    (unsigned)p->scarce_cap > POLICY_CAP_MAX ||
	    (unsigned)p->dom0_mode > POLICY_DOM0_PRIORITY ||
	    (unsigned)p->need > POLICY_NEED_ESTIMATE ||
	    (unsigned)p->mode > POLICY_FORCE_STATIC ||
	    (unsigned)p->headroom > POLICY_HEADROOM_LEARNED)
		return policy_fail(err, errlen, "unknown solver, free_source, "
			    "scarce_cap, dom0_mode, need or mode");
	if (p->hysteresis_up < 1 || p->hysteresis_down < 1)
		return policy_fail(err, errlen, "hysteresis must be >= 1");
	if (p->headroom_ws_pct > 50)
		return policy_fail(err, errlen, "headroom_ws_pct %u above 50",
			    (unsigned)p->headroom_ws_pct);
	if (p->need_slack_pct > 50)
		return policy_fail(err, errlen, "need_slack_pct %u above 50",
			    (unsigned)p->need_slack_pct);
	if (p->resv_need_pct > 100)
		return policy_fail(err, errlen, "resv_need_pct %u above 100",
			    (unsigned)p->resv_need_pct);
	if (p->resv_slack_share_pct > 100)
		return policy_fail(err, errlen, "resv_slack_share_pct %u above 100",
			    (unsigned)p->resv_slack_share_pct);
	if (p->headroom_kb > POLICY_KB_MAX || p->reserve_kb > POLICY_KB_MAX ||
	    p->min_change_kb > POLICY_KB_MAX || p->settle_min_kb > POLICY_KB_MAX ||
	    p->oom_bump_kb > POLICY_KB_MAX || p->gap_min_kb > POLICY_KB_MAX ||
	    p->gap_max_kb > POLICY_KB_MAX || p->gap_start_kb > POLICY_KB_MAX ||
	    p->gap_explore_max_kb > POLICY_KB_MAX ||
	    p->min_kb > POLICY_KB_MAX || p->max_kb > POLICY_KB_MAX)
		return policy_fail(err, errlen, "a size is above %llu KiB",
			    (unsigned long long)POLICY_KB_MAX);
	if (p->max_kb != 0 && p->min_kb > p->max_kb)
		return policy_fail(err, errlen, "min %llu KiB > max %llu KiB",
			    (unsigned long long)p->min_kb,
			    (unsigned long long)p->max_kb);
	if (!(p->shares >= POLICY_SHARES_MIN && p->shares <= POLICY_SHARES_MAX))
		return policy_fail(err, errlen, "shares %g outside [%g, %g]",
			    p->shares, POLICY_SHARES_MIN, POLICY_SHARES_MAX);
	return 0;
}

const char *policy_mode_name(enum policy_mode mode)
{
	switch (mode) {
	case POLICY_MODE_ABUNDANT: return "abundant";
	case POLICY_MODE_SCARCE: return "scarce";
	case POLICY_MODE_INFEASIBLE: return "infeasible";
	case POLICY_MODE_FIXED: return "fixed";
	}
	return "?";
}

const char *policy_stage_name(enum policy_stage stage)
{
	switch (stage) {
	case POLICY_STAGE_NONE: return "none";
	case POLICY_STAGE_SELF: return "self";
	case POLICY_STAGE_DOM0: return "dom0";
	case POLICY_STAGE_CAP: return "cap";
	case POLICY_STAGE_PRICE: return "price";
	case POLICY_STAGE_THETA: return "theta";
	case POLICY_STAGE_INFEASIBLE: return "infeasible";
	case POLICY_STAGE_PAPER: return "paper";
	}
	return "?";
}

static const char *const reason_names[POLICY_R_COUNT] = {
	"min", "oom", "max", "demand", "psi", "swapin", "step", "dom0",
	"grant", "threshold", "need", "adopt", "unpark", "yield", "level",
};

const char *policy_reason_name(uint32_t bit)
{
	for (unsigned i = 0; i < POLICY_R_COUNT; i++)
		if (bit == (1u << i))
			return reason_names[i];
	return NULL;
}

char *policy_reasons_format(uint32_t reasons, char *buf, size_t size)
{
	size_t used = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (unsigned i = 0; i < POLICY_R_COUNT; i++) {
		if (!(reasons & (1u << i)))
			continue;
		int w = snprintf(buf + used, size - used, "%s%s",
				 used ? "+" : "", reason_names[i]);
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
	if (used == 0)
		snprintf(buf, size, "-");
	return buf;
}
