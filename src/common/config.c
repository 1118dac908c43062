/* SPDX-License-Identifier: GPL-2.0-only */
#include "common/config.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/parse.h"

_Static_assert(CFG_MAX_LINE + 2 <= INI_MAX_LINE,
	       "inih's line buffer holds a CFG_MAX_LINE line, its end and a NUL");

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

/* Where this line's content starts, for the section and continuation
 * bookkeeping below (inih strips the same white space). */
static const char *lskip(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Note what the line is before inih sees it: a section header (its line,
 * for errors about the section as a whole) or an indented line after a
 * key, which inih would take as a continuation of that key's value. */
static void cfg_note_line(struct cfg_file *f, const char *line)
{
	const char *p = lskip(line);

	f->continued = p != line && *p && *p != '\n' && *p != '\r' &&
		       *p != ';' && *p != '#';
	if (*p == '[')
		f->section_line = f->line;
}

/* inih reads through us, one whole line per call, so we know the line
 * number of every key (Debian's inih is built without
 * INI_HANDLER_LINENO) and can refuse lines longer than CFG_MAX_LINE
 * instead of letting inih split them silently. */
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
	c->f->continued = false;
	if (memchr(c->linebuf, '\0', len) != NULL) {
		cfg_error(c->f, NULL, NULL, "NUL byte in line");
		str[0] = '\n';
		str[1] = '\0';
		return str;
	}
	/* The limit counts characters, not the line's end ("\n" or "\r\n"),
	 * the same on the last line of a file that has none. */
	size_t chars = len;

	if (chars && c->linebuf[chars - 1] == '\n')
		chars--;
	if (chars && c->linebuf[chars - 1] == '\r')
		chars--;
	if (chars > CFG_MAX_LINE || chars + 2 > (size_t)num) {
		cfg_error(c->f, NULL, NULL, "line longer than %d characters",
			  CFG_MAX_LINE);
		/* Hand inih an empty line: the key is not applied. */
		str[0] = '\n';
		str[1] = '\0';
		return str;
	}
	memcpy(str, c->linebuf, chars);
	str[chars] = '\n';
	str[chars + 1] = '\0';
	cfg_note_line(c->f, str);
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

void cfg_print_origin(FILE *out, const char *path, bool given)
{
	if (!given && access(path, F_OK) != 0)
		fprintf(out, "# %s does not exist: built-in defaults\n", path);
	else
		fprintf(out, "# %s: effective configuration (defaults filled in)\n", path);
}
