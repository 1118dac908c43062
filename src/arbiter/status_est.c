#include <stdio.h>

#include "arbiter/arbiter.h"

/* The working-set estimates of one domain as status JSON fields
 * ("est_<name>_kb", null when the report lacks what one needs), followed
 * by a comma. They are not decisions: the policy still sizes by
 * Committed_AS (docs/design.md, "Guest figures and working-set
 * estimators"). */
void status_estimates_json(FILE *f, const struct dom *d)
{
	struct estimate_in in;

	if (d->have_fig)
		guest_estimate_input(&d->fig, &d->hist, &in);
	for (int e = 0; e < EST_COUNT; e++) {
		uint64_t kb;

		fprintf(f, "\"est_%s_kb\":", estimator_name((enum estimator)e));
		if (d->have_fig && estimate((enum estimator)e, &in, &kb))
			fprintf(f, "%llu,", (unsigned long long)kb);
		else
			fprintf(f, "null,");
	}
	fprintf(f, "\"est_default\":\"%s\",", d->have_fig
		? estimator_name(estimate_default(&in, &(uint64_t){ 0 })) : "none");
}
