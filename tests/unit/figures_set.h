/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tests that build a guest's parsed report by hand: one figure at a time,
 * marked present as guest_parse() marks it.
 */
#ifndef MEMBAL_TEST_FIGURES_SET_H
#define MEMBAL_TEST_FIGURES_SET_H

#include "arbiter/guest.h"

static inline void set(struct guest_figures *g, enum membal_key k, uint64_t v)
{
	g->v[k] = v;
	g->have |= 1u << k;
}

#endif
