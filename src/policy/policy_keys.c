/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The [policy] section of arbiter.ini as a key table (cfg_table.h): one
 * row a key with its default, range and doc. policy_params_default()
 * loads the defaults from these rows: they are written down nowhere else.
 * Apart from policy_config.c (the loader) so that tools that only need
 * the defaults do not link inih.
 */
#include "policy/policy_config.h"

#include <stddef.h>
#include <string.h>

#define P(field) offsetof(struct policy_params, field)
#define MIB_MAX (POLICY_KB_MAX / 1024)

/* The ranges are what the policy can work with, not advice: tau = 1
 * would divide by zero (k = 1/(1 - tau)), a hysteresis of 0 would never
 * move. */
static const struct cfg_key policy_keys[] = {
	{ "tau", CFG_FRACTION, P(tau), .min = 0, .max = 1, .def = "0.75",
	  .doc = "Idle memory tax: an idle page costs 1/(1 - tau) times an active one." },
	{ "epsilon", CFG_DOUBLE, P(epsilon), .min = 0, .max = 1e6, .def = "0.1",
	  .doc = "Weight of swap use in a domain's price weight w_i." },
	{ "solver", CFG_ENUM, P(solver), .names = policy_solver_names, .def = "exact",
	  .doc = "Global balancing: the exact equal-price allocation, or Zhang et al.'s Gaussian elimination (a baseline)." },
	{ "free_source", CFG_ENUM, P(free_source), .names = policy_free_source_names, .def = "avail",
	  .doc = "Guest figure taken as idle (MemAvailable falls back to MemFree when absent)." },
	{ "scarce_cap", CFG_ENUM, P(scarce_cap), .names = policy_scarce_cap_names, .def = "demand",
	  .doc = "Upper bound U_i when scarce: the goal MC_i, or `max_mb`." },
	{ "dom0_mode", CFG_ENUM, P(dom0_mode), .names = policy_dom0_mode_names, .def = "fixed",
	  .doc = "Never balloon dom0, or serve dom0's demand first (needs membal-agent in dom0)." },
	{ "hysteresis_up", CFG_U32, P(hysteresis_up), .umin = 1, .umax = 1000000, .def = "1",
	  .doc = "Self-adjustment step divisor when growing (1: at once)." },
	{ "hysteresis_down", CFG_U32, P(hysteresis_down), .umin = 1, .umax = 1000000, .def = "8",
	  .doc = "Step divisor when shrinking." },
	{ "headroom_mb", CFG_MIB, P(headroom_kb), .umin = 0, .umax = MIB_MAX, .def = "64",
	  .doc = "Added to Committed_AS in the goal MC_i." },
	{ "reserve_mb", CFG_MIB, P(reserve_kb), .umin = 0, .umax = MIB_MAX, .def = "72",
	  .doc = "Host memory never handed out (squeezed's floor after VM boot failures)." },
	{ "min_change_mb", CFG_MIB, P(min_change_kb), .umin = 0, .umax = MIB_MAX, .def = "16",
	  .doc = "Smallest target change written (except when landing on the goal)." },
	{ "settle_min_kb", CFG_U64, P(settle_min_kb), .umin = 0, .umax = MIB_MAX * 1024, .def = "1024",
	  .doc = "Noise floor, KiB: no move smaller than this is written, not even onto the goal; a hysteresis step never leaves less than this to go." },
	{ "unpark_ramp_wait", CFG_BOOL, P(unpark_ramp_wait), .def = "no",
	  .doc = "Under need = estimate, a starving domain that grows, is held at no more than its need and whose free swap holds its lack is funded out of other domains' held-back decreases only once the starving domains lack `min_change_mb` in all (fewer writes on a slow ramp, more shortfall elsewhere: docs/evaluation.md); no: at once." },
	{ "unpark_ramp_batch_kb", CFG_U64, P(unpark_ramp_batch_kb), .umin = 0, .umax = MIB_MAX * 1024, .def = "4096",
	  .doc = "Under need = estimate (and `unpark_ramp_wait = no`), a starving domain that ramps (two rises of `min_change_mb` or more at a pace it keeps) and whose free swap holds its lack plus this much is funded out of other domains' held-back decreases once it lacks this much itself, KiB: a slow ramp is funded every few cycles, not by a pair of writes every cycle (0: at once)." },
	{ "unpark_level_batch_kb", CFG_U64, P(unpark_level_batch_kb), .umin = 0, .umax = MIB_MAX * 1024, .def = "0",
	  .doc = "Under need = estimate, a starving domain that does not grow, that the solver leaves short of its need and whose free swap holds its lack plus this much is funded out of other domains' held-back decreases once its held-back increase reaches this much, KiB: a level whose target creeps up as others' needs fall is funded every few cycles, not by a pair of writes every cycle (0: at once; docs/evaluation.md, \"Session 18: writes (writes18)\")." },
	{ "transfer_batch_kb", CFG_U64, P(transfer_batch_kb), .umin = 0, .umax = MIB_MAX * 1024, .def = "0",
	  .doc = "Under need = estimate, in scarce mode while every starving domain the solver gives more has free swap for its lack plus this much: a decrease smaller than this is not written (a donor whose need falls a few MiB a sample), and other domains' held-back decreases are released for the starving ones that can wait (ramps too) once they lack this much in all, KiB: the memory moves in one pair of writes per batch, not a cut and a grant every cycle; a starving domain whose swap cannot hold its lack is funded at once (0: off; docs/evaluation.md, \"Session 20: writes (writes20)\")." },
	{ "fund_below_reserve", CFG_BOOL, P(fund_below_reserve), .def = "no",
	  .doc = "Under need = estimate, in abundant mode while free memory is below the reserve and the working-set needs above what their domains hold add up to `min_change_mb` (guests that page now, not ones short of their gap only): a domain more than its band above its goal goes to the end of its walk (its aim, or its goal when the aims do not give the reserve back) in one write, as above the reserve, not in `hysteresis_down` steps (design.md §A step ahead and the boot grace, \"Below the reserve\"); no: the hysteresis walk (off: measured, it turns one `idle` cell of issue 14's table yes -> no, docs/evaluation.md, \"Session 19: the first cycles (start19)\")." },
	{ "fund_to_goal", CFG_BOOL, P(fund_to_goal), .def = "no",
	  .doc = "Under need = estimate, in abundant mode at or above the reserve while the growing domains' aims take more than is free and the working-set needs (with their rise ahead) above what their domains hold add up to `min_change_mb` (guests that page now, and a swapless climber whose margin is eaten: less than `min_change_mb` above its need): the domains within their band above their goals give that lack, less what is free above the reserve, back, in proportion to what each holds above its goal, in one write each; only a domain `min_change_mb` or more above its goal, not in its adoption grace, whose free swap holds its gap and that excess (design.md §A step ahead and the boot grace, \"A guest that pages\"); no: a domain within its band is kept (off: measured, one `idle` cell of issue 14's table turns yes -> no, docs/evaluation.md, \"Session 20: fund_to_goal's forms (fundf20)\")." },
	{ "psi_no_shrink", CFG_U64, P(psi_no_shrink), .umin = 0, .umax = 10000, .def = "1000",
	  .doc = "A domain above this PSI `some avg10` (hundredths of a percent) is not shrunk." },
	{ "swapin_no_shrink", CFG_U64, P(swapin_no_shrink), .umin = 0, .umax = UINT32_MAX, .def = "256",
	  .doc = "A domain swapping in faster than this (pages/s) is not shrunk." },
	{ "oom_bump_mb", CFG_MIB, P(oom_bump_kb), .umin = 0, .umax = MIB_MAX, .def = "64",
	  .doc = "After an OOM kill, min = max(min, current + this) ..." },
	{ "oom_hold_s", CFG_U32, P(oom_hold_s), .umin = 0, .umax = 366u * 86400, .def = "600",
	  .doc = "... for this many seconds." },
	{ "oom_loop_s", CFG_U32, P(oom_loop_s), .umin = 0, .umax = 86400, .def = "60",
	  .doc = "A swapless domain OOM-killed again within this many seconds of its last kill is in a crash loop (its restarted job killed before its agent shows the need): under need = estimate, in scarce mode its raised minimum is need its swap cannot hold, served whole with the other guests' needs that swap cannot hold, or else after every need as `oom_min_yield` serves it (design.md §Growth is never cut, \"A crash loop\"; 0: off)." },
	/* The need-aware policy (design.md §Scarce mode from the estimated need). */
	{ "need", CFG_ENUM, P(need), .names = policy_need_names, .def = "estimate",
	  .doc = "What sizes a domain whose agent reports working-set figures: Committed_AS (MC_i), or the estimate W_i plus the gap g_i." },
	{ "adopt_grace_s", CFG_U32, P(adopt_grace_s), .umin = 0, .umax = 86400, .def = "60",
	  .doc = "Under need = estimate, a newly adopted domain is not shrunk below max(W, Committed_AS + O) + gap until it has reported this long (in scarce mode the part above its working set yields to what another guest lacks of its need); one that started while the arbiter ran keeps what it holds as long, while the host is abundant and can spare it." },
	{ "oom_room_s", CFG_U32, P(oom_room_s), .umin = 0, .umax = 86400, .def = "60",
	  .doc = "Under need = estimate, for this long after a domain's working-set estimate or Committed_AS rose by `min_change_mb`, the part of its gap that its free swap cannot hold is need (its OOM margin), and so is what its programs committed and have not touched yet: scarce mode's first tier and the no-shrink floor keep it while the guest still climbs (its last rise within twice the time between its last two); after that the margin comes after every domain's need, before anyone's gap (0: never)." },
	{ "need_slack_pct", CFG_U32, P(need_slack_pct), .umin = 0, .umax = 50, .def = "5",
	  .doc = "Under need = estimate, this percent of a domain's working-set estimate W_i above it is its slack for the estimate's error: scarce mode serves it after every domain's need and OOM margin, with the adoption grace, before anyone's gap, and a reservation never takes it (0: none; design.md §The estimate's slack)." },
	{ "comeback_window_s", CFG_U32, P(comeback_window_s), .umin = 0, .umax = 3600, .def = "15",
	  .doc = "Under need = estimate, a domain's working-set estimate that fell by a quarter or more and came back within this window marks a load that comes back: for `comeback_hold_s` after that return, the window's highest estimate is its need (design.md §Scarce mode from the estimated need, \"A load that comes back\"; 0: off)." },
	{ "comeback_hold_s", CFG_U32, P(comeback_hold_s), .umin = 0, .umax = 86400, .def = "60",
	  .doc = "How long after a load last came back (`comeback_window_s`) its window's peak stays its need; a load that stayed down this long is sized by its estimate again (0: off)." },
	{ "comeback_recur_s", CFG_U32, P(comeback_recur_s), .umin = 0, .umax = 3600, .def = "120",
	  .doc = "Under need = estimate, a domain's working-set estimate that fell by a quarter or more and jumped back (within three cycle intervals) after at most this long, twice in a row, marks a load that recurs: for a swapless domain, when that jump is more than its gap, after each later fall the level it fell from stays its need for as long as its longer time down of the last two, a quarter more and `comeback_window_s`; a load that stays low longer is sized by its estimate again (design.md §Scarce mode from the estimated need, \"A load that recurs\"; 0: off)." },
	{ "recur_margin", CFG_BOOL, P(recur_margin), .def = "yes",
	  .doc = "Under need = estimate, while a swapless domain's load recurs to a level more than its gap above its estimate (`comeback_recur_s`), its need now in scarce mode is that level and the margin its need has above the estimate (the OOM room of a killed or growing guest, the rise ahead), as its top sample asks; no: the bare level (design.md §Scarce mode from the estimated need, \"A level held\")." },
	{ "recur_hold", CFG_BOOL, P(recur_hold), .def = "yes",
	  .doc = "Under need = estimate, while a swapless domain's load recurs to a level more than its gap above its estimate (`comeback_recur_s`), that level and the margin its need has above the estimate are its need now and its no-shrink floor: what it holds of the level is not cut between the returns (design.md §Scarce mode from the estimated need, \"A level held\"). For a load that recurs faster than the loop follows (`recur_hold_rate_pct`): held for every recurring swapless guest it turned balloon-stuck's `lag` cell (docs/evaluation.md, \"Session 20: a level held (saw20)\")." },
	{ "recur_hold_rate_pct", CFG_U32, P(recur_hold_rate_pct), .umin = 0, .umax = 100, .def = "50",
	  .doc = "With `recur_hold`, the level is a floor only for a domain whose estimate jumped beyond its gap in at least this percent of its past `spike_window_s` windows (watched for a minute at least): a load that recurs faster than the loop follows, not a random walk whose levels repeat by chance (0: every such domain; design.md §Scarce mode from the estimated need, \"A level held\")." },
	{ "spike_window_s", CFG_U32, P(spike_window_s), .umin = 0, .umax = 3600, .def = "10",
	  .doc = "Under need = estimate, a jump of a domain's working-set estimate (a rise beyond its gap within a few reports) counts as part of a correlated spike for this long: while the domains that jumped within it, each counted by how unusual a jump is for it (1 less the share of its last ten minutes of windows in which it jumped), count two at least and half of the domains with an estimate so counted, a guest with swap that has not jumped yet keeps in scarce mode the room its free swap cannot hold of the largest of their jumps, and pages for another guest's need only into the swap that jump leaves (design.md §Scarce mode from the estimated need, \"A spike the peers show\"; 0: off)." },
	{ "oom_min_yield", CFG_BOOL, P(oom_min_yield), .def = "yes",
	  .doc = "Under need = estimate, in scarce mode the part of a swapless domain's OOM-raised minimum above its need now comes after every domain's need (design.md §Growth is never cut); no: a floor of every tier, as before (`headroom = learned` keeps two more cells of docs/evaluation.md's learned-gap table, unpark-trickle and swapless-hog more shortfall)." },
	{ "kill_margin", CFG_BOOL, P(kill_margin), .def = "no",
	  .doc = "Under need = estimate, in scarce mode a domain whose free swap cannot hold the rises its working-set estimate has shown (the second largest of its last ten minutes' windows, at most its gap; none when the rest is below `min_change_mb`) has the rest of that rise as need its swap cannot hold, served only as far as tier 1 still fits: out of what guests with swap room hold above what their swap cannot hold of their need (design.md §Scarce mode from the estimated need, \"A kill against paging\"). Off by default: measured on the whole table it gains OOM kills on six rows and loses four cells (docs/evaluation.md, \"Session 17: a kill against paging (oom17)\" and \"Session 18: kills of swapless guests (oom18)\")." },
	{ "kill_margin_keep", CFG_BOOL, P(kill_margin_keep), .def = "no",
	  .doc = "With `kill_margin`, what of its kill margin a domain already holds above its need now is a floor of tier 1: not cut to fund the others' need when tier 1 does not fit (design.md §Scarce mode from the estimated need, \"A kill against paging\"). Off by default: measured in docs/evaluation.md, \"Session 18: kills of swapless guests (oom18)\"." },
	{ "kill_margin_killed", CFG_BOOL, P(kill_margin_killed), .def = "no",
	  .doc = "With `kill_margin`, a margin only where it can prevent a kill: for a domain OOM-killed within `oom_hold_s` (its raised minimum) whose killing load is still there and whose shown rises fit within its gap (a guest killed by larger jumps is killed by the next one whatever margin it holds) (design.md §Scarce mode from the estimated need, \"A kill against paging\"). Measured in docs/evaluation.md, \"Session 18: kills of swapless guests (oom18)\"." },
	{ "need_in_swap", CFG_BOOL, P(need_in_swap), .def = "no",
	  .doc = "Under need = estimate, in scarce mode the need a domain's swap cannot hold (tier 1) is its need less its free swap beyond its gap and less what of its need its swap holds already (its swapped pages the estimate counts, at most its need above what it holds): a guest paging its need is not OOM-killed at what it holds (design.md §Scarce mode from the estimated need, \"What of its need a guest's swap holds already\"); no: less its free swap only. Off by default: measured in docs/evaluation.md, \"Session 19: swapless kills (oom19)\"." },
	{ "oom_min_keep_mb", CFG_MIB, P(oom_min_keep_kb), .umin = 0, .umax = MIB_MAX, .def = "0",
	  .doc = "Under need = estimate, a domain without swap OOM-killed within `oom_hold_s` keeps, as a floor of every tier, what it held at its latest kill and this much more, at most its need now and this much and at most its raised minimum (0: off, the raise above its own floors comes after every domain's need, `oom_min_yield`): a guest held at exactly its need after a kill is killed again by its next rise of a MiB (design.md §Growth is never cut, \"A kill's margin kept\"). Off by default: measured in docs/evaluation.md, \"Session 19: swapless kills (oom19)\" and \"Session 19: the kill's margin kept (keep19)\" (no form gains no kill on every row)." },
	{ "oom_min_keep_gone_mb", CFG_MIB, P(oom_min_keep_gone_kb), .umin = 0, .umax = MIB_MAX, .def = "16",
	  .doc = "With `oom_min_keep_mb`, no floor is kept while the domain's need now is more than this below what it held at its latest kill: the load the kill came from has fallen (0: no such guard) (design.md §Growth is never cut, \"A kill's margin kept\")." },
	{ "oom_min_fit", CFG_BOOL, P(oom_min_fit), .def = "no",
	  .doc = "When the domains' floors with their OOM-raised minimums exceed the memory (stage 4, everyone held at its floor), only the raises the others need are dropped from the floors, each whole, smallest first: the raises of loads still at the killed level before what the unraised domains lack of their need swap cannot hold, the raises of fallen loads after; then the domains are solved as usual, a dropped raise competing by price (design.md §Growth is never cut, \"Raises that do not fit\"); no: everyone held at its raised floor, the targets summing above the memory. Off by default: measured in docs/evaluation.md, \"Session 20: held-out shapes (break20)\" and \"Session 20: raises that do not fit, only as far as needed (fit20)\"." },
	{ "oom_min_keep_held", CFG_BOOL, P(oom_min_keep_held), .def = "no",
	  .doc = "With `oom_min_keep_mb`, the floor is at most the domain's target: what it holds is kept, no more is given for it: a guest left over after its kill and raised to the floor was killed again by its next climb (design.md §Growth is never cut, \"A kill's margin kept\"; measured in docs/evaluation.md, \"Session 19: the kill's margin kept (keep19)\")." },
	{ "peak_hold", CFG_BOOL, P(peak_hold), .def = "no",
	  .doc = "Under need = estimate, a domain whose working-set estimate has reached a level within the last ten minutes (the second highest of its `spike_window_s` windows' highest samples) keeps that level less its free swap, plus its gap, in its goal and in scarce mode's tier of margins (after every domain's need now, before the slack and the gaps; not kept from a reservation): a guest cut to its need between the jumps of its load is OOM-killed by the next jump its swap cannot hold. Only for a domain with swap whose estimate jumped beyond its gap in two `spike_window_s` windows lately, and all or none: a host short of every goal with the levels and of room for the largest rise a domain has shown decides as without them (design.md §Scarce mode from the estimated need, \"The level a load reached\"). Off by default: measured in docs/evaluation.md, \"Session 20: kills of jumpy guests that membal shrinks (ga20)\"." },
	{ "gap_swapless_first", CFG_BOOL, P(gap_swapless_first), .def = "no",
	  .doc = "Under need = estimate, when scarce mode reaches the gaps (every domain's need, margins and slack met, not every gap), the part of each domain's gap that its free swap cannot hold is served first and the rest after: a swapless guest's rise within its gap is otherwise an OOM kill where a guest with swap pages (design.md §Scarce mode from the estimated need, \"The gaps\"). Measured in docs/evaluation.md, \"Session 19: held-out shapes (break19)\"." },
	{ "rise_ahead", CFG_BOOL, P(rise_ahead), .def = "yes",
	  .doc = "Under need = estimate, while a domain's working-set estimate climbs (its last rise by `min_change_mb` no older than twice the time since the one before), its rise over the next `interval_ms` at that pace, at most its gap, is need now: a guest fed its need in a scarce host is otherwise one sample behind its ramp (design.md §Scarce mode from the estimated need); no: W_i as measured." },
	{ "psi_now", CFG_BOOL, P(psi_now), .def = "yes",
	  .doc = "Under need = estimate, for a domain that holds more than its goal (W + gap), the PSI figure `psi_no_shrink` is compared with is the lower of the report's `some avg10` and the share of time the guest stalled between its last two reports (`psi_some_total`): avg10 trails a stall that has ended by up to ten seconds (design.md §Guest keys); no: avg10 alone." },
	{ "min_mb", CFG_MIB, P(min_kb), .umin = 0, .umax = MIB_MAX, .def = "128",
	  .doc = "Default minimum of a domain; not above `max_mb`." },
	{ "min_created", CFG_BOOL, P(min_created), .def = "no",
	  .doc = "The default minimum `min_mb` is at most the size a domain had when membal first saw it (memory/target at adoption, kept in memory/membal_state across a restart): a guest created smaller, with swap, is not lifted to `min_mb`, and still grows by demand; a swapless guest (or one that has not reported its swap yet) keeps `min_mb`, a margin its load may need (killed, not paged, past its size). A `[domain]` `min_mb` is kept as written (design.md §Which domains are managed)." },
	{ "max_mb", CFG_MIB, P(max_kb), .umin = 0, .umax = MIB_MAX, .def = "0",
	  .doc = "Default maximum (0: the domain's static-max; never above it)." },
	{ "shares", CFG_DOUBLE, P(shares), .min = POLICY_SHARES_MIN, .max = POLICY_SHARES_MAX, .def = "1",
	  .doc = "Default weight S_i." },
	/* The learned gap (policy/gap.h, design.md §The learned gap). */
	{ "headroom", CFG_ENUM, P(headroom), .names = policy_headroom_names, .def = "fixed",
	  .doc = "The gap g_i above the demand: `headroom_mb`, or learned per domain from its page-ins, I/O and OOM kills." },
	{ "gap_min_mb", CFG_MIB, P(gap_min_kb), .umin = 0, .umax = 4096, .def = "32",
	  .doc = "Floor of the learned gap (plus `oom_bump_mb` during `oom_hold_s` after a kill, at most `gap_max_mb`)." },
	{ "gap_max_mb", CFG_MIB, P(gap_max_kb), .umin = 0, .umax = MIB_MAX, .def = "64",
	  .doc = "Ceiling of the learned gap (also at most half the demand, never below `gap_min_mb`), the OOM floor included. The default is `gap_start_mb`'s: the learner only cuts below the fixed headroom (a growth above it takes memory the other guests lack, which the guest's own prices do not see), and a kill brings the gap back to it for `oom_hold_s`." },
	{ "gap_start_mb", CFG_MIB, P(gap_start_kb), .umin = 0, .umax = MIB_MAX, .def = "64",
	  .doc = "The learned gap before a domain's first learning step." },
	{ "gap_fine_pagein", CFG_U32, P(gap_fine_pagein), .umin = 0, .umax = 100000, .def = "50",
	  .doc = "Fine of the last action when swap-ins plus anon refaults exceed `gap_pagein_rate`." },
	{ "gap_fine_io", CFG_U32, P(gap_fine_io), .umin = 0, .umax = 100000, .def = "15",
	  .doc = "Fine of the last action when file refaults exceed `gap_io_rate`." },
	{ "gap_fine_oom", CFG_U32, P(gap_fine_oom), .umin = 0, .umax = 100000, .def = "500",
	  .doc = "Fine of the last action on an OOM kill." },
	{ "gap_prize", CFG_U32, P(gap_prize), .umin = 0, .umax = 100000, .def = "5",
	  .doc = "Reward of the last action after a quiet step." },
	{ "gap_pagein_rate", CFG_U32, P(gap_pagein_rate), .umin = 0, .umax = 1000000, .def = "0",
	  .doc = "Page-in rate (pages/s) above which a step is fined." },
	{ "gap_io_rate", CFG_U32, P(gap_io_rate), .umin = 0, .umax = 1000000, .def = "64",
	  .doc = "File-refault rate (pages/s) above which a step is fined." },
	{ "gap_tolerance", CFG_U32, P(gap_tolerance), .umin = 0, .umax = 1000000, .def = "20",
	  .doc = "How much higher another action's price must be to replace the default (follow the demand)." },
	{ "gap_greedy", CFG_U32, P(gap_greedy), .umin = 0, .umax = 1000000, .def = "15",
	  .doc = "Every Nth learning step explores (0: never)." },
	{ "gap_explore_max_mb", CFG_MIB, P(gap_explore_max_kb), .umin = 0, .umax = 128, .def = "32",
	  .doc = "Largest gap change an exploration tries." },
	{ "gap_explore_s", CFG_U32, P(gap_explore_s), .umin = 0, .umax = 86400, .def = "60",
	  .doc = "At most one exploration per domain this often (seconds)." },
	{ "gap_window_s", CFG_U32, P(gap_window_s), .umin = 0, .umax = 86400, .def = "300",
	  .doc = "The gap is not cut below the largest one-report rise of the demand in this window (at most `gap_start_mb`; 0: off)." },
	{ "gap_cut_s", CFG_U32, P(gap_cut_s), .umin = 0, .umax = 86400, .def = "120",
	  .doc = "A cut of the gap in effect: only after a quiet step, by at least `min_change_mb`, at most this often unless the demand moved by `min_change_mb` too (0: every step, no threshold)." },
	{ "gap_lone_cut_s", CFG_U32, P(gap_lone_cut_s), .umin = 0, .umax = 86400, .def = "120",
	  .doc = "A cut of the gap in effect that joins no target write made anyway (a write of its own): at most this often, by `min_change_mb` (0: never)." },
	{ "gap_lone_backoff", CFG_BOOL, P(gap_lone_backoff), .def = "no",
	  .doc = "A lone cut (a target write of its own) that the gap in effect grows back over before it has stood `gap_window_s` was a wasted write: the next lone cut of that domain waits twice as long as the last (up to 16 times `gap_lone_cut_s`); one that stands halves the wait again. no: always `gap_lone_cut_s`." },
	{ "gap_oom_floor_kills", CFG_U32, P(gap_oom_floor_kills), .umin = 0, .umax = 1000, .def = "1",
	  .doc = "The learned gap's floor is `gap_min_mb` + `oom_bump_mb` during `oom_hold_s` once the domain has been OOM-killed this many times, each within `oom_hold_s` of the one before (1: at the first kill; 0: never). Before that kill, within the hold the floor is `gap_start_mb`, where a kill brings the gap back (at most `gap_min_mb` + `oom_bump_mb`). The floor never exceeds `gap_max_mb`: with the default `gap_max_mb` = `gap_start_mb` the key changes nothing." },
	{ "gap_ride", CFG_BOOL, P(gap_ride), .def = "yes",
	  .doc = "A change of the gap in effect joins any change of the demand (whose goal is written anyway), a cut by at most `min_change_mb` less the demand's fall; no: only a move of the demand by `min_change_mb`." },
	{ "gap_explore_up", CFG_BOOL, P(gap_explore_up), .def = "no",
	  .doc = "Exploration also tries growths (as seed 003); no: cuts only (a growth is rewarded only when it ended pain, which an exploration after a quiet step never does)." },
	{ "gap_band", CFG_BOOL, P(gap_band), .def = "yes",
	  .doc = "No target write while the gap the last target leaves stays between the learned gap and `gap_start_mb`; out of it the goal is the demand plus the learned gap (plus the last rise on a ramp)." },
	{ "gap_band_scarce", CFG_BOOL, P(gap_band_scarce), .def = "yes",
	  .doc = "With `gap_band`, in scarce mode where the last cycle served every need (the tier of the gaps) and capped the domain at its goal: a move of that goal by less than `min_change_mb` is not written (the goal keeps the last target while the band allows it). no: the cap is written at each move of the demand." },
	{ "gap_band_tail", CFG_BOOL, P(gap_band_tail), .def = "yes",
	  .doc = "With `gap_band`, in abundant mode: a target that leaves at most `gap_start_mb` + 2 `min_change_mb` above the demand (where `fixed` keeps its target) is not walked down for a learned gap below `gap_start_mb`. no: the walk goes on to the learned goal (one more write per fall)." },
	{ "gap_ramp_hold", CFG_BOOL, P(gap_ramp_hold), .def = "yes",
	  .doc = "No cut of the learned gap (explored or priced) while the demand rose at the last two fresh reports (a ramp): a turn to explore tries no change, a priced cut waits. no: cuts on a ramp too." },
	{ "gap_ramp_lead_s", CFG_U32, P(gap_ramp_lead_s), .umin = 0, .umax = 3600, .def = "60",
	  .doc = "With `gap_ramp_hold`, a cut on a ramp is allowed down to what the demand's last rise, at its rate, fills in this many seconds (at least that rise): never below twice the largest one-report rise of the demand seen, and only once the domain has reported for 2 `gap_window_s`: a slow ramp (a leak) may be cut, a steep one is held. 0: no cut on a ramp." },
	{ "gap_seen_rises", CFG_U32, P(gap_seen_rises), .umin = 0, .umax = 64, .def = "0",
	  .doc = "The gap a domain gets is at most this many times the largest one-report rise of its demand seen since its first report (4 MiB aligned up, at least `gap_min_mb`, and at least `gap_start_mb` less its free swap), in every regime, scarce mode included: what the learner has seen of the guest, not a price. Only once the domain has reported for 2 `gap_window_s` and shown a rise, not within `gap_window_s` of a page-in it paid while holding at least its demand, not within `oom_hold_s` of a kill; in scarce mode a binding cap keeps the last target while it leaves between the cap and `gap_start_mb` above the demand (design.md §The learned gap, `gap_seen_rises`). 0: off (measured in docs/evaluation.md, \"Session 21: why learned = fixed (gap21)\")." },
	{ "gap_follow", CFG_BOOL, P(gap_follow), .def = "no",
	  .doc = "The default action follows the demand's change, as in seed 003 (the goal then moves twice as far: more target writes); no: the default keeps the gap." },
	{ "gap_half_start", CFG_BOOL, P(gap_half_start), .def = "no",
	  .doc = "The learned gap's ceiling is max(`gap_min_mb`, min(`gap_max_mb`, demand/2)), issue 14's bound, below `gap_start_mb` too: a domain whose demand is under 2 `gap_start_mb` starts below the fixed headroom, before any evidence (measured in docs/evaluation.md, Session 18: swap-in and OOM kills). no: the ceiling is at least `gap_start_mb`." },
	{ "gap_seed", CFG_U32, P(gap_seed), .umin = 0, .umax = UINT32_MAX, .def = "1",
	  .doc = "Seed of the exploration PRNG (xor the domid): runs are repeatable." },
};

/* A key past the line record would abort the parse (cfg_table.c): the
 * build stops first. */
_Static_assert(CFG_NKEYS(policy_keys) <= CFG_MAX_KEYS, "one cfg_lines per section");

const struct cfg_section policy_section = {
	"policy", false, policy_keys, CFG_NKEYS(policy_keys),
	"The balancing policy (design.md §Policy core)."
};

void policy_params_default(struct policy_params *p)
{
	_Static_assert(sizeof(enum policy_solver) == sizeof(int),
		       "enum fields are written as int");
	memset(p, 0, sizeof(*p));
	/* Not keys of the file: the presets and membalctl plan set them. */
	p->mode = POLICY_FORCE_AUTO;
	p->global_hysteresis = false;
	cfg_table_defaults(&policy_section, p);
}
