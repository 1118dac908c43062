/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A cluster snapshot (the placement core's hosts and domains) written in
 * the htools text format, so that hbal -t, hspace -t and hinfo -t read
 * it (docs/ganeti.md, "htools export"). The layout is Ganeti 3.0's, the
 * one `hail -S` and `hscan` write: groups, nodes, instances, cluster tags
 * and instance policies, sections separated by an empty line.
 */
#ifndef MEMBAL_IALLOC_HTOOLS_H
#define MEMBAL_IALLOC_HTOOLS_H

#include <stddef.h>
#include <stdio.h>

#include "place/place.h"

enum ia_ht_memory {
	IA_HT_STATIC,   /* instance memory = H_i (Ganeti's maxmem) */
	IA_HT_DEMAND,   /* instance memory = measured demand in [L_i, H_i] */
};

/* The group every host is put in. */
#define IA_HT_GROUP "default"
#define IA_HT_GROUP_UUID "membal-default-group"
/* What htools needs and membal does not know: every host gets the same
 * (so hbal's disk and CPU terms stay at zero), every domain one VCPU and
 * external storage, disk template "ext": hbal may then move it to any
 * node, as Xen's live migration with shared storage can (hbal never
 * moves a "diskless" instance). */
#define IA_HT_DISK_MB (1u << 20)
#define IA_HT_CPUS 64

/* Write; -1 and err when a name cannot be written in the format (it
 * holds '|', ',' or white space) or on a write error. */
int ia_htools_write(FILE *out, const struct place_host *hosts, size_t nh,
		    const struct place_dom *doms, size_t nd,
		    enum ia_ht_memory mem, char *err, size_t errlen);

/* The memory the export gives a domain, in MiB. */
uint64_t ia_ht_dom_mb(const struct place_dom *d, enum ia_ht_memory mem);

#endif
