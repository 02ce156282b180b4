#!/bin/bash
# SPDX-License-Identifier: MIT
# `profgen run` without an engine: exit statuses pass through, bad input is exit 125 with a
# message naming the file and the place, a command is never run unconfined, Docker's and Podman's
# default profiles are accepted, and a denied execve or capset is reported as such.
set -uo pipefail
[ "$(id -u)" = 0 ] || { echo "SKIP: profgen run sets capabilities; needs root" >&2; exit 77; }
: "${PROFGEN:?}" "${PROFGEN_SRC:?}" "${PROFGEN_FIXTURES:?}"
DATA=$PROFGEN_SRC/tests/data
SHARED=${PROFGEN_SHARED:-$PROFGEN_SRC/../shared}
T=$(mktemp -d /tmp/pg-run.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

# expect NAME STATUS STDERR-SUBSTRING CMD... : run CMD, check status and that stderr contains text
expect() {
  local name=$1 want=$2 text=$3 rc
  shift 3
  "$@" >"$T/out" 2>"$T/err" </dev/null
  rc=$?
  if [ "$rc" = "$want" ] && { [ -z "$text" ] || grep -qF -- "$text" "$T/err"; }; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name: status $rc (want $want), stderr:" >&2
    sed 's/^/    /' "$T/err" >&2
    echo "    (wanted it to contain: $text)" >&2
  fi
}
allow() { echo '{"defaultAction":"SCMP_ACT_ALLOW"}' >"$T/allow.json"; echo "$T/allow.json"; }
A=$(allow)

expect status-0 0 "" "$PROFGEN" run --profile "$A" -- true
expect status-3 3 "" "$PROFGEN" run --profile "$A" -- sh -c 'exit 3'
expect signal 143 "" "$PROFGEN" run --profile "$A" -- sh -c 'kill -TERM $$'
expect not-found 127 "command not found" "$PROFGEN" run --profile "$A" -- no-such-command-xyz
printf 'not a program\n' >"$T/noexec"
chmod 644 "$T/noexec"
expect not-executable 126 "" "$PROFGEN" run --profile "$A" -- "$T/noexec"
expect usage 125 "needs --profile" "$PROFGEN" run -- true
expect both-caps 125 "not both" "$PROFGEN" run --profile "$A" --caps x --cap-add CHOWN -- true
expect bad-user 125 "numeric UID:GID" "$PROFGEN" run --profile "$A" --user bob -- true
expect bad-cap-add 125 "unknown capability \`FLY\`" "$PROFGEN" run --profile "$A" --cap-add FLY -- true

# Bad input, one file per error class (tests/data): 125, file and place named, nothing run.
expect bad-syntax 125 "bad-syntax.json:3:16: invalid JSON" \
  "$PROFGEN" run --profile "$DATA/bad-syntax.json" -- touch "$T/ran"
expect bad-type 125 "bad-type.json: syscalls[1].names: must be an array of strings, not a string" \
  "$PROFGEN" run --profile "$DATA/bad-type.json" -- touch "$T/ran"
expect bad-action 125 "syscalls[0].action: unknown action \`SCMP_ACT_ALOW\`" \
  "$PROFGEN" run --profile "$DATA/bad-action.json" -- touch "$T/ran"
expect bad-syscall 125 "syscalls[1].names[1]: unknown syscall name \`pread\` (libseccomp 2." \
  "$PROFGEN" run --profile "$DATA/bad-syscall.json" -- touch "$T/ran"
expect bad-syscall-hint 125 "did you mean \`pread64\`?" "$PROFGEN" run --profile "$DATA/bad-syscall.json" -- true
expect bad-arg-index 125 "syscalls[1].args[0].index: 6 is above the maximum 5" \
  "$PROFGEN" run --profile "$DATA/bad-arg-index.json" -- touch "$T/ran"
expect bad-caps 125 "bad-name.caps:3:1: unknown capability \`CAP_FLY\`" \
  "$PROFGEN" run --profile "$A" --caps "$DATA/bad-name.caps" -- touch "$T/ran"
expect missing-profile 125 "cannot open" "$PROFGEN" run --profile "$T/none.json" -- touch "$T/ran"
if [ -e "$T/ran" ]; then fail=$((fail + 1)); echo "FAIL: a command ran after a bad input" >&2; fi

# Real-world profiles: Docker's (with names newer than libseccomp: a warning) and Podman's.
expect docker-default 0 "newer than libseccomp" \
  "$PROFGEN" run --profile "$SHARED/data/docker-default-seccomp.json" -- sh -c 'ls / >/dev/null'
expect podman-default 0 "" \
  "$PROFGEN" run --profile "$SHARED/data/podman-default-seccomp.json" -- sh -c 'ls / >/dev/null'
# Docker's profile denies what it should: unshare(CLONE_NEWNS) without CAP_SYS_ADMIN.
expect docker-denies 0 "" \
  "$PROFGEN" run --quiet --profile "$SHARED/data/docker-default-seccomp.json" -- \
  "$PROFGEN_FIXTURES/probe_syscall" call 272 0x20000
grep -qx 'errno=EPERM' "$T/out" || { fail=$((fail + 1)); echo "FAIL: unshare allowed: $(cat "$T/out")" >&2; }

# After the filter profgen makes only execve: the exec drops the CAP_SYS_ADMIN kept to load the
# filter, so a profile need not allow capset (runc's own post-filter syscalls) for profgen run.
all_but_capset=$(for n in $(seq 0 470); do scmp_sys_resolver -a x86_64 "$n"; done |
  grep -v -e '^-' -e '^capset$' -e '^UNKNOWN' | sort -u | jq -R . | jq -sc .)
echo "{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"syscalls\":[{\"names\":$all_but_capset,\"action\":\"SCMP_ACT_ALLOW\"}]}" >"$T/no-capset.json"
expect no-capset-needed 0 "" "$PROFGEN" run --cap-add CHOWN --profile "$T/no-capset.json" -- \
  sh -c 'grep -q "^CapEff:.*0000000000000001$" /proc/self/status'
expect no-capset-needed-user 0 "" "$PROFGEN" run --user 1000:1000 --profile "$T/no-capset.json" -- \
  sh -c 'grep -q "^CapEff:.*0000000000000000$" /proc/self/status'
echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["execve"],"action":"SCMP_ACT_ERRNO"}]}' >"$T/no-exec.json"
expect execve-denied 126 "does the profile allow execve?" "$PROFGEN" run --profile "$T/no-exec.json" -- true
echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["execve"],"action":"SCMP_ACT_KILL_PROCESS"}]}' >"$T/kill-exec.json"
expect execve-killed 159 "killed by SIGSYS" "$PROFGEN" run --profile "$T/kill-exec.json" -- true
# With no-new-privileges no capset is needed after the filter.
expect nnp-no-capset 0 "" "$PROFGEN" run --no-new-privileges --profile "$A" -- true
# The .caps file beside the profile is the default capability list.
cp "$A" "$T/app.json"
printf 'CAP_NET_BIND_SERVICE  # bind port 80\n' >"$T/app.caps"
expect sibling-caps 0 "" "$PROFGEN" run --profile "$T/app.json" -- sh -c 'grep -q "^CapEff:.*0000000000000400$" /proc/self/status'

echo "run: $pass passed, $fail failed"
[ "$fail" = 0 ]
