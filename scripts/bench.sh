#!/usr/bin/env bash
# Benchmarks (never run by .ci/run): builds the release binary, installs the comparison
# tools into .tools/, runs each benchmark and rewrites its section of BENCHMARKS.md.
# Usage: bash scripts/bench.sh [check|s3|latency|policy|access|binary] [--baseline REV]
#   --baseline REV  (s3) also runs the release binary built from commit REV, interleaved with
#                   today's, so a regression shows on the same machine at the same moment
#                   (built once into .tools/bench/baseline-<commit>/, from `git archive`).
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
if [ "${2:-}" = --baseline ]; then
  rev=$(git rev-parse --verify --quiet "${3:?--baseline needs a commit}^{commit}") \
    || { echo "bench.sh: --baseline $3 is not a commit of this repository" >&2; exit 2; }
  dir="$root/.tools/bench/baseline-$rev"
  if [ ! -x "$dir/statelint" ]; then
    echo "bench.sh: building the release binary of $rev into $dir (once)" >&2
    rm -rf "$dir/src" && mkdir -p "$dir/src"
    git archive "$rev" | tar -x -C "$dir/src"
    cargo build --release --locked --manifest-path "$dir/src/Cargo.toml" --target-dir "$dir/target"
    cp "$dir/target/release/statelint" "$dir/statelint.tmp" && mv "$dir/statelint.tmp" "$dir/statelint"
    rm -rf "$dir/src" "$dir/target"
  fi
  export BENCH_BASELINE_BIN="$dir/statelint" BENCH_BASELINE_REV="$rev"
fi
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
