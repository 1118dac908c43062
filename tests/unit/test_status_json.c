/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The arbiter's status file and metrics, byte for byte: a hand-built
 * arbiter state (dom0 without memory/target, a managed guest with a full
 * report and a price, one without an agent, a held one) written by
 * status_write_json() and status_write_metrics() and compared with
 * tests/fixtures/status/written.json and written.prom, the wall-clock
 * figures masked. The JSON is then read back by membalctl's reader.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arbiter/status.h"
#include "ctl/status_read.h"

static const struct hv_ops ops = { .name = "xen" };
static struct hv hv = { .ops = &ops };
static struct dom doms[4];
static struct dom *by_domid[16];
static uint32_t order[4] = { 0, 3, 5, 9 };

static void build(struct arbiter *a)
{
	memset(a, 0, sizeof(*a));
	memset(doms, 0, sizeof(doms));
	a->hv = &hv;
	a->cfg.interval_ms = 1000;
	a->cfg.policy.params.reserve_kb = 73728;
	a->cfg.policy.params.free_source = POLICY_FREE_AVAIL;
	a->n.cycles = 42;
	a->n.follow_ups = 3;
	a->n.target_writes = 7;
	a->n.maxmem_caps = 1;          /* batch's cap below */
	a->last_cycle_ms = 100000;
	a->host.total_kb = 8388608;
	a->host.free_kb = 262144;
	a->cycle.mode = POLICY_MODE_SCARCE;
	a->cycle.stage = POLICY_STAGE_PRICE;
	a->cycle.host_free_kb = -4096;
	a->by_domid = by_domid;
	a->order = order;
	a->ndoms = 4;
	for (int i = 0; i < 4; i++) {
		struct dom *d = &doms[i];

		d->domid = order[i];
		by_domid[order[i]] = d;
		d->type = HV_TYPE_PV;
		d->shares = 1;
		d->min_kb = 131072;
		d->max_kb = 2097152;
		d->hv.max_kb = 1049600;
		d->actual_kb = 1048576;
	}
	/* dom0: fixed, no memory/target: its target is what it holds */
	snprintf(doms[0].name, sizeof(doms[0].name), "Domain-0");
	doms[0].skip = SKIP_DOM0;
	/* web1: managed, full report, scarce, a price, pressure */
	struct dom *w = &doms[1];

	snprintf(w->name, sizeof(w->name), "web1");
	w->type = HV_TYPE_PVH;
	w->shares = 2;
	w->have_target = true;
	w->target_kb = 1000000;
	w->decided = true;
	w->decision.mode = POLICY_MODE_SCARCE;
	w->decision.stage = POLICY_STAGE_PRICE;
	w->decision.goal_kb = 1100000;
	/* under pressure L_i' = B_i: it keeps its target */
	w->decision.floor_kb = 1000000;
	w->decision.reasons = POLICY_R_PSI;
	w->decision.has_price = true;
	w->decision.price = 2.5e-06;
	w->have_fig = true;
	w->stamp_ms = 99200;
	w->fig.v[MK_TOT] = 1000000;
	w->fig.v[MK_FREE] = 50000;
	w->fig.v[MK_AVAIL] = 300000;
	w->fig.v[MK_COMMITTED_AS] = 900000;
	w->fig.v[MK_SWAP_TOT] = 524288;
	w->fig.v[MK_SWAP_FREE] = 500000;
	w->fig.v[MK_PSI_SOME] = 1500;
	w->fig.v[MK_SWAP_ZRAM] = 262144;   /* half its swap on zram */
	w->fig.have = 1u << MK_TOT | 1u << MK_FREE | 1u << MK_AVAIL |
		      1u << MK_COMMITTED_AS | 1u << MK_SWAP_TOT |
		      1u << MK_SWAP_FREE | 1u << MK_PSI_SOME | 1u << MK_SWAP_ZRAM;
	w->pressure_holds = 3;
	w->target_changes = 12;
	/* batch: no agent */
	snprintf(doms[2].name, sizeof(doms[2].name), "batch");
	doms[2].skip = SKIP_NO_AGENT;
	doms[2].have_target = true;
	doms[2].target_kb = 524288;
	doms[2].cap_kb = 525312;       /* xl mem-max batch 512m (Xen 4.16) */
	/* db: held after xl mem-set */
	snprintf(doms[3].name, sizeof(doms[3].name), "db");
	doms[3].skip = SKIP_HOLD_MANUAL;
	doms[3].hold_manual = true;
	doms[3].have_target = true;
	doms[3].target_kb = 786432;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static char bufs[2][65536];
	static int which;
	char *buf = bufs[which++ % 2];
	size_t n;

	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, sizeof(bufs[0]) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* Replace the digits after each `key` with "X" (wall-clock figures). */
static void mask(char *s, const char *key)
{
	for (char *p = strstr(s, key); p; p = strstr(p, key)) {
		char *v = p + strlen(key), *e = v;

		while ((*e >= '0' && *e <= '9') || *e == '.')
			e++;
		if (e > v) {
			*v = 'X';
			memmove(v + 1, e, strlen(e) + 1);
		}
		p = v;
	}
}

static void compare(const char *got_path, const char *fixture, const char *key)
{
	char want_path[512];
	char *got = slurp(got_path);

	mask(got, key);
	snprintf(want_path, sizeof(want_path), "%s/status/%s", getenv("MEMBAL_FIXTURES"), fixture);
	/* after a deliberate change: MEMBAL_UPDATE_GOLDEN=1, then read the diff */
	if (getenv("MEMBAL_UPDATE_GOLDEN")) {
		FILE *f = fopen(want_path, "w");

		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	if (strcmp(got, slurp(want_path)) != 0)
		fail_msg("%s differs from %s:\n%s", got_path, want_path, got);
}

static void test_written_json_and_metrics(void **state)
{
	struct arbiter a;
	char dir[] = "/tmp/membal-statusjson-XXXXXX", path[128], mpath[128], err[256];

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/status.json", dir);
	snprintf(mpath, sizeof(mpath), "%s/metrics.prom", dir);
	build(&a);
	assert_int_equal(status_write_json(&a, path), 0);
	assert_int_equal(status_write_metrics(&a, mpath), 0);

	/* membalctl's reader takes what the arbiter writes */
	char *text = slurp(path);
	struct st_status st;

	assert_int_equal(st_parse(text, strlen(text), &st, err, sizeof(err)), 0);
	assert_int_equal(st.n, 4);
	assert_int_equal(st.dom[0].target_kb, 1048576);   /* dom0's real one */
	assert_false(st.dom[0].target_set);
	assert_int_equal(st.dom[0].demand_kb, ST_NONE);
	assert_false(st.dom[0].has_report);
	assert_true(st.dom[1].has_report);
	assert_int_equal(st.dom[0].floor_kb, ST_NONE);
	assert_int_equal(st.dom[1].floor_kb, 1000000);
	assert_int_equal(st.dom[1].avail_kb, 300000);
	assert_int_equal(st.dom[1].balloon_current_kb, ST_NONE);
	assert_int_equal(st.dom[1].swap_zram_kb, 262144);
	assert_int_equal(st.dom[1].age_ms, 800);
	assert_string_equal(st.dom[1].reasons, "psi");
	assert_string_equal(st.dom[3].flags, "hold-manual");
	/* an administrator's maxmem: member and flag; null for the others */
	assert_int_equal(st.dom[2].maxmem_cap_kb, 525312);
	assert_string_equal(st.dom[2].flags, "no-agent,maxmem-cap");
	assert_int_equal(st.dom[1].maxmem_cap_kb, ST_NONE);
	st_free(&st);

	compare(path, "written.json", "\"timestamp\":");
	compare(mpath, "written.prom", "membal_last_cycle_timestamp_seconds ");

	/* a clean stop leaves membal_up 0 and nothing else to scrape */
	assert_int_equal(status_write_metrics_down(mpath), 0);
	assert_non_null(strstr(slurp(mpath), "\nmembal_up 0\n"));
	assert_null(strstr(slurp(mpath), "membal_domain_"));
	unlink(path);
	unlink(mpath);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_written_json_and_metrics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
