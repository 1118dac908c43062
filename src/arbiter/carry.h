/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membalctl state export|import (carry.c): a domain's membal state across
 * a migration.
 */
#ifndef MEMBAL_ARBITER_CARRY_H
#define MEMBAL_ARBITER_CARRY_H

#include <stddef.h>

struct arbiter;
struct dom;

/* The state of domain name (or id) as text; -1 ENOENT. */
int carry_export(struct arbiter *a, const char *name, char *out, size_t size);
/* Into domain name now, or kept with the reservation --for name; the
 * control answer written either way. 0 or -1. */
int carry_import(struct arbiter *a, const char *name, const char *text,
		 char *answer, size_t size);
/* Apply state text to d (a reservation's, when d arrives). */
int carry_apply(struct arbiter *a, struct dom *d, const char *text);

#endif
