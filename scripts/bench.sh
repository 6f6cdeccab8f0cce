#!/usr/bin/env bash
# Benchmarks (never run by .ci/run): builds the release binary, installs the comparison
# tools into .tools/, runs each benchmark and rewrites its section of BENCHMARKS.md.
# Usage: bash scripts/bench.sh [check|s3|latency|policy|access|binary]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mkdir -p .tools
cargo build --release --locked
# A venv copied or moved with its checkout keeps scripts whose first line names the old
# path: such a venv cannot run its tools, so it is made again rather than half used.
venv=.tools/bench-venv
if [ -d "$venv" ] && ! "$venv/bin/pip" --version >/dev/null 2>&1; then
  echo "bench.sh: $venv was made for another path; making it again" >&2
  rm -rf "$venv"
fi
[ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
if [ ! -x "$venv/bin/check-jsonschema" ]; then
  "$venv/bin/python" -m pip install --quiet "check-jsonschema==0.39.0"
fi
if [ ! -x "$venv/bin/parliament" ]; then
  "$venv/bin/python" -m pip install --quiet "parliament==1.6.4"
fi
if [ ! -x "$venv/bin/aws" ]; then
  "$venv/bin/python" -m pip install --quiet "awscli==1.*"
fi
which=${1:-all}
if [ "$which" = all ] || [ "$which" = check ]; then
  python3 scripts/bench/check_bench.py
fi
if [ "$which" = all ] || [ "$which" = s3 ]; then
  python3 scripts/bench/s3_bench.py
fi
if [ "$which" = all ] || [ "$which" = latency ]; then
  python3 scripts/bench/latency_bench.py
fi
if [ "$which" = all ] || [ "$which" = policy ]; then
  python3 scripts/bench/policy_bench.py
fi
if [ "$which" = all ] || [ "$which" = access ]; then
  python3 scripts/bench/access_bench.py
fi
if [ "$which" = all ] || [ "$which" = binary ]; then
  python3 scripts/bench/binary_size.py
fi
