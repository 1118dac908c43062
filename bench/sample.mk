# SPDX-License-Identifier: GPL-2.0-only
# Benchmark of the agent's sampling layer (bench/sample.c).
BENCHES += bench_sample
bench_sample_SRCS := bench/sample.c src/agent/sample.c src/agent/sample_status.c src/agent/swaps.c
bench_sample_LIBS := common
