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
#   TESTS += test_parse                        # built sanitized only, run by `make check`
#   test_parse_SRCS   := tests/unit/test_parse.c
#   test_parse_LIBS   := common
#   test_parse_LDLIBS := $(LIBS_CMOCKA)
#
#   BENCHES += bench_agent                     # built -O2, run by `make bench`
#   bench_agent_SRCS ... (same keys)
#
# Two object trees: $(BUILD)/obj (release) and $(BUILD)/san/obj (ASan+UBSan).

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(OPT_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/san/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SAN_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

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

define TEST_template
$(BUILD)/san/tests/$(1): $$(call san_objs,$$($(1)_SRCS)) $$(call san_libs,$$($(1)_LIBS))
	@mkdir -p $$(dir $$@)
	$$(CC) $(SAN_CFLAGS) $(LDFLAGS) -o $$@ $$^ $$($(1)_LDLIBS)
-include $$(patsubst %.o,%.d,$$(call san_objs,$$($(1)_SRCS)))
endef

define BENCH_template
$(BUILD)/bench/$(1): $$(call objs,$$($(1)_SRCS)) $$(call libs,$$($(1)_LIBS))
	@mkdir -p $$(dir $$@)
	$$(CC) $(LDFLAGS) -o $$@ $$^ $$($(1)_LDLIBS)
-include $$(patsubst %.o,%.d,$$(call objs,$$($(1)_SRCS)))
endef
