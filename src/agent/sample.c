#include "agent/sample.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/parse.h"

/* A 6.x /proc/vmstat is about 4 KiB (190 lines); four times that leaves
 * room for kernels to come. Larger is read in part and reported. */
#define VMSTAT_BUF_SIZE 16384
/* "some avg10=100.00 avg60=100.00 avg300=100.00 total=<20 digits>\n" and
 * the same "full" line fit easily. */
#define PSI_BUF_SIZE 256
/* A sysfs number: 20 digits and a newline, with slack to tell "too long"
 * from "cut". */
#define SYSFS_NUM_BUF_SIZE 32

static const struct sample_src_status src_ok = { SRC_OK, 0, 0, NULL };

static void src_set(struct sample_src_status *s, enum sample_src_state state,
		    int sys_errno, unsigned line, const char *why)
{
	s->state = state;
	s->sys_errno = sys_errno;
	s->line = line;
	s->why = why;
}

/* Absent files are how a kernel says "I do not have this" (no balloon
 * driver, no CONFIG_PSI, psi=0 on the command line gives EOPNOTSUPP at
 * read time); anything else is a real problem worth a log line. */
static void src_read_failed(struct sample_src_status *s, int rc)
{
	int e = -rc;

	if (e == ENOENT || e == ENOTDIR || e == EOPNOTSUPP)
		src_set(s, SRC_MISSING, e, 0, "not present");
	else if (e == EFBIG)
		src_set(s, SRC_BAD, 0, 0, "larger than expected");
	else
		src_set(s, SRC_BAD, e, 0, "cannot be read");
}

/* A balloon sysfs attribute: decimal KiB and one newline, nothing else. */
static bool read_sysfs_kb(const char *root, const char *leaf,
			  struct sample_src_status *st, uint64_t *out)
{
	char path[PATH_MAX], buf[SYSFS_NUM_BUF_SIZE];
	enum parse_err pe;
	size_t len;
	int n, rc;

	n = snprintf(path, sizeof(path), "%s%s/%s", root, SAMPLE_BALLOON_DIR,
		     leaf);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		src_set(st, SRC_BAD, ENAMETOOLONG, 0, "path too long");
		return false;
	}
	rc = proc_read_file(path, buf, sizeof(buf), &len);
	if (rc < 0) {
		src_read_failed(st, rc);
		return false;
	}
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	pe = parse_u64n(buf, len, PARSE_U64_MAXLEN, 0, UINT64_MAX, out);
	if (pe != PARSE_OK) {
		src_set(st, SRC_BAD, 0, 1, parse_strerror(pe));
		return false;
	}
	*st = src_ok;
	return true;
}

static void sample_balloon(const char *root, struct agent_sample *s,
			   struct sample_status *st)
{
	bool t = read_sysfs_kb(root, "target_kb", &st->balloon_target,
			       &s->balloon_target_kb);
	bool c = read_sysfs_kb(root, "info/current_kb", &st->balloon_current,
			       &s->balloon_current_kb);

	/* The two only make sense together (O_i = current - MemTotal is
	 * judged against the target). */
	s->have_balloon = t && c;
	if (!s->have_balloon) {
		s->balloon_target_kb = 0;
		s->balloon_current_kb = 0;
	}
}

/* "name value" for the one name we want; strict on its value, silent on
 * every other line. First occurrence wins, as in meminfo. */
static void vmstat_take(const char *line, size_t n, size_t namelen,
			unsigned lineno, struct sample_src_status *st,
			bool *have, uint64_t *out)
{
	enum parse_err pe;

	if (*have || st->state == SRC_BAD)
		return;
	if (namelen >= n || line[namelen] != ' ') {
		src_set(st, SRC_BAD, 0, lineno, "no value after the name");
		return;
	}
	pe = parse_u64n(line + namelen + 1, n - namelen - 1, PARSE_U64_MAXLEN,
			0, UINT64_MAX, out);
	if (pe != PARSE_OK) {
		src_set(st, SRC_BAD, 0, lineno, parse_strerror(pe));
		return;
	}
	*have = true;
	*st = src_ok;
}

static bool starts_with_word(const char *line, size_t n, const char *word,
			     size_t wlen)
{
	return n >= wlen && memcmp(line, word, wlen) == 0 &&
	       (n == wlen || line[wlen] == ' ');
}

static void sample_vmstat(const char *path, struct agent_sample *s,
			  struct sample_status *st)
{
	static const char oom[] = "oom_kill", pswpin[] = "pswpin";
	char buf[VMSTAT_BUF_SIZE];
	const char *p, *end;
	unsigned lineno = 0;
	size_t len;
	int rc;

	src_set(&st->oom_kill, SRC_MISSING, 0, 0, "no oom_kill line");
	src_set(&st->pswpin, SRC_MISSING, 0, 0, "no pswpin line");
	rc = proc_read_file(path, buf, sizeof(buf), &len);
	if (rc < 0 && rc != -EFBIG) {
		src_read_failed(&st->vmstat, rc);
		st->oom_kill.why = st->pswpin.why = "vmstat not read";
		return;
	}
	if (rc == -EFBIG) {
		const char *nl = memrchr(buf, '\n', len);

		len = nl ? (size_t)(nl - buf) + 1 : 0;
		src_set(&st->vmstat, SRC_BAD, 0, 0,
			"larger than 16 KiB; only the start was read");
	} else {
		st->vmstat = src_ok;
	}

	p = buf;
	end = buf + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		lineno++;
		if (starts_with_word(p, n, oom, sizeof(oom) - 1))
			vmstat_take(p, n, sizeof(oom) - 1, lineno,
				    &st->oom_kill, &s->have_oom_kill,
				    &s->oom_kills);
		else if (starts_with_word(p, n, pswpin, sizeof(pswpin) - 1))
			vmstat_take(p, n, sizeof(pswpin) - 1, lineno,
				    &st->pswpin, &s->have_pswpin, &s->pswpin);
		p = nl ? nl + 1 : end;
	}
	if (!s->have_oom_kill)
		s->oom_kills = 0;
	if (!s->have_pswpin)
		s->pswpin = 0;
}

static bool expect_lit(const char **p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
		return false;
	*p += n;
	return true;
}

/* The kernel prints "%lu.%02lu": 1..3 integer digits, a dot, exactly two
 * decimals, at most 100.00. Result in hundredths. */
static bool take_pct(const char **p, const char *end, uint32_t *out)
{
	const char *q = *p;
	uint32_t v = 0;
	int digits = 0;

	while (q < end && *q >= '0' && *q <= '9' && digits < 4) {
		v = v * 10 + (uint32_t)(*q - '0');
		q++;
		digits++;
	}
	if (digits == 0 || digits > 3 || q >= end || *q != '.')
		return false;
	q++;
	for (int i = 0; i < 2; i++, q++) {
		if (q >= end || *q < '0' || *q > '9')
			return false;
		v = v * 10 + (uint32_t)(*q - '0');
	}
	if (v > 10000)
		return false;
	*out = v;
	*p = q;
	return true;
}

/* "some avg10=X.XX avg60=X.XX avg300=X.XX total=N" on the first line; the
 * "full" line after it is not needed and not read. */
static bool psi_parse_some(const char *buf, size_t len, uint32_t *some)
{
	const char *p = buf;
	const char *nl = memchr(buf, '\n', len);
	const char *end = nl ? nl : buf + len;
	uint32_t avg10, avg60, avg300;
	uint64_t total;

	if (!expect_lit(&p, end, "some avg10=") || !take_pct(&p, end, &avg10) ||
	    !expect_lit(&p, end, " avg60=") || !take_pct(&p, end, &avg60) ||
	    !expect_lit(&p, end, " avg300=") || !take_pct(&p, end, &avg300) ||
	    !expect_lit(&p, end, " total="))
		return false;
	if (parse_u64n(p, (size_t)(end - p), PARSE_U64_MAXLEN, 0, UINT64_MAX,
		       &total) != PARSE_OK)
		return false;
	*some = avg10;
	return true;
}

static void sample_psi(const char *path, struct agent_sample *s,
		       struct sample_status *st)
{
	char buf[PSI_BUF_SIZE];
	size_t len;
	int rc;

	rc = proc_read_file(path, buf, sizeof(buf), &len);
	if (rc < 0) {
		src_read_failed(&st->psi, rc);
		return;
	}
	if (!psi_parse_some(buf, len, &s->psi_some)) {
		src_set(&st->psi, SRC_BAD, 0, 1,
			"first line is not 'some avg10=X.XX avg60=X.XX avg300=X.XX total=N'");
		s->psi_some = 0;
		return;
	}
	s->have_psi = true;
	st->psi = src_ok;
}

int sample_read(const struct sample_paths *p, struct agent_sample *out,
		struct sample_status *st)
{
	static const struct sample_paths defaults = {
		SAMPLE_MEMINFO_PATH, SAMPLE_VMSTAT_PATH, SAMPLE_PSI_PATH,
		SAMPLE_SYSFS_ROOT,
	};
	struct agent_sample s;
	int rc;

	if (p == NULL)
		p = &defaults;
	memset(st, 0, sizeof(*st));
	memset(&s, 0, sizeof(s));
	src_set(&st->balloon_target, SRC_MISSING, 0, 0, "not read");
	st->balloon_current = st->vmstat = st->oom_kill = st->pswpin =
		st->psi = st->balloon_target;

	rc = meminfo_read(p->meminfo ? p->meminfo : defaults.meminfo, &s.mi,
			  &st->meminfo);
	if (rc < 0 && rc != -EBADMSG && rc != -EFBIG) {
		st->meminfo_errno = -rc;
		return rc;
	}
	st->meminfo_unusable = meminfo_unusable(&s.mi);
	if (st->meminfo_unusable)
		return -EBADMSG;

	sample_balloon(p->sysfs_root ? p->sysfs_root : defaults.sysfs_root,
		       &s, st);
	sample_vmstat(p->vmstat ? p->vmstat : defaults.vmstat, &s, st);
	sample_psi(p->psi_memory ? p->psi_memory : defaults.psi_memory, &s,
		   st);
	*out = s;
	return 0;
}

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
	text_src(st, &pos, "psi", &st->psi);
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
