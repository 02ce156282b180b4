#!/bin/bash
# SPDX-License-Identifier: MIT
# Issue 2's proof that `profgen record` is sufficient and minimal under the real Docker engine.
# Each workload (busybox applets, a dash + coreutils pipeline) is recorded on the host, then run
# by a private dockerd (Debian's docker.io: dockerd 20.10, containerd, runc 1.1.5) with
#   --security-opt seccomp=PROFILE --cap-drop ALL [--cap-add from PROFILE.caps]
# ITER times, each run giving the stdout, stderr and exit status of the same container without a
# seccomp filter. Then one syscall the workload really makes, and that no runtime needs, is removed from
# the profile and the container must fail: otherwise the check above could not fail either.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

e2e_require_root_and_engines docker
e2e_require_profgen
e2e_init

# Test data at the same path on the host and in the image, with fixed times so `ls -l` prints
# the same on both sides.
DATA=$E2E_TMP/data
mkdir -p "$DATA/ls/sub" "$DATA/mk"
printf 'one\ntwo\nthree\n' >"$DATA/file"
printf 'pear\napple\nfig\nkiwi\nplum\n' >"$DATA/fruit"
cp "$DATA/file" "$DATA/ls/a.txt"
ln -s a.txt "$DATA/ls/link"
find "$DATA" -exec touch -h -d @0 {} +

# name | syscalls to remove: the first one in the profile and outside the runtime baseline is used
# | command. Why each is needed: arch_prctl and brk set up static glibc's TLS (busybox dies
# without them); readlink gives `link -> a.txt`; mkdir; pipe2/clone/wait4 build a pipeline.
# Not sendfile for cat: busybox falls back to read/write when sendfile fails, output unchanged.
CASES=(
  "bb-echo|arch_prctl brk|/bin/busybox echo hello world"
  "bb-ls|readlink|/bin/busybox ls -l $DATA/ls"
  "bb-mkdir|mkdir mkdirat|/bin/busybox mkdir $DATA/mk/new"
  "bb-cat|arch_prctl brk|/bin/busybox cat $DATA/file"
  "bb-sh-pipe|pipe2 pipe clone wait4|/bin/busybox sh -c 'echo a b c | tr a-z A-Z | wc -w'"
  "dash-coreutils|pipe2 pipe clone wait4|/bin/dash -c '/usr/bin/sort $DATA/fruit | /usr/bin/head -n 3 | /usr/bin/tr a-z A-Z; /usr/bin/cat $DATA/file | /usr/bin/wc -l'"
)
# Dynamically linked programs go in with their libraries, at their host paths.
COREUTILS=(/bin/dash /usr/bin/sort /usr/bin/head /usr/bin/tr /usr/bin/cat /usr/bin/wc)

spec=(busybox "file=$DATA")
for b in "${COREUTILS[@]}"; do spec+=("bin=$b"); done
e2e_rootfs_tar TAR "${spec[@]}"
e2e_dockerd_start
IMG=localhost/pg-e2e-record:latest
e2e_docker_import "$TAR" "$IMG"

# The premise of comparing a host recording with a container run: both see the same
# environment, cwd and umask (runtimes.md: dash's getcwd depends on PWD, and so on).
PROBE=(/bin/busybox sh -c 'env | sort; umask; pwd')
e2e_host_run "${PROBE[@]}"
host_env=$E2E_OUT
e2e_docker_run --cap-drop ALL "$IMG" "${PROBE[@]}"
if [ "$E2E_RC" != 0 ] || [ "$E2E_OUT" != "$host_env" ]; then
  e2e_die "host and container environments differ (rc=$E2E_RC):$(diff <(echo "$host_env") <(echo "$E2E_OUT"))"
fi

W=$E2E_TMP/w
mkdir -p "$W"
ROWS=()
FAILED=0
fail() { e2e_log "FAIL [$name]: $*"; FAILED=1; }

# run_case NAME NEG CMD...
run_case() {
  local name=$1 negs=$2 nsys ok=0 first_fail='' i s neg='' negres ref_out ref_err ref_rc
  shift 2
  local prof=$W/$name.json caps=()
  # Recorded on the host, in the container's environment.
  e2e_record "$prof" "$@"
  local rec_rc=$E2E_RC rec_out=$E2E_OUT
  if [ ! -s "$prof" ] || ! jq -e '.syscalls | length > 0' "$prof" >/dev/null 2>&1; then
    fail "profgen record (rc=$rec_rc) wrote no usable profile: $(tail -3 "$E2E_ERR_FILE")"
    ROWS+=("$(printf '| %-15s | %8s | %-7s | %-58s |' "$name" - - "no profile")")
    return
  fi
  mapfile -t caps < <(e2e_caps_args "${prof%.json}.caps")
  nsys=$(e2e_profile_names "$prof" | wc -l)

  # The reference: the same container without a seccomp filter, same capabilities.
  e2e_docker_run --security-opt seccomp=unconfined --cap-drop ALL "${caps[@]}" "$IMG" "$@"
  ref_out=$E2E_OUT ref_err=$E2E_ERR ref_rc=$E2E_RC
  [ "$ref_rc" = 0 ] || fail "unconfined container exits $ref_rc: $(tail -2 "$E2E_ERR_FILE")"
  # Host and container must see the same world, or the recording does not describe the run.
  [ "$rec_rc" = "$ref_rc" ] || fail "profgen record exited $rec_rc, the container $ref_rc"
  [ "$rec_out" = "$ref_out" ] || fail "host and container outputs differ: '$rec_out' vs '$ref_out'"

  for ((i = 1; i <= ITER; i++)); do
    e2e_docker_run --security-opt "seccomp=$prof" --cap-drop ALL "${caps[@]}" "$IMG" "$@"
    # stderr too: a denied syscall can cost only a warning (ls without readlink prints one).
    if [ "$E2E_RC" = "$ref_rc" ] && [ "$E2E_OUT" = "$ref_out" ] && [ "$E2E_ERR" = "$ref_err" ]; then
      ok=$((ok + 1))
    else
      [ -n "$first_fail" ] ||
        first_fail="run $i: rc=$E2E_RC out='$(head -c 80 "$E2E_OUT_FILE")' err='$(tail -1 "$E2E_ERR_FILE" | cut -c1-200)' (unconfined: rc=$ref_rc err='${ref_err:0:100}')"
      # A hang (a syscall denied in a retry loop) would eat the time budget ITER times.
      [ "$E2E_TIMED_OUT" = 0 ] || { first_fail+=" (timed out after ${E2E_TIMEOUT}s)"; break; }
    fi
  done
  [ "$ok" = "$ITER" ] || fail "$ok/$ITER confined runs behaved as unconfined; first failure: $first_fail"

  for s in $negs; do
    if e2e_profile_names "$prof" | grep -qx "$s" && ! e2e_in_baseline "$s"; then neg=$s; break; fi
  done
  if [ -z "$neg" ]; then
    fail "the profile has none of $negs, which this workload surely makes"
    negres="none of {$negs} in profile"
  else
    e2e_profile_without "$prof" "$neg" "$W/$name-no-$neg.json"
    e2e_docker_run --security-opt "seccomp=$W/$name-no-$neg.json" --cap-drop ALL "${caps[@]}" "$IMG" "$@"
    if [ "$E2E_RC" != "$ref_rc" ] || [ "$E2E_OUT" != "$ref_out" ]; then
      if [ "$E2E_RC" != "$ref_rc" ]; then negres="-$neg: fails (rc=$E2E_RC)"; else negres="-$neg: fails (stdout differs)"; fi
      e2e_log "[$name] without $neg: rc=$E2E_RC, stderr: $(tail -1 "$E2E_ERR_FILE" | cut -c1-200)"
    else
      negres="-$neg: STILL PASSES"
      fail "still behaves as unconfined without $neg: the profile is not enforced or $neg not needed"
    fi
  fi
  # Removing a syscall proves nothing when the full profile already failed.
  [ "$ok" = "$ITER" ] || negres="(moot) $negres"
  e2e_log "[$name] $nsys syscalls, $ok/$ITER confined runs as unconfined, $negres"
  ROWS+=("$(printf '| %-15s | %8s | %-7s | %-58s |' "$name" "$nsys" "$ok/$ITER" "$negres")")
}

for c in "${CASES[@]}"; do
  IFS='|' read -r name negs cmd <<<"$c"
  [[ $name =~ ${E2E_CASES:-.} ]] || continue
  # The command strings above are trusted test data; eval splits them into words as a shell would.
  eval "argv=($cmd)"
  # shellcheck disable=SC2154  # argv is set by the eval
  run_case "$name" "$negs" "${argv[@]}"
done

printf '\n| %-15s | %8s | %-7s | %-58s |\n' program syscalls starts "negative test (syscall removed: result)"
printf '|%s|%s|%s|%s|\n' "-----------------" "----------" "---------" "------------------------------------------------------------"
printf '%s\n' "${ROWS[@]}"
echo
[ "$FAILED" = 0 ] || e2e_die "see the FAIL lines above"
e2e_log "PASS"
