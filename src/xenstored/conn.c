/*
 * Sockets and connections of the test xenstored (TEST INFRASTRUCTURE, see
 * xsd.h), and its server thread.
 *
 * Framing is xs_wire.h's: a 16-byte header, then at most
 * XENSTORE_PAYLOAD_MAX bytes; a client announcing more is disconnected, as
 * xenstored does. Replies and watch events wait in a per-connection queue
 * and are written without blocking. A client that stops reading is not
 * read either once 256 KiB wait for it, and watch events for it are
 * dropped beyond 4 MiB, so memory stays bounded whatever a client does.
 *
 * Threads: the server thread holds x->lock except inside poll(). API calls
 * that close sockets or drop connections do so under the lock and bump
 * x->epoch; the server thread then ignores what that poll() returned and
 * starts over, so it never touches a stale descriptor or listener.
 * Connections are only freed by the server thread (or xsd_stop after it
 * ended).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xenstored/xsd_int.h"

#define HDR_LEN        sizeof(struct xsd_sockmsg)
#define READ_PAUSE     (256u * 1024)       /* stop reading a slow client */
#define EVENT_CAP      (4u * 1024 * 1024)  /* drop its events beyond */
#define MSGS_PER_WAKE  64                   /* fairness between clients */

const char *xsd_errname(int err)
{
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == err)
			return xsd_errors[i].errstring;
	return "EINVAL";   /* as xenstored's send_error() */
}

static void queue_msg(struct conn *c, uint32_t type, uint32_t req_id,
		      uint32_t tx_id, const void *data, unsigned len,
		      bool is_event)
{
	struct outmsg *m = xsd_alloc(sizeof(*m) + HDR_LEN + len);
	struct xsd_sockmsg h = { .type = type, .req_id = req_id,
				 .tx_id = tx_id, .len = len };

	memcpy(m->data, &h, HDR_LEN);
	if (len)
		memcpy(m->data + HDR_LEN, data, len);
	m->len = (uint32_t)(HDR_LEN + len);
	m->is_event = is_event;
	if (c->out_tail)
		c->out_tail->next = m;
	else
		c->out_head = m;
	c->out_tail = m;
	c->out_bytes += m->len;
}

void conn_reply(struct conn *c, const struct xsd_sockmsg *req, uint32_t type,
		const void *data, unsigned len)
{
	if (c->dead)
		return;
	if (len > XENSTORE_PAYLOAD_MAX) {
		conn_error(c, req, E2BIG);
		return;
	}
	queue_msg(c, type, req->req_id, req->tx_id, data, len, false);
}

void conn_error(struct conn *c, const struct xsd_sockmsg *req, int err)
{
	const char *name = xsd_errname(err);

	if (!c->dead)
		queue_msg(c, XS_ERROR, req->req_id, req->tx_id, name,
			  (unsigned)strlen(name) + 1, false);
}

/* xenstored's send_event(): too long events are not sent, an identical
 * event still waiting in the queue is not queued twice. */
void conn_event(struct conn *c, const char *path, const char *token)
{
	size_t plen = strlen(path) + 1, len = plen + strlen(token) + 1;
	char *body;

	if (c->dead || len > XENSTORE_PAYLOAD_MAX || c->out_bytes > EVENT_CAP)
		return;
	body = xsd_alloc(len);
	memcpy(body, path, plen);
	memcpy(body + plen, token, len - plen);
	if (path[0] != '@')
		for (const struct outmsg *m = c->out_head; m; m = m->next)
			if (m->is_event && m->len == HDR_LEN + len &&
			    !memcmp(m->data + HDR_LEN, body, len)) {
				free(body);
				return;
			}
	queue_msg(c, XS_WATCH_EVENT, 0, 0, body, (unsigned)len, true);
	c->x->stats.watch_events++;
	free(body);
}

static void out_free(struct conn *c)
{
	while (c->out_head) {
		struct outmsg *m = c->out_head;

		c->out_head = m->next;
		free(m);
	}
	c->out_tail = NULL;
	c->out_bytes = 0;
}

void conn_drop(struct conn *c)
{
	if (c->dead)
		return;
	c->dead = true;
	close(c->fd);
	c->fd = -1;
	watch_free_all(c);
	txn_free_all(c);
	out_free(c);
	c->x->epoch++;
}

void conn_drop_domain(struct xsd *x, unsigned domid)
{
	for (struct conn *c = x->conns; c; c = c->next)
		if (c->domid == domid)
			conn_drop(c);
}

void conn_drop_all(struct xsd *x)
{
	for (struct conn *c = x->conns; c; c = c->next)
		conn_drop(c);
}

void conn_reap(struct xsd *x)
{
	struct conn **pp = &x->conns;

	while (*pp) {
		struct conn *c = *pp;

		if (c->dead) {
			*pp = c->next;
			free(c);
		} else {
			pp = &c->next;
		}
	}
}

static void conn_flush(struct conn *c)
{
	while (c->out_head) {
		struct outmsg *m = c->out_head;
		ssize_t n = send(c->fd, m->data + m->off, m->len - m->off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_drop(c);
			return;
		}
		m->off += (uint32_t)n;
		c->out_bytes -= (size_t)n;
		if (m->off < m->len)
			return;
		c->out_head = m->next;
		if (!c->out_head)
			c->out_tail = NULL;
		free(m);
	}
}

/* Handle the complete messages in c->in (a few KiB at most), keep the
 * start of the next one. */
static void conn_handle_input(struct conn *c, int *handled)
{
	size_t off = 0;

	while (!c->dead) {
		struct xsd_sockmsg hdr;
		char saved;

		if (c->inlen - off < HDR_LEN)
			break;
		memcpy(&hdr, c->in + off, HDR_LEN);
		if (hdr.len > XENSTORE_PAYLOAD_MAX) {
			conn_drop(c);   /* xenstored: "Client tried to feed us" */
			return;
		}
		if (c->inlen - off < HDR_LEN + hdr.len)
			break;
		/* Requests are strings: give the payload a nul after it. */
		saved = (char)c->in[off + HDR_LEN + hdr.len];
		c->in[off + HDR_LEN + hdr.len] = '\0';
		ops_dispatch(c, &hdr, (char *)c->in + off + HDR_LEN);
		c->in[off + HDR_LEN + hdr.len] = (unsigned char)saved;
		off += HDR_LEN + hdr.len;
		(*handled)++;
	}
	if (off && !c->dead) {
		memmove(c->in, c->in + off, c->inlen - off);
		c->inlen -= (unsigned)off;
	}
}

/* Read what the client sent, several messages at a time when it pipelines;
 * a short read means the socket is empty until poll() says otherwise. */
static void conn_read(struct conn *c)
{
	int handled = 0;

	while (!c->dead && handled < MSGS_PER_WAKE && c->out_bytes < READ_PAUSE) {
		size_t room = sizeof(c->in) - 1 - c->inlen;
		ssize_t n = read(c->fd, c->in + c->inlen, room);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			conn_drop(c);
			return;
		}
		c->inlen += (unsigned)n;
		conn_handle_input(c, &handled);
		if ((size_t)n < room)
			return;
	}
}

static void accept_all(struct xsd *x, struct listener *l)
{
	for (;;) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c, **tail;

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		c = xsd_alloc(sizeof(*c));
		c->x = x;
		c->fd = fd;
		c->domid = l->domid;
		for (tail = &x->conns; *tail; tail = &(*tail)->next)
			;
		*tail = c;
	}
}

static int bind_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(path);   /* like xenstored: take over a stale socket */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 64) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int listener_open(struct xsd *x, const char *path, unsigned domid,
		  bool is_main)
{
	struct listener *l;
	int fd;

	if (!is_main && x->domain_dir)
		mkdir(x->domain_dir, 0700);   /* EEXIST is fine */
	fd = bind_socket(path);
	if (fd < 0)
		return -1;
	l = xsd_alloc(sizeof(*l));
	l->fd = fd;
	l->domid = domid;
	l->is_main = is_main;
	l->path = xsd_strdup(path);
	l->next = x->listeners;
	x->listeners = l;
	x->epoch++;
	return 0;
}

struct listener *listener_find(struct xsd *x, unsigned domid)
{
	for (struct listener *l = x->listeners; l; l = l->next)
		if (!l->is_main && l->domid == domid)
			return l;
	return NULL;
}

void listener_close(struct xsd *x, struct listener *l)
{
	for (struct listener **pp = &x->listeners; *pp; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	if (l->fd >= 0)
		close(l->fd);
	unlink(l->path);
	free(l->path);
	free(l);
	x->epoch++;
}

int listeners_reopen(struct xsd *x)
{
	int ret = 0;

	for (struct listener *l = x->listeners; l; l = l->next) {
		if (l->fd >= 0)
			close(l->fd);
		unlink(l->path);
		l->fd = bind_socket(l->path);
		if (l->fd < 0)
			ret = -1;
	}
	x->epoch++;
	return ret;
}

void server_wake(struct xsd *x)
{
	ssize_t n;

	do {
		n = write(x->wake[1], "w", 1);
	} while (n < 0 && errno == EINTR);
	/* EAGAIN: the pipe is full, a wake-up is pending anyway. */
}

void *server_main(void *arg)
{
	struct xsd *x = arg;
	struct pollfd *pfd = NULL;
	void **who = NULL;
	size_t cap = 0;

	pthread_mutex_lock(&x->lock);
	while (!x->stop) {
		size_t n = 1, nl = 0, i;
		unsigned epoch;
		char drain[64];
		int rc;

		conn_reap(x);
		for (struct conn *c = x->conns; c; c = c->next)
			if (c->out_head)
				conn_flush(c);
		conn_reap(x);

		for (struct listener *l = x->listeners; l; l = l->next)
			n++;
		for (struct conn *c = x->conns; c; c = c->next)
			n++;
		if (n > cap) {
			cap = n * 2;
			pfd = xsd_realloc(pfd, cap * sizeof(*pfd));
			who = xsd_realloc(who, cap * sizeof(*who));
		}
		pfd[0] = (struct pollfd){ .fd = x->wake[0], .events = POLLIN };
		n = 1;
		for (struct listener *l = x->listeners; l; l = l->next) {
			pfd[n] = (struct pollfd){ .fd = l->fd, .events = POLLIN };
			who[n++] = l;
			nl++;
		}
		for (struct conn *c = x->conns; c; c = c->next) {
			short ev = 0;

			if (c->out_bytes < READ_PAUSE)
				ev |= POLLIN;
			if (c->out_head)
				ev |= POLLOUT;
			pfd[n] = (struct pollfd){ .fd = c->fd, .events = ev };
			who[n++] = c;
		}
		epoch = x->epoch;

		pthread_mutex_unlock(&x->lock);
		rc = poll(pfd, n, -1);
		pthread_mutex_lock(&x->lock);

		if (pfd[0].revents)
			while (read(x->wake[0], drain, sizeof(drain)) > 0)
				;
		if (rc <= 0 || x->epoch != epoch || x->stop)
			continue;
		for (i = 1; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (i <= nl) {
				accept_all(x, who[i]);
				continue;
			}
			struct conn *c = who[i];

			if (c->dead)
				continue;
			if (pfd[i].revents & POLLNVAL)
				conn_drop(c);
			else if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				conn_read(c);
			if (!c->dead && (pfd[i].revents & POLLOUT))
				conn_flush(c);
		}
	}
	pthread_mutex_unlock(&x->lock);
	free(pfd);
	free(who);
	return NULL;
}
