/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The htools text export (htools.h). Mapping (docs/ganeti.md):
 *   node t_mem = the memory the host's domains may hold (mem_kb);
 *   node n_mem = dom0 and stub domains plus membal's reserve, which no
 *                instance may take;
 *   instance memory = H_i (static, what Ganeti's maxmem is) or the
 *                measured demand clamped to [L_i, H_i] (demand);
 *   node f_mem = t_mem - n_mem - the instances' memory (0 when above);
 *   auto_balance = N for a guest membal-place would never move (held,
 *                paused, migratable = no, pinned), so hbal leaves it;
 *   a host that is off is offline (Y); a drained host has no flag in the
 *                format: pass it to hbal with -O.
 */
#include "iallocator/htools.h"

#include <stdarg.h>
#include <string.h>

static int herr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int herr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static bool name_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == '|' || *p == ',' || *p == 0x7f)
			return false;
	return true;
}

uint64_t ia_ht_dom_mb(const struct place_dom *d, enum ia_ht_memory mem)
{
	uint64_t kb;

	if (mem == IA_HT_STATIC) {
		kb = d->max_kb;
	} else {
		kb = d->demand_kb;
		if (kb > d->max_kb)
			kb = d->max_kb;
		if (kb < d->min_kb)
			kb = d->min_kb;
	}
	return (kb + 1023) / 1024;
}

static bool movable(const struct place_dom *d)
{
	return d->migratable && !d->held && !d->paused && d->pin_host < 0;
}

/* One instance policy line: owner|std|min;max|templates|vcpu|spindle.
 * The largest memory is the largest host's (or guest's): wide enough
 * that no guest breaks the policy, and no wider, because hspace's
 * tiered allocation walks down from it (a 1 TiB maximum kept it busy
 * for minutes). */
static void policy(FILE *out, const char *owner, uint64_t max_mb)
{
	fprintf(out, "%s|1024,1,1,1,1,1|128,1,1,1,1,1;%llu,8,%u,16,8,12|diskless,file,sharedfile,plain,blockdev,drbd,rbd,ext|64.0|32.0\n",
		owner, (unsigned long long)max_mb, IA_HT_DISK_MB);
}

int ia_htools_write(FILE *out, const struct place_host *hosts, size_t nh,
		    const struct place_dom *doms, size_t nd,
		    enum ia_ht_memory mem, char *err, size_t errlen)
{
	uint64_t max_mb = 1024;

	fprintf(out, "%s|%s|preferred||\n\n", IA_HT_GROUP, IA_HT_GROUP_UUID);
	for (size_t h = 0; h < nh; h++) {
		if (hosts[h].mem_kb / 1024 > max_mb)
			max_mb = hosts[h].mem_kb / 1024;
	}
	for (size_t j = 0; j < nd; j++)
		if (doms[j].kind == PLACE_DOMU && ia_ht_dom_mb(&doms[j], mem) > max_mb)
			max_mb = ia_ht_dom_mb(&doms[j], mem);
	for (size_t h = 0; h < nh; h++) {
		const struct place_host *ph = &hosts[h];
		uint64_t node_mb = ph->reserve_kb / 1024, inst_mb = 0;
		uint64_t t_mb = ph->mem_kb / 1024;

		if (!name_ok(ph->name))
			return herr(err, errlen, "host %zu: name \"%.64s\" cannot be written in the htools format", h, ph->name ? ph->name : "");
		for (size_t j = 0; j < nd; j++) {
			if (doms[j].host != (int32_t)h)
				continue;
			if (doms[j].kind != PLACE_DOMU)
				node_mb += (doms[j].size_kb + 1023) / 1024;
			else
				inst_mb += ia_ht_dom_mb(&doms[j], mem);
		}
		uint64_t used = node_mb + inst_mb;

		fprintf(out, "%s|%llu|%llu|%llu|%u|%u|%u|%c|%s|1||N|1|1|1.0\n", ph->name,
			(unsigned long long)t_mb, (unsigned long long)node_mb,
			(unsigned long long)(t_mb > used ? t_mb - used : 0),
			IA_HT_DISK_MB, IA_HT_DISK_MB, IA_HT_CPUS, ph->on ? 'N' : 'Y',
			IA_HT_GROUP_UUID);
	}
	fputc('\n', out);
	for (size_t j = 0; j < nd; j++) {
		const struct place_dom *d = &doms[j];

		if (d->kind != PLACE_DOMU || d->host < 0 || (size_t)d->host >= nh)
			continue;
		if (!name_ok(d->name))
			return herr(err, errlen, "domain %zu: name \"%.64s\" cannot be written in the htools format", j, d->name ? d->name : "");
		fprintf(out, "%s|%llu|0|1|running|%c|%s||ext||1|-|N\n", d->name,
			(unsigned long long)ia_ht_dom_mb(d, mem), movable(d) ? 'Y' : 'N',
			hosts[d->host].name);
	}
	fputs("\n\n", out);
	policy(out, "", max_mb);
	policy(out, IA_HT_GROUP, max_mb);
	if (fflush(out) != 0 || ferror(out))
		return herr(err, errlen, "write error");
	return 0;
}
