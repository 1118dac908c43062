# SPDX-License-Identifier: GPL-2.0-only
# Helpers shared by the trace generators (scripts/gen-break19-traces.sh
# and later): a seeded LCG, so each generator prints the same files on
# every machine, and the shapes most traces are made of. The caller sets
# `gen` (its own path, named in each file's first line) and `seed`.
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
function ri(a, b) { return a + int(rnd() * (b - a + 1)) }
function hdr(f, what) { print "# " what " (" gen ")" > f; print "time_s,vm,demand_mb" > f }
# A noisy level: a new value within +-noise of base every hold s, [t0, t1).
function noisy(f, vm, base, noise, hold, t0, t1,   t) {
	for (t = t0; t < t1; t += hold)
		printf "%d,%s,%d\n", t, vm, base + ri(-noise, noise) > f
}
# A ramp from lo at t0 to hi at t1, a row every step s, [t0, t1).
function ramp(f, vm, lo, hi, t0, t1, step,   t) {
	for (t = t0; t < t1; t += step)
		printf "%d,%s,%d\n", t, vm, lo + int((hi - lo) * (t - t0) / (t1 - t0)) > f
}
# A triangle lo -> hi -> lo of period p, a row every step s, [t0, t1).
function tri(f, vm, lo, hi, p, t0, t1, step,   t, ph) {
	for (t = t0; t < t1; t += step) {
		ph = (t % p) / p
		ph = (ph < 0.5) ? 2 * ph : 2 - 2 * ph
		printf "%d,%s,%d\n", t, vm, lo + int((hi - lo) * ph) > f
	}
}
# Random draws in [lo, hi], a new one every hold s, [t0, t1).
function draws(f, vm, lo, hi, hold, t0, t1,   t) {
	for (t = t0; t < t1; t += hold)
		printf "%d,%s,%d\n", t, vm, ri(lo, hi) > f
}
# Random draws in [lo, hi], each held a random hmin-hmax s, [t0, t1).
function walk(f, vm, lo, hi, hmin, hmax, t0, t1,   t) {
	for (t = t0; t < t1; t += ri(hmin, hmax))
		printf "%d,%s,%d\n", t, vm, ri(lo, hi) > f
}
