/* SPDX-License-Identifier: GPL-2.0-only */
#include "agent/sample.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent/swaps.h"
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

/* A kept file read again from offset 0, as proc_read_file() reads a
 * path: 0, -EFBIG (buf full, more there) or -errno. A read error closes
 * it: the next sample opens it again. One pread() a file and sample. */
static int kept_read(struct sample_ctx *c, int f, char *buf, size_t size,
		     size_t *len)
{
	size_t got = 0;
	int rc = 0;

	*len = 0;
	if (c->fd[f] < 0) {
		if (c->missing[f])
			return -ENOENT;
		c->fd[f] = open(c->path[f], O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (c->fd[f] < 0) {
			rc = -errno;
			c->missing[f] = rc == -ENOENT || rc == -ENOTDIR;
			return rc;
		}
	}
	while (got < size) {
		ssize_t r = pread(c->fd[f], buf + got, size - got, (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			break;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		/* procfs and sysfs files are seq_files: a read stops short
		 * only at the end, so no second call to learn it. */
		if (got < size)
			break;
	}
	if (rc == 0 && got == size) {
		char probe;
		ssize_t r;

		do
			r = pread(c->fd[f], &probe, 1, (off_t)got);
		while (r < 0 && errno == EINTR);
		if (r > 0)
			rc = -EFBIG;
	}
	if (rc < 0 && rc != -EFBIG) {
		close(c->fd[f]);
		c->fd[f] = -1;
	}
	if (rc == 0 || rc == -EFBIG)
		*len = got;
	return rc;
}

static int file_read(struct sample_ctx *c, int f, char *buf, size_t size,
		     size_t *len)
{
	if (!c->path[f]) {
		*len = 0;
		return -ENAMETOOLONG;
	}
	if (c->keep[f])
		return kept_read(c, f, buf, size, len);
	return proc_read_file(c->path[f], buf, size, len);
}

/* A balloon sysfs attribute: decimal KiB and one newline, nothing else. */
static bool read_sysfs_kb(struct sample_ctx *c, int f,
			  struct sample_src_status *st, uint64_t *out)
{
	char buf[SYSFS_NUM_BUF_SIZE];
	enum parse_err pe;
	size_t len;
	int rc;

	if (!c->path[f]) {
		src_set(st, SRC_BAD, ENAMETOOLONG, 0, "path too long");
		return false;
	}
	rc = file_read(c, f, buf, sizeof(buf), &len);
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

static void sample_balloon(struct sample_ctx *c, struct agent_sample *s,
			   struct sample_status *st)
{
	bool t = read_sysfs_kb(c, SF_BALLOON_TARGET, &st->balloon_target,
			       &s->balloon_target_kb);
	bool cur = read_sysfs_kb(c, SF_BALLOON_CURRENT, &st->balloon_current,
				 &s->balloon_current_kb);

	/* The two only make sense together (O_i = current - MemTotal is
	 * judged against the target). */
	s->have_balloon = t && cur;
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

/* The vmstat lines we take. "workingset_refault" is the pre-5.9 name of
 * the file refaults (5.9 split it into _anon and _file): read into its own
 * slot and used only when the 5.9 line is absent. */
enum { VM_OOM, VM_PSWPIN, VM_REFAULT_ANON, VM_REFAULT_FILE, VM_REFAULT_OLD,
       VM_PGMAJFAULT, VM_COUNT };

struct vm_line {
	const char *name;
	size_t len;
	struct sample_src_status *st;
	bool *have;
	uint64_t *v;
};

static void sample_vmstat(struct sample_ctx *c, struct agent_sample *s,
			  struct sample_status *st)
{
	struct sample_src_status old_st;
	bool have_old = false;
	uint64_t old = 0;
#define VL(n, stp, h, val) { n, sizeof(n) - 1, stp, h, val }
	struct vm_line lines[VM_COUNT] = {
		[VM_OOM] = VL("oom_kill", &st->oom_kill, &s->have_oom_kill, &s->oom_kills),
		[VM_PSWPIN] = VL("pswpin", &st->pswpin, &s->have_pswpin, &s->pswpin),
		[VM_REFAULT_ANON] = VL("workingset_refault_anon", &st->refault_anon,
				       &s->have_refault_anon, &s->refault_anon),
		[VM_REFAULT_FILE] = VL("workingset_refault_file", &st->refault_file,
				       &s->have_refault_file, &s->refault_file),
		[VM_REFAULT_OLD] = VL("workingset_refault", &old_st, &have_old, &old),
		[VM_PGMAJFAULT] = VL("pgmajfault", &st->pgmajfault,
				     &s->have_pgmajfault, &s->pgmajfault),
	};
#undef VL
	char buf[VMSTAT_BUF_SIZE];
	const char *p, *end;
	unsigned lineno = 0;
	size_t len;
	int rc;

	for (int i = 0; i < VM_COUNT; i++)
		src_set(lines[i].st, SRC_MISSING, 0, 0, "no such line");
	rc = file_read(c, SF_VMSTAT, buf, sizeof(buf), &len);
	if (rc < 0 && rc != -EFBIG) {
		src_read_failed(&st->vmstat, rc);
		for (int i = 0; i < VM_COUNT; i++)
			lines[i].st->why = "vmstat not read";
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
		for (int i = 0; i < VM_COUNT; i++) {
			struct vm_line *l = &lines[i];

			if (!starts_with_word(p, n, l->name, l->len))
				continue;
			vmstat_take(p, n, l->len, lineno, l->st, l->have, l->v);
			break;
		}
		p = nl ? nl + 1 : end;
	}
	if (!s->have_refault_file && st->refault_file.state != SRC_BAD &&
	    have_old) {
		s->have_refault_file = true;
		s->refault_file = old;
		st->refault_file = src_ok;
	} else if (!s->have_refault_file && old_st.state == SRC_BAD) {
		st->refault_file = old_st;
	}
	for (int i = 0; i < VM_COUNT; i++)
		if (!*lines[i].have)
			*lines[i].v = 0;
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

/* "KIND avg10=X.XX avg60=X.XX avg300=X.XX total=N", the whole of
 * [p, end). */
static bool psi_parse_line(const char *p, const char *end, const char *kind,
			   uint32_t *avg10, uint64_t *total)
{
	uint32_t avg60, avg300;

	if (!expect_lit(&p, end, kind) || !expect_lit(&p, end, " avg10=") ||
	    !take_pct(&p, end, avg10) ||
	    !expect_lit(&p, end, " avg60=") || !take_pct(&p, end, &avg60) ||
	    !expect_lit(&p, end, " avg300=") || !take_pct(&p, end, &avg300) ||
	    !expect_lit(&p, end, " total="))
		return false;
	return parse_u64n(p, (size_t)(end - p), PARSE_U64_MAXLEN, 0, UINT64_MAX,
			  total) == PARSE_OK;
}

/* "some ..." on the first line (required), "full ..." on the second
 * (optional: a bad one only loses the full total). */
static bool psi_parse(const char *buf, size_t len, struct agent_sample *s)
{
	const char *nl = memchr(buf, '\n', len);
	const char *end = nl ? nl : buf + len;
	uint32_t avg10;

	if (!psi_parse_line(buf, end, "some", &s->psi_some, &s->psi_some_total))
		return false;
	if (nl && nl + 1 < buf + len) {
		const char *p = nl + 1, *nl2 = memchr(p, '\n', (size_t)(buf + len - p));

		s->have_psi_full = psi_parse_line(p, nl2 ? nl2 : buf + len, "full",
						  &avg10, &s->psi_full_total);
		if (!s->have_psi_full)
			s->psi_full_total = 0;
	}
	return true;
}

static void sample_psi(struct sample_ctx *c, struct agent_sample *s,
		       struct sample_status *st)
{
	char buf[PSI_BUF_SIZE];
	size_t len;
	int rc;

	rc = file_read(c, SF_PSI, buf, sizeof(buf), &len);
	if (rc < 0) {
		src_read_failed(&st->psi, rc);
		return;
	}
	if (!psi_parse(buf, len, s)) {
		src_set(&st->psi, SRC_BAD, 0, 1,
			"first line is not 'some avg10=X.XX avg60=X.XX avg300=X.XX total=N'");
		s->psi_some = 0;
		s->psi_some_total = 0;
		s->have_psi_full = false;
		s->psi_full_total = 0;
		return;
	}
	s->have_psi = true;
	st->psi = src_ok;
}

/* The zram part of the swap (swaps.h). /proc/swaps changes with a
 * swapon or a swapoff, and both move SwapTotal: it is read again only
 * when SwapTotal moved or at the heartbeat (force). No swap needs no
 * reading: none of it is zram, whether or not the kernel has the file.
 * Sizes that do not add up to SwapTotal (an area being added or
 * removed between the two reads, a container's view) leave the figure
 * unknown, which the arbiter reads as RAM-backed. */
static void sample_swaps(struct sample_ctx *c, struct agent_sample *s,
			 struct sample_status *st, bool force)
{
	uint64_t tot = s->mi.v[MI_SWAPTOTAL];
	char buf[SWAPS_BUF_SIZE];
	struct swaps_sum sum;
	enum swaps_err e;
	unsigned line;
	size_t len;
	int rc;

	if (tot == 0) {
		s->have_swap_zram = true;
		s->swap_zram_kb = 0;
		st->swaps = src_ok;
		return;
	}
	if (force || !c->swaps_read || c->swaps_tot != tot) {
		c->swaps_read = true;
		c->swaps_tot = tot;
		c->swaps_have = false;
		c->swaps_reads++;
		rc = file_read(c, SF_SWAPS, buf, sizeof(buf), &len);
		if (rc < 0) {
			src_read_failed(&c->swaps_st, rc);
		} else if ((e = swaps_parse(buf, len, &sum, &line)) != SWAPS_OK) {
			src_set(&c->swaps_st, SRC_BAD, 0, line, swaps_strerror(e));
		} else if (sum.size_kb != tot) {
			src_set(&c->swaps_st, SRC_BAD, 0, 0,
				"sizes do not add up to SwapTotal");
		} else {
			c->swaps_st = src_ok;
			c->swaps_have = true;
			c->swaps_zram = sum.zram_kb;
		}
	}
	st->swaps = c->swaps_st;
	s->have_swap_zram = c->swaps_have;
	s->swap_zram_kb = c->swaps_have ? c->swaps_zram : 0;
}

/* Only the running kernel's files stay the same files: a fixture or a
 * simulated guest's file may be replaced (rename) under the path. */
static bool kernel_file(const char *path)
{
	return path && (!strncmp(path, "/proc/", 6) || !strncmp(path, "/sys/", 5));
}

void sample_ctx_init(struct sample_ctx *c, const struct sample_paths *p)
{
	static const struct sample_paths defaults = {
		SAMPLE_MEMINFO_PATH, SAMPLE_VMSTAT_PATH, SAMPLE_PSI_PATH,
		SAMPLE_SYSFS_ROOT, SWAPS_PATH,
	};
	const char *root;
	int n;

	memset(c, 0, sizeof(*c));
	if (p == NULL)
		p = &defaults;
	root = p->sysfs_root ? p->sysfs_root : defaults.sysfs_root;
	c->path[SF_MEMINFO] = p->meminfo ? p->meminfo : defaults.meminfo;
	c->path[SF_VMSTAT] = p->vmstat ? p->vmstat : defaults.vmstat;
	c->path[SF_PSI] = p->psi_memory ? p->psi_memory : defaults.psi_memory;
	c->path[SF_SWAPS] = p->swaps ? p->swaps : defaults.swaps;
	n = snprintf(c->balloon_path[0], sizeof(c->balloon_path[0]), "%s%s/%s",
		     root, SAMPLE_BALLOON_DIR, "target_kb");
	if (n >= 0 && (size_t)n < sizeof(c->balloon_path[0]))
		c->path[SF_BALLOON_TARGET] = c->balloon_path[0];
	n = snprintf(c->balloon_path[1], sizeof(c->balloon_path[1]), "%s%s/%s",
		     root, SAMPLE_BALLOON_DIR, "info/current_kb");
	if (n >= 0 && (size_t)n < sizeof(c->balloon_path[1]))
		c->path[SF_BALLOON_CURRENT] = c->balloon_path[1];
	for (int f = 0; f < SF_COUNT; f++) {
		c->fd[f] = -1;
		c->keep[f] = kernel_file(c->path[f]);
	}
}

void sample_ctx_close(struct sample_ctx *c)
{
	for (int f = 0; f < SF_COUNT; f++) {
		if (c->fd[f] >= 0)
			close(c->fd[f]);
		c->fd[f] = -1;
	}
	c->have_vm = c->have_prev = c->swaps_read = false;
}

/* meminfo_read() on the kept file. */
static int read_meminfo(struct sample_ctx *c, struct meminfo *out,
			struct meminfo_errors *err)
{
	char buf[MEMINFO_BUF_SIZE];
	size_t len = 0;
	int rc = file_read(c, SF_MEMINFO, buf, sizeof(buf), &len);

	return meminfo_parse_read(rc, buf, len, out, err);
}

/* Whether vmstat's counters may have moved since the last sample. */
static bool vmstat_due(const struct sample_ctx *c, const struct agent_sample *s)
{
	if (!c->keep[SF_VMSTAT] || !c->have_vm || !c->have_prev)
		return true;
	return s->mi.v[MI_MEMFREE] != c->prev_free ||
	       s->mi.v[MI_SWAPFREE] != c->prev_swap_free ||
	       s->have_psi != c->prev_have_psi ||
	       s->psi_some_total != c->prev_psi_total;
}

static void vm_copy(struct agent_sample *to, const struct agent_sample *from)
{
	to->have_oom_kill = from->have_oom_kill;
	to->oom_kills = from->oom_kills;
	to->have_pswpin = from->have_pswpin;
	to->pswpin = from->pswpin;
	to->have_refault_anon = from->have_refault_anon;
	to->refault_anon = from->refault_anon;
	to->have_refault_file = from->have_refault_file;
	to->refault_file = from->refault_file;
	to->have_pgmajfault = from->have_pgmajfault;
	to->pgmajfault = from->pgmajfault;
}

static void vm_status_copy(struct sample_status *to,
			   const struct sample_status *from)
{
	to->vmstat = from->vmstat;
	to->oom_kill = from->oom_kill;
	to->pswpin = from->pswpin;
	to->refault_anon = from->refault_anon;
	to->refault_file = from->refault_file;
	to->pgmajfault = from->pgmajfault;
}

int sample_ctx_read(struct sample_ctx *c, bool force_vmstat,
		    struct agent_sample *out, struct sample_status *st)
{
	struct agent_sample s;
	int rc;

	memset(st, 0, sizeof(*st));
	memset(&s, 0, sizeof(s));
	if (force_vmstat)       /* the heartbeat: look for absent files again */
		memset(c->missing, 0, sizeof(c->missing));
	src_set(&st->balloon_target, SRC_MISSING, 0, 0, "not read");
	st->balloon_current = st->vmstat = st->oom_kill = st->pswpin =
		st->refault_anon = st->refault_file = st->pgmajfault =
		st->psi = st->swaps = st->balloon_target;

	rc = read_meminfo(c, &s.mi, &st->meminfo);
	if (rc < 0 && rc != -EBADMSG && rc != -EFBIG) {
		st->meminfo_errno = -rc;
		return rc;
	}
	st->meminfo_unusable = meminfo_unusable(&s.mi);
	if (st->meminfo_unusable)
		return -EBADMSG;

	sample_balloon(c, &s, st);
	sample_psi(c, &s, st);
	sample_swaps(c, &s, st, force_vmstat);
	if (force_vmstat || vmstat_due(c, &s)) {
		sample_vmstat(c, &s, st);
		s.vmstat_fresh = true;
		c->vm = s;
		vm_status_copy(&c->vm_st, st);
		c->have_vm = true;
		c->vmstat_reads++;
	} else {
		vm_copy(&s, &c->vm);
		vm_status_copy(st, &c->vm_st);
		c->vmstat_skips++;
	}
	c->prev_free = s.mi.v[MI_MEMFREE];
	c->prev_swap_free = s.mi.v[MI_SWAPFREE];
	c->prev_psi_total = s.psi_some_total;
	c->prev_have_psi = s.have_psi;
	c->have_prev = true;
	*out = s;
	return 0;
}

int sample_read(const struct sample_paths *p, struct agent_sample *out,
		struct sample_status *st)
{
	struct sample_ctx c;
	int rc;

	sample_ctx_init(&c, p);
	for (int f = 0; f < SF_COUNT; f++)
		c.keep[f] = false;      /* opened and closed, as ever */
	rc = sample_ctx_read(&c, true, out, st);
	sample_ctx_close(&c);
	return rc;
}
