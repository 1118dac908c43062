/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The arbiter's xenstore side, on libxenstore. Watches make the steady
 * state free: a domain's keys are read only when its agent's `stamp` (or
 * its `memory/target`) fired a watch, so a cycle in which nothing changed
 * sends no request to xenstored at all.
 */
#ifndef MEMBAL_ARBITER_XSIO_H
#define MEMBAL_ARBITER_XSIO_H

#include <stdbool.h>
#include <stdint.h>

#include "arbiter/guest.h"
#include "arbiter/hv.h"

struct xs_handle;

/* One watch per domain on its memory/ directory (token "m<domid>"); the
 * event's path says what changed:
 *   memory/report         XSE_VALUE: a new agent's one value: one READ
 *                         (design.md §Report layout: one value or one key a figure)
 *   memory/stamp          XSE_STAMP: liveness only. An older agent's
 *                         heartbeat writes the stamp alone, so a quiet
 *                         guest costs the arbiter no request at all.
 *   memory/target         XSE_TARGET
 *   memory/static-max     XSE_MAX: the domain's maximum changed (a tool
 *                         lowering or raising it while the guest runs)
 *   another report key    XSE_REPORT: an older agent's report, read in
 *                         one transaction
 *   memory/ itself        XSE_WATCHED: the event sent when the watch is
 *                         set: whichever report there is
 * and one on its name (token "n<domid>", XSE_NAME: xl renames NAME--incoming
 * to NAME when a migration ends), plus "i" @introduceDomain and "r"
 * @releaseDomain. */
enum xsio_event { XSE_NONE, XSE_STAMP, XSE_TARGET, XSE_REPORT, XSE_VALUE,
		  XSE_WATCHED, XSE_INTRODUCE, XSE_RELEASE, XSE_NAME, XSE_MAX };

/* The connection to xenstored and its back-off: a failed connection is
 * tried again after 100 ms, then twice as long each time, up to 10 s. */
struct xsio_backoff {
	uint64_t retry_ms;       /* no attempt before this */
	uint32_t delay_ms;       /* the next wait */
};

void xsio_backoff_init(struct xsio_backoff *b);
/* A failure at now: the next attempt waits, and the wait doubles. */
void xsio_backoff_failed(struct xsio_backoff *b, uint64_t now);

/* Whether an attempt is due at now. */
static inline bool xsio_backoff_due(const struct xsio_backoff *b, uint64_t now)
{
	return now >= b->retry_ms;
}

/* A connection with the special watches set, or NULL (errno; b backs
 * off). A success resets b's wait. */
struct xs_handle *xsio_connect(struct xsio_backoff *b, uint64_t now);
/* Next pending watch event without blocking: XSE_NONE when none is left
 * (or the connection failed: *err set to errno, 0 otherwise). */
enum xsio_event xsio_next_event(struct xs_handle *h, uint32_t *domid, int *err);

/* What libxl wrote of a new domain: its name (printable, at most
 * name_size - 1 bytes; "domain-<id>" when absent), static-max and
 * videoram (0 when absent). *type comes in as the hypervisor says and
 * goes out told apart (PVH and HVM look alike to Xen). */
struct xsio_layout {
	char *name;
	size_t name_size;
	uint64_t static_max_kb;
	uint64_t videoram_kb;
	enum hv_dom_type type;
	bool no_videoram;       /* in: known absent (a listing): not read */
};

int xsio_read_layout(struct xs_handle *h, uint32_t domid, struct xsio_layout *l);
/* The domain's name, printable and bounded; -1 (errno) when unreadable. */
int xsio_read_name(struct xs_handle *h, uint32_t domid, char *buf, size_t size);
/* The hand-over (handover.c; design.md §The lazy hand-over): one transaction that lists
 * memory/ once, creates the nodes asked for that are not there (empty)
 * and makes the domain their owner. memory/target, static-max, videoram,
 * uncooperative and membal_state stay dom0's. */
struct xsio_handover {
	/* in */
	bool value;             /* memory/report, what a new agent writes */
	bool per_key;           /* the per-key keys, what an older one writes */
	/* out, valid when listed */
	bool listed;            /* memory/ was listed: the flags below hold */
	bool fresh;             /* neither memory/stamp nor memory/report was
				 * there: nothing published yet */
	bool per_key_handed;    /* the per-key keys are the domain's: asked
				 * for, or memory/stamp was there already (an
				 * earlier hand-over: this arbiter before a
				 * restart, or an older one) */
	bool has_state;         /* memory/membal_state is there */
	bool has_uncooperative; /* memory/uncooperative is there */
	bool has_videoram;      /* memory/videoram is there */
};

/* 0, or -1 (errno; ESRCH: the domain is gone). */
int xsio_hand_over_some(struct xs_handle *h, uint32_t domid, unsigned tries,
			struct xsio_handover *ho);
/* Every node at once, memory/report and the per-key keys (what an
 * arbiter did at adoption before the lazy hand-over). */
int xsio_hand_over(struct xs_handle *h, uint32_t domid, unsigned tries);
int xsio_watch_dom(struct xs_handle *h, uint32_t domid);
void xsio_unwatch_dom(struct xs_handle *h, uint32_t domid);

/* All report keys in one transaction (two publications never mix), then
 * guest_parse() within b. 1: new figures in *fig; 0: nothing published
 * yet, or refused (counted in *rej, the reason in last_reject); -1:
 * xenstore error. */
int xsio_read_report(struct xs_handle *h, uint32_t domid, unsigned tries,
		     const struct guest_bounds *b, struct guest_figures *fig,
		     struct guest_rejects *rej, char *last_reject,
		     size_t last_reject_size);
/* memory/report, one READ (no transaction: one node is read whole), then
 * guest_parse_value() within b. 1: new figures in *fig; 0: nothing
 * published (absent or empty: *published false) or refused (counted in
 * *rej, the reason in last_reject); -1: xenstore error. */
int xsio_read_report_value(struct xs_handle *h, uint32_t domid,
			   const struct guest_bounds *b, struct guest_figures *fig,
			   struct guest_rejects *rej, char *last_reject,
			   size_t last_reject_size, bool *published);
/* Whether memory/stamp holds anything (an older agent published per
 * key): 1 or 0, -1 on a xenstore error. */
int xsio_stamp_published(struct xs_handle *h, uint32_t domid);
/* memory/stamp alone, strictly (a heartbeat). 0, or -1 (errno; EINVAL
 * when garbage, ENOENT when absent). */
int xsio_read_stamp(struct xs_handle *h, uint32_t domid, uint64_t *stamp);
/* memory/target, strictly. 0, or -1 (errno; ENOENT when absent, EINVAL
 * when garbage). */
int xsio_read_target(struct xs_handle *h, uint32_t domid, uint64_t *kb);
int xsio_read_static_max(struct xs_handle *h, uint32_t domid, uint64_t *kb);
int xsio_write_target(struct xs_handle *h, uint32_t domid, uint64_t kb);
/* memory/membal_state: what a restarted arbiter must not forget about a
 * domain (holds, an OOM-raised minimum), written by dom0 only (the guest
 * cannot write in memory/). NULL when absent; malloc'd otherwise. */
char *xsio_read_state(struct xs_handle *h, uint32_t domid);
int xsio_write_state(struct xs_handle *h, uint32_t domid, const char *text);
/* memory/uncooperative: "1" or removed. */
int xsio_set_uncooperative(struct xs_handle *h, uint32_t domid, bool on);
bool xsio_get_uncooperative(struct xs_handle *h, uint32_t domid);

#endif
