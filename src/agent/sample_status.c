/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a sample says of its sources, as one log line (sample.h), and the
 * swap-in rate from two pswpin readings.
 */
#include "agent/sample.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Append to st->text; a full buffer just ends the line early. */
static void text_add(struct sample_status *st, size_t *pos,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void text_add(struct sample_status *st, size_t *pos,
		     const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= sizeof(st->text) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(st->text + *pos, sizeof(st->text) - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n < sizeof(st->text) - *pos
			? (size_t)n : sizeof(st->text) - 1 - *pos;
}

static void text_src(struct sample_status *st, size_t *pos, const char *name,
		     const struct sample_src_status *s)
{
	if (s->state != SRC_BAD)
		return;
	text_add(st, pos, "%s%s", *pos ? "; " : "", name);
	if (s->line)
		text_add(st, pos, " line %u", s->line);
	text_add(st, pos, ": %s", s->why ? s->why : "bad");
	if (s->sys_errno)
		text_add(st, pos, " (%s)", strerror(s->sys_errno));
}

const char *sample_status_str(struct sample_status *st)
{
	const struct meminfo_errors *me = &st->meminfo;
	size_t pos = 0;

	st->text[0] = '\0';
	if (st->meminfo_errno) {
		text_add(st, &pos, "meminfo: %s", strerror(st->meminfo_errno));
		return st->text;
	}
	if (st->meminfo_unusable)
		text_add(st, &pos, "meminfo: %s", st->meminfo_unusable);
	if (me->malformed)
		text_add(st, &pos,
			 "%smeminfo: %u malformed line(s), first at line %u: %s (\"%s\")",
			 pos ? "; " : "", me->malformed, me->first_bad_line,
			 meminfo_bad_str(me->first_bad), me->first_bad_text);
	if (me->truncated)
		text_add(st, &pos, "%smeminfo: larger than %d bytes, only the start was read",
			 pos ? "; " : "", MEMINFO_BUF_SIZE);
	if (st->meminfo_unusable)
		return st->text;
	text_src(st, &pos, "balloon target_kb", &st->balloon_target);
	text_src(st, &pos, "balloon current_kb", &st->balloon_current);
	text_src(st, &pos, "vmstat", &st->vmstat);
	text_src(st, &pos, "vmstat oom_kill", &st->oom_kill);
	text_src(st, &pos, "vmstat pswpin", &st->pswpin);
	text_src(st, &pos, "vmstat workingset_refault_anon", &st->refault_anon);
	text_src(st, &pos, "vmstat workingset_refault_file", &st->refault_file);
	text_src(st, &pos, "vmstat pgmajfault", &st->pgmajfault);
	text_src(st, &pos, "psi", &st->psi);
	text_src(st, &pos, "swaps", &st->swaps);
	if (pos == 0)
		text_add(st, &pos, "ok");
	return st->text;
}

uint64_t sample_swapin_rate(uint64_t prev_pswpin, uint64_t prev_ms,
			    uint64_t now_pswpin, uint64_t now_ms)
{
	uint64_t pages, ms, whole, part;

	if (now_pswpin < prev_pswpin || now_ms <= prev_ms)
		return 0;
	pages = now_pswpin - prev_pswpin;
	ms = now_ms - prev_ms;
	/* pages * 1000 / ms, split so that only an absurd rate (beyond
	 * 2^64 pages/s) can overflow, and then it saturates. */
	if (__builtin_mul_overflow(pages / ms, 1000, &whole))
		return UINT64_MAX;
	if (ms > UINT64_MAX / 1000)
		part = (pages % ms) / (ms / 1000);
	else
		part = (pages % ms) * 1000 / ms;
	if (__builtin_add_overflow(whole, part, &whole))
		return UINT64_MAX;
	return whole;
}
