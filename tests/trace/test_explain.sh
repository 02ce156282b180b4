#!/bin/bash
# SPDX-License-Identifier: MIT
# profgen explain on a real recording (issue 6). The rare_caller fixture makes uname and
# sched_getaffinity through main -> a_rare_caller -> helper_two, getpriority from a second thread
# (thread_worker -> thread_rare_call) and sysinfo from a forked child (child_work ->
# child_rare_call); it is started by sh, so its exec chain has two links. Checks:
#   - the first call stack names helper_two then a_rare_caller, innermost first, in the fixture;
#   - the stack of the thread's syscall is that thread's (tid != pid, thread functions), the
#     child's is the child's (its pid, its parent in the exec chain, child functions);
#   - text lines start with the name (grep-friendly) and frames appear in order;
#   - a stripped copy gives module + offset, and the offsets are the ones addr2line resolves to
#     the same functions in the unstripped binary;
#   - --stack-samples keeps uname's second call site (another_uname_caller);
#   - exit status 0 / 1 (a name not in the profile) / 2 (not a syscall or capability name);
#   - --no-stacks records none, and explain says so.
set -euo pipefail
: "${PROFGEN:?set by CTest}" "${PROFGEN_FIXTURES:?set by CTest}"
FX=$PROFGEN_FIXTURES
fail() {
        echo "FAIL: $*" >&2
        exit 1
}
command -v jq >/dev/null || { echo "SKIP: jq is not installed" >&2; exit 77; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/profgen-explain.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

record() { # record TRACE [options] -- command...
        local trace=$1
        shift
        "$PROFGEN" record -q -o "$trace.profile.json" --trace "$trace" "$@" ||
                fail "profgen record $* exited $?"
}

# functions OBSERVATION_JSON: the stack's function names, one a line ("??" when unnamed)
functions() { jq -r '.first.stack[] | .function // "??"'; }
# obs NAME: the x86_64 observation of syscall NAME in x.json
obs() { jq -c --arg n "$1" '.syscalls[] | select(.name == $n) | .observed[] | select(.arch == "x86_64")' x.json; }
# in_order WORD... < lines: the words appear as whole lines, in this order
in_order() {
        local lines
        lines=$(cat)
        local at=0 w n
        for w in "$@"; do
                n=$(printf '%s\n' "$lines" | grep -nx -m1 -- "$w" | cut -d: -f1)
                [ -n "$n" ] || return 1
                [ "$n" -gt "$at" ] || return 1
                at=$n
        done
}

record rec.json -- /bin/sh -c "'$FX/rare_caller'; true"
"$PROFGEN" explain --format json rec.json > x.json || fail "explain --format json exited $?"

# The main thread's path, innermost first: libc's wrapper, helper_two, a_rare_caller, main.
for sc in uname sched_getaffinity; do
        o=$(obs $sc)
        [ -n "$o" ] || fail "$sc was not explained"
        echo "$o" | functions | in_order helper_two a_rare_caller main ||
                fail "$sc: stack does not go helper_two -> a_rare_caller -> main: $(echo "$o" | functions | tr '\n' ' ')"
        echo "$o" | jq -e --arg fx "$FX/rare_caller" '.first.stack[1].module == $fx' >/dev/null ||
                fail "$sc: frame 1 is not in the fixture: $(echo "$o" | jq -c '.first.stack[1]')"
done
main_pid=$(obs uname | jq '.first.pid')

# The exec chain: sh, then the fixture it started.
obs uname | jq -e --arg fx "$FX/rare_caller" '.first.exec_chain | length == 2 and
        (.[1].exes == [$fx]) and (.[0].exes[0] | test("sh$"))' >/dev/null ||
        fail "uname: exec chain is not sh -> rare_caller: $(obs uname | jq -c .first.exec_chain)"

# Who made it: uname twice by the fixture's process; exit_group once by sh, and by the fixture's
# two processes (the forked child and the parent).
obs uname | jq -e --arg fx "$FX/rare_caller" '.by == [{exe: $fx, count: 2, processes: 1}]' >/dev/null ||
        fail "uname: calls per executable: $(obs uname | jq -c .by)"
obs exit_group | jq -e --arg fx "$FX/rare_caller" '(.by | map(select(.exe == $fx))) ==
        [{exe: $fx, count: 2, processes: 2}] and (.by | map(select(.exe | test("sh$"))) | .[0].processes) == 1' >/dev/null ||
        fail "exit_group: calls per executable: $(obs exit_group | jq -c .by)"

# The thread's syscall: same process, another thread, the thread's own functions.
o=$(obs getpriority)
echo "$o" | jq -e --argjson p "$main_pid" '.first.pid == $p and .first.tid != $p' >/dev/null ||
        fail "getpriority: not the second thread of $main_pid: $(echo "$o" | jq -c '.first | {pid, tid}')"
echo "$o" | functions | in_order thread_rare_call thread_worker ||
        fail "getpriority: stack is not the thread's: $(echo "$o" | functions | tr '\n' ' ')"
[[ $'\n'$(echo "$o" | functions)$'\n' == *$'\nmain\n'* ]] && fail "getpriority: the thread's stack shows main"

# The forked child's syscall: its own pid, started by the fixture, the child's functions.
o=$(obs sysinfo)
echo "$o" | jq -e --argjson p "$main_pid" '.first.pid != $p and .first.tid == .first.pid and
        .first.exec_chain[-1].pid == .first.pid and .first.exec_chain[-2].pid == $p' >/dev/null ||
        fail "sysinfo: not the child of $main_pid: $(echo "$o" | jq -c '.first | {pid, tid, exec_chain}')"
echo "$o" | functions | in_order child_rare_call child_work main ||
        fail "sysinfo: stack is not the child's: $(echo "$o" | functions | tr '\n' ' ')"

# Text: every line about uname starts with "uname:", frames in order.
"$PROFGEN" explain rec.json uname > x.txt || fail "explain rec.json uname exited $?"
others=$(grep -v -e '^#' -e '^$' -e '^uname: ' x.txt || true)
[ -z "$others" ] || fail "lines that do not start with 'uname: ': $others"
grep -q '^uname: allowed: observed$' x.txt || fail "no 'uname: allowed: observed' line"
grep -q "^uname: x86_64: first call by pid $main_pid, $FX/rare_caller\$" x.txt || fail "no first-call line: $(cat x.txt)"
grep -E '^uname: x86_64: #[0-9]+ ' x.txt | sed -E 's/^uname: x86_64: #[0-9]+ ([^+ ]*).*/\1/' |
        in_order helper_two a_rare_caller main || fail "text frames out of order: $(cat x.txt)"

# Stripped: no names in the fixture's frames, but module + offset, and addr2line on the unstripped
# binary names the same functions at those offsets.
strip -o "$WORK/rare_stripped" "$FX/rare_caller"
record srec.json -- "$WORK/rare_stripped"
"$PROFGEN" explain --format json srec.json uname > x.json
o=$(obs uname)
echo "$o" | jq -e --arg m "$WORK/rare_stripped" '[.first.stack[] | select(.module == $m)] |
        length >= 3 and all(has("function") | not)' >/dev/null ||
        fail "stripped: frames in the stripped fixture are missing or named: $(echo "$o" | jq -c .first.stack)"
if command -v addr2line >/dev/null; then
        offsets=$(echo "$o" | jq -r --arg m "$WORK/rare_stripped" '.first.stack[] | select(.module == $m) | .offset' |
                while read -r d; do printf '0x%x\n' "$d"; done)
        # shellcheck disable=SC2086
        addr2line -f -e "$FX/rare_caller" $offsets | awk 'NR % 2 == 1' | in_order helper_two a_rare_caller main ||
                fail "stripped: offsets do not resolve to helper_two, a_rare_caller, main: $offsets"
fi
"$PROFGEN" explain srec.json uname > out.txt
grep -qE "^uname: x86_64: #1 \?\? \($WORK/rare_stripped\+0x[0-9a-f]+\)$" out.txt ||
        fail "stripped: text frame 1 is not '?? (module+offset)': $("$PROFGEN" explain srec.json uname)"

# Sampling: uname's second occurrence comes from another function, and is kept as a site.
record samp.json --stack-samples 1 -- "$FX/rare_caller"
"$PROFGEN" explain --format json samp.json uname > x.json
obs uname | jq -e '.count == 2 and (.sites | length) == 1 and .sites[0].occurrence == 2 and
        ([.sites[0].stack[].function] | index("another_uname_caller")) != null' >/dev/null ||
        fail "--stack-samples 1: uname's second call site is missing: $(obs uname | jq -c '{count, sites}')"
record nosamp.json -- "$FX/rare_caller"
"$PROFGEN" explain --format json nosamp.json uname > x.json
obs uname | jq -e '(.sites | length) == 0' >/dev/null || fail "sites were kept without --stack-samples"

# Exit statuses: 0 for a name in the profile, 1 for one that is not, 2 for a non-name.
"$PROFGEN" explain rec.json uname sysinfo > /dev/null || fail "explain of names in the profile exited $?"
"$PROFGEN" explain rec.json uname CAP_NET_RAW > /dev/null && fail "CAP_NET_RAW has no evidence: exit 0"
st=0; "$PROFGEN" explain rec.json ptrace > out.txt || st=$?
[ $st -eq 1 ] || fail "explain of a syscall not in the profile exited $st, not 1"
grep -q '^ptrace: not allowed: not in the profile$' out.txt || fail "ptrace: no 'not allowed' line"
st=0; "$PROFGEN" explain rec.json no_such_call > /dev/null 2> err.txt || st=$?
[ $st -eq 2 ] || fail "explain of an unknown name exited $st, not 2"
grep -q 'neither a syscall nor a capability' err.txt || fail "unknown name: $(cat err.txt)"

# --profile: an edited copy of the generated profile (uname taken out, ptrace put in) is what
# `allowed` follows; the recording still says why uname would be there.
jq '(.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names) |= (. - ["uname"] + ["ptrace"])' \
        rec.json.profile.json > edited.json
st=0; "$PROFGEN" explain --profile edited.json rec.json uname ptrace > out.txt || st=$?
[ $st -eq 1 ] || fail "--profile: uname is not in the edited profile, yet exit $st"
grep -q '^uname: not allowed: not in the profile$' out.txt && grep -q '^uname: would be allowed: observed$' out.txt ||
        fail "--profile: uname: $(grep '^uname' out.txt)"
grep -q '^ptrace: allowed: by the profile only: ' out.txt || fail "--profile: ptrace: $(grep '^ptrace' out.txt)"
"$PROFGEN" explain --profile edited.json rec.json > out.txt || fail "--profile: full explanation exited $?"
grep -q '^ptrace: allowed: by the profile only: ' out.txt ||
        fail "--profile: the full explanation leaves ptrace out"

# A 32-bit process: libunwind (x86_64) cannot unwind it, but its first calls still get the
# instruction pointer's frame. Needs a compiler that builds -m32 (gcc-multilib).
printf '#include <sys/utsname.h>\nint main(void) { struct utsname u; return uname(&u); }\n' > m32.c
if cc -m32 -o m32 m32.c 2>/dev/null; then
        record r32.json -- ./m32
        "$PROFGEN" explain --format json r32.json uname > x.json
        jq -e '.syscalls[0].observed[] | select(.arch == "x86") | (.first.stack | length) >= 1' x.json >/dev/null ||
                fail "32-bit: no frame for uname: $(jq -c '.syscalls[0].observed' x.json)"
else
        echo "note: cc -m32 does not work here: the 32-bit case is not checked" >&2
fi

# Capability evidence: the watcher's inference about bind(port 80) carries the stack of that very
# bind (stack_source "evidence"), through main in the fixture.
record cb.json -- "$FX/cap_bind" 80
"$PROFGEN" explain --format json cb.json NET_BIND_SERVICE > x.json || true
if jq -e '.capabilities[0].evidence | map(select(.source == "inference")) | length > 0' x.json >/dev/null; then
        jq -e --arg fx "$FX/cap_bind" '.capabilities[0].evidence[] | select(.source == "inference") |
                .stack_source == "evidence" and any(.call.stack[]; .function == "main" and .module == $fx)' x.json >/dev/null ||
                fail "capability evidence without its own stack: $(jq -c '.capabilities[0].evidence' x.json)"
else
        echo "note: no NET_BIND_SERVICE evidence here (no effective capabilities?): not checked" >&2
fi

# --no-stacks: nothing to show, and explain says so.
record none.json --no-stacks -- "$FX/rare_caller"
jq -e '[.syscalls[] | select(has("stack"))] | length == 0' none.json >/dev/null || fail "--no-stacks recorded stacks"
"$PROFGEN" explain none.json uname > out.txt
grep -q '^uname: x86_64: no call stack recorded$' out.txt ||
        fail "--no-stacks: explain does not say there is no stack"
echo "ok"
