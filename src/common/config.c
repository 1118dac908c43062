/* SPDX-License-Identifier: GPL-2.0-only */
#include "common/config.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/parse.h"

struct load_ctx {
	struct cfg_file *f;
	cfg_key_fn fn;
	void *user;
	/* line source: a FILE or a string */
	FILE *fp;
	const char *text;
	char *linebuf;
	size_t linecap;
};

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

/* inih reads through us, one whole line per call, so we know the line
 * number of every key (Debian's inih is built without
 * INI_HANDLER_LINENO) and can refuse lines longer than inih's buffer
 * instead of letting it split them silently. */
static char *cfg_reader(char *str, int num, void *stream)
{
	struct load_ctx *c = stream;
	size_t len;

	if (c->fp) {
		ssize_t n = getline(&c->linebuf, &c->linecap, c->fp);

		if (n < 0)
			return NULL;
		len = (size_t)n;
	} else {
		const char *nl;

		if (*c->text == '\0')
			return NULL;
		nl = strchr(c->text, '\n');
		len = nl ? (size_t)(nl - c->text) + 1 : strlen(c->text);
		if (len + 1 > c->linecap) {
			char *nb = realloc(c->linebuf, len + 1);

			if (!nb)
				return NULL;
			c->linebuf = nb;
			c->linecap = len + 1;
		}
		memcpy(c->linebuf, c->text, len);
		c->linebuf[len] = '\0';
		c->text += len;
	}
	c->f->line++;
	if (memchr(c->linebuf, '\0', len) != NULL) {
		cfg_error(c->f, NULL, NULL, "NUL byte in line");
		str[0] = '\n';
		str[1] = '\0';
		return str;
	}
	if (len >= (size_t)num || len > CFG_MAX_LINE) {
		cfg_error(c->f, NULL, NULL, "line longer than %d characters",
			  num - 2);
		/* Hand inih an empty line: the key is not applied. */
		str[0] = '\n';
		str[1] = '\0';
		return str;
	}
	memcpy(str, c->linebuf, len + 1);
	return str;
}

static int cfg_handler(void *user, const char *section, const char *name,
		       const char *value)
{
	struct load_ctx *c = user;

	if (!c->fn(c->f, section, name, value, c->user))
		cfg_warn(c->f, section, name, "unknown key, ignored");
	return 1; /* keep going: report every problem in one pass */
}

static int cfg_run(struct load_ctx *c)
{
	int rc = ini_parse_stream(cfg_reader, c, cfg_handler, c);

	free(c->linebuf);
	if (rc > 0) {
		/* inih's own syntax error (no '=', unterminated section):
		 * rc is its line number, which matches ours. */
		unsigned saved = c->f->line;

		c->f->line = (unsigned)rc;
		cfg_error(c->f, NULL, NULL,
			  "syntax error (expected [section] or key = value)");
		c->f->line = saved;
	} else if (rc < 0) {
		c->f->line = 0;
		cfg_error(c->f, NULL, NULL, "cannot parse (out of memory)");
	}
	return c->f->errors ? -1 : 0;
}

static void cfg_init(struct cfg_file *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	f->path = path;
}

int cfg_load(const char *path, cfg_key_fn fn, void *user, struct cfg_file *f)
{
	struct load_ctx c = { .f = f, .fn = fn, .user = user };

	cfg_init(f, path);
	c.fp = fopen(path, "re");
	if (!c.fp) {
		cfg_error(f, NULL, NULL, "cannot open: %s", strerror(errno));
		return -1;
	}
	int rc = cfg_run(&c);
	fclose(c.fp);
	return rc;
}

int cfg_load_string(const char *name, const char *text, cfg_key_fn fn,
		    void *user, struct cfg_file *f)
{
	struct load_ctx c = { .f = f, .fn = fn, .user = user, .text = text };

	cfg_init(f, name);
	return cfg_run(&c);
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
