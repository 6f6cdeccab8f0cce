//! `azureblob://` end to end against azurite on loopback (started by `scripts/test.sh`):
//! seed a kops store through the VFS write path, check it, and the coded failures for a
//! wrong key and a missing container.

mod common;

use statelint::env::MapEnv;
use statelint::resolve::url::StoreUrl;
use statelint::vfs;

/// azurite's documented development key (not a secret).
const DEV_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

fn azurite() -> Option<String> {
    common::loopback_server("STATELINT_TEST_AZURITE_ENDPOINT")
}

fn container(endpoint: &str) -> String {
    let name = common::unique_name();
    common::server_helper("azure_container.py", &[endpoint, &name]);
    name
}

fn env(endpoint: &str, key: &str) -> MapEnv {
    MapEnv::new()
        .with_var("STATELINT_AZURE_ENDPOINT", endpoint)
        .with_var("AZURE_STORAGE_ACCOUNT_KEY", key)
}

#[test]
fn a_seeded_store_reads_back_and_checks() {
    let Some(endpoint) = azurite() else { return };
    let name = container(&endpoint);
    let url = StoreUrl::parse(&format!("azureblob://devstoreaccount1/{name}/kops")).expect("url");
    let backend = vfs::open(&url, &env(&endpoint, DEV_KEY)).expect("open");
    let written = common::seed_example_store(backend.as_ref(), "");
    assert_eq!(backend.list("").expect("list").len(), written);
    let found = common::finding_codes(backend.as_ref());
    common::assert_example_rule_findings(&found);
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
    let found = common::finding_codes(backend.as_ref());
    assert!(
        found.iter().any(|(_, k)| *k == "SL032"),
        "a rejected key: {found:?}"
    );
    let url = StoreUrl::parse("azureblob://devstoreaccount1/no-such-container/kops").expect("url");
    let backend = vfs::open(&url, &env(&endpoint, DEV_KEY)).expect("open");
    let found = common::finding_codes(backend.as_ref());
    assert!(found.iter().any(|(_, k)| *k == "SL030"), "{found:?}");
}
