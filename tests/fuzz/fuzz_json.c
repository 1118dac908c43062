/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membalctl's reader of the arbiter's status file (src/ctl/status_read.c,
 * on json-c). The file is written by the arbiter and world-readable, but
 * a damaged or replaced one must give an error, never a crash. Besides
 * memory safety:
 *  - a refused document has an error naming an offset or a member;
 *  - an accepted one has domids in Xen's range, names and lists
 *    NUL-terminated without control characters, at most ST_MAX_DOMAINS;
 *  - every view (table, one domain, CSV) prints any accepted status.
 */
#include <stdio.h>

#include "ctl/status_read.h"
#include "ctl/status_view.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256] = "";
	struct st_status st;
	static FILE *null;

	if (!null)
		null = fopen("/dev/null", "w");
	if (st_parse((const char *)data, size, &st, err, sizeof(err)) < 0) {
		FUZZ_CHECK(err[0] != '\0' && strstr(err, ": ") != NULL,
			   "error without a place: '%s'", err);
		st_free(&st);
		return 0;
	}
	FUZZ_CHECK(st.n <= ST_MAX_DOMAINS, "%zu domains", st.n);
	for (size_t i = 0; i < st.n; i++) {
		const struct st_dom *d = &st.dom[i];

		FUZZ_CHECK(d->domid >= 0 && d->domid < 0x7FF0, "domid %lld", (long long)d->domid);
		FUZZ_CHECK(memchr(d->name, '\0', sizeof(d->name)) != NULL, "name not terminated");
		for (const char *c = d->name; *c; c++)
			FUZZ_CHECK((unsigned char)*c >= 0x20 && *c != 0x7f, "control character in a name");
		FUZZ_CHECK(memchr(d->flags, '\0', sizeof(d->flags)) != NULL, "flags not terminated");
	}
	st_print_table(null, &st, 0, true);
	st_print_csv(null, &st);
	if (st.n)
		st_print_domain(null, &st, &st.dom[0], 0);
	st_free(&st);
	return 0;
}
