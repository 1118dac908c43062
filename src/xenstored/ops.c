/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The requests of the test xenstored (TEST INFRASTRUCTURE, see xsd.h),
 * with the argument checks, error codes and side effects of xenstored 4.17
 * (xenstored_core.c do_*): a handler parses its arguments, answers itself
 * on success and returns an errno for the ERROR reply otherwise; the tree
 * work is in nodeops.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored/xsd_int.h"

struct req {
	struct view v;
	struct conn *c;
	const struct xsd_sockmsg *hdr;
	char *buf;      /* payload; buf[len] is a spare nul */
	unsigned len;
};

/* Length (with its nul) of the string at off, 0 if it has no nul. */
static unsigned string_at(const struct req *r, unsigned off)
{
	const char *nul;

	if (off >= r->len)
		return 0;
	nul = memchr(r->buf + off, 0, r->len - off);
	return nul ? (unsigned)(nul - (r->buf + off)) + 1 : 0;
}

/* xenstored's get_strings(): the number of nul-terminated strings, the
 * first num of them in vec. Bytes after the last nul are ignored. */
static unsigned get_strings(const struct req *r, char **vec, unsigned num)
{
	unsigned off = 0, i = 0, len;

	while ((len = string_at(r, off)) != 0) {
		if (i < num)
			vec[i] = r->buf + off;
		i++;
		off += len;
	}
	return i;
}

static unsigned count_nuls(const char *p, unsigned len)
{
	unsigned n = 0;

	for (unsigned i = 0; i < len; i++)
		n += p[i] == '\0';
	return n;
}

/* Exactly one string, nul at the very end. */
static const char *onearg(const struct req *r)
{
	if (!r->len || string_at(r, 0) != r->len)
		return NULL;
	return r->buf;
}

static bool unpriv(const struct view *v)
{
	return conn_is_unprivileged(v->conn);
}

static void ack(struct req *r)
{
	conn_reply(r->c, r->hdr, r->hdr->type, "OK", sizeof("OK"));
}

/* The node a one-path request names, readable by the caller; NULL with
 * *err set otherwise. READ, DIRECTORY and GET_PERMS start alike. */
static struct node *readable_node(struct req *r, int *err)
{
	char *name;
	struct node *n;

	if (!onearg(r)) {
		*err = EINVAL;
		return NULL;
	}
	name = path_canonical(r->c, r->buf);
	n = node_get_checked(&r->v, name, XSD_PERM_READ);
	free(name);
	if (!n)
		*err = errno;
	return n;
}

static int do_read(struct req *r)
{
	int err;
	struct node *n = readable_node(r, &err);

	if (!n)
		return err;
	conn_reply(r->c, r->hdr, XS_READ, n->value, n->vlen);
	return 0;
}

static int do_directory(struct req *r)
{
	int err;
	struct node *n = readable_node(r, &err);

	if (!n)
		return err;
	conn_reply(r->c, r->hdr, XS_DIRECTORY, n->children, n->childlen);
	return 0;
}

/* <gen>|<children from byte offset>, as many whole names as fit; the last
 * part ends with an empty name (xenstored's send_directory_part()). */
static int do_directory_part(struct req *r)
{
	char gen[24], *name, *data;
	unsigned off, len = 0, maxlen, genlen;
	const char *child;
	struct node *n;

	if (count_nuls(r->buf, r->len) != 2)
		return EINVAL;
	name = path_canonical(r->c, r->buf);
	n = node_get_checked(&r->v, name, XSD_PERM_READ);
	free(name);
	if (!n)
		return errno;
	off = xsd_atou(r->buf + strlen(r->buf) + 1);
	genlen = (unsigned)snprintf(gen, sizeof(gen), "%" PRIu64, n->generation) + 1;
	if (off >= n->childlen) {
		char empty[sizeof(gen) + 1];

		memcpy(empty, gen, genlen);
		empty[genlen] = '\0';
		conn_reply(r->c, r->hdr, XS_DIRECTORY_PART, empty, genlen + 1);
		return 0;
	}
	maxlen = XENSTORE_PAYLOAD_MAX - genlen - 1;
	child = n->children + off;
	while (len + strlen(child) < maxlen) {
		len += (unsigned)strlen(child) + 1;
		child += strlen(child) + 1;
		if (off + len == n->childlen)
			break;
	}
	data = xsd_alloc(genlen + len + 1);
	memcpy(data, gen, genlen);
	memcpy(data + genlen, n->children + off, len);
	if (off + len == n->childlen)
		data[genlen + len++] = '\0';
	conn_reply(r->c, r->hdr, XS_DIRECTORY_PART, data, genlen + len);
	free(data);
	return 0;
}

static int do_get_perms(struct req *r)
{
	char *out, buf[16];
	unsigned used = 0;
	int err;
	struct node *n = readable_node(r, &err);

	if (!n)
		return err;
	out = xsd_alloc(n->nperms * sizeof(buf));
	for (unsigned i = 0; i < n->nperms; i++) {
		perm_format(&n->perms[i], buf, sizeof(buf));
		memcpy(out + used, buf, strlen(buf) + 1);
		used += (unsigned)strlen(buf) + 1;
	}
	conn_reply(r->c, r->hdr, XS_GET_PERMS, out, used);
	free(out);
	return 0;
}

static int do_write(struct req *r)
{
	char *vec[1], *name;
	unsigned off;
	int err;

	if (get_strings(r, vec, 1) < 1)
		return EINVAL;
	off = (unsigned)strlen(vec[0]) + 1;
	name = path_canonical(r->c, vec[0]);
	err = op_write(&r->v, name, r->buf + off, r->len - off);
	free(name);
	if (!err)
		ack(r);
	return err;
}

/* MKDIR and RM: one path, one operation, "OK". */
static int one_path_op(struct req *r, int (*op)(struct view *v, const char *path))
{
	char *name;
	int err;

	if (!onearg(r))
		return EINVAL;
	name = path_canonical(r->c, r->buf);
	err = op(&r->v, name);
	free(name);
	if (!err)
		ack(r);
	return err;
}

static int do_mkdir(struct req *r)
{
	return one_path_op(r, op_mkdir);
}

static int do_rm(struct req *r)
{
	return one_path_op(r, op_rm);
}

static int do_set_perms(struct req *r)
{
	unsigned num = count_nuls(r->buf, r->len);
	struct xsd_perm *perms;
	char *name;
	int err;

	if (num < 2)
		return EINVAL;
	num--;
	if (unpriv(&r->v) && num > XSD_QUOTA_PERMS)
		return ENOSPC;
	perms = xsd_alloc(num * sizeof(*perms));
	if (!perms_parse(r->buf + strlen(r->buf) + 1, num, perms)) {
		free(perms);
		return EINVAL;
	}
	name = path_canonical(r->c, r->buf);
	err = op_set_perms(&r->v, name, perms, num);
	free(name);
	free(perms);
	if (!err)
		ack(r);
	return err;
}

static int do_watch(struct req *r)
{
	char *vec[2];
	int err;

	if (get_strings(r, vec, 2) != 2)
		return EINVAL;
	err = watch_add(r->c, vec[0], vec[1]);
	if (err)
		return err;
	ack(r);
	/* xenstored fires a new watch once at once, path as given. */
	conn_event(r->c, vec[0], vec[1]);
	return 0;
}

static int do_unwatch(struct req *r)
{
	char *vec[2];
	int err;

	if (get_strings(r, vec, 2) != 2)
		return EINVAL;
	err = watch_remove(r->c, vec[0], vec[1]);
	if (!err)
		ack(r);
	return err;
}

static int do_transaction_start(struct req *r)
{
	char id[16];
	struct txn *t;

	if (r->v.tx)
		return EBUSY;   /* no nesting */
	if (unpriv(&r->v) && r->c->ntxns > XSD_QUOTA_TRANSACTIONS)
		return ENOSPC;
	t = txn_start(r->c);
	snprintf(id, sizeof(id), "%u", txn_id(t));
	conn_reply(r->c, r->hdr, XS_TRANSACTION_START, id, (unsigned)strlen(id) + 1);
	return 0;
}

static int do_transaction_end(struct req *r)
{
	const char *arg = onearg(r);
	int err;

	if (!arg || (strcmp(arg, "T") && strcmp(arg, "F")))
		return EINVAL;
	if (!r->v.tx)
		return ENOENT;
	err = txn_end(r->v.x, r->c, r->v.tx, arg[0] == 'T');
	r->v.tx = NULL;
	if (!err)
		ack(r);
	return err;
}

static int do_get_domain_path(struct req *r)
{
	char *path;

	if (!onearg(r))
		return EINVAL;
	path = domain_home(xsd_atou(r->buf));
	conn_reply(r->c, r->hdr, XS_GET_DOMAIN_PATH, path, (unsigned)strlen(path) + 1);
	free(path);
	return 0;
}

static int do_is_domain_introduced(struct req *r)
{
	const struct domain *d;
	unsigned domid;
	bool yes;

	if (!onearg(r))
		return EINVAL;
	domid = xsd_atou(r->buf);
	d = domain_find(r->v.x, domid);
	yes = domid == XSD_DOMID_SELF || domid == 0 || (d && d->introduced);
	conn_reply(r->c, r->hdr, XS_IS_DOMAIN_INTRODUCED, yes ? "T" : "F", 2);
	return 0;
}

/* <domid>|<gfn>|<evtchn>|: no ring here, only the bookkeeping. */
static int do_introduce(struct req *r)
{
	char *vec[3];
	int err;

	if (get_strings(r, vec, 3) < 3)
		return EINVAL;
	if (xsd_atou(vec[2]) == 0)
		return EINVAL;
	err = domain_introduce_wire(r->v.x, xsd_atou(vec[0]));
	if (!err)
		ack(r);
	return err;
}

/* xenstored's onearg_domain(): dom0 is EINVAL, unknown ENOENT. */
static int onearg_domain(struct req *r, unsigned *domid)
{
	const struct domain *d;

	if (!onearg(r))
		return EINVAL;
	*domid = xsd_atou(r->buf);
	if (!*domid)
		return EINVAL;
	d = domain_find(r->v.x, *domid);
	return d && d->introduced ? 0 : ENOENT;
}

static int do_release(struct req *r)
{
	unsigned domid;
	int err = onearg_domain(r, &domid);

	if (!err)
		err = domain_release_wire(r->v.x, domid);
	if (!err)
		ack(r);
	return err;
}

static int do_resume(struct req *r)
{
	unsigned domid;
	int err = onearg_domain(r, &domid);

	if (!err)
		ack(r);
	return err;
}

static int do_set_target(struct req *r)
{
	char *vec[2];
	struct domain *d, *t;

	if (get_strings(r, vec, 2) < 2)
		return EINVAL;
	d = domain_find(r->v.x, xsd_atou(vec[0]));
	t = domain_find(r->v.x, xsd_atou(vec[1]));
	if (!d || !d->introduced || !t || !t->introduced)
		return ENOENT;
	d->target = (int)t->domid;
	ack(r);
	return 0;
}

static int do_reset_watches(struct req *r)
{
	watch_free_all(r->c);
	txn_free_all(r->c);
	r->v.tx = NULL;
	ack(r);
	return 0;
}

/* CONTROL is optional (xenstore.txt); its commands are xenstored's own. */
static int do_control(struct req *r)
{
	return ENOSYS;
}

#define NOTID 1u   /* the tx_id of the header is ignored */
#define PRIV  2u   /* dom0 only */

static const struct {
	const char *name;
	int (*fn)(struct req *r);
	unsigned flags;
} wire[XS_TYPE_COUNT] = {
	[XS_CONTROL]              = { "CONTROL", do_control, PRIV },
	[XS_DIRECTORY]            = { "DIRECTORY", do_directory, 0 },
	[XS_READ]                 = { "READ", do_read, 0 },
	[XS_GET_PERMS]            = { "GET_PERMS", do_get_perms, 0 },
	[XS_WATCH]                = { "WATCH", do_watch, NOTID },
	[XS_UNWATCH]              = { "UNWATCH", do_unwatch, NOTID },
	[XS_TRANSACTION_START]    = { "TRANSACTION_START", do_transaction_start, 0 },
	[XS_TRANSACTION_END]      = { "TRANSACTION_END", do_transaction_end, 0 },
	[XS_INTRODUCE]            = { "INTRODUCE", do_introduce, PRIV },
	[XS_RELEASE]              = { "RELEASE", do_release, PRIV },
	[XS_GET_DOMAIN_PATH]      = { "GET_DOMAIN_PATH", do_get_domain_path, 0 },
	[XS_WRITE]                = { "WRITE", do_write, 0 },
	[XS_MKDIR]                = { "MKDIR", do_mkdir, 0 },
	[XS_RM]                   = { "RM", do_rm, 0 },
	[XS_SET_PERMS]            = { "SET_PERMS", do_set_perms, 0 },
	[XS_WATCH_EVENT]          = { "WATCH_EVENT", NULL, 0 },
	[XS_ERROR]                = { "ERROR", NULL, 0 },
	[XS_IS_DOMAIN_INTRODUCED] = { "IS_DOMAIN_INTRODUCED", do_is_domain_introduced, PRIV },
	[XS_RESUME]               = { "RESUME", do_resume, PRIV },
	[XS_SET_TARGET]           = { "SET_TARGET", do_set_target, PRIV },
	[XS_RESET_WATCHES]        = { "RESET_WATCHES", do_reset_watches, 0 },
	[XS_DIRECTORY_PART]       = { "DIRECTORY_PART", do_directory_part, 0 },
};

const char *xsd_type_name(uint32_t type)
{
	if (type < XS_TYPE_COUNT && wire[type].name)
		return wire[type].name;
	return "UNKNOWN";
}

void ops_dispatch(struct conn *c, const struct xsd_sockmsg *hdr, char *payload)
{
	struct xsd *x = c->x;
	uint32_t type = hdr->type;
	int err = 0;

	x->stats.requests++;
	if (type < XS_TYPE_COUNT)
		x->stats.by_type[type]++;
	if (type >= XS_TYPE_COUNT || !wire[type].fn) {
		err = ENOSYS;
	} else if ((wire[type].flags & PRIV) && conn_is_unprivileged(c)) {
		err = EACCES;
	} else {
		struct req r = {
			.v = { .x = x, .conn = c, .tx = NULL },
			.c = c, .hdr = hdr, .buf = payload, .len = hdr->len,
		};

		if (!(wire[type].flags & NOTID) && hdr->tx_id) {
			r.v.tx = txn_lookup(c, hdr->tx_id);
			if (!r.v.tx)
				err = ENOENT;
		}
		if (!err)
			err = wire[type].fn(&r);
	}
	if (err)
		conn_error(c, hdr, err);
	if (x->verbose)
		fprintf(stderr, "xsd: dom%u %s tx=%u \"%.*s\" -> %s\n", c->domid,
			xsd_type_name(type), hdr->tx_id,
			(int)strnlen(payload, 80), payload,
			err ? xsd_errname(err) : "OK");
}

