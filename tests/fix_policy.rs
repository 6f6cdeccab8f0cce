//! `statelint fix-policy` / `statelint --fix-policy` contract, offline: the JSON carries the
//! complete fixed policy, a second run on the result changes nothing, and a broken input
//! policy is a coded diagnostic.

mod common;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

const CI: &str = "arn:aws:iam::222222222222:role/ci";

fn fix(dir: &TempDir, policy: &str, extra: &[&str]) -> (i32, String, String) {
    fix_in_columns(dir, policy, extra, None)
}

/// As [`fix`], with `COLUMNS` set when given.
fn fix_in_columns(
    dir: &TempDir,
    policy: &str,
    extra: &[&str],
    columns: Option<usize>,
) -> (i32, String, String) {
    let path = dir.path().join("policy.json");
    std::fs::write(&path, policy).expect("write policy");
    let mut cmd = Command::cargo_bin("statelint").expect("binary");
    cmd.env_clear().env("HOME", dir.path());
    if let Some(columns) = columns {
        cmd.env("COLUMNS", columns.to_string());
    }
    let out = cmd
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
    assert!(out["diff"].as_str().is_some_and(|d| d.contains("\n@@ -")));

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

const LOGS_ONLY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Logs",
      "Effect": "Allow",
      "Principal": {
        "Service": "logging.s3.amazonaws.com"
      },
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::kops-state/logs/*"
    }
  ]
}
"#;

/// `--output` writes the fixed policy, the upload command names that file (never the
/// unfixed input), and the file is a policy the fix has nothing more to add to.
#[test]
fn output_writes_the_fixed_policy_and_the_command_uploads_that_file() {
    let dir = TempDir::new().expect("tempdir");
    let output = dir.path().join("fixed.json");
    let output_arg = output.to_str().expect("utf-8 path");
    let (code, stdout, stderr) = fix(&dir, LOGS_ONLY, &["--output", output_arg]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(&format!(
            "aws s3api put-bucket-policy --bucket kops-state --policy file://{output_arg}\n"
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("file://policy.json"), "{stdout}");
    assert_eq!(stdout.matches("file://").count(), 1, "{stdout}");
    let written = std::fs::read_to_string(&output).expect("the output file exists");
    let written: Value = serde_json::from_str(&written).expect("the output file is JSON");
    let (_, json, _) = fix(&dir, LOGS_ONLY, &["--format", "json"]);
    let json: Value = serde_json::from_str(&json).expect("json");
    assert_eq!(written, json["policy"], "the file holds the fixed policy");
    assert_eq!(json["output"], Value::Null);

    let again = std::fs::read_to_string(&output).expect("read");
    let (code, stdout, _) = fix(&dir, &again, &[]);
    assert_eq!(code, 0);
    assert!(stdout.contains("nothing to change"), "{stdout}");
}

/// The input file is never overwritten, also not through a symlink: the run refuses and
/// says why, and the input keeps its bytes.
#[test]
fn output_never_overwrites_the_input_policy() {
    let dir = TempDir::new().expect("tempdir");
    let input = dir.path().join("policy.json");
    let link = dir.path().join("link.json");
    std::fs::write(&input, LOGS_ONLY).expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&input, &link).expect("symlink");
    #[cfg(not(unix))]
    let link = input.clone();
    for target in [&input, &link] {
        let (code, stdout, stderr) = fix(
            &dir,
            LOGS_ONLY,
            &["--output", target.to_str().expect("utf-8")],
        );
        assert_eq!(code, 2, "{stdout}{stderr}");
        assert!(
            stderr.contains("is the --policy input") && stderr.contains("another file"),
            "{stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(&input).expect("read"),
            LOGS_ONLY,
            "the input is untouched"
        );
    }
}

/// Without `--output` nothing is written, and the upload command names a file to save
/// first, which is not the input.
#[test]
fn without_output_the_command_names_a_file_to_save_first() {
    let dir = TempDir::new().expect("tempdir");
    let (code, stdout, stderr) = fix(&dir, LOGS_ONLY, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("save it first (add `--output kops-state-policy.fixed.json`)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("--policy file://kops-state-policy.fixed.json\n"),
        "{stdout}"
    );
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(files, vec!["policy.json"], "nothing else written");
}

/// The diff is a unified diff that `patch` applies to the input to give the output file.
#[test]
fn the_diff_is_a_unified_diff_that_patch_applies() {
    let dir = TempDir::new().expect("tempdir");
    let output = dir.path().join("fixed.json");
    let (code, json, stderr) = fix(
        &dir,
        LOGS_ONLY,
        &[
            "--format",
            "json",
            "--output",
            output.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let json: Value = serde_json::from_str(&json).expect("json");
    let diff = json["diff"].as_str().expect("diff");
    let input = dir.path().join("policy.json");
    assert!(
        diff.starts_with(&format!(
            "--- {}\n+++ {}\n@@ -",
            input.display(),
            output.display()
        )),
        "{diff}"
    );
    assert_eq!(json["output"], output.to_str().expect("utf-8"));
    let patched = dir.path().join("patched.json");
    let mut patch = std::process::Command::new("patch");
    patch.arg("-o").arg(&patched).arg(&input);
    let Some(applied) = pipe(&mut patch, diff) else {
        common::skip("no `patch` program to apply the diff with");
        return;
    };
    assert!(applied.status.success(), "{diff}");
    assert_eq!(
        std::fs::read_to_string(&patched).expect("patched"),
        std::fs::read_to_string(&output).expect("output"),
    );
}

/// Runs `cmd` with `input` on its standard input; `None` when the program is not installed.
fn pipe(cmd: &mut std::process::Command, input: &str) -> Option<std::process::Output> {
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    if let Some(mut stdin) = child.stdin.take() {
        std::io::Write::write_all(&mut stdin, input.as_bytes()).expect("feed the program");
    }
    Some(child.wait_with_output().expect("the program runs"))
}

/// `--format terraform` is what `terraform fmt` would leave unchanged (checked with the
/// real `terraform fmt` when it is installed) and attaches the document to the bucket.
#[test]
fn terraform_output_is_laid_out_as_terraform_fmt_would() {
    let dir = TempDir::new().expect("tempdir");
    let (code, hcl, stderr) = fix(&dir, LOGS_ONLY, &["--format", "terraform"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        hcl.contains("    sid    = \"Logs\"\n    effect = \"Allow\"\n"),
        "{hcl}"
    );
    assert!(
        hcl.contains("    actions   = [\"s3:PutObject\"]\n    resources = [\"arn:aws:s3:::kops-state/logs/*\"]\n"),
        "{hcl}"
    );
    assert!(
        hcl.contains("resource \"aws_s3_bucket_policy\" \"kops_state_bucket\" {\n  bucket = \"kops-state\"\n  policy = data.aws_iam_policy_document.kops_state_bucket.json\n}\n"),
        "{hcl}"
    );
    let mut terraform = std::process::Command::new("terraform");
    terraform
        .args(["fmt", "-no-color", "-"])
        .env("HOME", dir.path())
        .env("CHECKPOINT_DISABLE", "1");
    let Some(formatted) = pipe(&mut terraform, &hcl) else {
        common::skip("the `terraform fmt` comparison: terraform is not installed");
        return;
    };
    assert!(formatted.status.success());
    assert_eq!(String::from_utf8_lossy(&formatted.stdout), hcl);
}

/// The human output wraps its prose to `COLUMNS`, and the upload command stays whole on
/// its own line.
#[test]
fn human_output_wraps_prose_but_never_the_command() {
    let dir = TempDir::new().expect("tempdir");
    let (code, stdout, stderr) = fix_in_columns(&dir, LOGS_ONLY, &[], Some(60));
    assert_eq!(code, 0, "{stderr}");
    let command =
        "  aws s3api put-bucket-policy --bucket kops-state --policy file://kops-state-policy.fixed.json";
    assert!(stdout.lines().any(|l| l == command), "{stdout}");
    for line in stdout.lines().filter(|l| l.chars().count() > 60) {
        let in_json_or_diff = line.starts_with([' ', '+', '-', '@', '{', '}']) && line != command;
        assert!(
            line == command || in_json_or_diff || !line.trim().contains(' '),
            "prose line over 60 columns: {line}\n{stdout}"
        );
    }
}
