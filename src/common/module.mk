# src/common: what both daemons and the tools share. No Xen headers here
# except in xs.c, the xenstore helpers.
LIBRARIES += common
common_SRCS := $(sort $(wildcard src/common/*.c))
