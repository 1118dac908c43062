/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-place: the edges of the placement core. CSV snapshots
 * (snap_csv.c), the snapshot cache gathered over ssh (collect.c, cache.c),
 * the plan printed (print.c). It never executes a plan.
 */
#ifndef MEMBAL_PLACETOOL_H
#define MEMBAL_PLACETOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "place/place.h"

/* Bounds on input. */
#define SNAP_MAX_LINE 4096      /* one CSV line, newline included */
#define SNAP_MAX_NAME 63        /* a host or guest name */
#define SNAP_MAX_TOKEN 255      /* a Xen version or CPU feature set */
#define SNAP_MAX_STATUS (16u << 20)  /* one host's status JSON */
#define SNAP_MAX_CACHE (256u << 20)  /* the cache file */
#define SNAP_MAX_XL_INFO (64u << 10) /* `xl info` output */

/* Status file versions this membal-place reads (docs/placement.md). */
#define SNAP_STATUS_VERSION_MIN 1
#define SNAP_STATUS_VERSION_MAX 2
#define CACHE_FORMAT "membal-place-cache"
#define CACHE_VERSION 1

/* A snapshot that owns its strings. */
struct snap {
	struct place_host *hosts;
	size_t nh, hcap;
	struct place_dom *doms;
	size_t nd, dcap;
	char **strs;
	size_t nstr, scap;
};

void snap_init(struct snap *s);
void snap_free(struct snap *s);
/* A copy of str owned by s, or NULL (out of memory). */
const char *snap_str(struct snap *s, const char *str);
struct place_host *snap_add_host(struct snap *s);
struct place_dom *snap_add_dom(struct snap *s);
int32_t snap_host_index(const struct snap *s, const char *name);
int32_t snap_dom_index(const struct snap *s, const char *name);
/* A name membal-place accepts: 1..63 printable characters, no comma,
 * quote or backslash. */
bool snap_name_ok(const char *name);
/* The same rule up to max characters (Xen version, CPU features). */
bool snap_token_ok(const char *s, size_t max);
/* dom0 by domid or name, a stub domain by its "-dm" suffix. */
enum place_kind snap_kind(const char *name, bool has_domid, uint64_t domid);

/* Read hosts.csv and domains.csv (format in --help and
 * docs/placement.md). -1 and a message "file:line: ..." in err. */
int snap_read_csv(struct snap *s, const char *hosts_path,
		  const char *doms_path, char *err, size_t errlen);

/* Read the cache collect wrote; refuse one older than max_age_s (or
 * from the future), of another format or version, or whose hosts'
 * figures do not add up. now is the wall clock in seconds. */
int snap_read_cache(struct snap *s, const char *path, int64_t now,
		    int64_t max_age_s, char *err, size_t errlen);

/* The snapshot a command line names: the cache when cache is set (as
 * snap_read_cache(), now being the wall clock), else hosts and doms.
 * 0, or -1 after "membal-place: <why>" on stderr, s freed. */
int snap_load(struct snap *s, const char *cache, int64_t max_age_s,
	      const char *hosts, const char *doms);

/* collect: options as on its command line. */
int collect_main(int argc, char **argv);

/* Check one host's status object (json-c) and add its host and domains
 * to s. name: the host; version/features: from `xl info` ("" unknown). */
struct json_object;
int snap_add_status(struct snap *s, const char *name,
		    struct json_object *status, const char *xen_version,
		    const char *cpu_features, uint32_t scarce_cycles,
		    char *err, size_t errlen);
/* The host's mode from its status ("scarce", "infeasible", ...), or "". */
const char *status_mode(struct json_object *status);

void print_plan(FILE *out, const struct snap *s, const struct place_params *p,
		const struct place_plan *plan, bool verbose);
/* The same for programs: a '#' summary line, then
 * action,wave,guest,from,to,size_kb,gain_kb,reason rows (migrate, start,
 * unplaced with its reason code, short for a host still short). */
void print_plan_csv(FILE *out, const struct snap *s, const struct place_plan *plan);

#endif
