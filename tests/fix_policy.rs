//! `statelint fix-policy` / `statelint --fix-policy` contract, offline: the JSON carries the
//! complete fixed policy, a second run on the result changes nothing, and a broken input
//! policy is a coded diagnostic.

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

const CI: &str = "arn:aws:iam::222222222222:role/ci";

fn fix(dir: &TempDir, policy: &str, extra: &[&str]) -> (i32, String, String) {
    let path = dir.path().join("policy.json");
    std::fs::write(&path, policy).expect("write policy");
    let out = Command::cargo_bin("statelint")
        .expect("binary")
        .env_clear()
        .env("HOME", dir.path())
        .args(["--fix-policy", "--policy"])
        .arg(&path)
        .args([
            "--principal",
            CI,
            "--bucket",
            "kops-state",
            "--prefix",
            "kops",
        ])
        .args(extra)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn json_output_holds_the_complete_policy_and_a_second_run_changes_nothing() {
    let dir = TempDir::new().expect("tempdir");
    let existing = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Logs", "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::kops-state/logs/*"}]}"#;
    let (code, stdout, stderr) = fix(&dir, existing, &["--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let out: Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(out["changed"], true);
    let statements = out["policy"]["Statement"].as_array().expect("statements");
    assert_eq!(statements.len(), 3);
    assert_eq!(
        statements[0]["Sid"], "Logs",
        "unrelated statements first and unchanged"
    );
    assert!(out["command"]
        .as_str()
        .is_some_and(|c| c.starts_with("aws s3api put-bucket-policy --bucket kops-state")));
    assert!(out["diff"].as_str().is_some_and(|d| d.contains("+ ")));

    let fixed = serde_json::to_string_pretty(&out["policy"]).expect("serialize");
    let (code, stdout, _) = fix(&dir, &fixed, &["--format", "json"]);
    assert_eq!(code, 0);
    let again: Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(again["changed"], false);
    assert_eq!(again["policy"], out["policy"], "idempotent");
}

#[test]
fn the_subcommand_and_the_flag_are_the_same_and_terraform_is_offered() {
    let dir = TempDir::new().expect("tempdir");
    let (code, stdout, _) = fix(&dir, r#"{"Statement": []}"#, &["--format", "terraform"]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("data \"aws_iam_policy_document\""),
        "{stdout}"
    );
    assert!(stdout.contains(CI));
}

#[test]
fn a_broken_policy_is_a_positioned_diagnostic() {
    let dir = TempDir::new().expect("tempdir");
    let (code, stdout, _) = fix(
        &dir,
        "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}\n",
        &[],
    );
    assert_eq!(code, 2);
    assert!(stdout.contains("SL300"), "{stdout}");
    assert!(stdout.contains("policy.json:3:"), "{stdout}");
}
