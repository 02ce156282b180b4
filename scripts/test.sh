#!/bin/bash
# SPDX-License-Identifier: MIT
# Builds profgen and runs its tests: the README's test command, and what CI runs.
#   scripts/test.sh              all tiers (unit, trace, e2e) + an ASan/UBSan build (unit, trace)
#   scripts/test.sh unit         only the quick tier (seconds)
#   scripts/test.sh trace|e2e    one tier
# Installs the Debian packages it needs first (scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
tier=${1:-all}
jobs=$(nproc)
if [ "$tier" = all ] || [ "$tier" = e2e ]; then scripts/deps.sh all; else scripts/deps.sh build; fi

build() { # build DIR [cmake args...]
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j "$jobs" 2>&1 | grep -vE '^\[ *[0-9]+%\]' || true
  [ -x "$dir/profgen" ] || { echo "test.sh: build in $dir failed" >&2; exit 1; }
}

status=0
scripts/check-format.sh || status=1
build build
if [ "$tier" = all ]; then
  ctest --test-dir build --output-on-failure -j "$jobs" -L 'unit|trace' || status=1
  # e2e tests start container engines; they run one at a time.
  ctest --test-dir build --output-on-failure -L e2e || status=1
  # the benchmark harness in its quick mode: proves it runs; figures come from full runs
  ctest --test-dir build --output-on-failure -L bench || status=1
  # -O3 finds what -O2 does not (maybe-uninitialized, format-overflow): the Release build must
  # compile too. Only the tool is built; its tests are the ones above.
  rm -f build-release/profgen
  cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build-release -j "$jobs" --target profgen 2>&1 | grep -vE '^\[ *[0-9]+%\]' || true
  [ -x build-release/profgen ] || { echo "test.sh: the Release build failed" >&2; status=1; }
  build build-asan -DPROFGEN_SANITIZE=ON
  # the fuzz test builds its own sanitized fuzzer: once is enough
  ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j "$jobs" -L 'unit|trace' -E fuzz || status=1
else
  ctest --test-dir build --output-on-failure -j "$jobs" -L "$tier" || status=1
fi
exit $status
