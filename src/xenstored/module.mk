# SPDX-License-Identifier: GPL-2.0-only
# src/xenstored: membal's own xenstore server. It speaks the real xenstore
# wire protocol on unix sockets, with domains, permissions, transactions
# and watches, so that membal-sim, the demo and the tests run the product's
# libxenstore code against a xenstored without a Xen host. It is never used
# on a Xen host (design.md §Membal's own xenstored). The library runs
# it in a thread; membal-test-xenstored runs it as a process.
LIBRARIES += xsd
xsd_SRCS := src/xenstored/api.c src/xenstored/conn.c \
            src/xenstored/domain.c src/xenstored/nodeops.c \
            src/xenstored/ops.c src/xenstored/rehome.c src/xenstored/store.c src/xenstored/txn.c \
            src/xenstored/watch.c

PROGRAMS += membal-test-xenstored
membal-test-xenstored_SRCS   := src/xenstored/main.c src/xenstored/control.c
membal-test-xenstored_LIBS   := xsd common
membal-test-xenstored_LDLIBS := $(LIBS_PTHREAD)
