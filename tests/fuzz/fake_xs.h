/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An in-memory xenstore behind the libxenstore calls the arbiter makes
 * (xs_open, xs_close, xs_read, xs_write, xs_rm, xs_set_permissions,
 * xs_watch, xs_unwatch, xs_check_watch, xs_transaction_start/end), so that
 * fuzz_cycle runs whole arbiter cycles without a xenstored: a cycle costs
 * microseconds instead of socket round trips, and the fuzzer sees every
 * branch of cycle.c and xsio.c.
 *
 * FUZZ INFRASTRUCTURE ONLY. It keeps what the arbiter relies on:
 * values are byte strings with a length, a read of a missing node is
 * ENOENT, watches fire once when set and on every change of their node
 * or of a node below it, a transaction sees its own writes and applies
 * them only at a commit (which can be made to fail with EAGAIN), and a
 * lost connection fails every request until the handle is closed and a
 * new one opened (its watches are gone, as with a real xenstored). It
 * does not check permissions: the fuzz driver writes only what a guest
 * or an administrator could, and checks what the arbiter writes through
 * the write hook.
 */
#ifndef MEMBAL_FAKE_XS_H
#define MEMBAL_FAKE_XS_H

#include <stdbool.h>

/* Forget every node, watch, handle and fault. */
void fxs_reset(void);

/* The world's side (guests, toolstack, administrator): no hook, watches
 * fire. */
void fxs_put(const char *path, const char *val, unsigned len);
void fxs_del(const char *path);                  /* and everything below */
const char *fxs_get(const char *path, unsigned *len);  /* NULL if absent */
void fxs_fire(const char *special);              /* "@releaseDomain" ... */

/* Faults: xs_open fails; the connection dies after n more requests; the
 * next n commits answer EAGAIN. */
void fxs_fail_open(bool on);
void fxs_lose_after(unsigned n);
void fxs_eagain(unsigned n);

/* Called for every write and rm the arbiter makes through libxenstore, at
 * the moment it takes effect (commit time inside a transaction). existed
 * says whether the node was there before; val is NULL for an rm. */
typedef void (*fxs_hook_fn)(void *ctx, const char *path, const char *val,
			    unsigned len, bool existed);
void fxs_set_hook(fxs_hook_fn fn, void *ctx);

/* Called after every xs_read has been answered (found or not), outside a
 * transaction: the world may change between two of the arbiter's
 * requests, as the toolstack's transactions commit. */
typedef void (*fxs_read_fn)(void *ctx, const char *path, bool found);
void fxs_set_read_hook(fxs_read_fn fn, void *ctx);

/* Requests served since fxs_reset (any handle). */
unsigned long fxs_requests(void);

#endif
