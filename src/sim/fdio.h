/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Whole-buffer reads and writes on a pipe: each run of membal-sim (one
 * host or a cluster) is a forked child that sends its results back to
 * the parent this way.
 */
#ifndef MEMBAL_SIM_FDIO_H
#define MEMBAL_SIM_FDIO_H

#include <stdbool.h>
#include <stddef.h>

/* false on an error or an early end of file; EINTR is retried. */
bool fd_write_all(int fd, const void *buf, size_t len);
bool fd_read_all(int fd, void *buf, size_t len);

#endif
