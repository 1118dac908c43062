/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One arbiter per host. Two arbiters would both write targets, and the
 * second would replace the first one's control socket, status and
 * metrics files; so before anything else the daemon takes a POSIX write
 * lock on a file (default /run/membal/arbiter.lock). The kernel drops
 * the lock when the process dies, however it dies: no stale pid file.
 * F_GETLK tells another process who holds it, which is how a refused
 * arbiter and a --dry-run name the live one's pid.
 */
#ifndef MEMBAL_ARBITER_LOCK_H
#define MEMBAL_ARBITER_LOCK_H

#include <sys/types.h>

/* The locked file's descriptor (keep it open for the life of the
 * process), or -1: errno EWOULDBLOCK with *holder set when another
 * process holds the lock, any other errno when the file cannot be made.
 * Creates the file's directory (one level, mode 0755) if missing. */
int arbiter_lock_take(const char *path, pid_t *holder);
/* The pid holding the lock on path, 0 when nobody does (or the file does
 * not exist), -1 when it cannot be checked (errno). Takes no lock. */
pid_t arbiter_lock_holder(const char *path);
void arbiter_lock_release(int fd);

#endif
