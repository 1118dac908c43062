/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decision history: every target change, one record. Under systemd, when
 * stderr is the journal (JOURNAL_STREAM names stderr's device and inode),
 * the record goes to the journal with sd_journal_send() and fields of its
 * own, so that `journalctl MEMBAL_DOMAIN=web1` is one guest's history;
 * otherwise it is the usual info line on stderr. The sink is an interface
 * so that a test can record what would be sent.
 */
#ifndef MEMBAL_ARBITER_HISTORY_H
#define MEMBAL_ARBITER_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

struct history_change {
	uint32_t domid;
	const char *domain;
	uint64_t old_kb, target_kb, demand_kb, actual_kb;
	const char *mode, *stage;
	const char *reason;      /* policy reasons "step+grant", "grant-withdrawn"
				  * or "above-static-max" */
	bool has_price;
	double price;
	bool dry_run;
};

struct history_sink {
	/* 0 sent; -1 not sent (the line goes to stderr instead) */
	int (*send)(void *user, const struct history_change *c, const char *message);
	void *user;
};

/* Record a change; message is the text line for people. */
void history_target_change(const struct history_change *c, const char *message);

/* Tests: NULL restores the default (journal when detected, else stderr). */
void history_set_sink(const struct history_sink *sink);

/* True when fd 2 is the stream JOURNAL_STREAM ("DEV:INO") names. */
bool history_stderr_is_journal(void);

#endif
