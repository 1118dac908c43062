/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MEMBAL_ARBITER_STATUS_H
#define MEMBAL_ARBITER_STATUS_H

#include <stddef.h>
#include <stdio.h>

#include "arbiter/arbiter.h"

/* Bump when a field changes meaning; membalctl checks it. */
#define STATUS_VERSION 2

int status_write_json(const struct arbiter *a, const char *path);
/* metrics.c: the Prometheus textfile; on a clean stop, membal_up 0. */
int status_write_metrics(const struct arbiter *a, const char *path);
int status_write_metrics_down(const char *path);
/* Write path through a temporary file in its directory renamed over it. */
int status_open_tmp(const char *path, char *tmp, size_t size, FILE **out);
int status_commit_tmp(FILE *f, const char *tmp, const char *path);
void status_dom_flags(const struct dom *d, char *buf, size_t size);

#endif
