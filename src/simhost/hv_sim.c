/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The sim backend (hv_sim.h): glue between the model (model.c), membal's
 * own xenstored (through the real libxenstore), the guest files
 * (guestfs.c) and the agents. Creating and destroying domains, as the
 * toolstack does, is toolstack.c's.
 */
#include "simhost/hv_sim_int.h"

#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include <xenstore.h>

#include "agent/agent.h"
#include "simhost/guestfs.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "common/parse.h"
#include "common/xs.h"

/* ---- the balloon driver's side of xenstore ---- */

/* What a guest's balloon driver reads in memory/target was written by
 * dom0, but it is still text from elsewhere: strictly decimal, bounded. */
static void vm_take_target(struct sim_vm *vm)
{
	struct sim_dom *d = vm->d;
	unsigned int len = 0;
	char **ev, *v, key[SIM_NAME_MAX + 16];
	unsigned events = 0;
	uint64_t kb;
	enum parse_err e;

	while ((ev = xs_check_watch(vm->bxs))) {
		events++;
		free(ev);
	}
	if (!events)
		return;
	d->n.target_events += events;
	v = xs_read(vm->bxs, XBT_NULL, vm->target_path, &len);
	if (!v)
		return;     /* removed: the domain is going away */
	e = parse_u64n(v, len, PARSE_U64_MAXLEN, 0, SIM_TARGET_MAX_KB, &kb);
	if (e != PARSE_OK) {
		d->n.target_rejects++;
		snprintf(key, sizeof(key), "sim-target:%s", d->spec->name);
		log_limited(LOG_WARNING, key, "guest %s: %s = '%.24s': %s; balloon keeps target %" PRIu64,
			    d->spec->name, vm->target_path, v, parse_strerror(e),
			    d->target_kb);
	} else {
		d->target_kb = kb;
	}
	free(v);
}

/* One round trip per balloon connection: its answer comes after every
 * watch event queued for that connection before it, and libxenstore's
 * reader thread has queued those events by the time the answer is back. */
static void sync_events(struct hv_sim *s)
{
	for (size_t i = 0; i < s->host.n; i++) {
		struct sim_vm *vm = &s->vm[i];
		uint64_t n = 0;

		if (!vm->bxs)
			continue;
		/* Read before the round trip: what is queued after it is
		 * after this advance anyway. */
		if (s->domain_events) {
			n = s->domain_events(s->domain_socket_ctx, vm->d->domid);
			if (vm->events_known && n == vm->events_synced)
				continue;
		}
		free(xs_get_domain_path(vm->bxs, vm->d->domid));
		vm->events_synced = n;
		vm->events_known = s->domain_events != NULL;
	}
}

/* ---- the guests' kernels ---- */

/* The guest's workload clock: time since its start. Sets what its
 * program has committed beyond what it touched (touch_mb_s) and returns
 * the touched demand. */
static uint64_t demand_at(const struct hv_sim *s, struct sim_dom *d,
			  uint64_t now)
{
	uint64_t start = s->t0_ms + d->spec->start_ms;
	uint64_t t = now > start ? now - start : 0;
	uint64_t touched = sim_guest_demand_kb(d->spec, t);
	uint64_t committed = sim_guest_commit_kb(d->spec, t);

	d->commit_ahead_kb = committed > touched ? committed - touched : 0;
	return touched;
}

/* Let dt pass inside every running guest, ending at now. */
static void step_guests(struct hv_sim *s, uint64_t now, uint64_t dt)
{
	for (size_t i = 0; i < s->host.n; i++) {
		struct sim_dom *d = &s->host.dom[i];

		if (d->state == SIM_DOM_RUNNING)
			sim_guest_step(d, demand_at(s, d, now), dt);
		else if (s->vm[i].waiting ||
			 (d->state == SIM_DOM_FAILED &&
			  (d->spec->stop_ms == SIM_NEVER || now <= s->t0_ms + d->spec->stop_ms)))
			sim_guest_step_unstarted(d, demand_at(s, d, now), dt);
	}
}

/* The guests' files, from the figures their last step left. */
static void refresh_guests(struct hv_sim *s, uint64_t now)
{
	for (size_t i = 0; i < s->host.n; i++) {
		struct sim_vm *vm = &s->vm[i];
		struct sim_dom *d = vm->d;

		if (d->state != SIM_DOM_RUNNING)
			continue;
		if (vm->fs && sim_guestfs_write(vm->fs, &d->mem) < 0) {
			char key[SIM_NAME_MAX + 16];

			s->st.file_errors++;
			snprintf(key, sizeof(key), "sim-files:%s", d->spec->name);
			log_limited(LOG_WARNING, key, "guest %s: writing %s: %s",
				    d->spec->name, vm->fs->dir, strerror(errno));
		}
	}
}

/* paused_s: `xl pause` stops every vCPU, so the agent and the balloon
 * driver too; Xen's domain info says so (XEN_DOMINF_paused). */
static bool dom_paused(const struct hv_sim *s, const struct sim_dom *d,
		       uint64_t now)
{
	return now >= s->t0_ms + d->spec->pause_from_ms &&
	       now < s->t0_ms + d->spec->pause_to_ms;
}

static void run_agents(struct hv_sim *s, uint64_t now)
{
	for (size_t i = 0; i < s->host.n; i++) {
		struct sim_vm *vm = &s->vm[i];
		struct env_saved e;

		if (!vm->agent || vm->d->state != SIM_DOM_RUNNING ||
		    now < vm->next_sample_ms)
			continue;
		/* agent_quiet_s: hung, its report keeps its last figures. */
		if (now >= s->t0_ms + vm->d->spec->quiet_from_ms &&
		    now < s->t0_ms + vm->d->spec->quiet_to_ms)
			continue;
		if (dom_paused(s, vm->d, now))
			continue;
		/* The agent connects with xs_open(0): as this domain. */
		if (sim_env_push(&e, vm->sock) < 0)
			continue;
		agent_step(vm->agent);
		sim_env_pop(&e);
		s->st.agent_steps++;
		vm->next_sample_ms = now + agent_sleep_ms(vm->agent);
	}
}

/* ---- hv_ops ---- */

static int sim_host(struct hv *hv, struct hv_host *out)
{
	struct hv_sim *s = hv->priv;

	out->total_kb = s->host.total_kb;
	out->free_kb = sim_host_free_kb(&s->host);
	out->scrub_kb = 0;
	out->outstanding_kb = 0;
	return 0;
}

static int sim_list(struct hv *hv, struct hv_domain *out, size_t cap, size_t *n)
{
	struct hv_sim *s = hv->priv;
	size_t need = 1, k = 0;

	for (size_t i = 0; i < s->host.n; i++)
		need += s->host.dom[i].state == SIM_DOM_RUNNING;
	*n = need;
	if (need > cap) {
		errno = ENOBUFS;
		return -1;
	}
	out[k++] = (struct hv_domain){
		.domid = 0, .tot_kb = s->host.dom0_kb,
		.max_kb = s->dom0_max_kb / SIM_PAGE_KB * SIM_PAGE_KB,
	};
	for (size_t i = 0; i < s->host.n; i++) {
		const struct sim_dom *d = &s->host.dom[i];

		if (d->state != SIM_DOM_RUNNING)
			continue;
		out[k++] = (struct hv_domain){
			.domid = d->domid,
			.tot_kb = d->tot_kb,
			.max_kb = d->max_kb / SIM_PAGE_KB * SIM_PAGE_KB,
			.hvm_container = d->spec->type != HV_TYPE_PV,
			.paused = dom_paused(s, d, s->last_ms),
		};
	}
	return 0;
}

static struct sim_dom *running(struct hv_sim *s, uint32_t domid)
{
	struct sim_dom *d = sim_host_find(&s->host, domid);

	return d && d->state == SIM_DOM_RUNNING ? d : NULL;
}

/* Xen's XEN_DOMCTL_max_mem: any value, even below tot (growth then
 * stops while the domain shrinks). */
static int sim_set_maxmem(struct hv *hv, uint32_t domid, uint64_t max_kb)
{
	struct hv_sim *s = hv->priv;
	struct sim_dom *d;

	if (domid == 0) {
		s->dom0_max_kb = max_kb;
		return 0;
	}
	d = running(s, domid);
	if (!d) {
		errno = ESRCH;
		return -1;
	}
	d->max_kb = max_kb;
	return 0;
}

static int sim_maxmem(struct hv *hv, uint32_t domid, uint64_t *max_kb)
{
	struct hv_sim *s = hv->priv;
	struct sim_dom *d = domid ? running(s, domid) : NULL;

	if (domid && !d) {
		errno = ESRCH;
		return -1;
	}
	*max_kb = (domid ? d->max_kb : s->dom0_max_kb) / SIM_PAGE_KB * SIM_PAGE_KB;
	return 0;
}

/* XENMEM_set_pod_target is for HVM containers only: EINVAL for PV. */
static int sim_set_pod_target(struct hv *hv, uint32_t domid, uint64_t pages)
{
	struct hv_sim *s = hv->priv;
	struct sim_dom *d = domid ? running(s, domid) : NULL;

	if (domid && !d) {
		errno = ESRCH;
		return -1;
	}
	if (!d || d->spec->type == HV_TYPE_PV) {
		s->st.pod_refused++;
		errno = EINVAL;
		return -1;
	}
	d->pod_pages = pages;
	return 0;
}

static enum hv_dom_type sim_dom_type(struct hv *hv, uint32_t domid)
{
	struct hv_sim *s = hv->priv;
	struct sim_dom *d;

	if (domid == 0)
		return HV_TYPE_PV;
	d = running(s, domid);
	return d ? d->spec->type : HV_TYPE_UNKNOWN;
}

static void sim_advance(struct hv *hv, uint64_t now)
{
	struct hv_sim *s = hv->priv;

	if (now < s->last_ms)
		now = s->last_ms;       /* simulated time never goes back */
	if (s->sync_events)
		sync_events(s);
	/* Targets first: the arbiter wrote them at the last advance() or
	 * since, and the balloons follow them over (last, now]. */
	for (size_t i = 0; i < s->host.n; i++)
		if (s->vm[i].bxs && s->vm[i].d->state == SIM_DOM_RUNNING)
			vm_take_target(&s->vm[i]);
	/* Step from one start/stop to the next, so a domain that starts
	 * inside the interval balloons from its start on; in between, in
	 * model steps of at most SIM_MODEL_STEP_MS so that the guests feel
	 * their balloons move. */
	while (s->last_ms < now) {
		uint64_t next = sim_next_event(s, now);

		while (s->last_ms < next) {
			uint64_t dt = next - s->last_ms;

			if (dt > SIM_MODEL_STEP_MS)
				dt = SIM_MODEL_STEP_MS;
			for (size_t i = 0; i < s->host.n; i++)
				s->host.dom[i].frozen = dom_paused(s, &s->host.dom[i], s->last_ms);
			sim_host_step(&s->host, dt);
			s->last_ms += dt;
			step_guests(s, s->last_ms, dt);
		}
		sim_lifecycle(s, next);
		step_guests(s, next, 0);   /* new domains' first figures */
	}
	step_guests(s, now, 0);
	refresh_guests(s, now);
	run_agents(s, now);
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	return remove(path) < 0 ? -1 : 0;
}

static void sim_free(struct hv_sim *s)
{
	if (s->vm) {
		for (size_t i = 0; i < s->host.n; i++)
			if (s->vm[i].d->state == SIM_DOM_RUNNING)
				sim_vm_stop(s, &s->vm[i]);
		free(s->vm);
	}
	if (s->xs)
		xs_close(s->xs);
	if (s->guest_dir_tmp && s->guest_dir[0])
		nftw(s->guest_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	sim_host_free(&s->host);
	sim_scenario_free(&s->sc);
	free(s);
}

/* The host is switched off: every domain is destroyed as `xl destroy`
 * would, so the xenstored is left as a fresh one. */
static void sim_close(struct hv *hv)
{
	if (hv->priv)
		sim_free(hv->priv);
	hv->priv = NULL;
}

static const struct hv_ops sim_ops = {
	.name = "sim",
	.host = sim_host,
	.list = sim_list,
	.set_maxmem = sim_set_maxmem,
	.maxmem = sim_maxmem,
	.set_pod_target = sim_set_pod_target,
	.dom_type = sim_dom_type,
	.advance = sim_advance,
	.close = sim_close,
};

static int sim_setup(struct hv_sim *s, const struct sim_options *opt)
{
	const char *xsp = opt->xenstored_path ? opt->xenstored_path
					      : getenv("XENSTORED_PATH");
	struct cfg_file f;

	if (opt->scenario) {
		if (sim_scenario_copy(&s->sc, opt->scenario) < 0)
			return -1;
	} else if (!opt->scenario_path) {
		log_err("sim: no scenario given");
		errno = EINVAL;
		return -1;
	} else if (sim_scenario_load(opt->scenario_path, &s->sc, &f) < 0) {
		log_err("sim: scenario %s rejected: %s", opt->scenario_path,
			f.first_error);
		errno = EINVAL;
		return -1;
	}
	if (!xsp || !*xsp) {
		log_err("sim: no xenstored socket (xenstored_path or XENSTORED_PATH); the simulator never uses the host's xenstored");
		errno = EINVAL;
		return -1;
	}
	if (!opt->domain_socket && !opt->xsd_control_path) {
		log_err("sim: no way to get domain sockets (domain_socket or xsd_control_path): guests would have no xenstore");
		errno = EINVAL;
		return -1;
	}
	s->domain_socket = opt->domain_socket;
	s->domain_socket_ctx = opt->domain_socket_ctx;
	s->domain_events = opt->domain_events;
	if (opt->xsd_control_path &&
	    (size_t)snprintf(s->control_path, sizeof(s->control_path), "%s",
			     opt->xsd_control_path) >= sizeof(s->control_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	s->agents = opt->agents;
	s->sync_events = opt->sync_events;
	s->create_gate = opt->create_gate;
	s->create_gate_ctx = opt->create_gate_ctx;
	if (opt->agent_cfg)
		s->agent_cfg = *opt->agent_cfg;
	else
		agent_config_defaults(&s->agent_cfg);
	if (opt->guest_dir) {
		if ((size_t)snprintf(s->guest_dir, sizeof(s->guest_dir), "%s",
				     opt->guest_dir) >= sizeof(s->guest_dir)) {
			errno = ENAMETOOLONG;
			return -1;
		}
	} else {
		const char *tmp = getenv("TMPDIR");

		snprintf(s->guest_dir, sizeof(s->guest_dir), "%s/membal-sim-XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(s->guest_dir)) {
			log_err("sim: mkdtemp %s: %s", s->guest_dir, strerror(errno));
			s->guest_dir[0] = '\0';
			return -1;
		}
		s->guest_dir_tmp = true;
	}
	if (sim_host_init(&s->host, &s->sc) < 0)
		return -1;
	s->dom0_max_kb = s->sc.dom0_kb;
	s->vm = calloc(s->host.n ? s->host.n : 1, sizeof(*s->vm));
	if (!s->vm)
		return -1;
	for (size_t i = 0; i < s->host.n; i++)
		s->vm[i].d = &s->host.dom[i];
	s->xs = sim_open_at(xsp);
	if (!s->xs) {
		log_err("sim: cannot connect to xenstored at %s: %s", xsp,
			strerror(errno));
		return -1;
	}
	return 0;
}

int hv_sim_open(struct hv *hv, const struct sim_options *opt)
{
	struct hv_sim *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return -1;
	if (sim_setup(s, opt) < 0) {
		err = errno;
		sim_free(s);
		errno = err;
		return -1;
	}
	s->t0_ms = s->last_ms = clock_now_ms();
	log_info("sim: host of %" PRIu64 " KiB, dom0 %" PRIu64 " KiB, %zu guests, files under %s",
		 s->host.total_kb, s->host.dom0_kb, s->host.n, s->guest_dir);
	sim_lifecycle(s, s->t0_ms);
	step_guests(s, s->t0_ms, 0);
	refresh_guests(s, s->t0_ms);
	hv->ops = &sim_ops;
	hv->priv = s;
	return 0;
}

const struct sim_dom *hv_sim_domain(const struct hv *hv, uint32_t domid)
{
	struct hv_sim *s = hv->priv;

	return sim_host_find(&s->host, domid);
}

const struct sim_host *hv_sim_host(const struct hv *hv)
{
	const struct hv_sim *s = hv->priv;

	return &s->host;
}

void hv_sim_get_stats(const struct hv *hv, struct hv_sim_stats *out)
{
	const struct hv_sim *s = hv->priv;

	*out = s->st;
}

static const struct sim_vm *vm_of(const struct hv *hv, uint32_t domid)
{
	const struct hv_sim *s = hv->priv;

	for (size_t i = 0; i < s->host.n; i++)
		if (s->vm[i].d->domid == domid)
			return &s->vm[i];
	return NULL;
}

const char *hv_sim_guest_path(const struct hv *hv, uint32_t domid)
{
	const struct sim_vm *vm = vm_of(hv, domid);

	return vm && vm->fs ? vm->fs->dir : NULL;
}

const char *hv_sim_domain_socket(const struct hv *hv, uint32_t domid)
{
	const struct sim_vm *vm = vm_of(hv, domid);

	return vm && vm->sock[0] ? vm->sock : NULL;
}

static struct sim_guest_spec *spec_of(struct hv_sim *s, uint32_t domid,
				      enum sim_dom_state want, bool or_running)
{
	struct sim_dom *d = sim_host_find(&s->host, domid);

	if (!d || !(d->state == want || (or_running && d->state == SIM_DOM_RUNNING))) {
		errno = EINVAL;
		return NULL;
	}
	return &s->sc.guests[d - s->host.dom];
}

int hv_sim_respec(struct hv *hv, uint32_t domid, const struct sim_guest_spec *g)
{
	struct sim_guest_spec *spec = spec_of(hv->priv, domid, SIM_DOM_PENDING, false);

	if (!spec)
		return -1;
	*spec = *g;
	spec->domid = domid;
	return 0;
}

int hv_sim_set_stop(struct hv *hv, uint32_t domid, uint64_t stop_ms)
{
	struct sim_guest_spec *spec = spec_of(hv->priv, domid, SIM_DOM_PENDING, true);

	if (!spec)
		return -1;
	spec->stop_ms = stop_ms;
	return 0;
}
