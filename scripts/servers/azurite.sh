#!/usr/bin/env bash
# Starts azurite's blob service (a local Azure Storage emulator, from npm) on 127.0.0.1 and a
# free port, in the background; installs it into .tools/azurite on first use (cached).
# Prints one line, "ENDPOINT PID", once the server answers; exits non-zero (and stops the
# server) if it does not answer within 30 s. The caller stops it with `kill PID`.
set -euo pipefail

AZURITE_VERSION=3.35.0
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
prefix="$root/.tools/azurite"
bin="$prefix/node_modules/.bin/azurite-blob"
log_dir="$root/.tools/logs"
mkdir -p "$log_dir"

installed=$(node -p "require('$prefix/node_modules/azurite/package.json').version" 2>/dev/null || true)
if [ ! -x "$bin" ] || [ "$installed" != "$AZURITE_VERSION" ]; then
  npm install --prefix "$prefix" --no-audit --no-fund --silent "azurite@$AZURITE_VERSION" \
    >"$log_dir/azurite-install.log" 2>&1 \
    || { echo "azurite.sh: npm install azurite@$AZURITE_VERSION failed (see $log_dir/azurite-install.log)" >&2; exit 2; }
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
data=$(mktemp -d "${TMPDIR:-/tmp}/statelint-azurite.XXXXXX")
"$bin" --blobHost 127.0.0.1 --blobPort "$port" --location "$data" --silent --skipApiVersionCheck --loose \
  >"$log_dir/azurite.log" 2>&1 &
pid=$!
endpoint="http://127.0.0.1:$port"

if python3 "$root/scripts/servers/wait_ready.py" "$endpoint" "/devstoreaccount1?comp=list" "$pid"; then
  echo "$endpoint $pid"
  exit 0
fi
echo "azurite.sh: azurite did not answer on $endpoint within 30 s (see $log_dir/azurite.log)" >&2
kill "$pid" 2>/dev/null || true
exit 1
