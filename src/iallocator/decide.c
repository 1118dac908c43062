/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Choosing nodes (docs/ganeti.md, "The allocator"). Pure: the cluster as
 * read, membal's figures already on the nodes, no I/O.
 *
 * A node is eligible when it is online, not drained, vm_capable, in an
 * allocable group (the request's group_name when given, the instance's
 * group for a relocation) and has the memory and, for plain and drbd, the
 * free disk the instance needs, counting what this request has placed
 * already (multi-allocate). Memory is Ganeti's free_memory, or, when
 * membal's snapshot covers the node, the room its measured demand leaves
 * (membal_free_mb): idle memory membal can take back counts as free.
 * Among eligible nodes the one left with the most memory wins (ties: the
 * first by name), which spreads load the way hail's free-memory term does.
 */
#include "iallocator/ialloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dwork {
	const struct ia_cluster *c;
	const struct ia_params *p;
	uint64_t *used_mb;      /* memory placed on the node by this request */
	uint64_t *used_disk_mb;
	char *info;
	size_t len;
	/* Why nodes were refused, counted for info. */
	size_t n_down, n_group, n_mem, n_disk, n_excluded;
};

static void say(struct dwork *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct dwork *w, const char *fmt, ...)
{
	size_t have = strlen(w->info);
	va_list ap;

	if (have + 1 >= w->len)
		return;
	va_start(ap, fmt);
	vsnprintf(w->info + have, w->len - have, fmt, ap);
	va_end(ap);
}

static uint64_t mem_free(const struct dwork *w, size_t n)
{
	const struct ia_node *nd = &w->c->nodes[n];
	uint64_t f = nd->measured ? nd->membal_free_mb : nd->free_mb;

	return f > w->used_mb[n] ? f - w->used_mb[n] : 0;
}

static uint64_t disk_free(const struct dwork *w, size_t n)
{
	uint64_t f = w->c->nodes[n].free_disk_mb;

	return f > w->used_disk_mb[n] ? f - w->used_disk_mb[n] : 0;
}

/* May node n hold an instance of mem_mb and disk_mb (local disk when
 * disk)? group: -1 any allocable group. Counts the reason when not. */
static bool eligible(struct dwork *w, size_t n, int32_t group, uint64_t mem_mb,
		     uint64_t disk_mb, bool disk)
{
	const struct ia_node *nd = &w->c->nodes[n];

	if (nd->offline || nd->drained || !nd->vm_capable) {
		w->n_down++;
		return false;
	}
	if (w->c->groups[nd->group].unallocable ||
	    (group >= 0 && nd->group != (uint32_t)group)) {
		w->n_group++;
		return false;
	}
	if (mem_free(w, n) < mem_mb) {
		w->n_mem++;
		return false;
	}
	if (disk && disk_free(w, n) < disk_mb) {
		w->n_disk++;
		return false;
	}
	return true;
}

/* The eligible node left with the most memory, not marked in skip (NULL:
 * none); -1 when none. Nodes are tried by name so that ties go to the
 * first. */
static int32_t best(struct dwork *w, int32_t group, uint64_t mem_mb,
		    uint64_t disk_mb, bool disk, const bool *skip)
{
	int32_t pick = -1;
	uint64_t pick_left = 0;

	for (size_t k = 0; k < w->c->nnodes; k++) {
		size_t n = w->c->node_order[k];

		if (skip && skip[n]) {
			w->n_excluded++;
			continue;
		}
		if (!eligible(w, n, group, mem_mb, disk_mb, disk))
			continue;
		uint64_t left = mem_free(w, n) - mem_mb;

		if (pick < 0 || left > pick_left) {
			pick = (int32_t)n;
			pick_left = left;
		}
	}
	return pick;
}

static void reasons(struct dwork *w, uint64_t mem_mb, uint64_t disk_mb)
{
	say(w, "no node fits (%zu offline/drained/not vm_capable, %zu in another or unallocable group, %zu without %llu MiB of %s memory, %zu without %llu MiB of disk, %zu excluded)",
	    w->n_down, w->n_group, w->n_mem, (unsigned long long)mem_mb,
	    w->p->measured ? "free or reclaimable" : "free", w->n_disk,
	    (unsigned long long)disk_mb, w->n_excluded);
}

static void reset_reasons(struct dwork *w)
{
	w->n_down = w->n_group = w->n_mem = w->n_disk = w->n_excluded = 0;
}

/* Coexistence (docs/ganeti.md): Ganeti checks Xen's free memory itself
 * before it starts an instance; where membal counted idle memory as free,
 * the operator has membal free it first. One hint per node the request
 * placed more on than Xen has free. */
static void reserve_hints(struct dwork *w)
{
	for (size_t k = 0; k < w->c->nnodes; k++) {
		size_t n = w->c->node_order[k];
		const struct ia_node *nd = &w->c->nodes[n];

		if (nd->measured && w->used_mb[n] > nd->free_mb)
			say(w, "; %s has %llu MiB free in Xen: run `membalctl reserve %lluM --wait` there before Ganeti starts the instance",
			    nd->name, (unsigned long long)nd->free_mb,
			    (unsigned long long)w->used_mb[n]);
	}
}

/* Place want: 0 with nodes[0..required) set, -1 when nothing fits. */
static int place_one(struct dwork *w, const struct ia_want *want, int32_t *nodes)
{
	bool disk = ia_dt_local_disk(want->dt);

	reset_reasons(w);
	if (want->required_nodes == 1) {
		nodes[0] = best(w, want->group, want->mem_mb, want->disk_mb, disk, NULL);
		if (nodes[0] < 0)
			return -1;
	} else {
		/* drbd: the best primary that has a secondary in its own group
		 * (drbd does not cross groups); the secondary holds the disk and
		 * takes the instance on failover, so it needs the memory too. */
		bool *tried = calloc(w->c->nnodes + 1, sizeof(*tried));
		bool *self = calloc(w->c->nnodes + 1, sizeof(*self));

		nodes[1] = -1;
		if (!tried || !self) {
			free(tried);
			free(self);
			return -1;
		}
		for (;;) {
			nodes[0] = best(w, want->group, want->mem_mb, want->disk_mb, disk, tried);
			if (nodes[0] < 0)
				break;
			tried[nodes[0]] = self[nodes[0]] = true;
			reset_reasons(w);
			nodes[1] = best(w, (int32_t)w->c->nodes[nodes[0]].group, want->mem_mb,
					want->disk_mb, disk, self);
			self[nodes[0]] = false;
			if (nodes[1] >= 0)
				break;
		}
		free(tried);
		free(self);
		if (nodes[0] < 0 || nodes[1] < 0)
			return -1;
	}
	for (uint32_t k = 0; k < want->required_nodes; k++) {
		w->used_mb[nodes[k]] += want->mem_mb;
		if (disk)
			w->used_disk_mb[nodes[k]] += want->disk_mb;
	}
	return 0;
}

static void relocate(struct dwork *w, struct ia_answer *a)
{
	const struct ia_cluster *c = w->c;
	const struct ia_inst *in = &c->insts[c->req.inst];
	bool *skip;

	if (!ia_dt_movable(in->dt)) {
		say(w, "relocate: instance %s has disk template %s; only drbd and shared or external storage can be relocated",
		    in->name, ia_dt_names[in->dt]);
		return;
	}
	if (in->dt == IA_DT_DRBD && in->snode < 0) {
		say(w, "relocate: drbd instance %s has no secondary", in->name);
		return;
	}
	if (!(skip = calloc(c->nnodes, sizeof(*skip)))) {
		say(w, "out of memory");
		return;
	}
	skip[in->pnode] = true;
	if (in->snode >= 0)
		skip[in->snode] = true;
	for (size_t i = 0; i < c->req.nfrom; i++)
		skip[c->req.from[i]] = true;
	reset_reasons(w);
	/* drbd: the new secondary, which needs the disk and (for failover)
	 * the memory; shared storage: the new primary, memory only. Within
	 * the instance's group, as Ganeti's relocate is. */
	int32_t n = best(w, (int32_t)in->group, in->mem_mb, in->disk_mb,
			 in->dt == IA_DT_DRBD, skip);

	free(skip);
	if (n < 0) {
		say(w, "relocate %s: ", in->name);
		reasons(w, in->mem_mb, in->dt == IA_DT_DRBD ? in->disk_mb : 0);
		return;
	}
	a->nodes[0] = n;
	a->nnodes = 1;
	a->success = true;
	say(w, "relocate %s: %s (%llu MiB left)", in->name, c->nodes[n].name,
	    (unsigned long long)(mem_free(w, (size_t)n) - in->mem_mb));
	w->used_mb[n] += in->mem_mb;
	reserve_hints(w);
}

int ia_decide(const struct ia_cluster *c, const struct ia_params *p,
	      struct ia_answer *a)
{
	struct dwork w = { c, p, NULL, NULL, a->info, sizeof(a->info), 0, 0, 0, 0, 0 };
	size_t nw = c->req.nwants ? c->req.nwants : 1;

	memset(a, 0, sizeof(*a));
	a->nodes = calloc(2 * nw, sizeof(*a->nodes));
	a->placed = calloc(nw, sizeof(*a->placed));
	w.used_mb = calloc(c->nnodes ? c->nnodes : 1, sizeof(*w.used_mb));
	w.used_disk_mb = calloc(c->nnodes ? c->nnodes : 1, sizeof(*w.used_disk_mb));
	if (!a->nodes || !a->placed || !w.used_mb || !w.used_disk_mb) {
		free(w.used_mb);
		free(w.used_disk_mb);
		ia_answer_free(a);
		return -1;
	}
	say(&w, "membal-iallocator: demand %s. ", p->demand_note);
	switch (c->req.type) {
	case IA_NODE_EVACUATE:
	case IA_CHANGE_GROUP:
		say(&w, "%s is not supported, use hail (docs/ganeti.md)",
		    c->req.type == IA_NODE_EVACUATE ? "node-evacuate" : "change-group");
		break;
	case IA_RELOCATE:
		relocate(&w, a);
		break;
	case IA_ALLOCATE: {
		const struct ia_want *want = &c->req.wants[0];

		if (place_one(&w, want, a->nodes) < 0) {
			say(&w, "allocate %s: ", want->name);
			reasons(&w, want->mem_mb, ia_dt_local_disk(want->dt) ? want->disk_mb : 0);
			break;
		}
		a->nnodes = want->required_nodes;
		a->placed[0] = a->success = true;
		say(&w, "allocate %s: %s%s%s", want->name, c->nodes[a->nodes[0]].name,
		    a->nnodes == 2 ? ", secondary " : "",
		    a->nnodes == 2 ? c->nodes[a->nodes[1]].name : "");
		reserve_hints(&w);
		break;
	}
	case IA_MULTI_ALLOCATE: {
		size_t ok = 0;

		for (size_t i = 0; i < c->req.nwants; i++) {
			const struct ia_want *want = &c->req.wants[i];

			if (place_one(&w, want, &a->nodes[2 * i]) < 0) {
				say(&w, "%s: ", want->name);
				reasons(&w, want->mem_mb,
					ia_dt_local_disk(want->dt) ? want->disk_mb : 0);
				say(&w, "; ");
				continue;
			}
			a->placed[i] = true;
			ok++;
		}
		say(&w, "multi-allocate: %zu of %zu placed", ok, c->req.nwants);
		reserve_hints(&w);
		/* Like hail: the request succeeded, the failed list says
		 * which instances found no node. */
		a->success = true;
		a->nnodes = c->req.nwants;
		break;
	}
	}
	free(w.used_mb);
	free(w.used_disk_mb);
	return 0;
}

void ia_answer_free(struct ia_answer *a)
{
	free(a->nodes);
	free(a->placed);
	a->nodes = NULL;
	a->placed = NULL;
}
