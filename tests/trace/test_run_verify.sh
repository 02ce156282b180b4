#!/bin/bash
# SPDX-License-Identifier: MIT
# `profgen verify`: a workload the recording covers is verified (exit 0); one whose later runs make
# a syscall the recording never saw is reported NOT SUFFICIENT (exit 1) with that syscall named
# by the diagnostic run; --check compares a user-supplied check as well.
set -uo pipefail
[ "$(id -u)" = 0 ] || { echo "SKIP: profgen run sets capabilities; needs root" >&2; exit 77; }
[ "$(uname -m)" = x86_64 ] || { echo "SKIP: the diagnostic run is x86_64 only" >&2; exit 77; }
: "${PROFGEN:?}" "${PROFGEN_FIXTURES:?}"
T=$(mktemp -d /tmp/pg-verify.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $1" >&2; sed 's/^/    /' "$T/err" >&2; }

# A workload the recording covers.
"$PROFGEN" verify -o "$T/ok.json" -- "$PROFGEN_FIXTURES/probe_syscall" call 39 >"$T/out" 2>"$T/err"
rc=$?
if [ $rc = 0 ] && grep -q "verified: 3/3 runs" "$T/err" && [ -e "$T/ok.caps" ]; then ok; else bad "verify of a covered workload: rc=$rc"; fi

# --runs and --check: the check's status counts too.
mkdir "$T/d"
"$PROFGEN" verify -q -o "$T/chk.json" --runs 2 --check "test -d $T/d" -- sh -c 'exit 0' >"$T/out" 2>"$T/err"
rc=$?
if [ $rc = 0 ] && grep -q "verified: 2/2 runs" "$T/err" && grep -q "check exit 0" "$T/err"; then ok; else bad "--check: rc=$rc"; fi

# A profile short of a syscall: later runs call getpriority, the recording did not.
"$PROFGEN" verify -o "$T/short.json" -- "$PROFGEN_FIXTURES/probe_second_run" "$T/state" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc = 1 ] && grep -q "NOT SUFFICIENT: 3 of 3 runs" "$T/err" &&
  grep -q "denied getpriority (x86_64): failed with ENOSYS" "$T/err"; then ok; else bad "verify of a short profile: rc=$rc"; fi
# ... with the call stack of the denied call, down into the fixture's own main()
if grep -A3 "denied getpriority" "$T/err" | grep -q "#1 main+0x[0-9a-f]* (.*probe_second_run+0x"; then ok; else
  bad "the denial's call stack does not reach the fixture's main()"; fi
# One screen: the explanation fits in 24 lines.
lines=$(wc -l <"$T/err")
if [ "$lines" -le 24 ]; then ok; else bad "the failure explanation takes $lines lines"; fi
# A capability the list lacks is named from the kernel's cap_capable record (Linux 6.14+). Once
# the recorder infers CAP_CHOWN for chown(2) the run passes instead, which is fine too.
if [ -e /sys/kernel/tracing/events/capability/cap_capable ]; then
  echo x >"$T/owned"
  "$PROFGEN" verify -q -o "$T/chown.json" --runs 1 -- chown 1 "$T/owned" >"$T/out" 2>"$T/err"
  rc=$?
  if [ $rc = 0 ] || { [ $rc = 1 ] && grep -q "capability check failed: CAP_CHOWN" "$T/err"; }; then ok
  else bad "verify of chown without CAP_CHOWN: rc=$rc"; fi
fi
# The command's own failure to start is not a verification.
"$PROFGEN" verify -q -o "$T/nf.json" -- no-such-command-xyz >"$T/out" 2>"$T/err"
rc=$?
if [ $rc = 127 ]; then ok; else bad "verify of a missing command: rc=$rc (want 127)"; fi

echo "verify: $pass passed, $fail failed"
[ "$fail" = 0 ]
