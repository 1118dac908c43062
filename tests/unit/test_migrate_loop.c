/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Live migration in closed loop: the arbiter's real cycle, the sim backend
 * and membal's own xenstored, as in test_arbiter_loop.c.
 *  - reservations (src/arbiter/reserve.h): a domain that arrives for a
 *    reservation takes its memory out of the reservation, not out of the
 *    other guests;
 *  - names: xl builds the arriving domain as NAME--incoming and renames
 *    it NAME; [domain NAME] applies after the rename; the incoming domain
 *    is not shrunk before its first report; the departed domid is
 *    forgotten with one log line and no write.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "agent/agent_config.h"
#include "arbiter/arbiter.h"
#include "arbiter/control.h"
#include "arbiter/reserve.h"
#include "simhost/hv_sim.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "xenstored/xsd.h"
#include "loop_env.h"

#define MIB 1024u

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static struct env *start_ini(const char *scenario, const char *ini)
{
	/* These scenarios test the migration mechanics with guests that need
	 * more than they hold (const:600 in 512 MiB): under need = estimate
	 * a guest is not shrunk below its working set, so the reservation
	 * could not squeeze them. */
	char buf[512];

	snprintf(buf, sizeof(buf), "[policy]\nneed = committed\n%s", ini ? ini : "");
	return loop_start("membal-resv", scenario, SIM_AGENTS_INPROCESS, buf);
}

static struct env *start(const char *scenario)
{
	return start_ini(scenario, NULL);
}

static void run(struct env *e, unsigned cycles)
{
	for (unsigned i = 0; i < cycles; i++)
		loop_cycle(e);
}

static uint64_t held(struct env *e, uint32_t domid)
{
	const struct sim_dom *d = hv_sim_domain(&e->hv, domid);

	assert_non_null(d);
	return d->tot_kb;
}

static char answer[CONTROL_ANSWER_MAX];

static const char *ask(struct env *e, const char *line)
{
	control_handle(&e->a, line, answer, sizeof(answer));
	return answer;
}

/*
 * 2048 MiB host, dom0 512: two guests that want about 700 MiB each (static
 * max 1024) and a 256 MiB guest that arrives at 40 s, without an agent
 * (so it never reports and its reservation stays consumed), under xl's
 * name for a domain being received.
 */
static const char *const arrival =
	"[host]\ntotal_mb = 2048\ndom0_mb = 512\nballoon_rate_mb_s = 256\n"
	"[guest a]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 1024\nworkload = const:250\n"
	"[guest b]\ndomid = 2\nmemory_mb = 512\nstatic_max_mb = 1024\nworkload = const:250\n"
	"[guest newvm--incoming]\ndomid = 3\nmemory_mb = 256\nagent = no\nstart_s = 40\n"
	"workload = const:100\n";

static void test_arrival_takes_memory_from_reservation(void **state)
{
	struct env *e = start(arrival);
	uint32_t id;

	run(e, 10);
	assert_int_equal(arbiter_reserve(&e->a, 700 * MIB, 0, "newvm", &id), 0);
	run(e, 25);    /* room made: a and b gave memory back */
	uint64_t before = held(e, 1) + held(e, 2);
	uint64_t free0 = sim_host_free_kb(hv_sim_host(&e->hv));

	assert_true(free0 + MIB >= e->cfg.policy.params.reserve_kb + 700 * MIB);
	run(e, 15);    /* newvm--incoming arrived at 40 s */
	assert_int_equal(hv_sim_domain(&e->hv, 3)->state, SIM_DOM_RUNNING);
	assert_non_null(strstr(logged(e), "reservation 1 for newvm: domain 3 (newvm--incoming) arrived"));
	assert_int_equal(e->a.resv[0].consumer, 4);
	/* 256 of the 700 MiB are in newvm now: 444 MiB are still kept free */
	assert_int_equal(e->a.reserve_kb, 700 * MIB - held(e, 3));
	run(e, 20);
	uint64_t after = held(e, 1) + held(e, 2);

	print_message("a+b hold %llu MiB before the arrival, %llu after\n",
		      (unsigned long long)before / MIB, (unsigned long long)after / MIB);
	/* not squeezed a second time by newvm's 256 MiB */
	assert_true(after + 32 * MIB >= before);
	/* the source of a migration to this very host keeps its name: a
	 * reservation for an existing domain waits for a new one */
	assert_int_equal(arbiter_reserve(&e->a, 64 * MIB, 0, "a", &id), 0);
	run(e, 2);
	assert_int_equal(arbiter_reservation(&e->a, id)->consumer, 0);
	stop(e);
}

/* oom_restart_s = 0 (the kill frees nothing): a and b stay over from
 * the start, the same pressure at every cycle. With the kill that frees
 * (the default) they crash-loop: every kill raises an OOM minimum and
 * promises growth the full host cannot give, which test_ready_or_missing
 * then counts against the reservation (missing above its 1400 MiB). */
static const char *const arrival_agent =
	"[host]\ntotal_mb = 2048\ndom0_mb = 512\nballoon_rate_mb_s = 256\noom_restart_s = 0\n"
	"[guest a]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 1024\nworkload = const:600\n"
	"[guest b]\ndomid = 2\nmemory_mb = 512\nstatic_max_mb = 1024\nworkload = const:600\n"
	"[guest newvm]\ndomid = 3\nmemory_mb = 256\nstart_s = 40\nworkload = const:100\n";

static void test_rest_released_at_first_report(void **state)
{
	struct env *e = start(arrival_agent);
	uint32_t id, other;

	run(e, 10);
	assert_int_equal(arbiter_reserve(&e->a, 400 * MIB, 0, "newvm", &id), 0);
	assert_int_equal(arbiter_reserve(&e->a, 16 * MIB, 0, NULL, &other), 0);
	assert_int_equal(e->a.reserve_kb, 416 * MIB);
	run(e, 45);
	assert_true(e->a.by_domid[3] && e->a.by_domid[3]->have_fig);
	assert_non_null(strstr(logged(e), "reservation 1 for newvm: domain 3 (newvm) reported; the rest ("));
	assert_null(arbiter_reservation(&e->a, id));
	/* the other one is untouched */
	assert_non_null(arbiter_reservation(&e->a, other));
	assert_int_equal(e->a.reserve_kb, 16 * MIB);
	stop(e);
}

static void test_ids_leases_and_protocol(void **state)
{
	struct env *e = start(arrival_agent);

	run(e, 3);
	assert_string_equal(ask(e, "reserve 102400 lease=5"), "OK 1 reserving 102400 KiB (lease)");
	assert_string_equal(ask(e, "reserve 51200 for=web1"), "OK 2 reserving 51200 KiB for web1 until release");
	assert_string_equal(ask(e, "reserve 1024 7"), "OK 3 reserving 1024 KiB (lease)");
	assert_int_equal(e->a.reserve_kb, 154624);   /* additive */
	assert_string_equal(ask(e, "release 3"), "OK released 1 reservation");
	assert_string_equal(ask(e, "release 3"), "ERR no reservation 3");
	assert_string_equal(ask(e, "reserve 0"), "ERR size '0': expected KiB, 1..1099511627776");
	assert_string_equal(ask(e, "reserve 10 lease=x"), "ERR lease 'x': expected seconds, 1..604800");
	assert_string_equal(ask(e, "reserve 10 color=red"), "ERR bad reserve argument 'color=red'");
	assert_string_equal(ask(e, "renew zero"), "ERR unknown request 'renew'");
	assert_string_equal(ask(e, "release 1 2"), "ERR too many arguments");
	/* lease 5 s, renewed at 4 s: still there at 8 s, gone by 10 s */
	run(e, 4);
	assert_string_equal(ask(e, "renew 1"), "OK renewed 1");
	run(e, 4);
	assert_non_null(arbiter_reservation(&e->a, 1));
	run(e, 3);
	assert_null(arbiter_reservation(&e->a, 1));
	assert_int_equal(count(logged(e), "reservation 1 of 102400 KiB expired (lease 5 s not renewed)"), 1);
	assert_int_equal(e->a.reserve_kb, 51200);
	/* ids are not reused */
	assert_string_equal(ask(e, "reserve 1024"), "OK 4 reserving 1024 KiB until release");
	assert_string_equal(ask(e, "release"), "OK released 2 reservations");
	assert_int_equal(e->a.reserve_kb, 0);
	stop(e);
}

/* --wait's question: ready once the memory is free above the reserve and
 * the other reservations; else how much is missing and why. */
static void test_ready_or_missing(void **state)
{
	struct env *e = start(arrival_agent);
	uint64_t missing = 0;
	char why[512];
	uint32_t small, huge;

	run(e, 10);
	assert_int_equal(arbiter_reserve(&e->a, 64 * MIB, 0, NULL, &small), 0);
	run(e, 20);
	assert_int_equal(arbiter_reservation_ready(&e->a, small, &missing, why, sizeof(why)), 1);
	snprintf(why, sizeof(why), "reserved %u", small);
	assert_string_equal(ask(e, why), "OK ready 1");
	/* more than a and b can give above their minimums plus free memory */
	assert_int_equal(arbiter_reserve(&e->a, 1400 * MIB, 0, NULL, &huge), 0);
	run(e, 20);
	assert_int_equal(arbiter_reservation_ready(&e->a, huge, &missing, why, sizeof(why)), 0);
	print_message("missing %llu KiB: %s\n", (unsigned long long)missing, why);
	assert_true(missing > 0 && missing <= 1400 * MIB);
	assert_non_null(strstr(why, "above their minimums"));
	/* and the small one is not ready any more: the big one comes first
	 * in nobody's favour, but it is counted against it */
	snprintf(why, sizeof(why), "reserved %u", huge);
	assert_non_null(strstr(ask(e, why), "OK missing "));
	assert_string_equal(ask(e, "reserved 99"), "ERR no reservation 99 (expired or released?)");
	stop(e);
}

/* xl migrate to this host: g--incoming built (no report yet: not
 * touched), renamed g at the end of the stream; the source, g--migratedaway
 * here, stopped. */
static const char *const migration =
	"[host]\ntotal_mb = 2048\ndom0_mb = 512\nballoon_rate_mb_s = 256\n"
	"[guest a]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 1024\nworkload = const:250\n"
	"[guest g--migratedaway]\ndomid = 2\nmemory_mb = 300\nstatic_max_mb = 600\nworkload = const:100\n"
	"stop_s = 30\n"
	"[guest g--incoming]\ndomid = 3\nmemory_mb = 300\nstatic_max_mb = 600\nagent = no\n"
	"start_s = 20\nworkload = const:100\n";

static void test_names_followed_incoming_untouched(void **state)
{
	struct env *e = start_ini(migration, "[domain g]\nmin_mb = 280\nshares = 3\n");
	char path[64];

	run(e, 25);
	struct dom *in = e->a.by_domid[3];

	assert_non_null(in);
	assert_string_equal(in->name, "g--incoming");
	assert_false(in->have_fig);
	assert_int_equal(in->target_changes, 0);     /* no report: not shrunk */
	assert_true(in->min_kb < 280 * MIB);         /* [domain g] not yet */
	/* the source goes at 30 s: forgotten, once, and nothing more about
	 * it (no write, no second line) */
	run(e, 10);
	assert_null(e->a.by_domid[2]);
	assert_int_equal(count(logged(e), "domain 2 (g--migratedaway) is gone; forgetting it"), 1);
	const char *gone = strstr(logged(e), "is gone; forgetting it");
	size_t gone_at = (size_t)(gone - logged(e));
	/* the stream is complete: xl renames the domain (libxl__domain_rename) */
	snprintf(path, sizeof(path), "/local/domain/3/name");
	assert_true(xs_write(e->a.xs, XBT_NULL, path, "g", 1));
	run(e, 2);
	assert_string_equal(in->name, "g");
	assert_int_equal(count(logged(e), "domain 3: renamed g--incoming -> g"), 1);
	assert_int_equal(in->min_kb, 280 * MIB);
	assert_true(in->shares == 3);
	assert_int_equal(in->target_changes, 0);     /* still no report */
	run(e, 5);
	assert_int_equal(count(logged(e), "renamed"), 1);
	assert_null(strstr(logged(e) + gone_at, "domain 2 ("));
	stop(e);
}

/* A migration to this host that fails: g--incoming is built, then xl
 * destroys it before any rename (the receiver ran out of memory, the
 * stream broke). One line says so; the reservation --for g holds all its
 * memory again; g, the guest already here, keeps its name and is managed
 * as before. */
static const char *const failed_migration =
	"[host]\ntotal_mb = 2048\ndom0_mb = 512\nballoon_rate_mb_s = 256\n"
	"[guest a]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 1024\nworkload = const:250\n"
	"[guest g]\ndomid = 2\nmemory_mb = 300\nstatic_max_mb = 600\nworkload = const:100\n"
	"[guest g--incoming]\ndomid = 3\nmemory_mb = 300\nstatic_max_mb = 600\nagent = no\n"
	"start_s = 20\nstop_s = 28\nworkload = const:100\n";

static void test_failed_migration_logged_once(void **state)
{
	struct env *e = start(failed_migration);
	uint32_t id;

	run(e, 10);
	assert_int_equal(arbiter_reserve(&e->a, 310 * MIB, 0, "g", &id), 0);
	run(e, 15);
	assert_non_null(e->a.by_domid[3]);
	assert_int_equal(count(logged(e), "reservation 1 for g: domain 3 (g--incoming) arrived"), 1);
	run(e, 10);
	assert_null(e->a.by_domid[3]);
	assert_int_equal(count(logged(e), "domain 3 (g--incoming) is gone before its rename: a migration to this host failed; forgetting it"), 1);
	assert_int_equal(count(logged(e), "domain 3 (g--incoming) is gone"), 1);
	assert_int_equal(count(logged(e), "reservation 1 for g: domain 3 went away before it reported"), 1);
	struct dom *g = e->a.by_domid[2];

	assert_non_null(g);
	assert_string_equal(g->name, "g");
	assert_true(g->decided);
	/* nothing more about domain 3 afterwards */
	size_t gone_at = (size_t)(strstr(logged(e), "is gone before its rename") - logged(e));

	run(e, 5);
	assert_null(strstr(logged(e) + gone_at, "domain 3 ("));
	assert_int_equal(count(logged(e), "before its rename"), 1);
	stop(e);
}

static uint64_t wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec;
}

/* membalctl state export|import: the hold and the OOM-raised minimum with
 * what is left of it; into a domain that is here, or kept with the
 * reservation --for it until it arrives. */
static void test_state_travels(void **state)
{
	struct env *e = start(arrival_agent);
	char line[256], want[128];
	uint32_t id;

	run(e, 5);
	struct dom *a = e->a.by_domid[1];

	/* its size at creation too: the arbiter has moved its target, so
	 * memory/membal_state keeps it (created.c), and it travels */
	assert_string_equal(ask(e, "state-export a"),
			    "OK hold=none oom_min_kb=0 oom_until=0 created_kb=524288");
	a->oom_min_kb = 450 * MIB;
	a->oom_until_ms = clock_now_ms() + 60000;
	assert_int_equal(arbiter_pause(&e->a, "a", true), 0);
	snprintf(want, sizeof(want), "OK hold=paused oom_min_kb=%u oom_until=", 450 * MIB);
	assert_memory_equal(ask(e, "state-export a"), want, strlen(want));
	uint64_t until = strtoull(answer + strlen(want), NULL, 10);
	assert_true(until >= wall_now() + 59 && until <= wall_now() + 61);
	assert_string_equal(ask(e, "state-export nosuch"), "ERR no domain 'nosuch'");

	/* into b, here; a word from a newer exporter is ignored, said once */
	snprintf(line, sizeof(line), "state-import b hold=none oom_min_kb=%u oom_until=%llu gap_kb=5",
		 300 * MIB, (unsigned long long)wall_now() + 120);
	assert_string_equal(ask(e, line), "OK imported into domain 2 (b)");
	assert_int_equal(e->a.by_domid[2]->oom_min_kb, 300 * MIB);
	assert_true(e->a.by_domid[2]->oom_until_ms > clock_now_ms() + 100000);
	assert_int_equal(count(logged(e), "1 word(s) this version does not know, ignored"), 1);
	assert_string_equal(ask(e, "state-import b hold=bogus"),
			    "ERR state 'hold=bogus': expected hold=none|manual|paused oom_min_kb=N oom_until=S");
	assert_string_equal(ask(e, "state-import b hold=none Bad"),
			    "ERR state 'hold=none Bad': expected hold=none|manual|paused oom_min_kb=N oom_until=S");
	assert_string_equal(ask(e, "state-import newvm hold=none oom_min_kb=1 oom_until=1"),
			    "ERR no domain 'newvm' and no reservation --for it");

	/* before the move: kept with the reservation, applied on arrival */
	assert_int_equal(arbiter_reserve(&e->a, 300 * MIB, 0, "newvm", &id), 0);
	snprintf(line, sizeof(line), "state-import newvm hold=none oom_min_kb=%u oom_until=%llu",
		 200 * MIB, (unsigned long long)wall_now() + 600);
	assert_string_equal(ask(e, line), "OK kept with reservation 1 until newvm arrives");
	run(e, 45);
	struct dom *n = e->a.by_domid[3];

	assert_non_null(n);
	assert_int_equal(n->oom_min_kb, 200 * MIB);
	assert_true(n->oom_until_ms > clock_now_ms());
	/* written to its membal_state, for a restart of this arbiter */
	unsigned len;
	char *st = xs_read(e->a.xs, XBT_NULL, "/local/domain/3/memory/membal_state", &len);

	assert_non_null(st);
	assert_non_null(strstr(st, "oom_min_kb=204800"));
	free(st);
	stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arrival_takes_memory_from_reservation),
		cmocka_unit_test(test_rest_released_at_first_report),
		cmocka_unit_test(test_ids_leases_and_protocol),
		cmocka_unit_test(test_ready_or_missing),
		cmocka_unit_test(test_names_followed_incoming_untouched),
		cmocka_unit_test(test_failed_migration_logged_once),
		cmocka_unit_test(test_state_travels),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
