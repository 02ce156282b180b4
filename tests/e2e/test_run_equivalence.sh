#!/bin/bash
# SPDX-License-Identifier: MIT
# `profgen run` enforces a profile exactly as real runtimes do. Each row of the table is a
# profile, one syscall made by tests/fixtures/probe_syscall.c, and the expected outcome (the probe's
# one line of output and its exit status). Every row runs under `profgen run` and under a real
# engine: plain runc from an OCI bundle (the profile turned into linux.seccomp), or podman (with
# runc) where the row needs the Docker format itself (includes/excludes, archMap, `name`), which
# only the engines evaluate, or a private dockerd for minKernel, which podman 4.3 ignores. Both
# must give the expected outcome.
#
# The probed syscall is getpriority (x86_64 140, i386 96): no runtime makes it after installing
# the filter, and getpriority(0, 0) returns 20 whatever the remaining four arguments, so they are
# free for argument comparisons. Rows whose default action is not ALLOW allow every other syscall
# libseccomp knows, so only the probe's call meets the default.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$here/lib.sh" ] || { echo "SKIP: tests/e2e/lib.sh (the e2e helpers) is not on this branch yet" >&2; exit 77; }
# shellcheck source=tests/e2e/lib.sh
. "$here/lib.sh"

e2e_require_root_and_engines podman runc docker
e2e_require_profgen
command -v scmp_sys_resolver >/dev/null || e2e_skip "scmp_sys_resolver missing (Debian package seccomp)"
[ -x "${PROFGEN_FIXTURES:?}/probe_syscall" ] || e2e_die "no probe at $PROFGEN_FIXTURES/probe_syscall"
e2e_init
W=$E2E_TMP/eq
mkdir -p "$W"
# The probe runs at the same path on the host and in the image. The OCI bundles mount a tmpfs on
# /tmp, which would hide a probe from a checkout under /tmp: keep a copy under /var/tmp.
PROBE_DIR=$(mktemp -d /var/tmp/pg-probe.XXXXXX)
e2e_on_cleanup rm -rf "$PROBE_DIR"
PROBE=$PROBE_DIR/probe_syscall
cp "$PROFGEN_FIXTURES/probe_syscall" "$PROBE"

# Every x86_64 syscall libseccomp knows but getpriority, as a JSON array.
ALL_BUT=$(for n in $(seq 0 470); do scmp_sys_resolver -a x86_64 "$n"; done |
  grep -v -e '^-' -e '^getpriority$' -e '^UNKNOWN' | sort -u | jq -R . | jq -sc .)

# rule FIELDS : default ALLOW, one rule on getpriority with FIELDS (JSON members after "names").
rule() { echo "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpriority\"],$1}]}"; }
# default FIELDS : FIELDS at the top level, every other syscall allowed.
default() { echo "{$1,\"syscalls\":[{\"names\":$ALL_BUT,\"action\":\"SCMP_ACT_ALLOW\"}]}"; }
# top FIELDS RULE : FIELDS at the top level, default ALLOW, RULE as the only rule.
top() { echo "{\"defaultAction\":\"SCMP_ACT_ALLOW\",$1,\"syscalls\":[$2]}"; }
E='"action":"SCMP_ACT_ERRNO","errnoRet":18'           # EXDEV: this rule and no other
GP='"names":["getpriority"],"action":"SCMP_ACT_ERRNO","errnoRet":18'
op() { rule "$E,\"args\":[{\"index\":2,\"value\":$2,\"op\":\"SCMP_CMP_$1\"}]"; }

ROWS=()
# row ID ENGINE CAPS "PROBE ARGS" EXPECTED PROFILE
row() { ROWS+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"$4"$'\t'"$5"$'\t'"$6"); }
OK='ret=20|0'
X='errno=EXDEV|0'
KILLED='|159'
row allow runc - "call 140 0 0" "$OK" "$(rule '"action":"SCMP_ACT_ALLOW"')"
row errno-eperm runc - "call 140 0 0" 'errno=EPERM|0' "$(rule '"action":"SCMP_ACT_ERRNO"')"
row errno-ret runc - "call 140 0 0" "$X" "$(rule "$E")"
row kill runc - "call 140 0 0" "$KILLED" "$(rule '"action":"SCMP_ACT_KILL"')"
row kill-thread runc - "thread 140 0 0" 'main-alive|0' "$(rule '"action":"SCMP_ACT_KILL_THREAD"')"
row kill-process runc - "thread 140 0 0" "$KILLED" "$(rule '"action":"SCMP_ACT_KILL_PROCESS"')"
row trap runc - "call 140 0 0" 'trap nr=140 data=0|0' "$(rule '"action":"SCMP_ACT_TRAP"')"
row trace-no-tracer runc - "call 140 0 0" 'errno=ENOSYS|0' "$(rule '"action":"SCMP_ACT_TRACE"')"
row trace-errnoret runc - "call 140 0 0" 'errno=ENOSYS|0' "$(rule '"action":"SCMP_ACT_TRACE","errnoRet":18')"
row log runc - "call 140 0 0" "$OK" "$(rule '"action":"SCMP_ACT_LOG"')"
row default-errno runc - "call 140 0 0" 'errno=EPERM|0' "$(default '"defaultAction":"SCMP_ACT_ERRNO"')"
row default-errnoret runc - "call 140 0 0" 'errno=ENOSYS|0' "$(default '"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38')"
row default-kill runc - "call 140 0 0" "$KILLED" "$(default '"defaultAction":"SCMP_ACT_KILL_PROCESS"')"
row default-kill-thread runc - "thread 140 0 0" 'main-alive|0' "$(default '"defaultAction":"SCMP_ACT_KILL_THREAD"')"
row default-trap runc - "call 140 0 0" 'trap nr=140 data=0|0' "$(default '"defaultAction":"SCMP_ACT_TRAP"')"
row default-trace runc - "call 140 0 0" 'errno=ENOSYS|0' "$(default '"defaultAction":"SCMP_ACT_TRACE"')"
row default-log runc - "call 140 0 0" "$OK" "$(default '"defaultAction":"SCMP_ACT_LOG"')"
# Every operator at and around its boundary (argument 2 compared with 5).
for v in 4 5 6; do
  row "eq-$v" runc - "call 140 0 0 $v" "$([ $v = 5 ] && echo "$X" || echo "$OK")" "$(op EQ 5)"
  row "ne-$v" runc - "call 140 0 0 $v" "$([ $v != 5 ] && echo "$X" || echo "$OK")" "$(op NE 5)"
  row "lt-$v" runc - "call 140 0 0 $v" "$([ $v -lt 5 ] && echo "$X" || echo "$OK")" "$(op LT 5)"
  row "le-$v" runc - "call 140 0 0 $v" "$([ $v -le 5 ] && echo "$X" || echo "$OK")" "$(op LE 5)"
  row "ge-$v" runc - "call 140 0 0 $v" "$([ $v -ge 5 ] && echo "$X" || echo "$OK")" "$(op GE 5)"
  row "gt-$v" runc - "call 140 0 0 $v" "$([ $v -gt 5 ] && echo "$X" || echo "$OK")" "$(op GT 5)"
done
# 64-bit values: the upper half counts.
row eq64-low runc - "call 140 0 0 5" "$OK" "$(op EQ 4294967301)"
row eq64-high runc - "call 140 0 0 0x100000005" "$X" "$(op EQ 4294967301)"
row gt64 runc - "call 140 0 0 0x100000000" "$X" "$(op GT 4294967295)"
# Masked equality: (arg & value) == valueTwo.
MASK="$E,\"args\":[{\"index\":3,\"value\":240,\"valueTwo\":48,\"op\":\"SCMP_CMP_MASKED_EQ\"}]"
row masked-match runc - "call 140 0 0 0 0x35" "$X" "$(rule "$MASK")"
row masked-miss runc - "call 140 0 0 0 0x45" "$OK" "$(rule "$MASK")"
# Conditions on different arguments: all must hold (AND).
AND="$E,\"args\":[{\"index\":2,\"value\":5,\"op\":\"SCMP_CMP_EQ\"},{\"index\":5,\"value\":9,\"op\":\"SCMP_CMP_EQ\"}]"
row and-both runc - "call 140 0 0 5 0 0 9" "$X" "$(rule "$AND")"
row and-one runc - "call 140 0 0 5 0 0 8" "$OK" "$(rule "$AND")"
# Two conditions on the same argument: runc and crun add one rule each, so either (OR).
OR="$E,\"args\":[{\"index\":2,\"value\":5,\"op\":\"SCMP_CMP_EQ\"},{\"index\":2,\"value\":7,\"op\":\"SCMP_CMP_EQ\"}]"
row same-index-first runc - "call 140 0 0 5" "$X" "$(rule "$OR")"
row same-index-second runc - "call 140 0 0 7" "$X" "$(rule "$OR")"
row same-index-neither runc - "call 140 0 0 6" "$OK" "$(rule "$OR")"
# A name newer than libseccomp 2.5.4 beside a known one: skipped, the rest applies.
row newer-name runc - "call 140 0 0" "$X" "$(top '"architectures":["SCMP_ARCH_X86_64"]' "{\"names\":[\"mseal\",\"getpriority\"],$E}")"
# Architectures: a 32-bit call is killed unless its ABI is in the filter.
row arch-native-only runc - "i386 96 0 0" "$KILLED" "$(top '"architectures":["SCMP_ARCH_X86_64"]' "{$GP}")"
row arch-x86-ok runc - "i386 96 0 0" "$OK" "$(top '"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"]' '{"names":["getpriority"],"action":"SCMP_ACT_ALLOW"}')"
row arch-x86-rule runc - "i386 96 0 0" "$X" "$(top '"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"]' "{$GP}")"
# The Docker format itself, evaluated by podman.
row archmap-sub podman - "i386 96 0 0" "$X" "$(top '"archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]}]' "{$GP}")"
row archmap-other podman - "i386 96 0 0" "$KILLED" "$(top '"archMap":[{"architecture":"SCMP_ARCH_AARCH64","subArchitectures":["SCMP_ARCH_ARM"]}]' "{$GP}")"
row deprecated-name podman - "call 140 0 0" "$X" "$(top '"architectures":["SCMP_ARCH_X86_64"]' "{\"name\":\"getpriority\",$E}")"
row inc-cap-yes podman SYS_NICE "call 140 0 0" "$X" "$(rule "$E,\"includes\":{\"caps\":[\"CAP_SYS_NICE\"]}")"
row inc-cap-no podman - "call 140 0 0" "$OK" "$(rule "$E,\"includes\":{\"caps\":[\"CAP_SYS_NICE\"]}")"
row inc-caps-all podman SYS_NICE "call 140 0 0" "$OK" "$(rule "$E,\"includes\":{\"caps\":[\"CAP_SYS_NICE\",\"CAP_SYS_TIME\"]}")"
row exc-cap-yes podman SYS_NICE "call 140 0 0" "$OK" "$(rule "$E,\"excludes\":{\"caps\":[\"CAP_SYS_NICE\"]}")"
row exc-cap-no podman - "call 140 0 0" "$X" "$(rule "$E,\"excludes\":{\"caps\":[\"CAP_SYS_NICE\"]}")"
row exc-caps-any podman SYS_NICE "call 140 0 0" "$OK" "$(rule "$E,\"excludes\":{\"caps\":[\"CAP_SYS_TIME\",\"CAP_SYS_NICE\"]}")"
row inc-arch-yes podman - "call 140 0 0" "$X" "$(rule "$E,\"includes\":{\"arches\":[\"amd64\",\"x32\"]}")"
row inc-arch-no podman - "call 140 0 0" "$OK" "$(rule "$E,\"includes\":{\"arches\":[\"arm64\"]}")"
row exc-arch-yes podman - "call 140 0 0" "$OK" "$(rule "$E,\"excludes\":{\"arches\":[\"amd64\"]}")"
row exc-arch-no podman - "call 140 0 0" "$X" "$(rule "$E,\"excludes\":{\"arches\":[\"s390x\"]}")"
# minKernel: podman 4.3 predates it (it ignores the key), Docker 20.10 has it.
row inc-kernel-old docker - "call 140 0 0" "$X" "$(rule "$E,\"includes\":{\"minKernel\":\"4.0\"}")"
row inc-kernel-future docker - "call 140 0 0" "$OK" "$(rule "$E,\"includes\":{\"minKernel\":\"99.0\"}")"
row exc-kernel-old docker - "call 140 0 0" "$OK" "$(rule "$E,\"excludes\":{\"minKernel\":\"4.0\"}")"

e2e_rootfs_tar TAR "bin=$PROBE"
e2e_oci_bundle "$W/bundle" "$TAR"
e2e_podman_init
e2e_podman_import "$TAR" localhost/pg-e2e-probe
e2e_dockerd_start
e2e_docker_import "$TAR" localhost/pg-e2e-probe

# outcome : "LAST STDOUT LINE|STATUS" of the last capture.
outcome() { echo "$(tail -n1 <<<"$E2E_OUT")|$E2E_RC"; }

pass=0 fail=0
printf '%-22s %-7s %-26s %-26s %-26s\n' ROW ENGINE EXPECTED "PROFGEN RUN" ENGINE >&2
for r in "${ROWS[@]}"; do
  IFS=$'\t' read -r id engine caps args want profile <<<"$r"
  echo "$profile" | jq . >"$W/$id.json"
  read -ra argv <<<"$args"
  capargs=() E2E_OCI_CAPS=
  [ "$caps" = - ] || { capargs=(--cap-add "$caps"); E2E_OCI_CAPS="CAP_$caps"; }
  e2e__capture "$E2E_TIMEOUT" "$PROFGEN" run --quiet --profile "$W/$id.json" "${capargs[@]}" -- "$PROBE" "${argv[@]}"
  got_pg=$(outcome)
  case $engine in
    runc)
      e2e_oci_config "$W/bundle" "$W/$id.json" "$PROBE" "${argv[@]}"
      e2e_oci_run runc "$W/bundle"
      ;;
    podman)
      e2e_podman_run runc --cap-drop ALL "${capargs[@]}" --security-opt "seccomp=$W/$id.json" \
        localhost/pg-e2e-probe "$PROBE" "${argv[@]}"
      ;;
    docker)
      e2e_docker_run --cap-drop ALL "${capargs[@]}" --security-opt "seccomp=$W/$id.json" \
        localhost/pg-e2e-probe "$PROBE" "${argv[@]}"
      ;;
  esac
  got_rt=$(outcome)
  verdict=ok
  if [ "$got_pg" != "$want" ] || [ "$got_rt" != "$want" ]; then verdict=FAIL; fail=$((fail + 1)); else pass=$((pass + 1)); fi
  printf '%-22s %-7s %-26s %-26s %-26s %s\n' "$id" "$engine" "$want" "$got_pg" "$got_rt" "$verdict" >&2
  [ "$verdict" = ok ] || { [ -z "$E2E_ERR" ] || e2e_log "  $engine stderr: $(head -c 300 <<<"$E2E_ERR")"; }
done
echo "equivalence: $pass passed, $fail failed"
[ "$fail" = 0 ]
