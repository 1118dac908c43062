/* SPDX-License-Identifier: GPL-2.0-only */
#include "arbiter/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"

static const char *const hold_names[] = { "none", "manual", "paused" };

void state_format(const struct dom_state *s, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "hold=%s oom_min_kb=%llu oom_until=%llu",
				    hold_names[s->hold], (unsigned long long)s->oom_min_kb,
				    (unsigned long long)s->oom_until_s);

	if (s->maxcap_kb && n < size)
		n += (size_t)snprintf(buf + n, size - n, " maxcap_kb=%llu",
				      (unsigned long long)s->maxcap_kb);
	if (s->oom_kill_kb && n < size)
		n += (size_t)snprintf(buf + n, size - n, " oom_kill_kb=%llu",
				      (unsigned long long)s->oom_kill_kb);
	if (s->created_kb && n < size)
		n += (size_t)snprintf(buf + n, size - n, " created_kb=%llu",
				      (unsigned long long)s->created_kb);
	if (s->have_growth && n < size)
		n += (size_t)snprintf(buf + n, size - n, " growth=%llu:%llu:%llu:%llu",
				      (unsigned long long)s->grew_at_s,
				      (unsigned long long)s->growth_base_kb[GROWTH_WS],
				      (unsigned long long)s->growth_base_kb[GROWTH_COMMITTED],
				      (unsigned long long)s->lead_min_kb);
	if (s->have_stale && n < size)
		n += (size_t)snprintf(buf + n, size - n, " stale=%llu:%llu:%d",
				      (unsigned long long)s->stale_base_kb,
				      (unsigned long long)s->stale_stamp, s->stale_refused);
	if (s->have_stale && s->stale_takes && n < size)   /* only with stale_relend_s */
		n += (size_t)snprintf(buf + n, size - n, ":%u", (unsigned)s->stale_takes);
	if (!s->have_gap || n >= size)
		return;
	n += (size_t)snprintf(buf + n, size - n, " gap_kb=%llu gap_prices=",
			      (unsigned long long)s->gap_kb);
	bool any = false;

	for (int i = 0; i < GAP_ACTIONS && n < size; i++) {
		if (!s->gap_price[i])
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%d:%d", any ? "," : "", i,
				      (int)s->gap_price[i]);
		any = true;
	}
	if (!any && n < size)
		snprintf(buf + n, size - n, "-");
}

/* "I:P,I:P" or "-" (no price set); strict. */
static bool parse_prices(const char *v, int32_t *price)
{
	memset(price, 0, GAP_ACTIONS * sizeof(*price));
	if (!strcmp(v, "-"))
		return true;
	while (*v) {
		char *end;
		long i, p;

		if (*v < '0' || *v > '9')
			return false;
		i = strtol(v, &end, 10);
		if (*end != ':' || i < 0 || i >= GAP_ACTIONS || price[i])
			return false;
		v = end + 1;
		if (!((*v >= '0' && *v <= '9') || *v == '-'))
			return false;
		p = strtol(v, &end, 10);
		if (end == v || p == 0 || p > GAP_PRICE_MAX || p < -GAP_PRICE_MAX)
			return false;
		price[i] = (int32_t)p;
		if (*end == ',' && end[1])
			v = end + 1;
		else if (*end == '\0')
			v = end;
		else
			return false;
	}
	return true;
}

/* "T:W:C:L", each a decimal within its bound; strict. */
static bool parse_growth(const char *v, struct dom_state *out)
{
	const uint64_t max[4] = { UINT64_MAX / 2000, POLICY_KB_MAX, POLICY_KB_MAX,
				  POLICY_KB_MAX };
	uint64_t f[4];
	char field[24];

	for (int i = 0; i < 4; i++) {
		size_t len = strcspn(v, ":");

		if (len == 0 || len >= sizeof(field) || (i < 3) != (v[len] == ':'))
			return false;
		memcpy(field, v, len);
		field[len] = '\0';
		if (parse_u64(field, 0, max[i], &f[i]) != PARSE_OK)
			return false;
		v += len + (i < 3);
	}
	out->grew_at_s = f[0];
	out->growth_base_kb[GROWTH_WS] = f[1];
	out->growth_base_kb[GROWTH_COMMITTED] = f[2];
	out->lead_min_kb = f[3];
	return true;
}

/* "B:S:R" or "B:S:R:K": B a size (at least 1 KiB), S any stamp, R 0 or
 * 1, K the take-backs (1 to STATE_STALE_TAKES_MAX; absent: 0, as every
 * word written before stale_relend_s); strict. */
static bool parse_stale(const char *v, struct dom_state *out)
{
	const uint64_t lo[4] = { 1, 0, 0, 1 };
	const uint64_t hi[4] = { POLICY_KB_MAX, UINT64_MAX, 1, STATE_STALE_TAKES_MAX };
	uint64_t f[4] = { 0, 0, 0, 0 };
	char field[24];

	for (int i = 0; i < 4; i++) {
		size_t len = strcspn(v, ":");
		bool more = v[len] == ':';

		if (len == 0 || len >= sizeof(field) || (i < 2 && !more) || (i == 3 && more))
			return false;
		memcpy(field, v, len);
		field[len] = '\0';
		if (parse_u64(field, lo[i], hi[i], &f[i]) != PARSE_OK)
			return false;
		v += len + more;
		if (i == 2 && !more)
			break;
	}
	out->stale_base_kb = f[0];
	out->stale_stamp = f[1];
	out->stale_refused = f[2] != 0;
	out->stale_takes = (uint32_t)f[3];
	return true;
}

int state_parse(const char *text, struct dom_state *out)
{
	char buf[STATE_TEXT_MAX * 2 + 1], *save = NULL;
	uint64_t min_kb = 0, until = 0, gap_kb = 0, maxcap_kb = 0, kill_kb = 0;
	uint64_t created_kb = 0;
	int hold = -1;
	bool ok = true, have_gap_kb = false, have_prices = false, have_growth = false;
	bool have_kill = false, have_stale = false;
	int32_t prices[GAP_ACTIONS];
	struct dom_state growth, stale = { .have_stale = false };

	if (strlen(text) >= sizeof(buf))
		return -1;
	strcpy(buf, text);
	for (char *tok = strtok_r(buf, " ", &save); tok && ok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (!strcmp(tok, "hold=none"))
			hold = HOLD_NONE;
		else if (!strcmp(tok, "hold=manual"))
			hold = HOLD_MANUAL;
		else if (!strcmp(tok, "hold=paused"))
			hold = HOLD_PAUSED;
		else if (!strncmp(tok, "oom_min_kb=", 11))
			ok = parse_u64(tok + 11, 0, POLICY_KB_MAX, &min_kb) == PARSE_OK;
		else if (!strncmp(tok, "oom_until=", 10))
			ok = parse_u64(tok + 10, 0, UINT64_MAX / 2000, &until) == PARSE_OK;
		else if (!strncmp(tok, "maxcap_kb=", 10) && !maxcap_kb)
			ok = parse_u64(tok + 10, 1, POLICY_KB_MAX, &maxcap_kb) == PARSE_OK;
		else if (!strncmp(tok, "oom_kill_kb=", 12) && !have_kill)
			ok = have_kill = parse_u64(tok + 12, 1, POLICY_KB_MAX, &kill_kb) == PARSE_OK;
		else if (!strncmp(tok, "created_kb=", 11) && !created_kb)
			ok = parse_u64(tok + 11, 1, POLICY_KB_MAX, &created_kb) == PARSE_OK;
		else if (!strncmp(tok, "gap_kb=", 7) && !have_gap_kb)
			ok = have_gap_kb = parse_u64(tok + 7, 0, POLICY_KB_MAX, &gap_kb) == PARSE_OK;
		else if (!strncmp(tok, "gap_prices=", 11) && !have_prices)
			ok = have_prices = parse_prices(tok + 11, prices);
		else if (!strncmp(tok, "growth=", 7) && !have_growth)
			ok = have_growth = parse_growth(tok + 7, &growth);
		else if (!strncmp(tok, "stale=", 6) && !have_stale)
			ok = have_stale = parse_stale(tok + 6, &stale);
		else
			ok = false;
	}
	/* The gap and its prices go together. */
	if (!ok || hold < 0 || have_gap_kb != have_prices)
		return -1;
	out->have_growth = have_growth;
	if (have_growth) {
		out->grew_at_s = growth.grew_at_s;
		memcpy(out->growth_base_kb, growth.growth_base_kb,
		       sizeof(out->growth_base_kb));
		out->lead_min_kb = growth.lead_min_kb;
	}
	out->have_stale = have_stale;
	if (have_stale) {
		out->stale_base_kb = stale.stale_base_kb;
		out->stale_stamp = stale.stale_stamp;
		out->stale_refused = stale.stale_refused;
		out->stale_takes = stale.stale_takes;
	}
	out->maxcap_kb = maxcap_kb;
	out->created_kb = created_kb;
	out->have_gap = have_gap_kb;
	out->gap_kb = gap_kb;
	if (have_prices)
		memcpy(out->gap_price, prices, sizeof(prices));
	out->hold = (enum dom_hold)hold;
	out->oom_min_kb = min_kb;
	out->oom_until_s = until;
	out->oom_kill_kb = kill_kb;
	return 0;
}

static bool foreign_word(const char *tok)
{
	const char *eq = strchr(tok, '=');

	if (!eq || eq == tok || !eq[1])
		return false;
	for (const char *p = tok; p < eq; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

int state_parse_export(const char *text, struct dom_state *out, unsigned *ignored)
{
	char known[STATE_TEXT_MAX * 2 + 1], buf[STATE_TEXT_MAX * 2 + 1], *save = NULL;
	size_t n = 0;

	*ignored = 0;
	if (strlen(text) >= sizeof(buf))
		return -1;
	strcpy(buf, text);
	known[0] = '\0';
	for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		bool ours = !strncmp(tok, "hold=", 5) || !strncmp(tok, "oom_min_kb=", 11) ||
			    !strncmp(tok, "oom_until=", 10) || !strncmp(tok, "oom_kill_kb=", 12) ||
			    !strncmp(tok, "created_kb=", 11);

		if (!ours) {
			if (!foreign_word(tok))
				return -1;
			(*ignored)++;
			continue;
		}
		n += (size_t)snprintf(known + n, sizeof(known) - n, "%s%s", n ? " " : "", tok);
		if (n >= sizeof(known))
			return -1;
	}
	return state_parse(known, out);
}

void state_of_dom(const struct dom *d, uint64_t now, uint64_t wall_s,
		  struct dom_state *out)
{
	uint64_t left = d->oom_until_ms > now ? (d->oom_until_ms - now + 999) / 1000 : 0;

	out->hold = d->hold_manual ? HOLD_MANUAL : d->hold_paused ? HOLD_PAUSED : HOLD_NONE;
	out->oom_min_kb = left ? d->oom_min_kb : 0;
	out->oom_until_s = left ? wall_s + left : 0;
	out->maxcap_kb = d->cap_kb;
	out->created_kb = d->created_saved ? d->created_kb : 0;
	out->oom_kill_kb = left ? d->oom_kill_kb : 0;
	out->have_gap = false;   /* state_gap_of_dom() adds it */
	out->have_stale = false;   /* state_stale_of_dom() this */
	out->have_growth = false;   /* and state_growth_of_dom() this */
}

bool state_to_dom(const struct dom_state *s, uint64_t now, uint64_t wall_s,
		  struct dom *d)
{
	d->hold_manual = s->hold == HOLD_MANUAL;
	d->hold_paused = s->hold == HOLD_PAUSED;
	d->cap_saved_kb = s->maxcap_kb;   /* maxcap_adopt() checks it against Xen */
	/* A state without the word: unknown, L_i = min_mb (created.h). */
	d->created_kb = s->created_kb;
	d->created_known = true;
	d->created_saved = s->created_kb != 0;
	if (s->oom_until_s > wall_s && s->oom_min_kb) {
		d->oom_min_kb = s->oom_min_kb;
		d->oom_until_ms = now + (s->oom_until_s - wall_s) * 1000;
		/* 0 from a state written before the word: oom_min_keep then
		 * takes the raise less oom_bump as the level of the kill. */
		d->oom_kill_kb = s->oom_kill_kb;
	}
	/* Stale before the restart: stale again at once, with its floor
	 * and whether its loan was taken back, until its stamp moves
	 * (rules.h's dom_classify()). */
	if (s->have_stale) {
		d->stale_kept = d->stale_seen = true;
		d->stale_base_kb = s->stale_base_kb;
		d->stale_refused = s->stale_refused;
		d->stamp = d->stale_stamp = s->stale_stamp;
		d->stale_saved = true;
		d->stale_saved_refused = s->stale_refused;
		/* the wait for a new loan starts again (stale_keep.c) */
		d->stale_takes = d->stale_saved_takes = s->stale_takes;
		d->stale_taken_ms = now;
	}
	return s->hold != HOLD_NONE || d->oom_until_ms > now;
}

void state_stale_of_dom(const struct dom *d, bool on, struct dom_state *s)
{
	s->have_stale = on && d->stale_seen && d->stale_base_kb;
	if (!s->have_stale)
		return;
	s->stale_base_kb = d->stale_base_kb;
	s->stale_stamp = d->stale_stamp;
	s->stale_refused = d->stale_refused;
	s->stale_takes = d->stale_takes;
	if (!s->created_kb)
		s->created_kb = d->created_kb;
}

void state_gap_of_dom(const struct dom *d, struct dom_state *s)
{
	s->have_gap = d->headroom == POLICY_HEADROOM_LEARNED && d->gap.init;
	if (!s->have_gap)
		return;
	s->gap_kb = d->gap.gap_kb;
	memcpy(s->gap_price, d->gap.price, sizeof(s->gap_price));
}

bool state_gap_to_dom(const struct dom_state *s, const struct policy_params *p,
		      struct dom *d)
{
	if (!s->have_gap)
		return false;
	gap_state_init(&d->gap, p, d->domid);
	d->gap.gap_kb = s->gap_kb;
	d->gap.use_kb = s->gap_kb;
	memcpy(d->gap.price, s->gap_price, sizeof(d->gap.price));
	d->gap_saved_kb = s->gap_kb;
	return true;
}

void state_growth_of_dom(const struct dom *d, uint64_t now, uint64_t wall_s,
			 uint64_t hold_ms, struct dom_state *s)
{
	const struct growth_state *g = &d->growth;
	uint64_t age_s;

	s->have_growth = g->have && growth_recent(g, now, hold_ms);
	if (!s->have_growth)
		return;
	/* Rounded down: a restored growth is at most a second younger. */
	age_s = (now - g->grew_ms) / 1000;
	s->grew_at_s = age_s < wall_s ? wall_s - age_s : 0;
	memcpy(s->growth_base_kb, g->base_kb, sizeof(s->growth_base_kb));
	s->lead_min_kb = g->lead_min_kb;
}

bool state_growth_to_dom(const struct dom_state *s, uint64_t now, uint64_t wall_s,
			 struct dom *d)
{
	struct growth_state *g = &d->growth;
	uint64_t age_ms;

	if (!s->have_growth)
		return false;
	/* A rise stamped in the future (a clock set back) is taken as now. */
	age_ms = s->grew_at_s < wall_s ? (wall_s - s->grew_at_s) * 1000 : 0;
	g->have = true;
	memcpy(g->base_kb, s->growth_base_kb, sizeof(g->base_kb));
	g->grew = true;
	/* Older than this boot's monotonic clock: it began at 0, so the
	 * margin lasts at most that much longer than it should. */
	g->grew_ms = age_ms < now ? now - age_ms : 0;
	g->lead_kb = g->lead_min_kb = s->lead_min_kb;
	return true;
}
