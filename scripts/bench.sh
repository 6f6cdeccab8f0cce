#!/usr/bin/env bash
# Benchmarks (never run by .ci/run): builds the release binary, installs the comparison
# tools into .tools/, runs each benchmark and rewrites its section of BENCHMARKS.md.
# Usage: bash scripts/bench.sh [check|s3|latency|policy|access|binary]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mkdir -p .tools
cargo build --release --locked
if [ ! -x .tools/bench-venv/bin/check-jsonschema ]; then
  python3 -m venv .tools/bench-venv
  .tools/bench-venv/bin/pip install --quiet "check-jsonschema==0.39.0"
fi
if [ ! -x .tools/bench-venv/bin/parliament ]; then
  .tools/bench-venv/bin/pip install --quiet "parliament==1.6.4"
fi
if [ ! -x .tools/bench-venv/bin/aws ]; then
  .tools/bench-venv/bin/pip install --quiet "awscli==1.*"
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
