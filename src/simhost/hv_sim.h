/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The sim backend of hv.h: a simulated Xen host (sim_model.h) whose
 * domains live in a TEST xenstored, so that the arbiter's xenstore side
 * runs unchanged against it.
 *
 * What it does, as the pieces of a real host would:
 *  - as the toolstack (libxl, Xen 4.17): at a guest's start_s it writes
 *    /local/domain/<id>, /vm/<uuid> and /libxl/<id> with libxl's layout
 *    and permissions (libxl__domain_make, then libxl__build_post), then
 *    xs_introduce_domain() (@introduceDomain). At stop_s it removes those
 *    paths (libxl's devices_destroy_cb order) and xs_release_domain()
 *    stands for xenstored noticing the domain died (@releaseDomain).
 *  - as each guest's balloon driver: a xenstore watch on memory/target on
 *    a connection that acts as the domain; the value is read when the
 *    watch fires and parsed strictly. Steady state costs no request.
 *  - as the hypervisor: host(), list(), set_maxmem(), set_pod_target(),
 *    dom_type(), and balloons that move at a bounded rate (advance()).
 *  - as each guest kernel: the figures of sim_model.h, written as files
 *    (sim_guestfs.h) for agents; in-process agents (agent_step()) or
 *    external membal-agent processes read them and publish through the
 *    domain's own connection, so xenstored's permission rules apply.
 *
 * Time: scenario times count from hv_sim_open(), read on common/clock.h's
 * clock; advance(now_ms) takes the same clock's reading and moves the
 * model in steps of at most SIM_MODEL_STEP_MS (balloons, then guests),
 * then writes the guests' files and runs the agents once, at now_ms.
 */
#ifndef MEMBAL_HV_SIM_H
#define MEMBAL_HV_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "arbiter/hv.h"
#include "simhost/model.h"
#include "simhost/scenario.h"

struct agent_config;

/* The model's time step: balloons move and guests feel it at this
 * resolution (a tenth of the arbiter's default interval). */
#define SIM_MODEL_STEP_MS 100

enum sim_agents {
	SIM_AGENTS_NONE,       /* nothing publishes (files are still written) */
	SIM_AGENTS_INPROCESS,  /* agent_step() per guest inside advance() */
	SIM_AGENTS_EXTERNAL,   /* membal-agent processes, run by someone else */
};

/* Called when the simulated hypervisor creates domain domid, BEFORE its
 * xenstore home is written: it must make xenstored know that the domain
 * exists (permissions naming an unknown domain are ignored) and return
 * the path of a socket whose connections act as that domain. For the
 * in-process test xenstored: xsd_domain_socket(). NULL: no such socket. */
typedef const char *(*sim_domain_socket_fn)(void *ctx, uint32_t domid);
/* The count of watch events queued so far to domid's connections
 * (xsd_domain_events() of the in-process test xenstored). */
typedef uint64_t (*sim_domain_events_fn)(void *ctx, uint32_t domid);

/* What the administrator's tooling answers when a domain is due to be
 * created while the host runs (start_s > 0): README's "Starting a new VM
 * on a full host", `membalctl reserve SIZE --for NAME --wait` before
 * `xl create`. Asked at every advance() from the domain's start_s on
 * until it answers NOW or FAIL; gone: its stop_s came first (the tool
 * gives up; its answer is ignored). While it waits the guest's workload
 * runs on its own clock and all of its need counts as short, as for a
 * domain `xl create` could not start. */
enum sim_create { SIM_CREATE_NOW, SIM_CREATE_WAIT, SIM_CREATE_FAIL };
typedef enum sim_create (*sim_create_gate_fn)(void *ctx, const struct sim_dom *d,
					      uint64_t now_ms, bool gone);

struct sim_options {
	/* The scenario: a loaded one (copied) or a file to load. */
	const struct sim_scenario *scenario;
	const char *scenario_path;
	/* dom0's connection. NULL: $XENSTORED_PATH. One of the two is
	 * required: the sim never falls back to the host's real xenstored. */
	const char *xenstored_path;
	/* Where domain sockets come from, in this order of preference: */
	sim_domain_socket_fn domain_socket;   /* in-process test xenstored */
	void *domain_socket_ctx;
	/* Optional, with domain_socket's ctx: sync_events skips the round
	 * trip of a domain no event was queued for since its last one. */
	sim_domain_events_fn domain_events;
	const char *xsd_control_path;  /* membal-test-xenstored --control:
					* "socket <id>" asks for it */
	/* Guest files: <guest_dir>/<name>/... NULL: a temporary directory,
	 * removed at close. */
	const char *guest_dir;
	enum sim_agents agents;
	const struct agent_config *agent_cfg;  /* NULL: agent_config_defaults */
	/* advance() first makes one round trip on each balloon connection,
	 * so every memory/target write made before the call is seen in it:
	 * deterministic, for tests and membal-sim (one request per domain
	 * per advance, or none when domain_events says no event was queued
	 * for it since). false: events are taken as they have arrived, as a
	 * real guest's would. */
	bool sync_events;
	/* NULL: `xl create` at start_s, no question asked. */
	sim_create_gate_fn create_gate;
	void *create_gate_ctx;
};

struct hv_sim_stats {
	uint64_t starts;           /* domains created and introduced */
	uint64_t start_failures;   /* not enough free memory, xenstore failed,
				    * or create_gate gave up */
	uint64_t stops;
	uint64_t pod_refused;      /* set_pod_target on a PV domain (EINVAL) */
	uint64_t file_errors;      /* guest files that could not be written */
	uint64_t agent_steps;      /* in-process agent_step() calls */
	uint64_t mem_max;          /* static_max_at events applied */
	uint64_t mem_max_missed;   /* ... due while the domain did not run */
	uint64_t maxmem_set;       /* maxmem_at events applied */
};

/* 0, or -1 with errno (the reason is logged). Domains with start_s = 0
 * are created and introduced before it returns. */
int hv_sim_open(struct hv *hv, const struct sim_options *opt);

/* Simulator side (tests, membal-sim); hv must come from hv_sim_open(). */
/* The model's view of a domain (any state), NULL if not in the scenario. */
const struct sim_dom *hv_sim_domain(const struct hv *hv, uint32_t domid);
const struct sim_host *hv_sim_host(const struct hv *hv);
void hv_sim_get_stats(const struct hv *hv, struct hv_sim_stats *out);
/* <guest_dir>/<name>, the files an external agent reads; NULL if unknown. */
const char *hv_sim_guest_path(const struct hv *hv, uint32_t domid);
/* The domain's socket (NULL if none), e.g. for an external agent's
 * XENSTORED_PATH. */
const char *hv_sim_domain_socket(const struct hv *hv, uint32_t domid);

/* Several hosts (src/sim/multi_run.c): a host is opened with spare
 * domains that never start on their own, and a guest arriving there (by
 * placement or by live migration) takes one. hv_sim_respec() gives the
 * PENDING domain domid the spec g (all of it but the domid; start_ms and
 * stop_ms count from hv_sim_open(), and g's trace series must outlive
 * the host). hv_sim_set_stop() moves a domain's stop time. 0, or -1 with
 * errno EINVAL (no such domain, or not in a state that allows it). */
int hv_sim_respec(struct hv *hv, uint32_t domid, const struct sim_guest_spec *g);
int hv_sim_set_stop(struct hv *hv, uint32_t domid, uint64_t stop_ms);

#endif
