# tests/units: the systemd units as installed. `make check-units` (part of
# check-fast) installs them, the shipped ini files and the sanitized
# daemons into a temporary tree and runs `systemd-analyze verify` on them
# (any warning fails), the ExecReload= check on the shipped files and the
# ExecCondition= host check. Without systemd-analyze it says so loudly and
# runs the rest; scripts/install-deps.sh installs it (package systemd).
.PHONY: check-units
check-units: $(addprefix $(BUILD)/san/,membal-arbiter membal-agent)
	@MAKE="$(MAKE)" tests/units/verify-units.sh $(abspath $(BUILD)/san)

check-fast: check-units
