/* SPDX-License-Identifier: GPL-2.0-only */
#include "fake_xs.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

/* Bounds that keep one fuzz input cheap; the arbiter never comes close. */
#define FXS_NODES 1024
#define FXS_WATCHES 512
#define FXS_EVENTS 4096
#define FXS_TX_OPS 256

struct node {
	char *path;
	uint64_t hash;      /* of path: most lookups end at a mismatch here */
	char *val;
	unsigned len;
};

struct watch {
	char *path;
	char *token;
};

struct event {
	char *path;
	char *token;
};

struct tx_op {
	char *path;
	char *val;          /* NULL: rm */
	unsigned len;
};

struct xs_handle {
	unsigned gen;
};

static struct {
	struct node node[FXS_NODES];
	size_t nnodes;
	struct watch watch[FXS_WATCHES];
	size_t nwatches;
	struct event ev[FXS_EVENTS];
	size_t ev_head, nev;
	struct xs_handle *h;        /* the open handle, or NULL */
	unsigned gen;
	bool lost;
	bool fail_open;
	bool lose_armed;
	unsigned lose_after;
	unsigned eagain;
	bool in_tx;
	struct tx_op tx[FXS_TX_OPS];
	size_t ntx;
	fxs_hook_fn hook;
	void *hook_ctx;
	fxs_read_fn read_hook;
	void *read_hook_ctx;
	unsigned long requests;
} S;

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d)
		abort();
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static char *dup_s(const char *s)
{
	return dup_n(s, strlen(s));
}

/* FNV-1a. Comparing hashes before bytes keeps libFuzzer's strcmp hooks
 * (which feed its value profile) out of the fake's lookups. */
static uint64_t hash_of(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static bool same(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	return *a == *b;
}

static void events_clear(void)
{
	while (S.nev) {
		struct event *e = &S.ev[S.ev_head];

		free(e->path);
		free(e->token);
		S.ev_head = (S.ev_head + 1) % FXS_EVENTS;
		S.nev--;
	}
	S.ev_head = 0;
}

static void watches_clear(void)
{
	for (size_t i = 0; i < S.nwatches; i++) {
		free(S.watch[i].path);
		free(S.watch[i].token);
	}
	S.nwatches = 0;
}

static void tx_clear(void)
{
	for (size_t i = 0; i < S.ntx; i++) {
		free(S.tx[i].path);
		free(S.tx[i].val);
	}
	S.ntx = 0;
	S.in_tx = false;
}

void fxs_reset(void)
{
	for (size_t i = 0; i < S.nnodes; i++) {
		free(S.node[i].path);
		free(S.node[i].val);
	}
	S.nnodes = 0;
	watches_clear();
	events_clear();
	tx_clear();
	free(S.h);
	S.h = NULL;
	S.gen = 0;
	S.lost = S.fail_open = S.lose_armed = false;
	S.lose_after = S.eagain = 0;
	S.hook = NULL;
	S.hook_ctx = NULL;
	S.read_hook = NULL;
	S.read_hook_ctx = NULL;
	S.requests = 0;
}

static struct node *find(const char *path)
{
	uint64_t h = hash_of(path);

	for (size_t i = 0; i < S.nnodes; i++)
		if (S.node[i].hash == h && same(S.node[i].path, path))
			return &S.node[i];
	return NULL;
}

/* "a/b" is below "a": equal, or a prefix followed by '/'. */
static bool below(const char *path, const char *top)
{
	size_t n = strlen(top);

	for (size_t i = 0; i < n; i++)
		if (path[i] != top[i])
			return false;
	return path[n] == '\0' || path[n] == '/';
}

static void queue(const char *path, const char *token)
{
	if (S.nev == FXS_EVENTS)
		return;     /* a real xenstored drops events too, eventually */
	struct event *e = &S.ev[(S.ev_head + S.nev) % FXS_EVENTS];

	e->path = dup_s(path);
	e->token = dup_s(token);
	S.nev++;
}

static void fire(const char *path)
{
	for (size_t i = 0; i < S.nwatches; i++)
		if (below(path, S.watch[i].path) || below(S.watch[i].path, path))
			queue(path, S.watch[i].token);
}

void fxs_fire(const char *special)
{
	for (size_t i = 0; i < S.nwatches; i++)
		if (same(S.watch[i].path, special))
			queue(special, S.watch[i].token);
}

static void set(const char *path, const char *val, unsigned len)
{
	struct node *n = find(path);

	if (!n) {
		if (S.nnodes == FXS_NODES)
			abort();    /* the driver's sizes are wrong */
		n = &S.node[S.nnodes++];
		n->path = dup_s(path);
		n->hash = hash_of(path);
	} else {
		free(n->val);
	}
	n->val = dup_n(val, len);
	n->len = len;
	fire(path);
}

static void del(const char *path)
{
	bool any = false;

	for (size_t i = 0; i < S.nnodes;) {
		if (below(S.node[i].path, path)) {
			free(S.node[i].path);
			free(S.node[i].val);
			S.node[i] = S.node[--S.nnodes];
			any = true;
		} else {
			i++;
		}
	}
	if (any)
		fire(path);
}

void fxs_put(const char *path, const char *val, unsigned len)
{
	set(path, val, len);
}

void fxs_del(const char *path)
{
	del(path);
}

const char *fxs_get(const char *path, unsigned *len)
{
	struct node *n = find(path);

	if (!n)
		return NULL;
	if (len)
		*len = n->len;
	return n->val;
}

void fxs_fail_open(bool on)
{
	S.fail_open = on;
}

void fxs_lose_after(unsigned n)
{
	S.lose_armed = true;
	S.lose_after = n;
}

void fxs_eagain(unsigned n)
{
	S.eagain = n;
}

void fxs_set_hook(fxs_hook_fn fn, void *ctx)
{
	S.hook = fn;
	S.hook_ctx = ctx;
}

void fxs_set_read_hook(fxs_read_fn fn, void *ctx)
{
	S.read_hook = fn;
	S.read_hook_ctx = ctx;
}

unsigned long fxs_requests(void)
{
	return S.requests;
}

/* Every request: is the connection still there? */
static bool request(struct xs_handle *h)
{
	S.requests++;
	if (!h || h != S.h || S.lost) {
		errno = ECONNRESET;
		return false;
	}
	if (S.lose_armed) {
		if (S.lose_after == 0) {
			S.lose_armed = false;
			S.lost = true;
			/* xenstored forgets the connection: its watches and
			 * what was queued for it go with it. */
			watches_clear();
			events_clear();
			tx_clear();
			errno = ECONNRESET;
			return false;
		}
		S.lose_after--;
	}
	return true;
}

/* ---- libxenstore ------------------------------------------------------- */

struct xs_handle *xs_open(unsigned long flags)
{
	(void)flags;
	/* One arbiter, one connection: a second open leaks the first. */
	if (S.h)
		abort();
	if (S.fail_open) {
		errno = ECONNREFUSED;
		return NULL;
	}
	S.h = calloc(1, sizeof(*S.h));
	if (!S.h)
		abort();
	S.h->gen = ++S.gen;
	S.lost = false;
	return S.h;
}

void xs_close(struct xs_handle *h)
{
	if (!h)
		return;
	if (h == S.h) {
		watches_clear();
		events_clear();
		tx_clear();
		S.h = NULL;
		S.lost = false;
	}
	free(h);
}

/* Inside a transaction the last pending op on a path wins. */
static struct tx_op *tx_find(const char *path)
{
	for (size_t i = S.ntx; i-- > 0;)
		if (below(path, S.tx[i].path) && (S.tx[i].val == NULL ||
						  same(path, S.tx[i].path)))
			return &S.tx[i];
	return NULL;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
	      unsigned int *len)
{
	const char *v;
	unsigned n;

	if (!request(h))
		return NULL;
	if (t != XBT_NULL && S.in_tx) {
		struct tx_op *op = tx_find(path);

		if (op) {
			if (!op->val) {
				errno = ENOENT;
				return NULL;
			}
			if (len)
				*len = op->len;
			return dup_n(op->val, op->len);
		}
	}
	v = fxs_get(path, &n);
	char *copy = v ? dup_n(v, n) : NULL;

	if (t == XBT_NULL && S.read_hook)
		S.read_hook(S.read_hook_ctx, path, copy != NULL);
	if (!copy) {
		errno = ENOENT;
		return NULL;
	}
	if (len)
		*len = n;
	return copy;
}

static void apply(const char *path, const char *val, unsigned len)
{
	bool existed = find(path) != NULL;

	if (S.hook)
		S.hook(S.hook_ctx, path, val, len, existed);
	if (val)
		set(path, val, len);
	else
		del(path);
}

static bool tx_add(const char *path, const char *val, unsigned len)
{
	if (S.ntx == FXS_TX_OPS) {
		errno = ENOSPC;
		return false;
	}
	S.tx[S.ntx].path = dup_s(path);
	S.tx[S.ntx].val = val ? dup_n(val, len) : NULL;
	S.tx[S.ntx].len = len;
	S.ntx++;
	return true;
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path,
	      const void *data, unsigned int len)
{
	if (!request(h))
		return false;
	if (path[0] != '/' || len > 4096) {
		errno = EINVAL;
		return false;
	}
	if (t != XBT_NULL)
		return tx_add(path, data, len);
	apply(path, data, len);
	return true;
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	if (!request(h))
		return false;
	if (!find(path) && !(t != XBT_NULL && tx_find(path))) {
		errno = ENOENT;
		return false;
	}
	if (t != XBT_NULL)
		return tx_add(path, NULL, 0);
	apply(path, NULL, 0);
	return true;
}

/* The name of the child of dir that path is, or is below (length in
 * *len); NULL when path is not below dir. */
static const char *child_of(const char *path, const char *dir, size_t *len)
{
	size_t n = strlen(dir);
	const char *end;

	if (strncmp(path, dir, n) != 0 || path[n] != '/' || !path[n + 1])
		return NULL;
	path += n + 1;
	end = strchr(path, '/');
	*len = end ? (size_t)(end - path) : strlen(path);
	return path;
}

static bool in_list(const char *const *names, const size_t *lens, unsigned n,
		    const char *name, size_t len)
{
	for (unsigned i = 0; i < n; i++)
		if (lens[i] == len && !strncmp(names[i], name, len))
			return true;
	return false;
}

/* Children of path as the store (and the open transaction's writes) has
 * them; one allocation, as libxenstore returns it. A transaction's rm
 * is not subtracted (the arbiter removes no report key). */
char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path,
		    unsigned int *num)
{
	const char *name[FXS_NODES + FXS_TX_OPS];
	size_t nlen[FXS_NODES + FXS_TX_OPS], bytes = 0;
	unsigned n = 0;
	size_t len;
	const char *c;

	if (!request(h))
		return NULL;
	for (size_t i = 0; i < S.nnodes; i++)
		if ((c = child_of(S.node[i].path, path, &len)) &&
		    !in_list(name, nlen, n, c, len)) {
			name[n] = c;
			nlen[n++] = len;
		}
	for (size_t i = 0; t != XBT_NULL && S.in_tx && i < S.ntx; i++)
		if (S.tx[i].val && (c = child_of(S.tx[i].path, path, &len)) &&
		    !in_list(name, nlen, n, c, len)) {
			name[n] = c;
			nlen[n++] = len;
		}
	if (n == 0 && !find(path)) {
		errno = ENOENT;
		return NULL;
	}
	for (unsigned i = 0; i < n; i++)
		bytes += nlen[i] + 1;
	char **ret = malloc(n * sizeof(*ret) + bytes + 1);
	char *p;

	if (!ret) {
		errno = ENOMEM;
		return NULL;
	}
	p = (char *)(ret + n);
	for (unsigned i = 0; i < n; i++) {
		memcpy(p, name[i], nlen[i]);
		p[nlen[i]] = '\0';
		ret[i] = p;
		p += nlen[i] + 1;
	}
	*num = n;
	return ret;
}

bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
			const char *path, struct xs_permissions *perms,
			unsigned int num_perms)
{
	(void)t; (void)perms; (void)num_perms;
	if (!request(h))
		return false;
	if (!find(path) && !(t != XBT_NULL && tx_find(path))) {
		errno = ENOENT;
		return false;
	}
	return true;
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
	if (!request(h))
		return false;
	if (S.nwatches == FXS_WATCHES) {
		errno = E2BIG;
		return false;
	}
	for (size_t i = 0; i < S.nwatches; i++)
		if (same(S.watch[i].path, path) && same(S.watch[i].token, token)) {
			errno = EEXIST;
			return false;
		}
	S.watch[S.nwatches].path = dup_s(path);
	S.watch[S.nwatches].token = dup_s(token);
	S.nwatches++;
	queue(path, token);     /* xenstored fires a new watch at once */
	return true;
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
	if (!request(h))
		return false;
	for (size_t i = 0; i < S.nwatches; i++) {
		if (same(S.watch[i].path, path) && same(S.watch[i].token, token)) {
			free(S.watch[i].path);
			free(S.watch[i].token);
			S.watch[i] = S.watch[--S.nwatches];
			return true;
		}
	}
	errno = ENOENT;
	return false;
}

char **xs_check_watch(struct xs_handle *h)
{
	/* Reading what already arrived is not a request, but a dead
	 * connection says so here too. */
	if (!h || h != S.h || S.lost) {
		errno = ECONNRESET;
		return NULL;
	}
	if (S.nev == 0) {
		errno = EAGAIN;
		return NULL;
	}
	struct event *e = &S.ev[S.ev_head];
	size_t pl = strlen(e->path) + 1, tl = strlen(e->token) + 1;
	/* One allocation, as libxenstore makes it: free(vec) frees all. */
	char **vec = malloc(2 * sizeof(char *) + pl + tl);

	if (!vec)
		abort();
	vec[XS_WATCH_PATH] = (char *)(vec + 2);
	vec[XS_WATCH_TOKEN] = vec[XS_WATCH_PATH] + pl;
	memcpy(vec[XS_WATCH_PATH], e->path, pl);
	memcpy(vec[XS_WATCH_TOKEN], e->token, tl);
	free(e->path);
	free(e->token);
	S.ev_head = (S.ev_head + 1) % FXS_EVENTS;
	S.nev--;
	return vec;
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
	if (!request(h))
		return XBT_NULL;
	if (S.in_tx) {
		/* The arbiter never nests or interleaves transactions. */
		abort();
	}
	S.in_tx = true;
	S.ntx = 0;
	return 1;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort_tx)
{
	if (!request(h))
		return false;
	if (!S.in_tx || t != 1) {
		errno = EINVAL;
		return false;
	}
	if (!abort_tx && S.eagain) {
		S.eagain--;
		tx_clear();
		errno = EAGAIN;
		return false;
	}
	if (!abort_tx)
		for (size_t i = 0; i < S.ntx; i++)
			apply(S.tx[i].path, S.tx[i].val, S.tx[i].len);
	tx_clear();
	return true;
}
