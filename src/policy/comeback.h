/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A load that comes back (design.md §Scarce mode from the estimated need,
 * "A load that comes back"): whether a guest's working-set estimate W
 * fell and came back within a window, and the highest W of that window.
 * A fall is a drop of a quarter of the window's peak or more (and at
 * least min_change); a return is W back within a quarter of that fall
 * of where it fell from, inside the window. While a return was seen
 * within hold_ms, the window's peak is what the need holds: a load that
 * has come back once within seconds is likely to come back again, and
 * each fall followed is a cut of the guest, a grant to another and both
 * undone at the return (square-alias: 740 targets written, `paper` 93).
 * Pure: W and the clock in, the peak to hold out (the arbiter keeps one
 * struct per domain).
 */
#ifndef MEMBAL_POLICY_COMEBACK_H
#define MEMBAL_POLICY_COMEBACK_H

#include <stdbool.h>
#include <stdint.h>

/* The window's W, as the highest of each of its eighths (a bucket per
 * eighth, one spare for the one being filled). */
#define COMEBACK_BUCKETS 9

struct comeback_state {
	uint64_t start_ms[COMEBACK_BUCKETS];
	uint64_t peak_kb[COMEBACK_BUCKETS];
	unsigned head, n;
	uint64_t fell_ms;          /* 0: no fall being watched */
	uint64_t fell_from_kb, fell_low_kb;
	uint64_t came_back_ms;     /* the last return; 0: none */
	/* A load that recurs (recur_ms): the fall watched, the level of
	 * the last return and its tolerance, the last time W was there,
	 * the times down of the last two returns and how many (at most 2). */
	uint64_t r_fell_ms, r_from_kb, r_low_kb, r_down_ms;
	uint64_t high_kb, high_tol_kb, high_ms;
	uint64_t down_ms[2];
	unsigned returns;
	/* comeback_cron(): read as a cron's; the latest OOM kill told (0:
	 * none); the level of the return before the last (0: none); the
	 * times of the last three returns in a row, latest first (0: none). */
	bool cron;
	uint64_t killed_ms;
	uint64_t prev_high_kb;
	uint64_t ret_ms[3];
};

/* Forget W's history (a new guest, an arbiter restart). */
void comeback_reset(struct comeback_state *s);

/* One W sample (KiB) at now. Returns the W the need should hold: the
 * window's peak (this sample included) while a return was seen within
 * hold_ms, else w. *recur_kb: the level of a load that recurs (0: none):
 * one whose fall came back, after up to recur_ms down, twice in a row,
 * each time within rise_ms of its last sample still down (a jump the
 * loop cannot follow); the level it last fell from, held after each
 * later fall for as long as its longer time down of the last two, a
 * quarter more and window_ms; a load that stays low past that is not one
 * until it has come back twice more. window_ms or hold_ms 0: the rule is
 * off (returns w and keeps no history); recur_ms 0: no recurrence. */
uint64_t comeback_observe(struct comeback_state *s, uint64_t w,
			  uint64_t min_change_kb, uint64_t now,
			  uint64_t window_ms, uint64_t hold_ms, uint64_t recur_ms,
			  uint64_t rise_ms, uint64_t *recur_kb);


/* Read s as a cron's (recur_period_s; the caller says so before each
 * comeback_observe()), kill_ms: the guest's latest OOM kill (0: none).
 * A cron's runs differ (a five-minute run above each minute's), so back
 * above half the fall, not a quarter, is a return and the load at its
 * level, and the level is the higher of its last two returns'. An OOM
 * kill after a fall is a return, a jump the loop could not follow, and
 * a kill after W was last at the level is the load there again: a
 * swapless guest killed as its load jumped climbs back only as its
 * memory comes (W cannot exceed what it holds), if ever. */
void comeback_cron(struct comeback_state *s, uint64_t kill_ms);

/* While a load recurs (comeback_observe()'s last *recur_kb not 0), its
 * period as the tracker knows it: the longer of its last two times down
 * (*down_ms, the time from a fall to its return) and how long ago W was
 * last at its level (*since_ms, at now); false, both 0, when none. Read
 * as a cron's, only while it keeps its time (its last two periods,
 * return to return, within an eighth of each other, once it has two;
 * with one, its two times down within an eighth of each other) and runs
 * briefly (down two thirds of its last period at least). */
bool comeback_period(const struct comeback_state *s, uint64_t now,
		     uint64_t *down_ms, uint64_t *since_ms);

#endif
