/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test fixture around the test xenstored (see xsd_fixture.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xsd_fixture.h"

bool fx_start(struct fx *f, unsigned quota_nodes, unsigned quota_node_bytes)
{
	struct xsd_options o = { 0 };

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/membal-xsd-XXXXXX");
	if (!mkdtemp(f->dir))
		return false;
	snprintf(f->sock, sizeof(f->sock), "%s/socket", f->dir);
	snprintf(f->domdir, sizeof(f->domdir), "%s/domains", f->dir);
	o.socket_path = f->sock;
	o.domain_socket_dir = f->domdir;
	o.quota_nodes = quota_nodes;
	o.quota_node_bytes = quota_node_bytes;
	f->x = xsd_start(&o);
	return f->x != NULL;
}

void fx_stop(struct fx *f)
{
	xsd_stop(f->x);
	f->x = NULL;
	rmdir(f->domdir);
	rmdir(f->dir);
}

struct xs_handle *fx_open_path(const char *path)
{
	struct xs_handle *h;

	if (!path)
		return NULL;
	setenv("XENSTORED_PATH", path, 1);
	h = xs_open(0);
	unsetenv("XENSTORED_PATH");
	return h;
}

struct xs_handle *fx_open_dom0(struct fx *f)
{
	return fx_open_path(f->sock);
}

struct xs_handle *fx_open_dom(struct fx *f, unsigned domid)
{
	return fx_open_path(xsd_domain_socket(f->x, domid));
}

bool fx_next_event(struct xs_handle *h, const char *path, const char *token,
		   int timeout_ms)
{
	struct pollfd p = { .fd = xs_fileno(h), .events = POLLIN };
	char **ev;
	bool ok;

	while (!(ev = xs_check_watch(h))) {
		if (errno != EAGAIN || poll(&p, 1, timeout_ms) <= 0)
			return false;
	}
	ok = !strcmp(ev[XS_WATCH_PATH], path) && !strcmp(ev[XS_WATCH_TOKEN], token);
	if (!ok)
		fprintf(stderr, "event %s %s, expected %s %s\n", ev[XS_WATCH_PATH],
			ev[XS_WATCH_TOKEN], path, token);
	free(ev);
	return ok;
}

int fx_drain_events(struct xs_handle *h, char *buf, size_t size)
{
	char **ev;
	int n = 0;
	size_t used = 0;

	/* The reply to this comes after every event queued before it. */
	free(xs_get_domain_path(h, 0));
	buf[0] = '\0';
	while ((ev = xs_check_watch(h))) {
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0,
					 "%s%s", n ? " " : "", ev[XS_WATCH_PATH]);
		n++;
		free(ev);
	}
	return n;
}

char *fx_read(struct xs_handle *h, const char *path)
{
	return xs_read(h, XBT_NULL, path, NULL);
}

int fx_write_err(struct xs_handle *h, const char *path, const char *value)
{
	if (xs_write(h, XBT_NULL, path, value, (unsigned)strlen(value)))
		return 0;
	return errno;
}
