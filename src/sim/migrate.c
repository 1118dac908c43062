/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Live migration's pre-copy, as Xen's save loop does it (libxc
 * xc_domain_save: send every page, then the pages dirtied meanwhile, a
 * bounded number of times, then pause the guest and send the rest).
 *
 * The defaults: a 1 GbE migration network (about 110 MiB/s of payload),
 * 5 rounds (libxc's default max_iters before Xen 4.6), stop below 50
 * pages (libxc's DEF_MAX_FACTOR-era threshold), 100 ms to resume on the
 * destination (unpause, device reconnect), and 20 s for the destination
 * arbiter to free the memory the guest needs before the move is given up.
 */
#include "sim/multi.h"

void migrate_params_default(struct migrate_params *p)
{
	*p = (struct migrate_params){
		.bandwidth_kb_s = 110 * 1024,
		.max_rounds = 5,
		.stop_kb = 50 * 4,
		.resume_ms = 100,
		.reserve_wait_ms = 20000,
	};
}

static uint64_t send_ms(const struct migrate_params *p, uint64_t kb)
{
	/* Rounded up: a page on the wire takes some time. */
	return (kb * 1000 + p->bandwidth_kb_s - 1) / p->bandwidth_kb_s;
}

void migrate_estimate(const struct migrate_params *p, uint64_t size_kb,
		      uint64_t dirty_kb_s, struct migrate_plan *out)
{
	uint64_t left = size_kb, t;

	*out = (struct migrate_plan){ 0 };
	for (;;) {
		uint64_t dirtied;

		t = send_ms(p, left);
		out->rounds++;
		out->bytes_kb += left;
		out->precopy_ms += t;
		dirtied = dirty_kb_s * t / 1000;
		if (dirtied > size_kb)
			dirtied = size_kb;
		/* Converged, not converging, or out of rounds: stop and copy. */
		if (dirtied <= p->stop_kb || dirtied >= left ||
		    out->rounds >= p->max_rounds) {
			left = dirtied;
			break;
		}
		left = dirtied;
	}
	out->bytes_kb += left;
	out->downtime_ms = send_ms(p, left) + p->resume_ms;
	out->total_ms = out->precopy_ms + out->downtime_ms;
}
