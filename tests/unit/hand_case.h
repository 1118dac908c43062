/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hand-computed policy cases as table rows: a snapshot, the parameters
 * that differ from hand_params(), and the figures worked out by hand.
 * test_policy.c and test_solve.c each keep one table and run it with
 * hand_case_run(). Optional integer fields hold OPT(x) = x + 1 so that a
 * zeroed field means "left alone" / "not asserted"; a row asserts
 * exactly the fields it fills in and nothing else.
 */
#ifndef MEMBAL_TEST_HAND_CASE_H
#define MEMBAL_TEST_HAND_CASE_H

#include "test_policy_util.h"

#define OPT(x) ((int64_t)(x) + 1)
#define HAND_DOMS 3

struct hand_dom {
	uint32_t domid;
	uint64_t actual, free_kb, committed, min, max; /* as for dom_u() */
	double shares;                 /* 0: one share */
	uint64_t swap_tot, swap_free, avail, overhead;
	uint32_t flags;                /* POLICY_IN_* */
	uint64_t psi_some, swapin_rate;
	uint64_t target;               /* 0: B_i = N_i */
	int64_t kind;                  /* OPT(): overrides dom_u()'s */
};

struct hand_case {
	const char *name;              /* the cmocka test the row came from */
	double tau, epsilon;
	/* Parameters: OPT(value), 0 keeps hand_params(). */
	int64_t solver, scarce_cap, free_source, mode, dom0_mode;
	int64_t hysteresis_up;
	uint64_t headroom;
	int64_t host_free;
	size_t n;
	struct hand_dom dom[HAND_DOMS];
	/* Expected: OPT(value), or 0 (and 0.0 for lambda/theta): not asserted. */
	int64_t mode_want, stage_want, paper_solves, budget, shortfall;
	double lambda, theta;          /* within 1e-6 and 1e-12 */
	uint64_t target[HAND_DOMS];    /* 0: not asserted */
	uint64_t goal0;                /* out[0].goal_kb, 0: not asserted */
	int64_t reasons[HAND_DOMS];    /* OPT(bits): equality */
	int64_t dom_mode0;             /* OPT(out[0].mode) */
	bool no_price0;                /* assert !out[0].has_price */
	/* Assertions that fit no column, run after the ones above. */
	void (*extra)(const struct policy_decision *out,
		      const struct policy_cycle *cycle);
};

/* A row's domain in dom_u()'s argument order, then any other field. */
#define HD(id, n, f, c, l, h, ...) { .domid = id, .actual = n, .free_kb = f, \
	.committed = c, .min = l, .max = h, __VA_ARGS__ }
/* test_solve.c's two-domain case, which test_policy.c varies. */
#define TWO_D1(...) HD(1, 400000, 200000, 1900000, 100000, 2000000, __VA_ARGS__)
#define TWO_D2 HD(2, 600000, 100000, 1900000, 100000, 2000000)

static inline struct policy_dom hand_dom_build(const struct hand_dom *h)
{
	struct policy_dom d = dom_u(h->domid, h->actual, h->free_kb,
				    h->committed, h->min, h->max);

	if (h->shares)
		d.shares = h->shares;
	d.swap_tot_kb = h->swap_tot;
	d.swap_free_kb = h->swap_free;
	d.avail_kb = h->avail;
	d.overhead_kb = h->overhead;
	d.flags = h->flags;
	d.psi_some = h->psi_some;
	d.swapin_rate = h->swapin_rate;
	if (h->target)
		d.target_kb = h->target;
	if (h->kind)
		d.kind = (enum policy_kind)(h->kind - 1);
	return d;
}

static inline void hand_case_run(const struct hand_case *c,
				 struct policy_decision *out,
				 struct policy_cycle *cycle)
{
	struct policy_params p = hand_params(c->tau, c->epsilon);
	struct policy_dom d[HAND_DOMS];

	print_message("case %s\n", c->name);
	assert_true(c->n >= 1 && c->n <= HAND_DOMS);
	if (c->solver)
		p.solver = (enum policy_solver)(c->solver - 1);
	if (c->scarce_cap)
		p.scarce_cap = (enum policy_scarce_cap)(c->scarce_cap - 1);
	if (c->free_source)
		p.free_source = (enum policy_free_source)(c->free_source - 1);
	if (c->mode)
		p.mode = (enum policy_force)(c->mode - 1);
	if (c->dom0_mode)
		p.dom0_mode = (enum policy_dom0_mode)(c->dom0_mode - 1);
	if (c->hysteresis_up)
		p.hysteresis_up = (uint32_t)(c->hysteresis_up - 1);
	p.headroom_kb = c->headroom;
	for (size_t i = 0; i < c->n; i++)
		d[i] = hand_dom_build(&c->dom[i]);

	decide(&p, c->host_free, d, c->n, out, cycle);
	if (c->mode_want)
		assert_int_equal(cycle->mode, c->mode_want - 1);
	if (c->stage_want)
		assert_int_equal(cycle->stage, c->stage_want - 1);
	if (c->paper_solves)
		assert_int_equal(cycle->paper_solves, c->paper_solves - 1);
	if (c->budget)
		assert_int_equal(cycle->budget_kb, c->budget - 1);
	if (c->shortfall)
		assert_int_equal(cycle->shortfall_kb, c->shortfall - 1);
	if (c->lambda != 0)
		assert_true(fabs(cycle->lambda - c->lambda) < 1e-6);
	if (c->theta != 0)
		assert_true(fabs(cycle->theta - c->theta) < 1e-12);
	if (c->goal0)
		assert_int_equal(out[0].goal_kb, c->goal0);
	for (size_t i = 0; i < c->n; i++) {
		if (c->target[i])
			assert_int_equal(out[i].target_kb, c->target[i]);
		if (c->reasons[i])
			assert_int_equal(out[i].reasons, c->reasons[i] - 1);
	}
	if (c->dom_mode0)
		assert_int_equal(out[0].mode, c->dom_mode0 - 1);
	if (c->no_price0)
		assert_false(out[0].has_price);
	if (c->extra)
		c->extra(out, cycle);
}

#endif
