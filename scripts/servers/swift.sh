#!/usr/bin/env bash
# Starts OpenStack Swift (proxy, account, container and object servers) behind a real
# Keystone v3 on 127.0.0.1 and free ports, in the background (see swift_stack.py).
# Installs `swift`, `keystone` and `keystonemiddleware` from PyPI into the virtualenv
# .tools/swift-venv on first use (cached).
# Prints one line, "KEYSTONE_V3_URL PID", once every server answers; exits non-zero (and
# stops what it started) if that does not happen within 120 s. The caller stops everything
# with `kill PID`.
set -euo pipefail

SWIFT_VERSION=2.38.3
KEYSTONE_VERSION=30.0.0
KEYSTONEMIDDLEWARE_VERSION=13.0.1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
venv="$root/.tools/swift-venv"
log_dir="$root/.tools/logs"
mkdir -p "$log_dir"

want="$SWIFT_VERSION $KEYSTONE_VERSION $KEYSTONEMIDDLEWARE_VERSION"
if [ "$(cat "$venv/.versions" 2>/dev/null)" != "$want" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv" >"$log_dir/swift-install.log" 2>&1
  "$venv/bin/pip" install --quiet "swift==$SWIFT_VERSION" "keystone==$KEYSTONE_VERSION" \
    "keystonemiddleware==$KEYSTONEMIDDLEWARE_VERSION" >>"$log_dir/swift-install.log" 2>&1 \
    || { echo "swift.sh: pip install swift/keystone failed (see $log_dir/swift-install.log)" >&2; exit 2; }
  echo "$want" >"$venv/.versions"
fi

# Configs, rings, the storage device, Keystone's database and every server log: a folder of
# this run's own (two test runs at once, from two checkouts sharing .tools, must not delete
# each other's), kept after a stop for reading the logs; the previous runs' are removed
# when no server of theirs still runs.
for old in "$root/.tools"/swift-state.*; do
  [ -d "$old" ] || continue
  if [ -f "$old/pid" ] && kill -0 "$(cat "$old/pid")" 2>/dev/null; then continue; fi
  rm -rf "$old"
done
state=$(mktemp -d "$root/.tools/swift-state.XXXXXX")
out="$state/ready"
stack_log="$state/swift-stack.log"
"$venv/bin/python" "$root/scripts/servers/swift_stack.py" "$state" >"$out" 2>"$stack_log" &
pid=$!
echo "$pid" >"$state/pid"

if line=$(python3 "$root/scripts/servers/wait_ready.py" --line "$out" "$pid" 120); then
  echo "$line $pid"
  exit 0
fi
echo "swift.sh: Swift and Keystone did not start (see $stack_log)" >&2
kill "$pid" 2>/dev/null || true
exit 1
