/* SPDX-License-Identifier: GPL-2.0-only */
#include <json-c/json.h>

#include "arbiter/arbiter.h"

/* The working-set estimates of one domain as status JSON members
 * ("est_<name>_kb", null when the report lacks what one needs, and
 * "est_default"). They are not decisions: the policy still sizes by
 * Committed_AS (design.md §Guest figures and working-set estimators). */
void status_estimates_add(struct json_object *o, const struct dom *d)
{
	struct estimate_in in;
	char key[48];

	if (d->have_fig)
		guest_estimate_input(&d->fig, &d->hist, &in);
	for (int e = 0; e < EST_COUNT; e++) {
		uint64_t kb;

		snprintf(key, sizeof(key), "est_%s_kb", estimator_name((enum estimator)e));
		json_object_object_add(o, key, d->have_fig && estimate((enum estimator)e, &in, &kb)
				       ? json_object_new_uint64(kb) : NULL);
	}
	json_object_object_add(o, "est_default", d->have_fig
		? json_object_new_string(estimator_name(estimate_default(&in, &(uint64_t){ 0 })))
		: NULL);
	/* How long the swap has been quiet, and how much of what is in it
	 * is cold: no longer need (design.md §Cold swap is not need). */
	json_object_object_add(o, "swap_quiet_ms", d->have_fig
		? json_object_new_uint64(d->hist.cold.quiet_ms) : NULL);
	json_object_object_add(o, "swap_cold_kb", d->have_fig
		? json_object_new_uint64(d->hist.cold.cold_kb) : NULL);
}
