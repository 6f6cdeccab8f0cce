//! `gs://` end to end against gcp-storage-emulator (PyPI) on loopback, started by
//! `scripts/test.sh`: the JSON API data plane kops also uses. Seed a store through the VFS
//! write path, check and probe it through the CLI, and the coded failures for a missing
//! bucket and an unusable credentials file. The emulator does not check credentials, so a
//! rejected token cannot be shown here.

mod common;

use std::path::Path;

use assert_cmd::Command;
use statelint::env::MapEnv;
use statelint::resolve::url::StoreUrl;
use statelint::vfs;

fn emulator() -> Option<String> {
    common::loopback_server("STATELINT_TEST_GCS_ENDPOINT")
}

fn bucket(endpoint: &str) -> String {
    let name = common::unique_name();
    common::server_helper("gcs_bucket.py", &[endpoint, &name]);
    name
}

fn env(endpoint: &str) -> MapEnv {
    MapEnv::new()
        .with_home("/nonexistent-home")
        .with_var("STORAGE_EMULATOR_HOST", endpoint)
}

#[test]
fn a_seeded_bucket_checks_and_probes_through_the_json_api() {
    let Some(endpoint) = emulator() else { return };
    let name = bucket(&endpoint);
    let store = format!("gs://{name}/kops");
    let url = StoreUrl::parse(&store).expect("url");
    let backend = vfs::open(&url, &env(&endpoint)).expect("open");
    let written = common::seed_example_store(backend.as_ref(), "");
    assert_eq!(backend.list("").expect("list").len(), written);
    // An object outside the prefix is not part of the store.
    let outside = vfs::open(
        &StoreUrl::parse(&format!("gs://{name}")).expect("url"),
        &env(&endpoint),
    )
    .expect("open");
    outside.write("kops-other/config", b"x").expect("write");
    assert_eq!(backend.list("").expect("list").len(), written);

    let found = common::finding_codes(backend.as_ref());
    common::assert_example_rule_findings(&found);
    // configBase says s3://: another provider than this gs:// store.
    assert!(
        found.contains(&("prod.example.com".into(), "SL110")),
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
    common::assert_delete_is_idempotent(backend.as_ref(), "dev.example.com/kops-version.txt");

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
    // `check` probes read-only: reads pass, the write probes are skipped, nothing changes.
    let probes = report["probes"].as_array().expect("probes");
    assert!(
        !probes.is_empty()
            && probes.iter().all(|p| match p["action"].as_str() {
                Some("write" | "delete") => p["outcome"] == "skipped",
                _ => p["outcome"] == "pass",
            }),
        "{report}"
    );
    assert_eq!(
        backend.list("").expect("list"),
        before,
        "check wrote nothing"
    );
}

#[test]
fn a_missing_bucket_and_an_unusable_credentials_file_are_coded() {
    let Some(endpoint) = emulator() else { return };
    let url = StoreUrl::parse("gs://no-such-bucket-here/kops").expect("url");
    let backend = vfs::open(&url, &env(&endpoint)).expect("open");
    let found = common::finding_codes(backend.as_ref());
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
