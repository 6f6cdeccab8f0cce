#!/usr/bin/env python3
"""Record the size of the release binary in BENCHMARKS.md (run by scripts/bench.sh)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_bench import BIN, ROOT, write_section  # noqa: E402

size = os.path.getsize(BIN)
version = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.strip()
profile = open(os.path.join(ROOT, "Cargo.toml"), encoding="utf-8").read().split("[profile.release]", 1)[-1].strip().splitlines()
settings = ", ".join(line.strip() for line in profile if "=" in line and not line.startswith("["))
section = f"""## release binary

`{version}`, built with `cargo build --release` ({settings}): **{size / 1024 / 1024:.1f} MiB**
(object_store, the AWS SDK control plane and mimalloc included).
"""
write_section("binary", section)
print(section)
