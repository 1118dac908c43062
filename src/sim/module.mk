# SPDX-License-Identifier: GPL-2.0-only
# src/sim: membal-sim, the policy simulator (design.md §membal-sim).
# It links the arbiter library (cycle, sim backend, guest model) and runs
# the test xenstored in-process (library xsd): the arbiter's xenstore
# side then talks the real wire protocol to a xenstored of its own.
# Several hosts (multi.h): [host NAME] scenarios, migrations.
MULTI_SRCS := src/sim/multi_scenario.c src/sim/migrate.c src/sim/multi_host.c \
              src/sim/multi_run.c src/sim/multi_move.c src/sim/multi_report.c \
              src/sim/multi_main.c
SIM_LIB_SRCS := src/sim/run.c src/sim/floor.c src/sim/floor_lagged.c src/sim/floor_kill.c src/sim/metrics.c \
                src/sim/report.c src/sim/table.c src/sim/fdio.c src/sim/workdir.c src/sim/pin.c src/sim/child.c src/sim/out.c src/sim/csv.c src/sim/plot.c src/sim/accuracy.c \
                src/sim/gap_literal.c src/sim/literal_hook.c src/sim/resv_events.c \
                $(MULTI_SRCS)
LIBRARIES += memsim
memsim_SRCS := $(SIM_LIB_SRCS)

SIM_LDLIBS := $(ARBITER_LDLIBS)

PROGRAMS += membal-sim
INSTALL_BIN += membal-sim
membal-sim_SRCS   := src/sim/main.c
membal-sim_LIBS   := memsim place arbiter simhost agent policy common xsd
membal-sim_LDLIBS := $(SIM_LDLIBS)

# Tests (built sanitized by `make check`).
SIM_CORE_SRCS := src/simhost/workload.c src/simhost/scenario.c src/simhost/scenario_events.c src/simhost/guest_curve.c \
                 src/simhost/model.c

TESTS += test_sim_physics
test_sim_physics_SRCS   := tests/unit/test_sim_physics.c $(SIM_CORE_SRCS)
test_sim_physics_LIBS   := common
test_sim_physics_LDLIBS := $(LIBS_CMOCKA) $(LIBS_INIH)

TESTS += test_sim_zram
test_sim_zram_SRCS   := tests/unit/test_sim_zram.c $(SIM_CORE_SRCS)
test_sim_zram_LIBS   := common
test_sim_zram_LDLIBS := $(LIBS_CMOCKA) $(LIBS_INIH)

TESTS += test_sim_trace
test_sim_trace_SRCS   := tests/unit/test_sim_trace.c $(SIM_CORE_SRCS)
test_sim_trace_LIBS   := common
test_sim_trace_LDLIBS := $(LIBS_CMOCKA) $(LIBS_INIH)

TESTS += test_sim_floor
test_sim_floor_SRCS   := tests/unit/test_sim_floor.c src/sim/floor.c src/sim/floor_lagged.c src/sim/floor_kill.c src/sim/metrics.c \
                         src/arbiter/arbiter_config.c src/arbiter/arbiter_keys.c src/arbiter/manage.c $(SIM_CORE_SRCS)
test_sim_floor_LIBS   := policy common
test_sim_floor_LDLIBS := $(LIBS_CMOCKA) $(LIBS_INIH) $(LIBS_MATH)

# Closed loop on conf/scenarios/idle-starving.ini (reads the tree).
TESTS += test_sim_run
test_sim_run_SRCS   := tests/unit/test_sim_run.c
test_sim_run_LIBS   := memsim place arbiter simhost agent policy common xsd
test_sim_run_LDLIBS := $(LIBS_CMOCKA) $(SIM_LDLIBS)
$(BUILD)/san/obj/tests/unit/test_sim_run.o $(BUILD)/obj/tests/unit/test_sim_run.o: LOCAL_CFLAGS += -DMEMBAL_SRCDIR=\"$(CURDIR)\"

# A guest created while the host runs: the reservation before xl create
# (design.md §The hypervisor).
TESTS += test_sim_create
test_sim_create_SRCS   := tests/unit/test_sim_create.c
test_sim_create_LIBS   := memsim place arbiter simhost agent policy common xsd
test_sim_create_LDLIBS := $(LIBS_CMOCKA) $(SIM_LDLIBS)

# The summary table's formatting.
TESTS += test_sim_table
test_sim_table_SRCS   := tests/unit/test_sim_table.c src/sim/table.c
test_sim_table_LDLIBS := $(LIBS_CMOCKA)

# Several hosts: the migration model, cluster files, conf/scenarios/
# cluster-small.ini end to end (reads the tree).
TESTS += test_sim_multi
test_sim_multi_SRCS   := tests/unit/test_sim_multi.c
test_sim_multi_LIBS   := memsim place arbiter simhost agent policy common xsd
test_sim_multi_LDLIBS := $(LIBS_CMOCKA) $(SIM_LDLIBS) $(LIBS_MATH)
$(BUILD)/san/obj/tests/unit/test_sim_multi.o $(BUILD)/obj/tests/unit/test_sim_multi.o: LOCAL_CFLAGS += -DMEMBAL_SRCDIR=\"$(CURDIR)\"

# One CPU a run (src/sim/pin.c).
TESTS += test_sim_pin
test_sim_pin_SRCS   := tests/unit/test_sim_pin.c src/sim/pin.c
test_sim_pin_LDLIBS := $(LIBS_CMOCKA) $(LIBS_PTHREAD)

# Timed events of the scenario format: static_max_at, reserve_at, parsed
# strictly and run through the closed loop (scenario_events.c).
TESTS += test_sim_events
test_sim_events_SRCS   := tests/unit/test_sim_events.c
test_sim_events_LIBS   := memsim place arbiter simhost agent policy common xsd
test_sim_events_LDLIBS := $(LIBS_CMOCKA) $(SIM_LDLIBS)
