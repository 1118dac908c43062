# membal — top-level, non-recursive Makefile.
#
# Every directory describes its own programs, libraries and tests in a
# `module.mk` fragment (see mk/rules.mk for the vocabulary); this file only
# sets flags and pulls the fragments in, so that parts of the tree can grow
# without editing one shared file.
#
#   make              release build (-O2 -g unless CFLAGS says otherwise) into build/
#   make check        every test: check-fast, then e2e-xen (real Xen under
#                     QEMU; MEMBAL_SKIP_E2E=1 skips it, loudly)
#   make check-fast   the unit, closed-loop, fuzz-smoke and soak tests,
#                     built with ASan + UBSan into build/san/ (minutes)
#   make check-unit   the unit and closed-loop tests built with the release
#                     flags (what the Debian package build runs)
#   make bench        benchmarks, -O2 without sanitizers, print figures
#   make man          the man pages, into build/man/ (scripts/mkman.sh)
#   make install      everything below; PREFIX=/usr/local DESTDIR=
#   make install-agent  what a guest needs: membal-agent, agent.ini, its unit
#   make install-dom0   membal-arbiter, membalctl, arbiter.ini, its unit
#   make install-sim    membal-sim and the scenarios (/usr/share/membal)
#   make deb          the Debian packages into build/deb/ (debian/)
#   make agent-static membal-agent linked statically (build/membal-agent-static)
#
# Flags the distribution's way: CPPFLAGS, CFLAGS and LDFLAGS belong to
# whoever builds (`dpkg-buildflags`, or `make CFLAGS=-O0`); the project's
# own flags are in MEMBAL_* below and per target in LOCAL_CFLAGS (module.mk:
# `target.o: LOCAL_CFLAGS += ...`), so a CFLAGS on the command line never
# loses them. WERROR=1 (the default: development and CI) adds -Werror;
# the package build sets WERROR=0. The ASan + UBSan tree (build/san) puts
# its SAN_CFLAGS after CFLAGS: its -O1 and sanitizers win.

CC        ?= cc
PKG_CONFIG ?= pkg-config
BUILD     ?= build
PREFIX    ?= /usr/local
DESTDIR   ?=
BINDIR    ?= $(PREFIX)/bin
SBINDIR   ?= $(PREFIX)/sbin
DATADIR   ?= $(PREFIX)/share
MANDIR    ?= $(DATADIR)/man
DOCDIR    ?= $(DATADIR)/doc/membal
SYSCONFDIR ?= /etc
UNITDIR   ?= $(shell $(PKG_CONFIG) --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)

# One version, debian/changelog's (the packages and --version agree).
VERSION   := $(or $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog 2>/dev/null),0.0.0)
# make deb's result (below); tests/e2e-xen boots what it holds.
DEB_STAMP := $(BUILD)/deb/.built
DEB_SRCS  := $(wildcard $(shell git ls-files 2>/dev/null))

CFLAGS    ?= -O2 -g
WERROR    ?= 1

XEN_PKGS  := xenstore xencontrol xenlight
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(XEN_PKGS) inih 2>/dev/null)

WARN      := -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -Wshadow -Wformat=2 \
             -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
MEMBAL_CPPFLAGS := -D_GNU_SOURCE -DMEMBAL_VERSION=\"$(VERSION)\" -Isrc $(PKG_CFLAGS)
MEMBAL_CFLAGS   := -std=gnu11 $(WARN)
# Kept for fragments that compile by hand (fuzz targets, probes).
BASE_CFLAGS := $(MEMBAL_CFLAGS) $(MEMBAL_CPPFLAGS)
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

.PHONY: all check check-fast check-unit bench install install-agent install-dom0 \
        install-sim agent-static clean
all:

include mk/rules.mk
include $(sort $(wildcard src/*/module.mk tests/*/module.mk bench/*.mk))
$(foreach l,$(LIBRARIES),$(eval $(call LIBRARY_template,$(l))))
$(foreach p,$(PROGRAMS),$(eval $(call PROGRAM_template,$(p))))
$(foreach t,$(TESTS),$(eval $(call TEST_template,$(t))))
$(foreach b,$(BENCHES),$(eval $(call BENCH_template,$(b))))

all: $(addprefix $(BUILD)/,$(PROGRAMS))

# Every source file carries its SPDX line (scripts/add-spdx.sh adds it);
# CHECK_SPDX=0 leaves the check out of check-fast.
CHECK_SPDX ?= 1
# Tests run sanitized; each test finds the sanitized programs through
# MEMBAL_BIN (test_xenstored, membal-agent, ...) and fixtures through
# MEMBAL_FIXTURES. scripts/run-tests.sh runs them and summarises.
# The benchmarks are built (not run) so that a change cannot break
# `make bench` unseen.
check-fast: $(addprefix $(BUILD)/san/,$(PROGRAMS)) $(addprefix $(BUILD)/san/tests/,$(TESTS)) \
            $(addprefix $(BUILD)/bench/,$(BENCHES)) \
            check-policy-pure check-man check-file-size $(if $(filter 1,$(CHECK_SPDX)),check-spdx)
	@MEMBAL_BIN=$(abspath $(BUILD)/san) MEMBAL_FIXTURES=$(abspath tests/fixtures) \
	  scripts/run-tests.sh $(addprefix $(BUILD)/san/tests/,$(TESTS))

# The same tests with the release flags and without sanitizers: what a
# distribution's package build runs (debian/rules), next to what it ships.
check-unit: $(addprefix $(BUILD)/,$(PROGRAMS)) $(addprefix $(BUILD)/tests/,$(TESTS))
	@MEMBAL_BIN=$(abspath $(BUILD)) MEMBAL_FIXTURES=$(abspath tests/fixtures) \
	  scripts/run-tests.sh $(addprefix $(BUILD)/tests/,$(TESTS))

.PHONY: check-file-size
# Small files with one job: a source file over 600 lines is split instead.
check-file-size:
	@big=$$(find src -name '*.[ch]' -exec awk 'END { if (NR > 600) print FILENAME ": " NR " lines (limit 600)" }' {} \;); \
	  if [ -n "$$big" ]; then echo "$$big" >&2; exit 1; fi

.PHONY: check-spdx
check-spdx:
	@scripts/add-spdx.sh --check

# Man pages: section 8 for the daemons (INSTALL_SBIN), 1 for the tools
# (INSTALL_BIN), 5 for the configuration files. scripts/mkman.sh builds each
# from man/PAGE.in and what the program says (--help) and the shipped ini
# (its keys, defaults and comments), so they cannot drift; a program without
# man/PAGE.in still gets a page from its --help. check-man renders the
# sanitized build's pages with groff -ww and `man -l`: no warning allowed.
MAN_INI   := membal-agent.ini:agent.ini:membal-agent membal-arbiter.ini:arbiter.ini:membal-arbiter
MAN_PAGES  = $(addsuffix .8,$(INSTALL_SBIN)) $(addsuffix .1,$(INSTALL_BIN)) \
             $(foreach i,$(MAN_INI),$(word 1,$(subst :, ,$(i))).5)
define MAN_template # page, program, extra prerequisites
$(BUILD)/man/$(1): $(wildcard man/$(1).in) $(BUILD)/$(2) scripts/mkman.sh $(3)
	MEMBAL_BIN=$(abspath $(BUILD)) MEMBAL_VERSION=$(VERSION) scripts/mkman.sh $(1) $$(abspath $$@)
$(BUILD)/san/man/$(1): $(wildcard man/$(1).in) $(BUILD)/san/$(2) scripts/mkman.sh $(3)
	@MEMBAL_BIN=$(abspath $(BUILD)/san) MEMBAL_VERSION=$(VERSION) scripts/mkman.sh $(1) $$(abspath $$@)
endef
$(foreach p,$(INSTALL_SBIN),$(eval $(call MAN_template,$(p).8,$(p))))
$(foreach p,$(INSTALL_BIN),$(eval $(call MAN_template,$(p).1,$(p))))
$(foreach i,$(MAN_INI),$(eval $(call MAN_template,$(word 1,$(subst :, ,$(i))).5,$(word 3,$(subst :, ,$(i))),conf/$(word 2,$(subst :, ,$(i))))))

# docs/configuration.md's key tables from the programs' key tables
# (tests/unit/test_key_tables.c checks them; this rewrites them).
.PHONY: config-doc
config-doc: $(BUILD)/san/tests/test_key_tables
	MEMBAL_WRITE_DOCS=1 $(BUILD)/san/tests/test_key_tables

.PHONY: man check-man
check-units: $(addprefix $(BUILD)/san/man/,$(MAN_PAGES))
man: $(addprefix $(BUILD)/man/,$(MAN_PAGES))
check-man: $(addprefix $(BUILD)/san/man/,$(MAN_PAGES))
	@for p in $^; do \
	  w=$$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z $$p 2>&1) || w="groff failed $$w"; \
	  [ -z "$$w" ] || { echo "check-man: $$p: $$w"; exit 1; }; \
	  LC_ALL=C.UTF-8 MANWIDTH=80 man -l $$p 2>&1 >/dev/null | grep . && { echo "check-man: man -l $$p warns"; exit 1; }; \
	  LC_ALL=C.UTF-8 MANWIDTH=80 man -l $$p | grep -q . || { echo "check-man: man -l $$p printed nothing"; exit 1; }; \
	done; echo "check-man: $(words $^) pages render without warnings"

# The pure cores (src/policy, src/place when present) must not see Xen:
# `cc -M` lists every header each of their sources includes, system ones
# too, and none may be a Xen library's.
PURE_SRCS := $(wildcard src/policy/*.c src/place/*.c)
.PHONY: check-policy-pure
check-policy-pure:
	@bad=$$($(CC) $(MEMBAL_CPPFLAGS) $(CPPFLAGS) -M $(PURE_SRCS) | tr ' \\' '\n\n' | \
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

# Installation, one target per package (debian/rules calls them): the
# agent alone goes into guests, the arbiter and its tools into dom0, the
# simulator wherever policies are compared. A program a fragment adds to
# INSTALL_SBIN or INSTALL_BIN goes to dom0 unless it is the agent or the
# simulator. An existing ini is kept and the new one installed as .ini.dist.
AGENT_SBIN := membal-agent
SIM_BIN    := membal-sim
DOM0_SBIN   = $(filter-out $(AGENT_SBIN),$(INSTALL_SBIN))
DOM0_BIN    = $(filter-out $(SIM_BIN),$(INSTALL_BIN))
AGENT_DOCS := README.md docs/configuration.md docs/security.md
DOM0_DOCS  := README.md docs/design.md docs/configuration.md docs/security.md \
              docs/performance.md docs/testing.md
SIM_DOCS   := README.md docs/evaluation.md

# install_files(dir, mode, files)
install_files = install -d $(DESTDIR)$(1) && install -m $(2) $(3) $(DESTDIR)$(1)/
# install_conf(ini): keep an administrator's file
define install_conf
install -d $(DESTDIR)$(SYSCONFDIR)/membal
if [ -e $(DESTDIR)$(SYSCONFDIR)/membal/$(1) ]; then \
  install -m 0644 conf/$(1) $(DESTDIR)$(SYSCONFDIR)/membal/$(1).dist; \
else install -m 0644 conf/$(1) $(DESTDIR)$(SYSCONFDIR)/membal/; fi
endef
# install_unit(name)
define install_unit
install -d $(DESTDIR)$(UNITDIR)
sed 's|@SBINDIR@|$(SBINDIR)|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g' conf/$(1) \
  > $(DESTDIR)$(UNITDIR)/$(1) && chmod 0644 $(DESTDIR)$(UNITDIR)/$(1)
endef
# install_man(programs, section)
install_man = $(if $(strip $(1)),install -d $(DESTDIR)$(MANDIR)/man$(2) && \
  install -m 0644 $(patsubst %,$(BUILD)/man/%.$(2),$(1)) $(DESTDIR)$(MANDIR)/man$(2)/)

install: install-agent install-dom0 install-sim

install-agent: $(addprefix $(BUILD)/,$(AGENT_SBIN)) man
	$(call install_files,$(SBINDIR),0755,$(addprefix $(BUILD)/,$(AGENT_SBIN)))
	$(call install_conf,agent.ini)
	$(call install_unit,membal-agent.service)
	$(call install_man,$(AGENT_SBIN),8)
	$(call install_man,membal-agent.ini,5)
	$(call install_files,$(DOCDIR),0644,$(AGENT_DOCS))

install-dom0: $(addprefix $(BUILD)/,$(DOM0_SBIN) $(DOM0_BIN)) man
	$(call install_files,$(SBINDIR),0755,$(addprefix $(BUILD)/,$(DOM0_SBIN)))
	$(call install_files,$(BINDIR),0755,$(addprefix $(BUILD)/,$(DOM0_BIN)))
	$(call install_conf,arbiter.ini)
	$(call install_unit,membal-arbiter.service)
	$(call install_man,$(DOM0_SBIN),8)
	$(call install_man,$(DOM0_BIN),1)
	$(call install_man,membal-arbiter.ini,5)
	$(call install_files,$(DOCDIR),0644,$(DOM0_DOCS))

install-sim: $(addprefix $(BUILD)/,$(SIM_BIN)) man
	$(call install_files,$(BINDIR),0755,$(addprefix $(BUILD)/,$(SIM_BIN)))
	$(call install_man,$(SIM_BIN),1)
	$(call install_files,$(DATADIR)/membal/scenarios,0644,$(wildcard conf/scenarios/*))
	$(call install_files,$(DOCDIR),0644,$(SIM_DOCS))

# Debian packages (debian/, native): the tree as git has it (committed,
# plus changes to tracked files: `git stash create`) is copied to
# $(BUILD)/deb/src and built there with dpkg-buildpackage, so the working
# tree is untouched; the .debs land in $(BUILD)/deb/. Rebuilt only when a
# tracked file changed (the e2e and scripts/test-install.sh use them).
# DEB_BUILD_OPTIONS=nocheck skips the package's unit tests.
.PHONY: deb
deb: $(DEB_STAMP)
$(DEB_STAMP): $(DEB_SRCS)
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/src
	t=$$(git stash create) && git archive --format=tar $${t:-HEAD} | tar -x -C $(BUILD)/deb/src
	cd $(BUILD)/deb/src && dpkg-buildpackage -us -uc -b
	touch $@

# The configuration files and units alone, built from nothing: check-units
# (tests/units) installs them into a temporary tree to verify them.
.PHONY: install-conf install-units
install-conf:
	$(call install_conf,agent.ini)
	$(call install_conf,arbiter.ini)

install-units:
	$(call install_unit,membal-agent.service)
	$(call install_unit,membal-arbiter.service)

clean:
	rm -rf $(BUILD)

# The main job on an embedded default (see README): the arbiter on a
# simulated host with real agents, about a minute.
.PHONY: demo
demo: all
	scripts/demo.sh
