# SPDX-License-Identifier: GPL-2.0-only
# src/common: what both daemons and the tools share. No Xen headers here
# except in xs.c, the xenstore helpers.
LIBRARIES += common
common_SRCS := $(sort $(wildcard src/common/*.c))

TESTS += test_parse
test_parse_SRCS   := tests/unit/test_parse.c
test_parse_LIBS   := common
test_parse_LDLIBS := $(LIBS_CMOCKA)

TESTS += test_config
test_config_SRCS   := tests/unit/test_config.c
test_config_LIBS   := common
test_config_LDLIBS := $(LIBS_CMOCKA) $(LIBS_INIH)

TESTS += test_log
test_log_SRCS   := tests/unit/test_log.c
test_log_LIBS   := common
test_log_LDLIBS := $(LIBS_CMOCKA)
