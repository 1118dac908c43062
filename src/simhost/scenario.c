/* SPDX-License-Identifier: GPL-2.0-only */
#include "simhost/scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/domid.h"
#include "common/parse.h"

#define MB_MAX (UINT64_C(1) << 24)         /* 16 TiB */
#define RATE_MB_S_MAX (UINT64_C(1) << 20)  /* 1 TiB/s */
/* A guest whose MemTotal would be smaller than this does not boot. */
#define SIM_MIN_MEMTOTAL_KB (16 * 1024)

enum host_key { HK_TOTAL, HK_DOM0, HK_RATE, HK_DURATION, HK_SEED, HK_TRACE,
		HK_FAULT, HK_WINDOW, HK_SWAPRATE, HK_CACHERATE, HK_BURST, HK_RESV,
		HK_RESTART, HK_RETOUCH, HK_RESV_AT, HK_COUNT };
static const char *const host_keys[HK_COUNT] = {
	"total_mb", "dom0_mb", "balloon_rate_mb_s", "duration_s", "seed", "trace",
	"swap_fault_us", "touch_window_s", "swap_rate_mb_s", "cache_rate_mb_s",
	"burst_mb", "reserve_wait_s", "oom_restart_s", "oom_retouch_mb_s",
	"reserve_at",
};

enum guest_key {
	GK_DOMID, GK_TYPE, GK_MEMORY, GK_STATIC_MAX, GK_VIDEORAM, GK_OVERHEAD,
	GK_RATE, GK_FOLLOWS, GK_AGENT, GK_START, GK_STOP, GK_SWAP, GK_WORKLOAD,
	GK_OFFSET, GK_WORK, GK_FILE, GK_FILE_WS, GK_SHMEM, GK_UNTOUCHED, GK_TOUCH,
	GK_QUIET, GK_PAUSED, GK_SWAP_KIND, GK_ZRAM_RATIO, GK_MAX_AT, GK_MAXMEM_AT,
	GK_NEED, GK_COUNT
};
static const char *const guest_keys[GK_COUNT] = {
	"domid", "type", "memory_mb", "static_max_mb", "videoram_mb",
	"overhead_kb", "balloon_rate_mb_s", "follows", "agent", "start_s",
	"stop_s", "swap_mb", "workload", "offset_s", "work_s", "file_mb",
	"file_ws_mb", "shmem_mb", "untouched_mb", "touch_mb_s", "agent_quiet_s",
	"paused_s", "swap_kind", "zram_ratio", "static_max_at", "maxmem_at", "reserve_need_mb",
};

static const char *const type_names[] = { "pv", "pvh", "hvm", NULL };
static const enum hv_dom_type type_values[] = { HV_TYPE_PV, HV_TYPE_PVH, HV_TYPE_HVM };

struct guest_load {
	unsigned seen;        /* bit per enum guest_key */
};

struct load {
	struct sim_scenario *s;
	const char *path;           /* the scenario file: traces are relative to it */
	size_t cap;
	struct guest_load *gl;  /* parallel to s->guests */
	unsigned host_seen;
	unsigned host_line[HK_COUNT];
	unsigned host_first;        /* line of [host]'s first key */
	char section[SIM_NAME_MAX + 16];  /* of the previous key */
	bool oom;
};

const char *sim_type_name(enum hv_dom_type t)
{
	switch (t) {
	case HV_TYPE_PV: return "pv";
	case HV_TYPE_PVH: return "pvh";
	case HV_TYPE_HVM: return "hvm";
	default: return "unknown";
	}
}

uint64_t sim_overhead_default_kb(uint64_t static_max_kb)
{
	return SIM_KERNEL_FIXED_KB + static_max_kb / 64;
}

static int key_index(const char *const *names, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], key))
			return i;
	return -1;
}

/* Names end up in file paths (<guest_dir>/<name>/) and in xenstore. */
static bool name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= SIM_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

static struct sim_guest_spec *guest_for(struct load *l, struct cfg_file *f,
					const char *section, const char *name,
					struct guest_load **gl)
{
	struct sim_scenario *s = l->s;
	struct sim_guest_spec *g;

	for (size_t i = 0; i < s->n_guests; i++)
		if (!strcmp(s->guests[i].name, name)) {
			if (strcmp(l->section, section) != 0) {
				cfg_error(f, section, NULL, "[%s] given twice (first at line %u)",
					  section, s->guests[i].line);
				return NULL;
			}
			*gl = &l->gl[i];
			return &s->guests[i];
		}
	if (!name_ok(name)) {
		cfg_error(f, section, NULL,
			  "guest name must be 1..%d characters of [A-Za-z0-9_.-], not starting with '.' or '-'",
			  SIM_NAME_MAX - 1);
		return NULL;
	}
	if (s->n_guests == SIM_MAX_GUESTS) {
		cfg_error(f, section, NULL, "more than %d guests", SIM_MAX_GUESTS);
		return NULL;
	}
	if (s->n_guests == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct sim_guest_spec *ng = realloc(s->guests, cap * sizeof(*ng));
		struct guest_load *ngl;

		if (!ng) {
			l->oom = true;
			return NULL;
		}
		s->guests = ng;
		ngl = realloc(l->gl, cap * sizeof(*ngl));
		if (!ngl) {
			l->oom = true;
			return NULL;
		}
		l->gl = ngl;
		l->cap = cap;
	}
	g = &s->guests[s->n_guests];
	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "%s", name);
	g->type = HV_TYPE_PV;
	g->follows = true;
	g->agent = true;
	g->stop_ms = SIM_NEVER;
	g->line = f->line;
	l->gl[s->n_guests].seen = 0;
	*gl = &l->gl[s->n_guests];
	s->n_guests++;
	return g;
}

/* The trace file, relative to the scenario file's directory. */
static void host_trace(struct load *l, struct cfg_file *f, const char *s,
		       const char *k, const char *v)
{
	const char *slash = l->path ? strrchr(l->path, '/') : NULL;
	char why[512];
	int n;

	if (!*v) {
		cfg_error(f, s, k, "empty path");
		return;
	}
	if (v[0] == '/' || !slash)
		n = snprintf(l->s->trace_path, sizeof(l->s->trace_path), "%s", v);
	else
		n = snprintf(l->s->trace_path, sizeof(l->s->trace_path), "%.*s/%s",
			     (int)(slash - l->path), l->path, v);
	if (n < 0 || (size_t)n >= sizeof(l->s->trace_path)) {
		cfg_error(f, s, k, "path longer than %zu characters",
			  sizeof(l->s->trace_path) - 1);
		l->s->trace_path[0] = '\0';
		return;
	}
	if (sim_trace_load(l->s->trace_path, &l->s->trace, why, sizeof(why)) < 0)
		cfg_error(f, s, k, "%s", why);
}

/* Every [host] key but trace: its range in the file's unit, that unit in
 * the field's, its default in the file's unit (0: required). */
struct host_num {
	uint64_t min, max, unit, def;
};
static const struct host_num host_num[HK_COUNT] = {
	[HK_TOTAL] = { 1, MB_MAX, 1024, 0 },
	[HK_DOM0] = { 1, MB_MAX, 1024, 0 },
	[HK_RATE] = { 1, RATE_MB_S_MAX, 1024, SIM_DEFAULT_RATE_MB_S },
	[HK_DURATION] = { 1, SIM_WORKLOAD_S_MAX, 1000, SIM_DEFAULT_DURATION_S },
	[HK_SEED] = { 0, UINT64_MAX, 1, 1 },
	[HK_FAULT] = { 0, 1000000, 1, DEF_SWAP_FAULT_US },
	[HK_WINDOW] = { 1, 86400, 1000, DEF_TOUCH_WINDOW_S },
	[HK_SWAPRATE] = { 1, RATE_MB_S_MAX, 1024, DEF_SWAP_RATE_MB_S },
	[HK_CACHERATE] = { 0, RATE_MB_S_MAX, 1024, DEF_CACHE_RATE_MB_S },
	[HK_BURST] = { 0, MB_MAX, 1024, DEF_BURST_MB },
	[HK_RESV] = { 0, SIM_WORKLOAD_S_MAX, 1000, SIM_DEFAULT_RESERVE_WAIT_S },
	[HK_RESTART] = { 0, 86400, 1000, DEF_OOM_RESTART_S },
	[HK_RETOUCH] = { 0, RATE_MB_S_MAX, 1024, 0 },
};

static uint64_t *host_field(struct sim_scenario *s, int k)
{
	uint64_t *const f[HK_COUNT] = {
		[HK_TOTAL] = &s->total_kb, [HK_DOM0] = &s->dom0_kb,
		[HK_RATE] = &s->balloon_rate_kb_s, [HK_DURATION] = &s->duration_ms,
		[HK_SEED] = &s->seed, [HK_FAULT] = &s->phys.swap_fault_us,
		[HK_WINDOW] = &s->phys.touch_window_ms,
		[HK_SWAPRATE] = &s->phys.swap_rate_kb_s,
		[HK_CACHERATE] = &s->phys.cache_rate_kb_s,
		[HK_BURST] = &s->phys.burst_kb, [HK_RESV] = &s->reserve_wait_ms,
		[HK_RESTART] = &s->phys.oom_restart_ms,
		[HK_RETOUCH] = &s->phys.oom_retouch_kb_s,
	};

	return f[k];
}

static void host_key(struct load *l, struct cfg_file *f, const char *s,
		     const char *k, const char *v)
{
	int i = key_index(host_keys, HK_COUNT, k);
	char why[160];
	uint64_t x;

	if (i < 0) {
		cfg_error(f, s, k, "unknown key (expected total_mb, dom0_mb, balloon_rate_mb_s, duration_s, seed, trace, swap_fault_us, touch_window_s, swap_rate_mb_s, cache_rate_mb_s, burst_mb, reserve_wait_s, reserve_at, oom_restart_s or oom_retouch_mb_s)");
		return;
	}
	if (l->host_seen & (1u << i)) {
		cfg_error(f, s, k, "given twice");
		return;
	}
	l->host_seen |= 1u << i;
	l->host_line[i] = f->line;
	if (i == HK_TRACE)
		host_trace(l, f, s, k, v);
	else if (i == HK_RESV_AT &&
		 sim_resv_events_parse(v, l->s->resv_ev, &l->s->n_resv_ev, why,
				       sizeof(why)) < 0)
		cfg_error(f, s, k, "'%.64s': %s", v, why);
	else if (i != HK_RESV_AT &&
		 cfg_get_u64(f, s, k, v, host_num[i].min, host_num[i].max, &x))
		*host_field(l->s, i) = x * host_num[i].unit;
}

static void guest_key(struct load *l, struct cfg_file *f, const char *s,
		      const char *name, const char *k, const char *v)
{
	struct guest_load *gl;
	struct sim_guest_spec *g = guest_for(l, f, s, name, &gl);
	int i = key_index(guest_keys, GK_COUNT, k);
	char why[160];
	uint64_t x;
	uint32_t u;
	int t;

	if (!g)
		return;
	if (i < 0) {
		cfg_error(f, s, k, "unknown key");
		return;
	}
	if (gl->seen & (1u << i)) {
		cfg_error(f, s, k, "given twice");
		return;
	}
	gl->seen |= 1u << i;
	switch (i) {
	case GK_DOMID:
		if (cfg_get_u32(f, s, k, v, 1, MEMBAL_DOMID_LIMIT - 1, &u))
			g->domid = u;
		break;
	case GK_TYPE:
		if (cfg_get_enum(f, s, k, v, type_names, &t))
			g->type = type_values[t];
		break;
	case GK_MEMORY:
		if (cfg_get_u64(f, s, k, v, 1, MB_MAX, &x))
			g->memory_kb = x * 1024;
		break;
	case GK_STATIC_MAX:
		if (cfg_get_u64(f, s, k, v, 1, MB_MAX, &x))
			g->static_max_kb = x * 1024;
		break;
	case GK_VIDEORAM:
		if (cfg_get_u64(f, s, k, v, 0, MB_MAX, &x))
			g->videoram_kb = x * 1024;
		break;
	case GK_OVERHEAD:
		cfg_get_u64(f, s, k, v, 0, MB_MAX * 1024, &g->overhead_kb);
		break;
	case GK_RATE:
		if (cfg_get_u64(f, s, k, v, 1, RATE_MB_S_MAX, &x))
			g->balloon_rate_kb_s = x * 1024;
		break;
	case GK_FOLLOWS:
		cfg_get_bool(f, s, k, v, &g->follows);
		break;
	case GK_AGENT:
		cfg_get_bool(f, s, k, v, &g->agent);
		break;
	case GK_START:
		if (cfg_get_u64(f, s, k, v, 0, SIM_WORKLOAD_S_MAX, &x))
			g->start_ms = x * 1000;
		break;
	case GK_STOP:
		if (cfg_get_u64(f, s, k, v, 1, SIM_WORKLOAD_S_MAX, &x))
			g->stop_ms = x * 1000;
		break;
	case GK_SWAP:
		if (cfg_get_u64(f, s, k, v, 0, MB_MAX, &x))
			g->swap_kb = x * 1024;
		break;
	case GK_SWAP_KIND:      /* /proc/swaps' device: a disk, or zram */
		if (strcmp(v, "zram") && strcmp(v, "disk"))
			cfg_error(f, s, k, "'%.64s': expected disk or zram", v);
		g->swap_zram = !strcmp(v, "zram");
		break;
	case GK_ZRAM_RATIO:     /* compression: above 1 or zram frees nothing */
		cfg_get_double(f, s, k, v, 1.1, 10, false, &g->zram_ratio);
		break;
	case GK_WORKLOAD:
		if (sim_workload_parse(v, &g->workload, why, sizeof(why)) < 0)
			cfg_error(f, s, k, "'%.64s': %s", v, why);
		break;
	case GK_MAX_AT:
		if (sim_max_events_parse(v, g, why, sizeof(why)) < 0)
			cfg_error(f, s, k, "'%.64s': %s", v, why);
		break;
	case GK_MAXMEM_AT:
		if (sim_maxmem_events_parse(v, g, why, sizeof(why)) < 0)
			cfg_error(f, s, k, "'%.64s': %s", v, why);
		break;
	case GK_OFFSET:
		if (cfg_get_u64(f, s, k, v, 0, SIM_WORKLOAD_S_MAX, &x))
			g->offset_ms = x * 1000;
		break;
	case GK_WORK:
		if (cfg_get_u64(f, s, k, v, 1, SIM_WORKLOAD_S_MAX, &x))
			g->work_ms = x * 1000;
		break;
	case GK_FILE:
		if (cfg_get_u64(f, s, k, v, 0, MB_MAX, &x))
			g->file_kb = x * 1024;
		break;
	case GK_FILE_WS: case GK_SHMEM: case GK_UNTOUCHED: case GK_TOUCH: case GK_NEED:
		if (cfg_get_u64(f, s, k, v, i == GK_NEED, MB_MAX, &x))
			*(i == GK_FILE_WS ? &g->file_ws_kb : i == GK_SHMEM
			  ? &g->shmem_kb : i == GK_UNTOUCHED ? &g->untouched_kb
			  : i == GK_NEED ? &g->reserve_need_kb : &g->touch_kb_s) = x * 1024;
		break;
	case GK_QUIET:
	case GK_PAUSED:
		if (sim_window_parse(v, i == GK_QUIET ? &g->quiet_from_ms : &g->pause_from_ms,
				     i == GK_QUIET ? &g->quiet_to_ms : &g->pause_to_ms) < 0)
			cfg_error(f, s, k, "'%.64s': expected FROM,TO in seconds, FROM < TO", v);
		break;
	}
}

static bool scenario_key(struct cfg_file *f, const char *section,
			 const char *key, const char *value, void *user)
{
	struct load *l = user;

	if (l->oom)
		return true;
	if (!strcmp(section, "host")) {
		if (l->host_first && strcmp(l->section, section) != 0)
			cfg_error(f, section, NULL, "[host] given twice (first at line %u)",
				  l->host_first);
		else
			host_key(l, f, section, key, value);
		if (!l->host_first)
			l->host_first = f->line;
	} else if (!strncmp(section, "guest", 5) &&
		   (section[5] == ' ' || section[5] == '\t')) {
		const char *name = section + 5;

		while (*name == ' ' || *name == '\t')
			name++;
		guest_key(l, f, section, name, key, value);
	} else {
		cfg_error(f, section, key, "unknown section (expected [host] or [guest NAME])");
	}
	snprintf(l->section, sizeof(l->section), "%s", section);
	/* Every problem was reported here: no second "unknown key" warning. */
	return true;
}

static int by_domid(const void *a, const void *b)
{
	const struct sim_guest_spec *x = a, *y = b;

	return (x->domid > y->domid) - (x->domid < y->domid);
}

/* Defaults that depend on other keys, and the checks across keys. Errors
 * point at the guest's section (its first key's line). */
static void scenario_check(struct load *l, struct cfg_file *f)
{
	struct sim_scenario *s = l->s;
	unsigned saved = f->line;
	uint64_t boot_kb = 0;
	uint32_t next = 1;

	f->line = 0;
	if (!(l->host_seen & (1u << HK_TOTAL)) || !(l->host_seen & (1u << HK_DOM0))) {
		cfg_error(f, "host", NULL, "[host] total_mb and dom0_mb are required");
	} else if (s->dom0_kb >= s->total_kb) {
		f->line = l->host_line[HK_DOM0];
		cfg_error(f, "host", "dom0_mb", "%llu MiB leaves nothing of total_mb %llu MiB",
			  (unsigned long long)(s->dom0_kb / 1024),
			  (unsigned long long)(s->total_kb / 1024));
	}
	for (int k = 0; k < HK_COUNT; k++)
		if (host_num[k].def && !(l->host_seen & (1u << k)))
			*host_field(s, k) = host_num[k].def * host_num[k].unit;

	for (size_t i = 0; i < s->n_guests; i++) {
		struct sim_guest_spec *g = &s->guests[i];
		unsigned seen = l->gl[i].seen;
		char sec[SIM_NAME_MAX + 8], why[160];
		const char *evkey;
		uint64_t visible;

		snprintf(sec, sizeof(sec), "guest %s", g->name);
		f->line = g->line;
		if (!(seen & (1u << GK_MEMORY))) {
			cfg_error(f, sec, NULL, "[%s] memory_mb is required", sec);
			continue;
		}
		if (!(seen & (1u << GK_STATIC_MAX)))
			g->static_max_kb = g->memory_kb;
		if (!(seen & (1u << GK_RATE)))
			g->balloon_rate_kb_s = s->balloon_rate_kb_s;
		if (!(seen & (1u << GK_WORKLOAD)))
			sim_workload_parse("idle", &g->workload, NULL, 0);
		if (!(seen & (1u << GK_FILE)))
			g->file_kb = (uint64_t)SIM_DEFAULT_FILE_MB * 1024;
		if (g->file_ws_kb > g->file_kb)
			cfg_error(f, sec, "file_ws_mb", "above file_mb (%llu MiB)",
				  (unsigned long long)(g->file_kb / 1024));
		g->phys = s->phys;
		if (!(seen & (1u << GK_ZRAM_RATIO)))
			g->zram_ratio = SIM_ZRAM_RATIO_DEFAULT;
		else if (!g->swap_zram)
			cfg_error(f, sec, "zram_ratio", "needs swap_kind = zram");
		if (g->workload.kind == SIM_WL_COMPUTE) {
			if (seen & (1u << GK_WORK))
				cfg_error(f, sec, "work_s", "a compute workload gives its own work (compute:MB,WORK_S)");
			g->work_ms = g->workload.work_ms;
		}
		if (g->workload.kind == SIM_WL_TRACE) {
			if (!g->workload.vm[0])
				snprintf(g->workload.vm, sizeof(g->workload.vm), "%s", g->name);
			if (!s->trace.n)
				cfg_error(f, sec, "workload", "trace needs [host] trace = FILE");
			else if (!(g->workload.series = sim_trace_find(&s->trace, g->workload.vm)))
				cfg_error(f, sec, "workload", "trace %s has no rows for vm %s",
					  s->trace_path, g->workload.vm);
		}
		if (g->type == HV_TYPE_HVM && !(seen & (1u << GK_VIDEORAM)))
			g->videoram_kb = (uint64_t)SIM_HVM_VIDEORAM_MB * 1024;
		if (g->type != HV_TYPE_HVM && g->videoram_kb)
			cfg_error(f, sec, "videoram_mb", "only an hvm guest has videoram");
		if (!(seen & (1u << GK_OVERHEAD)))
			g->overhead_kb = sim_overhead_default_kb(g->static_max_kb);
		if (g->static_max_kb < g->memory_kb)
			cfg_error(f, sec, "static_max_mb", "%llu MiB is below memory_mb %llu MiB",
				  (unsigned long long)(g->static_max_kb / 1024),
				  (unsigned long long)(g->memory_kb / 1024));
		visible = g->memory_kb > g->videoram_kb ? g->memory_kb - g->videoram_kb : 0;
		if (visible < g->overhead_kb + SIM_MIN_MEMTOTAL_KB)
			cfg_error(f, sec, "memory_mb",
				  "%llu MiB cannot boot: the guest keeps %llu KiB for itself%s and needs %d MiB of MemTotal",
				  (unsigned long long)(g->memory_kb / 1024),
				  (unsigned long long)g->overhead_kb,
				  g->videoram_kb ? " besides videoram" : "",
				  SIM_MIN_MEMTOTAL_KB / 1024);
		if (g->stop_ms != SIM_NEVER && g->stop_ms <= g->start_ms)
			cfg_error(f, sec, "stop_s", "must be after start_s");
		else if (sim_max_events_check(g, &evkey, why, sizeof(why)) < 0)
			cfg_error(f, sec, evkey, "%s", why);
		for (size_t j = 0; j < i; j++)
			if (g->domid && g->domid == s->guests[j].domid)
				cfg_error(f, sec, "domid", "%u is also guest %s's",
					  g->domid, s->guests[j].name);
		if (g->start_ms == 0)
			boot_kb += g->memory_kb;
	}
	/* Guests without a domid get the lowest free ones, in file order. */
	for (size_t i = 0; i < s->n_guests; i++) {
		struct sim_guest_spec *g = &s->guests[i];
		bool taken;

		if (g->domid)
			continue;
		do {
			taken = false;
			for (size_t j = 0; j < s->n_guests && !taken; j++)
				taken = s->guests[j].domid == next;
			if (taken)
				next++;
		} while (taken);
		g->domid = next++;
	}
	/* Per guest, so that two guests with the same random workload do
	 * not draw the same sizes. */
	for (size_t i = 0; i < s->n_guests; i++) {
		s->guests[i].seed = s->seed * UINT64_C(0x9E3779B97F4A7C15) + s->guests[i].domid;
		s->guests[i].workload.seed = s->guests[i].seed;
	}
	f->line = l->host_line[HK_TOTAL];
	if (f->errors == 0 && s->dom0_kb + boot_kb > s->total_kb)
		cfg_error(f, "host", "total_mb",
			  "%llu MiB cannot hold dom0 (%llu MiB) and the guests starting at 0 s (%llu MiB)",
			  (unsigned long long)(s->total_kb / 1024),
			  (unsigned long long)(s->dom0_kb / 1024),
			  (unsigned long long)(boot_kb / 1024));
	if (s->n_guests > 1)
		qsort(s->guests, s->n_guests, sizeof(*s->guests), by_domid);
	f->line = saved;
}

static int scenario_finish(struct load *l, struct cfg_file *f, int rc)
{
	if (l->oom) {
		cfg_error(f, NULL, NULL, "out of memory");
		rc = -1;
	}
	if (rc == 0) {
		scenario_check(l, f);
		rc = f->errors ? -1 : 0;
	}
	free(l->gl);
	if (rc < 0)
		sim_scenario_free(l->s);
	return rc;
}

int sim_scenario_load(const char *path, struct sim_scenario *out,
		      struct cfg_file *f)
{
	struct load l = { .s = out, .path = path };

	memset(out, 0, sizeof(*out));
	return scenario_finish(&l, f, cfg_load(path, scenario_key, &l, f));
}

int sim_scenario_load_string(const char *name, const char *text,
			     struct sim_scenario *out, struct cfg_file *f)
{
	struct load l = { .s = out };

	memset(out, 0, sizeof(*out));
	return scenario_finish(&l, f,
			       cfg_load_string(name, text, scenario_key, &l, f));
}

int sim_scenario_copy(struct sim_scenario *dst, const struct sim_scenario *src)
{
	*dst = *src;
	dst->guests = NULL;
	if (sim_trace_copy(&dst->trace, &src->trace) < 0)
		return -1;
	if (src->n_guests) {
		dst->guests = malloc(src->n_guests * sizeof(*dst->guests));
		if (!dst->guests) {
			sim_trace_free(&dst->trace);
			errno = ENOMEM;
			return -1;
		}
		memcpy(dst->guests, src->guests, src->n_guests * sizeof(*dst->guests));
	}
	for (size_t i = 0; i < dst->n_guests; i++) {
		struct sim_workload *w = &dst->guests[i].workload;

		if (w->kind == SIM_WL_TRACE)
			w->series = sim_trace_find(&dst->trace, w->vm);
	}
	return 0;
}

void sim_scenario_free(struct sim_scenario *s)
{
	free(s->guests);
	sim_trace_free(&s->trace);
	memset(s, 0, sizeof(*s));
}
