# SPDX-License-Identifier: GPL-2.0-only
# src/policy: the pure policy core. A snapshot in, decisions out: no Xen
# header, no I/O (design.md §Layout). `make check-policy-pure`
# (part of check-fast) fails if any header it compiles against comes from
# Xen's libraries.

LIBRARIES += policy
policy_SRCS := $(sort $(wildcard src/policy/*.c))

POLICY_TEST_LDLIBS := $(LIBS_CMOCKA) $(LIBS_INIH) $(LIBS_MATH)

TESTS += test_policy
test_policy_SRCS   := tests/unit/test_policy.c
test_policy_LIBS   := policy common
test_policy_LDLIBS := $(POLICY_TEST_LDLIBS)

TESTS += test_solve
test_solve_SRCS   := tests/unit/test_solve.c
test_solve_LIBS   := policy common
test_solve_LDLIBS := $(POLICY_TEST_LDLIBS)

TESTS += test_solve_props
test_solve_props_SRCS   := tests/unit/test_solve_props.c
test_solve_props_LIBS   := policy common
test_solve_props_LDLIBS := $(POLICY_TEST_LDLIBS)

TESTS += test_apply
test_apply_SRCS   := tests/unit/test_apply.c
test_apply_LIBS   := policy common
test_apply_LDLIBS := $(POLICY_TEST_LDLIBS)

# Reads the shipped conf/arbiter.ini, so it needs to know the tree.
TESTS += test_policy_config
test_policy_config_SRCS   := tests/unit/test_policy_config.c
test_policy_config_LIBS   := policy common
test_policy_config_LDLIBS := $(POLICY_TEST_LDLIBS)
$(BUILD)/san/obj/tests/unit/test_policy_config.o $(BUILD)/obj/tests/unit/test_policy_config.o: LOCAL_CFLAGS += -DMEMBAL_SRCDIR=\"$(CURDIR)\"


# The snapshot builder: what the arbiter knows of a domain -> policy_dom.
TESTS += test_snapshot
test_snapshot_SRCS   := tests/unit/test_snapshot.c
test_snapshot_LIBS   := policy common
test_snapshot_LDLIBS := $(POLICY_TEST_LDLIBS)

# The learned gap, and seed 003's listing (membal-sim's `literal`) beside it.
TESTS += test_gap
test_gap_SRCS   := tests/unit/test_gap.c src/sim/gap_literal.c
test_gap_LIBS   := policy common
test_gap_LDLIBS := $(POLICY_TEST_LDLIBS)
TESTS += test_gap_safety
test_gap_safety_SRCS   := tests/unit/test_gap_safety.c
test_gap_safety_LIBS   := policy common
test_gap_safety_LDLIBS := $(POLICY_TEST_LDLIBS)

TESTS += test_scarce_props
test_scarce_props_SRCS   := tests/unit/test_scarce_props.c
test_scarce_props_LIBS   := policy common
test_scarce_props_LDLIBS := $(POLICY_TEST_LDLIBS)

TESTS += test_unpark
test_unpark_SRCS   := tests/unit/test_unpark.c
test_unpark_LIBS   := policy common
test_unpark_LDLIBS := $(POLICY_TEST_LDLIBS)

# The OOM margin's growth evidence (design.md §Growth is never cut).
TESTS += test_growth
test_growth_SRCS   := tests/unit/test_growth.c
test_growth_LIBS   := policy common
test_growth_LDLIBS := $(POLICY_TEST_LDLIBS)
