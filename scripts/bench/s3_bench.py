#!/usr/bin/env python3
"""Benchmark `statelint check` on a 100-cluster store in a local S3 server (moto) against
`aws s3 sync` of the same store to disk. Writes the "check: S3" section of BENCHMARKS.md.

Requests are counted from the server's access log (one line per HTTP request), so the
figure includes everything statelint does: listing, reads, and the region lookup.
Run through scripts/bench.sh, which builds the release binary and installs awscli.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_bench import BIN, ROOT, TOOLS, write_section  # noqa: E402

CLUSTERS = int(os.environ.get("BENCH_S3_CLUSTERS", "100"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
LOG = os.path.join(TOOLS, "logs", "moto.log")
AWS = os.path.join(TOOLS, "bench-venv", "bin", "aws")
# Run by the virtualenv's own interpreter: the script's #! line names the path the venv was
# created at, which breaks when .tools/ is copied to another checkout.
AWS_CMD = [os.path.join(TOOLS, "bench-venv", "bin", "python3"), AWS]


def requests_in_log():
    try:
        with open(LOG, encoding="utf-8", errors="replace") as f:
            return sum(1 for line in f if '" 2' in line or '" 3' in line or '" 4' in line or '" 5' in line)
    except OSError:
        return 0


def timed(cmd, env):
    before = requests_in_log()
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    wall = time.perf_counter() - start
    time.sleep(0.2)  # let the server flush its log line for the last request
    return wall, requests_in_log() - before, proc


def main():
    out = subprocess.run(["bash", os.path.join(ROOT, "scripts", "servers", "moto.sh")], capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        return 1
    endpoint, pid = out.stdout.split()
    try:
        env = dict(os.environ)
        env.update({
            "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
        })
        store = os.path.join(TOOLS, "bench", f"store-{CLUSTERS}")
        if not os.path.isdir(store):
            subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "bench", "gen_store.py"), str(CLUSTERS), store], check=True)
        files = sum(len(fs) for _, _, fs in os.walk(store))
        subprocess.run([*AWS_CMD, "s3", "mb", "s3://bench"], env=env, check=True, capture_output=True)
        subprocess.run([*AWS_CMD, "s3", "sync", "--quiet", store, "s3://bench/kops"], env=env, check=True)

        ours = []
        for _ in range(RUNS):
            wall, reqs, proc = timed([BIN, "check", "--state", "s3://bench/kops", "--offline", "--format", "json"], env)
            if proc.returncode not in (0, 1):
                print(proc.stderr[-2000:], file=sys.stderr)
                return 1
            ours.append((wall, reqs))
        theirs = []
        for _ in range(RUNS):
            target = tempfile.mkdtemp(prefix="statelint-sync-")
            try:
                wall, reqs, proc = timed([*AWS_CMD, "s3", "sync", "--quiet", "s3://bench/kops", target], env)
            finally:
                shutil.rmtree(target, ignore_errors=True)
            if proc.returncode != 0:
                print(proc.stderr[-2000:], file=sys.stderr)
                return 1
            theirs.append((wall, reqs))
        pages = -(-files // 1000)
        t_ours = statistics.median(w for w, _ in ours)
        t_sync = statistics.median(w for w, _ in theirs)
        r_ours = statistics.median(r for _, r in ours)
        r_sync = statistics.median(r for _, r in theirs)
        aws_version = subprocess.run([*AWS_CMD, "--version"], capture_output=True, text=True).stdout.strip() or "awscli"
        section = f"""## check: {CLUSTERS} clusters in S3 (moto on 127.0.0.1)

Store: {CLUSTERS} clusters x (config + 3 instance groups) = {files} objects in a local moto server.
`statelint check --offline` reads, validates and checks every cluster; `aws s3 sync` ({aws_version})
only copies the same objects to disk. Requests are counted from the server's access log.

| what | wall time (median of {RUNS}) | HTTP requests | requests per cluster |
|---|---:|---:|---:|
| `statelint check --offline` | {t_ours:.2f} s | {r_ours:.0f} | {r_ours / CLUSTERS:.2f} |
| `aws s3 sync` to disk | {t_sync:.2f} s | {r_sync:.0f} | {r_sync / CLUSTERS:.2f} |

- statelint vs sync: **{t_sync / t_ours:.1f}x** the speed (target: no slower than the sync).
- GETs per file read: {(r_ours - 1 - pages) / files:.2f} (requests minus the region lookup and the {pages} listing page(s), per object read; target: at most one).
"""
        write_section("check-s3", section)
        print(section)

        # A full probe of one cluster: every request, and the wall time.
        first = sorted(os.listdir(store))[0]
        probes = []
        for _ in range(RUNS):
            wall, reqs, proc = timed([BIN, "probe", "--state", "s3://bench/kops", "--cluster", first, "--format", "json"], env)
            if proc.returncode not in (0, 1):
                print(proc.stderr[-2000:], file=sys.stderr)
                return 1
            probes.append((wall, reqs))
        probe_section = f"""## probe: one cluster on S3 (moto on 127.0.0.1)

`statelint probe --cluster {first}`: caller identity, seven bucket-level calls issued
concurrently (HeadBucket twice, location, encryption, policy, versioning, public-access
block), then list, read, and the throw-away object's write, read-back, delete and check
that it is gone; the region lookup when the store is opened is included.

| what | wall time (median of {RUNS}) | HTTP requests |
|---|---:|---:|
| `statelint probe` (one cluster) | {statistics.median(w for w, _ in probes):.2f} s | {statistics.median(r for _, r in probes):.0f} |
"""
        write_section("probe-s3", probe_section)
        print(probe_section)

        # migrate between two buckets vs aws s3 sync between two buckets.
        mig, syn = [], []
        for i in range(RUNS):
            for name in (f"mig-{i}", f"syn-{i}"):
                subprocess.run([*AWS_CMD, "s3", "mb", f"s3://{name}"], env=env, check=True, capture_output=True)
            wall, reqs, proc = timed([BIN, "migrate", "--from", "s3://bench/kops", "--to", f"s3://mig-{i}/kops", "--yes"], env)
            if proc.returncode not in (0, 1) or f"copied {files} object(s)" not in proc.stdout:
                print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
                return 1
            mig.append((wall, reqs))
            wall, reqs, proc = timed([*AWS_CMD, "s3", "sync", "--quiet", "s3://bench/kops", f"s3://syn-{i}/kops"], env)
            if proc.returncode != 0:
                print(proc.stderr[-2000:], file=sys.stderr)
                return 1
            syn.append((wall, reqs))
        t_mig = statistics.median(w for w, _ in mig)
        t_syn = statistics.median(w for w, _ in syn)
        migrate_section = f"""## migrate: {CLUSTERS} clusters between two buckets (moto on 127.0.0.1)

`statelint migrate --yes` plans ({files} reads of the source, one listing of the destination),
copies {files} objects (each write verified: the MD5 ETag on S3, else a read-back), rewrites
configBase, and checks the verified copy; `aws s3 sync` between the same buckets only copies
(server-side).

| what | wall time (median of {RUNS}) | HTTP requests |
|---|---:|---:|
| `statelint migrate` (copy + verify + check) | {t_mig:.2f} s | {statistics.median(r for _, r in mig):.0f} |
| `aws s3 sync` bucket to bucket | {t_syn:.2f} s | {statistics.median(r for _, r in syn):.0f} |

- statelint vs sync: **{t_syn / t_mig:.1f}x** the speed (target: no slower than the sync).
"""
        write_section("migrate-s3", migrate_section)
        print(migrate_section)
        return 0 if t_ours <= t_sync and t_mig <= t_syn else 2
    finally:
        subprocess.run(["kill", pid])


if __name__ == "__main__":
    sys.exit(main())
