//! Output contracts checked on real runs: `--format json` against
//! `schemas/report.schema.json`, `--format sarif` against the official SARIF 2.1.0 schema
//! (installed by `tools/fetch-sarif-schema.sh`; `scripts/test.sh` requires it).

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn manifest(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn run_check(args: &[&str]) -> Value {
    let home = tempfile::TempDir::new().expect("tempdir");
    let out = Command::cargo_bin("statelint")
        .expect("binary")
        .env_clear()
        .env("HOME", home.path())
        .current_dir(home.path())
        .arg("check")
        .arg("--state")
        .arg(manifest("examples/store"))
        .arg("--offline")
        .args(args)
        .output()
        .expect("runs");
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn validator(path: &Path) -> jsonschema::Validator {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    // The published SARIF 2.1.0 schema has a stray `]` in its `language` patterns, which
    // JavaScript tolerates and Rust's regex engines reject; use the pattern it means.
    // Our output has no `language` property, so this cannot hide a problem in it.
    fix_language_patterns(&mut schema);
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn fix_language_patterns(node: &mut Value) {
    const BROKEN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match node {
        Value::String(s) if s == BROKEN => *s = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".to_string(),
        Value::Array(items) => items.iter_mut().for_each(fix_language_patterns),
        Value::Object(map) => map.values_mut().for_each(fix_language_patterns),
        _ => {}
    }
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn json_report_matches_its_schema() {
    let v = validator(&manifest("schemas/report.schema.json"));
    for args in [
        &["--format", "json"][..],
        &["--format", "json", "--cluster", "dev.example.com"][..],
        &[
            "--format",
            "json",
            "--cluster",
            "nope.example.com",
            "--fail-on",
            "note",
        ][..],
    ] {
        let report = run_check(args);
        assert!(report["findings"].is_array());
        let problems = errors(&v, &report);
        assert!(problems.is_empty(), "{args:?}: {problems:#?}");
    }
}

#[test]
fn the_report_schema_rejects_a_broken_report() {
    let v = validator(&manifest("schemas/report.schema.json"));
    let mut report = run_check(&["--format", "json"]);
    report["findings"][0]["severity"] = Value::from("fatal");
    assert!(!errors(&v, &report).is_empty());
    let mut report = run_check(&["--format", "json"]);
    report["version"] = Value::from("2.0.0");
    assert!(!errors(&v, &report).is_empty());
}

#[test]
fn sarif_output_validates_against_the_official_schema() {
    let Some(path) = std::env::var_os("STATELINT_SARIF_SCHEMA") else {
        assert!(
            std::env::var_os("STATELINT_REQUIRE_SARIF_SCHEMA").is_none(),
            "STATELINT_REQUIRE_SARIF_SCHEMA is set but STATELINT_SARIF_SCHEMA is not"
        );
        common::skip("run `bash tools/fetch-sarif-schema.sh` and set STATELINT_SARIF_SCHEMA");
        return;
    };
    let v = validator(Path::new(&path));
    let sarif = run_check(&["--format", "sarif"]);
    assert!(!sarif["runs"][0]["results"]
        .as_array()
        .is_none_or(Vec::is_empty));
    let problems = errors(&v, &sarif);
    assert!(problems.is_empty(), "{problems:#?}");
    // And the validator is not vacuous: a wrong level is rejected.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!errors(&v, &broken).is_empty());
}

#[test]
fn sarif_fingerprints_are_stable_across_runs_and_unique() {
    let a = run_check(&["--format", "sarif"]);
    let b = run_check(&["--format", "sarif"]);
    let prints = |s: &Value| -> Vec<String> {
        s["runs"][0]["results"]
            .as_array()
            .map(|r| {
                r.iter()
                    .map(|x| {
                        x["partialFingerprints"]["statelint/v1"]
                            .as_str()
                            .unwrap_or("")
                            .to_string()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (pa, pb) = (prints(&a), prints(&b));
    assert_eq!(pa, pb);
    let mut unique = pa.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), pa.len(), "fingerprints collide: {pa:?}");
}
