/* SPDX-License-Identifier: GPL-2.0-only */
#include "sim/pin.h"

#include <sched.h>

int sim_pin_slot(size_t slot)
{
	cpu_set_t allowed, one;
	int n;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		return -1;
	n = CPU_COUNT(&allowed);
	if (n <= 1)
		return 0;
	slot %= (size_t)n;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed))
			continue;
		if (slot-- == 0) {
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			return sched_setaffinity(0, sizeof(one), &one);
		}
	}
	return 0;
}
