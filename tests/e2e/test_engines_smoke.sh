#!/bin/bash
# SPDX-License-Identifier: MIT
# Profiles written by `profgen record` are accepted and enforced by every engine other than
# dockerd (test_docker_record.sh covers that one): podman with runc, podman with crun, plain runc
# and plain crun from an OCI bundle. Two workloads, because the runtimes' own needs depend on the
# workload's profile (runtimes.md: runc takes its faccessat2/faccessat path only when the profile
# allows the four id getters, which dash calls and busybox echo does not):
#   - "accepted": ITER starts in a row with the stdout, stderr and status of the host run (an
#     unconfined container run must give the same, or the comparison is void);
#   - "enforced": the profile less one syscall the workload really makes (and no runtime needs)
#     stops it, so an engine that ignored the profile fails the test.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

e2e_require_root_and_engines podman runc crun
e2e_require_profgen
e2e_init

# name | syscalls to remove (first one in the profile and outside the runtime baseline) | command
# Static glibc sets up TLS with arch_prctl and brk before main: without them busybox dies
# ("cannot set %fs base address for thread-local storage"). A pipeline needs pipe2.
WORKLOADS=(
  "bb-echo|arch_prctl brk|/bin/busybox echo hello from profgen"
  "dash-pipe|pipe2 pipe clone wait4|/bin/dash -c 'echo pear apple fig | /usr/bin/tr \" \" \"\\n\" | /usr/bin/sort | /usr/bin/head -n 2'"
)
ENGINES=(podman-runc podman-crun runc crun)
W=$E2E_TMP/w
mkdir -p "$W"

# Host paths are container paths: the recording and the engines exec the same binaries.
e2e_rootfs_tar TAR busybox bin=/bin/dash bin=/usr/bin/tr bin=/usr/bin/sort bin=/usr/bin/head
e2e_podman_init
e2e_podman_import "$TAR" localhost/pg-e2e-smoke
e2e_oci_bundle "$W/bundle" "$TAR"

# run_on ENGINE PROFILE CMD... : one run under ENGINE with PROFILE ("" = unconfined) and the
# capabilities in CAP_ADD (docker-style --cap-add pairs).
run_on() {
  local engine=$1 profile=$2 sec caps='' i
  shift 2
  if [ -n "$profile" ]; then sec=seccomp=$profile; else sec=seccomp=unconfined; fi
  case $engine in
    podman-runc | podman-crun)
      e2e_podman_run "${engine#podman-}" --cap-drop ALL "${CAP_ADD[@]}" --security-opt "$sec" \
        localhost/pg-e2e-smoke "$@"
      ;;
    runc | crun)
      for ((i = 1; i < ${#CAP_ADD[@]}; i += 2)); do caps+=" CAP_${CAP_ADD[i]}"; done
      E2E_OCI_CAPS=$caps e2e_oci_config "$W/bundle" "$profile" "$@"
      e2e_oci_run "$engine" "$W/bundle"
      ;;
  esac
}

ROWS=()
FAILED=0
fail() { e2e_log "FAIL [$name/$engine]: $*"; FAILED=1; }

for wl in "${WORKLOADS[@]}"; do
  IFS='|' read -r name negs cmd <<<"$wl"
  # Trusted test data: eval splits the command into words as a shell would.
  eval "argv=($cmd)"
  # shellcheck disable=SC2154  # argv is set by the eval
  e2e_host_run "${argv[@]}"
  [ "$E2E_RC" = 0 ] || e2e_die "$name fails on the host: rc=$E2E_RC $E2E_ERR"
  host_out=$E2E_OUT host_err=$E2E_ERR
  prof=$W/$name.json
  e2e_record "$prof" "${argv[@]}"
  [ "$E2E_RC" = 0 ] || e2e_die "profgen record of $name exited $E2E_RC (want 0): $(tail -3 "$E2E_ERR_FILE")"
  [ "$E2E_OUT" = "$host_out" ] || e2e_die "profgen record changed $name's output: '$E2E_OUT'"
  jq -e '.defaultAction and (.syscalls | length > 0)' "$prof" >/dev/null ||
    e2e_die "profgen wrote no usable profile for $name: $(head -c 400 "$prof")"
  mapfile -t CAP_ADD < <(e2e_caps_args "${prof%.json}.caps")
  names=$(e2e_profile_names "$prof")
  nsys=$(wc -l <<<"$names")
  e2e_log "[$name] profile: $nsys syscalls: ${names//$'\n'/ }"
  neg=''
  for s in $negs; do
    if grep -qx "$s" <<<"$names" && ! e2e_in_baseline "$s"; then neg=$s; break; fi
  done
  [ -n "$neg" ] || e2e_die "the $name profile lacks every syscall it surely makes ($negs)"
  e2e_profile_without "$prof" "$neg" "$W/$name-no-$neg.json"

  for engine in "${ENGINES[@]}"; do
    run_on "$engine" "" "${argv[@]}"
    if [ "$E2E_RC" != 0 ] || [ "$E2E_OUT" != "$host_out" ] || [ "$E2E_ERR" != "$host_err" ]; then
      e2e_die "$name on $engine unconfined: rc=$E2E_RC out='$E2E_OUT' err: $(tail -3 "$E2E_ERR_FILE")"
    fi
    ok=0 first_fail=''
    for ((i = 1; i <= ITER; i++)); do
      run_on "$engine" "$prof" "${argv[@]}"
      if [ "$E2E_RC" = 0 ] && [ "$E2E_OUT" = "$host_out" ] && [ "$E2E_ERR" = "$host_err" ]; then
        ok=$((ok + 1))
      else
        [ -n "$first_fail" ] || first_fail="run $i: rc=$E2E_RC $(tail -1 "$E2E_ERR_FILE" | cut -c1-200)"
        [ "$E2E_TIMED_OUT" = 0 ] || break
      fi
    done
    [ "$ok" = "$ITER" ] || fail "$ok/$ITER starts with the recorded profile; first failure: $first_fail"
    run_on "$engine" "$W/$name-no-$neg.json" "${argv[@]}"
    if [ "$E2E_RC" != 0 ] || [ "$E2E_OUT" != "$host_out" ]; then
      negres="-$neg: fails (rc=$E2E_RC)"
      e2e_log "[$name/$engine] without $neg: rc=$E2E_RC, stderr: $(tail -1 "$E2E_ERR_FILE" | cut -c1-200)"
    else
      negres="-$neg: STILL RUNS"
      fail "runs as unconfined without $neg: the profile is not enforced"
    fi
    [ "$ok" = "$ITER" ] || negres="(moot) $negres"
    e2e_log "[$name/$engine] $ok/$ITER starts, $negres"
    ROWS+=("$(printf '| %-10s | %-11s | %8s | %-7s | %-28s |' "$name" "$engine" "$nsys" "$ok/$ITER" "$negres")")
  done
done

printf '\n| %-10s | %-11s | %8s | %-7s | %-28s |\n' workload engine syscalls starts "negative (syscall removed)"
printf '|%s|%s|%s|%s|%s|\n' ------------ ------------- ---------- --------- ------------------------------
printf '%s\n' "${ROWS[@]}"
echo
[ "$FAILED" = 0 ] || e2e_die "an engine did not accept or did not enforce a profgen profile"
e2e_log "PASS"
