# SPDX-License-Identifier: GPL-2.0-only
# bench/wake: what one timer wake-up costs a process, by the way it waits
# (clock_nanosleep, nanosleep, timerfd, poll, epoll, setitimer; timer
# slack; SCHED_BATCH/IDLE), side by side (docs/performance.md, "At the
# floor (issue 21)").
BENCHES += bench_wake
bench_wake_SRCS := bench/wake.c
