# SPDX-License-Identifier: GPL-2.0-only
# src/placetool: membal-place, the edges of the placement core (src/place):
# CSV snapshots, the snapshot cache gathered over ssh (json-c), the plan
# printed. No Xen library: it runs on an administrator's machine.

LIBS_JSONC := $(shell $(PKG_CONFIG) --libs json-c)

PROGRAMS += membal-place
INSTALL_BIN += membal-place
membal-place_SRCS   := $(sort $(wildcard src/placetool/*.c))
membal-place_LIBS   := ialloc place policy common
membal-place_LDLIBS := $(LIBS_JSONC) $(LIBS_MATH)

# Runs $(MEMBAL_BIN)/membal-place on tests/fixtures/place (CSV and
# cache), and collect through a fake ssh.
TESTS += test_placetool
test_placetool_SRCS   := tests/unit/test_placetool.c
test_placetool_LIBS   := common
test_placetool_LDLIBS := $(LIBS_CMOCKA)

# membal-place apply with a fake ssh and xl (fixtures/place/apply-ssh).
TESTS += test_place_apply
test_place_apply_SRCS   := tests/unit/test_place_apply.c
test_place_apply_LDLIBS := $(LIBS_CMOCKA)

# Placement at the floor: the status and cache readers take
# max(min_kb, floor_kb); a newcomer goes where the floors leave room.
TESTS += test_place_floor
test_place_floor_SRCS   := tests/unit/test_place_floor.c src/placetool/status_json.c \
                           src/placetool/snap.c
test_place_floor_LIBS   := ialloc place policy common
test_place_floor_LDLIBS := $(LIBS_CMOCKA) $(LIBS_JSONC) $(LIBS_MATH)
