#!/bin/bash
# SPDX-License-Identifier: MIT
# --tracing tracepoint (the default as root when no call stacks are saved): the filter lets every
# syscall that needs no stop run, and the kernel's raw_syscalls record counts it.
# - 600,000 syscalls that never stop, at full speed: each counted exactly (none lost while the
#   tracer sleeps: it drains on a tick), and the recording says which mode made it;
# - the profile and the per-syscall counts equal the one-stop seccomp mode's;
# - auto picks it without stacks and the one-stop mode with them (a first occurrence's stack
#   needs its stop).
# The other trace tests run every fixture in this mode too ($MODES).
# shellcheck source=tests/trace/lib.sh
. "$(dirname "$0")/lib.sh"

case " $MODES " in
*" tracepoint "*) ;;
*) skip "the kernel's syscall tracepoint cannot be read here (needs root and tracefs)" ;;
esac

tracing() { jq -r .tracing "$1"; }

record many --tracing tracepoint --no-stacks -- "$FX/many_syscalls" 600000
expect_status "many_syscalls (tracepoint)" 0 many.trace.json
expect "many_syscalls: the mode" tracepoint "$(tracing many.trace.json)"
for n in getppid getuid getgid geteuid getegid getpgrp; do
        expect "many_syscalls: $n counted exactly" 100000 "$(count many.trace.json x86_64 "$n")"
done

# The same program in both modes: the same profile, the same counts (it is single-threaded and
# deterministic).
record one --tracing seccomp --no-stacks -- "$FX/many_syscalls" 6000
record tp --tracing tracepoint --no-stacks -- "$FX/many_syscalls" 6000
cmp one.json tp.json || fail "many_syscalls: the tracepoint profile differs from the seccomp one"
counts() { jq -c '[.syscalls[] | [.arch, .name, .count]] | sort' "$1"; }
expect "many_syscalls: counts as in seccomp mode" "$(counts one.trace.json)" "$(counts tp.trace.json)"

# Processes, threads, exec and i386 calls together: the same profile as the one-stop mode.
job="$FX/fork; $FX/threads50; $FX/exec_chain; $FX/int80 || true"
record mixed-s --tracing seccomp --no-stacks -- /bin/sh -c "$job"
record mixed-t --tracing tracepoint --no-stacks -- /bin/sh -c "$job"
cmp mixed-s.json mixed-t.json || {
        diff <(jq . mixed-s.json) <(jq . mixed-t.json) >&2
        fail "mixed workload: the tracepoint profile differs from the seccomp one"
}
expect "mixed workload: processes" "$(nprocs mixed-s.trace.json)" "$(nprocs mixed-t.trace.json)"

record auto --no-stacks -- "$FX/many_syscalls" 60
expect "auto without stacks" tracepoint "$(tracing auto.trace.json)"
record auto-stacks -- "$FX/many_syscalls" 60
expect "auto with stacks" seccomp "$(tracing auto-stacks.trace.json)"
echo "ok: --tracing tracepoint"
