# SPDX-License-Identifier: GPL-2.0-only
# tests/plan-baseline: `membalctl plan` on every tests/fixtures/plan/*.csv
# over 20 option sets x 5 host-free values (stdout, stderr, exit status),
# compared byte for byte with before.txt, saved before the scarce mode
# (issue 15): a snapshot without ws_kb/gap_kb takes exactly that path.
.PHONY: check-plan-baseline
check-plan-baseline: $(BUILD)/san/membalctl
	@sh tests/plan-baseline/run.sh $(BUILD)/san/membalctl tests/fixtures/plan > $(BUILD)/plan-baseline.txt 2>&1
	@cmp -s tests/plan-baseline/before.txt $(BUILD)/plan-baseline.txt || \
		{ echo "check-plan-baseline: membalctl plan output changed: diff tests/plan-baseline/before.txt $(BUILD)/plan-baseline.txt" >&2; exit 1; }
	@echo "check-plan-baseline: 300 membalctl plan runs byte-identical to before the scarce mode"

check-fast: check-plan-baseline
