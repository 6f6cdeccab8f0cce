#!/usr/bin/env bash
# Fuzzes the parsers with cargo-fuzz (libFuzzer) for a bounded time per target and writes
# the figures to FUZZING.md. Not part of .ci/run. Needs the nightly toolchain; installs
# cargo-fuzz if missing. Seeds come from the repository's own fixtures.
# Usage: bash scripts/fuzz.sh [seconds per target, default 60]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
seconds=${1:-60}
rustup toolchain list | grep -q nightly || { echo "fuzz.sh: the nightly toolchain is required" >&2; exit 2; }
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

seed() { # target, then files to copy into its corpus
  local dir="fuzz/corpus/$1"
  shift
  mkdir -p "$dir"
  for f in "$@"; do cp -f "$f" "$dir/$(echo "$f" | tr '/' '_')" 2>/dev/null || true; done
}
mkdir -p fuzz/corpus/store_url
printf '%s\n' "s3://bucket/kops" "s3://AKIA:secret@bucket/p" "gs://b/p" "azureblob://acct/container/p" \
  "file:///tmp/store" "memfs://x" "do://space/kops" "k8s://ctx" "swift://c/p" "./relative" "oss://b" |
  while read -r u; do printf '%s' "$u" > "fuzz/corpus/store_url/$(echo "$u" | sha256sum | cut -c1-16)"; done
seed yaml_schema examples/store/*/config examples/store/*/instancegroup/* tests/fixtures/rules/*/*.yaml
seed policy tests/fixtures/policies/*/*.json tests/fixtures/policies/corpus/*.json policies/*.json
mkdir -p fuzz/corpus/lint_config
printf 'fail-on: warning\nseverity:\n  SL101: off\nsuppress:\n- code: SL121\n  cluster: a\n  reason: r\n  expires: 2030-01-01\n' > fuzz/corpus/lint_config/full

rows=""
for target in store_url yaml_schema policy lint_config; do
  log="fuzz/artifacts/$target.log"
  mkdir -p fuzz/artifacts
  status=0
  (cd fuzz && cargo +nightly fuzz run "$target" "corpus/$target" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1) >"$log" 2>&1 || status=$?
  execs=$( (grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" || true) | grep -o '[0-9]*$' | tail -1 || true)
  rate=$( (grep -ao 'stat::average_exec_per_sec: *[0-9]*' "$log" || true) | grep -o '[0-9]*$' | tail -1 || true)
  corpus=$(ls "fuzz/corpus/$target" | wc -l)
  crashes=$( (ls fuzz/artifacts/"$target"/crash-* fuzz/artifacts/"$target"/timeout-* 2>/dev/null || true) | wc -l)
  echo "$target: ${execs:-?} executions (${rate:-?}/s), corpus $corpus, crashes/timeouts $crashes, exit $status"
  rows="$rows| \`$target\` | $seconds | ${execs:-?} | ${rate:-?} | $corpus | $crashes |\n"
done
{
  echo "# Fuzzing"
  echo
  echo "Written by \`bash scripts/fuzz.sh $seconds\` ($(date -u +%Y-%m-%d), $(nproc) cores, cargo-fuzz/libFuzzer)."
  echo
  echo "| target | seconds | executions | exec/s | corpus entries | crashes or timeouts |"
  echo "|---|---:|---:|---:|---:|---:|"
  printf "%b" "$rows"
} > FUZZING.md
cat FUZZING.md
