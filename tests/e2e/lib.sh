# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2034  # the E2E_* results are read by the sourcing test scripts
# Sourced by tests/e2e/test_*.sh: real engines (a private dockerd, podman, runc, crun), rootfs
# tarballs built from host binaries, and one environment shared by the host recording and every
# container run. ../../../shared/docs/runtimes.md says why each detail is the way it is.
#
# Knobs (environment):
#   ITER=10                 confined runs per workload (the runtime's needs are intermittent)
#   E2E_TIMEOUT=60          seconds one container run may take before it is killed
#   PROFGEN_E2E_CACHE=DIR   keep rootfs tarballs across runs (keyed by content); default per run
#   E2E_KEEP=1              keep the per-run temp dir (profiles, logs) for a post-mortem

# Guard against a second source from a helper.
[ -n "${E2E_LIB_LOADED:-}" ] && return 0
E2E_LIB_LOADED=1

E2E_LIB=$(readlink -f "${BASH_SOURCE[0]}")
ITER=${ITER:-10}
E2E_TIMEOUT=${E2E_TIMEOUT:-60}
E2E_HOSTNAME=pg-e2e
# The one environment of the workload, on the host and in every container. Docker always adds
# HOSTNAME, so the host gets it too; podman's own additions are removed (--unsetenv-all).
E2E_ENV=(PATH=/usr/bin:/bin HOME=/root "HOSTNAME=$E2E_HOSTNAME")
E2E_UMASK=0022

# Syscalls the runtimes themselves make after the filter is in place (runtimes.md, runc 1.1.5 and
# crun 1.8.1 with no-new-privileges off, plus the four a trace can miss). A negative test must
# remove a syscall outside this set, or the container fails for the runtime's sake, not the
# workload's, and the test proves nothing.
E2E_RUNTIME_BASELINE="capget capset chdir close execve faccessat faccessat2 fstat fstatfs futex
getcwd getdents64 getppid newfstatat openat prctl pselect6 read rt_sigaction rt_sigprocmask
rt_sigreturn setgid setgroups setresgid setresuid setuid write exit exit_group restart_syscall"

E2E_T0=$(date +%s.%N)
E2E__SEQ=0
E2E__CLEANUPS=()

e2e_log() { printf '[%6.1fs] %s\n' "$(awk -v a="$(date +%s.%N)" -v b="$E2E_T0" 'BEGIN{print a-b}')" "$*" >&2; }
e2e_die() { e2e_log "FAIL: $*"; exit 1; }
e2e_skip() { echo "SKIP: $*" >&2; exit 77; }

# ------------------------------------------------------------------ preconditions

# e2e_require_root_and_engines [docker] [podman] [runc] [crun]
# Exits 77 (CTest's skip) when the machine cannot run the engines at all; the test command
# (scripts/test.sh -> scripts/deps.sh all) installs them, so a skip here means a bare ctest run.
e2e_require_root_and_engines() {
  [ "$(id -u)" = 0 ] || e2e_skip "needs root (dockerd, runc, crun and podman run as root here)"
  [ "$(uname -m)" = x86_64 ] || e2e_skip "runtime baselines are measured on x86_64 only, this is $(uname -m)"
  grep -q '^Seccomp:' /proc/self/status || e2e_skip "kernel without seccomp"
  local cmds=(jq tar sha256sum timeout setpriv ldd /bin/busybox) missing=() c
  local e
  for e in "$@"; do
    case $e in
      docker) cmds+=(dockerd /usr/bin/docker containerd runc) ;;
      podman) cmds+=(podman conmon runc crun unshare) ;;
      runc) cmds+=(runc) ;;
      crun) cmds+=(crun unshare) ;;
      *) e2e_die "e2e_require_root_and_engines: unknown engine $e" ;;
    esac
  done
  for c in "${cmds[@]}"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  [ ${#missing[@]} -eq 0 ] ||
    e2e_skip "missing ${missing[*]} (install with: scripts/deps.sh all, see scripts/packages-e2e.txt)"
}

# The binary under test is not optional: CTest always sets PROFGEN, so a missing or broken one
# is a failure, never a skip.
e2e_require_profgen() {
  [ -n "${PROFGEN:-}" ] || e2e_die "PROFGEN is not set (run through ctest, or export PROFGEN=build/profgen)"
  [ -x "$PROFGEN" ] || e2e_die "PROFGEN=$PROFGEN is not an executable file"
  PROFGEN=$(readlink -f "$PROFGEN")
}

# ------------------------------------------------------------------ per-run state and cleanup

e2e_init() {
  E2E_TMP=$(mktemp -d /tmp/pg-e2e.XXXXXX)
  E2E_CACHE=${PROFGEN_E2E_CACHE:-$E2E_TMP/cache}
  mkdir -p "$E2E_CACHE"
  trap e2e__on_exit EXIT
  # Turn signals into a normal exit so the EXIT trap stops the engines.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
  e2e_log "temp dir $E2E_TMP"
}

# e2e_on_cleanup CMD... : run CMD at exit (last registered runs first), pass or fail.
e2e_on_cleanup() { E2E__CLEANUPS+=("$(printf '%q ' "$@")"); }

e2e__on_exit() {
  local rc=$? i
  set +e
  for ((i = ${#E2E__CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${E2E__CLEANUPS[i]}"; done
  if [ -n "${E2E_TMP:-}" ] && [ -d "$E2E_TMP" ]; then
    e2e__umount_under "$E2E_TMP"
    if [ "${E2E_KEEP:-0}" = 1 ]; then e2e_log "kept $E2E_TMP"; else rm -rf --one-file-system "$E2E_TMP"; fi
  fi
  exit "$rc"
}

# Engines leave mounts under their private dirs (dockerd bind-mounts its data-root on itself,
# containers/storage its overlay home); unmount them deepest first so rm never crosses into them.
e2e__umount_under() {
  local dir=$1 m
  while read -r m; do umount -l "$m" 2>/dev/null; done < <(
    awk -v d="$dir" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo | sort -r)
}

# Kills PID (TERM, then KILL after a grace period) and waits for it.
e2e__stop_pid() {
  local pid=$1 grace=${2:-20} i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < grace * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    e2e_log "pid $pid ignored SIGTERM for ${grace}s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  return 0
}

# Processes whose command line names DIR (containerd and shims started for our private dockerd):
# they are ours by construction, found by pid, never by a name pattern.
e2e__pids_naming() {
  local dir=$1 p
  for p in /proc/[0-9]*; do
    { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qF -- "$dir/" && echo "${p#/proc/}"
  done
  return 0
}

# ------------------------------------------------------------------ running things

# e2e__capture TIMEOUT CMD... : run CMD with stdin from /dev/null; sets E2E_OUT, E2E_ERR (text),
# E2E_OUT_FILE, E2E_ERR_FILE and E2E_RC (124 on timeout, with E2E_TIMED_OUT=1).
e2e__capture() {
  local to=$1; shift
  E2E__SEQ=$((E2E__SEQ + 1))
  E2E_OUT_FILE=$E2E_TMP/run.$E2E__SEQ.out
  E2E_ERR_FILE=$E2E_TMP/run.$E2E__SEQ.err
  E2E_TIMED_OUT=0
  set +e
  (umask "$E2E_UMASK" && exec timeout -k 5 "$to" "$@") </dev/null >"$E2E_OUT_FILE" 2>"$E2E_ERR_FILE"
  E2E_RC=$?
  set -e
  case $E2E_RC in 124 | 137) E2E_TIMED_OUT=1 ;; esac
  E2E_OUT=$(cat "$E2E_OUT_FILE")
  E2E_ERR=$(cat "$E2E_ERR_FILE")
}

# e2e_host_run CMD... : the workload on the host, in the container's environment (env, cwd /,
# umask): the reference a recording must match. `env -C`, not a shell's cd: a shell would export
# PWD and OLDPWD, and dash, for one, then skips a getcwd the container run makes.
e2e_host_run() {
  e2e__capture "$E2E_TIMEOUT" env -i -C / "${E2E_ENV[@]}" "$@"
}

# e2e_record PROFILE CMD... : `profgen record -o PROFILE -- CMD...` in that same environment.
# profgen itself runs under env -i, so the workload inherits exactly E2E_ENV from it.
e2e_record() {
  local profile=$1; shift
  e2e__capture 300 env -i -C / "${E2E_ENV[@]}" "$PROFGEN" record -o "$profile" -- "$@"
}

# e2e_caps_args CAPSFILE : prints --cap-add NAME lines for each capability in a .caps file
# (one per line, optional CAP_ prefix, # comments). The format is profgen's; parse leniently.
e2e_caps_args() {
  local f=$1
  [ -f "$f" ] || e2e_die "no capability file $f (record must write it beside the profile)"
  sed -e 's/#.*//' "$f" | awk '{print $1}' | grep -E '^(CAP_)?[A-Z_]+$' | sed 's/^CAP_//' |
    while read -r c; do printf -- '--cap-add\n%s\n' "$c"; done
  return 0
}

# ------------------------------------------------------------------ profiles

# e2e_profile_names PROFILE : the allowed syscall names, one per line, sorted.
e2e_profile_names() {
  jq -r '.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]' "$1" | sort -u
}

# e2e_profile_without PROFILE NAME OUT : PROFILE with NAME removed from every rule.
e2e_profile_without() {
  jq --arg n "$2" '.syscalls |= map(.names -= [$n] | select(.names | length > 0))' "$1" >"$3"
}

# e2e_in_baseline NAME : true when NAME is one of the runtimes' own post-filter syscalls, as
# runtimes.md lists them or as the generator's table has them (whichever is larger stays safe).
e2e_in_baseline() {
  local table=${PROFGEN_SRC:-}/generator/baseline_table.c
  [[ " ${E2E_RUNTIME_BASELINE//$'\n'/ } " == *" $1 "* ]] ||
    { [ -f "$table" ] && grep -qE "^[[:space:]]*\{[A-Z]+, (true|false), \"$1\"" "$table"; }
}

# ------------------------------------------------------------------ rootfs tarballs

# e2e_rootfs_tar OUTVAR SPEC... : builds (or reuses from the cache) a rootfs tarball and stores
# its path in OUTVAR. SPEC items:
#   busybox        /bin/busybox and its applet links (the link named busybox is skipped)
#   bin=PATH       a host binary at the same PATH, with the libraries ldd lists (+ ld.so.cache,
#                  so the loader finds them the way it does on the host)
#   file=PATH      a host file or directory tree at the same PATH (symlinks inside kept)
# The usr-merge symlinks (/bin -> usr/bin ...) mirror the host, so paths resolve the same way.
# Every binary sits at the path it has on the host: the recording and the container then exec
# the same file and the loader opens the same paths.
e2e_rootfs_tar() {
  local __var=$1; shift
  local manifest key tar
  manifest=$(e2e__rootfs_manifest "$@") || e2e_die "rootfs spec: $*"
  key=$( { sha256sum "$E2E_LIB" | cut -d' ' -f1; printf '%s\n' "$manifest"; } | sha256sum | cut -c1-16)
  tar=$E2E_CACHE/rootfs-$key.tar
  if [ ! -s "$tar" ]; then
    local dir=$E2E_TMP/rootfs-$key
    rm -rf "$dir"
    e2e__rootfs_build "$dir" "$manifest"
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir" -cf "$tar.tmp.$$" .
    mv -f "$tar.tmp.$$" "$tar"
    rm -rf "$dir"
    e2e_log "rootfs $tar built ($(du -h "$tar" | cut -f1))"
  else
    e2e_log "rootfs $tar from cache"
  fi
  printf -v "$__var" '%s' "$tar"
}

# Turns a spec into "KIND PATH SHA256" lines covering every host file that goes in (ldd closure
# included), so the cache key changes whenever any input does.
e2e__rootfs_manifest() {
  local item path lib
  for item in "$@"; do
    case $item in
      busybox) e2e__manifest_bin /bin/busybox; echo "links /bin/busybox -" ;;
      bin=*)
        path=${item#bin=}
        e2e__manifest_bin "$path"
        ;;
      file=*)
        path=${item#file=}
        [ -e "$path" ] || { echo "e2e: no such file $path" >&2; return 1; }
        if [ -d "$path" ]; then
          echo "tree $path $( (cd "$path" && find . -printf '%P %y %m %l\n' | sort &&
            find . -type f -print0 | sort -z | xargs -0r sha256sum) | sha256sum | cut -c1-64)"
        else
          echo "file $path $(sha256sum <"$path" | cut -c1-64)"
        fi
        ;;
      *) echo "e2e: unknown rootfs spec item $item" >&2; return 1 ;;
    esac
  done | sort -u
}

e2e__manifest_bin() {
  local path=$1 lib
  [ -x "$path" ] || { echo "e2e: $path is not an executable" >&2; return 1; }
  echo "bin $path $(sha256sum <"$path" | cut -c1-64)"
  for lib in $(env -i ldd "$path" 2>/dev/null | grep -oE '(^|[[:space:]])/[^[:space:]]+' || true); do
    echo "lib $lib $(sha256sum <"$lib" | cut -c1-64)"
  done
  if env -i ldd "$path" >/dev/null 2>&1; then
    echo "file /etc/ld.so.cache $(sha256sum </etc/ld.so.cache | cut -c1-64)"
  fi
}

e2e__rootfs_build() {
  local dir=$1 manifest=$2 kind path sum d a
  mkdir -p "$dir"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc,tmp,proc,sys,dev,root,run}
  chmod 1777 "$dir/tmp"
  chmod 0700 "$dir/root"
  for d in bin sbin lib lib64; do
    if [ -L "/$d" ]; then ln -sfn "$(readlink "/$d")" "$dir/$d"; else mkdir -p "$dir/$d"; fi
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$dir/etc/passwd"
  printf 'root:x:0:\n' >"$dir/etc/group"
  while read -r kind path sum; do
    case $kind in
      bin | lib | file)
        mkdir -p "$dir$(dirname "$path")"
        cp -L --preserve=mode "$path" "$dir$path"
        ;;
      tree)
        mkdir -p "$dir$(dirname "$path")"
        cp -a "$path" "$dir$path"
        ;;
      links)
        # Builtins only: ~270 applets, a fork each would cost seconds.
        for a in $("$path" --list-full); do
          [ "${a##*/}" = busybox ] && continue
          [ -d "$dir/${a%/*}" ] || mkdir -p "$dir/${a%/*}"
          [ -e "$dir/$a" ] || [ -L "$dir/$a" ] || ln -s "$path" "$dir/$a"
        done
        ;;
    esac
  done <<<"$manifest"
  : "$sum"
}

# ------------------------------------------------------------------ a private dockerd

# e2e_dockerd_start : starts Debian's dockerd with everything private (data-root, exec-root,
# socket, no iptables or bridge) under a short dir (unix socket paths are limited to 108 bytes)
# and sets E2E_DOCKER=(/usr/bin/docker -H unix://...). Stopped by pid at exit, pass or fail.
e2e_dockerd_start() {
  local d i
  d=$(mktemp -d /tmp/pg-dk.XXXX)
  E2E_DOCKERD_DIR=$d
  e2e_on_cleanup e2e__dockerd_stop "$d"
  # pdeathsig: if this script is SIGKILLed (a CTest timeout), dockerd still gets a TERM and shuts
  # down its containerd, instead of living on with nobody to stop it.
  setpriv --pdeathsig TERM -- dockerd --data-root "$d/root" --exec-root "$d/exec" --pidfile "$d/pid" \
    -H "unix://$d/sock" --iptables=false --ip6tables=false --ip-masq=false --bridge=none \
    --exec-opt native.cgroupdriver=cgroupfs >"$d/log" 2>&1 &
  E2E_DOCKERD_PID=$!
  echo "$E2E_DOCKERD_PID" >"$d/ourpid"
  # /usr/bin/docker is the engine's own client; /usr/local/bin/docker (if any) is a newer one.
  # The client must talk to this daemon only, whatever the caller's environment or ~/.docker say.
  # --config, not DOCKER_CONFIG: podman reads that variable too and fails on an empty dir.
  unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
  mkdir -p "$d/cli"
  E2E_DOCKER=(/usr/bin/docker --config "$d/cli" -H "unix://$d/sock")
  for ((i = 0; i < 300; i++)); do
    kill -0 "$E2E_DOCKERD_PID" 2>/dev/null || break
    [ -S "$d/sock" ] && "${E2E_DOCKER[@]}" version >/dev/null 2>&1 && break
    sleep 0.1
  done
  if ! "${E2E_DOCKER[@]}" version >/dev/null 2>&1; then
    e2e_log "dockerd log (last 20 lines):"
    tail -20 "$d/log" >&2
    e2e_die "dockerd did not come up in 30 s"
  fi
  e2e_log "dockerd $("${E2E_DOCKER[@]}" version --format '{{.Server.Version}}') up (pid $E2E_DOCKERD_PID, $d," \
    "storage $("${E2E_DOCKER[@]}" info --format '{{.Driver}}'))"
}

e2e__dockerd_stop() {
  local d=$1 pid ids
  [ -f "$d/ourpid" ] || return 0
  pid=$(cat "$d/ourpid")
  if kill -0 "$pid" 2>/dev/null; then
    ids=$(timeout 20 /usr/bin/docker --config "$d/cli" -H "unix://$d/sock" ps -aq 2>/dev/null || true)
    # shellcheck disable=SC2086  # one id per word
    [ -z "$ids" ] || timeout 60 /usr/bin/docker --config "$d/cli" -H "unix://$d/sock" rm -f $ids >/dev/null 2>&1
    e2e__stop_pid "$pid" 30
  fi
  for pid in $(e2e__pids_naming "$d"); do
    e2e_log "stray process $pid under $d after dockerd stopped; killing it"
    kill -KILL "$pid" 2>/dev/null
  done
  e2e__umount_under "$d"
  if [ "${E2E_KEEP:-0}" = 1 ]; then cp "$d/log" "$E2E_TMP/dockerd.log" 2>/dev/null; fi
  rm -rf --one-file-system "$d"
}

# e2e_docker_import TAR NAME
e2e_docker_import() {
  "${E2E_DOCKER[@]}" import "$1" "$2" >/dev/null || e2e_die "docker import $1 $2"
}

# e2e_docker_run [RUN OPTIONS...] IMAGE CMD... : docker run --rm --network none in the shared
# environment (hostname, env, cwd /); output and status as e2e__capture sets them. A run that
# times out is removed by name: killing the client would leave the container running.
e2e_docker_run() {
  local name
  name=pg-e2e-$$-$((E2E__SEQ + 1))
  e2e__capture "$E2E_TIMEOUT" "${E2E_DOCKER[@]}" run --rm --name "$name" --network none \
    --hostname "$E2E_HOSTNAME" -w / "${E2E_ENV[@]/#/--env=}" "$@"
  if [ "$E2E_TIMED_OUT" = 1 ]; then
    "${E2E_DOCKER[@]}" rm -f "$name" >/dev/null 2>&1 || true
  fi
}

# ------------------------------------------------------------------ podman

# crun 1.8 refuses hybrid cgroup hosts whose cgroup2 mount still has controllers; it runs in a
# private mount namespace without that mount (runtimes.md). Empty when crun needs no help.
e2e__crun_wrap() {
  E2E_CRUN_WRAP=()
  if [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then
    # shellcheck disable=SC2016  # $@ expands in the inner shell
    E2E_CRUN_WRAP=(unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified && exec "$@"' crun-wrap)
  fi
}

# e2e_podman_init : a private podman (store, runroot, tmp, config) under E2E_TMP; sets E2E_PODMAN.
e2e_podman_init() {
  local p=$E2E_TMP/pm
  mkdir -p "$p/tmp"
  # default_ulimits: podman asks for nofile/nproc 1048576 and root here lacks CAP_SYS_RESOURCE.
  cat >"$p/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
tmp_dir = "$p/tmp"
EOF
  export CONTAINERS_CONF=$p/containers.conf
  E2E_PODMAN=(podman --root "$p/storage" --runroot "$p/run")
  e2e__crun_wrap
  e2e_on_cleanup e2e__podman_stop "$p"
}

e2e__podman_stop() {
  local p=$1
  timeout 60 "${E2E_CRUN_WRAP[@]}" "${E2E_PODMAN[@]}" rm -af -t 0 >/dev/null 2>&1
  e2e__umount_under "$p"
}

e2e_podman_import() {
  "${E2E_PODMAN[@]}" import -q "$1" "$2" >/dev/null || e2e_die "podman import $1 $2"
}

# e2e_podman_run RUNTIME [RUN OPTIONS...] IMAGE CMD... : podman run with runc or crun, in the
# shared environment (--unsetenv-all drops podman's TERM and container=podman).
e2e_podman_run() {
  local rt=$1 name wrap=()
  shift
  [ "$rt" = crun ] && wrap=("${E2E_CRUN_WRAP[@]}")
  name=pg-e2e-$$-$((E2E__SEQ + 1))
  e2e__capture "$E2E_TIMEOUT" "${wrap[@]}" "${E2E_PODMAN[@]}" --runtime "$rt" run --rm --name "$name" \
    --network none --hostname "$E2E_HOSTNAME" -w / --unsetenv-all "${E2E_ENV[@]/#/--env=}" "$@"
  if [ "$E2E_TIMED_OUT" = 1 ]; then
    "${wrap[@]}" "${E2E_PODMAN[@]}" rm -f -t 0 "$name" >/dev/null 2>&1 || true
  fi
}

# ------------------------------------------------------------------ plain OCI runtimes

# e2e_oci_bundle BUNDLE TAR : an OCI bundle with TAR unpacked as its rootfs and a base config:
# no terminal, no-new-privileges off (as Docker and Podman run), writable root, /tmp tmpfs, the
# shared environment, no capabilities (--cap-drop ALL).
e2e_oci_bundle() {
  local b=$1 tar=$2 env_json
  mkdir -p "$b/rootfs"
  tar -C "$b/rootfs" -xf "$tar"
  runc spec --bundle "$b"
  env_json=$(printf '%s\n' "${E2E_ENV[@]}" | jq -R . | jq -sc .)
  jq --argjson env "$env_json" --arg h "$E2E_HOSTNAME" '
      .process.terminal = false | .process.noNewPrivileges = false | .process.env = $env |
      .process.cwd = "/" | .hostname = $h | .root.readonly = false |
      .process.capabilities = {bounding: [], effective: [], inheritable: [], permitted: [], ambient: []} |
      .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]}]' \
    "$b/config.json" >"$b/config.base.json"
}

# e2e_oci_config BUNDLE PROFILE CMD... : config.json running CMD under PROFILE (a Docker-format
# profile, turned into linux.seccomp; "" for none). Capabilities to keep: E2E_OCI_CAPS="CAP_X ...".
e2e_oci_config() {
  local b=$1 profile=$2 args caps seccomp=null keep=()
  shift 2
  args=$(printf '%s\n' "$@" | jq -R . | jq -sc .)
  read -ra keep <<<"${E2E_OCI_CAPS:-}"
  caps=$(printf '%s\n' "${keep[@]}" | sed '/^$/d' | jq -R . | jq -sc .)
  [ -z "$profile" ] || seccomp=$(e2e_profile_to_oci "$profile")
  jq --argjson a "$args" --argjson c "$caps" --argjson s "$seccomp" '
      .process.args = $a |
      .process.capabilities = {bounding: $c, effective: $c, permitted: $c, inheritable: [], ambient: []} |
      if $s == null then del(.linux.seccomp) else .linux.seccomp = $s end' \
    "$b/config.base.json" >"$b/config.json"
}

# e2e_profile_to_oci PROFILE : the Docker-format profile as an OCI linux.seccomp object. The
# fields are the portable ones product.md names; an archMap is flattened for completeness.
e2e_profile_to_oci() {
  jq -c '
    {defaultAction: .defaultAction}
    + (if .defaultErrnoRet != null then {defaultErrnoRet: .defaultErrnoRet} else {} end)
    + {architectures: (.architectures // [.archMap[]? | .architecture, (.subArchitectures // [])[]])}
    + {syscalls: [.syscalls[]? | {names: .names, action: .action}
                  + (if .errnoRet != null then {errnoRet: .errnoRet} else {} end)
                  + (if .args != null and (.args | length) > 0 then {args: .args} else {} end)]}' "$1"
}

# e2e_oci_run runc|crun BUNDLE : `RUNTIME run` the bundle once; output and status as e2e__capture.
e2e_oci_run() {
  local rt=$1 b=$2 id wrap=()
  [ "$rt" = crun ] && { e2e__crun_wrap; wrap=("${E2E_CRUN_WRAP[@]}"); }
  id=pg-e2e-$$-$((E2E__SEQ + 1))
  e2e__capture "$E2E_TIMEOUT" "${wrap[@]}" "$rt" run --bundle "$b" "$id"
  "${wrap[@]}" "$rt" delete -f "$id" >/dev/null 2>&1 || true
}
