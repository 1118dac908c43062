/*
 * The sim backend (hv_sim.h): glue between the model (sim_model.c), the
 * test xenstored (through the real libxenstore), the guest files
 * (sim_guestfs.c) and the agents.
 */
#include "simhost/hv_sim.h"

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

#define BALLOON_TOKEN "membal-sim-balloon"
#define SIM_TX_TRIES 16
/* A memory/target above this (1 PiB) is not a size: rejected. */
#define SIM_TARGET_MAX_KB (UINT64_C(1) << 40)
/* What libxl would have in store/port and store/ring-ref: there is no
 * ring here, any non-zero value does (xenstored refuses port 0). */
#define SIM_STORE_PORT 1u
#define SIM_STORE_MFN_BASE 0x100000ul

struct sim_vm {
	struct sim_dom *d;
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];  /* "" none */
	struct xs_handle *bxs;      /* the balloon driver's connection */
	char target_path[MXS_PATH_MAX];
	struct sim_guestfs *fs;
	struct agent *agent;
	uint64_t next_sample_ms;
};

struct hv_sim {
	struct sim_scenario sc;
	struct sim_host host;
	struct sim_vm *vm;          /* parallel to host.dom */
	struct xs_handle *xs;       /* dom0: the toolstack's connection */
	sim_domain_socket_fn domain_socket;
	void *domain_socket_ctx;
	char control_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char guest_dir[PATH_MAX - 256];
	bool guest_dir_tmp;
	enum sim_agents agents;
	struct agent_config agent_cfg;
	bool sync_events;
	uint64_t dom0_max_kb;
	uint64_t t0_ms, last_ms;
	struct hv_sim_stats st;
};

/* ---- XENSTORED_PATH: libxenstore reads it on every xs_open() ---- */

struct env_saved {
	char *old;
	bool had;
};

static int env_push(struct env_saved *e, const char *path)
{
	const char *o = getenv("XENSTORED_PATH");

	e->had = o != NULL;
	e->old = o ? strdup(o) : NULL;
	if (o && !e->old)
		return -1;
	return setenv("XENSTORED_PATH", path, 1);
}

static void env_pop(struct env_saved *e)
{
	if (e->had)
		setenv("XENSTORED_PATH", e->old, 1);
	else
		unsetenv("XENSTORED_PATH");
	free(e->old);
	e->old = NULL;
}

/* Socket only: never the host's /dev/xen/xenbus. */
static struct xs_handle *open_at(const char *path)
{
	struct env_saved e;
	struct xs_handle *h;
	int err;

	if (env_push(&e, path) < 0)
		return NULL;
	h = xs_open(XS_OPEN_SOCKETONLY);
	err = errno;
	env_pop(&e);
	errno = err;
	return h;
}

/* ---- domain sockets ---- */

/* membal-test-xenstored's control socket: "socket <id>" -> "OK <path>". */
static int control_socket(const char *control, uint32_t domid, char *out,
			  size_t size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 5 };
	char line[64 + sizeof(sa.sun_path)];
	size_t used = 0;
	int fd, n, err = EPROTO;

	if (strlen(control) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, control, strlen(control) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	n = snprintf(line, sizeof(line), "socket %u\n", domid);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, line, (size_t)n, MSG_NOSIGNAL) != n) {
		err = errno;
		goto out;
	}
	while (used < sizeof(line) - 1) {
		ssize_t r = recv(fd, line + used, sizeof(line) - 1 - used, 0);

		if (r <= 0) {
			err = r < 0 ? errno : EPROTO;
			goto out;
		}
		used += (size_t)r;
		if (memchr(line, '\n', used))
			break;
	}
	line[used] = '\0';
	if (strncmp(line, "OK ", 3) != 0 || !strchr(line, '\n') ||
	    strcspn(line + 3, "\n") >= size || strcspn(line + 3, "\n") == 0) {
		log_warn("%s: 'socket %u' answered '%.*s'", control, domid,
			 (int)strcspn(line, "\n"), line);
		goto out;
	}
	snprintf(out, size, "%.*s", (int)strcspn(line + 3, "\n"), line + 3);
	close(fd);
	return 0;
out:
	close(fd);
	errno = err;
	return -1;
}

static bool vm_get_socket(struct hv_sim *s, struct sim_vm *vm)
{
	const char *p = NULL;

	vm->sock[0] = '\0';
	if (s->domain_socket) {
		p = s->domain_socket(s->domain_socket_ctx, vm->d->domid);
		if (p && strlen(p) < sizeof(vm->sock))
			snprintf(vm->sock, sizeof(vm->sock), "%s", p);
	} else if (s->control_path[0] &&
		   control_socket(s->control_path, vm->d->domid, vm->sock,
				  sizeof(vm->sock)) < 0) {
		log_warn("guest %s: no socket for domain %u from %s: %s",
			 vm->d->spec->name, vm->d->domid, s->control_path,
			 strerror(errno));
		vm->sock[0] = '\0';
	}
	return vm->sock[0] != '\0';
}

/* ---- what libxl writes ---- */

struct xs_path {
	char home[MXS_PATH_MAX], vm[MXS_PATH_MAX], lib[MXS_PATH_MAX];
	char uuid[40];
};

static void paths_for(uint32_t domid, struct xs_path *p)
{
	mxs_domain_path(p->home, sizeof(p->home), domid, NULL);
	/* A deterministic uuid per domid: /vm/<uuid> only has to be unique. */
	snprintf(p->uuid, sizeof(p->uuid), "00000000-0000-0000-0000-%012x", domid);
	snprintf(p->vm, sizeof(p->vm), "/vm/%s", p->uuid);
	snprintf(p->lib, sizeof(p->lib), "/libxl/%u", domid);
}

static bool put(struct xs_handle *h, xs_transaction_t t, const char *dir,
		const char *rel, const char *value)
{
	char path[MXS_PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s%s%s", dir, rel ? "/" : "",
			     rel ? rel : "") >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return false;
	}
	return xs_write(h, t, path, value, (unsigned)strlen(value));
}

/* libxl__xs_mknod: an empty node with these permissions. */
static bool mknod_perm(struct xs_handle *h, xs_transaction_t t, const char *dir,
		       const char *rel, struct xs_permissions *perms,
		       unsigned n)
{
	char path[MXS_PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s%s%s", dir, rel ? "/" : "",
			     rel ? rel : "") >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return false;
	}
	return xs_write(h, t, path, "", 0) &&
	       xs_set_permissions(h, t, path, perms, n);
}

/* libxl__domain_make (libxl_create.c), the xenstore part: the home
 * readable by the domain, writable subtrees owned by it. */
static int libxl_make_body(struct xs_handle *h, xs_transaction_t t, void *arg)
{
	const struct sim_dom *d = arg;
	const bool hvm = d->spec->type == HV_TYPE_HVM;
	struct xs_permissions noperm[1] = { { 0, XS_PERM_NONE } };
	struct xs_permissions roperm[2] = { { 0, XS_PERM_NONE },
					    { d->domid, XS_PERM_READ } };
	struct xs_permissions rwperm[1] = { { d->domid, XS_PERM_NONE } };
	static const char *const rw_control[] = {
		"control/shutdown", "control/feature-poweroff",
		"control/feature-reboot", "control/feature-suspend",
	};
	static const char *const rw_home[] = {
		"data", "drivers", "feature", "attr", "error",
	};
	struct xs_path p;
	bool ok = true;

	paths_for(d->domid, &p);
	xs_rm(h, t, p.home);        /* absent is fine */
	ok = ok && mknod_perm(h, t, p.home, NULL, roperm, 2);
	xs_rm(h, t, p.vm);
	ok = ok && mknod_perm(h, t, p.vm, NULL, roperm, 2);
	xs_rm(h, t, p.lib);
	ok = ok && mknod_perm(h, t, p.lib, NULL, noperm, 1);
	ok = ok && mknod_perm(h, t, p.lib, "device", noperm, 1);
	ok = ok && put(h, t, p.home, "vm", p.vm);
	/* libxl__domain_rename */
	ok = ok && put(h, t, p.home, "name", d->spec->name);
	ok = ok && put(h, t, p.vm, "name", d->spec->name);
	ok = ok && mknod_perm(h, t, p.home, "cpu", roperm, 2);
	ok = ok && mknod_perm(h, t, p.home, "memory", roperm, 2);
	ok = ok && mknod_perm(h, t, p.home, "device", roperm, 2);
	ok = ok && mknod_perm(h, t, p.home, "device/suspend/event-channel", rwperm, 1);
	ok = ok && mknod_perm(h, t, p.home, "control", roperm, 2);
	if (hvm)
		ok = ok && mknod_perm(h, t, p.home, "hvmloader", roperm, 2);
	for (size_t i = 0; i < sizeof(rw_control) / sizeof(rw_control[0]); i++)
		ok = ok && mknod_perm(h, t, p.home, rw_control[i], rwperm, 1);
	if (hvm) {
		ok = ok && mknod_perm(h, t, p.home, "control/feature-s3", rwperm, 1);
		ok = ok && mknod_perm(h, t, p.home, "control/feature-s4", rwperm, 1);
	}
	ok = ok && mknod_perm(h, t, p.home, "control/sysrq", rwperm, 1);
	for (size_t i = 0; i < sizeof(rw_home) / sizeof(rw_home[0]); i++)
		ok = ok && mknod_perm(h, t, p.home, rw_home[i], rwperm, 1);
	ok = ok && put(h, t, p.vm, "uuid", p.uuid);
	ok = ok && put(h, t, p.home, "control/platform-feature-multiprocessor-suspend", "1");
	ok = ok && put(h, t, p.home, "control/platform-feature-xs_reset_watches", "1");
	ok = ok && put(h, t, p.lib, "type", sim_type_name(d->spec->type));
	return ok ? 0 : -1;
}

/* libxl__build_post (libxl_dom.c): the memory keys and the store ring;
 * new nodes inherit memory/'s and the home's permissions. */
static int libxl_post_body(struct xs_handle *h, xs_transaction_t t, void *arg)
{
	const struct sim_dom *d = arg;
	char home[MXS_PATH_MAX], v[24];
	bool ok = true;

	mxs_domain_path(home, sizeof(home), d->domid, NULL);
	snprintf(v, sizeof(v), "%" PRIu64, d->spec->static_max_kb);
	ok = ok && put(h, t, home, "memory/static-max", v);
	snprintf(v, sizeof(v), "%" PRIu64, sim_dom_initial_target_kb(d->spec));
	ok = ok && put(h, t, home, "memory/target", v);
	snprintf(v, sizeof(v), "%" PRIu64, d->spec->videoram_kb);
	ok = ok && put(h, t, home, "memory/videoram", v);
	snprintf(v, sizeof(v), "%u", d->domid);
	ok = ok && put(h, t, home, "domid", v);
	snprintf(v, sizeof(v), "%u", SIM_STORE_PORT);
	ok = ok && put(h, t, home, "store/port", v);
	snprintf(v, sizeof(v), "%lu", SIM_STORE_MFN_BASE + d->domid);
	ok = ok && put(h, t, home, "store/ring-ref", v);
	ok = ok && put(h, t, home, "cpu/0/availability", "online");
	return ok ? 0 : -1;
}

/* libxl's devices_destroy_cb order: /vm/<uuid>, the home, /libxl/<id>. */
static void libxl_remove_paths(struct xs_handle *h, uint32_t domid)
{
	struct xs_path p;

	paths_for(domid, &p);
	xs_rm(h, XBT_NULL, p.vm);
	xs_rm(h, XBT_NULL, p.home);
	xs_rm(h, XBT_NULL, p.lib);
}

/* ---- domains coming and going ---- */

static bool copy_path(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size)
		return false;
	memcpy(dst, src, len + 1);
	return true;
}

static void vm_agent_start(struct hv_sim *s, struct sim_vm *vm, uint64_t now)
{
	struct agent_config c = s->agent_cfg;

	if (!copy_path(c.meminfo_path, sizeof(c.meminfo_path), vm->fs->meminfo) ||
	    !copy_path(c.vmstat_path, sizeof(c.vmstat_path), vm->fs->vmstat) ||
	    !copy_path(c.psi_path, sizeof(c.psi_path), vm->fs->psi) ||
	    !copy_path(c.sysfs_root, sizeof(c.sysfs_root), vm->fs->sysfs_root)) {
		log_warn("guest %s: path of its files too long for the agent; no agent",
			 vm->d->spec->name);
		return;
	}
	vm->agent = calloc(1, sizeof(*vm->agent));
	if (!vm->agent) {
		log_warn("guest %s: out of memory; no agent", vm->d->spec->name);
		return;
	}
	agent_init(vm->agent, &c, vm->d->domid);
	vm->next_sample_ms = now;
}

static void vm_stop(struct hv_sim *s, struct sim_vm *vm)
{
	struct sim_dom *d = vm->d;

	if (vm->agent) {
		agent_close(vm->agent);
		free(vm->agent);
		vm->agent = NULL;
	}
	if (vm->bxs) {
		xs_close(vm->bxs);
		vm->bxs = NULL;
	}
	libxl_remove_paths(s->xs, d->domid);
	sim_dom_destroy(d);
	if (!xs_release_domain(s->xs, d->domid))
		log_warn("guest %s: xs_release_domain(%u): %s", d->spec->name,
			 d->domid, strerror(errno));
	if (vm->fs) {
		sim_guestfs_remove(vm->fs);
		free(vm->fs);
		vm->fs = NULL;
	}
	vm->sock[0] = '\0';    /* xenstored closed it */
	s->st.stops++;
	log_info("guest %s (domain %u) destroyed; host free %" PRIu64 " KiB",
		 d->spec->name, d->domid, sim_host_free_kb(&s->host));
}

static void vm_start(struct hv_sim *s, struct sim_vm *vm, uint64_t now)
{
	struct sim_dom *d = vm->d;
	const char *name = d->spec->name;

	if (sim_dom_create(&s->host, d) < 0) {
		s->st.start_failures++;
		log_warn("guest %s (domain %u) not started: it needs %" PRIu64
			 " KiB, the host has %" PRIu64 " KiB free",
			 name, d->domid, d->spec->memory_kb, sim_host_free_kb(&s->host));
		return;
	}
	/* The hypervisor has the domain now: xenstored must know it before
	 * permissions name it. */
	if (!vm_get_socket(s, vm))
		log_warn("guest %s (domain %u): no domain socket; its balloon and agent have no xenstore",
			 name, d->domid);
	if (mxs_transact(s->xs, SIM_TX_TRIES, libxl_make_body, d, NULL) < 0 ||
	    mxs_transact(s->xs, SIM_TX_TRIES, libxl_post_body, d, NULL) < 0 ||
	    !xs_introduce_domain(s->xs, d->domid, SIM_STORE_MFN_BASE + d->domid,
				 SIM_STORE_PORT)) {
		log_err("guest %s (domain %u) not started: xenstore: %s", name,
			d->domid, strerror(errno));
		libxl_remove_paths(s->xs, d->domid);
		sim_dom_destroy(d);
		d->state = SIM_DOM_FAILED;
		s->st.start_failures++;
		return;
	}
	mxs_domain_path(vm->target_path, sizeof(vm->target_path), d->domid,
			"memory/target");
	if (vm->sock[0]) {
		/* The balloon driver's xenbus watch, as the guest. */
		vm->bxs = open_at(vm->sock);
		if (!vm->bxs || !xs_watch(vm->bxs, vm->target_path, BALLOON_TOKEN)) {
			log_warn("guest %s: balloon watch on %s: %s; it keeps its boot target",
				 name, vm->target_path, strerror(errno));
			if (vm->bxs)
				xs_close(vm->bxs);
			vm->bxs = NULL;
		}
	}
	vm->fs = calloc(1, sizeof(*vm->fs));
	if (!vm->fs || sim_guestfs_init(vm->fs, s->guest_dir, name) < 0) {
		log_warn("guest %s: cannot create its files under %s: %s",
			 name, s->guest_dir, strerror(errno));
		s->st.file_errors++;
		free(vm->fs);
		vm->fs = NULL;
	}
	if (s->agents == SIM_AGENTS_INPROCESS && d->spec->agent && vm->fs &&
	    vm->sock[0])
		vm_agent_start(s, vm, now);
	s->st.starts++;
	log_info("guest %s (domain %u, %s) started with %" PRIu64 " KiB, target %"
		 PRIu64 ", static-max %" PRIu64 "; host free %" PRIu64 " KiB",
		 name, d->domid, sim_type_name(d->spec->type), d->tot_kb,
		 d->target_kb, d->spec->static_max_kb, sim_host_free_kb(&s->host));
}

/* Start and stop whatever is due at or before now: stops first, so that
 * a domain created at the same moment can have the memory. */
static void lifecycle(struct hv_sim *s, uint64_t now)
{
	for (size_t i = 0; i < s->host.n; i++) {
		const struct sim_guest_spec *g = s->vm[i].d->spec;

		if (s->vm[i].d->state == SIM_DOM_RUNNING && g->stop_ms != SIM_NEVER &&
		    s->t0_ms + g->stop_ms <= now)
			vm_stop(s, &s->vm[i]);
	}
	for (size_t i = 0; i < s->host.n; i++) {
		const struct sim_guest_spec *g = s->vm[i].d->spec;

		if (s->vm[i].d->state == SIM_DOM_PENDING && s->t0_ms + g->start_ms <= now)
			vm_start(s, &s->vm[i], now);
	}
}

/* The next start or stop after s->last_ms, or until if none comes first. */
static uint64_t next_event(const struct hv_sim *s, uint64_t until)
{
	uint64_t next = until;

	for (size_t i = 0; i < s->host.n; i++) {
		const struct sim_dom *d = &s->host.dom[i];
		uint64_t at;

		if (d->state == SIM_DOM_PENDING)
			at = s->t0_ms + d->spec->start_ms;
		else if (d->state == SIM_DOM_RUNNING && d->spec->stop_ms != SIM_NEVER)
			at = s->t0_ms + d->spec->stop_ms;
		else
			continue;
		if (at > s->last_ms && at < next)
			next = at;
	}
	return next;
}

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
	for (size_t i = 0; i < s->host.n; i++)
		if (s->vm[i].bxs)
			free(xs_get_domain_path(s->vm[i].bxs, s->vm[i].d->domid));
}

/* ---- the guests' kernels ---- */

/* The guest's workload clock: time since its start. */
static uint64_t demand_at(const struct hv_sim *s, const struct sim_dom *d,
			  uint64_t now)
{
	uint64_t start = s->t0_ms + d->spec->start_ms;

	return sim_guest_demand_kb(d->spec, now > start ? now - start : 0);
}

/* Let dt pass inside every running guest, ending at now. */
static void step_guests(struct hv_sim *s, uint64_t now, uint64_t dt)
{
	for (size_t i = 0; i < s->host.n; i++) {
		struct sim_dom *d = &s->host.dom[i];

		if (d->state == SIM_DOM_RUNNING)
			sim_guest_step(d, demand_at(s, d, now), dt);
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

static void run_agents(struct hv_sim *s, uint64_t now)
{
	for (size_t i = 0; i < s->host.n; i++) {
		struct sim_vm *vm = &s->vm[i];
		struct env_saved e;

		if (!vm->agent || vm->d->state != SIM_DOM_RUNNING ||
		    now < vm->next_sample_ms)
			continue;
		/* The agent connects with xs_open(0): as this domain. */
		if (env_push(&e, vm->sock) < 0)
			continue;
		agent_step(vm->agent);
		env_pop(&e);
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
		uint64_t next = next_event(s, now);

		while (s->last_ms < next) {
			uint64_t dt = next - s->last_ms;

			if (dt > SIM_MODEL_STEP_MS)
				dt = SIM_MODEL_STEP_MS;
			sim_host_step(&s->host, dt);
			s->last_ms += dt;
			step_guests(s, s->last_ms, dt);
		}
		lifecycle(s, next);
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
				vm_stop(s, &s->vm[i]);
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
	if (opt->xsd_control_path &&
	    (size_t)snprintf(s->control_path, sizeof(s->control_path), "%s",
			     opt->xsd_control_path) >= sizeof(s->control_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	s->agents = opt->agents;
	s->sync_events = opt->sync_events;
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
	s->xs = open_at(xsp);
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
	lifecycle(s, s->t0_ms);
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
