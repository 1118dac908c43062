# SPDX-License-Identifier: GPL-2.0-only
# src/arbiter: membal-arbiter, the dom0 daemon: guest keys, xenstore I/O,
# the cycle, status, control socket and the xen backend. The policy it runs
# is src/policy; the simulated host of its sim backend is src/simhost.

# The daemon: everything in src/arbiter that is not the pure policy, except
# main.c. The xen backend links libxenctrl and libxenlight.
LIBRARIES += arbiter
arbiter_SRCS := $(filter-out src/arbiter/main.c,$(sort $(wildcard src/arbiter/*.c)))
ARBITER_LDLIBS := $(LIBS_XENSTORE) $(LIBS_XENCTRL) $(LIBS_XENLIGHT) $(LIBS_INIH) \
                  $(LIBS_SYSTEMD) $(LIBS_JSONC) $(LIBS_MATH) $(LIBS_PTHREAD)

PROGRAMS += membal-arbiter
INSTALL_SBIN += membal-arbiter
membal-arbiter_SRCS   := src/arbiter/main.c
membal-arbiter_LIBS   := arbiter simhost agent policy common
membal-arbiter_LDLIBS := $(ARBITER_LDLIBS)

# The untrusted-input boundary, pure: no xenstored needed.
TESTS += test_guest
test_guest_SRCS   := tests/unit/test_guest.c src/arbiter/guest.c
test_guest_LIBS   := common
test_guest_LDLIBS := $(LIBS_CMOCKA)

TESTS += test_report_value
test_report_value_SRCS   := tests/unit/test_report_value.c src/arbiter/guest.c
test_report_value_LIBS   := common
test_report_value_LDLIBS := $(LIBS_CMOCKA)

TESTS += test_arbiter_config
test_arbiter_config_SRCS   := tests/unit/test_arbiter_config.c src/arbiter/arbiter_config.c src/arbiter/arbiter_keys.c
test_arbiter_config_LIBS   := policy common
test_arbiter_config_LDLIBS := $(LIBS_CMOCKA) $(LIBS_INIH) $(LIBS_MATH)

# Closed loop: arbiter + sim backend + in-process test xenstored + agents.
TESTS += test_arbiter_loop
test_arbiter_loop_SRCS   := tests/unit/test_arbiter_loop.c
test_arbiter_loop_LIBS   := memsim arbiter simhost agent policy common xsd
test_arbiter_loop_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)
$(BUILD)/san/obj/tests/unit/test_arbiter_loop.o:/

# An administrator's maxmem (maxcap.c): the rules alone and in the loop.
TESTS += test_maxcap
test_maxcap_SRCS   := tests/unit/test_maxcap.c
test_maxcap_LIBS   := memsim arbiter simhost agent policy common xsd
test_maxcap_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)

# A domain's creation size (created.c): its rule, state word, closed loop.
TESTS += test_created
test_created_SRCS   := tests/unit/test_created.c
test_created_LIBS   := memsim arbiter simhost agent policy common xsd
test_created_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)

# Cold swap is not need (design.md §Cold swap is not need), closed loop.
TESTS += test_cold_swap_loop
test_cold_swap_loop_SRCS   := tests/unit/test_cold_swap_loop.c
test_cold_swap_loop_LIBS   := memsim arbiter simhost agent policy common xsd
test_cold_swap_loop_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)

# The binaries as an administrator runs them (membal-arbiter, membalctl,
# membal-test-xenstored as processes).
TESTS += test_arbiter_daemon
test_arbiter_daemon_SRCS   := tests/unit/test_arbiter_daemon.c
test_arbiter_daemon_LDLIBS := $(LIBS_CMOCKA)

TESTS += test_hv_xen
test_hv_xen_SRCS   := tests/unit/test_hv_xen.c src/arbiter/hv_xen.c
test_hv_xen_LDLIBS := $(LIBS_CMOCKA) $(LIBS_XENCTRL) $(LIBS_XENLIGHT)

# The rules carried from cycle to cycle and the membal_state codec, pure.
# When the next cycle runs: the follow-up cycle (design.md §Growth is never cut).
TESTS += test_next_cycle
test_next_cycle_SRCS   := tests/unit/test_next_cycle.c
test_next_cycle_LIBS   := arbiter simhost agent policy common xsd
test_next_cycle_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)

TESTS += test_rules
test_rules_SRCS   := tests/unit/test_rules.c src/arbiter/rules.c src/arbiter/state.c \
                     src/arbiter/manage.c src/arbiter/arbiter_config.c src/arbiter/arbiter_keys.c
test_rules_LIBS   := policy common
test_rules_LDLIBS := $(LIBS_CMOCKA) $(LIBS_INIH) $(LIBS_MATH)

# Decision history: journal detection and the sink interface.
TESTS += test_history
test_history_SRCS   := tests/unit/test_history.c src/arbiter/history.c
test_history_LIBS   := common
test_history_LDLIBS := $(LIBS_CMOCKA) $(LIBS_SYSTEMD)

# The status file and metrics byte for byte (tests/fixtures/status/written.*),
# read back by membalctl's reader.
TESTS += test_status_json
test_status_json_SRCS   := tests/unit/test_status_json.c src/ctl/status_read.c
test_status_json_LIBS   := arbiter simhost agent policy common xsd
test_status_json_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)

# Migration in closed loop: reservations (additive, leases, --for consumed
# by the arriving domain, --wait's question), names followed (xl's
# NAME--incoming renamed NAME), departed domids forgotten.
TESTS += test_migrate_loop
test_migrate_loop_SRCS   := tests/unit/test_migrate_loop.c
test_migrate_loop_LIBS   := arbiter simhost agent policy common xsd
test_migrate_loop_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)

# Every key table (agent, [policy], [daemon], [domain NAME]) against the
# shipped conf/*.ini and docs/configuration.md; see design.md §Where to change what
TESTS += test_key_tables
test_key_tables_SRCS   := tests/unit/test_key_tables.c src/arbiter/arbiter_config.c src/arbiter/arbiter_keys.c src/agent/agent_config.c
test_key_tables_LIBS   := policy common
test_key_tables_LDLIBS := $(LIBS_CMOCKA) $(LIBS_INIH) $(LIBS_MATH)
$(BUILD)/san/obj/tests/unit/test_key_tables.o $(BUILD)/obj/tests/unit/test_key_tables.o: LOCAL_CFLAGS += -DMEMBAL_SRCDIR=\"$(CURDIR)\"
