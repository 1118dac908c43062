# SPDX-License-Identifier: GPL-2.0-only
# tests/docs: the documents against the tree. Every `design.md §HEADING`
# reference in src/ and conf/ must name a heading of docs/design.md.
.PHONY: check-design-refs
check-design-refs:
	@tests/docs/check-design-refs.sh

check-fast: check-design-refs
