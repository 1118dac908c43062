/* SPDX-License-Identifier: GPL-2.0-only */
#include "arbiter/control.h"

#include "arbiter/arbiter_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "arbiter/carry.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/parse.h"

/* Whether something listens on path (a connect() succeeds). */
static bool answers(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return false;
	live = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return live;
}

int control_listen(const char *path, struct stat *made)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if (mkdir(dirname(dir), 0755) < 0 && errno != EEXIST)
		return -1;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	/* A stale socket from a killed arbiter is ours to replace; a live
	 * one is not (the lock should have stopped us before this). */
	if (answers(&sa)) {
		close(fd);
		errno = EADDRINUSE;
		return -1;
	}
	unlink(path);
	mode_t old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));

	umask(old);
	if (rc < 0 || listen(fd, 8) < 0 || lstat(path, made) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* ---- the verbs ------------------------------------------------------------ */

int arbiter_pause(struct arbiter *a, const char *name, bool pause)
{
	if (!name) {
		a->paused_all = pause;
		if (!pause)
			for (size_t i = 0; i < a->ndoms; i++) {
				struct dom *d = a->by_domid[a->order[i]];

				bool was = d->hold_paused || d->hold_manual;

				d->hold_paused = false;
				d->hold_manual = false;
				d->written_kb = d->target_kb;
				if (was)
					arbiter_save_state(a, d, clock_now_ms());
			}
		return 0;
	}
	struct dom *d = arbiter_dom_by_name(a, name);

	if (!d) {
		uint64_t id;

		if (parse_u64(name, 0, MEMBAL_DOMID_LIMIT - 1, &id) != PARSE_OK ||
		    !(d = arbiter_dom_get(a, (uint32_t)id))) {
			errno = ENOENT;
			return -1;
		}
	}
	d->hold_paused = pause;
	if (!pause) {
		/* Resuming also ends a manual hold: the administrator's value
		 * becomes the starting point. */
		d->hold_manual = false;
		d->written_kb = d->target_kb;
	}
	arbiter_save_state(a, d, clock_now_ms());
	return 0;
}

/* ---- the socket ----------------------------------------------------------- */

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* A malformed request: refused, counted and logged (the socket is root's,
 * but its lines come from tools and scripts: parsed strictly). */
static void refuse(struct arbiter *a, const char *answer)
{
	a->n.requests_rejected++;
	log_warn("membalctl: request refused: %s", answer);
}

/* The arguments after KIB: lease=S (or the old form's bare S first),
 * for=NAME, need=KIB (the newcomer's need: only with for=). Each at most
 * once. 0, or -1 with the ERR answer written. */
static int reserve_args(char **arg, size_t nargs, uint64_t *lease,
			const char **for_name, uint64_t *need,
			char *answer, size_t size)
{
	for (size_t i = 1; i < nargs; i++) {
		const char *v = strchr(arg[i], '=');
		const char *s = v ? v + 1 : arg[i];

		if (((!v && i == 1) || !strncmp(arg[i], "lease=", 6)) && *lease) {
			snprintf(answer, size, "ERR lease given twice");
			return -1;
		} else if ((!v && i == 1) || !strncmp(arg[i], "lease=", 6)) {
			if (parse_u64(s, 1, 86400 * 7, lease) != PARSE_OK) {
				snprintf(answer, size, "ERR lease '%.32s': expected seconds, 1..604800", s);
				return -1;
			}
		} else if (!strncmp(arg[i], "for=", 4) && *s && strlen(s) < ARB_NAME_MAX && !*for_name) {
			*for_name = s;
		} else if (!strncmp(arg[i], "need=", 5)) {
			if (*need || parse_u64(s, 1, POLICY_KB_MAX, need) != PARSE_OK) {
				snprintf(answer, size, "ERR need '%.32s': expected KiB, 1..%llu, given once", s,
					 (unsigned long long)POLICY_KB_MAX);
				return -1;
			}
		} else {
			snprintf(answer, size, "ERR bad reserve argument '%.40s'", arg[i]);
			return -1;
		}
	}
	if (*need && !*for_name) {
		snprintf(answer, size, "ERR need without for=NAME: a need is a newcomer's");
		return -1;
	}
	return 0;
}

/* reserve KIB [lease=S] [for=NAME [need=KIB]] (or the old form: reserve KIB S) */
static void do_reserve(struct arbiter *a, char **arg, size_t nargs,
		       char *answer, size_t size)
{
	uint64_t kb, lease = 0, need = 0;
	const char *for_name = NULL;
	uint32_t id;

	if (parse_u64(arg[0], 1, POLICY_KB_MAX, &kb) != PARSE_OK) {
		snprintf(answer, size, "ERR size '%.32s': expected KiB, 1..%llu",
			 arg[0], (unsigned long long)POLICY_KB_MAX);
		refuse(a, answer);
		return;
	}
	if (reserve_args(arg, nargs, &lease, &for_name, &need, answer, size) < 0) {
		refuse(a, answer);
		return;
	}
	if (arbiter_reserve(a, kb, lease * 1000, for_name, &id) < 0) {
		snprintf(answer, size, "ERR %s", errno == ENOSPC
			 ? "too many reservations (release one)" : "bad reservation");
		return;
	}
	if (need)       /* cannot fail: for= given, need bounded above */
		arbiter_reserve_need(a, id, need);
	snprintf(answer, size, "OK %u reserving %llu KiB%s%.63s%s", id,
		 (unsigned long long)kb, for_name ? " for " : "",
		 for_name ? for_name : "", lease ? " (lease)" : " until release");
	log_notice("membalctl: reservation %u: %llu KiB%s%s, lease %llu s%s", id,
		   (unsigned long long)kb, for_name ? " for " : "",
		   for_name ? for_name : "", (unsigned long long)lease,
		   !for_name ? "" : need ? ", need said" : ", need not said (its size)");
	if (need)
		log_notice("membalctl: reservation %u: %s will need %llu KiB once it runs",
			   id, for_name, (unsigned long long)need);
}

static bool parse_id(const char *s, uint32_t *id)
{
	uint64_t v;

	if (!s || parse_u64(s, 1, UINT32_MAX, &v) != PARSE_OK)
		return false;
	*id = (uint32_t)v;
	return true;
}

#define CONTROL_ARGS 4

void control_handle(struct arbiter *a, const char *line, char *answer,
		    size_t size)
{
	char buf[CONTROL_LINE_MAX], *save = NULL;
	char *cmd, *arg[CONTROL_ARGS + 1] = { NULL };
	size_t nargs = 0;
	uint32_t id = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	trim(buf);
	if (!strncmp(buf, "state-import ", 13)) {
		/* state-import NAME WORDS...: the words are the rest */
		char *name = buf + 13, *text = strchr(name, ' ');

		if (!text || !text[1] || text == name) {
			snprintf(answer, size, "ERR usage: state-import NAME STATE");
			return;
		}
		*text++ = '\0';
		carry_import(a, name, text, answer, size);
		return;
	}
	cmd = strtok_r(buf, " ", &save);
	while (cmd && nargs <= CONTROL_ARGS && (arg[nargs] = strtok_r(NULL, " ", &save)))
		nargs++;
	char *arg1 = arg[0];

	if (!cmd) {
		snprintf(answer, size, "ERR empty request");
		refuse(a, answer);
	} else if (nargs > CONTROL_ARGS || (nargs > 1 && strcmp(cmd, "reserve"))) {
		snprintf(answer, size, "ERR too many arguments");
		refuse(a, answer);
	} else if (!strcmp(cmd, "ping") && !arg1) {
		snprintf(answer, size, "OK membal-arbiter %s", MEMBAL_VERSION);
	} else if (!strcmp(cmd, "pause") || !strcmp(cmd, "resume")) {
		bool pause = cmd[0] == 'p';

		if (arbiter_pause(a, arg1, pause) < 0) {
			snprintf(answer, size, "ERR no domain '%.64s'", arg1);
		} else {
			snprintf(answer, size, "OK %s %s", pause ? "paused" : "resumed",
				 arg1 ? arg1 : "all domains");
			log_notice("membalctl: %s %s", cmd, arg1 ? arg1 : "all domains");
		}
	} else if (!strcmp(cmd, "reserve") && arg1) {
		do_reserve(a, arg, nargs, answer, size);
	} else if (!strcmp(cmd, "release") && (!arg1 || parse_id(arg1, &id))) {
		int n = arbiter_release(a, id);

		if (n < 0) {
			snprintf(answer, size, "ERR no reservation %u", id);
		} else {
			snprintf(answer, size, "OK released %d reservation%s", n, n == 1 ? "" : "s");
			log_notice("membalctl: release %s (%d)", arg1 ? arg1 : "all", n);
		}
	} else if (!strcmp(cmd, "renew") && parse_id(arg1, &id)) {
		if (arbiter_renew(a, id) < 0)
			snprintf(answer, size, "ERR no reservation %u (expired or released?)", id);
		else
			snprintf(answer, size, "OK renewed %u", id);
	} else if (!strcmp(cmd, "reserved") && parse_id(arg1, &id)) {
		/* membalctl reserve --wait of an older membalctl asks this
		 * every 100 ms (a newer one: await, control_wait.c) */
		control_reserved_answer(a, id, answer, size);
	} else if (!strcmp(cmd, "state-export") && arg1) {
		char text[RESV_STATE_MAX];

		if (carry_export(a, arg1, text, sizeof(text)) < 0)
			snprintf(answer, size, "ERR no domain '%.64s'", arg1);
		else
			snprintf(answer, size, "OK %s", text);
	} else {
		snprintf(answer, size, "ERR unknown request '%.32s'", cmd);
		refuse(a, answer);
	}
}

/* Returns true when cfd was parked (control_await): not to be closed. */
static bool serve_one(int cfd, struct arbiter *a)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char line[CONTROL_LINE_MAX + 1], answer[CONTROL_ANSWER_MAX];
	size_t got = 0;

	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		dprintf(cfd, "ERR permission denied\n");
		return false;
	}
	/* membalctl writes its line at once; do not let a silent client
	 * hold the cycle for more than a moment. */
	while (got < CONTROL_LINE_MAX) {
		struct pollfd p = { .fd = cfd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 200) <= 0)
			break;
		r = read(cfd, line + got, CONTROL_LINE_MAX - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		if (memchr(line, '\n', got))
			break;
	}
	line[got] = '\0';
	if (!memchr(line, '\n', got)) {
		dprintf(cfd, "ERR request too long or incomplete\n");
		return false;
	}
	*strchr(line, '\n') = '\0';
	if (!strcmp(line, "await") || !strncmp(line, "await ", 6))
		return control_await(a, cfd, line + 5, clock_now_ms());
	control_handle(a, line, answer, sizeof(answer));
	dprintf(cfd, "%s\n", answer);
	return false;
}

bool control_serve_fd(int cfd, struct arbiter *a)
{
	return serve_one(cfd, a);
}

void control_serve(int fd, struct arbiter *a)
{
	for (int i = 0; i < 16; i++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

		if (cfd < 0)
			return;
		if (!serve_one(cfd, a))
			close(cfd);
	}
}

void control_close(int fd, const char *path, const struct stat *made)
{
	struct stat now;

	if (fd < 0)
		return;
	close(fd);
	if (lstat(path, &now) == 0 && now.st_dev == made->st_dev &&
	    now.st_ino == made->st_ino)
		unlink(path);
}
