/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-iallocator: Ganeti's IAllocator protocol (Ganeti's
 * doc/iallocator.rst, version 2) answered from membal's measured demand
 * (docs/ganeti.md).
 *
 * The request is untrusted input: request.c reads it with json-c into the
 * plain structures below, strictly and with bounds; decide.c chooses
 * nodes without I/O; answer.c writes the response. Sizes are MiB, as in
 * the protocol.
 */
#ifndef MEMBAL_IALLOC_H
#define MEMBAL_IALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds on a request (a larger one is refused with its reason). */
#define IA_MAX_FILE      (64u << 20)
#define IA_MAX_GROUPS    1024
#define IA_MAX_NODES     8192
#define IA_MAX_INSTANCES (1u << 17)
#define IA_MAX_MULTI     4096
#define IA_MAX_NAME      255
#define IA_MAX_MIB       (UINT64_C(1) << 40)   /* one exbibyte */
#define IA_INFO_LEN      2048

enum ia_type {
	IA_ALLOCATE,
	IA_RELOCATE,
	IA_MULTI_ALLOCATE,
	IA_NODE_EVACUATE,   /* answered "not supported, use hail" */
	IA_CHANGE_GROUP,    /* likewise */
};

/* Ganeti's disk templates. */
enum ia_dt {
	IA_DT_DISKLESS, IA_DT_PLAIN, IA_DT_DRBD, IA_DT_FILE, IA_DT_SHAREDFILE,
	IA_DT_BLOCKDEV, IA_DT_RBD, IA_DT_EXT, IA_DT_GLUSTER, IA_DT_COUNT,
};
extern const char *const ia_dt_names[IA_DT_COUNT];
/* Local disks: the chosen node needs the free disk the request states. */
bool ia_dt_local_disk(enum ia_dt dt);
/* Storage the instance can move with (drbd, or shared/external storage):
 * only such instances can be relocated. */
bool ia_dt_movable(enum ia_dt dt);

struct ia_group {
	char *uuid;
	char *name;
	bool unallocable;       /* alloc_policy "unallocable" */
};

struct ia_node {
	char *name;
	uint32_t group;
	bool offline, drained, vm_capable;
	uint64_t total_mb, reserved_mb, free_mb, free_disk_mb;
	/* From membal's snapshot (demand.c), when the host is in it. */
	bool measured;
	uint64_t membal_free_mb;   /* room by measured demand, reserve kept */
	uint64_t reclaim_mb;       /* idle memory membal can take back */
};

struct ia_inst {
	char *name;
	uint64_t mem_mb;        /* Ganeti's "memory": beparams maxmem = H */
	uint64_t disk_mb;
	enum ia_dt dt;
	int32_t pnode, snode;   /* snode -1 without a secondary */
	uint32_t group;
};

/* One instance to place (allocate, each of multi-allocate). */
struct ia_want {
	char *name;
	uint32_t required_nodes;
	uint64_t mem_mb, disk_mb;
	enum ia_dt dt;
	int32_t group;          /* group_name's index, -1: any */
};

struct ia_request {
	enum ia_type type;
	struct ia_want *wants;  /* allocate: 1; multi-allocate: n */
	size_t nwants;
	/* relocate */
	int32_t inst;
	uint32_t required_nodes;
	int32_t *from;          /* relocate_from, node indices */
	size_t nfrom;
};

struct ia_cluster {
	struct ia_group *groups;
	size_t ngroups;
	struct ia_node *nodes;
	size_t nnodes;
	struct ia_inst *insts;
	size_t ninsts;
	uint32_t *node_order;   /* node indices sorted by name (lookups) */
	struct ia_request req;
};

/*
 * Read a request (text[0..len), not necessarily NUL-terminated) into c.
 * 0, or -1 with a message naming the field in err; ia_cluster_free() in
 * every case.
 */
int ia_read_request(const char *text, size_t len, struct ia_cluster *c,
		    char *err, size_t errlen);
void ia_cluster_free(struct ia_cluster *c);
int32_t ia_node_index(const struct ia_cluster *c, const char *name);

/* The answer: success, info, and the nodes chosen. */
struct ia_answer {
	bool success;
	char info[IA_INFO_LEN];
	/* allocate / relocate: the nodes; multi-allocate: per want, its
	 * nodes (nodes[2 * w], nodes[2 * w + 1]) or placed[w] false. */
	int32_t *nodes;
	bool *placed;
	size_t nnodes;
};

/* How the decision weighs memory. */
struct ia_params {
	bool measured;          /* nodes carry membal's snapshot */
	char demand_note[300];  /* where demand came from, for info */
};

/* Answer c's request; -1 only when out of memory. */
int ia_decide(const struct ia_cluster *c, const struct ia_params *p,
	      struct ia_answer *a);
void ia_answer_free(struct ia_answer *a);

/* The response, one line of JSON (json-c), malloc'd; NULL: no memory. */
char *ia_answer_json(const struct ia_cluster *c, const struct ia_answer *a);
/* The response to a request that could not be read. */
char *ia_failure_json(const char *info);

#endif
