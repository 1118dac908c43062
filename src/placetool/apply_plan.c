/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-place apply's input: the migrate rows of `plan --csv`. Names go
 * into command lines that ssh hands to a remote shell, so they are held
 * to a shell-safe alphabet here, once.
 */
#include "placetool/apply.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"

static bool safe_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= APPLY_NAME || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._:@[]-", *s)))
			return false;
	return true;
}

static int fields(char *line, char **f, int max)
{
	int n = 0;

	f[n++] = line;
	for (char *p = line; *p; p++)
		if (*p == ',') {
			if (n == max)
				return -1;
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

int apply_read_plan(const char *path, struct apply_plan *p, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	char line[1024];
	unsigned ln = 0;
	bool header = false;

	memset(p, 0, sizeof(*p));
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	p->m = calloc(APPLY_MAX_MOVES, sizeof(*p->m));
	if (!p->m) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	while (fgets(line, sizeof(line), f)) {
		char *c[8];
		uint64_t v;

		ln++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line too long", path, ln);
			goto fail;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (!header) {
			if (strcmp(line, "action,wave,guest,from,to,size_kb,gain_kb,reason")) {
				snprintf(err, errlen, "%s:%u: not the header of `membal-place plan --csv`", path, ln);
				goto fail;
			}
			header = true;
			continue;
		}
		if (fields(line, c, 8) != 8) {
			snprintf(err, errlen, "%s:%u: expected 8 columns", path, ln);
			goto fail;
		}
		if (strcmp(c[0], "migrate"))
			continue;   /* start, unplaced, short: not ours to do */
		if (p->n == APPLY_MAX_MOVES) {
			snprintf(err, errlen, "%s:%u: more than %d moves", path, ln, APPLY_MAX_MOVES);
			goto fail;
		}
		struct apply_move *m = &p->m[p->n];

		if (!safe_name(c[2]) || !safe_name(c[3]) || !safe_name(c[4]) ||
		    !strcmp(c[3], c[4])) {
			snprintf(err, errlen, "%s:%u: guest or host name not usable in a command line (letters, digits, . _ : @ [ ] -)",
				 path, ln);
			goto fail;
		}
		if (parse_u64(c[5], 1, UINT64_C(1) << 40, &m->size_kb) != PARSE_OK ||
		    parse_u64(c[1], 1, 1u << 20, &v) != PARSE_OK) {
			snprintf(err, errlen, "%s:%u: wave or size_kb not a positive integer", path, ln);
			goto fail;
		}
		m->wave = (unsigned)v;
		snprintf(m->guest, sizeof(m->guest), "%s", c[2]);
		snprintf(m->from, sizeof(m->from), "%s", c[3]);
		snprintf(m->to, sizeof(m->to), "%s", c[4]);
		for (size_t i = 0; i < p->n; i++)
			if (!strcmp(p->m[i].guest, m->guest)) {
				snprintf(err, errlen, "%s:%u: guest %s moved twice", path, ln, m->guest);
				goto fail;
			}
		p->n++;
	}
	if (!header) {
		snprintf(err, errlen, "%s: no plan (no header line)", path);
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	return 0;
fail:
	if (f != stdin)
		fclose(f);
	apply_plan_free(p);
	return -1;
}

void apply_plan_free(struct apply_plan *p)
{
	free(p->m);
	p->m = NULL;
	p->n = 0;
}
