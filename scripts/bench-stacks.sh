#!/bin/bash
# SPDX-License-Identifier: MIT
# What call stacks cost at record time (issue 6): `profgen record --trace` of the many_syscalls
# fixture (N syscalls of six kinds) with stacks off (--no-stacks) and on (the default, depth 16),
# in pairs whose order alternates, so that drift in the machine's load hits both alike. Prints
# every run, then the medians, the median of the per-pair ratios, and the unwinder's own account
# of its time (the `call stacks ... in X ms` line).
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

run() { # run off|on: prints "seconds unwinder_ms"
        local opt=() t0 t1 ms
        [ "$1" = off ] && opt=(--no-stacks)
        t0=$(date +%s.%N)
        "$profgen" record "${opt[@]}" -o "$work/p.json" --trace "$work/r.json" -- "$fixture" "$n" \
                2> "$work/err"
        t1=$(date +%s.%N)
        ms=$(sed -n 's/.*call stacks (.*) in \([0-9.]*\) ms/\1/p' "$work/err")
        echo "$(echo "$t1 - $t0" | bc -l) ${ms:-0}"
}

echo "# profgen record --trace -- many_syscalls $n; $pairs pairs, order alternating"
echo "# $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
results=$work/results
for ((i = 0; i < pairs; i++)); do
        if ((i % 2 == 0)); then order="off on"; else order="on off"; fi
        for mode in $order; do
                read -r s ms < <(run "$mode")
                printf '%s %d %s %s\n' "$mode" "$i" "$s" "$ms" | tee -a "$results"
        done
done
python3 - "$results" <<'EOF'
import statistics, sys
runs = [l.split() for l in open(sys.argv[1])]
off = {int(r[1]): float(r[2]) for r in runs if r[0] == "off"}
on = {int(r[1]): float(r[2]) for r in runs if r[0] == "on"}
ms = [float(r[3]) for r in runs if r[0] == "on"]
ratios = [on[i] / off[i] for i in off if i in on]
print("median wall time, stacks off: %.3f s" % statistics.median(off.values()))
print("median wall time, stacks on:  %.3f s" % statistics.median(on.values()))
print("median of per-pair ratios on/off: %.4f (min %.4f, max %.4f)"
      % (statistics.median(ratios), min(ratios), max(ratios)))
print("unwinder's own time per run (stacks on): median %.1f ms, max %.1f ms" %
      (statistics.median(ms), max(ms)))
EOF
