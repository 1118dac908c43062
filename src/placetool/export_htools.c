/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-place export-htools: the snapshot (CSV files or collect's cache)
 * in the htools text format, for hbal -t, hspace -t and hinfo -t
 * (docs/ganeti.md, "htools export"). The writer is
 * src/iallocator/htools.c, shared with the Ganeti side-by-side tests.
 */
#include "placetool/export_htools.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iallocator/htools.h"
#include "placetool/placetool.h"

static void usage(FILE *out)
{
	fputs("usage: membal-place export-htools SOURCE [--memory static|demand] [-o FILE]\n"
	      "Write the snapshot in the htools text format (hbal -t FILE, hspace -t\n"
	      "FILE, hinfo -t FILE). SOURCE as for plan: --hosts FILE --domains FILE,\n"
	      "or --cache PATH [--max-age SECONDS] (default 300).\n"
	      "  --memory static   instance memory = max_kb, Ganeti's maxmem (default)\n"
	      "  --memory demand   instance memory = the measured demand within [min, max]\n"
	      "  -o FILE           write FILE instead of stdout\n", out);
}

int export_htools_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hosts", required_argument, NULL, 'H' },
		{ "domains", required_argument, NULL, 'D' },
		{ "cache", required_argument, NULL, 'c' },
		{ "max-age", required_argument, NULL, 'A' },
		{ "memory", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *hosts = NULL, *doms = NULL, *cache = NULL, *outp = NULL;
	enum ia_ht_memory mem = IA_HT_STATIC;
	long long max_age = 300;
	char err[600], *end;
	struct snap s;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'H': hosts = optarg; break;
		case 'D': doms = optarg; break;
		case 'c': cache = optarg; break;
		case 'o': outp = optarg; break;
		case 'A':
			errno = 0;
			max_age = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg || max_age < 0 || max_age > (1LL << 30)) {
				fprintf(stderr, "membal-place export-htools: --max-age: not a number of seconds: %s\n", optarg);
				return 2;
			}
			break;
		case 'm':
			if (strcmp(optarg, "static") == 0) {
				mem = IA_HT_STATIC;
			} else if (strcmp(optarg, "demand") == 0) {
				mem = IA_HT_DEMAND;
			} else {
				fprintf(stderr, "membal-place export-htools: --memory static or demand, not %.40s\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || (cache && (hosts || doms)) || (!cache && (!hosts || !doms))) {
		usage(stderr);
		return 2;
	}
	if (snap_load(&s, cache, (int64_t)max_age, hosts, doms) < 0)
		return 1;
	FILE *out = outp ? fopen(outp, "we") : stdout;

	if (!out) {
		fprintf(stderr, "membal-place: %s: %s\n", outp, strerror(errno));
		snap_free(&s);
		return 1;
	}
	rc = ia_htools_write(out, s.hosts, s.nh, s.doms, s.nd, mem, err, sizeof(err));
	if (outp && fclose(out) != 0 && rc == 0) {
		snprintf(err, sizeof(err), "%s: %s", outp, strerror(errno));
		rc = -1;
	}
	if (rc < 0)
		fprintf(stderr, "membal-place export-htools: %s\n", err);
	snap_free(&s);
	return rc < 0 ? 1 : 0;
}
