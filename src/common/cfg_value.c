/* SPDX-License-Identifier: GPL-2.0-only */
/* Reporting (file:line) and value conversion for INI keys: apart from the
 * loader (config.c) so that the key tables and the policy's defaults can
 * use them without linking inih. */
#include "common/config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/parse.h"

static void cfg_vreport(struct cfg_file *f, int prio, const char *section,
			const char *key, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

static void cfg_vreport(struct cfg_file *f, int prio, const char *section,
			const char *key, const char *fmt, va_list ap)
{
	char msg[384], full[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (key && section && *section)
		snprintf(full, sizeof(full), "%s:%u: [%s] %s: %s", f->path,
			 f->line, section, key, msg);
	else if (key)
		snprintf(full, sizeof(full), "%s:%u: %s: %s", f->path, f->line,
			 key, msg);
	else if (f->line)
		snprintf(full, sizeof(full), "%s:%u: %s", f->path, f->line, msg);
	else    /* the file as a whole (cannot open): no line to name */
		snprintf(full, sizeof(full), "%s: %s", f->path, msg);
	if (prio == LOG_ERR && f->errors == 0)
		snprintf(f->first_error, sizeof(f->first_error), "%s", full);
	log_msg(prio, "%s", full);
}

void cfg_error(struct cfg_file *f, const char *section, const char *key,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_vreport(f, LOG_ERR, section, key, fmt, ap);
	va_end(ap);
	f->errors++;
}

void cfg_warn(struct cfg_file *f, const char *section, const char *key,
	      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_vreport(f, LOG_WARNING, section, key, fmt, ap);
	va_end(ap);
	f->warnings++;
}

void cfg_notice(struct cfg_file *f, const char *section, const char *key,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_vreport(f, LOG_NOTICE, section, key, fmt, ap);
	va_end(ap);
}

bool cfg_get_u64(struct cfg_file *f, const char *section, const char *key,
		 const char *value, uint64_t min, uint64_t max, uint64_t *out)
{
	enum parse_err e = parse_u64(value, min, max, out);

	if (e == PARSE_OK)
		return true;
	cfg_error(f, section, key, "'%.64s': %s (expected an integer in [%llu, %llu])",
		  value, parse_strerror(e), (unsigned long long)min,
		  (unsigned long long)max);
	return false;
}

bool cfg_get_u32(struct cfg_file *f, const char *section, const char *key,
		 const char *value, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (!cfg_get_u64(f, section, key, value, min, max, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

bool cfg_get_double(struct cfg_file *f, const char *section, const char *key,
		    const char *value, double min, double max, bool max_open,
		    double *out)
{
	double v;
	enum parse_err e = parse_double(value, min, max, &v);

	if (e == PARSE_OK && max_open && v >= max)
		e = PARSE_RANGE;
	if (e == PARSE_OK) {
		*out = v;
		return true;
	}
	cfg_error(f, section, key, "'%.64s': %s (expected %g <= %s %s %g)",
		  value, parse_strerror(e), min, key, max_open ? "<" : "<=",
		  max);
	return false;
}

bool cfg_get_bool(struct cfg_file *f, const char *section, const char *key,
		  const char *value, bool *out)
{
	if (parse_bool(value, out) == PARSE_OK)
		return true;
	cfg_error(f, section, key, "'%.64s': expected yes or no", value);
	return false;
}

bool cfg_get_enum(struct cfg_file *f, const char *section, const char *key,
		  const char *value, const char *const *names, int *out)
{
	char expected[256] = "";
	size_t used = 0;

	for (int i = 0; names[i]; i++) {
		if (strcmp(value, names[i]) == 0) {
			*out = i;
			return true;
		}
		int n = snprintf(expected + used, sizeof(expected) - used,
				 "%s%s", i ? ", " : "", names[i]);
		if (n > 0 && (size_t)n < sizeof(expected) - used)
			used += (size_t)n;
	}
	cfg_error(f, section, key, "'%.64s': expected one of %s", value,
		  expected);
	return false;
}

bool cfg_get_string(struct cfg_file *f, const char *section, const char *key,
		    const char *value, char *buf, size_t size)
{
	size_t len = strlen(value);

	if (len == 0 || len >= size) {
		cfg_error(f, section, key, "'%.64s': %s (at most %zu characters)",
			  value, len ? "too long" : "empty", size - 1);
		return false;
	}
	memcpy(buf, value, len + 1);
	return true;
}
