# SPDX-License-Identifier: GPL-2.0-only
# Build vocabulary for module.mk fragments.
#
# A fragment declares, for example:
#
#   LIBRARIES += common
#   common_SRCS := src/common/log.c src/common/parse.c
#
#   PROGRAMS += membal-agent
#   membal-agent_SRCS   := src/agent/main.c
#   membal-agent_LIBS   := common              # our static libraries, in link order
#   membal-agent_LDLIBS := $(LIBS_XENSTORE) $(LIBS_INIH)
#
#   TESTS += test_parse                        # run by check-fast (sanitized) and check-unit
#   test_parse_SRCS   := tests/unit/test_parse.c
#   test_parse_LIBS   := common
#   test_parse_LDLIBS := $(LIBS_CMOCKA)
#
#   # or the same four lines of a test in one:
#   $(eval $(call unit_test,test_parse,tests/unit/test_parse.c,common,$(LIBS_CMOCKA)))
#
#   BENCHES += bench_agent                     # built -O2, run by `make bench`
#   bench_agent_SRCS ... (same keys)
#
#   # a flag for one object: LOCAL_CFLAGS, never CFLAGS (the builder's)
#   $(BUILD)/san/obj/tests/unit/test_x.o: LOCAL_CFLAGS += -Itests/fuzz
#
# Two object trees: $(BUILD)/obj (release: the builder's CPPFLAGS, CFLAGS,
# LDFLAGS) and $(BUILD)/san/obj (ASan+UBSan: SAN_CFLAGS after CFLAGS, so
# that its -O1 wins).

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(MEMBAL_CPPFLAGS) $(CPPFLAGS) $(MEMBAL_CFLAGS) $(CFLAGS) $(LOCAL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/san/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(MEMBAL_CPPFLAGS) $(CPPFLAGS) $(MEMBAL_CFLAGS) $(CFLAGS) $(SAN_CFLAGS) $(LOCAL_CFLAGS) -MMD -MP -c -o $@ $<

objs     = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
san_objs = $(patsubst %.c,$(BUILD)/san/obj/%.o,$(1))
libs     = $(foreach l,$(1),$(BUILD)/lib/lib$(l).a)
san_libs = $(foreach l,$(1),$(BUILD)/san/lib/lib$(l).a)

define LIBRARY_template
$(BUILD)/lib/lib$(1).a: $$(call objs,$$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
$(BUILD)/san/lib/lib$(1).a: $$(call san_objs,$$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
-include $$(patsubst %.o,%.d,$$(call objs,$$($(1)_SRCS)) $$(call san_objs,$$($(1)_SRCS)))
endef

define PROGRAM_template
$(BUILD)/$(1): $$(call objs,$$($(1)_SRCS)) $$(call libs,$$($(1)_LIBS))
	@mkdir -p $$(dir $$@)
	$$(CC) $(LDFLAGS) -o $$@ $$^ $$($(1)_LDLIBS)
$(BUILD)/san/$(1): $$(call san_objs,$$($(1)_SRCS)) $$(call san_libs,$$($(1)_LIBS))
	@mkdir -p $$(dir $$@)
	$$(CC) $(SAN_CFLAGS) $(LDFLAGS) -o $$@ $$^ $$($(1)_LDLIBS)
-include $$(patsubst %.o,%.d,$$(call objs,$$($(1)_SRCS)) $$(call san_objs,$$($(1)_SRCS)))
endef

# A test declared in one line: NAME, SRCS, LIBS, LDLIBS (see the top).
define unit_test
TESTS += $(1)
$(1)_SRCS   := $(2)
$(1)_LIBS   := $(3)
$(1)_LDLIBS := $(4)
endef

# Each test twice: sanitized (check-fast) and with the release flags
# (check-unit, what a distribution's build runs against what it ships).
define TEST_template
$(BUILD)/san/tests/$(1): $$(call san_objs,$$($(1)_SRCS)) $$(call san_libs,$$($(1)_LIBS))
	@mkdir -p $$(dir $$@)
	$$(CC) $(SAN_CFLAGS) $(LDFLAGS) -o $$@ $$^ $$($(1)_LDLIBS)
$(BUILD)/tests/$(1): $$(call objs,$$($(1)_SRCS)) $$(call libs,$$($(1)_LIBS))
	@mkdir -p $$(dir $$@)
	$$(CC) $(CFLAGS) $(LDFLAGS) -o $$@ $$^ $$($(1)_LDLIBS)
-include $$(patsubst %.o,%.d,$$(call san_objs,$$($(1)_SRCS)) $$(call objs,$$($(1)_SRCS)))
endef

define BENCH_template
$(BUILD)/bench/$(1): $$(call objs,$$($(1)_SRCS)) $$(call libs,$$($(1)_LIBS))
	@mkdir -p $$(dir $$@)
	$$(CC) $(LDFLAGS) -o $$@ $$^ $$($(1)_LDLIBS)
-include $$(patsubst %.o,%.d,$$(call objs,$$($(1)_SRCS)))
endef
