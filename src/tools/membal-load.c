/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-load: the evaluation workloads of Zhang et al. §5 (design.md §Workloads and traces), as a
 * program that runs in a guest on its own.
 *
 *   mono    the allocation rises linearly from --low to --high over half
 *           of --period, stays at --high for --top seconds (default 0),
 *           then falls back to --low over the other half of --period;
 *           --cycles times (0: until killed).
 *   random  a size drawn uniformly from [--low, --high], touched
 *           --iterations times, freed; --rounds times (0: until killed).
 *   hold    --size MiB allocated and touched, kept for --seconds (0:
 *           until killed).
 *   idle    --size MiB mapped and never touched, kept for --seconds: the
 *           guest has promised it (Committed_AS) but its RAM stays free.
 *           The hoarder that the idle memory tax exists for: demand-based
 *           self-adjustment gives it memory, price balancing takes it
 *           back when memory is scarce.
 *
 * Memory is mapped in 1 MiB chunks (anonymous, private) and every page of
 * a chunk is written when it is mapped, so the guest really uses it: it
 * counts in Committed_AS at once and in the guest's RAM as it is touched.
 * mono and hold also rewrite one byte per page at every step, so the
 * memory stays active (the kernel cannot treat it as idle). Falling means
 * unmapping chunks: the memory goes back to the guest kernel at once.
 *
 * Every --step-ms (default 250) it adjusts the allocation; with --verbose
 * it prints "t_ms size_mib" lines, which the end-to-end harness logs.
 * SIGTERM and SIGINT end it cleanly (exit 0). Exit 1 when a chunk cannot
 * be mapped (the allocation failed: that is a result, not a crash), 2 on a
 * bad command line.
 */
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/parse.h"

#define CHUNK_BYTES (1u << 20)
#define MIB_MAX (1u << 20)          /* 1 TiB: far above any guest */

static volatile sig_atomic_t got_stop;

static void on_stop(int sig)
{
	(void)sig;
	got_stop = 1;
}

struct load {
	char **chunk;        /* mapped chunks, [0, n) */
	size_t n, cap;
	size_t page;
	unsigned char gen;   /* rewritten into each page at every touch */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void touch_chunk(const struct load *l, char *c)
{
	for (size_t off = 0; off < CHUNK_BYTES; off += l->page)
		((volatile char *)c)[off] = (char)l->gen;
}

static void touch_all(struct load *l)
{
	l->gen++;
	for (size_t i = 0; i < l->n && !got_stop; i++)
		touch_chunk(l, l->chunk[i]);
}

/* Grow or shrink to want_mib chunks, writing every page of each new chunk
 * unless idle. -1 when a chunk cannot be mapped. */
static int resize_as(struct load *l, size_t want, bool idle)
{
	if (want > l->cap) {
		char **nc = realloc(l->chunk, want * sizeof(*nc));

		if (!nc)
			return -1;
		l->chunk = nc;
		l->cap = want;
	}
	while (l->n > want)
		munmap(l->chunk[--l->n], CHUNK_BYTES);
	while (l->n < want && !got_stop) {
		char *c = mmap(NULL, CHUNK_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (c == MAP_FAILED)
			return -1;
		if (!idle)
			touch_chunk(l, c);
		l->chunk[l->n++] = c;
	}
	return 0;
}

static int resize(struct load *l, size_t want)
{
	return resize_as(l, want, false);
}

static void release_all(struct load *l)
{
	while (l->n > 0)
		munmap(l->chunk[--l->n], CHUNK_BYTES);
	free(l->chunk);
	l->chunk = NULL;
	l->cap = 0;
}

/* Triangle wave with a flat top: low at 0, high from period/2 to
 * period/2 + top, low again at period + top. The top lets a balancer that
 * follows the rise with a loop's lag reach the peak before the fall
 * starts; without it the peak lasts one step. */
static size_t mono_size(uint64_t low, uint64_t high, uint64_t period_ms,
			uint64_t top_ms, uint64_t t_ms)
{
	uint64_t half = period_ms / 2, cycle = period_ms + top_ms, p = t_ms % cycle;
	uint64_t up;

	if (half == 0 || (p >= half && p <= half + top_ms))
		return (size_t)high;
	up = p < half ? p : cycle - p;
	return (size_t)(low + (high - low) * up / half);
}

/* xorshift64*: reproducible sizes for a given --seed, no libc state. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

struct opts {
	const char *mode;
	uint64_t low, high, size, period_s, top_s, cycles, iterations, rounds, seconds;
	uint64_t step_ms, pause_ms, seed;
	uint64_t ramp_s;          /* hold: seconds to reach --size */
	int verbose;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: membal-load mono   --low MIB --high MIB --period S [--top S] [--cycles N]\n"
		"       membal-load random --low MIB --high MIB [--iterations N] [--rounds N]\n"
		"                          [--pause-ms MS] [--seed N]\n"
		"       membal-load hold   --size MIB [--ramp S] [--seconds S]\n"
		"       membal-load idle   --size MIB [--seconds S]\n"
		"       common: [--step-ms MS] [--verbose] [--log-level LEVEL]\n"
		"       membal-load --version\n"
		"Allocate and touch memory as Zhang et al.'s evaluation workloads do.\n\n"
		"  mono    rise linearly from --low to --high over half of --period seconds,\n"
		"          stay at --high for --top seconds (default 0), fall back over the\n"
		"          other half; --cycles times (default 1, 0: forever)\n"
		"  random  a uniform size in [--low, --high], every page written --iterations\n"
		"          times (default 10), freed; --rounds times (default 10, 0: forever)\n"
		"  hold    keep --size MiB for --seconds (default 0: until killed); with\n"
		"          --ramp S, reach it linearly over S seconds first (a guest at its\n"
		"          demand has no room for a jump, under any 1 s balancing loop)\n"
		"  idle    map --size MiB and never touch it (committed, not used), for --seconds\n"
		"  --step-ms  how often the allocation is adjusted and re-touched (default 250)\n"
		"  --verbose  print 't_ms size_mib' at every change (= --log-level info;\n"
		"             err, warning or notice: quiet)\n"
		"Memory is mapped in 1 MiB chunks; every page is written when mapped (not idle).\n"
		"SIGTERM/SIGINT: free and exit 0. Exit 1: an allocation failed; 2: usage.\n");
}

static int num(const char *name, const char *s, uint64_t min, uint64_t max,
	       uint64_t *out)
{
	enum parse_err e = parse_u64(s, min, max, out);

	if (e != PARSE_OK) {
		fprintf(stderr, "membal-load: --%s '%s': %s (expected %llu..%llu)\n",
			name, s, parse_strerror(e), (unsigned long long)min,
			(unsigned long long)max);
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "low", required_argument, NULL, 'l' },
		{ "high", required_argument, NULL, 'H' },
		{ "size", required_argument, NULL, 's' },
		{ "period", required_argument, NULL, 'p' },
		{ "top", required_argument, NULL, 'T' },
		{ "cycles", required_argument, NULL, 'c' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "ramp", required_argument, NULL, 'R' },
		{ "step-ms", required_argument, NULL, 't' },
		{ "pause-ms", required_argument, NULL, 'P' },
		{ "seed", required_argument, NULL, 'e' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, bad = 0, level;
	bool have_low = false, have_high = false, have_size = false, have_period = false;

	memset(o, 0, sizeof(*o));
	o->cycles = 1;
	o->iterations = 10;
	o->rounds = 10;
	o->step_ms = 250;
	o->seed = 1;
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			usage(stdout);
			exit(0);
		}
		if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
			printf("membal-load %s\n", MEMBAL_VERSION);
			exit(0);
		}
		usage(stderr);
		return -1;
	}
	o->mode = argv[1];
	optind = 2;
	while ((ch = getopt_long(argc, argv, "hvV", lo, NULL)) != -1) {
		switch (ch) {
		case 'l': bad |= num("low", optarg, 0, MIB_MAX, &o->low); have_low = true; break;
		case 'H': bad |= num("high", optarg, 0, MIB_MAX, &o->high); have_high = true; break;
		case 's': bad |= num("size", optarg, 0, MIB_MAX, &o->size); have_size = true; break;
		case 'p': bad |= num("period", optarg, 1, 86400, &o->period_s); have_period = true; break;
		case 'T': bad |= num("top", optarg, 0, 86400, &o->top_s); break;
		case 'c': bad |= num("cycles", optarg, 0, 1000000, &o->cycles); break;
		case 'i': bad |= num("iterations", optarg, 1, 1000000, &o->iterations); break;
		case 'r': bad |= num("rounds", optarg, 0, 1000000, &o->rounds); break;
		case 'S': bad |= num("seconds", optarg, 0, 86400 * 365, &o->seconds); break;
		case 'R': bad |= num("ramp", optarg, 0, 86400, &o->ramp_s); break;
		case 't': bad |= num("step-ms", optarg, 10, 60000, &o->step_ms); break;
		case 'P': bad |= num("pause-ms", optarg, 0, 3600000, &o->pause_ms); break;
		case 'e': bad |= num("seed", optarg, 1, UINT64_MAX, &o->seed); break;
		case 'v': o->verbose = 1; break;
		case 'L':
			level = log_level_from_name(optarg);
			if (level < 0) {
				fprintf(stderr, "membal-load: --log-level '%s': expected err, warning, notice, info or debug\n",
					optarg);
				bad = -1;
			}
			o->verbose = level >= LOG_INFO;
			break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("membal-load %s\n", MEMBAL_VERSION); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (bad)
		return -1;
	if (optind != argc) {
		fprintf(stderr, "membal-load: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!strcmp(o->mode, "mono") || !strcmp(o->mode, "random")) {
		if (!have_low || !have_high || o->low > o->high) {
			fprintf(stderr, "membal-load %s: needs --low <= --high\n", o->mode);
			return -1;
		}
		if (!strcmp(o->mode, "mono") && !have_period) {
			fprintf(stderr, "membal-load mono: needs --period\n");
			return -1;
		}
	} else if (!strcmp(o->mode, "hold") || !strcmp(o->mode, "idle")) {
		if (!have_size) {
			fprintf(stderr, "membal-load %s: needs --size\n", o->mode);
			return -1;
		}
	} else {
		fprintf(stderr, "membal-load: unknown workload '%s' (mono, random, hold, idle)\n", o->mode);
		return -1;
	}
	return 0;
}

static void sleep_ms(uint64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (!got_stop && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* t_ms: the time the size was computed for, so that a reader can check a
 * line against the workload's shape however late the process ran. */
static void report_at(const struct opts *o, uint64_t t_ms, size_t mib)
{
	if (o->verbose) {
		printf("%llu %zu\n", (unsigned long long)t_ms, mib);
		fflush(stdout);
	}
}

static void report(const struct opts *o, uint64_t t0, size_t mib)
{
	report_at(o, now_ms() - t0, mib);
}

static int fail(size_t want, size_t have)
{
	fprintf(stderr, "membal-load: cannot map %zu MiB (have %zu MiB): %s\n",
		want, have, strerror(errno));
	return 1;
}

static int run_mono(const struct opts *o, struct load *l)
{
	uint64_t period_ms = o->period_s * 1000, top_ms = o->top_s * 1000;
	uint64_t t0 = now_ms(), t;
	size_t last = (size_t)-1;

	while (!got_stop) {
		t = now_ms() - t0;
		if (o->cycles && t >= o->cycles * (period_ms + top_ms))
			break;
		size_t want = mono_size(o->low, o->high, period_ms, top_ms, t);

		if (resize(l, want) < 0)
			return fail(want, l->n);
		if (want != last)
			report_at(o, t, want);
		last = want;
		touch_all(l);
		sleep_ms(o->step_ms);
	}
	resize(l, 0);
	report(o, t0, 0);
	return 0;
}

static int run_random(const struct opts *o, struct load *l)
{
	uint64_t s = o->seed, t0 = now_ms();

	for (uint64_t r = 0; !got_stop && (o->rounds == 0 || r < o->rounds); r++) {
		size_t want = (size_t)(o->low + next_rand(&s) % (o->high - o->low + 1));

		if (resize(l, want) < 0)
			return fail(want, l->n);
		report(o, t0, want);
		for (uint64_t i = 1; i < o->iterations && !got_stop; i++)
			touch_all(l);
		resize(l, 0);
		sleep_ms(o->pause_ms);
	}
	report(o, t0, 0);
	return 0;
}

/* hold --ramp: from nothing to --size linearly over ramp_s, every page
 * touched at each step, as mono's rising half does. */
static int ramp(const struct opts *o, struct load *l, uint64_t t0)
{
	uint64_t ramp_ms = o->ramp_s * 1000, t;
	size_t last = (size_t)-1, want = 0;

	while (!got_stop && want < (size_t)o->size) {
		t = now_ms() - t0;
		want = t >= ramp_ms ? (size_t)o->size : (size_t)(o->size * t / ramp_ms);
		if (resize(l, want) < 0)
			return fail(want, l->n);
		if (want != last)
			report_at(o, t, want);
		last = want;
		touch_all(l);
		if (want < (size_t)o->size)
			sleep_ms(o->step_ms);
	}
	return 0;
}

static int run_hold(const struct opts *o, struct load *l, bool idle)
{
	uint64_t t0 = now_ms();

	if (!idle && o->ramp_s && ramp(o, l, t0) != 0)
		return 1;
	if (got_stop) {
		resize(l, 0);
		report(o, t0, 0);
		return 0;
	}
	if (resize_as(l, (size_t)o->size, idle) < 0)
		return fail((size_t)o->size, l->n);
	report(o, t0, (size_t)o->size);
	while (!got_stop && (o->seconds == 0 || now_ms() - t0 < o->seconds * 1000)) {
		if (!idle)
			touch_all(l);
		sleep_ms(o->step_ms);
	}
	resize(l, 0);
	report(o, t0, 0);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct opts o;
	struct load l = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	int rc;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	l.page = page > 0 ? (size_t)page : 4096;
	if (!strcmp(o.mode, "mono"))
		rc = run_mono(&o, &l);
	else if (!strcmp(o.mode, "random"))
		rc = run_random(&o, &l);
	else
		rc = run_hold(&o, &l, !strcmp(o.mode, "idle"));
	release_all(&l);
	return rc;
}
