# SPDX-License-Identifier: GPL-2.0-only
# bench/agent_proc: a steady membal-agent as a whole process (sample_ms 20,
# CPU from /proc/PID/schedstat) against one open+read+close of
# /proc/meminfo, side by side (docs/performance.md, "At the floor").
BENCHES += bench_agent_proc
bench_agent_proc_SRCS   := bench/agent_proc.c
bench_agent_proc_LIBS   := common xsd
bench_agent_proc_LDLIBS := $(LIBS_XENSTORE) $(LIBS_PTHREAD)
