#!/usr/bin/env bash
# Starts gcp-storage-emulator (a local Cloud Storage JSON API) on 127.0.0.1 and a free port,
# in memory, in the background. Installs it from PyPI into .tools/gcs-venv on first use.
# Prints one line, "ENDPOINT PID", once it answers; exits non-zero (and stops it) if it does
# not answer within 30 s. The caller stops it with `kill PID`.
set -euo pipefail
GCS_EMULATOR_VERSION=2026.7.19
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
venv="$root/.tools/gcs-venv"
log_dir="$root/.tools/logs"
mkdir -p "$log_dir"

if [ "$(cat "$venv/.version" 2>/dev/null)" != "$GCS_EMULATOR_VERSION" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv" >"$log_dir/gcs-install.log" 2>&1
  "$venv/bin/pip" install --quiet "gcp-storage-emulator==$GCS_EMULATOR_VERSION" >>"$log_dir/gcs-install.log" 2>&1 \
    || { echo "gcs_emulator.sh: pip install gcp-storage-emulator failed (see $log_dir/gcs-install.log)" >&2; exit 2; }
  echo "$GCS_EMULATOR_VERSION" >"$venv/.version"
fi

port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$venv/bin/gcp-storage-emulator" start --host 127.0.0.1 --port "$port" --in-memory --quiet \
  >"$log_dir/gcs-emulator.log" 2>&1 &
pid=$!
endpoint="http://127.0.0.1:$port"
if "$venv/bin/python" "$root/scripts/servers/wait_ready.py" "$endpoint" "/" "$pid"; then
  echo "$endpoint $pid"
  exit 0
fi
echo "gcs_emulator.sh: the emulator did not answer on $endpoint within 30 s (see $log_dir/gcs-emulator.log)" >&2
kill "$pid" 2>/dev/null || true
exit 1
