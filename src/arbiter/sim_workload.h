/*
 * Workloads of the simulated host: a guest's demand, the anonymous memory
 * its programs have in use (KiB), as a function of the time since the
 * guest started. The guest model (sim_model.h) turns demand into what the
 * guest kernel shows; the workload knows nothing about memory sizes.
 *
 *   idle                    SIM_IDLE_DEMAND_MB all the time: a booted
 *                           guest with its daemons and nothing else
 *   const:MB                MB all the time
 *   mono:LOW,HIGH,PERIOD_S  seed 001's "mono" (SPEC §6): a triangle that
 *                           starts at LOW, reaches HIGH at PERIOD_S/2 and
 *                           is back at LOW at PERIOD_S, then repeats
 *   step:BEFORE,AFTER,AT_S  BEFORE until AT_S, AFTER from AT_S on
 *
 * The text is parsed strictly (plain decimal MiB and seconds, no spaces,
 * LOW <= HIGH, PERIOD_S > 0): it comes from a scenario file someone typed.
 */
#ifndef MEMBAL_SIM_WORKLOAD_H
#define MEMBAL_SIM_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

/* An idle Debian guest (systemd, journald, sshd) has about this much
 * anonymous memory in use. */
#define SIM_IDLE_DEMAND_MB 48

/* Bounds for the numbers in a workload: 16 TiB and one year. */
#define SIM_WORKLOAD_MB_MAX (UINT64_C(1) << 24)
#define SIM_WORKLOAD_S_MAX UINT64_C(31536000)

/* Longest workload text accepted (and kept for messages). */
#define SIM_WORKLOAD_TEXT_MAX 64

enum sim_workload_kind { SIM_WL_IDLE, SIM_WL_CONST, SIM_WL_MONO, SIM_WL_STEP };

struct sim_workload {
	enum sim_workload_kind kind;
	uint64_t from_kb;   /* idle/const: the demand; mono: LOW; step: BEFORE */
	uint64_t to_kb;     /* const: = from_kb; mono: HIGH; step: AFTER */
	uint64_t period_ms; /* mono */
	uint64_t at_ms;     /* step */
	char text[SIM_WORKLOAD_TEXT_MAX];  /* as written, for messages */
};

/* 0, or -1 with the reason in why (for cfg_error: "expected ..."). *out
 * is only written on success. */
int sim_workload_parse(const char *text, struct sim_workload *out, char *why,
		       size_t why_size);

/* Demand t_ms after the guest started. */
uint64_t sim_workload_demand_kb(const struct sim_workload *w, uint64_t t_ms);

#endif
