#!/bin/bash
# SPDX-License-Identifier: MIT
# The capability sets inside `profgen run --cap-add X` are the ones inside
# `docker run --cap-drop ALL --cap-add X`, for root and for a non-root --user: the five Cap* lines
# of /proc/self/status (bounding, permitted, effective, inheritable, ambient) must be identical.
# Also with no-new-privileges, and with the list read from a .caps file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$here/lib.sh" ] || { echo "SKIP: tests/e2e/lib.sh (the e2e helpers) is not on this branch yet" >&2; exit 77; }
# shellcheck source=tests/e2e/lib.sh
. "$here/lib.sh"

e2e_require_root_and_engines docker
e2e_require_profgen
e2e_init
W=$E2E_TMP/caps
mkdir -p "$W"
echo '{"defaultAction":"SCMP_ACT_ALLOW"}' >"$W/allow.json"

e2e_rootfs_tar TAR busybox
e2e_dockerd_start
e2e_docker_import "$TAR" localhost/pg-e2e-bb

CMD=(/bin/busybox grep ^Cap /proc/self/status)
pass=0 fail=0
# check LABEL USER NNP CAP... : one comparison
check() {
  local label=$1 user=$2 nnp=$3 c dk_args=() pg_args=()
  shift 3
  for c in "$@"; do dk_args+=(--cap-add "$c"); pg_args+=(--cap-add "$c"); done
  [ "$user" = root ] || { dk_args+=(--user "$user"); pg_args+=(--user "$user"); }
  [ "$nnp" = 0 ] || { dk_args+=(--security-opt no-new-privileges); pg_args+=(--no-new-privileges); }
  e2e_docker_run --cap-drop ALL --security-opt seccomp=unconfined "${dk_args[@]}" localhost/pg-e2e-bb "${CMD[@]}"
  [ "$E2E_RC" = 0 ] || e2e_die "$label: docker run failed ($E2E_RC): $E2E_ERR"
  local want=$E2E_OUT
  e2e__capture "$E2E_TIMEOUT" "$PROFGEN" run --profile "$W/allow.json" "${pg_args[@]}" -- "${CMD[@]}"
  [ "$E2E_RC" = 0 ] || e2e_die "$label: profgen run failed ($E2E_RC): $E2E_ERR"
  if [ "$E2E_OUT" = "$want" ]; then
    pass=$((pass + 1))
    e2e_log "ok   $label: $(echo "$want" | tr '\n\t' '  ')"
  else
    fail=$((fail + 1))
    e2e_log "FAIL $label"
    diff <(echo "$want") <(echo "$E2E_OUT") | sed 's/^/    /' >&2 || true
  fi
}

check "root, no caps" root 0
check "root, NET_BIND_SERVICE" root 0 NET_BIND_SERVICE
check "root, CHOWN SYS_NICE NET_RAW" root 0 CHOWN SYS_NICE NET_RAW
check "root, SYS_ADMIN" root 0 SYS_ADMIN
check "root, NET_BIND_SERVICE, no-new-privileges" root 1 NET_BIND_SERVICE
check "1000:1000, no caps" 1000:1000 0
check "1000:1000, NET_BIND_SERVICE" 1000:1000 0 NET_BIND_SERVICE
check "1000:1000, CHOWN SYS_ADMIN" 1000:1000 0 CHOWN SYS_ADMIN
check "1000:1000, NET_BIND_SERVICE, no-new-privileges" 1000:1000 1 NET_BIND_SERVICE

# The same list from a .caps file (the recorder's format: names with evidence comments).
printf '# recorded\nCAP_CHOWN   # chown(2) to uid 1\n\nNET_RAW # socket(AF_PACKET)\n' >"$W/app.caps"
e2e__capture "$E2E_TIMEOUT" "$PROFGEN" run --profile "$W/allow.json" --caps "$W/app.caps" -- "${CMD[@]}"
caps_file_out=$E2E_OUT
e2e__capture "$E2E_TIMEOUT" "$PROFGEN" run --profile "$W/allow.json" --cap-add CHOWN,NET_RAW -- "${CMD[@]}"
if [ "$caps_file_out" = "$E2E_OUT" ] && [ -n "$E2E_OUT" ]; then pass=$((pass + 1)); else
  fail=$((fail + 1)); e2e_log "FAIL --caps FILE differs from --cap-add: $caps_file_out"; fi
echo "capabilities: $pass passed, $fail failed"
[ "$fail" = 0 ]
