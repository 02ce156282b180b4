#!/bin/bash
# SPDX-License-Identifier: MIT
# The recommended capability list is exactly what the real Docker engine proves necessary. For
# every capability fixture (tests/trace/caps_cases.sh) and for real servers that drop privileges
# (busybox httpd -u, nginx with `user nobody` when installed): record on the host, check the list
# is the expected one, then run the fixture in dockerd under its recorded seccomp profile with
# --cap-drop ALL --cap-add <list> and the kernel's default sysctls: it must end as it did on the
# host; and with any one listed capability removed it must not. A workload that needs none
# records none. Ends with the table (fixture, expected, recorded, source, docker).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lib.sh
. "$here/lib.sh"
# shellcheck source=tests/trace/caps_cases.sh
. "$here/../trace/caps_cases.sh"

e2e_require_root_and_engines docker
e2e_require_profgen
[ -x "${PROFGEN_FIXTURES:-}/cap_bind" ] || e2e_die "PROFGEN_FIXTURES does not hold the cap_* fixtures"
e2e_init
# mlock's limit on both sides: dockerd, and so every container, inherits this shell's.
ulimit -l 8192
W=$E2E_TMP/caps
# Outside E2E_TMP (0700): uid 1000 must reach the objects, and record into $U.
U=$(mktemp -d /tmp/pg-capsu.XXXXXX)
chown 1000:1000 "$U"
chmod 755 "$U"
e2e_on_cleanup rm -rf "$U"
D=$U/objs
e2e_on_cleanup chattr -a "$D/mine"
mkdir -p "$W"

specs=(busybox)
for f in "$PROFGEN_FIXTURES"/cap_*; do specs+=("bin=$f"); done
NGINX=$(command -v nginx || true)
[ -z "$NGINX" ] || specs+=("bin=$NGINX" file=/etc/passwd file=/etc/group)
e2e_rootfs_tar TAR "${specs[@]}"
e2e_dockerd_start
e2e_docker_import "$TAR" localhost/pg-caps

# The kernel defaults, which Docker replaces in every container with its own network namespace.
SYSCTLS=(--sysctl net.ipv4.ip_unprivileged_port_start=1024 --sysctl "net.ipv4.ping_group_range=1 0")
TABLE=$E2E_TMP/caps-table.md
printf '| fixture | expected | recorded | source | docker: list, then each one removed |\n|---|---|---|---|---|\n' >"$TABLE"
pass=0 fail=0

# Docker learned CAP_BPF and CAP_PERFMON (Linux 5.8) in 23.0; before, SYS_ADMIN passes their
# checks, and that is what the .caps note advises there.
OLD_DOCKER=0
[ "$("${E2E_DOCKER[@]}" version --format '{{.Server.Version}}' | cut -d. -f1)" -ge 23 ] || OLD_DOCKER=1
docker_cap() {
  case $OLD_DOCKER:${1#CAP_} in
    1:BPF | 1:PERFMON | 1:CHECKPOINT_RESTORE) echo SYS_ADMIN ;;
    *) echo "${1#CAP_}" ;;
  esac
}

# docker_as USER CAPS... -- CMD... : one container run with exactly those capabilities.
docker_as() {
  local user=$1 args=()
  shift
  while [ "$1" != -- ]; do args+=(--cap-add "$(docker_cap "$1")"); shift; done
  shift
  [ "$user" = root ] || args+=(--user "$user:$user")
  caps_objects "$D"
  e2e_docker_run --security-opt "seccomp=$PROFILE" --cap-drop ALL "${args[@]}" "${SYSCTLS[@]}" \
    -v "$D:$D" localhost/pg-caps "$@"
}

# record_as USER PROFILE CMD... : profgen record on the host, as root or as uid 1000.
record_as() {
  local user=$1 profile=$2
  shift 2
  caps_objects "$D"
  if [ "$user" = root ]; then
    e2e_record "$profile" "$@"
  else
    e2e__capture 300 setpriv --reuid "$user" --regid "$user" --clear-groups \
      env -i -C / "${E2E_ENV[@]}" "$PROFGEN" record -o "$profile" -- "$@"
  fi
}

# check NAME EXPECTED USER CMD...
check() {
  local name=$1 expect=$2 user=$3 got host_rc verdict c d
  shift 3
  PROFILE=$W/$name.json
  [ "$user" = root ] || PROFILE=$U/$name.json
  record_as "$user" "$PROFILE" "$@"
  host_rc=$E2E_RC
  got=$(caps_of "${PROFILE%.json}.caps")
  local -a caps=()
  [ "$got" = - ] || read -r -a caps <<<"$got"
  docker_as "$user" "${caps[@]}" -- "$@"
  verdict="exit $E2E_RC (host $host_rc)"
  local ok=1
  [ "$got" = "$expect" ] || { ok=0; verdict+="; expected [$expect]"; }
  [ "$E2E_RC" = "$host_rc" ] || { ok=0; verdict+="; differs: ${E2E_ERR//$'\n'/ }"; }
  for c in "${caps[@]}"; do
    local -a less=()
    for d in "${caps[@]}"; do [ "$d" = "$c" ] || less+=("$d"); done
    docker_as "$user" "${less[@]}" -- "$@"
    [ "$(docker_cap "$c")" = "${c#CAP_}" ] || verdict+=" (as $(docker_cap "$c") for Docker < 23)"
    if [ "$E2E_RC" != "$host_rc" ]; then
      verdict+=", -${c#CAP_}: exit $E2E_RC"
    else
      ok=0
      verdict+=", -${c#CAP_}: still exit $E2E_RC (not needed?)"
    fi
  done
  printf '| %s | %s | %s | %s | %s %s |\n' "$name" "$expect" "$got" \
    "$(caps_sources "${PROFILE%.json}.caps")" "$([ $ok = 1 ] && echo ok || echo FAIL)" "$verdict" >>"$TABLE"
  if [ $ok = 1 ]; then
    pass=$((pass + 1))
    e2e_log "ok   $name: [$got] $verdict"
  else
    fail=$((fail + 1))
    e2e_log "FAIL $name: [$got] $verdict"
    sed 's/^/    /' "${PROFILE%.json}.caps" >&2
  fi
}

while IFS='|' read -r name expect cmd; do
  read -r name <<<"$name" # trims
  [ -n "$name" ] || continue
  [[ $name =~ ${E2E_CASES:-.} ]] || continue
  read -r expect <<<"$expect"
  expect=$(caps_expect "$expect")
  read -r -a argv <<<"$(eval echo "$cmd")"
  check "$name" "$expect" root "$PROFGEN_FIXTURES/${argv[0]}" "${argv[@]:1}"
done <<<"$CAPS_CASES"

# A non-root container user: what fails on the host fails in the container, nothing is needed.
check uid1000-bind-80 - 1000 "$PROFGEN_FIXTURES/cap_bind" 80
check uid1000-bind-8080 - 1000 "$PROFGEN_FIXTURES/cap_bind" 8080
check uid1000-open-own - 1000 "$PROFGEN_FIXTURES/cap_open" "$D/other" r

# Real servers started as root that bind port 80 and serve $D/www as another user. The client
# waits for the listening socket, not by retrying: a retry's error path would be a path the
# recording never saw (runtimes.md, "Paths that depend on timing").
HTTPD="/bin/busybox httpd -f -p 80 -u 65534:65534 -h $D/www & p=\$!
i=0; until /bin/busybox grep -q ':0050 00000000:0000 0A' /proc/net/tcp || [ \$i -ge 50 ]; do
  i=\$((i + 1)); /bin/busybox sleep 0.1; done
/bin/busybox timeout 5 /bin/busybox wget -q -O - http://127.0.0.1/index.html; s=\$?
kill \$p || exit 9; wait \$p; exit \$s"
check busybox-httpd "CAP_KILL CAP_NET_BIND_SERVICE CAP_SETGID CAP_SETUID" root /bin/busybox sh -c "$HTTPD"
if [ -n "$NGINX" ]; then
  NGINX_CONF="user nobody nogroup; daemon off; worker_processes 2; pid $D/nginx.pid;
events { worker_connections 16; }
http { access_log off; client_body_temp_path $D/tmp/body; proxy_temp_path $D/tmp/proxy;
  fastcgi_temp_path $D/tmp/fastcgi; uwsgi_temp_path $D/tmp/uwsgi; scgi_temp_path $D/tmp/scgi;
  server { listen 80; root $D/www; } }"
  NGINX_RUN="/bin/busybox mkdir -p $D/tmp; /bin/busybox printf '%s' '$NGINX_CONF' >$D/nginx.conf
$NGINX -c $D/nginx.conf -e stderr & p=\$!
i=0; until /bin/busybox grep -q ':0050 00000000:0000 0A' /proc/net/tcp || [ \$i -ge 50 ]; do
  i=\$((i + 1)); /bin/busybox sleep 0.1; done
/bin/busybox timeout 5 /bin/busybox wget -q -O - http://127.0.0.1/index.html; s=\$?
kill -QUIT \$p || exit 9
i=0; while kill -0 \$p 2>/dev/null && [ \$i -lt 50 ]; do i=\$((i + 1)); /bin/busybox sleep 0.1; done
exit \$s"
  check nginx "CAP_CHOWN CAP_NET_BIND_SERVICE CAP_SETGID CAP_SETUID" root /bin/busybox sh -c "$NGINX_RUN"
else
  printf '| nginx | - | - | - | skipped: nginx is not installed (nginx-light) |\n' >>"$TABLE"
  e2e_log "skip nginx: not installed (apt-get install nginx-light)"
fi

cat "$TABLE"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
