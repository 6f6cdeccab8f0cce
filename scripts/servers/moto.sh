#!/usr/bin/env bash
# Starts moto (a local AWS S3/STS/IAM server) on 127.0.0.1 and a free port, in the background.
# Installs `moto[server]` from PyPI into the virtualenv .tools/moto-venv on first use (cached).
# Prints one line, "ENDPOINT PID" (e.g. "http://127.0.0.1:41234 12345"), once the server
# answers; exits non-zero (and stops the server) if it does not answer within 30 s.
# The caller stops it with `kill PID`.
#
# Usage: moto.sh [--auth|--accounts]
#   --auth      enforces IAM authentication after 3 requests (see moto_accounts.py, which
#               spends them creating an admin user).
#   --accounts  the same after 6 requests: an admin in each of two accounts
#               (`moto_accounts.py ENDPOINT two-accounts`).
set -euo pipefail
auth_count=""
case "${1:-}" in
  --auth) auth_count=3 ;;
  --accounts) auth_count=6 ;;
esac

MOTO_VERSION=5.2.5
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
venv="$root/.tools/moto-venv"
log_dir="$root/.tools/logs"
mkdir -p "$log_dir"

if ! "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv" >"$log_dir/moto-install.log" 2>&1
  "$venv/bin/pip" install --quiet "moto[server]==$MOTO_VERSION" >>"$log_dir/moto-install.log" 2>&1 \
    || { echo "moto.sh: pip install moto[server]==$MOTO_VERSION failed (see $log_dir/moto-install.log)" >&2; exit 2; }
fi

port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log="$log_dir/moto${auth_count:+-auth$auth_count}.log"
if [ -n "$auth_count" ]; then
  INITIAL_NO_AUTH_ACTION_COUNT=$auth_count "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
else
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
fi
pid=$!
endpoint="http://127.0.0.1:$port"

if "$venv/bin/python" "$root/scripts/servers/wait_ready.py" "$endpoint" "/moto-api/" "$pid"; then
  echo "$endpoint $pid"
  exit 0
fi
echo "moto.sh: moto did not answer on $endpoint within 30 s (see $log)" >&2
kill "$pid" 2>/dev/null || true
exit 1
