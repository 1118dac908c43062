/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-iallocator FILE: Ganeti runs it with the request file as its
 * only argument and reads the answer on stdout (Ganeti's
 * doc/iallocator.rst). Whatever goes wrong with the request, the answer
 * is a well-formed response with success false and the reason in info,
 * and the exit status is 0, so Ganeti shows the reason to the operator.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iallocator/demand.h"
#include "iallocator/ialloc.h"

static void usage(FILE *out)
{
	fputs("usage: membal-iallocator [--cache PATH] [--max-age SECONDS] [--static] FILE\n"
	      "Answer the Ganeti IAllocator request in FILE on stdout, placing by the\n"
	      "demand membal measured (membal-place collect's cache) when the cache is\n"
	      "younger than --max-age, else by Ganeti's static sizes (info says which).\n"
	      "  --cache PATH       the cache (default $MEMBAL_PLACE_CACHE, else " IA_DEFAULT_CACHE ")\n"
	      "  --max-age SECONDS  refuse an older cache (default 300)\n"
	      "  --static           ignore the cache: Ganeti's sizes only\n"
	      "Modes: allocate, relocate, multi-allocate; node-evacuate and change-group\n"
	      "answer success false (use hail). docs/ganeti.md has the details.\n", out);
}

static int answer(char *json)
{
	if (!json) {
		fputs("membal-iallocator: out of memory\n", stderr);
		return 1;
	}
	puts(json);
	free(json);
	return fflush(stdout) == 0 ? 0 : 1;
}

static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	char *buf;

	if (!f) {
		snprintf(err, errlen, "cannot open request file %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(IA_MAX_FILE + 2);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
	} else {
		*len = fread(buf, 1, IA_MAX_FILE + 1, f);
		if (ferror(f) || *len > IA_MAX_FILE) {
			snprintf(err, errlen, "request file %s: %s", path,
				 ferror(f) ? strerror(errno) : "larger than 64 MiB");
			free(buf);
			buf = NULL;
		}
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cache", required_argument, NULL, 'c' },
		{ "max-age", required_argument, NULL, 'a' },
		{ "static", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cache = getenv("MEMBAL_PLACE_CACHE");
	long long max_age = IA_DEFAULT_MAX_AGE_S;
	bool use_static = false;
	int ch;

	if (!cache || !*cache)
		cache = IA_DEFAULT_CACHE;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		char *end;

		switch (ch) {
		case 'c': cache = optarg; break;
		case 's': use_static = true; break;
		case 'a':
			errno = 0;
			max_age = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg || max_age < 0 || max_age > (1LL << 30)) {
				fprintf(stderr, "membal-iallocator: --max-age: not a number of seconds: %s\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}

	char err[512], info[IA_INFO_LEN];
	size_t len = 0;
	char *text = slurp(argv[optind], &len, err, sizeof(err));
	struct ia_cluster c;
	struct ia_params p = { 0 };
	struct ia_answer a;
	int rc;

	if (!text) {
		snprintf(info, sizeof(info), "membal-iallocator: %s", err);
		return answer(ia_failure_json(info));
	}
	rc = ia_read_request(text, len, &c, err, sizeof(err));
	free(text);
	if (rc < 0) {
		snprintf(info, sizeof(info), "membal-iallocator: invalid request: %s", err);
		ia_cluster_free(&c);
		return answer(ia_failure_json(info));
	}
	if (use_static) {
		snprintf(p.demand_note, sizeof(p.demand_note), "static sizes (--static)");
	} else {
		struct ia_snapshot s;
		int64_t now = (int64_t)time(NULL);

		if (ia_snapshot_read_cache(&s, cache, now, max_age, err, sizeof(err)) < 0) {
			snprintf(p.demand_note, sizeof(p.demand_note), "static sizes (no usable cache: %.200s)", err);
		} else {
			size_t n = ia_apply_snapshot(&c, s.hosts, s.nh, s.doms, s.nd);

			p.measured = n > 0;
			snprintf(p.demand_note, sizeof(p.demand_note),
				 "measured on %zu of %zu nodes (cache %lld s old), static sizes elsewhere",
				 n, c.nnodes, (long long)(now - s.collected_at));
			ia_snapshot_free(&s);
		}
	}
	if (ia_decide(&c, &p, &a) < 0) {
		ia_cluster_free(&c);
		return answer(ia_failure_json("membal-iallocator: out of memory"));
	}
	rc = answer(ia_answer_json(&c, &a));
	ia_answer_free(&a);
	ia_cluster_free(&c);
	return rc;
}
