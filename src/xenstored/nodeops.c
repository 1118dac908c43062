/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tree operations of the test xenstored (TEST INFRASTRUCTURE, see xsd.h)
 * with xenstored 4.17's rules (xenstored_core.c): permission checks and
 * the error a client may learn, implicit creation with inherited
 * permissions, node quotas, recursive removal, and the watch events each
 * change fires. Used by the requests (ops.c), the libxl layout (domain.c)
 * and the API. All through a view, so they work inside transactions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored/xsd_int.h"

static bool unpriv(const struct view *v)
{
	return conn_is_unprivileged(v->conn);
}

static bool propagates(int err)
{
	return err == ENOMEM || err == ENOSPC;
}

/* xenstored's errno_from_parents(): a client that may not see the
 * nearest existing ancestor learns EACCES, not whether the node exists. */
static int errno_from_parents(struct view *v, const char *name, int err,
			      unsigned perm)
{
	char *p = xsd_strdup(name);
	struct node *n;
	int e = 0;

	for (;;) {
		char *pp = path_parent(p);

		free(p);
		p = pp;
		n = view_get(v, p);
		e = n ? 0 : errno;
		if (n || propagates(e) || !strcmp(p, "/"))
			break;
	}
	free(p);
	if (!n)
		return propagates(e) ? e : EACCES;
	return (perm_for_conn(v->x, v->conn, n->perms, n->nperms) & perm) ? err
									 : EACCES;
}

/* xenstored's get_node(): NULL with errno EINVAL, ENOENT, EACCES, ENOSPC. */
struct node *node_get_checked(struct view *v, const char *name, unsigned perm)
{
	struct node *n;

	if (!name || !path_is_valid(name)) {
		errno = EINVAL;
		return NULL;
	}
	n = view_get(v, name);
	if (n && (perm_for_conn(v->x, v->conn, n->perms, n->nperms) & perm) != perm) {
		errno = EACCES;
		n = NULL;
	}
	if (!n && !propagates(errno))
		errno = errno_from_parents(v, name, errno, perm);
	return n;
}

static bool too_big(const struct view *v, unsigned nperms, unsigned vlen,
		    unsigned childlen)
{
	return unpriv(v) && node_record_size(nperms, vlen, childlen) >=
				    v->x->quota_node_bytes;
}

/*
 * Create path and its missing ancestors (xenstored's create_node()): they
 * inherit the nearest existing ancestor's permissions, and an unprivileged
 * creator becomes their owner. Checked in xenstored's order, leaf first:
 * the creator's node count (outside a transaction it grows with each node
 * made; inside one xenstored looks at the count from before the
 * transaction and checks the total at commit), then each record's size,
 * then the ancestor's record with its new child.
 */
static int create_node(struct view *v, const char *path, const void *value,
		       unsigned len, struct node **out)
{
	struct node *parent = NULL, *n = NULL;
	struct xsd_perm *perms = NULL;
	unsigned k = 0, nperms, have;
	char **names = NULL, *cur = xsd_strdup(path);
	int err = 0;

	for (;;) {
		char *pn = path_parent(cur);

		names = xsd_realloc(names, (k + 1) * sizeof(*names));
		names[k++] = cur;
		parent = view_get(v, pn);
		if (parent) {
			free(pn);
			break;
		}
		if (errno != ENOENT || !strcmp(pn, "/")) {
			err = errno;
			free(pn);
			goto out;
		}
		cur = pn;
	}
	view_node_created(v);

	nperms = parent->nperms;
	perms = xsd_alloc(nperms * sizeof(*perms));
	memcpy(perms, parent->perms, nperms * sizeof(*perms));
	if (unpriv(v))
		perms[0].id = v->conn->domid;

	have = (unsigned)domain_nbentry(v->x, v->conn ? v->conn->domid : 0);
	for (unsigned i = 0; i < k; i++) {
		unsigned childlen = i ? (unsigned)strlen(path_base(names[i - 1])) + 1 : 0;

		if (unpriv(v) && (v->tx ? have : have + i) >= v->x->quota_nodes) {
			if (i)   /* xenstored undoes written nodes: fails the tx */
				view_fail(v);
			err = ENOSPC;
			goto out;
		}
		if (too_big(v, nperms, i ? 0 : len, childlen)) {
			view_fail(v);
			err = ENOSPC;
			goto out;
		}
	}
	if (too_big(v, parent->nperms, parent->vlen,
		    parent->childlen + (unsigned)strlen(path_base(names[k - 1])) + 1)) {
		view_fail(v);
		err = ENOSPC;
		goto out;
	}

	node_add_child(parent, path_base(names[k - 1]));
	view_put(v, parent);
	for (unsigned i = k; i-- > 0;) {
		n = node_new(names[i]);
		node_set_perms(n, perms, nperms);
		if (i)
			node_add_child(n, path_base(names[i - 1]));
		else
			node_set_value(n, value, len);
		view_put(v, n);
		view_account(v, perms[0].id, +1);
	}
	*out = n;
out:
	for (unsigned i = 0; i < k; i++)
		free(names[i]);
	free(names);
	free(perms);
	return err;
}

int op_write(struct view *v, const char *path, const void *value,
	     unsigned len)
{
	struct node *n = node_get_checked(v, path, XSD_PERM_WRITE);
	int err;

	if (!n) {
		if (errno != ENOENT)
			return errno;
		err = create_node(v, path, value, len, &n);
		if (err)
			return err;
	} else {
		if (too_big(v, n->nperms, len, n->childlen)) {
			view_fail(v);
			return ENOSPC;
		}
		node_set_value(n, value, len);
		view_put(v, n);
	}
	fire_watches(v, path, n, false, NULL, 0);
	return 0;
}

int op_mkdir(struct view *v, const char *path)
{
	struct node *n = node_get_checked(v, path, XSD_PERM_WRITE);
	int err;

	if (n)
		return 0;
	if (errno != ENOENT)
		return errno;
	err = create_node(v, path, NULL, 0, &n);
	if (err)
		return err;
	fire_watches(v, path, n, false, NULL, 0);
	return 0;
}

/* Children first; the root of the removal fires watches on it and its
 * ancestors, every node below it fires only watches on itself. */
static void rm_subtree(struct view *v, struct node *n, const char *root)
{
	unsigned klen = n->childlen;
	char *kids = klen ? xsd_memdup(n->children, klen) : NULL;

	for (unsigned off = 0; off < klen; off += (unsigned)strlen(kids + off) + 1) {
		char *cp = path_child(n->path, kids + off);
		struct node *c = view_get(v, cp);

		if (c)
			rm_subtree(v, c, root);
		free(cp);
	}
	free(kids);
	fire_watches(v, n->path, n, strcmp(n->path, root) != 0, NULL, 0);
	view_account(v, n->perms[0].id, -1);
	view_delete(v, n);
}

int op_rm(struct view *v, const char *path)
{
	struct node *n = node_get_checked(v, path, XSD_PERM_WRITE), *parent;
	char *pn;

	if (!n) {
		if (errno != ENOENT)
			return errno;
		/* Not there: fine, if its parent is. */
		pn = path_parent(path);
		parent = view_get(v, pn);
		free(pn);
		if (parent)
			return 0;
		return propagates(errno) ? errno : ENOENT;
	}
	if (!strcmp(path, "/"))
		return EINVAL;
	pn = path_parent(path);
	parent = view_get(v, pn);
	free(pn);
	if (!parent)
		return propagates(errno) ? errno : EINVAL;
	rm_subtree(v, n, path);
	node_del_child(parent, path_base(path));
	view_put(v, parent);
	return 0;
}

int op_set_perms(struct view *v, const char *path,
		 const struct xsd_perm *in, unsigned num)
{
	struct xsd_perm *perms, *old;
	unsigned nold;
	struct node *n;
	int err = 0;

	perms = xsd_alloc(num * sizeof(*perms));
	memcpy(perms, in, num * sizeof(*perms));
	/* Entries for domains that do not exist are kept but ignored, an
	 * owner that does not exist is refused. */
	for (unsigned i = 0; i < num; i++)
		if (!domain_exists(v->x, perms[i].id))
			perms[i].perms |= XSD_PERM_IGNORE;
	if (perms[0].perms & XSD_PERM_IGNORE) {
		err = ENOENT;
		goto out;
	}
	if (path[0] == '@') {
		err = domain_set_special_perms(v, path, perms, num);
		goto out;
	}
	n = node_get_checked(v, path, XSD_PERM_WRITE | XSD_PERM_OWNER);
	if (!n) {
		err = errno;
		goto out;
	}
	if (unpriv(v) && perms[0].id != n->perms[0].id) {
		err = EPERM;
		goto out;
	}
	if (too_big(v, num, n->vlen, n->childlen)) {
		view_fail(v);
		err = ENOSPC;
		goto out;
	}
	nold = n->nperms;
	old = n->perms;
	n->perms = NULL;
	node_set_perms(n, perms, num);
	view_account(v, old[0].id, -1);
	view_account(v, perms[0].id, +1);
	view_put(v, n);
	fire_watches(v, path, n, false, old, nold);
	free(old);
out:
	free(perms);
	return err;
}

/* What a fresh xenstored (setup_structure) and xen-init-dom0 leave: all
 * nodes owned by dom0 with no access for others ("n0"). */
void tree_init(struct xsd *x)
{
	static const struct xsd_perm n0 = { 0, XSD_PERM_NONE };
	struct view v = { .x = x, .conn = NULL, .tx = NULL };
	struct node *root = node_new("/");

	node_set_perms(root, &n0, 1);
	view_put(&v, root);
	domain_account(x, 0, +1);
	op_mkdir(&v, "/tool/xenstored");
	op_mkdir(&v, "/local/domain");
	op_write(&v, "/local/domain/0/domid", "0", 1);
	op_write(&v, "/local/domain/0/name", "Domain-0", 8);
}

/* xenstore-ls's sanitise_value(). */
static void put_value(FILE *f, const char *v, unsigned len)
{
	for (unsigned i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)v[i];

		if (ch >= ' ' && ch <= '~' && ch != '\\')
			fputc(ch, f);
		else if (ch == '\t')
			fputs("\\t", f);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\r')
			fputs("\\r", f);
		else if (ch == '\\')
			fputs("\\\\", f);
		else if (ch < 010)
			fprintf(f, "\\%03o", ch);
		else
			fprintf(f, "\\x%02x", ch);
	}
}

static void dump_node(struct xsd *x, FILE *f, const struct node *n)
{
	for (unsigned off = 0; off < n->childlen;
	     off += (unsigned)strlen(n->children + off) + 1) {
		char *cp = path_child(n->path, n->children + off), buf[16];
		const struct node *c = store_get(&x->store, cp);

		free(cp);
		if (!c)
			continue;
		fprintf(f, "%s = \"", c->path);
		put_value(f, c->value, c->vlen);
		fputs("\"  (", f);
		for (unsigned i = 0; i < c->nperms; i++) {
			perm_format(&c->perms[i], buf, sizeof(buf));
			fprintf(f, "%s%s", i ? "," : "", buf);
		}
		fputs(")\n", f);
		dump_node(x, f, c);
	}
}

char *tree_dump(struct xsd *x)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	const struct node *root;

	if (!f)
		return NULL;
	root = store_get(&x->store, "/");
	if (root)
		dump_node(x, f, root);
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}
