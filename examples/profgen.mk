# SPDX-License-Identifier: MIT
# profgen for make-based projects. Name the checks, then include this file:
#
#   PROFGEN_CHECKS = server cli                # profiles/server.json, profiles/cli.json
#   PROFGEN_CMD_server = ./server --selftest   # the command each profile is recorded from
#   PROFGEN_CMD_cli = ./cli --version
#   PROFGEN_DEPS = server cli                  # what to build before recording (optional)
#   include profgen.mk
#
#   make seccomp-check    fails with a readable diff when what a command needs drifted from its
#                         committed profile (make -k: every check runs)
#   make seccomp-update   re-records the profiles; review `git diff profiles/` and commit
#
# PROFGEN (default: profgen on PATH), PROFGEN_DIR (default: profiles) and PROFGEN_FLAGS (record
# options such as --runtime, and --format github in GitHub Actions) may be set too.
PROFGEN ?= profgen
PROFGEN_DIR ?= profiles
PROFGEN_FLAGS ?=

.PHONY: seccomp-check seccomp-update $(PROFGEN_CHECKS:%=seccomp-check-%) \
        $(PROFGEN_CHECKS:%=seccomp-update-%)

seccomp-check: $(PROFGEN_CHECKS:%=seccomp-check-%)
seccomp-update: $(PROFGEN_CHECKS:%=seccomp-update-%)

$(PROFGEN_CHECKS:%=seccomp-check-%): seccomp-check-%: $(PROFGEN_DEPS)
	$(PROFGEN) check $(PROFGEN_DIR)/$*.json $(PROFGEN_FLAGS) -- $(PROFGEN_CMD_$*)

$(PROFGEN_CHECKS:%=seccomp-update-%): seccomp-update-%: $(PROFGEN_DEPS)
	$(PROFGEN) check --update $(PROFGEN_DIR)/$*.json $(PROFGEN_FLAGS) -- $(PROFGEN_CMD_$*)
