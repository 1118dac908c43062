/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent's state machine, one step per sample: read the guest's figures,
 * filter free memory, decide whether to publish, publish in one xenstore
 * transaction. main.c only adds the clock, signals and options around it,
 * so tests drive agent_step() on a driven clock.
 *
 * Connection states, and why:
 *  - DISCONNECTED: xenstored is not reachable (not started yet, restarted,
 *    the xenbus device is gone). Retry with exponential back-off capped at
 *    reconnect_max_ms; keep sampling so the filter window stays warm.
 *  - WAITING: connected, but our writes answer EACCES: under libxl a guest
 *    may not write memory/ until the arbiter hands the report keys over
 *    (design.md §Guest keys). Retry every handover_retry_ms; say so once.
 *  - PUBLISHING: normal operation.
 */
#ifndef MEMBAL_AGENT_H
#define MEMBAL_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "agent/agent_config.h"
#include "agent/report.h"
#include "agent/sample.h"
#include "common/filter.h"

struct xs_handle;

enum agent_state { AGENT_DISCONNECTED, AGENT_WAITING, AGENT_PUBLISHING };

/* What the last step did, for --once and for tests. */
enum agent_step_result {
	STEP_PUBLISHED,     /* a transaction committed, or memory/report written */
	STEP_QUIET,         /* nothing moved enough */
	STEP_NO_SAMPLE,     /* meminfo unusable; last good state kept */
	STEP_NO_XENSTORE,   /* not connected (or connection just lost) */
	STEP_NO_HANDOVER,   /* EACCES: keys not handed over yet */
	STEP_TX_FAILED,     /* EAGAIN storm or another refusal */
};

struct agent_counters {
	uint64_t samples;
	uint64_t sample_errors;
	uint64_t publications;
	uint64_t tx_eagain;        /* EAGAIN answers, retried */
	uint64_t tx_gave_up;       /* publications abandoned after tx_retries */
	uint64_t reconnects;
	uint64_t fmd_rejected;     /* free/avail readings replaced by the mean */
	uint64_t keys_written;     /* nodes written (a key, or memory/report) */
	uint64_t key_relearns;     /* memory/ listed to learn the handed keys */
};

struct agent {
	struct agent_config cfg;
	uint32_t domid;            /* resolved; AGENT_DOMID_AUTO until known */
	bool domid_fixed;          /* from --domid or config */
	bool follow;               /* follow.h: re-read domid after a resume */
	bool domid_lost;           /* "domid" unreadable since a resume */
	bool said_nowatch;
	uint64_t domid_changes;
	struct xs_handle *xs;
	enum agent_state state;
	uint64_t next_try_ms;      /* next connect or handover attempt */
	uint32_t backoff_ms;
	bool said_waiting;
	bool said_sample_bad;

	struct sample_paths paths;
	struct sample_ctx sample;  /* kernel files kept open (sample.h) */
	uint64_t last_vmstat_ms;   /* last sample that read /proc/vmstat */
	struct fmd_filter free_filter, avail_filter;
	bool have_pswpin;
	uint64_t last_pswpin, last_pswpin_ms;

	struct report last;        /* last published, valid if have_last */
	bool have_last;
	uint64_t last_pub_ms;
	uint64_t stamp;
	bool version_written;      /* on this connection */
	/* The report keys we may write (1u << enum membal_key): all until a
	 * refusal or a hand-over says otherwise, then those memory/ lists
	 * (an older arbiter hands over fewer keys than we know). */
	uint32_t handed;
	/* memory/report was handed over (a new arbiter): a publication is
	 * one WRITE of it, every figure and the stamp; otherwise one key a
	 * figure, in a transaction
	 * (design.md §Report layout: one value or one key a figure). */
	bool value_mode;
	bool value_refused;        /* its WRITE refused on this connection/domid */
	unsigned last_keys;        /* nodes the last publication wrote */

	enum agent_step_result last_result;
	enum report_why last_why;
	struct agent_counters n;
};

/* domid: AGENT_DOMID_AUTO to take cfg->domid, and if that is auto too,
 * read "domid" from xenstore once connected. Does not connect yet. */
void agent_init(struct agent *a, const struct agent_config *cfg,
		uint32_t domid);
/* Apply a reloaded configuration; filter windows restart only when their
 * parameters changed. */
void agent_reconfigure(struct agent *a, const struct agent_config *cfg);
enum agent_step_result agent_step(struct agent *a);
/* Milliseconds until the next step is due (sample period). */
uint32_t agent_sleep_ms(const struct agent *a);
void agent_close(struct agent *a);

#endif
