/* SPDX-License-Identifier: GPL-2.0-only */
#include "common/clock.h"

#include <errno.h>
#include <time.h>

static bool driven;
static uint64_t driven_now;

uint64_t clock_now_ms(void)
{
	struct timespec ts;

	if (driven)
		return driven_now;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void clock_drive(uint64_t start_ms)
{
	driven = true;
	driven_now = start_ms;
}

void clock_advance(uint64_t ms)
{
	driven_now += ms;
}

bool clock_is_driven(void)
{
	return driven;
}

void clock_sleep_ms(uint64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	if (driven) {
		driven_now += ms;
		return;
	}
	/* A signal cuts the sleep short on purpose: the daemons' loops check
	 * their flags (SIGTERM, SIGHUP) right after. */
	nanosleep(&ts, NULL);
}
