/* SPDX-License-Identifier: GPL-2.0-only */
#include "common/meminfo.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "common/parse.h"

struct field_desc {
	const char *name;
	uint8_t len;
	bool count;             /* HugePages_*: no unit */
};

#define KB(s)    { s, sizeof(s) - 1, false }
#define COUNT(s) { s, sizeof(s) - 1, true }

/* Indexed by enum meminfo_field; the enum follows the kernel's print order
 * so that the lookup hint below hits on the first comparison. */
static const struct field_desc fields[MI_COUNT] = {
	[MI_MEMTOTAL] = KB("MemTotal"),
	[MI_MEMFREE] = KB("MemFree"),
	[MI_MEMAVAILABLE] = KB("MemAvailable"),
	[MI_BUFFERS] = KB("Buffers"),
	[MI_CACHED] = KB("Cached"),
	[MI_SWAPCACHED] = KB("SwapCached"),
	[MI_ACTIVE] = KB("Active"),
	[MI_INACTIVE] = KB("Inactive"),
	[MI_ACTIVE_ANON] = KB("Active(anon)"),
	[MI_INACTIVE_ANON] = KB("Inactive(anon)"),
	[MI_ACTIVE_FILE] = KB("Active(file)"),
	[MI_INACTIVE_FILE] = KB("Inactive(file)"),
	[MI_UNEVICTABLE] = KB("Unevictable"),
	[MI_MLOCKED] = KB("Mlocked"),
	[MI_HIGHTOTAL] = KB("HighTotal"),
	[MI_HIGHFREE] = KB("HighFree"),
	[MI_LOWTOTAL] = KB("LowTotal"),
	[MI_LOWFREE] = KB("LowFree"),
	[MI_MMAPCOPY] = KB("MmapCopy"),
	[MI_SWAPTOTAL] = KB("SwapTotal"),
	[MI_SWAPFREE] = KB("SwapFree"),
	[MI_ZSWAP] = KB("Zswap"),
	[MI_ZSWAPPED] = KB("Zswapped"),
	[MI_DIRTY] = KB("Dirty"),
	[MI_WRITEBACK] = KB("Writeback"),
	[MI_ANONPAGES] = KB("AnonPages"),
	[MI_MAPPED] = KB("Mapped"),
	[MI_SHMEM] = KB("Shmem"),
	[MI_KRECLAIMABLE] = KB("KReclaimable"),
	[MI_SLAB] = KB("Slab"),
	[MI_SRECLAIMABLE] = KB("SReclaimable"),
	[MI_SUNRECLAIM] = KB("SUnreclaim"),
	[MI_KERNELSTACK] = KB("KernelStack"),
	[MI_SHADOWCALLSTACK] = KB("ShadowCallStack"),
	[MI_PAGETABLES] = KB("PageTables"),
	[MI_SECPAGETABLES] = KB("SecPageTables"),
	[MI_QUICKLISTS] = KB("Quicklists"),
	[MI_NFS_UNSTABLE] = KB("NFS_Unstable"),
	[MI_BOUNCE] = KB("Bounce"),
	[MI_WRITEBACKTMP] = KB("WritebackTmp"),
	[MI_COMMITLIMIT] = KB("CommitLimit"),
	[MI_COMMITTED_AS] = KB("Committed_AS"),
	[MI_VMALLOCTOTAL] = KB("VmallocTotal"),
	[MI_VMALLOCUSED] = KB("VmallocUsed"),
	[MI_VMALLOCCHUNK] = KB("VmallocChunk"),
	[MI_PERCPU] = KB("Percpu"),
	[MI_EARLYMEMTESTBAD] = KB("EarlyMemtestBad"),
	[MI_HARDWARECORRUPTED] = KB("HardwareCorrupted"),
	[MI_ANONHUGEPAGES] = KB("AnonHugePages"),
	[MI_SHMEMHUGEPAGES] = KB("ShmemHugePages"),
	[MI_SHMEMPMDMAPPED] = KB("ShmemPmdMapped"),
	[MI_FILEHUGEPAGES] = KB("FileHugePages"),
	[MI_FILEPMDMAPPED] = KB("FilePmdMapped"),
	[MI_CMATOTAL] = KB("CmaTotal"),
	[MI_CMAFREE] = KB("CmaFree"),
	[MI_UNACCEPTED] = KB("Unaccepted"),
	[MI_BALLOON] = KB("Balloon"),
	[MI_HUGEPAGES_TOTAL] = COUNT("HugePages_Total"),
	[MI_HUGEPAGES_FREE] = COUNT("HugePages_Free"),
	[MI_HUGEPAGES_RSVD] = COUNT("HugePages_Rsvd"),
	[MI_HUGEPAGES_SURP] = COUNT("HugePages_Surp"),
	[MI_HUGEPAGESIZE] = KB("Hugepagesize"),
	[MI_HUGETLB] = KB("Hugetlb"),
	[MI_DIRECTMAP4K] = KB("DirectMap4k"),
	[MI_DIRECTMAP2M] = KB("DirectMap2M"),
	[MI_DIRECTMAP4M] = KB("DirectMap4M"),
	[MI_DIRECTMAP1G] = KB("DirectMap1G"),
};

#undef KB
#undef COUNT

const char *meminfo_field_name(enum meminfo_field f)
{
	return (unsigned)f < MI_COUNT ? fields[f].name : "?";
}

bool meminfo_field_is_count(enum meminfo_field f)
{
	return (unsigned)f < MI_COUNT && fields[f].count;
}

const char *meminfo_bad_str(enum meminfo_bad bad)
{
	switch (bad) {
	case MI_BAD_NONE: return "ok";
	case MI_BAD_EMPTY: return "empty line";
	case MI_BAD_NO_COLON: return "no 'Name:' at the start of the line";
	case MI_BAD_NAME: return "field name has bytes outside [A-Za-z0-9_()]";
	case MI_BAD_NO_VALUE: return "no decimal value after the name";
	case MI_BAD_OVERFLOW: return "value does not fit 64 bits";
	case MI_BAD_NO_UNIT: return "value has no kB unit";
	case MI_BAD_UNIT: return "wrong unit for this field";
	case MI_BAD_TRAILING: return "unexpected bytes after the value";
	}
	return "unknown error";
}

static bool name_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '(' || c == ')';
}

static bool field_is(unsigned i, const char *name, size_t len)
{
	return fields[i].len == len && memcmp(fields[i].name, name, len) == 0;
}

/* The kernel prints the fields in table order, so trying the entry after
 * the last match first makes a normal file cost one comparison per line;
 * the full scan only runs for unknown names and reordered input. */
static int field_lookup(const char *name, size_t len, unsigned hint)
{
	if (hint < MI_COUNT && field_is(hint, name, len))
		return (int)hint;
	for (unsigned i = 0; i < MI_COUNT; i++)
		if (field_is(i, name, len))
			return (int)i;
	return -1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool all_letters(const char *s, const char *end)
{
	if (s == end)
		return false;
	for (; s < end; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
			return false;
	return true;
}

/* One line without its newline, [p, eol). */
static enum meminfo_bad parse_line(const char *p, const char *eol,
				   struct meminfo *out,
				   struct meminfo_errors *err, unsigned *hint)
{
	size_t n = (size_t)(eol - p);
	size_t scan = n < MEMINFO_NAME_MAX + 1 ? n : MEMINFO_NAME_MAX + 1;
	const char *colon, *q, *digits;
	enum parse_err pe;
	bool kb, unit_other;
	uint64_t v;
	int f;

	if (n == 0)
		return MI_BAD_EMPTY;
	colon = memchr(p, ':', scan);
	if (colon == NULL)
		return MI_BAD_NO_COLON;
	if (colon == p)
		return MI_BAD_NAME;
	/* A known name is well-formed by construction; only the others
	 * need their bytes checked. */
	f = field_lookup(p, (size_t)(colon - p), *hint);
	if (f < 0) {
		for (q = p; q < colon; q++)
			if (!name_byte((unsigned char)*q))
				return MI_BAD_NAME;
		err->unknown++;
		return MI_BAD_NONE;
	}

	q = colon + 1;
	while (q < eol && is_blank(*q))
		q++;
	digits = q;
	while (q < eol && is_digit(*q))
		q++;
	if (q == digits)
		return MI_BAD_NO_VALUE;
	if (q - digits <= 19) {
		/* 19 digits cannot overflow (10^19 - 1 < 2^64), so the usual
		 * case skips parse_u64n()'s per-digit overflow division,
		 * which was most of the parsing time. */
		v = 0;
		for (const char *d = digits; d < q; d++)
			v = v * 10 + (uint64_t)(*d - '0');
	} else {
		/* Only digits here, so the one failure left is size: 2^64
		 * is an overflow, never 0. */
		pe = parse_u64n(digits, (size_t)(q - digits), PARSE_U64_MAXLEN,
				0, UINT64_MAX, &v);
		if (pe != PARSE_OK)
			return MI_BAD_OVERFLOW;
	}

	kb = eol - q == 3 && memcmp(q, " kB", 3) == 0;
	unit_other = !kb && q < eol && *q == ' ' && all_letters(q + 1, eol);
	if (q < eol && !kb && !unit_other)
		return MI_BAD_TRAILING;
	if (fields[f].count) {
		if (q < eol)
			return MI_BAD_UNIT;
	} else {
		if (q == eol)
			return MI_BAD_NO_UNIT;
		if (!kb)
			return MI_BAD_UNIT;
	}

	*hint = (unsigned)f + 1;
	if (meminfo_has(out, (enum meminfo_field)f)) {
		err->duplicate++;
		return MI_BAD_NONE;
	}
	out->v[f] = v;
	out->have[f / 64] |= UINT64_C(1) << (f % 64);
	return MI_BAD_NONE;
}

static void note_bad(struct meminfo_errors *err, enum meminfo_bad bad,
		     const char *p, const char *eol)
{
	size_t n = (size_t)(eol - p), i;

	if (err->malformed++ > 0)
		return;
	err->first_bad_line = err->lines;
	err->first_bad = bad;
	if (n > sizeof(err->first_bad_text) - 1)
		n = sizeof(err->first_bad_text) - 1;
	/* The excerpt goes into logs: never let a control byte through. */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		err->first_bad_text[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	err->first_bad_text[i] = '\0';
}

int meminfo_parse(const char *buf, size_t len, struct meminfo *out,
		  struct meminfo_errors *err)
{
	struct meminfo_errors scratch;
	const char *p = buf, *end = buf + len;
	unsigned hint = 0;

	if (err == NULL)
		err = &scratch;
	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		enum meminfo_bad bad;

		err->lines++;
		bad = parse_line(p, eol, out, err, &hint);
		if (bad != MI_BAD_NONE)
			note_bad(err, bad, p, eol);
		p = nl ? nl + 1 : end;
	}
	return err->malformed ? -EBADMSG : 0;
}

int proc_read_file(const char *path, char *buf, size_t size, size_t *len)
{
	size_t got = 0;
	int fd, rc = 0;

	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	while (got < size) {
		ssize_t r = read(fd, buf + got, size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			break;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (rc == 0 && got == size) {
		/* Full buffer: only a further byte tells "exactly size"
		 * from "larger". */
		char probe;
		ssize_t r;

		do
			r = read(fd, &probe, 1);
		while (r < 0 && errno == EINTR);
		if (r > 0)
			rc = -EFBIG;
	}
	close(fd);
	if (rc == 0 || rc == -EFBIG)
		*len = got;
	return rc;
}

int meminfo_parse_read(int read_rc, const char *buf, size_t len,
		       struct meminfo *out, struct meminfo_errors *err)
{
	struct meminfo_errors scratch;

	if (err == NULL)
		err = &scratch;
	if (read_rc < 0 && read_rc != -EFBIG) {
		memset(out, 0, sizeof(*out));
		memset(err, 0, sizeof(*err));
		return read_rc;
	}
	if (read_rc == -EFBIG) {
		/* The cut line would read as malformed (or, worse, as a
		 * shorter number with a missing unit): parse whole lines
		 * only. */
		const char *nl = memrchr(buf, '\n', len);

		len = nl ? (size_t)(nl - buf) + 1 : 0;
	}
	int prc = meminfo_parse(buf, len, out, err);
	if (read_rc == -EFBIG) {
		err->truncated = true;
		return read_rc;
	}
	return prc;
}

int meminfo_read(const char *path, struct meminfo *out,
		 struct meminfo_errors *err)
{
	char buf[MEMINFO_BUF_SIZE];
	size_t len = 0;
	int rc = proc_read_file(path, buf, sizeof(buf), &len);

	return meminfo_parse_read(rc, buf, len, out, err);
}

const char *meminfo_unusable(const struct meminfo *mi)
{
	static const struct {
		enum meminfo_field f;
		const char *why;
	} required[] = {
		{ MI_MEMTOTAL, "no MemTotal" },
		{ MI_MEMFREE, "no MemFree" },
		{ MI_COMMITTED_AS, "no Committed_AS" },
		{ MI_SWAPTOTAL, "no SwapTotal" },
		{ MI_SWAPFREE, "no SwapFree" },
	};

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!meminfo_has(mi, required[i].f))
			return required[i].why;
	if (mi->v[MI_MEMTOTAL] == 0)
		return "MemTotal is 0";
	if (mi->v[MI_MEMFREE] > mi->v[MI_MEMTOTAL])
		return "MemFree larger than MemTotal";
	if (mi->v[MI_SWAPFREE] > mi->v[MI_SWAPTOTAL])
		return "SwapFree larger than SwapTotal";
	return NULL;
}
