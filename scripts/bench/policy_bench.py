#!/usr/bin/env python3
"""Lint the bucket-policy corpus with statelint and with parliament (PyPI), side by side:
speed (one process per policy for both) and agreement on the checks both tools make.
Writes the "policy lint" section of BENCHMARKS.md. Run through scripts/bench.sh.
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_bench import BIN, ROOT, TOOLS, write_section  # noqa: E402

CORPUS = os.path.join(ROOT, "tests", "fixtures", "policies", "corpus")
PARLIAMENT = os.path.join(TOOLS, "bench-venv", "bin", "parliament")

# Checks both tools make: our code -> parliament issue names.
SHARED = {
    "SL306": {"UNKNOWN_ACTION"},
    "SL302": {"RESOURCE_MISMATCH"},
    "SL307": {"MALFORMED_ARN", "INVALID_ARN", "UNKNOWN_PRINCIPAL", "RESOURCE_STAR"},
    "SL305": {"NOTPRINCIPAL_WITH_ALLOW"},
    "SL312": {"UNKNOWN_OPERATOR", "MISMATCHED_TYPE", "MISMATCHED_TYPE_BUT_USABLE", "UNKNOWN_CONDITION_FOR_ACTION"},
}


def ours(path):
    out = subprocess.run([BIN, "check", "--policy", path, "--format", "json"], capture_output=True, text=True, timeout=60)
    return {f["code"] for f in json.loads(out.stdout)["findings"]}


def theirs(path):
    # parliament refuses `--file` when standard input is not a terminal; `--string` works.
    text = open(path, encoding="utf-8").read()
    out = subprocess.run([PARLIAMENT, "--string", text, "--json"], capture_output=True, text=True,
                         timeout=60, stdin=subprocess.DEVNULL)
    issues = set()
    for line in out.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                issues.add(json.loads(line).get("issue", ""))
            except json.JSONDecodeError:
                pass
    return issues


def main():
    files = sorted(os.path.join(CORPUS, f) for f in os.listdir(CORPUS) if f.endswith(".json"))
    t0 = time.perf_counter()
    our_results = {f: ours(f) for f in files}
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    their_results = {f: theirs(f) for f in files}
    t_theirs = time.perf_counter() - t0
    version = subprocess.run([os.path.join(TOOLS, "bench-venv", "bin", "pip"), "show", "parliament"], capture_output=True, text=True).stdout
    version = next((l.split(":", 1)[1].strip() for l in version.splitlines() if l.startswith("Version")), "?")
    rows = []
    for code, names in SHARED.items():
        both = sum(1 for f in files if code in our_results[f] and their_results[f] & names)
        only_us = sum(1 for f in files if code in our_results[f] and not their_results[f] & names)
        only_them = sum(1 for f in files if code not in our_results[f] and their_results[f] & names)
        rows.append(f"| {code} / {', '.join(sorted(names))} | {both} | {only_us} | {only_them} |")
    flagged_ours = sum(1 for f in files if our_results[f])
    flagged_theirs = sum(1 for f in files if their_results[f])
    section = f"""## policy lint: {len(files)} bucket policies vs parliament {version}

Both tools run once per policy file (`statelint check --policy F --format json`,
`parliament --string "$(cat F)" --json`) over `tests/fixtures/policies/corpus/`.

| what | wall time | per policy |
|---|---:|---:|
| statelint | {t_ours:.2f} s | {t_ours / len(files) * 1000:.1f} ms |
| parliament | {t_theirs:.2f} s | {t_theirs / len(files) * 1000:.1f} ms |

- Speed ratio: **{t_theirs / t_ours:.1f}x** (parliament time / statelint time).
- Policies with at least one finding: statelint {flagged_ours}, parliament {flagged_theirs}.

Agreement on the checks both make (policies flagged by both / only statelint / only parliament):

| check | both | only statelint | only parliament |
|---|---:|---:|---:|
""" + "\n".join(rows) + """

statelint's state-store checks (public principal on a store with secrets, missing
`s3:GetBucketLocation` for cross-account principals, missing TLS deny, duplicate statements,
the 20 KB limit) have no parliament counterpart; parliament's IAM-wide checks (privilege
escalation, unknown services) are outside statelint's scope.
"""
    write_section("policy-lint", section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
