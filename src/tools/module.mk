# SPDX-License-Identifier: GPL-2.0-only
# src/tools: programs around membal that are not daemons.
# membal-load: Zhang et al.'s §5 workloads (mono, random, hold) to run in a
# guest; the real-Xen harness (tests/e2e-xen) puts it in every domU.
PROGRAMS += membal-load
membal-load_SRCS := src/tools/membal-load.c
membal-load_LIBS := common

TESTS += test_membal_load
test_membal_load_SRCS   := tests/unit/test_membal_load.c
test_membal_load_LDLIBS := $(LIBS_CMOCKA)
