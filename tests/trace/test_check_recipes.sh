#!/bin/bash
# SPDX-License-Identifier: MIT
# The integration recipes on the example project (examples/demo, built from a copy): the make
# snippet (examples/profgen.mk) and the CMake/CTest helper (cmake/ProfgenCheck.cmake) pass
# against the committed profile, fail with the drift when the program changes, and re-record.
set -euo pipefail
: "${PROFGEN:?}" "${PROFGEN_SRC:?}"
for tool in make cc cmake ctest; do
        command -v $tool >/dev/null || { echo "skip: $tool is not installed"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# The example's relative paths (../profgen.mk, ../../cmake) hold in the copy.
mkdir -p "$tmp/examples"
cp -r "$PROFGEN_SRC/examples/demo" "$PROFGEN_SRC/examples/profgen.mk" "$tmp/examples/"
cp -r "$PROFGEN_SRC/cmake" "$tmp/"
demo=$tmp/examples/demo
export PROFGEN

# make: clean, then drift (exit status and the annotation), then update, then clean again.
make -s -C "$demo" seccomp-check >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "make seccomp-check"; }
grep -q '^no drift$' "$tmp/out" || fail "make: $(cat "$tmp/out")"
if DEMO_NET=1 make -s -C "$demo" seccomp-check PROFGEN_FLAGS="--format github" >"$tmp/out" 2>&1; then
        fail "make seccomp-check passed despite drift"
fi
grep -q '^::error file=profiles/demo.json,title=seccomp profile drift::x86_64: syscall `socket` added' \
        "$tmp/out" || fail "make drift report: $(cat "$tmp/out")"
DEMO_NET=1 make -s -C "$demo" seccomp-update >/dev/null 2>&1 || fail "make seccomp-update"
DEMO_NET=1 make -s -C "$demo" seccomp-check >/dev/null 2>&1 || fail "still drift after the update"
cp "$PROFGEN_SRC/examples/demo/profiles/"* "$demo/profiles/"
make -s -C "$demo" clean

# CMake/CTest: profgen_add_check with a target as the command.
cmake -S "$demo" -B "$tmp/build" -DPROFGEN_EXECUTABLE="$PROFGEN" >"$tmp/out" 2>&1 ||
        { cat "$tmp/out"; fail "cmake configure"; }
cmake --build "$tmp/build" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "cmake build"; }
ctest --test-dir "$tmp/build" -L seccomp --output-on-failure >"$tmp/out" 2>&1 ||
        { cat "$tmp/out"; fail "ctest on the committed profile"; }
grep -q '100% tests passed, 0 tests failed out of 1' "$tmp/out" || fail "ctest ran no check"
if DEMO_NET=1 ctest --test-dir "$tmp/build" -L seccomp --output-on-failure >"$tmp/out" 2>&1; then
        fail "ctest passed despite drift"
fi
grep -qE '\+ socket +1 call' "$tmp/out" || fail "ctest drift report: $(cat "$tmp/out")"
DEMO_NET=1 PROFGEN_UPDATE=1 ctest --test-dir "$tmp/build" -L seccomp >/dev/null 2>&1 ||
        fail "PROFGEN_UPDATE=1 ctest"
DEMO_NET=1 ctest --test-dir "$tmp/build" -L seccomp >/dev/null 2>&1 || fail "drift after update"

# A missing profgen is a configure error, never a silently skipped check.
if cmake -S "$demo" -B "$tmp/build2" -DPROFGEN_EXECUTABLE=PROFGEN_EXECUTABLE-NOTFOUND \
        >"$tmp/out" 2>&1; then
        fail "configured without profgen"
fi
grep -q "profgen not found" "$tmp/out" || fail "no clear message: $(cat "$tmp/out")"
echo "test_check_recipes: all passed"
