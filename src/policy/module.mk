# SPDX-License-Identifier: GPL-2.0-only
# src/policy: the pure policy core. A snapshot in, decisions out: no Xen
# header, no I/O (design.md §Layout). `make check-policy-pure`
# (part of check-fast) fails if any header it compiles against comes from
# Xen's libraries.

LIBRARIES += policy
policy_SRCS := $(sort $(wildcard src/policy/*.c))

POLICY_TEST_LDLIBS := $(LIBS_CMOCKA) $(LIBS_INIH) $(LIBS_MATH)
# A test of the policy core: NAME, SRCS.
policy_test = $(call unit_test,$(1),$(2),policy common,$(POLICY_TEST_LDLIBS))

$(eval $(call policy_test,test_policy,tests/unit/test_policy.c))
$(eval $(call policy_test,test_solve,tests/unit/test_solve.c))
$(eval $(call policy_test,test_solve_props,tests/unit/test_solve_props.c))
$(eval $(call policy_test,test_apply,tests/unit/test_apply.c))
$(eval $(call policy_test,test_follow_up,tests/unit/test_follow_up.c))

# Reads the shipped conf/arbiter.ini, so it needs to know the tree.
$(eval $(call policy_test,test_policy_config,tests/unit/test_policy_config.c))
$(BUILD)/san/obj/tests/unit/test_policy_config.o $(BUILD)/obj/tests/unit/test_policy_config.o: LOCAL_CFLAGS += -DMEMBAL_SRCDIR=\"$(CURDIR)\"

# The snapshot builder: what the arbiter knows of a domain -> policy_dom.
$(eval $(call policy_test,test_snapshot,tests/unit/test_snapshot.c))

# A guest whose agent died: stale_return.c.
$(eval $(call policy_test,test_stale_return,tests/unit/test_stale_return.c))

# The learned gap, and seed 003's listing (membal-sim's `literal`) beside it.
$(eval $(call policy_test,test_gap,tests/unit/test_gap.c src/sim/gap_literal.c))
$(eval $(call policy_test,test_gap_safety,tests/unit/test_gap_safety.c))
$(eval $(call policy_test,test_gap_ride,tests/unit/test_gap_ride.c))
$(eval $(call policy_test,test_gap_ramp,tests/unit/test_gap_ramp.c))
$(eval $(call policy_test,test_gap_ramp_lead,tests/unit/test_gap_ramp_lead.c))
$(eval $(call policy_test,test_gap_seen,tests/unit/test_gap_seen.c))
$(eval $(call policy_test,test_gap_quiet,tests/unit/test_gap_quiet.c))
$(eval $(call policy_test,test_gap_lone,tests/unit/test_gap_lone.c))
$(eval $(call policy_test,test_gap_hold,tests/unit/test_gap_hold.c))
$(eval $(call policy_test,test_gap_capped,tests/unit/test_gap_capped.c))
$(eval $(call policy_test,test_gap_oom,tests/unit/test_gap_oom.c))

$(eval $(call policy_test,test_scarce_props,tests/unit/test_scarce_props.c))
$(eval $(call policy_test,test_unpark,tests/unit/test_unpark.c))
# The write band and the boot grace (design.md §A step ahead and the boot grace).
$(eval $(call policy_test,test_band,tests/unit/test_band.c))
# A reservation that waits on a walk below the reserve (fund_reservation).
$(eval $(call policy_test,test_fund_resv,tests/unit/test_fund_resv.c))
# A reservation before a rise a guest with swap pages for (resv_page).
$(eval $(call policy_test,test_resv_page,tests/unit/test_resv_page.c))
# A reservation nearly met by swapless guests' slacks (resv_slack_share_pct).
$(eval $(call policy_test,test_resv_share,tests/unit/test_resv_share.c))
# A reservation that waited, out of the pagers' needs (resv_need_wait_s).
$(eval $(call policy_test,test_resv_need,tests/unit/test_resv_need.c))

# The OOM margin's growth evidence (design.md §Growth is never cut).
$(eval $(call policy_test,test_growth,tests/unit/test_growth.c))
# A climb kept across an OOM kill (oom_climb_keep, off).
$(eval $(call policy_test,test_growth_kill,tests/unit/test_growth_kill.c))

# Scarce mode's margin tier: the OOM margin after every domain's need
# (design.md §Growth is never cut, "The margin after the needs").
$(eval $(call policy_test,test_margin_tier,tests/unit/test_margin_tier.c))

# Scarce mode's OOM minimum after the needs
# (design.md §Growth is never cut, "The OOM minimum after the needs").
$(eval $(call policy_test,test_oom_min_tier,tests/unit/test_oom_min_tier.c))
# A killed guest's margin its shown rises outgrow comes after the needs
# (oom_margin_futile, off): design.md §Growth is never cut.
$(eval $(call policy_test,test_margin_futile,tests/unit/test_margin_futile.c))
# A swapless killed guest keeps what it held at the kill and a little more
# (oom_min_keep_mb, off): design.md §Growth is never cut.
$(eval $(call policy_test,test_oom_min_keep,tests/unit/test_oom_min_keep.c))
# oom_min_keep only for a kill that recurs (oom_recur_keep, off; oom_recur.c).
$(eval $(call policy_test,test_oom_recur,tests/unit/test_oom_recur.c))
# ... given above the target a guest is killed at again (oom_keep_held_kill,
# off; oom_keep_full.c).
$(eval $(call policy_test,test_oom_keep_held_kill,tests/unit/test_oom_keep_held_kill.c))
# ... for any kill at the target held, recurring or not (oom_keep_held_any,
# off; oom_keep_full.c).
$(eval $(call policy_test,test_oom_keep_held_any,tests/unit/test_oom_keep_held_any.c))
# A crash loop: a looping swapless guest's raise in tier 1, whole or not at
# all (design.md §Growth is never cut, "A crash loop").
$(eval $(call policy_test,test_oom_loop,tests/unit/test_oom_loop.c))
# A swapless guest's margin kept, not given (swapless_keep_mb, off;
# swapless_keep.c): design.md §Scarce mode from the estimated need.
$(eval $(call policy_test,test_swapless_keep,tests/unit/test_swapless_keep.c))
# A swapless guest's margin after a fall (fall_margin_s, off;
# fall_margin.c): design.md §Scarce mode from the estimated need.
$(eval $(call policy_test,test_fall_margin,tests/unit/test_fall_margin.c))
# A swapless guest's margin for its noise (noise_margin_mb, off;
# noise_margin.c, jump.c jump_noise()):
# design.md §Scarce mode from the estimated need.
$(eval $(call policy_test,test_noise_margin,tests/unit/test_noise_margin.c))
# A gap that scales with the guest (headroom_ws_pct, off; need.c
# policy_fixed_gap_kb(), gap.c): design.md §The learned gap.
$(eval $(call policy_test,test_gap_scale,tests/unit/test_gap_scale.c))
$(eval $(call policy_test,test_boot_keep,tests/unit/test_boot_keep.c))
# A level kept while nobody needs it (level_keep, on by default; level_keep.c).
$(eval $(call policy_test,test_level_keep,tests/unit/test_level_keep.c))
# ... and the spare left shared among guests between jobs (level_ahead,
# off; level_ahead.c).
$(eval $(call policy_test,test_level_ahead,tests/unit/test_level_ahead.c))
# What of a pager's need its swap holds already (need_in_swap, off):
# design.md §Scarce mode from the estimated need.
$(eval $(call policy_test,test_need_in_swap,tests/unit/test_need_in_swap.c))
$(eval $(call policy_test,test_need_slack,tests/unit/test_need_slack.c))
# Scarce mode's grace tier: the adoption grace yields to another guest's
# need and margin (design.md §Scarce mode from the estimated need).
$(eval $(call policy_test,test_grace_yield,tests/unit/test_grace_yield.c))
# A newborn without swap keeps its grace floor below the reserve
# (grace_swapless_s, off; grace_keep.c): design.md §Growth is never cut.
$(eval $(call policy_test,test_grace_keep,tests/unit/test_grace_keep.c))
# A newborn kept whole until its load shows (resv_born_shown_mb, off;
# born_shown.c): design.md §The estimate's slack.
$(eval $(call policy_test,test_born_shown,tests/unit/test_born_shown.c))
# A swapless climb granted the cuts that pay for it (climb_grant;
# climb_grant.c): design.md §Apply: from targets to this cycle's writes.
$(eval $(call policy_test,test_climb_grant,tests/unit/test_climb_grant.c))
# The rise ahead: a climbing W's next interval is need now
# (design.md §Scarce mode from the estimated need, "The rise ahead").
$(eval $(call policy_test,test_rise_ahead,tests/unit/test_rise_ahead.c))
# A load that comes back: its window's peak is need now
# (design.md §Scarce mode from the estimated need, "A load that comes back").
$(eval $(call policy_test,test_comeback,tests/unit/test_comeback.c))
# A level held: a recurring swapless load's level is need now and floor
# (recur_hold; design.md §Scarce mode from the estimated need, "A level held").
$(eval $(call policy_test,test_recur_hold,tests/unit/test_recur_hold.c))
# A cron's level: held through the trough while its runs come back
# (recur_period_s; design.md §Scarce mode from the estimated need).
$(eval $(call policy_test,test_recur_period,tests/unit/test_recur_period.c))
# A held level handed back: W and the kill's margin kept after the level
# lapses (recur_handback_s; design.md §Scarce mode from the estimated need).
$(eval $(call policy_test,test_recur_handback,tests/unit/test_recur_handback.c))
# A spike the peers show: a guest with swap keeps room for the jump a
# quorum of its peers made
# (design.md §Scarce mode from the estimated need, "A spike the peers show").
$(eval $(call policy_test,test_spike,tests/unit/test_spike.c))
# The level a load reached, less its free swap, kept after the needs
# (peak_hold, off; design.md §Scarce mode from the estimated need).
$(eval $(call policy_test,test_peak_hold,tests/unit/test_peak_hold.c))
