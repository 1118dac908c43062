/* SPDX-License-Identifier: GPL-2.0-only */
/* JSON helpers of membal-place (json-c), shared by collect and the cache
 * reader. */
#ifndef MEMBAL_PLACETOOL_CACHE_H
#define MEMBAL_PLACETOOL_CACHE_H

#include <stdint.h>
#include <stdio.h>

struct json_object;

/* A cache stamped this far ahead of the clock is refused. */
#define CACHE_FUTURE_S 60

/* All of f, at most max bytes (NUL-terminated); NULL with errno (EFBIG
 * when longer). */
char *read_bounded(FILE *f, size_t max, size_t *len);
/* Exactly one JSON value (depth <= 64), white space around it. */
struct json_object *parse_json(const char *text, size_t len, char *why,
			       size_t whylen);
struct json_object *read_json_file(const char *path, size_t max, char *err,
				   size_t errlen);
/* The cache's "format" and "version". */
int cache_check_header(struct json_object *cache, const char *path,
		       char *err, size_t errlen);

#endif
