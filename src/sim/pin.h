/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One CPU per run. A run is a handful of threads that take turns (the
 * simulator and its in-process agents and arbiter, the test xenstored,
 * libxenstore's reader threads): every xenstore request hands the work
 * from one to the next and back. Spread over CPUs, each hand-over wakes
 * a thread on another CPU (an inter-processor interrupt, and on a VM an
 * exit to the hypervisor); on one CPU it is a plain context switch. On
 * the 2-vCPU VM of docs/performance.md this halves the CPU time of a
 * 50-guest run. The results do not depend on it: the simulation is on
 * the driven clock and synchronises by round trips, not by timing.
 */
#ifndef MEMBAL_SIM_PIN_H
#define MEMBAL_SIM_PIN_H

#include <stddef.h>

/* Keep the calling thread, and the threads it creates from now on, on
 * the (slot mod n)-th of the n CPUs it may run on. 0, or -1 (errno);
 * failing to pin is harmless (the run is only slower). */
int sim_pin_slot(size_t slot);

#endif
