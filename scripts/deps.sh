#!/bin/bash
# SPDX-License-Identifier: MIT
# Installs the Debian packages profgen needs: `scripts/deps.sh build` (compile, unit, trace tiers)
# or `scripts/deps.sh all` (plus real container engines for the e2e tier). Idempotent; only
# packages that are missing are installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lists=("$here/packages-build.txt")
[ "${1:-build}" = all ] && lists+=("$here/packages-e2e.txt")
pkgs=$(grep -hv '^#' "${lists[@]}" | sed '/^$/d' | sort -u)
missing=()
for p in $pkgs; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || { echo "deps.sh: missing packages (${missing[*]}); run as root" >&2; exit 1; }
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
