#!/bin/bash
# SPDX-License-Identifier: MIT
# Exec chains: exec_chain → exec_chain_next → /bin/true in one process, each stage's syscall
# attributed to its executable; and a non-leader thread that execs (the kernel gives it the
# leader's tid): syscalls after the switch are recorded under the leader's tid, the exit status
# comes through. Three runs per mode for the thread exec, whose tid switch races with the tracer.
# shellcheck source=tests/trace/lib.sh
. "$(dirname "$0")/lib.sh"

for mode in $MODES; do
        record "chain-$mode" --tracing "$mode" -- "$FX/exec_chain"
        t="chain-$mode.trace.json"
        expect_status "exec chain ($mode)" 0 "$t"
        expect "exec chain ($mode): execve count" 3 "$(count "$t" x86_64 execve)"
        expect "exec chain ($mode): one process" 1 "$(nprocs "$t")"
        expect "exec chain ($mode): executables in exec order" "exec_chain,exec_chain_next,true" \
                "$(proc_exes "$t" "$(cmd_pid "$t")")"
        expect "exec chain ($mode): fchdir by stage A" exec_chain "$(first_exe "$t" x86_64 fchdir)"
        expect "exec chain ($mode): fchmod by stage B" exec_chain_next "$(first_exe "$t" x86_64 fchmod)"
        expect "exec chain ($mode): readlink by stage A" exec_chain "$(first_exe "$t" x86_64 readlink)"

        for run in 1 2 3; do
                what="thread exec ($mode, run $run)"
                record "te-$mode-$run" --tracing "$mode" -- "$FX/thread_exec"
                t="te-$mode-$run.trace.json"
                expect_status "$what" 5 "$t"
                cmd=$(cmd_pid "$t")
                expect "$what: one process" 1 "$(nprocs "$t")"
                expect "$what: execve count" 2 "$(count "$t" x86_64 execve)"
                expect "$what: process exes" "thread_exec,thread_exec" "$(proc_exes "$t" "$cmd")"
                expect "$what: pause by the main thread" "$cmd" "$(first "$t" x86_64 pause tid)"
                expect_ne "$what: getpriority by the other thread" "$cmd" "$(first "$t" x86_64 getpriority tid)"
                expect "$what: fchdir after the exec, under the leader's tid" "$cmd" "$(first "$t" x86_64 fchdir tid)"
                expect "$what: fchdir count" 1 "$(count "$t" x86_64 fchdir)"
        done
done
expect_like_strace chain-seccomp.trace.json "$FX/exec_chain"
expect_like_strace te-seccomp-1.trace.json "$FX/thread_exec"
diff <(all_names te-seccomp-1.trace.json) <(all_names te-ptrace-1.trace.json) >&2 ||
        fail "thread exec: seccomp and ptrace modes recorded different sets"
echo "ok: exec chain and thread exec"
