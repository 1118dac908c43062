/* SPDX-License-Identifier: GPL-2.0-only */
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
 * Threads: the server thread holds x->lock except inside epoll_wait().
 * Every socket is registered once with an epoll set (a thousand domains
 * are two thousand sockets: poll() over all of them per request was most
 * of a large host's time). API calls that close sockets or drop
 * connections do so under the lock, take the descriptor out of the set
 * and bump x->epoch; the server thread then ignores what epoll_wait()
 * returned (and stops going through it when it drops one itself) and
 * starts over, so it never touches a stale descriptor or listener: the
 * events are level-triggered, so nothing is lost.
 * Connections are only freed by the server thread (or xsd_stop after it
 * ended). Between two waits the server thread only looks at the
 * connections that were read from or had something queued (x->touched),
 * not at every connection: with a hundred clients, walking them all three
 * times per request was a tenth of a 50-guest simulation's CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
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

/* Have the server thread flush c and re-arm its events before it waits
 * again. Under x->lock; c stays allocated until conn_reap(), which runs
 * after the list is emptied. */
static void conn_touch(struct conn *c)
{
	if (c->touched)
		return;
	c->touched = true;
	c->touch_next = c->x->touched;
	c->x->touched = c;
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
	conn_touch(c);
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
	if (c->domid && c->domid < MEMBAL_DOMID_LIMIT) {
		if (!c->x->dom_events)
			c->x->dom_events = xsd_alloc(MEMBAL_DOMID_LIMIT *
						     sizeof(*c->x->dom_events));
		c->x->dom_events[c->domid]++;
	}
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
	server_unwatch_fd(c->x, c->fd);
	close(c->fd);
	c->fd = -1;
	watch_free_all(c);
	txn_free_all(c);
	out_free(c);
	c->x->epoch++;
	c->x->dropped++;
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

	if (!x->dropped)
		return;
	x->dropped = 0;

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
	conn_touch(c);  /* what it waits for may change */
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

	conn_touch(c);  /* its input may pause or resume */
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
		c->seq = ++x->conn_seq;
		c->ep_events = EPOLLIN;
		server_watch_fd(x, fd, c, false, c->ep_events);
		conn_touch(c);
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
	server_watch_fd(x, fd, l, true, EPOLLIN);
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
	if (l->fd >= 0) {
		server_unwatch_fd(x, l->fd);
		close(l->fd);
	}
	unlink(l->path);
	free(l->path);
	free(l);
	x->epoch++;
}

int listeners_reopen(struct xsd *x)
{
	int ret = 0;

	for (struct listener *l = x->listeners; l; l = l->next) {
		if (l->fd >= 0) {
			server_unwatch_fd(x, l->fd);
			close(l->fd);
		}
		unlink(l->path);
		l->fd = bind_socket(l->path);
		if (l->fd < 0)
			ret = -1;
		else
			server_watch_fd(x, l->fd, l, true, EPOLLIN);
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

/* Listeners are tagged with the low bit of their address (both structs
 * are at least 8-byte aligned); the wake pipe is 0. */
#define TAG_LISTENER 1u

void server_watch_fd(struct xsd *x, int fd, void *who, bool is_listener,
		     uint32_t events)
{
	struct epoll_event ev = { .events = events };

	ev.data.u64 = (uint64_t)(uintptr_t)who | (is_listener ? TAG_LISTENER : 0);
	if (epoll_ctl(x->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 && x->verbose)
		fprintf(stderr, "test xenstored: epoll_ctl ADD %d: %s\n", fd,
			strerror(errno));
}

/* Explicitly, before close(): a descriptor shared with a forked child
 * would otherwise stay in the set, with a freed pointer. */
void server_unwatch_fd(struct xsd *x, int fd)
{
	epoll_ctl(x->epfd, EPOLL_CTL_DEL, fd, NULL);
}

/* What c waits for: input unless too much waits for it, output while
 * some is queued. */
static void conn_update_events(struct conn *c)
{
	uint32_t want = (c->out_bytes < READ_PAUSE ? EPOLLIN : 0) |
			(c->out_head ? EPOLLOUT : 0);
	struct epoll_event ev = { .events = want, .data.u64 = (uintptr_t)c };

	if (c->dead || want == c->ep_events)
		return;
	if (epoll_ctl(c->x->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->ep_events = want;
}

#define MAX_EVENTS 256

void *server_main(void *arg)
{
	struct xsd *x = arg;
	struct epoll_event ev[MAX_EVENTS];

	pthread_mutex_lock(&x->lock);
	while (!x->stop) {
		unsigned epoch;
		char drain[64];
		int rc;

		/* A dropped connection is never freed while it is on the
		 * touched list: the list is emptied before the reap. */
		for (struct conn *c = x->touched; c; c = c->touch_next)
			if (c->out_head)
				conn_flush(c);
		while (x->touched) {
			struct conn *c = x->touched;

			x->touched = c->touch_next;
			c->touched = false;
			conn_update_events(c);
		}
		conn_reap(x);
		epoch = x->epoch;

		pthread_mutex_unlock(&x->lock);
		rc = epoll_wait(x->epfd, ev, MAX_EVENTS, -1);
		pthread_mutex_lock(&x->lock);

		for (int i = 0; i < rc; i++)
			if (ev[i].data.u64 == 0)
				while (read(x->wake[0], drain, sizeof(drain)) > 0)
					;
		for (int i = 0; i < rc && x->epoch == epoch && !x->stop; i++) {
			uint64_t tag = ev[i].data.u64;
			uint32_t re = ev[i].events;

			if (tag == 0)
				continue;
			if (tag & TAG_LISTENER) {
				accept_all(x, (struct listener *)(uintptr_t)(tag & ~(uint64_t)TAG_LISTENER));
				continue;
			}
			struct conn *c = (struct conn *)(uintptr_t)tag;

			if (c->dead)
				continue;
			if (re & (EPOLLIN | EPOLLHUP | EPOLLERR))
				conn_read(c);
			if (!c->dead && (re & EPOLLOUT))
				conn_flush(c);
		}
	}
	pthread_mutex_unlock(&x->lock);
	return NULL;
}
