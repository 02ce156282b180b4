# SPDX-License-Identifier: MIT
# Shared by the check/diff/merge tests (sourced, not a test itself): a scratch directory removed
# on exit, `fail`, and `expect STATUS COMMAND...` (output in $tmp/out, errors in $tmp/err).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
        echo "FAIL: $*" >&2
        exit 1
}
expect() {
        local want=$1 rc=0
        shift
        "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
        [ "$rc" -eq "$want" ] || {
                cat "$tmp/out" "$tmp/err"
                fail "exit $rc, expected $want: $*"
        }
}
