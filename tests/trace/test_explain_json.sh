#!/bin/bash
# SPDX-License-Identifier: MIT
# `profgen explain --format json` validates against docs/explain-schema.json (issue 6): the whole
# explanation of a real recording (with sampled call sites, a thread and a forked child), a named
# one with entries that are not in the profile, and one of a stripped binary. The validator is
# shown to reject a document that breaks the schema, so a pass means something.
set -euo pipefail
: "${PROFGEN:?set by CTest}" "${PROFGEN_FIXTURES:?set by CTest}" "${PROFGEN_SRC:?set by CTest}"
FX=$PROFGEN_FIXTURES
SCHEMA=$PROFGEN_SRC/docs/explain-schema.json
fail() {
        echo "FAIL: $*" >&2
        exit 1
}
python3 -c 'import jsonschema' 2>/dev/null ||
        { echo "SKIP: python3-jsonschema is not installed (scripts/deps.sh installs it)" >&2; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq is not installed" >&2; exit 77; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/profgen-explain-json.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

validate() { # validate FILE: exit 0 when FILE is valid
        python3 - "$SCHEMA" "$1" <<'EOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))))
for e in errors[:5]:
    print("%s: %s at %s" % (sys.argv[2], e.message, "/".join(map(str, e.absolute_path))), file=sys.stderr)
sys.exit(1 if errors else 0)
EOF
}

"$PROFGEN" record -q -o p.json --trace rec.json --stack-samples 2 -- /bin/sh -c "'$FX/rare_caller'; true" ||
        fail "record exited $?"
strip -o rare_stripped "$FX/rare_caller"
"$PROFGEN" record -q -o s.json --trace srec.json -- ./rare_stripped || fail "record (stripped) exited $?"

"$PROFGEN" explain --format json rec.json > all.json || fail "explain --format json exited $?"
validate all.json || fail "the full explanation does not validate"
jq -e '(.syscalls | length) > 20 and ([.syscalls[].observed[].sites[]] | length) > 0' all.json >/dev/null ||
        fail "the full explanation is too small to prove much: $(jq -c '{n: (.syscalls | length)}' all.json)"

st=0
"$PROFGEN" explain --format json rec.json uname capset ptrace NET_RAW cap_sys_admin > named.json || st=$?
[ $st -eq 1 ] || fail "named explanation exited $st, not 1 (ptrace and the capabilities are not in it)"
validate named.json || fail "the named explanation does not validate"
jq -e '[.syscalls[].name] == ["uname", "capset", "ptrace"] and
       [.capabilities[].name] == ["CAP_NET_RAW", "CAP_SYS_ADMIN"] and
       ([.syscalls[] | select(.name == "capset") | .reasons[].reason] | index("runtime")) != null and
       ([.syscalls[] | select(.name == "ptrace") | .allowed] == [false])' named.json >/dev/null ||
        fail "the named explanation has the wrong entries: $(jq -c '[.syscalls[] | {name, allowed}], [.capabilities[].name]' named.json)"

"$PROFGEN" explain --format json srec.json > stripped.json || fail "explain (stripped) exited $?"
validate stripped.json || fail "the stripped binary's explanation does not validate"

# The validator must be able to say no: a call without its stack field, a frame with a string
# offset.
jq '(.syscalls[] | select(.name == "uname") | .observed[0].first) |= del(.stack)' all.json > broken1.json
jq '(.syscalls[] | select(.name == "uname") | .observed[0].first.stack[0].offset) = "0x10"' all.json > broken2.json
if cmp -s broken1.json all.json || cmp -s broken2.json all.json; then
        fail "the broken copies are not broken"
fi
for b in broken1.json broken2.json; do
        validate "$b" 2>/dev/null && fail "$b is broken but validates: the check proves nothing"
done
echo "ok"
