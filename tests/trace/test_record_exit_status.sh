#!/bin/bash
# SPDX-License-Identifier: MIT
# profgen exits with the command's status: N for exit(N), 128+N when killed by signal N, and the
# recording says the same; 127 for a command not found, 126 for one that cannot be executed (and
# then nothing is written); 125 when profgen itself fails (an unwritable output), leaving no
# partial file behind.
# shellcheck source=tests/trace/lib.sh
. "$(dirname "$0")/lib.sh"

for args in "exit 0:0" "exit 3:3" "exit 255:255" "signal 15:143" "signal 9:137" "signal 6:134"; do
        a=${args%:*}
        want=${args#*:}
        read -ra words <<<"$a"
        record es -- "$FX/exit_status" "${words[@]}"
        expect_status "exit_status $a" "$want" es.trace.json
        case $a in
        exit*) [ "$(count es.trace.json x86_64 exit_group)" = 1 ] || fail "exit_status $a: no exit_group" ;;
        signal*) [ "$(count es.trace.json x86_64 tgkill)" = 1 ] || fail "exit_status $a: no tgkill" ;;
        esac
done

cannot() { # cannot WHAT WANT COMMAND...: the command cannot run; nothing is written
        rm -f nx.trace.json nx.json nx.caps
        record nx -- "${@:3}" 2>nx.err
        expect "$1: exit status" "$2" "$STATUS"
        if [ -e nx.json ] || [ -e nx.trace.json ]; then fail "$1: files were written"; fi
        [ -s nx.err ] || fail "$1: no message on stderr"
}
cannot "not found (path)" 127 "$WORK/no-such-program"
cannot "not found (PATH lookup)" 127 profgen-no-such-program
printf '#!/bin/sh\nexit 0\n' >noexec.sh
chmod 0644 noexec.sh
cannot "not executable" 126 "$WORK/noexec.sh"
mkdir -p adir
cannot "a directory" 126 "$WORK/adir"

st=0
"$PROFGEN" record -q --runtime none -o "$WORK/missing-dir/P.json" -- "$FX/exit_status" exit 0 2>err || st=$?
expect "unwritable output: exit status" 125 "$st"
grep -q "missing-dir" err || fail "unwritable output: the message does not name the path: $(cat err)"
[ ! -e missing-dir ] || fail "unwritable output: something was created"
mkdir ro && mkdir ro/P.json # a directory where the profile should go: rename fails
st=0
"$PROFGEN" record -q --runtime none -o "$WORK/ro/P.json" -- "$FX/exit_status" exit 0 2>err || st=$?
expect "output path is a directory: exit status" 125 "$st"
expect "output path is a directory: no temporary file left" "P.json" "$(cd ro && echo *)"
# profgen generate on a broken recording: 125, and the message says where the problem is.
record gen -- "$FX/exit_status" exit 0
jq '.syscalls[0].nr = "read"' gen.trace.json >broken.json
st=0
"$PROFGEN" generate -q -o gen2.json broken.json 2>err || st=$?
expect "generate on a broken recording: exit status" 125 "$st"
grep -q 'syscalls\[0\]\.nr' err || fail "generate on a broken recording: no JSON path in: $(cat err)"
[ ! -e gen2.json ] || fail "generate on a broken recording: a profile was written"
"$PROFGEN" generate -q --runtime none --no-companions -o gen2.json gen.trace.json ||
        fail "generate on the saved recording failed"
cmp gen.json gen2.json || fail "generate from the saved recording differs from record's profile"
echo "ok: exit statuses"
