# SPDX-License-Identifier: GPL-2.0-only
# tests/units: the systemd units as installed. `make check-units` (part of
# check-fast) installs them, the shipped ini files and the sanitized
# daemons into a temporary tree and runs `systemd-analyze verify` on them
# (any warning fails), the ExecReload= check on the shipped files and the
# ExecCondition= host check. Without systemd-analyze it says so loudly and
# runs the rest; scripts/install-deps.sh installs it (package systemd).
.PHONY: check-units
# The units' Documentation=man:... lines are checked too: the sanitized
# build's man pages go into the tree's MANPATH (the Makefile adds them
# as prerequisites, after it defines MAN_PAGES).
check-units: $(addprefix $(BUILD)/san/,membal-arbiter membal-agent)
	@MAKE="$(MAKE)" tests/units/verify-units.sh $(abspath $(BUILD)/san) $(abspath $(BUILD)/san/man)

check-fast: check-units
