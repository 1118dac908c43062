/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A run's working directory (sockets of its xenstored, the simulated
 * guests' files): tmpfs when there is one, since the guests' files are
 * rewritten every second, and a path short enough for a unix socket.
 */
#ifndef MEMBAL_SIM_WORKDIR_H
#define MEMBAL_SIM_WORKDIR_H

#include <stddef.h>

/* Create $TMPDIR (else /dev/shm, else /tmp)/<prefix>.XXXXXX into buf.
 * 0, or -1 (errno). */
int sim_workdir_make(char *buf, size_t size, const char *prefix);
/* Remove it and everything under it. */
void sim_workdir_remove(const char *dir);

#endif
