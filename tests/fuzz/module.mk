# SPDX-License-Identifier: GPL-2.0-only
# tests/fuzz: hardening. libFuzzer targets for every parser of untrusted
# input and for whole arbiter cycles, the hostile-guest and fault-injection
# closed-loop tests, and the soak. docs/testing.md, "Hardening", explains
# them; docs/security.md is the threat model they check.
#
#   make fuzz          every target for FUZZ_SECONDS (default 60) each,
#                      FUZZ_JOBS (1) at a time; new inputs kept in
#                      $(BUILD)/fuzz/corpus/, crashes in
#                      $(BUILD)/fuzz/artifacts/; prints a table of figures
#   make fuzz-smoke    every target over its seed corpus (the regressions
#                      in it included) and FUZZ_SMOKE_SECONDS (1) of
#                      fuzzing, one target per CPU; `make check` runs it
#   make soak          SOAK_CYCLES (default 100000) arbiter cycles with
#                      churning domains under ASan/LSan; prints figures
#   make soak-valgrind a shorter soak (SOAK_VALGRIND_CYCLES, 2000) of a
#                      build without sanitizers under valgrind memcheck
#
# Fuzz targets are built with clang (FUZZ_CC): libFuzzer and its
# sanitizers are clang's. Everything else here is an ordinary test.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 1
FUZZ_JOBS    ?= 1
FUZZ_SMOKE_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer \
                -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=undefined
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

# name, then its sources; each target lists exactly what it links, so a
# half-written file elsewhere in the tree cannot break the fuzz build.
FUZZERS :=

FUZZERS += fuzz_meminfo
fuzz_meminfo_SRCS := tests/fuzz/fuzz_meminfo.c src/common/meminfo.c src/common/parse.c

FUZZERS += fuzz_filter
fuzz_filter_SRCS := tests/fuzz/fuzz_filter.c src/common/filter.c

FUZZERS += fuzz_sample
fuzz_sample_SRCS := tests/fuzz/fuzz_sample.c src/agent/sample.c src/agent/sample_status.c \
                    src/agent/swaps.c src/common/meminfo.c src/common/parse.c

FUZZERS += fuzz_swaps
fuzz_swaps_SRCS := tests/fuzz/fuzz_swaps.c src/agent/swaps.c src/common/parse.c

FUZZERS += fuzz_guest
fuzz_guest_SRCS := tests/fuzz/fuzz_guest.c src/arbiter/guest.c \
                   src/common/keys.c src/common/report_value.c src/common/parse.c

FUZZERS += fuzz_report_value
fuzz_report_value_SRCS := tests/fuzz/fuzz_report_value.c src/arbiter/guest.c \
                          src/common/keys.c src/common/report_value.c src/common/parse.c

FUZZ_CONFIG_SRCS := src/common/config.c src/common/log.c src/common/parse.c \
                    src/common/cfg_value.c src/common/cfg_table.c \
                    src/common/clock.c $(sort $(wildcard src/policy/*.c))
FUZZERS += fuzz_ini
fuzz_ini_SRCS := tests/fuzz/fuzz_ini.c $(FUZZ_CONFIG_SRCS) \
                 src/arbiter/arbiter_config.c src/arbiter/arbiter_keys.c src/agent/agent_config.c \
                 src/common/filter.c src/simhost/scenario.c src/simhost/scenario_events.c src/simhost/guest_curve.c \
                 src/simhost/workload.c
fuzz_ini_LDLIBS := $(LIBS_INIH) $(LIBS_MATH)

FUZZERS += fuzz_plan
fuzz_plan_SRCS := tests/fuzz/fuzz_plan.c src/ctl/plan_csv.c src/ctl/plan_mem.c $(FUZZ_CONFIG_SRCS)
fuzz_plan_LDLIBS := $(LIBS_INIH) $(LIBS_MATH)

FUZZERS += fuzz_json
fuzz_json_SRCS := tests/fuzz/fuzz_json.c src/ctl/status_read.c src/ctl/status_view.c \
                  src/ctl/status_explain.c
fuzz_json_LDLIBS := $(LIBS_JSONC) $(LIBS_MATH)

# Whole arbiter cycles (cycle.c, xsio.c, guest.c, control.c and the policy)
# against an in-memory xenstore (fake_xs.c implements the libxenstore calls
# the arbiter makes) and a simulated hypervisor: no xenstored, no Xen.
FUZZERS += fuzz_cycle
fuzz_cycle_SRCS := tests/fuzz/fuzz_cycle.c tests/fuzz/fake_xs.c \
                   src/arbiter/cycle.c src/arbiter/snap_build.c src/arbiter/history.c src/arbiter/guest_history.c src/arbiter/xsio.c src/arbiter/handover.c src/arbiter/guest.c \
                   src/arbiter/control.c src/arbiter/control_wait.c src/arbiter/reserve.c src/arbiter/carry.c src/arbiter/arbiter_config.c src/arbiter/arbiter_keys.c src/arbiter/manage.c \
                   src/arbiter/domains.c src/arbiter/sync.c src/arbiter/state_io.c src/arbiter/created.c src/arbiter/rules.c src/arbiter/state.c src/arbiter/gap_learn.c src/arbiter/maxcap.c \
                   src/arbiter/stale_keep.c src/arbiter/resv_keep.c src/arbiter/resv_born.c \
                   src/common/keys.c src/common/report_value.c src/common/xs.c $(FUZZ_CONFIG_SRCS)
fuzz_cycle_LDLIBS := $(LIBS_INIH) $(LIBS_SYSTEMD) $(LIBS_MATH)

# membal-sim's trace CSV reader and scenario workload texts.
FUZZERS += fuzz_trace
fuzz_trace_SRCS := tests/fuzz/fuzz_trace.c src/simhost/workload.c src/common/parse.c

# membal-iallocator's reader of Ganeti's IAllocator request (json-c) and
# the decision and answer after it.
FUZZERS += fuzz_ialloc
fuzz_ialloc_SRCS := tests/fuzz/fuzz_ialloc.c src/iallocator/request.c \
                    src/iallocator/decide.c src/iallocator/answer.c
fuzz_ialloc_LDLIBS := $(shell $(PKG_CONFIG) --libs json-c) -lm

# membal-place: a host's status file (json-c) into a snapshot, then the
# placement core on it, every algorithm.
FUZZERS += fuzz_place_status
fuzz_place_status_SRCS := tests/fuzz/fuzz_place_status.c \
                          src/placetool/status_json.c src/placetool/cache.c \
                          src/placetool/snap.c $(wildcard src/place/*.c) \
                          $(filter-out src/policy/policy_config.c,$(wildcard src/policy/*.c)) \
                          src/common/cfg_table.c src/common/cfg_value.c \
                          src/common/log.c src/common/parse.c src/common/clock.c
fuzz_place_status_LDLIBS := $(shell $(PKG_CONFIG) --libs json-c) $(LIBS_MATH)

define FUZZER_template
$(BUILD)/fuzz/$(1): $$(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $$@ $$^ $$($(1)_LDLIBS)
-include $$(patsubst %.c,$(BUILD)/fuzz/obj/%.d,$$($(1)_SRCS))
endef
$(foreach f,$(FUZZERS),$(eval $(call FUZZER_template,$(f))))

FUZZ_BINS := $(addprefix $(BUILD)/fuzz/,$(FUZZERS))

.PHONY: fuzz fuzz-smoke fuzzers
fuzzers: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	tests/fuzz/run-fuzz.sh --jobs $(FUZZ_JOBS) --seconds $(FUZZ_SECONDS) \
	  --bin $(BUILD)/fuzz --corpus $(BUILD)/fuzz/corpus \
	  --artifacts $(BUILD)/fuzz/artifacts $(FUZZERS)

# Without clang (libFuzzer is clang's) the smoke run says so and passes:
# the closed-loop tests and the soak still run under gcc's sanitizers.
ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
fuzz-smoke: $(FUZZ_BINS)
	@tests/fuzz/run-fuzz.sh --smoke --jobs $(FUZZ_SMOKE_JOBS) \
	  --seconds $(FUZZ_SMOKE_SECONDS) --bin $(BUILD)/fuzz $(FUZZERS)
else
fuzz-smoke:
	@echo "fuzz-smoke: $(FUZZ_CC) not found; fuzz targets not run"
endif

check-fast: fuzz-smoke

# ---- closed-loop hardening tests (ASan + UBSan like every test) ---------

HARDEN_LIBS   := arbiter simhost agent policy common xsd
HARDEN_LDLIBS := $(LIBS_CMOCKA) $(ARBITER_LDLIBS)

TESTS += test_hostile
test_hostile_SRCS   := tests/unit/test_hostile.c tests/fuzz/loop.c
test_hostile_LIBS   := $(HARDEN_LIBS)
test_hostile_LDLIBS := $(HARDEN_LDLIBS)

TESTS += test_faults
test_faults_SRCS   := tests/unit/test_faults.c tests/fuzz/loop.c
test_faults_LIBS   := $(HARDEN_LIBS)
test_faults_LDLIBS := $(HARDEN_LDLIBS)

TESTS += test_stale_keep
test_stale_keep_SRCS   := tests/unit/test_stale_keep.c tests/fuzz/loop.c
test_stale_keep_LIBS   := $(HARDEN_LIBS)
test_stale_keep_LDLIBS := $(HARDEN_LDLIBS)

# 5,000 cycles with churning domains in `make check`; `make soak` runs
# the same program longer.
TESTS += test_soak
test_soak_SRCS   := tests/fuzz/soak.c tests/fuzz/loop.c
test_soak_LIBS   := $(HARDEN_LIBS)
test_soak_LDLIBS := $(HARDEN_LDLIBS)

$(BUILD)/san/obj/tests/unit/test_hostile.o $(BUILD)/san/obj/tests/unit/test_faults.o \
$(BUILD)/san/obj/tests/unit/test_stale_keep.o $(BUILD)/obj/tests/unit/test_stale_keep.o \
$(BUILD)/san/obj/tests/fuzz/loop.o $(BUILD)/san/obj/tests/fuzz/soak.o \
$(BUILD)/obj/tests/unit/test_hostile.o $(BUILD)/obj/tests/unit/test_faults.o \
$(BUILD)/obj/tests/fuzz/loop.o $(BUILD)/obj/tests/fuzz/soak.o: LOCAL_CFLAGS += -Itests/fuzz

# The long soak: the same program, more cycles.
.PHONY: soak soak-valgrind
SOAK_CYCLES ?= 100000
soak: $(BUILD)/san/tests/test_soak
	SOAK_CYCLES=$(SOAK_CYCLES) ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=16 \
	  $(BUILD)/san/tests/test_soak

# Valgrind cannot run under ASan: a release-flags build of the soak.
SOAK_VALGRIND_CYCLES ?= 2000
$(BUILD)/soak-plain: $(call objs,tests/fuzz/soak.c tests/fuzz/loop.c) $(call libs,$(HARDEN_LIBS))
	$(CC) $(LDFLAGS) -o $@ $^ $(HARDEN_LDLIBS)
# The tunable is set here: without it the soak would run itself again
# with the tcache off (soak.c) and valgrind, not tracing children, would
# watch only the first exec.
soak-valgrind: $(BUILD)/soak-plain
	SOAK_CYCLES=$(SOAK_VALGRIND_CYCLES) GLIBC_TUNABLES=glibc.malloc.tcache_count=0 valgrind --error-exitcode=1 --leak-check=full \
	  --errors-for-leak-kinds=definite,indirect --track-fds=yes $(BUILD)/soak-plain

# Adoption while the toolstack commits between two of the arbiter's reads
# (found on real Xen): the real cycle on fake_xs.c's read hook.
TESTS += test_cycle_races
test_cycle_races_SRCS   := tests/unit/test_cycle_races.c tests/fuzz/fake_xs.c \
                            src/arbiter/cycle.c src/arbiter/snap_build.c src/arbiter/history.c src/arbiter/guest_history.c src/arbiter/xsio.c src/arbiter/handover.c src/arbiter/guest.c \
                            src/arbiter/control.c src/arbiter/control_wait.c src/arbiter/reserve.c src/arbiter/carry.c src/arbiter/arbiter_config.c src/arbiter/arbiter_keys.c src/arbiter/manage.c \
                            src/arbiter/domains.c src/arbiter/sync.c src/arbiter/state_io.c src/arbiter/created.c src/arbiter/rules.c src/arbiter/state.c src/arbiter/gap_learn.c src/arbiter/maxcap.c \
                            src/arbiter/stale_keep.c src/arbiter/resv_keep.c src/arbiter/resv_born.c \
                            src/common/keys.c src/common/report_value.c src/common/xs.c $(FUZZ_CONFIG_SRCS)
test_cycle_races_LDLIBS := $(LIBS_CMOCKA) $(LIBS_INIH) $(LIBS_SYSTEMD) $(LIBS_MATH)
$(BUILD)/san/obj/tests/unit/test_cycle_races.o $(BUILD)/obj/tests/unit/test_cycle_races.o: LOCAL_CFLAGS += -Itests/fuzz
