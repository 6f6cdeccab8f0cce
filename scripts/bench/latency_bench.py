#!/usr/bin/env python3
"""Benchmark statelint at a 30 ms round trip: a delay proxy on 127.0.0.1 (15 ms each way,
plus one round trip per new connection for the handshake) in front of a local S3 server
(Ceph RGW) and a local Azure Blob server (azurite). Side by side, in one run: `check
--offline` vs `aws s3 sync` to disk, `check` with its probes vs its own offline time, and
`migrate` vs `aws s3 sync` bucket to bucket (S3), and the same statelint rows on Azure.
Every request is counted by the proxy. Writes the "latency" section of BENCHMARKS.md.

Why these servers: the latency is what is measured, so the server must not be the limit.
moto and the Cloud Storage emulator each run in one Python interpreter (moto's threads share
the GIL, the emulator answers strictly one request after the other), which caps both tools at
the server's speed whatever they keep in flight. RGW is
the S3 implementation the test suite already runs (C++, many requests at once, connections
kept open as S3 does); azurite answers requests concurrently (node).

Run through scripts/bench.sh (release binary, awscli in .tools/).
"""
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import json
import asyncio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_bench import BIN, ROOT, TOOLS, write_section  # noqa: E402

CLUSTERS = int(os.environ.get("BENCH_S3_CLUSTERS", "100"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
ONE_WAY = float(os.environ.get("BENCH_ONE_WAY_MS", "15")) / 1000
AWS = os.path.join(TOOLS, "bench-venv", "bin", "aws")
# Run by the virtualenv's own interpreter: the script's #! line names the path the venv was
# created at, which breaks when .tools/ is copied to another checkout.
AWS_CMD = [os.path.join(TOOLS, "bench-venv", "bin", "python3"), AWS]
# The binary measured: the release build unless BENCH_BIN names another (it is reported).
BIN = os.environ.get("BENCH_BIN", BIN)
REQUEST_LINE = re.compile(rb"(?:GET|PUT|POST|DELETE|HEAD|PATCH) [^ \r\n]+ HTTP/1\.[01]\r\n")


class DelayProxy:
    """A TCP proxy adding ONE_WAY to every chunk in each direction (no bandwidth limit) and
    one round trip to every new connection, counting the HTTP requests that go through it.

    One asyncio loop on its own thread serves every connection: a thread per connection and
    direction (the first version) capped the whole benchmark at about 100 requests a second
    on a loaded 2-core machine, whatever the client did, and hid the latency being measured."""

    def __init__(self, upstream):
        host, port = upstream.replace("http://", "").rstrip("/").split(":")
        self.upstream = (host, int(port))
        self.requests = 0
        self.connections = 0
        self.lock = threading.Lock()
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        self.thread = threading.Thread(target=self.run, args=(ready,), daemon=True)
        self.thread.start()
        if not ready.wait(30):
            raise RuntimeError("the delay proxy did not start")
        self.endpoint = "http://127.0.0.1:%d" % self.port

    def run(self, ready):
        asyncio.set_event_loop(self.loop)

        async def listen():
            self.server = await asyncio.start_server(self.connect, "127.0.0.1", 0, backlog=1024)
            self.port = self.server.sockets[0].getsockname()[1]
            ready.set()

        self.loop.run_until_complete(listen())
        self.loop.run_forever()

    async def connect(self, client_reader, client_writer):
        with self.lock:
            self.connections += 1
        await asyncio.sleep(2 * ONE_WAY)  # the TCP handshake costs one round trip
        try:
            up_reader, up_writer = await asyncio.wait_for(asyncio.open_connection(*self.upstream), 60)
        except (OSError, asyncio.TimeoutError):
            client_writer.close()
            return
        await asyncio.gather(
            self.pump(client_reader, up_writer, True),
            self.pump(up_reader, client_writer, False),
            return_exceptions=True,
        )
        for w in (client_writer, up_writer):
            w.close()

    async def pump(self, src, dst, count):
        """Copies src to dst, each chunk ONE_WAY after it arrived, in order."""
        queue = asyncio.Queue()

        async def writer():
            while True:
                due, data = await queue.get()
                delay = due - self.loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                if not data:
                    if dst.can_write_eof():
                        dst.write_eof()
                    return
                dst.write(data)
                await dst.drain()

        task = asyncio.ensure_future(writer())
        try:
            while True:
                data = await src.read(65536)
                if count and data:
                    with self.lock:
                        self.requests += len(REQUEST_LINE.findall(data))
                queue.put_nowait((self.loop.time() + ONE_WAY, data))
                if not data:
                    break
        except OSError:
            queue.put_nowait((self.loop.time() + ONE_WAY, b""))
        await task

    def count(self):
        with self.lock:
            return self.requests

    def stop(self):
        def close():
            self.server.close()
            self.loop.stop()

        self.loop.call_soon_threadsafe(close)
        self.thread.join(10)


def start(script, *args):
    out = subprocess.run(["bash", os.path.join(ROOT, "scripts", "servers", script), *args], capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"{script}: {out.stderr[-2000:]}")
    endpoint, pid = out.stdout.split()
    return endpoint, pid


def timed(proxy, cmd, env, ok=(0, 1), must=None):
    before = proxy.count()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    wall = time.perf_counter() - t0
    if proc.returncode not in ok or (must and must not in proc.stdout):
        raise RuntimeError(f"{cmd}: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    return wall, proxy.count() - before


def median(rows):
    return statistics.median(w for w, _ in rows), statistics.median(r for _, r in rows)


# azurite's documented, well-known development account and key (not a secret).
AZURE_ACCOUNT = "devstoreaccount1"
AZURE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def statelint_rows(proxy, env, url, files, dest):
    """`check --offline`, `check` with its probes and `migrate` to dest(i) on one backend."""
    offline = median([timed(proxy, [BIN, "check", "--state", url, "--offline", "--format", "json"], env) for _ in range(RUNS)])
    probes = median([timed(proxy, [BIN, "check", "--state", url, "--format", "json"], env, ok=(0, 1, 2)) for _ in range(RUNS)])
    migrate = median([timed(proxy, [BIN, "migrate", "--from", url, "--to", dest(i), "--yes"], env, must=f"copied {files} object(s)") for i in range(RUNS)])
    return offline, probes, migrate


def main():
    load_start = os.getloadavg()[0]
    store = os.path.join(TOOLS, "bench", f"store-{CLUSTERS}")
    if not os.path.isdir(store):
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "bench", "gen_store.py"), str(CLUSTERS), store], check=True)
    files = sum(len(fs) for _, _, fs in os.walk(store))
    work = tempfile.mkdtemp(prefix="statelint-latency-")
    pids = []
    proxies = []
    try:
        keys_file = os.path.join(work, "rgw-keys.json")
        rgw, pid = start("rgw.sh", keys_file)
        pids.append(pid)
        azurite, pid = start("azurite.sh")
        pids.append(pid)
        with open(keys_file, encoding="utf-8") as f:
            owner = json.load(f)["owner"]
        s3_proxy, az_proxy = DelayProxy(rgw), DelayProxy(azurite)
        proxies += [s3_proxy, az_proxy]
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3_", "GOOGLE_", "STORAGE_", "AZURE_", "STATELINT_"))}
        base["HOME"] = work
        s3 = dict(base, AWS_ENDPOINT_URL=s3_proxy.endpoint, AWS_ACCESS_KEY_ID=owner["key"], AWS_SECRET_ACCESS_KEY=owner["secret"],
                  AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
        az = dict(base, STATELINT_AZURE_ENDPOINT=az_proxy.endpoint, AZURE_STORAGE_ACCOUNT_KEY=AZURE_KEY)
        # Seed both stores (not timed): S3 with aws s3 sync, Azure with export + import.
        for name in ["lat"] + [f"mig-{i}" for i in range(RUNS)] + [f"syn-{i}" for i in range(RUNS)]:
            subprocess.run([*AWS_CMD, "s3", "mb", f"s3://{name}"], env=s3, check=True, capture_output=True)
        subprocess.run([*AWS_CMD, "s3", "sync", "--quiet", store, "s3://lat/kops"], env=s3, check=True)
        exported = os.path.join(work, "exported")
        subprocess.run([BIN, "export", "--state", store, "--to", exported], env=base, check=True, capture_output=True)
        for name in ["lat"] + [f"mig-{i}" for i in range(RUNS)]:
            subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "servers", "azure_container.py"), azurite, name], check=True, capture_output=True)
        subprocess.run([BIN, "import", "--from", exported, "--to", f"azureblob://{AZURE_ACCOUNT}/lat/kops", "--yes"], env=az, check=True, capture_output=True)

        s3_rows = statelint_rows(s3_proxy, s3, "s3://lat/kops", files, lambda i: f"s3://mig-{i}/kops")
        az_rows = statelint_rows(az_proxy, az, f"azureblob://{AZURE_ACCOUNT}/lat/kops", files, lambda i: f"azureblob://{AZURE_ACCOUNT}/mig-{i}/kops")
        sync, s3s = [], []
        for i in range(RUNS):
            target = tempfile.mkdtemp(prefix="statelint-sync-")
            try:
                sync.append(timed(s3_proxy, [*AWS_CMD, "s3", "sync", "--quiet", "s3://lat/kops", target], s3, ok=(0,)))
            finally:
                shutil.rmtree(target, ignore_errors=True)
            s3s.append(timed(s3_proxy, [*AWS_CMD, "s3", "sync", "--quiet", "s3://lat/kops", f"s3://syn-{i}/kops"], s3, ok=(0,)))
        t_sync, r_sync = median(sync)
        t_s3s, r_s3s = median(s3s)
        aws_version = subprocess.run([*AWS_CMD, "--version"], capture_output=True, text=True).stdout.strip() or "awscli"
        rgw_version = subprocess.run(["radosgw", "--version"], capture_output=True, text=True).stdout.strip().split(" (")[0] or "radosgw"
        azurite_version = subprocess.run(["node", "-p", f"require('{TOOLS}/azurite/node_modules/azurite/package.json').version"], capture_output=True, text=True).stdout.strip()

        def row(what, t, r, other=""):
            return f"| {what} | {t:.2f} s | {r:.0f} | {other} |"

        lines = [
            f"## latency: {CLUSTERS} clusters at a {2 * ONE_WAY * 1000:.0f} ms round trip (S3 and Azure)",
            "",
            f"Store: {CLUSTERS} clusters x (config + 3 instance groups) = {files} objects, in Ceph RGW",
            f"({rgw_version}, S3) and azurite {azurite_version} (Azure Blob) on 127.0.0.1, each behind a delay",
            f"proxy that holds every chunk {ONE_WAY * 1000:.0f} ms in each direction and every new connection one",
            f"round trip (`scripts/bench/latency_bench.py`). HTTP requests are counted by the proxy.",
            f"`{aws_version}` runs through the same proxy in the same run. Median of {RUNS}; statelint with its",
            f"defaults (`--max-requests 64`, one CPU worker per core on the 2-core machine), binary",
            f"`{os.path.relpath(BIN, ROOT)}`; load average (1 min) at the start {load_start:.1f}, at the end {os.getloadavg()[0]:.1f}.",
            "moto and the Cloud Storage emulator are not used here: each answers one request at a time",
            "(one Python process), so they measure the server, not the round trip.",
            "",
            "| what | wall time | HTTP requests | compared |",
            "|---|---:|---:|---|",
        ]
        (t_off, r_off), (t_pr, r_pr), (t_mig, r_mig) = s3_rows
        lines.append(row("S3: `statelint check --offline`", t_off, r_off, f"**{t_sync / t_off:.1f}x** the speed of the sync to disk (goal: 3x)"))
        lines.append(row("S3: `aws s3 sync` to disk", t_sync, r_sync))
        lines.append(row("S3: `statelint check` with its probes", t_pr, r_pr, f"{t_pr / t_off:.1f}x its offline time (goal: at most 1.5x)"))
        lines.append(row("S3: `statelint migrate` bucket to bucket", t_mig, r_mig, f"**{t_s3s / t_mig:.1f}x** the speed of the sync (goal: 1.5x)"))
        lines.append(row("S3: `aws s3 sync` bucket to bucket", t_s3s, r_s3s))
        (a_off, ar_off), (a_pr, ar_pr), (a_mig, ar_mig) = az_rows
        lines.append(row("Azure: `statelint check --offline`", a_off, ar_off))
        lines.append(row("Azure: `statelint check` with its probes", a_pr, ar_pr, f"{a_pr / a_off:.1f}x its offline time"))
        lines.append(row("Azure: `statelint migrate` container to container", a_mig, ar_mig))
        lines.append("")
        lines.append(f"`migrate` issues more requests than the sync: it reads the {files} source objects (hashes for the")
        lines.append(f"plan) and writes {files}, in flight together: a cluster is written as soon as its reads are in,")
        lines.append("while later clusters are still read, and its `config` once its other objects are verified. Then")
        lines.append("it checks the destination as `check` does (a listing, one listing per cluster folder, the")
        lines.append("bucket-level probes; reads of what it just wrote are answered from the verified bytes). S3")
        lines.append("verifies each write by the MD5 the server computed; Azure's ETag is no hash, so each blob is")
        lines.append("read back (the 400 further requests of its row). `aws s3 sync` copies server-side and")
        lines.append("verifies nothing. `check` with its probes reuses its own listing and reads of each `config`")
        lines.append("for the list and read probes.")
        lines.append("")
        section = "\n".join(lines) + "\n"
        write_section("latency", section)
        print(section)
        return 0
    finally:
        for proxy in proxies:
            proxy.stop()
        for pid in pids:
            subprocess.run(["kill", pid])
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
