/*
 * membal-export-htools: membal-place's snapshot cache written in the
 * htools text format (htools.h), for hbal -t, hspace -t and hinfo -t.
 * The entry point `membal-place export-htools` is meant to become; it
 * calls the same ia_htools_write().
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iallocator/demand.h"
#include "iallocator/htools.h"

static void usage(FILE *out)
{
	fputs("usage: membal-export-htools [--cache PATH] [--max-age SECONDS]\n"
	      "                            [--memory static|demand] [-o FILE]\n"
	      "Write membal-place's snapshot cache in the htools text format\n"
	      "(hbal -t FILE, hspace -t FILE, hinfo -t FILE).\n"
	      "  --cache PATH      default $MEMBAL_PLACE_CACHE, else " IA_DEFAULT_CACHE "\n"
	      "  --max-age SECONDS refuse an older cache (default 300)\n"
	      "  --memory static   instance memory = max_kb (Ganeti's maxmem; default)\n"
	      "  --memory demand   instance memory = measured demand within [min, max]\n"
	      "  -o FILE           write FILE instead of stdout\n", out);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cache", required_argument, NULL, 'c' },
		{ "max-age", required_argument, NULL, 'a' },
		{ "memory", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cache = getenv("MEMBAL_PLACE_CACHE"), *outp = NULL;
	enum ia_ht_memory mem = IA_HT_STATIC;
	long long max_age = IA_DEFAULT_MAX_AGE_S;
	struct ia_snapshot s;
	char err[512];
	char *end;
	int ch, rc;

	if (!cache || !*cache)
		cache = IA_DEFAULT_CACHE;
	while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': cache = optarg; break;
		case 'o': outp = optarg; break;
		case 'm':
			if (strcmp(optarg, "static") == 0)
				mem = IA_HT_STATIC;
			else if (strcmp(optarg, "demand") == 0)
				mem = IA_HT_DEMAND;
			else {
				fprintf(stderr, "membal-export-htools: --memory static or demand, not %s\n", optarg);
				return 2;
			}
			break;
		case 'a':
			errno = 0;
			max_age = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg || max_age < 0 || max_age > (1LL << 30)) {
				fprintf(stderr, "membal-export-htools: --max-age: not a number of seconds: %s\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (ia_snapshot_read_cache(&s, cache, (int64_t)time(NULL), max_age, err, sizeof(err)) < 0) {
		fprintf(stderr, "membal-export-htools: %s\n", err);
		return 1;
	}
	FILE *out = outp ? fopen(outp, "we") : stdout;

	if (!out) {
		fprintf(stderr, "membal-export-htools: %s: %s\n", outp, strerror(errno));
		ia_snapshot_free(&s);
		return 1;
	}
	rc = ia_htools_write(out, s.hosts, s.nh, s.doms, s.nd, mem, err, sizeof(err));
	if (outp && fclose(out) != 0 && rc == 0)
		snprintf(err, sizeof(err), "%s: %s", outp, strerror(errno)), rc = -1;
	if (rc < 0)
		fprintf(stderr, "membal-export-htools: %s\n", err);
	ia_snapshot_free(&s);
	return rc < 0 ? 1 : 0;
}
