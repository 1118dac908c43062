/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-iallocator's pure parts: the request reader refusing malformed
 * requests with a reason naming the field, the decision's rules on small
 * hand-written clusters (each case says its arithmetic), membal's view of
 * a node from a snapshot, and the htools export's lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iallocator/demand.h"
#include "iallocator/htools.h"
#include "iallocator/ialloc.h"

/* A cluster of four nodes in two groups, plus an unallocable one:
 * n1 (g1): 9000 MiB free; n2 (g1): 4000; n3 (g2): 12000; n4 (g1):
 * 15000 but drained; n5 (g3, unallocable): 16000; n6 (g1) offline;
 * n7 (g1) not vm_capable. */
static const char *NODES =
	"\"nodegroups\":{\"g1\":{\"name\":\"one\",\"alloc_policy\":\"preferred\"},"
	"\"g2\":{\"name\":\"two\",\"alloc_policy\":\"last_resort\"},"
	"\"g3\":{\"name\":\"spare\",\"alloc_policy\":\"unallocable\"}},"
	"\"nodes\":{"
	"\"n1\":{\"group\":\"g1\",\"offline\":false,\"drained\":false,\"total_memory\":16384,\"free_memory\":9000,\"free_disk\":50000},"
	"\"n2\":{\"group\":\"g1\",\"offline\":false,\"drained\":false,\"total_memory\":16384,\"free_memory\":4000,\"free_disk\":50000},"
	"\"n3\":{\"group\":\"g2\",\"offline\":false,\"drained\":false,\"total_memory\":16384,\"free_memory\":12000,\"free_disk\":1000},"
	"\"n4\":{\"group\":\"g1\",\"offline\":false,\"drained\":true,\"total_memory\":16384,\"free_memory\":15000,\"free_disk\":50000},"
	"\"n5\":{\"group\":\"g3\",\"offline\":false,\"drained\":false,\"total_memory\":16384,\"free_memory\":16000,\"free_disk\":50000},"
	"\"n6\":{\"group\":\"g1\",\"offline\":true,\"drained\":false},"
	"\"n7\":{\"group\":\"g1\",\"offline\":false,\"drained\":false,\"vm_capable\":false}},"
	"\"instances\":{"
	"\"d1\":{\"memory\":2048,\"disk_space_total\":2000,\"disk_template\":\"drbd\",\"nodes\":[\"n1\",\"n2\"]},"
	"\"s1\":{\"memory\":1024,\"disk_space_total\":0,\"disk_template\":\"sharedfile\",\"nodes\":[\"n3\"]},"
	"\"p1\":{\"memory\":1024,\"disk_space_total\":100,\"disk_template\":\"plain\",\"nodes\":[\"n1\"]}}";

static char *request(const char *req)
{
	size_t n = strlen(NODES) + strlen(req) + 64;
	char *s = malloc(n);

	assert_non_null(s);
	snprintf(s, n, "{%s,\"request\":%s}", NODES, req);
	return s;
}

static char *want(const char *name, unsigned mem, const char *dt, unsigned disk)
{
	static char buf[4][300];
	static int k;
	char *b = buf[k++ % 4];

	snprintf(b, sizeof(buf[0]), "{\"name\":\"%s\",\"memory\":%u,\"disk_space_total\":%u,"
		 "\"disk_template\":\"%s\",\"required_nodes\":%d}", name, mem, disk, dt,
		 strcmp(dt, "drbd") ? 1 : 2);
	return b;
}

static int read_req(const char *text, struct ia_cluster *c, char *err)
{
	return ia_read_request(text, strlen(text), c, err, 512);
}

static void refused(const char *text, const char *reason)
{
	struct ia_cluster c;
	char err[512] = "";

	if (read_req(text, &c, err) == 0)
		fail_msg("accepted: %.200s", text);
	if (!strstr(err, reason))
		fail_msg("reason '%s' lacks '%s'", err, reason);
	ia_cluster_free(&c);
}

static void test_malformed(void **state)
{
	char big[200];

	(void)state;
	refused("", "empty");
	refused("{", "not JSON");
	refused("[]", "not a JSON object");
	refused("{} x", "after the JSON value");
	refused("{}", "nodegroups");
	refused("{\"nodegroups\":{\"g\":{\"name\":\"a\",\"alloc_policy\":\"x\"}}}", "alloc_policy");
	refused("{\"nodegroups\":{\"g\":{\"name\":\"a\",\"alloc_policy\":\"preferred\"}},"
		"\"nodes\":{\"n\":{\"group\":\"zz\",\"offline\":false,\"drained\":false}}}", "not in nodegroups");
	refused("{\"nodegroups\":{\"g\":{\"name\":\"a\",\"alloc_policy\":\"preferred\"}},"
		"\"nodes\":{\"n\":{\"group\":\"g\",\"offline\":false,\"drained\":false,\"total_memory\":-1,\"free_memory\":1,\"free_disk\":1}}}",
		"total_memory");
	refused("{\"nodegroups\":{\"g\":{\"name\":\"a\",\"alloc_policy\":\"preferred\"}},"
		"\"nodes\":{\"n\":{\"group\":\"g\",\"offline\":false,\"drained\":false,\"total_memory\":10.5,\"free_memory\":1,\"free_disk\":1}}}",
		"whole number");
	refused("{\"nodegroups\":{\"g\":{\"name\":\"a\",\"alloc_policy\":\"preferred\"}},"
		"\"nodes\":{\"n\":{\"group\":\"g\",\"offline\":false,\"drained\":false,\"total_memory\":10,\"free_memory\":11,\"free_disk\":1}}}",
		"free_memory above");
	refused("{\"nodegroups\":{\"g\":{\"name\":\"a\",\"alloc_policy\":\"preferred\"}},"
		"\"nodes\":{\"n\":{\"group\":\"g\",\"offline\":\"no\",\"drained\":false}}}", "boolean");
	refused("{\"nodegroups\":{\"g\":{\"name\":\"a\\u0001\",\"alloc_policy\":\"preferred\"}}}", "control character");
	char *r;

	r = request("{\"type\":\"defragment\"}");
	refused(r, "unknown type");
	free(r);
	r = request(want("x", 1024, "drbd", 10));
	/* no "type" */
	refused(r, "\"type\"");
	free(r);
	snprintf(big, sizeof(big), "{\"type\":\"allocate\",\"name\":\"x\",\"memory\":1,\"disk_space_total\":1,"
		 "\"disk_template\":\"drbd\",\"required_nodes\":1}");
	r = request(big);
	refused(r, "does not fit disk_template");
	free(r);
	snprintf(big, sizeof(big), "{\"type\":\"allocate\",\"name\":\"x\",\"memory\":1,\"disk_space_total\":1,"
		 "\"disk_template\":\"plain\",\"required_nodes\":3}");
	r = request(big);
	refused(r, "required_nodes");
	free(r);
	r = request("{\"type\":\"relocate\",\"name\":\"nope\",\"required_nodes\":1,\"relocate_from\":[]}");
	refused(r, "not in instances");
	free(r);
	r = request("{\"type\":\"relocate\",\"name\":\"d1\",\"required_nodes\":1,\"relocate_from\":[\"n99\"]}");
	refused(r, "not in nodes");
	free(r);
	r = request("{\"type\":\"allocate\",\"group_name\":\"ten\",\"name\":\"x\",\"memory\":1,"
		    "\"disk_space_total\":1,\"disk_template\":\"plain\",\"required_nodes\":1}");
	refused(r, "group_name");
	free(r);
	/* 100 nested arrays: json-c's depth bound, not a stack overflow. */
	char deep[300];

	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	deep[200] = '\0';
	refused(deep, "not JSON");
	/* A NUL byte inside. */
	struct ia_cluster c;
	char err[512];

	assert_int_equal(ia_read_request("{}\0{}", 5, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NUL"));
	ia_cluster_free(&c);
}

/* Decide on request req; returns the answer's JSON (caller frees). */
static char *decide(const char *req, bool measured_n2, struct ia_answer *a,
		    struct ia_cluster *c)
{
	char err[512];
	char *text = request(req);
	struct ia_params p = { .demand_note = "test" };

	if (read_req(text, c, err) < 0)
		fail_msg("refused: %s", err);
	free(text);
	if (measured_n2) {
		/* membal's snapshot: n2 (4000 MiB free in Xen) has 11000 MiB
		 * of room by measured demand. */
		int32_t n2 = ia_node_index(c, "n2");

		c->nodes[n2].measured = true;
		c->nodes[n2].membal_free_mb = 11000;
		p.measured = true;
	}
	assert_int_equal(ia_decide(c, &p, a), 0);
	return ia_answer_json(c, a);
}

static void expect(const char *req, bool measured, const char *result)
{
	struct ia_answer a;
	struct ia_cluster c;
	char *json = decide(req, measured, &a, &c);

	if (!strstr(json, result))
		fail_msg("%s\n  expected %s", json, result);
	free(json);
	ia_answer_free(&a);
	ia_cluster_free(&c);
}

static void test_allocate_rules(void **state)
{
	char r[400];

	(void)state;
	/* n4 (15000, drained), n5 (16000, unallocable) are never chosen;
	 * n3 has the most left among the rest (12000 - 2048). */
	snprintf(r, sizeof(r), "%s", want("a", 2048, "sharedfile", 0));
	memcpy(r + strlen(r) - 1, ",\"type\":\"allocate\"}", 20);
	expect(r, false, "\"result\":[\"n3\"]");
	/* plain needs local disk: n3 has 1000 MiB, n1 (9000) is next. */
	snprintf(r, sizeof(r), "%s", want("b", 2048, "plain", 5000));
	memcpy(r + strlen(r) - 1, ",\"type\":\"allocate\"}", 20);
	expect(r, false, "\"result\":[\"n1\"]");
	/* drbd: n1 then n2, the only other usable node of g1 with 2048
	 * (4000 free); n3 is in another group. */
	snprintf(r, sizeof(r), "%s", want("c", 2048, "drbd", 5000));
	memcpy(r + strlen(r) - 1, ",\"type\":\"allocate\"}", 20);
	expect(r, false, "\"result\":[\"n1\",\"n2\"]");
	/* drbd with 500 MiB of disk: n3 (g2) has the most memory and the
	 * disk, but no other node of g2 can be its secondary: n1 + n2. */
	snprintf(r, sizeof(r), "%s", want("c2", 2048, "drbd", 500));
	memcpy(r + strlen(r) - 1, ",\"type\":\"allocate\"}", 20);
	expect(r, false, "\"result\":[\"n1\",\"n2\"]");
	/* 5000 MiB drbd: n2 has 4000 free: no secondary. */
	snprintf(r, sizeof(r), "%s", want("d", 5000, "drbd", 5000));
	memcpy(r + strlen(r) - 1, ",\"type\":\"allocate\"}", 20);
	expect(r, false, "\"success\":false");
	/* ... but membal's snapshot gives n2 11000 MiB: n2 first (most
	 * left: 6000 vs 4000), n1 second; and the reserve hint for n2. */
	expect(r, true, "\"result\":[\"n2\",\"n1\"]");
	expect(r, true, "membalctl reserve 5000M");
	/* group_name "one": n1. */
	snprintf(r, sizeof(r), "%s", want("e", 2048, "sharedfile", 0));
	memcpy(r + strlen(r) - 1, ",\"type\":\"allocate\",\"group_name\":\"one\"}", 39);
	expect(r, false, "\"result\":[\"n1\"]");
	/* Nothing has 13000 MiB: the reason counts each refusal. */
	snprintf(r, sizeof(r), "%s", want("f", 13000, "sharedfile", 0));
	memcpy(r + strlen(r) - 1, ",\"type\":\"allocate\"}", 20);
	expect(r, false, "3 offline/drained/not vm_capable, 1 in another or unallocable group, 3 without 13000 MiB");
}

static void test_relocate_and_modes(void **state)
{
	(void)state;
	/* drbd d1 on n1+n2, from n2: not n1, n2; g1 only: nothing else
	 * usable in g1 (n4 drained, n6 offline, n7 not vm_capable). */
	expect("{\"type\":\"relocate\",\"name\":\"d1\",\"required_nodes\":1,\"relocate_from\":[\"n2\"]}",
	       false, "\"success\":false");
	/* sharedfile s1 on n3 (g2, alone): nothing in g2. */
	expect("{\"type\":\"relocate\",\"name\":\"s1\",\"required_nodes\":1,\"relocate_from\":[\"n3\"]}",
	       false, "\"success\":false");
	expect("{\"type\":\"relocate\",\"name\":\"p1\",\"required_nodes\":1,\"relocate_from\":[\"n1\"]}",
	       false, "only drbd and shared or external storage");
	expect("{\"type\":\"node-evacuate\",\"instances\":[\"d1\"],\"evac_mode\":\"all\"}",
	       false, "not supported, use hail");
	expect("{\"type\":\"change-group\",\"instances\":[\"d1\"],\"target_groups\":[]}",
	       false, "not supported, use hail");
}

static void test_multi_counts(void **state)
{
	char r[1400];

	(void)state;
	/* Three of 7000 MiB: n3 (12000) then n1 (9000); n3 has 5000 left
	 * and n1 2000 after one each, so the third fails; a fourth of
	 * 1500 still fits on n3 (5000 left, the most). */
	snprintf(r, sizeof(r), "{\"type\":\"multi-allocate\",\"instances\":[%s,%s,%s,%s]}",
		 want("m1", 7000, "sharedfile", 0), want("m2", 7000, "sharedfile", 0),
		 want("m3", 7000, "sharedfile", 0), want("m4", 1500, "sharedfile", 0));
	expect(r, false, "\"result\":[[[\"m1\",[\"n3\"]],[\"m2\",[\"n1\"]],[\"m4\",[\"n3\"]]],[\"m3\"]]");
}

static void test_snapshot_view(void **state)
{
	struct ia_cluster c;
	char err[512];
	char *text = request("{\"type\":\"change-group\"}");
	struct place_host h[2] = {
		{ .name = "n1", .mem_kb = 16000 * 1024, .reserve_kb = 512 * 1024, .on = true },
		{ .name = "elsewhere", .mem_kb = 1024, .on = true },
	};
	/* n1: dom0 1000 MiB; g1 holds 8000, demand 3000 in [1000, 8000];
	 * g2 holds 2000, demand 5000 above its max 4000: needs 4000.
	 * Room = 16000 - 512 - 1000 - 3000 - 4000 = 7488 MiB; reclaimable
	 * = 8000 - 3000 = 5000 (g2 holds less than it needs: nothing). */
	struct place_dom d[3] = {
		{ .name = "Domain-0", .kind = PLACE_DOM0, .host = 0, .size_kb = 1000 * 1024 },
		{ .name = "g1", .host = 0, .min_kb = 1000 * 1024, .max_kb = 8000 * 1024,
		  .size_kb = 8000 * 1024, .demand_kb = 3000 * 1024 },
		{ .name = "g2", .host = 0, .min_kb = 1000 * 1024, .max_kb = 4000 * 1024,
		  .size_kb = 2000 * 1024, .demand_kb = 5000 * 1024 },
	};

	(void)state;
	assert_int_equal(read_req(text, &c, err), 0);
	free(text);
	assert_int_equal(ia_apply_snapshot(&c, h, 2, d, 3), 1);
	const struct ia_node *n1 = &c.nodes[ia_node_index(&c, "n1")];

	assert_true(n1->measured);
	assert_int_equal(n1->membal_free_mb, 7488);
	assert_int_equal(n1->reclaim_mb, 5000);
	assert_false(c.nodes[ia_node_index(&c, "n2")].measured);
	ia_cluster_free(&c);
}

static void test_htools_lines(void **state)
{
	struct place_host h[2] = {
		{ .name = "h1", .mem_kb = 8192 * 1024, .reserve_kb = 256 * 1024, .on = true },
		{ .name = "h2", .mem_kb = 8192 * 1024, .on = false },
	};
	struct place_dom d[3] = {
		{ .name = "Domain-0", .kind = PLACE_DOM0, .host = 0, .size_kb = 1024 * 1024 },
		{ .name = "web", .host = 0, .pin_host = -1, .min_kb = 512 * 1024, .max_kb = 4096 * 1024,
		  .size_kb = 2048 * 1024, .demand_kb = 1000 * 1024, .migratable = true },
		{ .name = "db", .host = 0, .pin_host = -1, .min_kb = 512 * 1024, .max_kb = 2048 * 1024,
		  .size_kb = 2048 * 1024, .demand_kb = 3000 * 1024, .migratable = true, .held = true },
	};
	char *buf = NULL, err[200];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(ia_htools_write(f, h, 2, d, 3, IA_HT_STATIC, err, sizeof(err)), 0);
	fclose(f);
	/* h1: n_mem = dom0 1024 + reserve 256; static: web 4096 + db 2048;
	 * f_mem = 8192 - 1280 - 6144 = 768. h2 is off: offline Y. */
	assert_non_null(strstr(buf, "\nh1|8192|1280|768|"));
	assert_non_null(strstr(buf, "|64|Y|membal-default-group|"));
	assert_non_null(strstr(buf, "\nweb|4096|0|1|running|Y|h1||ext|"));
	assert_non_null(strstr(buf, "\ndb|2048|0|1|running|N|h1||ext|"));
	assert_null(strstr(buf, "Domain-0"));
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(ia_htools_write(f, h, 2, d, 3, IA_HT_DEMAND, err, sizeof(err)), 0);
	fclose(f);
	/* demand: web 1000, db 3000 clamped to its max 2048. */
	assert_non_null(strstr(buf, "\nweb|1000|"));
	assert_non_null(strstr(buf, "\ndb|2048|"));
	assert_non_null(strstr(buf, "\nh1|8192|1280|3864|"));
	free(buf);
	d[1].name = "bad|name";
	f = open_memstream(&buf, &len);
	assert_int_equal(ia_htools_write(f, h, 2, d, 3, IA_HT_STATIC, err, sizeof(err)), -1);
	fclose(f);
	free(buf);
	assert_non_null(strstr(err, "cannot be written"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_allocate_rules),
		cmocka_unit_test(test_relocate_and_modes),
		cmocka_unit_test(test_multi_counts),
		cmocka_unit_test(test_snapshot_view),
		cmocka_unit_test(test_htools_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
