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

#include "arbiter/arbiter.h"

/* One watch per domain on its memory/ directory (token "m<domid>"); the
 * event's path says what changed:
 *   memory/stamp          XSE_STAMP: liveness only. An agent's heartbeat
 *                         writes the stamp alone, so a quiet guest costs
 *                         the arbiter no request at all.
 *   memory/target         XSE_TARGET
 *   another report key,   XSE_REPORT: read the report (one transaction)
 *   or memory/ itself     (the event sent when the watch is set)
 * plus "i" @introduceDomain and "r" @releaseDomain. */
enum xsio_event { XSE_NONE, XSE_STAMP, XSE_TARGET, XSE_REPORT, XSE_INTRODUCE,
		  XSE_RELEASE };

struct xs_handle *xsio_open(void);
/* Set the special watches on a fresh connection. */
bool xsio_watch_specials(struct xs_handle *h);
/* Next pending watch event without blocking: XSE_NONE when none is left
 * (or the connection failed: *err set to errno, 0 otherwise). */
enum xsio_event xsio_next_event(struct xs_handle *h, uint32_t *domid, int *err);

/* Read name, static-max and videoram from a new domain's home. */
int xsio_read_layout(struct xs_handle *h, struct dom *d);
/* Create the agent's report keys the domain does not have yet and make it
 * their owner (SPEC §4); memory/target stays read-only to the guest. */
int xsio_hand_over(struct xs_handle *h, const struct dom *d, unsigned tries);
int xsio_watch_dom(struct xs_handle *h, const struct dom *d);
void xsio_unwatch_dom(struct xs_handle *h, uint32_t domid);

/* All report keys in one transaction (two publications never mix), then
 * guest_parse(). 1: new figures; 0: refused (counted); -1: xenstore error. */
int xsio_read_report(struct xs_handle *h, struct dom *d, unsigned tries);
/* memory/stamp alone, strictly (a heartbeat). 0, or -1 (errno; EINVAL
 * when garbage, ENOENT when absent). */
int xsio_read_stamp(struct xs_handle *h, uint32_t domid, uint64_t *stamp);
/* memory/target, strictly. 0, or -1 (errno; ENOENT when absent, EINVAL
 * when garbage). */
int xsio_read_target(struct xs_handle *h, uint32_t domid, uint64_t *kb);
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
