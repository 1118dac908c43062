/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent follows its domid. After `xl restore` or a live migration the
 * guest runs on under a new domain id: the kernel reconnects xenbus and
 * re-registers every watch, our descriptor stays open and libxenstore
 * reports no error, but /local/domain/<old id> is gone (seen on Xen 4.17:
 * an agent publishing under its old id, refused, for ever). So, unless the
 * domid was fixed by --domid or agent.ini:
 *  - watches on "domid", relative and absolute (the re-registration fires
 *    them; a real guest refused the relative one);
 *  - "domid" re-read by relative path when it fires, and when a
 *    publication is refused with EACCES or ENOENT;
 *  - a change: one log line (old -> new), publication state dropped, then
 *    the destination arbiter's hand-over awaited like at boot. While the
 *    new home has no "domid" yet, nothing is written anywhere.
 */
#ifndef MEMBAL_AGENT_FOLLOW_H
#define MEMBAL_AGENT_FOLLOW_H

#include <stdbool.h>
#include <stdint.h>

struct agent;

/* After a connection is made: the watch (logged once if refused). */
void follow_arm(struct agent *a);
/* Pending "domid" watch events taken; true if any. Never blocks. */
bool follow_fired(struct agent *a);
/* Re-read "domid". 1: it changed (state dropped, logged); 0: same;
 * -1: unreadable (the new home is not built yet): a->domid_lost set,
 * nothing is published until it is readable. */
int follow_check(struct agent *a, uint64_t now);

#endif
