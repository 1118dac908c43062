/* SPDX-License-Identifier: GPL-2.0-only */
#include "agent/agent.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "agent/follow.h"
#include "common/clock.h"
#include "common/domid.h"
#include "common/log.h"
#include "common/parse.h"
#include "common/report_value.h"
#include "common/xs.h"

#define BACKOFF_START_MS 100
#define ALL_KEYS ((uint32_t)((UINT64_C(1) << MK_COUNT) - 1))

_Static_assert(MK_COUNT <= 32, "handed is a 32-bit mask");

static void agent_set_paths(struct agent *a)
{
	a->paths.meminfo = a->cfg.meminfo_path;
	a->paths.vmstat = a->cfg.vmstat_path;
	a->paths.psi_memory = a->cfg.psi_path;
	a->paths.sysfs_root = a->cfg.sysfs_root;
	a->paths.swaps = a->cfg.swaps_path;
	/* (again: a reload may name other files) */
	sample_ctx_close(&a->sample);
	sample_ctx_init(&a->sample, &a->paths);
}

void agent_init(struct agent *a, const struct agent_config *cfg,
		uint32_t domid)
{
	memset(a, 0, sizeof(*a));
	for (int f = 0; f < SF_COUNT; f++)
		a->sample.fd[f] = -1;
	a->cfg = *cfg;
	a->domid = domid != AGENT_DOMID_AUTO ? domid : cfg->domid;
	a->domid_fixed = a->domid != AGENT_DOMID_AUTO;
	a->follow = !a->domid_fixed;
	a->state = AGENT_DISCONNECTED;
	a->backoff_ms = BACKOFF_START_MS;
	a->next_try_ms = clock_now_ms();
	/* Start the stamp from the wall-clock-free monotonic time so that a
	 * restarted agent is unlikely to repeat its predecessor's last stamp;
	 * agent_connect() also moves it past whatever xenstore holds. */
	a->stamp = clock_now_ms();
	agent_set_paths(a);
	fmd_init(&a->free_filter, cfg->fmd_window, cfg->fmd_kb,
		 cfg->fmd_max_reject);
	fmd_init(&a->avail_filter, cfg->fmd_window, cfg->fmd_kb,
		 cfg->fmd_max_reject);
}

void agent_reconfigure(struct agent *a, const struct agent_config *cfg)
{
	bool refilter = cfg->fmd_window != a->cfg.fmd_window ||
			cfg->fmd_kb != a->cfg.fmd_kb ||
			cfg->fmd_max_reject != a->cfg.fmd_max_reject;
	uint32_t domid = a->domid;
	bool fixed = a->domid_fixed;

	a->cfg = *cfg;
	/* --domid on the command line beats the file; a domid learnt from
	 * xenstore stays as it is. */
	if (!fixed && cfg->domid != AGENT_DOMID_AUTO) {
		domid = cfg->domid;
		fixed = true;
	}
	a->domid = domid;
	a->domid_fixed = fixed;
	a->follow = a->follow && !fixed;
	agent_set_paths(a);
	if (refilter) {
		fmd_init(&a->free_filter, cfg->fmd_window, cfg->fmd_kb,
			 cfg->fmd_max_reject);
		fmd_init(&a->avail_filter, cfg->fmd_window, cfg->fmd_kb,
			 cfg->fmd_max_reject);
	}
}

static void agent_disconnect(struct agent *a, uint64_t now, const char *why,
			     int err)
{
	if (a->xs) {
		log_warn("xenstore connection lost (%s: %s); reconnecting",
			 why, strerror(err));
		xs_close(a->xs);
		a->xs = NULL;
	}
	a->state = AGENT_DISCONNECTED;
	a->version_written = false;
	a->next_try_ms = now + a->backoff_ms;
	a->backoff_ms = a->backoff_ms * 2 > a->cfg.reconnect_max_ms
				? a->cfg.reconnect_max_ms
				: a->backoff_ms * 2;
}

/* The domid and the previous stamp are guest-visible xenstore text like any
 * other: parse them strictly. */
static bool agent_read_u64(struct agent *a, const char *path, uint64_t max,
			   uint64_t *out)
{
	unsigned int len = 0;
	char *s = xs_read(a->xs, XBT_NULL, path, &len);
	enum parse_err e;

	if (!s)
		return false;
	e = parse_u64n(s, len, PARSE_U64_MAXLEN, 0, max, out);
	free(s);
	/* Empty is what the arbiter's hand-over leaves: nothing to say. */
	if (e != PARSE_OK && e != PARSE_EMPTY)
		log_warn("xenstore %s: %s", path, parse_strerror(e));
	if (e != PARSE_OK)
		return false;
	return true;
}

/* Whether memory/report was handed over (it exists), and the stamp it
 * holds: the stamp continues above it as above memory/stamp's. */
static void agent_read_value(struct agent *a)
{
	char path[MXS_PATH_MAX];
	const char *raw[MK_COUNT];
	unsigned lens[MK_COUNT], len = 0;
	uint64_t layout, v;
	char *s;

	if (mxs_domain_path(path, sizeof(path), a->domid, "memory/" REPORT_VALUE_KEY) < 0)
		return;
	s = xs_read(a->xs, XBT_NULL, path, &len);
	a->value_mode = s != NULL;
	a->value_refused = false;
	if (s && report_value_split(s, len, raw, lens, &layout) == RV_OK &&
	    raw[MK_STAMP] &&
	    parse_u64n(raw[MK_STAMP], lens[MK_STAMP], PARSE_U64_MAXLEN, 0,
		       UINT64_MAX - 1, &v) == PARSE_OK && v >= a->stamp)
		a->stamp = v + 1;
	free(s);
}

static bool agent_connect(struct agent *a, uint64_t now)
{
	char path[MXS_PATH_MAX];
	uint64_t v;

	a->xs = xs_open(0);
	if (!a->xs) {
		int err = errno;

		if (a->n.reconnects == 0 && !a->said_waiting)
			log_warn("cannot connect to xenstored: %s; retrying",
				 strerror(err));
		agent_disconnect(a, now, "connect", err);
		return false;
	}
	if (!a->domid_fixed) {
		/* A relative path resolves against our own home. */
		if (!agent_read_u64(a, "domid", MEMBAL_DOMID_LIMIT - 1, &v)) {
			log_err("cannot learn our domid from xenstore key 'domid' (%s); use --domid",
				strerror(errno));
			agent_disconnect(a, now, "domid", errno);
			return false;
		}
		a->domid = (uint32_t)v;
		log_info("running in domain %u", a->domid);
	}
	mxs_domain_path(path, sizeof(path), a->domid, "memory/stamp");
	if (agent_read_u64(a, path, UINT64_MAX - 1, &v) && v >= a->stamp)
		a->stamp = v + 1;
	agent_read_value(a);
	follow_arm(a);
	a->state = AGENT_PUBLISHING;
	a->handed = ALL_KEYS;
	a->backoff_ms = BACKOFF_START_MS;
	a->n.reconnects++;
	/* Publish on this connection even if nothing moved: xenstored may
	 * have come back with an empty tree. */
	a->have_last = false;
	return true;
}

struct publish_ctx {
	struct agent *a;
	const struct report *r;
	bool stamp_only;        /* a heartbeat: nothing moved */
	unsigned keys;          /* written by this attempt */
};

/* Whether key k goes into this publication. Only keys handed over (the
 * others would make xenstored refuse the whole transaction), and of those
 * only what xenstore does not already hold: the arbiter reads every key
 * in one transaction, so an unchanged key still belongs to the report, and
 * each write costs xenstored a node update and the arbiter a watch event. */
static bool publish_key(const struct publish_ctx *c, int k, bool *clear)
{
	const struct agent *a = c->a;
	const struct report *r = c->r;

	*clear = false;
	if (c->stamp_only && k != MK_STAMP)
		return false;
	if (!(a->handed & (1u << k)))
		return false;
	if (k == MK_STAMP || k == MK_VERSION)
		return r->have[k];
	if (!a->have_last)
		/* An optional figure we do not have is emptied, the arbiter's
		 * word for absent (the key may hold a predecessor's value). */
		return r->have[k] || (*clear = true);
	if (!r->have[k])
		/* One we no longer have (the balloon driver was unloaded, PSI
		 * turned off): left alone, the last value would read as part
		 * of this publication. Once is enough on a connection. */
		return a->last.have[k] && (*clear = true);
	return !a->last.have[k] || a->last.v[k] != r->v[k];
}

static int publish_body(struct xs_handle *h, xs_transaction_t t, void *arg)
{
	struct publish_ctx *c = arg;
	char path[MXS_PATH_MAX];
	bool clear;

	c->keys = 0;
	for (int k = 0; k < MK_COUNT; k++) {
		if (!publish_key(c, k, &clear))
			continue;
		if (mxs_domain_path(path, sizeof(path), c->a->domid, "memory/") < 0 ||
		    strlen(path) + strlen(membal_key_name(k)) >= sizeof(path))
			return -1;
		strcat(path, membal_key_name(k));
		if (clear ? !xs_write(h, t, path, "", 0)
			  : !mxs_write_u64(h, t, path, c->r->v[k]))
			return -1;
		c->keys++;
	}
	return 0;
}

/* Which report keys memory/ holds: what the arbiter handed over (under
 * libxl a guest cannot create a node there, so a key that is not listed
 * cannot be written), and whether memory/report is one of them. Returns
 * true when either changed; a listing that fails leaves both as they
 * were, one that holds none of our keys leaves the set. */
static bool agent_learn_keys(struct agent *a)
{
	char path[MXS_PATH_MAX];
	unsigned n = 0;
	uint32_t set = 0;
	char **ents;

	a->n.key_relearns++;
	if (mxs_domain_path(path, sizeof(path), a->domid, "memory") < 0)
		return false;
	ents = xs_directory(a->xs, XBT_NULL, path, &n);
	if (!ents)
		return false;
	bool value = false, was = a->value_mode;

	for (unsigned i = 0; i < n; i++) {
		value |= !strcmp(ents[i], REPORT_VALUE_KEY);
		for (int k = 0; k < MK_COUNT; k++)
			if (!strcmp(ents[i], membal_key_name(k)))
				set |= 1u << k;
	}
	free(ents);
	/* Refused once on this connection: a listing does not make it ours. */
	a->value_mode = value && !a->value_refused;
	value = a->value_mode;
	if (value && !was) {
		log_notice("memory/%s handed over; publishing the report as one value",
			   REPORT_VALUE_KEY);
		a->have_last = false;
	}
	if (!(set & (1u << MK_STAMP)) || set == a->handed)
		return value != was;
	if (set != ALL_KEYS)
		log_notice("the arbiter handed over %d of the %d report keys; publishing those (an older arbiter)",
			   __builtin_popcount(set), MK_COUNT);
	a->handed = set;
	/* Keys just handed over are empty: write everything once. */
	a->have_last = false;
	return true;
}

/* Every figure and the stamp in one WRITE of memory/report: one node is
 * written whole, so no transaction. */
static int publish_value(struct agent *a, const struct report *r)
{
	char path[MXS_PATH_MAX], buf[REPORT_VALUE_MAX];
	size_t n = report_value_encode(buf, r->v, r->have);

	if (mxs_domain_path(path, sizeof(path), a->domid, "memory/" REPORT_VALUE_KEY) < 0)
		return -1;
	return xs_write(a->xs, XBT_NULL, path, buf, (unsigned)n) ? 0 : -1;
}

static void report_set(struct report *r, enum membal_key k, bool have,
		       uint64_t v)
{
	r->have[k] = have;
	r->v[k] = have ? v : 0;
}

static void agent_build_report(struct agent *a, const struct agent_sample *s,
			       uint64_t now, struct report *r)
{
	const struct meminfo *mi = &s->mi;
	bool avail = meminfo_has(mi, MI_MEMAVAILABLE);

	memset(r, 0, sizeof(*r));
	report_set(r, MK_TOT, true, mi->v[MI_MEMTOTAL]);
	report_set(r, MK_FREE, true, fmd_push(&a->free_filter, mi->v[MI_MEMFREE]));
	if (a->free_filter.last_replaced)
		a->n.fmd_rejected++;
	report_set(r, MK_AVAIL, avail,
		   avail ? fmd_push(&a->avail_filter, mi->v[MI_MEMAVAILABLE]) : 0);
	if (avail && a->avail_filter.last_replaced)
		a->n.fmd_rejected++;
	report_set(r, MK_COMMITTED_AS, true, mi->v[MI_COMMITTED_AS]);
	report_set(r, MK_SWAP_TOT, true, mi->v[MI_SWAPTOTAL]);
	report_set(r, MK_SWAP_FREE, true, mi->v[MI_SWAPFREE]);
	report_set(r, MK_BALLOON_CURRENT, s->have_balloon, s->balloon_current_kb);
	report_set(r, MK_BALLOON_TARGET, s->have_balloon, s->balloon_target_kb);
	report_set(r, MK_OOM_KILLS, s->have_oom_kill, s->oom_kills);
	report_set(r, MK_PSI_SOME, s->have_psi, s->psi_some);
	report_set(r, MK_ACTIVE_ANON, meminfo_has(mi, MI_ACTIVE_ANON), mi->v[MI_ACTIVE_ANON]);
	report_set(r, MK_INACTIVE_ANON, meminfo_has(mi, MI_INACTIVE_ANON),
		   mi->v[MI_INACTIVE_ANON]);
	report_set(r, MK_ACTIVE_FILE, meminfo_has(mi, MI_ACTIVE_FILE), mi->v[MI_ACTIVE_FILE]);
	report_set(r, MK_INACTIVE_FILE, meminfo_has(mi, MI_INACTIVE_FILE),
		   mi->v[MI_INACTIVE_FILE]);
	report_set(r, MK_ANON_PAGES, meminfo_has(mi, MI_ANONPAGES), mi->v[MI_ANONPAGES]);
	report_set(r, MK_SHMEM, meminfo_has(mi, MI_SHMEM), mi->v[MI_SHMEM]);
	report_set(r, MK_PSWPIN, s->have_pswpin, s->pswpin);
	report_set(r, MK_REFAULT_ANON, s->have_refault_anon, s->refault_anon);
	report_set(r, MK_REFAULT_FILE, s->have_refault_file, s->refault_file);
	report_set(r, MK_PGMAJFAULT, s->have_pgmajfault, s->pgmajfault);
	report_set(r, MK_PSI_SOME_TOTAL, s->have_psi, s->psi_some_total);
	report_set(r, MK_PSI_FULL_TOTAL, s->have_psi_full, s->psi_full_total);
	report_set(r, MK_SWAP_ZRAM, s->have_swap_zram, s->swap_zram_kb);
	if (s->have_pswpin && a->have_pswpin)
		report_set(r, MK_SWAPIN_RATE, true,
			   sample_swapin_rate(a->last_pswpin, a->last_pswpin_ms,
					      s->pswpin, now));
	/* A sample that did not read vmstat carries the last counts: the
	 * next reading's rate is over the time since that one. */
	if (!s->vmstat_fresh)
		return;
	if (s->have_pswpin) {
		a->have_pswpin = true;
		a->last_pswpin = s->pswpin;
		a->last_pswpin_ms = now;
	} else {
		a->have_pswpin = false;
	}
}

/* One WRITE of memory/report when it was handed over, otherwise one key
 * a figure in a transaction. A heartbeat writes the stamp alone, or the
 * value with the last publication's figures and a new stamp: the figures
 * are still within report_delta_kb of the truth, and the arbiter takes
 * it as liveness without taking the figures again (design.md §Guest keys:
 * any change of stamp counts as liveness). */
static enum agent_step_result agent_publish(struct agent *a,
					    struct report *r, uint64_t now,
					    enum report_why why)
{
	struct publish_ctx c = { .a = a, .r = r };
	struct mxs_tx_result res;
	int err;

	r->have[MK_STAMP] = true;
	r->v[MK_STAMP] = a->stamp;
	r->have[MK_VERSION] = !a->version_written;
	r->v[MK_VERSION] = MEMBAL_KEY_LAYOUT_VERSION;
	c.stamp_only = why == REPORT_HEARTBEAT && a->have_last && a->version_written;
	if (a->state == AGENT_WAITING ||
	    (c.stamp_only && (a->handed != ALL_KEYS || !a->value_mode)))
		/* A hand-over may have happened since, or a newer arbiter
		 * replaced the one that handed over fewer keys or no
		 * memory/report. */
		if (agent_learn_keys(a))
			c.stamp_only = false;
	int rc = -1;

	memset(&res, 0, sizeof(res));
	err = 0;
	if (a->value_mode) {
		/* A heartbeat carries the last publication's figures, as the
		 * keys hold them one key a figure: the arbiter takes it as
		 * liveness alone. */
		struct report hb = a->last;

		hb.v[MK_STAMP] = r->v[MK_STAMP];
		hb.have[MK_STAMP] = true;
		rc = publish_value(a, c.stamp_only ? &hb : r);
		err = errno;
		c.keys = 1;
		if (rc < 0 && (err == EACCES || err == EPERM)) {
			/* There but not ours: publish one key a figure
			 * (every key: they may hold anything). */
			log_notice("memory/%s not writable (%s); publishing one key a figure",
				   REPORT_VALUE_KEY, strerror(err));
			a->value_mode = false;
			a->value_refused = true;
			a->have_last = false;
			c.stamp_only = false;
			a->version_written = false;
			r->have[MK_VERSION] = true;
		}
	}
	if (!a->value_mode) {
		rc = mxs_transact(a->xs, a->cfg.tx_retries, publish_body, &c, &res);
		err = errno;
	}
	if (rc < 0 && !a->value_mode && (err == EACCES || err == EPERM)) {
		if (agent_learn_keys(a)) {
			/* Refused for a key we were not handed: publish the
			 * others now rather than fail. */
			a->n.tx_eagain += res.eagain;
			c.stamp_only = false;
			rc = mxs_transact(a->xs, a->cfg.tx_retries, publish_body, &c, &res);
			err = errno;
		}
	}
	if (rc == 0) {
		a->n.tx_eagain += res.eagain;
		a->n.publications++;
		a->n.keys_written += c.keys;
		a->last_keys = c.keys;
		a->stamp++;
		a->version_written = true;
		/* What xenstore holds: after a heartbeat, the last figures. */
		if (!c.stamp_only)
			a->last = *r;
		a->last.v[MK_STAMP] = r->v[MK_STAMP];
		a->have_last = true;
		a->last_pub_ms = now;
		if (a->state == AGENT_WAITING)
			log_notice("report keys handed over; publishing under /local/domain/%u/memory",
				   a->domid);
		a->state = AGENT_PUBLISHING;
		a->said_waiting = false;
		return STEP_PUBLISHED;
	}
	a->n.tx_eagain += res.eagain;
	/* Refused or gone: perhaps we were resumed under a new domid (and
	 * a transaction cut by the resume is transient anyway). */
	if ((err == EACCES || err == EPERM || err == ENOENT) &&
	    follow_check(a, now) != 0)
		return STEP_NO_HANDOVER;
	if (err == EACCES || err == EPERM) {
		/* Not ours yet: libxl made memory/ read-only to us and the
		 * arbiter has not handed the keys over. */
		if (!a->said_waiting)
			log_notice("waiting for the arbiter to hand over /local/domain/%u/memory keys (%s); retrying every %u ms",
				   a->domid, strerror(err), a->cfg.handover_retry_ms);
		a->said_waiting = true;
		a->state = AGENT_WAITING;
		a->next_try_ms = now + a->cfg.handover_retry_ms;
		return STEP_NO_HANDOVER;
	}
	if (err == EAGAIN) {
		a->n.tx_gave_up++;
		log_limited(LOG_WARNING, "agent:eagain",
			    "publication abandoned after %u transaction attempts (EAGAIN each time); will retry next sample",
			    res.attempts);
		return STEP_TX_FAILED;
	}
	if (mxs_conn_lost(err)) {
		agent_disconnect(a, now, "publish", err);
		return STEP_NO_XENSTORE;
	}
	log_limited(LOG_WARNING, "agent:txerr", "publication failed: %s",
		    strerror(err));
	return STEP_TX_FAILED;
}

enum agent_step_result agent_step(struct agent *a)
{
	uint64_t now = clock_now_ms();
	struct agent_sample s;
	struct sample_status st;
	struct report r;
	enum report_why why;

	a->n.samples++;
	if (sample_ctx_read(&a->sample,
			    now - a->last_vmstat_ms >= a->cfg.heartbeat_ms,
			    &s, &st) != 0) {
		a->n.sample_errors++;
		if (!a->said_sample_bad)
			log_warn("cannot use %s: %s; keeping the last published figures",
				 a->paths.meminfo, sample_status_str(&st));
		a->said_sample_bad = true;
		return a->last_result = STEP_NO_SAMPLE;
	}
	if (a->said_sample_bad)
		log_notice("%s is usable again", a->paths.meminfo);
	if (st.meminfo.malformed > 0)
		log_limited(LOG_WARNING, "agent:meminfo-lines",
			    "%s: %s; the fields we need were fine",
			    a->paths.meminfo, sample_status_str(&st));
	a->said_sample_bad = false;
	if (s.vmstat_fresh)
		a->last_vmstat_ms = now;
	agent_build_report(a, &s, now, &r);

	if (a->state == AGENT_DISCONNECTED) {
		if (now < a->next_try_ms || !agent_connect(a, now))
			return a->last_result = STEP_NO_XENSTORE;
	}
	/* A watch event on "domid": the kernel re-registered our watches
	 * after a resume (follow.h). */
	if (a->state != AGENT_DISCONNECTED && follow_fired(a))
		follow_check(a, now);
	if (a->domid_lost && now >= a->next_try_ms)
		follow_check(a, now);
	if (a->domid_lost)
		return a->last_result = STEP_NO_HANDOVER;
	if (a->state == AGENT_WAITING && now < a->next_try_ms)
		return a->last_result = STEP_NO_HANDOVER;

	why = report_due(a->have_last ? &a->last : NULL, a->last_pub_ms, &r,
			 now, a->cfg.report_delta_kb, a->cfg.heartbeat_ms);
	a->last_why = why;
	if (why == REPORT_QUIET)
		return a->last_result = STEP_QUIET;
	log_debug("publishing (%s): free=%llu avail=%llu committed_as=%llu",
		  report_why_name(why), (unsigned long long)r.v[MK_FREE],
		  (unsigned long long)r.v[MK_AVAIL],
		  (unsigned long long)r.v[MK_COMMITTED_AS]);
	return a->last_result = agent_publish(a, &r, now, why);
}

uint32_t agent_sleep_ms(const struct agent *a)
{
	return a->cfg.sample_ms;
}

void agent_close(struct agent *a)
{
	sample_ctx_close(&a->sample);
	if (a->xs)
		xs_close(a->xs);
	a->xs = NULL;
	a->state = AGENT_DISCONNECTED;
}
