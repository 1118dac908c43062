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
 *   await ID MS                the same, but not before the first cycle
 *                              that makes it ready (or gone), or MS ms
 *                              (control_wait.c)
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

/* How often `membalctl reserve --wait` asks (`await ID MS`, or `reserved ID`
 * of an arbiter without await; ctl/control_cmd.c),
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
/* One accepted connection: read its line, answer it; true when it was
 * parked (an `await`), and then not to be closed by the caller. */
bool control_serve_fd(int cfd, struct arbiter *a);
/* Pure: handle one request line, write the answer (no newline). */
void control_handle(struct arbiter *a, const char *line, char *answer,
		    size_t size);
/* `await ID MS` (control_wait.c), args after the verb, from connection
 * fd: answered at once (ready, gone, MS 0, a bad request, or
 * CONTROL_AWAIT_MAX already parked: false, the caller closes fd), or
 * parked (true: fd is the module's until control_wake() answers it). */
#define CONTROL_AWAIT_MAX 16
#define CONTROL_AWAIT_MS_MAX 10000
bool control_await(struct arbiter *a, int fd, const char *args, uint64_t now_ms);
/* After a cycle, and when a deadline passes: answer the parked requests
 * whose reservation is ready or gone, or whose MS is up. */
void control_wake(struct arbiter *a, uint64_t now_ms);
/* The earliest deadline of a parked request, or until_ms. */
uint64_t control_wake_due(uint64_t until_ms);
/* How many requests are parked. */
size_t control_awaiting(void);
/* At shutdown: answer every parked request "ERR" and close it. */
void control_await_close(void);
/* The `reserved ID` answer; returns arbiter_reservation_ready()'s. */
int control_reserved_answer(struct arbiter *a, uint32_t id, char *answer, size_t size);
/* Close, and unlink path only if it is still the file control_listen()
 * created (same device and inode): never another process's socket. */
void control_close(int fd, const char *path, const struct stat *made);

#endif
