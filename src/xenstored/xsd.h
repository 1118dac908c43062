/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsd: a xenstore server for TESTS. TEST INFRASTRUCTURE ONLY: production
 * uses the host's xenstored; nothing here is installed.
 *
 * It speaks the real xenstore wire protocol (xen/io/xs_wire.h) on unix
 * sockets, so the real libxenstore reaches it through XENSTORED_PATH, and
 * follows the semantics of Xen 4.17's C xenstored (tools/xenstore/
 * xenstored_*.c): error strings, permissions, node quotas, watches and
 * their permission filter, transactions with generation-count conflict
 * detection, DIRECTORY_PART. docs/testing.md ("Test xenstored") lists what
 * it implements and where it differs from the real daemon.
 *
 * Without Xen there are no rings: a connection on the main socket acts as
 * dom0 (privileged), a connection on <domain_socket_dir>/dom<ID> acts as
 * domain ID, so permission rules can be exercised by ordinary processes.
 *
 * The server runs in its own thread; every function below is thread-safe
 * against it. Functions returning int give 0, or -1 with errno set.
 */
#ifndef MEMBAL_TEST_XSD_H
#define MEMBAL_TEST_XSD_H

#include <stdbool.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

struct xsd;

struct xsd_options {
	const char *socket_path;        /* main socket, acts as dom0 */
	const char *domain_socket_dir;  /* NULL: no per-domain sockets; else
					 * <dir>/dom<ID> created on introduce
					 * (and by xsd_domain_socket) */
	unsigned quota_nodes;           /* 0 = default 1000 (xenstored -E) */
	unsigned quota_node_bytes;      /* 0 = default 2048 (xenstored -S) */
	bool verbose;                   /* one line per request on stderr */
	bool refuse_relative_watches;   /* EINVAL for a domain's relative
					 * watch path, as a real guest was
					 * seen answering (Xen 4.17) */
};

/* NULL + errno on failure; the sockets are listening when it returns. */
struct xsd *xsd_start(const struct xsd_options *opt);
/* Joins the thread, removes the sockets, frees everything. */
void xsd_stop(struct xsd *x);

/* What libxl writes for a new PV domain (home n0 r<id>, name, domid,
 * memory/{target,static-max,videoram} read-only to the guest, data/ attr/
 * feature/ drivers/ control/shutdown... owned by it, /vm/<uuid>,
 * /libxl/<id>/type), then fires @introduceDomain. EEXIST if introduced. */
int xsd_introduce_domain(struct xsd *x, unsigned domid, const char *name,
			 uint64_t target_kb, uint64_t static_max_kb);
/* What `xl destroy` leads to: the home, /vm/<uuid> and /libxl/<id> are
 * removed, then xenstored forgets the domain (its nodes elsewhere are
 * deleted, its permission entries ignored, its connections dropped) and
 * fires @releaseDomain. ENOENT if not introduced. */
int xsd_release_domain(struct xsd *x, unsigned domid);
/* What a guest sees when it is resumed under a new domain id (xl restore,
 * live migration): the connections of domain old stay open and act as
 * domid from now on (relative paths, permissions), their transactions are
 * gone, each of their watches fires once (the resumed kernel re-registers
 * them); old's home is removed and old released. domid's home is not
 * built: xsd_introduce_domain() it afterwards, as the toolstack does.
 * EINVAL, ENOENT (old not introduced), EEXIST (domid introduced). */
int xsd_rehome_domain(struct xsd *x, unsigned old, unsigned domid);
/* Path of that domain's socket, created if needed; NULL if no dir (or
 * on error, errno set). Valid until the domain is released or xsd_stop. */
const char *xsd_domain_socket(struct xsd *x, unsigned domid);
/* Watch events queued so far to the connections acting as domid (a
 * count that only grows): unchanged since a round trip on each of them,
 * no event can be on its way to them. */
uint64_t xsd_domain_events(struct xsd *x, unsigned domid);

/* Fault injection. */
void xsd_drop_connections(struct xsd *x);
/* The next n TRANSACTION_END(commit) answer EAGAIN (and discard). */
void xsd_fail_transactions(struct xsd *x, unsigned n);
/* Drop all connections, close and re-create the sockets; keep_tree false
 * starts from the tree a fresh xenstored + xen-init-dom0 has ("/", /tool,
 * /local/domain/0) and forgets all domains. */
int xsd_restart(struct xsd *x, bool keep_tree);

struct xsd_stats {
	uint64_t requests;                 /* every request, valid or not */
	uint64_t by_type[XS_TYPE_COUNT];   /* indexed by enum xsd_sockmsg_type */
	uint64_t tx_started, tx_committed, tx_eagain, tx_aborted;
	uint64_t watch_events;             /* WATCH_EVENT messages queued */
	unsigned connections;              /* open client connections */
	unsigned nodes;                    /* nodes in the tree */
};
void xsd_get_stats(struct xsd *x, struct xsd_stats *out);
void xsd_reset_stats(struct xsd *x);   /* counters only, not the gauges */

/* Direct tree access for tests; acts as dom0 and fires watches. */
int xsd_write(struct xsd *x, const char *path, const char *value);
char *xsd_read(struct xsd *x, const char *path);  /* malloc'd or NULL */
int xsd_rm(struct xsd *x, const char *path);
/* The whole tree, one node a line like `xenstore-ls -f -p`:
 *   /local/domain/5/memory/target = "262144"  (n0,r5)
 * malloc'd, NULL on allocation failure. */
char *xsd_dump(struct xsd *x);

/* "READ", "DIRECTORY_PART"...; "UNKNOWN" for anything else. */
const char *xsd_type_name(uint32_t type);

#endif
