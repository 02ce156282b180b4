#!/bin/bash
# SPDX-License-Identifier: MIT
# profgen check with the netflag fixture (socket, bind and getsockname only with --net):
# passes without the flag, reports exactly the socket family with it, --update makes it pass,
# --allow-removals lets a partial run pass, and the workload's own failure is reported as such.
set -euo pipefail
: "${PROFGEN:?}" "${PROFGEN_FIXTURES:?}" "${PROFGEN_SRC:?}"
fx=$PROFGEN_FIXTURES/netflag
. "$(dirname "$0")/check_lib.sh"

# The committed profile, unless the fixture is built with sanitizers (their runtime makes more
# syscalls): then a profile recorded here plays the committed one.
cp "$PROFGEN_SRC/profiles/netflag.json" "$PROFGEN_SRC/profiles/netflag.caps" "$tmp/"
if ldd "$fx" | grep -q libasan; then
        echo "note: sanitized fixture: recording the reference profile here"
        expect 0 "$PROFGEN" record -q -o "$tmp/netflag.json" -- "$fx"
fi
p=$tmp/netflag.json

# 1. Without the flag the workload needs what was committed.
expect 0 "$PROFGEN" check "$p" -- "$fx"
grep -q '^no drift$' "$tmp/out" || fail "no 'no drift' line"

# 2. With it: exactly the socket family, on x86_64, added; nothing removed or changed.
before=$(sha256sum <"$p")
expect 1 "$PROFGEN" check "$p" --format json --report "$tmp/report.json" -- "$fx" --net
got=$(jq -r '[.changes[] | "\(.change) \(.subject) \(.arch) \(.name)"] | join(",")' \
        "$tmp/report.json")
[ "$got" = "added syscall x86_64 bind,added syscall x86_64 getsockname,added syscall x86_64 socket" ] ||
        fail "drift with --net: $got"
jq -e '.changes[] | select(.name == "socket") | .evidence | test("^1 call, first by .*/netflag")' \
        "$tmp/report.json" >/dev/null || fail "no evidence for socket"
grep -q 'drifted' "$tmp/err" || fail "no hint on drift"
[ "$(sha256sum <"$p")" = "$before" ] || fail "check without --update changed the profile"

# 3. The text report names them too, and GitHub annotations point into the profile.
expect 1 "$PROFGEN" check "$p" -- "$fx" --net
grep -qE '^  \+ socket +1 call, first by' "$tmp/out" || fail "text report: $(cat "$tmp/out")"
grep -q '^drift: 3 syscalls added$' "$tmp/out" || fail "summary"
expect 1 "$PROFGEN" check "$p" --format github -- "$fx" --net
grep -q "^::error file=$p,title=seccomp profile drift::x86_64: syscall \`socket\` added: 1 call" \
        "$tmp/out" || fail "github: $(cat "$tmp/out")"

# 4. --update accepts the change (atomically: no temporary file is left) and then it passes.
expect 0 "$PROFGEN" check --update "$p" -- "$fx" --net
ls "$tmp" | grep -qv '^\(netflag.json\|netflag.caps\|out\|err\|report.json\)$' && fail "leftovers"
jq -e '.syscalls[0].names | index("socket")' "$p" >/dev/null || fail "socket not in the update"
expect 0 "$PROFGEN" check "$p" -- "$fx" --net

# 5. A run that exercises less. By default PROFILE is the run's baseline, which cannot see what
#    the workload stopped using: no drift, and a note says so. --full records everything: drift,
#    unless --allow-removals, which reports what it did not see.
expect 0 "$PROFGEN" check "$p" -- "$fx"
grep -q "note: $p is this run's baseline .*only additions are checked; --full" "$tmp/err" ||
        fail "no note about the automatic baseline: $(cat "$tmp/err")"
expect 1 "$PROFGEN" check "$p" --full -- "$fx"
grep -qE '^  - socket +not made in this run$' "$tmp/out" || fail "removal: $(cat "$tmp/out")"
grep -q "baseline" "$tmp/err" && fail "--full still used a baseline: $(cat "$tmp/err")"
expect 0 "$PROFGEN" check "$p" --full --allow-removals -- "$fx"
grep -qE '^  - socket +not made in this run \(allowed: --allow-removals\)$' "$tmp/out" ||
        fail "allowed removal: $(cat "$tmp/out")"
grep -q '^no drift (removals allowed): 3 syscalls removed$' "$tmp/out" || fail "summary"
# --update --allow-removals keeps what the partial run did not see.
expect 0 "$PROFGEN" check --update --allow-removals "$p" -- "$fx"
jq -e '.syscalls[0].names | index("socket")' "$p" >/dev/null || fail "partial update lost socket"

# 6. The workload's own failure is its exit status, said as such, and nothing is compared.
expect 3 "$PROFGEN" check "$p" -- "$fx" --fail
grep -q 'the workload failed (exit status 3)' "$tmp/err" || fail "failure message"
grep -q '^drift:' "$tmp/out" && fail "a failure reported as drift"
expect 127 "$PROFGEN" check "$p" -- "$tmp/no-such-program"

# 7. PROFGEN_UPDATE=1 is --update (the CMake and make recipes use it); a missing profile is
#    created by it, and is an error (2) without it.
rm "$p" "$tmp/netflag.caps"
expect 2 "$PROFGEN" check "$p" -- "$fx"
expect 0 env PROFGEN_UPDATE=1 "$PROFGEN" check "$p" -- "$fx"
[ -s "$p" ] && [ -s "$tmp/netflag.caps" ] || fail "PROFGEN_UPDATE=1 did not create the files"
expect 0 "$PROFGEN" check "$p" -- "$fx"

# 8. Options before PROFILE work as well; -o is refused (check writes only PROFILE).
expect 0 "$PROFGEN" check --quiet "$p" -- "$fx"
expect 2 "$PROFGEN" check "$p" -o "$tmp/x.json" -- "$fx"
# 9. An explicit --baseline (the committed profile's syscalls run without a stop): additions are
#    still caught, and removals, which such a run cannot see, are not reported. The automatic
#    baseline catches the same additions. --full with --baseline is a contradiction.
expect 1 "$PROFGEN" check "$p" --baseline "$p" -- "$fx" --net
grep -q '^drift: 3 syscalls added$' "$tmp/out" || fail "baseline additions: $(cat "$tmp/out")"
expect 1 "$PROFGEN" check "$p" -- "$fx" --net
grep -q '^drift: 3 syscalls added$' "$tmp/out" || fail "auto-baseline additions: $(cat "$tmp/out")"
expect 2 "$PROFGEN" check "$p" --full --baseline "$p" -- "$fx"
expect 0 "$PROFGEN" check --update "$p" -- "$fx" --net
grep -q "baseline" "$tmp/err" && fail "--update used a baseline: $(cat "$tmp/err")"
expect 0 "$PROFGEN" check "$p" --baseline "$p" -- "$fx"
grep -q 'only additions are checked' "$tmp/err" || fail "no note about --baseline"
echo "test_check: all passed"
