/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The world of the agent tests (test_agent_xs, test_agent_follow,
 * test_version_skew): membal's xenstored in-process with domain 1
 * introduced, dom0's handle to check and to hand over keys, a directory
 * for the guest's /proc and /sys files, the log captured, the clock
 * driven. xs_open() in the agent connects through domain 1's socket, so
 * it has a guest's rights, not dom0's.
 */
#ifndef MEMBAL_TEST_AGENT_ENV_H
#define MEMBAL_TEST_AGENT_ENV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "agent/agent.h"
#include "common/clock.h"
#include "common/keys.h"
#include "common/log.h"
#include "xenstored/xsd.h"

struct env {
	char dir[64];
	char path[256];
	struct xsd *x;
	struct xs_handle *h0;     /* dom0: the arbiter's side */
	char *logbuf;
	size_t loglen;
	FILE *log;
};

static inline void put_file(const char *dir, const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* name: the temporary directory's prefix under /tmp. */
static inline struct env *env_start(const char *name, bool refuse_relative_watches)
{
	struct env *e = calloc(1, sizeof(*e));
	char sock[128];

	assert_non_null(e);
	snprintf(e->dir, sizeof(e->dir), "/tmp/%s.XXXXXX", name);
	assert_non_null(mkdtemp(e->dir));
	snprintf(sock, sizeof(sock), "%s/socket", e->dir);
	struct xsd_options o = { .socket_path = sock, .domain_socket_dir = e->dir,
				 .refuse_relative_watches = refuse_relative_watches };
	e->x = xsd_start(&o);
	assert_non_null(e->x);
	assert_int_equal(xsd_introduce_domain(e->x, 1, "guest1", 262144, 524288), 0);
	setenv("XENSTORED_PATH", sock, 1);
	e->h0 = xs_open(0);
	assert_non_null(e->h0);
	/* From now on xs_open() in the agent connects as domain 1. */
	setenv("XENSTORED_PATH", xsd_domain_socket(e->x, 1), 1);
	e->log = open_memstream(&e->logbuf, &e->loglen);
	log_set_stream(e->log);
	clock_drive(1000000);
	return e;
}

static inline void env_stop(struct env *e)
{
	char cmd[128];

	log_set_stream(NULL);
	fclose(e->log);
	free(e->logbuf);
	xs_close(e->h0);
	xsd_stop(e->x);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", e->dir);
	assert_int_equal(system(cmd), 0);
	free(e);
}

static inline const char *env_logged(struct env *e)
{
	fflush(e->log);
	return e->logbuf ? e->logbuf : "";
}

/* The agent's configuration, reading the fixture files of e. */
static inline void agent_cfg(struct env *e, struct agent_config *c)
{
	agent_config_defaults(c);
	snprintf(c->meminfo_path, sizeof(c->meminfo_path), "%s/meminfo", e->dir);
	snprintf(c->vmstat_path, sizeof(c->vmstat_path), "%s/vmstat", e->dir);
	snprintf(c->psi_path, sizeof(c->psi_path), "%s/psi", e->dir);
	snprintf(c->sysfs_root, sizeof(c->sysfs_root), "%s/sys", e->dir);
}

/* What an arbiter of key layout `layout` does for a new domain
 * (design.md §Guest keys): create the keys it knows as dom0, keeping
 * what is there, and make the guest their owner. */
static inline void env_hand_over(struct env *e, unsigned domid, int layout)
{
	struct xs_permissions perms[1] = { { .id = domid, .perms = XS_PERM_NONE } };
	char p[256];

	for (int k = 0; k < MK_COUNT; k++) {
		if (membal_key_layout(k) > layout || !membal_keys[k].handed_over)
			continue;
		snprintf(p, sizeof(p), "/local/domain/%u/memory/%s", domid, membal_key_name(k));
		unsigned len;
		char *old = xs_read(e->h0, XBT_NULL, p, &len);

		if (!old)
			assert_true(xs_write(e->h0, XBT_NULL, p, "", 0));
		free(old);
		assert_true(xs_set_permissions(e->h0, XBT_NULL, p, perms, 1));
	}
}

/* A report key of domid as dom0 reads it (NULL: absent); free it. */
static inline char *env_key(struct env *e, unsigned domid, const char *k)
{
	char p[256];
	unsigned len;

	snprintf(p, sizeof(p), "/local/domain/%u/memory/%s", domid, k);
	return xs_read(e->h0, XBT_NULL, p, &len);
}

/* Domain 1's report key k as a number (it must be there). */
static inline unsigned long long key_u64(struct env *e, const char *k)
{
	char *s = env_key(e, 1, k);
	unsigned long long v;

	assert_non_null(s);
	v = strtoull(s, NULL, 10);
	free(s);
	return v;
}

#endif
