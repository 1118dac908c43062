/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-iallocator's request reader (src/iallocator/request.c) and what
 * follows it: a request file comes from Ganeti, but a damaged or hostile
 * one must give success false with a reason, never a crash. Besides
 * memory safety:
 *  - a refused request has a non-empty reason;
 *  - an accepted one has every reference resolved (node groups, instance
 *    nodes, the request's instance and relocate_from);
 *  - the decision, with and without a snapshot on every node, chooses
 *    only online, undrained, vm_capable nodes of allocable groups, the
 *    required number of distinct nodes, and the answer serialises.
 */
#include "iallocator/ialloc.h"
#include "fuzz.h"

static void check_answer(const struct ia_cluster *c, const struct ia_answer *a)
{
	size_t nw = c->req.type == IA_MULTI_ALLOCATE ? c->req.nwants : 1;

	for (size_t w = 0; a->success && w < nw; w++) {
		size_t need = c->req.type == IA_RELOCATE ? 1 : c->req.wants[w].required_nodes;
		const int32_t *nodes = c->req.type == IA_MULTI_ALLOCATE ? &a->nodes[2 * w] : a->nodes;

		if (c->req.type == IA_MULTI_ALLOCATE && !a->placed[w])
			continue;
		for (size_t k = 0; k < need; k++) {
			FUZZ_CHECK(nodes[k] >= 0 && (size_t)nodes[k] < c->nnodes, "node %d", nodes[k]);
			const struct ia_node *n = &c->nodes[nodes[k]];

			FUZZ_CHECK(!n->offline && !n->drained && n->vm_capable, "%s not usable", n->name);
			FUZZ_CHECK(!c->groups[n->group].unallocable, "%s unallocable", n->name);
			FUZZ_CHECK(k == 0 || nodes[k] != nodes[0], "same node twice");
		}
	}
	char *json = ia_answer_json(c, a);

	FUZZ_CHECK(json != NULL, "no answer");
	free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ia_cluster c;
	struct ia_params p = { .demand_note = "fuzz" };
	struct ia_answer a;
	char err[512] = "";

	if (ia_read_request((const char *)data, size, &c, err, sizeof(err)) < 0) {
		FUZZ_CHECK(err[0] != '\0', "refused without a reason");
		char *json = ia_failure_json(err);

		FUZZ_CHECK(json != NULL, "no failure answer");
		free(json);
		ia_cluster_free(&c);
		return 0;
	}
	for (size_t i = 0; i < c.ninsts; i++)
		FUZZ_CHECK(c.insts[i].pnode >= 0 && (size_t)c.insts[i].pnode < c.nnodes,
			   "instance %zu primary", i);
	for (size_t n = 0; n < c.nnodes; n++)
		FUZZ_CHECK(c.nodes[n].group < c.ngroups, "node %zu group", n);
	if (c.req.type == IA_RELOCATE)
		FUZZ_CHECK(c.req.inst >= 0 && (size_t)c.req.inst < c.ninsts, "relocate instance");
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			/* membal's view: some nodes measured, with room derived
			 * from the input so that both rules get exercised. */
			p.measured = true;
			for (size_t n = 0; n < c.nnodes; n++) {
				c.nodes[n].measured = (n % 2) == 0;
				c.nodes[n].membal_free_mb = c.nodes[n].total_mb / 2;
			}
		}
		FUZZ_CHECK(ia_decide(&c, &p, &a) == 0, "decide failed");
		check_answer(&c, &a);
		ia_answer_free(&a);
	}
	ia_cluster_free(&c);
	return 0;
}
