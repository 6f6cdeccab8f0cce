//! Safe by default, through the real binary: `check` never writes (a `file://` store and the
//! S3 server are identical before and after, down to the server's object versions), a run
//! that checked no cluster fails and says what to run instead, a store that never answers
//! is given up after about one request timeout with no request after it, and what statelint
//! writes into a `file://` store gets kops's own modes (files 0600, folders 0755).

mod common;

use assert_cmd::Command;
use common::{run, statelint};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tempfile::TempDir;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn findings(report: &Value) -> Vec<Value> {
    report["findings"].as_array().cloned().unwrap_or_default()
}

fn codes(findings: &[Value]) -> Vec<String> {
    let mut codes: Vec<String> = findings
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_string))
        .collect();
    codes.sort();
    codes
}

/// Every path under `root` with its mode, size, modification time and content: what a
/// write, a delete or a chmod would change.
#[cfg(unix)]
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u32, u64, Option<std::time::SystemTime>, Vec<u8>)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(path) = stack.pop() {
        let meta = std::fs::symlink_metadata(&path).expect("metadata");
        let content = if meta.is_dir() {
            for entry in std::fs::read_dir(&path).expect("read_dir").flatten() {
                stack.push(entry.path());
            }
            Vec::new()
        } else {
            std::fs::read(&path).expect("read")
        };
        out.insert(
            path,
            (
                meta.permissions().mode(),
                meta.len(),
                meta.modified().ok(),
                content,
            ),
        );
    }
    out
}

fn example_copy(dir: &Path) -> PathBuf {
    let store = dir.join("store");
    common::copy_dir(&common::example_store(), &store);
    store
}

/// Adds key material the way kops lays it out, with kops's modes.
#[cfg(unix)]
fn add_secrets(store: &Path, cluster: &str) -> (PathBuf, PathBuf) {
    let keyset_dir = store.join(cluster).join("pki/private/ca");
    let secrets_dir = store.join(cluster).join("secrets");
    for d in [&keyset_dir, &secrets_dir] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    let key = keyset_dir.join("keyset.yaml");
    let secret = secrets_dir.join("admin");
    std::fs::write(&key, "apiVersion: kops.k8s.io/v1alpha2\nkind: Keyset\n").expect("write");
    std::fs::write(&secret, "{\"Data\":\"c2VjcmV0\"}").expect("write");
    (key, secret)
}

/// Gives every folder 0755 and every file 0600, as kops's file store writes them.
#[cfg(unix)]
fn kops_modes(root: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut stack = vec![root.to_path_buf()];
    while let Some(path) = stack.pop() {
        let mode = if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("read_dir").flatten() {
                stack.push(entry.path());
            }
            0o755
        } else {
            0o600
        };
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
}

#[cfg(unix)]
#[test]
fn check_of_a_file_store_leaves_no_trace() {
    let dir = TempDir::new().expect("tempdir");
    let store = example_copy(dir.path());
    add_secrets(&store, "dev.example.com");
    kops_modes(&store);
    let before = snapshot(&store);
    let (code, stdout, stderr) = run(statelint(dir.path())
        .arg("check")
        .arg("--state")
        .arg(&store)
        .args(["--format", "json"]));
    assert_eq!(code, 1, "{stderr}");
    let report = json(&stdout);
    let probes = report["probes"].as_array().cloned().unwrap_or_default();
    assert!(
        probes.iter().any(|p| p["action"] == "read"),
        "the read-only probes ran: {probes:?}"
    );
    assert!(
        !probes
            .iter()
            .any(|p| p["action"] == "write" && p["outcome"] != "skipped"),
        "no write probe ran: {probes:?}"
    );
    assert_eq!(before, snapshot(&store), "check changed the store");

    // Writing is opt-in, and then the probe object is written and removed.
    let (_, stdout, stderr) = run(statelint(dir.path())
        .arg("check")
        .arg("--state")
        .arg(&store)
        .args(["--write-probes", "--format", "json"]));
    let probes = json(&stdout)["probes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        probes
            .iter()
            .any(|p| p["action"] == "write" && p["outcome"] == "pass"),
        "{probes:?} {stderr}"
    );
}

fn moto() -> Option<String> {
    common::loopback_server("STATELINT_TEST_S3_ENDPOINT")
}

/// kops's `S3_ENDPOINT` mode against moto (no region lookup, static test credentials).
fn s3_env(cmd: &mut Command, endpoint: &str, timeout_secs: u64) {
    cmd.env("S3_ENDPOINT", endpoint)
        .env("S3_ACCESS_KEY_ID", "testing")
        .env("S3_SECRET_ACCESS_KEY", "testing")
        .env("STATELINT_REQUEST_TIMEOUT", timeout_secs.to_string());
}

/// Every version and delete marker of the bucket, as the server keeps them: a write, even
/// one deleted right after, leaves a version here.
fn object_versions(client: &aws_sdk_s3::Client, bucket: &str) -> Vec<String> {
    let out =
        statelint::vfs::runtime::block_on(client.list_object_versions().bucket(bucket).send())
            .expect("runtime")
            .expect("list object versions");
    let mut all: Vec<String> = out
        .versions()
        .iter()
        .map(|v| {
            format!(
                "version {} {} {}",
                v.key().unwrap_or_default(),
                v.version_id().unwrap_or_default(),
                v.size().unwrap_or_default()
            )
        })
        .chain(out.delete_markers().iter().map(|m| {
            format!(
                "delete-marker {} {}",
                m.key().unwrap_or_default(),
                m.version_id().unwrap_or_default()
            )
        }))
        .collect();
    all.sort();
    all
}

#[test]
fn check_on_the_s3_server_leaves_no_trace() {
    let Some(endpoint) = moto() else { return };
    let bucket = common::unique_name();
    let url =
        statelint::resolve::url::StoreUrl::parse(&format!("s3://{bucket}/kops")).expect("url");
    let env = statelint::env::MapEnv::new()
        .with_var("S3_ENDPOINT", &endpoint)
        .with_var("S3_ACCESS_KEY_ID", "testing")
        .with_var("S3_SECRET_ACCESS_KEY", "testing");
    let settings = statelint::vfs::s3::resolve(&url, &env).expect("settings");
    let creds = aws_sdk_s3::config::SharedCredentialsProvider::new(
        aws_sdk_s3::config::Credentials::new("testing", "testing", None, None, "test"),
    );
    let client = statelint::vfs::s3::control_client(&settings, creds, "us-east-1");
    statelint::vfs::runtime::block_on(client.create_bucket().bucket(&bucket).send())
        .expect("runtime")
        .expect("create bucket");
    let versioning = aws_sdk_s3::types::VersioningConfiguration::builder()
        .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
        .build();
    statelint::vfs::runtime::block_on(
        client
            .put_bucket_versioning()
            .bucket(&bucket)
            .versioning_configuration(versioning)
            .send(),
    )
    .expect("runtime")
    .expect("enable versioning");
    let backend = statelint::vfs::open(&url, &env).expect("open");
    common::seed_example_store(backend.as_ref(), "dev.example.com");
    let before = object_versions(&client, &bucket);
    assert!(!before.is_empty());

    let home = TempDir::new().expect("home");
    let mut cmd = statelint(home.path());
    s3_env(&mut cmd, &endpoint, 10);
    let (code, stdout, stderr) = run(cmd.args([
        "check",
        "--state",
        &format!("s3://{bucket}/kops"),
        "--format",
        "json",
    ]));
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    let report = json(&stdout);
    let probes = report["probes"].as_array().cloned().unwrap_or_default();
    assert!(
        probes
            .iter()
            .any(|p| p["action"] == "s3:GetObject" && p["outcome"] == "pass"),
        "the read probes ran: {probes:?}"
    );
    assert!(
        !probes
            .iter()
            .any(|p| p["action"] == "s3:PutObject" && p["outcome"] != "skipped"),
        "{probes:?}"
    );
    assert_eq!(
        before,
        object_versions(&client, &bucket),
        "check wrote to the bucket"
    );
}

/// Runs `check` on `path` and returns the SL011 finding (exit 1 expected).
fn no_cluster_finding(home: &Path, path: &Path) -> Value {
    let (code, stdout, stderr) = run(statelint(home).arg("check").arg("--state").arg(path).args([
        "--offline",
        "--format",
        "json",
    ]));
    assert_eq!(code, 1, "{}: {stdout}{stderr}", path.display());
    let found = findings(&json(&stdout));
    let sl011: Vec<Value> = found.into_iter().filter(|f| f["code"] == "SL011").collect();
    assert_eq!(sl011.len(), 1, "{}: {stdout}", path.display());
    assert_eq!(sl011[0]["severity"], "error");
    sl011[0].clone()
}

#[test]
fn a_run_that_checks_no_cluster_fails_and_says_what_to_run() {
    let dir = TempDir::new().expect("tempdir");
    let store = example_copy(dir.path());

    // One cluster's own folder: check the parent with --cluster.
    let cluster = store.join("dev.example.com");
    let f = no_cluster_finding(dir.path(), &cluster);
    let help = f["help"].as_str().unwrap_or_default();
    assert!(help.contains("--cluster dev.example.com"), "{help}");
    assert!(
        help.contains(&format!("--state {} ", store.display())),
        "{help}"
    );

    // A folder holding only a manifest with `kind: Cluster`: check it as a file.
    let manifests = dir.path().join("manifests");
    std::fs::create_dir_all(&manifests).expect("mkdir");
    let manifest = manifests.join("cluster.yaml");
    std::fs::copy(cluster.join("config"), &manifest).expect("copy");
    let f = no_cluster_finding(dir.path(), &manifests);
    let help = f["help"].as_str().unwrap_or_default();
    assert!(
        help.contains(&format!("statelint check {}", manifest.display())),
        "{help}"
    );

    // The manifest itself given as the store.
    let f = no_cluster_finding(dir.path(), &manifest);
    let help = f["help"].as_str().unwrap_or_default();
    assert!(
        help.contains(&format!("statelint check {}", manifest.display())),
        "{help}"
    );

    // An empty folder.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let f = no_cluster_finding(dir.path(), &empty);
    assert!(
        f["message"].as_str().unwrap_or_default().contains("empty"),
        "{f}"
    );
    assert!(f["help"]
        .as_str()
        .unwrap_or_default()
        .contains("<cluster-name>/config"));
}

/// A TCP listener that accepts and never answers, recording when each connection came.
struct Silent {
    endpoint: String,
    accepted: Arc<Mutex<Vec<Instant>>>,
}

impl Silent {
    fn start() -> Silent {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let seen = accepted.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().take(64) {
                let Ok(mut conn) = conn else { continue };
                if let Ok(mut v) = seen.lock() {
                    v.push(Instant::now());
                }
                // Read what comes, answer nothing; the socket closes when the client gives up
                // (or after a minute, so no thread outlives the test binary for long).
                std::thread::spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(60)));
                    let mut buf = [0u8; 4096];
                    while matches!(conn.read(&mut buf), Ok(n) if n > 0) {}
                });
            }
        });
        Silent { endpoint, accepted }
    }
}

/// Runs `args` against a listener that never answers: the exit status, the report, stderr,
/// how long it took and when each connection arrived, relative to the first.
fn against_silent_store(
    args: &[&str],
    timeout_secs: u64,
) -> (i32, Value, String, Duration, Vec<Duration>) {
    let silent = Silent::start();
    let home = TempDir::new().expect("home");
    let mut cmd = statelint(home.path());
    s3_env(&mut cmd, &silent.endpoint, timeout_secs);
    let started = Instant::now();
    let (code, stdout, stderr) = run(cmd.args(args));
    let took = started.elapsed();
    let accepted = silent.accepted.lock().expect("lock").clone();
    let first = accepted.first().copied().unwrap_or(started);
    let offsets = accepted.iter().map(|t| t.duration_since(first)).collect();
    (code, json(&stdout), stderr, took, offsets)
}

#[test]
fn a_store_that_never_answers_is_given_up_after_one_request_timeout() {
    const TIMEOUT: u64 = 3;
    let (code, report, stderr, took, accepted) = against_silent_store(
        &[
            "check",
            "--state",
            "s3://kops-state/kops",
            "--format",
            "json",
        ],
        TIMEOUT,
    );
    let stdout = report.to_string();
    assert_eq!(code, 2, "an unreachable store is exit 2: {stdout}{stderr}");
    assert!(
        codes(&findings(&json(&stdout))).contains(&"SL035".to_string()),
        "{stdout}"
    );
    let timeout = Duration::from_secs(TIMEOUT);
    assert!(took >= timeout, "it did wait for the answer: {took:?}");
    assert!(
        took < timeout + Duration::from_secs(2),
        "about one request timeout, not a multiple: {took:?}"
    );
    assert!(!accepted.is_empty(), "the listing reached the listener");
    assert!(
        accepted.iter().all(|t| *t < timeout),
        "a request started after the first timeout: {accepted:?}"
    );
    assert!(
        stderr.is_empty() || !stderr.contains('\u{1b}'),
        "no status line off a terminal: {stderr:?}"
    );
}

/// `probe` too: once the listing timed out, no bucket-level or per-cluster probe is sent.
#[test]
fn probe_of_a_store_that_never_answers_stops_after_the_first_timeout() {
    const TIMEOUT: u64 = 3;
    let (code, report, stderr, took, accepted) = against_silent_store(
        &[
            "probe",
            "--state",
            "s3://kops-state/kops",
            "--format",
            "json",
        ],
        TIMEOUT,
    );
    let timeout = Duration::from_secs(TIMEOUT);
    assert_eq!(code, 2, "{report}{stderr}");
    assert!(took < timeout + Duration::from_secs(2), "{took:?}");
    assert!(accepted.iter().all(|t| *t < timeout), "{accepted:?}");
    let probes = report["probes"].as_array().cloned().unwrap_or_default();
    assert!(
        probes.iter().all(|p| p["outcome"] != "pass"),
        "nothing passes on a silent store: {probes:?}"
    );
}

#[cfg(unix)]
fn modes_under(root: &Path) -> Vec<(PathBuf, u32, bool)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(path) = stack.pop() {
        let meta = std::fs::symlink_metadata(&path).expect("metadata");
        if meta.is_dir() {
            for entry in std::fs::read_dir(&path).expect("read_dir").flatten() {
                stack.push(entry.path());
            }
        }
        if path != root {
            out.push((path, meta.permissions().mode() & 0o777, meta.is_dir()));
        }
    }
    out
}

/// Files 0600, folders 0755: what kops's `FSPath.WriteFile` gives under umask 022.
#[cfg(unix)]
fn assert_kops_modes(root: &Path) {
    let all = modes_under(root);
    assert!(all.iter().any(|(_, _, dir)| !dir), "files were written");
    for (path, mode, dir) in all {
        let want = if dir { 0o755 } else { 0o600 };
        assert_eq!(mode, want, "{}: {mode:04o}", path.display());
    }
}

/// The binary run under umask 022 (kops's modes are before the umask).
#[cfg(unix)]
fn statelint_umask_022(home: &Path, args: &[&str]) -> (i32, String, String) {
    let bin = assert_cmd::cargo::cargo_bin("statelint");
    let mut cmd = Command::new("sh");
    cmd.env_clear()
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .current_dir(home)
        .arg("-c")
        .arg("umask 022 && exec \"$0\" \"$@\"")
        .arg(bin)
        .args(args);
    run(&mut cmd)
}

#[cfg(unix)]
#[test]
fn migrate_export_and_import_write_kops_modes_and_migrate_checks_like_check() {
    let dir = TempDir::new().expect("tempdir");
    let source = example_copy(dir.path());
    add_secrets(&source, "dev.example.com");
    // The source as a careless copy would leave it: secrets world-readable.
    let source = source.display().to_string();

    let migrated = dir.path().join("migrated");
    let to = format!("file://{}", migrated.display());
    let (code, stdout, stderr) = statelint_umask_022(
        dir.path(),
        &[
            "migrate", "--from", &source, "--to", &to, "--yes", "--format", "json",
        ],
    );
    let report = json(&stdout);
    assert!(
        report["complete"].as_bool().unwrap_or(false),
        "{stdout}{stderr}"
    );
    assert_kops_modes(&migrated);

    // Its verification is `statelint check` of the destination: same findings, same status.
    let migrate_findings = report["check"]["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let (check_code, check_out, check_err) =
        run(statelint(dir.path()).args(["check", "--state", &to, "--format", "json"]));
    let check_findings = findings(&json(&check_out));
    assert_eq!(
        codes(&migrate_findings),
        codes(&check_findings),
        "{check_err}"
    );
    assert_eq!(code, check_code);
    for sl in ["SL206", "SL212"] {
        assert!(
            !codes(&check_findings).contains(&sl.to_string()),
            "{check_out}"
        );
    }

    let exported = dir.path().join("exported");
    let (code, _, stderr) = statelint_umask_022(
        dir.path(),
        &[
            "export",
            "--state",
            &source,
            "--to",
            &exported.display().to_string(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_kops_modes(&exported);

    let imported = dir.path().join("imported");
    let (code, _, stderr) = statelint_umask_022(
        dir.path(),
        &[
            "import",
            "--from",
            &exported.display().to_string(),
            "--to",
            &format!("file://{}", imported.display()),
            "--yes",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_kops_modes(&imported);
}

#[cfg(unix)]
#[test]
fn sl206_follows_kops_modes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new().expect("tempdir");
    let store = example_copy(dir.path());
    let (key, _) = add_secrets(&store, "dev.example.com");
    kops_modes(&store);
    let check = |store: &Path| {
        let (_, stdout, stderr) = run(statelint(dir.path())
            .arg("check")
            .arg("--state")
            .arg(store)
            .args(["--cluster", "dev.example.com", "--format", "json"]));
        let found = findings(&json(&stdout));
        assert!(!found.is_empty() || stderr.is_empty(), "{stderr}");
        found
            .into_iter()
            .filter(|f| f["code"] == "SL206" || f["code"] == "SL212")
            .collect::<Vec<_>>()
    };
    assert!(check(&store).is_empty(), "kops's own modes are clean");

    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let found = check(&store);
    assert_eq!(codes(&found), ["SL206"], "{found:?}");
    assert_eq!(found[0]["severity"], "critical");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");

    let folder = key.parent().expect("folder");
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let found = check(&store);
    assert_eq!(codes(&found), ["SL212"], "{found:?}");
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[test]
fn the_pre_commit_hook_runs_offline_by_default() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .expect("hook file");
    let args: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("args:"))
        .collect();
    assert_eq!(args, [" [--offline]"], "{text}");
    assert!(text.contains("entry: statelint check"));
}

/// An interrupted `probe` exits through statelint's own handler (which first removes any
/// probe object) with the shell's 128 + signal: 143 for SIGTERM, 130 for SIGINT. Server-free:
/// the store never answers, so the probe is still waiting when the signal comes.
#[cfg(unix)]
#[test]
fn an_interrupted_probe_exits_with_128_plus_the_signal() {
    for (signal, expected) in [("TERM", 143), ("INT", 130)] {
        let silent = Silent::start();
        let home = TempDir::new().expect("home");
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("statelint"))
            .env_clear()
            .env("HOME", home.path())
            .env("S3_ENDPOINT", &silent.endpoint)
            .env("S3_ACCESS_KEY_ID", "testing")
            .env("S3_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("STATELINT_REQUEST_TIMEOUT", "60")
            .args(["probe", "--state", "s3://kops-state/kops"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("statelint starts");
        // The first request reaching the listener means the probe (and its handler) runs.
        let reached = (0..2_000).any(|_| {
            let seen = silent
                .accepted
                .lock()
                .map(|v| !v.is_empty())
                .unwrap_or(false);
            if !seen {
                std::thread::sleep(Duration::from_millis(10));
            }
            seen
        });
        if !reached {
            let _ = child.kill();
            panic!("SIG{signal}: the probe never reached the store");
        }
        let sent = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let status = (0..2_000).find_map(|_| match child.try_wait() {
            Ok(Some(status)) => Some(status),
            _ => {
                std::thread::sleep(Duration::from_millis(10));
                None
            }
        });
        let Some(status) = status else {
            let _ = child.kill();
            panic!("SIG{signal}: statelint did not exit within 20 s");
        };
        assert_eq!(status.code(), Some(expected), "SIG{signal}: {status:?}");
    }
}
