/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where membal-iallocator's demand comes from: a cluster snapshot in the
 * placement core's words (struct place_host, struct place_dom), the one
 * `membal-place collect` caches. cache_read.c reads that cache itself
 * until membal-place's own reader (snap_read_cache) can be linked; the
 * allocator only sees ia_snapshot, so swapping the reader changes nothing
 * else (docs/ganeti.md, "Demand").
 */
#ifndef MEMBAL_IALLOC_DEMAND_H
#define MEMBAL_IALLOC_DEMAND_H

#include <stddef.h>
#include <stdint.h>

#include "iallocator/ialloc.h"
#include "place/place.h"

#define IA_DEFAULT_CACHE "/var/lib/membal/place-cache.json"
#define IA_DEFAULT_MAX_AGE_S 300
#define IA_MAX_CACHE (256u << 20)
/* A cache stamped further ahead of the clock is refused. */
#define IA_CACHE_FUTURE_S 60

struct ia_snapshot {
	struct place_host *hosts;
	size_t nh;
	struct place_dom *doms;
	size_t nd;
	char **names;           /* owned strings */
	size_t nnames;
	int64_t collected_at;
};

/* Read membal-place's cache (format "membal-place-cache", version 1);
 * refuse one older than max_age_s or from the future. -1 and err. */
int ia_snapshot_read_cache(struct ia_snapshot *s, const char *path,
			   int64_t now, int64_t max_age_s, char *err,
			   size_t errlen);
void ia_snapshot_free(struct ia_snapshot *s);

/*
 * Put membal's figures on the Ganeti nodes the snapshot covers (a node is
 * a host of the same name): membal_free_mb, the room left when every
 * domain holds its measured demand clamped to [L, H] (dom0 and stub
 * domains their size) and the reserve stays free; reclaim_mb, what
 * domains hold above that demand. Returns the number of nodes covered.
 */
size_t ia_apply_snapshot(struct ia_cluster *c, const struct place_host *hosts,
			 size_t nh, const struct place_dom *doms, size_t nd);

#endif
