/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The journal of membal-place apply: one line per step, appended with a
 * single write() so that concurrent moves do not interleave within a
 * line, read back to resume or explain an interrupted run.
 */
#include "placetool/apply.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/parse.h"

int journal_open(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

static void put_line(int fd, const char *line, size_t n)
{
	if (fd >= 0 && write(fd, line, n) != (ssize_t)n)
		fprintf(stderr, "membal-place: journal: %s\n", strerror(errno));
}

void journal_put(int fd, const struct apply_move *m, const char *step,
		 const char *result, const char *detail)
{
	char line[512], clean[200];
	size_t i = 0;

	/* the detail is a command's output: one line, printable */
	for (const char *p = detail ? detail : ""; *p && i < sizeof(clean) - 1; p++)
		clean[i++] = (*p >= 0x20 && *p < 0x7f) ? *p : ' ';
	clean[i] = '\0';
	int n = snprintf(line, sizeof(line), "%lld %s:%s:%s %s %s%s%s\n",
			 (long long)time(NULL), m->guest, m->from, m->to, step, result,
			 i ? " " : "", clean);

	put_line(fd, line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void journal_cooldown(int fd, const char *from, const char *to, uint64_t until)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "%lld cooldown %s:%s %llu\n",
			 (long long)time(NULL), from, to, (unsigned long long)until);

	put_line(fd, line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static struct apply_move *find(struct apply_plan *p, const char *key)
{
	char k[3 * APPLY_NAME + 3];

	for (size_t i = 0; i < p->n; i++) {
		snprintf(k, sizeof(k), "%s:%s:%s", p->m[i].guest, p->m[i].from, p->m[i].to);
		if (!strcmp(k, key))
			return &p->m[i];
	}
	return NULL;
}

/* One record of a move: what it tells about the move's state. */
static void record(struct apply_move *m, const char *step, const char *result,
		   const char *detail, const char *raw)
{
	uint64_t id;

	snprintf(m->last, sizeof(m->last), "%.159s", raw);
	if (!strcmp(step, "reserve") && !strcmp(result, "ok") &&
	    parse_u64(detail, 1, UINT32_MAX, &id) == PARSE_OK) {
		m->resv_id = (uint32_t)id;
		m->was = MV_PARTIAL;
	} else if (!strcmp(step, "release") && !strcmp(result, "ok")) {
		m->resv_id = 0;
	} else if (!strcmp(step, "pause") && !strcmp(result, "ok")) {
		m->paused = true;
		m->was = MV_PARTIAL;
	} else if (!strcmp(step, "resume") && !strcmp(result, "ok")) {
		m->paused = false;
	} else if (!strcmp(step, "migrate") && !strcmp(result, "start")) {
		m->was = MV_DOUBT;
	} else if (!strcmp(step, "migrate")) {
		/* an outcome: done or failed follows */
		m->was = MV_PARTIAL;
	} else if (!strcmp(step, "done")) {
		m->was = MV_DONE;
		m->resv_id = 0;
		m->paused = false;
	} else if (!strcmp(step, "failed")) {
		m->was = MV_FAILED;
	}
}

int journal_load(const char *path, struct apply_plan *p, uint64_t now,
		 bool *cooling, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char line[600];
	unsigned ln = 0;

	for (size_t i = 0; i < p->n; i++)
		cooling[i] = false;
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char key[200], step[32], result[32], detail[200] = "";
		long long t;
		int n;

		ln++;
		line[strcspn(line, "\n")] = '\0';
		n = sscanf(line, "%lld %199s %31s %31s %199[^\n]", &t, key, step, result, detail);
		if (n >= 4 && !strcmp(key, "cooldown")) {
			uint64_t until;

			/* "<t> cooldown from:to until" */
			if (parse_u64(result, 0, UINT64_MAX / 2, &until) != PARSE_OK)
				goto bad;
			for (size_t i = 0; i < p->n; i++) {
				char pair[2 * APPLY_NAME + 2];

				snprintf(pair, sizeof(pair), "%s:%s", p->m[i].from, p->m[i].to);
				if (!strcmp(pair, step) && until > now)
					cooling[i] = true;
			}
			continue;
		}
		if (n < 4)
			goto bad;
		struct apply_move *m = find(p, key);

		if (m)
			record(m, step, result, detail, line);
	}
	fclose(f);
	return 0;
bad:
	fclose(f);
	snprintf(err, errlen, "%s:%u: not a journal line", path, ln);
	return -1;
}
