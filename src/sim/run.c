/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One policy on one scenario, from a fresh start: an in-process test
 * xenstored (src/xenstored/, a thread speaking the real wire protocol),
 * the sim backend (src/simhost/hv_sim.c) with one real in-process agent
 * per guest (src/agent: the same sampling and fmd filter as in a guest),
 * and the real arbiter (arbiter_cycle: the daemon's cycle and policy
 * core), all on the driven clock.
 *
 * Time: the arbiter cycles every [daemon] interval_ms; between cycles the
 * simulator advances the host at every agent sample (sample_ms), so the
 * agents sample as often as in a guest; inside each advance the model
 * steps at SIM_MODEL_STEP_MS (100 ms). The series is recorded every
 * tick_ms after everything due at that instant has run.
 */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "agent/agent_config.h"
#include "arbiter/arbiter.h"
#include "arbiter/control.h"
#include "simhost/hv_sim.h"
#include "common/clock.h"
#include "common/log.h"
#include "sim/resv_events.h"
#include "sim/workdir.h"
#include "sim/sim.h"
#include "xenstored/xsd.h"

#define KIB_PER_MIB 1024.0

void sim_run_free(struct sim_run *r)
{
	free(r->g);
	free(r->series);
	free(r->host_free);
	free(r->host_scarce);
	memset(r, 0, sizeof(*r));
}

static const char *dom_socket(void *ctx, uint32_t domid)
{
	return xsd_domain_socket(ctx, domid);
}

static uint64_t dom_events(void *ctx, uint32_t domid)
{
	return xsd_domain_events(ctx, domid);
}

/* The administrator's `membalctl reserve --for NAME --wait` before a
 * guest's `xl create` (create_gate() below). */
struct toolstack_resv {
	uint32_t domid;
	uint32_t id;            /* the reservation; 0 none (yet, or any more) */
	uint64_t made_ms, poll_ms;
};

struct world {
	char dir[96], sock[128], guests[128];
	const struct sim_scenario *sc;
	struct toolstack_resv *resv;   /* [sc->n_guests] */
	struct xsd *x;
	struct hv hv;
	bool hv_open;
	struct arbiter_config cfg;
	struct arbiter a;
	bool a_init;
	void *literal;          /* the `literal` learner (literal_hook.c) */
	struct sim_resv_tools tools;   /* [host] reserve_at */
	FILE *log;
	FILE *est;              /* --estimates */
};

static void world_close(struct world *w)
{
	sim_literal_detach(w->literal, NULL);
	w->literal = NULL;
	if (w->x) {
		/* What the run cost in xenstore traffic (docs/performance.md,
		 * "membal-sim, 50 guests"): in the log with -v. */
		struct xsd_stats st;

		xsd_get_stats(w->x, &st);
		log_info("sim: %llu xenstore requests (%llu READ, %llu WRITE, %llu transactions), %llu watch events",
			 (unsigned long long)st.requests,
			 (unsigned long long)st.by_type[XS_READ],
			 (unsigned long long)st.by_type[XS_WRITE],
			 (unsigned long long)st.tx_started,
			 (unsigned long long)st.watch_events);
	}
	free(w->resv);
	if (w->a_init)
		arbiter_free(&w->a);
	if (w->hv_open)
		w->hv.ops->close(&w->hv);
	if (w->x)
		xsd_stop(w->x);
	if (w->dir[0])
		sim_workdir_remove(w->dir);
	log_set_stream(stderr);
	if (w->log)
		fclose(w->log);
	if (w->est)
		fclose(w->est);
}

/* README's "Starting a new VM on a full host", as the tooling runs it:
 * `membalctl reserve SIZE --for NAME [--need N] --wait --timeout S` (asks at once,
 * then every CONTROL_RESERVE_POLL_MS, and is answered at the end of the cycle that
 * makes it ready: awaited()), `xl create` once it answers ready, then `membalctl
 * release`; at the timeout the reservation is released and the guest is
 * not started. SIZE is xl's memory=.
 * reserve_wait_s = 0: no reservation, `xl create` at start_s. */
static enum sim_create create_gate(void *ctx, const struct sim_dom *d,
				   uint64_t now, bool gone)
{
	struct world *w = ctx;
	struct toolstack_resv *r = NULL;
	uint64_t missing = 0;
	char why[512] = "";
	int ready;

	for (size_t i = 0; w->resv && i < w->sc->n_guests; i++)
		if (w->resv[i].domid == d->domid)
			r = &w->resv[i];
	if (!r || !w->a_init || !w->sc->reserve_wait_ms)
		return SIM_CREATE_NOW;
	if (gone) {
		if (r->id)
			arbiter_release(&w->a, r->id);
		r->id = 0;
		return SIM_CREATE_FAIL;
	}
	if (!r->id) {
		if (arbiter_reserve(&w->a, d->spec->memory_kb, 0, d->spec->name, &r->id) < 0) {
			log_warn("toolstack: reserve for %s: %s; xl create without it",
				 d->spec->name, strerror(errno));
			return SIM_CREATE_NOW;
		}
		r->made_ms = r->poll_ms = now;
		if (d->spec->reserve_need_kb &&
		    arbiter_reserve_need(&w->a, r->id, d->spec->reserve_need_kb) < 0)
			log_warn("toolstack: reserve --need for %s: %s", d->spec->name, strerror(errno));
		log_info("toolstack: membalctl reserve %llu KiB --for %s --need %llu KiB --wait: reservation %u",
			 (unsigned long long)d->spec->memory_kb, d->spec->name,
			 (unsigned long long)d->spec->reserve_need_kb, r->id);
	}
	if (now < r->poll_ms)
		return SIM_CREATE_WAIT;
	ready = arbiter_reservation_ready(&w->a, r->id, &missing, why, sizeof(why));
	if (ready != 0) {
		/* xl create, then membalctl release (nothing runs between the
		 * two here, so releasing first is the same) */
		log_info("toolstack: reservation %u for %s %s after %llu ms; xl create",
			 r->id, d->spec->name, ready > 0 ? "ready" : "gone",
			 (unsigned long long)(now - r->made_ms));
		arbiter_release(&w->a, r->id);
		r->id = 0;
		return SIM_CREATE_NOW;
	}
	if (now - r->made_ms >= w->sc->reserve_wait_ms) {
		log_warn("toolstack: reservation %u for %s: %llu KiB still missing after %llu s: %s; released, not created",
			 r->id, d->spec->name, (unsigned long long)missing,
			 (unsigned long long)(w->sc->reserve_wait_ms / 1000), why);
		arbiter_release(&w->a, r->id);
		r->id = 0;
		return SIM_CREATE_FAIL;
	}
	r->poll_ms += CONTROL_RESERVE_POLL_MS;
	return SIM_CREATE_WAIT;
}

static int world_open(struct world *w, const struct sim_scenario *sc,
		      const struct sim_policy *pol, const struct sim_run_options *o,
		      struct agent_config *ac)
{
	if (o->log_path) {
		w->log = fopen(o->log_path, "we");
		if (!w->log) {
			fprintf(stderr, "membal-sim: %s: %s\n", o->log_path, strerror(errno));
			return -1;
		}
	} else {
		w->log = fopen("/dev/null", "we");
	}
	log_set_stream(w->log);
	log_set_level(o->log_level);
	if (o->estimates_path) {
		w->est = fopen(o->estimates_path, "we");
		if (!w->est) {
			fprintf(stderr, "membal-sim: %s: %s\n", o->estimates_path, strerror(errno));
			return -1;
		}
		sim_estimates_header(w->est);
	}
	if (sim_workdir_make(w->dir, sizeof(w->dir), "membal-sim") < 0) {
		fprintf(stderr, "membal-sim: temporary directory: %s\n", strerror(errno));
		w->dir[0] = '\0';
		return -1;
	}
	snprintf(w->sock, sizeof(w->sock), "%s/xenstored", w->dir);
	snprintf(w->guests, sizeof(w->guests), "%s/guests", w->dir);
	if (mkdir(w->guests, 0755) < 0) {
		fprintf(stderr, "membal-sim: %s: %s\n", w->guests, strerror(errno));
		return -1;
	}
	struct xsd_options xo = { .socket_path = w->sock, .domain_socket_dir = w->dir };
	w->x = xsd_start(&xo);
	if (!w->x) {
		fprintf(stderr, "membal-sim: cannot start the test xenstored in %s: %s\n",
			w->dir, strerror(errno));
		return -1;
	}
	/* The arbiter connects with xs_open(), which reads this. */
	setenv("XENSTORED_PATH", w->sock, 1);

	w->sc = sc;
	w->resv = calloc(sc->n_guests ? sc->n_guests : 1, sizeof(*w->resv));
	if (!w->resv) {
		fprintf(stderr, "membal-sim: out of memory\n");
		return -1;
	}
	for (size_t i = 0; i < sc->n_guests; i++)
		w->resv[i].domid = sc->guests[i].domid;
	agent_config_defaults(ac);
	ac->handover_retry_ms = 1000;
	struct sim_options so = {
		.scenario = sc,
		.xenstored_path = w->sock,
		.domain_socket = dom_socket,
		.domain_events = dom_events,
		.domain_socket_ctx = w->x,
		.guest_dir = w->guests,
		.agents = SIM_AGENTS_INPROCESS,
		.agent_cfg = ac,
		.sync_events = true,
		.create_gate = create_gate,
		.create_gate_ctx = w,
	};
	if (hv_sim_open(&w->hv, &so) < 0) {
		fprintf(stderr, "membal-sim: the simulated host did not start: %s\n",
			strerror(errno));
		return -1;
	}
	w->hv_open = true;

	w->cfg = pol->cfg;
	w->cfg.status_file[0] = '\0';
	w->cfg.control_socket[0] = '\0';
	w->cfg.metrics_file[0] = '\0';
	if (w->cfg.max_domains < sc->n_guests + 1)
		w->cfg.max_domains = (uint32_t)sc->n_guests + 1;
	if (arbiter_init(&w->a, &w->cfg, &w->hv, false) < 0) {
		fprintf(stderr, "membal-sim: arbiter_init failed: %s\n", strerror(errno));
		return -1;
	}
	w->a_init = true;
	if (pol->literal && !(w->literal = sim_literal_attach(&w->a, w->cfg.max_domains))) {
		fprintf(stderr, "membal-sim: out of memory for the literal learner\n");
		return -1;
	}
	return 0;
}

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A large scenario runs for minutes: say how far it is, after the first
 * few seconds and then every ten. */
#define PROGRESS_AFTER_S 3.0
#define PROGRESS_EVERY_S 10.0

static void progress(const struct sim_run_options *o, const struct timespec *t0,
		     double *last, uint64_t done_ms)
{
	double s = since(t0);

	if (s < PROGRESS_AFTER_S || (*last > 0 && s - *last < PROGRESS_EVERY_S))
		return;
	*last = s;
	fprintf(stderr, "membal-sim: %s: %.0f%% (%.0f of %.0f simulated s) after %.0f s\n",
		o->progress, 100.0 * (double)done_ms / (double)o->duration_ms,
		(double)done_ms / 1000, (double)o->duration_ms / 1000, s);
}

static void record(struct world *w, struct sim_run *r, size_t tick,
		   const struct sim_run_options *o)
{
	const struct sim_host *h = hv_sim_host(&w->hv);

	for (size_t i = 0; i < h->n && i < r->n_guests; i++) {
		const struct sim_dom *d = &h->dom[i];
		float *f = sim_run_at(r, tick, i);
		const struct dom *ad;

		if (d->state != SIM_DOM_RUNNING) {
			for (int k = 0; k < SF_COUNT; k++)
				f[k] = NAN;
			continue;
		}
		ad = d->domid < MEMBAL_DOMID_LIMIT ? w->a.by_domid[d->domid] : NULL;
		f[SF_DEMAND] = (float)(d->need_kb / KIB_PER_MIB);
		f[SF_TARGET] = (float)((ad && ad->have_target ? ad->target_kb : d->target_kb) /
				       KIB_PER_MIB);
		f[SF_ACTUAL] = (float)((d->tot_kb - sim_dom_offset_kb(d)) / KIB_PER_MIB);
		f[SF_MEMTOTAL] = (float)(d->mem.mem_total / KIB_PER_MIB);
		f[SF_CACHE] = (float)(d->cache_kb / KIB_PER_MIB);
		f[SF_SWAP] = (float)(d->swapped_kb / KIB_PER_MIB);
		f[SF_PSI] = (float)(d->mem.psi_avg10 / 100.0);
		if (w->est && d->spec->agent)
			sim_estimates_row(w->est, o->scenario ? o->scenario : "", r->label,
					  (double)((tick + 1) * r->tick_ms) / 1000, d->spec->name,
					  d->need_kb, ad && ad->have_fig ? ad : NULL);
	}
	r->host_free[tick] = (float)(sim_host_free_kb(h) / KIB_PER_MIB);
	r->host_scarce[tick] = w->a.cycle.mode == POLICY_MODE_SCARCE ||
			       w->a.cycle.mode == POLICY_MODE_INFEASIBLE;
}

/* The arbiter forgets a destroyed domain's record, and its count of
 * writes with it: keep each guest's count as of every cycle, where the
 * writes are made (as of every tick, the writes of a destroyed guest's
 * last cycles after the last tick were lost from its row). A guest's
 * domid is its own for the run (scenario.c), so a record found is its. */
static void keep_writes(struct world *w, struct sim_run *r)
{
	const struct sim_host *h = hv_sim_host(&w->hv);

	for (size_t i = 0; i < h->n && i < r->n_guests; i++) {
		uint32_t domid = h->dom[i].domid;
		const struct dom *ad = domid < MEMBAL_DOMID_LIMIT ? w->a.by_domid[domid] : NULL;

		if (ad)
			r->g[i].target_writes = ad->target_changes;
	}
}

static void collect(struct world *w, const struct sim_scenario *sc, struct sim_run *r)
{
	const struct sim_host *h = hv_sim_host(&w->hv);
	double free_sum = 0;

	for (size_t i = 0; i < h->n && i < r->n_guests; i++) {
		const struct sim_dom *d = &h->dom[i];
		const struct sim_dom_metrics *m = &d->m;
		struct sim_guest_result *g = &r->g[i];
		const struct dom *ad = d->domid < MEMBAL_DOMID_LIMIT ? w->a.by_domid[d->domid] : NULL;
		uint64_t starve_total = m->starve_ms_total, starve_max = m->starve_ms_max;
		struct manage_verdict v;

		g->ran = m->elapsed_ms > 0;
		g->not_started = d->state == SIM_DOM_FAILED;
		g->managed = sim_guest_rule(&w->cfg, d->spec, &v);
		g->elapsed_s = (double)m->elapsed_ms / 1000;
		g->shortfall_mibs = m->shortfall_kbms / KIB_PER_MIB / 1000;
		g->demand_mibs = m->demand_kbms / KIB_PER_MIB / 1000;
		g->idle_mibs = m->idle_kbms / KIB_PER_MIB / 1000;
		g->swapin_mib = (double)d->mem.pswpin * SIM_PAGE_KB / KIB_PER_MIB;
		g->stall_s = m->stall_ms / 1000;
		g->oom_kills = d->mem.oom_kills;
		g->oom_s = (double)m->oom_ms / 1000;
		g->job_restarts = m->job_restarts;
		g->bursts = m->bursts;
		g->work_s = (double)d->spec->work_ms / 1000;
		g->done_s = m->done_ms ? (double)m->done_ms / 1000 : -1;
		g->progress_s = m->progress_ms / 1000;
		/* An episode still open at the end counts as long as it lasted. */
		if (m->starving) {
			uint64_t len = m->elapsed_ms - m->starve_since_ms;

			starve_total += len;
			if (len > starve_max)
				starve_max = len;
		}
		g->starve_episodes = m->starve_episodes;
		g->starve_total_s = (double)starve_total / 1000;
		g->starve_max_s = (double)starve_max / 1000;
		if (ad)
			g->target_writes = ad->target_changes;
	}
	for (size_t t = 0; t < r->n_ticks; t++)
		free_sum += r->host_free[t];
	r->host_free_mean_mib = r->n_ticks ? free_sum / (double)r->n_ticks : 0;
	r->target_writes = w->a.n.target_writes;
	r->cycles = w->a.n.cycles;
	r->oom_events = w->a.n.oom_events;
	r->pressure_holds = w->a.n.pressure_holds;
	if (w->literal) {
		r->literal = true;
		sim_literal_detach(w->literal, &r->literal_out_of_range);
		w->literal = NULL;
	}
	(void)sc;
}

static uint64_t min3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* `membalctl reserve --wait`'s `await` (src/arbiter/control_wait.c): a
 * reservation this cycle made ready is answered at its end, the
 * toolstack's `xl create` a millisecond later (the answer's trip), not at
 * its next ask. */
static void awaited(struct world *w, uint64_t now)
{
	for (size_t i = 0; w->resv && i < w->sc->n_guests; i++) {
		struct toolstack_resv *r = &w->resv[i];
		uint64_t missing;
		char why[512];

		if (r->id && r->poll_ms > now + 1 &&
		    arbiter_reservation_ready(&w->a, r->id, &missing, why, sizeof(why)) > 0)
			r->poll_ms = now + 1;
	}
}

/* The next time a waiting `membalctl reserve --wait` asks, if one does
 * before `until`: the host is advanced to it so that the toolstack sees
 * the answer of every cycle within CONTROL_RESERVE_POLL_MS. */
static uint64_t next_poll(const struct world *w, uint64_t now, uint64_t until)
{
	for (size_t i = 0; w->resv && i < w->sc->n_guests; i++)
		if (w->resv[i].id && w->resv[i].poll_ms > now &&
		    w->resv[i].poll_ms < until)
			until = w->resv[i].poll_ms;
	return until;
}

int sim_run_policy(const struct sim_scenario *sc, const struct sim_policy *pol,
		   const struct sim_run_options *o, struct sim_run *r)
{
	struct world w = { 0 };
	struct agent_config ac;
	struct timespec ts0, ts1;
	uint64_t t0, end, next_cycle, next_sample, next_tick, next_run;
	double last_report_s = 0;
	size_t tick = 0;
	int rc = -1;

	clock_gettime(CLOCK_MONOTONIC, &ts0);
	memset(r, 0, sizeof(*r));
	snprintf(r->label, sizeof(r->label), "%s", pol->label);
	r->n_guests = sc->n_guests;
	r->tick_ms = o->tick_ms;
	r->n_ticks = (size_t)(o->duration_ms / o->tick_ms);
	r->g = calloc(sc->n_guests ? sc->n_guests : 1, sizeof(*r->g));
	r->series = calloc((r->n_ticks ? r->n_ticks : 1) * (sc->n_guests ? sc->n_guests : 1),
			   SF_COUNT * sizeof(float));
	r->host_free = calloc(r->n_ticks ? r->n_ticks : 1, sizeof(float));
	r->host_scarce = calloc(r->n_ticks ? r->n_ticks : 1, sizeof(float));
	if (!r->g || !r->series || !r->host_free || !r->host_scarce) {
		fprintf(stderr, "membal-sim: out of memory for %zu ticks of %zu guests\n",
			r->n_ticks, sc->n_guests);
		sim_run_free(r);
		return -1;
	}

	/* A fixed origin: every run (and every policy) sees the same times. */
	clock_drive(1000000);
	if (world_open(&w, sc, pol, o, &ac) < 0)
		goto out;
	t0 = clock_now_ms();
	end = t0 + o->duration_ms;
	next_cycle = t0 + w.cfg.interval_ms;
	next_run = next_cycle;   /* next_cycle, or an early follow-up before it */
	next_sample = t0 + ac.sample_ms;
	next_tick = t0 + o->tick_ms;
	while (clock_now_ms() < end) {
		uint64_t now = clock_now_ms(),
			 next = next_poll(&w, now, min3(next_run, next_sample, end));

		/* Another tool's reservation at its own second (none: end). */
		next = t0 + sim_resv_tools_next(&w.tools, sc->resv_ev, sc->n_resv_ev, now - t0,
						 next - t0);
		if (o->progress && next == next_run)
			progress(o, &ts0, &last_report_s, now - t0);

		clock_advance(next - now);
		sim_resv_tools_run(&w.tools, sc->resv_ev, sc->n_resv_ev, &w.a, next - t0);
		if (next == next_run) {
			/* Agents publish first; one round trip on the arbiter's
			 * connection then guarantees that their watch events have
			 * reached it (libxenstore queues events read before a
			 * reply), so the cycle sees every report of this instant
			 * and two runs of a scenario agree. The cycle's own
			 * advance() at the same instant moves nothing. */
			w.hv.ops->advance(&w.hv, next);
			if (w.a.xs)
				free(xs_get_domain_path(w.a.xs, 0));
			arbiter_cycle(&w.a);
			keep_writes(&w, r);
			awaited(&w, next);
			if (!w.a.early)
				next_cycle += w.cfg.interval_ms;
			next_run = arbiter_next_cycle(&w.a, next, next_cycle);
		} else {
			w.hv.ops->advance(&w.hv, next);
		}
		if (next == next_sample)
			next_sample += ac.sample_ms;
		while (next_tick <= next && tick < r->n_ticks) {
			record(&w, r, tick++, o);
			next_tick += o->tick_ms;
		}
	}
	collect(&w, sc, r);
	rc = 0;
out:
	world_close(&w);
	if (rc < 0)
		sim_run_free(r);
	clock_gettime(CLOCK_MONOTONIC, &ts1);
	if (rc == 0)
		r->wall_s = (double)(ts1.tv_sec - ts0.tv_sec) +
			    (double)(ts1.tv_nsec - ts0.tv_nsec) / 1e9;
	return rc;
}
