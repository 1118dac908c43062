/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The toolstack of the simulated host: what libxl and xenstored do when a
 * domain is created or destroyed (its xenstore layout, its domain socket,
 * its balloon driver's watch, its guest files and in-process agent).
 */
#include "simhost/hv_sim_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xenstore.h>

#include "common/log.h"

/* ---- XENSTORED_PATH: libxenstore reads it on every xs_open() ---- */

int sim_env_push(struct env_saved *e, const char *path)
{
	const char *o = getenv("XENSTORED_PATH");

	e->had = o != NULL;
	e->old = o ? strdup(o) : NULL;
	if (o && !e->old)
		return -1;
	return setenv("XENSTORED_PATH", path, 1);
}

void sim_env_pop(struct env_saved *e)
{
	if (e->had)
		setenv("XENSTORED_PATH", e->old, 1);
	else
		unsetenv("XENSTORED_PATH");
	free(e->old);
	e->old = NULL;
}

/* Socket only: never the host's /dev/xen/xenbus. */
struct xs_handle *sim_open_at(const char *path)
{
	struct env_saved e;
	struct xs_handle *h;
	int err;

	if (sim_env_push(&e, path) < 0)
		return NULL;
	h = xs_open(XS_OPEN_SOCKETONLY);
	err = errno;
	sim_env_pop(&e);
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
	    !copy_path(c.sysfs_root, sizeof(c.sysfs_root), vm->fs->sysfs_root) ||
	    !copy_path(c.swaps_path, sizeof(c.swaps_path), vm->fs->swaps)) {
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

void sim_vm_stop(struct hv_sim *s, struct sim_vm *vm)
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
	struct sim_dom_metrics waited = d->m;
	bool was_waiting = vm->waiting;

	vm->waiting = false;
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
	/* What it lacked while the tooling waited stays counted. */
	if (was_waiting)
		d->m = waited;
	mxs_domain_path(vm->target_path, sizeof(vm->target_path), d->domid,
			"memory/target");
	if (vm->sock[0]) {
		/* The balloon driver's xenbus watch, as the guest. */
		vm->bxs = sim_open_at(vm->sock);
		vm->events_known = false;
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

/* `xl create`, or first whatever create_gate stands for (hv_sim.h): a
 * domain due while the host runs waits for its answer, and one whose
 * stop_s comes first never starts. */
static void vm_create(struct hv_sim *s, struct sim_vm *vm, uint64_t now)
{
	struct sim_dom *d = vm->d;
	const struct sim_guest_spec *g = d->spec;
	bool gone = g->stop_ms != SIM_NEVER && s->t0_ms + g->stop_ms <= now;
	enum sim_create c = SIM_CREATE_NOW;

	if (s->create_gate && g->start_ms > 0)
		c = s->create_gate(s->create_gate_ctx, d, now, gone);
	if (c == SIM_CREATE_NOW && !gone) {
		vm_start(s, vm, now);
		return;
	}
	if (c == SIM_CREATE_WAIT && !gone) {
		vm->waiting = true;
		return;
	}
	vm->waiting = false;
	d->state = SIM_DOM_FAILED;
	s->st.start_failures++;
	log_warn("guest %s (domain %u) not started: %s", g->name, d->domid,
		 gone ? "its stop came while the toolstack waited for room"
		      : "the toolstack gave up waiting for room");
}

/* An administrator changes a running domain's maximum (static_max_at):
 * memory/static-max, which `xl mem-set` checks targets against and the
 * arbiter reads as the domain's largest size, and Xen's maxmem with
 * libxl's 1 MiB above it (libxl_domain_setmaxmem). Xen takes a maxmem
 * below tot_pages: the domain keeps what it has, cannot grow, and
 * ratchets down as it balloons (sim_host_step refuses the growth). Since
 * Xen 4.2 `xl mem-max` itself refuses a maximum below memory/target and
 * leaves static-max alone; a tool that lowers a guest's maximum for good
 * writes both, and the sim models that, the harder case for membal. */
static void vm_mem_max(struct hv_sim *s, struct sim_vm *vm, uint64_t now)
{
	const struct sim_guest_spec *g = vm->d->spec;

	while (vm->max_ev_next < g->n_max_ev &&
	       s->t0_ms + g->max_ev[vm->max_ev_next].at_ms <= now) {
		const struct sim_max_event *e = &g->max_ev[vm->max_ev_next++];
		struct sim_dom *d = vm->d;
		char home[MXS_PATH_MAX], v[24];

		if (d->state != SIM_DOM_RUNNING) {
			s->st.mem_max_missed++;
			log_warn("toolstack: xl mem-max %s %" PRIu64 " KiB at %" PRIu64
				 " s: the domain is not running", g->name, e->max_kb,
				 e->at_ms / 1000);
			continue;
		}
		mxs_domain_path(home, sizeof(home), d->domid, NULL);
		snprintf(v, sizeof(v), "%" PRIu64, e->max_kb);
		if (!put(s->xs, XBT_NULL, home, "memory/static-max", v))
			log_warn("toolstack: %s: memory/static-max: %s", g->name,
				 strerror(errno));
		d->max_kb = e->max_kb + SIM_MAXMEM_SLACK_KB;
		s->st.mem_max++;
		log_info("toolstack: xl mem-max %s %" PRIu64 " KiB: maxmem %" PRIu64
			 ", target %" PRIu64 ", tot %" PRIu64 " KiB", g->name,
			 e->max_kb, d->max_kb, d->target_kb, d->tot_kb);
	}
}

/* Xen's maxmem alone changes (maxmem_at): `xl mem-max` of Xen 4.2 to
 * 4.16 (libxl_domain_setmaxmem before 4.17 wrote no static-max), libvirt's
 * setmaxmem, or anything calling xc_domain_setmaxmem. libxl adds its arch
 * extra (1 MiB) and no videoram; Xen keeps the value even below tot and
 * refuses the balloon's pages above it (sim_host_step). The sim does not
 * refuse a value below memory/target as xl does: a raw caller may set it,
 * and a target above the cap is the harder case for membal. */
static void vm_maxmem(struct hv_sim *s, struct sim_vm *vm, uint64_t now)
{
	const struct sim_guest_spec *g = vm->d->spec;

	while (vm->mm_ev_next < g->n_mm_ev &&
	       s->t0_ms + g->mm_ev[vm->mm_ev_next].at_ms <= now) {
		const struct sim_max_event *e = &g->mm_ev[vm->mm_ev_next++];
		struct sim_dom *d = vm->d;

		if (d->state != SIM_DOM_RUNNING) {
			s->st.mem_max_missed++;
			log_warn("toolstack: maxmem of %s to %" PRIu64 " KiB at %" PRIu64
				 " s: the domain is not running", g->name, e->max_kb,
				 e->at_ms / 1000);
			continue;
		}
		d->max_kb = e->max_kb + SIM_MAXMEM_SLACK_KB;
		s->st.maxmem_set++;
		log_info("toolstack: maxmem of %s set to %" PRIu64 " KiB (xl mem-max %"
			 PRIu64 " KiB of Xen 4.16): target %" PRIu64 ", tot %" PRIu64 " KiB",
			 g->name, d->max_kb, e->max_kb, d->target_kb, d->tot_kb);
	}
}

/* Stops first, so that a domain created at the same moment can have the
 * memory. */
void sim_lifecycle(struct hv_sim *s, uint64_t now)
{
	for (size_t i = 0; i < s->host.n; i++) {
		const struct sim_guest_spec *g = s->vm[i].d->spec;

		if (s->vm[i].d->state == SIM_DOM_RUNNING && g->stop_ms != SIM_NEVER &&
		    s->t0_ms + g->stop_ms <= now)
			sim_vm_stop(s, &s->vm[i]);
	}
	for (size_t i = 0; i < s->host.n; i++) {
		vm_mem_max(s, &s->vm[i], now);
		vm_maxmem(s, &s->vm[i], now);
	}
	for (size_t i = 0; i < s->host.n; i++) {
		struct sim_vm *vm = &s->vm[i];
		const struct sim_guest_spec *g = vm->d->spec;

		if (vm->d->state == SIM_DOM_PENDING && s->t0_ms + g->start_ms <= now)
			vm_create(s, vm, now);
	}
}

uint64_t sim_next_event(const struct hv_sim *s, uint64_t until)
{
	uint64_t next = until;

	for (size_t i = 0; i < s->host.n; i++) {
		const struct sim_dom *d = &s->host.dom[i];
		uint64_t at;

		unsigned k = s->vm[i].max_ev_next;

		if (d->state == SIM_DOM_RUNNING && k < d->spec->n_max_ev &&
		    s->t0_ms + d->spec->max_ev[k].at_ms > s->last_ms &&
		    s->t0_ms + d->spec->max_ev[k].at_ms < next)
			next = s->t0_ms + d->spec->max_ev[k].at_ms;
		k = s->vm[i].mm_ev_next;
		if (d->state == SIM_DOM_RUNNING && k < d->spec->n_mm_ev &&
		    s->t0_ms + d->spec->mm_ev[k].at_ms > s->last_ms &&
		    s->t0_ms + d->spec->mm_ev[k].at_ms < next)
			next = s->t0_ms + d->spec->mm_ev[k].at_ms;
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

