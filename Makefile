# membal — top-level, non-recursive Makefile.
#
# Every directory describes its own programs, libraries and tests in a
# `module.mk` fragment (see mk/rules.mk for the vocabulary); this file only
# sets flags and pulls the fragments in, so that parts of the tree can grow
# without editing one shared file.
#
#   make              release build (-O2, warnings are errors) into build/
#   make check        every test: check-fast, then e2e-xen (real Xen under
#                     QEMU; MEMBAL_SKIP_E2E=1 skips it, loudly)
#   make check-fast   the unit, closed-loop, fuzz-smoke and soak tests,
#                     built with ASan + UBSan into build/san/ (minutes)
#   make bench        benchmarks, -O2 without sanitizers, print figures
#   make install      PREFIX=/usr/local DESTDIR= (binaries, conf, units)
#   make agent-static membal-agent linked statically (build/membal-agent-static)

CC        ?= cc
PKG_CONFIG ?= pkg-config
BUILD     ?= build
PREFIX    ?= /usr/local
DESTDIR   ?=
SYSCONFDIR ?= /etc
UNITDIR   ?= /lib/systemd/system

VERSION   := 0.1.0

XEN_PKGS  := xenstore xencontrol xenlight
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(XEN_PKGS) inih 2>/dev/null)

WARN      := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
             -Wmissing-prototypes -Wno-unused-parameter
BASE_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -DMEMBAL_VERSION=\"$(VERSION)\" \
             -Isrc $(PKG_CFLAGS)
OPT_CFLAGS := -O2 -g
SAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=undefined

# Link flags per dependency, so a program links only what it uses.
LIBS_XENSTORE := $(shell $(PKG_CONFIG) --libs xenstore)
LIBS_XENCTRL  := $(shell $(PKG_CONFIG) --libs xencontrol)
LIBS_XENLIGHT := $(shell $(PKG_CONFIG) --libs xenlight xentoollog)
LIBS_INIH     := $(shell $(PKG_CONFIG) --libs inih)
LIBS_SYSTEMD  := $(shell $(PKG_CONFIG) --libs libsystemd)
LIBS_CMOCKA   := $(shell $(PKG_CONFIG) --libs cmocka)
LIBS_MATH     := -lm
LIBS_JSONC    := $(shell $(PKG_CONFIG) --libs json-c)
LIBS_PTHREAD  := -pthread

PROGRAMS :=
TESTS    :=
BENCHES  :=
LIBRARIES :=

.PHONY: all check check-fast bench install agent-static clean
all:

include mk/rules.mk
include $(sort $(wildcard src/*/module.mk tests/*/module.mk bench/*.mk))
$(foreach l,$(LIBRARIES),$(eval $(call LIBRARY_template,$(l))))
$(foreach p,$(PROGRAMS),$(eval $(call PROGRAM_template,$(p))))
$(foreach t,$(TESTS),$(eval $(call TEST_template,$(t))))
$(foreach b,$(BENCHES),$(eval $(call BENCH_template,$(b))))

all: $(addprefix $(BUILD)/,$(PROGRAMS))

# Tests run sanitized; each test finds the sanitized programs through
# MEMBAL_BIN (test_xenstored, membal-agent, ...) and fixtures through
# MEMBAL_FIXTURES. scripts/run-tests.sh runs them and summarises.
check-fast: $(addprefix $(BUILD)/san/,$(PROGRAMS)) $(addprefix $(BUILD)/san/tests/,$(TESTS)) check-policy-pure
	@MEMBAL_BIN=$(abspath $(BUILD)/san) MEMBAL_FIXTURES=$(abspath tests/fixtures) \
	  scripts/run-tests.sh $(addprefix $(BUILD)/san/tests/,$(TESTS))

# The pure cores (src/policy, src/place when present) must not see Xen:
# `cc -M` lists every header each of their sources includes, system ones
# too, and none may be a Xen library's.
PURE_SRCS := $(wildcard src/policy/*.c src/place/*.c)
.PHONY: check-policy-pure
check-policy-pure:
	@bad=$$($(CC) $(BASE_CFLAGS) -M $(PURE_SRCS) | tr ' \\' '\n\n' | \
	  grep -E '/(xen[a-z]*|xs|libxl[a-z_]*|xentoollog)\.h$$|/xen/' | sort -u); \
	if [ -n "$$bad" ]; then echo "check-policy-pure: Xen headers reach the pure core:"; echo "$$bad"; exit 1; fi; \
	echo "check-policy-pure: $(words $(PURE_SRCS)) sources of the pure cores include no Xen header"

# The real-Xen end-to-end run comes after the fast tests and only when
# they passed (a recursive make, so that -j cannot start it early).
check: check-fast
	@$(MAKE) --no-print-directory e2e-xen

bench: $(addprefix $(BUILD)/,$(PROGRAMS)) $(addprefix $(BUILD)/bench/,$(BENCHES))
	@set -e; for b in $(BENCHES); do \
	  MEMBAL_BIN=$(abspath $(BUILD)) MEMBAL_FIXTURES=$(abspath tests/fixtures) \
	  $(BUILD)/bench/$$b; done

# install-conf and install-units do not build anything: check-units
# (tests/units) installs the units into a temporary tree to verify them.
.PHONY: install-conf install-units
install: all install-conf install-units
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin
	for p in $(INSTALL_SBIN); do install -m 0755 $(BUILD)/$$p $(DESTDIR)$(PREFIX)/sbin/; done
	for p in $(INSTALL_BIN); do install -m 0755 $(BUILD)/$$p $(DESTDIR)$(PREFIX)/bin/; done

install-conf:
	install -d $(DESTDIR)$(SYSCONFDIR)/membal
	for f in conf/*.ini; do \
	  if [ -e $(DESTDIR)$(SYSCONFDIR)/membal/$$(basename $$f) ]; then \
	    install -m 0644 $$f $(DESTDIR)$(SYSCONFDIR)/membal/$$(basename $$f).dist; \
	  else install -m 0644 $$f $(DESTDIR)$(SYSCONFDIR)/membal/; fi; done

install-units:
	install -d $(DESTDIR)$(UNITDIR)
	for u in conf/*.service; do \
	  sed 's|@SBINDIR@|$(PREFIX)/sbin|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g' $$u \
	    > $(DESTDIR)$(UNITDIR)/$$(basename $$u); chmod 0644 $(DESTDIR)$(UNITDIR)/$$(basename $$u); done

clean:
	rm -rf $(BUILD)

# The main job on an embedded default (see README): the arbiter on a
# simulated host with real agents, about a minute.
.PHONY: demo
demo: all
	scripts/demo.sh
