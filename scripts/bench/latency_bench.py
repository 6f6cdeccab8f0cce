#!/usr/bin/env python3
"""Benchmark statelint at a 30 ms round trip: a delay proxy on 127.0.0.1 (15 ms each way,
plus one round trip per new connection for the handshake) in front of the local S3 server
(moto) and the local Cloud Storage emulator. Side by side, in one run: `check --offline`
vs `aws s3 sync` to disk, `check` with its probes vs its own offline time, and `migrate`
vs `aws s3 sync` bucket to bucket (S3), and the same statelint rows on GCS. Every request
is counted by the proxy. Writes the "latency" section of BENCHMARKS.md.

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
import urllib.request
import json
import asyncio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_bench import BIN, ROOT, TOOLS, write_section  # noqa: E402

CLUSTERS = int(os.environ.get("BENCH_S3_CLUSTERS", "100"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
GCS_WRITES = os.environ.get("BENCH_GCS_MAX_REQUESTS", "8")
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


def start(script):
    out = subprocess.run(["bash", os.path.join(ROOT, "scripts", "servers", script)], capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
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


def gcs_bucket(endpoint, name):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    req = urllib.request.Request(f"{endpoint}/storage/v1/b?project=bench", data=json.dumps({"name": name}).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    with opener.open(req, timeout=30):
        pass


def main():
    load_start = os.getloadavg()[0]
    store = os.path.join(TOOLS, "bench", f"store-{CLUSTERS}")
    if not os.path.isdir(store):
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "bench", "gen_store.py"), str(CLUSTERS), store], check=True)
    files = sum(len(fs) for _, _, fs in os.walk(store))
    moto, moto_pid = start("moto.sh")
    gcs, gcs_pid = start("gcs_emulator.sh")
    s3_proxy, gcs_proxy = DelayProxy(moto), DelayProxy(gcs)
    work = tempfile.mkdtemp(prefix="statelint-latency-")
    try:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3_", "GOOGLE_", "STORAGE_"))}
        base["HOME"] = work
        s3 = dict(base, AWS_ENDPOINT_URL=s3_proxy.endpoint, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                  AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
        gs = dict(base, STORAGE_EMULATOR_HOST=gcs_proxy.endpoint)
        # Seed both stores (not timed): S3 with aws s3 sync, GCS with export + import.
        subprocess.run([*AWS_CMD, "s3", "mb", "s3://lat"], env=s3, check=True, capture_output=True)
        subprocess.run([*AWS_CMD, "s3", "sync", "--quiet", store, "s3://lat/kops"], env=s3, check=True)
        exported = os.path.join(work, "exported")
        subprocess.run([BIN, "export", "--state", store, "--to", exported], env=base, check=True, capture_output=True)
        for name in ["lat"] + [f"mig-{i}" for i in range(RUNS)]:
            gcs_bucket(gcs, name)
        subprocess.run([BIN, "import", "--from", exported, "--to", "gs://lat/kops", "--yes", "--max-requests", GCS_WRITES], env=gs, check=True, capture_output=True)

        rows = {}
        for label, proxy, env, url in (("S3", s3_proxy, s3, "s3://lat/kops"), ("GCS", gcs_proxy, gs, "gs://lat/kops")):
            rows[label, "offline"] = median([timed(proxy, [BIN, "check", "--state", url, "--offline", "--format", "json"], env) for _ in range(RUNS)])
            rows[label, "probes"] = median([timed(proxy, [BIN, "check", "--state", url, "--format", "json"], env, ok=(0, 1, 2)) for _ in range(RUNS)])
        sync, mig, s3s = [], [], []
        for i in range(RUNS):
            target = tempfile.mkdtemp(prefix="statelint-sync-")
            try:
                sync.append(timed(s3_proxy, [*AWS_CMD, "s3", "sync", "--quiet", "s3://lat/kops", target], s3, ok=(0,)))
            finally:
                shutil.rmtree(target, ignore_errors=True)
            for name in (f"mig-{i}", f"syn-{i}"):
                subprocess.run([*AWS_CMD, "s3", "mb", f"s3://{name}"], env=s3, check=True, capture_output=True)
            mig.append(timed(s3_proxy, [BIN, "migrate", "--from", "s3://lat/kops", "--to", f"s3://mig-{i}/kops", "--yes"], s3, must=f"copied {files} object(s)"))
            s3s.append(timed(s3_proxy, [*AWS_CMD, "s3", "sync", "--quiet", "s3://lat/kops", f"s3://syn-{i}/kops"], s3, ok=(0,)))
        # The emulator serves one request at a time: 64 uploads in flight outwait the 30 s
        # request timeout there, so this row asks for fewer.
        gmig, gmig_error = [], None
        for i in range(RUNS):
            try:
                gmig.append(timed(gcs_proxy, [BIN, "migrate", "--from", "gs://lat/kops", "--to", f"gs://mig-{i}/kops", "--yes", "--max-requests", GCS_WRITES], gs, must=f"copied {files} object(s)"))
            except RuntimeError as e:
                gmig_error = str(e).splitlines()[0][:200]
        t_sync, r_sync = median(sync)
        t_mig, r_mig = median(mig)
        t_s3s, r_s3s = median(s3s)
        aws_version = subprocess.run([*AWS_CMD, "--version"], capture_output=True, text=True).stdout.strip() or "awscli"

        def row(what, t, r, other=""):
            return f"| {what} | {t:.2f} s | {r:.0f} | {other} |"

        lines = [
            f"## latency: {CLUSTERS} clusters at a {2 * ONE_WAY * 1000:.0f} ms round trip (S3 and GCS)",
            "",
            f"Store: {CLUSTERS} clusters x (config + 3 instance groups) = {files} objects, in moto (S3) and in",
            f"gcp-storage-emulator (GCS) on 127.0.0.1, each behind a delay proxy that holds every chunk",
            f"{ONE_WAY * 1000:.0f} ms in each direction and every new connection one round trip",
            f"(`scripts/bench/latency_bench.py`). HTTP requests are counted by the proxy. `{aws_version}`",
            f"runs through the same proxy in the same run. Median of {RUNS}; statelint with its defaults",
            f"(`--max-requests 64`, one CPU worker per core on the 2-core machine), binary `{os.path.relpath(BIN, ROOT)}`;",
            f"load average (1 min) at the start {load_start:.1f}, at the end {os.getloadavg()[0]:.1f}.",
            "moto answers `Connection: close`, so every S3 request of either tool also pays a new",
            "connection (one more round trip); a real S3 endpoint keeps connections open.",
            "",
            "| what | wall time | HTTP requests | compared |",
            "|---|---:|---:|---|",
        ]
        t_off, r_off = rows["S3", "offline"]
        t_pr, r_pr = rows["S3", "probes"]
        lines.append(row("S3: `statelint check --offline`", t_off, r_off, f"**{t_sync / t_off:.1f}x** the speed of the sync to disk (goal: 3x)"))
        lines.append(row("S3: `aws s3 sync` to disk", t_sync, r_sync))
        lines.append(row("S3: `statelint check` with its probes", t_pr, r_pr, f"{t_pr / t_off:.1f}x its offline time (goal: at most 1.5x)"))
        lines.append(row("S3: `statelint migrate` bucket to bucket", t_mig, r_mig, f"**{t_s3s / t_mig:.1f}x** the speed of the sync (goal: 1.5x)"))
        lines.append(row("S3: `aws s3 sync` bucket to bucket", t_s3s, r_s3s))
        g_off, gr_off = rows["GCS", "offline"]
        g_pr, gr_pr = rows["GCS", "probes"]
        lines.append(row("GCS: `statelint check --offline`", g_off, gr_off))
        lines.append(row("GCS: `statelint check` with its probes", g_pr, gr_pr, f"{g_pr / g_off:.1f}x its offline time"))
        if gmig:
            t_gmig, r_gmig = median(gmig)
            lines.append(row(f"GCS: `statelint migrate --max-requests {GCS_WRITES}` bucket to bucket", t_gmig, r_gmig))
        else:
            lines.append(f"| GCS: `statelint migrate --max-requests {GCS_WRITES}` bucket to bucket | did not complete | - | {gmig_error} |")
        lines.append("")
        lines.append(f"`migrate` issues more requests than the sync: it reads the {files} source objects (hashes for the")
        lines.append(f"plan), writes {files} (each verified by its MD5 ETag; a cluster's `config` once its other objects")
        lines.append("are verified), then checks the destination as `check` does, reads of what it just wrote answered")
        lines.append("from the verified bytes (a listing, one listing per cluster folder and the bucket-level probes);")
        lines.append("`aws s3 sync` copies server-side and verifies nothing. `check` with its probes reuses its own")
        lines.append("listing and reads of each `config` for the list and read probes.")
        lines.append("")
        section = "\n".join(lines) + "\n"
        write_section("latency", section)
        print(section)
        return 0
    finally:
        s3_proxy.stop()
        gcs_proxy.stop()
        shutil.rmtree(work, ignore_errors=True)
        subprocess.run(["kill", moto_pid, gcs_pid])


if __name__ == "__main__":
    sys.exit(main())
