//! `gs://` end to end against gcp-storage-emulator (PyPI) on loopback, started by
//! `scripts/test.sh`: the JSON API data plane kops also uses. Seed a store through the VFS
//! write path, check and probe it through the CLI, and the coded failures for a missing
//! bucket and an unusable credentials file. The emulator does not check credentials, so a
//! rejected token cannot be shown here.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;
use statelint::check::{check_store, CheckOptions};
use statelint::env::MapEnv;
use statelint::resolve::url::StoreUrl;
use statelint::source::SourceDb;
use statelint::vfs::{self, Backend};

fn emulator() -> Option<String> {
    common::loopback_server("STATELINT_TEST_GCS_ENDPOINT")
}

fn bucket(endpoint: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "state-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let status = std::process::Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/servers/gcs_bucket.py"))
        .args([endpoint, name.as_str()])
        .status()
        .expect("python3 runs");
    assert!(status.success(), "bucket {name} created");
    name
}

fn env(endpoint: &str) -> MapEnv {
    MapEnv::new()
        .with_home("/nonexistent-home")
        .with_var("STORAGE_EMULATOR_HOST", endpoint)
}

fn codes(backend: &dyn Backend) -> Vec<(String, &'static str)> {
    let sources = SourceDb::new();
    let mut found: Vec<_> = check_store(backend, &CheckOptions::default(), &sources, None)
        .findings
        .iter()
        .map(|f| (f.cluster.clone().unwrap_or_default(), f.code))
        .collect();
    found.sort();
    found
}

fn seed(backend: &dyn Backend) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store");
    let mut stack = vec![root.clone()];
    let mut written = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let key = p
                    .strip_prefix(&root)
                    .expect("under")
                    .to_string_lossy()
                    .into_owned();
                backend
                    .write(&key, &std::fs::read(&p).expect("read"))
                    .unwrap_or_else(|e| panic!("{key}: {e}"));
                written += 1;
            }
        }
    }
    written
}

#[test]
fn a_seeded_bucket_checks_and_probes_through_the_json_api() {
    let Some(endpoint) = emulator() else { return };
    let name = bucket(&endpoint);
    let store = format!("gs://{name}/kops");
    let url = StoreUrl::parse(&store).expect("url");
    let backend = vfs::open(&url, &env(&endpoint)).expect("open");
    let written = seed(backend.as_ref());
    assert_eq!(backend.list("").expect("list").len(), written);
    // An object outside the prefix is not part of the store.
    let outside = vfs::open(
        &StoreUrl::parse(&format!("gs://{name}")).expect("url"),
        &env(&endpoint),
    )
    .expect("open");
    outside.write("kops-other/config", b"x").expect("write");
    assert_eq!(backend.list("").expect("list").len(), written);

    let found = codes(backend.as_ref());
    for code in ["SL121", "SL107", "SL105", "SL114"] {
        assert!(
            found.contains(&("staging.example.com".into(), code)),
            "{code}: {found:?}"
        );
    }
    // configBase says s3://: another provider than this gs:// store.
    assert!(
        found.contains(&("prod.example.com".into(), "SL110")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(c, _)| c == "dev.example.com"),
        "{found:?}"
    );

    let meta = backend
        .stat("dev.example.com/config")
        .expect("stat")
        .expect("exists");
    assert_eq!(
        meta.size,
        std::fs::metadata(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store/dev.example.com/config")
        )
        .expect("metadata")
        .len()
    );
    backend
        .delete("dev.example.com/kops-version.txt")
        .expect("delete");
    assert!(backend
        .stat("dev.example.com/kops-version.txt")
        .expect("stat")
        .is_none());
    backend
        .delete("dev.example.com/kops-version.txt")
        .expect("deleting a missing object is not an error");

    let home = tempfile::TempDir::new().expect("home");
    let before = backend.list("").expect("list");
    let out = Command::cargo_bin("statelint")
        .expect("binary")
        .env_clear()
        .env("HOME", home.path())
        .current_dir(home.path())
        .env("STORAGE_EMULATOR_HOST", &endpoint)
        .args(["check", "--state", &store, "--format", "json"])
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(1), "{report}");
    let probes = report["probes"].as_array().expect("probes");
    assert!(
        !probes.is_empty() && probes.iter().all(|p| p["outcome"] == "pass"),
        "{report}"
    );
    assert_eq!(
        backend.list("").expect("list"),
        before,
        "the probe objects were removed"
    );
}

#[test]
fn a_missing_bucket_and_an_unusable_credentials_file_are_coded() {
    let Some(endpoint) = emulator() else { return };
    let url = StoreUrl::parse("gs://no-such-bucket-here/kops").expect("url");
    let backend = vfs::open(&url, &env(&endpoint)).expect("open");
    let found = codes(backend.as_ref());
    assert!(found.iter().any(|(_, c)| *c == "SL030"), "{found:?}");

    let dir = tempfile::TempDir::new().expect("tempdir");
    let key = dir.path().join("key.json");
    std::fs::write(
        &key,
        r#"{"type": "service_account", "client_email": "ci@p.iam.gserviceaccount.com", "private_key": "not a key"}"#,
    )
    .expect("write");
    let env = MapEnv::new()
        .with_home("/nonexistent-home")
        .with_var("GOOGLE_APPLICATION_CREDENTIALS", &key.display().to_string());
    let url = StoreUrl::parse("gs://kops-state/kops").expect("url");
    match vfs::open(&url, &env) {
        Err(vfs::VfsError::Config { code, .. }) => assert_eq!(code.code, "SL056"),
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("an unusable key opened"),
    }
}
