#!/bin/bash
# SPDX-License-Identifier: MIT
# The GitHub Actions workflow in examples/ is valid YAML with the shape Actions needs, and its
# `run` steps (all but the one that installs profgen) pass on the example project as committed
# and fail, with annotations, when the program drifts.
set -euo pipefail
: "${PROFGEN:?}" "${PROFGEN_SRC:?}"
python3 -c 'import yaml' 2>/dev/null || { echo "skip: python3-yaml is not installed"; exit 77; }
command -v make >/dev/null || { echo "skip: make is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
wf=$PROFGEN_SRC/examples/github-workflow.yml

# Validates the workflow and writes the commands of its run steps, one file each.
python3 - "$wf" "$tmp" <<'PY'
import sys, yaml
wf, out = sys.argv[1], sys.argv[2]
doc = yaml.safe_load(open(wf))
assert isinstance(doc, dict), "the workflow is not a mapping"
# YAML 1.1 reads the key `on` as true.
assert "on" in doc or True in doc, "no trigger (on:)"
jobs = doc.get("jobs")
assert isinstance(jobs, dict) and jobs, "no jobs"
n = 0
for job_name, job in jobs.items():
    assert "runs-on" in job, f"job {job_name} has no runs-on"
    for step in job["steps"]:
        assert ("run" in step) != ("uses" in step), f"step {step} needs exactly one of run/uses"
        if "run" not in step or step.get("id") == "install-profgen":
            continue
        n += 1
        with open(f"{out}/step{n}.sh", "w") as f:
            f.write(step["run"])
assert n >= 2, "expected a build step and a check step"
print(n)
PY

mkdir -p "$tmp/examples" "$tmp/bin"
cp -r "$PROFGEN_SRC/examples/demo" "$PROFGEN_SRC/examples/profgen.mk" "$tmp/examples/"
ln -s "$PROFGEN" "$tmp/bin/profgen" # the workflow installs profgen on PATH
run_steps() {
        for step in "$tmp"/step*.sh; do
                (cd "$tmp/examples/demo" && PATH="$tmp/bin:$PATH" bash -e "$step") || return 1
        done
}
run_steps >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "the workflow's steps fail on the committed profile"; }
grep -q 'no drift' "$tmp/out" || fail "no check ran: $(cat "$tmp/out")"
if DEMO_NET=1 run_steps >"$tmp/out" 2>&1; then
        fail "the workflow passed despite drift"
fi
grep -q '^::error file=profiles/demo.json,title=seccomp profile drift::x86_64: syscall `socket` added' \
        "$tmp/out" || fail "no annotation: $(cat "$tmp/out")"
echo "test_check_workflow: all passed"
