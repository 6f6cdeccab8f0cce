#!/usr/bin/env bash
# Lists every function of kops's pkg/apis/kops/validation/*.go (test files excluded) as
# "<file> <function>", for docs/kops-validation-functions.txt, which the parity ledger
# (src/rules/kops/parity.rs) is tested against.
# Usage: scripts/kops-functions.sh <kops git dir> [commit]   (default commit: the pinned one)
set -euo pipefail
git_dir=${1:?usage: scripts/kops-functions.sh <kops git dir> [commit]}
commit=${2:-268927e26409f861634e18f3632c9dd483c350cf}
dir=pkg/apis/kops/validation
git --git-dir="$git_dir" ls-tree --name-only "$commit" "$dir/" | grep '\.go$' | grep -v '_test\.go$' |
while read -r path; do
  git --git-dir="$git_dir" show "$commit:$path" |
    sed -nE 's/^func (\([^)]*\) )?([A-Za-z0-9_]+).*/\2/p' |
    sed "s|^|$(basename "$path") |"
done
