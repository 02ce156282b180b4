#!/bin/bash
# SPDX-License-Identifier: MIT
# The e2e and trace-recording libraries and scripts stay shellcheck-clean: a quoting slip in test
# code can turn a check into one that cannot fail. shellcheck comes with scripts/packages-e2e.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v shellcheck >/dev/null || { echo "SKIP: shellcheck not installed (scripts/deps.sh all)" >&2; exit 77; }
cd "$here/../.."
files=(tests/e2e/*.sh tests/trace/lib.sh tests/trace/test_record_*.sh)
shellcheck -x "${files[@]}"
echo "shellcheck: ${#files[@]} files clean"
