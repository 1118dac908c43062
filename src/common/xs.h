/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers over libxenstore shared by the agent and the arbiter.
 * libxenstore does the protocol; these only name paths, bound retries and
 * classify errors so both daemons react to a lost xenstored the same way.
 */
#ifndef MEMBAL_XS_H
#define MEMBAL_XS_H

#include <stdbool.h>
#include <stddef.h>
#include <xenstore.h>

#define MXS_PATH_MAX 256

/* "/local/domain/<domid>" or "/local/domain/<domid>/<rel>". Returns the
 * length, or -1 (ENAMETOOLONG) if it does not fit. */
int mxs_domain_path(char *buf, size_t size, unsigned domid, const char *rel);

/* Body of a transaction: do reads/writes with t, return 0, or -1 with
 * errno set to abort it. */
typedef int (*mxs_tx_fn)(struct xs_handle *h, xs_transaction_t t, void *arg);

struct mxs_tx_result {
	unsigned attempts;  /* transactions started */
	unsigned eagain;    /* commits refused with EAGAIN */
};

/* Run fn inside a transaction, retrying the whole body when the commit
 * answers EAGAIN (someone else touched what we read), at most max_tries
 * times. 0 on commit; -1 with errno: EAGAIN when retries ran out, or the
 * error of the body or of libxenstore. */
int mxs_transact(struct xs_handle *h, unsigned max_tries, mxs_tx_fn fn,
		 void *arg, struct mxs_tx_result *res);

/* True when errno after a failed libxenstore call means the connection to
 * xenstored is gone (reconnect), rather than a refusal about one node. */
bool mxs_conn_lost(int err);

/* Write a decimal value. */
bool mxs_write_u64(struct xs_handle *h, xs_transaction_t t, const char *path,
		   unsigned long long v);

#endif
