/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hand-over of a domain's report nodes (design.md §The lazy hand-over):
 * libxl makes memory/ read-only to the guest, so a guest
 * cannot create a node there; the arbiter creates the nodes its agent
 * writes, empty, and makes the domain their owner. memory/report (what
 * a current agent writes) at adoption; the per-key keys (what an agent
 * older than key layout 3 writes) when asked, which the cycle does only
 * for a domain that has not written memory/report for per_key_after_ms.
 */
#include "arbiter/xsio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "common/keys.h"
#include "common/report_value.h"
#include "common/xs.h"

struct handover_ctx {
	uint32_t domid;
	struct xsio_handover *ho;
};

static bool listed(char **names, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* One node handed over: created empty unless listed (an agent's value
 * survives an arbiter restart), the domain made its owner. *created
 * says it was not there. */
static bool hand_one(struct xs_handle *h, xs_transaction_t t, uint32_t domid,
		     const char *dir, char **have, unsigned n, const char *name,
		     bool *created)
{
	struct xs_permissions perms[1] = { { .id = domid, .perms = XS_PERM_NONE } };
	char path[MXS_PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return false;
	*created = !listed(have, n, name);
	if (*created && !xs_write(h, t, path, "", 0))
		return false;
	return xs_set_permissions(h, t, path, perms, 1);
}

/*
 * One DIRECTORY of memory/ says which nodes exist: whether the home is
 * still there (memory/target, which the toolstack writes when it builds
 * the domain and removes with the home: a domain destroyed since it was
 * listed must not get orphan nodes, dom0 may create any path), which of
 * ours are there, and what the adoption need not read (membal_state,
 * uncooperative, videoram). Then a WRITE of each missing node asked for
 * and a SET_PERMS of each: 2 requests a node, the protocol's floor (a
 * node must exist before its permissions can be set).
 */
static int handover_body(struct xs_handle *h, xs_transaction_t t, void *arg)
{
	struct handover_ctx *c = arg;
	struct xsio_handover *ho = c->ho;
	uint32_t domid = c->domid;
	char dir[MXS_PATH_MAX];
	unsigned n = 0;
	char **have;
	bool created, report_created = false, stamp_there;
	int rc = -1;

	ho->listed = false;
	if (mxs_domain_path(dir, sizeof(dir), domid, "memory") < 0)
		return -1;
	have = xs_directory(h, t, dir, &n);
	if (!have || !listed(have, n, "target")) {
		if (!have && errno != ENOENT)
			return -1;
		free(have);
		errno = ESRCH;
		return -1;
	}
	stamp_there = listed(have, n, membal_key_name(MK_STAMP));
	ho->per_key_handed = ho->per_key || stamp_there;
	if (ho->per_key_handed) {
		for (int k = 0; k < MK_COUNT; k++) {
			if (!membal_keys[k].handed_over)
				continue;
			/* Keep what an agent already published (arbiter restart). */
			if (!hand_one(h, t, domid, dir, have, n, membal_key_name(k), &created))
				goto out;
		}
	}
	if (ho->value &&
	    !hand_one(h, t, domid, dir, have, n, REPORT_VALUE_KEY, &report_created))
		goto out;
	ho->fresh = !stamp_there && report_created;
	ho->has_state = listed(have, n, "membal_state");
	ho->has_uncooperative = listed(have, n, "uncooperative");
	ho->has_videoram = listed(have, n, "videoram");
	ho->listed = true;
	rc = 0;
out:
	free(have);
	return rc;
}

int xsio_hand_over_some(struct xs_handle *h, uint32_t domid, unsigned tries,
			struct xsio_handover *ho)
{
	struct handover_ctx c = { .domid = domid, .ho = ho };
	int rc = mxs_transact(h, tries, handover_body, &c, NULL);

	if (rc < 0)
		ho->listed = false;
	return rc;
}

int xsio_hand_over(struct xs_handle *h, uint32_t domid, unsigned tries)
{
	struct xsio_handover ho = { .value = true, .per_key = true };

	return xsio_hand_over_some(h, domid, tries, &ho);
}
