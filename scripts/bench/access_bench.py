#!/usr/bin/env python3
"""The access map of a 20 KB bucket policy (the S3 limit) naming 50 principals.

Writes the "access" section of BENCHMARKS.md. Run through scripts/bench.sh (release build);
STATELINT_BIN=target/debug/statelint checks the script with a debug build (figures from a
debug build are not recorded unless BENCH_RECORD=1).
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_bench import BIN, ROOT, write_section  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
PRINCIPALS = 50
LIMIT = 20 * 1024
BUCKET = "kops-state"


def principal(i):
    account = f"{200000000000 + i:012d}"
    kind = ["role/nodes", "role/operator", "user/ci", "role/admin", "root"][i % 5]
    return f"arn:aws:iam::{account}:root" if kind == "root" else f"arn:aws:iam::{account}:{kind}-{i}"


def statement(i):
    """Grants, conditional grants and denies in the shapes real state-store policies use."""
    p = [principal((2 * i) % PRINCIPALS), principal((2 * i + 1) % PRINCIPALS)]
    shape = i % 6
    s = {"Sid": f"S{i}", "Effect": "Allow", "Principal": {"AWS": p}}
    if shape == 0:
        s.update(Action=["s3:ListBucket", "s3:GetBucketLocation"], Resource=f"arn:aws:s3:::{BUCKET}")
    elif shape == 1:
        s.update(Action=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource=f"arn:aws:s3:::{BUCKET}/kops/*")
    elif shape == 2:
        s.update(Action="s3:GetObject", Resource=f"arn:aws:s3:::{BUCKET}/kops/cluster-{i}.example.com/*",
                 Condition={"IpAddress": {"aws:SourceIp": [f"10.{i % 250}.0.0/16"]}})
    elif shape == 3:
        s.update(Effect="Deny", Action=["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
                 Resource=f"arn:aws:s3:::{BUCKET}")
    elif shape == 4:
        s.update(NotAction=["s3:DeleteObject", "s3:PutBucketPolicy"], Resource=[f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"])
    else:
        s.update(Effect="Deny", Action="s3:GetObject", Resource=f"arn:aws:s3:::{BUCKET}/kops/*/pki/private/*",
                 Condition={"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d"}})
    return s


def policy():
    statements = [{"Sid": "HttpsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                   "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                   "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
    i = 0
    while True:
        candidate = statements + [statement(i)]
        text = json.dumps({"Version": "2012-10-17", "Statement": candidate}, separators=(",", ":"))
        if len(text.encode()) > LIMIT:
            break
        statements = candidate
        i += 1
    return {"Version": "2012-10-17", "Statement": statements}


def main():
    binary = os.environ.get("STATELINT_BIN", BIN)
    doc = policy()
    text = json.dumps(doc, separators=(",", ":"))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "policy.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        cmd = [binary, "access", "--policy", path, "--prefix", "kops", "--bucket-owner", "111111111111", "--format", "json"]
        times, cpu, out = [], [], None
        for _ in range(RUNS):
            start, before = time.perf_counter(), os.times()
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            after = os.times()
            times.append(time.perf_counter() - start)
            cpu.append(after.children_user + after.children_system - before.children_user - before.children_system)
            if proc.returncode not in (0, 1):
                sys.exit(f"access_bench: statelint exited {proc.returncode}: {proc.stderr}")
            out = json.loads(proc.stdout)
    rows = len(out["principals"])
    named = rows - 1
    if named < PRINCIPALS:
        sys.exit(f"access_bench: only {named} principals mapped, wanted {PRINCIPALS}")
    median = statistics.median(times)
    build = "release" if binary == BIN else f"`{os.path.relpath(binary, ROOT)}`"
    section = f"""## access: a 20 KB bucket policy naming {named} principals

`statelint access --policy F --format json` on a generated policy of {len(text.encode()):,}
bytes (the S3 limit is 20 KB) with {len(doc["Statement"])} statements (grants on the bucket and
the store, `NotAction`, denies of the policy actions, `aws:SourceIp` and `aws:SourceVpce`
conditions) naming {named} principals plus `*`: {rows} rows x 6 capabilities, each decided
both ways for undecidable conditions; the lint runs too.

| build | runs | median wall time | min | max | median CPU time |
|---|---:|---:|---:|---:|---:|
| {build} | {RUNS} | **{median:.3f} s** | {min(times):.3f} s | {max(times):.3f} s | {statistics.median(cpu):.3f} s |

Findings: {len(out["findings"])}. Target: well under a second with the release build.
"""
    print(section)
    if binary == BIN or os.environ.get("BENCH_RECORD") == "1":
        write_section("access", section)


if __name__ == "__main__":
    main()
