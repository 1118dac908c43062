/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One table per INI section: every key of agent.ini and arbiter.ini is one
 * row (name, type, field, range, default, one-line doc), and everything
 * else is read off the rows: the loader (cfg_table_key), the built-in
 * defaults (cfg_table_defaults), `--check-config` (cfg_table_print), the
 * man pages (`--list-keys`, cfg_table_list) and the reference tables of
 * docs/configuration.md (cfg_table_markdown; tests/unit/test_key_tables.c
 * fails when the document, the shipped conf files or a row disagree).
 * Adding a key = one row plus the field it fills; see
 * design.md §Where to change what
 */
#ifndef MEMBAL_CFG_TABLE_H
#define MEMBAL_CFG_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/config.h"

enum cfg_type {
	CFG_U32,        /* uint32_t in [umin, umax] */
	CFG_U64,        /* uint64_t in [umin, umax] */
	CFG_MIB,        /* MiB in [umin, umax] in the file, KiB (uint64_t) in the field */
	CFG_DOUBLE,     /* double in [min, max] */
	CFG_FRACTION,   /* double in [min, max) */
	CFG_BOOL,       /* bool: yes/no, true/false, on/off, 1/0 */
	CFG_ENUM,       /* int: index into names[] */
	CFG_STRING,     /* char[size], not empty unless CFG_EMPTY_OK */
	CFG_LOG_LEVEL,  /* int: syslog level by name (log.h) */
};

#define CFG_EMPTY_OK 1u  /* CFG_STRING: an empty value means "none" */
#define CFG_ABSPATH  2u  /* CFG_STRING: must start with '/' */
#define CFG_AUTO     4u  /* CFG_U32: "auto" stores UINT32_MAX */

struct cfg_key {
	const char *name;
	enum cfg_type type;
	size_t off;                /* offsetof the field */
	size_t size;               /* CFG_STRING: sizeof the field */
	size_t has;                /* CFG_HAS(): a bool set when the key is given; 0: none */
	uint64_t umin, umax;       /* CFG_U32, CFG_U64, CFG_MIB */
	double min, max;           /* CFG_DOUBLE, CFG_FRACTION */
	const char *const *names;  /* CFG_ENUM, NULL-terminated */
	unsigned flags;            /* CFG_EMPTY_OK, CFG_ABSPATH, CFG_AUTO */
	const char *def;           /* the default as written in the file; NULL: unset */
	const char *example;       /* for an unset key: a value worth showing */
	const char *doc;           /* one line for people: docs, man page */
};

#define CFG_HAS(type, field) (offsetof(type, field) + 1)

/* A key that was a row of the section and was taken out (in: the
 * version that removed it). A file written for an older version may
 * still set it: the loader logs a notice with file:line, counts it
 * (cfg_file.removed) and ignores the line, so the file keeps loading
 * with the rest of its settings. */
struct cfg_removed {
	const char *name;
	const char *in;
};

struct cfg_section {
	const char *name;          /* "agent"; "domain" for [domain NAME] */
	bool named;                /* [name NAME]: one object per NAME */
	const struct cfg_key *keys;
	size_t nkeys;
	const char *doc;           /* a paragraph about the section */
	const struct cfg_removed *removed;  /* NULL: none */
	size_t nremoved;
};

#define CFG_NKEYS(a) (sizeof(a) / sizeof((a)[0]))
#define CFG_MAX_KEYS 128           /* rows of one section ([policy] has 105) */

/* Where each key of one section object was set (0: not in the file):
 * duplicates are refused with the first one's line, and checks between
 * two keys report the later one's line. */
struct cfg_lines {
	unsigned line[CFG_MAX_KEYS];
};

/* Finds the section a name from the file belongs to ("domain web1" ->
 * the named section "domain"); NULL if none. */
const struct cfg_section *cfg_table_section(const struct cfg_section *const *secs,
					    size_t n, const char *section);
/* The row of key in sec, or -1. */
int cfg_table_find(const struct cfg_section *sec, const char *key);
/* The entry of a removed key of sec, or NULL. */
const struct cfg_removed *cfg_table_removed(const struct cfg_section *sec,
					    const char *key);

/* Binds a section of the file to the object its keys fill and that
 * object's line record; NULL when the problem was already reported. */
typedef void *(*cfg_bind_fn)(struct cfg_file *f, const struct cfg_section *sec,
			     const char *section, struct cfg_lines **lines,
			     void *user);

/* A cfg_key_fn body for a file made of secs: converts and stores the
 * value, refuses a key given twice and an indented continuation line,
 * warns once per unknown section (at its header line), logs and counts
 * a removed key (cfg_removed) and ignores it. Returns false only for an
 * unknown key of a known section (cfg_load warns). */
bool cfg_table_key(struct cfg_file *f, const struct cfg_section *const *secs,
		   size_t n, const char *section, const char *key,
		   const char *value, cfg_bind_fn bind, void *user);

/* Converts value for row k into obj (reporting through f); true if set. */
bool cfg_table_set(struct cfg_file *f, const char *section,
		   const struct cfg_key *k, const char *value, void *obj);

/* Every row's default into obj (which the caller zeroed): 0, or -1 when a
 * row's default does not load (a bug the key-table test catches). */
int cfg_table_defaults(const struct cfg_section *sec, void *obj);

/* The later of the lines where keys a and b were set, and which one
 * (for an error about both; 0 and a when neither was in the file). */
unsigned cfg_table_later(const struct cfg_section *sec,
			 const struct cfg_lines *l, const char *a,
			 const char *b, const char **which);

/* "key = value" lines for obj, in row order: loads back to obj. Rows with
 * a CFG_HAS field print only when given; empty strings only if allowed. */
void cfg_table_print(FILE *out, const struct cfg_section *sec, const void *obj);

/* The value of row k in obj as the file writes it. */
void cfg_table_format(char *buf, size_t size, const struct cfg_key *k,
		      const void *obj);

/* The range of row k for people ("10 .. 3600000", "exact, paper"). */
void cfg_table_range(char *buf, size_t size, const struct cfg_key *k);

/* scripts/mkman.sh's records: a line per section (its doc) and per key:
 * section TAB key TAB default TAB example TAB text. */
void cfg_table_list(FILE *out, const struct cfg_section *const *secs, size_t n);

/* docs/configuration.md's table of one section. */
void cfg_table_markdown(FILE *out, const struct cfg_section *sec);

#endif
