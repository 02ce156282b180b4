# SPDX-License-Identifier: MIT
# The capability fixtures, as data shared by tests/trace/test_caps.sh (recorded on the host) and
# tests/e2e/test_caps_docker.sh (proved in the Docker engine). Sourced, not run.
#
# One case a line: NAME | EXPECTED CAPS (sorted, "-" for none) | FIXTURE ARGS...
# Paths are relative to the objects directory that caps_objects makes ($D in the arguments).
# SYS_RESOURCE and SYSLOG depend on this machine: see caps_expect.

CAPS_CASES='
bind-80         | CAP_NET_BIND_SERVICE               | cap_bind 80
bind-8080       | -                                  | cap_bind 8080
raw-socket      | CAP_NET_RAW                        | cap_socket raw
packet-socket   | CAP_NET_RAW                        | cap_socket packet
icmp-datagram   | -                                  | cap_socket icmp
chown-other     | CAP_CHOWN                          | cap_chown $D/other 0 0
chown-away      | CAP_CHOWN                          | cap_chown $D/mine 1000 1000
chown-own       | -                                  | cap_chown $D/mine 0 0
chmod-other     | CAP_FOWNER                         | cap_chmod $D/other 0640
chmod-own       | -                                  | cap_chmod $D/mine 0640
chmod-setgid    | CAP_FSETID                         | cap_chmod $D/sgid 2755
open-other-r    | CAP_DAC_OVERRIDE                   | cap_open $D/other r
open-other-w    | CAP_DAC_OVERRIDE                   | cap_open $D/other w
open-own        | -                                  | cap_open $D/mine r
reopen-chmod    | CAP_DAC_OVERRIDE                   | cap_open $D/mine reopen
readdir-other   | CAP_DAC_OVERRIDE                   | cap_open $D/otherdir dir
readdir-own     | -                                  | cap_open $D/mydir dir
search-other    | CAP_DAC_OVERRIDE                   | cap_open $D/otherdir/x r
unlink-sticky   | CAP_FOWNER                         | cap_unlink $D/sticky/victim
unlink-own      | -                                  | cap_unlink $D/mine
kill-other      | CAP_KILL CAP_SETUID                | cap_kill other
kill-own        | -                                  | cap_kill own
setuid          | CAP_SETUID                         | cap_setid setuid
setgid          | CAP_SETGID                         | cap_setid setgid
setgroups       | CAP_SETGID                         | cap_setid setgroups
setid-own       | -                                  | cap_setid own
chroot          | CAP_SYS_CHROOT                     | cap_chroot $D/mydir
chroot-open     | CAP_DAC_OVERRIDE CAP_SYS_CHROOT    | cap_chroot $D /other
mknod-chr       | CAP_MKNOD                          | cap_mknod $D/node chr
mknod-fifo      | -                                  | cap_mknod $D/fifo fifo
nice-below-0    | CAP_SYS_NICE                       | cap_nice -5
nice-above-0    | -                                  | cap_nice 5
ptrace-other    | CAP_SETUID CAP_SYS_PTRACE          | cap_ptrace other
ptrace-own      | -                                  | cap_ptrace own
mlock-16M       | CAP_IPC_LOCK                       | cap_mlock 16
mlock-1M        | -                                  | cap_mlock 1
mmap-locked-16M | CAP_IPC_LOCK                       | cap_mlock 16 mmap
mmap-locked-1M  | -                                  | cap_mlock 1 mmap
settimezone     | CAP_SYS_TIME                       | cap_time
syslog          | @syslog                            | cap_syslog
netadmin        | CAP_NET_ADMIN                      | cap_netadmin
audit-write     | CAP_AUDIT_WRITE                    | cap_audit
setfcap         | CAP_SETFCAP                        | cap_setfcap $D/mine
append-only     | CAP_LINUX_IMMUTABLE                | cap_immutable $D/mine
wake-alarm      | CAP_WAKE_ALARM                     | cap_alarm
lease-other     | CAP_LEASE                          | cap_lease $D/other644
lease-own       | -                                  | cap_lease $D/mine
bpf-map         | CAP_BPF                            | cap_bpf
perf-kernel     | CAP_PERFMON                        | cap_perfmon
unshare-uts     | CAP_SYS_ADMIN                      | cap_sysadmin
open-by-handle  | CAP_DAC_READ_SEARCH                | cap_handle $D/mine
bounding-drop   | CAP_SETPCAP                        | cap_setpcap
raise-nofile    | @resource                          | cap_rlimit
none            | -                                  | cap_none $D
stack-growth    | -                                  | cap_stack 6
'

# caps_objects DIR: the files and directories the cases act on, made fresh (root only).
caps_objects() {
  local d=$1
  rm -rf "$d"; mkdir -p "$d"; chmod 755 "$d"
  echo secret > "$d/other"; chown 1000:1000 "$d/other"; chmod 600 "$d/other"
  echo shared > "$d/other644"; chown 1000:1000 "$d/other644"; chmod 644 "$d/other644"
  echo mine > "$d/mine"; chmod 600 "$d/mine"
  mkdir "$d/otherdir"; echo x > "$d/otherdir/x"; chmod 644 "$d/otherdir/x"
  chown -R 1000:1000 "$d/otherdir"; chmod 700 "$d/otherdir"
  mkdir "$d/mydir"; chmod 700 "$d/mydir"
  echo g > "$d/sgid"; chown 0:1234 "$d/sgid"; chmod 755 "$d/sgid"
  mkdir "$d/sticky"; chown 2000:2000 "$d/sticky"; chmod 1777 "$d/sticky"
  echo v > "$d/sticky/victim"; chown 1000:1000 "$d/sticky/victim"
  mkdir "$d/www"; echo hello > "$d/www/index.html"; chmod -R a+rX "$d/www"
}

# caps_expect EXPECTED: resolves the machine-dependent placeholders.
caps_expect() {
  case $1 in
    @syslog) if [ "$(cat /proc/sys/kernel/dmesg_restrict)" = 1 ]; then echo CAP_SYSLOG; else echo -; fi ;;
    # root here may lack SYS_RESOURCE (bounding set): then the call fails and needs nothing
    @resource) if (( 0x$(awk '/^CapEff/ {print $2}' /proc/self/status) >> 24 & 1 )); then echo CAP_SYS_RESOURCE; else echo -; fi ;;
    *) echo "$1" ;;
  esac
}

# caps_of FILE.caps: "CAP_A CAP_B", or "-" for none
caps_of() {
  local list
  list=$(sed -n 's/^\(CAP_[A-Z_]*\) .*/\1/p' "$1" 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//')
  echo "${list:--}"
}

# caps_sources FILE.caps: which source saw each capability ("CAP_A:inference,kernel ..."), or
# the sources used when there is none
caps_sources() {
  local s
  s=$(sed -n 's/^\(CAP_[A-Z_]*\)  # \[\([^]]*\)\].*/\1:\2/p' "$1" 2>/dev/null | tr -d ' ' | tr '\n' ' ')
  [ -n "$s" ] || s="($(sed -n 's/.*used: \([a-z+]*\)\..*/\1/p' "$1" 2>/dev/null))"
  echo "${s% }"
}
