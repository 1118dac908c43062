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
test_sample_SRCS   := tests/unit/test_sample.c src/agent/sample.c
test_sample_LIBS   := common
test_sample_LDLIBS := $(LIBS_CMOCKA)
