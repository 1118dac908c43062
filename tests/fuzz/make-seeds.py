#!/usr/bin/env python3
"""Write the seed corpora of tests/fuzz/corpus/<target>/seed-*.

The structured targets read their input through struct fz (fuzz.h): a
byte stream of little-endian integers and length-prefixed byte strings.
This script encodes readable seeds into that form, from the test fixtures
and the shipped configuration, so that fuzzing starts from inputs that
reach deep into the code instead of from nothing. Run it from the top of
the tree after changing a target's input layout; crash-* files (fixed
crashes kept as regressions) are never touched.
"""
import glob
import os
import struct

OUT = "tests/fuzz/corpus"


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    for old in glob.glob(os.path.join(d, "seed-" + name)):
        os.remove(old)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def u8(v):
    return struct.pack("<B", v)


def u16(v):
    return struct.pack("<H", v)


def u64(v):
    return struct.pack("<Q", v)


def blob(data, maxlen):
    """fz_bytes(): the length as fz_range(0, maxlen) reads it, then data."""
    assert len(data) <= maxlen
    if maxlen < 0x100:
        return u8(len(data)) + data
    if maxlen < 0x10000:
        return u16(len(data)) + data
    raise ValueError(maxlen)


# ---- meminfo, filter ----------------------------------------------------
for path in sorted(glob.glob("tests/fixtures/meminfo/*.txt")):
    put("fuzz_meminfo", os.path.basename(path), read(path))

# window, fmd_kb (fz_bool + u16), max_reject, then readings
put("fuzz_filter", "steady", u8(10) + u8(0) + u16(5120) + u8(3) +
    b"".join(u8(1) + u64(500000 + i * 7) for i in range(12)))
put("fuzz_filter", "burst", u8(10) + u8(0) + u16(5120) + u8(3) +
    b"".join(u8(1) + u64(v) for v in [400000] * 5 + [900000] * 5 + [400000]))
put("fuzz_filter", "reset", u8(1) + u8(1) + u64(0) + u8(0) +
    u8(1) + u64(2**64 - 1) + u8(0xff) + u8(1) + u64(2**63) + u8(0) + u16(3))

# ---- sample -------------------------------------------------------------
meminfo = read("tests/fixtures/meminfo/linux-6.18-x86_64.txt")
vmstat = read("tests/fixtures/vmstat/linux-6.18.txt")
vmstat = vmstat[:vmstat.rfind(b"\n", 0, 4096) + 1]
psi = read("tests/fixtures/psi/memory.txt")
maxes = [8192, 4096, 512, 64, 64]


def sample(present, texts):
    return u8(present) + b"".join(blob(t, m) for t, m in zip(texts, maxes))


put("fuzz_sample", "all", sample(0x1f, [meminfo, vmstat, psi, b"524288\n", b"524288\n"]))
put("fuzz_sample", "no-balloon", sample(0x07, [meminfo, vmstat, psi, b"", b""]))
put("fuzz_sample", "old-kernel", sample(0x01, [read("tests/fixtures/meminfo/linux-2.6.32-i686-pv.txt"), b"", b"", b"", b""]))
put("fuzz_sample", "pre-5.9", sample(0x07, [meminfo, read("tests/fixtures/vmstat/linux-5.4-refault.txt"),
    read("tests/fixtures/psi/bad-full.txt"), b"", b""]))
put("fuzz_sample", "garbage-refault", sample(0x07, [meminfo, read("tests/fixtures/vmstat/garbage-refault.txt"),
    psi, b"", b""]))
put("fuzz_sample", "garbage", sample(0x1f, [b"MemTotal: lots\n", b"oom_kill x\n", b"some avg10=101.00\n", b"-1\n", b"0x10\n"]))

# ---- guest keys -----------------------------------------------------------
KEYS = ["tot", "free", "avail", "committed_as", "swap_tot", "swap_free",
        "balloon_current", "balloon_target", "oom_kills", "psi_some",
        "swapin_rate", "active_anon", "inactive_anon", "active_file",
        "inactive_file", "anon_pages", "shmem", "pswpin", "refault_anon",
        "refault_file", "pgmajfault", "psi_some_total", "psi_full_total",
        "stamp", "membal_version"]


def guest(bound, values):
    out = u8(1) + u64(bound)
    for k in KEYS:
        v = values.get(k)
        if v is None:
            out += u8(0)            # absent
        elif len(v) <= 24:
            out += u8(1) + blob(v, 24)
        else:
            out += u8(4) + blob(v, 2048)
    return out


honest = {"tot": b"460000", "free": b"300000", "avail": b"350000",
          "committed_as": b"200000", "swap_tot": b"1048576",
          "swap_free": b"1048576", "balloon_current": b"524288",
          "balloon_target": b"524288", "oom_kills": b"0", "psi_some": b"12",
          "swapin_rate": b"0", "active_anon": b"90000",
          "inactive_anon": b"20000", "active_file": b"40000",
          "inactive_file": b"30000", "anon_pages": b"100000",
          "shmem": b"25000", "pswpin": b"12", "refault_anon": b"3",
          "refault_file": b"4500", "pgmajfault": b"900",
          "psi_some_total": b"123456", "psi_full_total": b"4567",
          "stamp": b"1001", "membal_version": b"2"}
put("fuzz_guest", "honest", guest(1048576, honest))
put("fuzz_guest", "minimal", guest(1048576, {k: honest[k] for k in
    ["tot", "free", "committed_as", "swap_tot", "swap_free", "stamp"]}))
put("fuzz_guest", "hostile", guest(1048576, dict(honest, free=b"0",
    swap_free=b"0", committed_as=b"1099511627776", balloon_current=b"1048576",
    avail=b"", psi_some=b"10001")))
put("fuzz_guest", "layout1", guest(1048576, {k: honest[k] for k in KEYS[:11] +
    ["stamp", "membal_version"]}))
put("fuzz_guest", "over-tot", guest(1048576, dict(honest, shmem=b"460001",
    anon_pages=b"1048577", refault_file=b"18446744073709551615")))
put("fuzz_guest", "big", guest(1048576, dict(honest, committed_as=b"7" * 2015)))

# ---- memory/report: a static-max byte, then the value -----------------------
def value(figs, layout=3, stamp=b"1001"):
    """The agent's value of figs (key -> bytes, None: '-'), in the key
    table's order (KEYS, the figures; src/common/keys.c)."""
    fields = [str(layout).encode()] + [figs.get(k) or b"-" for k in KEYS[:23]] + [stamp]
    return b" ".join(fields)


put("fuzz_report_value", "honest", u8(0) + value(honest))
put("fuzz_report_value", "absent", u8(0) + value({k: honest[k] for k in
    ["tot", "free", "committed_as", "swap_tot", "swap_free"]}))
put("fuzz_report_value", "later", u8(0) + value(honest, layout=4) + b" 77 - 99")
put("fuzz_report_value", "double-space", u8(0) + value(honest).replace(b" ", b"  ", 1))
put("fuzz_report_value", "layout2", u8(0) + value(honest, layout=2))
put("fuzz_report_value", "huge", u8(1) + value(dict(honest, tot=b"18446744073709551615",
    shmem=b"99999999999999999999")))

# ---- INI: selector byte, then the file ------------------------------------
put("fuzz_ini", "arbiter", u8(0) + read("conf/arbiter.ini"))
put("fuzz_ini", "arbiter-plan", u8(0) + read("tests/fixtures/plan/policy.ini"))
put("fuzz_ini", "arbiter-rules", u8(0) +
    b"[policy]\npreset = paper\ntau = 0.5\nmin_mb = 64\n[daemon]\n"
    b"exclude = *-dm test-* ,x?\n[domain web]\nmin_mb = 256\nmax_mb = 1024\n"
    b"shares = 2.5\nmanaged = yes\n[domain db]\nmanaged = no\n")
put("fuzz_ini", "agent", u8(1) + read("conf/agent.ini"))
for path in sorted(glob.glob("conf/scenarios/*.ini")):
    put("fuzz_ini", "scenario-" + os.path.basename(path), u8(2) + read(path))

# ---- plan CSV ---------------------------------------------------------------
for path in sorted(glob.glob("tests/fixtures/plan/*.csv")):
    put("fuzz_plan", os.path.basename(path), read(path))

# ---- status JSON --------------------------------------------------------------
for path in sorted(glob.glob("tests/fixtures/status/*.json")):
    put("fuzz_json", "status", read(path))
put("fuzz_json", "nested", b'[[[{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"]}]]]')

# ---- trace CSV (first byte even) and workload texts (odd) -------------------
put("fuzz_trace", "dacapo.csv", u8(0) + read("conf/scenarios/dacapo.csv"))
put("fuzz_trace", "two-vms", u8(0) + b"# two VMs\ntime_s,vm,demand_mb\n0,web,120\n"
    b"2.5,web,180\n0,db,300\n10.125,db,0\n\n3,web,16777216\n")
for i, w in enumerate([b"idle", b"const:300", b"mono:40,170,60", b"step:40,800,10",
                       b"random:40,300,5", b"compute:100,30", b"trace:web"]):
    put("fuzz_trace", "workload-%d" % i, u8(1) + w)
