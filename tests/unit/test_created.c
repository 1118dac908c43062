// SPDX-License-Identifier: GPL-2.0-only
/*
 * The size a domain was created with (src/arbiter/created.c): the bound
 * stale_return gives a dead agent's domain back toward.
 *  - L_i is [domain] min_mb or [policy] min_mb, not the creation size
 *    (`min_created` was taken out in session 25), in the arbiter and
 *    membal-sim's floors alike;
 *  - memory/membal_state's created word, strictly parsed;
 *  - the closed loop: the word is written once the target moved, and
 *    survives a restart of the arbiter after its target moved again; a
 *    state without it leaves the size unknown.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "arbiter/manage.h"
#include "arbiter/state.h"
#include "arbiter/xsio.h"
#include "loop_env.h"
#include "sim/sim.h"

#define MiB 1024ull

static void load(struct arbiter_config *c, const char *ini)
{
	arbiter_config_defaults(c);
	assert_int_equal(arbiter_config_load_string("arbiter.ini", ini, c), 0);
}

/* L_i: a [domain] min_mb as written, else [policy] min_mb, whatever the
 * size the domain was created with; a 96 MiB guest that cannot grow
 * (static-max 96) has bad bounds. */
static void test_rule(void **state)
{
	struct arbiter_config c;
	struct manage_verdict v;

	(void)state;
	load(&c, "[policy]\n[domain own]\nmin_mb = 64\n");
	manage_rule(&c, "t", HV_TYPE_PV, 144 * MiB, 0, &v);
	assert_int_equal(v.min_kb, 128 * MiB);
	assert_true(manage_ok(&v));
	manage_rule(&c, "own", HV_TYPE_PV, 144 * MiB, 0, &v);
	assert_int_equal(v.min_kb, 64 * MiB);
	manage_rule(&c, "t", HV_TYPE_PV, 96 * MiB, 0, &v);
	assert_true(v.bad_bounds);
}

static void test_state_word(void **state)
{
	struct dom_state s;
	struct dom d;
	char text[STATE_TEXT_MAX];
	unsigned ignored;

	(void)state;
	assert_int_equal(state_parse("hold=none oom_min_kb=0 oom_until=0 created_kb=81920", &s), 0);
	assert_int_equal(s.created_kb, 81920);
	state_format(&s, text, sizeof(text));
	assert_string_equal(text, "hold=none oom_min_kb=0 oom_until=0 created_kb=81920");
	memset(&d, 0, sizeof(d));
	state_to_dom(&s, 1000, 1700000000, &d);
	assert_true(d.created_known && d.created_saved);
	assert_int_equal(d.created_kb, 81920);
	/* Without it: known to be unknown (L_i = min_mb), not re-read. */
	assert_int_equal(state_parse("hold=none oom_min_kb=0 oom_until=0", &s), 0);
	assert_int_equal(s.created_kb, 0);
	state_to_dom(&s, 1000, 1700000000, &d);
	assert_true(d.created_known);
	assert_false(d.created_saved);
	assert_int_equal(d.created_kb, 0);
	const char *bad[] = {
		"hold=none oom_min_kb=0 oom_until=0 created_kb=0",
		"hold=none oom_min_kb=0 oom_until=0 created_kb=12x",
		"hold=none oom_min_kb=0 oom_until=0 created_kb=-1",
		"hold=none oom_min_kb=0 oom_until=0 created_kb=",
		"hold=none oom_min_kb=0 oom_until=0 created_kb=99999999999999999",
		"hold=none created_kb=5 created_kb=6 oom_min_kb=0 oom_until=0",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(state_parse(bad[i], &s), -1);
	/* An import takes it: a migrated domain arrives at the source's target. */
	assert_int_equal(state_parse_export("hold=none oom_min_kb=0 oom_until=0 created_kb=98304",
					    &s, &ignored), 0);
	assert_int_equal(ignored, 0);
	assert_int_equal(s.created_kb, 98304);
}

/* big wants far more than the host has; t, created at 80 MiB (static-max
 * 160), needs ~60: the host is scarce, so t is cut to its minimum. */
#define SHORT_HOST \
	"[host]\ntotal_mb = 1280\ndom0_mb = 512\n" \
	"[guest big]\nmemory_mb = 512\nstatic_max_mb = 2048\nswap_mb = 512\n" \
	"workload = const:1500\n" \
	"[guest t]\nmemory_mb = 80\nstatic_max_mb = 160\nswap_mb = 64\nworkload = const:8\n"

static uint64_t run(struct env *e, unsigned cycles)
{
	uint64_t top = 0;

	for (unsigned i = 0; i < cycles; i++) {
		loop_cycle(e);
		if (e->a.by_domid[2] && e->a.by_domid[2]->target_kb > top)
			top = e->a.by_domid[2]->target_kb;
	}
	return top;
}

/* t is lifted to min_mb; the target moved, its creation size is written
 * (stale_return's bound) and survives a kill -9 of the arbiter after
 * its target moved again; a state without the word leaves it unknown. */
static void test_loop_restart(void **state)
{
	struct env *e = loop_start("membal-created", SHORT_HOST, SIM_AGENTS_INPROCESS, NULL);
	const struct sim_guest_spec *g = &e->sc.guests[1];
	struct manage_verdict v;
	char *text;

	(void)state;
	run(e, 40);
	assert_int_equal(e->a.by_domid[2]->min_kb, 128 * MiB);
	assert_true(e->a.by_domid[2]->target_kb >= 128 * MiB);
	/* The floors' rule is the arbiter's. */
	assert_true(sim_guest_rule(&e->cfg, g, &v));
	assert_int_equal(v.min_kb, e->a.by_domid[2]->min_kb);
	text = xsio_read_state(e->h0, 2);
	assert_non_null(text);
	assert_non_null(strstr(text, "created_kb=81920"));
	free(text);

	arbiter_free(&e->a);
	assert_true(xs_write(e->h0, XBT_NULL, "/local/domain/2/memory/target", "153600", 6));
	assert_int_equal(arbiter_init(&e->a, &e->cfg, &e->hv, false), 0);
	run(e, 5);
	assert_int_equal(e->a.by_domid[2]->created_kb, 80 * MiB);
	assert_int_equal(e->a.by_domid[2]->min_kb, 128 * MiB);

	/* A state without the word (an older arbiter's): unknown. */
	arbiter_free(&e->a);
	assert_true(xs_write(e->h0, XBT_NULL, "/local/domain/2/memory/membal_state",
			     "hold=none oom_min_kb=0 oom_until=0", 34));
	assert_int_equal(arbiter_init(&e->a, &e->cfg, &e->hv, false), 0);
	run(e, 5);
	assert_int_equal(e->a.by_domid[2]->created_kb, 0);
	assert_int_equal(e->a.by_domid[2]->min_kb, 128 * MiB);
	stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_state_word),
		cmocka_unit_test(test_loop_restart),
	};

	log_set_level(LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
