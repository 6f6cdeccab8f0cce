//! `docs/policy-parity.md` is the ledger of AWS's policy validation checks against
//! statelint's codes. It must not drift: every code it names is a policy-lint code with a
//! failing and a passing fixture, every policy-lint code is named, and each AWS check has
//! one row with either codes or a reason.

use std::collections::BTreeSet;
use std::path::Path;

use statelint::policy::lint;

fn ledger() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/policy-parity.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `SLnnn` codes in a table cell.
fn codes(cell: &str) -> Vec<String> {
    cell.split(['`', ',', ' '])
        .filter(|t| {
            t.len() == 5 && t.starts_with("SL") && t[2..].bytes().all(|b| b.is_ascii_digit())
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn every_aws_check_has_one_row_with_a_code_or_a_reason() {
    let text = ledger();
    let registered: BTreeSet<&str> = statelint::codes::all().iter().map(|c| c.code).collect();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policies");
    let mut checks = BTreeSet::new();
    for line in text.lines().filter(|l| {
        l.starts_with("| Error")
            || l.starts_with("| General Warning")
            || l.starts_with("| Security Warning")
            || l.starts_with("| Suggestion")
    }) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        assert_eq!(cells.len(), 3, "{line}");
        assert!(
            checks.insert(cells[0].to_string()),
            "listed twice: {}",
            cells[0]
        );
        let named = codes(cells[1]);
        if named.is_empty() {
            assert_eq!(cells[1], "n/a", "{line}");
            assert!(!cells[2].is_empty(), "an n/a row says why: {line}");
        }
        for code in named {
            assert!(
                registered.contains(code.as_str()),
                "{code} is not a registered code: {line}"
            );
            if code == "SL300" {
                continue; // the reader's own errors; tested in policy::parse
            }
            assert!(
                lint::by_code(&code).is_some(),
                "{code} is not a policy rule: {line}"
            );
            let dir = [fixtures.join(&code), fixtures.join("aws").join(&code)]
                .into_iter()
                .find(|d| d.is_dir())
                .unwrap_or_else(|| panic!("{code} has no fixture folder"));
            for f in ["fail.json", "pass.json"] {
                assert!(dir.join(f).is_file(), "{}/{f}", dir.display());
            }
        }
    }
    assert!(
        checks.len() >= 130,
        "the reference has 135 checks, the ledger {}",
        checks.len()
    );
}

#[test]
fn every_policy_code_is_in_the_ledger() {
    let text = ledger();
    let named: BTreeSet<String> = text.lines().flat_map(codes).collect();
    for info in lint::CODES {
        assert!(
            named.contains(info.code),
            "{} is missing from docs/policy-parity.md",
            info.code
        );
    }
}
