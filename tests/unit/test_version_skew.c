/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mixed versions of agent and arbiter, through the real libxenstore and
 * membal's xenstored with a guest's permissions (the agent connects
 * through domain 1's socket):
 *  - a new agent under an older arbiter, which handed over only the keys
 *    of layout 1: the agent publishes those in its one transaction (it
 *    learns which after the refusal, in the same step), never fails for
 *    the others, and picks them up once a newer arbiter hands them over;
 *  - an older agent (layout 1 keys only) under the new arbiter: its
 *    reports are taken, the layout-2 keys read as absent (not rejects),
 *    and the estimators that need them say so (today's policy applies);
 *  - how many keys a publication writes;
 *  - the lazy hand-over: an older agent refused until the per-key keys
 *    are handed over, then read; dom0's nodes never the guest's;
 *  - layout 3, memory/report (design.md §Report layout: one value or one
 *    key a figure): a new agent writes it alone when the arbiter handed
 *    it over (one WRITE a publication, one READ for the arbiter), one key
 *    a figure under an arbiter that did not (an older one), and switches
 *    once a new arbiter hands it over; an older agent's keys under the
 *    new arbiter are read per key, as before.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "agent/agent.h"
#include "arbiter/arbiter.h"
#include "arbiter/xsio.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/report_value.h"
#include "xenstored/xsd.h"
#include "agent_env.h"

#define DOMID 1

static void put_meminfo(struct env *e, unsigned long committed)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "MemTotal:         250000 kB\n"
		 "MemFree:          100000 kB\n"
		 "MemAvailable:     150000 kB\n"
		 "Cached:            40000 kB\n"
		 "Active(anon):      80000 kB\n"
		 "Inactive(anon):    10000 kB\n"
		 "Active(file):      30000 kB\n"
		 "Inactive(file):     8000 kB\n"
		 "SwapTotal:        102400 kB\n"
		 "SwapFree:          92400 kB\n"
		 "AnonPages:         70000 kB\n"
		 "Shmem:             20000 kB\n"
		 "Committed_AS:   %8lu kB\n", committed);
	put_file(e->dir, "meminfo", text);
}

static int setup(void **state)
{
	struct env *e = env_start("membal-skew", false);

	put_meminfo(e, 120000);
	put_file(e->dir, "vmstat", "workingset_refault_anon 10\nworkingset_refault_file 2000\n"
				   "pswpin 1000\npgmajfault 3000\noom_kill 0\n");
	put_file(e->dir, "psi", "some avg10=1.50 avg60=0.00 avg300=0.00 total=10\n"
				"full avg10=0.00 avg60=0.00 avg300=0.00 total=4\n");
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	env_stop(*state);
	return 0;
}

static void hand_over(struct env *e, int layout)
{
	env_hand_over(e, DOMID, layout);
}

static char *key(struct env *e, const char *k)
{
	return env_key(e, DOMID, k);
}

static uint64_t writes(struct env *e)
{
	struct xsd_stats st;

	xsd_get_stats(e->x, &st);
	return st.by_type[XS_WRITE];
}

static void test_new_agent_older_arbiter(void **state)
{
	struct env *e = *state;
	struct agent_config c;
	struct agent a;
	int layout1 = 0;

	for (int k = 0; k < MK_COUNT; k++)
		layout1 += membal_key_layout(k) == 1;
	assert_int_equal(layout1, 13);
	hand_over(e, 1);
	agent_cfg(e, &c);
	agent_init(&a, &c, DOMID);
	uint64_t w0 = writes(e);
	/* Refused for the keys it was not handed, it learns which it was
	 * and publishes those in the same step. */
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(__builtin_popcount(a.handed), layout1);
	assert_int_equal(a.last_keys, layout1);
	char handed[64];

	snprintf(handed, sizeof(handed), "handed over %d of the %d report keys",
		 layout1, MK_COUNT);
	assert_non_null(strstr(e->logbuf ? (fflush(e->log), e->logbuf) : "", handed));
	assert_null(strstr(e->logbuf, "waiting for the arbiter"));
	assert_int_equal(key_u64(e, "tot"), 250000);
	assert_int_equal(key_u64(e, "committed_as"), 120000);
	char *s = key(e, "shmem");
	assert_null(s);
	/* The refused attempt wrote until its first refusal; nothing of it
	 * was committed, and the retry wrote the 13 keys. */
	assert_true(writes(e) - w0 >= (uint64_t)layout1);

	/* Later publications stay within the handed keys. */
	put_meminfo(e, 130000);
	clock_advance(c.sample_ms);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(key_u64(e, "committed_as"), 130000);
	assert_int_equal(a.state, AGENT_PUBLISHING);

	/* A newer arbiter replaces the old one and hands over the rest: the
	 * agent notices at its next heartbeat and writes them. */
	hand_over(e, MEMBAL_KEY_LAYOUT_VERSION);
	clock_advance(c.heartbeat_ms);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(a.handed, (uint32_t)((UINT64_C(1) << MK_COUNT) - 1));
	assert_int_equal(key_u64(e, "shmem"), 20000);
	assert_int_equal(key_u64(e, "refault_file"), 2000);
	assert_int_equal(key_u64(e, "psi_full_total"), 4);
	/* No memory/report from those arbiters: one key a figure. */
	assert_false(a.value_mode);
	assert_null(key(e, REPORT_VALUE_KEY));

	/* A layout-3 arbiter hands memory/report over too: at the next
	 * heartbeat the agent writes it alone. */
	assert_int_equal(xsio_hand_over(e->h0, DOMID, 4), 0);
	uint64_t w1 = writes(e);

	clock_advance(c.heartbeat_ms);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_true(a.value_mode);
	assert_int_equal(writes(e) - w1, 1);
	char *v = key(e, REPORT_VALUE_KEY);

	assert_non_null(v);
	char head[16];

	snprintf(head, sizeof(head), "%d 250000 ", MEMBAL_KEY_LAYOUT_VERSION);
	assert_true(!strncmp(v, head, strlen(head)));
	free(v);
	assert_non_null(strstr(env_logged(e), "memory/report handed over"));
	agent_close(&a);
}

static uint64_t requests(struct env *e)
{
	struct xsd_stats st;

	xsd_get_stats(e->x, &st);
	return st.requests;
}

/* The watch event the arbiter takes next for domain 1 (XSE_NONE after
 * a second without one). */
static enum xsio_event next_event(struct env *e)
{
	uint32_t domid = 0;
	int err = 0;

	for (int i = 0; i < 100; i++) {
		enum xsio_event ev = xsio_next_event(e->h0, &domid, &err);

		if (ev != XSE_NONE) {
			assert_int_equal(domid, DOMID);
			return ev;
		}
		assert_int_equal(err, 0);
		usleep(10000);
	}
	return XSE_NONE;
}

/* New agent, new arbiter: memory/report alone, one WRITE a publication
 * (the first, a changed report, a heartbeat), one READ for the arbiter,
 * one watch event, the same figures the per-key layout carried; the
 * per-key keys stay as the hand-over left them. */
static void test_new_agent_new_arbiter(void **state)
{
	struct env *e = *state;
	struct guest_bounds b = { .mem_max_kb = 524288 };
	struct guest_figures g;
	struct guest_rejects rej = { 0 };
	struct agent_config c;
	struct agent a;
	char why[64] = "";
	bool published;

	assert_int_equal(xsio_hand_over(e->h0, DOMID, 4), 0);
	assert_int_equal(xsio_watch_dom(e->h0, DOMID), 0);
	assert_int_equal(next_event(e), XSE_WATCHED);   /* the watches set */
	assert_int_equal(next_event(e), XSE_NAME);
	/* Nothing published yet: no value, no stamp. */
	assert_int_equal(xsio_read_report_value(e->h0, DOMID, &b, &g, &rej, why, sizeof(why),
						&published), 0);
	assert_false(published);
	assert_int_equal(xsio_stamp_published(e->h0, DOMID), 0);
	agent_cfg(e, &c);
	agent_init(&a, &c, DOMID);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_true(a.value_mode);
	assert_int_equal(a.last_keys, 1);
	assert_int_equal(next_event(e), XSE_VALUE);
	assert_int_equal(next_event(e), XSE_NONE);
	char *s = key(e, "tot");

	assert_string_equal(s, "");     /* per key: untouched */
	free(s);
	uint64_t q0 = requests(e);

	assert_int_equal(xsio_read_report_value(e->h0, DOMID, &b, &g, &rej, why, sizeof(why),
						&published), 1);
	assert_int_equal(requests(e) - q0, 1);
	assert_true(published);
	assert_int_equal(g.v[MK_TOT], 250000);
	assert_int_equal(g.v[MK_COMMITTED_AS], 120000);
	assert_int_equal(g.v[MK_SHMEM], 20000);
	assert_int_equal(g.v[MK_REFAULT_FILE], 2000);
	assert_int_equal(g.v[MK_PSI_FULL_TOTAL], 4);
	assert_int_equal(g.v[MK_VERSION], MEMBAL_KEY_LAYOUT_VERSION);
	assert_false(guest_has(&g, MK_BALLOON_CURRENT));  /* no sysfs here */
	assert_int_equal(g.v[MK_STAMP], a.stamp - 1);
	assert_int_equal(rej.reports + rej.keys, 0);

	/* A changed report: one request from the agent, one event, one
	 * request from the arbiter. */
	put_meminfo(e, 130000);
	clock_advance(c.sample_ms);
	q0 = requests(e);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(requests(e) - q0, 1);
	assert_int_equal(next_event(e), XSE_VALUE);
	assert_int_equal(next_event(e), XSE_NONE);
	q0 = requests(e);
	assert_int_equal(xsio_read_report_value(e->h0, DOMID, &b, &g, &rej, why, sizeof(why),
						&published), 1);
	assert_int_equal(requests(e) - q0, 1);
	assert_int_equal(g.v[MK_COMMITTED_AS], 130000);

	/* Quiet samples cost nothing; the heartbeat is one WRITE, the last
	 * publication's figures with a new stamp. */
	char *before = key(e, REPORT_VALUE_KEY);

	put_meminfo(e, 131000);         /* below report_delta_kb */
	q0 = requests(e);
	for (unsigned t = c.sample_ms; t < c.heartbeat_ms; t += c.sample_ms) {
		clock_advance(c.sample_ms);
		assert_int_equal(agent_step(&a), STEP_QUIET);
	}
	assert_int_equal(requests(e) - q0, 0);
	uint64_t stamp = g.v[MK_STAMP];

	clock_advance(c.sample_ms);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(a.last_why, REPORT_HEARTBEAT);
	assert_int_equal(requests(e) - q0, 1);
	assert_int_equal(xsio_read_report_value(e->h0, DOMID, &b, &g, &rej, why, sizeof(why),
						&published), 1);
	assert_true(g.v[MK_STAMP] > stamp);
	assert_int_equal(g.v[MK_COMMITTED_AS], 130000);
	char *after = key(e, REPORT_VALUE_KEY);

	assert_non_null(before);
	assert_non_null(after);
	/* Field by field: the stamp alone differs (it is not the last
	 * field: a later layout's figures follow it). */
	int keys[MK_COUNT], nk = report_value_keys(MEMBAL_KEY_LAYOUT_VERSION, keys);
	const char *p1 = before, *p2 = after;

	for (int i = 0; i <= nk; i++) {
		size_t l1 = strcspn(p1, " "), l2 = strcspn(p2, " ");
		bool at_stamp = i > 0 && keys[i - 1] == MK_STAMP;

		if (at_stamp)
			assert_false(l1 == l2 && !memcmp(p1, p2, l1));
		else
			assert_true(l1 == l2 && !memcmp(p1, p2, l1));
		p1 += l1 + (p1[l1] == ' ');
		p2 += l2 + (p2[l2] == ' ');
	}
	assert_true(*p1 == '\0' && *p2 == '\0');
	free(before);
	free(after);

	/* A restarted agent continues above the value's stamp. */
	stamp = g.v[MK_STAMP];
	agent_close(&a);
	clock_drive(1000);              /* its clock starts below */
	agent_init(&a, &c, DOMID);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(xsio_read_report_value(e->h0, DOMID, &b, &g, &rej, why, sizeof(why),
						&published), 1);
	assert_true(g.v[MK_STAMP] > stamp);
	agent_close(&a);
	xsio_unwatch_dom(e->h0, DOMID);
}


static void test_keys_per_publication(void **state)
{
	struct env *e = *state;
	struct agent_config c;
	struct agent a;

	hand_over(e, MEMBAL_KEY_LAYOUT_VERSION);
	agent_cfg(e, &c);
	agent_init(&a, &c, DOMID);
	uint64_t w0 = writes(e);
	/* The first publication on a connection writes every key: 24
	 * figures (the balloon's emptied: no sysfs here), the stamp and
	 * membal_version. */
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(a.last_keys, MK_COUNT);
	assert_int_equal(writes(e) - w0, MK_COUNT);
	/* Then only what moved, and the stamp: Committed_AS and the swap-in
	 * rate that a second pswpin reading makes appear. */
	put_meminfo(e, 130000);
	clock_advance(c.sample_ms);
	w0 = writes(e);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(a.last_keys, 3);
	assert_int_equal(writes(e) - w0, 3);
	/* A busy guest: Committed_AS, refaults and PSI moved. */
	put_meminfo(e, 140000);
	put_file(e->dir, "vmstat", "workingset_refault_anon 10\nworkingset_refault_file 3500\n"
				   "pswpin 1000\npgmajfault 3100\noom_kill 0\n");
	put_file(e->dir, "psi", "some avg10=2.50 avg60=0.00 avg300=0.00 total=900\n"
				"full avg10=0.00 avg60=0.00 avg300=0.00 total=400\n");
	clock_advance(c.sample_ms);
	w0 = writes(e);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	/* committed_as, refault_file, pgmajfault, psi_some, the two PSI
	 * totals, stamp */
	assert_int_equal(a.last_keys, 7);
	assert_int_equal(writes(e) - w0, 7);
	assert_int_equal(key_u64(e, "refault_file"), 3500);
	assert_int_equal(key_u64(e, "tot"), 250000);   /* still there */
	agent_close(&a);
}

/* What the arbiter's cycle does with a report (sync.c): read it, bounded
 * by the domain's static-max, and keep the one it replaces in the history. */
static int read_report(struct xs_handle *h, struct dom *d)
{
	struct guest_bounds b = { .mem_max_kb = d->static_max_kb ? d->static_max_kb : d->hv.max_kb };
	struct guest_figures prev = d->fig;
	bool had_prev = d->have_fig;
	int r = xsio_read_report(h, d->domid, 4, &b, &d->fig, &d->rej,
				 d->last_reject, sizeof(d->last_reject));

	if (r == 1)
		dom_report_accepted(d, had_prev ? &prev : NULL, clock_now_ms());
	return r;
}

static void test_older_agent_newer_arbiter(void **state)
{
	struct env *e = *state;
	struct dom d;
	struct xs_handle *g;
	struct estimate_in in;
	uint64_t kb;
	char p[256];

	memset(&d, 0, sizeof(d));
	d.domid = DOMID;
	d.static_max_kb = 524288;
	assert_int_equal(xsio_hand_over(e->h0, d.domid, 4), 0);
	/* Every key handed over, the layout-2 ones too. */
	char *s = key(e, "refault_file");
	assert_non_null(s);
	assert_int_equal(strlen(s), 0);
	free(s);

	/* An agent of layout 1 writes what it knows, as the guest. */
	g = xs_open(0);
	assert_non_null(g);
	for (int round = 0; round < 2; round++) {
		xs_transaction_t t = xs_transaction_start(g);
		const struct { const char *k; unsigned long long v; } f[] = {
			{ "tot", 250000 }, { "free", 100000 }, { "avail", 150000 },
			{ "committed_as", 120000 + (unsigned long long)round * 1000 },
			{ "swap_tot", 0 }, { "swap_free", 0 }, { "oom_kills", 0 },
			{ "stamp", 7 + (unsigned long long)round }, { "membal_version", 1 },
		};
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			char v[24];

			snprintf(p, sizeof(p), "/local/domain/%d/memory/%s", DOMID, f[i].k);
			snprintf(v, sizeof(v), "%llu", f[i].v);
			assert_true(xs_write(g, t, p, v, (unsigned)strlen(v)));
		}
		assert_true(xs_transaction_end(g, t, false));
		clock_advance(1000);
		assert_int_equal(read_report(e->h0, &d), 1);
	}
	xs_close(g);
	/* No value from it: the arbiter's probe of a just-watched domain
	 * finds memory/report empty and memory/stamp published, and reads
	 * the keys. */
	{
		struct guest_figures gv;
		struct guest_rejects rv = { 0 };
		char why[64] = "";
		bool published = true;

		assert_int_equal(xsio_read_report_value(e->h0, DOMID, &(struct guest_bounds){ 524288 },
							&gv, &rv, why, sizeof(why), &published), 0);
		assert_false(published);
		assert_int_equal(rv.reports, 0);
		assert_int_equal(xsio_stamp_published(e->h0, DOMID), 1);
	}
	assert_true(d.have_fig);
	assert_true(guest_has(&d.fig, MK_COMMITTED_AS) && d.fig.v[MK_COMMITTED_AS] == 121000);
	for (int k = 0; k < MK_COUNT; k++)
		if (membal_key_layout(k) > 1)
			assert_false(guest_has(&d.fig, (enum membal_key)k));
	/* Empty keys are "not published", not garbage. */
	assert_int_equal(d.rej.keys, 0);
	assert_int_equal(d.rej.reports, 0);
	assert_true(d.hist.have_prev && d.hist.dt_ms == 1000);
	assert_int_equal(d.hist.have_d, 1u << MK_OOM_KILLS);
	/* The estimators that need layout 2 say so; Committed_AS (today's
	 * policy) and MemTotal - MemAvailable are there, and the default
	 * falls back to the latter. */
	guest_estimate_input(&d.fig, &d.hist, &in);
	assert_false(estimate(EST_LRU, &in, &kb));
	assert_false(estimate(EST_REFAULT, &in, &kb));
	assert_true(estimate(EST_COMMITTED, &in, &kb) && kb == 121000);
	assert_true(estimate(EST_USED, &in, &kb) && kb == 100000);
	/* The status file says the same. */
	struct json_object *o = json_object_new_object();

	status_estimates_add(o, &d);
	assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			    "{\"est_committed_kb\":121000,\"est_used_kb\":100000,"
			    "\"est_lru_kb\":null,\"est_refault_kb\":null,"
			    "\"est_hybrid_kb\":null,\"est_default\":\"used\","
			    "\"swap_quiet_ms\":0,\"swap_cold_kb\":0}");
	json_object_put(o);
}

/* The lazy hand-over (design.md §The lazy hand-over), through xsio: at
 * adoption the new arbiter hands over memory/report alone (5 requests);
 * an older agent's per-key transaction is refused and creates nothing
 * (it retries); the per-key hand-over, when the arbiter makes it, gives
 * it its keys and its report is read; memory/target and the other nodes
 * of dom0 are never the guest's. An arbiter that adopts the domain again
 * (a restart) finds memory/stamp and treats the keys as handed over. */
static void test_older_agent_lazy_hand_over(void **state)
{
	struct env *e = *state;
	struct xsio_handover ho = { .value = true };
	struct dom d;
	struct xs_handle *g;
	char p[128];

	memset(&d, 0, sizeof(d));
	d.domid = DOMID;
	d.static_max_kb = 524288;
	uint64_t q0 = requests(e);

	assert_int_equal(xsio_hand_over_some(e->h0, DOMID, 4, &ho), 0);
	/* TRANSACTION_START, DIRECTORY, WRITE, SET_PERMS, TRANSACTION_END */
	assert_int_equal(requests(e) - q0, 5);
	assert_true(ho.listed && ho.fresh);
	assert_false(ho.per_key_handed);
	assert_false(ho.has_state || ho.has_uncooperative);
	char *vr = key(e, "videoram");

	assert_int_equal(ho.has_videoram, vr != NULL);
	free(vr);
	for (int k = 0; k < MK_COUNT; k++) {
		char *s = key(e, membal_key_name(k));

		assert_null(s);
	}
	g = xs_open(0);                 /* the guest (domain 1's socket) */
	assert_non_null(g);
	/* An older agent's publication: refused, nothing created. */
	for (int attempt = 0; attempt < 2; attempt++) {
		xs_transaction_t t = xs_transaction_start(g);
		bool ok;

		assert_true(t != XBT_NULL);
		snprintf(p, sizeof(p), "/local/domain/%d/memory/stamp", DOMID);
		errno = 0;
		ok = xs_write(g, t, p, "7", 1);
		assert_false(ok);
		assert_int_equal(errno, EACCES);
		xs_transaction_end(g, t, true);
	}
	assert_null(key(e, "stamp"));
	/* The per-key hand-over: 2 requests a key in one transaction. */
	int handed = 0;

	for (int k = 0; k < MK_COUNT; k++)
		handed += membal_keys[k].handed_over;
	ho = (struct xsio_handover){ .per_key = true };
	q0 = requests(e);
	assert_int_equal(xsio_hand_over_some(e->h0, DOMID, 4, &ho), 0);
	assert_int_equal(requests(e) - q0, 3 + 2 * (uint64_t)handed);
	assert_true(ho.per_key_handed);
	assert_false(ho.fresh);
	/* Its next retry goes through and is read as before. */
	xs_transaction_t t = xs_transaction_start(g);
	const struct { const char *k; const char *v; } f[] = {
		{ "tot", "250000" }, { "free", "100000" }, { "avail", "150000" },
		{ "committed_as", "120000" }, { "swap_tot", "0" }, { "swap_free", "0" },
		{ "oom_kills", "0" }, { "stamp", "7" }, { "membal_version", "1" },
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		snprintf(p, sizeof(p), "/local/domain/%d/memory/%s", DOMID, f[i].k);
		assert_true(xs_write(g, t, p, f[i].v, (unsigned)strlen(f[i].v)));
	}
	assert_true(xs_transaction_end(g, t, false));
	assert_int_equal(read_report(e->h0, &d), 1);
	assert_int_equal(d.fig.v[MK_COMMITTED_AS], 120000);
	assert_int_equal(d.rej.reports + d.rej.keys, 0);
	/* dom0's nodes stay dom0's, the value stays the guest's. */
	const char *dom0s[] = { "target", "static-max", "videoram", "uncooperative",
				"membal_state" };
	for (size_t i = 0; i < sizeof(dom0s) / sizeof(dom0s[0]); i++) {
		snprintf(p, sizeof(p), "/local/domain/%d/memory/%s", DOMID, dom0s[i]);
		errno = 0;
		assert_false(xs_write(g, XBT_NULL, p, "1", 1));
		assert_int_equal(errno, EACCES);
	}
	snprintf(p, sizeof(p), "/local/domain/%d/memory/%s", DOMID, REPORT_VALUE_KEY);
	assert_true(xs_write(g, XBT_NULL, p, "", 0));
	xs_close(g);
	/* Adopted again (an arbiter restart): memory/stamp is there, so the
	 * per-key keys are handed over (kept: the agent's figures stay). */
	ho = (struct xsio_handover){ .value = true };
	assert_int_equal(xsio_hand_over_some(e->h0, DOMID, 4, &ho), 0);
	assert_true(ho.per_key_handed);
	assert_false(ho.fresh);
	assert_int_equal(key_u64(e, "committed_as"), 120000);
	/* A domain destroyed meanwhile: no orphan node. */
	assert_true(xs_rm(e->h0, XBT_NULL, "/local/domain/1/memory/target"));
	ho = (struct xsio_handover){ .value = true, .per_key = true };
	errno = 0;
	assert_int_equal(xsio_hand_over_some(e->h0, DOMID, 4, &ho), -1);
	assert_int_equal(errno, ESRCH);
	assert_false(ho.listed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_agent_older_arbiter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_per_publication, setup, teardown),
		cmocka_unit_test_setup_teardown(test_older_agent_newer_arbiter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_agent_new_arbiter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_older_agent_lazy_hand_over, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
