/* SPDX-License-Identifier: GPL-2.0-only */
#include "common/xs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int mxs_domain_path(char *buf, size_t size, unsigned domid, const char *rel)
{
	int n;

	if (rel && *rel)
		n = snprintf(buf, size, "/local/domain/%u/%s", domid, rel);
	else
		n = snprintf(buf, size, "/local/domain/%u", domid);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return n;
}

int mxs_transact(struct xs_handle *h, unsigned max_tries, mxs_tx_fn fn,
		 void *arg, struct mxs_tx_result *res)
{
	struct mxs_tx_result local = { 0, 0 };

	if (!res)
		res = &local;
	*res = local;
	if (max_tries == 0)
		max_tries = 1;
	while (res->attempts < max_tries) {
		xs_transaction_t t = xs_transaction_start(h);

		if (t == XBT_NULL)
			return -1;
		res->attempts++;
		if (fn(h, t, arg) < 0) {
			int saved = errno;

			xs_transaction_end(h, t, true);
			errno = saved;
			return -1;
		}
		if (xs_transaction_end(h, t, false))
			return 0;
		if (errno != EAGAIN)
			return -1;
		res->eagain++;
	}
	errno = EAGAIN;
	return -1;
}

bool mxs_conn_lost(int err)
{
	switch (err) {
	case EACCES: case EPERM: case ENOENT: case EEXIST: case EINVAL:
	case E2BIG: case EAGAIN: case ENOSPC: case EDQUOT: case EISDIR:
	case ENOTEMPTY: case EROFS: case EBUSY: case ENOMEM: case ENOSYS:
	case ESRCH: /* our own "the domain is gone" */
		return false;
	default:
		/* EPIPE, ECONNRESET, EIO, EBADF, ...: the socket or the
		 * xenbus device is gone. */
		return true;
	}
}

bool mxs_write_u64(struct xs_handle *h, xs_transaction_t t, const char *path,
		   unsigned long long v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%llu", v);

	return xs_write(h, t, path, buf, (unsigned)n);
}
