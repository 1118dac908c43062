# SPDX-License-Identifier: GPL-2.0-only
# src/iallocator: membal-iallocator, Ganeti's IAllocator protocol answered
# from membal's measured demand (docs/ganeti.md), and the htools text
# export. json-c for every JSON; the place core only for its snapshot
# types and, in the export and the side-by-side tests, its measures.

LIBS_JSONC ?= $(shell $(PKG_CONFIG) --libs json-c)

LIBRARIES += ialloc
ialloc_SRCS := src/iallocator/request.c src/iallocator/decide.c \
               src/iallocator/answer.c src/iallocator/apply.c \
               src/iallocator/cache_read.c src/iallocator/htools.c

PROGRAMS += membal-iallocator
INSTALL_BIN += membal-iallocator
membal-iallocator_SRCS   := src/iallocator/main.c
membal-iallocator_LIBS   := ialloc
membal-iallocator_LDLIBS := $(LIBS_JSONC)

