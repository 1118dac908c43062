/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor as the arbiter sees it: one interface, two backends.
 *
 *   xen (hv_xen.c): libxenctrl for the host's free/claimed memory, the
 *       domain list with tot_pages/max_pages/flags, maxmem and PoD
 *       targets; libxenlight for the domain type (PV, PVH, HVM).
 *   sim (hv_sim.c): a simulated host whose domains follow their
 *       memory/target at a bounded balloon rate. It introduces its domains
 *       into a (test) xenstored with libxl's layout through the real
 *       libxenstore, so the arbiter's xenstore side is exactly the same.
 *
 * xenstore is not behind this interface: the arbiter talks to xenstored
 * through libxenstore with either backend.
 */
#ifndef MEMBAL_ARBITER_HV_H
#define MEMBAL_ARBITER_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/domid.h"

enum hv_dom_type { HV_TYPE_PV, HV_TYPE_PVH, HV_TYPE_HVM, HV_TYPE_UNKNOWN };

/* One domain, from xc_domain_getinfolist (or the simulator). */
struct hv_domain {
	uint32_t domid;
	uint64_t tot_kb;        /* tot_pages * 4: what the domain holds */
	uint64_t max_kb;        /* max_pages * 4: Xen's maxmem */
	uint64_t outstanding_kb;/* the domain's outstanding claim */
	bool dying;             /* XEN_DOMINF_dying */
	bool shutdown;          /* XEN_DOMINF_shutdown */
	bool paused;            /* XEN_DOMINF_paused */
	bool hvm_container;     /* XEN_DOMINF_hvm_guest: HVM or PVH */
};

struct hv_host {
	uint64_t total_kb;
	uint64_t free_kb;        /* free_pages * 4 */
	uint64_t scrub_kb;       /* pages still being scrubbed (not free yet) */
	uint64_t outstanding_kb; /* claims made with XENMEM_claim_pages */
};

struct hv;

struct hv_ops {
	const char *name;
	int (*host)(struct hv *hv, struct hv_host *out);
	/* Fill up to cap domains in domid order; *n gets the count. When the
	 * host has more than cap, returns -1 with errno ENOBUFS. */
	int (*list)(struct hv *hv, struct hv_domain *out, size_t cap, size_t *n);
	int (*set_maxmem)(struct hv *hv, uint32_t domid, uint64_t max_kb);
	/* One domain's maxmem now (max_pages * 4), read again just before a
	 * raise (maxcap.h); NULL: not checked. */
	int (*maxmem)(struct hv *hv, uint32_t domid, uint64_t *max_kb);
	int (*set_pod_target)(struct hv *hv, uint32_t domid, uint64_t pages);
	/* PV / PVH / HVM: libxl_domain_info's domain_type for xen. */
	enum hv_dom_type (*dom_type)(struct hv *hv, uint32_t domid);
	/* Let simulated time pass (sim only; NULL for xen). */
	void (*advance)(struct hv *hv, uint64_t now_ms);
	void (*close)(struct hv *hv);
};

struct hv {
	const struct hv_ops *ops;
	void *priv;
};

/* maxmem follows the target (design.md §Maxmem, PoD and the videoram offset): target + offset +
 * 1 MiB, where offset is videoram for HVM and 0 otherwise. */
static inline uint64_t hv_maxmem_for(uint64_t target_kb, uint64_t offset_kb)
{
	return target_kb + offset_kb + 1024;
}

/* What libxl passes to xc_domain_set_pod_target for a target: pages of
 * (target + 1 MiB), libxl_set_memory_target's arithmetic. */
static inline uint64_t hv_pod_pages_for(uint64_t target_kb)
{
	return (target_kb + 1024) / 4;
}

/* hv_xen.c */
int hv_xen_open(struct hv *hv);

#endif
