/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The public functions of the test xenstored (TEST INFRASTRUCTURE, see
 * xsd.h): each takes the server lock, does its work as dom0 would, and
 * wakes the server thread so that queued watch events go out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "xenstored/xsd_int.h"

static void xsd_free(struct xsd *x)
{
	conn_drop_all(x);
	conn_reap(x);
	while (x->listeners)
		listener_close(x, x->listeners);
	if (x->store.buckets)
		store_clear(&x->store);
	domain_clear_all(x);
	free(x->wtab);
	free(x->dom_events);
	free(x->dom_index);
	free(x->introduce_perms);
	free(x->release_perms);
	if (x->wake[0] >= 0)
		close(x->wake[0]);
	if (x->wake[1] >= 0)
		close(x->wake[1]);
	if (x->epfd >= 0)
		close(x->epfd);
	free(x->socket_path);
	free(x->domain_dir);
	pthread_mutex_destroy(&x->lock);
	free(x);
}

/* A host of a thousand domains is a thousand connections and as many
 * domain sockets: take the hard limit of descriptors, as membal-sim
 * does. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);   /* best effort */
	}
}

struct xsd *xsd_start(const struct xsd_options *opt)
{
	struct xsd *x;
	int err;

	if (!opt || !opt->socket_path) {
		errno = EINVAL;
		return NULL;
	}
	x = xsd_alloc(sizeof(*x));
	pthread_mutex_init(&x->lock, NULL);
	x->wake[0] = x->wake[1] = -1;
	x->epfd = -1;
	raise_nofile();
	x->socket_path = xsd_strdup(opt->socket_path);
	x->domain_dir = opt->domain_socket_dir ? xsd_strdup(opt->domain_socket_dir)
					       : NULL;
	x->quota_nodes = opt->quota_nodes ? opt->quota_nodes : XSD_QUOTA_NODES;
	x->quota_node_bytes = opt->quota_node_bytes ? opt->quota_node_bytes
						    : XSD_QUOTA_NODE_BYTES;
	x->verbose = opt->verbose;
	x->refuse_relative_watches = opt->refuse_relative_watches;
	store_init(&x->store);
	special_perms_reset(x);
	tree_init(x);
	x->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (x->epfd < 0 || pipe2(x->wake, O_NONBLOCK | O_CLOEXEC) < 0)
		goto fail;
	server_watch_fd(x, x->wake[0], NULL, false, EPOLLIN);
	if (listener_open(x, x->socket_path, 0, true) < 0)
		goto fail;
	err = pthread_create(&x->thread, NULL, server_main, x);
	if (err) {
		errno = err;
		goto fail;
	}
	x->thread_started = true;
	return x;
fail:
	err = errno;
	xsd_free(x);
	errno = err;
	return NULL;
}

void xsd_stop(struct xsd *x)
{
	if (!x)
		return;
	pthread_mutex_lock(&x->lock);
	x->stop = true;
	server_wake(x);
	pthread_mutex_unlock(&x->lock);
	if (x->thread_started)
		pthread_join(x->thread, NULL);
	xsd_free(x);
}

/* errno convention of the API from the internal "0 or errno". */
static int api_result(struct xsd *x, int err)
{
	server_wake(x);
	pthread_mutex_unlock(&x->lock);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int xsd_introduce_domain(struct xsd *x, unsigned domid, const char *name,
			 uint64_t target_kb, uint64_t static_max_kb)
{
	pthread_mutex_lock(&x->lock);
	return api_result(x, domain_introduce(x, domid, name, target_kb,
					      static_max_kb));
}

int xsd_release_domain(struct xsd *x, unsigned domid)
{
	pthread_mutex_lock(&x->lock);
	return api_result(x, domain_release(x, domid));
}

int xsd_rehome_domain(struct xsd *x, unsigned old, unsigned domid)
{
	pthread_mutex_lock(&x->lock);
	return api_result(x, domain_rehome(x, old, domid));
}

uint64_t xsd_domain_events(struct xsd *x, unsigned domid)
{
	uint64_t n = 0;

	pthread_mutex_lock(&x->lock);
	if (x->dom_events && domid < MEMBAL_DOMID_LIMIT)
		n = x->dom_events[domid];
	pthread_mutex_unlock(&x->lock);
	return n;
}

const char *xsd_domain_socket(struct xsd *x, unsigned domid)
{
	const char *path = NULL;
	struct listener *l;
	char *p;

	pthread_mutex_lock(&x->lock);
	if (!x->domain_dir) {
		errno = ENOENT;
	} else if (domid >= MEMBAL_DOMID_LIMIT) {
		errno = EINVAL;
	} else {
		l = listener_find(x, domid);
		if (!l) {
			p = xsd_printf("%s/dom%u", x->domain_dir, domid);
			if (listener_open(x, p, domid, false) == 0)
				l = listener_find(x, domid);
			free(p);
		}
		if (l)
			path = l->path;
	}
	server_wake(x);
	pthread_mutex_unlock(&x->lock);
	return path;
}

void xsd_drop_connections(struct xsd *x)
{
	pthread_mutex_lock(&x->lock);
	conn_drop_all(x);
	api_result(x, 0);
}

void xsd_fail_transactions(struct xsd *x, unsigned n)
{
	pthread_mutex_lock(&x->lock);
	x->fail_commits = n;
	pthread_mutex_unlock(&x->lock);
}

int xsd_restart(struct xsd *x, bool keep_tree)
{
	int err = 0;

	pthread_mutex_lock(&x->lock);
	conn_drop_all(x);
	if (!keep_tree) {
		store_clear(&x->store);
		store_init(&x->store);
		domain_clear_all(x);
		special_perms_reset(x);
		tree_init(x);
	}
	if (listeners_reopen(x) < 0)
		err = errno;
	return api_result(x, err);
}

void xsd_get_stats(struct xsd *x, struct xsd_stats *out)
{
	unsigned n = 0;

	pthread_mutex_lock(&x->lock);
	*out = x->stats;
	for (const struct conn *c = x->conns; c; c = c->next)
		n += !c->dead;
	out->connections = n;
	out->nodes = (unsigned)x->store.count;
	pthread_mutex_unlock(&x->lock);
}

void xsd_reset_stats(struct xsd *x)
{
	pthread_mutex_lock(&x->lock);
	memset(&x->stats, 0, sizeof(x->stats));
	pthread_mutex_unlock(&x->lock);
}

int xsd_write(struct xsd *x, const char *path, const char *value)
{
	struct view v = { .x = x, .conn = NULL, .tx = NULL };

	if (!path || !value) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&x->lock);
	return api_result(x, op_write(&v, path, value, (unsigned)strlen(value)));
}

int xsd_rm(struct xsd *x, const char *path)
{
	struct view v = { .x = x, .conn = NULL, .tx = NULL };

	if (!path || !path_is_valid(path)) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&x->lock);
	return api_result(x, op_rm(&v, path));
}

char *xsd_read(struct xsd *x, const char *path)
{
	const struct node *n;
	char *value = NULL;

	if (!path) {
		errno = EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&x->lock);
	n = store_get(&x->store, path);
	if (n)
		value = xsd_memdup(n->value, n->vlen);
	pthread_mutex_unlock(&x->lock);
	if (!n)
		errno = ENOENT;
	return value;
}

char *xsd_dump(struct xsd *x)
{
	char *out;

	pthread_mutex_lock(&x->lock);
	out = tree_dump(x);
	pthread_mutex_unlock(&x->lock);
	return out;
}
