/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The snapshot membal-place hands to the placement core, with the
 * strings it owns, and the naming rules both sources share.
 */
#include "placetool/placetool.h"

#include <stdlib.h>
#include <string.h>

void snap_init(struct snap *s)
{
	memset(s, 0, sizeof(*s));
}

void snap_free(struct snap *s)
{
	for (size_t i = 0; i < s->nstr; i++)
		free(s->strs[i]);
	free(s->strs);
	free(s->hosts);
	free(s->doms);
	snap_init(s);
}

static bool grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return true;
	size_t ncap = *cap ? *cap * 2 : 64;
	void *nv = realloc(*v, ncap * size);

	if (!nv)
		return false;
	*v = nv;
	*cap = ncap;
	return true;
}

const char *snap_str(struct snap *s, const char *str)
{
	char *c;

	if (!grow((void **)&s->strs, &s->scap, s->nstr, sizeof(*s->strs)))
		return NULL;
	c = strdup(str);
	if (c)
		s->strs[s->nstr++] = c;
	return c;
}

struct place_host *snap_add_host(struct snap *s)
{
	if (s->nh >= PLACE_MAX_HOSTS ||
	    !grow((void **)&s->hosts, &s->hcap, s->nh, sizeof(*s->hosts)))
		return NULL;
	memset(&s->hosts[s->nh], 0, sizeof(s->hosts[0]));
	s->hosts[s->nh].xen_version = "";
	s->hosts[s->nh].cpu_features = "";
	return &s->hosts[s->nh++];
}

struct place_dom *snap_add_dom(struct snap *s)
{
	struct place_dom *d;

	if (s->nd >= PLACE_MAX_DOMS ||
	    !grow((void **)&s->doms, &s->dcap, s->nd, sizeof(*s->doms)))
		return NULL;
	d = &s->doms[s->nd++];
	memset(d, 0, sizeof(*d));
	d->host = -1;
	d->pin_host = -1;
	d->shares = 1;
	d->migratable = true;
	d->last_move_age_s = PLACE_NEVER_MOVED;
	return d;
}

/* Linear: names are looked up once per row or option, and a cluster has
 * at most PLACE_MAX_HOSTS hosts. */
int32_t snap_host_index(const struct snap *s, const char *name)
{
	for (size_t h = 0; h < s->nh; h++)
		if (strcmp(s->hosts[h].name, name) == 0)
			return (int32_t)h;
	return -1;
}

int32_t snap_dom_index(const struct snap *s, const char *name)
{
	for (size_t j = 0; j < s->nd; j++)
		if (strcmp(s->doms[j].name, name) == 0)
			return (int32_t)j;
	return -1;
}

bool snap_name_ok(const char *name)
{
	return snap_token_ok(name, SNAP_MAX_NAME);
}

bool snap_token_ok(const char *name, size_t max)
{
	size_t n = strlen(name);

	if (n == 0 || n > max)
		return false;
	for (const char *c = name; *c; c++)
		if (*c <= ' ' || *c >= 0x7f || *c == ',' || *c == '"' ||
		    *c == '\\' || *c == '\'')
			return false;
	return true;
}

enum place_kind snap_kind(const char *name, bool has_domid, uint64_t domid)
{
	size_t n = strlen(name);

	if ((has_domid && domid == 0) || strcmp(name, "Domain-0") == 0)
		return PLACE_DOM0;
	if (n > 3 && strcmp(name + n - 3, "-dm") == 0)
		return PLACE_STUB;
	return PLACE_DOMU;
}
