/* SPDX-License-Identifier: GPL-2.0-only */
/* The snapshot a command names: --cache, or --hosts with --domains. */
#include "placetool/placetool.h"

#include <stdio.h>
#include <time.h>

int snap_load(struct snap *s, const char *cache, int64_t max_age_s,
	      const char *hosts, const char *doms)
{
	char err[600];
	int rc;

	snap_init(s);
	if (cache)
		rc = snap_read_cache(s, cache, (int64_t)time(NULL), max_age_s, err, sizeof(err));
	else
		rc = snap_read_csv(s, hosts, doms, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "membal-place: %s\n", err);
		snap_free(s);
	}
	return rc;
}
