#!/usr/bin/env bash
# The whole statelint test suite, runnable on a clean machine with only the Rust toolchain,
# python3/pip and node/npm: it installs what the tests need into .tools/ (cached for the
# next run), starts local servers on 127.0.0.1, runs `cargo test`, and stops the servers by
# PID even when tests fail.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
tools="$root/.tools"
mkdir -p "$tools"

pids=()
skip_log=""
cleanup() {
  [ -z "$skip_log" ] || rm -f "$skip_log"
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] || continue
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The official SARIF 2.1.0 JSON schema, from a registry package (not committed to the repo).
if schema=$(bash tools/fetch-sarif-schema.sh 2>"$tools/fetch-sarif-schema.log"); then
  export STATELINT_SARIF_SCHEMA="$schema"
  export STATELINT_REQUIRE_SARIF_SCHEMA=1
else
  echo "test.sh: could not install the SARIF schema package (see .tools/fetch-sarif-schema.log)" >&2
  exit 2
fi

# Real kops configurations for the conformance tests, when the shared corpus is beside us.
# When it is, a corpus test that cannot find it fails instead of skipping.
if [ -z "${STATELINT_CORPUS:-}" ] && [ -d "$root/../shared/corpus" ]; then
  export STATELINT_CORPUS="$root/../shared/corpus"
fi
if [ -d "$root/../shared/corpus" ]; then
  export STATELINT_REQUIRE_CORPUS=1
fi

# CI mode (`CI` set, as CI services and .ci/run do): every server must start, and a test that
# finds none fails. Outside it a server that does not start (or is named in
# STATELINT_TEST_WITHOUT, e.g. `swift,gcs`) is left out: its tests skip with the reason and
# the last line counts them.
ci=${CI:+1}
without=",${STATELINT_TEST_WITHOUT:-},"
servers_left_out=()
if [ -n "$ci" ] && [ -n "${STATELINT_TEST_WITHOUT:-}" ]; then
  echo "test.sh: CI mode needs every server; STATELINT_TEST_WITHOUT=$STATELINT_TEST_WITHOUT leaves some out" >&2
  exit 2
fi

# Local servers on 127.0.0.1 for the backend tests, stopped by PID on exit (trap above).
start_server() { # VAR script [args...]: runs the script, exports VAR=endpoint, records the PID
  local var=$1 endpoint="" pid="" name
  shift
  name=$(basename "$1" .sh)
  if [[ "$without" == *",$name,"* ]]; then
    servers_left_out+=("$name")
    unset "$var"
    return 0
  fi
  if ! read -r endpoint pid < <(bash "$@") || [ -z "$pid" ]; then
    [ -z "$ci" ] || { echo "test.sh: could not start $*" >&2; exit 2; }
    echo "test.sh: could not start $*; its tests will be skipped (CI mode would fail)" >&2
    servers_left_out+=("$name")
    unset "$var"
    return 0
  fi
  pids+=("$pid")
  export "$var=$endpoint"
}
start_server STATELINT_TEST_S3_ENDPOINT scripts/servers/moto.sh
start_server STATELINT_TEST_S3_AUTH_ENDPOINT scripts/servers/moto.sh --auth
# Identities on the auth server: an admin and a `ci` user with no permissions.
export STATELINT_TEST_MOTO_PYTHON="$root/.tools/moto-venv/bin/python"
if [ -n "${STATELINT_TEST_S3_AUTH_ENDPOINT:-}" ]; then
  export STATELINT_TEST_S3_AUTH_ACCOUNTS="$tools/moto-accounts.json"
  "$STATELINT_TEST_MOTO_PYTHON" scripts/servers/moto_accounts.py "$STATELINT_TEST_S3_AUTH_ENDPOINT" \
    >"$STATELINT_TEST_S3_AUTH_ACCOUNTS" || { echo "test.sh: could not create moto identities" >&2; exit 2; }
fi
# Two AWS accounts on one IAM-enforcing server, for onboarding a cross-account caller
# (tests/onboarding.rs): the bucket owner 111111111111 and the CI account 222222222222.
start_server STATELINT_TEST_S3_ACCOUNTS_ENDPOINT scripts/servers/moto.sh --accounts
if [ -n "${STATELINT_TEST_S3_ACCOUNTS_ENDPOINT:-}" ]; then
  export STATELINT_TEST_S3_ACCOUNTS_KEYS="$tools/moto-two-accounts.json"
  "$STATELINT_TEST_MOTO_PYTHON" scripts/servers/moto_accounts.py "$STATELINT_TEST_S3_ACCOUNTS_ENDPOINT" two-accounts \
    >"$STATELINT_TEST_S3_ACCOUNTS_KEYS" || { echo "test.sh: could not create the two moto accounts" >&2; exit 2; }
fi
# Ceph RGW, which evaluates bucket policies (tests/rgw.rs, tests/onboarding.rs); its users'
# keys go to the JSON file.
export STATELINT_TEST_RGW_KEYS="$tools/rgw-keys.json"
start_server STATELINT_TEST_RGW_ENDPOINT scripts/servers/rgw.sh "$STATELINT_TEST_RGW_KEYS"
start_server STATELINT_TEST_AZURITE_ENDPOINT scripts/servers/azurite.sh
# OpenStack Swift behind a real Keystone v3 (the endpoint is Keystone's v3 URL).
start_server STATELINT_TEST_SWIFT_AUTH_URL scripts/servers/swift.sh
# A local Cloud Storage JSON API for gs://.
start_server STATELINT_TEST_GCS_ENDPOINT scripts/servers/gcs_emulator.sh
# The Kubernetes API double for k8s:// (TLS; its CA and client certificate are in the folder).
start_server STATELINT_TEST_KUBE_API scripts/servers/kube_api.sh
export STATELINT_TEST_KUBE_DIR="$tools/kube-state"
if [ -n "$ci" ]; then
  export STATELINT_REQUIRE_SERVERS=1
else
  unset STATELINT_REQUIRE_SERVERS
fi
# Nothing may reach a real cloud: no instance-metadata lookups, no ambient credentials.
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN KOPS_STATE_STORE
unset OS_AUTH_URL OS_USERNAME OS_USERID OS_PASSWORD OS_PROJECT_ID OS_PROJECT_NAME OS_REGION_NAME OPENSTACK_CREDENTIAL_FILE KUBECONFIG
unset GOOGLE_APPLICATION_CREDENTIALS STORAGE_EMULATOR_HOST CLOUDSDK_CONFIG

# Every skipping test appends `<test>: <reason>` here (tests/common/mod.rs `skip`); the run
# ends with one line saying what was skipped.
skip_log=$(mktemp "${TMPDIR:-/tmp}/statelint-skipped.XXXXXX")
export STATELINT_SKIP_LOG="$skip_log"
status=0
cargo test --locked "$@" || status=$?
skipped=$(sort -u "$STATELINT_SKIP_LOG" | wc -l)
left_out=""
[ ${#servers_left_out[@]} -eq 0 ] || left_out=" (servers left out: $(printf '%s\n' "${servers_left_out[@]}" | sort -u | paste -sd ' ' -))"
if [ "$skipped" -eq 0 ]; then
  echo "test.sh: skipped: nothing$left_out"
else
  echo "test.sh: skipped: $skipped test(s)$left_out: $(sort -u "$STATELINT_SKIP_LOG" | paste -sd ';' -)"
fi
exit "$status"
