/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What each state and flag of `membalctl status` means: what caused it
 * and what to do. The same text is in README.md ("Reading membalctl
 * status") and docs/membalctl-status.md; keep the three together.
 */
#include <string.h>

#include "ctl/status_view.h"

static const struct st_explain states[] = {
	{ "managed", "the arbiter decided this domain's target this cycle",
	  "nothing; the Why column tells which stage set the target" },
	{ "dom0", "dom0 in dom0_mode = fixed, or without a fresh agent report",
	  "nothing, or set dom0_mode = priority and run membal-agent in dom0" },
	{ "dying", "the domain is being destroyed or has shut down",
	  "nothing; it leaves the list when Xen has freed it" },
	{ "paused", "the toolstack paused the domain (xl pause, migration, save)",
	  "nothing; it is managed again when it runs" },
	{ "excluded", "an exclude pattern, managed = no in its [domain NAME] section, or a type not opted in",
	  "change arbiter.ini if it should be balanced" },
	{ "no-agent", "no valid report from membal-agent in the guest yet",
	  "install and start membal-agent in the guest; its target is left as it is" },
	{ "stale", "the agent's report has not changed for stale_after_ms",
	  "check membal-agent in the guest (systemctl status membal-agent); the target is frozen meanwhile" },
	{ "hold-manual", "someone else wrote memory/target (xl mem-set)",
	  "membalctl resume DOMAIN to manage it again" },
	{ "hold-paused", "membalctl pause", "membalctl resume DOMAIN (or resume --all)" },
	{ "uncooperative", "the guest did not shrink to its target for stuck_after_ms",
	  "check the guest's balloon driver; its memory is not handed to others meanwhile" },
	{ "pod-settling", "an HVM/PVH guest with populate-on-demand whose balloon has not reached its target",
	  "wait; it is managed once the balloon has caught up" },
	{ "no-target", "memory/target could not be read", "check xenstored and the domain's xenstore tree" },
	{ "bad-bounds", "the domain's minimum is above its maximum (static-max unknown or smaller than min)",
	  "fix min_mb/max_mb in its [domain NAME] section or the domain's maxmem" },
	{ NULL, NULL, NULL },
};

static const struct st_explain flags[] = {
	{ "pressure", "not shrunk this cycle: PSI memory pressure or swap-in above the thresholds",
	  "nothing; a busy guest keeps its memory" },
	{ "oom-min", "the guest reported an OOM kill: its minimum is raised for a while",
	  "nothing, or raise min_mb for this domain if it recurs" },
	{ "growing", "memory was granted and the guest has not taken it yet",
	  "nothing; an untaken grant is withdrawn after stuck_after_ms" },
	{ "maxmem-cap", "someone else set Xen's maxmem (xl mem-max): targets stay at most that maxmem - 1 MiB - videoram",
	  "xl mem-max DOMAIN to its static-max or more (or xl mem-set) lifts it" },
	{ "uncooperative", "see the state of the same name (also shown while another state applies)", "" },
	{ "hold-manual", "see the state of the same name", "" },
	{ "hold-paused", "see the state of the same name", "" },
	{ NULL, NULL, NULL },
};

static const struct st_explain *find(const struct st_explain *t, const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

const struct st_explain *st_explain_state(const char *name)
{
	return find(states, name);
}

const struct st_explain *st_explain_flag(const char *name)
{
	return find(flags, name) ? find(flags, name) : find(states, name);
}
