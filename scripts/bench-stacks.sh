#!/bin/bash
# SPDX-License-Identifier: MIT
# What call stacks cost at record time (issue 6): `profgen record --trace` of the many_syscalls
# fixture (N syscalls of six kinds) with stacks off (--no-stacks) and on (the default, depth 16),
# in pairs whose order alternates, so that drift in the machine's load hits both alike. Prints
# every run (wall seconds, CPU seconds of profgen and the workload together, the unwinder's own
# account of its time from the `call stacks ... in X ms` line), then medians and the median of
# the per-pair ratios. On a loaded machine wall time swings; CPU time much less.
#   scripts/bench-stacks.sh [N [PAIRS [BUILD]]]     defaults: 1000000 10 build
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
pairs=${2:-10}
build=${3:-build}
profgen=$build/profgen
fixture=$build/tests/fixtures/many_syscalls
[ -x "$profgen" ] && [ -x "$fixture" ] || { echo "bench-stacks: build first ($profgen, $fixture)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/profgen-bench-stacks.XXXXXX")
trap 'rm -rf "$work"' EXIT

run() { # run off|on: prints "wall_seconds cpu_seconds unwinder_ms"
        local opt=() ms
        [ "$1" = off ] && opt=(--no-stacks)
        /usr/bin/time -f '%e %U %S' -o "$work/time" "$profgen" record "${opt[@]}" -o "$work/p.json" \
                --trace "$work/r.json" -- "$fixture" "$n" 2> "$work/err"
        ms=$(sed -n 's/.*call stacks (.*) in \([0-9.]*\) ms/\1/p' "$work/err")
        awk -v ms="${ms:-0}" '{ printf "%s %.2f %s\n", $1, $2 + $3, ms }' "$work/time"
}

echo "# profgen record --trace -- many_syscalls $n; $pairs pairs, order alternating"
echo "# $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
results=$work/results
for ((i = 0; i < pairs; i++)); do
        if ((i % 2 == 0)); then order="off on"; else order="on off"; fi
        for mode in $order; do
                read -r s cpu ms < <(run "$mode")
                printf '%s %d %s %s %s\n' "$mode" "$i" "$s" "$cpu" "$ms" | tee -a "$results"
        done
done
python3 - "$results" <<'EOF'
import statistics, sys
runs = [l.split() for l in open(sys.argv[1])]
def col(mode, k):
    return {int(r[1]): float(r[k]) for r in runs if r[0] == mode}
for k, what in ((2, "wall"), (3, "cpu")):
    off, on = col("off", k), col("on", k)
    ratios = [on[i] / off[i] for i in off if i in on]
    print("%-4s  median off %.3f s, on %.3f s; per-pair on/off: median %.4f (min %.4f, max %.4f)"
          % (what, statistics.median(off.values()), statistics.median(on.values()),
             statistics.median(ratios), min(ratios), max(ratios)))
ms = list(col("on", 4).values())
print("unwinder's own time per run (stacks on): median %.1f ms, max %.1f ms"
      % (statistics.median(ms), max(ms)))
EOF
