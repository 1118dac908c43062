/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A guest whose agent died (stale_return;
 * design.md §Which domains are managed, "A guest whose agent died"):
 * a snapshot with a stale entry in, policy_decide, policy_apply and
 * policy_stale_return, the writes out. agent-dead's a1: cut to 630 MiB
 * before its agent died, its load rose to 650-1000 MiB and it paged at
 * 99 % while 600-900 MiB lay free.
 */
#include "test_policy_util.h"

#include "policy/snapshot.h"
#include "policy/stale_return.h"

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);
	params.stale_return = true;
	return 0;
}

/* A stale entry as the daemon's snapshot builder makes it: holds `held`,
 * target `target`, created with `top`, `base` its target when its
 * reports stopped (MiB). */
static struct policy_dom stale(uint32_t domid, uint64_t held, uint64_t target,
			       uint64_t top, uint64_t base)
{
	struct snap_dom in = {
		.domid = domid, .managed = false, .actual_kb = held * MIB,
		.have_target = true, .target_kb = target * MIB,
		.stale_top_kb = top * MIB, .stale_base_kb = base * MIB,
	};
	struct policy_dom d;

	snapshot_dom(&in, &d);
	return d;
}

/* decide, apply, then the stale rule; returns its count of writes */
static size_t cycle_of(int64_t free_mib, struct policy_dom *dom, size_t n,
		       struct policy_decision *out, struct policy_cycle *c)
{
	run_cycle(&params, (int64_t)free_mib * (int64_t)MIB, dom, n, out, c);
	return policy_stale_return(&params, c, dom, n, out);
}

/* Abundant, nobody short: given back to its size at creation in one
 * write; the decided domain's write is what it is without the rule. */
static void test_abundant_one_write(void **state)
{
	struct policy_dom dom[2] = { est_dom(1, 500 * MIB, 400 * MIB),
				     stale(2, 630, 630, 1024, 630) };
	struct policy_decision out[2], off[2];
	struct policy_cycle c, c_off;

	assert_int_equal(cycle_of(1500, dom, 2, out, &c), 1);
	assert_int_equal(c.mode, POLICY_MODE_ABUNDANT);
	assert_true(out[1].has_write);
	assert_int_equal(out[1].write_kb, 1024 * MIB);
	assert_int_equal(out[1].mode, POLICY_MODE_FIXED);

	params.stale_return = false;
	assert_int_equal(cycle_of(1500, dom, 2, off, &c_off), 0);
	assert_false(off[1].has_write);
	assert_true(same_decision(&out[0], &off[0]));
}

/* Out of free memory only: what F_h leaves after the decided domain's
 * grant, whole pages; nothing when that is below min_change. */
static void test_free_memory_only(void **state)
{
	struct policy_dom dom[2] = { est_dom(1, 300 * MIB, 400 * MIB),
				     stale(2, 630, 630, 1024, 630) };
	struct policy_decision out[2];
	struct policy_cycle c;
	uint64_t grant;

	assert_int_equal(cycle_of(300, dom, 2, out, &c), 1);
	assert_int_equal(c.mode, POLICY_MODE_ABUNDANT);
	assert_true(out[0].has_write && out[0].write_kb > dom[0].actual_kb);
	grant = out[0].write_kb - dom[0].actual_kb;
	assert_true(out[1].has_write);
	assert_true(out[1].write_kb < 1024 * MIB);
	assert_int_equal(out[1].write_kb % 4, 0);
	assert_true(out[1].write_kb - 630 * MIB + grant <= (uint64_t)c.host_free_kb);
	assert_true(out[1].write_kb - 630 * MIB + grant + 4 > (uint64_t)c.host_free_kb);

	/* F_h leaves less than min_change after the grant: no write */
	int64_t tight = (int64_t)((grant + params.min_change_kb / 2) / MIB);

	assert_int_equal(cycle_of(tight, dom, 2, out, &c), 0);
	assert_false(out[1].has_write);
}

/* Never above its bound, never a cut in abundant mode, nothing while a
 * grant is still in flight, nothing when the key is off. */
static void test_bounds(void **state)
{
	struct policy_dom dom[2] = { est_dom(1, 500 * MIB, 400 * MIB),
				     stale(2, 1024, 1024, 1024, 630) };
	struct policy_decision out[2];
	struct policy_cycle c;

	assert_int_equal(cycle_of(2000, dom, 2, out, &c), 0);   /* at its bound */
	dom[1] = stale(2, 1100, 1100, 1024, 630);                /* above it */
	assert_int_equal(cycle_of(2000, dom, 2, out, &c), 0);
	assert_false(out[1].has_write);
	dom[1] = stale(2, 630, 900, 1024, 630);                  /* taking a grant */
	assert_int_equal(cycle_of(2000, dom, 2, out, &c), 0);
	dom[1] = stale(2, 630, 630, 1024, 630);
	dom[1].flags &= ~POLICY_IN_STALE;                         /* not stale */
	assert_int_equal(cycle_of(2000, dom, 2, out, &c), 0);
}

/* Somebody short (a decided domain's growth cut for want of memory):
 * abundant or not, nothing is lent. */
static void test_nobody_short(void **state)
{
	struct policy_dom dom[2] = { est_dom(1, 500 * MIB, 400 * MIB),
				     stale(2, 630, 630, 1024, 630) };
	struct policy_decision out[2];
	struct policy_cycle c;

	run_cycle(&params, 1500 * (int64_t)MIB, dom, 2, out, &c);
	out[0].reasons |= POLICY_R_GRANT;
	assert_int_equal(policy_stale_return(&params, &c, dom, 2, out), 0);
	assert_false(out[1].has_write);
}

/* Scarce: a loan is taken back whole, in one write to its target when
 * the reports stopped, as soon as the decided domains are short; without
 * a loan a stale domain is neither grown nor cut. */
static void test_scarce_takes_back_loan_only(void **state)
{
	struct policy_dom dom[3] = { est_dom(1, 300 * MIB, 700 * MIB),
				     stale(2, 1024, 1024, 1024, 630),
				     stale(3, 630, 630, 1024, 630) };
	struct policy_decision out[3];
	struct policy_cycle c;

	assert_int_equal(cycle_of(100, dom, 3, out, &c), 1);
	assert_int_equal(c.mode, POLICY_MODE_SCARCE);
	/* about 400 MiB short, a loan of 394: all of it, to the base */
	assert_true(out[1].has_write);
	assert_int_equal(out[1].write_kb, 630 * MIB);
	assert_int_equal(out[1].target_kb, 630 * MIB);
	assert_false(out[2].has_write);

	/* short by a little: still the whole loan, never a part */
	dom[0] = est_dom(1, 300 * MIB, 300 * MIB);
	int64_t f;

	for (f = 0; f < 2000; f += 8) {
		cycle_of(f, dom, 3, out, &c);
		if (c.mode == POLICY_MODE_ABUNDANT)
			break;
		if (c.need_kb > c.domu_free_kb) {
			assert_true(out[1].has_write);
			assert_int_equal(out[1].write_kb, 630 * MIB);
		} else {
			assert_false(out[1].has_write);
		}
	}
	assert_true(f > 0 && f < 2000);   /* both sides of the line were seen */
}

/* The fewest loans, the least beyond the shortfall: the smallest loan
 * that covers it, else the largest and again. A take-back in flight (a
 * stale domain above its target) counts as given back already. */
static void test_take_back_best_fit(void **state)
{
	struct policy_dom dom[4] = { est_dom(1, 300 * MIB, 600 * MIB),
				     stale(2, 1024, 1024, 1024, 624),    /* loan 400 */
				     stale(3, 800, 800, 1024, 700),      /* loan 100 */
				     stale(4, 930, 930, 1024, 630) };    /* loan 300 */
	struct policy_decision out[4];
	struct policy_cycle c;
	/* free memory that leaves the decided domain short by 50..90 MiB */
	int64_t f = free_for_short(&params, dom, 4, out, &c, 50, 90);

	assert_true(f >= 0);
	assert_int_equal(policy_stale_return(&params, &c, dom, 4, out), 1);
	assert_true(out[3 - 1].has_write);                 /* the 100 covers it */
	assert_int_equal(out[2].write_kb, 700 * MIB);
	assert_false(out[1].has_write || out[3].has_write);

	/* short by 250..290 MiB: the 300 */
	f = free_for_short(&params, dom, 4, out, &c, 250, 290);
	assert_true(f >= 0);
	assert_int_equal(policy_stale_return(&params, &c, dom, 4, out), 1);
	assert_int_equal(out[3].write_kb, 630 * MIB);

	/* 3's take-back in flight (it holds 800 for a target of 700): with
	 * the 250..290 short, 100 of it is on its way; the 300 still covers
	 * the rest, and 3 gets no second write */
	dom[2] = stale(3, 800, 700, 1024, 700);
	run_cycle(&params, f * (int64_t)MIB, dom, 4, out, &c);
	assert_int_equal(policy_stale_return(&params, &c, dom, 4, out), 1);
	assert_false(out[2].has_write);
	assert_true(out[3].has_write);

	/* short by more than every loan: each, whole, once */
	dom[2] = stale(3, 800, 800, 1024, 700);
	dom[0] = est_dom(1, 300 * MIB, 1800 * MIB);
	assert_int_equal(cycle_of(0, dom, 4, out, &c), 3);
	assert_int_equal(out[1].write_kb, 624 * MIB);
	assert_int_equal(out[2].write_kb, 700 * MIB);
	assert_int_equal(out[3].write_kb, 630 * MIB);
}

/* The snapshot builder and policy_decide keep the entry sane: a base
 * above the target is the target; a stale flag on a decided entry is
 * refused. */
static void test_snapshot_checked(void **state)
{
	struct policy_dom d = stale(2, 630, 630, 1024, 900);
	struct policy_dom dom[1] = { est_dom(1, 500 * MIB, 400 * MIB) };
	struct policy_decision out[1];
	struct policy_cycle c;
	struct policy_ctx ctx;
	struct policy_host host = { .free_kb = 1000 * (int64_t)MIB };

	assert_true(d.flags & POLICY_IN_STALE);
	assert_int_equal(d.kind, POLICY_UNMANAGED);
	assert_int_equal(d.stale_base_kb, 630 * MIB);
	d = stale(2, 630, 630, 0, 630);
	assert_false(d.flags & POLICY_IN_STALE);

	dom[0].flags |= POLICY_IN_STALE;
	dom[0].stale_top_kb = 1024 * MIB;
	assert_int_equal(policy_ctx_init(&ctx, 1), 0);
	assert_int_equal(policy_decide(&ctx, &params, &host, dom, 1, out, &c), -1);
	policy_ctx_free(&ctx);
}

/* Random snapshots: the loans never take more than F_h leaves after the
 * decided domains' targets, never pass their bound; a scarce write is
 * the base exactly. */
static void test_random_invariants(void **state)
{
	struct rng r = { .s = 0x5a1e };

	for (int round = 0; round < 400; round++) {
		struct policy_dom dom[6];
		struct policy_decision out[6];
		struct policy_cycle c;
		size_t n = (size_t)rng_range(&r, 2, 6);
		int64_t free_mib = (int64_t)rng_range(&r, 0, 3000);

		for (size_t i = 0; i < n; i++) {
			if (rng_chance(&r, 40)) {
				uint64_t base = rng_range(&r, 128, 1024), top = rng_range(&r, 128, 2048);
				uint64_t tgt = base + (rng_chance(&r, 50) ? rng_range(&r, 0, 600) : 0);
				uint64_t held = rng_chance(&r, 70) ? tgt : rng_range(&r, 128, 2048);

				dom[i] = stale((uint32_t)(i + 1), held, tgt, top, base);
			} else {
				dom[i] = est_dom((uint32_t)(i + 1), rng_range(&r, 128, 1500) * MIB,
						 rng_range(&r, 64, 1500) * MIB);
			}
		}
		cycle_of(free_mib, dom, n, out, &c);
		int64_t left = c.host_free_kb;
		bool grew = false;

		for (size_t i = 0; i < n; i++) {
			const struct policy_dom *d = &dom[i];

			if (!(d->flags & POLICY_IN_STALE)) {
				uint64_t to = out[i].has_write ? out[i].write_kb : d->target_kb;

				left -= to > d->actual_kb ? (int64_t)(to - d->actual_kb) : 0;
				continue;
			}
			if (!out[i].has_write)
				continue;
			if (out[i].write_kb > d->target_kb) {
				uint64_t base = d->target_kb > d->actual_kb ? d->target_kb : d->actual_kb;

				assert_int_equal(c.mode, POLICY_MODE_ABUNDANT);
				assert_true(out[i].write_kb <= d->stale_top_kb);
				assert_true(out[i].write_kb - d->target_kb >= params.min_change_kb);
				grew = true;
				left -= out[i].write_kb > base ? (int64_t)(out[i].write_kb - base) : 0;
			} else {
				/* one write: the whole loan back to the base */
				assert_true(c.mode == POLICY_MODE_SCARCE || c.mode == POLICY_MODE_INFEASIBLE);
				assert_int_equal(out[i].write_kb, d->stale_base_kb);
			}
		}
		assert_true(!grew || left >= 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_abundant_one_write, setup),
		cmocka_unit_test_setup(test_free_memory_only, setup),
		cmocka_unit_test_setup(test_bounds, setup),
		cmocka_unit_test_setup(test_nobody_short, setup),
		cmocka_unit_test_setup(test_scarce_takes_back_loan_only, setup),
		cmocka_unit_test_setup(test_take_back_best_fit, setup),
		cmocka_unit_test_setup(test_snapshot_checked, setup),
		cmocka_unit_test_setup(test_random_invariants, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
