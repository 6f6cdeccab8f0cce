#!/usr/bin/env python3
"""Lint the bucket-policy corpus with statelint and with parliament (PyPI), side by side:
speed (one process per policy for both) and agreement on the checks both tools make.
Writes the "policy lint" section of BENCHMARKS.md. Run through scripts/bench.sh.

Bucket policies go through `statelint check --policy`; identity policies (no statement
names a principal: the identity-only fixtures) through `statelint probe --identity-policy`,
the command that reads them, without a store (its "no store" finding, SL001, is dropped).
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
# The release build unless told otherwise (then the section says which binary it was).
STATELINT = os.environ.get("STATELINT_BENCH_BIN", BIN)
BUILD = "release build" if STATELINT == BIN else f"binary `{os.path.relpath(STATELINT, ROOT)}` (not the release build)"

# Check families: our codes -> parliament issue names making the same kind of check (empty:
# parliament has no such check). The table counts policies flagged per family.
FAMILIES = [
    ("policy shape and JSON", {"SL300", "SL313", "SL320"}, {"MALFORMED", "MALFORMED_JSON", "INVALID_VERSION"}),
    ("unknown or non-S3 actions", {"SL306", "SL318"}, {"UNKNOWN_ACTION", "UNKNOWN_PREFIX"}),
    ("action vs resource type", {"SL302"}, {"RESOURCE_MISMATCH"}),
    ("ARNs, principals, partitions", {"SL307", "SL319", "SL326"}, {"MALFORMED_ARN", "INVALID_ARN", "UNKNOWN_PRINCIPAL", "UNKNOWN_FEDERATION_SOURCE"}),
    ("Allow with NotPrincipal", {"SL305"}, {"NOTPRINCIPAL_WITH_ALLOW"}),
    ("broad grants", {"SL303"}, {"RESOURCE_STAR"}),
    ("condition operators and value types", {"SL312", "SL322", "SL339"}, {"UNKNOWN_OPERATOR", "MISMATCHED_TYPE", "MISMATCHED_TYPE_BUT_USABLE", "MISMATCHED_TYPE_OPERATION_TO_NULL", "BAD_PATTERN_FOR_MFA"}),
    ("condition keys (existence, action support, tag keys, case)", {"SL314", "SL316", "SL317", "SL331"}, {"UNKNOWN_CONDITION_FOR_ACTION"}),
    ("set operators, qualifiers, empty and redundant conditions", {"SL315", "SL328", "SL329", "SL330"}, set()),
    ("network conditions (private IPs, IP ranges, VPC ids, pairs)", {"SL321", "SL323", "SL325", "SL332"}, set()),
    ("service principals without source", {"SL324"}, set()),
    ("policy variables (syntax, operators)", {"SL327", "SL340"}, set()),
    ("duplicate statements, duplicate and empty Sids", {"SL309", "SL310", "SL338"}, {"DUPLICATE_SID"}),
    ("identity policies (principal, size, iam:PassRole, iam:CreateServiceLinkedRole)", {"SL334", "SL335", "SL336", "SL337"}, {"PRIVILEGE_ESCALATION"}),
    ("state-store checks (public, location, TLS, size)", {"SL301", "SL304", "SL308", "SL311"}, set()),
]
# The "no store" finding of `probe` run without one, which is not about the policy.
NOT_POLICY = {"SL001"}


def is_identity(path):
    """No statement names a principal: an identity policy (bucket policies must name one)."""
    try:
        doc = json.load(open(path, encoding="utf-8"))
        statements = doc.get("Statement", [])
        statements = statements if isinstance(statements, list) else [statements]
        return bool(statements) and not any(
            isinstance(st, dict) and ("Principal" in st or "NotPrincipal" in st) for st in statements)
    except (ValueError, AttributeError):
        return False


def ours(path, identity):
    cmd = [STATELINT, "probe", "--identity-policy", path] if identity else [STATELINT, "check", "--policy", path]
    out = subprocess.run(cmd + ["--format", "json"], capture_output=True, text=True, timeout=60,
                         env={"HOME": os.environ.get("HOME", "/tmp"), "PATH": os.environ.get("PATH", "")})
    return {f["code"] for f in json.loads(out.stdout)["findings"]} - NOT_POLICY


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
    for folder, _, names in sorted(os.walk(fixtures)):
        if folder != CORPUS:
            files += sorted(os.path.join(folder, n) for n in names if n.endswith(".json"))
    kinds = {f: is_identity(f) for f in files}
    identities = sum(1 for f in files if kinds[f])
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    our_results = {f: ours(f, kinds[f]) for f in files}
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    their_results = {f: theirs(f) for f in files}
    t_theirs = time.perf_counter() - t0
    load_after = os.getloadavg()
    version = subprocess.run([os.path.join(VENV, "bin", "python"), "-m", "pip", "show", "parliament"], capture_output=True, text=True).stdout
    version = next((l.split(":", 1)[1].strip() for l in version.splitlines() if l.startswith("Version")), "?")
    rows = []
    for family, codes, names in FAMILIES:
        both = sum(1 for f in files if our_results[f] & codes and their_results[f] & names)
        only_us = sum(1 for f in files if our_results[f] & codes and not their_results[f] & names)
        only_them = sum(1 for f in files if not our_results[f] & codes and their_results[f] & names)
        theirs_cell = ", ".join(sorted(names)) if names else "(none)"
        rows.append(f"| {family} | {', '.join(sorted(codes))} | {theirs_cell} | {both} | {only_us} | {only_them} |")
    # What falls in no family, so that the table hides nothing.
    ours_mapped = set().union(*(c for _, c, _ in FAMILIES))
    theirs_mapped = set().union(*(n for _, _, n in FAMILIES))
    def outside(results, mapped):
        counts = {}
        for found in results.values():
            for name in found - mapped - {""}:
                counts[name] = counts.get(name, 0) + 1
        return ", ".join(f"{k} ({v})" for k, v in sorted(counts.items())) or "none"
    flagged_ours = sum(1 for f in files if our_results[f])
    flagged_theirs = sum(1 for f in files if their_results[f])
    per_ours = t_ours / len(files)
    per_theirs = t_theirs / len(files)
    ratio = per_theirs / per_ours
    verdict = "met" if ratio >= 50 else "NOT met"
    section = f"""## policy lint: {len(files)} policies vs parliament {version}

Both tools run once per policy file, a process each: statelint's {BUILD}
(`statelint check --policy F --format json`; for the {identities} identity policies
`statelint probe --identity-policy F --format json`, the command that reads them) and
`parliament --string "$(cat F)" --json`, over `tests/fixtures/policies/` (the corpus and the
failing and passing fixtures of every check). Load average (1 min) before: {load_before[0]:.2f},
after: {load_after[0]:.2f} (a 2-core machine shared with other builds; both tools saw the same).

| what | wall time | per policy |
|---|---:|---:|
| statelint | {t_ours:.2f} s | {per_ours * 1000:.1f} ms |
| parliament | {t_theirs:.2f} s | {per_theirs * 1000:.1f} ms |

- Speed ratio per policy: **{ratio:.1f}x** (parliament / statelint); target at least 50x: {verdict}.
- Policies with at least one finding: statelint {flagged_ours}, parliament {flagged_theirs} (of {len(files)}).

Agreement per check family (policies flagged by both / only statelint / only parliament);
`docs/policy-parity.md` maps each code to the AWS Access Analyzer check it mirrors:

| family | statelint | parliament | both | only statelint | only parliament |
|---|---|---|---:|---:|---:|
""" + "\n".join(rows) + f"""

Outside every family (policies flagged): statelint {outside(our_results, ours_mapped)};
parliament {outside(their_results, theirs_mapped)}.

Families with "(none)" have no parliament counterpart; parliament's IAM-wide checks
(privilege escalation, credentials exposure) are outside what a bucket policy can express.
"""
    write_section("policy-lint", section)
    print(section)
    return 0 if ratio >= 50 else 1


if __name__ == "__main__":
    sys.exit(main())
