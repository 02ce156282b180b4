#!/bin/bash
# SPDX-License-Identifier: MIT
# The diff and merge commands as a user runs them: diff(1)'s exit statuses, clear errors for bad
# input, colour rules, the sibling recording as evidence, merge of profiles with their caps files,
# merge conflicts, and merge of recordings.
set -euo pipefail
: "${PROFGEN:?}" "${PROFGEN_FIXTURES:?}" "${PROFGEN_GOLDEN:?}"
in=$PROFGEN_GOLDEN/diff/in
fx=$PROFGEN_FIXTURES/netflag
. "$(dirname "$0")/check_lib.sh"

# diff: 0 equivalent (however regrouped), 1 drift, 2 error.
expect 0 "$PROFGEN" diff "$in/base.json" "$in/regrouped.json"
expect 1 "$PROFGEN" diff "$in/base.json" "$in/added.json"
expect 1 "$PROFGEN" diff --allow-removals "$in/base.json" "$in/added.json"
expect 0 "$PROFGEN" diff --allow-removals "$in/base.json" "$in/removed.json"
expect 2 "$PROFGEN" diff "$in/base.json" "$tmp/missing.json"
grep -q "missing.json.*No such file" "$tmp/err" || fail "missing file: $(cat "$tmp/err")"
printf '{"defaultAction": "SCMP_ACT_ERRNO",\n "syscalls": [\n' >"$tmp/truncated.json"
expect 2 "$PROFGEN" diff "$in/base.json" "$tmp/truncated.json"
grep -q "truncated.json:3:1: invalid JSON" "$tmp/err" || fail "malformed: $(cat "$tmp/err")"
echo '{"defaultAction": "SCMP_ACT_NOPE", "syscalls": []}' >"$tmp/badaction.json"
expect 2 "$PROFGEN" diff "$tmp/badaction.json" "$in/base.json"
grep -q "badaction.json" "$tmp/err" || fail "bad action: $(cat "$tmp/err")"
expect 2 "$PROFGEN" diff "$in/base.json"
expect 2 "$PROFGEN" diff --format yaml "$in/base.json" "$in/added.json"
grep -q "expected text, json or github" "$tmp/err" || fail "bad format message"

# Capabilities are compared when both sides have a .caps file.
expect 1 "$PROFGEN" diff "$in/base.json" "$in/caps.json"
grep -qE '^  \+ CAP_NET_BIND_SERVICE bind\(AF_INET, port 80\)' "$tmp/out" || fail "caps diff"
cp "$in/caps.json" "$tmp/nocaps.json"
expect 0 "$PROFGEN" diff "$in/base.json" "$tmp/nocaps.json"
grep -q "capabilities not compared" "$tmp/err" || fail "no note about the missing caps file"

# Colour: never into a pipe or with NO_COLOR; --color always forces it.
expect 1 "$PROFGEN" diff --color always "$in/base.json" "$in/removed.json"
grep -q $'\033\[31m-' "$tmp/out" || fail "--color always"
expect 1 "$PROFGEN" diff "$in/base.json" "$in/removed.json"
grep -q $'\033' "$tmp/out" && fail "colour into a pipe"
if command -v script >/dev/null; then
        NO_COLOR=1 script -qec "$PROFGEN diff $in/base.json $in/removed.json" /dev/null \
                >"$tmp/tty" || true
        grep -q $'\033\[3' "$tmp/tty" && fail "colour despite NO_COLOR"
        env -u NO_COLOR script -qec "$PROFGEN diff $in/base.json $in/removed.json" /dev/null \
                >"$tmp/tty" || true
        grep -q $'\033\[31m-' "$tmp/tty" || fail "no colour on a terminal"
fi

# The recording saved beside NEW explains it.
expect 0 "$PROFGEN" record -q -o "$tmp/old.json" -- "$fx"
expect 0 "$PROFGEN" record -q -o "$tmp/new.json" --trace "$tmp/new.trace.json" -- "$fx" --net
expect 1 "$PROFGEN" diff "$tmp/old.json" "$tmp/new.json"
grep -qE '^  \+ socket +1 call, first by .*netflag \(pid [0-9]+\)' "$tmp/out" ||
        fail "sibling recording: $(cat "$tmp/out")"
mv "$tmp/new.trace.json" "$tmp/elsewhere.json"
expect 1 "$PROFGEN" diff "$tmp/old.json" "$tmp/new.json"
grep -qE '^  \+ socket$' "$tmp/out" || fail "evidence without a recording"
expect 1 "$PROFGEN" diff --recording "$tmp/elsewhere.json" "$tmp/old.json" "$tmp/new.json"
grep -qE '^  \+ socket +1 call' "$tmp/out" || fail "--recording"

# merge: the union, whatever the order; caps files merge beside it.
expect 0 "$PROFGEN" merge -q -o "$tmp/m1.json" "$in/base.json" "$in/added.json" "$in/caps.json"
expect 0 "$PROFGEN" merge -q -o "$tmp/m2.json" "$in/caps.json" "$in/base.json" "$in/added.json" \
        "$in/base.json"
cmp "$tmp/m1.json" "$tmp/m2.json" || fail "merge depends on the order"
cmp "$tmp/m1.caps" "$tmp/m2.caps" || fail "merged caps depend on the order"
grep -q '^CAP_CHOWN  # chown' "$tmp/m1.caps" && grep -q '^CAP_NET_BIND_SERVICE  # bind' \
        "$tmp/m1.caps" || fail "merged caps: $(cat "$tmp/m1.caps")"
expect 0 "$PROFGEN" diff --allow-removals "$in/added.json" "$tmp/m1.json"
expect 0 "$PROFGEN" merge "$tmp/m1.json"
cmp "$tmp/out" "$tmp/m1.json" || fail "merging a merge changes it"
expect 0 "$PROFGEN" merge -q -o "$tmp/m3.json" "$tmp/m1.json" "$tmp/m2.json"
cmp "$tmp/m1.caps" "$tmp/m3.caps" || fail "merging merged caps files changes them"

# merge conflicts name both inputs and write nothing.
expect 2 "$PROFGEN" merge -o "$tmp/c.json" "$in/base.json" "$in/action.json"
grep -q "conflicting rules for \`kill\`" "$tmp/err" && grep -q "base.json" "$tmp/err" &&
        grep -q "action.json" "$tmp/err" || fail "conflict: $(cat "$tmp/err")"
[ ! -e "$tmp/c.json" ] || fail "a conflicting merge wrote its output"
expect 2 "$PROFGEN" merge -o "$tmp/c.json" "$in/base.json" "$in/settings.json"
grep -q "conflicting default actions" "$tmp/err" || fail "default conflict"

# merge --recordings: counts add up; the profile is generated as `generate` would.
expect 0 "$PROFGEN" record -q -o "$tmp/r1.json" --trace "$tmp/r1.trace.json" -- "$fx"
expect 0 "$PROFGEN" merge --recordings -q -o "$tmp/rm.json" --trace "$tmp/rm.trace.json" \
        "$tmp/r1.trace.json" "$tmp/elsewhere.json"
expect 0 "$PROFGEN" diff "$tmp/new.json" "$tmp/rm.json"
count() { jq --arg n "$1" '.syscalls[] | select(.name == $n) | .count' "$2"; }
[ "$(count mmap "$tmp/rm.trace.json")" -eq \
        $(($(count mmap "$tmp/r1.trace.json") + $(count mmap "$tmp/elsewhere.json"))) ] ||
        fail "merged counts do not add up"
expect 2 "$PROFGEN" merge --recordings "$tmp/r1.trace.json"
grep -q "needs -o" "$tmp/err" || fail "--recordings without -o"
echo "test_check_diff_merge: all passed"
