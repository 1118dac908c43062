/* SPDX-License-Identifier: GPL-2.0-only */
#include "arbiter/manage.h"

static bool admitted(const struct arbiter_config *c, const struct domain_rule *r,
		     const char *name, enum hv_dom_type type)
{
	if (r && r->has_managed && !r->managed)
		return false;
	/* managed = yes overrides the exclude patterns, not the type opt-in. */
	if (!(r && r->has_managed && r->managed) && arbiter_config_excluded(c, name))
		return false;
	switch (type) {
	case HV_TYPE_PV:
		return true;
	case HV_TYPE_PVH:
		return c->manage_pvh;
	case HV_TYPE_HVM:
		return c->manage_hvm;
	default:
		return false;
	}
}

bool manage_admitted(const struct arbiter_config *c, const char *name,
		     enum hv_dom_type type)
{
	return admitted(c, arbiter_config_rule(c, name), name, type);
}

void manage_rule(const struct arbiter_config *c, const char *name,
		 enum hv_dom_type type, uint64_t static_max_kb,
		 uint64_t maxmem_kb, struct manage_verdict *v)
{
	const struct policy_params *p = &c->policy.params;
	const struct domain_rule *r = arbiter_config_rule(c, name);
	/* H_i never exceeds what the guest can see. */
	uint64_t cap = static_max_kb ? static_max_kb : maxmem_kb;

	v->admitted = admitted(c, r, name, type);
	/* An explicit [domain] min_mb is the administrator's own word. */
	v->min_kb = r && r->has_min ? r->min_kb : p->min_kb;
	v->max_kb = r && r->has_max ? r->max_kb : (p->max_kb ? p->max_kb : cap);
	if (cap && v->max_kb > cap)
		v->max_kb = cap;
	v->shares = r && r->has_shares ? r->shares : p->shares;
	v->bad_bounds = v->min_kb > v->max_kb;
}
