#!/bin/bash
# SPDX-License-Identifier: MIT
# Fails when a C file differs from what clang-format makes of it (.clang-format at the root).
set -uo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "check-format: clang-format not installed, skipped" >&2; exit 0; }
bad=0
while IFS= read -r f; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then echo "check-format: $f is not clang-formatted (run: clang-format -i $f)"; bad=1; fi
done < <(git ls-files '*.c' '*.h')
exit $bad
