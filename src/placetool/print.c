/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The plan as an administrator reads it: the cluster before and after,
 * the moves in order with their reasons, what could not be placed and
 * why. Sizes in MiB. Nothing here executes anything.
 */
#include "placetool/placetool.h"

static double mib(uint64_t kb)
{
	return (double)kb / 1024.0;
}

static const char *yesno(bool b)
{
	return b ? "yes" : "no";
}

static const char *host_name(const struct snap *s, int32_t h)
{
	return h >= 0 ? s->hosts[h].name : "-";
}

static void print_moves(FILE *out, const struct snap *s,
			const struct place_params *p, const struct place_plan *pl)
{
	size_t migrations = 0;

	for (size_t k = 0; k < pl->nmoves; k++)
		migrations += pl->moves[k].from >= 0;
	fprintf(out, "\nmoves: %zu live migration%s, %zu start%s", migrations,
		migrations == 1 ? "" : "s", pl->nmoves - migrations,
		pl->nmoves - migrations == 1 ? "" : "s");
	if (pl->alg == PLACE_REBALANCE)
		fprintf(out, " (waves of at most %u)", p->max_concurrent);
	fputc('\n', out);
	for (size_t k = 0; k < pl->nmoves; k++) {
		const struct place_move *m = &pl->moves[k];
		const struct place_dom *d = &s->doms[m->dom];

		if (m->from < 0) {
			fprintf(out, "  start    %-20s on %s at %.0f MiB (%s)\n", d->name,
				host_name(s, m->to), mib(m->size_kb),
				place_algorithm_names[pl->alg]);
			continue;
		}
		fprintf(out, "  wave %-3u migrate %-20s %s -> %s, %.0f MiB", m->wave + 1,
			d->name, host_name(s, m->from), host_name(s, m->to),
			mib(m->size_kb));
		if (pl->alg == PLACE_REBALANCE)
			fprintf(out, ": relieves %.0f MiB of %s's shortfall\n",
				mib(m->gain_kb), host_name(s, m->from));
		else
			fprintf(out, ": placed by %s\n", place_algorithm_names[pl->alg]);
	}
}

static void print_notes(FILE *out, const struct snap *s,
			const struct place_params *p, const struct place_plan *pl)
{
	if (pl->nnotes)
		fputs("\nhosts still short:\n", out);
	for (size_t k = 0; k < pl->nnotes; k++) {
		const struct place_note *n = &pl->notes[k];
		const struct place_host *h = &s->hosts[n->host];

		fprintf(out, "  %s by %.0f MiB: ", h->name, mib(n->short_kb));
		switch (n->what) {
		case PLACE_NOTE_HOLD:
			fprintf(out, "short for %u cycle%s, hold is %u\n", h->scarce_cycles,
				h->scarce_cycles == 1 ? "" : "s", p->hold);
			break;
		case PLACE_NOTE_STUCK:
			fprintf(out, "no allowed migration relieves %.0f MiB or more\n",
				mib(p->min_gain_kb));
			break;
		case PLACE_NOTE_MAX_MOVES:
			fprintf(out, "the plan reached --max-moves %u\n", p->max_moves);
			break;
		}
	}
}

void print_plan(FILE *out, const struct snap *s, const struct place_params *p,
		const struct place_plan *pl, bool verbose)
{
	fprintf(out, "membal-place plan: %s, %zu hosts, %zu guests (a plan: nothing is executed)\n",
		place_algorithm_names[pl->alg], s->nh, s->nd);
	fprintf(out, "%-8s %8s %7s %9s %22s %12s\n", "", "hosts on", "Gini",
		"balanced", "utility (share-MiB)", "short (MiB)");
	fprintf(out, "%-8s %8u %7.3f %9s %22.0f %12.0f\n", "before",
		pl->hosts_on_before, pl->gini_before,
		yesno(pl->gini_before < PLACE_GINI_BALANCED), pl->utility_before,
		mib(pl->short_before_kb));
	fprintf(out, "%-8s %8u %7.3f %9s %22.0f %12.0f\n", "after",
		pl->hosts_on_after, pl->gini_after,
		yesno(pl->gini_after < PLACE_GINI_BALANCED), pl->utility_after,
		mib(pl->short_after_kb));
	print_moves(out, s, p, pl);
	print_notes(out, s, p, pl);
	size_t idle = 0;

	for (size_t j = 0; j < s->nd; j++)
		idle += pl->why[j] == PLACE_WHY_NOT_RUNNING;
	if (pl->unplaced > idle)
		fprintf(out, "\nunplaced: %zu\n", pl->unplaced - idle);
	for (size_t j = 0; j < s->nd; j++) {
		const struct place_dom *d = &s->doms[j];

		if (pl->host[j] >= 0 || pl->why[j] == PLACE_WHY_NOT_RUNNING)
			continue;
		fprintf(out, "  %-20s %s (min %.0f MiB, max %.0f MiB)\n", d->name,
			place_why_text(pl->why[j]), mib(d->min_kb), mib(d->max_kb));
	}
	if (!verbose)
		return;
	fprintf(out, "\nplacement:\n  %-20s %-16s %10s %10s %10s\n", "guest", "host",
		"size MiB", "was MiB", "demand MiB");
	for (size_t j = 0; j < s->nd; j++) {
		const struct place_dom *d = &s->doms[j];

		fprintf(out, "  %-20s %-16s %10.0f %10.0f %10.0f\n", d->name,
			host_name(s, pl->host[j]), mib(pl->size_kb[j]), mib(d->size_kb),
			mib(d->demand_kb));
	}
}

static const char *why_code(enum place_why why)
{
	static const char *const codes[PLACE_WHY_COUNT] = {
		"placed", "no-room", "no-host", "fixed", "power", "not-running",
	};

	return (unsigned)why < PLACE_WHY_COUNT ? codes[why] : "?";
}

void print_plan_csv(FILE *out, const struct snap *s, const struct place_plan *pl)
{
	static const char *const note_codes[] = { "hold", "stuck", "max-moves" };

	fprintf(out, "# membal-place plan: %s; before: hosts_on %u, gini %.6f, utility %.3f, short_kb %llu;"
		" after: hosts_on %u, gini %.6f, utility %.3f, short_kb %llu\n",
		place_algorithm_names[pl->alg], pl->hosts_on_before, pl->gini_before,
		pl->utility_before, (unsigned long long)pl->short_before_kb,
		pl->hosts_on_after, pl->gini_after, pl->utility_after,
		(unsigned long long)pl->short_after_kb);
	fputs("action,wave,guest,from,to,size_kb,gain_kb,reason\n", out);
	for (size_t k = 0; k < pl->nmoves; k++) {
		const struct place_move *m = &pl->moves[k];

		if (m->from >= 0)
			fprintf(out, "migrate,%u,%s,%s,%s,%llu,%llu,%s\n", m->wave + 1,
				s->doms[m->dom].name, host_name(s, m->from), host_name(s, m->to),
				(unsigned long long)m->size_kb, (unsigned long long)m->gain_kb,
				place_algorithm_names[pl->alg]);
		else
			fprintf(out, "start,,%s,,%s,%llu,,%s\n", s->doms[m->dom].name,
				host_name(s, m->to), (unsigned long long)m->size_kb,
				place_algorithm_names[pl->alg]);
	}
	for (size_t j = 0; j < s->nd; j++)
		if (pl->host[j] < 0 && pl->why[j] != PLACE_WHY_NOT_RUNNING)
			fprintf(out, "unplaced,,%s,,,,,%s\n", s->doms[j].name,
				why_code(pl->why[j]));
	for (size_t k = 0; k < pl->nnotes; k++)
		fprintf(out, "short,,,%s,,%llu,,%s\n", s->hosts[pl->notes[k].host].name,
			(unsigned long long)pl->notes[k].short_kb,
			note_codes[pl->notes[k].what]);
}
