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

void fire_watches(struct view *v, const char *path, const struct node *n,
		  bool exact, const struct xsd_perm *old, unsigned nold)
{
	if (v->tx) {
		txn_queue_watch(v->tx, path, exact);
		return;
	}
	for (struct conn *c = v->x->conns; c; c = c->next) {
		if (c->dead || !c->watches ||
		    !watch_permitted(v->x, c, path, n, old, nold))
			continue;
		for (struct watch *w = c->watches; w; w = w->next) {
			bool match = exact ? !strcmp(path, w->node)
					   : path_is_child(path, w->node);

			if (match)
				conn_event(c, event_path(c, w, path), w->token);
		}
	}
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
		free(w->node);
		free(w->token);
		free(w);
	}
	c->nwatches = 0;
}
