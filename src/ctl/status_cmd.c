/*
 * membalctl status [--json] [--file PATH]: what the arbiter saw and
 * decided in its last cycle, from the JSON status file it rewrites
 * atomically every cycle. A table like `xl list`, sizes in MiB.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ctl/ctl.h"
#include "ctl/json.h"

#define STATUS_VERSION_KNOWN 1

static void usage(FILE *out)
{
	fputs("usage: membalctl status [--json] [--file PATH]\n"
	      "Show the arbiter's view of every domain (from its status file,\n"
	      "default " CTL_STATUS_FILE ").\n"
	      "  --json       print the status file itself (checked first)\n"
	      "  --file PATH  another status file ([daemon] status_file)\n", out);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 > cap) {
			if (cap >= JSON_MAX_BYTES) {
				errno = EFBIG;
				break;
			}
			char *nb = realloc(buf, cap ? cap * 2 : 65536);

			if (!nb)
				break;
			buf = nb;
			cap = cap ? cap * 2 : 65536;
		}
		size_t r = fread(buf + n, 1, cap - n, f);

		n += r;
		if (r == 0) {
			if (ferror(f))
				break;
			fclose(f);
			*len = n;
			return buf;
		}
	}
	fclose(f);
	free(buf);
	return NULL;
}

static double mib(const struct json *o, const char *k)
{
	return json_num(o, k, 0) / 1024.0;
}

static void print_table(const struct json *st)
{
	const struct json *host = json_get(st, "host");
	const struct json *doms = json_get(st, "domains");

	printf("host: %s (%s), free %.0f MiB, budget %.0f MiB, reserve %.0f MiB",
	       json_str(st, "mode", "?"), json_str(st, "stage", "?"),
	       mib(host, "free_kb"), mib(host, "budget_kb"), mib(host, "reserve_kb"));
	if (json_num(host, "reservation_kb", 0) > 0)
		printf(", reservation %.0f MiB", mib(host, "reservation_kb"));
	if (json_num(host, "shortfall_kb", 0) > 0)
		printf(", SHORT BY %.0f MiB", mib(host, "shortfall_kb"));
	printf("; cycle %.0f, backend %s%s%s\n", json_num(st, "cycle", 0),
	       json_str(st, "backend", "?"),
	       json_get(st, "dry_run") && json_get(st, "dry_run")->b ? ", DRY RUN" : "",
	       json_get(st, "paused_all") && json_get(st, "paused_all")->b ? ", ALL PAUSED" : "");
	printf("%-5s %-16s %-13s %6s %6s %7s %7s %7s %6s %7s %9s %9s  %s\n",
	       "ID", "Name", "State", "Min", "Max", "Target", "Actual", "Demand",
	       "Free", "Commit", "Swap", "Price", "Flags");
	for (const struct json *d = doms ? doms->child : NULL; d; d = d->next) {
		char price[16] = "-", swap[24];

		if (!json_is_null(d, "price"))
			snprintf(price, sizeof(price), "%.3g", json_num(d, "price", 0));
		snprintf(swap, sizeof(swap), "%.0f/%.0f",
			 mib(d, "swap_tot_kb") - mib(d, "swap_free_kb"), mib(d, "swap_tot_kb"));
		printf("%-5.0f %-16.16s %-13.13s %6.0f %6.0f %7.0f %7.0f %7.0f %6.0f %7.0f %9s %9s  %s\n",
		       json_num(d, "domid", -1), json_str(d, "name", "?"),
		       json_str(d, "state", "?"), mib(d, "min_kb"), mib(d, "max_kb"),
		       mib(d, "target_kb"), mib(d, "actual_kb"), mib(d, "demand_kb"),
		       mib(d, "free_kb"), mib(d, "committed_as_kb"), swap, price,
		       json_str(d, "flags", "-"));
	}
}

int status_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = CTL_STATUS_FILE;
	bool as_json = false;
	char err[128];
	size_t len = 0;
	struct stat sb;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "jf:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': as_json = true; break;
		case 'f': path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	char *text = slurp(path, &len);

	if (!text) {
		fprintf(stderr, "membalctl: cannot read %s: %s (is membal-arbiter running?)\n",
			path, strerror(errno));
		return 1;
	}
	struct json *st = json_parse(text, len, err, sizeof(err));

	if (!st || st->type != JSON_OBJECT) {
		fprintf(stderr, "membalctl: %s: not a status file (%s)\n", path,
			st ? "not an object" : err);
		json_free(st);
		free(text);
		return 1;
	}
	if (json_num(st, "version", 0) != STATUS_VERSION_KNOWN) {
		fprintf(stderr, "membalctl: %s: status version %.0f, this membalctl reads %d\n",
			path, json_num(st, "version", 0), STATUS_VERSION_KNOWN);
		json_free(st);
		free(text);
		return 1;
	}
	/* The file outlives the daemon: say so when it is old. */
	double interval_s = json_num(st, "interval_ms", 1000) / 1000.0;
	if (stat(path, &sb) == 0 && difftime(time(NULL), sb.st_mtime) > 3 * interval_s + 2)
		fprintf(stderr, "membalctl: warning: %s is %.0f s old; membal-arbiter may not be running\n",
			path, difftime(time(NULL), sb.st_mtime));
	if (as_json)
		fwrite(text, 1, len, stdout);
	else
		print_table(st);
	json_free(st);
	free(text);
	return 0;
}
