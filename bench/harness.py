#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The benchmark driver behind bench/run.sh (which builds the programs and calls this).

Times every workload natively and under each tracer variant, interleaved: in each repetition every
variant of a workload runs once, in an order rotated by one per repetition, so drift in the machine
(another VM waking up, page cache, thermal) lands on all variants alike instead of on whichever ran
last. Reports medians and the median of the per-repetition ratios to native, the tracer process's
own peak RSS (bench/timer.c explains how), and how profgen's RSS grows with processes and with
distinct syscalls. Every figure printed is measured in this run; nothing is carried over.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


@dataclasses.dataclass
class Workload:
    name: str
    what: str
    full: list[str]
    quick: list[str]


@dataclasses.dataclass
class Variant:
    name: str
    what: str
    prefix: list[str]          # argv before the workload's; {out} and {base} are substituted
    writes_profile: bool = False
    available: bool = True
    why_not: str = ""
    default: bool = True       # run unless --variants names others
    skip: tuple[str, ...] = ()  # workloads it does not run (the report says why: skip_why)
    skip_why: str = ""

    def runs_on(self, workload: str) -> bool:
        return self.available and workload not in self.skip


@dataclasses.dataclass
class Run:
    workload: str
    variant: str
    rep: int
    ok: bool
    wall: float | None = None
    status: str = ""
    user: float | None = None
    sys: float | None = None
    hwm_kb: int | None = None
    tree_kb: int | None = None
    foreign: float | None = None   # CPU seconds the rest of the machine used during the run
    steal: float | None = None     # CPU seconds the hypervisor gave to others during the run
    error: str = ""


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_times() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...; guest time is already in user
    busy = v[0] + v[1] + v[2] + v[5] + v[6]
    return busy / CLK_TCK, v[7] / CLK_TCK


def settle(limit: float, busy_max: float = 0.25) -> float:
    """Waits (up to `limit` s) for a second in which the machine is mostly idle; returns the
    time waited. Other users of a shared machine make every stop slower and noisier."""
    t0 = time.monotonic()
    ncpu = os.cpu_count() or 1
    while time.monotonic() - t0 < limit:
        b0, _ = cpu_times()
        time.sleep(1.0)
        b1, _ = cpu_times()
        if (b1 - b0) / ncpu < busy_max:
            break
    return time.monotonic() - t0


def sh(argv: list[str]) -> str:
    return " ".join(shlex.quote(a) for a in argv)


def workloads(bindir: Path, work: Path) -> list[Workload]:
    """Full sizes give 0.2-3 s natively on the 2-core reference VM; quick sizes only prove that
    every path works."""
    loop = "for i in $(seq {n}); do /bin/true; done"
    return [
        Workload("syscalls", "one process, open/fstat/read/close/stat rounds",
                 [str(bindir / "syscalls"), "50000"], [str(bindir / "syscalls"), "500"]),
        Workload("forkexec", "shell loop of short processes (fork+exec /bin/true)",
                 ["sh", "-c", loop.format(n=300)], ["sh", "-c", loop.format(n=10)]),
        Workload("threads", "4 threads, open/fstat/read/close/stat rounds each",
                 [str(bindir / "threads"), "20000", "4"], [str(bindir / "threads"), "200", "4"]),
        Workload("compile", "gcc -O2 -c of a generated C file",
                 ["gcc", "-O2", "-c", str(work / "gen-full.c"), "-o", str(work / "gen.o")],
                 ["gcc", "-O2", "-c", str(work / "gen-quick.c"), "-o", str(work / "gen.o")]),
        Workload("cpu", "CPU-bound loop, a few dozen syscalls",
                 [str(bindir / "cpu"), "400"], [str(bindir / "cpu"), "10"]),
        Workload("find", "find over a directory tree, stat of every entry",
                 ["find", "/usr/share", "-xdev", "-size", "+1k"],
                 ["find", "/usr/include", "-xdev", "-size", "+1k"]),
    ]


def profgen_supports(profgen: str, flag: str) -> bool:
    try:
        p = subprocess.run([profgen, "record", "--help"], capture_output=True, text=True,
                           timeout=30)
    except OSError:
        return False
    return flag in p.stdout + p.stderr


USER_UID = 65534  # the unprivileged variants' uid (nobody)


def variants(a: argparse.Namespace, bindir: Path) -> list[Variant]:
    """Every variant; select() picks the ones to run."""
    floor = str(bindir / "floor")
    nofollow = str(bindir / "nofollow")
    pg = a.profgen
    has_strace = shutil.which("strace") is not None
    has_baseline = profgen_supports(pg, "--baseline")
    has_pin = profgen_supports(pg, "--pin-cpu")
    has_poll = profgen_supports(pg, "--poll-us")
    has_tp = profgen_supports(pg, "tracepoint")
    # Without root: the same profgen as uid 65534, which has no capability at all.
    can_drop = os.geteuid() == 0 and shutil.which("setpriv") is not None
    user = ["setpriv", f"--reuid={USER_UID}", f"--regid={USER_UID}", "--clear-groups"]
    user_skip = dict(skip=("find",), skip_why="find over /usr/share meets directories uid "
                     f"{USER_UID} cannot read (exit status 1)")
    # With the syscall tracepoint (root), plain `profgen record` stops only where capabilities
    # or arguments need it; the stop-path variants below name the one-stop mode explicitly.
    one_stop = ["--tracing", "seccomp"] if has_tp else []
    vs = [
        Variant("native", "the workload alone", []),
        Variant("profgen", "profgen record (as root: --tracing tracepoint)",
                [pg, "record", "-o", "{out}", "--"], writes_profile=True),
        Variant("profgen-seccomp", "profgen record --tracing seccomp (one stop per syscall: "
                "the mode without root)",
                [pg, "record", *one_stop, "-o", "{out}", "--"], writes_profile=True,
                available=has_tp, why_not="`profgen record --help` does not mention tracepoint"),
        Variant("profgen-baseline", "profgen record --baseline (profile from a first run)",
                [pg, "record", "--baseline", "{base}", "-o", "{out}", "--"], writes_profile=True,
                available=has_baseline,
                why_not="`profgen record --help` does not mention --baseline"),
        Variant("profgen-user", f"profgen record as uid {USER_UID} (no root: one stop per "
                "syscall, capability inference only)",
                [*user, pg, "record", "-o", "{out}", "--"], writes_profile=True,
                available=can_drop, why_not="needs root and setpriv to drop to another uid",
                **user_skip),
        Variant("profgen-baseline-user", f"profgen record --baseline as uid {USER_UID}",
                [*user, pg, "record", "--baseline", "{base}", "-o", "{out}", "--"],
                writes_profile=True, available=can_drop and has_baseline,
                why_not="needs root, setpriv and --baseline", **user_skip),
        Variant("profgen-pin", "profgen record --tracing seccomp --pin-cpu (profgen and workload "
                "on one CPU)",
                [pg, "record", *one_stop, "--pin-cpu", "-o", "{out}", "--"], writes_profile=True,
                available=has_pin, why_not="`profgen record --help` does not mention --pin-cpu"),
        Variant("profgen-nopoll", "profgen record --tracing seccomp --poll-us 0 (sleep for every "
                "stop, no polling)",
                [pg, "record", *one_stop, "--poll-us", "0", "-o", "{out}", "--"],
                writes_profile=True,
                available=has_poll, why_not="`profgen record --help` does not mention --poll-us"),
        Variant("floor", "bench/floor.c, minimal one-stop SECCOMP_RET_TRACE loop", [floor, "--"]),
        Variant("floor-pin", "floor, tracer and workload pinned to one CPU",
                [floor, "--pin=same", "--"]),
        Variant("floor-split", "floor, tracer and workload pinned to two different CPUs",
                [floor, "--pin=split", "--"], available=(os.cpu_count() or 1) > 1,
                why_not="one CPU", default=False),
        Variant("floor-spin", "floor, polling 50 us for the next stop before sleeping (as profgen "
                "does, but at every wait)", [floor, "--spin=50", "--"]),
        Variant("floor-events", "floor without a filter: only fork/clone/exec stops (what "
                "following processes costs)", [floor, "--events-only", "--"]),
        Variant("floor-allow", "floor with a filter that allows every syscall: fork/clone/exec "
                "stops plus the kernel's seccomp path on every syscall (the bound for --baseline)",
                [floor, "--allow-all", "--"]),
        Variant("floor-pintracer", "floor, only the tracer pinned (experiment)",
                [floor, "--pin=tracer", "--"], default=False),
        # Without ptrace (bench/nofollow.c): what a recorder that does not follow processes
        # would cost at least. Not run by default; docs/benchmarks.md has the focused run.
        Variant("nofollow-allow", "bench/nofollow.c: a filter that allows every syscall and no "
                "tracer (no stops at all)", [nofollow, "--"], default=False),
        Variant("nofollow-exec", "nofollow --notify-exec: a seccomp user notification per exec, "
                "answered CONTINUE (naming the programs without ptrace)",
                [nofollow, "--notify-exec", "--"], default=False),
        Variant("nofollow-caps", "nofollow --notify-exec --cap-record=chain: and the kernel's "
                "cap_capable record with kernel call chains, as profgen keeps it as root",
                [nofollow, "--notify-exec", "--cap-record=chain", "--"], default=False,
                available=os.geteuid() == 0, why_not="the cap_capable record needs root"),
        Variant("nofollow-nochain", "nofollow --notify-exec --cap-record=nochain: the same record "
                "without call chains", [nofollow, "--notify-exec", "--cap-record=nochain", "--"],
                default=False, available=os.geteuid() == 0,
                why_not="the cap_capable record needs root"),
        Variant("strace", "strace -f -o /dev/null", ["strace", "-f", "-o", "/dev/null", "--"],
                available=has_strace, why_not="strace not installed"),
        Variant("strace-c", "strace -f -c -o /dev/null",
                ["strace", "-f", "-c", "-o", "/dev/null", "--"], available=has_strace,
                why_not="strace not installed"),
    ]
    for spec in a.extra or []:
        name, _, opts = spec.partition("=")
        vs.insert(4, Variant(f"profgen-{name}", f"profgen record {opts}",
                             [pg, "record", *shlex.split(opts), "-o", "{out}", "--"],
                             writes_profile=True))
    return vs


def select(a: argparse.Namespace, vs: list[Variant]) -> list[Variant]:
    """The variants to run: --variants (and --extra's), or the default ones."""
    if a.variants:
        keep = set(a.variants.split(",")) | {"native"} | {
            f"profgen-{x.partition('=')[0]}" for x in a.extra or []}
        return [v for v in vs if v.name in keep]
    return [v for v in vs if v.default or a.quick]  # quick proves the experiments work too


class Runner:
    def __init__(self, a: argparse.Namespace, bindir: Path, work: Path):
        self.a = a
        self.timer = str(bindir / "timer")
        self.work = work
        self.timeout = a.timeout or (120 if a.quick else 900)
        self.runs: list[Run] = []
        self.waited = 0.0
        self.warmup: Variant | None = None  # the profgen run that also makes the baseline

    def once(self, wl: str, v: Variant, argv: list[str], rep: int, out: Path | None = None,
             base: Path | None = None, record: bool = True) -> Run:
        subst = {"{out}": str(out) if out else "", "{base}": str(base) if base else ""}
        cmd = [subst.get(x, x) for x in v.prefix] + argv
        res = self.work / "timer.out"
        err = self.work / "stderr.txt"
        for f in (res, out):
            if f and f.exists():
                f.unlink()
        timer = [self.timer, "-o", str(res), "-t", str(self.timeout), "--rss", "--"]
        busy0, steal0 = cpu_times()
        with open(err, "wb") as ef:
            p = subprocess.run(timer + cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=ef, cwd=self.work)
        busy1, steal1 = cpu_times()
        r = Run(wl, v.name, rep, ok=False)
        r.steal = steal1 - steal0
        if p.returncode != 0 or not res.exists():
            r.error = f"timer failed (exit {p.returncode})"
        else:
            kv = dict(x.split("=", 1) for x in res.read_text().split())
            r.status = kv["status"]
            r.wall = float(kv["wall_s"])
            r.user, r.sys = float(kv["user_s"]), float(kv["sys_s"])
            # /proc/stat ticks are coarse (1/CLK_TCK per CPU): only meaningful summed over runs
            r.foreign = max(0.0, (busy1 - busy0) - (r.user + r.sys))
            r.tree_kb = int(kv["tree_maxrss_kb"])
            hwm = int(kv["self_hwm_kb"])
            r.hwm_kb = hwm if hwm >= 0 else None
            r.ok = r.status == "0"
            if not r.ok:
                r.error = f"exit status {r.status}"
            elif v.writes_profile:
                r.ok, r.error = check_profile(out)
        if not r.ok:
            tail = err.read_text(errors="replace").strip().splitlines()[-5:]
            r.error += ": " + sh(cmd) + ("\n      " + "\n      ".join(tail) if tail else "")
        if record:
            self.runs.append(r)
        log(f"  {wl:9} {v.name:17} rep {rep}: " +
            (f"{r.wall:8.3f} s" if r.wall is not None else "   -    ") +
            ("" if r.ok else "  FAILED " + r.error.splitlines()[0]))
        return r


def check_profile(out: Path | None) -> tuple[bool, str]:
    if out is None or not out.exists() or out.stat().st_size == 0:
        return False, "no profile written"
    try:
        json.loads(out.read_text())
    except ValueError as e:
        return False, f"profile is not JSON ({e})"
    return True, ""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def bench_workload(rn: Runner, wl: Workload, vs: list[Variant], reps: int) -> dict:
    argv = wl.quick if rn.a.quick else wl.full
    d = rn.work / wl.name
    shutil.rmtree(d, ignore_errors=True)  # outputs of an earlier run must not be compared
    d.mkdir()
    d.chmod(0o777)  # the unprivileged variants write their profiles here too
    base = d / "base.json"
    info: dict = {"argv": argv}
    native = next(v for v in vs if v.name == "native")
    log(f"{wl.name}: {sh(argv)}")
    # Warm caches, and record the profile the --baseline variant starts from.
    rn.once(wl.name, native, argv, -1, record=False)
    # (a variant that needs the baseline gets it even when --variants left profgen out)
    pg = rn.warmup if any("{base}" in v.prefix for v in vs) or rn.warmup in vs else None
    if pg:
        first = rn.once(wl.name, pg, argv, -1, out=base, record=False)
        if not first.ok:
            rn.runs.append(first)  # a failed first recording is a failure in its own right
    active = [v for v in vs if v.runs_on(wl.name)]
    for rep in range(reps):
        if rn.a.settle:
            rn.waited += settle(rn.a.settle)
        k = rep % len(active)
        for v in active[k:] + active[:k]:
            out = d / f"{v.name}.json"
            # Untimed: what one run leaves behind (profgen's closer holding the tracepoint
            # through an RCU grace period, ~45 ms) must not be timed as the next run's.
            time.sleep(rn.a.gap)
            rn.once(wl.name, v, argv, rep, out=out, base=base)
    info["stops"] = count_stops(rn, argv)
    # The correctness promise, checked on the last repetition's output: recording
    # against a baseline must give the same profile as a full recording (as root, and as uid
    # USER_UID).
    for key, full, with_base in (("root", "profgen", "profgen-baseline"),
                                 ("user", "profgen-user", "profgen-baseline-user")):
        eq = same_recording(d / f"{full}.json", d / f"{with_base}.json")
        if eq is not None:
            info[f"equal_{key}"] = eq
    return info


def same_recording(a: Path, b: Path) -> str | None:
    """"yes" when profile and .caps file are byte-identical; "caps" when only the evidence of a
    capability differs (a baseline run cannot always name the syscall behind a kernel check: its
    evidence then reads "S, or a syscall after it that ran without a stop", which is not drift:
    profgen check compares names); "no"; None when either was not written."""
    if not (a.exists() and b.exists()):
        return None
    ca, cb = a.with_suffix(".caps"), b.with_suffix(".caps")  # product.md: .json -> .caps
    if a.read_bytes() != b.read_bytes() or ca.exists() != cb.exists():
        return "no"
    if not ca.exists() or ca.read_bytes() == cb.read_bytes():
        return "yes"
    return "caps" if cap_names(ca) == cap_names(cb) else "no"


def cap_names(path: Path) -> list[str]:
    """The capabilities a .caps file lists (the first word of each line that is not a comment)."""
    return [ln.split()[0] for ln in path.read_text().splitlines()
            if ln.strip() and not ln.startswith("#")]


def count_stops(rn: Runner, argv: list[str]) -> int | None:
    """Number of seccomp stops of one run (the floor counts them), to turn times into a cost per
    stop. Every syscall stops once under a full recording, so this is also the syscall count."""
    floor = str(Path(rn.timer).parent / "floor")
    p = subprocess.run([floor, "-v", "--"] + argv, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                       cwd=rn.work, timeout=rn.timeout)
    for line in p.stderr.splitlines():
        if line.startswith("floor: ") and " stops," in line:
            return int(line.split()[1])
    return None


def scaling(rn: Runner, bindir: Path, vs: list[Variant]) -> list[dict]:
    """profgen's peak RSS against the number of processes (sequential and alive at once) and the
    number of distinct syscalls."""
    pg = next((v for v in vs if v.name == "profgen"), None)
    if pg is None:
        return []
    small, large = (20, 200) if rn.a.quick else (100, 1000)
    loop = "for i in $(seq {n}); do /bin/true; done"
    cases = [
        ("processes, one at a time", small, ["sh", "-c", loop.format(n=small)]),
        ("processes, one at a time", large, ["sh", "-c", loop.format(n=large)]),
        ("processes alive at once", small, [str(bindir / "spawn"), str(small)]),
        ("processes alive at once", large, [str(bindir / "spawn"), str(large)]),
        ("distinct syscalls (+ startup's)", 1, [str(bindir / "distinct"), "1", "10"]),
        ("distinct syscalls (+ startup's)", 80, [str(bindir / "distinct"), "80", "10"]),
    ]
    reps = 1 if rn.a.quick else 3
    rows = []
    d = rn.work / "scaling"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir()
    log("scaling:")
    for what, n, argv in cases:
        runs = [rn.once(f"scale-{n}", pg, argv, r, out=d / "s.json") for r in range(reps)]
        good = [r for r in runs if r.ok]
        row = {"what": what, "n": n, "argv": argv, "ok": len(good) == len(runs)}
        if good and all(r.hwm_kb is not None for r in good):
            row["hwm_kb"] = statistics.median(r.hwm_kb for r in good)
        if good:
            row["wall"] = statistics.median(r.wall for r in good)
        if (d / "s.json").exists() and len(good) == len(runs):
            try:
                prof = json.loads((d / "s.json").read_text())
                row["names"] = sum(len(s.get("names", [])) for s in prof.get("syscalls", []))
            except (ValueError, AttributeError):
                pass
        rows.append(row)
    return rows


def median_or_none(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def summarise(runs: list[Run], wls: list[Workload], vs: list[Variant]) -> dict:
    s: dict = {}
    for wl in wls:
        nat = {r.rep: r.wall for r in runs if r.workload == wl.name and r.variant == "native"
               and r.ok}
        for v in vs:
            mine = [r for r in runs if r.workload == wl.name and r.variant == v.name]
            good = [r for r in mine if r.ok]
            ratios = [r.wall / nat[r.rep] for r in good if r.rep in nat and nat[r.rep] > 0]
            s[(wl.name, v.name)] = {
                "n": len(good),
                "failed": len(mine) - len(good),
                "wall": median_or_none([r.wall for r in good]),
                "ratio": median_or_none(ratios),
                "ratio_min": min(ratios) if ratios else None,
                "ratio_max": max(ratios) if ratios else None,
                "hwm_kb": median_or_none([r.hwm_kb for r in good if r.hwm_kb is not None]),
                "cpu": median_or_none([r.user + r.sys for r in good]),
            }
    return s


def machine() -> list[str]:
    model, flags = "unknown", ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and model == "unknown":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                flags = line
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1048576:.1f} GiB"
    virt = "hypervisor flag set (virtual machine)" if " hypervisor" in flags else "bare metal?"
    distro = "?"
    if os.path.exists("/etc/os-release"):
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                distro = line.split("=", 1)[1].strip().strip('"')
    idle = "?"
    try:
        idle = Path("/sys/devices/system/cpu/cpuidle/current_driver").read_text().strip()
        poll = Path("/sys/module/haltpoll/parameters/guest_halt_poll_ns")
        if poll.exists():
            idle += f", guest_halt_poll_ns={poll.read_text().strip()}"
    except OSError:
        pass
    return [
        f"CPU: {model}, {os.cpu_count()} CPUs online, {virt}; cpuidle driver: {idle}",
        f"Memory: {mem}",
        f"Kernel: {platform.release()} ({platform.machine()}), {distro}",
    ]


def tool_version(argv: list[str]) -> str:
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        out = (p.stdout or p.stderr).strip().splitlines()
        return out[0] if out else f"(no output, exit {p.returncode})"
    except OSError as e:
        return f"unavailable ({e.strerror})"


def git_rev(path: Path) -> str:
    try:
        rev = subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(path), "status", "--porcelain", "--", "."],
                               capture_output=True, text=True).stdout.strip()
        return rev + (" (uncommitted changes)" if dirty else "") if rev else "unknown"
    except OSError:
        return "unknown"


def fmt_ratio(c: dict, v: Variant, wl: str) -> str:
    if not v.runs_on(wl):
        return "n/a"
    if c["failed"]:
        return "FAIL"
    return f"{c['ratio']:.2f}x" if c["ratio"] is not None else "-"


def fmt_s(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def fmt_mib(kb: float | None) -> str:
    return "-" if kb is None else f"{kb / 1024:.1f}"


def load_table(runs: list[Run], wls: list[Workload]) -> list[str]:
    """How busy the rest of the machine was while each workload was measured."""
    ncpu = os.cpu_count() or 1
    L = ["", "## Other load on the machine during the runs", "",
         "CPU time used by everything outside the measured command, and time stolen by the "
         "hypervisor, as a share of the machine's capacity during that workload's runs "
         "(/proc/stat, summed over the runs). Above a few percent the figures above carry "
         "that noise.", "",
         "| workload | other processes | steal |", "|---|---:|---:|"]
    for wl in wls:
        mine = [r for r in runs if r.workload == wl.name and r.wall and r.foreign is not None]
        cap = sum(r.wall for r in mine) * ncpu
        if cap <= 0:
            continue
        L.append(f"| {wl.name} | {100 * sum(r.foreign for r in mine) / cap:.1f}% | "
                 f"{100 * sum(r.steal for r in mine) / cap:.1f}% |")
    return L


def report(a, wls, vs, s, infos, scale, started, elapsed, repo, rn) -> str:
    L: list[str] = []
    mode = "quick" if a.quick else "full"
    L += ["# profgen benchmark results", "",
          "Written by `bench/run.sh`; every number below was measured by the run described here. "
          "Do not edit by hand: re-run to update. Method: [benchmarks.md](benchmarks.md).", "",
          f"- Date: {started.strftime('%Y-%m-%d %H:%M %Z')} (run took {elapsed / 60:.1f} min)",
          f"- Command: `{a.command_line}`",
          f"- Mode: {mode}, {a.reps} repetition(s) per variant, interleaved, {a.gap:g} s untimed "
          "pause before each run"
          + (f"; waited {rn.waited:.0f} s in all for an idle machine (--settle {a.settle:g})"
             if a.settle else ""),
          f"- Load average at start: {a.load_start}; at end: {' '.join(open('/proc/loadavg').read().split()[:3])}"]
    L += [f"- {m}" for m in machine()]
    L += [f"- profgen: `{a.profgen}`: {tool_version([a.profgen, '--version'])}; "
          f"tree at {git_rev(repo)}",
          f"- strace: {tool_version(['strace', '-V'])}; gcc: {tool_version(['gcc', '--version'])}",
          ""]
    L += ["## Workloads", "", "| workload | what | command |", "|---|---|---|"]
    for wl in wls:
        L.append(f"| {wl.name} | {wl.what} | `{sh(infos[wl.name]['argv'])}` |")
    L += ["", "## Variants", "", "| variant | what | command prefix |", "|---|---|---|"]
    for v in vs:
        pre = sh(v.prefix).replace("'{out}'", "OUT.json").replace("'{base}'", "BASE.json")
        pre = pre.replace("{out}", "OUT.json").replace("{base}", "BASE.json")
        note = (f" (not run: {v.why_not})" if not v.available else
                f" (not on {', '.join(v.skip)}: {v.skip_why})" if v.skip else "")
        L.append(f"| {v.name} | {v.what}{note} | `{pre}` |")
    L += ["", "## Ratio to native (median of per-repetition ratios; lower is better)", "",
          "| workload | native (s) | " + " | ".join(v.name for v in vs if v.name != "native")
          + " |", "|---|---:|" + "---:|" * (len(vs) - 1)]
    for wl in wls:
        nat = s[(wl.name, "native")]
        cells = [fmt_ratio(s[(wl.name, v.name)], v, wl.name) for v in vs if v.name != "native"]
        L.append(f"| {wl.name} | {fmt_s(nat['wall'])} | " + " | ".join(cells) + " |")
    L += ["", "## Median wall time in seconds (min-max of the per-repetition ratio)", "",
          "| workload | " + " | ".join(v.name for v in vs) + " |", "|---|" + "---:|" * len(vs)]
    for wl in wls:
        cells = []
        for v in vs:
            c = s[(wl.name, v.name)]
            if not v.runs_on(wl.name):
                cells.append("n/a")
            elif c["wall"] is None:
                cells.append("FAIL")
            elif v.name == "native":
                cells.append(fmt_s(c["wall"]))
            else:
                cells.append(f"{fmt_s(c['wall'])} ({c['ratio_min']:.2f}-{c['ratio_max']:.2f})")
        L.append(f"| {wl.name} | " + " | ".join(cells) + " |")
    stop_vs = [v for v in vs if v.available and v.name != "native" and v.name != "strace-c"]
    L += ["", "## Cost per syscall stop, microseconds: (median wall - native median) / stops", "",
          "Stops counted by `floor -v` in a separate run; under --baseline most syscalls do not "
          "stop, so its figure is the cost spread over the syscalls a full recording would stop "
          "on. Shown only for workloads with at least 20,000 stops per native second, where "
          "stops dominate the difference rather than start-up and noise.", "",
          "| workload | stops | " + " | ".join(v.name for v in stop_vs) + " |",
          "|---|---:|" + "---:|" * len(stop_vs)]
    for wl in wls:
        stops = infos[wl.name].get("stops")
        nat = s[(wl.name, "native")]["wall"]
        cells = []
        for v in stop_vs:
            w = s[(wl.name, v.name)]["wall"]
            ok = (stops and nat and w is not None and stops / nat >= 20000
                  and not s[(wl.name, v.name)]["failed"])
            cells.append(f"{(w - nat) / stops * 1e6:.1f}" if ok else "-")
        L.append(f"| {wl.name} | {stops if stops else '-'} | " + " | ".join(cells) + " |")
    rss_vs = [v for v in vs if v.name in ("profgen", "profgen-baseline", "floor", "strace")]
    L += ["", "## Peak RSS of the tracer process itself, MiB (VmHWM at its exit, via taskstats)",
          "", "| workload | " + " | ".join(v.name for v in rss_vs) + " |",
          "|---|" + "---:|" * len(rss_vs)]
    for wl in wls:
        L.append(f"| {wl.name} | " + " | ".join(
            fmt_mib(s[(wl.name, v.name)]["hwm_kb"]) if v.available else "n/a" for v in rss_vs)
            + " |")
    keys = [k for k in ("root", "user") if any(f"equal_{k}" in i for i in infos.values())]
    if keys:
        heads = {"root": "as root", "user": f"as uid {USER_UID}"}
        words = {None: "-", "yes": "yes", "no": "NO",
                 "caps": "profile yes, same capabilities, other evidence"}
        L += ["", "## Profile recorded with --baseline equals the full recording "
              "(last repetition)", "", "Byte for byte, profile and `.caps` file; \"same "
              "capabilities\" when only the evidence of a capability differs (the baseline run "
              "could not name the syscall behind a kernel check).", "",
              "| workload | " + " | ".join(heads[k] for k in keys) + " |",
              "|---|" + "---|" * len(keys)]
        for wl in wls:
            L.append(f"| {wl.name} | " + " | ".join(
                words[infos[wl.name].get(f"equal_{k}")] for k in keys) + " |")
    L += load_table(rn.runs, wls)
    if scale:
        L += ["", "## profgen peak RSS against processes and distinct syscalls", "",
              "| what | n | profgen RSS (MiB) | wall (s) | names in the written profile | command |",
              "|---|---:|---:|---:|---:|---|"]
        for r in scale:
            L.append(f"| {r['what']} | {r['n']} | "
                     f"{fmt_mib(r.get('hwm_kb')) if r['ok'] else 'FAIL'} | "
                     f"{fmt_s(r.get('wall'))} | {r.get('names', '-')} | `{sh(r['argv'])}` |")
    return "\n".join(L) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="directory with timer, floor and the workloads")
    ap.add_argument("--work", required=True, help="scratch directory")
    ap.add_argument("--profgen", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--reps", type=int)
    ap.add_argument("--out", help="write the Markdown report here as well as to stdout")
    ap.add_argument("--raw", help="write every individual run here (JSON)")
    ap.add_argument("--only", help="comma-separated workloads to run")
    ap.add_argument("--variants", help="comma-separated variants to run (native is implied)")
    ap.add_argument("--no-scaling", action="store_true")
    ap.add_argument("--settle", type=float, default=0, metavar="SECONDS",
                    help="before each repetition wait up to SECONDS for an idle machine")
    ap.add_argument("--gap", type=float, default=0.25, metavar="SECONDS",
                    help="untimed pause before each run (default 0.25: longer than a "
                         "recording's events outlive it; docs/benchmarks.md: back-to-back "
                         "recordings)")
    ap.add_argument("--extra", action="append", metavar="NAME=OPTIONS",
                    help="also time `profgen record OPTIONS` as variant profgen-NAME")
    ap.add_argument("--timeout", type=float, help="per-run limit in seconds")
    ap.add_argument("--command-line", default="bench/run.sh")
    ap.add_argument("--repo", default=str(Path(__file__).resolve().parent.parent))
    a = ap.parse_args()
    a.reps = a.reps or (1 if a.quick else 7)
    bindir, work = Path(a.bin).resolve(), Path(a.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.environ["TMPDIR"] = str(work)  # the workloads' own scratch files stay in the scratch dir
    # The unprivileged variants write in it too, and overwrite what root's runs made (gen.o).
    os.umask(0)
    work.chmod(0o777)
    if not (os.path.isfile(a.profgen) and os.access(a.profgen, os.X_OK)):
        log(f"bench: profgen binary `{a.profgen}` is not an executable file (use --profgen)")
        return 2
    a.profgen = str(Path(a.profgen).resolve())
    wls = workloads(bindir, work)
    if a.only:
        wls = [w for w in wls if w.name in a.only.split(",")]
    every = variants(a, bindir)
    vs = select(a, every)
    for v in vs:
        if not v.available:
            log(f"bench: variant {v.name} not run: {v.why_not}")

    started = datetime.datetime.now().astimezone()
    a.load_start = " ".join(open("/proc/loadavg").read().split()[:3])
    if float(a.load_start.split()[0]) > 0.5 * (os.cpu_count() or 1):
        log(f"bench: warning: the machine is busy (load average {a.load_start} on "
            f"{os.cpu_count()} CPUs); expect noisy figures (see the report's load table)")
    t0 = time.monotonic()
    rn = Runner(a, bindir, work)
    rn.warmup = next(v for v in every if v.name == "profgen")
    infos = {wl.name: bench_workload(rn, wl, vs, a.reps) for wl in wls}
    scale = [] if a.no_scaling else scaling(rn, bindir, vs)
    s = summarise(rn.runs, wls, vs)
    text = report(a, wls, vs, s, infos, scale, started, time.monotonic() - t0, Path(a.repo), rn)
    text = text.replace(str(Path(a.repo).resolve()) + "/", "")  # paths relative to the repo
    print(text)
    if a.out:
        Path(a.out).write_text(text)
    if a.raw:
        Path(a.raw).parent.mkdir(parents=True, exist_ok=True)
        Path(a.raw).write_text(json.dumps([dataclasses.asdict(r) for r in rn.runs], indent=1))

    failed = [r for r in rn.runs if not r.ok]
    for r in failed:
        log(f"bench: FAILED {r.workload} / {r.variant} rep {r.rep}: {r.error}")
    if failed:
        log(f"bench: {len(failed)} run(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
