/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xen backend's pure parts, exported for unit tests: decoding what
 * xc_domain_getinfolist and xc_physinfo return.
 */
#ifndef MEMBAL_ARBITER_HV_XEN_H
#define MEMBAL_ARBITER_HV_XEN_H

#include <xenctrl.h>

#include "arbiter/hv.h"

void hv_xen_decode_domain(const xc_domaininfo_t *in, struct hv_domain *out);
void hv_xen_decode_physinfo(const xc_physinfo_t *in, struct hv_host *out);

#endif
