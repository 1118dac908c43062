/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the test xenstored (TEST INFRASTRUCTURE, see xsd.h).
 *
 * One mutex (xsd.lock) covers everything below; the server thread holds
 * it except while it sleeps in poll(), the API functions take it.
 *
 *   store.c   the tree: nodes in a hash table by path, children kept as
 *             xenstored keeps them (nul-separated names in creation order),
 *             path rules, permission strings, perm_for_conn()
 *   txn.c     the view every operation reads and writes through: global
 *             tree or a transaction's copies; commit with conflict check
 *   nodeops.c write, mkdir, rm, set-perms with xenstored's checks, quotas
 *             and watch events; the initial tree; the dump
 *   ops.c     the requests (READ, WRITE, ... ): arguments, replies, dispatch
 *   watch.c   watches and WATCH_EVENT delivery with the permission filter
 *   domain.c  domains: accounting, @introduceDomain/@releaseDomain, the
 *             libxl layout, release
 *   conn.c    sockets, connections, message framing, the server thread
 *   api.c     the public functions of xsd.h
 */
#ifndef MEMBAL_TEST_XSD_INT_H
#define MEMBAL_TEST_XSD_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/domid.h"
#include "xenstored/xsd.h"

/* xenstored's defaults (xenstored_core.c, 4.17). */
#define XSD_QUOTA_NODES        1000   /* nodes a domain may own */
#define XSD_QUOTA_NODE_BYTES   2048   /* size of one node record */
#define XSD_QUOTA_WATCHES      128    /* per domain = per connection here */
#define XSD_QUOTA_TRANSACTIONS 10     /* per connection */
#define XSD_QUOTA_PERMS        5      /* entries per node */
#define XSD_QUOTA_TX_NODES     1024   /* nodes one transaction may touch */
#define XSD_PATH_MAX_REL       2048   /* XENSTORE_REL_PATH_MAX */

/* xenstored's tdb record: a 24-byte header (generation, num_perms,
 * datalen, childlen, padded), 8 bytes a permission, value, children. The
 * node-size quota applies to this size, not to the value alone. */
#define XSD_RECORD_HDR   24
#define XSD_RECORD_PERM  8

#define XSD_NO_GEN UINT64_MAX  /* generation of a node that does not exist */

#define XSD_DOMID_SELF 0x7FF0u

/* Bits as in xenstore_lib.h. */
#define XSD_PERM_NONE   0x00u
#define XSD_PERM_READ   0x01u
#define XSD_PERM_WRITE  0x02u
#define XSD_PERM_OWNER  0x08u
#define XSD_PERM_IGNORE 0x10u   /* entry for a domain that is gone */

struct xsd_perm {
	unsigned id;
	unsigned perms;
};

struct node {
	char *path;
	uint64_t generation;
	struct xsd_perm *perms;    /* [0] is the owner and the default */
	unsigned nperms;
	char *value;               /* binary, not nul-terminated */
	unsigned vlen;
	char *children;            /* "a\0b\0" in creation order */
	unsigned childlen;
	bool in_store;             /* owned by the global hash table */
	struct node *hnext;
};

struct store {
	struct node **buckets;
	size_t nbuckets;           /* power of two */
	size_t count;
};

struct watch {
	char *node;                /* canonical path or @special */
	char *token;
	bool relative;             /* given relative to the connection's home */
	struct watch *next;
	/* in x->wtab by node (watch.c), to find a path's watches without
	 * looking at every connection's */
	struct conn *conn;
	uint64_t seq;              /* order of setting, over all connections */
	size_t hash;
	struct watch *hnext;
};

struct outmsg {
	struct outmsg *next;
	uint32_t len;              /* header + payload */
	uint32_t off;              /* bytes already sent */
	bool is_event;
	char data[];
};

struct txn;

struct conn {
	struct xsd *x;
	int fd;
	unsigned domid;            /* 0 on the main socket */
	bool dead;                 /* dropped; freed by the server thread */
	/* Bytes received: whole requests are handled as soon as they are
	 * complete; room for one of the largest, plus a spare nul. */
	unsigned char in[2 * (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX) + 1];
	unsigned inlen;
	struct outmsg *out_head, *out_tail;
	size_t out_bytes;
	struct watch *watches;
	unsigned nwatches;
	struct txn *txns;
	unsigned ntxns;
	uint32_t next_txid;
	uint32_t ep_events;        /* what epoll is asked to report now */
	uint64_t seq;              /* order of acceptance (x->conns order) */
	struct conn *next;
	/* On x->touched: read from or queued to since the server thread
	 * last flushed and updated its epoll events (conn_touch). */
	bool touched;
	struct conn *touch_next;
};

struct listener {
	int fd;
	unsigned domid;
	bool is_main;
	char *path;
	struct listener *next;
};

struct domain {
	unsigned domid;
	bool exists;               /* created (libxl layout written) */
	bool introduced;
	int nbentry;               /* nodes owned */
	int target;                /* SET_TARGET, -1 if none */
	struct domain *next;
};

struct xsd {
	pthread_mutex_t lock;
	pthread_t thread;
	bool thread_started;
	bool stop;
	int wake[2];               /* pipe: API -> server thread */
	int epfd;                  /* epoll: wake pipe, listeners, connections */
	struct watch **wtab;       /* every path watch, by node (watch.c) */
	size_t wtab_size, wtab_count;  /* size: 0 or a power of two */
	uint64_t watch_seq, conn_seq;
	uint64_t *dom_events;      /* [MEMBAL_DOMID_LIMIT]: events queued to
				    * each domain's connections, ever */
	unsigned epoch;            /* bumped when fds or connections change
				    * outside the server thread */
	char *socket_path;
	char *domain_dir;
	unsigned quota_nodes;
	unsigned quota_node_bytes;
	bool verbose;
	bool refuse_relative_watches;

	struct store store;
	uint64_t generation;
	struct listener *listeners;
	struct conn *conns;
	struct conn *touched;      /* conns to flush and re-arm (conn.c) */
	unsigned dropped;          /* conns dropped, not yet reaped */
	struct domain *domains;
	struct domain **dom_index;  /* [MEMBAL_DOMID_LIMIT]: the same by domid
				     * (a write looks its owner up: a list of a
				     * thousand domains was a sixth of a
				     * 1,000-domain adoption) */
	struct xsd_perm *introduce_perms, *release_perms;
	unsigned n_introduce_perms, n_release_perms;
	unsigned fail_commits;
	struct xsd_stats stats;
};

/* Who is asking and through which transaction; conn NULL is xenstored
 * itself or a test (dom0, no transaction). */
struct view {
	struct xsd *x;
	struct conn *conn;
	struct txn *tx;
};

/* Test infrastructure: running out of memory aborts. */
void *xsd_alloc(size_t size);
void *xsd_realloc(void *p, size_t size);
char *xsd_strdup(const char *s);
void *xsd_memdup(const void *p, size_t len);
char *xsd_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* store.c */
void store_init(struct store *s);
void store_clear(struct store *s);
struct node *store_get(const struct store *s, const char *path);
void store_insert(struct store *s, struct node *n);
void store_remove(struct store *s, struct node *n);  /* does not free */
struct node *node_new(const char *path);
struct node *node_dup(const struct node *n);
void node_free(struct node *n);
void node_set_value(struct node *n, const void *value, unsigned len);
void node_set_perms(struct node *n, const struct xsd_perm *p, unsigned num);
void node_add_child(struct node *n, const char *base);
bool node_del_child(struct node *n, const char *base);
size_t node_record_size(unsigned nperms, unsigned vlen, unsigned childlen);
bool path_is_valid(const char *path);
char *path_parent(const char *path);               /* malloc'd; "/" -> "/" */
const char *path_base(const char *path);           /* not for "/" */
char *path_child(const char *parent, const char *base);
bool path_is_child(const char *child, const char *parent);
bool conn_is_unprivileged(const struct conn *c);
/* "/local/domain/<id>" of the connection (dom0 for NULL). */
void conn_home(const struct conn *c, char *buf, size_t size);
/* name as is if absolute or @special, else below the home; malloc'd. */
char *path_canonical(const struct conn *c, const char *name);
unsigned perm_for_conn(struct xsd *x, const struct conn *c,
		       const struct xsd_perm *p, unsigned num);
bool perms_parse(const char *strings, unsigned num, struct xsd_perm *out);
/* "r5" into buf (>= 16 bytes). */
void perm_format(const struct xsd_perm *p, char *buf, size_t size);
unsigned xsd_atou(const char *s);   /* atoi() as xenstored uses it, no UB */

/* txn.c */
struct node *view_get(struct view *v, const char *path);     /* errno */
int view_put(struct view *v, struct node *n);
int view_delete(struct view *v, struct node *n);
void view_account(struct view *v, unsigned owner, int delta);
void view_fail(struct view *v);
void view_node_created(struct view *v);
bool txn_queue_watch(struct txn *t, const char *path, bool exact);
struct txn *txn_lookup(struct conn *c, uint32_t id);
struct txn *txn_start(struct conn *c);
uint32_t txn_id(const struct txn *t);
/* Ends and frees t: 0, or EAGAIN/ENOSPC/ENOMEM for a refused commit. */
int txn_end(struct xsd *x, struct conn *c, struct txn *t, bool commit);
void txn_free_all(struct conn *c);

/* watch.c */
void fire_watches(struct view *v, const char *path, const struct node *n,
		  bool exact, const struct xsd_perm *old, unsigned nold);
void fire_special(struct xsd *x, const char *name);
int watch_add(struct conn *c, const char *path, const char *token);
int watch_remove(struct conn *c, const char *path, const char *token);
void watch_free_all(struct conn *c);

/* domain.c */
struct domain *domain_find(struct xsd *x, unsigned domid);
struct domain *domain_get(struct xsd *x, unsigned domid);
bool domain_exists(struct xsd *x, unsigned domid);
void domain_account(struct xsd *x, unsigned owner, int delta);
int domain_nbentry(struct xsd *x, unsigned domid);
char *domain_home(unsigned domid);
int domain_set_special_perms(struct view *v, const char *name,
			     const struct xsd_perm *p, unsigned num);
bool domain_special_readable(struct xsd *x, const struct conn *c,
			     const char *name);
int domain_introduce_wire(struct xsd *x, unsigned domid);
int domain_release_wire(struct xsd *x, unsigned domid);
int domain_introduce(struct xsd *x, unsigned domid, const char *name,
		     uint64_t target_kb, uint64_t static_max_kb);
int domain_release(struct xsd *x, unsigned domid);
/* rehome.c: old's connections act as domid from now on (xsd.h). */
int domain_rehome(struct xsd *x, unsigned old, unsigned domid);
void domain_clear_all(struct xsd *x);
void special_perms_reset(struct xsd *x);

/* ops.c */
void ops_dispatch(struct conn *c, const struct xsd_sockmsg *hdr,
		  char *payload);

/* nodeops.c: 0 or an errno, as the wire would report it. */
struct node *node_get_checked(struct view *v, const char *name,
			      unsigned perm);   /* NULL + errno */
int op_write(struct view *v, const char *path, const void *value,
	     unsigned len);
int op_mkdir(struct view *v, const char *path);
int op_rm(struct view *v, const char *path);
int op_set_perms(struct view *v, const char *path,
		 const struct xsd_perm *p, unsigned num);
void tree_init(struct xsd *x);
char *tree_dump(struct xsd *x);

/* conn.c */
void conn_reply(struct conn *c, const struct xsd_sockmsg *req,
		uint32_t type, const void *data, unsigned len);
void conn_error(struct conn *c, const struct xsd_sockmsg *req, int err);
void conn_event(struct conn *c, const char *path, const char *token);
void conn_drop(struct conn *c);
void conn_drop_domain(struct xsd *x, unsigned domid);
void conn_drop_all(struct xsd *x);
void conn_reap(struct xsd *x);
int listener_open(struct xsd *x, const char *path, unsigned domid,
		  bool is_main);
struct listener *listener_find(struct xsd *x, unsigned domid);
void listener_close(struct xsd *x, struct listener *l);
int listeners_reopen(struct xsd *x);
void server_wake(struct xsd *x);
void *server_main(void *arg);
/* Register fd with the server's epoll (tag: a listener or a connection). */
void server_watch_fd(struct xsd *x, int fd, void *who, bool is_listener,
		     uint32_t events);
void server_unwatch_fd(struct xsd *x, int fd);
const char *xsd_errname(int err);

#endif
