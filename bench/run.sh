#!/bin/bash
# SPDX-License-Identifier: MIT
# The benchmark in one command: builds the timer, the floor tracer and the workloads, then times
# every workload natively and under profgen, profgen --baseline, the floor loop and strace,
# interleaved (see docs/benchmarks.md).
#
#   bench/run.sh [--quick] [--profgen PATH] [--reps N] [--out FILE] [--only W,W] [--variants V,V]
#                [--no-scaling] [--timeout SECONDS] [--extra NAME=OPTIONS]... [--settle SECONDS]
#
# --quick: one repetition, smallest sizes; exits 0 only if every variant ran and produced a result
#          (CI runs this to prove the harness works; its numbers mean nothing).
# --extra pin=--pin-cpu adds `profgen record --pin-cpu` as variant profgen-pin (any options).
# --settle 30 waits up to 30 s before each repetition for an idle machine (shared machines).
# --variants floor-split runs the non-default cross-CPU experiment.
# --profgen defaults to build/profgen in the repository. --out writes the Markdown report there
# too (the full run writes docs/benchmarks-results.md). Every individual run is kept in
# $BENCH_BUILD/last-{quick,full}.json (not committed).
# Environment: BENCH_BUILD (default bench/results/build), CC (default cc).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bench=$repo/bench
profgen=$repo/build/profgen
quick=0
args=()
command_line="bench/run.sh"
for a in "$@"; do command_line+=" $(printf '%q' "$a")"; done

while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1; args+=(--quick); shift ;;
    --profgen) profgen=$2; shift 2 ;;
    --profgen=*) profgen=${1#*=}; shift ;;
    --reps|--out|--only|--variants|--timeout|--extra|--settle) args+=("$1" "$2"); shift 2 ;;
    --reps=*|--out=*|--only=*|--variants=*|--timeout=*|--extra=*|--settle=*) args+=("$1"); shift ;;
    --no-scaling) args+=("$1"); shift ;;
    -h|--help) sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

build=${BENCH_BUILD:-$bench/results/build}
work=$build/work
mkdir -p "$build" "$work"
cc=${CC:-cc}
cflags=(-std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
        -Wmissing-prototypes -Wformat=2)

# A make-like rule: rebuild only what changed, so repeated quick runs stay quick.
compile() { # compile OUT SRC [extra flags...]
  local out=$1 src=$2; shift 2
  if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
    "$cc" "${cflags[@]}" "$@" -o "$out" "$src"
  fi
}
compile "$build/timer" "$bench/timer.c"
compile "$build/floor" "$bench/floor.c"
compile "$build/nofollow" "$bench/nofollow.c"
for w in syscalls cpu spawn distinct; do
  compile "$build/$w" "$bench/workloads/$w.c"
done
compile "$build/threads" "$bench/workloads/threads.c" -pthread
# Generated sources for the compile workload: ~1 s of gcc -O2 on the reference VM (full).
python3 "$bench/workloads/gencode.py" 150 "$work/gen-full.c"
python3 "$bench/workloads/gencode.py" 10 "$work/gen-quick.c"

mode=full
[ $quick = 1 ] && mode=quick
exec python3 "$bench/harness.py" --bin "$build" --work "$work" --profgen "$profgen" \
  --raw "$build/last-$mode.json" --command-line "$command_line" --repo "$repo" \
  ${args[@]+"${args[@]}"}
