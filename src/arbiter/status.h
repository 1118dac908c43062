#ifndef MEMBAL_ARBITER_STATUS_H
#define MEMBAL_ARBITER_STATUS_H

#include <stddef.h>

#include "arbiter/arbiter.h"

/* Bump when a field changes meaning; membalctl checks it. */
#define STATUS_VERSION 2

int status_write_json(const struct arbiter *a, const char *path);
int status_write_metrics(const struct arbiter *a, const char *path);
void status_dom_flags(const struct dom *d, char *buf, size_t size);

#endif
