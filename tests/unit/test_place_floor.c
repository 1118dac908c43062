// SPDX-License-Identifier: GPL-2.0-only
/*
 * Placement at the floor (design.md §Placement at the floor): the
 * arbiter's status file publishes each managed domain's floor L_i'
 * (floor_kb), and membal-place's status reader and membal-iallocator's
 * cache reader take max(min_kb, floor_kb) as the domain's minimum.
 *
 *  - the reader: floor above min raises it, below or absent leaves it,
 *    above max_kb refuses the host;
 *  - the cluster of docs/evaluation.md "Session 9": pm1 runs five guests
 *    held at a 176 MiB floor, pm2 four; each host has 952 MiB for guests
 *    (2048 MiB, 1024 of dom0, the 72 MiB reserve), so pm1 has 72 MiB
 *    above its floors and pm2 248. A newcomer whose minimum is 128 MiB
 *    fits pm2 only: emm must place it there. Read with the configured
 *    64 MiB minimum (before session 9) both hosts had room, the utility
 *    gain tied (every host is full at its demand) and pm1, the first,
 *    got it; its arbiter could not make the room. (emm and pemm: gmm
 *    counts a running guest at its max where it fits, and finds room on
 *    neither.)
 *  - membal-iallocator's cache reader raises the minimum alike.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iallocator/demand.h"
#include "place/place.h"
#include "placetool/placetool.h"

#define MIB UINT64_C(1024)

/* One host's status file (version 2): dom0 of 1 GiB and n guests of
 * min 64 MiB, max 256, holding 176 MiB for a demand of 240, with the
 * given floor (0: no floor_kb member, as an older arbiter writes). */
static char *status_text(unsigned first, unsigned n, uint64_t floor_kb)
{
	static char buf[8192];
	size_t len = 0;
	uint64_t held = 1024 * MIB + n * 176 * MIB;

	len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		"{\"version\":2,\"mode\":\"infeasible\","
		"\"host\":{\"total_kb\":%llu,\"free_kb\":%llu,\"outstanding_kb\":0,"
		"\"reserve_kb\":%llu,\"reservation_kb\":null},"
		"\"domains\":[{\"domid\":0,\"name\":\"Domain-0\",\"state\":\"dom0\","
		"\"flags\":[\"dom0\"],\"min_kb\":0,\"max_kb\":0,\"actual_kb\":%llu,"
		"\"demand_kb\":null,\"floor_kb\":null}",
		(unsigned long long)(2048 * MIB), (unsigned long long)(2048 * MIB - held),
		(unsigned long long)(72 * MIB), (unsigned long long)(1024 * MIB));
	for (unsigned i = 0; i < n; i++) {
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
			",{\"domid\":%u,\"name\":\"g%u\",\"state\":\"managed\",\"flags\":[],"
			"\"min_kb\":%llu,\"max_kb\":%llu,\"actual_kb\":%llu,\"demand_kb\":%llu",
			i + 1, first + i, (unsigned long long)(64 * MIB),
			(unsigned long long)(256 * MIB), (unsigned long long)(176 * MIB),
			(unsigned long long)(240 * MIB));
		if (floor_kb)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						",\"floor_kb\":%llu", (unsigned long long)floor_kb);
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "}");
	}
	snprintf(buf + len, sizeof(buf) - len, "]}");
	return buf;
}

static int add_host(struct snap *s, const char *name, const char *text,
		    char *err, size_t errlen)
{
	struct json_object *o = json_tokener_parse(text);
	int rc;

	assert_non_null(o);
	rc = snap_add_status(s, name, o, "", "", 0, err, errlen);
	json_object_put(o);
	return rc;
}

static void test_reader(void **state)
{
	struct snap s;
	char err[300];

	(void)state;
	snap_init(&s);
	assert_int_equal(add_host(&s, "pm1", status_text(1, 1, 176 * MIB), err, sizeof(err)), 0);
	assert_int_equal(s.doms[snap_dom_index(&s, "g1")].min_kb, 176 * MIB);
	/* An older arbiter's file: the configured minimum. */
	assert_int_equal(add_host(&s, "pm2", status_text(2, 1, 0), err, sizeof(err)), 0);
	assert_int_equal(s.doms[snap_dom_index(&s, "g2")].min_kb, 64 * MIB);
	/* A floor below min_kb changes nothing. */
	assert_int_equal(add_host(&s, "pm3", status_text(3, 1, 32 * MIB), err, sizeof(err)), 0);
	assert_int_equal(s.doms[snap_dom_index(&s, "g3")].min_kb, 64 * MIB);
	/* Above max_kb the file does not add up: refused, named. */
	assert_int_equal(add_host(&s, "pm4", status_text(4, 1, 300 * MIB), err, sizeof(err)), -1);
	if (!strstr(err, "floor_kb"))
		fail_msg("%s", err);
	snap_free(&s);
}

static void test_newcomer_goes_where_the_floors_leave_room(void **state)
{
	struct snap s;
	struct place_params p;
	struct place_plan plan;
	char err[300];

	(void)state;
	snap_init(&s);
	assert_int_equal(add_host(&s, "pm1", status_text(1, 5, 176 * MIB), err, sizeof(err)), 0);
	assert_int_equal(add_host(&s, "pm2", status_text(6, 4, 176 * MIB), err, sizeof(err)), 0);
	/* The hosts as the placement core sees them: 952 MiB for guests. */
	for (size_t h = 0; h < 2; h++)
		assert_int_equal(s.hosts[h].mem_kb - s.hosts[h].reserve_kb, (2048 - 72) * MIB);
	/* Placement places the newcomer: the others stay (as membal-sim
	 * asks it, and `membal-place plan --no-migrate`). */
	for (size_t j = 0; j < s.nd; j++)
		s.doms[j].migratable = false;
	struct place_dom *d = snap_add_dom(&s);

	assert_non_null(d);
	d->name = snap_str(&s, "new");
	d->kind = PLACE_DOMU;
	d->min_kb = 128 * MIB;
	d->max_kb = 256 * MIB;
	d->demand_kb = d->active_kb = 256 * MIB;
	place_params_default(&p);
	for (int alg = PLACE_EMM; alg <= PLACE_PEMM; alg++) {
		int32_t j = snap_dom_index(&s, "new");

		if (place_plan(&p, s.hosts, s.nh, s.doms, s.nd, (enum place_algorithm)alg, &plan) != 0)
			fail_msg("%s", plan.error);
		if (plan.host[j] != snap_host_index(&s, "pm2"))
			fail_msg("%s: the newcomer on host %d, not pm2", place_algorithm_names[alg],
				 plan.host[j]);
		place_plan_free(&plan);
	}
	snap_free(&s);
}

static void test_ialloc_cache(void **state)
{
	char path[] = "/tmp/membal-place-floor-XXXXXX", err[300];
	struct ia_snapshot s;
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "{\"format\":\"membal-place-cache\",\"version\":1,\"collected_at\":1000,"
		   "\"hosts\":[{\"name\":\"pm1\",\"status\":%s}", status_text(1, 2, 176 * MIB));
	fprintf(f, ",{\"name\":\"pm2\",\"status\":%s}]}\n", status_text(3, 1, 0));
	fclose(f);
	assert_int_equal(ia_snapshot_read_cache(&s, path, 1000, 300, err, sizeof(err)), 0);
	for (size_t j = 0; j < s.nd; j++) {
		if (s.doms[j].kind != PLACE_DOMU)
			continue;
		assert_int_equal(s.doms[j].min_kb, s.doms[j].host == 0 ? 176 * MIB : 64 * MIB);
	}
	ia_snapshot_free(&s);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_newcomer_goes_where_the_floors_leave_room),
		cmocka_unit_test(test_ialloc_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
