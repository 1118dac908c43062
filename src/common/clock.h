/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one clock everything in membal reads (milliseconds, monotonic).
 *
 * By default it is CLOCK_MONOTONIC. A test or the simulator switches it to
 * a driven clock and moves it by hand, so that nothing waits for real
 * seconds it does not need to: a 20-minute scenario runs in milliseconds.
 * Process-wide on purpose: the daemons have one notion of "now".
 */
#ifndef MEMBAL_CLOCK_H
#define MEMBAL_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

uint64_t clock_now_ms(void);

/* Switch to a driven clock that reads start_ms until advanced. */
void clock_drive(uint64_t start_ms);
void clock_advance(uint64_t ms);
bool clock_is_driven(void);

/* Sleep for ms on the real clock; on a driven clock, advance it instead. */
void clock_sleep_ms(uint64_t ms);

#endif
