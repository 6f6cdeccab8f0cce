//! Onboarding a cross-account caller, through the CLI: the four states (nothing granted,
//! only the caller's IAM policy, only the bucket policy, both) and the same-account case.
//!
//! Each state runs where a local server decides it as AWS would:
//! - moto (`STATELINT_TEST_S3_ACCOUNTS_ENDPOINT`, two accounts: the bucket owner
//!   111111111111 and the CI account 222222222222) authorizes from identity policies only
//!   and ignores bucket policies. It is faithful when the caller's IAM policy lacks the
//!   grant (AWS denies whatever the bucket policy says) and when both sides grant it.
//! - Ceph RGW (`STATELINT_TEST_RGW_ENDPOINT`) evaluates bucket policies and ignores the
//!   caller's identity policies across users. It is faithful when the bucket policy lacks
//!   the grant; the caller's IAM side is then given with `--identity-policy`.
//!
//! Without the servers the tests skip, unless `STATELINT_REQUIRE_SERVERS=1`.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

mod common;

use serde_json::Value;
use statelint::env::MapEnv;
use statelint::resolve::url::StoreUrl;
use statelint::vfs;

const OWNER_ACCOUNT: &str = "111111111111";

fn unique(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "onb-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Keys of one identity from a keys file.
#[derive(Clone)]
struct Identity {
    key: String,
    secret: String,
    arn: String,
}

impl Identity {
    fn from(keys: &Value, name: &str) -> Identity {
        let field = |f: &str| keys[name][f].as_str().unwrap_or_default().to_string();
        Identity {
            key: field("key"),
            secret: field("secret"),
            arn: field("arn"),
        }
    }
}

/// How statelint reaches a server: AWS mode (moto) or kops's `S3_ENDPOINT` mode (RGW).
#[derive(Clone, Copy)]
enum Mode {
    Aws,
    S3Endpoint,
}

fn env_vars(mode: Mode, endpoint: &str, who: &Identity) -> Vec<(&'static str, String)> {
    match mode {
        Mode::Aws => vec![
            ("AWS_ENDPOINT_URL", endpoint.into()),
            ("AWS_ACCESS_KEY_ID", who.key.clone()),
            ("AWS_SECRET_ACCESS_KEY", who.secret.clone()),
            ("AWS_REGION", "us-east-1".into()),
        ],
        Mode::S3Endpoint => vec![
            ("S3_ENDPOINT", endpoint.into()),
            ("S3_ACCESS_KEY_ID", who.key.clone()),
            ("S3_SECRET_ACCESS_KEY", who.secret.clone()),
        ],
    }
}

/// Runs statelint as `who` in `cwd`; returns the exit code and standard output.
fn statelint(
    mode: Mode,
    endpoint: &str,
    who: &Identity,
    cwd: &Path,
    args: &[&str],
) -> (Option<i32>, String) {
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("statelint"))
        .env_clear()
        .env("HOME", cwd)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env_vars(mode, endpoint, who))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("statelint runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn probe_json(
    mode: Mode,
    endpoint: &str,
    who: &Identity,
    cwd: &Path,
    extra: &[&str],
) -> (Option<i32>, Value) {
    let mut args = vec!["probe", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out) = statelint(mode, endpoint, who, cwd, &args);
    let json_end = out.rfind('}').map(|i| i + 1).unwrap_or(0);
    let report = serde_json::from_str(&out[..json_end]).unwrap_or_else(|e| panic!("{e}: {out}"));
    (code, report)
}

/// Creates the bucket as its owner and writes one cluster's `config` under `kops/`.
fn seed_bucket(mode: Mode, endpoint: &str, owner: &Identity, bucket: &str) -> String {
    let mut env = MapEnv::new();
    for (k, v) in env_vars(mode, endpoint, owner) {
        env = env.with_var(k, &v);
    }
    let url = StoreUrl::parse(&format!("s3://{bucket}")).expect("url");
    let settings = vfs::s3::resolve(&url, &env).expect("settings");
    let creds = aws_sdk_s3::config::SharedCredentialsProvider::new(
        aws_sdk_s3::config::Credentials::new(&owner.key, &owner.secret, None, None, "test"),
    );
    let client = vfs::s3::control_client(&settings, creds, "us-east-1");
    vfs::runtime::block_on(client.create_bucket().bucket(bucket).send())
        .expect("runtime")
        .unwrap_or_else(|e| panic!("create bucket {bucket}: {}", vfs::s3::sdk_error_text(&e)));
    let store = StoreUrl::parse(&format!("s3://{bucket}/kops")).expect("url");
    let backend = vfs::open(&store, &env).expect("open as owner");
    backend
        .write(
            "c.example.com/config",
            b"apiVersion: kops.k8s.io/v1alpha2\n",
        )
        .expect("seed");
    format!("s3://{bucket}/kops")
}

/// One scenario: the owner's freshly seeded store, the caller, and a home folder.
struct Scene {
    owner: Identity,
    caller: Identity,
    home: tempfile::TempDir,
    bucket: String,
    store: String,
}

fn scene(mode: Mode, endpoint: &str, keys: &Value, caller: &str, tag: &str) -> Scene {
    let owner = Identity::from(keys, "owner");
    let bucket = unique(tag);
    let store = seed_bucket(mode, endpoint, &owner, &bucket);
    Scene {
        owner,
        caller: Identity::from(keys, caller),
        home: tempfile::TempDir::new().expect("tempdir"),
        bucket,
        store,
    }
}

fn findings(report: &Value) -> Vec<Value> {
    report["findings"].as_array().cloned().unwrap_or_default()
}

fn finding<'a>(all: &'a [Value], code: &str) -> Option<&'a Value> {
    all.iter().find(|f| f["code"] == code)
}

fn failed_probes(report: &Value) -> Vec<String> {
    report["probes"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter(|p| p["outcome"] == "fail")
                .map(|p| p["action"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The report, hand-off included, follows `schemas/report.schema.json`.
fn assert_schema(report: &Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema")).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

/// Every message is one clean sentence: no raw XML body, no Rust error chain.
fn assert_clean(report: &Value) {
    assert_schema(report);
    for f in findings(report) {
        let message = f["message"].as_str().unwrap_or_default();
        for raw in ["<?xml", "<Error>", "Error performing", "Generic S3 error"] {
            assert!(!message.contains(raw), "raw answer in `{message}`");
        }
    }
}

fn moto() -> Option<(String, Value, String, String)> {
    let endpoint = common::loopback_server("STATELINT_TEST_S3_ACCOUNTS_ENDPOINT")?;
    let keys_path = std::env::var("STATELINT_TEST_S3_ACCOUNTS_KEYS").expect("keys file set");
    let python = std::env::var("STATELINT_TEST_MOTO_PYTHON").expect("moto python set");
    let text = std::fs::read_to_string(&keys_path).unwrap_or_else(|e| panic!("{keys_path}: {e}"));
    Some((
        endpoint,
        serde_json::from_str(&text).expect("keys JSON"),
        keys_path,
        python,
    ))
}

/// Puts an inline policy on a moto user, as an admin of its account.
fn attach(python: &str, endpoint: &str, keys: &str, admin: &str, user: &str, policy: &Value) {
    let file = tempfile::NamedTempFile::new().expect("tempfile");
    std::fs::write(file.path(), policy.to_string()).expect("write policy");
    let name = format!("p{}", unique("x").replace('-', ""));
    let status = std::process::Command::new(python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/servers/moto_accounts.py"))
        .args([endpoint, "attach", keys, admin, user, &name])
        .arg(file.path())
        .status()
        .expect("python runs");
    assert!(status.success(), "attach {policy} to {user}");
}

fn put_bucket_policy(mode: Mode, endpoint: &str, owner: &Identity, store: &str, policy: &Value) {
    let mut env = MapEnv::new();
    for (k, v) in env_vars(mode, endpoint, owner) {
        env = env.with_var(k, &v);
    }
    let url = StoreUrl::parse(store).expect("url");
    let (_, control) = vfs::open_with_control(&url, &env).expect("open as owner");
    control
        .expect("an S3 store")
        .put_bucket_policy(&policy.to_string())
        .expect("policy written");
}

/// State 1 on moto (faithful: nothing is granted anywhere, so AWS denies too). The CI
/// user may only call STS: it cannot list its buckets, read the bucket policy or its own
/// IAM policies, so each of those stays "unknown" and is never claimed.
#[test]
fn nothing_granted_names_both_sides_and_claims_nothing_unread() {
    let Some((endpoint, keys, _, _)) = moto() else {
        return;
    };
    let Scene {
        caller: ci,
        home,
        store,
        ..
    } = scene(Mode::Aws, &endpoint, &keys, "ci-fresh", "none");

    // Nothing answers but STS: who owns the bucket, the bucket policy and the caller's own
    // IAM policies all stay unknown, each said with its reason, and the denial is explained
    // for both cases instead of guessing one.
    let (code, report) = probe_json(Mode::Aws, &endpoint, &ci, home.path(), &["--state", &store]);
    assert_eq!(code, Some(1), "{report}");
    assert!(failed_probes(&report).contains(&"s3:ListBucket".to_string()));
    assert_clean(&report);
    let all = findings(&report);
    assert!(
        finding(&all, "SL211").is_none(),
        "ownership is not claimed: {report}"
    );
    let unknown = finding(&all, "SL220").unwrap_or_else(|| panic!("SL220: {report}"));
    let message = unknown["message"].as_str().unwrap_or_default();
    assert!(message.contains("you are 222222222222"), "{message}");
    assert!(message.contains("`ListBuckets` was refused"), "{message}");
    assert!(
        finding(&all, "SL221").is_some(),
        "IAM policies unreadable: {report}"
    );
    let denial = finding(&all, "SL200").expect("list denial");
    let help = denial["help"].as_str().unwrap_or_default();
    for part in [
        "if it is your account, your IAM policy alone decides",
        "if it is another account, the bucket policy must allow `s3:ListBucket` too",
        "whether the bucket policy allows it is unknown",
    ] {
        assert!(help.contains(part), "`{part}` missing: {help}");
    }
    assert!(
        help.contains(&format!(
            "whether the IAM policies of `{}` allow it is unknown",
            ci.arn
        )),
        "{help}"
    );
    assert!(
        !help.contains("no bucket-policy grant applies"),
        "never invented: {help}"
    );
    assert_eq!(
        denial["message"],
        format!("`s3:ListBucket` is denied on `{store}` (HTTP 403 AccessDenied)")
    );

    // The owner named: cross-account, with the command for the owner and the IAM policy.
    let (_, report) = probe_json(
        Mode::Aws,
        &endpoint,
        &ci,
        home.path(),
        &["--state", &store, "--bucket-owner", OWNER_ACCOUNT],
    );
    let all = findings(&report);
    let cross = finding(&all, "SL211").unwrap_or_else(|| panic!("SL211: {report}"));
    let message = cross["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("you are 222222222222")
            && message.contains("another account (111111111111)"),
        "{message}"
    );
    let handoff = &report["handoff"];
    assert_eq!(handoff["ownership"]["relation"], "cross_account");
    let command = handoff["owner_command"].as_str().unwrap_or_default();
    assert_eq!(
        command,
        format!(
            "statelint --fix-policy --principal {} --state {store} --apply",
            ci.arn
        )
    );
    assert!(
        handoff["caller_policy"]["Statement"].is_array(),
        "{handoff}"
    );
    assert!(
        handoff["owner_statements"]
            .as_array()
            .is_some_and(|s| !s.is_empty()),
        "{handoff}"
    );
    for d in handoff["denied"].as_array().expect("denied") {
        // Neither side could be read, so neither is claimed.
        assert_eq!(d["identity"], "unknown", "{d}");
        assert_eq!(d["bucket_policy"], "unknown", "{d}");
    }

    // People get the same, and the raw answer only with --verbose.
    let args = ["probe", "--state", &store, "--bucket-owner", OWNER_ACCOUNT];
    let (_, human) = statelint(Mode::Aws, &endpoint, &ci, home.path(), &args);
    assert!(human.contains("next steps for"), "{human}");
    assert!(human.contains(command), "{human}");
    assert!(!human.contains("<?xml"), "{human}");
    let mut verbose = args.to_vec();
    verbose.push("--verbose");
    let (_, human) = statelint(Mode::Aws, &endpoint, &ci, home.path(), &verbose);
    assert!(human.contains("403"), "{human}");
}

/// States 3 and 4 on moto. State 3 (only the bucket policy grants): AWS denies, and so
/// does moto, which ignores the bucket policy; the CI user may read the bucket policy, its
/// own IAM policies and its bucket list, so both sides are stated as fact. Then the CI
/// account attaches the IAM policy the probe printed (state 4, both sides grant): moto,
/// which decides from that policy alone, lets every probe pass, as AWS would.
#[test]
fn only_the_bucket_policy_then_both_sides_granted() {
    let Some((endpoint, keys, keys_path, python)) = moto() else {
        return;
    };
    let ci_admin = "ci-admin";
    let Scene {
        owner,
        caller: ci,
        home,
        bucket,
        store,
    } = scene(Mode::Aws, &endpoint, &keys, "ci", "bucket-only");
    // The owner grants in the bucket policy exactly what fix-policy plans for the CI user.
    let (code, planned) = statelint(
        Mode::Aws,
        &endpoint,
        &owner,
        home.path(),
        &[
            "fix-policy",
            "--state",
            &store,
            "--principal",
            &ci.arn,
            "--format",
            "json",
        ],
    );
    assert_eq!(code, Some(0), "{planned}");
    let planned: Value = serde_json::from_str(&planned).expect("fix-policy JSON");
    let mut policy = planned["policy"].clone();
    policy["Statement"]
        .as_array_mut()
        .expect("statements")
        .push(serde_json::json!({
            "Sid": "CiReadsThePolicy", "Effect": "Allow", "Principal": {"AWS": ci.arn},
            "Action": "s3:GetBucketPolicy", "Resource": format!("arn:aws:s3:::{bucket}")
        }));
    put_bucket_policy(Mode::Aws, &endpoint, &owner, &store, &policy);
    // The CI user's diagnostics reads (not what kops needs).
    attach(
        &python,
        &endpoint,
        &keys_path,
        ci_admin,
        "ci",
        &serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:GetBucketPolicy", "iam:Get*", "iam:List*"], "Resource": "*"}
            ]
        }),
    );

    let (code, report) = probe_json(Mode::Aws, &endpoint, &ci, home.path(), &["--state", &store]);
    assert_eq!(code, Some(1), "{report}");
    assert_clean(&report);
    let all = findings(&report);
    assert!(
        finding(&all, "SL211").is_some(),
        "cross-account from ListBuckets: {report}"
    );
    assert!(
        finding(&all, "SL221").is_none(),
        "IAM was readable: {report}"
    );
    let handoff = &report["handoff"];
    assert_eq!(handoff["ownership"]["relation"], "cross_account");
    assert!(
        handoff.get("owner_command").is_none(),
        "the owner has granted everything: {handoff}"
    );
    for d in handoff["denied"].as_array().expect("denied") {
        assert_eq!(d["identity"], "missing", "{d}");
        assert_eq!(d["bucket_policy"], "allows", "{d}");
    }
    let help = finding(&all, "SL200").expect("SL200")["help"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(help.contains("of the bucket policy allows it"), "{help}");
    assert!(help.contains("your IAM policy needs"), "{help}");

    // State 4: the CI account attaches what the probe printed; everything passes. moto
    // authorizes HeadBucket as `s3:HeadBucket`, an action IAM does not have (AWS checks
    // `s3:ListBucket`, https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html),
    // so that name is added for moto's sake.
    attach(
        &python,
        &endpoint,
        &keys_path,
        ci_admin,
        "ci",
        &handoff["caller_policy"],
    );
    attach(
        &python,
        &endpoint,
        &keys_path,
        ci_admin,
        "ci",
        &serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:HeadBucket", "Resource": format!("arn:aws:s3:::{bucket}")}]
        }),
    );
    let (code, report) = probe_json(Mode::Aws, &endpoint, &ci, home.path(), &["--state", &store]);
    assert_eq!(failed_probes(&report), Vec::<String>::new(), "{report}");
    assert!(report.get("handoff").is_none(), "{report}");
    assert_ne!(code, Some(2), "{report}");
}

/// The same scenario inside the owner's account (moto, faithful: an IAM grant is what
/// is missing): the advice is the caller's IAM policy only, with no owner hand-off.
#[test]
fn the_same_account_gets_same_account_advice() {
    let Some((endpoint, keys, keys_path, python)) = moto() else {
        return;
    };
    let Scene {
        caller: local,
        home,
        store,
        ..
    } = scene(Mode::Aws, &endpoint, &keys, "local-ci", "same");
    attach(
        &python,
        &endpoint,
        &keys_path,
        "owner",
        "local-ci",
        &serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]
        }),
    );
    let (code, report) = probe_json(
        Mode::Aws,
        &endpoint,
        &local,
        home.path(),
        &["--state", &store],
    );
    assert_eq!(code, Some(1), "{report}");
    let all = findings(&report);
    assert!(
        finding(&all, "SL211").is_none() && finding(&all, "SL220").is_none(),
        "{report}"
    );
    let handoff = &report["handoff"];
    assert_eq!(handoff["ownership"]["relation"], "same_account");
    assert!(handoff.get("owner_command").is_none(), "{handoff}");
    assert!(handoff["caller_policy"].is_object(), "{handoff}");
    let help = finding(&all, "SL200").expect("SL200")["help"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(help.contains("in your account"), "{help}");
    assert!(!help.contains("bucket policy needs"), "{help}");
}

fn rgw() -> Option<(String, Value)> {
    let endpoint = common::loopback_server("STATELINT_TEST_RGW_ENDPOINT")?;
    let keys_path = std::env::var("STATELINT_TEST_RGW_KEYS").expect("RGW keys file set");
    let text = std::fs::read_to_string(&keys_path).unwrap_or_else(|e| panic!("{keys_path}: {e}"));
    Some((endpoint, serde_json::from_str(&text).expect("keys JSON")))
}

/// State 2 on Ceph RGW (faithful: the bucket policy lacks the grant, so AWS denies; RGW
/// denies because it decides from the bucket policy). RGW ignores the caller's identity
/// policy, so the caller's side is given with `--identity-policy`; it has no STS, so the
/// caller is named with `--caller`. The owner then runs the printed command, and the
/// caller's next probe passes. An explicit Deny the owner adds later is reported by the
/// probe and by fix-policy, and never overridden.
#[test]
fn only_the_callers_policy_granted_then_the_owner_runs_the_printed_command() {
    let Some((endpoint, keys)) = rgw() else {
        return;
    };
    let Scene {
        owner,
        caller: ci,
        home,
        bucket,
        store,
    } = scene(Mode::S3Endpoint, &endpoint, &keys, "ci", "rgw-loop");

    // Without --caller: the probe still runs, says the caller is unknown, passes nothing.
    let (code, report) = probe_json(
        Mode::S3Endpoint,
        &endpoint,
        &ci,
        home.path(),
        &["--state", &store],
    );
    assert_eq!(code, Some(1), "{report}");
    assert!(finding(&findings(&report), "SL207").is_some(), "{report}");
    assert!(
        failed_probes(&report).contains(&"s3:ListBucket".to_string()),
        "{report}"
    );

    // The caller named, its IAM side not given: RGW has no IAM users API and refuses
    // the bucket policy to the caller, so both sides stay "unknown", with the reasons.
    let named = ["--state", store.as_str(), "--caller", ci.arn.as_str()];
    let (code, report) = probe_json(Mode::S3Endpoint, &endpoint, &ci, home.path(), &named);
    assert_eq!(code, Some(1), "{report}");
    let all = findings(&report);
    assert!(finding(&all, "SL221").is_some(), "{report}");
    let help = finding(&all, "SL200").expect("SL200")["help"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        help.contains("whether the IAM policies of") && help.contains("is unknown"),
        "{help}"
    );
    assert!(help.contains("`s3:GetBucketPolicy` was denied"), "{help}");
    assert!(
        !help.contains("no bucket-policy grant") && !help.contains("has no policy"),
        "{help}"
    );
    for d in report["handoff"]["denied"].as_array().expect("denied") {
        assert_eq!(
            (&d["identity"], &d["bucket_policy"]),
            (&Value::from("unknown"), &Value::from("unknown")),
            "{d}"
        );
    }

    // A caller that is not an ARN is a usage error, not a guess.
    let (code, out) = statelint(
        Mode::S3Endpoint,
        &endpoint,
        &ci,
        home.path(),
        &["probe", "--state", &store, "--caller", "ci"],
    );
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("is not an IAM ARN"), "{out}");

    let identity = home.path().join("ci-policy.json");
    let ci_policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")]}
    ]});
    std::fs::write(&identity, ci_policy.to_string()).expect("write");
    let identity = identity.to_string_lossy().into_owned();
    let args = [
        "--state",
        store.as_str(),
        "--caller",
        ci.arn.as_str(),
        "--identity-policy",
        identity.as_str(),
    ];
    let (code, report) = probe_json(Mode::S3Endpoint, &endpoint, &ci, home.path(), &args);
    assert_eq!(code, Some(1), "{report}");
    assert_clean(&report);
    let handoff = &report["handoff"];
    assert_eq!(
        handoff["ownership"]["relation"], "cross_account",
        "{handoff}"
    );
    assert!(
        handoff.get("caller_policy").is_none(),
        "the caller's side is granted: {handoff}"
    );
    for d in handoff["denied"].as_array().expect("denied") {
        assert_eq!(d["identity"], "allows", "{d}");
        assert_eq!(
            d["bucket_policy"], "unknown",
            "the caller cannot read it: {d}"
        );
    }
    let command = handoff["owner_command"]
        .as_str()
        .expect("owner command")
        .to_string();

    // The owner runs exactly that command (plus --yes), then the caller passes.
    let words: Vec<&str> = command
        .split_whitespace()
        .skip(1)
        .chain(["--yes"])
        .collect();
    let (code, out) = statelint(Mode::S3Endpoint, &endpoint, &owner, home.path(), &words);
    assert_eq!(code, Some(0), "{out}");
    let (code, report) = probe_json(Mode::S3Endpoint, &endpoint, &ci, home.path(), &args);
    assert_eq!(failed_probes(&report), Vec::<String>::new(), "{report}");
    assert_ne!(code, Some(2), "{report}");

    // An explicit Deny for one action: reported by the probe and by fix-policy.
    let mut env = MapEnv::new();
    for (k, v) in env_vars(Mode::S3Endpoint, &endpoint, &owner) {
        env = env.with_var(k, &v);
    }
    let (_, control) =
        vfs::open_with_control(&StoreUrl::parse(&store).expect("url"), &env).expect("open");
    let control = control.expect("S3");
    let mut policy: Value =
        serde_json::from_str(&control.bucket_policy().expect("read").expect("a policy"))
            .expect("JSON");
    policy["Statement"]
        .as_array_mut()
        .expect("statements")
        .push(serde_json::json!({
            "Sid": "NoWritesFromCi", "Effect": "Deny", "Principal": {"AWS": ci.arn},
            "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{bucket}/*")
        }));
    control
        .put_bucket_policy(&policy.to_string())
        .expect("deny written");
    let (code, report) = probe_json(Mode::S3Endpoint, &endpoint, &ci, home.path(), &args);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(
        failed_probes(&report),
        vec!["s3:PutObject".to_string()],
        "{report}"
    );
    let (code, out) = statelint(Mode::S3Endpoint, &endpoint, &owner, home.path(), &words);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("NoWritesFromCi"), "{out}");
    let after = control.bucket_policy().expect("read").expect("a policy");
    assert!(
        after.contains("NoWritesFromCi"),
        "the Deny is kept: {after}"
    );
}
