/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Watches of the test xenstored (TEST INFRASTRUCTURE, see xsd.h), as
 * xenstored_watch.c (4.17) has them:
 * - a change of a node fires every watch on that node or an ancestor
 *   ("exact" events, used for the children of a removed subtree, fire only
 *   watches on that very node);
 * - a connection gets the event only if it may read the node or its parent,
 *   or could read the node before a permission change or deletion inside a
 *   transaction (the permissions at the transaction's first access);
 * - @introduceDomain and @releaseDomain go to connections allowed by the
 *   special nodes' permissions (dom0 by default; SET_PERMS can add domains);
 * - a relative watch gets relative event paths;
 * - setting a watch fires it once at once.
 *
 * Path watches are also kept in one hash table by node, so that a change
 * looks up the node and each of its ancestors (a handful of lookups)
 * instead of every watch of every connection: the arbiter of a
 * 1,000-domain host holds 2,000 of them. Events still go out in the order
 * of the linear search: by connection, then by the order of setting.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored/xsd_int.h"

static bool watch_permitted(struct xsd *x, const struct conn *c,
			    const char *path, const struct node *n,
			    const struct xsd_perm *old, unsigned nold)
{
	const struct node *parent;
	char *pname;

	if (!conn_is_unprivileged(c))
		return true;
	if (old && (perm_for_conn(x, c, old, nold) & XSD_PERM_READ))
		return true;
	if (!n)
		n = store_get(&x->store, path);
	if (!n)
		return false;
	if (perm_for_conn(x, c, n->perms, n->nperms) & XSD_PERM_READ)
		return true;
	pname = path_parent(n->path);
	parent = store_get(&x->store, pname);
	free(pname);
	return parent &&
	       (perm_for_conn(x, c, parent->perms, parent->nperms) & XSD_PERM_READ);
}

static const char *event_path(const struct conn *c, const struct watch *w,
			      const char *path)
{
	char home[32];

	if (!w->relative)
		return path;
	conn_home(c, home, sizeof(home));
	path += strlen(home);
	return *path == '/' ? path + 1 : path;
}

static size_t hash_node(const char *s, size_t len)
{
	size_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static void wtab_insert(struct xsd *x, struct watch *w)
{
	if (w->node[0] == '@')
		return;     /* specials: fire_special() */
	if (x->wtab_count >= x->wtab_size) {
		size_t size = x->wtab_size ? x->wtab_size * 2 : 64;
		struct watch **tab = xsd_alloc(size * sizeof(*tab));

		for (size_t i = 0; i < x->wtab_size; i++)
			while (x->wtab[i]) {
				struct watch *m = x->wtab[i];

				x->wtab[i] = m->hnext;
				m->hnext = tab[m->hash & (size - 1)];
				tab[m->hash & (size - 1)] = m;
			}
		free(x->wtab);
		x->wtab = tab;
		x->wtab_size = size;
	}
	w->hnext = x->wtab[w->hash & (x->wtab_size - 1)];
	x->wtab[w->hash & (x->wtab_size - 1)] = w;
	x->wtab_count++;
}

static void wtab_remove(struct xsd *x, struct watch *w)
{
	if (w->node[0] == '@' || !x->wtab_size)
		return;
	for (struct watch **pp = &x->wtab[w->hash & (x->wtab_size - 1)]; *pp;
	     pp = &(*pp)->hnext)
		if (*pp == w) {
			*pp = w->hnext;
			x->wtab_count--;
			return;
		}
}

static int by_conn_then_seq(const void *a, const void *b)
{
	const struct watch *v = *(struct watch *const *)a;
	const struct watch *w = *(struct watch *const *)b;

	if (v->conn->seq != w->conn->seq)
		return v->conn->seq < w->conn->seq ? -1 : 1;
	return v->seq < w->seq ? -1 : v->seq > w->seq;
}

/* The watches on path's first len bytes, appended to *m. */
static void collect(struct xsd *x, const char *path, size_t len,
		    struct watch ***m, size_t *n, size_t *cap)
{
	size_t h = hash_node(path, len);

	for (struct watch *w = x->wtab[h & (x->wtab_size - 1)]; w; w = w->hnext) {
		if (w->hash != h || strlen(w->node) != len ||
		    memcmp(w->node, path, len) || w->conn->dead)
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*m = xsd_realloc(*m, *cap * sizeof(**m));
		}
		(*m)[(*n)++] = w;
	}
}

void fire_watches(struct view *v, const char *path, const struct node *n,
		  bool exact, const struct xsd_perm *old, unsigned nold)
{
	struct xsd *x = v->x;
	struct watch **m = NULL;
	size_t nm = 0, cap = 0;
	const struct conn *last = NULL;
	bool permitted = false;

	if (v->tx) {
		txn_queue_watch(v->tx, path, exact);
		return;
	}
	if (!x->wtab_count)
		return;
	/* path itself, then each ancestor up to "/" */
	for (size_t len = strlen(path); len > 0;) {
		collect(x, path, len, &m, &nm, &cap);
		if (exact || len == 1)
			break;
		while (len > 1 && path[len - 1] != '/')
			len--;
		if (len > 1)
			len--;      /* "/a/b" -> "/a"; "/a" -> "/" */
	}
	if (!nm)
		return;
	qsort(m, nm, sizeof(*m), by_conn_then_seq);
	for (size_t i = 0; i < nm; i++) {
		struct watch *w = m[i];
		struct conn *c = w->conn;

		if (c != last) {
			last = c;
			permitted = !c->dead &&
				    watch_permitted(x, c, path, n, old, nold);
		}
		if (permitted && !c->dead)
			conn_event(c, event_path(c, w, path), w->token);
	}
	free(m);
}

void fire_special(struct xsd *x, const char *name)
{
	for (struct conn *c = x->conns; c; c = c->next) {
		if (c->dead || !c->watches ||
		    !domain_special_readable(x, c, name))
			continue;
		for (struct watch *w = c->watches; w; w = w->next)
			if (!strcmp(w->node, name))
				conn_event(c, name, w->token);
	}
}

int watch_add(struct conn *c, const char *path, const char *token)
{
	struct watch *w, **tail;
	bool relative = false;
	char *node;

	if (path[0] == '@') {
		if (strlen(path) > XSD_PATH_MAX_REL)
			return EINVAL;
		node = xsd_strdup(path);
	} else {
		relative = path[0] != '/';
		if (relative && c->domid && c->x->refuse_relative_watches)
			return EINVAL;
		node = path_canonical(c, path);
		if (!path_is_valid(node)) {
			free(node);
			return EINVAL;
		}
	}
	for (tail = &c->watches; *tail; tail = &(*tail)->next)
		if (!strcmp((*tail)->node, node) && !strcmp((*tail)->token, token)) {
			free(node);
			return EEXIST;
		}
	if (conn_is_unprivileged(c) && c->nwatches > XSD_QUOTA_WATCHES) {
		free(node);
		return E2BIG;
	}
	w = xsd_alloc(sizeof(*w));
	w->node = node;
	w->token = xsd_strdup(token);
	w->relative = relative;
	w->conn = c;
	w->seq = ++c->x->watch_seq;
	w->hash = hash_node(node, strlen(node));
	wtab_insert(c->x, w);
	*tail = w;
	c->nwatches++;
	return 0;
}

int watch_remove(struct conn *c, const char *path, const char *token)
{
	char *node = path[0] == '@' ? xsd_strdup(path) : path_canonical(c, path);

	for (struct watch **pp = &c->watches; *pp; pp = &(*pp)->next) {
		struct watch *w = *pp;

		if (strcmp(w->node, node) || strcmp(w->token, token))
			continue;
		*pp = w->next;
		c->nwatches--;
		wtab_remove(c->x, w);
		free(w->node);
		free(w->token);
		free(w);
		free(node);
		return 0;
	}
	free(node);
	return ENOENT;
}

void watch_free_all(struct conn *c)
{
	while (c->watches) {
		struct watch *w = c->watches;

		c->watches = w->next;
		wtab_remove(c->x, w);
		free(w->node);
		free(w->token);
		free(w);
	}
	c->nwatches = 0;
}
