/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logging to stderr with sd-daemon priority prefixes ("<6>message"), so
 * that journald keeps the level of every line; outside systemd the prefix
 * can be turned off. Levels are syslog's (LOG_ERR .. LOG_DEBUG).
 *
 * log_limited() is for messages that a misbehaving guest could otherwise
 * repeat every cycle: the same key is printed at most once per interval,
 * and the next line that gets through says how many were suppressed.
 */
#ifndef MEMBAL_LOG_H
#define MEMBAL_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <syslog.h>

struct log_config {
	int level;               /* print messages with prio <= level */
	bool sd_prefix;          /* "<N>" prefix for journald */
	uint64_t limit_ms;       /* log_limited() interval per key */
};

void log_setup(const char *ident, const struct log_config *cfg);
void log_set_level(int level);
int log_get_level(void);
/* Where lines go (stderr by default); tests point it at a memstream. */
void log_set_stream(FILE *stream);

/* Whether stderr is a journald stream: systemd sets JOURNAL_STREAM to
 * "DEV:INO" of the stream it connects, and a child whose stderr was
 * redirected elsewhere inherits the variable, so compare with fstat(2). */
bool log_stderr_is_journal(void);

/* Parse "err", "warning", "notice", "info", "debug"; -1 if unknown. */
int log_level_from_name(const char *name);
const char *log_level_name(int level);

void log_msg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Rate-limited by key (for example "dom7:free"); keys are hashed into a
 * small fixed table, so memory stays bounded whatever a guest does. */
void log_limited(int prio, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Lines dropped by log_limited() since start (for status and tests). */
uint64_t log_suppressed_total(void);

#define log_err(...)     log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)    log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)  log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)    log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)   log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
