//! `statelint access` through the binary: each fixture of `tests/fixtures/access/` against
//! its expected map and findings (`<name>.expected.json`), the diff of two policies with
//! its default lockout check, and the JSON against `schemas/report.schema.json`.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/access")
}

fn access(args: &[&str]) -> (i32, String, String) {
    let home = tempfile::TempDir::new().expect("tempdir");
    let out = Command::cargo_bin("statelint")
        .expect("binary")
        .env_clear()
        .env("HOME", home.path())
        .current_dir(home.path())
        .arg("access")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `access --policy FIXTURE --prefix kops --bucket-owner 111111111111 EXTRA...`.
fn offline(fixture_name: &str, extra: &[&str]) -> (i32, String, String) {
    offline_at(&fixture(fixture_name), extra)
}

/// `access --policy PATH --prefix kops --bucket-owner 111111111111 EXTRA...`.
fn offline_at(policy: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "--policy",
        policy,
        "--prefix",
        "kops",
        "--bucket-owner",
        "111111111111",
    ];
    args.extend_from_slice(extra);
    access(&args)
}

/// Writes the policy `text` as `dir/name` and returns its path.
fn write_policy(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path.display().to_string()
}

/// A policy document of `statements` (each a JSON object).
fn policy_of(statements: &[&str]) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn fixture(name: &str) -> String {
    fixtures().join(name).display().to_string()
}

#[test]
fn every_fixture_gives_its_expected_map_and_findings() {
    let mut seen = 0;
    let entries = std::fs::read_dir(fixtures()).expect("fixtures folder");
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".expected.json"))
        else {
            continue;
        };
        let expected = json(&std::fs::read_to_string(&path).expect("expected file"));
        let policy = fixture(&format!("{name}.json"));
        let mut args = vec!["--policy", policy.as_str(), "--format", "json"];
        let extra: Vec<&str> = expected["args"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        args.extend(extra);
        let (code, stdout, stderr) = access(&args);
        let report = json(&stdout);
        let map: serde_json::Map<String, Value> = report["principals"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|r| {
                        let name = r["principal"].as_str().unwrap_or_default().to_string();
                        (name, r["capabilities"].clone())
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            Value::Object(map),
            expected["principals"],
            "{name}: the map differs"
        );
        let mut findings: Vec<String> = report["findings"]
            .as_array()
            .map(|fs| {
                fs.iter()
                    .map(|f| {
                        format!(
                            "{} {} {}",
                            f["code"].as_str().unwrap_or_default(),
                            f["severity"].as_str().unwrap_or_default(),
                            f["pointer"].as_str().unwrap_or_default()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        findings.sort();
        assert_eq!(
            Value::from(findings),
            expected["findings"],
            "{name}: the findings differ"
        );
        assert_eq!(
            Some(i64::from(code)),
            expected["exit"].as_i64(),
            "{name}: exit status ({stderr})"
        );
        seen += 1;
    }
    assert!(seen >= 6, "only {seen} access fixtures found");
}

#[test]
fn against_shows_gains_and_losses_and_locks_out_by_default() {
    let new = fixture("owner-lockout.json");
    let (code, stdout, _) = offline(
        "cross-account.json",
        &["--against", &new, "--format", "json"],
    );
    assert_eq!(code, 1, "{stdout}");
    let report = json(&stdout);
    let changes = report["access_changes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let change = |p: &str, c: &str| {
        changes
            .iter()
            .find(|ch| ch["principal"] == p && ch["capability"] == c)
            .map(|ch| (ch["before"].clone(), ch["after"].clone()))
    };
    // The partner account loses everything, the admin role too.
    assert_eq!(
        change("222222222222", "read-secrets"),
        Some(("allow".into(), "deny".into()))
    );
    assert_eq!(
        change("arn:aws:iam::111111111111:role/admin", "manage-policy"),
        Some(("allow".into(), "deny".into()))
    );
    assert_eq!(change("arn:aws:iam::111111111111:user/ci", "write"), None);
    // Without --keep, whoever reached the store before must keep it: the admin is locked
    // out of the store (SL283) and of the policy (SL284), the statement named.
    let codes: Vec<(String, String)> = report["findings"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .map(|f| {
                    (
                        f["code"].as_str().unwrap_or_default().to_string(),
                        f["message"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    for code in ["SL283", "SL284"] {
        assert!(
            codes
                .iter()
                .any(|(c, m)| c == code && m.contains("role/admin") && m.contains("`OnlyCi`")),
            "{code} missing: {codes:?}"
        );
    }
    // The human form lists the changes.
    let (_, human, _) = offline("cross-account.json", &["--against", &new]);
    assert!(
        human.starts_with("access to s3://kops-state/kops/ by "),
        "{human}"
    );
    assert!(
        human.contains("- 222222222222: list, read-spec, read-secrets, write, delete, manage-policy allow -> deny (statement `OnlyCi` (#0, line 4) of the bucket policy)"),
        "{human}"
    );
    // The other way round, the same cells are gains.
    let old = fixture("cross-account.json");
    let (_, human, _) = offline("owner-lockout.json", &["--against", &old]);
    assert!(
        human.contains("+ 222222222222: list, read-spec, read-secrets, write, delete, manage-policy deny -> allow"),
        "{human}"
    );
}

/// With every principal's identity policy given, the map is the whole answer: no note that
/// principals are assumed allowed by their own account.
#[test]
fn the_assumption_note_is_left_out_when_every_identity_policy_is_given() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let bucket_policy = write_policy(
        &dir,
        "bucket.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/ci"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::kops-state"}]}"#,
    );
    let identity = write_policy(
        &dir,
        "ci.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
    );
    let given = format!("arn:aws:iam::222222222222:role/ci={identity}");
    let note = "(principals without --identity-policy are assumed";
    let (_, with_identity, _) = offline_at(&bucket_policy, &["--identity-policy", &given]);
    assert!(with_identity.contains("role/ci"), "{with_identity}");
    assert!(!with_identity.contains(note), "{with_identity}");
    let (_, without, _) = offline_at(&bucket_policy, &[]);
    assert!(without.contains(note), "{without}");
}

#[test]
fn keeping_what_a_policy_grants_passes() {
    let (code, stdout, stderr) = offline(
        "templates.json",
        &[
            "--keep",
            "arn:aws:iam::111111111111:role/kops-operator",
            "--keep",
            "arn:aws:iam::333333333333:user/ci=ci-preflight",
        ],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("principal"), "{stdout}");
    // The CI user kept as an operator: the policy does not let it write or delete.
    let (code, stdout, _) = offline(
        "templates.json",
        &[
            "--keep",
            "arn:aws:iam::333333333333:user/ci=operator",
            "--format",
            "concise",
        ],
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("SL283") && stdout.contains("write cluster specs"),
        "{stdout}"
    );
}

#[test]
fn bad_input_is_a_tool_error_or_a_coded_finding() {
    let (code, _, stderr) = access(&["--policy", "/nonexistent/policy.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read policy"), "{stderr}");
    let dir = tempfile::TempDir::new().expect("tempdir");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"Statement\": [").expect("write");
    let (code, stdout, _) = access(&[
        "--policy",
        &broken.display().to_string(),
        "--bucket",
        "b",
        "--format",
        "concise",
    ]);
    assert_eq!(code, 2);
    assert!(stdout.contains("SL300"), "{stdout}");
    let policy = fixture("public.json");
    let (code, _, stderr) = access(&["--policy", &policy, "--keep", "arn:aws:iam::1:role/x=admin"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a role"), "{stderr}");
}

/// The default lockout check keeps those who reach the store (list it or read a spec):
/// a principal that could only write into it (a log shipper, here under a statement named
/// after the operator template, so its role is known) loses that write without a lockout
/// finding, while a reader losing its listing is one.
#[test]
fn only_principals_that_reach_the_store_must_keep_it_by_default() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let statement = |sid: &str, who: &str, action: &str, resource: &str| {
        format!(
            r#"{{"Sid":"{sid}","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{who}"}},"Action":"{action}","Resource":"arn:aws:s3:::kops-state{resource}"}}"#
        )
    };
    let reader_lists = statement(
        "ReaderList",
        "222222222222:role/reader",
        "s3:ListBucket",
        "",
    );
    let reader_reads = statement(
        "ReaderRead",
        "222222222222:role/reader",
        "s3:GetObject",
        "/kops/*",
    );
    let shipper_writes = statement(
        "KopsStateObjectsReadWriteShipper",
        "333333333333:role/shipper",
        "s3:PutObject",
        "/kops/*",
    );
    let write = |name: &str, statements: &[&str]| write_policy(&dir, name, &policy_of(statements));
    let old = write("old.json", &[&reader_lists, &reader_reads, &shipper_writes]);
    let lockouts = |new: &str| -> Vec<String> {
        let (_, stdout, _) = offline_at(&old, &["--against", new, "--format", "json"]);
        json(&stdout)["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["code"] == "SL283")
            .map(|f| f["message"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let without_shipper = write("no-shipper.json", &[&reader_lists, &reader_reads]);
    assert_eq!(lockouts(&without_shipper), Vec::<String>::new());
    let without_listing = write("no-listing.json", &[&reader_reads, &shipper_writes]);
    let found = lockouts(&without_listing);
    assert!(
        found.len() == 1 && found[0].contains("role/reader"),
        "{found:?}"
    );
}

/// Reading secrets stands for two requests per cluster (a private key, then `secrets/`):
/// when the first is denied by a statement and the second only by default, the cell names
/// the statement, which is the one to change.
#[test]
fn an_explicit_deny_is_named_over_a_later_default_deny() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let policy = write_policy(
        &dir,
        "no-keys.json",
        r#"{"Version":"2012-10-17","Statement":[
{"Sid":"CiReadsSpecs","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/ci"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::kops-state/kops/*/config"},
{"Sid":"NoPrivateKeys","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::222222222222:role/ci"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::kops-state/kops/*/pki/private/*"}]}"#,
    );
    let (_, human, _) = offline_at(&policy, &[]);
    assert!(
        human.contains("read-secrets: deny statement `NoPrivateKeys`"),
        "{human}"
    );
}

#[test]
fn json_matches_the_report_schema() {
    let schema: Value = json(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report.schema.json"),
        )
        .expect("schema"),
    );
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let old = fixture("conditional-deny.json");
    let new = fixture("public.json");
    let (_, stdout, _) = access(&["--policy", &old, "--against", &new, "--format", "json"]);
    let report = json(&stdout);
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(report["access_changes"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));
}

/// The JSON map row of `principal` when the offline `templates.json` map is drawn with
/// `identity_policy` (a policy document) as that principal's own IAM policy.
fn row_with_identity_policy(principal: &str, identity_policy: &str) -> Value {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let identity = write_policy(&dir, "identity.json", identity_policy);
    let spec = format!("{principal}={identity}");
    let (_, stdout, stderr) = offline(
        "templates.json",
        &["--identity-policy", &spec, "--format", "json"],
    );
    principal_row(&stdout, &stderr, principal)
}

/// The row of `principal` in a JSON access report.
fn principal_row(stdout: &str, stderr: &str, principal: &str) -> Value {
    json(stdout)["principals"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["principal"] == principal))
        .cloned()
        .unwrap_or_else(|| panic!("no row for {principal}: {stdout}{stderr}"))
}

#[test]
fn identity_policies_narrow_the_map_and_sarif_carries_the_findings() {
    let ci = row_with_identity_policy(
        "arn:aws:iam::333333333333:user/ci",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"ListOnly","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::kops-state"}]}"#,
    );
    assert_eq!(ci["identity_policies"], true);
    assert_eq!(ci["capabilities"]["list"], "allow");
    // Its own account grants no reads, so the bucket policy's grant is not enough.
    assert_eq!(ci["capabilities"]["read-secrets"], "deny");
    let (code, sarif, _) = access(&["--policy", &fixture("public.json"), "--format", "sarif"]);
    assert_eq!(code, 1);
    let sarif = json(&sarif);
    let rules: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .map(|r| r.iter().filter_map(|r| r["ruleId"].as_str()).collect())
        .unwrap_or_default();
    assert!(rules.contains(&"SL280"), "{rules:?}");
    let (code, _, stderr) = offline("templates.json", &["--keep", "not-an-arn"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("not an IAM user, role or account ARN"),
        "{stderr}"
    );
}

#[test]
fn the_man_page_documents_the_options() {
    let out = Command::cargo_bin("statelint")
        .expect("binary")
        .args(["man", "access"])
        .output()
        .expect("runs");
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH statelint-access 1"), "{page}");
    for option in ["keep", "against", "identity\\-policy", "bucket\\-owner"] {
        assert!(page.contains(option), "{option} missing");
    }
}

/// A same-account principal whose own identity policy grants what the bucket policy does
/// not mention: the cell names the identity statement that decides, with its place.
#[test]
fn an_identity_grant_is_named_as_the_deciding_statement() {
    let principal = "arn:aws:iam::111111111111:user/dev";
    let dev = row_with_identity_policy(
        principal,
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadState","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::kops-state/*"}]}"#,
    );
    let cell = &dev["details"]["read-spec"];
    assert_eq!(cell["verdict"], "allow", "{cell}");
    assert_eq!(cell["statement"]["sid"], "ReadState", "{cell}");
    assert_eq!(cell["statement"]["index"], 0, "{cell}");
    assert!(
        cell["statement"]["policy"]
            .as_str()
            .is_some_and(|p| p.contains("identity policy") && p.contains(principal)),
        "{cell}"
    );
    assert_eq!(dev["capabilities"]["list"], "deny", "{dev}");
}

/// The owner account's root user is allowed what the bucket policy does not deny, and its
/// cells say that this is why (no statement of the bucket policy grants it).
#[test]
fn the_owner_s_root_user_is_allowed_by_its_account_and_says_so() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let policy = write_policy(
        &dir,
        "policy.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"OwnerList","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::kops-state"}]}"#,
    );
    let (_, stdout, stderr) = offline_at(&policy, &["--format", "json"]);
    let root = json(&stdout)["principals"]
        .as_array()
        .and_then(|rows| {
            rows.iter()
                .find(|r| r["principal"] == "arn:aws:iam::111111111111:root")
        })
        .cloned()
        .unwrap_or_else(|| panic!("no root row: {stdout}{stderr}"));
    let cell = &root["details"]["read-spec"];
    assert_eq!(cell["verdict"], "allow", "{cell}");
    assert!(
        cell["reason"]
            .as_str()
            .is_some_and(|r| r.contains("the account's root user may `s3:GetObject`")),
        "{cell}"
    );
}

/// Each kept principal is judged by its own declared role: the node role's extra write is
/// reported against `node-readonly`, and the CI user's grants fit `ci-preflight`.
#[test]
fn each_kept_principal_is_judged_by_its_own_role() {
    let (_, stdout, stderr) = offline(
        "templates.json",
        &[
            "--keep",
            "arn:aws:iam::222222222222:role/nodes=node-readonly",
            "--keep",
            "arn:aws:iam::333333333333:user/ci=ci-preflight",
            "--format",
            "concise",
        ],
    );
    let wider: Vec<&str> = stdout.lines().filter(|l| l.contains("SL282")).collect();
    assert_eq!(wider.len(), 1, "{stdout}{stderr}");
    assert!(
        wider[0].contains("`arn:aws:iam::222222222222:role/nodes` write cluster specs")
            && wider[0].contains("`node-readonly` template"),
        "{}",
        wider[0]
    );
    // Both cross-account readers of secrets hold a role that needs it: notes, not warnings.
    let cross: Vec<&str> = stdout.lines().filter(|l| l.contains("SL281")).collect();
    assert_eq!(cross.len(), 2, "{stdout}");
    assert!(cross.iter().all(|l| l.contains("[note]")), "{stdout}");
}

/// Losing `manage-policy` locks out only a principal of the bucket owner's account: another
/// account never needed it (and should not have had it).
#[test]
fn only_the_owner_s_account_is_locked_out_of_the_policy() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let grants = |who: &str, sid: &str, manage: bool| {
        format!(
            r#"{{"Sid":"{sid}","Effect":"Allow","Principal":{{"AWS":"{who}"}},"Action":["s3:ListBucket","s3:GetBucketLocation","s3:GetBucketPolicy"{}],"Resource":"arn:aws:s3:::kops-state"}}"#,
            if manage {
                r#","s3:PutBucketPolicy""#
            } else {
                ""
            }
        )
    };
    // Before: both may change the policy. After: neither is granted it, and the admin (of
    // the owner's account, whose own IAM would otherwise still allow it) is denied it.
    let policy = |manage: bool| {
        let deny = r#",{"Sid":"NoPolicyChanges","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111111111111:role/admin"},"Action":["s3:PutBucketPolicy","s3:DeleteBucketPolicy","s3:PutBucketPublicAccessBlock"],"Resource":"arn:aws:s3:::kops-state"}"#;
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{},{}{}]}}"#,
            grants("arn:aws:iam::111111111111:role/admin", "Admin", manage),
            grants("arn:aws:iam::222222222222:role/nodes", "Nodes", manage),
            if manage { "" } else { deny }
        )
    };
    let old = write_policy(&dir, "old.json", &policy(true));
    let new = write_policy(&dir, "new.json", &policy(false));
    let (_, stdout, stderr) = offline_at(
        &old,
        &[
            "--against",
            &new,
            "--bucket",
            "kops-state",
            "--format",
            "concise",
        ],
    );
    let lockouts: Vec<&str> = stdout.lines().filter(|l| l.contains("SL284")).collect();
    assert_eq!(lockouts.len(), 1, "{stdout}{stderr}");
    assert!(lockouts[0].contains("role/admin"), "{}", lockouts[0]);
}

/// The human map explains what is allowed, and what a statement denies, and leaves plain
/// "nothing grants it" denials to `--verbose`.
#[test]
fn the_human_map_explains_grants_and_keeps_bare_denials_for_verbose() {
    let (_, human, _) = offline("templates.json", &[]);
    assert!(
        human.contains("list: allow statement `KopsNodesBucketReadc0ffee02` (#2, line 18) of the bucket policy"),
        "{human}"
    );
    // Capabilities one statement decides alike share a line.
    assert!(
        human.contains("    read-spec, read-secrets, write, delete: allow statement `KopsStateObjectsReadWritec0ffee01`"),
        "{human}"
    );
    assert!(!human.contains("delete: deny"), "{human}");
    // No --identity-policy: the map says it shows only what the bucket policy lets through.
    assert!(
        human.contains(
            "(principals without --identity-policy are assumed to be allowed by their own account"
        ),
        "{human}"
    );
    let (_, verbose, _) = offline("templates.json", &["--verbose"]);
    assert!(verbose.contains("delete: deny"), "{verbose}");
}

/// A principal that loses two capabilities, one to a statement and one because nothing grants
/// it any more, gets one lockout per cause: each names what to change.
#[test]
fn a_lockout_is_reported_once_per_deciding_statement() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let reader = r#""Principal":{"AWS":"arn:aws:iam::222222222222:role/reader"}"#;
    let list = format!(
        r#"{{"Sid":"ReaderList","Effect":"Allow",{reader},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::kops-state"}}"#
    );
    let read = format!(
        r#"{{"Sid":"ReaderRead","Effect":"Allow",{reader},"Action":"s3:GetObject","Resource":"arn:aws:s3:::kops-state/kops/*"}}"#
    );
    let no_specs = format!(
        r#"{{"Sid":"NoSpecs","Effect":"Deny",{reader},"Action":"s3:GetObject","Resource":"arn:aws:s3:::kops-state/kops/*/config"}}"#
    );
    let old = write_policy(&dir, "old.json", &policy_of(&[&list, &read]));
    let new = write_policy(&dir, "new.json", &policy_of(&[&read, &no_specs]));
    let (_, stdout, stderr) = offline_at(&old, &["--against", &new, "--format", "json"]);
    let lockouts: Vec<(String, String)> = json(&stdout)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "SL283")
        .map(|f| {
            (
                f["message"].as_str().unwrap_or_default().to_string(),
                f["pointer"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(lockouts.len(), 2, "{lockouts:?} {stderr}");
    assert!(
        lockouts
            .iter()
            .any(|(m, p)| m.contains("read cluster specs") && p == "/Statement/1"),
        "{lockouts:?}"
    );
    assert!(
        lockouts
            .iter()
            .any(|(m, p)| m.contains("list") && !m.contains("read cluster specs") && p.is_empty()),
        "{lockouts:?}"
    );
}

/// Without `--bucket-owner`, a grant whose answer differs between same-account and
/// cross-account access is `depends`, with no statement to name. A later request of the same
/// capability that a statement denies is a worse answer and must not replace it: the map
/// keeps the best answer over the capability's requests.
#[test]
fn an_undecidable_request_outranks_a_later_explicit_deny() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let ci = r#""Principal":{"AWS":"arn:aws:iam::222222222222:role/ci"}"#;
    let bucket_policy = write_policy(
        &dir,
        "bucket.json",
        &format!(
            r#"{{"Version":"2012-10-17","Statement":[
            {{"Sid":"CiKeys","Effect":"Allow",{ci},"Action":"s3:GetObject","Resource":"arn:aws:s3:::kops-state/kops/*/pki/private/*"}},
            {{"Sid":"NoSecretsFolder","Effect":"Deny",{ci},"Action":"s3:GetObject","Resource":"arn:aws:s3:::kops-state/kops/*/secrets/*"}}]}}"#
        ),
    );
    let identity = write_policy(
        &dir,
        "identity.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::kops-state"}]}"#,
    );
    let given = format!("arn:aws:iam::222222222222:role/ci={identity}");
    let (_, stdout, stderr) = access(&[
        "--policy",
        &bucket_policy,
        "--prefix",
        "kops",
        "--identity-policy",
        &given,
        "--format",
        "json",
    ]);
    let row = principal_row(&stdout, &stderr, "arn:aws:iam::222222222222:role/ci");
    assert_eq!(row["capabilities"]["read-secrets"], "depends", "{stdout}");
}

/// The default lockout check keeps named principals. Everyone (`*`) losing a public read is
/// the change a reviewer wants, not a lockout.
#[test]
fn closing_public_access_is_not_a_lockout() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let public_read = r#"{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::kops-state","arn:aws:s3:::kops-state/*"]}"#;
    let ci_reads = r#"{"Sid":"CiRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/ci"},"Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::kops-state","arn:aws:s3:::kops-state/*"]}"#;
    let old = write_policy(&dir, "old.json", &policy_of(&[public_read, ci_reads]));
    let new = write_policy(&dir, "new.json", &policy_of(&[ci_reads]));
    let (_, stdout, stderr) = offline_at(&old, &["--against", &new, "--format", "json"]);
    let report = json(&stdout);
    let lost_by_everyone = report["access_changes"].as_array().is_some_and(|c| {
        c.iter()
            .any(|ch| ch["principal"] == "*" && ch["after"] == "deny")
    });
    assert!(lost_by_everyone, "{stdout}{stderr}");
    let lockouts: Vec<&Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "SL283" || f["code"] == "SL284")
        .collect();
    assert!(lockouts.is_empty(), "{lockouts:?}");
}

/// A same-account user whose own identity policy grants the reads only from one network:
/// the cell is `depends`, and it names that identity-policy statement (the one to change),
/// not only the condition.
#[test]
fn a_conditional_identity_grant_names_its_statement() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let bucket_policy = write_policy(
        &dir,
        "bucket.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"CiList","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/ci"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::kops-state"}]}"#,
    );
    let identity = write_policy(
        &dir,
        "ops.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"OfficeOnlyReads","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::kops-state","arn:aws:s3:::kops-state/*"],"Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}"#,
    );
    let ops = "arn:aws:iam::111111111111:user/ops";
    let given = format!("{ops}={identity}");
    let (_, stdout, stderr) = offline_at(
        &bucket_policy,
        &[
            "--identity-policy",
            &given,
            "--keep",
            ops,
            "--format",
            "json",
        ],
    );
    let row = principal_row(&stdout, &stderr, ops);
    let cell = &row["details"]["read-spec"];
    assert_eq!(cell["verdict"], "depends", "{cell}");
    assert_eq!(cell["statement"]["sid"], "OfficeOnlyReads", "{cell}");
    assert_eq!(
        cell["statement"]["policy"],
        format!("identity policy of `{ops}`"),
        "{cell}"
    );
}
