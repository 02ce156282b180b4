#!/bin/bash
# SPDX-License-Identifier: MIT
# An unprivileged recording (profgen as uid 1000, no capability at all, so inference only): the
# workload cannot hold a capability in its own user namespace (an empty permitted set, which
# neither set-user-ID nor file capabilities can raise under profgen), so the capability rules
# judge nothing and their syscalls need no stop of their own.
# - under --baseline the file syscalls run without a stop: the re-recording counts none of them
#   and writes the profile the full recording wrote (issue 7: --baseline near native without
#   root; before, every open and stat still stopped for the rules: 5.5x native on bench/syscalls);
# - a mount in a user namespace the workload created needs no capability from the container (it
#   used to be recorded as CAP_SYS_ADMIN);
# - with a capability in its permitted set (ambient NET_BIND_SERVICE) the rules still judge.
# shellcheck source=tests/trace/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/trace/caps_cases.sh
. "$(dirname "$0")/caps_cases.sh"

[ "$(id -u)" = 0 ] || skip "runs profgen as uid 1000 with setpriv, which needs root"
command -v setpriv >/dev/null || skip "setpriv is not installed"
chown 1000:1000 "$WORK"

# as_user OUT [setpriv options] -- [record options] -- COMMAND...: records as uid 1000 into
# OUT.trace.json, OUT.json and OUT.caps, stderr in OUT.err.
as_user() {
        local out=$1 sp=()
        shift
        while [ "$1" != -- ]; do sp+=("$1"); shift; done
        shift
        rm -f "$out".*
        setpriv --reuid 1000 --regid 1000 --clear-groups "${sp[@]}" "$PROFGEN" record -q \
                --runtime none --no-companions --trace "$out.trace.json" -o "$out.json" "$@" \
                2>"$out.err" &
        wait_bounded $!
        [ "$STATUS" = 0 ] || { cat "$out.err" >&2; fail "$out: profgen exited $STATUS"; }
}

echo data >mine
chown 1000:1000 mine
job="for i in 1 2 3 4 5; do cat $WORK/mine; test -r $WORK/mine; done >/dev/null"

as_user full -- --tracing seccomp -- /bin/sh -c "$job"
capless_note() { jq -r '.notes[]' "$1" | grep -c "^capabilities: none can be needed" || true; }
expect "the full recording's note" 1 "$(capless_note full.trace.json)"
[ "$(count full.trace.json x86_64 openat)" -gt 0 ] || fail "the full recording saw no openat"
as_user base -- --baseline full.json -- /bin/sh -c "$job"
for sc in openat newfstatat faccessat faccessat2 access read close; do
        expect "baseline: $sc ran without a stop" 0 "$(count base.trace.json x86_64 "$sc")"
done
cmp full.json base.json || fail "the baseline profile differs from the full one"
cmp full.caps base.caps || fail "the baseline .caps differs from the full one"

# A mount in the workload's own user namespace: its capability there is its own.
if setpriv --reuid 1000 --regid 1000 --clear-groups unshare -r -m true 2>/dev/null; then
        as_user ns -- -- unshare -r -m /bin/sh -c 'mount -t tmpfs none /mnt'
        expect "mount in an own user namespace" - "$(caps_of ns.caps)"
else
        echo "note: unprivileged user namespaces are not available: that case not run"
fi

# With NET_BIND_SERVICE in its permitted (and ambient) set the workload can hold a capability:
# the rules judge, and the bind below port 1024 needs it.
as_user amb --inh-caps +net_bind_service --ambient-caps +net_bind_service -- -- \
        "$FX/cap_bind" 80
expect "ambient NET_BIND_SERVICE: bind(80)" CAP_NET_BIND_SERVICE "$(caps_of amb.caps)"
expect "no capless note with a capability held" 0 "$(capless_note amb.trace.json)"
echo "ok"
