/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test fixture around the test xenstored: a server on a socket in a fresh
 * mkdtemp directory, and real libxenstore handles on it, as dom0 (main
 * socket) or as a domain (its socket). For the tests in tests/xenstored/
 * and for anyone else's tests that want a xenstore.
 */
#ifndef MEMBAL_TEST_XSD_FIXTURE_H
#define MEMBAL_TEST_XSD_FIXTURE_H

#include <stdbool.h>
#include <xenstore.h>

#include "xenstored/xsd.h"

struct fx {
	char dir[64];
	char sock[96];
	char domdir[96];
	struct xsd *x;
};

/* quota 0 = xenstored's default. Returns false (errno) on failure. */
bool fx_start(struct fx *f, unsigned quota_nodes, unsigned quota_node_bytes);
void fx_stop(struct fx *f);

/* xs_open(0) with XENSTORED_PATH=path (NULL on failure). */
struct xs_handle *fx_open_path(const char *path);
struct xs_handle *fx_open_dom0(struct fx *f);
struct xs_handle *fx_open_dom(struct fx *f, unsigned domid);

/* Wait (at most timeout_ms, for failures only) for the next watch event
 * and check it is path/token. */
bool fx_next_event(struct xs_handle *h, const char *path, const char *token,
		   int timeout_ms);
/* Events already delivered: a round trip first, so that every event
 * queued for h before now has been read by libxenstore. Returns the
 * number of events, their paths joined by ' ' in buf. */
int fx_drain_events(struct xs_handle *h, char *buf, size_t size);

/* Value of path or NULL (malloc'd, through h). */
char *fx_read(struct xs_handle *h, const char *path);
/* errno of a failed call, 0 if it succeeded. */
int fx_write_err(struct xs_handle *h, const char *path, const char *value);

#endif
