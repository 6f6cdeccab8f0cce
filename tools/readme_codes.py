#!/usr/bin/env python3
"""Rewrite the codes table of README.md from `statelint rules --format json`.

Usage: cargo run -q -- rules --format json | python3 tools/readme_codes.py
tests/docs.rs fails when a code is missing from the table.
"""
import json
import re
import sys
from pathlib import Path

readme = Path(__file__).resolve().parent.parent / "README.md"
codes = json.load(sys.stdin)
rows = ["| code | name | default | what |", "|---|---|---|---|"]
for c in codes:
    summary = c["summary"].replace("|", "\\|")
    rows.append(f"| {c['code']} | `{c['name']}` | {c['severity']} | {summary} |")
text = readme.read_text()
new = re.sub(
    r"<!-- codes:start -->.*<!-- codes:end -->",
    "<!-- codes:start -->\n" + "\n".join(rows) + "\n<!-- codes:end -->",
    text,
    flags=re.S,
)
readme.write_text(new)
print(f"{len(codes)} codes written to {readme}")
