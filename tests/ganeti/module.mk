# SPDX-License-Identifier: GPL-2.0-only
# tests/ganeti: membal next to Ganeti's htools (docs/ganeti.md). hail and
# membal-iallocator on the same IAllocator requests; hbal and the place
# core's rebalance on the same clusters. Skipped, loudly, without
# ganeti-htools (scripts/install-deps.sh installs it).

GANETI_TEST_UTIL := tests/ganeti/ganeti_util.c

TESTS += test_ganeti_ialloc
test_ganeti_ialloc_SRCS   := tests/ganeti/test_ganeti_ialloc.c $(GANETI_TEST_UTIL)
test_ganeti_ialloc_LDLIBS := $(LIBS_CMOCKA) $(shell $(PKG_CONFIG) --libs json-c)

TESTS += test_ganeti_hbal
test_ganeti_hbal_SRCS   := tests/ganeti/test_ganeti_hbal.c $(GANETI_TEST_UTIL)
test_ganeti_hbal_LIBS   := ialloc place policy common
test_ganeti_hbal_LDLIBS := $(LIBS_CMOCKA) $(LIBS_MATH) $(shell $(PKG_CONFIG) --libs json-c)

# The allocator's pure parts: malformed requests, the rules, the
# snapshot view, the export's lines.
TESTS += test_ialloc
test_ialloc_SRCS   := tests/unit/test_ialloc.c
test_ialloc_LIBS   := ialloc
test_ialloc_LDLIBS := $(LIBS_CMOCKA) $(shell $(PKG_CONFIG) --libs json-c)
