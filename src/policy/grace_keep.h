/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A newborn without swap (grace_swapless_s;
 * design.md §Growth is never cut, "A newborn without swap"): which
 * domains in their adoption grace keep its floor below the host's
 * reserve.
 */
#ifndef MEMBAL_POLICY_GRACE_KEEP_H
#define MEMBAL_POLICY_GRACE_KEEP_H

#include <stdbool.h>
#include <stdint.h>
#include "policy/policy.h"

/* Whether d, in its adoption grace (POLICY_IN_GRACE) under need =
 * estimate, first reported age_ms ago, keeps its grace floor below the
 * host's reserve (the arbiter's cycle.c drops every other grace there):
 * within grace_swapless_s of that report and without swap room (its
 * free swap cannot hold its gap). */
bool policy_grace_kept(const struct policy_params *p, const struct policy_dom *d,
		       uint64_t age_ms);

#endif
