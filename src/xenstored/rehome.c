/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A domain resumed under a new domain id (TEST INFRASTRUCTURE, see xsd.h):
 * what a guest sees after `xl save` + `xl restore` or a live migration.
 * Its open connections stay open (the guest's xenbus reconnects under
 * the hood, libxenstore sees no error), but they now act as the new
 * domain: relative paths resolve against the new home, transactions in
 * flight are gone, and every watch fires once, as the resumed kernel's
 * re-registration makes it fire. The old home is removed as xl destroys
 * the old domain; the new home is the toolstack's to build afterwards
 * (xsd_introduce_domain), the report keys the arbiter's to hand over.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored/xsd_int.h"

/* w->node below the old home moved below the new one (relative watches:
 * given relative, they follow the home, as the kernel re-registers them
 * with the relative path it was given). */
static void move_watch(struct watch *w, const char *oldhome, const char *newhome)
{
	size_t n = strlen(oldhome);
	char *moved;

	if (!w->relative || strncmp(w->node, oldhome, n) ||
	    (w->node[n] && w->node[n] != '/'))
		return;
	moved = xsd_printf("%s%s", newhome, w->node + n);
	free(w->node);
	w->node = moved;
}

static void fire_registered(struct conn *c)
{
	char home[32];

	conn_home(c, home, sizeof(home));
	for (struct watch *w = c->watches; w; w = w->next) {
		const char *p = w->node;

		if (w->relative && !strncmp(p, home, strlen(home))) {
			p += strlen(home);
			p += *p == '/';
		}
		conn_event(c, p, w->token);
	}
}

int domain_rehome(struct xsd *x, unsigned old, unsigned domid)
{
	struct domain *d = domain_find(x, old), *nd = domain_find(x, domid);
	char oldhome[32], newhome[32];

	if (!old || !domid || old == domid || old >= MEMBAL_DOMID_LIMIT ||
	    domid >= MEMBAL_DOMID_LIMIT)
		return EINVAL;
	if (!d || !d->introduced)
		return ENOENT;
	if (nd && nd->introduced)
		return EEXIST;
	snprintf(oldhome, sizeof(oldhome), "/local/domain/%u", old);
	snprintf(newhome, sizeof(newhome), "/local/domain/%u", domid);
	for (struct conn *c = x->conns; c; c = c->next) {
		if (c->dead || c->domid != old)
			continue;
		txn_free_all(c);
		c->domid = domid;
		for (struct watch *w = c->watches; w; w = w->next)
			move_watch(w, oldhome, newhome);
	}
	/* the old domain goes (its connections are not its own any more) */
	domain_release(x, old);
	for (struct conn *c = x->conns; c; c = c->next)
		if (!c->dead && c->domid == domid)
			fire_registered(c);
	return 0;
}
