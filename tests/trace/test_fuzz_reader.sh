#!/bin/bash
# SPDX-License-Identifier: MIT
# The profile reader under libFuzzer for a bounded time (PROFGEN_FUZZ_SECONDS, default 60): builds
# tests/fuzz with clang into its own directory, seeds it with the real-world profiles and the
# bad-input files, and fails on any crash, leak, sanitizer report or round-trip mismatch.
set -euo pipefail
: "${PROFGEN_SRC:?}"
command -v clang >/dev/null || { echo "SKIP: clang is not installed (Debian package clang)" >&2; exit 77; }
secs=${PROFGEN_FUZZ_SECONDS:-60}
shared=${PROFGEN_SHARED:-$PROFGEN_SRC/../shared}
# a build of its own beside the calling build tree (ctest runs tests in it): two checkouts never share one
dir=${PROFGEN_FUZZ_BUILD:-$PWD/fuzz-build}
CC=clang cmake -S "$PROFGEN_SRC" -B "$dir" -DPROFGEN_FUZZ=ON -DBUILD_TESTING=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$dir" --target fuzz_profile_read -j "$(nproc)" >/dev/null
work=$(mktemp -d /tmp/pg-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/seeds"
cp "$PROFGEN_SRC"/tests/data/*.json "$work/seeds/"
cp "$shared"/data/*.json "$work/seeds/" 2>/dev/null || true
cd "$work"
export LSAN_OPTIONS="suppressions=$PROFGEN_SRC/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
"$dir/tests/fuzz/fuzz_profile_read" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -dict="$PROFGEN_SRC/tests/fuzz/profile.dict" corpus seeds 2>"$work/log" || {
  tail -60 "$work/log" >&2
  echo "fuzz: 0 passed, 1 failed"
  exit 1
}
grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$work/log" >&2 || true
echo "fuzz: 1 passed, 0 failed"
