#!/usr/bin/env python3
"""Benchmark `statelint check` on a 100-cluster store in a local S3 server (moto) against
`aws s3 sync` of the same store to disk. Writes the "check: S3" section of BENCHMARKS.md.

Requests are counted from the server's access log (one line per HTTP request), so the
figure includes everything statelint does: listing, reads, and the region lookup.
Run through scripts/bench.sh, which builds the release binary and installs awscli.

moto answers one request at a time (one Python process), so its CPU time is reported with
each row: when it is close to the wall time, the server, not the client, set the pace.
With BENCH_BASELINE_BIN (and BENCH_BASELINE_REV naming its commit; `bench.sh s3 --baseline
REV` builds it), the same runs are made with that older binary, interleaved with today's,
so a regression shows on the same machine at the same moment.
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
BASE_BIN = os.environ.get("BENCH_BASELINE_BIN", "")
BASE_REV = os.environ.get("BENCH_BASELINE_REV", "")[:7]
SERVER_PID = None  # set in main(): moto's process, whose CPU time each run reports


def requests_in_log():
    try:
        with open(LOG, encoding="utf-8", errors="replace") as f:
            return sum(1 for line in f if '" 2' in line or '" 3' in line or '" 4' in line or '" 5' in line)
    except OSError:
        return 0


def server_cpu():
    """CPU seconds (user + system) the server has used so far."""
    try:
        with open(f"/proc/{SERVER_PID}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


class Runs:
    """Wall time, requests and server CPU of repeated runs of one command."""

    def __init__(self):
        self.walls, self.requests, self.cpu = [], [], []

    def add(self, wall, reqs, cpu):
        self.walls.append(wall)
        self.requests.append(reqs)
        self.cpu.append(cpu)

    def wall(self):
        return statistics.median(self.walls)

    def row(self, what):
        return (f"| {what} | {self.wall():.2f} s | {statistics.median(self.requests):.0f} | "
                f"{statistics.median(self.cpu):.2f} s |")


def timed(cmd, env, runs):
    """Runs `cmd`, adds its wall time, requests and server CPU to `runs`; the process."""
    before = requests_in_log()
    cpu_before = server_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    wall = time.perf_counter() - start
    time.sleep(0.2)  # let the server flush its log line for the last request
    runs.add(wall, requests_in_log() - before, server_cpu() - cpu_before)
    return proc


def main():
    out = subprocess.run(["bash", os.path.join(ROOT, "scripts", "servers", "moto.sh")], capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        return 1
    endpoint, pid = out.stdout.split()
    global SERVER_PID
    SERVER_PID = pid
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

        binaries = [("today", BIN)] + ([("baseline", BASE_BIN)] if BASE_BIN else [])
        load_before = os.getloadavg()[0]
        checks = {name: Runs() for name, _ in binaries}
        theirs = Runs()
        for _ in range(RUNS):
            for name, binary in binaries:
                proc = timed([binary, "check", "--state", "s3://bench/kops", "--offline", "--format", "json"], env, checks[name])
                if proc.returncode not in (0, 1):
                    print(proc.stderr[-2000:], file=sys.stderr)
                    return 1
            target = tempfile.mkdtemp(prefix="statelint-sync-")
            try:
                proc = timed([*AWS_CMD, "s3", "sync", "--quiet", "s3://bench/kops", target], env, theirs)
            finally:
                shutil.rmtree(target, ignore_errors=True)
            if proc.returncode != 0:
                print(proc.stderr[-2000:], file=sys.stderr)
                return 1
        pages = -(-files // 1000)
        ours = checks["today"]
        t_ours, t_sync = ours.wall(), theirs.wall()
        r_ours = statistics.median(ours.requests)
        aws_version = subprocess.run([*AWS_CMD, "--version"], capture_output=True, text=True).stdout.strip() or "awscli"
        baseline_check = ""
        if BASE_BIN:
            baseline_check = checks["baseline"].row(f"`statelint check --offline` at {BASE_REV}") + "\n"
        section = f"""## check: {CLUSTERS} clusters in S3 (moto on 127.0.0.1)

Store: {CLUSTERS} clusters x (config + 3 instance groups) = {files} objects in a local moto server.
`statelint check --offline` reads, validates and checks every cluster; `aws s3 sync` ({aws_version})
only copies the same objects to disk. Requests are counted from the server's access log;
"server CPU" is the CPU time moto spent on the run (it answers one request at a time, so
when it is close to the wall time the server set the pace).

| what | wall time (median of {RUNS}) | HTTP requests | server CPU |
|---|---:|---:|---:|
{ours.row("`statelint check --offline`")}
{baseline_check}{theirs.row("`aws s3 sync` to disk")}

- statelint vs sync: **{t_sync / t_ours:.1f}x** the speed (target: no slower than the sync).
- GETs per file read: {(r_ours - 1 - pages) / files:.2f} (requests minus the region lookup and the {pages} listing page(s), per object read; target: at most one).
"""
        if BASE_BIN:
            section += f"- against the binary built from {BASE_REV}, in the same runs: **{checks['baseline'].wall() / t_ours:.2f}x** its speed.\n"
        write_section("check-s3", section)
        print(section)

        # A full probe of one cluster: every request, and the wall time.
        first = sorted(os.listdir(store))[0]
        probes = Runs()
        for _ in range(RUNS):
            proc = timed([BIN, "probe", "--state", "s3://bench/kops", "--cluster", first, "--format", "json"], env, probes)
            if proc.returncode not in (0, 1):
                print(proc.stderr[-2000:], file=sys.stderr)
                return 1
        probe_section = f"""## probe: one cluster on S3 (moto on 127.0.0.1)

`statelint probe --cluster {first}`: caller identity, seven bucket-level calls issued
concurrently (HeadBucket twice, location, encryption, policy, versioning, public-access
block), then list, read, and the throw-away object's write, read-back, delete and check
that it is gone; the region lookup when the store is opened is included.

| what | wall time (median of {RUNS}) | HTTP requests | server CPU |
|---|---:|---:|---:|
{probes.row("`statelint probe` (one cluster)")}
"""
        write_section("probe-s3", probe_section)
        print(probe_section)

        # migrate between two buckets vs aws s3 sync between two buckets.
        migrations = {name: Runs() for name, _ in binaries}
        syn = Runs()
        for i in range(RUNS):
            for name, binary in binaries:
                bucket = f"mig-{name}-{i}"
                subprocess.run([*AWS_CMD, "s3", "mb", f"s3://{bucket}"], env=env, check=True, capture_output=True)
                proc = timed([binary, "migrate", "--from", "s3://bench/kops", "--to", f"s3://{bucket}/kops", "--yes"], env, migrations[name])
                if proc.returncode not in (0, 1) or f"copied {files} object(s)" not in proc.stdout:
                    print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
                    return 1
            subprocess.run([*AWS_CMD, "s3", "mb", f"s3://syn-{i}"], env=env, check=True, capture_output=True)
            proc = timed([*AWS_CMD, "s3", "sync", "--quiet", "s3://bench/kops", f"s3://syn-{i}/kops"], env, syn)
            if proc.returncode != 0:
                print(proc.stderr[-2000:], file=sys.stderr)
                return 1
        mig = migrations["today"]
        t_mig, t_syn = mig.wall(), syn.wall()
        # What migrate cannot do without: list both sides, read every object (to hash, rewrite
        # and check it) and write every object once.
        floor = 2 + 2 * files
        baseline_migrate = ""
        if BASE_BIN:
            baseline_migrate = migrations["baseline"].row(f"`statelint migrate` at {BASE_REV}") + "\n"
        load_after = os.getloadavg()[0]
        migrate_section = f"""## migrate: {CLUSTERS} clusters between two buckets (moto on 127.0.0.1)

`statelint migrate --yes` reads the {files} source objects (hashes for the plan, configBase
rewritten, the copy checked from the verified bytes) and writes {files} (each verified by the
MD5 ETag the server computed), then checks the destination with its read-only probes;
`aws s3 sync` between the same buckets copies server-side and checks nothing.
Load average (1 min) at the start of the check runs {load_before:.2f}, at the end {load_after:.2f}.

| what | wall time (median of {RUNS}) | HTTP requests | server CPU |
|---|---:|---:|---:|
{mig.row("`statelint migrate` (copy + verify + check)")}
{baseline_migrate}{syn.row("`aws s3 sync` bucket to bucket")}

- statelint vs sync: **{t_syn / t_mig:.1f}x** the speed (target: no slower than the sync; {"met" if t_mig <= t_syn else "not met"}).
- Requests: migrate's work needs at least {floor} (two listings, {files} reads, {files} writes), the sync's
  {statistics.median(syn.requests):.0f}; against a server that answers one request at a time, time follows the
  server's CPU, so migrate stays behind the sync here whatever its concurrency.
"""
        if BASE_BIN:
            migrate_section += f"- against the binary built from {BASE_REV}, in the same runs: **{migrations['baseline'].wall() / t_mig:.2f}x** its speed.\n"
        write_section("migrate-s3", migrate_section)
        print(migrate_section)
        return 0 if t_ours <= t_sync and t_mig <= t_syn else 2
    finally:
        subprocess.run(["kill", pid])


if __name__ == "__main__":
    sys.exit(main())
