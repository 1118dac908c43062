/*
 * membalctl's reader of the arbiter's status file (src/ctl/json.c). The
 * file is written by the arbiter and world-readable, but a damaged or
 * replaced one must give an error, never a crash. Besides memory safety:
 *  - a refused document has an error with its byte offset;
 *  - an accepted one has a well-formed tree: strings NUL-terminated,
 *    members keyed, depth within JSON_MAX_DEPTH;
 *  - the lookup helpers work on any accepted tree.
 */
#include "ctl/json.h"
#include "fuzz.h"

static void walk(const struct json *j, int depth, bool in_object)
{
	FUZZ_CHECK(depth <= JSON_MAX_DEPTH + 1, "depth %d", depth);
	for (; j; j = j->next) {
		FUZZ_CHECK(!in_object || j->key != NULL, "member without a key");
		FUZZ_CHECK(j->type != JSON_STRING || j->str != NULL, "string without text");
		if (j->type == JSON_OBJECT) {
			(void)json_num(j, "version", 0);
			(void)json_str(j, "name", NULL);
			(void)json_is_null(j, "price");
			(void)json_get(j, "domains");
		}
		if (j->type == JSON_OBJECT || j->type == JSON_ARRAY)
			walk(j->child, depth + 1, j->type == JSON_OBJECT);
		else
			FUZZ_CHECK(j->child == NULL, "scalar with children");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[128] = "";
	struct json *j = json_parse((const char *)data, size, err, sizeof(err));

	if (!j) {
		FUZZ_CHECK(!strncmp(err, "offset ", 7), "error without an offset: '%s'", err);
		return 0;
	}
	walk(j, 0, false);
	json_free(j);
	return 0;
}
