/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The table, the one-domain page and the CSV export of `membalctl
 * status`. Sizes are MiB (rounded), "-" stands for "none": no report, no
 * decision, no price. The meaning of every column is in
 * docs/membalctl-status.md.
 */
#include "ctl/status_view.h"

#include <math.h>
#include <string.h>
#include <time.h>

#define NAME_MAX_SHOWN 40

/* KiB -> MiB text, "-" for none. */
static const char *mib(char *buf, size_t size, int64_t kb)
{
	if (kb == ST_NONE)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%lld", (long long)((kb + (kb < 0 ? -512 : 512)) / 1024));
	return buf;
}

/* The free-memory figure the policy reads: MemAvailable with
 * free_source = avail (when the guest reports it), else MemFree. */
static int64_t policy_free(const struct st_status *st, const struct st_dom *d)
{
	if (!d->has_report)
		return ST_NONE;
	if (!strcmp(st->free_source, "avail") && d->avail_kb != ST_NONE)
		return d->avail_kb;
	return d->free_kb;
}

static void why(const struct st_dom *d, char *buf, size_t size)
{
	if (!d->stage[0])
		snprintf(buf, size, "-");
	else if (d->reasons[0])
		snprintf(buf, size, "%s:%s", d->stage, d->reasons);
	else
		snprintf(buf, size, "%s", d->stage);
}

static void age(char *buf, size_t size, int64_t ms)
{
	if (ms == ST_NONE)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1f", ms / 1000.0);
}

/* The flags besides the state (which the JSON repeats among them). */
static void other_flags(const struct st_dom *d, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const char *f = d->flags; *f;) {
		size_t n = strcspn(f, ",");

		if (!(n == strlen(d->state) && !strncmp(f, d->state, n))) {
			int w = snprintf(buf + used, size - used, "%s%.*s",
					 used ? "," : "", (int)n, f);

			if (w > 0 && (size_t)w < size - used)
				used += (size_t)w;
		}
		f += n + (f[n] == ',');
	}
	if (!used)
		snprintf(buf, size, "-");
}

static void header(FILE *out, const struct st_status *st, double now)
{
	char b[5][24];

	fprintf(out, "host: %s (stage %s), backend %s, cycle %lld",
		st->mode[0] ? st->mode : "-", st->stage[0] ? st->stage : "-",
		st->backend[0] ? st->backend : "-", (long long)st->cycle);
	if (st->timestamp >= 0 && st->timestamp < 1e11) {   /* else no date */
		time_t t = (time_t)st->timestamp;
		struct tm tm;
		char when[32];

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		fprintf(out, " at %s (%.1f s ago)", when, now - st->timestamp);
	}
	fprintf(out, "%s%s\n", st->dry_run ? ", DRY RUN" : "",
		st->paused_all ? ", ALL PAUSED" : "");
	fprintf(out, "memory (MiB): total %s, free %s, reserve %s, budget %s, reservation %s",
		mib(b[0], sizeof(b[0]), st->total_kb), mib(b[1], sizeof(b[1]), st->free_kb),
		mib(b[2], sizeof(b[2]), st->reserve_kb), mib(b[3], sizeof(b[3]), st->budget_kb),
		mib(b[4], sizeof(b[4]), st->reservation_kb));
	if (st->reservation_waits_kb != ST_NONE)
		fprintf(out, " (%s of it waits: the guests are at their needs)",
			mib(b[0], sizeof(b[0]), st->reservation_waits_kb));
	if (st->shortfall_kb != ST_NONE)
		fprintf(out, ", SHORT BY %s", mib(b[0], sizeof(b[0]), st->shortfall_kb));
	fputc('\n', out);
}

void st_print_table(FILE *out, const struct st_status *st, double now, bool verbose)
{
	int w = 4, ww = 13;
	bool avail = !strcmp(st->free_source, "avail");
	char reason[160];

	for (size_t i = 0; i < st->n; i++) {
		int len = (int)strlen(st->dom[i].name);

		if (len > w)
			w = len > NAME_MAX_SHOWN ? NAME_MAX_SHOWN : len;
		why(&st->dom[i], reason, sizeof(reason));
		if ((int)strlen(reason) > ww)
			ww = (int)strlen(reason);
	}
	header(out, st, now);
	fprintf(out, "%-5s %-*s %-13s %8s %8s %8s %8s %8s %8s %8s %12s %6s %*s%-*s %s\n",
		"ID", w, "Name", "State", "Min", "Max", "Target", "Actual",
		"Demand", avail ? "Avail" : "Free", "Commit", "Swap", "Age",
		verbose ? 10 : 0, verbose ? "Price " : "", ww, "Why", "Flags");
	fprintf(out, "%-5s %-*s %-13s %8s %8s %8s %8s %8s %8s %8s %12s %6s %*s%-*s\n",
		"", w, "", "", "MiB", "MiB", "MiB", "MiB", "MiB", "MiB", "MiB",
		"MiB used/tot", "s", verbose ? 10 : 0, verbose ? "w/KiB " : "",
		ww, "stage:reasons");
	for (size_t i = 0; i < st->n; i++) {
		const struct st_dom *d = &st->dom[i];
		char b[8][24], swap[56], name[NAME_MAX_SHOWN + 1], price[24] = "";
		char flags[sizeof(d->flags)];
		size_t len = strlen(d->name);

		snprintf(name, sizeof(name), "%.*s", NAME_MAX_SHOWN, d->name);
		if (len > NAME_MAX_SHOWN)
			name[NAME_MAX_SHOWN - 1] = '~';   /* cut: say so */
		if (d->has_report)
			snprintf(swap, sizeof(swap), "%s/%s",
				 mib(b[6], sizeof(b[6]), d->swap_tot_kb - d->swap_free_kb),
				 mib(b[7], sizeof(b[7]), d->swap_tot_kb));
		else
			snprintf(swap, sizeof(swap), "-");
		why(d, reason, sizeof(reason));
		other_flags(d, flags, sizeof(flags));
		if (verbose) {
			if (isnan(d->price))
				snprintf(price, sizeof(price), "- ");
			else
				snprintf(price, sizeof(price), "%.3g ", d->price);
		}
		fprintf(out, "%-5lld %-*s %-13s %8s %8s %8s %8s %8s %8s %8s %12s %6s %*s%-*s %s\n",
			(long long)d->domid, w, name, d->state,
			mib(b[0], sizeof(b[0]), d->min_kb), mib(b[1], sizeof(b[1]), d->max_kb),
			mib(b[2], sizeof(b[2]), d->target_kb), mib(b[3], sizeof(b[3]), d->actual_kb),
			mib(b[4], sizeof(b[4]), d->demand_kb),
			mib(b[5], sizeof(b[5]), policy_free(st, d)),
			mib(b[6], sizeof(b[6]), d->has_report ? d->committed_as_kb : ST_NONE),
			swap, (age(b[7], sizeof(b[7]), d->has_report ? d->age_ms : ST_NONE), b[7]),
			verbose ? 10 : 0, price, ww, reason, flags);
	}
}

static void line(FILE *out, const char *label, int64_t kb)
{
	char b[24];

	fprintf(out, "  %-22s %s", label, mib(b, sizeof(b), kb));
	if (kb != ST_NONE)
		fprintf(out, " MiB (%lld KiB)", (long long)kb);
	fputc('\n', out);
}

void st_print_domain(FILE *out, const struct st_status *st,
		     const struct st_dom *d, double now)
{
	const struct st_explain *e = st_explain_state(d->state);
	char reason[160], b[24];

	fprintf(out, "domain %lld (%s), %s\n", (long long)d->domid, d->name,
		d->type[0] ? d->type : "?");
	fprintf(out, "  %-22s %s\n", "state", d->state);
	if (e)
		fprintf(out, "    cause: %s\n    to do: %s\n", e->cause, e->action);
	why(d, reason, sizeof(reason));
	fprintf(out, "  %-22s %s\n", "why (stage:reasons)", reason);
	fprintf(out, "  %-22s %s\n", "mode", d->mode[0] ? d->mode : "-");
	line(out, "min", d->min_kb);
	line(out, "max", d->max_kb);
	line(out, d->target_set ? "target" : "target (none set)", d->target_kb);
	line(out, "actual", d->actual_kb);
	line(out, "maxmem", d->maxmem_kb);
	/* absent from an older arbiter's file, null without a cap */
	if (d->maxmem_cap_kb != ST_NONE)
		line(out, "maxmem cap (outside)", d->maxmem_cap_kb);
	line(out, "demand", d->demand_kb);
	/* absent from an older arbiter's file: no line rather than "-" */
	if (d->floor_kb != ST_NONE)
		line(out, "floor", d->floor_kb);
	if (!isnan(d->shares))
		fprintf(out, "  %-22s %g\n", "shares", d->shares);
	if (!isnan(d->price))
		fprintf(out, "  %-22s %.6g per KiB\n", "price", d->price);
	if (d->has_report) {
		age(b, sizeof(b), d->age_ms);
		fprintf(out, "  report, %s s old:\n", b);
		line(out, "MemTotal", d->memtotal_kb);
		line(out, "MemFree", d->free_kb);
		line(out, "MemAvailable", d->avail_kb);
		line(out, "Committed_AS", d->committed_as_kb);
		line(out, "SwapTotal", d->swap_tot_kb);
		line(out, "SwapFree", d->swap_free_kb);
		/* "-": the agent does not say (before layout 4), or an older
		 * arbiter; the policy then treats the swap as zram */
		line(out, "of SwapTotal on zram", d->swap_zram_kb);
		line(out, "balloon current", d->balloon_current_kb);
		fprintf(out, "  %-22s %s\n", "policy reads", strcmp(st->free_source, "avail") ||
			d->avail_kb == ST_NONE ? "MemFree" : "MemAvailable");
	} else {
		fprintf(out, "  report                 - (none)\n");
	}
	fprintf(out, "  %-22s %s\n", "flags", d->flags[0] ? d->flags : "-");
	for (const char *f = d->flags; *f;) {
		char flag[32];
		size_t n = strcspn(f, ",");

		snprintf(flag, sizeof(flag), "%.*s", (int)(n < 31 ? n : 31), f);
		e = st_explain_flag(flag);
		if (e)
			fprintf(out, "    %s: %s%s%s\n", flag, e->cause,
				e->action[0] ? "; " : "", e->action);
		f += n + (f[n] == ',');
	}
	fprintf(out, "  counters: %lld target changes, %lld reports rejected, %lld OOM events, %lld pressure holds, %lld withdrawals\n",
		(long long)d->target_changes, (long long)d->reports_rejected,
		(long long)d->oom_events, (long long)d->pressure_holds,
		(long long)d->withdrawals);
	(void)now;
}

static void csv_num(FILE *out, int64_t v)
{
	if (v != ST_NONE)
		fprintf(out, "%lld", (long long)v);
}

void st_print_csv(FILE *out, const struct st_status *st)
{
	int64_t reserve = st->reserve_kb != ST_NONE ? st->reserve_kb : 0;

	/* F_h is after the reservation, the reserve and the growth of the
	 * domains left out (those the arbiter did not decide): plan wants
	 * it before the reserve. */
	fprintf(out, "# membalctl status --csv: cycle %lld, mode %s; managed domains only\n",
		(long long)st->cycle, st->mode);
	if (st->budget_kb != ST_NONE)
		fprintf(out, "# membalctl plan --host-free-kb %lld --reserve-kb %lld\n",
			(long long)(st->budget_kb + reserve), (long long)reserve);
	fputs("domid,name,actual_kb,free_kb,avail_kb,committed_as_kb,swap_tot_kb,"
	      "swap_free_kb,min_kb,max_kb,shares,memtotal_kb,balloon_current_kb,"
	      "current_target_kb,psi_some,swapin_rate\n", out);
	for (size_t i = 0; i < st->n; i++) {
		const struct st_dom *d = &st->dom[i];
		char name[sizeof(d->name)];

		if (strcmp(d->state, "managed") != 0 || !d->has_report)
			continue;
		/* plan has no quoting: a comma in a name becomes '_' */
		snprintf(name, sizeof(name), "%s", d->name);
		for (char *c = name; *c; c++)
			if (*c == ',' || *c == '"')
				*c = '_';
		fprintf(out, "%lld,%s,", (long long)d->domid, name);
		csv_num(out, d->actual_kb);
		fputc(',', out);
		csv_num(out, d->free_kb);
		fputc(',', out);
		csv_num(out, d->avail_kb);
		fputc(',', out);
		csv_num(out, d->committed_as_kb);
		fputc(',', out);
		csv_num(out, d->swap_tot_kb);
		fputc(',', out);
		csv_num(out, d->swap_free_kb);
		fputc(',', out);
		csv_num(out, d->min_kb);
		fputc(',', out);
		csv_num(out, d->max_kb);
		fprintf(out, ",%.6g,", isnan(d->shares) ? 1.0 : d->shares);
		csv_num(out, d->memtotal_kb);
		fputc(',', out);
		csv_num(out, d->balloon_current_kb);
		fputc(',', out);
		csv_num(out, d->target_set ? d->target_kb : ST_NONE);
		fputc(',', out);
		csv_num(out, d->psi_some);
		fputc(',', out);
		csv_num(out, d->swapin_rate);
		fputc('\n', out);
	}
}
