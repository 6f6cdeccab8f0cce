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
VENV = os.environ.get("STATELINT_BENCH_VENV", os.path.join(TOOLS, "bench-venv"))
PARLIAMENT = os.path.join(VENV, "bin", "parliament")

# Check families: our codes -> parliament issue names making the same kind of check (empty:
# parliament has no such check). The table counts policies flagged per family.
FAMILIES = [
    ("policy shape and JSON", {"SL300", "SL313", "SL320"}, {"MALFORMED", "MALFORMED_JSON", "INVALID_VERSION"}),
    ("unknown or non-S3 actions", {"SL306", "SL318"}, {"UNKNOWN_ACTION", "UNKNOWN_PREFIX"}),
    ("action vs resource type", {"SL302"}, {"RESOURCE_MISMATCH"}),
    ("ARNs, principals, partitions", {"SL307", "SL319", "SL326"}, {"MALFORMED_ARN", "INVALID_ARN", "UNKNOWN_PRINCIPAL", "UNKNOWN_FEDERATION_SOURCE"}),
    ("Allow with NotPrincipal", {"SL305"}, {"NOTPRINCIPAL_WITH_ALLOW"}),
    ("broad grants", {"SL303"}, {"RESOURCE_STAR"}),
    ("condition operators and value types", {"SL312", "SL322"}, {"UNKNOWN_OPERATOR", "MISMATCHED_TYPE", "MISMATCHED_TYPE_BUT_USABLE", "MISMATCHED_TYPE_OPERATION_TO_NULL", "BAD_PATTERN_FOR_MFA"}),
    ("condition keys (existence, action support, case)", {"SL314", "SL316", "SL317"}, {"UNKNOWN_CONDITION_FOR_ACTION"}),
    ("set operators, qualifiers, empty and redundant conditions", {"SL315", "SL328", "SL329", "SL330"}, set()),
    ("network conditions (private IPs, VPC ids, pairs)", {"SL321", "SL323", "SL325"}, set()),
    ("service principals without source", {"SL324"}, set()),
    ("policy variables", {"SL327"}, set()),
    ("duplicate statements and Sids", {"SL309", "SL310"}, {"DUPLICATE_SID"}),
    ("state-store checks (public, location, TLS, size)", {"SL301", "SL304", "SL308", "SL311"}, set()),
]


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
    # The one-per-check fixtures (failing and passing forms) as well.
    fixtures = os.path.join(ROOT, "tests", "fixtures", "policies")
    for folder, _, names in os.walk(fixtures):
        if folder != CORPUS:
            files += sorted(os.path.join(folder, n) for n in names if n.endswith(".json"))
    t0 = time.perf_counter()
    our_results = {f: ours(f) for f in files}
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    their_results = {f: theirs(f) for f in files}
    t_theirs = time.perf_counter() - t0
    version = subprocess.run([os.path.join(VENV, "bin", "pip"), "show", "parliament"], capture_output=True, text=True).stdout
    version = next((l.split(":", 1)[1].strip() for l in version.splitlines() if l.startswith("Version")), "?")
    rows = []
    for family, codes, names in FAMILIES:
        both = sum(1 for f in files if our_results[f] & codes and their_results[f] & names)
        only_us = sum(1 for f in files if our_results[f] & codes and not their_results[f] & names)
        only_them = sum(1 for f in files if not our_results[f] & codes and their_results[f] & names)
        theirs_cell = ", ".join(sorted(names)) if names else "(none)"
        rows.append(f"| {family} | {', '.join(sorted(codes))} | {theirs_cell} | {both} | {only_us} | {only_them} |")
    flagged_ours = sum(1 for f in files if our_results[f])
    flagged_theirs = sum(1 for f in files if their_results[f])
    section = f"""## policy lint: {len(files)} bucket policies vs parliament {version}

Both tools run once per policy file (`statelint check --policy F --format json`,
`parliament --string "$(cat F)" --json`) over `tests/fixtures/policies/` (the corpus and
the failing and passing fixture of every check).

| what | wall time | per policy |
|---|---:|---:|
| statelint | {t_ours:.2f} s | {t_ours / len(files) * 1000:.1f} ms |
| parliament | {t_theirs:.2f} s | {t_theirs / len(files) * 1000:.1f} ms |

- Speed ratio: **{t_theirs / t_ours:.1f}x** (parliament time / statelint time).
- Policies with at least one finding: statelint {flagged_ours}, parliament {flagged_theirs}.

Agreement per check family (policies flagged by both / only statelint / only parliament);
`docs/policy-parity.md` maps each code to the AWS Access Analyzer check it mirrors:

| family | statelint | parliament | both | only statelint | only parliament |
|---|---|---|---:|---:|---:|
""" + "\n".join(rows) + """

Families with "(none)" have no parliament counterpart; parliament's IAM-wide checks
(privilege escalation, credentials exposure) are outside what a bucket policy can express.
"""
    write_section("policy-lint", section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
