/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Workloads of the simulated host: a guest's demand, the anonymous memory
 * its programs have in use (KiB), as a function of the time since the
 * guest started. The guest model (sim_model.h) turns demand into what the
 * guest kernel shows; the workload knows nothing about memory sizes.
 *
 *   idle                    SIM_IDLE_DEMAND_MB all the time: a booted
 *                           guest with its daemons and nothing else
 *   const:MB                MB all the time
 *   mono:LOW,HIGH,PERIOD_S  Zhang et al.'s "mono" (design.md §Workloads and traces): a triangle that
 *                           starts at LOW, reaches HIGH at PERIOD_S/2 and
 *                           is back at LOW at PERIOD_S, then repeats
 *   step:BEFORE,AFTER,AT_S  BEFORE until AT_S, AFTER from AT_S on
 *   random:LOW,HIGH,HOLD_S  Zhang et al.'s "random" (design.md §Workloads and traces): every HOLD_S a
 *                           size drawn uniformly from [LOW, HIGH] (whole
 *                           MiB) is allocated and touched, then freed for
 *                           the next draw; the draws come from a hash of
 *                           (seed, k), so demand stays a pure function of
 *                           time and two runs of a scenario agree
 *   compute:MB,WORK_S       a compute job: MB all the time, and WORK_S
 *                           seconds of work at full speed (membal-sim
 *                           reports when it completes)
 *   trace[:VM]              the rows of the scenario's trace file whose vm
 *                           column is VM (default: the guest's name)
 *
 * The text is parsed strictly (plain decimal MiB and seconds, no spaces,
 * LOW <= HIGH, PERIOD_S > 0): it comes from a scenario file someone typed.
 *
 * Trace files (CSV, untrusted: strict, bounded, every error with its
 * line number):
 *
 *   # comments and blank lines are skipped
 *   time_s,vm,demand_mb          the header, exactly
 *   0,web,120                    time_s: seconds, up to 3 decimals
 *   2.5,web,180                  vm: a guest name ([A-Za-z0-9_.-]{1,63})
 *   0,db,300                     demand_mb: whole MiB
 *
 * A VM's rows must have strictly increasing times (VMs may interleave).
 * Demand holds each row's value until the VM's next row (a step
 * function, as monitoring samples are read); before its first row the
 * first value applies, after its last row the last one.
 */
#ifndef MEMBAL_SIM_WORKLOAD_H
#define MEMBAL_SIM_WORKLOAD_H

#include <stdbool.h>
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

/* Trace limits: rows in a file, characters in a line. */
#define SIM_TRACE_ROWS_MAX 2000000u
#define SIM_TRACE_LINE_MAX 256
#define SIM_TRACE_NAME_MAX 64

enum sim_workload_kind { SIM_WL_IDLE, SIM_WL_CONST, SIM_WL_MONO, SIM_WL_STEP,
			 SIM_WL_RANDOM, SIM_WL_COMPUTE, SIM_WL_TRACE };

struct sim_trace_point {
	uint64_t t_ms;
	uint64_t kb;
};

/* One VM's rows, in time order. */
struct sim_trace_series {
	char vm[SIM_TRACE_NAME_MAX];
	struct sim_trace_point *pt;
	size_t n;
	unsigned line;             /* of its first row, for messages */
};

struct sim_trace {
	struct sim_trace_series *series;
	size_t n;
};

struct sim_workload {
	enum sim_workload_kind kind;
	uint64_t from_kb;   /* idle/const/compute: the demand; mono, random:
			     * LOW; step: BEFORE */
	uint64_t to_kb;     /* const, compute: = from_kb; mono, random: HIGH;
			     * step: AFTER */
	uint64_t period_ms; /* mono; random: HOLD_S */
	uint64_t at_ms;     /* step */
	uint64_t work_ms;   /* compute: WORK_S */
	uint64_t seed;      /* random: set by the scenario (per guest) */
	char vm[SIM_TRACE_NAME_MAX];   /* trace: "" until resolved */
	const struct sim_trace_series *series;  /* trace: owned by the scenario */
	char text[SIM_WORKLOAD_TEXT_MAX];  /* as written, for messages */
};

/* 0, or -1 with the reason in why (for cfg_error: "expected ..."). *out
 * is only written on success. */
int sim_workload_parse(const char *text, struct sim_workload *out, char *why,
		       size_t why_size);

/* A guest or trace VM name: [A-Za-z0-9_.-]{1,63}, not starting with '.'
 * or '-' (names become directory names). */
bool sim_name_ok(const char *name);

/* Demand t_ms after the guest started. A trace workload without its
 * series demands nothing. */
uint64_t sim_workload_demand_kb(const struct sim_workload *w, uint64_t t_ms);

/* random: the k-th draw in [LOW, HIGH] (KiB, whole MiB). */
uint64_t sim_random_draw_kb(const struct sim_workload *w, uint64_t k);

/* Read a trace. 0, or -1 with "name:line: reason" (line 0 when the whole
 * file is at fault) in err; *out is only filled on success (free it with
 * sim_trace_free). */
int sim_trace_load(const char *path, struct sim_trace *out, char *err,
		   size_t err_size);
int sim_trace_load_string(const char *name, const char *text,
			  struct sim_trace *out, char *err, size_t err_size);
const struct sim_trace_series *sim_trace_find(const struct sim_trace *t,
					      const char *vm);
/* Deep copy. 0, or -1 (ENOMEM). */
int sim_trace_copy(struct sim_trace *dst, const struct sim_trace *src);
void sim_trace_free(struct sim_trace *t);

#endif
