# tests/xenstored: a xenstore server for tests (TEST INFRASTRUCTURE, never
# installed): the library runs it in a thread of a test, the program runs
# it for scripts and the demo. See docs/testing.md, "Test xenstored".
# Users of xsd_fixture.h (fx_*) also link $(LIBS_XENSTORE).
LIBRARIES += testxsd
testxsd_SRCS := tests/xenstored/api.c tests/xenstored/conn.c \
                tests/xenstored/domain.c tests/xenstored/nodeops.c \
                tests/xenstored/ops.c \
                tests/xenstored/store.c tests/xenstored/txn.c \
                tests/xenstored/watch.c tests/xenstored/xsd_fixture.c

PROGRAMS += membal-test-xenstored
membal-test-xenstored_SRCS   := tests/xenstored/main.c tests/xenstored/control.c
membal-test-xenstored_LIBS   := testxsd common
membal-test-xenstored_LDLIBS := $(LIBS_PTHREAD)

# Tests: the real libxenstore against the server started in-process.
XSD_TEST_LIBS   := testxsd
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
