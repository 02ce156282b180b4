#!/bin/bash
# SPDX-License-Identifier: MIT
# A daemonising double fork: the grandchild outlives the command and makes fdatasync after the
# command has exited. profgen waits for it (its marker file exists when profgen returns), records
# its syscall under its own pid with the right lineage, and exits with the command's status.
# Three runs per mode: the parent's exit races with the grandchild.
# shellcheck source=tests/trace/lib.sh
. "$(dirname "$0")/lib.sh"

for mode in $MODES; do
        for run in 1 2 3; do
                what="daemon ($mode, run $run)"
                rm -f marker
                record "d-$mode-$run" --tracing "$mode" -- "$FX/daemon" "$WORK/marker"
                t="d-$mode-$run.trace.json"
                [ -e marker ] || fail "$what: profgen returned before the grandchild finished"
                expect_status "$what" 0 "$t"
                cmd=$(cmd_pid "$t")
                expect "$what: processes" 3 "$(nprocs "$t")"
                expect "$what: fdatasync count" 1 "$(count "$t" x86_64 fdatasync)"
                gc=$(first "$t" x86_64 fdatasync pid)
                child=$(first "$t" x86_64 setsid pid)
                expect "$what: the child's parent" "$cmd" "$(ppid_of "$t" "$child")"
                expect "$what: fdatasync by the grandchild" "$child" "$(ppid_of "$t" "$gc")"
        done
done
expect_like_strace d-seccomp-1.trace.json "$FX/daemon" "$WORK/marker2"
echo "ok: daemonising double fork"
