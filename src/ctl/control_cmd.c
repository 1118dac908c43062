/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membalctl pause|resume [DOMAIN], reserve SIZE [--lease S] [--for NAME]
 * [--wait [--timeout S]], release [ID], renew ID: one request line to the
 * arbiter's control socket, one answer line back (src/arbiter/control.h);
 * --wait waits on `await ID CONTROL_RESERVE_POLL_MS`: answered the moment a cycle
 * makes the reservation ready, else after CONTROL_RESERVE_POLL_MS (100 ms) and
 * asked again; an arbiter without `await` is asked `reserved ID` every
 * CONTROL_RESERVE_POLL_MS.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "arbiter/control.h"
#include "common/clock.h"
#include "common/parse.h"
#include "ctl/ctl.h"

int ctl_parse_size_kb(const char *s, unsigned long long *kb)
{
	char num[32];
	size_t n = strspn(s, "0123456789");
	uint64_t v, mult = 1024; /* plain numbers are MiB */
	const char *unit = s + n;

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	if (parse_u64(num, 1, UINT64_C(1) << 40, &v) != PARSE_OK)
		return -1;
	if (!strcasecmp(unit, "k") || !strcasecmp(unit, "kib") || !strcasecmp(unit, "kb"))
		mult = 1;
	else if (!*unit || !strcasecmp(unit, "m") || !strcasecmp(unit, "mib") ||
		 !strcasecmp(unit, "mb"))
		mult = 1024;
	else if (!strcasecmp(unit, "g") || !strcasecmp(unit, "gib") || !strcasecmp(unit, "gb"))
		mult = 1024 * 1024;
	else if (!strcasecmp(unit, "t") || !strcasecmp(unit, "tib") || !strcasecmp(unit, "tb"))
		mult = UINT64_C(1024) * 1024 * 1024;
	else
		return -1;
	if (v > (UINT64_C(1) << 40) / mult)
		return -1;
	*kb = v * mult;
	return 0;
}

static void usage(FILE *out)
{
	fputs("usage: membalctl pause DOMAIN|--all [--socket PATH]\n"
	      "       membalctl resume DOMAIN|--all [--socket PATH]\n"
	      "       membalctl reserve SIZE [--lease S] [--for NAME [--need SIZE]]\n"
	      "                         [--wait [--timeout S]]\n"
	      "       membalctl release [ID] [--socket PATH]\n"
	      "       membalctl renew ID [--socket PATH]\n"
	      "       membalctl state export DOMAIN | state import NAME [STATE|-]\n"
	      "pause holds a domain (name or id; every domain with --all) at its current\n"
	      "target; resume manages it again (and ends a hold after `xl mem-set`).\n"
	      "reserve makes the arbiter free SIZE (512M, 2G, 1T, 262144K; plain numbers\n"
	      "are MiB) and keep it free, e.g. for `xl create`; it prints the\n"
	      "reservation's ID on stdout. Reservations add up. --lease S: it ends after\n"
	      "S seconds unless `renew ID` (--timeout S without --wait: the same).\n"
	      "--for NAME: the domain that appears next as NAME or NAME--incoming takes\n"
	      "its memory out of the reservation; the rest is released when its agent\n"
	      "first reports. --need SIZE: what NAME will hold once it runs (above or\n"
	      "below SIZE); the arbiter may then let guests with disk swap page for\n"
	      "their rises until NAME gives back what it holds beyond it. --wait: exit 0 once SIZE is free above the reserve and the\n"
	      "other reservations, 1 after --timeout S (default 120) with the KiB still\n"
	      "missing and why (the reservation is then released). release ID ends one\n"
	      "reservation, release without ID all of them.\n"
	      "state export prints what the arbiter keeps about DOMAIN (hold, OOM-raised\n"
	      "minimum and until when); state import gives it to domain NAME on this\n"
	      "host, or to the reservation --for NAME until NAME arrives (STATE from\n"
	      "the arguments, or stdin). `xl migrate` alone does not carry it.\n"
	      "Needs root (the socket, default [daemon] control_socket of\n"
	      CTL_ARBITER_CONFIG " or --config FILE, else " CTL_CONTROL_SOCKET ",\n"
	      "is mode 0600).\n", out);
}

/* The arbiter's ERR text of the last ask() that failed with one. */
static char last_err[1024];

/* One request; the answer after "OK " into out (when not NULL: nothing
 * printed), else printed. 0 OK, 1 error (printed unless quiet). */
static int ask_as(const char *path, const char *line, char *out, size_t size,
		  bool quiet)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char answer[1024];
	size_t got = 0;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "membalctl: socket path too long: %s\n", path);
		return 1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "membalctl: cannot reach membal-arbiter at %s: %s%s\n", path,
			strerror(errno),
			errno == ENOENT || errno == ECONNREFUSED ? " (is it running?)"
			: errno == EACCES ? " (run as root)" : "");
		if (fd >= 0)
			close(fd);
		return 1;
	}
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		fprintf(stderr, "membalctl: %s: %s\n", path, strerror(errno));
		close(fd);
		return 1;
	}
	/* The arbiter answers between cycles: allow a few of them. */
	while (got < sizeof(answer) - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 10000) <= 0)
			break;
		r = read(fd, answer + got, sizeof(answer) - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		if (memchr(answer, '\n', got))
			break;
	}
	close(fd);
	answer[got] = '\0';
	if (got == 0) {
		fprintf(stderr, "membalctl: no answer from membal-arbiter at %s\n", path);
		return 1;
	}
	answer[strcspn(answer, "\n")] = '\0';
	if (!strncmp(answer, "OK", 2)) {
		if (out)
			snprintf(out, size, "%s", answer[2] ? answer + 3 : "");
		else
			printf("%s\n", answer[2] ? answer + 3 : "ok");
		return 0;
	}
	snprintf(last_err, sizeof(last_err), "%s", !strncmp(answer, "ERR ", 4) ? answer + 4 : answer);
	if (!quiet)
		fprintf(stderr, "membalctl: %s\n", last_err);
	return 1;
}

static int ask(const char *path, const char *line, char *out, size_t size)
{
	return ask_as(path, line, out, size, false);
}

static int request(const char *path, const char *line)
{
	return ask(path, line, NULL, 0);
}

/* The id on stdout, the rest on stderr; then, with --wait, ask until the
 * memory is free or the time is up. */
static int reserve(const char *path, const char *line, bool wait,
		   uint64_t timeout_s)
{
	char out[1024], q[64];
	unsigned long id;
	char *end;

	if (ask(path, line, out, sizeof(out)))
		return 1;
	id = strtoul(out, &end, 10);
	if (end == out || id == 0) {
		fprintf(stderr, "membalctl: unexpected answer '%s'\n", out);
		return 1;
	}
	printf("%lu\n", id);
	fflush(stdout);
	fprintf(stderr, "membalctl: reservation %s\n", out);
	if (!wait)
		return 0;
	/* The answer changes at the arbiter's cycles, and its early cycles
	 * (follow_up_ms after one that cut guests for the room) come a
	 * fraction of an interval apart. `await` is answered at the end of
	 * the cycle that makes it ready, or after CONTROL_RESERVE_POLL_MS (asked
	 * again then, so that a fresh reading, reserve_fresh, is taken as
	 * often as before); asked once a second, the new guest waited up to
	 * a second more with its whole need short, asked every 100 ms up to
	 * 100 ms more (design.md §Growth is never cut, "The follow-up
	 * cycle"). An older arbiter does not know `await`: asked `reserved`
	 * every CONTROL_RESERVE_POLL_MS. */
	bool await = true;
	uint64_t start = clock_now_ms();

	snprintf(q, sizeof(q), "await %lu %u\n", id, CONTROL_RESERVE_POLL_MS);
	for (;;) {
		uint64_t asked = clock_now_ms(), took;

		if (ask_as(path, q, out, sizeof(out), await)) {
			if (!await || strncmp(last_err, "unknown request", 15)) {
				if (await)
					fprintf(stderr, "membalctl: %s\n", last_err);
				return 1;
			}
			await = false;
			snprintf(q, sizeof(q), "reserved %lu\n", id);
			if (ask(path, q, out, sizeof(out)))
				return 1;
		}
		if (!strncmp(out, "ready", 5))
			return 0;
		if (clock_now_ms() - start >= timeout_s * 1000)
			break;
		/* an answer sooner than CONTROL_RESERVE_POLL_MS (`reserved`, or an
		 * arbiter with no room to park the request): wait the rest */
		took = clock_now_ms() - asked;
		if (took < CONTROL_RESERVE_POLL_MS)
			usleep((useconds_t)(CONTROL_RESERVE_POLL_MS - took) * 1000);
	}
	unsigned long long missing = strtoull(out + 8, &end, 10);

	fprintf(stderr, "membalctl: reservation %lu: %llu KiB still missing after %llu s: %s; released\n",
		id, missing, (unsigned long long)timeout_s, *end ? end + 1 : "?");
	snprintf(q, sizeof(q), "release %lu\n", id);
	ask(path, q, out, sizeof(out));
	return 1;
}

int control_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "lease", required_argument, NULL, 'l' },
		{ "for", required_argument, NULL, 'f' },
		{ "need", required_argument, NULL, 'n' },
		{ "wait", no_argument, NULL, 'w' },
		{ "config", required_argument, NULL, 'C' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = argv[0], *path = NULL, *timeout = NULL, *config = NULL;
	const char *lease = NULL, *for_name = NULL, *need = NULL;
	bool wait = false;
	char line[256], ini_status[256], ini_socket[256];
	bool all = false;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:t:C:ah", opts, NULL)) != -1) {
		switch (ch) {
		case 'l': lease = optarg; break;
		case 'f': for_name = optarg; break;
		case 'n': need = optarg; break;
		case 'w': wait = true; break;
		case 's': path = optarg; break;
		case 'C': config = optarg; break;
		case 'a': all = true; break;
		case 't': timeout = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	/* the socket of arbiter.ini's [daemon] section unless --socket */
	if (!path) {
		if (ctl_paths(config, ini_status, sizeof(ini_status), ini_socket,
			      sizeof(ini_socket)) < 0)
			return 1;
		path = ini_socket;
	}
	int nargs = argc - optind;
	char **args = argv + optind;

	if (!strcmp(cmd, "pause") || !strcmp(cmd, "resume")) {
		/* Every domain only when asked for: a forgotten name must
		 * not pause the whole host. */
		if (nargs + all != 1 || timeout || lease || for_name || need || wait) {
			if (nargs == 0 && !all)
				fprintf(stderr, "membalctl: %s needs a DOMAIN or --all\n", cmd);
			usage(stderr);
			return 2;
		}
		if (nargs == 1 && (strlen(args[0]) > 63 || strpbrk(args[0], " \t\r\n"))) {
			fprintf(stderr, "membalctl: bad domain name '%s'\n", args[0]);
			return 2;
		}
		snprintf(line, sizeof(line), "%s%s%s\n", cmd, nargs ? " " : "", nargs ? args[0] : "");
	} else if (!strcmp(cmd, "reserve")) {
		unsigned long long kb, nk = 0;
		uint64_t l = 0, wt = 120;
		int n;

		if (nargs != 1 || all) {
			usage(stderr);
			return 2;
		}
		if (ctl_parse_size_kb(args[0], &kb) < 0) {
			fprintf(stderr, "membalctl: size '%s': expected a number with K, M, G or T (plain: MiB)\n",
				args[0]);
			return 2;
		}
		/* the old spelling: --timeout without --wait is the lease */
		if (!wait && timeout && !lease)
			lease = timeout;
		if (lease && parse_u64(lease, 1, 604800, &l) != PARSE_OK) {
			fprintf(stderr, "membalctl: --lease '%s': expected seconds, 1..604800\n", lease);
			return 2;
		}
		if (wait && timeout && parse_u64(timeout, 0, 86400, &wt) != PARSE_OK) {
			fprintf(stderr, "membalctl: --timeout '%s': expected seconds, 0..86400\n", timeout);
			return 2;
		}
		if (for_name && (!*for_name || strlen(for_name) > 63 ||
				 strpbrk(for_name, " \t\r\n="))) {
			fprintf(stderr, "membalctl: bad domain name '%s'\n", for_name);
			return 2;
		}
		/* --need: what the guest NAME will hold once it runs (its
		 * template's use), above or below SIZE; see
		 * design.md §The estimate's slack, "A newcomer's need" */
		if (need && (!for_name || ctl_parse_size_kb(need, &nk) < 0 || !nk)) {
			fprintf(stderr, "membalctl: --need '%s': expected a size (K, M, G or T; plain: MiB) with --for NAME\n",
				need);
			return 2;
		}
		n = snprintf(line, sizeof(line), "reserve %llu", kb);
		if (l)
			n += snprintf(line + n, sizeof(line) - (size_t)n, " lease=%llu",
				      (unsigned long long)l);
		if (for_name)
			n += snprintf(line + n, sizeof(line) - (size_t)n, " for=%s", for_name);
		if (nk)
			n += snprintf(line + n, sizeof(line) - (size_t)n, " need=%llu", nk);
		snprintf(line + n, sizeof(line) - (size_t)n, "\n");
		return reserve(path, line, wait, wt);
	} else if (!strcmp(cmd, "state")) {
		char text[200] = "";

		if (nargs < 2 || timeout || all || lease || for_name || need || wait ||
		    strlen(args[1]) > 63 || strpbrk(args[1], " \t\r\n") ||
		    (strcmp(args[0], "export") && strcmp(args[0], "import")) ||
		    (args[0][0] == 'e' && nargs != 2)) {
			usage(stderr);
			return 2;
		}
		if (args[0][0] == 'e') {
			snprintf(line, sizeof(line), "state-export %s\n", args[1]);
			return request(path, line);
		}
		if (nargs == 2 || (nargs == 3 && !strcmp(args[2], "-"))) {
			if (!fgets(text, sizeof(text), stdin)) {
				fprintf(stderr, "membalctl: state import: nothing on stdin\n");
				return 2;
			}
			text[strcspn(text, "\r\n")] = '\0';
		} else {
			size_t n = 0;

			for (int i = 2; i < nargs; i++)
				n += (size_t)snprintf(text + n, n < sizeof(text) ? sizeof(text) - n : 0,
						      "%s%s", i > 2 ? " " : "", args[i]);
			if (n >= sizeof(text)) {
				fprintf(stderr, "membalctl: state import: state too long\n");
				return 2;
			}
		}
		snprintf(line, sizeof(line), "state-import %s %s\n", args[1], text);
	} else if (!strcmp(cmd, "release") || !strcmp(cmd, "renew")) {
		uint64_t id;

		if (nargs > 1 || timeout || all || lease || for_name || need || wait ||
		    (nargs == 0 && cmd[2] == 'n') ||
		    (nargs == 1 && parse_u64(args[0], 1, UINT32_MAX, &id) != PARSE_OK)) {
			if (nargs == 1)
				fprintf(stderr, "membalctl: bad reservation id '%s'\n", args[0]);
			usage(stderr);
			return 2;
		}
		snprintf(line, sizeof(line), "%s%s%s\n", cmd, nargs ? " " : "", nargs ? args[0] : "");
	} else {
		usage(stderr);
		return 2;
	}
	return request(path, line);
}
