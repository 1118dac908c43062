# SPDX-License-Identifier: GPL-2.0-only
# tests/e2e-xen: membal on a real Xen 4.17 host booted under QEMU (TCG).
# `make e2e-xen` builds membal's packages (make deb), the images (from Debian packages,
# downloaded and unpacked, never installed; cached under
# $(E2E_CACHE), keyed by the versions resolved), boots, runs the scenarios
# inside dom0 and prints one line per check. `make check` runs it after
# the fast tests; MEMBAL_SKIP_E2E=1 is the only way to skip it.
# Timeouts: the QEMU boot (MEMBAL_E2E_BOOT_TIMEOUT, run.sh, 1500 s) and
# the whole run, images included (E2E_TIMEOUT, 2400 s); a quiet 2-core
# machine needs 8-10 minutes.
# See docs/testing.md, "Real Xen under QEMU".
E2E_CACHE ?= /var/cache/membal-e2e
E2E_TIMEOUT ?= 2400

$(BUILD)/e2e-xen/membal-e2e-probe: $(call objs,tests/e2e-xen/probe.c) $(call libs,common)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENCTRL) $(LIBS_XENSTORE)

# membal itself comes from its packages (make deb: membal-arbiter into
# dom0, membal-agent into the guests); the harness's tools from the tree.
E2E_BINS := $(DEB_STAMP) $(BUILD)/membal-load $(BUILD)/e2e-xen/membal-e2e-probe

.PHONY: e2e-xen e2e-xen-images
e2e-xen:
	@if [ "$${MEMBAL_SKIP_E2E:-0}" = 1 ]; then \
	  echo "E2E-XEN SKIPPED: MEMBAL_SKIP_E2E=1 IS SET; NOTHING WAS TESTED ON REAL XEN"; \
	else $(MAKE) --no-print-directory $(E2E_BINS) && \
	  E2E_CACHE=$(E2E_CACHE) BUILD=$(abspath $(BUILD)) \
	  timeout -k 30 $(E2E_TIMEOUT) tests/e2e-xen/run.sh || \
	  { rc=$$?; [ $$rc -eq 124 ] && echo "e2e-xen: FAIL: the whole run exceeded E2E_TIMEOUT=$(E2E_TIMEOUT) s"; exit $$rc; }; fi

# Only the images (for looking inside, or warming the cache).
e2e-xen-images: $(E2E_BINS)
	E2E_CACHE=$(E2E_CACHE) BUILD=$(abspath $(BUILD)) tests/e2e-xen/mkimages.sh
