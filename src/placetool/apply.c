/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-place apply: carry out the migrations of a plan. Per move, as
 * README.md §Migrating a membal-managed guest says by hand:
 *
 *   1. state export on the source (refused if the guest is paused or held:
 *      someone wants it where it is); a warning when [domain GUEST] is
 *      not the same in both hosts' configurations;
 *   2. reserve SIZE --for GUEST --wait on the destination: room is made
 *      before a byte moves, and the arriving domain takes its memory out
 *      of that room, not out of the other guests;
 *   3. state import on the destination (kept with the reservation);
 *   4. pause GUEST on the source: its target must not change mid-stream;
 *   5. xl migrate (the command is configurable; ssh by default);
 *   6. release the reservation; on failure also resume the guest on the
 *      source and put the pair in cooldown.
 *
 * Dry run unless --apply. At most --max-concurrent moves at once, each in
 * its own process. Every step goes to the journal first, so that a run
 * that is interrupted can be resumed (partial moves are undone and
 * redone; a migration whose outcome is unknown is left for a human) or
 * explained (--explain).
 */
#include "placetool/apply.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/parse.h"

#define MAX_WORDS 32
#define OUT_MAX 4096

struct opts {
	char ssh[256], ctl[256], arbiter[256], migrate[512];
	const char *plan, *journal;
	uint64_t wait_s, slack_mib, cooldown_s, max_conc;
	bool apply, explain;
	int jfd;
};

static void say(const struct apply_move *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void usage(FILE *out)
{
	fputs("usage: membal-place apply --plan FILE [--apply] [options]\n"
	      "Carry out the migrate rows of `membal-place plan --csv` (FILE, - for stdin).\n"
	      "Without --apply: print what would run. Per move: state export on the\n"
	      "source, reserve --for --wait on the destination, state import there,\n"
	      "pause on the source, migrate, release; on failure release, resume and\n"
	      "a cooldown for the pair.\n"
	      "  --journal FILE       every step, for --resume and --explain\n"
	      "                       (default membal-place.journal)\n"
	      "  --explain            what the journal says of each move, then exit\n"
	      "  --max-concurrent N   migrations at once (default 2)\n"
	      "  --ssh CMD            how to reach a host, HOST and the command appended\n"
	      "                       (default 'ssh -o BatchMode=yes')\n"
	      "  --membalctl CMD      on the hosts (default 'membalctl')\n"
	      "  --arbiter CMD        its --check-config on both hosts: a warning when\n"
	      "                       [domain GUEST] differs (default 'membal-arbiter')\n"
	      "  --migrate-cmd CMD    {guest} {from} {to} replaced (default\n"
	      "                       'ssh -o BatchMode=yes {from} xl migrate {guest} {to}')\n"
	      "  --wait S             for the destination's room (default 300)\n"
	      "  --slack MIB          reserved above the guest's size (default 8)\n"
	      "  --cooldown S         a failed pair is not tried again for S (default 1800)\n"
	      "A run over the same journal skips moves done or failed, undoes and\n"
	      "redoes partial ones, and leaves one whose migration started without an\n"
	      "outcome to you (exit 1): see where the guest runs (xl list on both).\n",
	      out);
}

static int split(char *s, char **w, int max)
{
	int n = 0;

	for (char *save = NULL, *t = strtok_r(s, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (n == max - 1)
			return -1;
		w[n++] = t;
	}
	w[n] = NULL;
	return n;
}

/* Run argv; stdout and stderr into out (bounded, one string). The exit
 * status, 128 + signal, or 127 when it could not start. */
static int run(char *const argv[], char *out, size_t size)
{
	int pfd[2], st;
	size_t got = 0;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return 127;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return 127;
	}
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		char buf[512];
		ssize_t r = read(pfd[0], buf, sizeof(buf));

		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r && got + 1 < size; i++)
			out[got++] = buf[i];
	}
	out[got] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ssh HOST PROG ARGS... (args space-separated, shell-safe). */
static int remote(const struct opts *o, const char *host, const char *prog,
		  const char *args, char *out, size_t size, char *shown, size_t shown_size)
{
	char buf[1024], *w[MAX_WORDS];

	snprintf(buf, sizeof(buf), "%s %s %s %s", o->ssh, host, prog, args);
	snprintf(shown, shown_size, "%s", buf);
	if (split(buf, w, MAX_WORDS) < 1)
		return 127;
	return run(w, out, size);
}

static int ctl(const struct opts *o, const char *host, const char *args,
	       char *out, size_t size, char *shown, size_t shown_size)
{
	return remote(o, host, o->ctl, args, out, size, shown, shown_size);
}

/* The [domain GUEST] section of `membal-arbiter --check-config`'s output,
 * "" when there is none. */
static void section(const char *text, const char *guest, char *buf, size_t size)
{
	char head[APPLY_NAME + 16];
	const char *p = text, *e;

	buf[0] = '\0';
	snprintf(head, sizeof(head), "[domain %s]\n", guest);
	while ((p = strstr(p, head)) && p != text && p[-1] != '\n')
		p++;
	if (!p)
		return;
	p += strlen(head);
	e = strstr(p, "\n[");
	snprintf(buf, size, "%.*s", (int)(e ? (size_t)(e - p) : strlen(p)), p);
	for (size_t n = strlen(buf); n && (buf[n - 1] == '\n' || buf[n - 1] == ' '); n--)
		buf[n - 1] = '\0';
}

/* The guest's rules should be the same on both hosts, or it will be
 * managed differently after the move: said, not refused. */
static void compare_rules(const struct opts *o, struct apply_move *m)
{
	char a[OUT_MAX], b[OUT_MAX], sa[400], sb[400], shown[1024], detail[1200];
	int ra = remote(o, m->from, o->arbiter, "--check-config", a, sizeof(a), shown, sizeof(shown));
	int rb = remote(o, m->to, o->arbiter, "--check-config", b, sizeof(b), shown, sizeof(shown));

	if (ra || rb) {
		journal_put(o->jfd, m, "rules", "unknown", ra ? a : b);
		say(m, "warning: cannot compare [domain %s] between the hosts (membal-arbiter --check-config failed)", m->guest);
		return;
	}
	section(a, m->guest, sa, sizeof(sa));
	section(b, m->guest, sb, sizeof(sb));
	if (!strcmp(sa, sb))
		return;
	snprintf(detail, sizeof(detail), "%s: %s; %s: %s", m->from, *sa ? sa : "(none)",
		 m->to, *sb ? sb : "(none)");
	journal_put(o->jfd, m, "rules", "differ", detail);
	say(m, "warning: [domain %s] differs between %s and %s: it will be managed differently after the move",
	    m->guest, m->from, m->to);
}

static void subst(const char *tmpl, const struct apply_move *m, char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = tmpl; *p && n + 1 < size;) {
		const char *v = NULL;
		size_t skip = 0;

		if (!strncmp(p, "{guest}", 7))
			v = m->guest, skip = 7;
		else if (!strncmp(p, "{from}", 6))
			v = m->from, skip = 6;
		else if (!strncmp(p, "{to}", 4))
			v = m->to, skip = 4;
		if (v) {
			n += (size_t)snprintf(out + n, size - n, "%s", v);
			p += skip;
		} else {
			out[n++] = *p++;
		}
	}
	out[n < size ? n : size - 1] = '\0';
}

/* The id membalctl reserve printed: a line of digits alone. */
static uint32_t id_in(const char *out)
{
	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t n = strspn(l, "0123456789");
		uint64_t v;
		char num[16];

		if (n && n < sizeof(num) && (l[n] == '\n' || l[n] == '\0')) {
			memcpy(num, l, n);
			num[n] = '\0';
			if (parse_u64(num, 1, UINT32_MAX, &v) == PARSE_OK)
				return (uint32_t)v;
		}
	}
	return 0;
}

static void say(const struct apply_move *m, const char *fmt, ...)
{
	va_list ap;

	printf("%s %s -> %s: ", m->guest, m->from, m->to);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* Undo what the journal says an interrupted move holds. */
static void undo(const struct opts *o, struct apply_move *m)
{
	char out[OUT_MAX], shown[1024], args[128];

	if (m->resv_id) {
		snprintf(args, sizeof(args), "release %u", m->resv_id);
		int rc = ctl(o, m->to, args, out, sizeof(out), shown, sizeof(shown));

		journal_put(o->jfd, m, "release", rc ? "failed" : "ok", out);
		m->resv_id = 0;
	}
	if (m->paused) {
		snprintf(args, sizeof(args), "resume %s", m->guest);
		int rc = ctl(o, m->from, args, out, sizeof(out), shown, sizeof(shown));

		journal_put(o->jfd, m, "resume", rc ? "failed" : "ok", out);
		m->paused = false;
	}
}

static int fail(const struct opts *o, struct apply_move *m, const char *why,
		const char *out)
{
	undo(o, m);
	journal_cooldown(o->jfd, m->from, m->to, (uint64_t)time(NULL) + o->cooldown_s);
	journal_put(o->jfd, m, "failed", why, out);
	say(m, "FAILED (%s); the guest stays where it was", why);
	return 1;
}

static int move(const struct opts *o, struct apply_move *m)
{
	char out[OUT_MAX], shown[1024], args[512], state[256], cmd[1024], *w[MAX_WORDS];
	int rc;

	snprintf(args, sizeof(args), "state export %s", m->guest);
	if ((rc = ctl(o, m->from, args, out, sizeof(out), shown, sizeof(shown))))
		return fail(o, m, "state-export", out);
	out[strcspn(out, "\n")] = '\0';
	snprintf(state, sizeof(state), "%.255s", out);
	if (strstr(state, "hold=paused") || strstr(state, "hold=manual"))
		return fail(o, m, "held", "paused or held on the source: membalctl resume it there first");
	if (!strstr(state, "hold=") || strpbrk(state, "'\"`$;&|<>\\")) {
		return fail(o, m, "state-export", state);
	}
	journal_put(o->jfd, m, "state-export", "ok", state);
	compare_rules(o, m);

	snprintf(args, sizeof(args), "reserve %lluK --for %s --lease %llu --wait --timeout %llu",
		 (unsigned long long)(m->size_kb + o->slack_mib * 1024), m->guest,
		 (unsigned long long)(o->wait_s + 3600), (unsigned long long)o->wait_s);
	rc = ctl(o, m->to, args, out, sizeof(out), shown, sizeof(shown));
	m->resv_id = id_in(out);
	if (rc) {
		/* membalctl released it at the timeout; say so in the journal */
		m->resv_id = 0;
		return fail(o, m, "reserve", out);
	}
	if (!m->resv_id)
		return fail(o, m, "reserve", "no reservation id in the answer");
	snprintf(args, sizeof(args), "%u", m->resv_id);
	journal_put(o->jfd, m, "reserve", "ok", args);

	snprintf(args, sizeof(args), "state import %s %s", m->guest, state);
	rc = ctl(o, m->to, args, out, sizeof(out), shown, sizeof(shown));
	journal_put(o->jfd, m, "state-import", rc ? "failed" : "ok", out);

	snprintf(args, sizeof(args), "pause %s", m->guest);
	if ((rc = ctl(o, m->from, args, out, sizeof(out), shown, sizeof(shown))))
		return fail(o, m, "pause", out);
	m->paused = true;
	journal_put(o->jfd, m, "pause", "ok", NULL);

	subst(o->migrate, m, cmd, sizeof(cmd));
	journal_put(o->jfd, m, "migrate", "start", cmd);
	if (split(cmd, w, MAX_WORDS) < 1)
		return fail(o, m, "migrate", "empty --migrate-cmd");
	rc = run(w, out, sizeof(out));
	if (rc) {
		char why[32];

		snprintf(why, sizeof(why), "rc=%d", rc);
		journal_put(o->jfd, m, "migrate", why, out);
		return fail(o, m, "migrate", out);
	}
	journal_put(o->jfd, m, "migrate", "ok", NULL);
	/* the source domain is gone, and its pause with it */
	m->paused = false;
	undo(o, m);
	journal_put(o->jfd, m, "done", "ok", NULL);
	say(m, "done");
	return 0;
}

static void dry(const struct opts *o, const struct apply_move *m)
{
	char cmd[1024];

	subst(o->migrate, m, cmd, sizeof(cmd));
	printf("%s %s -> %s (%llu KiB), would run:\n"
	       "  %s %s %s state export %s   (and membal-arbiter --check-config on both)\n"
	       "  %s %s %s reserve %lluK --for %s --lease %llu --wait --timeout %llu\n"
	       "  %s %s %s state import %s STATE\n"
	       "  %s %s %s pause %s\n"
	       "  %s\n"
	       "  %s %s %s release ID   (and on failure: resume %s on %s)\n",
	       m->guest, m->from, m->to, (unsigned long long)m->size_kb,
	       o->ssh, m->from, o->ctl, m->guest,
	       o->ssh, m->to, o->ctl, (unsigned long long)(m->size_kb + o->slack_mib * 1024),
	       m->guest, (unsigned long long)(o->wait_s + 3600), (unsigned long long)o->wait_s,
	       o->ssh, m->to, o->ctl, m->guest,
	       o->ssh, m->from, o->ctl, m->guest, cmd,
	       o->ssh, m->to, o->ctl, m->guest, m->from);
}

static const char *verdict(const struct apply_move *m, bool cooling)
{
	switch (m->was) {
	case MV_DONE: return "done";
	case MV_FAILED: return "failed (not retried while its pair cools down)";
	case MV_DOUBT: return "IN DOUBT: the migration started and no outcome was journaled; check where the guest runs (xl list on both hosts), then release the reservation and resume the guest by hand";
	case MV_PARTIAL: return "interrupted before the migration: will be undone and redone";
	default: return cooling ? "not started; its pair cools down" : "not started";
	}
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "plan", required_argument, NULL, 'p' }, { "journal", required_argument, NULL, 'j' },
		{ "apply", no_argument, NULL, 'a' }, { "explain", no_argument, NULL, 'e' },
		{ "max-concurrent", required_argument, NULL, 'C' },
		{ "ssh", required_argument, NULL, 's' }, { "membalctl", required_argument, NULL, 'c' },
		{ "arbiter", required_argument, NULL, 'r' },
		{ "migrate-cmd", required_argument, NULL, 'm' }, { "wait", required_argument, NULL, 'w' },
		{ "slack", required_argument, NULL, 'S' }, { "cooldown", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	snprintf(o->ssh, sizeof(o->ssh), "ssh -o BatchMode=yes");
	snprintf(o->ctl, sizeof(o->ctl), "membalctl");
	snprintf(o->arbiter, sizeof(o->arbiter), "membal-arbiter");
	snprintf(o->migrate, sizeof(o->migrate), "ssh -o BatchMode=yes {from} xl migrate {guest} {to}");
	o->journal = "membal-place.journal";
	o->wait_s = 300;
	o->slack_mib = 8;
	o->cooldown_s = 1800;
	o->max_conc = 2;
	o->jfd = -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		bool ok = true;

		switch (ch) {
		case 'p': o->plan = optarg; break;
		case 'j': o->journal = optarg; break;
		case 'a': o->apply = true; break;
		case 'e': o->explain = true; break;
		case 'C': ok = parse_u64(optarg, 1, 64, &o->max_conc) == PARSE_OK; break;
		case 's': ok = snprintf(o->ssh, sizeof(o->ssh), "%s", optarg) < (int)sizeof(o->ssh); break;
		case 'c': ok = snprintf(o->ctl, sizeof(o->ctl), "%s", optarg) < (int)sizeof(o->ctl); break;
		case 'r': ok = snprintf(o->arbiter, sizeof(o->arbiter), "%s", optarg) < (int)sizeof(o->arbiter); break;
		case 'm': ok = snprintf(o->migrate, sizeof(o->migrate), "%s", optarg) < (int)sizeof(o->migrate); break;
		case 'w': ok = parse_u64(optarg, 0, 86400, &o->wait_s) == PARSE_OK; break;
		case 'S': ok = parse_u64(optarg, 0, 1u << 20, &o->slack_mib) == PARSE_OK; break;
		case 'd': ok = parse_u64(optarg, 0, 1u << 30, &o->cooldown_s) == PARSE_OK; break;
		case 'h': usage(stdout); exit(0);
		default: ok = false; break;
		}
		if (!ok) {
			fprintf(stderr, "membal-place apply: bad value for an option\n");
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !o->plan) {
		usage(stderr);
		return -1;
	}
	return 0;
}

int apply_main(int argc, char **argv)
{
	struct opts o;
	struct apply_plan p;
	char err[600];
	bool *cooling;
	int bad = 0;
	size_t running = 0;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	if (apply_read_plan(o.plan, &p, err, sizeof(err)) < 0) {
		fprintf(stderr, "membal-place apply: %s\n", err);
		return 1;
	}
	cooling = calloc(p.n + 1, sizeof(*cooling));
	if (!cooling || journal_load(o.journal, &p, (uint64_t)time(NULL), cooling,
				     err, sizeof(err)) < 0) {
		fprintf(stderr, "membal-place apply: %s\n", cooling ? err : "out of memory");
		free(cooling);
		apply_plan_free(&p);
		return 1;
	}
	if (o.explain || !o.apply) {
		for (size_t i = 0; i < p.n; i++) {
			printf("%s %s -> %s: %s%s%s\n", p.m[i].guest, p.m[i].from, p.m[i].to,
			       verdict(&p.m[i], cooling[i]), p.m[i].last[0] ? "; last: " : "",
			       p.m[i].last);
			bad |= p.m[i].was == MV_DOUBT || p.m[i].was == MV_FAILED;
			if (!o.explain && (p.m[i].was == MV_NEW || p.m[i].was == MV_PARTIAL) &&
			    !cooling[i])
				dry(&o, &p.m[i]);
		}
		if (!o.explain)
			printf("dry run: nothing done (--apply to do it)\n");
		free(cooling);
		apply_plan_free(&p);
		return bad ? 1 : 0;
	}
	o.jfd = journal_open(o.journal);
	if (o.jfd < 0) {
		fprintf(stderr, "membal-place apply: journal %s: %s\n", o.journal, strerror(errno));
		free(cooling);
		apply_plan_free(&p);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i <= p.n; i++) {
		/* at most max_concurrent children; at the end, wait for all */
		while (running && (running >= o.max_conc || i == p.n)) {
			int st;

			if (wait(&st) < 0)
				break;
			running--;
			bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
		}
		if (i == p.n)
			break;
		struct apply_move *m = &p.m[i];

		if (m->was == MV_DONE || m->was == MV_FAILED || m->was == MV_DOUBT || cooling[i]) {
			say(m, "skipped: %s", verdict(m, cooling[i]));
			bad |= m->was != MV_DONE;   /* the plan is not carried out */
			continue;
		}
		fflush(NULL);
		pid_t pid = fork();

		if (pid < 0) {
			bad = 1;
			break;
		}
		if (pid == 0) {
			if (m->was == MV_PARTIAL)
				undo(&o, m);
			_exit(move(&o, m));
		}
		running++;
	}
	close(o.jfd);
	free(cooling);
	apply_plan_free(&p);
	return bad ? 1 : 0;
}
