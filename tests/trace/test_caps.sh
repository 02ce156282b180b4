#!/bin/bash
# SPDX-License-Identifier: MIT
# Each capability fixture recorded as root: the .caps file must list exactly the expected set
# (the same calls on the caller's own objects: nothing), and say which source saw each. Then a
# few as uid 1000, where nothing can be needed. Prints the table of tests/trace/caps_cases.sh.
# Each root case is recorded again with its own profile as --baseline, where the file syscalls run
# without a stop when the kernel's record is there: the capabilities must be the same.
set -uo pipefail
[ "$(id -u)" = 0 ] || { echo "skip: needs root (the fixtures act on files of other uids)"; exit 77; }
command -v setpriv >/dev/null || { echo "skip: setpriv not installed"; exit 77; }
. "$(dirname "$0")/caps_cases.sh"
W=$(mktemp -d /tmp/pgcaps.XXXXXX); chmod 755 "$W"
trap 'chattr -a "$W/objs/mine" 2>/dev/null; rm -rf "$W"' EXIT
D=$W/objs
fails=0 n=0
# record_case OUT [RECORD OPTIONS] -- FIXTURE ARGS: mlock wants the 8 MiB default RLIMIT_MEMLOCK,
# whatever this shell has.
record_case() {
  local out=$1; shift
  (ulimit -l 8192; exec "$PROFGEN" record -q -o "$W/$out.json" "$@") >"$W/$out.out" 2>&1
}
printf '| fixture | expected | recorded | source |\n|---|---|---|---|\n'
while IFS='|' read -r name expect cmd; do
  name=$(echo $name); [ -n "$name" ] || continue
  expect=$(caps_expect "$(echo $expect)"); cmd=$(eval echo "$cmd")
  caps_objects "$D"
  set -- $cmd
  record_case "$name" -- "$PROFGEN_FIXTURES/$1" "${@:2}"
  status=$?
  got=$(caps_of "$W/$name.caps")
  n=$((n + 1))
  printf '| %s | %s | %s | %s |\n' "$name" "$expect" "$got" "$(caps_sources "$W/$name.caps")"
  if [ "$got" != "$expect" ]; then
    echo "FAIL $name: expected [$expect], recorded [$got] (exit $status)"; cat "$W/$name.out" "$W/$name.caps"; fails=$((fails + 1))
  elif [ -d /sys/kernel/tracing/events/capability/cap_capable ] && ! grep -q 'used: inference+kernel' "$W/$name.caps"; then
    echo "FAIL $name: the kernel's record was not used"; fails=$((fails + 1))
  fi
  # As root without stacks the file syscalls ran without a stop (--tracing tracepoint): the
  # evidence names the ones the thread made since its last stop, from the kernel's syscall record.
  if [[ $name == open-other-* ]] && grep -q 'ran without a stop' "$W/$name.caps" &&
     ! grep -q 'ran without a stop (since then: [a-z0-9_, ]*openat' "$W/$name.caps"; then
    echo "FAIL $name: the evidence does not name openat"; cat "$W/$name.caps"; fails=$((fails + 1))
  fi
  caps_objects "$D"
  record_case "$name-b" --baseline "$W/$name.json" -- "$PROFGEN_FIXTURES/$1" "${@:2}"
  got_b=$(caps_of "$W/$name-b.caps")
  n=$((n + 1))
  if [ "$got_b" != "$expect" ]; then
    echo "FAIL $name --baseline: expected [$expect], recorded [$got_b]"
    cat "$W/$name-b.out" "$W/$name-b.caps"; fails=$((fails + 1))
  elif [[ $name == open-other-* ]] && grep -q 'used: inference+kernel' "$W/$name.caps" &&
       ! grep -q 'ran without a stop' "$W/$name-b.caps"; then
    echo "FAIL $name --baseline: openat still stopped (no unstopped evidence)"
    cat "$W/$name-b.caps"; fails=$((fails + 1))
  fi
done <<<"$CAPS_CASES"

# inference_case NAME EXPECTED FIXTURE ARGS...: one fixture recorded with the inference alone.
inference_case() {
  local name=$1 expect=$2 got; shift 2
  caps_objects "$D"
  record_case "$name-inference" --caps-source inference -- "$PROFGEN_FIXTURES/$1" "${@:2}"
  got=$(caps_of "$W/$name-inference.caps"); n=$((n + 1))
  printf '| %s, inference only | %s | %s | %s |\n' "$name" "$expect" "$got" \
    "$(caps_sources "$W/$name-inference.caps")"
  if [ "$got" != "$expect" ]; then
    echo "FAIL $name with --caps-source inference: recorded [$got]"
    cat "$W/$name-inference.out" "$W/$name-inference.caps"; fails=$((fails + 1))
  fi
}

# The inference alone must judge a path from the root the thread has now: the tracer keeps each
# thread's root open, and a chroot must replace it (/other exists only inside $D).
inference_case chroot-open "CAP_DAC_OVERRIDE CAP_SYS_CHROOT" cap_chroot "$D" /other
# The inference alone judges every open, also one it judged before: the same open of the same
# file, whose permissions changed in between, must be seen to need DAC_OVERRIDE. (With the kernel's
# record, a repeated open that needed nothing is not judged again: the kernel reports the check,
# which the reopen-chmod case above proves.)
inference_case reopen-chmod CAP_DAC_OVERRIDE cap_open "$D/mine" reopen

# As uid 1000 (profgen itself unprivileged: inference only): nothing is ever needed, whether the
# call works on the caller's own objects or fails on root's.
U=$W/u; mkdir "$U"; chown 1000:1000 "$U"
for c in "bind 80" "bind 8080" "open $D/other r" "open $D/mine r" "chown $D/other 1000 1000" \
         "kill own" "nice -5" "setid own"; do
  caps_objects "$D"
  set -- $c
  rm -f "$U/u.caps"
  setpriv --reuid 1000 --regid 1000 --clear-groups "$PROFGEN" record -q -o "$U/u.json" -- \
    "$PROFGEN_FIXTURES/cap_$1" "${@:2}" >"$U/u.out" 2>&1
  got=$(caps_of "$U/u.caps"); n=$((n + 1))
  printf '| uid 1000: %s | - | %s | %s |\n' "${c//$D\//}" "$got" "$(caps_sources "$U/u.caps")"
  if [ "$got" != - ] || ! grep -q 'used: inference\.' "$U/u.caps"; then
    echo "FAIL uid 1000 $c: recorded [$got]"; cat "$U/u.out" "$U/u.caps"; fails=$((fails + 1))
  fi
done
echo "$((n - fails)) passed, $fails failed"
[ $fails = 0 ]
