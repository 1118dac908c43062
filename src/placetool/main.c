/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-place: VM placement and rebalancing across Xen hosts from the
 * demand membal measures (docs/placement.md). `plan` prints a plan from
 * CSV snapshot files or from the cache `collect` gathers over ssh; it
 * never migrates, starts or resizes anything; `apply` carries out a plan's
 * migrations (apply.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"
#include "policy/policy.h"
#include "placetool/apply.h"
#include "placetool/export_htools.h"
#include "placetool/placetool.h"

#define DEFAULT_MAX_AGE 300
#define MAX_EDITS 4096

static void usage(FILE *out)
{
	fputs("usage: membal-place plan --algorithm ALG SOURCE [options]\n"
	      "       membal-place collect --host HOST [--host HOST ...] [--ssh CMD] [--cache PATH]\n"
	      "       membal-place export-htools SOURCE [--memory static|demand] [-o FILE]\n"
	      "       membal-place apply --plan FILE [--apply] [--journal FILE] [options]\n"
	      "       membal-place -V | --version | -h | --help\n"
	      "\n"
	      "plan prints a placement (bs, gm, gmm, emm, pemm) or the fewest live\n"
	      "migrations relieving hosts short of memory (rebalance), with the Gini\n"
	      "coefficient of memory utilisation and the hosts on, before and after.\n"
	      "It executes nothing; `apply --plan FILE` carries out its --csv\n"
	      "migrations (apply --help).\n"
	      "\n"
	      "SOURCE:\n"
	      "  --hosts FILE --domains FILE   CSV snapshot (below)\n"
	      "  --cache PATH                  what `collect` wrote\n"
	      "  --max-age SECONDS             refuse an older cache (default 300)\n"
	      "options:\n", out);
	/* The algorithm list from the table the parser reads. */
	char algos[128];

	fprintf(out, "  --algorithm %s\n",
		policy_names_join(place_algorithm_names, "|", algos, sizeof(algos)));
	fputs("  --tau X                solver's idle memory tax, [0, 1) (default 0.75)\n"
	      "  --power-cost X         share-MiB a host must serve to be opened (pemm;\n"
	      "                         default 1024)\n"
	      "  --hold N               cycles a host must be short (rebalance; default 3)\n"
	      "  --min-gain MIB         shortfall a migration must relieve (default 64)\n"
	      "  --max-concurrent N     migrations at once (default 2)\n"
	      "  --cooldown SECONDS     per guest, between migrations (default 1800)\n"
	      "  --max-moves N          longest rebalance plan (default 64)\n"
	      "  --allow-cross-version  migrate between different Xen versions\n"
	      "  --allow-cross-features migrate between different CPU feature sets\n"
	      "  --drain HOST           send nothing to HOST (repeat)\n"
	      "  --pin GUEST=HOST       GUEST runs on HOST only (repeat)\n"
	      "  --no-migrate GUEST     GUEST is not live-migratable (repeat)\n"
	      "  -v, --verbose          print every guest's place and size\n"
	      "  --csv                  the plan as CSV (action,wave,guest,from,to,\n"
	      "                         size_kb,gain_kb,reason) after a '#' summary\n"
	      "\n"
	      "hosts.csv columns (header first, any order, '#' comments):\n"
	      "  name, mem_kb                       required: memory its domains may hold\n"
	      "  reserve_kb, on, drain, xen_version, cpu_features, scarce_cycles\n"
	      "domains.csv columns:\n"
	      "  name, min_kb, max_kb               required (L_i, H_i)\n"
	      "  host (empty: not running), size_kb (required with host), demand_kb\n"
	      "  (MC_i; default size_kb, or max_kb when not running), active_kb,\n"
	      "  shares (1), migratable (yes), pin_host, held, paused, domid,\n"
	      "  last_move_age_s\n"
	      "Sizes in KiB; booleans yes/no. dom0 is domid 0 or Domain-0, a stub\n"
	      "domain's name ends in -dm. See docs/placement.md.\n", out);
}

struct edits {
	const char *drain[MAX_EDITS];
	size_t ndrain;
	const char *pin[MAX_EDITS];
	size_t npin;
	const char *nomig[MAX_EDITS];
	size_t nnomig;
};

static int apply_edits(struct snap *s, const struct edits *e)
{
	for (size_t i = 0; i < e->ndrain; i++) {
		int32_t h = snap_host_index(s, e->drain[i]);

		if (h < 0) {
			fprintf(stderr, "membal-place: --drain %s: no such host\n", e->drain[i]);
			return -1;
		}
		s->hosts[h].drain = true;
	}
	for (size_t i = 0; i < e->npin; i++) {
		char guest[SNAP_MAX_NAME + 2];
		const char *eq = strchr(e->pin[i], '=');
		size_t n = eq ? (size_t)(eq - e->pin[i]) : 0;
		int32_t j = -1, h = -1;

		if (eq && n <= SNAP_MAX_NAME) {
			memcpy(guest, e->pin[i], n);
			guest[n] = '\0';
			j = snap_dom_index(s, guest);
			h = snap_host_index(s, eq + 1);
		}
		if (j < 0 || h < 0) {
			fprintf(stderr, "membal-place: --pin %s: not GUEST=HOST of this snapshot\n",
				e->pin[i]);
			return -1;
		}
		s->doms[j].pin_host = h;
	}
	for (size_t i = 0; i < e->nnomig; i++) {
		int32_t j = snap_dom_index(s, e->nomig[i]);

		if (j < 0) {
			fprintf(stderr, "membal-place: --no-migrate %s: no such guest\n",
				e->nomig[i]);
			return -1;
		}
		s->doms[j].migratable = false;
	}
	return 0;
}

static bool num_u64(const char *opt, const char *v, uint64_t max, uint64_t *out)
{
	if (parse_u64(v, 0, max, out) == PARSE_OK)
		return true;
	fprintf(stderr, "membal-place: %s '%.40s': not an integer in [0, %llu]\n", opt, v,
		(unsigned long long)max);
	return false;
}

static bool num_double(const char *opt, const char *v, double min, double max,
		       double *out)
{
	if (parse_double(v, min, max, out) == PARSE_OK)
		return true;
	fprintf(stderr, "membal-place: %s '%.40s': not a number in [%g, %g]\n", opt, v,
		min, max);
	return false;
}

static bool add_edit(const char **list, size_t *n, const char *v)
{
	if (*n == MAX_EDITS) {
		fprintf(stderr, "membal-place: more than %d of one option\n", MAX_EDITS);
		return false;
	}
	list[(*n)++] = v;
	return true;
}

static int plan_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "algorithm", required_argument, NULL, 'a' },
		{ "hosts", required_argument, NULL, 'H' },
		{ "domains", required_argument, NULL, 'D' },
		{ "cache", required_argument, NULL, 'c' },
		{ "max-age", required_argument, NULL, 'A' },
		{ "tau", required_argument, NULL, 't' },
		{ "power-cost", required_argument, NULL, 'P' },
		{ "hold", required_argument, NULL, 'o' },
		{ "min-gain", required_argument, NULL, 'g' },
		{ "max-concurrent", required_argument, NULL, 'C' },
		{ "cooldown", required_argument, NULL, 'w' },
		{ "max-moves", required_argument, NULL, 'm' },
		{ "allow-cross-version", no_argument, NULL, 'X' },
		{ "allow-cross-features", no_argument, NULL, 'F' },
		{ "drain", required_argument, NULL, 'd' },
		{ "pin", required_argument, NULL, 'p' },
		{ "no-migrate", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "csv", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct edits e;
	struct place_params p;
	const char *hosts = NULL, *doms = NULL, *cache = NULL;
	uint64_t v, max_age = DEFAULT_MAX_AGE;
	int alg = -1, ch;
	bool verbose = false, csv = false;

	place_params_default(&p);
	memset(&e, 0, sizeof(e));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "a:vh", opts, NULL)) != -1) {
		bool ok = true;

		switch (ch) {
		case 'a':
			for (alg = 0; place_algorithm_names[alg]; alg++)
				if (strcmp(optarg, place_algorithm_names[alg]) == 0)
					break;
			if (!place_algorithm_names[alg]) {
				fprintf(stderr, "membal-place: unknown algorithm '%.40s'\n", optarg);
				ok = false;
			}
			break;
		case 'H': hosts = optarg; break;
		case 'D': doms = optarg; break;
		case 'c': cache = optarg; break;
		case 'A': ok = num_u64("--max-age", optarg, 1u << 30, &max_age); break;
		case 't': ok = num_double("--tau", optarg, 0, 0.999999, &p.tau); break;
		case 'P': ok = num_double("--power-cost", optarg, 0, 1e15, &p.power_cost); break;
		case 'o':
			ok = num_u64("--hold", optarg, 1u << 30, &v);
			p.hold = (uint32_t)v;
			break;
		case 'g':
			ok = num_u64("--min-gain", optarg, 1u << 30, &v);
			p.min_gain_kb = v * 1024;
			break;
		case 'C':
			ok = num_u64("--max-concurrent", optarg, 1u << 16, &v);
			if (ok && v == 0) {
				fprintf(stderr, "membal-place: --max-concurrent must be >= 1\n");
				ok = false;
			}
			p.max_concurrent = (uint32_t)v;
			break;
		case 'w':
			ok = num_u64("--cooldown", optarg, 1u << 30, &v);
			p.cooldown_s = (uint32_t)v;
			break;
		case 'm':
			ok = num_u64("--max-moves", optarg, PLACE_MAX_DOMS, &v);
			p.max_moves = (uint32_t)v;
			break;
		case 'X': p.allow_cross_version = true; break;
		case 'F': p.allow_cross_features = true; break;
		case 'd': ok = add_edit(e.drain, &e.ndrain, optarg); break;
		case 'p': ok = add_edit(e.pin, &e.npin, optarg); break;
		case 'n': ok = add_edit(e.nomig, &e.nnomig, optarg); break;
		case 'v': verbose = true; break;
		case 'k': csv = true; break;
		case 'h': usage(stdout); return 0;
		default: ok = false; break;
		}
		if (!ok) {
			fputs("(membal-place --help for usage)\n", stderr);
			return 2;
		}
	}
	if (optind != argc || alg < 0 || (cache && (hosts || doms)) ||
	    (!cache && (!hosts || !doms))) {
		fputs("membal-place plan: need --algorithm and either --hosts with --domains, or --cache\n"
		      "(membal-place --help for usage)\n", stderr);
		return 2;
	}
	struct snap s;
	struct place_plan pl;
	int rc;

	if (snap_load(&s, cache, (int64_t)max_age, hosts, doms) < 0)
		return 1;
	if (apply_edits(&s, &e) < 0) {
		snap_free(&s);
		return 1;
	}
	rc = place_plan(&p, s.hosts, s.nh, s.doms, s.nd, (enum place_algorithm)alg, &pl);
	if (rc < 0)
		fprintf(stderr, "membal-place: %s\n", pl.error);
	else if (csv)
		print_plan_csv(stdout, &s, &pl);
	else
		print_plan(stdout, &s, &p, &pl, verbose);
	place_plan_free(&pl);
	snap_free(&s);
	return rc < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("membal-place %s\n", MEMBAL_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "plan"))
		return plan_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "collect"))
		return collect_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "apply"))
		return apply_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "export-htools"))
		return export_htools_main(argc - 1, argv + 1);
	fprintf(stderr, "membal-place: unknown command '%.40s'\n", argv[1]);
	usage(stderr);
	return 2;
}
