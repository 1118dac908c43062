/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The service manager's notification protocol (sd_notify(3)) in a few
 * lines: one datagram per message to the AF_UNIX socket named by
 * NOTIFY_SOCKET ("@name" for the abstract namespace). Written here rather
 * than linked from libsystemd because membal-agent is also built static
 * for guests, and Debian ships no static libsystemd; the arbiter uses the
 * same code so that one implementation is tested.
 *
 * Messages used: READY=1, RELOADING=1, STOPPING=1, STATUS=text,
 * WATCHDOG=1. Outside systemd (no NOTIFY_SOCKET) they are dropped.
 */
#ifndef MEMBAL_NOTIFY_H
#define MEMBAL_NOTIFY_H

#include <stdint.h>

/* 1 sent, 0 not under a service manager, -1 error (errno). Never blocks
 * for long: the socket is datagram and non-blocking. */
int notify_send(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* WATCHDOG_USEC in milliseconds when the watchdog is meant for this
 * process (WATCHDOG_PID unset or ours), else 0. Pings are due at least
 * every half of it. */
uint64_t notify_watchdog_ms(void);

#endif
