/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-agent follows its domid (src/agent/follow.h) against membal's own
 * xenstored and the real libxenstore: the guest is resumed under a new
 * domain id on the same connection (xsd_rehome_domain: what xl restore or
 * a live migration does to it), the old home is removed, the new one is
 * built and handed over later. The agent must publish under the new id,
 * write nothing under the old one, and say so once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "agent/agent.h"
#include "common/clock.h"
#include "common/log.h"
#include "xenstored/xsd.h"
#include "agent_env.h"

static void put_meminfo(struct env *e, unsigned long memfree)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "MemTotal:         250000 kB\nMemFree:        %8lu kB\n"
		 "MemAvailable:   %8lu kB\nSwapTotal:            0 kB\n"
		 "SwapFree:             0 kB\nCommitted_AS:     90000 kB\n",
		 memfree, memfree + 20000);
	put_file(e->dir, "meminfo", text);
}

static struct env *start_opt(bool refuse_relative)
{
	struct env *e = env_start("membal-follow", refuse_relative);

	put_meminfo(e, 100000);
	put_file(e->dir, "vmstat", "pswpin 0\noom_kill 0\n");
	log_set_level(LOG_DEBUG);
	return e;
}

static struct env *start(void)
{
	return start_opt(false);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* The arbiter's hand-over (design.md §Guest keys). */
static void hand_over(struct env *e, unsigned domid)
{
	env_hand_over(e, domid, MEMBAL_KEY_LAYOUT_VERSION);
}

static void steps(struct agent *a, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		clock_advance(a->cfg.sample_ms);
		agent_step(a);
	}
}

static void test_follows_new_domid(void **state)
{
	struct env *e = start();
	struct agent_config c;
	struct agent a;
	char *s;

	agent_cfg(e, &c);
	agent_init(&a, &c, AGENT_DOMID_AUTO);
	assert_true(a.follow);
	hand_over(e, 1);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(a.domid, 1);

	/* resumed as domain 7; its home is not built yet */
	assert_int_equal(xsd_rehome_domain(e->x, 1, 7), 0);
	put_meminfo(e, 60000);
	steps(&a, 5);
	assert_int_equal(a.domid, 1);           /* not known yet */
	assert_true(a.domid_lost);
	/* the toolstack builds the new home, later the arbiter hands over */
	assert_int_equal(xsd_introduce_domain(e->x, 7, "guest1", 262144, 524288), 0);
	steps(&a, 3);
	assert_int_equal(a.domid, 7);
	assert_false(a.domid_lost);
	assert_null(env_key(e, 7, "free"));         /* not handed over: nothing */
	hand_over(e, 7);
	steps(&a, (c.handover_retry_ms / c.sample_ms) + 2);
	s = env_key(e, 7, "free");
	assert_non_null(s);
	assert_string_equal(s, "60000");
	free(s);
	s = env_key(e, 7, "membal_version");
	assert_non_null(s);
	assert_true(s[0] != '\0');
	free(s);
	/* nothing under the old home: it was removed and stays so */
	unsigned len;
	assert_null(xs_read(e->h0, XBT_NULL, "/local/domain/1", &len));
	char *dump = xsd_dump(e->x);
	assert_null(strstr(dump, "/local/domain/1/"));
	free(dump);
	/* said once */
	assert_int_equal(count(env_logged(e), "domain id changed: 1 -> 7"), 1);
	assert_int_equal(count(env_logged(e), "domain id changed"), 1);
	assert_int_equal(a.domid_changes, 1);
	/* and it goes on publishing there */
	put_meminfo(e, 30000);
	steps(&a, 2);
	s = env_key(e, 7, "free");
	assert_string_equal(s, "30000");
	free(s);
	agent_close(&a);
	env_stop(e);
}

/* A guest that refuses the relative watch (seen on real Xen): the
 * absolute one is set instead, and the agent follows all the same. */
static void test_relative_watch_refused(void **state)
{
	struct env *e = start_opt(true);
	struct agent_config c;
	struct agent a;
	char *s;

	agent_cfg(e, &c);
	agent_init(&a, &c, AGENT_DOMID_AUTO);
	hand_over(e, 1);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_false(a.said_nowatch);
	assert_int_equal(count(env_logged(e), "cannot watch xenstore key 'domid'"), 0);
	assert_non_null(strstr(env_logged(e), "relative watch on 'domid' refused (Invalid argument); watching /local/domain/1/domid"));
	assert_int_equal(xsd_rehome_domain(e->x, 1, 9), 0);
	assert_int_equal(xsd_introduce_domain(e->x, 9, "guest1", 262144, 524288), 0);
	hand_over(e, 9);
	put_meminfo(e, 50000);
	steps(&a, (c.handover_retry_ms / c.sample_ms) + 4);
	assert_int_equal(a.domid, 9);
	s = env_key(e, 9, "free");
	assert_non_null(s);
	assert_string_equal(s, "50000");
	free(s);
	assert_int_equal(count(env_logged(e), "domain id changed: 1 -> 9"), 1);
	agent_close(&a);
	env_stop(e);
}

/* A fixed domid is not followed (main.c warns at start). */
static void test_fixed_domid_not_followed(void **state)
{
	struct env *e = start();
	struct agent_config c;
	struct agent a;

	agent_cfg(e, &c);
	agent_init(&a, &c, 1);
	assert_false(a.follow);
	hand_over(e, 1);
	assert_int_equal(agent_step(&a), STEP_PUBLISHED);
	assert_int_equal(xsd_rehome_domain(e->x, 1, 7), 0);
	assert_int_equal(xsd_introduce_domain(e->x, 7, "guest1", 262144, 524288), 0);
	hand_over(e, 7);
	put_meminfo(e, 60000);
	steps(&a, 5);
	assert_int_equal(a.domid, 1);
	char *k7 = env_key(e, 7, "free");

	assert_non_null(k7);
	assert_string_equal(k7, "");             /* handed over, never written */
	free(k7);
	assert_int_equal(count(env_logged(e), "domain id changed"), 0);
	agent_close(&a);
	env_stop(e);
}

/* The test xenstored's side: the connection acts as the new domain. */
static void test_rehome_moves_the_connection(void **state)
{
	struct env *e = start();
	struct xs_handle *g = xs_open(0);    /* as domain 1 */
	unsigned len, n;
	char *s;

	assert_non_null(g);
	s = xs_read(g, XBT_NULL, "domid", &len);
	assert_string_equal(s, "1");
	free(s);
	assert_true(xs_watch(g, "domid", "t"));
	free(xs_read_watch(g, &n));             /* fired at registration */
	assert_int_equal(xsd_rehome_domain(e->x, 1, 7), 0);
	char **ev = xs_read_watch(g, &n);        /* the re-registration */
	assert_non_null(ev);
	assert_string_equal(ev[XS_WATCH_PATH], "domid");
	free(ev);
	assert_null(xs_read(g, XBT_NULL, "domid", &len));   /* not built yet */
	assert_int_equal(errno, EACCES);   /* as xenstored: /local/domain is not ours */
	assert_int_equal(xsd_introduce_domain(e->x, 7, "guest1", 262144, 524288), 0);
	s = xs_read(g, XBT_NULL, "domid", &len);
	assert_string_equal(s, "7");
	free(s);
	assert_int_equal(xsd_rehome_domain(e->x, 1, 8), -1);   /* 1 is gone */
	assert_int_equal(errno, ENOENT);
	xs_close(g);
	env_stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follows_new_domid),
		cmocka_unit_test(test_relative_watch_refused),
		cmocka_unit_test(test_fixed_domid_not_followed),
		cmocka_unit_test(test_rehome_moves_the_connection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
