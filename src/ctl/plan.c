/* SPDX-License-Identifier: GPL-2.0-only */
#include "ctl/plan.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_config.h"
#include "common/parse.h"

/* The subcommand; the CSV reader and writer are in plan_csv.c. */

static void plan_usage(FILE *out)
{
	char presets[128], solvers[64], dom0[64], sources[64], caps[64];

	/* The choices come from the policy's name tables. */
	policy_names_join(policy_preset_names, "|", presets, sizeof(presets));
	policy_names_join(policy_solver_names, "|", solvers, sizeof(solvers));
	policy_names_join(policy_dom0_mode_names, "|", dom0, sizeof(dom0));
	policy_names_join(policy_free_source_names, "|", sources, sizeof(sources));
	policy_names_join(policy_scarce_cap_names, "|", caps, sizeof(caps));
	fprintf(out, "usage: membalctl plan --host-free-kb N [options] [FILE] < snapshot.csv\n"
	      "\n"
	      "Print what the arbiter would decide for a snapshot (CSV on stdin or\n"
	      "FILE). `membalctl status --csv` writes a live host's snapshot.\n"
	      "\n"
	      "  --host-free-kb N     host free memory after claims and the pending\n"
	      "                       growth of domains not in the file, before the\n"
	      "                       reserve (required; may be negative)\n"
	      "  --config FILE        take the [policy] keys of FILE as defaults\n"
	      "  --preset P           %s (applied before the\n"
	      "                       options below, whatever their order)\n"
	      "  --solver S           %s\n"
	      "  --mode M             auto|self|global\n"
	      "  --reserve-kb N       default: the config's reserve_mb\n"
	      "  --dom0-mode M        %s\n"
	      "  --tau X  --epsilon X\n"
	      "  --free-source S      %s\n"
	      "  --scarce-cap C       %s\n"
	      "  --headroom-kb N  --min-change-kb N\n"
	      "  --hysteresis-up N  --hysteresis-down N\n"
	      "  --explain            add stage,goal_kb,reasons columns\n"
	      "  --any-domid          accept any 32-bit domid (synthetic snapshots)\n"
	      "  -v, --verbose        print the cycle summary on stderr\n"
	      "\n", presets, solvers, dom0, sources, caps);
	plan_print_columns(out);
	fputs("  Blank lines and lines starting with # are skipped; no quoting.\n"
	      "\n"
	      "Output columns (one row per input row, in input order):\n"
	      "  domid, name          as in the input\n"
	      "  mode                 abundant|scarce|infeasible|fixed\n"
	      "  target_kb   KiB      the target the policy settles on\n"
	      "  write_kb    KiB      what this cycle writes (empty: no write)\n"
	      "  price       w/KiB    rho_i = w_i / (target - tau*A_i), equal among\n"
	      "                       unclamped domains in scarce mode (empty: none)\n"
	      "  stage                --explain: the policy stage that decided\n"
	      "  goal_kb     KiB      --explain: the demand the domain was given\n"
	      "  reasons              --explain: why the write differs from goal\n"
	      "\n"
	      "Exit status: 0 done, 1 bad input (names line and column), 2 bad usage.\n",
	      out);
}

enum {
	OPT_CONFIG = 256, OPT_PRESET, OPT_SOLVER, OPT_MODE, OPT_HOST_FREE,
	OPT_RESERVE, OPT_DOM0, OPT_TAU, OPT_EPSILON, OPT_FREE_SOURCE,
	OPT_SCARCE_CAP, OPT_HEADROOM, OPT_HYST_UP, OPT_HYST_DOWN,
	OPT_MIN_CHANGE, OPT_EXPLAIN, OPT_ANY_DOMID,
};

static const struct option plan_options[] = {
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "preset", required_argument, NULL, OPT_PRESET },
	{ "solver", required_argument, NULL, OPT_SOLVER },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "host-free-kb", required_argument, NULL, OPT_HOST_FREE },
	{ "reserve-kb", required_argument, NULL, OPT_RESERVE },
	{ "dom0-mode", required_argument, NULL, OPT_DOM0 },
	{ "tau", required_argument, NULL, OPT_TAU },
	{ "epsilon", required_argument, NULL, OPT_EPSILON },
	{ "free-source", required_argument, NULL, OPT_FREE_SOURCE },
	{ "scarce-cap", required_argument, NULL, OPT_SCARCE_CAP },
	{ "headroom-kb", required_argument, NULL, OPT_HEADROOM },
	{ "hysteresis-up", required_argument, NULL, OPT_HYST_UP },
	{ "hysteresis-down", required_argument, NULL, OPT_HYST_DOWN },
	{ "min-change-kb", required_argument, NULL, OPT_MIN_CHANGE },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "any-domid", no_argument, NULL, OPT_ANY_DOMID },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs("membalctl plan: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

static const char *option_name(int id)
{
	for (const struct option *o = plan_options; o->name; o++)
		if (o->val == id)
			return o->name;
	return "?";
}

static int opt_enum(int id, const char *value, const char *const *names,
		    int limit, int *out)
{
	int i = policy_name_index(names, value);

	if (i < 0 || i >= limit) {
		char expected[128] = "";

		for (int j = 0; names[j] && j < limit; j++) {
			strncat(expected, j ? "|" : "", sizeof(expected) - strlen(expected) - 1);
			strncat(expected, names[j], sizeof(expected) - strlen(expected) - 1);
		}
		return usage_err("--%s '%s': expected %s", option_name(id),
				 value, expected);
	}
	*out = i;
	return 0;
}

static int opt_u64(int id, const char *value, uint64_t min, uint64_t max,
		   uint64_t *out)
{
	enum parse_err e = parse_u64(value, min, max, out);

	if (e != PARSE_OK)
		return usage_err("--%s '%s': %s (expected an integer in [%llu, %llu])",
				 option_name(id), value, parse_strerror(e),
				 (unsigned long long)min, (unsigned long long)max);
	return 0;
}

/* Options are applied in two rounds: --config and --preset first, then
 * the rest, so that `--tau 0.5 --preset paper` keeps tau = 0.5. */
struct plan_opts {
	const char *config, *preset, *input;
	struct { int id; const char *value; } set[32];
	size_t nset;
	bool have_host_free, have_reserve, explain, verbose, any_domid;
	int64_t host_free_kb;
	uint64_t reserve_kb;
};

static int apply_option(struct policy_params *p, struct plan_opts *o, int id,
			const char *value)
{
	uint64_t u;
	int e;
	enum parse_err pe;

	switch (id) {
	case OPT_SOLVER:
		if (opt_enum(id, value, policy_solver_names, 2, &e))
			return 2;
		p->solver = (enum policy_solver)e;
		return 0;
	case OPT_MODE:
		/* static is a preset, not a branch */
		if (opt_enum(id, value, policy_force_names, 3, &e))
			return 2;
		p->mode = (enum policy_force)e;
		return 0;
	case OPT_DOM0:
		if (opt_enum(id, value, policy_dom0_mode_names, 2, &e))
			return 2;
		p->dom0_mode = (enum policy_dom0_mode)e;
		return 0;
	case OPT_FREE_SOURCE:
		if (opt_enum(id, value, policy_free_source_names, 2, &e))
			return 2;
		p->free_source = (enum policy_free_source)e;
		return 0;
	case OPT_SCARCE_CAP:
		if (opt_enum(id, value, policy_scarce_cap_names, 2, &e))
			return 2;
		p->scarce_cap = (enum policy_scarce_cap)e;
		return 0;
	case OPT_TAU:
		pe = parse_double(value, 0, 1, &p->tau);
		if (pe == PARSE_OK && p->tau >= 1)
			pe = PARSE_RANGE;
		if (pe != PARSE_OK)
			return usage_err("--tau '%s': %s (expected 0 <= tau < 1)",
					 value, parse_strerror(pe));
		return 0;
	case OPT_EPSILON:
		pe = parse_double(value, 0, 1e6, &p->epsilon);
		if (pe != PARSE_OK)
			return usage_err("--epsilon '%s': %s (expected 0 <= epsilon <= 1e6)",
					 value, parse_strerror(pe));
		return 0;
	case OPT_HEADROOM:
		if (opt_u64(id, value, 0, POLICY_KB_MAX, &p->headroom_kb))
			return 2;
		return 0;
	case OPT_MIN_CHANGE:
		if (opt_u64(id, value, 0, POLICY_KB_MAX, &p->min_change_kb))
			return 2;
		return 0;
	case OPT_HYST_UP:
	case OPT_HYST_DOWN:
		if (opt_u64(id, value, 1, 1000000, &u))
			return 2;
		if (id == OPT_HYST_UP)
			p->hysteresis_up = (uint32_t)u;
		else
			p->hysteresis_down = (uint32_t)u;
		return 0;
	case OPT_RESERVE:
		if (opt_u64(id, value, 0, POLICY_KB_MAX, &o->reserve_kb))
			return 2;
		o->have_reserve = true;
		return 0;
	case OPT_HOST_FREE:
		pe = parse_i64(value, -(int64_t)(POLICY_KB_MAX * 1024),
			       (int64_t)(POLICY_KB_MAX * 1024), &o->host_free_kb);
		if (pe != PARSE_OK)
			return usage_err("--host-free-kb '%s': %s", value,
					 parse_strerror(pe));
		o->have_host_free = true;
		return 0;
	}
	return usage_err("internal: option %d", id);
}

static int parse_args(int argc, char **argv, struct plan_opts *o,
		      struct policy_params *p)
{
	int c, rc;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+vh", plan_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			plan_usage(stdout);
			return -1;
		case 'v':
			o->verbose = true;
			break;
		case OPT_EXPLAIN:
			o->explain = true;
			break;
		case OPT_ANY_DOMID:
			o->any_domid = true;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_PRESET:
			o->preset = optarg;
			break;
		case '?':
			if (optopt)
				return usage_err("option -%c: unknown or missing its value (see --help)",
						 optopt);
			return usage_err("'%s': unknown option or missing value (see --help)",
					 argv[optind - 1]);
		default:
			if (o->nset == sizeof(o->set) / sizeof(o->set[0]))
				return usage_err("too many options");
			o->set[o->nset].id = c;
			o->set[o->nset].value = optarg;
			o->nset++;
			break;
		}
	}
	if (optind < argc)
		o->input = argv[optind++];
	if (optind < argc)
		return usage_err("unexpected argument '%s'", argv[optind]);

	policy_params_default(p);
	if (o->config) {
		struct cfg_file f;

		/* Each bad line was logged with file:line already. */
		if (policy_config_load(o->config, p, &f) < 0)
			return usage_err("--config %s: %u error%s", o->config,
					 f.errors, f.errors == 1 ? "" : "s");
	}
	if (o->preset) {
		int i = policy_name_index(policy_preset_names, o->preset);
		char presets[128];

		if (i < 0)
			return usage_err("--preset '%s': expected %s", o->preset,
					 policy_names_join(policy_preset_names, "|",
							   presets, sizeof(presets)));
		policy_preset_apply(p, (enum policy_preset)i);
	}
	for (size_t i = 0; i < o->nset; i++) {
		rc = apply_option(p, o, o->set[i].id, o->set[i].value);
		if (rc)
			return rc;
	}
	if (!o->have_host_free)
		return usage_err("--host-free-kb is required (see --help)");
	if (!o->have_reserve)
		o->reserve_kb = p->reserve_kb;

	char why[160];

	if (policy_params_check(p, why, sizeof(why)) < 0)
		return usage_err("%s", why);
	return 0;
}

static void print_summary(const struct policy_cycle *cy)
{
	fprintf(stderr,
		"membalctl plan: mode=%s stage=%s decided=%zu F_h=%lld F_domU=%lld "
		"M=%lld need=%lld",
		policy_mode_name(cy->mode), policy_stage_name(cy->stage),
		cy->decided, (long long)cy->host_free_kb,
		(long long)cy->domu_free_kb, (long long)cy->budget_kb,
		(long long)cy->need_kb);
	if (cy->stage == POLICY_STAGE_PRICE)
		fprintf(stderr, " lambda=%.9g", cy->lambda);
	if (cy->stage == POLICY_STAGE_THETA)
		fprintf(stderr, " theta=%.9g", cy->theta);
	if (cy->stage == POLICY_STAGE_INFEASIBLE)
		fprintf(stderr, " shortfall=%llu",
			(unsigned long long)cy->shortfall_kb);
	if (cy->stage == POLICY_STAGE_PAPER)
		fprintf(stderr, " paper_solves=%u", cy->paper_solves);
	fputc('\n', stderr);
}

int plan_main(int argc, char **argv)
{
	struct policy_params p;
	struct plan_opts o;
	struct plan pl;
	struct policy_ctx ctx;
	struct policy_cycle cycle;
	struct policy_decision *dec = NULL;
	char err[512];
	FILE *in = stdin;
	int rc;

	rc = parse_args(argc, argv, &o, &p);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (o.input && strcmp(o.input, "-") != 0) {
		in = fopen(o.input, "re");
		if (!in) {
			fprintf(stderr, "membalctl plan: %s: %s\n", o.input,
				strerror(errno));
			return 1;
		}
	}
	plan_init(&pl);
	pl.any_domid = o.any_domid;
	pl.gap_kb = p.headroom_kb;
	rc = plan_read_csv(in, o.input && strcmp(o.input, "-") ? o.input : "stdin",
			   &pl, err, sizeof(err));
	if (in != stdin)
		fclose(in);
	if (rc < 0) {
		fprintf(stderr, "membalctl plan: %s\n", err);
		plan_free(&pl);
		return 1;
	}

	struct policy_host host = { .free_kb = o.host_free_kb,
				    .reserve_kb = o.reserve_kb };

	rc = 1;
	if (policy_ctx_init(&ctx, pl.n) < 0) {
		fprintf(stderr, "membalctl plan: out of memory for %zu domains\n",
			pl.n);
		goto out;
	}
	plan_big_hint(ctx.items);
	plan_big_hint(ctx.events);
	plan_big_hint(ctx.events_tmp);
	dec = plan_big_alloc(pl.n * sizeof(*dec));
	if (!dec) {
		fprintf(stderr, "membalctl plan: out of memory\n");
		goto out_ctx;
	}
	if (policy_decide(&ctx, &p, &host, pl.dom, pl.n, dec, &cycle) < 0) {
		if (cycle.bad_index != SIZE_MAX)
			fprintf(stderr, "membalctl plan: line %u: %s\n",
				plan_line_of(&pl, cycle.bad_index), cycle.error);
		else
			fprintf(stderr, "membalctl plan: %s\n", cycle.error);
		goto out_ctx;
	}
	policy_apply(&p, &cycle, pl.dom, pl.n, dec);
	if (o.verbose)
		print_summary(&cycle);
	if (plan_write_csv(stdout, &pl, dec, o.explain) < 0) {
		fprintf(stderr, "membalctl plan: write error: %s\n",
			strerror(errno));
		goto out_ctx;
	}
	rc = 0;
out_ctx:
	policy_ctx_free(&ctx);
out:
	plan_big_free(dec, pl.n * sizeof(*dec));
	plan_free(&pl);
	return rc;
}
