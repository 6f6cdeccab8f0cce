//! Bucket-policy rules: for every rule, `tests/fixtures/policies/<CODE>/fail.json` produces
//! that code (findings snapshotted) and `pass.json` does not; plus each policy of the corpus
//! gets the codes `corpus/EXPECTED` lists for it, every finding with a position.

use std::path::{Path, PathBuf};

use statelint::findings::{Finding, Location};
use statelint::policy::lint::{self, PolicyContext};
use statelint::source::SourceDb;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policies")
}

fn findings(path: &Path, code: Option<&str>) -> Vec<Finding> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let sources = SourceDb::new();
    let url = format!(
        "file:///{}",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("policy.json")
    );
    let parsed = statelint::policy::parse::parse(&url, &text, &sources)
        .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.into_finding().message));
    let cx = PolicyContext {
        parsed: &parsed,
        owner_account: Some("111111111111"),
    };
    match code {
        Some(code) => {
            let mut out = Vec::new();
            lint::by_code(code)
                .unwrap_or_else(|| panic!("no rule {code}"))
                .check(&cx, &mut out);
            out
        }
        None => lint::lint(&cx),
    }
}

fn describe(f: &Finding) -> String {
    let (line, col) = match &f.location {
        Location::File { span, .. } => (span.line, span.column),
        Location::Resource { .. } => (0, 0),
    };
    format!(
        "{} {} {line}:{col} {}\n  {}\n  help: {}\n",
        f.code,
        f.severity,
        f.pointer.as_deref().unwrap_or("-"),
        f.message,
        f.help.as_deref().unwrap_or("-")
    )
}

/// A rule's fixtures: `<CODE>/` for the first rules, `aws/<CODE>/` for the checks that
/// mirror AWS's policy validation; `fail*.json` must produce the code, `pass*.json` must not.
fn fixture_dir(code: &str) -> PathBuf {
    let own = dir().join(code);
    if own.is_dir() {
        own
    } else {
        dir().join("aws").join(code)
    }
}

#[test]
fn every_policy_rule_has_fixtures_that_fail_and_pass() {
    for rule in lint::RULES {
        let code = rule.info().code;
        let folder = fixture_dir(code);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        let stem = |p: &Path| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string()
        };
        assert!(
            files.iter().any(|p| stem(p) == "fail"),
            "{code}: no fail.json"
        );
        assert!(
            files.iter().any(|p| stem(p) == "pass"),
            "{code}: no pass.json"
        );
        for path in &files {
            let name = stem(path);
            let found = findings(path, Some(code));
            if name.starts_with("pass") {
                assert!(
                    found.is_empty(),
                    "{}: {}",
                    path.display(),
                    found.iter().map(describe).collect::<String>()
                );
                continue;
            }
            assert!(!found.is_empty(), "{} produced nothing", path.display());
            assert!(found
                .iter()
                .all(|f| matches!(f.location, Location::File { .. }) && f.pointer.is_some()));
            let snapshot = match name.strip_prefix("fail-") {
                Some(variant) => format!("policy_{code}_{variant}"),
                None => format!("policy_{code}"),
            };
            insta::assert_snapshot!(snapshot, found.iter().map(describe).collect::<String>());
        }
    }
}

#[test]
fn the_passing_base_policy_is_clean_for_every_rule() {
    let all = findings(&dir().join("SL302/pass.json"), None);
    assert!(
        all.is_empty(),
        "{}",
        all.iter().map(describe).collect::<String>()
    );
}

/// Which codes each corpus policy must get, one line per file: `<file>: <codes>` (`-` for a
/// clean policy), in `corpus/EXPECTED`. A new rule that fires on the corpus, or a rule that
/// stops firing, changes a line here on purpose.
fn expected_corpus_codes(corpus: &Path) -> std::collections::BTreeMap<String, String> {
    let path = corpus.join("EXPECTED");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (file, codes) = l
                .split_once(':')
                .unwrap_or_else(|| panic!("EXPECTED: `<file>: <codes>`, got {l:?}"));
            (file.trim().to_string(), codes.trim().to_string())
        })
        .collect()
}

#[test]
fn each_corpus_policy_gets_its_expected_codes_at_a_position() {
    let corpus = dir().join("corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 50,
        "at least 50 policies, found {}",
        files.len()
    );
    let expected = expected_corpus_codes(&corpus);
    let mut wrong = Vec::new();
    let mut actual = Vec::new();
    for path in &files {
        let mut codes = Vec::new();
        for f in findings(path, None) {
            assert!(
                matches!(f.location, Location::File { .. }) && f.pointer.is_some(),
                "{}: {f:?}",
                path.display()
            );
            codes.push(f.code);
        }
        codes.sort_unstable();
        codes.dedup();
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let got = if codes.is_empty() {
            "-".to_string()
        } else {
            codes.join(" ")
        };
        let line = format!("{file}: {got}");
        if expected.get(&file) != Some(&got) {
            wrong.push(format!(
                "{file}: expected {}, got {got}",
                expected.get(&file).map_or("no line", String::as_str)
            ));
        }
        actual.push(line);
    }
    let stale: Vec<_> = expected
        .keys()
        .filter(|k| {
            !files
                .iter()
                .any(|p| p.file_name().and_then(|n| n.to_str()) == Some(k))
        })
        .collect();
    assert!(
        wrong.is_empty() && stale.is_empty(),
        "corpus/EXPECTED is out of date:\n{}\nlines for missing files: {stale:?}\n\nthe lines as they are now:\n{}",
        wrong.join("\n"),
        actual.join("\n")
    );
    // Mistakes are caught, and the everyday templates are not all clean or all flagged.
    let flagged = actual.iter().filter(|l| !l.ends_with(": -")).count();
    assert!(flagged > 0 && flagged < actual.len(), "{actual:?}");
}

#[test]
fn check_policy_lints_a_file_offline_with_exit_statuses() {
    let run = |file: &str, extra: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("statelint")
            .expect("binary")
            .env_clear()
            .env("HOME", std::env::temp_dir())
            .arg("check")
            .arg("--policy")
            .arg(dir().join(file))
            .args(extra)
            .output()
            .expect("runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, stdout) = run("corpus/mistake-typo-actions.json", &["--format", "json"]);
    assert_eq!(code, Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"SL306"), "{codes:?}");
    let (code, _) = run("SL302/pass.json", &[]);
    assert_eq!(code, Some(0), "a clean policy passes");
    let (code, stdout) = run("corpus/mistake-too-large.json", &["--format", "sarif"]);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("\"ruleId\": \"SL311\""), "{stdout}");
}

/// An identity policy given to `probe --identity-policy` is read, so it is linted as one:
/// the identity-only checks (here SL336) at the file's line and column, and not the
/// bucket-policy ones (no principal is not SL319 there).
#[test]
fn probe_lints_the_identity_policies_it_is_given() {
    let policy = fixture_dir("SL336").join("fail.json");
    let home = tempfile::TempDir::new().expect("tempdir");
    let out = assert_cmd::Command::cargo_bin("statelint")
        .expect("binary")
        .env_clear()
        .env("HOME", home.path())
        .args(["probe", "--format", "json", "--identity-policy"])
        .arg(&policy)
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let findings = report["findings"].as_array().expect("findings");
    let pass_role = findings
        .iter()
        .find(|f| f["code"] == "SL336")
        .unwrap_or_else(|| panic!("not linted: {report}"));
    assert_eq!(pass_role["location"]["line"], 16, "{pass_role}");
    assert!(
        pass_role["location"]["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("SL336/fail.json")),
        "{pass_role}"
    );
    assert!(!findings.iter().any(|f| f["code"] == "SL319"), "{report}");
}
