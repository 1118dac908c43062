# SPDX-License-Identifier: GPL-2.0-only
# src/place: the pure placement core (docs/placement.md). A cluster
# snapshot in, a placement or a list of migrations out: no Xen header, no
# I/O; `make check-policy-pure` scans src/place/*.c too. It expands hosts
# with the policy core's exact solver, so it links after `policy`.

LIBRARIES += place
place_SRCS := $(sort $(wildcard src/place/*.c))

PLACE_TEST_LIBS   := place policy common
PLACE_TEST_LDLIBS := $(LIBS_CMOCKA) $(LIBS_MATH)

# Hand-computed cases, one or more per algorithm, and the Gini vectors.
TESTS += test_place
test_place_SRCS   := tests/unit/test_place.c
test_place_LIBS   := $(PLACE_TEST_LIBS)
test_place_LDLIBS := $(PLACE_TEST_LDLIBS)

# Properties over seeded random clusters, every algorithm.
TESTS += test_place_props
test_place_props_SRCS   := tests/unit/test_place_props.c
test_place_props_LIBS   := $(PLACE_TEST_LIBS)
test_place_props_LDLIBS := $(PLACE_TEST_LDLIBS)
