# SPDX-License-Identifier: GPL-2.0-only
# src/agent: membal-agent, the guest side.
LIBRARIES += agent
agent_SRCS := $(filter-out src/agent/main.c,$(sort $(wildcard src/agent/*.c)))

PROGRAMS += membal-agent
INSTALL_SBIN += membal-agent
membal-agent_SRCS   := src/agent/main.c
membal-agent_LIBS   := agent common
membal-agent_LDLIBS := $(LIBS_XENSTORE) $(LIBS_INIH)

# For guests without Debian's libraries: everything linked in. libxenstore
# needs libxentoolcore and pthreads; glibc's static libc comes with libc6-dev.
agent-static: $(BUILD)/membal-agent-static
$(BUILD)/membal-agent-static: $(call objs,src/agent/main.c) $(call libs,agent common)
	$(CC) -static $(LDFLAGS) -o $@ $^ -l:libxenstore.a -l:libxentoolcore.a -l:libinih.a -pthread

TESTS += test_agent_config
test_agent_config_SRCS   := tests/unit/test_agent_config.c
test_agent_config_LIBS   := agent common
test_agent_config_LDLIBS := $(LIBS_CMOCKA) $(LIBS_XENSTORE) $(LIBS_INIH)

TESTS += test_report
test_report_SRCS   := tests/unit/test_report.c
test_report_LIBS   := agent common
test_report_LDLIBS := $(LIBS_CMOCKA)

# The agent against the test xenstored, through the real libxenstore.
TESTS += test_agent_xs
test_agent_xs_SRCS   := tests/unit/test_agent_xs.c
test_agent_xs_LIBS   := agent common xsd
test_agent_xs_LDLIBS := $(LIBS_CMOCKA) $(LIBS_XENSTORE) $(LIBS_INIH) $(LIBS_PTHREAD)

# The agent follows its domid after a resume (xsd_rehome_domain).
TESTS += test_agent_follow
test_agent_follow_SRCS   := tests/unit/test_agent_follow.c
test_agent_follow_LIBS   := agent common xsd
test_agent_follow_LDLIBS := $(LIBS_CMOCKA) $(LIBS_XENSTORE) $(LIBS_INIH) $(LIBS_PTHREAD)
