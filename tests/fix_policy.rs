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

/// Issue 15 item 3: a Deny whose condition depends on the request (source network,
/// encryption header) is not "always applies": the grants are added, the condition named,
/// and the exit status is 0.
#[test]
fn a_conditional_deny_makes_the_answer_depend_and_the_grants_are_added() {
    let dir = TempDir::new().expect("tempdir");
    for condition in [
        r#"{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
        r#"{"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#,
        r#"{"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}"#,
    ] {
        let policy = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "OnlyFromHere", "Effect": "Deny",
            "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::kops-state", "arn:aws:s3:::kops-state/*"],
            "Condition": {condition}}}]}}"#
        );
        let (code, stdout, stderr) = fix(&dir, &policy, &["--format", "json"]);
        assert_eq!(code, 0, "{condition}: {stdout}{stderr}");
        let out: Value = serde_json::from_str(&stdout).expect("json");
        assert_eq!(out["changed"], true, "{condition}: grants added");
        assert!(out["blocked"].as_array().is_some_and(Vec::is_empty));
        let conditional = out["conditional"].as_array().expect("conditional");
        assert!(!conditional.is_empty(), "{condition}");
        assert!(conditional[0]["limited_by"]
            .as_str()
            .is_some_and(|s| s.contains("OnlyFromHere")));
        let (_, human, _) = fix(&dir, &policy, &[]);
        assert!(human.contains("depends on the request"), "{human}");
        assert!(!human.contains("already grants"), "{human}");
    }
    // An unconditional Deny still blocks (exit 1), as before.
    let deny = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "NoWrites", "Effect": "Deny",
        "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::kops-state/*"}]}"#;
    let (code, stdout, _) = fix(&dir, deny, &["--format", "json"]);
    assert_eq!(code, 1);
    let out: Value = serde_json::from_str(&stdout).expect("json");
    assert!(out["blocked"].as_array().is_some_and(|b| !b.is_empty()));
}

/// Every `--format json` output is JSON, errors included.
#[test]
fn json_format_prints_json_for_errors_too() {
    let dir = TempDir::new().expect("tempdir");
    let (code, stdout, _) = fix(&dir, "{\"Statement\": [", &["--format", "json"]);
    assert_eq!(code, 2);
    let out: Value = serde_json::from_str(&stdout).expect("invalid policy: JSON");
    assert_eq!(out["findings"][0]["code"], "SL300", "{out}");
    let missing = Command::cargo_bin("statelint")
        .expect("binary")
        .env_clear()
        .env("HOME", dir.path())
        .args(["--fix-policy", "--format", "json", "--policy"])
        .arg(dir.path().join("no-such-file.json"))
        .args(["--principal", CI, "--bucket", "kops-state"])
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(2));
    let out: Value = serde_json::from_slice(&missing.stdout).expect("unreadable file: JSON");
    assert!(out["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("no-such-file.json")));
    let policy = dir.path().join("empty.json");
    std::fs::write(&policy, r#"{"Statement": []}"#).expect("write");
    let bad = Command::cargo_bin("statelint")
        .expect("binary")
        .env_clear()
        .env("HOME", dir.path())
        .args(["--fix-policy", "--format", "json", "--policy"])
        .arg(&policy)
        .args(["--principal", "not-an-arn", "--bucket", "kops-state"])
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
    let out: Value = serde_json::from_slice(&bad.stdout).expect("bad principal: JSON");
    assert!(out["error"]["message"].is_string());
}

/// `--bucket` naming a bucket the policy never mentions is probably the wrong policy.
#[test]
fn a_bucket_the_policy_never_names_is_a_warning() {
    let dir = TempDir::new().expect("tempdir");
    let other = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Logs", "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::other-bucket/logs/*"}]}"#;
    let (_, stdout, _) = fix(&dir, other, &["--format", "json"]);
    let out: Value = serde_json::from_str(&stdout).expect("json");
    assert!(
        out["warnings"][0]
            .as_str()
            .is_some_and(|w| w.contains("kops-state")),
        "{out}"
    );
    let (_, human, _) = fix(&dir, other, &[]);
    assert!(
        human.contains("warning: the policy's resources never mention bucket `kops-state`"),
        "{human}"
    );
    let (_, stdout, _) = fix(
        &dir,
        &other.replace("other-bucket", "kops-state"),
        &["--format", "json"],
    );
    let out: Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(out["warnings"].as_array().map(Vec::len), Some(0));
    // The fixed policy goes through the lint: the logging grant has no source condition.
    assert!(
        out["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["code"] == "SL324")),
        "{out}"
    );
}

/// Offline without `--principal` (and no S3 store to ask STS): the error names the missing
/// flag, not what the other way of running needs.
#[test]
fn a_missing_principal_is_named() {
    let dir = TempDir::new().expect("tempdir");
    let policy = dir.path().join("policy.json");
    std::fs::write(&policy, r#"{"Version": "2012-10-17", "Statement": []}"#).expect("write");
    let out = Command::cargo_bin("statelint")
        .expect("binary")
        .env_clear()
        .env("HOME", dir.path())
        .args(["fix-policy", "--bucket", "kops-state", "--policy"])
        .arg(&policy)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--principal is missing"), "{stderr}");
    assert!(
        !stderr.contains("--bucket"),
        "only what is missing: {stderr}"
    );
}

/// What fix-policy adds goes through the same lint as `check --policy` and is clean: a
/// cross-account reader without `s3:GetBucketLocation` (SL304) is fixed, and no finding
/// points into a statement the fix wrote.
#[test]
fn the_fixed_policy_is_clean_of_what_the_fix_can_fix() {
    let dir = TempDir::new().expect("tempdir");
    let existing = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "CiRead", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::222222222222:role/ci"}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::kops-state/kops/*"}]}"#;
    let before = dir.path().join("before.json");
    std::fs::write(&before, existing).expect("write");
    let lint = Command::cargo_bin("statelint")
        .expect("binary")
        .env_clear()
        .env("HOME", dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--bucket-owner",
            "111111111111",
            "--policy",
        ])
        .arg(&before)
        .output()
        .expect("runs");
    let report: Value = serde_json::from_slice(&lint.stdout).expect("check --policy: JSON");
    assert!(
        report["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["code"] == "SL304")),
        "the input has the defect: {report}"
    );

    let (code, stdout, stderr) = fix(
        &dir,
        existing,
        &["--format", "json", "--template", "node-readonly"],
    );
    assert_eq!(code, 0, "{stderr}");
    let out: Value = serde_json::from_str(&stdout).expect("json");
    let findings = out["findings"].as_array().expect("findings");
    assert!(
        !findings.iter().any(|f| f["code"] == "SL304"),
        "{findings:?}"
    );
    // The lint did run: the missing TLS-only Deny is not the fix's to add, and stays.
    assert!(
        findings.iter().any(|f| f["code"] == "SL308"),
        "{findings:?}"
    );
    let statements = out["policy"]["Statement"].as_array().expect("statements");
    let added: Vec<String> = statements
        .iter()
        .enumerate()
        .filter(|(_, s)| s["Sid"] != "CiRead")
        .map(|(i, _)| format!("/Statement/{i}"))
        .collect();
    assert!(!added.is_empty(), "the fix added statements: {out}");
    for f in findings {
        let pointer = f["pointer"].as_str().unwrap_or_default();
        assert!(
            !added
                .iter()
                .any(|a| pointer == a || pointer.starts_with(&format!("{a}/"))),
            "a finding in a statement the fix wrote: {f}"
        );
    }
}
