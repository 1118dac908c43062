/* SPDX-License-Identifier: GPL-2.0-only */
/* The INI layer: every bad line reported with file:line, nothing applied
 * from a file with errors is the caller's rule, unknown keys warned. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "common/log.h"
#include "logcap.h"

struct demo {
	uint64_t size;
	double tau;
	bool on;
	int mode;
	char name[8];
	int calls;
};

static const char *const modes[] = { "fixed", "priority", NULL };

static bool demo_key(struct cfg_file *f, const char *s, const char *k,
		     const char *v, void *user)
{
	struct demo *d = user;

	d->calls++;
	if (strcmp(s, "x") != 0)
		return false;
	if (!strcmp(k, "size"))
		cfg_get_u64(f, s, k, v, 1, 1000, &d->size);
	else if (!strcmp(k, "tau"))
		cfg_get_double(f, s, k, v, 0, 1, true, &d->tau);
	else if (!strcmp(k, "on"))
		cfg_get_bool(f, s, k, v, &d->on);
	else if (!strcmp(k, "mode"))
		cfg_get_enum(f, s, k, v, modes, &d->mode);
	else if (!strcmp(k, "name"))
		cfg_get_string(f, s, k, v, d->name, sizeof(d->name));
	else
		return false;
	return true;
}

static void test_good_file(void **state)
{
	struct demo d = { 0 };
	struct cfg_file f;
	const char *text = "; comment\n[x]\nsize = 10\ntau = 0.75 ; inline\n"
			   "on = yes\nmode = priority\nname = abc\n";

	assert_int_equal(cfg_load_string("good.ini", text, demo_key, &d, &f), 0);
	assert_int_equal(d.size, 10);
	assert_true(d.tau == 0.75);
	assert_true(d.on);
	assert_int_equal(d.mode, 1);
	assert_string_equal(d.name, "abc");
	assert_int_equal(f.errors, 0);
	assert_int_equal(f.warnings, 0);
}

static void test_every_bad_line_named(void **state)
{
	struct demo d = { 0 };
	struct cfg_file f;
	const char *text = "[x]\n"
			   "size = 0\n"          /* 2: below range */
			   "tau = 1\n"           /* 3: open upper bound */
			   "on = perhaps\n"      /* 4 */
			   "mode = loud\n"       /* 5 */
			   "name = toolongname\n"/* 6 */
			   "size = 12abc\n"      /* 7 */
			   "colour = red\n";     /* 8: unknown, a warning */

	assert_int_equal(cfg_load_string("bad.ini", text, demo_key, &d, &f), -1);
	assert_int_equal(f.errors, 6);
	assert_int_equal(f.warnings, 1);
	assert_non_null(strstr(logged(), "bad.ini:2: [x] size: '0': out of range"));
	assert_non_null(strstr(logged(), "bad.ini:3: [x] tau: '1': out of range (expected 0 <= tau < 1)"));
	assert_non_null(strstr(logged(), "bad.ini:4: [x] on: 'perhaps': expected yes or no"));
	assert_non_null(strstr(logged(), "bad.ini:5: [x] mode: 'loud': expected one of fixed, priority"));
	assert_non_null(strstr(logged(), "bad.ini:6: [x] name:"));
	assert_non_null(strstr(logged(), "bad.ini:7: [x] size: '12abc': not a plain decimal number"));
	assert_non_null(strstr(logged(), "bad.ini:8: [x] colour: unknown key, ignored"));
	assert_string_equal(f.first_error,
			    "bad.ini:2: [x] size: '0': out of range (expected an integer in [1, 1000])");
}

static void test_syntax_and_long_lines(void **state)
{
	struct demo d = { 0 };
	struct cfg_file f;
	char text[4096];
	int n = snprintf(text, sizeof(text), "[x]\nsize = 5\nname = ");

	memset(text + n, 'a', 3000);
	strcpy(text + n + 3000, "\nthis line has no equals sign\n[unterminated\nsize = 6\n");
	assert_int_equal(cfg_load_string("s.ini", text, demo_key, &d, &f), -1);
	assert_non_null(strstr(logged(), "s.ini:3: line longer than"));
	assert_non_null(strstr(logged(), "s.ini:4: syntax error"));
	/* Keys on either side of the long line were still seen. */
	assert_int_equal(d.size, 6);
}

static void test_missing_file(void **state)
{
	struct demo d = { 0 };
	struct cfg_file f;

	assert_int_equal(cfg_load("/nonexistent/membal.ini", demo_key, &d, &f), -1);
	assert_non_null(strstr(logged(), "/nonexistent/membal.ini: cannot open: No such file"));
}

static void test_file_line_numbers(void **state)
{
	char path[] = "/tmp/membal-cfg-XXXXXX";
	int fd = mkstemp(path);
	struct demo d = { 0 };
	struct cfg_file f;
	const char *text = "# header\n\n[x]\n  size = 3\n\n\non = nope\n";

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(cfg_load(path, demo_key, &d, &f), -1);
	assert_int_equal(d.size, 3);
	char want[128];
	snprintf(want, sizeof(want), "%s:7: [x] on: 'nope'", path);
	assert_non_null(strstr(logged(), want));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		logcap_test(test_good_file),
		logcap_test(test_every_bad_line_named),
		logcap_test(test_syntax_and_long_lines),
		logcap_test(test_missing_file),
		logcap_test(test_file_line_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
