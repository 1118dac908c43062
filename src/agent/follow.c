/* SPDX-License-Identifier: GPL-2.0-only */
#include "agent/follow.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "agent/agent.h"
#include "common/domid.h"
#include "common/log.h"
#include "common/parse.h"
#include "common/xs.h"

#define FOLLOW_TOKEN "membal-domid"

void follow_arm(struct agent *a)
{
	char path[MXS_PATH_MAX];
	bool rel, abs;
	int err;

	if (!a->follow || !a->xs)
		return;
	/* Relative: after a resume the kernel re-registers it under the new
	 * home, and the event that re-registration fires is our signal. A
	 * real guest was seen refusing it (EINVAL, Xen 4.17 with oxenstored),
	 * so the absolute path too: re-registered under the old home, it
	 * fires all the same (xenstored fires every watch once when it is
	 * set), and "domid" is then re-read by relative path. */
	rel = xs_watch(a->xs, "domid", FOLLOW_TOKEN);
	err = errno;
	mxs_domain_path(path, sizeof(path), a->domid, "domid");
	abs = xs_watch(a->xs, path, FOLLOW_TOKEN);
	if (!abs)
		err = errno;
	if (!rel && !abs && !a->said_nowatch)
		log_warn("cannot watch xenstore key 'domid' (%s): a new domain id after migration is noticed only when a publication is refused",
			 strerror(err));
	else if (!rel)
		log_debug("relative watch on 'domid' refused (%s); watching %s", strerror(err), path);
	a->said_nowatch = !rel && !abs;
}

bool follow_fired(struct agent *a)
{
	bool any = false;
	char **ev;

	if (!a->follow || !a->xs)
		return false;
	while ((ev = xs_check_watch(a->xs))) {
		if (!strcmp(ev[XS_WATCH_TOKEN], FOLLOW_TOKEN))
			any = true;
		free(ev);
	}
	return any;
}

int follow_check(struct agent *a, uint64_t now)
{
	unsigned len = 0;
	uint64_t v;
	char *s;
	enum parse_err e;

	if (!a->follow || !a->xs)
		return 0;
	s = xs_read(a->xs, XBT_NULL, "domid", &len);
	int err = errno;
	bool got = s != NULL;

	e = got ? parse_u64n(s, len, PARSE_U64_MAXLEN, 0, MEMBAL_DOMID_LIMIT - 1, &v)
		: PARSE_EMPTY;
	free(s);
	if (e != PARSE_OK) {
		/* Resumed, the new home not built yet: write nothing, under
		 * the old id least of all. */
		if (!a->domid_lost)
			log_info("xenstore key 'domid' unreadable (%s); not publishing until it is",
				 got ? parse_strerror(e) : strerror(err));
		a->domid_lost = true;
		a->next_try_ms = now + a->cfg.handover_retry_ms;
		return -1;
	}
	a->domid_lost = false;
	if ((uint32_t)v == a->domid)
		return 0;
	log_notice("domain id changed: %u -> %u (resumed after a migration or a restore); waiting for the arbiter's hand-over of /local/domain/%llu/memory",
		   a->domid, (unsigned)v, (unsigned long long)v);
	a->domid = (uint32_t)v;
	a->domid_changes++;
	/* Nothing we published is there any more: start afresh, as after
	 * a reconnection, and say nothing more until the hand-over. */
	a->have_last = false;
	a->version_written = false;
	a->value_mode = false;      /* the new home's hand-over tells */
	a->value_refused = false;
	a->said_waiting = true;
	a->state = AGENT_WAITING;
	a->next_try_ms = now;
	return 1;
}
