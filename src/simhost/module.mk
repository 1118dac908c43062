# SPDX-License-Identifier: GPL-2.0-only
# src/simhost: the simulated Xen host. The guest model (balloon, cache,
# swap, PSI, OOM), workloads and traces, scenario files, the guests'
# /proc and sysfs files, and the `sim` backend of src/arbiter/hv.h that
# runs it under the real arbiter (membal-sim, the demo, the closed-loop
# tests). Only hv_sim.c and toolstack.c talk to a xenstored (membal's own,
# src/xenstored).
LIBRARIES += simhost
simhost_SRCS := $(sort $(wildcard src/simhost/*.c))
