/* SPDX-License-Identifier: GPL-2.0-only */
#include "loop.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xenstore.h>

#include "agent/agent_config.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "common/parse.h"
#include "xenstored/xsd.h"

#define MIB 1024u

/* What the arbiter saw when it read the host (captured by the fault
 * layer's host(), the last hypervisor read before it decides). */
struct seen {
	bool valid;
	uint64_t free_kb, claim_kb, ctl_reserve_kb;
	size_t n;
	struct {
		uint32_t domid;
		uint64_t n_kb, target_kb, offset_kb;
		bool have_target;
	} d[SIM_MAX_GUESTS + 1];
};

static struct seen seen_buf;

static void violation(struct loop *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void violation(struct loop *l, const char *fmt, ...)
{
	va_list ap;

	if (l->violations++ == 0) {
		int n = snprintf(l->first_violation, sizeof(l->first_violation),
				 "cycle %u (t=%llu ms): ", l->cycles,
				 (unsigned long long)clock_now_ms());

		va_start(ap, fmt);
		vsnprintf(l->first_violation + n, sizeof(l->first_violation) - (size_t)n,
			  fmt, ap);
		va_end(ap);
	}
}

static bool target_of(struct loop *l, uint32_t domid, uint64_t *kb)
{
	char path[64], *v;
	bool ok;

	snprintf(path, sizeof(path), "/local/domain/%u/memory/target", domid);
	v = xsd_read(l->x, path);
	ok = v && parse_u64(v, 0, POLICY_KB_MAX, kb) == PARSE_OK;
	free(v);
	return ok;
}

uint64_t loop_target(struct loop *l, uint32_t domid)
{
	uint64_t kb = 0;

	return target_of(l, domid, &kb) ? kb : 0;
}

const struct sim_dom *loop_sdom(struct loop *l, uint32_t domid)
{
	return hv_sim_domain(&l->sim, domid);
}

struct dom *loop_adom(struct loop *l, uint32_t domid)
{
	return l->a_live && domid < MEMBAL_DOMID_LIMIT ? l->a.by_domid[domid] : NULL;
}

uint64_t loop_host_free(struct loop *l)
{
	return sim_host_free_kb(hv_sim_host(&l->sim));
}

void loop_bounds(struct loop *l, uint32_t domid, uint64_t *min_kb, uint64_t *max_kb)
{
	const struct sim_dom *d = loop_sdom(l, domid);
	const struct policy_params *p = &l->cfg.policy.params;
	const struct domain_rule *r = d ? arbiter_config_rule(&l->cfg, d->spec->name) : NULL;
	uint64_t cap = d ? d->spec->static_max_kb : POLICY_KB_MAX;
	uint64_t hi = r && r->has_max ? r->max_kb : p->max_kb ? p->max_kb : cap;
	uint64_t lo = r && r->has_min ? r->min_kb : p->min_kb;

	if (hi > cap)
		hi = cap;
	*min_kb = lo < hi ? lo : hi;
	*max_kb = hi;
}

/* ---- the fault layer ------------------------------------------------------ */

static void capture(struct loop *l)
{
	const struct sim_host *h = hv_sim_host(&l->sim);
	struct seen *s = &seen_buf;

	s->valid = true;
	s->free_kb = sim_host_free_kb(h);
	s->claim_kb = l->f.claim_kb;
	s->ctl_reserve_kb = l->a.reserve_kb;
	s->n = 0;
	s->d[s->n].domid = 0;
	s->d[s->n].n_kb = h->dom0_kb;
	s->d[s->n].offset_kb = 0;
	s->d[s->n].have_target = target_of(l, 0, &s->d[s->n].target_kb);
	s->n++;
	for (size_t i = 0; i < h->n; i++) {
		const struct sim_dom *d = &h->dom[i];

		if (d->state != SIM_DOM_RUNNING)
			continue;
		s->d[s->n].domid = d->domid;
		s->d[s->n].offset_kb = sim_dom_offset_kb(d);
		s->d[s->n].n_kb = d->tot_kb > s->d[s->n].offset_kb ? d->tot_kb - s->d[s->n].offset_kb : 0;
		s->d[s->n].have_target = target_of(l, d->domid, &s->d[s->n].target_kb);
		s->n++;
	}
}

static int f_host(struct hv *hv, struct hv_host *out)
{
	struct loop *l = hv->priv;

	if (l->have_pending) {
		/* Listed and read: now the time passes, and whatever stops
		 * in it is destroyed just before the arbiter writes. */
		l->have_pending = false;
		l->sim.ops->advance(&l->sim, l->now_pending);
	}
	if (l->f.host) {
		errno = EIO;
		return -1;
	}
	if (l->sim.ops->host(&l->sim, out) < 0)
		return -1;
	out->outstanding_kb += l->f.claim_kb;
	capture(l);
	return 0;
}

static int f_list(struct hv *hv, struct hv_domain *out, size_t cap, size_t *n)
{
	struct loop *l = hv->priv;
	int rc;

	if (l->f.list) {
		errno = EIO;
		return -1;
	}
	rc = l->sim.ops->list(&l->sim, out, cap, n);
	return rc;
}

static void maybe_die(struct loop *l, bool after)
{
	if (l->kill_armed && l->f.kill_at && l->hv_mutations == l->f.kill_at &&
	    l->f.kill_after == after) {
		l->kill_armed = false;
		longjmp(l->kill, 1);
	}
}

static int f_set_maxmem(struct hv *hv, uint32_t domid, uint64_t max_kb)
{
	struct loop *l = hv->priv;
	int rc;

	l->hv_mutations++;
	maybe_die(l, false);
	if (l->f.maxmem) {
		errno = EIO;
		return -1;
	}
	rc = l->sim.ops->set_maxmem(&l->sim, domid, max_kb);
	maybe_die(l, true);
	return rc;
}

static int f_set_pod(struct hv *hv, uint32_t domid, uint64_t pages)
{
	struct loop *l = hv->priv;
	int rc;

	l->hv_mutations++;
	maybe_die(l, false);
	if (l->f.pod) {
		errno = EIO;
		return -1;
	}
	rc = l->sim.ops->set_pod_target(&l->sim, domid, pages);
	maybe_die(l, true);
	return rc;
}

static enum hv_dom_type f_dom_type(struct hv *hv, uint32_t domid)
{
	struct loop *l = hv->priv;

	return l->sim.ops->dom_type(&l->sim, domid);
}

static void f_advance(struct hv *hv, uint64_t now_ms)
{
	struct loop *l = hv->priv;

	if (l->f.late_destroy) {
		l->now_pending = now_ms;
		l->have_pending = true;
	} else {
		l->sim.ops->advance(&l->sim, now_ms);
	}
	/* A round trip on the arbiter's own connection, so that every watch
	 * event the agents' publications fired has reached it before it
	 * drains them: the runs are repeatable. */
	if (l->a_live && l->a.xs && !l->loose) {
		unsigned len;

		free(xs_read(l->a.xs, XBT_NULL, "/local/domain/0/name", &len));
	}
}

static void f_close(struct hv *hv)
{
}

static const struct hv_ops fault_ops = {
	.name = "sim+faults", .host = f_host, .list = f_list,
	.set_maxmem = f_set_maxmem, .set_pod_target = f_set_pod,
	.dom_type = f_dom_type, .advance = f_advance, .close = f_close,
};

/* ---- the rules ---------------------------------------------------------------- */

static void check(struct loop *l)
{
	const struct seen *s = &seen_buf;
	const struct sim_host *h = hv_sim_host(&l->sim);
	uint64_t grown = 0, others = 0;

	l->writes_last_cycle = 0;
	if (!s->valid)
		return;    /* the cycle stopped before it read the host */
	for (size_t i = 0; i < s->n; i++) {
		uint64_t t, lo, hi, floor;
		bool have = target_of(l, s->d[i].domid, &t);
		bool changed = have && (!s->d[i].have_target || t != s->d[i].target_kb);

		if (!changed) {
			if (have && t > s->d[i].n_kb && s->d[i].domid < MEMBAL_DOMID_LIMIT)
				others += t - s->d[i].n_kb;
			continue;
		}
		l->writes_last_cycle++;
		if (t > s->d[i].n_kb)
			grown += t - s->d[i].n_kb;
		if (s->d[i].domid == 0)
			continue;
		loop_bounds(l, s->d[i].domid, &lo, &hi);
		floor = lo < s->d[i].n_kb ? lo : s->d[i].n_kb;
		if (t > hi)
			violation(l, "R1: domain %u target %llu KiB above its max %llu",
				  s->d[i].domid, (unsigned long long)t, (unsigned long long)hi);
		if (t < floor)
			violation(l, "R1: domain %u target %llu KiB below min(L %llu, N %llu)",
				  s->d[i].domid, (unsigned long long)t, (unsigned long long)lo,
				  (unsigned long long)s->d[i].n_kb);
	}
	int64_t f = (int64_t)s->free_kb - (int64_t)s->claim_kb - (int64_t)s->ctl_reserve_kb -
		    (int64_t)l->cfg.policy.params.reserve_kb - (int64_t)others;

	if (grown > (uint64_t)(f > 0 ? f : 0))
		violation(l, "R2: %llu KiB of growth written, %lld KiB free to promise (free %llu, claims %llu, reserve %llu+%llu, promised before %llu)",
			  (unsigned long long)grown, (long long)f,
			  (unsigned long long)s->free_kb, (unsigned long long)s->claim_kb,
			  (unsigned long long)s->ctl_reserve_kb,
			  (unsigned long long)l->cfg.policy.params.reserve_kb,
			  (unsigned long long)others);
	for (size_t i = 0; i < h->n; i++) {
		const struct sim_dom *d = &h->dom[i];
		uint64_t t, off = sim_dom_offset_kb(d);

		if (d->state != SIM_DOM_RUNNING || !target_of(l, d->domid, &t))
			continue;
		if (t + off > d->tot_kb && d->max_kb < hv_maxmem_for(t, off))
			violation(l, "R3: domain %u may grow to %llu KiB but maxmem is %llu",
				  d->domid, (unsigned long long)t, (unsigned long long)d->max_kb);
	}
}

/* ---- the loop ------------------------------------------------------------------ */

static const char *dom_socket(void *ctx, uint32_t domid)
{
	return xsd_domain_socket(ctx, domid);
}

static void die(const char *what)
{
	fprintf(stderr, "loop: %s: %s\n", what, strerror(errno));
	abort();
}

struct loop *loop_start(const char *scenario, enum sim_agents agents,
			const char *arbiter_ini, unsigned flags)
{
	bool keep_log = flags & LOOP_KEEP_LOG;
	struct loop *l = calloc(1, sizeof(*l));
	struct agent_config ac;
	struct cfg_file cf;

	if (!l)
		die("calloc");
	l->keep_log = keep_log;
	l->loose = flags & LOOP_LOOSE;
	l->log = keep_log ? open_memstream(&l->logbuf, &l->loglen) : fopen("/dev/null", "w");
	if (!l->log)
		die("log stream");
	log_set_stream(l->log);
	log_set_level(keep_log ? LOG_DEBUG : LOG_INFO);
	clock_drive(10000000);
	/* tmpfs when there is one: the simulated guests' files are
	 * rewritten every cycle, and ext4's inode allocation for them was
	 * most of a soak's time. */
	snprintf(l->dir, sizeof(l->dir), "%s/membal-harden.XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(l->dir))
		die("mkdtemp");
	snprintf(l->sock, sizeof(l->sock), "%s/socket", l->dir);
	struct xsd_options o = { .socket_path = l->sock, .domain_socket_dir = l->dir };

	l->x = xsd_start(&o);
	if (!l->x)
		die("xsd_start");
	setenv("XENSTORED_PATH", l->sock, 1);
	l->h0 = xs_open(0);
	if (!l->h0)
		die("xs_open");
	if (sim_scenario_load_string("scenario", scenario, &l->sc, &cf) != 0) {
		fprintf(stderr, "loop: scenario: %s\n", cf.first_error);
		abort();
	}
	agent_config_defaults(&ac);
	ac.handover_retry_ms = 1000;
	if (flags & LOOP_QUIET_AGENTS) {
		ac.report_delta_kb = 64 * MIB;
		ac.heartbeat_ms = 20000;
	}
	char guests[96];

	snprintf(guests, sizeof(guests), "%s/guests", l->dir);
	if (mkdir(guests, 0700) != 0)
		die("mkdir guests");
	struct sim_options so = {
		.scenario = &l->sc, .xenstored_path = l->sock, .guest_dir = guests,
		.domain_socket = dom_socket, .domain_socket_ctx = l->x,
		.agents = agents, .agent_cfg = &ac, .sync_events = !l->loose,
	};

	if (hv_sim_open(&l->sim, &so) != 0)
		die("hv_sim_open");
	l->hv.ops = &fault_ops;
	l->hv.priv = l;
	arbiter_config_defaults(&l->cfg);
	if (arbiter_ini && arbiter_config_load_string("arbiter.ini", arbiter_ini, &l->cfg) != 0) {
		fprintf(stderr, "loop: bad arbiter.ini\n");
		abort();
	}
	l->cfg.status_file[0] = '\0';
	l->cfg.control_socket[0] = '\0';
	if (!arbiter_ini || !strstr(arbiter_ini, "max_domains"))
		l->cfg.max_domains = 64;
	/* loop_publish() is an agent older than key layout 3 (one key a
	 * figure, right after the adoption): every key at adoption, as
	 * before the lazy hand-over, unless arbiter_ini says otherwise. */
	if (!arbiter_ini || !strstr(arbiter_ini, "per_key_after_ms"))
		l->cfg.per_key_after_ms = 0;
	if (arbiter_init(&l->a, &l->cfg, &l->hv, false) != 0)
		die("arbiter_init");
	l->a_live = true;
	return l;
}

void loop_stop(struct loop *l)
{
	char cmd[128];

	arbiter_free(&l->a);
	for (size_t i = 0; i < sizeof(l->guest) / sizeof(l->guest[0]); i++)
		if (l->guest[i].h)
			xs_close(l->guest[i].h);
	l->sim.ops->close(&l->sim);
	sim_scenario_free(&l->sc);
	xs_close(l->h0);
	xsd_stop(l->x);
	log_set_stream(NULL);
	fclose(l->log);
	free(l->logbuf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", l->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "loop: %s failed\n", cmd);
	free(l);
}

int loop_cycle(struct loop *l)
{
	int rc;

	clock_advance(l->cfg.interval_ms);
	seen_buf.valid = false;
	l->cycles++;
	if (l->f.kill_at) {
		if (setjmp(l->kill) != 0) {
			/* Dead in the middle of its cycle: nothing after the
			 * fatal call ran. */
			l->kills++;
			l->a_live = false;
			l->f.kill_at = 0;
			check(l);
			return -2;
		}
		l->kill_armed = true;
	}
	rc = arbiter_cycle(&l->a);
	l->kill_armed = false;
	if (rc < 0)
		l->failed_cycles++;
	check(l);
	return rc;
}

void loop_run(struct loop *l, unsigned cycles)
{
	for (unsigned i = 0; i < cycles && l->a_live; i++)
		loop_cycle(l);
}

void loop_restart_arbiter(struct loop *l)
{
	/* What the kernel does for a killed process: its memory and its
	 * sockets go. arbiter_free() does exactly that and nothing else (no
	 * xenstore write, no hypervisor call). */
	arbiter_free(&l->a);
	if (arbiter_init(&l->a, &l->cfg, &l->hv, false) != 0)
		die("arbiter_init");
	l->a_live = true;
}

const char *loop_log(struct loop *l)
{
	if (!l->keep_log)
		return "";
	fflush(l->log);
	return l->logbuf ? l->logbuf : "";
}

/* ---- fake agents --------------------------------------------------------------- */

struct xs_handle *loop_open_as(struct loop *l, uint32_t domid)
{
	struct xs_handle *h;

	setenv("XENSTORED_PATH", xsd_domain_socket(l->x, domid), 1);
	h = xs_open(0);
	setenv("XENSTORED_PATH", l->sock, 1);
	if (!h)
		die("xs_open as a guest");
	return h;
}

bool loop_guest_write(struct xs_handle *h, uint32_t domid, const char *key,
		      const char *val, size_t len)
{
	char path[160];

	snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid, key);
	return xs_write(h, XBT_NULL, path, val, (unsigned)len);
}

/* The guest's cached connection; fresh when asked (after a failure). */
static struct xs_handle *guest_conn(struct loop *l, uint32_t domid, bool fresh)
{
	size_t n = sizeof(l->guest) / sizeof(l->guest[0]), slot = n;

	for (size_t i = 0; i < n; i++) {
		if (l->guest[i].h && l->guest[i].domid == domid) {
			if (!fresh)
				return l->guest[i].h;
			xs_close(l->guest[i].h);
			l->guest[i].h = NULL;
		}
		if (!l->guest[i].h && slot == n)
			slot = i;
	}
	if (slot == n)
		return loop_open_as(l, domid);   /* caller closes: no room */
	l->guest[slot].domid = domid;
	l->guest[slot].h = loop_open_as(l, domid);
	return l->guest[slot].h;
}

static bool publish_on(struct xs_handle *h, uint32_t domid, const struct loop_fig *f,
		       uint64_t stamp)
{
	const struct { const char *k; uint64_t v; bool skip; } kv[] = {
		{ "tot", f->tot, false }, { "free", f->free, false },
		{ "avail", f->avail ? f->avail : f->free, f->no_avail },
		{ "committed_as", f->committed_as, false },
		{ "swap_tot", f->swap_tot, false }, { "swap_free", f->swap_free, false },
		{ "balloon_current", f->balloon_current, f->no_balloon },
		{ "balloon_target", f->balloon_target, f->no_balloon },
		{ "oom_kills", f->oom_kills, false }, { "psi_some", f->psi_some, false },
		{ "swapin_rate", f->swapin_rate, false },
		{ "stamp", stamp, false },
		{ "membal_version", 1, false },
	};
	bool ok = true;
	xs_transaction_t t = xs_transaction_start(h);

	if (t == XBT_NULL)
		return false;
	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]) && ok; i++) {
		char path[160], buf[24];
		int n;

		if (kv[i].skip || (!strcmp(kv[i].k, "stamp") && stamp == LOOP_NO_STAMP))
			continue;
		n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)kv[i].v);
		snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid, kv[i].k);
		ok = xs_write(h, t, path, buf, (unsigned)n);
	}
	return xs_transaction_end(h, t, !ok) && ok;
}

bool loop_publish(struct loop *l, uint32_t domid, const struct loop_fig *f,
		  uint64_t stamp)
{
	static uint64_t next_stamp = 1000;
	uint64_t s = stamp ? stamp : ++next_stamp;

	if (publish_on(guest_conn(l, domid, false), domid, f, s))
		return true;
	/* The connection may have died with xenstored or the domain. */
	return publish_on(guest_conn(l, domid, true), domid, f, s);
}
