#!/usr/bin/env bash
# Starts the Kubernetes API double (kube_api.py: kops's custom resources over TLS) on
# 127.0.0.1 and a free port, in the background. Needs only python3 and openssl.
# Its CA and client certificate go to .tools/kube-state (replaced on each start).
# Prints one line, "HTTPS_URL PID", once it answers; exits non-zero (and stops it) if it does
# not answer within 30 s. The caller stops it with `kill PID`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
state="$root/.tools/kube-state"
log_dir="$root/.tools/logs"
rm -rf "$state"
mkdir -p "$state" "$log_dir"
out="$state/ready"
python3 "$root/scripts/servers/kube_api.py" "$state" >"$out" 2>"$log_dir/kube-api.log" &
pid=$!
if line=$(python3 "$root/scripts/servers/wait_ready.py" --line "$out" "$pid" 30); then
  echo "$line $pid"
  exit 0
fi
echo "kube_api.sh: the API double did not start (see $log_dir/kube-api.log)" >&2
kill "$pid" 2>/dev/null || true
exit 1
