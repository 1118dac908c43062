/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-arbiter in closed loop: the arbiter's real cycle code, the real
 * policy core, the real libxenstore, against
 *   - the test xenstored (src/xenstored/, in-process; simulated), and
 *   - the sim backend (src/simhost/hv_sim.c; a simulated hypervisor whose
 *     balloons follow memory/target at a bounded rate),
 * with the guests' figures published either by real in-process agents
 * (src/agent, reading files the simulated guest kernel keeps current) or,
 * where a test needs exact or hostile figures, by a "fake agent" that
 * writes the report keys itself through the guest's own connection (so it
 * has a guest's xenstore rights and no more).
 *
 * Everything runs on the driven clock: a 2-minute scenario takes well
 * under a second.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "arbiter/arbiter_int.h"
#include "arbiter/history.h"
#include <math.h>
#include <time.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "agent/agent_config.h"
#include "arbiter/arbiter.h"
#include "arbiter/control.h"
#include "simhost/hv_sim.h"
#include "arbiter/status.h"
#include "arbiter/xsio.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "common/report_value.h"
#include "common/xs.h"
#include "sim/sim.h"
#include "xenstored/xsd.h"
#include "loop_env.h"

#define MIB 1024u

/* Start everything for a scenario. agents: in-process real agents or none
 * (fake ones are written by the test). */
static struct env *start(const char *scenario, enum sim_agents agents,
			 const char *arbiter_ini)
{
	return loop_start("membal-loop", scenario, agents, arbiter_ini);
}

static const struct sim_dom *sdom(struct env *e, uint32_t domid)
{
	const struct sim_dom *d = hv_sim_domain(&e->hv, domid);

	assert_non_null(d);
	return d;
}

static struct dom *adom(struct env *e, uint32_t domid)
{
	return domid < MEMBAL_DOMID_LIMIT ? e->a.by_domid[domid] : NULL;
}

static uint64_t host_free(struct env *e)
{
	return sim_host_free_kb(hv_sim_host(&e->hv));
}

/* Promises made to running domains must fit in what is free above the
 * reserve, and free memory never drops below the reserve (1 MiB slack:
 * balloon steps are pages, targets are KiB). */
static void check_invariants(struct env *e)
{
	const struct sim_host *h = hv_sim_host(&e->hv);
	uint64_t pending = 0, free_kb = sim_host_free_kb(h);

	for (size_t i = 0; i < h->n; i++) {
		const struct sim_dom *d = &h->dom[i];

		if (d->state == SIM_DOM_RUNNING && d->target_kb > d->tot_kb)
			pending += d->target_kb - d->tot_kb;
	}
	if (free_kb + MIB < e->reserve_kb + pending) {
		e->violations++;
		if (getenv("LOOP_DEBUG"))
			print_message("t=%llu free %llu < reserve %llu + pending %llu\n",
				      (unsigned long long)clock_now_ms(), (unsigned long long)free_kb,
				      (unsigned long long)e->reserve_kb, (unsigned long long)pending);
	}
}

/* Watch events reach the arbiter through libxenstore's reader thread, a
 * moment after the write that fired them. A real arbiter sees a late event
 * at its next cycle; a test wants it in this one, so it makes one round
 * trip on the arbiter's connection first (the event, sent before the
 * reply, is then queued). */
static void sync_arbiter(struct env *e)
{
	unsigned len;

	if (e->a.xs && !e->no_sync)
		free(xs_read(e->a.xs, XBT_NULL, "/local", &len));
}

static void run(struct env *e, unsigned cycles)
{
	for (unsigned i = 0; i < cycles; i++) {
		clock_advance(e->a.cfg.interval_ms);
		sync_arbiter(e);
		arbiter_cycle(&e->a);
		check_invariants(e);
	}
}

/* ---- the fake agent --------------------------------------------------- */

struct fig {
	uint64_t tot, free, committed_as, swap_tot, swap_free, oom_kills, psi_some,
		swapin_rate;
	uint64_t balloon_current, balloon_target;   /* written when non-zero */
};

static bool guest_write(struct xs_handle *h, uint32_t domid, const char *key,
			const char *val, size_t len)
{
	char path[128];

	snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid, key);
	return xs_write(h, XBT_NULL, path, val, (unsigned)len);
}

/* Publish like an agent (one transaction, new stamp), as the guest. */
static void fake_publish(struct env *e, uint32_t domid, const struct fig *f)
{
	static uint64_t stamp = 1000;
	struct xs_handle *h = open_as(e, domid);
	xs_transaction_t t = xs_transaction_start(h);
	const struct { const char *k; uint64_t v; } kv[] = {
		{ "tot", f->tot }, { "free", f->free }, { "avail", f->free },
		{ "committed_as", f->committed_as }, { "swap_tot", f->swap_tot },
		{ "swap_free", f->swap_free }, { "oom_kills", f->oom_kills },
		{ "psi_some", f->psi_some }, { "swapin_rate", f->swapin_rate },
		{ "stamp", ++stamp }, { "membal_version", 1 },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		char path[128];
		int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)kv[i].v);

		snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid, kv[i].k);
		assert_true(xs_write(h, t, path, buf, (unsigned)n));
	}
	if (f->balloon_current) {
		const struct { const char *k; uint64_t v; } bal[] = {
			{ "balloon_current", f->balloon_current },
			{ "balloon_target", f->balloon_target },
		};
		for (size_t i = 0; i < 2; i++) {
			char path[128];
			int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)bal[i].v);

			snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid, bal[i].k);
			assert_true(xs_write(h, t, path, buf, (unsigned)n));
		}
	}
	assert_true(xs_transaction_end(h, t, false));
	xs_close(h);
}

static uint64_t xs_target(struct env *e, uint32_t domid)
{
	uint64_t kb = 0;
	char path[64];
	unsigned len;

	snprintf(path, sizeof(path), "/local/domain/%u/memory/target", domid);
	char *s = xs_read(e->h0, XBT_NULL, path, &len);
	assert_non_null(s);
	kb = strtoull(s, NULL, 10);
	free(s);
	return kb;
}

/* ---- scenarios ---------------------------------------------------------- */

/*
 * 2048 MiB host: dom0 512, a 384 MiB appliance without an agent, and two
 * 512 MiB guests (static-max 1024). 128 MiB is free at the start, 56 MiB
 * above the 72 MiB reserve; the two guests can have 1464 - 384 = 1080 MiB
 * between them. At 10 s, while the idle guest still holds most
 * of its 512 MiB (self-adjustment shrinks it in eighths), the busy guest's
 * demand jumps from 40 to 800 MiB (a goal of about 930 MiB): more than free memory can give it, so
 * the host turns scarce and memory must come from the idle guest.
 */
static const char *const contention =
	"[host]\ntotal_mb = 2048\ndom0_mb = 512\nballoon_rate_mb_s = 256\n"
	"[guest busy]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 1024\n"
	"swap_mb = 1024\nworkload = step:40,800,10\n"
	"[guest idle]\ndomid = 2\nmemory_mb = 512\nstatic_max_mb = 1024\nworkload = idle\n"
	"[guest appliance]\ndomid = 3\nmemory_mb = 384\nagent = no\nworkload = const:300\n";

static void test_load_rise_takes_memory_from_idle(void **state)
{
	struct env *e = start(contention, SIM_AGENTS_INPROCESS, NULL);

	run(e, 8);      /* both idle, abundant self-adjustment under way */
	uint64_t busy0 = xs_target(e, 1), idle0 = xs_target(e, 2);
	assert_true(adom(e, 1)->decided && adom(e, 2)->decided);
	assert_int_equal(adom(e, 3)->skip, SKIP_NO_AGENT); /* no agent: left alone */
	uint64_t appliance = xs_target(e, 3);
	uint64_t idle_n0 = sdom(e, 2)->tot_kb;

	/* The rise. Count cycles until busy holds 90 % of its goal. */
	unsigned cycles = 0;
	uint64_t writes0 = e->a.n.target_writes;
	do {
		run(e, 1);
		cycles++;
	} while (cycles < 60 && !(xs_target(e, 1) > busy0 &&
				  sdom(e, 1)->tot_kb * 10 >= xs_target(e, 1) * 9));
	print_message("busy holds 90%% of its new target %llu KiB (goal %llu, %s) %u cycles after the rise, %llu target writes\n",
		      (unsigned long long)xs_target(e, 1),
		      (unsigned long long)adom(e, 1)->decision.goal_kb,
		      policy_mode_name(e->a.cycle.mode), cycles,
		      (unsigned long long)(e->a.n.target_writes - writes0));
	assert_true(cycles <= 2 + 5);      /* the rise is at 10 s: a few cycles */
	assert_int_equal(e->a.cycle.mode, POLICY_MODE_SCARCE);
	assert_true(sdom(e, 2)->tot_kb < idle_n0);
	assert_true(xs_target(e, 1) > busy0);
	assert_true(xs_target(e, 2) < idle0);       /* memory came from the idle one */
	assert_int_equal(xs_target(e, 3), appliance); /* and not from the unmanaged one */
	assert_int_equal(e->violations, 0);
	assert_non_null(strstr(logged(e), "domain 1 (busy): target"));
	stop(e);
}

/* Decision history through a recording sink (as the journal would get
 * it): one record per target write, with the domain's name, the target
 * that was written and the decision's mode and reasons; nothing on the
 * stderr log then. */
struct rec_log {
	size_t n;
	struct { uint32_t domid; char domain[64], mode[16], reason[64];
		 uint64_t target_kb, demand_kb; } r[512];
};

static int rec_send(void *user, const struct history_change *c, const char *message)
{
	struct rec_log *l = user;

	if (l->n < sizeof(l->r) / sizeof(l->r[0])) {
		l->r[l->n].domid = c->domid;
		snprintf(l->r[l->n].domain, sizeof(l->r[l->n].domain), "%s", c->domain);
		snprintf(l->r[l->n].mode, sizeof(l->r[l->n].mode), "%s", c->mode);
		snprintf(l->r[l->n].reason, sizeof(l->r[l->n].reason), "%s", c->reason);
		l->r[l->n].target_kb = c->target_kb;
		l->r[l->n].demand_kb = c->demand_kb;
	}
	l->n++;
	return 0;
}

static void test_history_records_each_change(void **state)
{
	static struct rec_log l;
	const struct history_sink sink = { rec_send, &l };
	struct env *e = start(contention, SIM_AGENTS_INPROCESS, NULL);

	memset(&l, 0, sizeof(l));
	history_set_sink(&sink);
	uint64_t writes0 = e->a.n.target_writes;

	run(e, 20);     /* the rise at 10 s: scarce mode, memory moves */
	history_set_sink(NULL);
	assert_true(l.n >= 2);
	assert_int_equal(l.n, e->a.n.target_writes - writes0);
	assert_null(strstr(logged(e), "(busy): target"));
	bool scarce = false;
	uint64_t last1 = 0;

	for (size_t i = 0; i < l.n; i++) {
		assert_string_equal(l.r[i].domain, adom(e, l.r[i].domid)->name);
		assert_true(!strcmp(l.r[i].mode, "abundant") || !strcmp(l.r[i].mode, "scarce"));
		assert_true(l.r[i].reason[0] != '\0');
		scarce |= !strcmp(l.r[i].mode, "scarce");
		if (l.r[i].domid == 1)
			last1 = l.r[i].target_kb;
	}
	assert_true(scarce);
	assert_int_equal(last1, xs_target(e, 1));   /* the last write is what is there */
	stop(e);
}

static void test_lagging_balloon_no_flip_flop(void **state)
{
	/* 4 MiB/s balloons: grants take many cycles to be taken. */
	char sc[1024];
	snprintf(sc, sizeof(sc), "%s", contention);
	char *p = strstr(sc, "balloon_rate_mb_s = 256");
	memcpy(p, "balloon_rate_mb_s = 4  ", strlen("balloon_rate_mb_s = 256"));
	struct env *e = start(sc, SIM_AGENTS_INPROCESS, NULL);

	run(e, 60);
	uint64_t prev = xs_target(e, 1);
	unsigned down = 0, up = 0;

	for (int i = 0; i < 120; i++) {
		run(e, 1);
		uint64_t t = xs_target(e, 1);

		if (getenv("LOOP_DEBUG") && t < prev)
			print_message("t=%llu target=%llu tot=%llu\n", (unsigned long long)clock_now_ms(),
				      (unsigned long long)t, (unsigned long long)sdom(e, 1)->tot_kb);
		down += t < prev;
		up += t > prev;
		prev = t;
	}
	/* While its demand stays high, the busy guest's target only rises
	 * (no withdrawal either: its balloon moves, slowly). */
	assert_true(up > 0);
	assert_int_equal(down, 0);
	assert_int_equal(e->a.n.withdrawals, 0);
	assert_int_equal(e->violations, 0);
	stop(e);
}

/* Two fake-agent guests on an abundant host: exact figures. */
static const char *const two_fake =
	"[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
	"[guest a]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 2048\nagent = no\n"
	"[guest b]\ndomid = 2\nmemory_mb = 512\nstatic_max_mb = 2048\nagent = no\n";

static const char *const quick =
	"[daemon]\nstuck_after_ms = 5000\nstale_after_ms = 8000\n";

static void test_grant_not_taken_is_withdrawn(void **state)
{
	char sc[1024];
	snprintf(sc, sizeof(sc), "%s%s", two_fake, "follows = no\n"); /* b never moves */
	struct env *e = start(sc, SIM_AGENTS_NONE, quick);

	run(e, 1);       /* keys handed over */
	fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 200 * MIB, .committed_as = 200 * MIB });
	/* b asks for 900 MiB: abundant, so it is granted at once... */
	fake_publish(e, 2, &(struct fig){ .tot = 460 * MIB, .free = 10 * MIB, .committed_as = 900 * MIB });
	run(e, 2);
	assert_true(xs_target(e, 2) > 900 * MIB);
	assert_false(adom(e, 2)->uncooperative);   /* failing to grow is not that */
	/* ...but never taken: withdrawn after stuck_after_ms. */
	for (int i = 0; i < 8; i++) {
		fake_publish(e, 2, &(struct fig){ .tot = 460 * MIB, .free = 10 * MIB, .committed_as = 900 * MIB });
		run(e, 1);
	}
	assert_true(e->a.n.withdrawals >= 1);
	assert_non_null(strstr(logged(e), "grant not taken: withdrawn"));
	assert_false(adom(e, 2)->uncooperative);
	assert_null(xsd_read(e->x, "/local/domain/2/memory/uncooperative"));
	stop(e);
}

static void test_uncooperative_memory_not_handed_out(void **state)
{
	char sc[1024];
	snprintf(sc, sizeof(sc), "%s%s", two_fake, "follows = no\n");
	struct env *e = start(sc, SIM_AGENTS_NONE, quick);

	run(e, 1);
	/* b idles: its goal is far below what it holds; it never shrinks. */
	for (int i = 0; i < 20; i++) {
		fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 100 * MIB });
		fake_publish(e, 2, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 100 * MIB });
		run(e, 1);
	}
	assert_true(adom(e, 2)->uncooperative);
	char *flag = xsd_read(e->x, "/local/domain/2/memory/uncooperative");
	assert_non_null(flag);
	free(flag);
	assert_int_equal(adom(e, 2)->skip, SKIP_UNCOOPERATIVE);
	/* Its maxmem is capped to its target: it can only shrink. */
	assert_int_equal(sdom(e, 2)->max_kb, xs_target(e, 2) + 1024);
	/* Now a asks for everything: what b holds is not handed out. */
	for (int i = 0; i < 5; i++) {
		fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 1 * MIB, .committed_as = 3000 * MIB });
		run(e, 1);
	}
	uint64_t b_holds = sdom(e, 2)->tot_kb;
	uint64_t room = 4096 * MIB - 512 * MIB - b_holds - e->reserve_kb;
	assert_true(xs_target(e, 1) <= room);
	assert_int_equal(e->violations, 0);
	/* SIGTERM lifts the flag and the cap, keeps the target. */
	uint64_t tgt = xs_target(e, 2);
	arbiter_shutdown(&e->a);
	assert_null(xsd_read(e->x, "/local/domain/2/memory/uncooperative"));
	assert_int_equal(xs_target(e, 2), tgt);
	stop(e);
}

static void test_stale_agent_freezes_target(void **state)
{
	struct env *e = start(two_fake, SIM_AGENTS_NONE, quick);

	run(e, 1);
	fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 100 * MIB });
	run(e, 3);
	uint64_t t1 = xs_target(e, 1);
	/* The agent dies: nothing new for 8 s, then the domain is stale and
	 * its target stays whatever happens elsewhere. */
	run(e, 8);
	assert_int_equal(adom(e, 1)->skip, SKIP_STALE);
	uint64_t frozen = xs_target(e, 1);
	for (int i = 0; i < 20; i++) {
		fake_publish(e, 2, &(struct fig){ .tot = 460 * MIB, .free = 1 * MIB, .committed_as = 1500 * MIB });
		run(e, 1);
	}
	assert_int_equal(xs_target(e, 1), frozen);
	(void)t1;
	/* A new stamp is liveness again. */
	fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 100 * MIB });
	run(e, 1);
	assert_int_equal(adom(e, 1)->skip, SKIP_NONE);
	stop(e);
}

static void test_pressure_blocks_shrink_and_oom_raises_min(void **state)
{
	struct env *e = start(two_fake, SIM_AGENTS_NONE, quick);

	run(e, 1);
	/* a: tiny demand but PSI 50 %: not shrunk. */
	for (int i = 0; i < 5; i++) {
		fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 400 * MIB, .committed_as = 10 * MIB, .psi_some = 5000 });
		fake_publish(e, 2, &(struct fig){ .tot = 460 * MIB, .free = 400 * MIB, .committed_as = 10 * MIB });
		run(e, 1);
	}
	assert_int_equal(xs_target(e, 1), 512 * MIB);
	assert_true(xs_target(e, 2) < 512 * MIB);        /* b shrank */
	assert_true(adom(e, 1)->pressure_holds > 0);
	assert_true(adom(e, 1)->decision.reasons & POLICY_R_PSI);
	/* Pressure gone: a shrinks too. Then b reports an OOM kill: its
	 * minimum becomes N + 64 MiB for oom_hold_s. */
	for (int i = 0; i < 30; i++) {
		fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 400 * MIB, .committed_as = 10 * MIB });
		run(e, 1);
	}
	assert_true(xs_target(e, 1) < 512 * MIB);
	uint64_t n_b = sdom(e, 2)->tot_kb;
	fake_publish(e, 2, &(struct fig){ .tot = 300 * MIB, .free = 100 * MIB, .committed_as = 10 * MIB, .oom_kills = 1 });
	run(e, 2);
	assert_int_equal(adom(e, 2)->oom_events, 1);
	assert_true(xs_target(e, 2) >= n_b + 64 * MIB);
	assert_true(adom(e, 2)->decision.reasons & POLICY_R_OOM);
	assert_non_null(strstr(logged(e), "domain 2 (b): 1 OOM kill(s)"));
	stop(e);
}

static void test_garbage_rejected_others_undisturbed(void **state)
{
	/* Long stale window: both guests stay live, so what keeps b's
	 * target is its last good figures, not staleness. */
	struct env *e = start(two_fake, SIM_AGENTS_NONE, "[daemon]\nstale_after_ms = 600000\n");
	static char big[2015]; /* the most a one-permission node holds */

	run(e, 1);
	fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 100 * MIB });
	fake_publish(e, 2, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 200 * MIB });
	run(e, 60);   /* both converge on their goals */
	uint64_t b_target = xs_target(e, 2);
	uint64_t a_goal = adom(e, 1)->decision.goal_kb;
	uint64_t w0 = e->a.n.target_writes;
	/* b turns hostile: each publication breaks another rule. */
	struct xs_handle *h = open_as(e, 2);
	memset(big, '7', sizeof(big));
	const char *garbage[][2] = {
		{ "committed_as", "lots" }, { "committed_as", "-5" },
		{ "swap_free", "999999999" }, { "free", "18446744073709551616" },
		{ "tot", "99999999999" },
	};
	uint64_t rej0 = e->a.n.reports_rejected;
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		fake_publish(e, 2, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 200 * MIB });
		assert_true(guest_write(h, 2, garbage[i][0], garbage[i][1], strlen(garbage[i][1])));
		assert_true(guest_write(h, 2, "stamp", "1", 1));
		run(e, 1);
	}
	fake_publish(e, 2, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 200 * MIB });
	assert_true(guest_write(h, 2, "committed_as", big, sizeof(big)));
	assert_true(guest_write(h, 2, "stamp", "2", 1));
	run(e, 1);
	assert_string_equal(adom(e, 2)->last_reject, "committed_as: syntax");
	/* A key that is not ours to write stays refused by xenstored. */
	assert_false(guest_write(h, 2, "target", "99999999", 8));
	assert_int_equal(errno, EACCES);
	assert_false(guest_write(h, 1, "free", "1", 1));  /* another domain's key */
	xs_close(h);
	assert_int_equal(e->a.n.reports_rejected - rej0, 6);
	assert_int_equal(adom(e, 2)->rej.reports, 6);
	assert_non_null(strstr(logged(e), "domain 2 (b): report refused"));
	/* b keeps its last good figures and target; a is untouched. */
	assert_int_equal(xs_target(e, 2), b_target);
	assert_int_equal(adom(e, 1)->decision.goal_kb, a_goal);
	assert_int_equal(e->a.n.target_writes, w0);
	stop(e);
}

static void test_domain_vanishes_and_mem_set_holds(void **state)
{
	char sc[1024];
	snprintf(sc, sizeof(sc), "%s%s", two_fake, "stop_s = 20\n"); /* b goes */
	struct env *e = start(sc, SIM_AGENTS_NONE, quick);

	run(e, 1);
	for (int i = 0; i < 25; i++) {
		fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 100 * MIB });
		if (i < 18)
			fake_publish(e, 2, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 100 * MIB });
		run(e, 1);
	}
	assert_null(adom(e, 2));
	assert_int_equal(e->a.n.domains_removed, 1);
	assert_non_null(strstr(logged(e), "domain 2 (b) is gone"));
	assert_int_equal(e->a.n.write_errors, 0);

	/* xl mem-set by hand: the domain is put on hold. */
	uint64_t before = e->a.n.target_writes;
	assert_true(xs_write(e->h0, XBT_NULL, "/local/domain/1/memory/target", "700000", 6));
	for (int i = 0; i < 5; i++) {
		fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 100 * MIB });
		run(e, 1);
	}
	assert_true(adom(e, 1)->hold_manual);
	assert_int_equal(adom(e, 1)->skip, SKIP_HOLD_MANUAL);
	assert_int_equal(xs_target(e, 1), 700000);
	assert_int_equal(e->a.n.target_writes, before);
	assert_non_null(strstr(logged(e), "set to 700000 KiB by someone else"));
	/* membalctl resume: managed again from the administrator's value. */
	assert_int_equal(arbiter_pause(&e->a, "a", false), 0);
	fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 100 * MIB });
	run(e, 2);
	assert_false(adom(e, 1)->hold_manual);
	assert_true(xs_target(e, 1) < 700000);
	assert_int_equal(arbiter_pause(&e->a, "nosuch", true), -1);
	stop(e);
}

static void test_reserve_frees_and_keeps(void **state)
{
	/* The reservation mechanics, under need = committed: the 400 MiB
	 * are taken from guests whatever they need (under need = estimate
	 * see test_reservation_stops_at_need). */
	struct env *e = start(contention, SIM_AGENTS_INPROCESS,
			      "[policy]\nneed = committed\n");

	run(e, 30);
	uint32_t id;

	assert_int_equal(arbiter_reserve(&e->a, 400 * MIB, 0, NULL, &id), 0);
	run(e, 40);
	assert_true(host_free(e) + MIB >= e->reserve_kb + 400 * MIB);
	/* kept while the busy guest's demand rises (at 60 s) */
	run(e, 30);
	assert_true(host_free(e) + MIB >= e->reserve_kb + 400 * MIB);
	assert_int_equal(e->violations, 0);
	assert_int_equal(arbiter_release(&e->a, id), 1);
	run(e, 20);
	assert_true(host_free(e) < e->reserve_kb + 400 * MIB); /* handed out again */
	/* a timeout ends a reservation by itself */
	assert_int_equal(arbiter_reserve(&e->a, 100 * MIB, 5000, NULL, &id), 0);
	run(e, 6);
	assert_int_equal(e->a.reserve_kb, 0);
	assert_non_null(strstr(logged(e), "reservation 2 of 102400 KiB expired"));
	stop(e);
}

/* need = estimate: a reservation is served from free memory and from
 * what guests hold above their working set, never below it: with the
 * busy guest needing 800 MiB, 400 MiB cannot be found, the busy guest
 * keeps its need, and `reserved` says why. */
static void test_reservation_stops_at_need(void **state)
{
	struct env *e = start(contention, SIM_AGENTS_INPROCESS, NULL);
	uint64_t missing;
	char why[512];
	uint32_t id;

	run(e, 70);     /* past adopt_grace_s and the rise at 10 s */
	assert_int_equal(arbiter_reserve(&e->a, 400 * MIB, 0, NULL, &id), 0);
	run(e, 40);
	const struct dom *busy = adom(e, 1);
	uint64_t need = 800 * MIB;   /* step:40,800,10: the demand alone */

	assert_true(busy->decided);
	assert_true(busy->target_kb >= need);
	assert_true(sdom(e, 1)->tot_kb >= need);
	assert_int_equal(arbiter_reservation_ready(&e->a, id, &missing, why, sizeof(why)), 0);
	assert_true(missing > 0);
	assert_non_null(strstr(why, "at their working set"));
	/* what the idle guest held above its need was given back */
	assert_true(host_free(e) > e->reserve_kb);
	assert_int_equal(e->violations, 0);
	stop(e);
}

/* need = estimate: a newly adopted guest is not shrunk below
 * max(W, Committed_AS + O) + gap for adopt_grace_s (its programs promised
 * more than they touched: it may be ramping), then it is, down toward
 * W + gap. With adopt_grace_s = 0 it is shrunk at once. */
static const char *const promised =
	"[host]\ntotal_mb = 2048\ndom0_mb = 512\nballoon_rate_mb_s = 256\n"
	"[guest p]\ndomid = 1\nmemory_mb = 768\nstatic_max_mb = 1024\n"
	"untouched_mb = 600\nworkload = const:100\n";

static void test_adopt_grace(void **state)
{
	struct env *e = start(promised, SIM_AGENTS_INPROCESS, NULL);

	run(e, 40);
	assert_true(adom(e, 1)->decided);
	assert_int_equal(xs_target(e, 1), 768 * MIB);   /* not shrunk yet */
	assert_true(adom(e, 1)->decision.reasons & POLICY_R_ADOPT);
	run(e, 60);                                     /* grace over at 60 s */
	assert_true(xs_target(e, 1) < 600 * MIB);
	assert_false(adom(e, 1)->decision.reasons & POLICY_R_ADOPT);
	assert_int_equal(e->violations, 0);
	stop(e);

	e = start(promised, SIM_AGENTS_INPROCESS, "[policy]\nadopt_grace_s = 0\n");
	run(e, 40);
	assert_true(xs_target(e, 1) < 600 * MIB);
	stop(e);
}

/* The boot grace (design.md §A step ahead and the boot grace): a guest
 * that starts while the arbiter runs keeps all it was started with for
 * adopt_grace_s while the host is abundant (late-ramp: it jumps 20 s
 * after its boot); one adopted at the arbiter's start (`promised`'s p,
 * here beside it) does not. */
static const char *const booting =
	"[host]\ntotal_mb = 3072\ndom0_mb = 512\nballoon_rate_mb_s = 256\n"
	"[guest p]\ndomid = 1\nmemory_mb = 768\nstatic_max_mb = 1024\n"
	"workload = const:100\n"
	"[guest late]\ndomid = 2\nmemory_mb = 768\nstatic_max_mb = 1024\n"
	"start_s = 20\nworkload = const:100\n";

static void test_boot_grace(void **state)
{
	struct env *e = start(booting, SIM_AGENTS_INPROCESS, NULL);

	run(e, 40);     /* late booted at 20 s: 20 s into its grace */
	assert_true(adom(e, 1)->decided && adom(e, 2)->decided);
	assert_true(adom(e, 2)->booted);
	assert_false(adom(e, 1)->booted);
	assert_true(xs_target(e, 1) < 600 * MIB);       /* p: shrunk */
	assert_int_equal(xs_target(e, 2), 768 * MIB);   /* late: kept */
	assert_true(adom(e, 2)->decision.reasons & POLICY_R_ADOPT);
	run(e, 60);                                     /* its grace is over */
	assert_true(xs_target(e, 2) < 600 * MIB);
	assert_int_equal(e->violations, 0);
	stop(e);
}

static void test_xenstored_restart_survived(void **state)
{
	struct env *e = start(contention, SIM_AGENTS_INPROCESS, NULL);

	run(e, 5);      /* before the busy guest's rise at 10 s */
	uint64_t t1 = xs_target(e, 1), t2 = xs_target(e, 2);
	xs_close(e->h0);
	assert_int_equal(xsd_restart(e->x, true), 0);
	e->h0 = xs_open(0);
	assert_non_null(e->h0);
	uint64_t w0 = e->a.n.target_writes;
	run(e, 3);
	assert_true(e->a.xs != NULL);
	assert_true(e->a.n.xs_reconnects >= 1);
	assert_non_null(strstr(logged(e), "connected to xenstored again"));
	/* Reconnected without a burst: at most one step per managed domain
	 * per cycle, as before, and nobody's target taken for a manual one. */
	assert_true(e->a.n.target_writes - w0 <= 2 * 3);
	assert_int_equal(e->a.n.manual_holds, 0);
	assert_true(xs_target(e, 1) <= t1 && xs_target(e, 2) <= t2);
	/* and still balancing when the load rises */
	run(e, 40);
	assert_true(xs_target(e, 1) > t1);
	stop(e);
}

static void test_dry_run_writes_nothing(void **state)
{
	struct env *e = start(contention, SIM_AGENTS_INPROCESS, NULL);
	struct arbiter dry;

	arbiter_free(&e->a);
	assert_int_equal(arbiter_init(&dry, &e->cfg, &e->hv, true), 0);
	e->a = dry;
	run(e, 80);
	assert_int_equal(e->a.n.target_writes, 0);
	assert_int_equal(e->a.n.maxmem_writes, 0);
	assert_int_equal(xs_target(e, 1), 512 * MIB);
	assert_int_equal(xs_target(e, 2), 512 * MIB);
	assert_non_null(strstr(logged(e), "dry-run: domain 2 (idle): target"));
	stop(e);
}

static void test_restart_makes_no_burst(void **state)
{
	struct env *e = start(contention, SIM_AGENTS_INPROCESS, NULL);

	run(e, 90);   /* through the rise, into steady state */
	uint64_t w0 = e->a.n.target_writes;
	run(e, 5);
	uint64_t running = e->a.n.target_writes - w0;
	uint64_t t1 = xs_target(e, 1), t2 = xs_target(e, 2);

	/* kill -9 and start again: state rebuilt from xenstore and the
	 * hypervisor. */
	arbiter_free(&e->a);
	assert_int_equal(arbiter_init(&e->a, &e->cfg, &e->hv, false), 0);
	run(e, 5);
	assert_true(e->a.n.target_writes <= running + 1);
	assert_true(xs_target(e, 1) + 16 * MIB >= t1 && xs_target(e, 1) <= t1 + 16 * MIB);
	assert_true(xs_target(e, 2) + 16 * MIB >= t2 && xs_target(e, 2) <= t2 + 16 * MIB);
	assert_int_equal(e->a.n.manual_holds, 0); /* its own old targets are not "manual" */
	stop(e);
}

/* headroom = learned: a guest reporting the same figures gets at most 6
 * target writes a minute, a steady cycle still sends no request, and the
 * learned gap, kept in memory/membal_state, survives a restart. */
static void test_learned_gap_steady_and_kept(void **state)
{
	struct env *e = start(two_fake, SIM_AGENTS_NONE,
			      "[policy]\nheadroom = learned\n[daemon]\nstale_after_ms = 600000\n");
	const struct fig f = { .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 300 * MIB };
	struct xsd_stats st0, st1;

	run(e, 1);
	for (int i = 0; i < 120; i++) {
		fake_publish(e, 1, &f);
		fake_publish(e, 2, &f);
		run(e, 1);
	}
	uint64_t w0 = e->a.n.target_writes;

	for (int i = 0; i < 60; i++) {
		fake_publish(e, 1, &f);
		fake_publish(e, 2, &f);
		run(e, 1);
	}
	assert_true(e->a.n.target_writes - w0 <= 2 * 6);
	struct dom *d = adom(e, 1);
	uint64_t gap = d->gap.gap_kb;

	assert_int_equal(d->headroom, POLICY_HEADROOM_LEARNED);
	assert_true(e->a.n.gap_steps >= 2 * 170);
	/* [gap_min, min(gap_max, W/2)]: W = 300 MiB */
	assert_true(gap >= 32 * MIB && gap <= 148 * MIB);
	assert_int_equal(d->gap_kb, gap);
	assert_true(d->gap_saves >= 1);

	w0 = e->a.n.target_writes;
	run(e, 60);   /* the reports stop: stale_after_ms is 10 min */
	assert_int_equal(e->a.n.target_writes, w0);
	e->no_sync = true;
	run(e, 5);
	assert_int_equal(e->a.n.target_writes, w0);
	xsd_get_stats(e->x, &st0);
	run(e, 1);
	xsd_get_stats(e->x, &st1);
	if (st1.requests - st0.requests > 2)
		for (unsigned t = 0; t < XS_TYPE_COUNT; t++)
			if (st1.by_type[t] != st0.by_type[t])
				print_message("%s: %llu\n", xsd_type_name(t),
					      (unsigned long long)(st1.by_type[t] - st0.by_type[t]));
	assert_true(st1.requests - st0.requests <= 2);   /* the sim's own sync */
	e->no_sync = false;

	char want[64], *text;
	unsigned len;

	snprintf(want, sizeof(want), "gap_kb=%llu ", (unsigned long long)gap);
	text = xs_read(e->h0, XBT_NULL, "/local/domain/1/memory/membal_state", &len);
	assert_non_null(text);
	assert_non_null(strstr(text, want));
	free(text);

	/* SIGTERM, then a new arbiter: the gap is restored, not relearned. */
	arbiter_shutdown(&e->a);
	arbiter_free(&e->a);
	assert_int_equal(arbiter_init(&e->a, &e->cfg, &e->hv, false), 0);
	run(e, 1);
	assert_true(adom(e, 1)->gap.init);
	assert_int_equal(adom(e, 1)->gap.gap_kb, gap);
	stop(e);
}

/* gap_band (design.md §The learned gap): once the learned gap is cut
 * below gap_start, a rise of the demand that keeps the guest between its
 * learned gap and gap_start is not written (nor is the cut itself: the
 * gap the target leaves is within the band); with gap_band = no the cut
 * and each rise are. */
static void band_run(bool band, uint64_t *writes, uint64_t *gap)
{
	char cfg[192];

	snprintf(cfg, sizeof(cfg), "[policy]\nheadroom = learned\ngap_greedy = 0\ngap_band = %s\n"
		 "[daemon]\nstale_after_ms = 600000\n", band ? "yes" : "no");
	struct env *e = start(two_fake, SIM_AGENTS_NONE, cfg);
	struct fig f = { .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 300 * MIB };

	run(e, 1);
	for (int i = 0; i < 60; i++) {
		fake_publish(e, 1, &f);
		run(e, 1);
	}
	struct dom *d = adom(e, 1);
	uint64_t w0 = e->a.n.target_writes;

	d->gap.gap_kb = d->gap.use_kb = 32 * MIB;   /* as if learned */
	for (int i = 0; i < 4; i++) {
		f.committed_as += 4 * MIB;
		fake_publish(e, 1, &f);
		run(e, 2);
	}
	*writes = e->a.n.target_writes - w0;
	*gap = d->gap_kb;
	stop(e);
}

static void test_learned_gap_band(void **state)
{
	uint64_t writes, gap;

	band_run(true, &writes, &gap);
	assert_int_equal(writes, 0);
	assert_true(gap >= 32 * MIB && gap <= 64 * MIB - 16 * MIB);   /* 64 less the rise */
	band_run(false, &writes, &gap);
	assert_true(writes >= 4);
	assert_int_equal(gap, 32 * MIB);
}

static void test_steady_state_sends_no_request(void **state)
{
	struct env *e = start(two_fake, SIM_AGENTS_NONE, "[daemon]\nstale_after_ms = 600000\n");
	struct xsd_stats st0, st1;

	run(e, 1);
	fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 300 * MIB });
	fake_publish(e, 2, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 300 * MIB });
	run(e, 60); /* self-adjustment reaches both goals */
	uint64_t w0 = e->a.n.target_writes;
	e->no_sync = true;   /* count the arbiter's requests only */
	run(e, 5);
	assert_int_equal(e->a.n.target_writes, w0); /* steady */
	xsd_get_stats(e->x, &st0);
	run(e, 1);
	xsd_get_stats(e->x, &st1);
	/* The sim's sync costs one request per balloon connection per
	 * advance; the arbiter itself sends none. */
	uint64_t sim_sync = 2;
	if (st1.requests - st0.requests > sim_sync)
		for (unsigned t = 0; t < XS_TYPE_COUNT; t++)
			if (st1.by_type[t] != st0.by_type[t])
				print_message("%s: %llu\n", xsd_type_name(t),
					      (unsigned long long)(st1.by_type[t] - st0.by_type[t]));
	assert_true(st1.requests - st0.requests <= sim_sync);
	/* One publication: one transaction to read it (START, reads, END). */
	fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 300 * MIB });
	e->no_sync = false;
	sync_arbiter(e);
	xsd_get_stats(e->x, &st0);
	e->no_sync = true;
	run(e, 1);
	xsd_get_stats(e->x, &st1);
	assert_int_equal(st1.tx_committed - st0.tx_committed, 1);
	/* A heartbeat (the stamp alone, as the agent writes it when nothing
	 * moved) is liveness and costs the arbiter one READ of the stamp, no
	 * report transaction. */
	struct xs_handle *h = open_as(e, 2);
	assert_true(guest_write(h, 2, "stamp", "424242", 6));
	xs_close(h);
	e->no_sync = false;
	sync_arbiter(e);
	xsd_get_stats(e->x, &st0);
	e->no_sync = true;
	uint64_t seen0 = adom(e, 2)->stamp_ms;
	run(e, 1);
	xsd_get_stats(e->x, &st1);
	assert_true(st1.requests - st0.requests <= sim_sync + 1);
	assert_int_equal(st1.by_type[XS_READ] - st0.by_type[XS_READ], 1);
	assert_int_equal(st1.tx_started - st0.tx_started, 0);
	assert_true(adom(e, 2)->stamp_ms > seen0);
	/* The same stamp written again is not liveness (a frozen agent). */
	h = open_as(e, 2);
	assert_true(guest_write(h, 2, "stamp", "424242", 6));
	xs_close(h);
	seen0 = adom(e, 2)->stamp_ms;
	run(e, 1);
	assert_int_equal(adom(e, 2)->stamp_ms, seen0);
	stop(e);
}

/* A new agent's report: memory/report, every figure and the stamp in one
 * WRITE as the guest (what src/agent/agent.c writes when it was handed
 * over). */
static void value_publish(struct env *e, uint32_t domid, const struct fig *f, uint64_t stamp)
{
	uint64_t v[MK_COUNT] = { 0 };
	bool have[MK_COUNT] = { false };
	char buf[REPORT_VALUE_MAX];
	struct xs_handle *h = open_as(e, domid);

	v[MK_TOT] = f->tot;
	v[MK_FREE] = v[MK_AVAIL] = f->free;
	v[MK_COMMITTED_AS] = f->committed_as;
	v[MK_OOM_KILLS] = f->oom_kills;
	v[MK_PSI_SOME] = f->psi_some;
	v[MK_STAMP] = stamp;
	for (int k = MK_TOT; k <= MK_PSI_SOME; k++)
		have[k] = k != MK_BALLOON_CURRENT && k != MK_BALLOON_TARGET;
	have[MK_STAMP] = true;
	size_t n = report_value_encode(buf, v, have);

	assert_true(guest_write(h, domid, REPORT_VALUE_KEY, buf, n));
	xs_close(h);
}

/* Domain domid publishes f as one value; the arbiter's watch is drained,
 * then one cycle runs between two readings of the xenstored's counters. */
static void publish_and_cycle(struct env *e, uint32_t domid, const struct fig *f,
			      uint64_t stamp, struct xsd_stats *st0, struct xsd_stats *st1)
{
	value_publish(e, domid, f, stamp);
	e->no_sync = false;
	sync_arbiter(e);
	e->no_sync = true;
	xsd_get_stats(e->x, st0);
	run(e, 1);
	xsd_get_stats(e->x, st1);
}

static char *status_json(struct env *e)
{
	static char buf[32768];
	char path[128];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/status.json", e->dir);
	assert_int_equal(status_write_json(&e->a, path), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* Whether the node exists (dom0's view). */
static bool node_there(struct env *e, uint32_t domid, const char *key)
{
	char path[128];
	unsigned len;
	char *v;

	snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid, key);
	v = xs_read(e->h0, XBT_NULL, path, &len);
	free(v);
	return v != NULL;
}

/* The lazy hand-over (design.md §The lazy hand-over), per_key_after_ms as
 * shipped: at adoption a domain is handed memory/report and nothing else.
 * An older agent's per-key writes are refused (it retries) until
 * per_key_after_ms passed without a memory/report; then the keys are its,
 * it publishes, its report is read, and what is dom0's stays dom0's. A
 * new agent's domain gets no per-key key while it publishes, and gets
 * them once it has been silent that long (an older agent in its place). */
static void test_lazy_hand_over_older_agent(void **state)
{
	struct env *e = start(two_fake, SIM_AGENTS_NONE,
			      "[daemon]\nstale_after_ms = 600000\nper_key_after_ms = 30000\n");
	const struct fig f = { .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 300 * MIB };
	struct xs_handle *h1 = open_as(e, 1), *h2 = open_as(e, 2);
	uint64_t stamp = 7000, t0 = clock_now_ms();

	assert_int_equal(e->a.cfg.per_key_after_ms, 30000);
	run(e, 1);
	for (uint32_t d = 1; d <= 2; d++) {
		assert_true(node_there(e, d, REPORT_VALUE_KEY));
		for (int k = 0; k < MK_COUNT; k++)
			assert_false(node_there(e, d, membal_key_name(k)));
	}
	/* A new agent in domain 1: memory/report, a heartbeat every 10 s. An
	 * older one in domain 2: refused, so it waits and retries every 5 s
	 * (handover_retry_ms); dom0's keys are never the guest's. */
	value_publish(e, 1, &f, ++stamp);
	while (clock_now_ms() + 1000 < t0 + 30000) {
		if ((clock_now_ms() - t0) % 5000 == 0) {
			errno = 0;
			assert_false(guest_write(h2, 2, "stamp", "1", 1));
			assert_int_equal(errno, EACCES);
		}
		if ((clock_now_ms() - t0) % 10000 == 0)
			value_publish(e, 1, &f, ++stamp);
		run(e, 1);
	}
	assert_false(node_there(e, 2, "stamp"));
	assert_false(adom(e, 2)->have_fig);
	run(e, 2);              /* per_key_after_ms since the adoption */
	assert_non_null(strstr(logged(e), "domain 2 (b): no memory/report for 30000 ms; per-key report keys handed over"));
	assert_null(strstr(logged(e), "domain 1 (a): no memory/report"));
	for (int k = 0; k < MK_COUNT; k++) {
		assert_int_equal(node_there(e, 2, membal_key_name(k)), membal_keys[k].handed_over);
		assert_false(node_there(e, 1, membal_key_name(k)));
	}
	/* The cycle after reads the stamp once for the watch events of the
	 * hand-over itself: empty keys are no report, and no reject. */
	uint64_t reads0 = e->a.n.report_reads, rej0 = e->a.n.reports_rejected;

	run(e, 1);
	assert_int_equal(e->a.n.report_reads, reads0);
	assert_int_equal(e->a.n.reports_rejected, rej0);
	/* Its next retry publishes, one key a figure, and is read. */
	fake_publish(e, 2, &f);
	run(e, 2);
	assert_true(adom(e, 2)->have_fig);
	assert_int_equal(adom(e, 2)->fig.v[MK_COMMITTED_AS], 300 * MIB);
	assert_int_equal(e->a.n.reports_rejected, rej0);
	errno = 0;
	assert_false(guest_write(h2, 2, "target", "1", 1));
	assert_int_equal(errno, EACCES);
	assert_false(guest_write(h2, 2, "static-max", "1", 1));
	assert_false(guest_write(h2, 2, "membal_state", "x", 1));
	/* Domain 1's agent stops: per_key_after_ms after its last report,
	 * the per-key keys are its too; memory/target stays dom0's. */
	uint64_t last = clock_now_ms();

	assert_false(guest_write(h1, 1, "stamp", "1", 1));
	while (clock_now_ms() < last + 32000)
		run(e, 1);
	assert_non_null(strstr(logged(e), "domain 1 (a): no memory/report for 30000 ms; per-key report keys handed over"));
	assert_true(guest_write(h1, 1, "stamp", "1", 1));
	assert_false(guest_write(h1, 1, "target", "1", 1));
	assert_true(guest_write(h1, 1, REPORT_VALUE_KEY, "", 0));
	xs_close(h1);
	xs_close(h2);
	stop(e);
}

/* A hand-over that fails at adoption (here every commit refused, EAGAIN,
 * tx_retries times) is logged, and the late one per_key_after_ms later
 * hands over memory/report as well as the per-key keys. */
static void test_lazy_hand_over_after_a_failure(void **state)
{
	struct env *e = start(two_fake, SIM_AGENTS_NONE,
			      "[daemon]\nstale_after_ms = 600000\nper_key_after_ms = 30000\n");
	struct xs_handle *h1 = open_as(e, 1);
	uint64_t t0 = clock_now_ms();

	xsd_fail_transactions(e->x, 2 * e->a.cfg.tx_retries);
	run(e, 1);
	assert_non_null(strstr(logged(e), "cannot hand over report keys"));
	assert_false(node_there(e, 1, REPORT_VALUE_KEY));
	assert_false(guest_write(h1, 1, REPORT_VALUE_KEY, "", 0));
	while (clock_now_ms() < t0 + 32000)
		run(e, 1);
	for (uint32_t d = 1; d <= 2; d++) {
		assert_true(node_there(e, d, REPORT_VALUE_KEY));
		assert_true(node_there(e, d, "stamp"));
	}
	assert_true(guest_write(h1, 1, REPORT_VALUE_KEY, "", 0));
	assert_true(guest_write(h1, 1, "stamp", "1", 1));
	assert_false(guest_write(h1, 1, "target", "1", 1));
	xs_close(h1);
	stop(e);
}

/* Late hand-overs are capped a cycle (sync.c: a thousand domains without
 * memory/report would cost one cycle 53,000 requests): with the cap at
 * one, the two agentless domains get their per-key keys in two
 * successive cycles, the first as soon as it is due. */
static void test_lazy_hand_over_capped_a_cycle(void **state)
{
	struct env *e = start(two_fake, SIM_AGENTS_NONE,
			      "[daemon]\nstale_after_ms = 600000\nper_key_after_ms = 30000\n");
	uint64_t t0 = clock_now_ms();
	unsigned given = 0;

	assert_int_equal(e->a.per_key_a_cycle, arbiter_per_key_a_cycle);
	e->a.per_key_a_cycle = 1;
	while (given == 0 && clock_now_ms() < t0 + 40000) {
		run(e, 1);
		given = node_there(e, 1, "stamp") + node_there(e, 2, "stamp");
	}
	assert_true(clock_now_ms() >= t0 + 30000);
	assert_int_equal(given, 1);
	run(e, 1);
	assert_true(node_there(e, 1, "stamp"));
	assert_true(node_there(e, 2, "stamp"));
	stop(e);
}

/* The arbiter's side of the one-value layout (design.md §Report layout:
 * one value or one key a figure): the hand-over gives the guest
 * memory/report; a changed report costs one READ and no transaction; a
 * malformed value is refused as a whole, counted (status), logged with
 * the domain and the reason, and the last good figures and target stay. */
static void test_report_value_one_read(void **state)
{
	struct env *e = start(two_fake, SIM_AGENTS_NONE, "[daemon]\nstale_after_ms = 600000\n");
	const struct fig a = { .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 300 * MIB };
	struct fig b = a;
	struct xsd_stats st0, st1;
	uint64_t stamp = 5000;

	run(e, 1);
	char *s = xs_read(e->h0, XBT_NULL, "/local/domain/2/memory/report", &(unsigned){ 0 });

	assert_non_null(s);             /* handed over, empty */
	assert_string_equal(s, "");
	free(s);
	value_publish(e, 1, &a, ++stamp);
	value_publish(e, 2, &b, ++stamp);
	run(e, 60);
	assert_true(adom(e, 2)->have_fig);
	assert_int_equal(adom(e, 2)->fig.v[MK_COMMITTED_AS], 300 * MIB);
	assert_int_equal(adom(e, 2)->stamp, stamp);

	/* A heartbeat (the value again, a new stamp): one READ. */
	e->no_sync = true;
	run(e, 2);
	uint64_t reads0 = e->a.n.report_reads, seen0 = adom(e, 2)->stamp_ms;
	uint64_t hist0 = adom(e, 2)->hist.last_ms;

	publish_and_cycle(e, 2, &b, ++stamp, &st0, &st1);
	assert_int_equal(st1.by_type[XS_READ] - st0.by_type[XS_READ], 1);
	assert_int_equal(st1.tx_started - st0.tx_started, 0);
	assert_int_equal(e->a.n.report_reads - reads0, 1);
	assert_true(adom(e, 2)->stamp_ms > seen0);
	assert_int_equal(adom(e, 2)->stamp, stamp);
	/* ... and liveness alone: the figures are those held, the history
	 * of counter deltas is not pushed again (as for a stamp written
	 * alone one key a figure). */
	assert_int_equal(adom(e, 2)->hist.last_ms, hist0);

	/* A changed report: one READ for it; the target it moves costs the
	 * write's own transaction (a READ of the home, a WRITE). */
	b.committed_as = 340 * MIB;
	uint64_t tw0 = e->a.n.target_writes;

	publish_and_cycle(e, 2, &b, ++stamp, &st0, &st1);
	uint64_t tw = e->a.n.target_writes - tw0;

	assert_int_equal(adom(e, 2)->fig.v[MK_COMMITTED_AS], 340 * MIB);
	assert_true(adom(e, 2)->hist.last_ms > hist0);
	assert_int_equal(st1.by_type[XS_READ] - st0.by_type[XS_READ], 1 + tw);
	assert_int_equal(st1.tx_started - st0.tx_started, tw);
	e->no_sync = false;
	run(e, 20);

	/* Hostile values: each refused whole; nothing of them is taken. */
	struct guest_figures good = adom(e, 2)->fig;
	uint64_t target = xs_target(e, 2), rej0 = e->a.n.reports_rejected;
	uint64_t writes0 = e->a.n.target_writes;
	char ok[REPORT_VALUE_MAX + 1], bad[2 * REPORT_VALUE_MAX];
	struct xs_handle *h = open_as(e, 2);

	value_publish(e, 2, &(struct fig){ .tot = 460 * MIB, .free = 100 * MIB,
					   .committed_as = 100 * MIB }, ++stamp);
	s = xs_read(e->h0, XBT_NULL, "/local/domain/2/memory/report", &(unsigned){ 0 });
	snprintf(ok, sizeof(ok), "%s", s);
	free(s);
	run(e, 60);           /* that one is good: taken, and the target settles */
	good = adom(e, 2)->fig;
	target = xs_target(e, 2);
	writes0 = e->a.n.target_writes;
	rej0 = e->a.n.reports_rejected;
	const char *cases[][2] = {
		{ "doubled space", NULL }, { "trailing space", NULL }, { "leading space", NULL },
		{ "layout below 3", NULL }, { "too few fields", NULL }, { "too many fields", NULL },
		{ "field not a number", NULL }, { "field longer than 20", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *sp = strchr(ok, ' ');

		switch (i) {
		case 0: snprintf(bad, sizeof(bad), "%.*s %s", (int)(sp - ok), ok, sp); break;
		case 1: snprintf(bad, sizeof(bad), "%s ", ok); break;
		case 2: snprintf(bad, sizeof(bad), " %s", ok); break;
		case 3: snprintf(bad, sizeof(bad), "2%s", sp); break;
		case 4: snprintf(bad, sizeof(bad), "%.*s", (int)(strrchr(ok, ' ') - ok), ok); break;
		case 5: snprintf(bad, sizeof(bad), "%s 1", ok); break;
		case 6: snprintf(bad, sizeof(bad), "%s%s", ok, "x"); break;
		case 7: snprintf(bad, sizeof(bad), "%s%s", ok, "123456789012345678901"); break;
		}
		assert_true(guest_write(h, 2, REPORT_VALUE_KEY, bad, strlen(bad)));
		run(e, 1);
		char want[64];

		snprintf(want, sizeof(want), "report: %s", cases[i][0]);
		assert_string_equal(adom(e, 2)->last_reject, want);
	}
	xs_close(h);
	size_t nbad = sizeof(cases) / sizeof(cases[0]);

	assert_int_equal(e->a.n.reports_rejected - rej0, nbad);
	assert_memory_equal(&adom(e, 2)->fig, &good, sizeof(good));
	assert_int_equal(xs_target(e, 2), target);
	assert_int_equal(e->a.n.target_writes, writes0);
	assert_non_null(strstr(logged(e), "domain 2 (b): report refused (report: doubled space)"));
	char want[64];

	snprintf(want, sizeof(want), "\"reports_rejected\":%llu",
		 (unsigned long long)adom(e, 2)->rej.reports);
	assert_true(adom(e, 2)->rej.reports >= nbad);
	assert_non_null(strstr(status_json(e), want));
	stop(e);
}

/* Seen on real Xen: a guest's Committed_AS jitters by a few hundred KiB
 * every few seconds. Once at its goal, the target must not follow it. */
static void test_goal_jitter_writes_nothing(void **state)
{
	struct env *e = start(two_fake, SIM_AGENTS_NONE, "[daemon]\nstale_after_ms = 600000\n");

	run(e, 1);
	fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 200 * MIB });
	run(e, 40);
	uint64_t w0 = e->a.n.target_writes, t0 = xs_target(e, 1);
	for (int i = 0; i < 30; i++) {
		uint64_t jitter = (uint64_t)(i % 3) * 200;   /* 0, 200, 400 KiB */
		fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB,
						  .committed_as = 200 * MIB + jitter });
		run(e, 1);
	}
	assert_int_equal(e->a.n.target_writes, w0);
	assert_int_equal(xs_target(e, 1), t0);
	/* a real change still is written */
	fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 260 * MIB });
	run(e, 1);
	assert_true(xs_target(e, 1) > t0);
	stop(e);
}

/* A domain whose static-max is below the configured minimum is left
 * alone: never a target under min_mb, never one forced down to fit. */
static void test_min_above_static_max_not_managed(void **state)
{
	const char *sc = "[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
		"[guest small]\ndomid = 1\nmemory_mb = 96\nstatic_max_mb = 96\nagent = no\n";
	struct env *e = start(sc, SIM_AGENTS_NONE, NULL);   /* min_mb 128 */

	run(e, 1);
	fake_publish(e, 1, &(struct fig){ .tot = 60 * MIB, .free = 50 * MIB, .committed_as = 5 * MIB });
	run(e, 5);
	assert_int_equal(adom(e, 1)->skip, SKIP_BAD_BOUNDS);
	assert_int_equal(xs_target(e, 1), 96 * MIB);
	assert_int_equal(e->a.n.target_writes, 0);
	assert_non_null(strstr(logged(e), "not managed"));
	stop(e);
}

/* A domain destroyed between listing and writing: the write is refused
 * (ESRCH) instead of re-creating its xenstore home. */
static void test_write_to_vanished_domain(void **state)
{
	struct env *e = start(two_fake, SIM_AGENTS_NONE, quick);

	run(e, 1);
	assert_int_equal(xsd_rm(e->x, "/local/domain/2"), 0);
	errno = 0;
	assert_int_equal(xsio_write_target(e->a.xs, 2, 300000), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(xsio_set_uncooperative(e->a.xs, 2, true), -1);
	assert_null(xsd_read(e->x, "/local/domain/2/memory/target"));
	assert_null(xsd_read(e->x, "/local/domain/2"));
	/* the connection is not considered lost for it */
	assert_false(mxs_conn_lost(ESRCH));
	assert_int_equal(xsio_write_target(e->a.xs, 1, 300000), 0);
	stop(e);
}

/* What a restarted arbiter must not forget (seen on real Xen: after a
 * restart the OOM-raised minimum was gone and the guest was cut by half):
 * a pause, a manual hold and an OOM-raised minimum live in
 * memory/membal_state, written by dom0 only. */
static void test_restart_keeps_holds_and_oom_min(void **state)
{
	struct env *e = start(two_fake, SIM_AGENTS_NONE, "[daemon]\nstale_after_ms = 600000\n");

	run(e, 1);
	fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 100 * MIB });
	fake_publish(e, 2, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 100 * MIB });
	run(e, 3);
	/* b is paused; a reports an OOM kill: its min becomes N + 64 MiB. */
	assert_int_equal(arbiter_pause(&e->a, "b", true), 0);
	uint64_t b_held = xs_target(e, 2);
	fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 300 * MIB, .committed_as = 100 * MIB, .oom_kills = 1 });
	run(e, 2);
	uint64_t a_min = adom(e, 1)->oom_min_kb;
	assert_true(a_min > 0);
	char *st = xsd_read(e->x, "/local/domain/2/memory/membal_state");
	assert_non_null(st);
	assert_non_null(strstr(st, "hold=paused"));
	free(st);
	/* The guest cannot forge it. */
	struct xs_handle *h = open_as(e, 1);
	assert_false(guest_write(h, 1, "membal_state", "hold=none", 9));
	xs_close(h);

	arbiter_free(&e->a);     /* kill -9 */
	assert_int_equal(arbiter_init(&e->a, &e->cfg, &e->hv, false), 0);
	for (int i = 0; i < 20; i++) {
		fake_publish(e, 1, &(struct fig){ .tot = 460 * MIB, .free = 400 * MIB, .committed_as = 10 * MIB, .oom_kills = 1 });
		fake_publish(e, 2, &(struct fig){ .tot = 460 * MIB, .free = 400 * MIB, .committed_as = 10 * MIB });
		run(e, 1);
	}
	assert_true(adom(e, 2)->hold_paused);
	assert_int_equal(adom(e, 2)->skip, SKIP_HOLD_PAUSED);
	assert_int_equal(xs_target(e, 2), b_held);
	assert_int_equal(adom(e, 1)->oom_min_kb, a_min);
	assert_true(xs_target(e, 1) >= a_min);   /* not shrunk below the raised min */
	assert_non_null(strstr(logged(e), "restored pause"));
	stop(e);
}

/* HVM guests (opt-in): maxmem includes videoram, PoD targets follow the
 * target, and a guest whose balloon is not at its target yet is left
 * alone (design.md §Maxmem, PoD and the videoram offset). */
static void test_hvm_pod_and_videoram(void **state)
{
	const char *sc =
		"[host]\ntotal_mb = 4096\ndom0_mb = 512\n"
		"[guest h]\ndomid = 1\ntype = hvm\nvideoram_mb = 8\nmemory_mb = 1024\n"
		"static_max_mb = 2048\nagent = no\n";
	struct env *e = start(sc, SIM_AGENTS_NONE, "[daemon]\nmanage_hvm = yes\nstale_after_ms = 600000\n");

	run(e, 1);
	uint64_t t0 = xs_target(e, 1);
	/* Balloon far from its target: PoD still settling, not managed. */
	fake_publish(e, 1, &(struct fig){ .tot = 900 * MIB, .free = 800 * MIB, .committed_as = 100 * MIB,
					  .balloon_current = t0 - 100 * MIB, .balloon_target = t0 });
	run(e, 2);
	assert_int_equal(adom(e, 1)->skip, SKIP_POD_SETTLING);
	assert_int_equal(xs_target(e, 1), t0);
	/* At target: managed; it shrinks toward its demand, maxmem and the
	 * PoD target follow with the videoram offset. */
	fake_publish(e, 1, &(struct fig){ .tot = 900 * MIB, .free = 800 * MIB, .committed_as = 100 * MIB,
					  .balloon_current = t0, .balloon_target = t0 });
	run(e, 1);
	assert_int_equal(adom(e, 1)->skip, SKIP_NONE);
	uint64_t t1 = xs_target(e, 1);
	assert_true(t1 < t0);
	assert_int_equal(adom(e, 1)->offset_kb, 8 * MIB);
	assert_int_equal(sdom(e, 1)->max_kb, t1 + 8 * MIB + 1024);
	assert_int_equal(sdom(e, 1)->pod_pages, (t1 + 1024) / 4);
	assert_true(e->a.n.pod_writes >= 1);
	stop(e);
}

static void test_status_file_and_metrics(void **state)
{
	struct env *e = start(contention, SIM_AGENTS_INPROCESS, NULL);
	char path[128], mpath[128], line[160];
	static char buf[32768];

	run(e, 10);
	snprintf(path, sizeof(path), "%s/status.json", e->dir);
	snprintf(mpath, sizeof(mpath), "%s/metrics.prom", e->dir);
	assert_int_equal(status_write_json(&e->a, path), 0);
	assert_int_equal(status_write_metrics(&e->a, mpath), 0);
	FILE *f = fopen(path, "r");
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\"version\":2,"));
	assert_non_null(strstr(buf, "\"name\":\"busy\""));
	assert_non_null(strstr(buf, "\"name\":\"appliance\",\"type\":\"pv\",\"state\":\"no-agent\""));
	/* schema 2 (docs/status-json.md): real arrays, null for none, a
	 * wall-clock timestamp; one domain per line */
	assert_non_null(strstr(buf, "\"state\":\"no-agent\",\"flags\":[\"no-agent\"]"));
	assert_non_null(strstr(buf, "\"demand_kb\":null,\"mode\":null,\"stage\":null,\"reasons\":[],\"price\":null,\"report\":null"));
	struct json_object *root = json_tokener_parse(buf), *v, *doms;

	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "timestamp", &v));
	assert_true(fabs(json_object_get_double(v) - (double)time(NULL)) < 600);
	assert_true(json_object_object_get_ex(root, "domains", &doms));
	assert_true(json_object_is_type(doms, json_type_array));
	for (size_t i = 0; i < json_object_array_length(doms); i++) {
		struct json_object *d = json_object_array_get_idx(doms, i), *rep;

		assert_true(json_object_object_get_ex(d, "flags", &v));
		assert_true(json_object_is_type(v, json_type_array));
		assert_true(json_object_object_get_ex(d, "reasons", &v));
		assert_true(json_object_is_type(v, json_type_array));
		assert_true(json_object_object_get_ex(d, "report", &rep));
		assert_true(json_object_object_get_ex(d, "state", &v));
		/* a managed domain has a report; one without an agent none */
		if (!strcmp(json_object_get_string(v), "managed"))
			assert_true(json_object_is_type(rep, json_type_object));
		if (!strcmp(json_object_get_string(v), "no-agent"))
			assert_null(rep);
	}
	json_object_put(root);
	char *nl = buf;
	int lines = 0;

	while ((nl = strchr(nl, '\n')) != NULL) {
		nl++;
		lines++;
	}
	assert_int_equal(lines, (int)e->a.ndoms + 2);   /* head, domains, "]}" */
	f = fopen(mpath, "r");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "membal_oom_events_total 0"));
	assert_non_null(strstr(buf, "membal_pressure_holds_total 0"));
	assert_non_null(strstr(buf, "membal_domain_target_bytes{domid=\"1\",name=\"busy\"}"));
	assert_non_null(strstr(buf, "\nmembal_up 1\n"));
	assert_non_null(strstr(buf, "\nmembal_build_info{version=\"" MEMBAL_VERSION "\",backend=\"sim\"} 1\n"));
	assert_non_null(strstr(buf, "\nmembal_last_cycle_timestamp_seconds 1"));
	/* the host mode as an enum: 1 for this cycle's, 0 for the others */
	snprintf(line, sizeof(line), "\nmembal_host_mode{mode=\"%s\"} 1\n",
		 policy_mode_name(e->a.cycle.mode));
	assert_non_null(strstr(buf, line));
	assert_non_null(strstr(buf, "\nmembal_host_mode{mode=\"infeasible\"} 0\n"));
	/* demand and report age only for a decided domain with a report;
	 * the one without an agent has a state and bounds */
	snprintf(line, sizeof(line), "\nmembal_domain_demand_bytes{domid=\"1\",name=\"busy\"} %llu\n",
		 (unsigned long long)adom(e, 1)->decision.goal_kb * 1024);
	assert_non_null(strstr(buf, line));
	assert_non_null(strstr(buf, "\nmembal_domain_report_age_seconds{domid=\"1\",name=\"busy\"} "));
	assert_null(strstr(buf, "membal_domain_demand_bytes{domid=\"3\""));
	assert_null(strstr(buf, "membal_domain_report_age_seconds{domid=\"3\""));
	assert_non_null(strstr(buf, "\nmembal_domain_state{domid=\"3\",name=\"appliance\",state=\"no-agent\"} 1\n"));
	snprintf(line, sizeof(line), "\nmembal_domain_min_bytes{domid=\"3\",name=\"appliance\"} %llu\n",
		 (unsigned long long)adom(e, 3)->min_kb * 1024);
	assert_non_null(strstr(buf, line));
	stop(e);
}

/* The clairvoyant floor of membal-sim and the arbiter use one management
 * rule (src/arbiter/manage.h): on a mixed host, every guest the arbiter
 * decides is one the floor counts as managed, with the same [L, H], and
 * every other one is unmanaged for both. */
static void test_floor_and_arbiter_agree(void **state)
{
	const char *sc =
		"[host]\ntotal_mb = 8192\ndom0_mb = 512\n"
		"[guest pv]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 1024\n"
		"[guest pvh]\ndomid = 2\ntype = pvh\nmemory_mb = 512\nstatic_max_mb = 1024\n"
		"[guest hvm]\ndomid = 3\ntype = hvm\nmemory_mb = 512\nstatic_max_mb = 1024\n"
		"[guest big-min]\ndomid = 4\nmemory_mb = 256\nstatic_max_mb = 256\n"
		"[guest by-hand]\ndomid = 5\nmemory_mb = 512\n"
		"[guest stub-dm]\ndomid = 6\nmemory_mb = 256\n"
		"[guest shared]\ndomid = 7\nmemory_mb = 512\nstatic_max_mb = 2048\n"
		"[guest silent]\ndomid = 8\nmemory_mb = 512\nagent = no\n";
	/* hvm says managed = yes, but HVM stays opt-in (manage_hvm = no). */
	const char *ini =
		"[daemon]\nmanage_pvh = yes\nstale_after_ms = 600000\n"
		"[domain hvm]\nmanaged = yes\n"
		"[domain big-min]\nmin_mb = 300\n"
		"[domain by-hand]\nmanaged = no\n"
		"[domain shared]\nmin_mb = 200\nmax_mb = 1500\nshares = 2\n";
	const bool expect[] = { true, true, false, false, false, false, true, false };
	struct env *e = start(sc, SIM_AGENTS_INPROCESS, ini);

	run(e, 15);
	for (size_t i = 0; i < e->sc.n_guests; i++) {
		const struct sim_guest_spec *g = &e->sc.guests[i];
		const struct dom *d = adom(e, g->domid);
		struct manage_verdict v;
		bool floor_managed = sim_guest_rule(&e->cfg, g, &v);

		assert_non_null(d);
		if (floor_managed != (d->skip == SKIP_NONE) || floor_managed != expect[i])
			fail_msg("%s: floor says %s, arbiter says %s", g->name,
				 floor_managed ? "managed" : "unmanaged",
				 dom_skip_name(d->skip));
		if (floor_managed) {
			assert_int_equal(v.min_kb, d->min_kb);
			assert_int_equal(v.max_kb, d->max_kb);
			assert_true(v.shares == d->shares);
		}
	}
	assert_int_equal(adom(e, 3)->skip, SKIP_EXCLUDED);
	assert_int_equal(adom(e, 4)->skip, SKIP_BAD_BOUNDS);
	assert_int_equal(adom(e, 7)->max_kb, 1500 * MIB);
	stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_rise_takes_memory_from_idle),
		cmocka_unit_test(test_history_records_each_change),
		cmocka_unit_test(test_lagging_balloon_no_flip_flop),
		cmocka_unit_test(test_grant_not_taken_is_withdrawn),
		cmocka_unit_test(test_uncooperative_memory_not_handed_out),
		cmocka_unit_test(test_stale_agent_freezes_target),
		cmocka_unit_test(test_pressure_blocks_shrink_and_oom_raises_min),
		cmocka_unit_test(test_garbage_rejected_others_undisturbed),
		cmocka_unit_test(test_domain_vanishes_and_mem_set_holds),
		cmocka_unit_test(test_reserve_frees_and_keeps),
		cmocka_unit_test(test_reservation_stops_at_need),
		cmocka_unit_test(test_adopt_grace),
		cmocka_unit_test(test_boot_grace),
		cmocka_unit_test(test_xenstored_restart_survived),
		cmocka_unit_test(test_dry_run_writes_nothing),
		cmocka_unit_test(test_restart_makes_no_burst),
		cmocka_unit_test(test_steady_state_sends_no_request),
		cmocka_unit_test(test_learned_gap_steady_and_kept),
		cmocka_unit_test(test_learned_gap_band),
		cmocka_unit_test(test_goal_jitter_writes_nothing),
		cmocka_unit_test(test_min_above_static_max_not_managed),
		cmocka_unit_test(test_write_to_vanished_domain),
		cmocka_unit_test(test_restart_keeps_holds_and_oom_min),
		cmocka_unit_test(test_hvm_pod_and_videoram),
		cmocka_unit_test(test_status_file_and_metrics),
		cmocka_unit_test(test_report_value_one_read),
		cmocka_unit_test(test_lazy_hand_over_older_agent),
		cmocka_unit_test(test_lazy_hand_over_after_a_failure),
		cmocka_unit_test(test_lazy_hand_over_capped_a_cycle),
		cmocka_unit_test(test_floor_and_arbiter_agree),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
