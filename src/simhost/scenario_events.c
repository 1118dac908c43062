/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Timed events of a scenario file: what an administrator does to a host
 * while it runs, each a list of colon-separated numbers per event, the
 * events separated by commas (scenario.h has the keys):
 *
 *   [guest NAME] static_max_at = AT:MB, ...         xl mem-max, at AT s
 *   [guest NAME] maxmem_at = AT:MB, ...             Xen's maxmem alone
 *   [host] reserve_at = AT:MB:LEASE_S[:HOLD_S], ... membalctl reserve
 *
 * Every value is someone else's text: each number is parsed whole (no
 * sign, no unit, at most 20 digits) and bounded, the events come in time
 * order, and at most SIM_EVENTS_MAX of them; anything else is refused
 * with a reason (scenario.c reports it as file:line).
 */
#include <stdio.h>
#include <string.h>

#include "common/parse.h"
#include "simhost/scenario.h"

#define EV_MB_MAX (UINT64_C(1) << 24)    /* 16 TiB, as scenario.c's MB_MAX */
#define EV_FIELDS_MAX 4

/* One event: nmin..nmax numbers separated by ':' in [s, s + len), each
 * within [lo[i], hi[i]]. Blanks around the event are allowed, not inside. */
static int fields(const char *s, size_t len, unsigned nmin, unsigned nmax,
		  const uint64_t *lo, const uint64_t *hi, uint64_t *out,
		  unsigned *n, char *why, size_t size)
{
	unsigned k = 0;

	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	while (k < nmax) {
		const char *c = memchr(s, ':', len);
		size_t flen = c ? (size_t)(c - s) : len;
		enum parse_err e = parse_u64n(s, flen, PARSE_U64_MAXLEN, lo[k], hi[k],
					      &out[k]);

		if (e != PARSE_OK) {
			snprintf(why, size, "field %u of '%.*s': %s (expected %llu..%llu)",
				 k + 1, (int)(len > 64 ? 64 : len), s, parse_strerror(e),
				 (unsigned long long)lo[k], (unsigned long long)hi[k]);
			return -1;
		}
		k++;
		if (!c)
			break;
		len -= flen + 1;
		s = c + 1;
		if (k == nmax) {
			snprintf(why, size, "more than %u fields in an event", nmax);
			return -1;
		}
	}
	if (k < nmin) {
		snprintf(why, size, "%u field(s) in an event, expected %u%s", k, nmin,
			 nmax > nmin ? " or more" : "");
		return -1;
	}
	*n = k;
	return 0;
}

/* Calls one(ctx, numbers, count, index) per comma-separated event. */
typedef int (*event_fn)(void *ctx, const uint64_t *x, unsigned n, unsigned i,
			char *why, size_t size);

static int each_event(const char *v, unsigned nmin, unsigned nmax,
		      const uint64_t *lo, const uint64_t *hi, event_fn one,
		      void *ctx, char *why, size_t size)
{
	unsigned i = 0;

	if (!*v) {
		snprintf(why, size, "no events");
		return -1;
	}
	for (;;) {
		const char *c = strchr(v, ',');
		size_t len = c ? (size_t)(c - v) : strlen(v);
		uint64_t x[EV_FIELDS_MAX];
		unsigned n;

		if (i == SIM_EVENTS_MAX) {
			snprintf(why, size, "more than %d events", SIM_EVENTS_MAX);
			return -1;
		}
		if (fields(v, len, nmin, nmax, lo, hi, x, &n, why, size) < 0 ||
		    one(ctx, x, n, i, why, size) < 0)
			return -1;
		i++;
		if (!c)
			return 0;
		v = c + 1;
	}
}

/* static_max_at's or maxmem_at's list. */
struct max_list {
	struct sim_max_event *ev;
	unsigned *n;
};

static int max_one(void *ctx, const uint64_t *x, unsigned n, unsigned i,
		   char *why, size_t size)
{
	struct max_list *l = ctx;

	(void)n;
	if (i > 0 && x[0] * 1000 <= l->ev[i - 1].at_ms) {
		snprintf(why, size, "event %u at %llu s is not after the one before",
			 i + 1, (unsigned long long)x[0]);
		return -1;
	}
	l->ev[i].at_ms = x[0] * 1000;
	l->ev[i].max_kb = x[1] * 1024;
	*l->n = i + 1;
	return 0;
}

static int max_list_parse(const char *v, struct max_list *l, char *why, size_t size)
{
	static const uint64_t lo[2] = { 0, 1 };
	static const uint64_t hi[2] = { SIM_WORKLOAD_S_MAX, EV_MB_MAX };

	*l->n = 0;
	if (each_event(v, 2, 2, lo, hi, max_one, l, why, size) < 0) {
		*l->n = 0;
		return -1;
	}
	return 0;
}

int sim_max_events_parse(const char *v, struct sim_guest_spec *g, char *why,
			 size_t size)
{
	struct max_list l = { g->max_ev, &g->n_max_ev };

	return max_list_parse(v, &l, why, size);
}

int sim_maxmem_events_parse(const char *v, struct sim_guest_spec *g, char *why,
			    size_t size)
{
	struct max_list l = { g->mm_ev, &g->n_mm_ev };

	return max_list_parse(v, &l, why, size);
}

struct resv_list {
	struct sim_resv_event *ev;
	unsigned *n;
};

static int resv_one(void *ctx, const uint64_t *x, unsigned n, unsigned i,
		    char *why, size_t size)
{
	struct resv_list *l = ctx;
	struct sim_resv_event *e = &l->ev[i];

	/* Two tools may reserve at the same second. */
	if (i > 0 && x[0] * 1000 < l->ev[i - 1].at_ms) {
		snprintf(why, size, "event %u at %llu s comes before the one before",
			 i + 1, (unsigned long long)x[0]);
		return -1;
	}
	e->at_ms = x[0] * 1000;
	e->kb = x[1] * 1024;
	e->lease_ms = x[2] * 1000;
	e->hold_ms = n > 3 ? x[3] * 1000 : 0;
	*l->n = i + 1;
	return 0;
}

int sim_resv_events_parse(const char *v, struct sim_resv_event ev[SIM_EVENTS_MAX],
			  unsigned *n, char *why, size_t size)
{
	static const uint64_t lo[4] = { 0, 1, 0, 1 };
	static const uint64_t hi[4] = { SIM_WORKLOAD_S_MAX, EV_MB_MAX,
					SIM_WORKLOAD_S_MAX, SIM_WORKLOAD_S_MAX };
	struct resv_list l = { ev, n };

	*n = 0;
	if (each_event(v, 3, 4, lo, hi, resv_one, &l, why, size) < 0) {
		*n = 0;
		return -1;
	}
	return 0;
}

/* xl mem-max needs a running domain: an event outside the guest's life
 * would do nothing, and is most likely a typo. */
static int while_running(const struct sim_guest_spec *g, const struct sim_max_event *ev,
			 unsigned n, char *why, size_t size)
{
	for (unsigned i = 0; i < n; i++) {
		const struct sim_max_event *e = &ev[i];

		if (e->at_ms <= g->start_ms || e->at_ms >= g->stop_ms) {
			snprintf(why, size, "event %u at %llu s is not while the guest runs (after start_s %llu, before stop_s)",
				 i + 1, (unsigned long long)(e->at_ms / 1000),
				 (unsigned long long)(g->start_ms / 1000));
			return -1;
		}
	}
	return 0;
}

int sim_max_events_check(const struct sim_guest_spec *g, const char **key,
			 char *why, size_t size)
{
	*key = "static_max_at";
	if (while_running(g, g->max_ev, g->n_max_ev, why, size) < 0)
		return -1;
	*key = "maxmem_at";
	return while_running(g, g->mm_ev, g->n_mm_ev, why, size);
}

/* agent_quiet_s = FROM,TO: the agent hangs from FROM to TO s; paused_s:
 * the domain is paused (hv_sim.c). */
int sim_window_parse(const char *v, uint64_t *from_ms, uint64_t *to_ms)
{
	const char *c = strchr(v, ',');
	uint64_t a, b;

	if (!c || parse_u64n(v, (size_t)(c - v), 8, 0, SIM_WORKLOAD_S_MAX, &a) ||
	    parse_u64(c + 1, 1, SIM_WORKLOAD_S_MAX, &b) || b <= a)
		return -1;
	*from_ms = a * 1000, *to_ms = b * 1000;
	return 0;
}

uint64_t sim_guest_maxmem_cap_kb(const struct sim_guest_spec *g, uint64_t t_ms)
{
	const struct sim_max_event *last = NULL;
	uint64_t video = g->type == HV_TYPE_HVM ? g->videoram_kb : 0;

	for (unsigned i = 0; i < g->n_mm_ev && g->mm_ev[i].at_ms <= t_ms; i++)
		last = &g->mm_ev[i];
	if (!last)
		return UINT64_MAX;
	for (unsigned i = 0; i < g->n_max_ev; i++)
		if (g->max_ev[i].at_ms >= last->at_ms && g->max_ev[i].at_ms <= t_ms)
			return UINT64_MAX;
	/* maxmem = MB + 1 MiB: a cap when below static-max + 1 MiB. */
	if (last->max_kb >= sim_guest_static_max_kb(g, last->at_ms))
		return UINT64_MAX;
	return last->max_kb > video ? last->max_kb - video : 1;
}

uint64_t sim_guest_static_max_kb(const struct sim_guest_spec *g, uint64_t t_ms)
{
	uint64_t kb = g->static_max_kb;

	for (unsigned i = 0; i < g->n_max_ev && g->max_ev[i].at_ms <= t_ms; i++)
		kb = g->max_ev[i].max_kb;
	return kb;
}

uint64_t sim_resv_in_force_kb(const struct sim_resv_event *ev, unsigned n, uint64_t t_ms)
{
	uint64_t kb = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct sim_resv_event *e = &ev[i];
		/* released HOLD_S after AT; never renewed, its lease ends it
		 * (resv_events.c); neither: to the end */
		uint64_t end = e->hold_ms ? e->at_ms + e->hold_ms
			     : e->lease_ms ? e->at_ms + e->lease_ms : UINT64_MAX;

		if (t_ms >= e->at_ms && t_ms < end)
			kb += e->kb;
	}
	return kb;
}

uint64_t sim_guest_top_kb(const struct sim_guest_spec *g, uint64_t t_ms)
{
	uint64_t top = sim_guest_static_max_kb(g, t_ms), cap = sim_guest_maxmem_cap_kb(g, t_ms);

	/* An administrator's maxmem bounds H_i as static-max does (maxcap.h). */
	return cap < top ? cap : top;
}
