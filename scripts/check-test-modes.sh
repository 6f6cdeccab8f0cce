#!/usr/bin/env bash
# Checks that scripts/test.sh cannot pass silently, without starting any server: in CI mode
# (`CI` set) a server left out fails the run before any test; outside it the run passes and
# its last line names the skipped tests and the servers left out.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
all=moto,rgw,azurite,swift,gcs_emulator,kube_api
out=$(mktemp -d "${TMPDIR:-/tmp}/statelint-test-modes.XXXXXX")
trap 'rm -rf "$out"' EXIT
fail() { echo "check-test-modes: $*" >&2; exit 1; }

rc=0
CI=1 STATELINT_TEST_WITHOUT=swift timeout 600 bash scripts/test.sh --test swift_backend \
  >"$out/ci.out" 2>"$out/ci.err" || rc=$?
[ "$rc" -ne 0 ] || fail "CI mode with the Swift server left out passed"
grep -q "CI mode needs every server" "$out/ci.err" || fail "CI mode did not say why: $(tail -3 "$out/ci.err")"

rc=0
env -u CI STATELINT_TEST_WITHOUT=$all timeout 1200 bash scripts/test.sh --test swift_backend \
  >"$out/dev.out" 2>"$out/dev.err" || rc=$?
[ "$rc" -eq 0 ] || fail "outside CI the run with every server left out failed ($rc): $(tail -5 "$out/dev.err")"
last=$(tail -1 "$out/dev.out")
swift_tests=$(grep -c '^#\[test\]' tests/swift_backend.rs)
case "$last" in
  "test.sh: skipped: $swift_tests test(s) (servers left out: "*swift*"): "*an_expired_token_is_renewed_once*) ;;
  *) fail "the summary line does not report the $swift_tests skipped Swift tests: $last" ;;
esac
echo "check-test-modes: CI mode fails without a server; outside it: $last"
