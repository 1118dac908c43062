# SPDX-License-Identifier: GPL-2.0-only
# bench/solver: exact vs paper global balancing, n = 10 .. 10^6, and
# membalctl plan on a million domains (docs/performance.md, "Solvers").
BENCHES += bench_solver
bench_solver_SRCS   := bench/solver.c
bench_solver_LIBS   := policy common
bench_solver_LDLIBS := $(LIBS_INIH) $(LIBS_MATH)
