/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * INI loading on inih, with validation that names file:line:key.
 *
 * inih splits the file into (section, key, value); a module passes a
 * cfg_key_fn that recognises its keys and converts each value with the
 * cfg_get_*() helpers below, which report a bad value as
 *
 *     /etc/membal/arbiter.ini:12: [policy] tau = 1.5: out of range (expected 0 <= tau < 1)
 *
 * Loading never stops at the first problem: every bad line is reported, and
 * the caller keeps its old configuration unless cfg_load() returned 0. A
 * module therefore loads into a scratch copy and swaps it in on success.
 */
#ifndef MEMBAL_CONFIG_H
#define MEMBAL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Characters a line may have, not counting its end ("\n" or "\r\n");
 * longer lines are errors, never truncated. inih's buffer (INI_MAX_LINE)
 * must hold them with the end and a NUL: checked in config.c. */
#define CFG_MAX_LINE 198

struct cfg_file {
	const char *path;       /* for messages */
	unsigned line;          /* line of the key being handled */
	unsigned section_line;  /* line of the current [section] header */
	unsigned unknown_section_line; /* warned about (cfg_table_key) */
	bool continued;         /* this line is indented: inih continues the
				 * previous key's value with it */
	unsigned errors;
	unsigned warnings;
	unsigned removed;       /* removed keys ignored (cfg_table.h cfg_removed) */
	char first_error[512];  /* for a status line or an exit message */
};

/* Return false when the key (or section) is unknown: cfg_load() warns.
 * Report bad values through cfg_error() (the helpers do). */
typedef bool (*cfg_key_fn)(struct cfg_file *f, const char *section,
			   const char *key, const char *value, void *user);

/* 0: loaded without errors (warnings allowed); -1: errors (all logged). */
int cfg_load(const char *path, cfg_key_fn fn, void *user, struct cfg_file *f);
/* --check-config's first line, before the values: where they come from
 * (path, or the built-in defaults when path is the default file and
 * missing; given: path was named on the command line). */
void cfg_print_origin(FILE *out, const char *path, bool given);
/* Same from a string; name is used in messages. */
int cfg_load_string(const char *name, const char *text, cfg_key_fn fn,
		    void *user, struct cfg_file *f);

void cfg_error(struct cfg_file *f, const char *section, const char *key,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void cfg_warn(struct cfg_file *f, const char *section, const char *key,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Logged at LOG_NOTICE; counts nothing (the caller does). */
void cfg_notice(struct cfg_file *f, const char *section, const char *key,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

bool cfg_get_u64(struct cfg_file *f, const char *section, const char *key,
		 const char *value, uint64_t min, uint64_t max, uint64_t *out);
bool cfg_get_u32(struct cfg_file *f, const char *section, const char *key,
		 const char *value, uint32_t min, uint32_t max, uint32_t *out);
/* [min, max] unless max_open: then [min, max). */
bool cfg_get_double(struct cfg_file *f, const char *section, const char *key,
		    const char *value, double min, double max, bool max_open,
		    double *out);
bool cfg_get_bool(struct cfg_file *f, const char *section, const char *key,
		  const char *value, bool *out);
/* names is NULL-terminated; *out is the index. */
bool cfg_get_enum(struct cfg_file *f, const char *section, const char *key,
		  const char *value, const char *const *names, int *out);
/* Copies value (which must fit, incl. NUL) into buf. */
bool cfg_get_string(struct cfg_file *f, const char *section, const char *key,
		    const char *value, char *buf, size_t size);

#endif
