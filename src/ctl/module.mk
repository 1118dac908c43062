# SPDX-License-Identifier: GPL-2.0-only
# src/ctl: membalctl, the administrator's tool. `plan` needs only the pure
# policy: no Xen library is linked for it.
PROGRAMS += membalctl
INSTALL_BIN += membalctl
membalctl_SRCS   := src/ctl/membalctl.c src/ctl/plan.c src/ctl/plan_csv.c src/ctl/plan_mem.c src/ctl/plan_price.c src/ctl/plan_write.c src/ctl/status_cmd.c \
                    src/ctl/control_cmd.c src/ctl/status_read.c src/ctl/status_view.c \
                    src/ctl/status_explain.c src/ctl/ctl_paths.c
membalctl_LIBS   := policy common
membalctl_LDLIBS := $(LIBS_INIH) $(LIBS_JSONC) $(LIBS_MATH)

# reserve --wait against a scripted arbiter: await, and the fallback.
TESTS += test_ctl_await
test_ctl_await_SRCS   := tests/unit/test_ctl_await.c src/ctl/control_cmd.c src/ctl/ctl_paths.c
test_ctl_await_LIBS   := common
test_ctl_await_LDLIBS := $(LIBS_CMOCKA) $(LIBS_INIH) -pthread

# Runs $(MEMBAL_BIN)/membalctl plan on tests/fixtures/plan.
# The price column against printf's "%.6g", byte for byte.
TESTS += test_plan_price
test_plan_price_SRCS   := tests/unit/test_plan_price.c src/ctl/plan_price.c
test_plan_price_LDLIBS := $(LIBS_CMOCKA) $(LIBS_MATH)

TESTS += test_plan
test_plan_SRCS   := tests/unit/test_plan.c
test_plan_LIBS   := common
test_plan_LDLIBS := $(LIBS_CMOCKA)

# Runs $(MEMBAL_BIN)/membalctl status on tests/fixtures/status (golden files).
TESTS += test_status
test_status_SRCS   := tests/unit/test_status.c
test_status_LDLIBS := $(LIBS_CMOCKA)
