//! The S3 family end to end against a real S3 server on loopback (moto, started by
//! `scripts/test.sh`): seed a kops store through the VFS write path, read it back through
//! `vfs::open` and `statelint check`, and check the coded failures (missing bucket, rejected
//! credentials, missing configuration), kops's `S3_ENDPOINT` mode and the S3-compatible
//! schemes, pagination past 1,000 keys, and region lookup.
//!
//! `STATELINT_TEST_S3_ENDPOINT` names the server (auth off) and
//! `STATELINT_TEST_S3_AUTH_ENDPOINT` one that enforces IAM authentication. Without them the
//! tests skip, unless `STATELINT_REQUIRE_SERVERS=1` (set by `scripts/test.sh`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

mod common;

use assert_cmd::Command;
use statelint::check::{check_store, CheckOptions};
use statelint::env::MapEnv;
use statelint::resolve::url::StoreUrl;
use statelint::source::SourceDb;
use statelint::vfs::{self, s3, Backend, RemoteErrorKind, VfsError};

fn server(var: &str) -> Option<String> {
    common::loopback_server(var)
}

/// An environment pointing the standard AWS mode at the local server, never at AWS.
fn aws_env(endpoint: &str) -> MapEnv {
    MapEnv::new()
        .with_var("AWS_ENDPOINT_URL", endpoint)
        .with_var("AWS_ACCESS_KEY_ID", "testing")
        .with_var("AWS_SECRET_ACCESS_KEY", "testing")
        .with_var("AWS_REGION", "us-east-1")
}

/// A bucket name unique to this test process and call.
fn bucket(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "statelint-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn create_bucket(endpoint: &str, name: &str, region: Option<&str>) {
    create_bucket_as(endpoint, name, region, ("testing", "testing"));
}

fn create_bucket_as(endpoint: &str, name: &str, region: Option<&str>, (key, secret): (&str, &str)) {
    let env = aws_env(endpoint);
    let url = StoreUrl::parse(&format!("s3://{name}")).expect("url");
    let settings = s3::resolve(&url, &env).expect("settings");
    let creds = aws_sdk_s3::config::SharedCredentialsProvider::new(
        aws_sdk_s3::config::Credentials::new(key, secret, None, None, "test"),
    );
    let client = s3::control_client(&settings, creds, region.unwrap_or("us-east-1"));
    let mut request = client.create_bucket().bucket(name);
    if let Some(r) = region {
        request = request.create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(r))
                .build(),
        );
    }
    vfs::runtime::block_on(request.send())
        .expect("runtime")
        .unwrap_or_else(|e| panic!("create bucket {name}: {}", s3::sdk_error_text(&e)));
}

fn example_files() -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
            let path: PathBuf = entry.path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let key = path
                    .strip_prefix(root)
                    .expect("under root")
                    .to_string_lossy()
                    .into_owned();
                out.push((key, std::fs::read(&path).expect("read")));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.sort();
    out
}

/// Writes the example store under `s3://bucket/kops` through the VFS.
fn seed(endpoint: &str, bucket: &str) -> std::sync::Arc<dyn Backend> {
    let url = StoreUrl::parse(&format!("s3://{bucket}/kops")).expect("url");
    let backend = vfs::open(&url, &aws_env(endpoint)).expect("open");
    for (key, data) in example_files() {
        backend
            .write(&key, &data)
            .unwrap_or_else(|e| panic!("write {key}: {e}"));
    }
    backend
}

fn codes_by_cluster(backend: &dyn Backend) -> Vec<(String, &'static str)> {
    let sources = SourceDb::new();
    let outcome = check_store(backend, &CheckOptions::default(), &sources, None);
    outcome
        .findings
        .iter()
        .map(|f| (f.cluster.clone().unwrap_or_default(), f.code))
        .collect()
}

#[test]
fn a_seeded_store_reads_back_and_checks_like_the_local_one() {
    let Some(endpoint) = server("STATELINT_TEST_S3_ENDPOINT") else {
        return;
    };
    let name = bucket("seed");
    create_bucket(&endpoint, &name, None);
    let backend = seed(&endpoint, &name);
    let listed = backend.list("").expect("list");
    assert_eq!(listed.len(), example_files().len());
    let found = codes_by_cluster(backend.as_ref());
    // In a bucket the stale configBase is a definite error, not the local-copy warning.
    let prod: Vec<_> = found
        .iter()
        .filter(|(c, _)| c == "prod.example.com")
        .map(|(_, k)| *k)
        .collect();
    assert!(
        prod.contains(&"SL101") && prod.contains(&"SL104"),
        "{found:?}"
    );
    let staging: Vec<_> = found
        .iter()
        .filter(|(c, _)| c == "staging.example.com")
        .map(|(_, k)| *k)
        .collect();
    for code in ["SL121", "SL107", "SL105", "SL114"] {
        assert!(staging.contains(&code), "{code}: {found:?}");
    }
    assert!(
        !found.iter().any(|(c, _)| c == "dev.example.com"),
        "{found:?}"
    );
}

#[test]
fn the_cli_checks_and_probes_an_s3_store() {
    let Some(endpoint) = server("STATELINT_TEST_S3_ENDPOINT") else {
        return;
    };
    let name = bucket("cli");
    create_bucket(&endpoint, &name, None);
    let backend = seed(&endpoint, &name);
    let home = tempfile::TempDir::new().expect("tempdir");
    let out = Command::cargo_bin("statelint")
        .expect("binary")
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_ENDPOINT_URL", &endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("KOPS_STATE_STORE", format!("s3://{name}/kops"))
        // The write probes are opt-in on `check`.
        .args(["check", "--write-probes", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["store"]["url"], format!("s3://{name}/kops"));
    assert_eq!(report["store"]["source"], "env");
    let probes = report["probes"].as_array().expect("probes ran");
    for action in [
        "s3:ListBucket",
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
    ] {
        assert!(
            probes
                .iter()
                .any(|p| p["action"] == action && p["outcome"] == "pass"),
            "{action}: {probes:?}"
        );
    }
    let leftovers: Vec<_> = backend
        .list("")
        .expect("list")
        .into_iter()
        .filter(|o| o.key.contains(".statelint-probe-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn writes_reads_lists_with_pagination_and_deletes() {
    let Some(endpoint) = server("STATELINT_TEST_S3_ENDPOINT") else {
        return;
    };
    let name = bucket("page");
    create_bucket(&endpoint, &name, None);
    let url = StoreUrl::parse(&format!("s3://{name}/many")).expect("url");
    let backend = vfs::open(&url, &aws_env(&endpoint)).expect("open");
    // More than one ListObjectsV2 page (1,000 keys).
    let keys: Vec<String> = (0..2_300)
        .map(|i| format!("c.example.com/objects/{i:05}"))
        .collect();
    std::thread::scope(|scope| {
        for chunk in keys.chunks(300) {
            let backend = &backend;
            scope.spawn(move || {
                for key in chunk {
                    backend.write(key, key.as_bytes()).expect("write");
                }
            });
        }
    });
    let listed = backend.list("c.example.com/").expect("list");
    assert_eq!(listed.len(), keys.len());
    assert_eq!(
        backend
            .read("c.example.com/objects/01234", 1024)
            .expect("read"),
        b"c.example.com/objects/01234"
    );
    assert!(matches!(
        backend.read("c.example.com/objects/01234", 4),
        Err(VfsError::TooLarge { .. })
    ));
    backend
        .delete("c.example.com/objects/01234")
        .expect("delete");
    assert!(backend
        .stat("c.example.com/objects/01234")
        .expect("stat")
        .is_none());
    assert!(matches!(
        backend.read("c.example.com/objects/01234", 1024),
        Err(VfsError::NotFound { .. })
    ));
}

#[test]
fn a_missing_bucket_is_sl030() {
    let Some(endpoint) = server("STATELINT_TEST_S3_ENDPOINT") else {
        return;
    };
    let url = StoreUrl::parse(&format!("s3://{}/kops", bucket("missing"))).expect("url");
    let backend = vfs::open(&url, &aws_env(&endpoint)).expect("open");
    let found = codes_by_cluster(backend.as_ref());
    assert_eq!(
        found.iter().map(|(_, c)| *c).collect::<Vec<_>>(),
        ["SL030"],
        "{found:?}"
    );
}

#[test]
fn rejected_credentials_are_sl032() {
    let Some(endpoint) = server("STATELINT_TEST_S3_AUTH_ENDPOINT") else {
        return;
    };
    let env = aws_env(&endpoint)
        .with_var("AWS_ACCESS_KEY_ID", "AKIANOTAREALKEY00000")
        .with_var("AWS_SECRET_ACCESS_KEY", "wrong");
    let url = StoreUrl::parse("s3://any-bucket/kops").expect("url");
    let backend = vfs::open(&url, &env).expect("open");
    match backend.list("") {
        Err(VfsError::Remote { kind, .. }) => assert_eq!(kind, RemoteErrorKind::BadCredentials),
        other => panic!("expected rejected credentials, got {other:?}"),
    }
    let found = codes_by_cluster(backend.as_ref());
    assert!(found.iter().any(|(_, c)| *c == "SL032"), "{found:?}");
}

#[test]
fn an_unreachable_endpoint_is_a_finding_not_a_hang() {
    // A port nothing listens on (bound, then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let endpoint = format!("http://127.0.0.1:{port}");
    let url = StoreUrl::parse("s3://nowhere/kops").expect("url");
    let backend = vfs::open(&url, &aws_env(&endpoint)).expect("open");
    let found = codes_by_cluster(backend.as_ref());
    assert!(found.iter().any(|(_, c)| *c == "SL034"), "{found:?}");
}

#[test]
fn kops_s3_endpoint_mode_and_compatible_schemes_read_the_same_store() {
    let Some(endpoint) = server("STATELINT_TEST_S3_ENDPOINT") else {
        return;
    };
    let name = bucket("compat");
    create_bucket(&endpoint, &name, None);
    seed(&endpoint, &name);
    let env = MapEnv::new()
        .with_var("S3_ENDPOINT", &endpoint)
        .with_var("S3_ACCESS_KEY_ID", "testing")
        .with_var("S3_SECRET_ACCESS_KEY", "testing");
    for scheme in ["s3", "do", "scw", "linode", "hos"] {
        let url = StoreUrl::parse(&format!("{scheme}://{name}/kops")).expect("url");
        let backend = vfs::open(&url, &env).unwrap_or_else(|e| panic!("{scheme}: {e}"));
        let layout = statelint::store::discover(backend.as_ref())
            .unwrap_or_else(|e| panic!("{scheme}: {e}"));
        let names: Vec<_> = layout.clusters.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["dev.example.com", "prod.example.com", "staging.example.com"],
            "{scheme}"
        );
    }
}

#[test]
fn the_bucket_region_is_looked_up_and_a_mismatch_reported() {
    let Some(endpoint) = server("STATELINT_TEST_S3_ENDPOINT") else {
        return;
    };
    let name = bucket("region");
    create_bucket(&endpoint, &name, Some("eu-west-1"));
    let env = aws_env(&endpoint).with_var("AWS_REGION", "us-west-2");
    let url = StoreUrl::parse(&format!("s3://{name}/kops")).expect("url");
    let (backend, store) = s3::open_store(&url, &env).expect("open");
    assert_eq!(
        store.settings.region, "eu-west-1",
        "the bucket's region wins, as in kops"
    );
    let codes: Vec<_> = backend.open_findings().iter().map(|f| f.code).collect();
    assert_eq!(codes, ["SL042"]);
    backend
        .write("c/config", b"x")
        .expect("writes in the bucket's region");
}

#[test]
fn fix_policy_applies_to_the_live_bucket_with_a_backup_and_is_idempotent() {
    let Some(endpoint) = server("STATELINT_TEST_S3_ENDPOINT") else {
        return;
    };
    let name = bucket("fix");
    create_bucket(&endpoint, &name, None);
    let work = tempfile::TempDir::new().expect("tempdir");
    let run = |extra: &[&str]| {
        let out = Command::cargo_bin("statelint")
            .expect("binary")
            .env_clear()
            .env("HOME", work.path())
            .current_dir(work.path())
            .env("AWS_ENDPOINT_URL", &endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .args(["fix-policy", "--state", &format!("s3://{name}/kops")])
            .args([
                "--principal",
                "arn:aws:iam::222222222222:role/ci",
                "--format",
                "json",
            ])
            .args(extra)
            .output()
            .expect("runs");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code(), json)
    };
    let (code, first) = run(&["--apply", "--yes"]);
    assert_eq!(code, Some(0));
    assert_eq!(first["changed"], true);
    let backups: Vec<_> = std::fs::read_dir(work.path())
        .expect("read_dir")
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("statelint-policy-backup-")
        })
        .collect();
    assert_eq!(backups.len(), 1, "the previous policy is kept");
    let (code, second) = run(&[]);
    assert_eq!(code, Some(0));
    assert_eq!(
        second["changed"], false,
        "the live policy now grants everything: {second}"
    );
    // The live policy goes through the linter during probes: it has no TLS-only Deny.
    let store = format!("s3://{name}/kops");
    let (_, probe) = statelint_as(
        &endpoint,
        "testing",
        "testing",
        &["probe", "--state", &store, "--format", "json"],
    );
    let tls = probe["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["code"] == "SL308"))
        .unwrap_or_else(|| panic!("the live policy was not linted: {probe}"));
    assert!(
        tls["location"]["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("?policy")),
        "{tls}"
    );
}

/// The policy lint at its full depth runs on the live bucket policy that probes read: a
/// Deny guarded by a tag key S3 never sets on `s3:GetObject` (SL331) and an IP range with
/// host bits (SL332) are reported at their line and column in the policy S3 returned.
#[test]
fn probes_lint_the_live_bucket_policy_with_every_check() {
    let Some(endpoint) = server("STATELINT_TEST_S3_ENDPOINT") else {
        return;
    };
    let name = bucket("livelint");
    create_bucket(&endpoint, &name, None);
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": [
  {{"Sid": "DenySecretReads", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::{name}/*",
    "Condition": {{"StringEquals": {{"aws:ResourceTag/classification": "secret"}}}}}},
  {{"Sid": "DenyOutsideOffice", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
    "Resource": "arn:aws:s3:::{name}/*",
    "Condition": {{"NotIpAddress": {{"aws:SourceIp": "203.0.113.5/24"}}}}}}
]}}"#
    );
    let env = aws_env(&endpoint);
    let url = StoreUrl::parse(&format!("s3://{name}")).expect("url");
    let settings = s3::resolve(&url, &env).expect("settings");
    let creds = aws_sdk_s3::config::SharedCredentialsProvider::new(
        aws_sdk_s3::config::Credentials::new("testing", "testing", None, None, "test"),
    );
    let client = s3::control_client(&settings, creds, "us-east-1");
    vfs::runtime::block_on(
        client
            .put_bucket_policy()
            .bucket(&name)
            .policy(&policy)
            .send(),
    )
    .expect("runtime")
    .unwrap_or_else(|e| panic!("put bucket policy: {}", s3::sdk_error_text(&e)));

    let (_, probe) = statelint_as(
        &endpoint,
        "testing",
        "testing",
        &[
            "probe",
            "--state",
            &format!("s3://{name}/kops"),
            "--format",
            "json",
        ],
    );
    let findings = probe["findings"].as_array().expect("findings");
    for code in ["SL331", "SL332"] {
        let f = findings
            .iter()
            .find(|f| f["code"] == code)
            .unwrap_or_else(|| panic!("{code} not reported on the live policy: {probe}"));
        assert!(
            f["location"]["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("?policy")),
            "{f}"
        );
        assert!(f["location"]["line"].as_u64().is_some_and(|l| l > 1), "{f}");
    }
}

/// The identities `scripts/servers/moto_accounts.py` created on the auth server.
fn auth_accounts() -> Option<(String, serde_json::Value, String)> {
    let endpoint = server("STATELINT_TEST_S3_AUTH_ENDPOINT")?;
    let path = common::required_setting("STATELINT_TEST_S3_AUTH_ACCOUNTS")?;
    let python = common::required_setting("STATELINT_TEST_MOTO_PYTHON")?;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let accounts = serde_json::from_str(&text).expect("accounts JSON");
    Some((endpoint, accounts, python))
}

fn statelint_as(
    endpoint: &str,
    key: &str,
    secret: &str,
    args: &[&str],
) -> (Option<i32>, serde_json::Value) {
    let home = tempfile::TempDir::new().expect("tempdir");
    let out = Command::cargo_bin("statelint")
        .expect("binary")
        .env_clear()
        .env("HOME", home.path())
        .current_dir(home.path())
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(args)
        .output()
        .expect("runs");
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), json)
}

#[test]
fn probes_fail_without_a_grant_explain_the_denial_and_pass_after_it() {
    let Some((endpoint, accounts, python)) = auth_accounts() else {
        return;
    };
    let admin = (
        accounts["admin"]["key"].as_str().unwrap_or(""),
        accounts["admin"]["secret"].as_str().unwrap_or(""),
    );
    let ci = (
        accounts["ci"]["key"].as_str().unwrap_or(""),
        accounts["ci"]["secret"].as_str().unwrap_or(""),
    );
    let ci_arn = accounts["ci"]["arn"].as_str().unwrap_or("").to_string();
    let name = bucket("grant");
    create_bucket_as(&endpoint, &name, None, admin);
    let store = format!("s3://{name}/kops");
    let args = ["probe", "--state", store.as_str(), "--format", "json"];

    // The owner's admin passes every permission probe (the run may still fail on bucket
    // settings, e.g. a missing public-access block).
    let no_failed_probe = |report: &serde_json::Value| {
        report["probes"]
            .as_array()
            .is_some_and(|p| !p.is_empty() && p.iter().all(|p| p["outcome"] != "fail"))
    };
    let (_, report) = statelint_as(&endpoint, admin.0, admin.1, &args);
    assert!(no_failed_probe(&report), "{report}");

    // `ci` has no grant anywhere: denied, and told where the grant is missing.
    let (code, report) = statelint_as(&endpoint, ci.0, ci.1, &args);
    assert_eq!(code, Some(1));
    let probes = report["probes"].as_array().expect("probes");
    assert!(
        probes
            .iter()
            .any(|p| p["action"] == "s3:ListBucket" && p["outcome"] == "fail"),
        "{report}"
    );
    assert!(
        probes
            .iter()
            .any(|p| p["action"] == "s3:GetBucketPolicy" && p["outcome"] == "inconclusive"),
        "diagnostic reads are never a pass: {report}"
    );
    let denial = report["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["code"] == "SL200"))
        .expect("list denial finding");
    let help = denial["help"].as_str().unwrap_or("");
    assert!(
        help.contains(&ci_arn) && help.contains("s3:ListBucket"),
        "{help}"
    );

    // The grant (an identity policy: moto does not evaluate bucket policies for IAM users).
    let accounts_path = std::env::var("STATELINT_TEST_S3_AUTH_ACCOUNTS").expect("set");
    let status = std::process::Command::new(&python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/servers/moto_accounts.py"))
        .args([endpoint.as_str(), "grant", accounts_path.as_str(), "ci"])
        .status()
        .expect("python runs");
    assert!(status.success());
    let (_, report) = statelint_as(&endpoint, ci.0, ci.1, &args);
    assert!(no_failed_probe(&report), "{report}");
    let probes = report["probes"].as_array().expect("probes");
    for action in ["s3:ListBucket", "s3:GetBucketLocation", "s3:HeadBucket"] {
        assert!(
            probes
                .iter()
                .any(|p| p["action"] == action && p["outcome"] == "pass"),
            "{action}: {report}"
        );
    }
}

fn statelint_cli(endpoint: &str, cwd: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("statelint"));
    cmd.env_clear()
        .env("HOME", cwd)
        .current_dir(cwd)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(args);
    cmd
}

#[test]
fn migrate_file_to_s3_and_s3_to_s3_rewrites_config_base_and_checks_the_destination() {
    let Some(endpoint) = server("STATELINT_TEST_S3_ENDPOINT") else {
        return;
    };
    let (a, b) = (bucket("mig-a"), bucket("mig-b"));
    create_bucket(&endpoint, &a, None);
    create_bucket(&endpoint, &b, None);
    let store = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store");
    let work = tempfile::TempDir::new().expect("tempdir");
    let to_a = format!("s3://{a}/kops");
    let to_b = format!("s3://{b}/moved");
    let out = statelint_cli(
        &endpoint,
        work.path(),
        &[
            "migrate",
            "--from",
            &store.display().to_string(),
            "--to",
            &to_a,
            "--yes",
        ],
    )
    .output()
    .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("copied 13 object(s)"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = statelint_cli(
        &endpoint,
        work.path(),
        &["migrate", "--from", &to_a, "--to", &to_b, "--yes"],
    )
    .output()
    .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("copied 13 object(s)"), "{stdout}");
    let dest = vfs::open(&StoreUrl::parse(&to_b).expect("url"), &aws_env(&endpoint)).expect("open");
    let config = String::from_utf8(dest.read("prod.example.com/config", 1 << 20).expect("read"))
        .expect("utf8");
    assert!(
        config.contains(&format!("configBase: s3://{b}/moved/prod.example.com")),
        "{config}"
    );
    // The stale-bucket finding is gone at the destination; other problems stay.
    let found = codes_by_cluster(dest.as_ref());
    assert!(!found.iter().any(|(_, c)| *c == "SL101"), "{found:?}");
    assert!(
        found
            .iter()
            .any(|(c, k)| c == "prod.example.com" && *k == "SL104"),
        "{found:?}"
    );
}

#[test]
fn an_interrupted_migration_exposes_no_half_cluster_and_a_rerun_completes_it() {
    let Some(endpoint) = server("STATELINT_TEST_S3_ENDPOINT") else {
        return;
    };
    let (a, b) = (bucket("kill-a"), bucket("kill-b"));
    create_bucket(&endpoint, &a, None);
    create_bucket(&endpoint, &b, None);
    let src = vfs::open(
        &StoreUrl::parse(&format!("s3://{a}/kops")).expect("url"),
        &aws_env(&endpoint),
    )
    .expect("open");
    src.write("big.example.com/config", b"apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\nmetadata:\n  name: big.example.com\nspec: {}\n")
        .expect("seed");
    let keys: Vec<String> = (0..600)
        .map(|i| format!("big.example.com/addons/{i:05}"))
        .collect();
    std::thread::scope(|scope| {
        for chunk in keys.chunks(100) {
            let src = &src;
            scope.spawn(move || {
                for k in chunk {
                    src.write(k, k.as_bytes()).expect("seed");
                }
            });
        }
    });
    let dst = vfs::open(
        &StoreUrl::parse(&format!("s3://{b}/kops")).expect("url"),
        &aws_env(&endpoint),
    )
    .expect("open");
    let work = tempfile::TempDir::new().expect("tempdir");
    let args = [
        "migrate",
        "--from",
        &format!("s3://{a}/kops"),
        "--to",
        &format!("s3://{b}/kops"),
        "--yes",
    ]
    .map(String::from);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = statelint_cli(&endpoint, work.path(), &args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    // Interrupt as soon as the copy has started (bounded: 20 s of polling).
    for _ in 0..2_000 {
        if !dst.list("").expect("list").is_empty() {
            break;
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    let partial = dst.list("").expect("list").len();
    let config_there = dst.stat("big.example.com/config").expect("stat").is_some();
    assert!(
        !config_there || partial == 601,
        "a half-copied cluster must not have its config ({partial} objects)"
    );

    let out = statelint_cli(&endpoint, work.path(), &args)
        .output()
        .expect("runs");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let copied_now: usize = stdout
        .split("copied ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX);
    // Requests the killed run had already sent may still land after `partial` was counted,
    // so the rerun's own plan says what it found in place: it copies exactly the rest, and
    // nothing that was there before is lost.
    let identical: usize = stdout
        .split(" identical")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX);
    assert!(identical >= partial, "nothing copied is lost: {stdout}");
    assert_eq!(
        copied_now.saturating_add(identical),
        601,
        "the rerun copies exactly what was missing: {stdout}"
    );
    assert_eq!(dst.list("").expect("list").len(), 601);
    for k in keys.iter().step_by(97) {
        assert_eq!(dst.read(k, 1024).expect("read"), k.as_bytes());
    }
    assert!(dst.stat("big.example.com/config").expect("stat").is_some());
}

#[test]
fn a_denied_get_bucket_location_with_head_bucket_revealing_the_region_is_sl043() {
    let Some((endpoint, accounts, python)) = auth_accounts() else {
        return;
    };
    let admin = (
        accounts["admin"]["key"].as_str().unwrap_or(""),
        accounts["admin"]["secret"].as_str().unwrap_or(""),
    );
    let reader = (
        accounts["reader"]["key"].as_str().unwrap_or(""),
        accounts["reader"]["secret"].as_str().unwrap_or(""),
    );
    let name = bucket("location");
    create_bucket_as(&endpoint, &name, Some("eu-west-1"), admin);
    // Everything on S3 except GetBucketLocation, as a cross-account caller typically has.
    let work = tempfile::TempDir::new().expect("tempdir");
    let policy = work.path().join("no-location.json");
    std::fs::write(
        &policy,
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:GetBucketLocation", "Resource": "*"}]}"#,
    )
    .expect("write policy");
    let accounts_path = std::env::var("STATELINT_TEST_S3_AUTH_ACCOUNTS").expect("set");
    let status = std::process::Command::new(&python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/servers/moto_accounts.py"))
        .args([endpoint.as_str(), "grant", accounts_path.as_str(), "reader"])
        .arg(&policy)
        .status()
        .expect("python runs");
    assert!(status.success());
    let store = format!("s3://{name}/kops");
    let (_, report) = statelint_as(
        &endpoint,
        reader.0,
        reader.1,
        &["probe", "--state", &store, "--format", "json"],
    );
    let finding = report["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["code"] == "SL043"))
        .unwrap_or_else(|| panic!("no SL043 in {report}"));
    assert!(
        finding["message"]
            .as_str()
            .is_some_and(|m| m.contains("eu-west-1")),
        "{finding}"
    );
    let probes = report["probes"].as_array().expect("probes");
    assert!(probes
        .iter()
        .any(|p| p["action"] == "s3:GetBucketLocation" && p["outcome"] == "fail"));
    // The store is still readable: statelint, like kops 1.36+, falls back to HeadBucket.
    assert!(
        probes
            .iter()
            .any(|p| p["action"] == "s3:ListBucket" && p["outcome"] == "pass"),
        "{report}"
    );
}
