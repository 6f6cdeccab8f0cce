//! `azureblob://` end to end against azurite on loopback (started by `scripts/test.sh`):
//! seed a kops store through the VFS write path, check it, and the coded failures for a
//! wrong key and a missing container.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use statelint::check::{check_store, CheckOptions};
use statelint::env::MapEnv;
use statelint::resolve::url::StoreUrl;
use statelint::source::SourceDb;
use statelint::vfs::{self, Backend};

/// azurite's documented development key (not a secret).
const DEV_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

fn azurite() -> Option<String> {
    common::loopback_server("STATELINT_TEST_AZURITE_ENDPOINT")
}

fn env(endpoint: &str, key: &str) -> MapEnv {
    MapEnv::new()
        .with_var("STATELINT_AZURE_ENDPOINT", endpoint)
        .with_var("AZURE_STORAGE_ACCOUNT_KEY", key)
}

fn container(endpoint: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "state-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let status = std::process::Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/servers/azure_container.py"))
        .args([endpoint, name.as_str()])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("python3 runs");
    assert!(status.success(), "container {name} created");
    name
}

fn codes(backend: &dyn Backend) -> Vec<(String, &'static str)> {
    let sources = SourceDb::new();
    check_store(backend, &CheckOptions::default(), &sources, None)
        .findings
        .iter()
        .map(|f| (f.cluster.clone().unwrap_or_default(), f.code))
        .collect()
}

#[test]
fn a_seeded_store_reads_back_and_checks() {
    let Some(endpoint) = azurite() else { return };
    let name = container(&endpoint);
    let url = StoreUrl::parse(&format!("azureblob://devstoreaccount1/{name}/kops")).expect("url");
    let backend = vfs::open(&url, &env(&endpoint, DEV_KEY)).expect("open");
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
    assert_eq!(backend.list("").expect("list").len(), written);
    let found = codes(backend.as_ref());
    for code in ["SL121", "SL107", "SL105", "SL114"] {
        assert!(
            found
                .iter()
                .any(|(c, k)| c == "staging.example.com" && *k == code),
            "{code}: {found:?}"
        );
    }
    assert!(
        found
            .iter()
            .any(|(c, k)| c == "prod.example.com" && *k == "SL104"),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(c, _)| c == "dev.example.com"),
        "{found:?}"
    );
    // A key is what the check authenticated with; kops uses Entra ID (SL052).
    assert!(backend.open_findings().iter().any(|f| f.code == "SL052"));
    backend
        .delete("dev.example.com/kops-version.txt")
        .expect("delete");
    assert!(backend
        .stat("dev.example.com/kops-version.txt")
        .expect("stat")
        .is_none());
}

#[test]
fn a_wrong_key_and_a_missing_container_are_coded_findings() {
    let Some(endpoint) = azurite() else { return };
    let name = container(&endpoint);
    let wrong =
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let url = StoreUrl::parse(&format!("azureblob://devstoreaccount1/{name}/kops")).expect("url");
    let backend = vfs::open(&url, &env(&endpoint, wrong)).expect("open");
    let found = codes(backend.as_ref());
    assert!(
        found.iter().any(|(_, k)| *k == "SL032"),
        "a rejected key: {found:?}"
    );
    let url = StoreUrl::parse("azureblob://devstoreaccount1/no-such-container/kops").expect("url");
    let backend = vfs::open(&url, &env(&endpoint, DEV_KEY)).expect("open");
    let found = codes(backend.as_ref());
    assert!(found.iter().any(|(_, k)| *k == "SL030"), "{found:?}");
}
