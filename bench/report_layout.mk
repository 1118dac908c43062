# SPDX-License-Identifier: GPL-2.0-only
# bench/report_layout: one changed guest report one key a figure (an older
# agent) against the `memory/report` value of layout 3 (requests, watch
# events, agent / arbiter / xenstored CPU; docs/performance.md, "The
# report layout"; the decision in docs/design.md §Report layout: one value or one key a figure).
BENCHES += bench_report_layout
bench_report_layout_SRCS   := bench/report_layout.c
bench_report_layout_LIBS   := arbiter policy common xsd
# "=": ARBITER_LDLIBS is defined by src/arbiter/module.mk, read later.
bench_report_layout_LDLIBS  = $(ARBITER_LDLIBS)
