/*
 * A small strict JSON reader for the arbiter's status file: the whole
 * document is parsed into a tree of nodes in one allocation-bounded pass
 * (depth, node count and size are capped), so a damaged or hostile file
 * gives an error with its byte offset, never a crash.
 */
#ifndef MEMBAL_CTL_JSON_H
#define MEMBAL_CTL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	bool b;
	double num;
	char *str;            /* JSON_STRING: decoded, NUL-terminated */
	char *key;            /* member name when inside an object */
	struct json *child;   /* first element or member */
	struct json *next;    /* next sibling */
};

#define JSON_MAX_DEPTH 16
#define JSON_MAX_NODES 1000000
#define JSON_MAX_BYTES (64u << 20)

/* NULL on error: err gets "offset N: reason". */
struct json *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(struct json *j);

const struct json *json_get(const struct json *obj, const char *key);
/* Helpers with a default for absent or mistyped members. */
double json_num(const struct json *obj, const char *key, double def);
const char *json_str(const struct json *obj, const char *key, const char *def);
bool json_is_null(const struct json *obj, const char *key);

#endif
