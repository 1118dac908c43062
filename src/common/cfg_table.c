/* SPDX-License-Identifier: GPL-2.0-only */
#include "common/cfg_table.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"

const struct cfg_section *cfg_table_section(const struct cfg_section *const *secs,
					    size_t n, const char *section)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(secs[i]->name);

		if (!secs[i]->named && !strcmp(section, secs[i]->name))
			return secs[i];
		if (secs[i]->named && !strncmp(section, secs[i]->name, len) &&
		    section[len] == ' ')
			return secs[i];
	}
	return NULL;
}

int cfg_table_find(const struct cfg_section *sec, const char *key)
{
	for (size_t i = 0; i < sec->nkeys; i++)
		if (!strcmp(sec->keys[i].name, key))
			return (int)i;
	return -1;
}

const struct cfg_removed *cfg_table_removed(const struct cfg_section *sec,
					    const char *key)
{
	for (size_t i = 0; i < sec->nremoved; i++)
		if (!strcmp(sec->removed[i].name, key))
			return &sec->removed[i];
	return NULL;
}

static bool set_string(struct cfg_file *f, const char *section,
		       const struct cfg_key *k, const char *v, char *field)
{
	if (*v == '\0' && (k->flags & CFG_EMPTY_OK)) {
		field[0] = '\0';
		return true;
	}
	if ((k->flags & CFG_ABSPATH) && *v != '/') {
		cfg_error(f, section, k->name, "'%.64s': expected an absolute path", v);
		return false;
	}
	if ((k->flags & CFG_EMPTY_OK) && strlen(v) >= k->size) {
		cfg_error(f, section, k->name, "too long (at most %zu characters)",
			  k->size - 1);
		return false;
	}
	return cfg_get_string(f, section, k->name, v, field, k->size);
}

bool cfg_table_set(struct cfg_file *f, const char *section,
		   const struct cfg_key *k, const char *v, void *obj)
{
	char *field = (char *)obj + k->off;
	bool ok = false;
	uint64_t u;
	uint32_t u32;
	double d;
	int e;

	switch (k->type) {
	case CFG_U32:
		if ((k->flags & CFG_AUTO) && !strcmp(v, "auto")) {
			u32 = UINT32_MAX;
			ok = true;
		} else {
			ok = cfg_get_u32(f, section, k->name, v, (uint32_t)k->umin,
					 (uint32_t)k->umax, &u32);
		}
		if (ok)
			memcpy(field, &u32, sizeof(u32));
		break;
	case CFG_U64:
	case CFG_MIB:
		ok = cfg_get_u64(f, section, k->name, v, k->umin, k->umax, &u);
		if (ok) {
			if (k->type == CFG_MIB)
				u *= 1024;
			memcpy(field, &u, sizeof(u));
		}
		break;
	case CFG_DOUBLE:
	case CFG_FRACTION:
		ok = cfg_get_double(f, section, k->name, v, k->min, k->max,
				    k->type == CFG_FRACTION, &d);
		if (ok)
			memcpy(field, &d, sizeof(d));
		break;
	case CFG_BOOL:
		ok = cfg_get_bool(f, section, k->name, v, (bool *)field);
		break;
	case CFG_ENUM:
		ok = cfg_get_enum(f, section, k->name, v, k->names, &e);
		if (ok)
			memcpy(field, &e, sizeof(e));
		break;
	case CFG_STRING:
		ok = set_string(f, section, k, v, field);
		break;
	case CFG_LOG_LEVEL:
		e = log_level_from_name(v);
		ok = e >= 0;
		if (ok)
			memcpy(field, &e, sizeof(e));
		else
			cfg_error(f, section, k->name,
				  "'%.64s': expected err, warning, notice, info or debug", v);
		break;
	}
	if (ok && k->has)
		*((bool *)obj + (k->has - 1)) = true;
	return ok;
}

int cfg_table_defaults(const struct cfg_section *sec, void *obj)
{
	struct cfg_file f = { .path = "built-in default" };

	for (size_t i = 0; i < sec->nkeys; i++)
		if (sec->keys[i].def && !sec->keys[i].has)
			cfg_table_set(&f, sec->name, &sec->keys[i], sec->keys[i].def, obj);
	return f.errors ? -1 : 0;
}

bool cfg_table_key(struct cfg_file *f, const struct cfg_section *const *secs,
		   size_t n, const char *section, const char *key,
		   const char *value, cfg_bind_fn bind, void *user)
{
	const struct cfg_section *sec = cfg_table_section(secs, n, section);
	struct cfg_lines *lines = NULL;
	void *obj;
	int i;

	if (!sec) {
		/* Once per section, at its header, not once per key. */
		if (f->unknown_section_line != f->section_line) {
			unsigned saved = f->line;

			f->unknown_section_line = f->section_line;
			f->line = f->section_line;
			cfg_warn(f, NULL, NULL, "[%s]: unknown section, ignored", section);
			f->line = saved;
		}
		return true;
	}
	i = cfg_table_find(sec, key);
	if (i < 0) {
		const struct cfg_removed *r = cfg_table_removed(sec, key);

		if (!r)
			return false;
		/* Not a typo: a setting an older file may still carry. The
		 * rest of the file loads as it did. */
		f->removed++;
		cfg_notice(f, section, NULL, "key %s was removed in %s, ignored",
			   key, r->in);
		return true;
	}
	if (i >= CFG_MAX_KEYS)  /* a table longer than its line record */
		abort();
	obj = bind(f, sec, section, &lines, user);
	if (!obj)
		return true;
	if (lines && lines->line[i]) {
		if (f->continued)
			cfg_error(f, section, key, "an indented line continues the value "
				  "of the key above it: not supported");
		else
			cfg_error(f, section, key, "given twice (first at line %u)",
				  lines->line[i]);
		return true;
	}
	/* A bad value is a known key: reported, not "unknown". */
	if (cfg_table_set(f, section, &sec->keys[i], value, obj) && lines)
		lines->line[i] = f->line;
	return true;
}

unsigned cfg_table_later(const struct cfg_section *sec,
			 const struct cfg_lines *l, const char *a,
			 const char *b, const char **which)
{
	int ia = cfg_table_find(sec, a), ib = cfg_table_find(sec, b);
	unsigned la = ia >= 0 ? l->line[ia] : 0, lb = ib >= 0 ? l->line[ib] : 0;

	*which = lb > la ? b : a;
	return lb > la ? lb : la;
}

void cfg_table_format(char *buf, size_t size, const struct cfg_key *k,
		      const void *obj)
{
	const char *field = (const char *)obj + k->off;
	uint64_t u;
	uint32_t u32;
	double d;
	int e;

	switch (k->type) {
	case CFG_U32:
		memcpy(&u32, field, sizeof(u32));
		if ((k->flags & CFG_AUTO) && u32 == UINT32_MAX)
			snprintf(buf, size, "auto");
		else
			snprintf(buf, size, "%u", u32);
		break;
	case CFG_U64:
	case CFG_MIB:
		memcpy(&u, field, sizeof(u));
		snprintf(buf, size, "%llu",
			 (unsigned long long)(k->type == CFG_MIB ? u / 1024 : u));
		break;
	case CFG_DOUBLE:
	case CFG_FRACTION:
		memcpy(&d, field, sizeof(d));
		snprintf(buf, size, "%.10g", d);
		break;
	case CFG_BOOL:
		snprintf(buf, size, "%s", *(const bool *)field ? "yes" : "no");
		break;
	case CFG_ENUM:
		memcpy(&e, field, sizeof(e));
		snprintf(buf, size, "%s", k->names[e]);
		break;
	case CFG_STRING:
		snprintf(buf, size, "%s", field);
		break;
	case CFG_LOG_LEVEL:
		memcpy(&e, field, sizeof(e));
		snprintf(buf, size, "%s", log_level_name(e));
		break;
	}
}

void cfg_table_print(FILE *out, const struct cfg_section *sec, const void *obj)
{
	char buf[1024];

	for (size_t i = 0; i < sec->nkeys; i++) {
		const struct cfg_key *k = &sec->keys[i];

		if (k->has && !*((const bool *)obj + (k->has - 1)))
			continue;
		cfg_table_format(buf, sizeof(buf), k, obj);
		/* An empty value is refused unless it means "none": leave
		 * such a key out so that the output loads back. */
		if (k->type == CFG_STRING && !buf[0] && !(k->flags & CFG_EMPTY_OK))
			continue;
		fprintf(out, "%s = %s\n", k->name, buf);
	}
}

/* 2^N for the large powers of two the tables use as "no real limit". */
static void fmt_bound(char *buf, size_t size, uint64_t v)
{
	if (v >= (UINT64_C(1) << 20) && (v & (v - 1)) == 0)
		snprintf(buf, size, "2^%d", __builtin_ctzll(v));
	else
		snprintf(buf, size, "%llu", (unsigned long long)v);
}

void cfg_table_range(char *buf, size_t size, const struct cfg_key *k)
{
	char lo[32], hi[32];
	size_t used = 0;

	switch (k->type) {
	case CFG_U32:
	case CFG_U64:
	case CFG_MIB:
		fmt_bound(lo, sizeof(lo), k->umin);
		fmt_bound(hi, sizeof(hi), k->umax);
		snprintf(buf, size, "%s%s .. %s%s", k->flags & CFG_AUTO ? "`auto` or " : "",
			 lo, hi, k->type == CFG_MIB ? " MiB" : "");
		break;
	case CFG_DOUBLE:
	case CFG_FRACTION:
		snprintf(buf, size, "%g <= %s %s %g", k->min, k->name,
			 k->type == CFG_FRACTION ? "<" : "<=", k->max);
		break;
	case CFG_BOOL:
		snprintf(buf, size, "yes/no");
		break;
	case CFG_ENUM:
		buf[0] = '\0';
		for (int i = 0; k->names[i] && used < size; i++) {
			int w = snprintf(buf + used, size - used, "%s`%s`",
					 i ? ", " : "", k->names[i]);
			if (w > 0)
				used += (size_t)w;
		}
		break;
	case CFG_STRING:
		snprintf(buf, size, "%s%s", k->flags & CFG_ABSPATH ? "absolute path" : "path",
			 k->flags & CFG_EMPTY_OK ? " or empty" : "");
		break;
	case CFG_LOG_LEVEL:
		snprintf(buf, size, "`err`, `warning`, `notice`, `info`, `debug`");
		break;
	}
}

/* Backquotes are for Markdown; the man page wants the words alone. */
static void unquote(char *s)
{
	char *w = s;

	for (; *s; s++)
		if (*s != '`')
			*w++ = *s;
	*w = '\0';
}

void cfg_table_list(FILE *out, const struct cfg_section *const *secs, size_t n)
{
	char range[256], text[1024], name[64];

	for (size_t s = 0; s < n; s++) {
		snprintf(name, sizeof(name), "%s%s", secs[s]->name,
			 secs[s]->named ? " NAME" : "");
		if (secs[s]->doc) {
			snprintf(text, sizeof(text), "%s", secs[s]->doc);
			unquote(text);
			fprintf(out, "%s\t\t\t\t%s\n", name, text);
		}
		for (size_t i = 0; i < secs[s]->nkeys; i++) {
			const struct cfg_key *k = &secs[s]->keys[i];

			cfg_table_range(range, sizeof(range), k);
			snprintf(text, sizeof(text), "%s (%s)", k->doc, range);
			unquote(text);
			fprintf(out, "%s\t%s\t%s\t%s\t%s\n", name, k->name,
				k->def ? k->def : "", k->def ? "" : (k->example ? k->example : ""),
				text);
		}
	}
}

void cfg_table_markdown(FILE *out, const struct cfg_section *sec)
{
	char range[256];

	fputs("| key | default | range | meaning |\n|---|---|---|---|\n", out);
	for (size_t i = 0; i < sec->nkeys; i++) {
		const struct cfg_key *k = &sec->keys[i];

		cfg_table_range(range, sizeof(range), k);
		fprintf(out, "| `%s` | %s%s%s | %s | %s |\n", k->name,
			k->def && *k->def ? "`" : "",
			k->def ? (*k->def ? k->def : "(empty)") : "(none)",
			k->def && *k->def ? "`" : "", range, k->doc);
	}
}
