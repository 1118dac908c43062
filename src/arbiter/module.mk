# src/arbiter: the pure policy core (a snapshot in, decisions out; no Xen
# header, no I/O) as library `policy`, and its tests. The daemon's own
# sources and program are added below by their owner.

LIBRARIES += policy
policy_SRCS := src/arbiter/policy.c src/arbiter/solve_exact.c \
               src/arbiter/solve_paper.c src/arbiter/apply.c \
               src/arbiter/policy_config.c

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
$(BUILD)/san/obj/tests/unit/test_policy_config.o: CFLAGS += -DMEMBAL_SRCDIR=\"$(CURDIR)\"

# The daemon: everything in src/arbiter that is not the pure policy, except
# main.c. The xen backend links libxenctrl and libxenlight.
LIBRARIES += arbiter
arbiter_SRCS := $(filter-out $(policy_SRCS) src/arbiter/main.c,$(sort $(wildcard src/arbiter/*.c)))
ARBITER_LDLIBS := $(LIBS_XENSTORE) $(LIBS_XENCTRL) $(LIBS_XENLIGHT) $(LIBS_INIH) \
                  $(LIBS_SYSTEMD) $(LIBS_MATH) $(LIBS_PTHREAD)

PROGRAMS += membal-arbiter
INSTALL_SBIN += membal-arbiter
membal-arbiter_SRCS   := src/arbiter/main.c
membal-arbiter_LIBS   := arbiter agent policy common
membal-arbiter_LDLIBS := $(ARBITER_LDLIBS)

# The untrusted-input boundary, pure: no xenstored needed.
TESTS += test_guest
test_guest_SRCS   := tests/unit/test_guest.c src/arbiter/guest.c
test_guest_LIBS   := common
test_guest_LDLIBS := $(LIBS_CMOCKA)

TESTS += test_arbiter_config
test_arbiter_config_SRCS   := tests/unit/test_arbiter_config.c src/arbiter/arbiter_config.c
test_arbiter_config_LIBS   := policy common
test_arbiter_config_LDLIBS := $(LIBS_CMOCKA) $(LIBS_INIH) $(LIBS_MATH)

# Closed loop: arbiter + sim backend + in-process test xenstored + agents.
TESTS += test_arbiter_loop
test_arbiter_loop_SRCS   := tests/unit/test_arbiter_loop.c
test_arbiter_loop_LIBS   := arbiter agent policy common testxsd
test_arbiter_loop_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)
$(BUILD)/san/obj/tests/unit/test_arbiter_loop.o: CFLAGS += -Itests/xenstored

# The binaries as an administrator runs them (membal-arbiter, membalctl,
# membal-test-xenstored as processes).
TESTS += test_arbiter_daemon
test_arbiter_daemon_SRCS   := tests/unit/test_arbiter_daemon.c
test_arbiter_daemon_LDLIBS := $(LIBS_CMOCKA)

TESTS += test_hv_xen
test_hv_xen_SRCS   := tests/unit/test_hv_xen.c src/arbiter/hv_xen.c
test_hv_xen_LDLIBS := $(LIBS_CMOCKA) $(LIBS_XENCTRL) $(LIBS_XENLIGHT)
