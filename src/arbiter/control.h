/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membalctl's way in: a unix stream socket (default
 * /run/membal/control.sock), mode 0600 and checked with SO_PEERCRED, so
 * that only root (or the arbiter's own user) can pause, resume or reserve.
 * One request line, one answer line ("OK ..." or "ERR reason"):
 *
 *   ping                       OK membal-arbiter <version>
 *   pause [DOMAIN]             hold one domain (name or id), or all
 *   resume [DOMAIN]            manage it (them) again; ends a manual hold
 *   reserve KIB [lease=S] [for=NAME]
 *                              keep KIB free for a new VM (reserve.h):
 *                              OK <id> ...; the old "reserve KIB S" is
 *                              lease=S
 *   release [ID]               end one reservation, or all of them
 *   renew ID                   start its lease again
 *   reserved ID                OK ready ID | OK missing KIB <why>
 *   state-export DOMAIN        OK hold=... oom_min_kb=N oom_until=S (carry.h)
 *   state-import NAME STATE    into domain NAME, or kept with the
 *                              reservation --for NAME until it arrives
 *
 * Why a socket rather than signals or a file: requests need an answer
 * (no such domain, bad size), and the arbiter must not trust a world-
 * writable spool. The status itself is the JSON file, readable by anyone.
 */
#ifndef MEMBAL_ARBITER_CONTROL_H
#define MEMBAL_ARBITER_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "arbiter/arbiter.h"

#define CONTROL_LINE_MAX 256
#define CONTROL_ANSWER_MAX 1024

/* How often `membalctl reserve --wait` asks `reserved ID` (ctl/control_cmd.c),
 * and membal-sim's toolstack with it (sim/run.c), which models it. The
 * answer changes at the arbiter's cycles, whose early follow-ups come a
 * fraction of an interval apart (design.md §Growth is never cut, "The
 * follow-up cycle"). */
#define CONTROL_RESERVE_POLL_MS 100

/* The verbs. pause/resume: name NULL for every domain; 0, or -1 (no such
 * domain). Resuming also ends a manual hold. */
int arbiter_pause(struct arbiter *a, const char *name, bool pause);

/* Listening socket, or -1 (errno). Creates the directory if needed.
 * A socket file left by a dead arbiter is replaced; one that answers
 * belongs to a live process and is refused (EADDRINUSE). *made receives
 * the identity (st_dev, st_ino) of the socket file created. */
int control_listen(const char *path, struct stat *made);
/* Accept and answer every pending request without blocking for long. */
void control_serve(int fd, struct arbiter *a);
/* Pure: handle one request line, write the answer (no newline). */
void control_handle(struct arbiter *a, const char *line, char *answer,
		    size_t size);
/* Close, and unlink path only if it is still the file control_listen()
 * created (same device and inode): never another process's socket. */
void control_close(int fd, const char *path, const struct stat *made);

#endif
