# SPDX-License-Identifier: GPL-2.0-only
# bench/place: every placement algorithm from 10^2 to 10^4 VMs on 10 to
# 10^3 hosts, times and growth ratios beside seed 004's complexities
# (docs/performance.md, "Placement").
BENCHES += bench_place
bench_place_SRCS   := bench/place.c
bench_place_LIBS   := place policy common
bench_place_LDLIBS := $(LIBS_MATH)
