#!/usr/bin/env bash
# Installs the official SARIF 2.1.0 JSON schema (final "rtm.5" revision) for the tests, from
# the npm package @microsoft/jest-sarif, which ships it. Cached in .tools/; prints the
# absolute path of the schema file. The schema is not committed to this repository.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
package="@microsoft/jest-sarif@1.0.0-beta.0"
dir="$root/.tools/sarif-schema"
schema="$dir/package/lib/schemas/sarif-2.1.0-rtm.5.json"
if [ ! -s "$schema" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  tarball=$(cd "$dir" && npm pack --silent "$package" 2>/dev/null | tail -n 1)
  tar -xzf "$dir/$tarball" -C "$dir" package/lib/schemas/sarif-2.1.0-rtm.5.json
  rm -f "$dir/$tarball"
fi
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert "2.1.0" in d["title"]' "$schema"
echo "$schema"
