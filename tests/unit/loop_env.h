/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The closed-loop world of test_arbiter_loop and test_migrate_loop: the
 * test xenstored in-process, a simulated host from a scenario text with
 * its agents (in-process real ones, or none: the test writes fake
 * figures), and an arbiter on the sim backend, on a driven clock, the log
 * captured. Each test keeps its own run() (what happens between cycles).
 */
#ifndef MEMBAL_TEST_LOOP_ENV_H
#define MEMBAL_TEST_LOOP_ENV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "agent/agent_config.h"
#include "arbiter/arbiter.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "simhost/hv_sim.h"
#include "xenstored/xsd.h"

struct env {
	char dir[64];
	char sock[128];
	struct xsd *x;
	struct hv hv;
	struct sim_scenario sc;
	struct arbiter_config cfg;
	struct arbiter a;
	struct xs_handle *h0;  /* dom0's view, for the test */
	char *logbuf;
	size_t loglen;
	FILE *log;
	uint64_t reserve_kb;
	unsigned violations;   /* reserve invariant broken (test_arbiter_loop) */
	bool no_sync;          /* see test_arbiter_loop's run() */
};

static inline const char *loop_dom_socket(void *ctx, uint32_t domid)
{
	return xsd_domain_socket(ctx, domid);
}

static inline const char *logged(struct env *e)
{
	fflush(e->log);
	return e->logbuf ? e->logbuf : "";
}

/* name: the temporary directory's prefix under /tmp; arbiter_ini: NULL
 * for the defaults. No status file, no control socket, 64 domains. */
static inline struct env *loop_start(const char *name, const char *scenario,
				     enum sim_agents agents, const char *arbiter_ini)
{
	struct env *e = calloc(1, sizeof(*e));
	struct agent_config ac;
	struct cfg_file cf;

	assert_non_null(e);
	e->log = open_memstream(&e->logbuf, &e->loglen);
	log_set_stream(e->log);
	log_set_level(LOG_DEBUG);
	clock_drive(10000000);
	snprintf(e->dir, sizeof(e->dir), "/tmp/%s.XXXXXX", name);
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->sock, sizeof(e->sock), "%s/socket", e->dir);
	struct xsd_options o = { .socket_path = e->sock, .domain_socket_dir = e->dir };
	e->x = xsd_start(&o);
	assert_non_null(e->x);
	setenv("XENSTORED_PATH", e->sock, 1);
	e->h0 = xs_open(0);
	assert_non_null(e->h0);
	assert_int_equal(sim_scenario_load_string("scenario", scenario, &e->sc, &cf), 0);
	agent_config_defaults(&ac);
	ac.handover_retry_ms = 1000;
	struct sim_options so = {
		.scenario = &e->sc, .xenstored_path = e->sock,
		.domain_socket = loop_dom_socket, .domain_socket_ctx = e->x,
		.agents = agents, .agent_cfg = &ac, .sync_events = true,
	};
	assert_int_equal(hv_sim_open(&e->hv, &so), 0);
	arbiter_config_defaults(&e->cfg);
	if (arbiter_ini)
		assert_int_equal(arbiter_config_load_string("arbiter.ini", arbiter_ini, &e->cfg), 0);
	/* The fake agents of these tests publish one key a figure (an agent
	 * older than key layout 3) right after the adoption: every key is
	 * handed over at adoption, as before the lazy hand-over, unless
	 * arbiter_ini says otherwise (test_lazy_hand_over_older_agent runs
	 * the default). */
	if (!arbiter_ini || !strstr(arbiter_ini, "per_key_after_ms"))
		e->cfg.per_key_after_ms = 0;
	e->cfg.status_file[0] = '\0';
	e->cfg.control_socket[0] = '\0';
	e->cfg.max_domains = 64;
	e->reserve_kb = e->cfg.policy.params.reserve_kb;
	assert_int_equal(arbiter_init(&e->a, &e->cfg, &e->hv, false), 0);
	return e;
}

/* One interval, then one arbiter cycle; the read of /local stands for
 * the reports' watch event, which the in-process agents answer within
 * the cycle. For tests that do nothing between cycles. */
static inline void loop_cycle(struct env *e)
{
	unsigned len;

	clock_advance(e->a.cfg.interval_ms);
	if (e->a.xs)
		free(xs_read(e->a.xs, XBT_NULL, "/local", &len));
	arbiter_cycle(&e->a);
}

/* A xenstore connection as domain domid (a guest's view), for tests that
 * write what a guest may or may not write. */
static inline struct xs_handle *open_as(struct env *e, uint32_t domid)
{
	struct xs_handle *h;

	setenv("XENSTORED_PATH", xsd_domain_socket(e->x, domid), 1);
	h = xs_open(0);
	setenv("XENSTORED_PATH", e->sock, 1);
	assert_non_null(h);
	return h;
}

static inline void stop(struct env *e)
{
	char cmd[128];

	arbiter_free(&e->a);
	e->hv.ops->close(&e->hv);
	sim_scenario_free(&e->sc);
	xs_close(e->h0);
	xsd_stop(e->x);
	log_set_stream(NULL);
	fclose(e->log);
	free(e->logbuf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", e->dir);
	assert_int_equal(system(cmd), 0);
	free(e);
}

#endif
