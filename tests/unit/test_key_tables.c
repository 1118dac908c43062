// SPDX-License-Identifier: GPL-2.0-only
/*
 * The key tables (INI sections, guest keys) against everything that
 * repeats them: the shipped
 * conf/agent.ini and conf/arbiter.ini, the reference tables of
 * docs/configuration.md (between "<!-- keys [section] -->" and
 * "<!-- end keys -->"), and the rows' own defaults. Then the loader
 * rules every table gets: duplicates, cross-key lines, unknown sections,
 * the line-length limit.
 *
 * `make config-doc` rewrites the document's tables from the rows
 * (MEMBAL_WRITE_DOCS=1), and the values of the shipped files' key lines
 * (not their comments, nor a missing or extra key: a person places and
 * explains those); this test then passes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/agent_config.h"
#include "arbiter/arbiter_config.h"
#include "common/cfg_table.h"
#include "common/keys.h"
#include "logcap.h"

#ifndef MEMBAL_SRCDIR
#error "MEMBAL_SRCDIR must point at the source tree (see src/arbiter/module.mk)"
#endif

static const struct cfg_section *const all[] = {
	&agent_section, &policy_section, &daemon_section, &domain_section,
};
#define NALL (sizeof(all) / sizeof(all[0]))

/* What a test allocated, freed by its teardown (free_owned) even when a
 * check fails: fail_msg() and assert_*() leave the test by a longjmp,
 * past any free() below them. */
static void *owned[4];
#define NOWNED (sizeof(owned) / sizeof(owned[0]))

static void *own(void *p)
{
	for (size_t i = 0; i < NOWNED; i++)
		if (!owned[i])
			return owned[i] = p;
	free(p);
	fail_msg("more than %zu buffers owned at once", NOWNED);
	return NULL;
}

/* Free p now (it is owned). */
static void disown(void *p)
{
	for (size_t i = 0; i < NOWNED; i++)
		if (owned[i] == p)
			owned[i] = NULL;
	free(p);
}

static int free_owned(void **state)
{
	(void)state;
	for (size_t i = 0; i < NOWNED; i++) {
		free(owned[i]);
		owned[i] = NULL;
	}
	return 0;
}

static int logcap_free_owned(void **state)
{
	free_owned(state);
	return logcap_teardown(state);
}

/* A test whose buffers are owned, with and without the log captured. */
#define owning_test(f) cmocka_unit_test_teardown(f, free_owned)
#define owning_logcap_test(f) cmocka_unit_test_setup_teardown(f, logcap_setup, logcap_free_owned)

/* The whole file, owned. */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;

	assert_non_null(fp);
	n = getdelim(&buf, &len, '\0', fp);
	fclose(fp);
	own(buf);
	assert_true(n > 0);
	return buf;
}

/* Rows are well formed, and each default loads and prints back as
 * written (so the file, the docs and --check-config show one value). */
static void test_rows_and_defaults(void **state)
{
	(void)state;
	for (size_t s = 0; s < NALL; s++) {
		const struct cfg_section *sec = all[s];
		static char obj[65536];
		char buf[512];

		assert_true(sec->nkeys <= CFG_MAX_KEYS);
		memset(obj, 0, sizeof(obj));
		assert_int_equal(cfg_table_defaults(sec, obj), 0);
		for (size_t i = 0; i < sec->nkeys; i++) {
			const struct cfg_key *k = &sec->keys[i];

			assert_non_null(k->doc);
			assert_true(strlen(k->doc) > 0);
			assert_int_equal(cfg_table_find(sec, k->name), (int)i);
			if (!k->def)
				continue;
			cfg_table_format(buf, sizeof(buf), k, obj);
			if (strcmp(buf, k->def))
				fail_msg("[%s] %s: default '%s' prints back as '%s'",
					 sec->name, k->name, k->def, buf);
		}
	}
}

/* One line of a shipped file: a section header or a key, maybe
 * commented out. */
static bool ini_line(const char *line, bool *commented, char *section,
		     char *key, char *value)
{
	const char *p = line;

	*commented = *p == '#' || *p == ';';
	if (*commented)
		p += p[1] == ' ' ? 2 : 1;
	if (*p == '[') {
		const char *end = strchr(p, ']');

		if (!end || end[1] != '\0')
			return false;
		snprintf(section, 64, "%.*s", (int)(end - p - 1), p + 1);
		key[0] = '\0';
		return true;
	}
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
	const char *eq = p + n + strspn(p + n, " ");

	if (n == 0 || *eq != '=')
		return false;
	snprintf(key, 64, "%.*s", (int)n, p);
	eq++;
	snprintf(value, 256, "%s", eq + strspn(eq, " "));
	section[0] = '\0';
	return true;
}

/* Every row is in the file: a key with a default as "key = default", one
 * without as "#key = example"; every key line of the file is a row.
 * With MEMBAL_WRITE_DOCS (`make config-doc`) a key line whose value is not
 * the row's is rewritten with it, comments and order kept; a row missing
 * from the file, or a line no row has, still fails: its place and comment
 * are a person's to write. */
static void check_conf(const char *path, const struct cfg_section *const *secs,
		       size_t n)
{
	char *text = slurp(path), *end = text + strlen(text), *next, *out = NULL;
	const struct cfg_section *cur = NULL;
	unsigned seen[8][CFG_MAX_KEYS] = { { 0 } };
	bool write = getenv("MEMBAL_WRITE_DOCS") != NULL, rewrote = false;
	size_t cs = 0, olen = 0;
	FILE *fp = write ? open_memstream(&out, &olen) : NULL;

	assert_true(n <= 8);
	for (char *l = text; l < end; l = next) {
		char section[64], key[64], value[256];
		const char *want = NULL;
		bool commented;

		next = strchrnul(l, '\n');
		if (*next)
			*next++ = '\0';
		if (!ini_line(l, &commented, section, key, value)) {
			if (fp)
				fprintf(fp, "%s\n", l);
			continue;
		}
		if (!key[0]) {
			if (fp)
				fprintf(fp, "%s\n", l);
			cur = cfg_table_section(secs, n, section);
			if (!cur)
				fail_msg("%s: [%s]: no such section in the tables", path, section);
			for (cs = 0; secs[cs] != cur; cs++)
				;
			continue;
		}
		if (!cur)
			fail_msg("%s: %s outside a section", path, key);
		int i = cfg_table_find(cur, key);
		const struct cfg_key *k = i >= 0 ? &cur->keys[i] : NULL;

		if (!k)
			fail_msg("%s: [%s] %s: not a row of the table", path, cur->name, key);
		if (!commented && k->def && strcmp(value, k->def))
			want = k->def;
		if (commented && !k->def && k->example && strcmp(value, k->example))
			want = k->example;
		if (fp) {
			/* the line up to its value, then the row's */
			const char *v = strchr(l, '=') + 1;

			v += strspn(v, " ");
			fprintf(fp, "%.*s%s\n", (int)(v - l), l, want ? want : v);
			rewrote |= want != NULL;
			want = NULL;
		}
		if (!commented && !k->def)
			fail_msg("%s: [%s] %s = %s, but the table has no default (comment it out)",
				 path, cur->name, key, value);
		if (want && !commented)
			fail_msg("%s: [%s] %s = %s, but the table's default is '%s' (`make config-doc` rewrites it)",
				 path, cur->name, key, value, want);
		if (want)
			fail_msg("%s: [%s] #%s = %s, but the table's example is '%s' (`make config-doc` rewrites it)",
				 path, cur->name, key, value, want);
		if (!commented || !k->def)
			seen[cs][i]++;
	}
	if (fp) {
		fclose(fp);
		own(out);
	}
	for (size_t s = 0; s < n; s++)
		for (size_t i = 0; i < secs[s]->nkeys; i++)
			if (seen[s][i] != 1)
				fail_msg("%s: [%s] %s appears %u times (expected once, %s)",
					 path, secs[s]->name, secs[s]->keys[i].name, seen[s][i],
					 secs[s]->keys[i].def ? "with its default" : "commented out");
	if (rewrote) {
		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs(out, fp);
		assert_int_equal(fclose(fp), 0);
		fprintf(stderr, "%s: key values rewritten from the tables\n", path);
	}
	if (out)
		disown(out);
	disown(text);
}

static void test_shipped_conf(void **state)
{
	(void)state;
	check_conf(MEMBAL_SRCDIR "/conf/agent.ini", agent_sections, agent_nsections);
	check_conf(MEMBAL_SRCDIR "/conf/arbiter.ini", arbiter_sections, arbiter_nsections);
}

/* The guest-key table: a row for every enum value (rows are found by
 * value, so a missing one would be a zeroed row), names unique. */
static void test_guest_key_rows(void **state)
{
	(void)state;
	for (int k = 0; k < MK_COUNT; k++) {
		const struct membal_key_info *r = &membal_keys[k];

		if (!r->name || !r->doc)
			fail_msg("guest key %d has no row in membal_keys[]", k);
		assert_true(r->layout >= 1 && r->layout <= MEMBAL_KEY_LAYOUT_VERSION);
		/* a key newer than layout 1 cannot be required: an older
		 * agent does not write it */
		assert_true(!r->required || r->layout == 1);
		for (int j = 0; j < k; j++)
			assert_string_not_equal(membal_keys[j].name, r->name);
	}
	assert_true(membal_keys[MK_STAMP].required);
}

static void guest_keys_markdown(FILE *out)
{
	fputs("| key | layout | required | value |\n|---|---|---|---|\n", out);
	for (int k = 0; k < MK_COUNT; k++)
		fprintf(out, "| `%s` | %d | %s | %s |\n", membal_keys[k].name,
			membal_keys[k].layout, membal_keys[k].required ? "yes" : "no",
			membal_keys[k].doc);
}

/* docs/configuration.md: each section's table between its markers is
 * what cfg_table_markdown() writes. */
static void test_docs_tables(void **state)
{
	const char *path = MEMBAL_SRCDIR "/docs/configuration.md";
	char *doc = slurp(path);
	bool write = getenv("MEMBAL_WRITE_DOCS") != NULL;

	(void)state;
	for (size_t s = 0; s <= NALL; s++) {
		char begin[64], *want = NULL, *out = NULL;
		size_t wlen = 0, olen = 0;
		FILE *fp = open_memstream(&want, &wlen);
		const char *name = s < NALL ? all[s]->name : "guest";

		if (s < NALL)
			cfg_table_markdown(fp, all[s]);
		else
			guest_keys_markdown(fp);
		fclose(fp);
		own(want);
		snprintf(begin, sizeof(begin), "<!-- keys [%s] -->\n", name);
		char *b = strstr(doc, begin), *e = b ? strstr(b, "<!-- end keys -->") : NULL;

		if (!b || !e)
			fail_msg("%s: no '%.*s' ... '<!-- end keys -->' block", path,
				 (int)strlen(begin) - 1, begin);
		b += strlen(begin);
		if ((size_t)(e - b) != wlen || memcmp(b, want, wlen)) {
			if (!write) {
				fprintf(stderr, "`make config-doc` writes the [%s] table as:\n%s",
					name, want);
				fail_msg("%s: the [%s] table differs from the key table",
					 path, name);
			}
			fp = open_memstream(&out, &olen);
			fprintf(fp, "%.*s%s%s", (int)(b - doc), doc, want, e);
			fclose(fp);
			own(out);
			disown(doc);
			doc = out;
		}
		disown(want);
	}
	if (write) {
		FILE *fp = fopen(path, "w");

		assert_non_null(fp);
		fputs(doc, fp);
		fclose(fp);
	}
	disown(doc);
}

/* --- the loader rules every table gets ------------------------------ */

static int load_arbiter(const char *text)
{
	struct arbiter_config *c = malloc(sizeof(*c));
	int rc = arbiter_config_load_string("t.ini", text, c);

	free(c);
	return rc;
}

static void expect_logged(const char *what)
{
	if (!strstr(logged(), what))
		fail_msg("expected '%s' in the log:\n%s", what, logged());
}

static void test_duplicate_key(void **state)
{
	(void)state;
	assert_int_equal(load_arbiter("[policy]\ntau = 0.5\n\nepsilon = 1\ntau = 0.6\n"), -1);
	expect_logged("t.ini:5: [policy] tau: given twice (first at line 2)");
	struct agent_config a;

	assert_int_equal(agent_config_load_string("a.ini", "[agent]\nsample_ms = 100\n"
						  "[agent]\nsample_ms = 200\n", &a), -1);
	expect_logged("a.ini:4: [agent] sample_ms: given twice (first at line 2)");
}

static void test_duplicate_domain_section(void **state)
{
	(void)state;
	assert_int_equal(load_arbiter("[domain web1]\nmin_mb = 256\n[daemon]\n"
				      "[domain web1]\nmax_mb = 512\nshares = 2\n"), -1);
	expect_logged("t.ini:4: [domain web1] given twice (first at line 1)");
	/* once for the section, not once per key */
	assert_null(strstr(strstr(logged(), "given twice") + 1, "given twice"));
}

static void test_cross_key_lines(void **state)
{
	struct agent_config a;

	(void)state;
	assert_int_equal(load_arbiter("[daemon]\nstale_after_ms = 1000\n\ninterval_ms = 800\n"), -1);
	expect_logged("t.ini:4: [daemon] interval_ms: stale_after_ms 1000 is below two intervals");
	assert_int_equal(load_arbiter("[domain a]\nmax_mb = 100\nmin_mb = 200\n"), -1);
	expect_logged("t.ini:3: [domain a] min_mb: min_mb 200 > max_mb 100");
	assert_int_equal(load_arbiter("[policy]\nmin_mb = 300\nmax_mb = 200\n"), -1);
	expect_logged("t.ini:3: [policy] max_mb: min_mb 300 > max_mb 200");
	assert_int_equal(agent_config_load_string("a.ini", "[agent]\nheartbeat_ms = 500\n"
						  "sample_ms = 600\n", &a), -1);
	expect_logged("a.ini:3: [agent] sample_ms: heartbeat_ms 500 is shorter than sample_ms 600");
}

static void test_unknown_section_once(void **state)
{
	(void)state;
	assert_int_equal(load_arbiter("[policy]\ntau = 0.5\n[polcy]\na = 1\nb = 2\nc = 3\n"), 0);
	expect_logged("t.ini:3: [polcy]: unknown section, ignored");
	assert_null(strstr(logged(), "unknown key"));
	assert_null(strstr(strstr(logged(), "unknown section") + 1, "unknown section"));
}

static void test_continuation_refused(void **state)
{
	(void)state;
	assert_int_equal(load_arbiter("[policy]\ntau = 0.5\n  0.9\n"), -1);
	expect_logged("t.ini:3: [policy] tau: an indented line continues the value");
}

/* The documented limit (config.h, docs/configuration.md) is the real
 * one: CFG_MAX_LINE characters load, one more does not, whatever the
 * line's end. */
static void test_line_length_limit(void **state)
{
	char text[512];
	const char *ends[] = { "\n", "\r\n", "" };

	(void)state;
	for (size_t e = 0; e < 3; e++)
		for (int extra = 0; extra <= 1; extra++) {
			/* "exclude = " + padding, CFG_MAX_LINE + extra characters */
			int pad = CFG_MAX_LINE + extra - (int)strlen("exclude = ");

			snprintf(text, sizeof(text), "[daemon]\nexclude = %0*d%s", pad, 0, ends[e]);
			assert_int_equal(load_arbiter(text), extra ? -1 : 0);
		}
	expect_logged("t.ini:2: line longer than 198 characters");
	char *doc = slurp(MEMBAL_SRCDIR "/docs/configuration.md");

	snprintf(text, sizeof(text), "Lines longer than %d characters are errors", CFG_MAX_LINE);
	assert_non_null(strstr(doc, text));
	disown(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_and_defaults),
		owning_test(test_shipped_conf),
		cmocka_unit_test(test_guest_key_rows),
		owning_test(test_docs_tables),
		logcap_test(test_duplicate_key),
		logcap_test(test_duplicate_domain_section),
		logcap_test(test_cross_key_lines),
		logcap_test(test_unknown_section_once),
		logcap_test(test_continuation_refused),
		owning_logcap_test(test_line_length_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
