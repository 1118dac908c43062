/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The closed loop for the hardening tests (test_hostile, test_faults) and
 * the soak: the arbiter's real cycle, the sim backend, the in-process test
 * xenstored and the real libxenstore, on the driven clock, as in
 * tests/unit/test_arbiter_loop.c; plus
 *
 *  - a fault layer between the arbiter and the sim hypervisor: any
 *    hypervisor call can fail, outstanding claims can appear, the domain
 *    time of a cycle can pass after the listing (so a domain is destroyed
 *    between the listing and the writes), and the arbiter can be
 *    "killed" at its Nth maxmem or PoD call (before or after the call took
 *    effect): the cycle is abandoned there, as SIGKILL would leave it;
 *  - the rules checked after every cycle (loop_run), on what the arbiter
 *    actually wrote to xenstore and the hypervisor:
 *      R1 every target within [.., H_i], and no write asks a domain to
 *         shrink below L_i (V >= min(L_i, N_i));
 *      R2 the growth written this cycle fits in free memory above the
 *         reserves after what others were promised (design.md §Apply: from targets to this cycle's writes);
 *      R3 a domain allowed to grow has maxmem >= target + offset + 1 MiB;
 *    violations are counted and the first one is kept as text, so a test
 *    asserts loop->violations == 0 and prints the reason otherwise.
 *
 * Not cmocka-specific: the soak uses it as a plain program.
 */
#ifndef MEMBAL_TEST_LOOP_H
#define MEMBAL_TEST_LOOP_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arbiter/arbiter.h"
#include "simhost/hv_sim.h"

struct xsd;
struct xs_handle;

struct loop_faults {
	bool host, list, maxmem, pod;  /* these calls fail (EIO) */
	uint64_t claim_kb;             /* outstanding claims the host reports */
	bool late_destroy;             /* the time of a cycle passes inside
					* host(), after the listing and the
					* xenstore reads: a domain stopping
					* then is destroyed just before the
					* arbiter writes its targets */
	unsigned kill_at;              /* 0: off; else die at this maxmem/PoD call */
	bool kill_after;               /* ... after the call took effect */
};

struct loop {
	char dir[64];
	char sock[128];
	struct xsd *x;
	struct hv sim;                 /* the sim backend */
	struct hv hv;                  /* what the arbiter sees: sim + faults */
	struct sim_scenario sc;
	struct arbiter_config cfg;
	struct arbiter a;
	bool a_live;
	struct xs_handle *h0;          /* dom0 handle for the test */
	char *logbuf;
	size_t loglen;
	FILE *log;
	bool keep_log;                 /* false: the log goes nowhere (soak) */
	bool loose;                    /* LOOP_LOOSE */

	struct loop_faults f;
	uint64_t hv_mutations;         /* maxmem + PoD calls reaching the fault layer */
	uint64_t now_pending;          /* advance() deferred by late_destroy */
	bool have_pending;
	jmp_buf kill;
	bool kill_armed;
	unsigned kills;

	unsigned cycles;
	unsigned failed_cycles;        /* arbiter_cycle() returned -1 */
	unsigned violations;
	char first_violation[512];
	uint64_t writes_last_cycle;    /* targets that changed in the last cycle */

	/* loop_publish()'s connections, one per guest, kept open */
	struct { uint32_t domid; struct xs_handle *h; } guest[16];
};

/* loop_start() flags */
#define LOOP_KEEP_LOG 1u   /* collect the log for loop_log() */
#define LOOP_LOOSE 2u      /* no round trips to make runs repeatable: the
			    * sim takes balloon events as they come, the
			    * arbiter its watch events (soak: fewer requests) */
#define LOOP_QUIET_AGENTS 4u  /* agents publish on 64 MiB moves or every 20 s */

/* Scenario text (sim_scenario.h), agents, arbiter.ini text (NULL: the
 * defaults), LOOP_* flags. */
struct loop *loop_start(const char *scenario, enum sim_agents agents,
			const char *arbiter_ini, unsigned flags);
void loop_stop(struct loop *l);

/* One interval, one arbiter cycle, the checks. Returns arbiter_cycle()'s
 * value, or -2 when the cycle was killed (the arbiter is then dead:
 * loop_restart_arbiter()). */
int loop_cycle(struct loop *l);
void loop_run(struct loop *l, unsigned cycles);
/* kill -9 and start again: every byte of the old process's memory gone,
 * its xenstore connection closed; the new one starts from xenstore and
 * the hypervisor only. */
void loop_restart_arbiter(struct loop *l);

const char *loop_log(struct loop *l);
/* memory/target of a domain, 0 when absent or garbage. */
uint64_t loop_target(struct loop *l, uint32_t domid);
const struct sim_dom *loop_sdom(struct loop *l, uint32_t domid);
struct dom *loop_adom(struct loop *l, uint32_t domid);
uint64_t loop_host_free(struct loop *l);
/* L_i and H_i as the configuration and static-max make them. */
void loop_bounds(struct loop *l, uint32_t domid, uint64_t *min_kb, uint64_t *max_kb);

/* A fake agent: whatever a guest (root inside it) writes, through the
 * guest's own xenstore connection, so it has a guest's rights and quota. */
struct xs_handle *loop_open_as(struct loop *l, uint32_t domid);
struct loop_fig {
	uint64_t tot, free, avail, committed_as, swap_tot, swap_free;
	uint64_t balloon_current, balloon_target, oom_kills, psi_some, swapin_rate;
	bool no_avail, no_balloon;
};
/* One publication like an agent's: one transaction, a new stamp (unless
 * stamp is not 0: then that stamp; LOOP_NO_STAMP: the stamp key is not
 * written at all). false if xenstored refused it. */
#define LOOP_NO_STAMP UINT64_MAX
bool loop_publish(struct loop *l, uint32_t domid, const struct loop_fig *f,
		  uint64_t stamp);
bool loop_guest_write(struct xs_handle *h, uint32_t domid, const char *key,
		      const char *val, size_t len);

/* A 2560 MiB host, dom0 512: three agentless guests a, b, c (domids
 * 1-3) of 512 MiB, static-max 2048, 512 MiB free at the start; and a
 * configuration that makes a silent guest stale after 8 s, with b's own
 * ceiling (max_mb 1024) below its static-max. Shared by test_hostile and
 * test_stale_keep. */
#define LOOP_THREE_GUESTS \
	"[host]\ntotal_mb = 2560\ndom0_mb = 512\n" \
	"[guest a]\ndomid = 1\nmemory_mb = 512\nstatic_max_mb = 2048\nagent = no\n" \
	"[guest b]\ndomid = 2\nmemory_mb = 512\nstatic_max_mb = 2048\nagent = no\n" \
	"[guest c]\ndomid = 3\nmemory_mb = 512\nstatic_max_mb = 2048\nagent = no\n"
#define LOOP_STALE_B_CAPPED \
	"[daemon]\nstale_after_ms = 8000\nstuck_after_ms = 5000\n" \
	"[domain b]\nmax_mb = 1024\n"

#endif
