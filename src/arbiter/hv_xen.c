/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xen backend of hv.h. Which library does what, and why:
 *   libxenctrl  xc_physinfo          host free/scrub/claimed pages (the
 *                                    budget F_h starts here)
 *               xc_domain_getinfolist  every domain's tot_pages (N_i),
 *                                    max_pages (maxmem) and flags, in one
 *                                    hypercall batch per cycle
 *               xc_domain_setmaxmem  maxmem = target + offset + 1 MiB
 *               xc_domain_set_pod_target  non-PV domUs, as libxl does
 *   libxenlight libxl_domain_info    PV or HVM container. Its domain_type
 *                                    comes from XEN_DOMINF_hvm_guest too, so
 *                                    a PVH guest is listed as HVM (seen on
 *                                    real Xen 4.17); xsio_read_layout then
 *                                    reads libxl's /libxl/<id>/type
 * libxl_set_memory_target is deliberately not used for the target: it
 * reads and writes xenstore itself and sets maxmem after the target,
 * while we need maxmem raised first and one transaction-free write we can
 * tell apart from an administrator's.
 */
#include "arbiter/hv_xen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libxl.h>
#include <xentoollog.h>

struct hv_xen {
	xc_interface *xch;
	libxl_ctx *ctx;
	xentoollog_logger_stdiostream *logger;
	xc_domaininfo_t *info;
	size_t info_cap;
};

#define PAGE_KB (XC_PAGE_SIZE / 1024)

void hv_xen_decode_domain(const xc_domaininfo_t *in, struct hv_domain *out)
{
	memset(out, 0, sizeof(*out));
	out->domid = in->domain;
	out->tot_kb = (uint64_t)in->tot_pages * PAGE_KB;
	/* max_pages is ~0 for "no limit" on some domains (dom0 without
	 * dom0_mem max): keep it from overflowing. */
	out->max_kb = in->max_pages > UINT64_MAX / PAGE_KB ? UINT64_MAX
							   : (uint64_t)in->max_pages * PAGE_KB;
	out->outstanding_kb = (uint64_t)in->outstanding_pages * PAGE_KB;
	out->dying = in->flags & XEN_DOMINF_dying;
	out->shutdown = in->flags & XEN_DOMINF_shutdown;
	out->paused = in->flags & XEN_DOMINF_paused;
	out->hvm_container = in->flags & XEN_DOMINF_hvm_guest;
}

void hv_xen_decode_physinfo(const xc_physinfo_t *in, struct hv_host *out)
{
	out->total_kb = (uint64_t)in->total_pages * PAGE_KB;
	out->free_kb = (uint64_t)in->free_pages * PAGE_KB;
	out->scrub_kb = (uint64_t)in->scrub_pages * PAGE_KB;
	out->outstanding_kb = (uint64_t)in->outstanding_pages * PAGE_KB;
}

static int xen_host(struct hv *hv, struct hv_host *out)
{
	struct hv_xen *x = hv->priv;
	xc_physinfo_t pi;

	memset(&pi, 0, sizeof(pi));
	if (xc_physinfo(x->xch, &pi) < 0)
		return -1;
	hv_xen_decode_physinfo(&pi, out);
	return 0;
}

static int xen_list(struct hv *hv, struct hv_domain *out, size_t cap, size_t *n)
{
	struct hv_xen *x = hv->priv;
	int got;

	if (cap > x->info_cap) {
		xc_domaininfo_t *ni = realloc(x->info, cap * sizeof(*ni));

		if (!ni)
			return -1;
		x->info = ni;
		x->info_cap = cap;
	}
	got = xc_domain_getinfolist(x->xch, 0, (unsigned)cap, x->info);
	if (got < 0)
		return -1;
	for (int i = 0; i < got; i++)
		hv_xen_decode_domain(&x->info[i], &out[i]);
	*n = (size_t)got;
	/* A full buffer may hide more domains: ask for the next one. */
	if ((size_t)got == cap) {
		xc_domaininfo_t extra;

		if (xc_domain_getinfolist(x->xch, x->info[got - 1].domain + 1, 1, &extra) == 1) {
			errno = ENOBUFS;
			return -1;
		}
	}
	return 0;
}

static int xen_set_maxmem(struct hv *hv, uint32_t domid, uint64_t max_kb)
{
	struct hv_xen *x = hv->priv;

	return xc_domain_setmaxmem(x->xch, domid, max_kb);
}

static int xen_maxmem(struct hv *hv, uint32_t domid, uint64_t *max_kb)
{
	struct hv_xen *x = hv->priv;
	xc_domaininfo_t info;
	struct hv_domain d;

	if (xc_domain_getinfolist(x->xch, domid, 1, &info) != 1 || info.domain != domid) {
		errno = ESRCH;
		return -1;
	}
	hv_xen_decode_domain(&info, &d);
	*max_kb = d.max_kb;
	return 0;
}

static int xen_set_pod_target(struct hv *hv, uint32_t domid, uint64_t pages)
{
	struct hv_xen *x = hv->priv;

	return xc_domain_set_pod_target(x->xch, domid, pages, NULL, NULL, NULL);
}

static enum hv_dom_type xen_dom_type(struct hv *hv, uint32_t domid)
{
	struct hv_xen *x = hv->priv;
	libxl_dominfo info;
	enum hv_dom_type t = HV_TYPE_UNKNOWN;

	libxl_dominfo_init(&info);
	if (libxl_domain_info(x->ctx, &info, domid) == 0) {
		switch (info.domain_type) {
		case LIBXL_DOMAIN_TYPE_PV: t = HV_TYPE_PV; break;
		case LIBXL_DOMAIN_TYPE_PVH: t = HV_TYPE_PVH; break;
		case LIBXL_DOMAIN_TYPE_HVM: t = HV_TYPE_HVM; break;
		default: break;
		}
	}
	libxl_dominfo_dispose(&info);
	return t;
}

static void xen_close(struct hv *hv)
{
	struct hv_xen *x = hv->priv;

	if (!x)
		return;
	if (x->ctx)
		libxl_ctx_free(x->ctx);
	if (x->xch)
		xc_interface_close(x->xch);
	if (x->logger)
		xtl_logger_destroy((xentoollog_logger *)x->logger);
	free(x->info);
	free(x);
	hv->priv = NULL;
}

static const struct hv_ops xen_ops = {
	.name = "xen",
	.host = xen_host,
	.list = xen_list,
	.set_maxmem = xen_set_maxmem,
	.maxmem = xen_maxmem,
	.set_pod_target = xen_set_pod_target,
	.dom_type = xen_dom_type,
	.advance = NULL,
	.close = xen_close,
};

int hv_xen_open(struct hv *hv)
{
	struct hv_xen *x = calloc(1, sizeof(*x));

	if (!x)
		return -1;
	hv->ops = &xen_ops;
	hv->priv = x;
	x->logger = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
	x->xch = xc_interface_open((xentoollog_logger *)x->logger, NULL, 0);
	if (!x->xch ||
	    libxl_ctx_alloc(&x->ctx, LIBXL_VERSION, 0, (xentoollog_logger *)x->logger) != 0) {
		int err = errno ? errno : ENODEV;

		xen_close(hv);
		errno = err;
		return -1;
	}
	return 0;
}
