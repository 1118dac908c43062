/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Transactions of the test xenstored (TEST INFRASTRUCTURE, see xsd.h),
 * and the view through which every operation reads and writes.
 *
 * As in xenstored 4.17 (xenstored_transaction.c) a transaction does not
 * copy the database when it starts: the first time it touches a node it
 * takes a private copy and remembers the node's generation (or that the
 * node did not exist). Later accesses in the transaction see that copy.
 * At commit every node the transaction READ must still have the
 * generation it had then, otherwise the commit fails with EAGAIN; nodes it
 * only wrote blindly are not checked (xenstored never writes without
 * reading first, so in practice everything touched is checked, including
 * the parents consulted for an error code and for implicit creation).
 * Watch events caused inside the transaction are remembered per node and
 * fire at commit, against the committed tree.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored/xsd_int.h"

struct acc {
	char *path;
	uint64_t gen;               /* at first access; XSD_NO_GEN: absent */
	bool check_gen;             /* first access was a read */
	bool modified;
	bool fire, exact;           /* queued watch event */
	struct node *copy;          /* NULL: absent in this transaction */
	struct xsd_perm *old_perms; /* at first access, for the watch filter */
	unsigned nold;
	struct acc *hnext, *next;
};

struct delta {
	unsigned domid;
	int n;
};

struct txn {
	uint32_t id;
	struct acc **buckets;
	size_t nbuckets, count;
	struct acc *first, *last;
	bool fail;                  /* an error left it half-done */
	bool node_created;
	struct delta *deltas;       /* node ownership changes per domain */
	unsigned ndeltas;
	struct txn *next;
};

static size_t hash_str(const char *s)
{
	size_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static struct acc *acc_find(const struct txn *t, const char *path)
{
	struct acc *a = t->buckets[hash_str(path) & (t->nbuckets - 1)];

	while (a && strcmp(a->path, path))
		a = a->hnext;
	return a;
}

static struct acc *acc_new(struct txn *t, const char *path)
{
	struct acc *a = xsd_alloc(sizeof(*a));
	size_t h;

	if (t->count >= t->nbuckets) {
		size_t nb = t->nbuckets * 2;
		struct acc **b = xsd_alloc(nb * sizeof(*b));

		for (struct acc *i = t->first; i; i = i->next) {
			h = hash_str(i->path) & (nb - 1);
			i->hnext = b[h];
			b[h] = i;
		}
		free(t->buckets);
		t->buckets = b;
		t->nbuckets = nb;
	}
	a->path = xsd_strdup(path);
	h = hash_str(path) & (t->nbuckets - 1);
	a->hnext = t->buckets[h];
	t->buckets[h] = a;
	if (t->last)
		t->last->next = a;
	else
		t->first = a;
	t->last = a;
	t->count++;
	return a;
}

/* xenstored limits the nodes an unprivileged transaction touches. */
static bool acc_quota_ok(struct view *v)
{
	if (v->tx->count >= XSD_QUOTA_TX_NODES && conn_is_unprivileged(v->conn)) {
		v->tx->fail = true;
		errno = ENOSPC;
		return false;
	}
	return true;
}

struct node *view_get(struct view *v, const char *path)
{
	struct node *g = store_get(&v->x->store, path);
	struct acc *a;

	if (!v->tx) {
		if (!g)
			errno = ENOENT;
		return g;
	}
	a = acc_find(v->tx, path);
	if (!a) {
		if (!acc_quota_ok(v))
			return NULL;
		a = acc_new(v->tx, path);
		a->check_gen = true;
		a->gen = g ? g->generation : XSD_NO_GEN;
		if (g) {
			a->copy = node_dup(g);
			a->nold = g->nperms;
			a->old_perms = xsd_alloc(g->nperms * sizeof(*g->perms));
			memcpy(a->old_perms, g->perms,
			       g->nperms * sizeof(*g->perms));
		}
	}
	if (!a->copy)
		errno = ENOENT;
	return a->copy;
}

int view_put(struct view *v, struct node *n)
{
	struct acc *a;

	n->generation = ++v->x->generation;
	if (!v->tx) {
		if (!n->in_store)
			store_insert(&v->x->store, n);
		return 0;
	}
	a = acc_find(v->tx, n->path);
	if (!a) {
		if (!acc_quota_ok(v)) {
			node_free(n);
			return ENOSPC;
		}
		a = acc_new(v->tx, n->path);
		a->gen = 0;
	}
	a->modified = true;
	if (a->copy != n) {
		node_free(a->copy);
		a->copy = n;
	}
	return 0;
}

/* n comes from view_get() and is freed. */
int view_delete(struct view *v, struct node *n)
{
	struct acc *a;

	++v->x->generation;
	if (!v->tx) {
		store_remove(&v->x->store, n);
		node_free(n);
		return 0;
	}
	a = acc_find(v->tx, n->path);
	if (!a || a->copy != n)
		abort();   /* a node not obtained through this view */
	a->modified = true;
	node_free(a->copy);
	a->copy = NULL;
	return 0;
}

void view_account(struct view *v, unsigned owner, int delta)
{
	struct txn *t = v->tx;

	if (!t) {
		domain_account(v->x, owner, delta);
		return;
	}
	for (unsigned i = 0; i < t->ndeltas; i++)
		if (t->deltas[i].domid == owner) {
			t->deltas[i].n += delta;
			return;
		}
	t->deltas = xsd_realloc(t->deltas, (t->ndeltas + 1) * sizeof(*t->deltas));
	t->deltas[t->ndeltas].domid = owner;
	t->deltas[t->ndeltas].n = delta;
	t->ndeltas++;
}

/* xenstored marks a transaction failed when a write in it went wrong
 * half-way; its commit then answers ENOMEM. */
void view_fail(struct view *v)
{
	if (v->tx)
		v->tx->fail = true;
}

void view_node_created(struct view *v)
{
	if (v->tx)
		v->tx->node_created = true;
}

bool txn_queue_watch(struct txn *t, const char *path, bool exact)
{
	struct acc *a = acc_find(t, path);

	if (!a) {
		t->fail = true;
		return false;
	}
	if (!a->fire) {
		a->fire = true;
		a->exact = exact;
	} else if (!exact) {
		a->exact = false;
	}
	return true;
}

struct txn *txn_lookup(struct conn *c, uint32_t id)
{
	struct txn *t = c->txns;

	while (t && t->id != id)
		t = t->next;
	return t;
}

uint32_t txn_id(const struct txn *t)
{
	return t->id;
}

struct txn *txn_start(struct conn *c)
{
	struct txn *t = xsd_alloc(sizeof(*t));

	/* Per connection, never 0 (0 means "no transaction"). */
	do {
		t->id = c->next_txid++;
	} while (t->id == 0 || txn_lookup(c, t->id));
	t->nbuckets = 16;
	t->buckets = xsd_alloc(t->nbuckets * sizeof(*t->buckets));
	t->next = c->txns;
	c->txns = t;
	c->ntxns++;
	c->x->stats.tx_started++;
	return t;
}

static void txn_free(struct txn *t)
{
	struct acc *a, *next;

	for (a = t->first; a; a = next) {
		next = a->next;
		node_free(a->copy);
		free(a->old_perms);
		free(a->path);
		free(a);
	}
	free(t->buckets);
	free(t->deltas);
	free(t);
}

static void txn_unlink(struct conn *c, struct txn *t)
{
	struct txn **pp = &c->txns;

	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = t->next;
		c->ntxns--;
	}
}

/* xenstored's transaction_fix_domains(..., update = false). */
static int txn_check_quota(struct xsd *x, struct conn *c, struct txn *t)
{
	bool chk = t->node_created && conn_is_unprivileged(c);

	for (unsigned i = 0; i < t->ndeltas; i++) {
		int cnt = domain_nbentry(x, t->deltas[i].domid) + t->deltas[i].n;

		if (cnt < 0 || t->deltas[i].domid == 0)
			cnt = 0;
		if (chk && cnt >= (int)x->quota_nodes)
			return ENOSPC;
	}
	return 0;
}

static bool txn_conflicts(struct xsd *x, const struct txn *t)
{
	for (const struct acc *a = t->first; a; a = a->next) {
		const struct node *g;

		if (!a->check_gen)
			continue;
		g = store_get(&x->store, a->path);
		if ((g ? g->generation : XSD_NO_GEN) != a->gen)
			return true;
	}
	return false;
}

static void txn_apply(struct xsd *x, struct conn *c, struct txn *t)
{
	struct view global = { .x = x, .conn = c, .tx = NULL };

	for (struct acc *a = t->first; a; a = a->next) {
		struct node *g;

		if (!a->modified)
			continue;
		g = store_get(&x->store, a->path);
		if (g) {
			store_remove(&x->store, g);
			node_free(g);
		}
		if (a->copy) {
			a->copy->generation = ++x->generation;
			store_insert(&x->store, a->copy);
			a->copy = NULL;
		}
	}
	for (unsigned i = 0; i < t->ndeltas; i++)
		domain_account(x, t->deltas[i].domid, t->deltas[i].n);
	for (struct acc *a = t->first; a; a = a->next)
		if (a->fire)
			fire_watches(&global, a->path, NULL, a->exact,
				     a->old_perms, a->nold);
}

int txn_end(struct xsd *x, struct conn *c, struct txn *t, bool commit)
{
	int ret = 0;

	txn_unlink(c, t);
	if (!commit) {
		x->stats.tx_aborted++;
	} else if (t->fail) {
		ret = ENOMEM;
	} else if (x->fail_commits) {
		x->fail_commits--;
		ret = EAGAIN;
	} else if ((ret = txn_check_quota(x, c, t)) != 0) {
		/* ENOSPC */
	} else if (txn_conflicts(x, t)) {
		ret = EAGAIN;
	} else {
		txn_apply(x, c, t);
		x->stats.tx_committed++;
	}
	if (ret == EAGAIN)
		x->stats.tx_eagain++;
	txn_free(t);
	return ret;
}

void txn_free_all(struct conn *c)
{
	while (c->txns) {
		struct txn *t = c->txns;

		c->txns = t->next;
		txn_free(t);
	}
	c->ntxns = 0;
}
