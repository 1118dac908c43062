/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The IAllocator request, read with json-c. Every field this allocator
 * uses is checked for type, range and reference (a node's group, an
 * instance's nodes, the request's instance); fields it does not use are
 * ignored, as hail ignores them. The first problem stops the read with
 * the field's path in the message, and the caller answers success false.
 */
#include "iallocator/ialloc.h"

#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ia_dt_names[IA_DT_COUNT] = {
	"diskless", "plain", "drbd", "file", "sharedfile", "blockdev", "rbd",
	"ext", "gluster",
};

bool ia_dt_local_disk(enum ia_dt dt)
{
	return dt == IA_DT_PLAIN || dt == IA_DT_DRBD;
}

bool ia_dt_movable(enum ia_dt dt)
{
	return dt == IA_DT_DRBD || dt == IA_DT_SHAREDFILE ||
	       dt == IA_DT_BLOCKDEV || dt == IA_DT_RBD || dt == IA_DT_EXT ||
	       dt == IA_DT_GLUSTER || dt == IA_DT_DISKLESS;
}

struct rd {
	struct ia_cluster *c;
	char *err;
	size_t errlen;
};

static int fail(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct rd *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > IA_MAX_NAME)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static int get_obj(struct rd *r, struct json_object *o, const char *key,
		   const char *where, struct json_object **out)
{
	*out = member(o, key);
	if (!*out || !json_object_is_type(*out, json_type_object))
		return fail(r, "%s: \"%s\" missing or not an object", where, key);
	return 0;
}

static int get_bool(struct rd *r, struct json_object *o, const char *key,
		    const char *where, bool dflt, bool required, bool *out)
{
	struct json_object *v = member(o, key);

	if (!v) {
		if (required)
			return fail(r, "%s: \"%s\" missing", where, key);
		*out = dflt;
		return 0;
	}
	if (!json_object_is_type(v, json_type_boolean))
		return fail(r, "%s: \"%s\" is not a boolean", where, key);
	*out = json_object_get_boolean(v);
	return 0;
}

/* A size in MiB: an integer, or a double with no fraction (hail reads
 * total_memory as a double), 0..IA_MAX_MIB. */
static int get_mib(struct rd *r, struct json_object *o, const char *key,
		   const char *where, bool required, uint64_t *out)
{
	struct json_object *v = member(o, key);

	*out = 0;
	if (!v) {
		if (required)
			return fail(r, "%s: \"%s\" missing", where, key);
		return 0;
	}
	if (json_object_is_type(v, json_type_int)) {
		int64_t i = json_object_get_int64(v);

		if (i < 0 || (uint64_t)i > IA_MAX_MIB)
			return fail(r, "%s: \"%s\" = %lld out of range", where, key, (long long)i);
		*out = (uint64_t)i;
		return 0;
	}
	if (json_object_is_type(v, json_type_double)) {
		double d = json_object_get_double(v);

		if (!isfinite(d) || d < 0 || d > (double)IA_MAX_MIB || floor(d) != d)
			return fail(r, "%s: \"%s\" is not a whole number of MiB in range", where, key);
		*out = (uint64_t)d;
		return 0;
	}
	return fail(r, "%s: \"%s\" is not a number", where, key);
}

static int get_name(struct rd *r, struct json_object *o, const char *key,
		    const char *where, char **out)
{
	struct json_object *v = member(o, key);

	if (!v || !json_object_is_type(v, json_type_string))
		return fail(r, "%s: \"%s\" missing or not a string", where, key);
	if (!name_ok(json_object_get_string(v)))
		return fail(r, "%s: \"%s\" is empty, longer than %d bytes or has a control character",
			    where, key, IA_MAX_NAME);
	*out = strdup(json_object_get_string(v));
	return *out ? 0 : fail(r, "out of memory");
}

static int get_dt(struct rd *r, struct json_object *o, const char *where,
		  enum ia_dt *out)
{
	struct json_object *v = member(o, "disk_template");

	if (!v || !json_object_is_type(v, json_type_string))
		return fail(r, "%s: \"disk_template\" missing or not a string", where);
	for (int i = 0; i < IA_DT_COUNT; i++)
		if (strcmp(json_object_get_string(v), ia_dt_names[i]) == 0) {
			*out = (enum ia_dt)i;
			return 0;
		}
	return fail(r, "%s: unknown disk_template", where);
}

static int cmp_node(const void *a, const void *b, void *arg)
{
	const struct ia_cluster *c = arg;

	return strcmp(c->nodes[*(const uint32_t *)a].name,
		      c->nodes[*(const uint32_t *)b].name);
}

int32_t ia_node_index(const struct ia_cluster *c, const char *name)
{
	size_t lo = 0, hi = c->nnodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(name, c->nodes[c->node_order[mid]].name);

		if (d == 0)
			return (int32_t)c->node_order[mid];
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

static int32_t group_by(const struct ia_cluster *c, const char *s, bool by_name)
{
	for (size_t g = 0; g < c->ngroups; g++)
		if (strcmp(by_name ? c->groups[g].name : c->groups[g].uuid, s) == 0)
			return (int32_t)g;
	return -1;
}

static int read_groups(struct rd *r, struct json_object *top)
{
	struct ia_cluster *c = r->c;
	struct json_object *groups;
	char where[IA_MAX_NAME + 40];

	if (get_obj(r, top, "nodegroups", "request file", &groups) < 0)
		return -1;
	size_t n = (size_t)json_object_object_length(groups);

	if (n == 0 || n > IA_MAX_GROUPS)
		return fail(r, "nodegroups: %zu groups, expected 1 to %d", n, IA_MAX_GROUPS);
	c->groups = calloc(n, sizeof(*c->groups));
	if (!c->groups)
		return fail(r, "out of memory");
	json_object_object_foreach(groups, uuid, g) {
		struct ia_group *gr = &c->groups[c->ngroups];
		struct json_object *pol;

		if (!name_ok(uuid))
			return fail(r, "nodegroups: a group's UUID is not a valid name");
		snprintf(where, sizeof(where), "nodegroups.%s", uuid);
		if (!(gr->uuid = strdup(uuid)))
			return fail(r, "out of memory");
		c->ngroups++;
		if (get_name(r, g, "name", where, &gr->name) < 0)
			return -1;
		pol = member(g, "alloc_policy");
		if (!pol || !json_object_is_type(pol, json_type_string))
			return fail(r, "%s: \"alloc_policy\" missing or not a string", where);
		const char *p = json_object_get_string(pol);

		if (strcmp(p, "unallocable") == 0)
			gr->unallocable = true;
		else if (strcmp(p, "preferred") != 0 && strcmp(p, "last_resort") != 0)
			return fail(r, "%s: unknown alloc_policy", where);
	}
	return 0;
}

static int read_nodes(struct rd *r, struct json_object *top)
{
	struct ia_cluster *c = r->c;
	struct json_object *nodes;
	char where[IA_MAX_NAME + 40];

	if (get_obj(r, top, "nodes", "request file", &nodes) < 0)
		return -1;
	size_t n = (size_t)json_object_object_length(nodes);

	if (n == 0 || n > IA_MAX_NODES)
		return fail(r, "nodes: %zu nodes, expected 1 to %d", n, IA_MAX_NODES);
	c->nodes = calloc(n, sizeof(*c->nodes));
	c->node_order = calloc(n, sizeof(*c->node_order));
	if (!c->nodes || !c->node_order)
		return fail(r, "out of memory");
	json_object_object_foreach(nodes, name, o) {
		struct ia_node *nd = &c->nodes[c->nnodes];
		struct json_object *g;
		bool live;

		if (!name_ok(name))
			return fail(r, "nodes: a node's name is empty, too long or has a control character");
		snprintf(where, sizeof(where), "nodes.%s", name);
		if (!(nd->name = strdup(name)))
			return fail(r, "out of memory");
		c->node_order[c->nnodes] = (uint32_t)c->nnodes;
		c->nnodes++;
		if (!json_object_is_type(o, json_type_object))
			return fail(r, "%s: not an object", where);
		g = member(o, "group");
		if (!g || !json_object_is_type(g, json_type_string))
			return fail(r, "%s: \"group\" missing or not a string", where);
		int32_t gi = group_by(c, json_object_get_string(g), false);

		if (gi < 0)
			return fail(r, "%s: group is not in nodegroups", where);
		nd->group = (uint32_t)gi;
		if (get_bool(r, o, "offline", where, false, true, &nd->offline) < 0 ||
		    get_bool(r, o, "drained", where, false, true, &nd->drained) < 0 ||
		    get_bool(r, o, "vm_capable", where, true, false, &nd->vm_capable) < 0)
			return -1;
		/* Ganeti sends no run-time data for offline, drained or
		 * non-vm_capable nodes: such a node is never chosen. */
		live = !nd->offline && !nd->drained && nd->vm_capable;
		if (get_mib(r, o, "total_memory", where, live, &nd->total_mb) < 0 ||
		    get_mib(r, o, "reserved_memory", where, false, &nd->reserved_mb) < 0 ||
		    get_mib(r, o, "free_memory", where, live, &nd->free_mb) < 0 ||
		    get_mib(r, o, "free_disk", where, live, &nd->free_disk_mb) < 0)
			return -1;
		if (live && nd->free_mb > nd->total_mb)
			return fail(r, "%s: free_memory above total_memory", where);
	}
	qsort_r(c->node_order, c->nnodes, sizeof(*c->node_order), cmp_node, c);
	for (size_t i = 1; i < c->nnodes; i++)
		if (strcmp(c->nodes[c->node_order[i - 1]].name,
			   c->nodes[c->node_order[i]].name) == 0)
			return fail(r, "nodes: \"%s\" listed twice", c->nodes[c->node_order[i]].name);
	return 0;
}

static int node_ref(struct rd *r, struct json_object *v, const char *where,
		    int32_t *out)
{
	if (!v || !json_object_is_type(v, json_type_string))
		return fail(r, "%s: a node name is not a string", where);
	*out = ia_node_index(r->c, json_object_get_string(v));
	if (*out < 0)
		return fail(r, "%s: node is not in nodes", where);
	return 0;
}

static int read_instances(struct rd *r, struct json_object *top)
{
	struct ia_cluster *c = r->c;
	struct json_object *insts;
	char where[IA_MAX_NAME + 40];

	if (get_obj(r, top, "instances", "request file", &insts) < 0)
		return -1;
	size_t n = (size_t)json_object_object_length(insts);

	if (n > IA_MAX_INSTANCES)
		return fail(r, "instances: %zu, at most %u", n, IA_MAX_INSTANCES);
	c->insts = calloc(n ? n : 1, sizeof(*c->insts));
	if (!c->insts)
		return fail(r, "out of memory");
	json_object_object_foreach(insts, name, o) {
		struct ia_inst *in = &c->insts[c->ninsts];
		struct json_object *nl;

		if (!name_ok(name))
			return fail(r, "instances: a name is empty, too long or has a control character");
		snprintf(where, sizeof(where), "instances.%s", name);
		if (!(in->name = strdup(name)))
			return fail(r, "out of memory");
		c->ninsts++;
		if (!json_object_is_type(o, json_type_object))
			return fail(r, "%s: not an object", where);
		if (get_mib(r, o, "memory", where, true, &in->mem_mb) < 0 ||
		    get_mib(r, o, "disk_space_total", where, true, &in->disk_mb) < 0 ||
		    get_dt(r, o, where, &in->dt) < 0)
			return -1;
		nl = member(o, "nodes");
		if (!nl || !json_object_is_type(nl, json_type_array) ||
		    json_object_array_length(nl) < 1 || json_object_array_length(nl) > 2)
			return fail(r, "%s: \"nodes\" is not a list of one or two nodes", where);
		in->snode = -1;
		if (node_ref(r, json_object_array_get_idx(nl, 0), where, &in->pnode) < 0)
			return -1;
		if (json_object_array_length(nl) == 2 &&
		    node_ref(r, json_object_array_get_idx(nl, 1), where, &in->snode) < 0)
			return -1;
		if (in->snode == in->pnode)
			return fail(r, "%s: primary and secondary are the same node", where);
		in->group = c->nodes[in->pnode].group;
	}
	return 0;
}

static int read_want(struct rd *r, struct json_object *o, const char *where,
		     int32_t group, struct ia_want *w)
{
	struct json_object *v;

	w->group = group;
	if (!json_object_is_type(o, json_type_object))
		return fail(r, "%s: not an object", where);
	if (get_name(r, o, "name", where, &w->name) < 0 ||
	    get_mib(r, o, "memory", where, true, &w->mem_mb) < 0 ||
	    get_mib(r, o, "disk_space_total", where, true, &w->disk_mb) < 0 ||
	    get_dt(r, o, where, &w->dt) < 0)
		return -1;
	v = member(o, "required_nodes");
	if (!v || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 1 || json_object_get_int64(v) > 2)
		return fail(r, "%s: \"required_nodes\" is not 1 or 2", where);
	w->required_nodes = (uint32_t)json_object_get_int64(v);
	if ((w->dt == IA_DT_DRBD) != (w->required_nodes == 2))
		return fail(r, "%s: required_nodes %u does not fit disk_template %s",
			    where, w->required_nodes, ia_dt_names[w->dt]);
	if (w->mem_mb == 0)
		return fail(r, "%s: \"memory\" is 0", where);
	return 0;
}

/* group_name: absent or null, or the name of a known group. */
static int read_group_name(struct rd *r, struct json_object *req, int32_t *out)
{
	struct json_object *v = member(req, "group_name");

	*out = -1;
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return fail(r, "request: \"group_name\" is not a string");
	*out = group_by(r->c, json_object_get_string(v), true);
	if (*out < 0)
		return fail(r, "request: group_name is not a known group");
	return 0;
}

static int read_req(struct rd *r, struct json_object *top)
{
	struct ia_cluster *c = r->c;
	struct ia_request *q = &c->req;
	struct json_object *req, *t, *v;
	int32_t group;

	if (get_obj(r, top, "request", "request file", &req) < 0)
		return -1;
	t = member(req, "type");
	if (!t || !json_object_is_type(t, json_type_string))
		return fail(r, "request: \"type\" missing or not a string");
	const char *type = json_object_get_string(t);

	if (strcmp(type, "node-evacuate") == 0) {
		q->type = IA_NODE_EVACUATE;
		return 0;
	}
	if (strcmp(type, "change-group") == 0) {
		q->type = IA_CHANGE_GROUP;
		return 0;
	}
	if (read_group_name(r, req, &group) < 0)
		return -1;
	if (strcmp(type, "allocate") == 0) {
		q->type = IA_ALLOCATE;
		if (!(q->wants = calloc(1, sizeof(*q->wants))))
			return fail(r, "out of memory");
		q->nwants = 1;
		return read_want(r, req, "request", group, &q->wants[0]);
	}
	if (strcmp(type, "multi-allocate") == 0) {
		q->type = IA_MULTI_ALLOCATE;
		v = member(req, "instances");
		if (!v || !json_object_is_type(v, json_type_array))
			return fail(r, "request: \"instances\" missing or not a list");
		size_t n = json_object_array_length(v);

		if (n == 0 || n > IA_MAX_MULTI)
			return fail(r, "request: %zu instances, expected 1 to %d", n, IA_MAX_MULTI);
		if (!(q->wants = calloc(n, sizeof(*q->wants))))
			return fail(r, "out of memory");
		for (size_t i = 0; i < n; i++) {
			char where[40];

			snprintf(where, sizeof(where), "request.instances[%zu]", i);
			q->nwants = i + 1;
			if (read_want(r, json_object_array_get_idx(v, i), where, group,
				      &q->wants[i]) < 0)
				return -1;
		}
		return 0;
	}
	if (strcmp(type, "relocate") == 0) {
		q->type = IA_RELOCATE;
		v = member(req, "name");
		if (!v || !json_object_is_type(v, json_type_string))
			return fail(r, "request: \"name\" missing or not a string");
		q->inst = -1;
		for (size_t i = 0; i < c->ninsts; i++)
			if (strcmp(c->insts[i].name, json_object_get_string(v)) == 0)
				q->inst = (int32_t)i;
		if (q->inst < 0)
			return fail(r, "request: instance to relocate is not in instances");
		v = member(req, "required_nodes");
		if (!v || !json_object_is_type(v, json_type_int) ||
		    json_object_get_int64(v) != 1)
			return fail(r, "request: \"required_nodes\" of a relocation is not 1");
		q->required_nodes = 1;
		v = member(req, "relocate_from");
		if (!v || !json_object_is_type(v, json_type_array) ||
		    json_object_array_length(v) > IA_MAX_NODES)
			return fail(r, "request: \"relocate_from\" missing or not a list");
		q->nfrom = json_object_array_length(v);
		if (!(q->from = calloc(q->nfrom ? q->nfrom : 1, sizeof(*q->from))))
			return fail(r, "out of memory");
		for (size_t i = 0; i < q->nfrom; i++)
			if (node_ref(r, json_object_array_get_idx(v, i),
				     "request.relocate_from", &q->from[i]) < 0)
				return -1;
		return 0;
	}
	return fail(r, "request: unknown type (allocate, relocate, multi-allocate, node-evacuate, change-group)");
}

int ia_read_request(const char *text, size_t len, struct ia_cluster *c,
		    char *err, size_t errlen)
{
	struct rd r = { c, err, errlen };
	struct json_tokener *tok;
	struct json_object *top;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	if (len > IA_MAX_FILE)
		return fail(&r, "request file larger than %u bytes", IA_MAX_FILE);
	if (len == 0)
		return fail(&r, "request file is empty");
	if (memchr(text, '\0', len))
		return fail(&r, "request file has a NUL byte");
	if (!(tok = json_tokener_new_ex(64)))
		return fail(&r, "out of memory");
	top = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error e = json_tokener_get_error(tok);

	if (!top || e != json_tokener_success) {
		fail(&r, "request file is not JSON (%s at byte %zu)",
		     json_tokener_error_desc(e == json_tokener_success ? json_tokener_continue : e),
		     json_tokener_get_parse_end(tok));
		goto out;
	}
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
		if (!strchr(" \t\r\n", text[i])) {
			fail(&r, "request file: data after the JSON value at byte %zu", i);
			goto out;
		}
	if (!json_object_is_type(top, json_type_object)) {
		fail(&r, "request file: not a JSON object");
		goto out;
	}
	if (read_groups(&r, top) < 0 || read_nodes(&r, top) < 0 ||
	    read_instances(&r, top) < 0 || read_req(&r, top) < 0)
		goto out;
	rc = 0;
out:
	json_object_put(top);
	json_tokener_free(tok);
	return rc;
}

void ia_cluster_free(struct ia_cluster *c)
{
	for (size_t g = 0; g < c->ngroups; g++) {
		free(c->groups[g].uuid);
		free(c->groups[g].name);
	}
	for (size_t n = 0; n < c->nnodes; n++)
		free(c->nodes[n].name);
	for (size_t i = 0; i < c->ninsts; i++)
		free(c->insts[i].name);
	for (size_t w = 0; w < c->req.nwants; w++)
		free(c->req.wants[w].name);
	free(c->req.wants);
	free(c->req.from);
	free(c->groups);
	free(c->nodes);
	free(c->node_order);
	free(c->insts);
	memset(c, 0, sizeof(*c));
}
