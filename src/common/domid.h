/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Xen's DOMID_FIRST_RESERVED (xen/xen.h): domain ids at or above it are
 * not domains (DOMID_SELF, DOMID_IO, ...). Written once here, for the
 * code that must not include Xen's headers (the policy core, the
 * simulated host, membal's own xenstored); every bound on a domid in
 * membal is this one.
 */
#ifndef MEMBAL_COMMON_DOMID_H
#define MEMBAL_COMMON_DOMID_H

#define MEMBAL_DOMID_LIMIT 0x7FF0u

#endif
