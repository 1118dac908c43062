# SPDX-License-Identifier: GPL-2.0-only
# tests/xenstored: the tests of membal's own xenstored (src/xenstored) and
# the fixture (fx_*) that starts it in a test. Users of xsd_fixture.h also
# link $(LIBS_XENSTORE). See docs/testing.md.
LIBRARIES += xsdfixture
xsdfixture_SRCS := tests/xenstored/xsd_fixture.c

# Tests: the real libxenstore against the server started in-process.
XSD_TEST_LIBS   := xsdfixture xsd
XSD_TEST_LDLIBS := $(LIBS_CMOCKA) $(LIBS_XENSTORE) $(LIBS_PTHREAD)

TESTS += test_xsd_basic
test_xsd_basic_SRCS   := tests/xenstored/test_xsd_basic.c
test_xsd_basic_LIBS   := $(XSD_TEST_LIBS)
test_xsd_basic_LDLIBS := $(XSD_TEST_LDLIBS)

TESTS += test_xsd_perms
test_xsd_perms_SRCS   := tests/xenstored/test_xsd_perms.c
test_xsd_perms_LIBS   := $(XSD_TEST_LIBS)
test_xsd_perms_LDLIBS := $(XSD_TEST_LDLIBS)

TESTS += test_xsd_tx
test_xsd_tx_SRCS   := tests/xenstored/test_xsd_tx.c
test_xsd_tx_LIBS   := $(XSD_TEST_LIBS)
test_xsd_tx_LDLIBS := $(XSD_TEST_LDLIBS)

TESTS += test_xsd_watch
test_xsd_watch_SRCS   := tests/xenstored/test_xsd_watch.c
test_xsd_watch_LIBS   := $(XSD_TEST_LIBS)
test_xsd_watch_LDLIBS := $(XSD_TEST_LDLIBS)

TESTS += test_xsd_restart
test_xsd_restart_SRCS   := tests/xenstored/test_xsd_restart.c
test_xsd_restart_LIBS   := $(XSD_TEST_LIBS)
test_xsd_restart_LDLIBS := $(XSD_TEST_LDLIBS)

# Spawns $(MEMBAL_BIN)/membal-test-xenstored (the sanitized build).
TESTS += test_xsd_program
test_xsd_program_SRCS   := tests/xenstored/test_xsd_program.c
test_xsd_program_LIBS   := $(XSD_TEST_LIBS)
test_xsd_program_LDLIBS := $(XSD_TEST_LDLIBS)
