#include "ctl/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *s;
	size_t len, pos;
	size_t nodes;
	char *err;
	size_t errlen;
};

static bool fail(struct parser *p, const char *why)
{
	if (p->err && p->err[0] == '\0')
		snprintf(p->err, p->errlen, "offset %zu: %s", p->pos, why);
	return false;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static struct json *node(struct parser *p, enum json_type t)
{
	struct json *j;

	if (++p->nodes > JSON_MAX_NODES) {
		fail(p, "too many values");
		return NULL;
	}
	j = calloc(1, sizeof(*j));
	if (!j)
		fail(p, "out of memory");
	else
		j->type = t;
	return j;
}

static bool literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return fail(p, "unexpected character");
	p->pos += n;
	return true;
}

/* Strings: \uXXXX is decoded to UTF-8 for the BMP; our writer only emits
 * it for control bytes. */
static char *string(struct parser *p)
{
	size_t start = ++p->pos, cap = 16, n = 0;
	char *out = malloc(cap);

	(void)start;
	if (!out) {
		fail(p, "out of memory");
		return NULL;
	}
	while (p->pos < p->len) {
		unsigned char c = (unsigned char)p->s[p->pos++];
		char buf[4];
		size_t add = 1;

		if (c == '"') {
			out[n] = '\0';
			return out;
		}
		if (c < 0x20) {
			fail(p, "control character in string");
			break;
		}
		buf[0] = (char)c;
		if (c == '\\') {
			if (p->pos >= p->len)
				break;
			c = (unsigned char)p->s[p->pos++];
			switch (c) {
			case '"': case '\\': case '/': buf[0] = (char)c; break;
			case 'b': buf[0] = '\b'; break;
			case 'f': buf[0] = '\f'; break;
			case 'n': buf[0] = '\n'; break;
			case 'r': buf[0] = '\r'; break;
			case 't': buf[0] = '\t'; break;
			case 'u': {
				unsigned v = 0;

				if (p->len - p->pos < 4) {
					fail(p, "short \\u escape");
					free(out);
					return NULL;
				}
				for (int i = 0; i < 4; i++) {
					char h = p->s[p->pos++];

					v <<= 4;
					if (h >= '0' && h <= '9') v |= (unsigned)(h - '0');
					else if (h >= 'a' && h <= 'f') v |= (unsigned)(h - 'a' + 10);
					else if (h >= 'A' && h <= 'F') v |= (unsigned)(h - 'A' + 10);
					else {
						fail(p, "bad \\u escape");
						free(out);
						return NULL;
					}
				}
				if (v < 0x80) {
					buf[0] = (char)v;
				} else if (v < 0x800) {
					buf[0] = (char)(0xC0 | (v >> 6));
					buf[1] = (char)(0x80 | (v & 0x3F));
					add = 2;
				} else {
					buf[0] = (char)(0xE0 | (v >> 12));
					buf[1] = (char)(0x80 | ((v >> 6) & 0x3F));
					buf[2] = (char)(0x80 | (v & 0x3F));
					add = 3;
				}
				break;
			}
			default:
				fail(p, "bad escape");
				free(out);
				return NULL;
			}
		}
		if (n + add + 1 > cap) {
			char *nb = realloc(out, cap * 2);

			if (!nb) {
				fail(p, "out of memory");
				break;
			}
			out = nb;
			cap *= 2;
		}
		memcpy(out + n, buf, add);
		n += add;
	}
	fail(p, "unterminated string");
	free(out);
	return NULL;
}

static struct json *value(struct parser *p, int depth);

static struct json *container(struct parser *p, int depth, bool object)
{
	struct json *j = node(p, object ? JSON_OBJECT : JSON_ARRAY), **tail;
	char close = object ? '}' : ']';

	if (!j)
		return NULL;
	tail = &j->child;
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		return j;
	}
	for (;;) {
		char *key = NULL;
		struct json *v;

		skip_ws(p);
		if (object) {
			if (p->pos >= p->len || p->s[p->pos] != '"') {
				fail(p, "expected a member name");
				break;
			}
			if (!(key = string(p)))
				break;
			skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				free(key);
				fail(p, "expected ':'");
				break;
			}
			p->pos++;
		}
		v = value(p, depth + 1);
		if (!v) {
			free(key);
			break;
		}
		v->key = key;
		*tail = v;
		tail = &v->next;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			return j;
		}
		fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
		break;
	}
	json_free(j);
	return NULL;
}

static struct json *number(struct parser *p)
{
	const char *start = p->s + p->pos;
	char buf[64], *end;
	size_t n = 0;
	struct json *j;

	while (p->pos + n < p->len && n < sizeof(buf) - 1 &&
	       strchr("+-0123456789.eE", p->s[p->pos + n]))
		n++;
	memcpy(buf, start, n);
	buf[n] = '\0';
	double v = strtod(buf, &end);

	if (n == 0 || end != buf + n) {
		fail(p, "bad number");
		return NULL;
	}
	p->pos += n;
	if (!(j = node(p, JSON_NUMBER)))
		return NULL;
	j->num = v;
	return j;
}

static struct json *value(struct parser *p, int depth)
{
	struct json *j;

	if (depth > JSON_MAX_DEPTH) {
		fail(p, "nested too deeply");
		return NULL;
	}
	skip_ws(p);
	if (p->pos >= p->len) {
		fail(p, "unexpected end");
		return NULL;
	}
	switch (p->s[p->pos]) {
	case '{': return container(p, depth, true);
	case '[': return container(p, depth, false);
	case '"': {
		char *s = string(p);

		if (!s)
			return NULL;
		if (!(j = node(p, JSON_STRING))) {
			free(s);
			return NULL;
		}
		j->str = s;
		return j;
	}
	case 't': case 'f': {
		bool truth = p->s[p->pos] == 't';

		if (!literal(p, truth ? "true" : "false"))
			return NULL;
		if (!(j = node(p, JSON_BOOL)))
			return NULL;
		j->b = truth;
		return j;
	}
	case 'n':
		if (!literal(p, "null"))
			return NULL;
		return node(p, JSON_NULL);
	default:
		return number(p);
	}
}

struct json *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct parser p = { .s = text, .len = len, .err = err, .errlen = errlen };
	struct json *j;

	if (err && errlen)
		err[0] = '\0';
	if (len > JSON_MAX_BYTES) {
		fail(&p, "document too large");
		return NULL;
	}
	j = value(&p, 0);
	if (!j)
		return NULL;
	skip_ws(&p);
	if (p.pos != p.len) {
		fail(&p, "trailing characters");
		json_free(j);
		return NULL;
	}
	return j;
}

void json_free(struct json *j)
{
	while (j) {
		struct json *next = j->next;

		json_free(j->child);
		free(j->str);
		free(j->key);
		free(j);
		j = next;
	}
}

const struct json *json_get(const struct json *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (const struct json *m = obj->child; m; m = m->next)
		if (m->key && !strcmp(m->key, key))
			return m;
	return NULL;
}

double json_num(const struct json *obj, const char *key, double def)
{
	const struct json *m = json_get(obj, key);

	return m && m->type == JSON_NUMBER ? m->num : def;
}

const char *json_str(const struct json *obj, const char *key, const char *def)
{
	const struct json *m = json_get(obj, key);

	return m && m->type == JSON_STRING ? m->str : def;
}

bool json_is_null(const struct json *obj, const char *key)
{
	const struct json *m = json_get(obj, key);

	return !m || m->type == JSON_NULL;
}
