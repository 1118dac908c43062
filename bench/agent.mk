# SPDX-License-Identifier: GPL-2.0-only
# bench/agent: membal-agent's cost per publication (a transaction against
# the in-process test xenstored) next to a quiet step, and publications
# and xenstore writes per guest per minute (docs/performance.md,
# "Agent publication"). bench/sample.c covers the sample itself.
BENCHES += bench_agent
bench_agent_SRCS   := bench/agent.c
bench_agent_LIBS   := agent common xsd
bench_agent_LDLIBS := $(LIBS_XENSTORE) $(LIBS_INIH) $(LIBS_PTHREAD)
