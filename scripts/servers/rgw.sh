#!/usr/bin/env bash
# Starts a throw-away Ceph RADOS Gateway (an S3 server that evaluates bucket policies itself)
# on 127.0.0.1 and a free port, for the bucket-policy tests. Debian's Ceph 16 has no
# single-process backend, so this runs the smallest real cluster: one monitor, one OSD
# keeping its data in RAM (memstore) and one radosgw, without cephx and without a mgr.
#
# Installs the Debian packages (radosgw ceph-mon ceph-osd ceph-common, ~260 MiB) with
# apt-get when they are missing; that needs root.
#
# Usage: rgw.sh KEYS.json
#   Creates the users below, writes their keys to KEYS.json and prints one line,
#   "ENDPOINT PID", once the gateway answers. PID is a supervisor: `kill PID` stops the
#   three daemons (each by its own PID) and deletes the state folder.
#
# Users (keys random on every start):
#   owner, ci, other   no tenant: they share one bucket namespace; principals are
#                      arn:aws:iam:::user/NAME (RGW leaves the account field empty)
#   a, b, c            tenants 111111111111, 222222222222, 333333333333 (users alice,
#                      bob, carol): principals arn:aws:iam::TENANT:user/NAME; another
#                      tenant's bucket is addressed as TENANT:bucket
set -euo pipefail

keys_out=${1:?usage: rgw.sh KEYS.json}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
log_dir="$root/.tools/logs"
mkdir -p "$log_dir"
say() { echo "rgw.sh: $*" >&2; }

missing=0
for tool in radosgw radosgw-admin ceph-mon ceph-osd ceph monmaptool uuidgen; do
  command -v "$tool" >/dev/null 2>&1 || missing=1
done
if [ "$missing" = 1 ]; then
  if [ "$(id -u)" != 0 ]; then
    say "Ceph is not installed and installing it needs root: apt-get install radosgw ceph-mon ceph-osd ceph-common uuid-runtime"
    exit 2
  fi
  say "installing radosgw ceph-mon ceph-osd ceph-common (about 30 s; log: $log_dir/rgw-apt.log)"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
           radosgw ceph-mon ceph-osd ceph-common uuid-runtime; } >"$log_dir/rgw-apt.log" 2>&1; then
    say "apt-get failed (see $log_dir/rgw-apt.log)"
    exit 2
  fi
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
secret() { python3 -c 'import secrets, string, sys; a = string.ascii_uppercase + string.digits if sys.argv[2] == "key" else string.ascii_letters + string.digits; print("".join(secrets.choice(a) for _ in range(int(sys.argv[1]))))' "$1" "$2"; }

port=$(free_port)
mon_port=$(free_port)
dir=$(mktemp -d /tmp/statelint-rgw.XXXXXX)
mkdir -p "$dir"/{run,log,mon.a,osd.0,rgw}
conf="$dir/ceph.conf"
fsid=$(uuidgen)

# Loopback only, no authentication. With auth "none" every messenger mode must allow crc,
# or radosgw waits 300 s for a "secure" session that cannot exist.
cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
public addr = 127.0.0.1
cluster addr = 127.0.0.1
public network = 127.0.0.0/8
cluster network = 127.0.0.0/8
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
ms client mode = crc
ms cluster mode = crc
ms service mode = crc
ms mon cluster mode = crc
ms mon service mode = crc
run dir = $dir/run
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
keyring = $dir/keyring
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
osd crush chooseleaf type = 0
mon data avail warn = 2
mon data avail crit = 1
# One monitor: commit map changes at once (pool creation is serial; 1 s each by default).
paxos propose interval = 0.01
paxos min wait = 0.01
[mon]
mon data = $dir/mon.\$id
[osd]
osd data = $dir/osd.\$id
osd objectstore = memstore
memstore device bytes = 536870912
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$port
rgw data = $dir/rgw
rgw init timeout = 120
EOF
C=(-c "$conf")

# The supervisor: starts each daemon in the foreground as its child, and on TERM stops
# them by PID (gateway first) and deletes the folder. Its PID is the one printed.
supervise() {
  local pids=() pid
  stop() {
    for pid in "${pids[@]:-}"; do kill -KILL "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]:-}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$dir"
    exit 0
  }
  trap stop TERM INT
  ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  monmaptool --create --addv a "[v2:127.0.0.1:$mon_port]" --fsid "$fsid" "$dir/monmap" >/dev/null
  ceph-mon "${C[@]}" --mkfs -i a --monmap "$dir/monmap" </dev/null
  ceph-mon "${C[@]}" -f -i a </dev/null & pids=("$!" "${pids[@]}")
  up() { local i; for i in $(seq 1 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }
  up ceph "${C[@]}" --connect-timeout 5 mon stat || stop
  local uuid id
  uuid=$(uuidgen)
  id=$(ceph "${C[@]}" --connect-timeout 10 osd new "$uuid")
  ceph-osd "${C[@]}" -i "$id" --mkfs --osd-uuid "$uuid" </dev/null
  ceph-osd "${C[@]}" -f -i "$id" </dev/null & pids=("$!" "${pids[@]}")
  up sh -c "ceph -c '$conf' --connect-timeout 5 osd stat -f json | grep -q '\"num_up_osds\":1'" || stop
  # The first radosgw-admin call creates the default zonegroup and zone; the zonegroup's
  # API name is what GetBucketLocation reports.
  radosgw-admin "${C[@]}" user list >/dev/null
  radosgw-admin "${C[@]}" zonegroup modify --rgw-zonegroup=default --api-name=us-east-1 >/dev/null
  radosgw "${C[@]}" -f -n client.rgw </dev/null & pids=("$!" "${pids[@]}")
  while true; do wait || true; sleep 1; done
}
supervise >"$log_dir/rgw.log" 2>&1 &
supervisor=$!

answered() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null)" = 200 ]; }
for _ in $(seq 1 600); do
  if answered; then break; fi
  if ! kill -0 "$supervisor" 2>/dev/null; then break; fi
  sleep 0.2
done
if ! answered; then
  say "radosgw did not answer on 127.0.0.1:$port within 120 s (see $log_dir/rgw.log and $dir/log)"
  kill "$supervisor" 2>/dev/null || true
  exit 1
fi

user() { # name [tenant] -> JSON entry; `roles=*` would be needed for IAM roles, not here
  local name=$1 tenant=${2:-} key sec
  key="AKIA$(secret 16 key)"
  sec=$(secret 40 any)
  radosgw-admin "${C[@]}" user create ${tenant:+--tenant "$tenant"} --uid "$name" \
    --display-name "$name" --access-key "$key" --secret-key "$sec" >/dev/null
  printf '{"key":"%s","secret":"%s","arn":"arn:aws:iam::%s:user/%s","account":"%s"}' \
    "$key" "$sec" "$tenant" "$name" "$tenant"
}
{
  printf '{'
  printf '"owner":%s,' "$(user owner)"
  printf '"ci":%s,' "$(user ci)"
  printf '"other":%s,' "$(user other)"
  printf '"a":%s,' "$(user alice 111111111111)"
  printf '"b":%s,' "$(user bob 222222222222)"
  printf '"c":%s' "$(user carol 333333333333)"
  printf '}\n'
} >"$keys_out"
echo "http://127.0.0.1:$port $supervisor"
