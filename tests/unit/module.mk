# SPDX-License-Identifier: GPL-2.0-only
# Unit tests that live in tests/unit/ and are not declared by the fragment
# of the module they test. One block per test; add yours below.

TESTS += test_meminfo
test_meminfo_SRCS   := tests/unit/test_meminfo.c
test_meminfo_LIBS   := common
test_meminfo_LDLIBS := $(LIBS_CMOCKA)

TESTS += test_filter
test_filter_SRCS   := tests/unit/test_filter.c
test_filter_LIBS   := common
test_filter_LDLIBS := $(LIBS_CMOCKA)

# sample.c is linked directly: the agent library also needs libxenstore,
# which the sampler does not.
TESTS += test_sample
test_sample_SRCS   := tests/unit/test_sample.c src/agent/sample.c src/agent/sample_status.c \
                      src/agent/swaps.c
test_sample_LIBS   := common
test_sample_LDLIBS := $(LIBS_CMOCKA)

# The kept-open sampler of the agent (issue 21).
TESTS += test_sample_ctx
test_sample_ctx_SRCS   := tests/unit/test_sample_ctx.c src/agent/sample.c src/agent/sample_status.c \
                          src/agent/swaps.c
test_sample_ctx_LIBS   := common
test_sample_ctx_LDLIBS := $(LIBS_CMOCKA)

# /proc/swaps: the zram part of the swap (swap_zram), and its sampling.
TESTS += test_swaps
test_swaps_SRCS   := tests/unit/test_swaps.c src/agent/sample.c src/agent/sample_status.c \
                     src/agent/swaps.c
test_swaps_LIBS   := common
test_swaps_LDLIBS := $(LIBS_CMOCKA)

# Simulated host (src/simhost/*.c, hv_sim.c): workloads, scenario
# files and the memory model without xenstore; then the sim backend of
# hv.h against the in-process test xenstored and real agents.
SIM_MODEL_SRCS := src/simhost/workload.c src/simhost/scenario.c src/simhost/scenario_events.c src/simhost/guest_curve.c \
                  src/simhost/model.c src/simhost/guestfs.c

TESTS += test_sim_scenario
test_sim_scenario_SRCS   := tests/unit/test_sim_scenario.c $(SIM_MODEL_SRCS)
test_sim_scenario_LIBS   := common
test_sim_scenario_LDLIBS := $(LIBS_CMOCKA) $(LIBS_INIH)

TESTS += test_sim_model
test_sim_model_SRCS   := tests/unit/test_sim_model.c $(SIM_MODEL_SRCS)
test_sim_model_LIBS   := common
test_sim_model_LDLIBS := $(LIBS_CMOCKA) $(LIBS_INIH)

TESTS += test_sim_hv
test_sim_hv_SRCS   := tests/unit/test_sim_hv.c $(SIM_MODEL_SRCS) \
                      src/simhost/hv_sim.c src/simhost/toolstack.c
test_sim_hv_LIBS   := xsdfixture agent common xsd
test_sim_hv_LDLIBS := $(LIBS_XENSTORE) $(LIBS_INIH) $(LIBS_PTHREAD) \
                      $(LIBS_CMOCKA) $(LIBS_MATH)

# scripts/demo.sh (make demo, scripts/setup.sh) returns and leaves no
# process behind: a 3-second demo, and one stopped by SIGTERM.
TESTS += test_demo
test_demo_SRCS   := tests/unit/test_demo.c
test_demo_LDLIBS := $(LIBS_CMOCKA)

# membal-arbiter and membal-agent as systemd runs them: one arbiter per
# host, --dry-run beside a live one, --check-config and the units'
# ExecReload, sd_notify messages read from a NOTIFY_SOCKET, EX_CONFIG.
TESTS += test_arbiter_service
test_arbiter_service_SRCS   := tests/unit/test_arbiter_service.c
test_arbiter_service_LDLIBS := $(LIBS_CMOCKA)

TESTS += test_xenrole
test_xenrole_SRCS   := tests/unit/test_xenrole.c
test_xenrole_LIBS   := common
test_xenrole_LDLIBS := $(LIBS_CMOCKA)

TESTS += test_notify
test_notify_SRCS   := tests/unit/test_notify.c
test_notify_LIBS   := common
test_notify_LDLIBS := $(LIBS_CMOCKA)

# Working-set estimators (policy core) and the arbiter's report history.
TESTS += test_estimate
test_estimate_SRCS   := tests/unit/test_estimate.c src/arbiter/guest_history.c
test_estimate_LIBS   := policy common
test_estimate_LDLIBS := $(LIBS_CMOCKA)
# A page counted once: the agent's filter hold, pages back from swap.
TESTS += test_estimate_once
test_estimate_once_SRCS   := tests/unit/test_estimate_once.c src/arbiter/guest_history.c
test_estimate_once_LIBS   := policy common
test_estimate_once_LDLIBS := $(LIBS_CMOCKA)

# The pressure of now: avg10 against the stall counter's delta.
TESTS += test_psi_now
test_psi_now_SRCS   := tests/unit/test_psi_now.c src/arbiter/guest_history.c
test_psi_now_LIBS   := policy common
test_psi_now_LDLIBS := $(LIBS_CMOCKA)

# Mixed agent and arbiter versions over membal's xenstored (both ways).
TESTS += test_version_skew
test_version_skew_SRCS   := tests/unit/test_version_skew.c
test_version_skew_LIBS   := arbiter agent policy common xsd
test_version_skew_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)

# Growth in flight is growth: a reservation made after a grant is not
# eaten by the balloon still growing (design.md §Placement at the floor).
TESTS += test_reserve_in_flight
test_reserve_in_flight_SRCS   := tests/unit/test_reserve_in_flight.c
test_reserve_in_flight_LIBS   := memsim arbiter simhost agent policy common xsd
test_reserve_in_flight_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)

TESTS += test_reserve_released
test_reserve_released_SRCS   := tests/unit/test_reserve_released.c
test_reserve_released_LIBS   := memsim arbiter simhost agent policy common xsd
test_reserve_released_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)

TESTS += test_control_await
test_control_await_SRCS   := tests/unit/test_control_await.c
test_control_await_LIBS   := memsim arbiter simhost agent policy common xsd
test_control_await_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)

TESTS += test_reserve_margin
test_reserve_margin_SRCS   := tests/unit/test_reserve_margin.c
test_reserve_margin_LIBS   := memsim arbiter simhost agent policy common xsd
test_reserve_margin_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)

# A reservation's need (membalctl reserve --need; session 22).
TESTS += test_reserve_need
test_reserve_need_SRCS   := tests/unit/test_reserve_need.c
test_reserve_need_LIBS   := memsim arbiter simhost agent policy common xsd
test_reserve_need_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)

# Swapless margins owed after a reservation took needs (resv_need_keep_mb;
# session 25, resv25).
TESTS += test_resv_keep
test_resv_keep_SRCS   := tests/unit/test_resv_keep.c
test_resv_keep_LIBS   := arbiter policy common xsd
test_resv_keep_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)

# A newcomer the guests' needs paid for, kept whole (resv_born_keep_s;
# session 25, resv25).
TESTS += test_resv_born
test_resv_born_SRCS   := tests/unit/test_resv_born.c
test_resv_born_LIBS   := arbiter policy common xsd
test_resv_born_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)
