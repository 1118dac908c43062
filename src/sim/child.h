/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The end of a child membal-sim forked: a run (one policy, or one
 * cluster run) or gnuplot. One place decides what counts as success.
 */
#ifndef MEMBAL_SIM_CHILD_H
#define MEMBAL_SIM_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

/* Wait for pid; true when it exited with status 0. Otherwise false and,
 * when what is not NULL, "membal-sim: <what> failed" on stderr (a run's
 * child says why itself before it exits). */
bool child_exited_ok(pid_t pid, const char *what);

#endif
