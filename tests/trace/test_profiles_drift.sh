#!/bin/bash
# SPDX-License-Identifier: MIT
# Dogfooding: `profgen check` on every committed profile (profiles/checks.txt), as a user's CI
# would run it, but with --full: the project's own profiles must also not keep what the workload
# stopped using. PROFGEN_UPDATE=1 re-records them instead (then review and commit the diff).
set -uo pipefail
: "${PROFGEN:?}" "${PROFGEN_FIXTURES:?}" "${PROFGEN_SRC:?}"
export PROFGEN_FIXTURES PROFGEN_SRC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A fixture built with the sanitizers (the ASan CI build) makes the sanitizer runtime's syscalls
# too: its committed profile is for the plain build.
sanitized() { ldd "$1" 2>/dev/null | grep -q 'libasan\|libubsan'; }

passed=0 failed=0 skipped=0
while read -r name args; do
        case $name in '' | '#'*) continue ;; esac
        eval "set -- $args"
        if [[ $args == *'$PROFGEN_FIXTURES'* ]] && sanitized "$PROFGEN_FIXTURES/$name"; then
                echo "skip $name: the fixture is built with sanitizers"
                skipped=$((skipped + 1))
                continue
        fi
        log=$tmp/$name.log
        if "$PROFGEN" check "$PROFGEN_SRC/profiles/$name.json" --full "$@" </dev/null >"$log" 2>&1; then
                echo "ok   $name"
                passed=$((passed + 1))
        else
                echo "FAIL $name: profgen check exited $?"
                sed 's/^/     /' "$log"
                failed=$((failed + 1))
        fi
done <"$PROFGEN_SRC/profiles/checks.txt"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$passed" -gt 0 ] || { [ "$skipped" -gt 0 ] && exit 77; }
[ "$failed" -eq 0 ]
