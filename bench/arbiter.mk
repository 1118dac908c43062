# SPDX-License-Identifier: GPL-2.0-only
# bench/arbiter: one membal-arbiter cycle against the in-process test
# xenstored and the sim backend, 10 / 100 / 1,000 domains: wall time,
# xenstore requests in steady state, with heartbeats and after a change,
# CPU share at interval_ms (docs/performance.md, "Arbiter cycle").
BENCHES += bench_arbiter
bench_arbiter_SRCS   := bench/arbiter.c
bench_arbiter_LIBS   := arbiter simhost agent policy common xsd
# "=": src/arbiter/module.mk, which defines ARBITER_LDLIBS, is read after
# the bench fragments.
bench_arbiter_LDLIBS  = $(ARBITER_LDLIBS)
