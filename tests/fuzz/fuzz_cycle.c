/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Whole arbiter cycles fed by hostile guests, an administrator, a flaky
 * xenstored and a flaky hypervisor: the real cycle.c, xsio.c, guest.c,
 * control.c and policy core, on the driven clock, against the in-memory
 * xenstore of fake_xs.c and the small hypervisor below. No xenstored, no
 * Xen: thousands of cycles a second.
 *
 * The input describes a host (sizes, the [policy]/[daemon]/[domain]
 * configuration, up to FZ_DOMS domains of any type) and then up to
 * FZ_CYCLES cycles; before each cycle any number of events: a guest
 * publishes whatever it likes in its report keys (numbers, any bytes up to
 * 2048, empty, missing, children under them, a frozen stamp) and in
 * memory/report (a well-formed value, any bytes, empty), an
 * administrator writes memory/target, membalctl sends a request, domains
 * are created, paused, shut down, destroyed (even between the arbiter's
 * listing and its writes), the host's free memory is claimed away, time
 * jumps, xenstored drops the connection or answers EAGAIN, a hypervisor
 * call fails. After every cycle the balloons move toward their targets.
 *
 * Properties (design.md §Apply: from targets to this cycle's writes, §Guest keys), checked on what the arbiter actually wrote:
 *  P1 a target never exceeds the domain's H_i (its [domain] max_mb, the
 *     [policy] max_mb, static-max), and no write asks a domain to shrink
 *     below its L_i: V >= min(L_i, N_i);
 *  P2 nothing is promised twice: the growth written this cycle,
 *     sum max(0, V_i - N_i), fits in the host's free memory above the
 *     reserves after the growth already promised to everyone else,
 *     max(0, F - sum_j max(0, T_j - N_j)), growth counted beyond what
 *     the target there already let the domain take; the reserves are the host's
 *     and the reservations' less the part of these that waits (it would
 *     cut a guest below its need and slack, which comes first);
 *  P3 maxmem first: when a write lets a domain grow, its maxmem already
 *     covers the new target (+ offset + 1 MiB);
 *  P4 dom0 writes nothing but memory/target, memory/uncooperative and the
 *     empty report keys it hands over (never over what a guest wrote);
 *  P5 no target is written for a domain that is paused, dying, shut down,
 *     excluded or of a type not managed;
 *  P6 the policy never refuses the snapshot the arbiter built (a guest
 *     cannot stop everybody's balancing);
 * and no crash, leak, hang or undefined behaviour.
 */
#include <errno.h>
#include <stdio.h>
#include <xenstore.h>

#include "arbiter/arbiter.h"
#include "arbiter/control.h"
#include "arbiter/state.h"
#include "common/clock.h"
#include "common/keys.h"
#include "common/log.h"
#include "common/parse.h"
#include "common/report_value.h"
#include "fake_xs.h"
#include "fuzz.h"

#define FZ_DOMS 8
#define FZ_CYCLES 24
#define MIB 1024u

struct fdom {
	uint32_t domid;
	bool exists;          /* in the hypervisor's list */
	bool dying, shutdown, paused;
	bool race;            /* destroyed right after the next listing */
	enum hv_dom_type type;
	char name[96];
	bool excluded;        /* by name: the default exclude "*-dm" */
	uint64_t tot_kb, max_kb, videoram_kb, static_max_kb;
	uint64_t min_kb, max_rule_kb;  /* L_i, H_i as the configuration says */
	uint64_t outside_max_kb;       /* Xen's maxmem as the builder or xl mem-set left it (0: ours) */
	unsigned rate;        /* balloon: 0 stuck, 1 a quarter, 2 half, 3 all */
	uint64_t stamp;
	/* this cycle */
	uint64_t n_kb;        /* N_i the arbiter saw */
	bool wrote;
	uint64_t wrote_kb;
	uint64_t was_kb;      /* memory/target before the cycle's first write (0: none) */
};

struct world {
	uint64_t total_kb;
	uint64_t outstanding_kb;
	struct fdom d[FZ_DOMS + 1];      /* [0] is dom0 */
	size_t n;                        /* entries in use, dom0 included */
	uint32_t next_domid;
	bool fail_host, fail_list, fail_maxmem, fail_pod;
	bool dom0_priority;
	uint64_t reserve_kb;             /* [policy] reserve */
	bool in_cycle;
	bool seen;                       /* host() answered this cycle ... */
	uint64_t seen_free_kb;           /* ... with this free memory */
	unsigned orphans;                /* writes below a removed home */
	struct arbiter *a;
};

static struct world W;

/* ---- the hypervisor ------------------------------------------------------ */

static uint64_t offset_of(const struct fdom *d)
{
	return d->type == HV_TYPE_HVM ? d->videoram_kb : 0;
}

static uint64_t host_free(void)
{
	uint64_t used = 0;

	for (size_t i = 0; i < W.n; i++)
		if (W.d[i].exists)
			used += W.d[i].tot_kb;
	return used < W.total_kb ? W.total_kb - used : 0;
}

static struct fdom *by_id(uint32_t domid)
{
	for (size_t i = 0; i < W.n; i++)
		if (W.d[i].exists && W.d[i].domid == domid)
			return &W.d[i];
	return NULL;
}

/* Ever used, even by a domain that is gone: Xen does not reuse a domid
 * soon, and the checks find domains by it. */
static bool id_used(uint32_t domid)
{
	for (size_t i = 0; i < W.n; i++)
		if (W.d[i].domid == domid)
			return true;
	return false;
}

/* The first domid from id on that no domain has: a domid far apart sets
 * next_domid back below ids already given (two domains with one domid
 * wrote each other's name: a P5 report that was the harness's own). */
static uint32_t unused_domid(uint32_t id)
{
	while (id == 0 || id_used(id))
		id++;
	return id;
}

static void home(char *buf, size_t size, uint32_t domid, const char *rel)
{
	snprintf(buf, size, "/local/domain/%u%s%s", domid, rel ? "/" : "", rel ? rel : "");
}

static void destroy(struct fdom *d)
{
	char p[64];

	d->exists = false;
	home(p, sizeof(p), d->domid, NULL);
	fxs_del(p);
	fxs_fire("@releaseDomain");
}

static int hv_host(struct hv *hv, struct hv_host *out)
{
	if (W.fail_host) {
		errno = EIO;
		return -1;
	}
	memset(out, 0, sizeof(*out));
	out->total_kb = W.total_kb;
	out->free_kb = host_free();
	W.seen = true;
	W.seen_free_kb = out->free_kb;
	out->outstanding_kb = W.outstanding_kb;
	return 0;
}

static int cmp_domid(const void *x, const void *y)
{
	const struct hv_domain *a = x, *b = y;

	return (a->domid > b->domid) - (a->domid < b->domid);
}

static int hv_list(struct hv *hv, struct hv_domain *out, size_t cap, size_t *n)
{
	size_t k = 0;

	if (W.fail_list) {
		errno = EIO;
		return -1;
	}
	for (size_t i = 0; i < W.n; i++)
		k += W.d[i].exists;
	*n = k;
	if (k > cap) {
		errno = ENOBUFS;
		return -1;
	}
	k = 0;
	for (size_t i = 0; i < W.n; i++) {
		const struct fdom *d = &W.d[i];

		if (!d->exists)
			continue;
		out[k++] = (struct hv_domain){
			.domid = d->domid, .tot_kb = d->tot_kb, .max_kb = d->max_kb,
			.dying = d->dying, .shutdown = d->shutdown, .paused = d->paused,
			.hvm_container = d->type != HV_TYPE_PV,
		};
	}
	qsort(out, k, sizeof(*out), cmp_domid);
	/* The race: listed, then destroyed before the arbiter writes. */
	for (size_t i = 0; i < W.n; i++)
		if (W.d[i].exists && W.d[i].race) {
			W.d[i].race = false;
			destroy(&W.d[i]);
		}
	return 0;
}

static int hv_set_maxmem(struct hv *hv, uint32_t domid, uint64_t max_kb)
{
	struct fdom *d = by_id(domid);

	if (W.fail_maxmem) {
		errno = EIO;
		return -1;
	}
	if (!d) {
		errno = ESRCH;
		return -1;
	}
	d->max_kb = max_kb;
	if (max_kb > d->outside_max_kb)   /* at or below it: still theirs */
		d->outside_max_kb = 0;
	return 0;
}

static int hv_set_pod(struct hv *hv, uint32_t domid, uint64_t pages)
{
	struct fdom *d = by_id(domid);

	if (W.fail_pod || !d) {
		errno = d ? EIO : ESRCH;
		return -1;
	}
	if (d->type == HV_TYPE_PV) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static enum hv_dom_type hv_type(struct hv *hv, uint32_t domid)
{
	struct fdom *d = by_id(domid);

	return d ? d->type : HV_TYPE_UNKNOWN;
}

static const struct hv_ops fz_hv_ops = {
	.name = "fuzz", .host = hv_host, .list = hv_list,
	.set_maxmem = hv_set_maxmem, .set_pod_target = hv_set_pod,
	.dom_type = hv_type,
};

/* ---- what the arbiter writes ------------------------------------------- */

static bool strict_kb(const char *v, unsigned len, uint64_t *kb)
{
	return v && parse_u64n(v, len, PARSE_U64_MAXLEN, 0, POLICY_KB_MAX, kb) == PARSE_OK;
}

static struct fdom *path_dom(const char *path, const char **rel)
{
	unsigned id;
	int used = 0;

	if (sscanf(path, "/local/domain/%u/%n", &id, &used) != 1 || used == 0)
		return NULL;
	*rel = path + used;
	for (size_t i = 0; i < W.n; i++)
		if (W.d[i].domid == id)
			return &W.d[i];
	return NULL;
}

static bool report_key(const char *rel)
{
	if (strncmp(rel, "memory/", 7) != 0)
		return false;
	for (int k = 0; k < MK_COUNT; k++)
		if (!strcmp(rel + 7, membal_key_name(k)))
			return true;
	return !strcmp(rel + 7, REPORT_VALUE_KEY);
}

static void hook(void *ctx, const char *path, const char *val, unsigned len,
		 bool existed)
{
	const char *rel = NULL;
	struct fdom *d = path_dom(path, &rel);
	char home_path[64];

	FUZZ_CHECK(d != NULL, "P4: dom0 wrote %s, which belongs to no domain", path);
	/* The arbiter's own memory (holds, OOM-raised minimum) for its next
	 * start; membalctl pause/resume write it between cycles. */
	if (val && rel && !strcmp(rel, "memory/membal_state")) {
		FUZZ_CHECK(len < STATE_TEXT_MAX && len > 5 && !memcmp(val, "hold=", 5),
			   "P4: membal_state '%.*s'", (int)(len > 32 ? 32 : len), val);
		return;
	}
	FUZZ_CHECK(W.in_cycle || !val, "write to %s outside a cycle", path);
	home(home_path, sizeof(home_path), d->domid, "name");
	if (!fxs_get(home_path, NULL) && !d->exists)
		W.orphans++;
	if (!val) {
		FUZZ_CHECK(!strcmp(rel, "memory/uncooperative"), "P4: dom0 removed %s", path);
		return;
	}
	if (!strcmp(rel, "memory/uncooperative")) {
		FUZZ_CHECK(len == 1 && val[0] == '1', "P4: uncooperative flag '%.*s'",
			   (int)len, val);
		FUZZ_CHECK(d->domid != 0, "P4: dom0 flagged uncooperative");
		return;
	}
	if (report_key(rel)) {
		FUZZ_CHECK(len == 0 && !existed,
			   "P4: dom0 wrote '%.*s' over the guest's %s (existed %d)",
			   (int)(len > 32 ? 32 : len), val, path, existed);
		return;
	}
	FUZZ_CHECK(!strcmp(rel, "memory/target"), "P4: dom0 wrote %s", path);

	uint64_t v;

	FUZZ_CHECK(strict_kb(val, len, &v), "target '%.*s' is not a decimal KiB",
		   (int)len, val);
	uint64_t h = d->max_rule_kb < d->static_max_kb ? d->max_rule_kb : d->static_max_kb;
	uint64_t l = d->min_kb < h ? d->min_kb : h;
	uint64_t floor = l < d->n_kb ? l : d->n_kb;

	FUZZ_CHECK(v <= h, "P1: domain %u target %llu above H %llu", d->domid,
		   (unsigned long long)v, (unsigned long long)h);
	/* Xen's maxmem set outside the arbiter bounds what the domain can
	 * hold: once the target no longer explains it, it is an
	 * administrator's cap (maxcap.h), which a target of ours above it is
	 * brought down to, as to a static-max below L_i. */
	uint64_t cap = d->outside_max_kb > offset_of(d) + MIB
		       ? d->outside_max_kb - offset_of(d) - MIB : 0;

	if (d->outside_max_kb && cap < floor)
		floor = cap;
	FUZZ_CHECK(v >= floor, "P1: domain %u target %llu below min(L %llu, N %llu)",
		   d->domid, (unsigned long long)v, (unsigned long long)l,
		   (unsigned long long)d->n_kb);
	if (d->exists && v > d->n_kb)
		FUZZ_CHECK(d->max_kb >= hv_maxmem_for(v, offset_of(d)),
			   "P3: domain %u may grow to %llu but maxmem is %llu", d->domid,
			   (unsigned long long)v, (unsigned long long)d->max_kb);
	FUZZ_CHECK(d->domid == 0 ? W.dom0_priority
			       : !d->paused && !d->dying && !d->shutdown && !d->excluded,
		   "P5: target written for domain %u (paused %d dying %d shutdown %d excluded %d)",
		   d->domid, d->paused, d->dying, d->shutdown, d->excluded);
	if (!d->wrote) {
		unsigned old_len;
		const char *old = fxs_get(path, &old_len);

		if (!strict_kb(old, old_len, &d->was_kb))
			d->was_kb = 0;
	}
	d->wrote = true;
	d->wrote_kb = v;
}

/* P2, with the figures of the moment the arbiter read the host (a domain
 * destroyed after the listing has given its memory back by then). */
static void check_promises(uint64_t ctl_reserve_kb)
{
	uint64_t free_kb = W.seen_free_kb;
	int64_t f = (int64_t)free_kb - (int64_t)W.outstanding_kb -
		    (int64_t)ctl_reserve_kb - (int64_t)W.reserve_kb;
	uint64_t grown = 0, others = 0;

	for (size_t i = 0; i < W.n; i++) {
		struct fdom *d = &W.d[i];
		char p[64];
		const char *v;
		unsigned len;
		uint64_t t;

		if (d->wrote) {
			/* growth beyond what the target there already let
			 * it take: lowering a promise is no new one (a target
			 * of ours cut to static-max, still above N_i) */
			uint64_t base = d->was_kb > d->n_kb ? d->was_kb : d->n_kb;

			if (d->wrote_kb > base)
				grown += d->wrote_kb - base;
			continue;
		}
		if (!d->exists || d->dying || d->domid >= MEMBAL_DOMID_LIMIT)
			continue;
		home(p, sizeof(p), d->domid, "memory/target");
		v = fxs_get(p, &len);
		if (strict_kb(v, len, &t) && t > d->n_kb)
			others += t - d->n_kb;
	}
	int64_t pool = f - (int64_t)others;

	FUZZ_CHECK(W.seen || grown == 0, "P2: growth written without reading the host");
	FUZZ_CHECK(grown <= (uint64_t)(pool > 0 ? pool : 0),
		   "P2: %llu KiB of growth written, %lld KiB left to promise (free %llu, claims %llu, reserves %llu+%llu, promised %llu)",
		   (unsigned long long)grown, (long long)pool, (unsigned long long)free_kb,
		   (unsigned long long)W.outstanding_kb, (unsigned long long)ctl_reserve_kb,
		   (unsigned long long)W.reserve_kb, (unsigned long long)others);
}

/* ---- the world between cycles -------------------------------------------- */

static void put_num(uint32_t domid, const char *rel, uint64_t v)
{
	char p[96], s[24];
	int n = snprintf(s, sizeof(s), "%llu", (unsigned long long)v);

	home(p, sizeof(p), domid, rel);
	fxs_put(p, s, (unsigned)n);
}

/* libxl's part of a new domain: name, static-max, target, videoram. */
static void introduce(struct fdom *d)
{
	char p[96];

	home(p, sizeof(p), d->domid, "name");
	fxs_put(p, d->name, (unsigned)strlen(d->name));
	put_num(d->domid, "domid", d->domid);
	put_num(d->domid, "memory/static-max", d->static_max_kb);
	put_num(d->domid, "memory/target", d->tot_kb - offset_of(d));
	put_num(d->domid, "memory/videoram", d->videoram_kb);
	fxs_fire("@introduceDomain");
}

static uint64_t rule_min(const struct arbiter_config *c, const char *name)
{
	const struct domain_rule *r = arbiter_config_rule(c, name);

	return r && r->has_min ? r->min_kb : c->policy.params.min_kb;
}

static uint64_t rule_max(const struct arbiter_config *c, const char *name)
{
	const struct domain_rule *r = arbiter_config_rule(c, name);

	if (r && r->has_max)
		return r->max_kb;
	return c->policy.params.max_kb ? c->policy.params.max_kb : POLICY_KB_MAX;
}

static void new_dom(struct fz *z, const struct arbiter_config *c, uint32_t domid)
{
	struct fdom *d = &W.d[W.n++];
	static const enum hv_dom_type types[] = { HV_TYPE_PV, HV_TYPE_PV, HV_TYPE_HVM,
						  HV_TYPE_PVH };
	uint8_t how = fz_u8(z);

	memset(d, 0, sizeof(*d));
	d->domid = domid;
	d->exists = true;
	d->type = domid ? types[how & 3] : HV_TYPE_PV;
	if (domid == 0) {
		snprintf(d->name, sizeof(d->name), "Domain-0");
	} else if ((how >> 2) % 8 == 7) {
		/* Any bytes: the arbiter must keep logs and JSON clean. */
		size_t n;
		const char *s = fz_bytes(z, sizeof(d->name) - 1, &n);

		for (size_t i = 0; i < n; i++)
			d->name[i] = s[i] ? s[i] : '?';
		d->name[n] = '\0';
		if (n == 0)
			snprintf(d->name, sizeof(d->name), "g%u", domid);
	} else if ((how >> 2) % 8 == 6) {
		snprintf(d->name, sizeof(d->name), "stub%u-dm", domid);
	} else {
		snprintf(d->name, sizeof(d->name), "g%u", (how >> 2) % 8);
	}
	/* What the arbiter will call it (xsio_read_layout): printable,
	 * no quote or backslash, at most ARB_NAME_MAX - 1 bytes. */
	char seen[ARB_NAME_MAX];
	size_t len = strnlen(d->name, sizeof(seen) - 1);

	for (size_t i = 0; i < len; i++) {
		char ch = d->name[i];

		seen[i] = ch >= 0x21 && ch < 0x7f && ch != '"' && ch != '\\' ? ch : '_';
	}
	seen[len] = '\0';
	d->excluded = arbiter_config_excluded(c, seen);
	const struct domain_rule *r = arbiter_config_rule(c, seen);

	if (r && r->has_managed)
		d->excluded = !r->managed;
	d->excluded |= (d->type == HV_TYPE_HVM && !c->manage_hvm) ||
		       (d->type == HV_TYPE_PVH && !c->manage_pvh);
	d->videoram_kb = d->type == HV_TYPE_HVM ? fz_range(z, 0, 16) * MIB : 0;
	d->static_max_kb = (fz_range(z, 1, 64) * 64 + fz_range(z, 0, 3)) * MIB;
	d->tot_kb = fz_range(z, 16, d->static_max_kb / MIB) * MIB + d->videoram_kb;
	if (domid == 0) {
		d->static_max_kb = W.total_kb;
		d->tot_kb = W.total_kb / 4;
	} else {
		/* No more than the host has free: it could not boot. */
		d->exists = false;
		uint64_t f = host_free() / MIB * MIB;

		d->exists = true;
		if (f < d->videoram_kb + 16 * MIB) {
			W.n--;
			return;
		}
		if (d->tot_kb > f)
			d->tot_kb = f;
	}
	d->max_kb = hv_maxmem_for(d->tot_kb - d->videoram_kb, d->videoram_kb);
	d->outside_max_kb = d->max_kb;   /* the builder's, not the arbiter's */
	d->min_kb = rule_min(c, seen);
	d->max_rule_kb = rule_max(c, seen);
	d->rate = how >> 6;
	d->stamp = 1;
	if (domid)
		introduce(d);
}

/* One publication: each key left alone, a plausible number, any bytes,
 * empty or removed; then a new stamp unless the stamp is frozen. */
static void publish(struct fz *z, struct fdom *d)
{
	uint64_t tot = fz_range(z, 0, d->static_max_kb + MIB);
	uint8_t stamp_mode = fz_u8(z);

	for (int k = 0; k < MK_COUNT; k++) {
		char p[96], num[24];
		uint8_t mode = fz_u8(z);
		uint64_t v;
		size_t n;
		const char *s;

		if (k == MK_STAMP)
			continue;
		snprintf(p, sizeof(p), "/local/domain/%u/memory/%s", d->domid,
			 membal_key_name(k));
		switch (mode % 6) {
		case 0:
			break;
		case 1: case 2:
			v = k == MK_TOT ? tot
			  : k == MK_PSI_SOME ? fz_range(z, 0, 10001)
			  : k == MK_VERSION ? 1
			  : fz_range(z, 0, tot + MIB);
			n = (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
			fxs_put(p, num, (unsigned)n);
			break;
		case 3:
			s = fz_bytes(z, mode & 0x80 ? 2048 : 24, &n);
			fxs_put(p, s, (unsigned)n);
			break;
		case 4:
			fxs_put(p, "", 0);
			break;
		case 5:
			/* The guest owns the node: it may remove it, or hang
			 * children under it. */
			if (mode & 0x80) {
				fxs_del(p);
			} else {
				strncat(p, "/x", sizeof(p) - strlen(p) - 1);
				fxs_put(p, "1", 1);
			}
			break;
		}
	}
	if (stamp_mode % 4 != 0) {
		d->stamp += stamp_mode % 4 == 3 ? fz_u64(z) : 1;
		put_num(d->domid, "memory/stamp", d->stamp);
	}
	/* A new agent's memory/report (layout 3): plausible figures with
	 * the current stamp, any bytes, or empty. */
	char p[96];

	snprintf(p, sizeof(p), "/local/domain/%u/memory/%s", d->domid, REPORT_VALUE_KEY);
	switch (stamp_mode >> 4 & 3) {
	case 0:
		break;
	case 1: {
		uint64_t v[MK_COUNT];
		bool have[MK_COUNT];
		char buf[REPORT_VALUE_MAX];

		for (int k = 0; k < MK_COUNT; k++) {
			v[k] = k == MK_TOT ? tot : k == MK_PSI_SOME ? fz_range(z, 0, 10001)
						 : fz_range(z, 0, tot + MIB);
			have[k] = fz_u8(z) % 4 != 0;
		}
		v[MK_STAMP] = d->stamp;
		have[MK_STAMP] = true;
		fxs_put(p, buf, (unsigned)report_value_encode(buf, v, have));
		break;
	}
	case 2: {
		size_t n;
		const char *b = fz_bytes(z, stamp_mode & 0x80 ? 2048 : 600, &n);

		fxs_put(p, b, (unsigned)n);
		break;
	}
	case 3:
		fxs_put(p, "", 0);
		break;
	}
}

static void control(struct fz *z, struct arbiter *a)
{
	char line[CONTROL_LINE_MAX + 8], answer[CONTROL_LINE_MAX];
	uint8_t what = fz_u8(z);
	size_t n;
	const char *s;

	switch (what % 7) {
	case 0: snprintf(line, sizeof(line), "pause g%u", fz_u8(z) % 8); break;
	case 1: snprintf(line, sizeof(line), "resume g%u", fz_u8(z) % 8); break;
	case 2: snprintf(line, sizeof(line), "%s", what & 0x80 ? "pause" : "resume"); break;
	case 3:
		n = (size_t)snprintf(line, sizeof(line), "reserve %llu %u",
				     (unsigned long long)fz_range(z, 1, 8192) * MIB, fz_u8(z) % 4 * 30);
		/* for a newcomer, with its need (session 22): 0 (refused)
		 * to 16 GiB, at any granularity */
		if (what & 0x40)
			snprintf(line + n, sizeof(line) - n, " for=g%u need=%llu", fz_u8(z) % 12,
				 (unsigned long long)fz_range(z, 0, 16384) * MIB >> (fz_u8(z) % 8));
		break;
	case 4: snprintf(line, sizeof(line), "release"); break;
	case 5: snprintf(line, sizeof(line), "ping"); break;
	default:
		s = fz_bytes(z, CONTROL_LINE_MAX + 4, &n);
		memcpy(line, s, n);
		line[n] = '\0';
		break;
	}
	memset(answer, 'x', sizeof(answer));
	control_handle(a, line, answer, sizeof(answer));
	FUZZ_CHECK(memchr(answer, '\0', sizeof(answer)) != NULL, "answer not terminated");
	FUZZ_CHECK(!strncmp(answer, "OK", 2) || !strncmp(answer, "ERR", 3),
		   "answer '%s'", answer);
}

/* Balloons follow their targets (bounded by maxmem and free memory). */
static void balloons(void)
{
	for (size_t i = 0; i < W.n; i++) {
		struct fdom *d = &W.d[i];
		char p[64];
		const char *v;
		unsigned len;
		uint64_t t;

		if (!d->exists || d->rate == 0)
			continue;
		home(p, sizeof(p), d->domid, "memory/target");
		v = fxs_get(p, &len);
		if (!strict_kb(v, len, &t))
			continue;
		uint64_t want = t + offset_of(d), cap = d->max_kb;

		if (want > cap)
			want = cap;
		if (want < d->tot_kb) {
			d->tot_kb -= (d->tot_kb - want) * d->rate / 3;
		} else {
			uint64_t grow = (want - d->tot_kb) * d->rate / 3, f = host_free();

			d->tot_kb += grow < f ? grow : f;
		}
	}
}

static void events(struct fz *z, struct arbiter *a, const struct arbiter_config *c)
{
	for (unsigned guard = 0; guard < 32; guard++) {
		uint8_t op = fz_u8(z);
		struct fdom *d = &W.d[1 + op / 16 % (W.n > 1 ? W.n - 1 : 1)];
		bool has = W.n > 1 && d->exists;
		char p[64];

		switch (op % 16) {
		case 0:
			return;          /* on to the cycle */
		case 1: case 2:
			if (has)
				publish(z, d);
			break;
		case 3:
			/* dom0's own agent (dom0_mode = priority needs one). */
			publish(z, &W.d[0]);
			break;
		case 4:
			/* xl mem-set: libxl writes maxmem and the target. */
			if (has) {
				uint64_t t = fz_range(z, 0, d->static_max_kb);

				d->max_kb = hv_maxmem_for(t, offset_of(d));
				d->outside_max_kb = d->max_kb;
				put_num(d->domid, "memory/target", t);
			}
			break;
		case 5:
			control(z, a);
			break;
		case 6:
			if (has) {
				if (fz_bool(z))
					d->dying = true;
				else
					destroy(d);
			}
			break;
		case 7:
			if (has)
				d->race = true;
			break;
		case 8:
			if (W.n <= FZ_DOMS) {
				uint32_t id = unused_domid(W.next_domid);

				W.next_domid = id + 1;
				new_dom(z, c, id);
			}
			break;
		case 9:
			if (has) {
				d->paused = fz_bool(z);
				d->shutdown = fz_bool(z) && fz_bool(z);
			}
			break;
		case 10:
			W.outstanding_kb = fz_range(z, 0, W.total_kb / MIB) * MIB;
			break;
		case 11:
			clock_advance(fz_range(z, 0, 120) * 1000);
			break;
		case 12:
			fxs_lose_after((unsigned)fz_range(z, 0, 40));
			break;
		case 13:
			fxs_eagain((unsigned)fz_range(z, 0, 24));
			break;
		case 14: {
			uint8_t f = fz_u8(z);

			W.fail_host = f & 1;
			W.fail_list = f & 2;
			W.fail_maxmem = f & 4;
			W.fail_pod = f & 8;
			fxs_fail_open(f & 16);
			break;
		}
		case 15:
			/* Garbage where the toolstack keeps the target. */
			if (has) {
				size_t n;
				const char *s = fz_bytes(z, 24, &n);

				home(p, sizeof(p), d->domid, "memory/target");
				fxs_put(p, s, (unsigned)n);
			}
			break;
		}
	}
}

/* ---- configuration ---------------------------------------------------------- */

static void configure(struct fz *z, struct arbiter_config *c)
{
	static const char *const solver[] = { "exact", "paper" };
	static const char *const cap[] = { "demand", "max" };
	char ini[2048];
	uint8_t b = fz_u8(z);
	int n;

	/* Rules an administrator may turn on (off by default): each on by
	 * one bit, so their code runs on the fuzzer's inputs too. */
	static const char *const off_rule[] = {
		"need_in_swap = yes\npeak_hold = yes\n",
		"fall_margin_s = 60\n",
		"swapless_keep_mb = 16\nswapless_keep_given = yes\n",
		"oom_margin_futile = yes\noom_climb_keep = killed\nfall_margin_given = yes\n",
		"resv_slack_share_pct = 50\n",
		"part_page_keep = yes\nresv_need_wait_s = 5\n",
		"recur_handback_peak = yes\noom_keep_held_kill = yes\n",
		"gap_quiet_rises = 2\ngap_quiet_flat = yes\ngap_band_threshold = yes\ngap_ramp_flat = yes\nheadroom = learned\n",
	};
	char rules[512] = "";
	uint8_t on = fz_u8(z);

	for (unsigned i = 0; i < sizeof(off_rule) / sizeof(off_rule[0]); i++)
		if (on >> i & 1)
			strcat(rules, off_rule[i]);
	arbiter_config_defaults(c);
	n = snprintf(ini, sizeof(ini),
		     "[policy]\ndom0_mode = %s\nsolver = %s\nscarce_cap = %s\n"
		     "hysteresis_down = %u\nreserve_mb = %u\nmin_change_mb = %u\n"
		     "headroom_mb = %u\nmin_mb = %u\ntau = 0.%u\n%s%s%s"
		     "[daemon]\nstale_after_ms = %u\nstuck_after_ms = %u\n"
		     "manage_hvm = %s\nmanage_pvh = %s\nmax_domains = %u\n"
		     "tx_retries = %u\n",
		     b & 1 ? "priority" : "fixed", solver[b >> 1 & 1], cap[b >> 2 & 1],
		     (unsigned)fz_range(z, 1, 16), (unsigned)fz_range(z, 0, 256),
		     (unsigned)fz_range(z, 0, 64), (unsigned)fz_range(z, 0, 256),
		     (unsigned)fz_range(z, 1, 512), (unsigned)fz_range(z, 0, 99),
		     b & 8 ? "max_mb = 3000\n" : "", b & 64 ? "resv_page = yes\n" : "", rules,
		     (unsigned)fz_range(z, 2, 60) * 1000, (unsigned)fz_range(z, 1, 60) * 1000,
		     b & 16 ? "yes" : "no", b & 32 ? "yes" : "no",
		     (unsigned)fz_range(z, 2, 16), (unsigned)fz_range(z, 1, 8));
	/* [domain gN] rules; one may be bad (min above max): the loader
	 * refuses the file and the defaults run instead. */
	for (unsigned r = 0, nr = fz_u8(z) % 4; r < nr && n > 0 && (size_t)n < sizeof(ini) - 200; r++) {
		uint8_t rb = fz_u8(z);
		unsigned lo = (unsigned)fz_range(z, 1, 2048), hi = (unsigned)fz_range(z, 1, 4096);

		n += snprintf(ini + n, sizeof(ini) - (size_t)n, "[domain g%u]\n", rb % 8);
		if (rb & 8)
			n += snprintf(ini + n, sizeof(ini) - (size_t)n, "min_mb = %u\n", lo);
		if (rb & 16)
			n += snprintf(ini + n, sizeof(ini) - (size_t)n, "max_mb = %u\n", hi);
		if (rb & 32)
			n += snprintf(ini + n, sizeof(ini) - (size_t)n, "shares = %u.5\n", rb % 7 + 1);
		if (rb & 64)
			n += snprintf(ini + n, sizeof(ini) - (size_t)n, "managed = %s\n",
				      rb & 128 ? "yes" : "no");
	}
	if (arbiter_config_load_string("fuzz.ini", ini, c) != 0)
		arbiter_config_defaults(c);
	c->status_file[0] = '\0';
	c->control_socket[0] = '\0';
}

static bool debug;

/* FUZZ_DEBUG=1 fuzz_cycle FILE: the arbiter's log and the world after
 * every cycle on stderr, to understand a crash. */
static void dump(unsigned cyc, const struct arbiter *a, uint64_t free_kb)
{
	fprintf(stderr, "-- after cycle %u: free %llu claims %llu ctl-reserve %llu mode %s\n",
		cyc, (unsigned long long)free_kb, (unsigned long long)W.outstanding_kb,
		(unsigned long long)a->reserve_kb, policy_mode_name(a->cycle.mode));
	for (size_t i = 0; i < W.n; i++) {
		const struct fdom *d = &W.d[i];
		const struct dom *ad = d->domid < MEMBAL_DOMID_LIMIT ? a->by_domid[d->domid] : NULL;
		char p[64];
		unsigned len = 0;
		const char *t;

		home(p, sizeof(p), d->domid, "memory/target");
		t = fxs_get(p, &len);
		fprintf(stderr, "   dom %u %s exists %d dying %d paused %d shut %d N %llu tot %llu max %llu target '%.*s' wrote %d skip %s\n",
			d->domid, d->name, d->exists, d->dying, d->paused, d->shutdown,
			(unsigned long long)d->n_kb, (unsigned long long)d->tot_kb,
			(unsigned long long)d->max_kb, t ? (int)len : 6, t ? t : "(none)",
			d->wrote, ad ? dom_skip_name(ad->skip) : "-");
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *null = fopen("/dev/null", "w");

	if (!null)
		abort();
	debug = getenv("FUZZ_DEBUG") != NULL;
	log_set_stream(debug ? stderr : null);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz z = { data, size };
	static struct arbiter_config cfg;
	struct arbiter a;
	struct hv hv = { .ops = &fz_hv_ops };

	fxs_reset();
	memset(&W, 0, sizeof(W));
	clock_drive(1000000);
	log_set_level(fz_bool(&z) || debug ? LOG_DEBUG : LOG_ERR);
	configure(&z, &cfg);
	W.dom0_priority = cfg.policy.params.dom0_mode == POLICY_DOM0_PRIORITY;
	W.reserve_kb = cfg.policy.params.reserve_kb;
	W.total_kb = fz_range(&z, 1, 64) * 1024 * MIB;
	W.next_domid = 1;

	/* dom0 first, then the domUs that exist from the start. */
	new_dom(&z, &cfg, 0);
	fxs_put("/local/domain/0/name", "Domain-0", 8);
	put_num(0, "memory/static-max", W.d[0].static_max_kb);
	put_num(0, "memory/target", W.d[0].tot_kb);
	for (unsigned i = 0, n = fz_range(&z, 0, FZ_DOMS); i < n; i++) {
		/* domids: mostly small and in order, sometimes far apart */
		uint32_t id = fz_u8(&z) == 0xff ? (uint32_t)fz_range(&z, 1, 0x7FF8)
						: W.next_domid;

		id = unused_domid(id);
		W.next_domid = id + 1;
		new_dom(&z, &cfg, id);
	}
	if (arbiter_init(&a, &cfg, &hv, fz_u8(&z) == 0x5a) < 0)
		abort();
	W.a = &a;
	fxs_set_hook(hook, NULL);

	for (unsigned cyc = 0; cyc < FZ_CYCLES && z.left; cyc++) {
		events(&z, &a, &cfg);
		clock_advance(cfg.interval_ms);
		uint64_t free_kb = host_free();

		for (size_t i = 0; i < W.n; i++) {
			W.d[i].wrote = false;
			W.d[i].n_kb = W.d[i].tot_kb > offset_of(&W.d[i])
					      ? W.d[i].tot_kb - offset_of(&W.d[i]) : 0;
		}
		W.in_cycle = true;
		W.seen = false;
		arbiter_cycle(&a);
		W.in_cycle = false;
		if (debug)
			dump(cyc, &a, free_kb);
		FUZZ_CHECK(a.cycle.error[0] == '\0', "P6: the policy refused the snapshot: %s",
			   a.cycle.error);
		/* the part of the reservations that waits (taking it would
		 * cut a guest below its need and slack) is not held free:
		 * guests' needs come first (design.md §The estimate's slack) */
		check_promises(a.reserve_kb - (a.cycle.resv_held_kb < a.reserve_kb
					       ? a.cycle.resv_held_kb : a.reserve_kb));
		W.fail_host = W.fail_list = W.fail_maxmem = W.fail_pod = false;
		balloons();
	}
	/* SIGTERM, then exit. */
	W.in_cycle = true;
	arbiter_shutdown(&a);
	W.in_cycle = false;
	arbiter_free(&a);
	fxs_set_hook(NULL, NULL);
	fxs_reset();
	return 0;
}
