/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membalctl status [DOMAIN] [--json|--csv] [--watch N] [-v]: what the
 * arbiter saw and decided in its last cycle, from the JSON status file it
 * rewrites atomically every cycle (docs/status-json.md). The views are in
 * status_view.c; what they mean in docs/membalctl-status.md.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/parse.h"
#include "ctl/ctl.h"
#include "ctl/status_view.h"

static void usage(FILE *out)
{
	fputs("usage: membalctl status [DOMAIN] [--json | --csv] [--watch N] [-v]\n"
	      "                        [--file PATH | --config FILE]\n"
	      "Show the arbiter's view of every domain, or of one DOMAIN (name or\n"
	      "id) with what its state and flags mean. Sizes in MiB; '-' is none.\n"
	      "  --json         print the status file itself (checked first)\n"
	      "  --csv          the managed domains in `membalctl plan`'s input format\n"
	      "  --watch N      redraw every N seconds until interrupted\n"
	      "  -v, --verbose  add the price column\n"
	      "  --file PATH    the status file (default: [daemon] status_file of\n"
	      "                 " CTL_ARBITER_CONFIG ", else " CTL_STATUS_FILE ")\n"
	      "  --config FILE  read the paths from this arbiter.ini\n"
	      "Exit status: 0 shown, 1 no usable status file or no such domain, 2 bad usage.\n",
	      out);
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
			if (cap >= ST_MAX_BYTES) {
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

static double wall_now(void)
{
	const char *fake = getenv("MEMBALCTL_NOW");   /* golden-file tests */
	struct timespec ts;
	double v;

	if (fake && parse_double(fake, 0, 1e12, &v) == PARSE_OK)
		return v;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const struct st_dom *find_dom(const struct st_status *st, const char *want)
{
	uint64_t id;
	bool numeric = parse_u64(want, 0, 0x7FEF, &id) == PARSE_OK;

	for (size_t i = 0; i < st->n; i++)
		if (!strcmp(st->dom[i].name, want) ||
		    (numeric && st->dom[i].domid == (int64_t)id))
			return &st->dom[i];
	return NULL;
}

enum view { VIEW_TABLE, VIEW_JSON, VIEW_CSV };

static int show(const char *path, enum view view, const char *domain, bool verbose)
{
	struct st_status st;
	char err[256];
	size_t len = 0;
	char *text = slurp(path, &len);
	int rc = 1;

	if (!text) {
		fprintf(stderr, "membalctl: cannot read %s: %s (is membal-arbiter running?)\n",
			path, strerror(errno));
		return 1;
	}
	if (st_parse(text, len, &st, err, sizeof(err)) < 0) {
		fprintf(stderr, "membalctl: %s: not a usable status file: %s\n", path, err);
		goto out;
	}
	double now = wall_now();
	double interval_s = st.interval_ms != ST_NONE ? st.interval_ms / 1000.0 : 1;

	/* The file outlives the daemon: say so when it is old. */
	if (!isnan(st.timestamp) && now - st.timestamp > 3 * interval_s + 2)
		fprintf(stderr, "membalctl: warning: %s was written %.0f s ago; membal-arbiter may not be running\n",
			path, now - st.timestamp);
	if (domain) {
		const struct st_dom *d = find_dom(&st, domain);

		if (!d) {
			fprintf(stderr, "membalctl: no domain '%s' in %s\n", domain, path);
			goto out;
		}
		st_print_domain(stdout, &st, d, now);
	} else if (view == VIEW_JSON) {
		fwrite(text, 1, len, stdout);
	} else if (view == VIEW_CSV) {
		st_print_csv(stdout, &st);
	} else {
		st_print_table(stdout, &st, now, verbose);
	}
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	st_free(&st);
	free(text);
	return rc;
}

static volatile sig_atomic_t stop;

static void on_int(int sig)
{
	(void)sig;
	stop = 1;
}

int status_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'c' },
		{ "watch", required_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "file", required_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL, *config = NULL, *domain = NULL;
	char path[256], sock[256];
	enum view view = VIEW_TABLE;
	bool verbose = false;
	uint64_t watch = 0;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "jcw:vf:C:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': view = VIEW_JSON; break;
		case 'c': view = VIEW_CSV; break;
		case 'v': verbose = true; break;
		case 'f': file = optarg; break;
		case 'C': config = optarg; break;
		case 'w':
			if (parse_u64(optarg, 1, 86400, &watch) != PARSE_OK) {
				fprintf(stderr, "membalctl status: --watch '%s': expected seconds, 1 to 86400\n",
					optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "membalctl status: '%s': unknown option or missing value\n",
				argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		domain = argv[optind++];
	if (optind != argc || (domain && view != VIEW_TABLE) ||
	    (watch && view != VIEW_TABLE)) {
		usage(stderr);
		return 2;
	}
	if (file) {
		snprintf(path, sizeof(path), "%s", file);
	} else if (ctl_paths(config, path, sizeof(path), sock, sizeof(sock)) < 0) {
		return 1;
	}
	if (!watch)
		return show(path, view, domain, verbose);

	struct sigaction sa = { .sa_handler = on_int };
	int rc = 0;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop) {
		if (isatty(STDOUT_FILENO))
			fputs("\033[H\033[2J", stdout);   /* home, clear */
		rc = show(path, view, domain, verbose);
		fflush(stdout);
		struct timespec ts = { .tv_sec = (time_t)watch };

		while (!stop && nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	return rc;
}
