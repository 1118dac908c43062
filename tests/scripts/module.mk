# SPDX-License-Identifier: GPL-2.0-only
# tests/scripts: the evaluation scripts against fixture tables.
# scripts/eval-cmp.py --rule, the default-change rule (docs/evaluation.md,
# "The default-change rule": cells yes -> no, kills beyond a row's noise
# band, the table's total kills), on five rows of session 25's base tables.
.PHONY: check-eval-rule
check-eval-rule:
	@tests/scripts/test-eval-rule.sh

check-fast: check-eval-rule
