/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tree of the test xenstored (TEST INFRASTRUCTURE, see xsd.h): nodes
 * in one hash table by full path, so a lookup costs the same at any depth
 * and a steady load stays cheap; the children of a node are kept as
 * xenstored keeps them, nul-separated names in creation order, which is
 * what DIRECTORY returns and what DIRECTORY_PART offsets count in.
 * Also the path rules and the permission arithmetic of xenstored.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored/xsd_int.h"

void *xsd_alloc(size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (!p)
		abort();
	return p;
}

void *xsd_realloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		abort();
	return p;
}

char *xsd_strdup(const char *s)
{
	return xsd_memdup(s, strlen(s) + 1);
}

void *xsd_memdup(const void *p, size_t len)
{
	char *d = xsd_alloc(len + 1);

	if (len)
		memcpy(d, p, len);
	return d;
}

char *xsd_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

static size_t hash_path(const char *s)
{
	size_t h = 2166136261u;   /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void store_init(struct store *s)
{
	s->nbuckets = 64;
	s->buckets = xsd_alloc(s->nbuckets * sizeof(*s->buckets));
	s->count = 0;
}

void store_clear(struct store *s)
{
	for (size_t i = 0; i < s->nbuckets; i++) {
		struct node *n = s->buckets[i], *next;

		for (; n; n = next) {
			next = n->hnext;
			n->in_store = false;
			node_free(n);
		}
	}
	free(s->buckets);
	s->buckets = NULL;
	s->nbuckets = 0;
	s->count = 0;
}

struct node *store_get(const struct store *s, const char *path)
{
	struct node *n = s->buckets[hash_path(path) & (s->nbuckets - 1)];

	while (n && strcmp(n->path, path))
		n = n->hnext;
	return n;
}

static void store_grow(struct store *s)
{
	size_t nb = s->nbuckets * 2;
	struct node **b = xsd_alloc(nb * sizeof(*b));

	for (size_t i = 0; i < s->nbuckets; i++) {
		struct node *n = s->buckets[i], *next;

		for (; n; n = next) {
			size_t h = hash_path(n->path) & (nb - 1);

			next = n->hnext;
			n->hnext = b[h];
			b[h] = n;
		}
	}
	free(s->buckets);
	s->buckets = b;
	s->nbuckets = nb;
}

void store_insert(struct store *s, struct node *n)
{
	size_t h;

	if (s->count >= s->nbuckets)
		store_grow(s);
	h = hash_path(n->path) & (s->nbuckets - 1);
	n->hnext = s->buckets[h];
	s->buckets[h] = n;
	n->in_store = true;
	s->count++;
}

void store_remove(struct store *s, struct node *n)
{
	struct node **pp = &s->buckets[hash_path(n->path) & (s->nbuckets - 1)];

	while (*pp && *pp != n)
		pp = &(*pp)->hnext;
	if (*pp) {
		*pp = n->hnext;
		s->count--;
	}
	n->hnext = NULL;
	n->in_store = false;
}

struct node *node_new(const char *path)
{
	struct node *n = xsd_alloc(sizeof(*n));

	n->path = xsd_strdup(path);
	n->generation = XSD_NO_GEN;
	return n;
}

struct node *node_dup(const struct node *o)
{
	struct node *n = node_new(o->path);

	n->generation = o->generation;
	node_set_perms(n, o->perms, o->nperms);
	node_set_value(n, o->value, o->vlen);
	n->children = o->childlen ? xsd_memdup(o->children, o->childlen) : NULL;
	n->childlen = o->childlen;
	return n;
}

void node_free(struct node *n)
{
	if (!n)
		return;
	free(n->path);
	free(n->perms);
	free(n->value);
	free(n->children);
	free(n);
}

void node_set_value(struct node *n, const void *value, unsigned len)
{
	free(n->value);
	n->value = len ? xsd_memdup(value, len) : NULL;
	n->vlen = len;
}

void node_set_perms(struct node *n, const struct xsd_perm *p, unsigned num)
{
	free(n->perms);
	n->perms = xsd_alloc(num * sizeof(*p));
	memcpy(n->perms, p, num * sizeof(*p));
	n->nperms = num;
}

void node_add_child(struct node *n, const char *base)
{
	size_t len = strlen(base) + 1;

	n->children = xsd_realloc(n->children, n->childlen + len);
	memcpy(n->children + n->childlen, base, len);
	n->childlen += len;
}

bool node_del_child(struct node *n, const char *base)
{
	for (unsigned off = 0; off < n->childlen;) {
		size_t len = strlen(n->children + off) + 1;

		if (!strcmp(n->children + off, base)) {
			memmove(n->children + off, n->children + off + len,
				n->childlen - off - len);
			n->childlen -= len;
			return true;
		}
		off += len;
	}
	return false;
}

size_t node_record_size(unsigned nperms, unsigned vlen, unsigned childlen)
{
	return XSD_RECORD_HDR + (size_t)nperms * XSD_RECORD_PERM + vlen +
	       childlen;
}

/* xenstored's is_valid_nodename(): absolute, no "//", no trailing '/',
 * characters [A-Za-z0-9-/_@], at most 2048 characters below the
 * "/local/domain/<id>/" prefix. */
bool path_is_valid(const char *path)
{
	static const char prefix[] = "/local/domain/";
	size_t len = strlen(path), local_off = 0;

	if (path[0] != '/')
		return false;
	if (len > 1 && path[len - 1] == '/')
		return false;
	if (strstr(path, "//"))
		return false;
	if (!strncmp(path, prefix, sizeof(prefix) - 1)) {
		size_t i = sizeof(prefix) - 1, digits = 0;

		while (digits < 5 && path[i] >= '0' && path[i] <= '9') {
			i++;
			digits++;
		}
		if (digits && path[i] == '/')
			local_off = i + 1;
	}
	if (len > local_off + XSD_PATH_MAX_REL)
		return false;
	return strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz"
			    "0123456789-/_@") == len;
}

char *path_parent(const char *path)
{
	const char *slash = strrchr(path + 1, '/');

	if (!slash)
		return xsd_strdup("/");
	return xsd_memdup(path, (size_t)(slash - path));
}

const char *path_base(const char *path)
{
	return strrchr(path, '/') + 1;
}

char *path_child(const char *parent, const char *base)
{
	if (!strcmp(parent, "/"))
		return xsd_printf("/%s", base);
	return xsd_printf("%s/%s", parent, base);
}

/* The event path `child` concerns the watch on `parent`. */
bool path_is_child(const char *child, const char *parent)
{
	size_t len = strlen(parent);

	if (!strcmp(parent, "/"))
		return true;
	if (strncmp(child, parent, len))
		return false;
	return child[len] == '/' || child[len] == '\0';
}

bool conn_is_unprivileged(const struct conn *c)
{
	return c && c->domid != 0;
}

void conn_home(const struct conn *c, char *buf, size_t size)
{
	snprintf(buf, size, "/local/domain/%u", c ? c->domid : 0);
}

char *path_canonical(const struct conn *c, const char *name)
{
	char home[32];

	if (name[0] == '/' || name[0] == '@')
		return xsd_strdup(name);
	conn_home(c, home, sizeof(home));
	return xsd_printf("%s/%s", home, name);
}

/* xenstored's perm_for_conn(): dom0 and the owner get everything
 * (including the right to change permissions), anyone else the first
 * entry naming it, else the owner entry's default. A domain with a
 * SET_TARGET is treated like its target. */
unsigned perm_for_conn(struct xsd *x, const struct conn *c,
		       const struct xsd_perm *p, unsigned num)
{
	const unsigned all = XSD_PERM_READ | XSD_PERM_WRITE | XSD_PERM_OWNER;
	const struct domain *d;
	int target = -1;

	if (!conn_is_unprivileged(c) || num == 0)
		return all;
	d = domain_find(x, c->domid);
	if (d)
		target = d->target;
	if (p[0].id == c->domid || (target >= 0 && p[0].id == (unsigned)target))
		return all;
	for (unsigned i = 1; i < num; i++)
		if (!(p[i].perms & XSD_PERM_IGNORE) &&
		    (p[i].id == c->domid ||
		     (target >= 0 && p[i].id == (unsigned)target)))
			return p[i].perms & all;
	return p[0].perms & all;
}

/* libxenstore's xs_strings_to_perms(), which xenstored uses: a letter,
 * then a number as strtol(.., 0) reads it, nothing after it. */
bool perms_parse(const char *strings, unsigned num, struct xsd_perm *out)
{
	const char *p = strings;

	for (unsigned i = 0; i < num; i++) {
		char *end;

		switch (*p) {
		case 'r': out[i].perms = XSD_PERM_READ; break;
		case 'w': out[i].perms = XSD_PERM_WRITE; break;
		case 'b': out[i].perms = XSD_PERM_READ | XSD_PERM_WRITE; break;
		case 'n': out[i].perms = XSD_PERM_NONE; break;
		default: return false;
		}
		p++;
		out[i].id = (unsigned)strtol(p, &end, 0);
		if (*end || !*p)
			return false;
		p = end + 1;
	}
	return true;
}

void perm_format(const struct xsd_perm *p, char *buf, size_t size)
{
	static const char letter[] = { 'n', 'r', 'w', 'b' };

	snprintf(buf, size, "%c%i",
		 letter[p->perms & (XSD_PERM_READ | XSD_PERM_WRITE)],
		 (int)p->id);
}

/* xenstored reads domids and offsets with atoi(); garbage is 0 there and
 * here, but a long string of digits saturates instead of being UB. */
unsigned xsd_atou(const char *s)
{
	long long v = 0;
	bool neg = false;

	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++)
		if (v < 0x7fffffff)
			v = v * 10 + (*s - '0');
	if (v > 0x7fffffff)
		v = 0x7fffffff;
	return (unsigned)(int)(neg ? -v : v);
}
