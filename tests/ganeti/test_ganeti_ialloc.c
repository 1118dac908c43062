/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hail and membal-iallocator on the same requests (tests/fixtures/ganeti,
 * written by make-fixtures.py). Every answer of either is checked against
 * the protocol and the request (validate()); then the case's expectation:
 * both succeed, both fail, or they differ, and the case says why.
 *
 * Skipped, loudly, when hail is not installed (scripts/install-deps.sh
 * installs ganeti-htools; Debian puts hail in /usr/lib/ganeti/iallocators).
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
#include <time.h>

#include "ganeti_util.h"

#define HAIL_DEFAULT "/usr/lib/ganeti/iallocators/hail"

static struct json_object *member(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, k, &v);
	return v;
}

static int64_t num(struct json_object *o, const char *k)
{
	return json_object_get_int64(member(o, k));
}

static bool flag(struct json_object *o, const char *k, bool dflt)
{
	struct json_object *v = member(o, k);

	return v ? json_object_get_boolean(v) : dflt;
}

/* Memory each node may give, by node name: Ganeti's free_memory, or, for
 * membal with a snapshot, what the snapshot leaves when every domain has
 * its demand within [min, max] and the reserve stays free, worked out
 * here independently of src/iallocator. */
static struct json_object *room_of(struct json_object *req, struct json_object *cache)
{
	struct json_object *room = json_object_new_object();

	json_object_object_foreach(member(req, "nodes"), name, n)
		json_object_object_add(room, name, json_object_new_int64(num(n, "free_memory")));
	if (!cache)
		return room;
	struct json_object *hosts = member(cache, "hosts");

	for (size_t h = 0; h < json_object_array_length(hosts); h++) {
		struct json_object *ho = json_object_array_get_idx(hosts, h);
		struct json_object *st = member(ho, "status"), *doms = member(st, "domains");
		struct json_object *hst = member(st, "host");
		int64_t held = 0, need = 0;

		for (size_t j = 0; j < json_object_array_length(doms); j++) {
			struct json_object *d = json_object_array_get_idx(doms, j);
			int64_t v = num(d, "demand_kb");

			if (v > num(d, "max_kb"))
				v = num(d, "max_kb");
			if (v < num(d, "min_kb"))
				v = num(d, "min_kb");
			held += num(d, "actual_kb");
			need += num(d, "domid") == 0 ? num(d, "actual_kb") : v;
		}
		int64_t mem = held + num(hst, "free_kb") - num(hst, "reserve_kb");
		int64_t mb = (mem - need) / 1024;
		const char *hname = json_object_get_string(member(ho, "name"));
		struct json_object *had = member(room, hname);

		if (had && mb > json_object_get_int64(had))
			json_object_object_add(room, hname, json_object_new_int64(mb));
	}
	return room;
}

struct ctx {
	struct json_object *req, *room, *placed_mem, *placed_disk;
	const char *who;
};

static const char *group_of(struct ctx *c, const char *node)
{
	return json_object_get_string(member(member(member(c->req, "nodes"), node), "group"));
}

/* Node `name` may take mem MiB (and disk MiB of local disk) after what
 * this answer placed there already; group: NULL any. */
static void check_node(struct ctx *c, const char *name, int64_t mem, int64_t disk,
		       const char *group)
{
	struct json_object *n = member(member(c->req, "nodes"), name);
	int64_t pm = 0, pd = 0;

	if (!n)
		fail_msg("%s chose %s, not a node of the request", c->who, name);
	if (flag(n, "offline", false) || flag(n, "drained", false) || !flag(n, "vm_capable", true))
		fail_msg("%s chose %s: offline, drained or not vm_capable", c->who, name);
	struct json_object *g = member(member(c->req, "nodegroups"), group_of(c, name));

	if (!strcmp(json_object_get_string(member(g, "alloc_policy")), "unallocable"))
		fail_msg("%s chose %s in an unallocable group", c->who, name);
	if (group && strcmp(group_of(c, name), group) != 0)
		fail_msg("%s chose %s outside group %s", c->who, name, group);
	if (member(c->placed_mem, name))
		pm = json_object_get_int64(member(c->placed_mem, name));
	if (member(c->placed_disk, name))
		pd = json_object_get_int64(member(c->placed_disk, name));
	pm += mem;
	pd += disk;
	if (pm > json_object_get_int64(member(c->room, name)))
		fail_msg("%s placed %lld MiB on %s, which has %lld", c->who, (long long)pm, name,
			 (long long)json_object_get_int64(member(c->room, name)));
	if (pd > num(n, "free_disk"))
		fail_msg("%s placed %lld MiB of disk on %s, which has %lld", c->who, (long long)pd,
			 name, (long long)num(n, "free_disk"));
	json_object_object_add(c->placed_mem, name, json_object_new_int64(pm));
	json_object_object_add(c->placed_disk, name, json_object_new_int64(pd));
}

static bool local_disk(struct json_object *w)
{
	const char *dt = json_object_get_string(member(w, "disk_template"));

	return !strcmp(dt, "plain") || !strcmp(dt, "drbd");
}

/* One instance's nodes (a JSON list) against its request w. */
static void check_alloc(struct ctx *c, struct json_object *w, struct json_object *nodes)
{
	int64_t need = num(w, "required_nodes");
	const char *gname = json_object_get_string(member(c->req, "request") ?
		member(member(c->req, "request"), "group_name") : NULL);
	const char *group = NULL;

	assert_true(json_object_is_type(nodes, json_type_array));
	assert_int_equal(json_object_array_length(nodes), need);
	if (gname) {
		json_object_object_foreach(member(c->req, "nodegroups"), uuid, g)
			if (!strcmp(json_object_get_string(member(g, "name")), gname))
				group = uuid;
		assert_non_null(group);
	}
	for (int64_t k = 0; k < need; k++) {
		const char *n = json_object_get_string(json_object_array_get_idx(nodes, (size_t)k));

		if (k == 1) {
			/* drbd: a secondary other than the primary, same group */
			const char *p = json_object_get_string(json_object_array_get_idx(nodes, 0));

			assert_string_not_equal(n, p);
			group = group_of(c, p);
		}
		check_node(c, n, num(w, "memory"), local_disk(w) ? num(w, "disk_space_total") : 0,
			   group);
	}
}

static void check_relocate(struct ctx *c, struct json_object *rq, struct json_object *res)
{
	struct json_object *inst = member(member(c->req, "instances"),
					  json_object_get_string(member(rq, "name")));
	struct json_object *from = member(rq, "relocate_from"), *in = member(inst, "nodes");

	assert_int_equal(json_object_array_length(res), 1);
	const char *n = json_object_get_string(json_object_array_get_idx(res, 0));

	for (size_t i = 0; i < json_object_array_length(in); i++)
		assert_string_not_equal(n, json_object_get_string(json_object_array_get_idx(in, i)));
	for (size_t i = 0; i < json_object_array_length(from); i++)
		assert_string_not_equal(n, json_object_get_string(json_object_array_get_idx(from, i)));
	const char *pn = json_object_get_string(json_object_array_get_idx(in, 0));
	bool drbd = !strcmp(json_object_get_string(member(inst, "disk_template")), "drbd");

	check_node(c, n, num(inst, "memory"), drbd ? num(inst, "disk_space_total") : 0,
		   group_of(c, pn));
}

static void check_multi(struct ctx *c, struct json_object *rq, struct json_object *res)
{
	struct json_object *wants = member(rq, "instances");
	size_t nw = json_object_array_length(wants), seen = 0;

	assert_int_equal(json_object_array_length(res), 2);
	struct json_object *ok = json_object_array_get_idx(res, 0);
	struct json_object *failed = json_object_array_get_idx(res, 1);

	/* Every instance once, placed or failed; placements count together. */
	for (size_t i = 0; i < nw; i++) {
		struct json_object *w = json_object_array_get_idx(wants, i);
		const char *name = json_object_get_string(member(w, "name"));
		int times = 0;

		for (size_t k = 0; k < json_object_array_length(ok); k++) {
			struct json_object *one = json_object_array_get_idx(ok, k);

			if (strcmp(json_object_get_string(json_object_array_get_idx(one, 0)), name))
				continue;
			times++;
			check_alloc(c, w, json_object_array_get_idx(one, 1));
		}
		for (size_t k = 0; k < json_object_array_length(failed); k++)
			times += !strcmp(json_object_get_string(json_object_array_get_idx(failed, k)), name);
		assert_int_equal(times, 1);
		seen++;
	}
	assert_int_equal(json_object_array_length(ok) + json_object_array_length(failed), seen);
}

/* The answer is a valid response to req (room: what each node may give). */
static bool validate(const char *who, const char *text, struct json_object *req,
		     struct json_object *room, const char **info)
{
	struct json_object *a = json_tokener_parse(text);
	struct ctx c = { req, room, json_object_new_object(), json_object_new_object(), who };

	if (!a)
		fail_msg("%s: answer is not JSON: %s", who, text);
	struct json_object *ok = member(a, "success"), *in = member(a, "info"), *res = member(a, "result");

	assert_true(json_object_is_type(ok, json_type_boolean));
	assert_true(json_object_is_type(in, json_type_string));
	assert_non_null(res);
	bool success = json_object_get_boolean(ok);
	struct json_object *rq = member(req, "request");
	const char *type = json_object_get_string(member(rq, "type"));

	if (!success) {
		assert_true(json_object_is_type(res, json_type_array));
		assert_int_equal(json_object_array_length(res), 0);
	} else if (!strcmp(type, "allocate")) {
		check_alloc(&c, rq, res);
	} else if (!strcmp(type, "relocate")) {
		check_relocate(&c, rq, res);
	} else if (!strcmp(type, "multi-allocate")) {
		check_multi(&c, rq, res);
	} else {
		/* node-evacuate, change-group: hail's job set [moved, failed, jobs] */
		assert_true(json_object_is_type(res, json_type_array));
		assert_int_equal(json_object_array_length(res), 3);
	}
	*info = strdup(json_object_get_string(in));
	json_object_put(c.placed_mem);
	json_object_put(c.placed_disk);
	json_object_put(a);
	return success;
}

enum expect { BOTH_OK, BOTH_FAIL, ONLY_HAIL, ONLY_MEMBAL };

struct side_case {
	const char *request, *cache;
	enum expect expect;
	const char *why;    /* why the answers differ, or what both check */
};

static const struct side_case cases[] = {
	{ "alloc_plain.json", NULL, BOTH_OK, "plain: one node with memory and disk; hail takes the best cluster score, membal the node left with the most memory" },
	{ "alloc_drbd.json", NULL, BOTH_OK, "drbd: primary then a distinct secondary in its group, both with disk" },
	{ "alloc_group.json", NULL, BOTH_OK, "group_name rack2 respected" },
	{ "alloc_nofit.json", NULL, BOTH_FAIL, "no node has 14000 MiB free" },
	{ "alloc_nodisk.json", NULL, BOTH_FAIL, "no node has 500000 MiB of disk" },
	{ "reloc_drbd.json", NULL, BOTH_OK, "drbd: a new secondary, not among the instance's nodes" },
	{ "reloc_shared.json", NULL, BOTH_OK, "sharedfile: a new primary in the group" },
	{ "reloc_plain.json", NULL, BOTH_FAIL, "plain storage cannot be relocated" },
	{ "multi_fit.json", NULL, BOTH_OK, "four instances placed, earlier placements counted" },
	{ "multi.json", NULL, ONLY_MEMBAL, "hail puts a multi-allocate in one group (default lacks memory for all five, rack2 breaks N+1 redundancy) and fails it whole; membal places each instance on any allocable node with room and checks no N+1" },
	{ "evacuate.json", NULL, ONLY_HAIL, "node-evacuate: hail returns Ganeti's job set; membal answers not supported, use hail" },
	{ "change_group.json", NULL, ONLY_HAIL, "change-group: likewise" },
	{ "alloc_idle.json", NULL, BOTH_FAIL, "without a snapshot membal sees Xen's free memory as hail does: no node has 3072 MiB free" },
	{ "alloc_idle.json", "cache_idle.json", ONLY_MEMBAL, "membal's snapshot shows idle memory it can reclaim (idle1: demand 3.5 GiB of 14 GiB held); hail sees 1200 MiB free; membal's info says to reserve first" },
};

static struct json_object *load(const char *path)
{
	struct json_object *o = json_object_from_file(path);

	if (!o)
		fail_msg("cannot read %s", path);
	return o;
}

/* The cache with collected_at now, written to the scratch directory. */
static const char *fresh_cache(const char *name, struct json_object **cache)
{
	static char path[4200];

	*cache = load(fixture(name));
	json_object_object_add(*cache, "collected_at", json_object_new_int64((int64_t)time(NULL)));
	snprintf(path, sizeof(path), "%s/%s", scratch_dir(), name);
	assert_int_equal(json_object_to_file(path, *cache), 0);
	return path;
}

static void test_side_by_side(void **state)
{
	const char *hail = tool_path("MEMBAL_HAIL", HAIL_DEFAULT);
	char mine[4096];
	const char *bin = getenv("MEMBAL_BIN");
	int differ = 0;

	(void)state;
	if (!hail) {
		fprintf(stderr, "SKIP: hail not found (" HAIL_DEFAULT "; scripts/install-deps.sh installs ganeti-htools)\n");
		skip();
	}
	snprintf(mine, sizeof(mine), "%s/membal-iallocator", bin ? bin : "build/san");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct side_case *k = &cases[i];
		struct json_object *req = load(fixture(k->request)), *cache = NULL;
		char reqpath[4200], *ha, *me;
		const char *cache_path = "/nonexistent/membal-place-cache.json";
		const char *hinfo, *minfo;

		snprintf(reqpath, sizeof(reqpath), "%s", fixture(k->request));
		if (k->cache)
			cache_path = fresh_cache(k->cache, &cache);
		char *hargv[] = { (char *)hail, reqpath, NULL };
		char *margv[] = { mine, (char *)"--cache", (char *)cache_path, reqpath, NULL };

		ha = run_capture(hargv);
		me = run_capture(margv);
		if (!ha || !me)
			fail_msg("%s: %s did not answer", k->request, ha ? "membal-iallocator" : "hail");
		struct json_object *hroom = room_of(req, NULL), *mroom = room_of(req, cache);
		bool hok = validate("hail", ha, req, hroom, &hinfo);
		bool mok = validate("membal-iallocator", me, req, mroom, &minfo);

		printf("%-18s %-16s hail %-5s membal %-5s  %s\n", k->request, k->cache ? k->cache : "(static)",
		       hok ? "ok" : "fail", mok ? "ok" : "fail", k->why);
		printf("    hail:   %.300s\n    membal: %.300s\n", ha, me);
		enum expect got = hok && mok ? BOTH_OK : !hok && !mok ? BOTH_FAIL :
				  hok ? ONLY_HAIL : ONLY_MEMBAL;

		if (got != k->expect)
			fail_msg("%s: expected outcome %d, got %d (hail: %s; membal: %s)",
				 k->request, k->expect, got, hinfo, minfo);
		differ += got == ONLY_HAIL || got == ONLY_MEMBAL;
		if (k->cache && got == ONLY_MEMBAL)
			assert_non_null(strstr(minfo, "membalctl reserve"));
		if (got == ONLY_HAIL)
			assert_non_null(strstr(minfo, "not supported, use hail"));
		free((void *)hinfo);
		free((void *)minfo);
		free(ha);
		free(me);
		json_object_put(hroom);
		json_object_put(mroom);
		json_object_put(req);
		json_object_put(cache);
	}
	printf("%zu requests, %d answered differently (each with its reason above)\n",
	       sizeof(cases) / sizeof(cases[0]), differ);
}

/* A stale cache is not used: membal falls back to static sizes and says
 * so, and the idle request fails as hail's does. */
static void test_stale_cache(void **state)
{
	struct json_object *cache = load(fixture("cache_idle.json"));
	char path[4200], mine[4096], reqpath[4200];
	const char *bin = getenv("MEMBAL_BIN");

	(void)state;
	json_object_object_add(cache, "collected_at", json_object_new_int64((int64_t)time(NULL) - 3600));
	snprintf(path, sizeof(path), "%s/stale.json", scratch_dir());
	assert_int_equal(json_object_to_file(path, cache), 0);
	snprintf(mine, sizeof(mine), "%s/membal-iallocator", bin ? bin : "build/san");
	snprintf(reqpath, sizeof(reqpath), "%s", fixture("alloc_idle.json"));
	char *argv[] = { mine, (char *)"--cache", path, (char *)"--max-age", (char *)"300", reqpath, NULL };
	char *out = run_capture(argv);

	assert_non_null(out);
	assert_non_null(strstr(out, "\"success\":false"));
	assert_non_null(strstr(out, "static sizes"));
	assert_non_null(strstr(out, "older than the 300 s bound"));
	free(out);
	json_object_put(cache);
}

/* membal-place export-htools on collect's cache: hinfo, hspace and hbal
 * read what it writes, in both memory modes, and the demand mode shows
 * hbal the room membal measured (idle1: 11556 MiB free instead of 944). */
static void test_export_cli(void **state)
{
	const char *tools[] = { "/usr/bin/hinfo", "/usr/bin/hspace", "/usr/bin/hbal" };
	const char *bin = getenv("MEMBAL_BIN");
	struct json_object *cache = NULL;
	char place[4096], out[4200];

	(void)state;
	for (size_t t = 0; t < 3; t++)
		if (!tool_path("MEMBAL_NONE", tools[t])) {
			fprintf(stderr, "SKIP: %s not found (ganeti-htools)\n", tools[t]);
			skip();
		}
	const char *cp = fresh_cache("cache_idle.json", &cache);

	snprintf(place, sizeof(place), "%s/membal-place", bin ? bin : "build/san");
	for (int m = 0; m < 2; m++) {
		snprintf(out, sizeof(out), "%s/export-%d.txt", scratch_dir(), m);
		char *argv[] = { place, (char *)"export-htools", (char *)"--cache", (char *)cp,
				 (char *)"--memory", (char *)(m ? "demand" : "static"),
				 (char *)"-o", out, NULL };
		char *o = run_capture(argv);

		assert_non_null(o);
		free(o);
		for (size_t t = 0; t < 3; t++) {
			char *targv[] = { (char *)tools[t], (char *)"-t", out, NULL };
			char *r = run_capture(targv);

			if (!r)
				fail_msg("%s -t %s failed", tools[t], out);
			free(r);
		}
		FILE *f = fopen(out, "r");
		char buf[8192];
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);

		fclose(f);
		buf[n] = '\0';
		assert_non_null(strstr(buf, m ? "\nidle1|16384|1280|11556|" : "\nidle1|16384|1280|944|"));
	}
	json_object_put(cache);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_side_by_side),
		cmocka_unit_test(test_export_cli),
		cmocka_unit_test(test_stale_cache),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	scratch_cleanup();
	return rc;
}
