/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Control socket of membal-test-xenstored (TEST INFRASTRUCTURE): lets a
 * script or the demo introduce and release simulated domains, inject
 * faults and read statistics of a running test xenstored. A client of the
 * xsd.h API only.
 */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/domid.h"
#include "common/parse.h"
#include "xenstored/control.h"

#define MAX_WORDS 6

static char *reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *reply(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static char *reply_errno(const char *what, int err)
{
	return reply("ERR %s: %s\n", what, strerror(err));
}

/* Split at single spaces into at most max words; the last word keeps the
 * rest of the line (so a value may contain spaces). */
static int split(char *line, char **w, int max)
{
	int n = 0;

	while (*line && n < max) {
		w[n++] = line;
		if (n == max)
			break;
		line = strchr(line, ' ');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

static bool get_num(const char *s, uint64_t max, uint64_t *out)
{
	return parse_u64(s, 0, max, out) == PARSE_OK;
}

static char *cmd_stats(struct xsd *x)
{
	struct xsd_stats st;
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	if (!f)
		return NULL;
	xsd_get_stats(x, &st);
	fprintf(f, "OK requests=%llu connections=%u nodes=%u tx_started=%llu "
		"tx_committed=%llu tx_eagain=%llu tx_aborted=%llu watch_events=%llu",
		(unsigned long long)st.requests, st.connections, st.nodes,
		(unsigned long long)st.tx_started,
		(unsigned long long)st.tx_committed,
		(unsigned long long)st.tx_eagain,
		(unsigned long long)st.tx_aborted,
		(unsigned long long)st.watch_events);
	for (unsigned t = 0; t < XS_TYPE_COUNT; t++) {
		const char *name = xsd_type_name(t);

		if (!strcmp(name, "UNKNOWN") || !strcmp(name, "ERROR") ||
		    !strcmp(name, "WATCH_EVENT"))
			continue;
		fputc(' ', f);
		for (; *name; name++)
			fputc(tolower((unsigned char)*name), f);
		fprintf(f, "=%llu", (unsigned long long)st.by_type[t]);
	}
	fputc('\n', f);
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}

static char *cmd_dump(struct xsd *x)
{
	char *tree = xsd_dump(x), *out;

	if (!tree)
		return NULL;
	out = reply("%sOK\n", tree);
	free(tree);
	return out;
}

static const char help[] =
	"OK commands: introduce DOMID NAME TARGET_KB STATIC_MAX_KB | "
	"release DOMID | rehome OLD NEW | socket DOMID | drop | eagain N | restart keep|empty | "
	"stats | reset-stats | dump | write PATH VALUE | read PATH | rm PATH | "
	"quit\n";

char *control_handle(struct xsd *x, const char *line, bool *quit)
{
	char *copy = strdup(line), *w[MAX_WORDS], *out;
	uint64_t a, b, c;
	int n;

	if (!copy)
		return NULL;
	/* "write PATH VALUE": the value is the rest of the line. */
	n = split(copy, w, strncmp(copy, "write ", 6) ? MAX_WORDS : 3);
	if (n == 0) {
		out = reply("ERR empty command\n");
	} else if (!strcmp(w[0], "help")) {
		out = reply("%s", help);
	} else if (!strcmp(w[0], "introduce")) {
		if (n != 5 || !get_num(w[1], MEMBAL_DOMID_LIMIT - 1, &a) || a == 0 ||
		    !get_num(w[3], UINT64_MAX, &b) || !get_num(w[4], UINT64_MAX, &c))
			out = reply("ERR usage: introduce DOMID(1..32751) NAME TARGET_KB STATIC_MAX_KB\n");
		else if (xsd_introduce_domain(x, (unsigned)a, w[2], b, c) < 0)
			out = reply_errno("introduce", errno);
		else
			out = reply("OK\n");
	} else if (!strcmp(w[0], "release")) {
		if (n != 2 || !get_num(w[1], MEMBAL_DOMID_LIMIT - 1, &a))
			out = reply("ERR usage: release DOMID\n");
		else if (xsd_release_domain(x, (unsigned)a) < 0)
			out = reply_errno("release", errno);
		else
			out = reply("OK\n");
	} else if (!strcmp(w[0], "rehome")) {
		if (n != 3 || !get_num(w[1], MEMBAL_DOMID_LIMIT - 1, &a) ||
		    !get_num(w[2], MEMBAL_DOMID_LIMIT - 1, &b))
			out = reply("ERR usage: rehome OLD_DOMID NEW_DOMID\n");
		else if (xsd_rehome_domain(x, (unsigned)a, (unsigned)b) < 0)
			out = reply_errno("rehome", errno);
		else
			out = reply("OK\n");
	} else if (!strcmp(w[0], "socket")) {
		const char *path;

		if (n != 2 || !get_num(w[1], MEMBAL_DOMID_LIMIT - 1, &a))
			out = reply("ERR usage: socket DOMID\n");
		else if (!(path = xsd_domain_socket(x, (unsigned)a)))
			out = reply_errno("socket (need --domain-sockets)", errno);
		else
			out = reply("OK %s\n", path);
	} else if (!strcmp(w[0], "drop") && n == 1) {
		xsd_drop_connections(x);
		out = reply("OK\n");
	} else if (!strcmp(w[0], "eagain")) {
		if (n != 2 || !get_num(w[1], 1000000, &a)) {
			out = reply("ERR usage: eagain N\n");
		} else {
			xsd_fail_transactions(x, (unsigned)a);
			out = reply("OK\n");
		}
	} else if (!strcmp(w[0], "restart")) {
		if (n != 2 || (strcmp(w[1], "keep") && strcmp(w[1], "empty")))
			out = reply("ERR usage: restart keep|empty\n");
		else if (xsd_restart(x, !strcmp(w[1], "keep")) < 0)
			out = reply_errno("restart", errno);
		else
			out = reply("OK\n");
	} else if (!strcmp(w[0], "stats") && n == 1) {
		out = cmd_stats(x);
	} else if (!strcmp(w[0], "reset-stats") && n == 1) {
		xsd_reset_stats(x);
		out = reply("OK\n");
	} else if (!strcmp(w[0], "dump") && n == 1) {
		out = cmd_dump(x);
	} else if (!strcmp(w[0], "write")) {
		if (n < 2)
			out = reply("ERR usage: write PATH VALUE\n");
		else if (xsd_write(x, w[1], n > 2 ? w[2] : "") < 0)
			out = reply_errno(w[1], errno);
		else
			out = reply("OK\n");
	} else if (!strcmp(w[0], "read")) {
		char *v;

		if (n != 2)
			out = reply("ERR usage: read PATH\n");
		else if (!(v = xsd_read(x, w[1])))
			out = reply_errno(w[1], errno);
		else {
			out = reply("OK %s\n", v);
			free(v);
		}
	} else if (!strcmp(w[0], "rm")) {
		if (n != 2)
			out = reply("ERR usage: rm PATH\n");
		else if (xsd_rm(x, w[1]) < 0)
			out = reply_errno(w[1], errno);
		else
			out = reply("OK\n");
	} else if (!strcmp(w[0], "quit") && n == 1) {
		*quit = true;
		out = reply("OK\n");
	} else {
		out = reply("ERR unknown command '%.64s' (try help)\n", w[0]);
	}
	free(copy);
	return out;
}

struct client {
	int fd;
	size_t len;
	char buf[CONTROL_LINE_MAX + 1];
	struct client *next;
};

static bool send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Handle the complete lines a client sent; false to close it. */
static bool client_input(struct xsd *x, struct client *cl, bool *quit)
{
	ssize_t n = read(cl->fd, cl->buf + cl->len, CONTROL_LINE_MAX - cl->len);
	char *nl;

	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	cl->len += (size_t)n;
	while (!*quit && (nl = memchr(cl->buf, '\n', cl->len))) {
		char *out;
		size_t used = (size_t)(nl - cl->buf) + 1;

		*nl = '\0';
		if (nl > cl->buf && nl[-1] == '\r')
			nl[-1] = '\0';
		out = control_handle(x, cl->buf, quit);
		if (!out || !send_all(cl->fd, out, strlen(out))) {
			free(out);
			return false;
		}
		free(out);
		memmove(cl->buf, cl->buf + used, cl->len - used);
		cl->len -= used;
	}
	if (cl->len == CONTROL_LINE_MAX) {
		static const char msg[] = "ERR line too long\n";

		send_all(cl->fd, msg, sizeof(msg) - 1);
		return false;
	}
	return true;
}

static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int control_serve(struct xsd *x, const char *path, int stop_fd)
{
	struct client *clients = NULL;
	struct pollfd *pfd = NULL;
	bool quit = false;
	int lfd = listen_at(path);

	if (lfd < 0)
		return -1;
	while (!quit) {
		size_t n = 2, i = 2;
		struct client **pp;

		for (struct client *cl = clients; cl; cl = cl->next)
			n++;
		free(pfd);
		pfd = calloc(n, sizeof(*pfd));
		if (!pfd)
			break;
		pfd[0] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (struct client *cl = clients; cl; cl = cl->next)
			pfd[i++] = (struct pollfd){ .fd = cl->fd, .events = POLLIN };
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents)
			break;
		/* Clients first: their slots follow the list order. */
		i = 2;
		for (pp = &clients; *pp && !quit; i++) {
			struct client *cl = *pp;

			if (pfd[i].revents && !client_input(x, cl, &quit)) {
				*pp = cl->next;
				close(cl->fd);
				free(cl);
				continue;
			}
			pp = &cl->next;
		}
		if (!quit && (pfd[1].revents & POLLIN)) {
			int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			struct client *cl;

			if (fd >= 0) {
				struct timeval tv = { .tv_sec = 5 };

				/* A client that stops reading cannot stall us. */
				setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
				cl = calloc(1, sizeof(*cl));
				if (!cl) {
					close(fd);
				} else {
					cl->fd = fd;
					cl->next = clients;
					clients = cl;
				}
			}
		}
	}
	free(pfd);
	while (clients) {
		struct client *cl = clients;

		clients = cl->next;
		close(cl->fd);
		free(cl);
	}
	close(lfd);
	unlink(path);
	return 0;
}

int control_client(const char *path, const char *cmd, FILE *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[CONTROL_LINE_MAX + 1];
	size_t len = 0;
	int fd, rc = 2;

	if (strlen(path) >= sizeof(sa.sun_path) || strchr(cmd, '\n')) {
		fprintf(stderr, "membal-test-xenstored: bad control path or command\n");
		return 2;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "membal-test-xenstored: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 2;
	}
	if (!send_all(fd, cmd, strlen(cmd)) || !send_all(fd, "\n", 1))
		goto out;
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		while ((nl = memchr(buf, '\n', len))) {
			size_t used = (size_t)(nl - buf) + 1;

			fwrite(buf, 1, used, out);
			if (!strncmp(buf, "OK", 2) || !strncmp(buf, "ERR", 3)) {
				rc = buf[0] == 'O' ? 0 : 1;
				goto out;
			}
			memmove(buf, buf + used, len - used);
			len -= used;
		}
		if (len == sizeof(buf) - 1) {   /* a line longer than any we send */
			fwrite(buf, 1, len, out);
			len = 0;
		}
	}
	fprintf(stderr, "membal-test-xenstored: %s: answer cut short\n", path);
out:
	close(fd);
	return rc;
}
