/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The IAllocator response: {"success": ..., "info": ..., "result": ...},
 * written with json-c. result is [] when success is false (the protocol
 * asks for an empty list even then); multi-allocate's is
 * [[[name, [nodes]], ...], [failed name, ...]].
 */
#include "iallocator/ialloc.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static char *finish(struct json_object *top)
{
	char *s = NULL;

	if (top) {
		const char *t = json_object_to_json_string_ext(top, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

		s = t ? strdup(t) : NULL;
		json_object_put(top);
	}
	return s;
}

static struct json_object *node_list(const struct ia_cluster *c,
				     const int32_t *nodes, size_t n)
{
	struct json_object *l = json_object_new_array();

	for (size_t k = 0; l && k < n; k++)
		json_object_array_add(l, json_object_new_string(c->nodes[nodes[k]].name));
	return l;
}

static struct json_object *frame(bool success, const char *info)
{
	struct json_object *top = json_object_new_object();

	if (!top)
		return NULL;
	json_object_object_add(top, "success", json_object_new_boolean(success));
	json_object_object_add(top, "info", json_object_new_string(info));
	return top;
}

char *ia_failure_json(const char *info)
{
	struct json_object *top = frame(false, info);

	if (top)
		json_object_object_add(top, "result", json_object_new_array());
	return finish(top);
}

char *ia_answer_json(const struct ia_cluster *c, const struct ia_answer *a)
{
	struct json_object *top = frame(a->success, a->info), *res;

	if (!top)
		return NULL;
	if (!a->success) {
		res = json_object_new_array();
	} else if (c->req.type == IA_MULTI_ALLOCATE) {
		struct json_object *ok = json_object_new_array();
		struct json_object *failed = json_object_new_array();

		res = json_object_new_array();
		for (size_t i = 0; i < c->req.nwants && ok && failed; i++) {
			const struct ia_want *w = &c->req.wants[i];

			if (!a->placed[i]) {
				json_object_array_add(failed, json_object_new_string(w->name));
				continue;
			}
			struct json_object *one = json_object_new_array();

			json_object_array_add(one, json_object_new_string(w->name));
			json_object_array_add(one, node_list(c, &a->nodes[2 * i],
							     w->required_nodes));
			json_object_array_add(ok, one);
		}
		json_object_array_add(res, ok);
		json_object_array_add(res, failed);
	} else {
		res = node_list(c, a->nodes, a->nnodes);
	}
	json_object_object_add(top, "result", res);
	return finish(top);
}
