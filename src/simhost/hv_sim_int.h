/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the two files of the sim backend share (not an API):
 *   hv_sim.c     the hv_ops, the balloon drivers, the guests' kernels and
 *                agents stepped on simulated time
 *   toolstack.c  what libxl and xenstored do for it: the domains' xenstore
 *                layout and sockets, creating and destroying domains
 */
#ifndef MEMBAL_SIMHOST_HV_SIM_INT_H
#define MEMBAL_SIMHOST_HV_SIM_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/un.h>

#include "agent/agent.h"
#include "common/xs.h"
#include "simhost/guestfs.h"
#include "simhost/hv_sim.h"

struct xs_handle;

#define BALLOON_TOKEN "membal-sim-balloon"
#define SIM_TX_TRIES 16
/* A memory/target above this (1 PiB) is not a size: rejected. */
#define SIM_TARGET_MAX_KB (UINT64_C(1) << 40)
/* What libxl would have in store/port and store/ring-ref: there is no
 * ring here, any non-zero value does (xenstored refuses port 0). */
#define SIM_STORE_PORT 1u
#define SIM_STORE_MFN_BASE 0x100000ul

struct sim_vm {
	struct sim_dom *d;
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];  /* "" none */
	struct xs_handle *bxs;      /* the balloon driver's connection */
	char target_path[MXS_PATH_MAX];
	struct sim_guestfs *fs;
	struct agent *agent;
	uint64_t next_sample_ms;
	bool events_known;          /* events_synced is bxs's (sync_events) */
	uint64_t events_synced;     /* domain_events() at the last round trip */
	bool waiting;               /* due, create_gate said wait */
	unsigned max_ev_next;       /* spec's static_max_at events done */
	unsigned mm_ev_next;        /* and its maxmem_at events */
};

struct hv_sim {
	struct sim_scenario sc;
	struct sim_host host;
	struct sim_vm *vm;          /* parallel to host.dom */
	struct xs_handle *xs;       /* dom0: the toolstack's connection */
	sim_domain_socket_fn domain_socket;
	void *domain_socket_ctx;
	sim_domain_events_fn domain_events;
	char control_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char guest_dir[PATH_MAX - 256];
	bool guest_dir_tmp;
	enum sim_agents agents;
	struct agent_config agent_cfg;
	bool sync_events;
	sim_create_gate_fn create_gate;
	void *create_gate_ctx;
	uint64_t dom0_max_kb;
	uint64_t t0_ms, last_ms;
	struct hv_sim_stats st;
};

/* ---- toolstack.c ---- */

/* XENSTORED_PATH, which libxenstore reads on every xs_open(), set for a
 * while and put back. */
struct env_saved {
	char *old;
	bool had;
};

int sim_env_push(struct env_saved *e, const char *path);
void sim_env_pop(struct env_saved *e);
/* A connection to the socket at path (never the host's xenbus). */
struct xs_handle *sim_open_at(const char *path);
/* Start and stop whatever is due at or before now (stops first). */
void sim_lifecycle(struct hv_sim *s, uint64_t now);
/* The next start or stop after s->last_ms, or until if none comes first. */
uint64_t sim_next_event(const struct hv_sim *s, uint64_t until);
void sim_vm_stop(struct hv_sim *s, struct sim_vm *vm);

#endif
