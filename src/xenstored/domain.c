/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains of the test xenstored (TEST INFRASTRUCTURE, see xsd.h).
 *
 * There is no hypervisor: a domain "exists" from xsd_introduce_domain (or
 * a wire INTRODUCE, or while it has a socket) until its release. What
 * xenstored keeps per domain is kept here: the nodes it owns (its node
 * quota), its watches, a SET_TARGET, and the special @introduceDomain /
 * @releaseDomain permissions. Introducing writes what libxl writes for a
 * new PV domain (libxl__domain_make + libxl__build_post, Xen 4.17);
 * releasing does what `xl destroy` leads to (libxl removes the paths, then
 * xenstored's destroy_domain()).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored/xsd_int.h"

struct domain *domain_find(struct xsd *x, unsigned domid)
{
	struct domain *d = x->domains;

	if (domid < MEMBAL_DOMID_LIMIT)
		return x->dom_index ? x->dom_index[domid] : NULL;
	while (d && d->domid != domid)
		d = d->next;
	return d;
}

struct domain *domain_get(struct xsd *x, unsigned domid)
{
	struct domain *d = domain_find(x, domid);

	if (!d) {
		d = xsd_alloc(sizeof(*d));
		d->domid = domid;
		d->target = -1;
		d->next = x->domains;
		x->domains = d;
		if (domid < MEMBAL_DOMID_LIMIT) {
			if (!x->dom_index)
				x->dom_index = xsd_alloc(MEMBAL_DOMID_LIMIT *
							 sizeof(*x->dom_index));
			x->dom_index[domid] = d;
		}
	}
	return d;
}

bool domain_exists(struct xsd *x, unsigned domid)
{
	const struct domain *d = domain_find(x, domid);

	return domid == 0 || (d && (d->exists || d->introduced)) ||
	       listener_find(x, domid);
}

void domain_account(struct xsd *x, unsigned owner, int delta)
{
	struct domain *d = domain_get(x, owner);

	d->nbentry += delta;
	if (d->nbentry < 0)
		d->nbentry = 0;
}

int domain_nbentry(struct xsd *x, unsigned domid)
{
	const struct domain *d = domain_find(x, domid);

	return d ? d->nbentry : 0;
}

char *domain_home(unsigned domid)
{
	return xsd_printf("/local/domain/%u", domid);
}

static void domain_free(struct xsd *x, struct domain *d)
{
	if (d->domid < MEMBAL_DOMID_LIMIT && x->dom_index)
		x->dom_index[d->domid] = NULL;
	for (struct domain **pp = &x->domains; *pp; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	free(d);
}

void domain_clear_all(struct xsd *x)
{
	while (x->domains) {
		struct domain *d = x->domains;

		x->domains = d->next;
		if (d->domid < MEMBAL_DOMID_LIMIT && x->dom_index)
			x->dom_index[d->domid] = NULL;
		free(d);
	}
}

static struct xsd_perm **special_slot(struct xsd *x, const char *name,
				      unsigned **num)
{
	if (!strcmp(name, "@releaseDomain")) {
		*num = &x->n_release_perms;
		return &x->release_perms;
	}
	if (!strcmp(name, "@introduceDomain")) {
		*num = &x->n_introduce_perms;
		return &x->introduce_perms;
	}
	return NULL;
}

void special_perms_reset(struct xsd *x)
{
	static const struct xsd_perm n0 = { 0, XSD_PERM_NONE };

	free(x->introduce_perms);
	free(x->release_perms);
	x->introduce_perms = xsd_memdup(&n0, sizeof(n0));
	x->release_perms = xsd_memdup(&n0, sizeof(n0));
	x->n_introduce_perms = x->n_release_perms = 1;
}

int domain_set_special_perms(struct view *v, const char *name,
			     const struct xsd_perm *p, unsigned num)
{
	const unsigned need = XSD_PERM_WRITE | XSD_PERM_OWNER;
	unsigned *cur_num;
	struct xsd_perm **cur = special_slot(v->x, name, &cur_num);

	if (!cur)
		return EINVAL;
	if ((perm_for_conn(v->x, v->conn, *cur, *cur_num) & need) != need)
		return EACCES;
	free(*cur);
	*cur = xsd_memdup(p, num * sizeof(*p));
	*cur_num = num;
	return 0;
}

bool domain_special_readable(struct xsd *x, const struct conn *c,
			     const char *name)
{
	unsigned *num;
	struct xsd_perm **p = special_slot(x, name, &num);

	return p && (perm_for_conn(x, c, *p, *num) & XSD_PERM_READ);
}

/* xenstored's remove_domid_from_perm() for the special nodes. */
static void special_forget(struct xsd_perm *p, unsigned *num, unsigned domid)
{
	unsigned n = 1;

	if (p[0].id == domid)
		p[0].id = 0;
	for (unsigned i = 1; i < *num; i++)
		if (p[i].id != domid)
			p[n++] = p[i];
	*num = n;
}

/* Collect the subtrees owned by domid (not descending into them) and mark
 * its entries in every other node ignored, as xenstored does lazily for
 * permissions naming a domain that no longer exists. */
static void collect_owned(struct xsd *x, const char *path, unsigned domid,
			  char ***list, size_t *n)
{
	struct node *nd = store_get(&x->store, path);

	if (!nd)
		return;
	if (strcmp(path, "/") && nd->perms[0].id == domid) {
		*list = xsd_realloc(*list, (*n + 1) * sizeof(**list));
		(*list)[(*n)++] = xsd_strdup(path);
		return;
	}
	for (unsigned i = 1; i < nd->nperms; i++)
		if (nd->perms[i].id == domid)
			nd->perms[i].perms |= XSD_PERM_IGNORE;
	for (unsigned off = 0; off < nd->childlen;
	     off += (unsigned)strlen(nd->children + off) + 1) {
		char *cp = path_child(path, nd->children + off);

		collect_owned(x, cp, domid, list, n);
		free(cp);
	}
}

/* xenstored's destroy_domain(): connection gone, owned nodes deleted
 * (watches fire for them), @releaseDomain. */
static void domain_gone(struct xsd *x, struct domain *d)
{
	struct view v = { .x = x, .conn = NULL, .tx = NULL };
	unsigned domid = d->domid;
	struct listener *l;
	char **owned = NULL;
	size_t n = 0;

	conn_drop_domain(x, domid);
	collect_owned(x, "/", domid, &owned, &n);
	for (size_t i = 0; i < n; i++) {
		op_rm(&v, owned[i]);
		free(owned[i]);
	}
	free(owned);
	special_forget(x->introduce_perms, &x->n_introduce_perms, domid);
	special_forget(x->release_perms, &x->n_release_perms, domid);
	l = listener_find(x, domid);
	if (l)
		listener_close(x, l);
	domain_free(x, d);
	fire_special(x, "@releaseDomain");
}

int domain_introduce_wire(struct xsd *x, unsigned domid)
{
	struct domain *d;

	if (domid == 0)
		return 0;     /* dom0 is introduced from the start */
	if (domid >= MEMBAL_DOMID_LIMIT)
		return EINVAL;
	d = domain_get(x, domid);
	if (d->introduced) {
		/* xenstored's domain_conn_reset(). */
		for (struct conn *c = x->conns; c; c = c->next)
			if (!c->dead && c->domid == domid) {
				watch_free_all(c);
				txn_free_all(c);
			}
		return 0;
	}
	d->exists = d->introduced = true;
	fire_special(x, "@introduceDomain");
	return 0;
}

int domain_release_wire(struct xsd *x, unsigned domid)
{
	struct domain *d = domain_find(x, domid);

	if (!domid)
		return EINVAL;
	if (!d || !d->introduced)
		return ENOENT;
	domain_gone(x, d);
	return 0;
}

static void mknod(struct view *v, const char *path, const struct xsd_perm *p,
		  unsigned num)
{
	op_write(v, path, "", 0);
	op_set_perms(v, path, p, num);
}

static void put(struct view *v, const char *home, const char *key,
		const char *value)
{
	char *path = xsd_printf("%s/%s", home, key);

	op_write(v, path, value, (unsigned)strlen(value));
	free(path);
}

static char *vm_path(unsigned domid)
{
	return xsd_printf("/vm/00000000-0000-0000-0000-%012x", domid);
}

int domain_introduce(struct xsd *x, unsigned domid, const char *name,
		     uint64_t target_kb, uint64_t static_max_kb)
{
	const struct xsd_perm noperm[] = { { 0, XSD_PERM_NONE } };
	const struct xsd_perm roperm[] = { { 0, XSD_PERM_NONE },
					   { domid, XSD_PERM_READ } };
	const struct xsd_perm rwperm[] = { { domid, XSD_PERM_NONE } };
	static const char *const ro[] = { "cpu", "memory", "device", "control" };
	static const char *const rw[] = {
		"device/suspend/event-channel", "control/shutdown",
		"control/feature-poweroff", "control/feature-reboot",
		"control/feature-suspend", "control/sysrq",
		"data", "drivers", "feature", "attr", "error",
	};
	struct view v = { .x = x, .conn = NULL, .tx = NULL };
	char *home, *vm, *lib, *path, num[24];
	struct domain *d;

	if (domid == 0 || domid >= MEMBAL_DOMID_LIMIT || !name)
		return EINVAL;
	d = domain_get(x, domid);
	if (d->introduced)
		return EEXIST;
	d->exists = true;

	home = domain_home(domid);
	vm = vm_path(domid);
	lib = xsd_printf("/libxl/%u", domid);
	op_rm(&v, home);
	mknod(&v, home, roperm, 2);
	op_rm(&v, vm);
	mknod(&v, vm, roperm, 2);
	op_rm(&v, lib);
	mknod(&v, lib, noperm, 1);
	path = xsd_printf("%s/device", lib);
	mknod(&v, path, noperm, 1);
	free(path);
	put(&v, home, "vm", vm);
	put(&v, home, "name", name);
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		path = xsd_printf("%s/%s", home, ro[i]);
		mknod(&v, path, roperm, 2);
		free(path);
	}
	for (size_t i = 0; i < sizeof(rw) / sizeof(rw[0]); i++) {
		path = xsd_printf("%s/%s", home, rw[i]);
		mknod(&v, path, rwperm, 1);
		free(path);
	}
	put(&v, vm, "uuid", vm + strlen("/vm/"));
	put(&v, vm, "name", name);
	put(&v, lib, "type", "pv");

	/* libxl__build_post(); PV: no videoram, no target fudge. */
	snprintf(num, sizeof(num), "%" PRIu64, static_max_kb);
	put(&v, home, "memory/static-max", num);
	snprintf(num, sizeof(num), "%" PRIu64, target_kb);
	put(&v, home, "memory/target", num);
	put(&v, home, "memory/videoram", "0");
	snprintf(num, sizeof(num), "%u", domid);
	put(&v, home, "domid", num);
	put(&v, home, "store/port", "1");
	put(&v, home, "store/ring-ref", "0");
	put(&v, home, "cpu/0/availability", "online");
	free(home);
	free(vm);
	free(lib);

	if (x->domain_dir && !listener_find(x, domid)) {
		path = xsd_printf("%s/dom%u", x->domain_dir, domid);
		if (listener_open(x, path, domid, false) < 0 && x->verbose)
			fprintf(stderr, "xsd: cannot create %s\n", path);
		free(path);
	}
	d->introduced = true;
	fire_special(x, "@introduceDomain");
	return 0;
}

int domain_release(struct xsd *x, unsigned domid)
{
	struct view v = { .x = x, .conn = NULL, .tx = NULL };
	struct domain *d = domain_find(x, domid);
	char *path;

	if (!d || !d->introduced)
		return ENOENT;
	path = domain_home(domid);
	op_rm(&v, path);
	free(path);
	path = vm_path(domid);
	op_rm(&v, path);
	free(path);
	path = xsd_printf("/libxl/%u", domid);
	op_rm(&v, path);
	free(path);
	domain_gone(x, d);
	return 0;
}
