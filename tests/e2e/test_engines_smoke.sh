#!/bin/bash
# SPDX-License-Identifier: MIT
# A profile written by `profgen record` for a busybox echo is accepted and enforced by every
# engine other than dockerd (test_docker_record.sh covers that one): podman with runc, podman
# with crun, plain runc and plain crun, each from an OCI bundle. "Accepted" means ITER starts in
# a row with the unconfined output; "enforced" means that the same profile less one syscall echo
# really makes (and no runtime needs) stops it, so an engine that ignored the profile would fail.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

e2e_require_root_and_engines podman runc crun
e2e_require_profgen
e2e_init

# The host path is the container path: the recording and the engines exec the same binary.
CMD=(/bin/busybox echo hello from profgen)
# Static glibc sets up thread-local storage with arch_prctl (and allocates it with brk) before
# main: without either busybox dies ("cannot set %fs base address for thread-local storage").
NEG_CANDIDATES=(arch_prctl brk)
W=$E2E_TMP/w
mkdir -p "$W"

e2e_host_run "${CMD[@]}"
[ "$E2E_RC" = 0 ] || e2e_die "busybox echo fails on the host: rc=$E2E_RC $E2E_ERR"
HOST_OUT=$E2E_OUT

e2e_record "$W/echo.json" "${CMD[@]}"
[ "$E2E_RC" = 0 ] || e2e_die "profgen record exited $E2E_RC (want the command's 0): $E2E_ERR"
[ "$E2E_OUT" = "$HOST_OUT" ] || e2e_die "profgen record changed the command's output: '$E2E_OUT'"
jq -e '.defaultAction and (.syscalls | length > 0)' "$W/echo.json" >/dev/null ||
  e2e_die "profgen wrote no usable profile: $(head -c 400 "$W/echo.json")"
mapfile -t CAP_ADD < <(e2e_caps_args "$W/echo.caps")
NAMES=$(e2e_profile_names "$W/echo.json")
e2e_log "profile: $(echo "$NAMES" | wc -l) syscalls: ${NAMES//$'\n'/ }"

NEG=
for s in "${NEG_CANDIDATES[@]}"; do
  if grep -qx "$s" <<<"$NAMES" && ! e2e_in_baseline "$s"; then NEG=$s; break; fi
done
[ -n "$NEG" ] || e2e_die "the profile lacks every syscall echo surely makes (${NEG_CANDIDATES[*]})"
e2e_profile_without "$W/echo.json" "$NEG" "$W/echo-no-$NEG.json"

e2e_rootfs_tar TAR busybox
e2e_podman_init
e2e_podman_import "$TAR" localhost/pg-e2e-bb
e2e_oci_bundle "$W/bundle" "$TAR"
OCI_CAPS=
for ((i = 1; i < ${#CAP_ADD[@]}; i += 2)); do OCI_CAPS+=" CAP_${CAP_ADD[i]}"; done

# run_on ENGINE PROFILE : one run of CMD under ENGINE with PROFILE ("" = unconfined).
run_on() {
  local engine=$1 profile=$2 sec
  if [ -n "$profile" ]; then sec=seccomp=$profile; else sec=seccomp=unconfined; fi
  case $engine in
    podman-runc | podman-crun)
      e2e_podman_run "${engine#podman-}" --cap-drop ALL "${CAP_ADD[@]}" --security-opt "$sec" \
        localhost/pg-e2e-bb "${CMD[@]}"
      ;;
    runc | crun)
      E2E_OCI_CAPS=$OCI_CAPS e2e_oci_config "$W/bundle" "$profile" "${CMD[@]}"
      e2e_oci_run "$engine" "$W/bundle"
      ;;
  esac
}

ROWS=()
FAILED=0
for engine in podman-runc podman-crun runc crun; do
  run_on "$engine" ""
  if [ "$E2E_RC" != 0 ] || [ "$E2E_OUT" != "$HOST_OUT" ]; then
    e2e_die "$engine unconfined: rc=$E2E_RC out='$E2E_OUT' err: $(tail -3 "$E2E_ERR_FILE")"
  fi
  ok=0 first_fail=''
  for ((i = 1; i <= ITER; i++)); do
    run_on "$engine" "$W/echo.json"
    if [ "$E2E_RC" = 0 ] && [ "$E2E_OUT" = "$HOST_OUT" ]; then
      ok=$((ok + 1))
    else
      [ -n "$first_fail" ] || first_fail="run $i: rc=$E2E_RC $(tail -1 "$E2E_ERR_FILE" | cut -c1-160)"
      [ "$E2E_TIMED_OUT" = 0 ] || break
    fi
  done
  run_on "$engine" "$W/echo-no-$NEG.json"
  if [ "$E2E_RC" != 0 ] || [ "$E2E_OUT" != "$HOST_OUT" ]; then
    neg="fails as it must (rc=$E2E_RC)"
  else
    neg="STILL RUNS: profile not enforced"
    FAILED=1
  fi
  e2e_log "$engine: $ok/$ITER starts with the recorded profile; without $NEG: $neg"
  [ -z "$first_fail" ] || { e2e_log "$engine first failure: $first_fail"; FAILED=1; }
  [ "$ok" = "$ITER" ] || FAILED=1
  ROWS+=("$(printf '| %-11s | %8s | %-9s | %-40s |' "$engine" "$(echo "$NAMES" | wc -l)" "$ok/$ITER" "-$NEG: $neg")")
done

printf '\n| %-11s | %8s | %-9s | %-40s |\n' engine syscalls starts "negative (one syscall removed)"
printf '|%s|%s|%s|%s|\n' "-------------" "----------" "-----------" "------------------------------------------"
printf '%s\n' "${ROWS[@]}"
echo
[ "$FAILED" = 0 ] || e2e_die "an engine did not accept or did not enforce the profgen profile"
e2e_log "PASS"
