//! SL153: `statelint check FILE --state URL` compares each Cluster manifest with the same
//! cluster in the store, as kops's `ValidateClusterUpdate` does before `kops replace` or
//! `kops edit cluster` writes it.

mod common;

use std::path::Path;

use common::{copy_dir, example_store, run, statelint};
use serde_json::Value;
use tempfile::TempDir;

/// The pointers of the SL153 findings, and the exit status.
fn check(home: &Path, manifest: &str) -> (i32, Vec<String>) {
    std::fs::write(home.join("cluster.yaml"), manifest).expect("write manifest");
    let (status, stdout, stderr) = run(statelint(home).args([
        "check",
        "cluster.yaml",
        "--state",
        "store",
        "--format",
        "json",
    ]));
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}\n{stderr}"));
    let pointers = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "SL153")
        .map(|f| f["pointer"].as_str().unwrap_or("").to_string())
        .collect();
    (status, pointers)
}

#[test]
fn a_manifest_is_compared_with_the_stored_cluster_as_kops_compares_them() {
    let home = TempDir::new().expect("tempdir");
    let store = home.path().join("store");
    copy_dir(&example_store(), &store);
    let stored = std::fs::read_to_string(store.join("prod.example.com/config")).expect("config");

    // The stored cluster itself: nothing to refuse.
    assert_eq!(check(home.path(), &stored).1, Vec::<String>::new());

    // Renaming an etcd cluster removes the stored one: refused whether or not it exists.
    let renamed = stored.replacen("- name: events", "- name: events2", 1);
    assert_ne!(renamed, stored);
    let (status, found) = check(home.path(), &renamed);
    assert_eq!(found, ["/spec/etcdClusters"]);
    assert_eq!(status, 1);

    // Moving a member: only once kops has applied the cluster (its kops-version.txt).
    let moved = stored.replacen(
        "instanceGroup: control-plane-eu-west-1a",
        "instanceGroup: control-plane-eu-west-1b",
        1,
    );
    assert_ne!(moved, stored);
    assert_eq!(check(home.path(), &moved).1, Vec::<String>::new());
    std::fs::write(store.join("prod.example.com/kops-version.txt"), "1.34.0").expect("write");
    assert_eq!(
        check(home.path(), &moved).1,
        ["/spec/etcdClusters/0/etcdMembers/0/instanceGroup"]
    );

    // A cluster the store does not hold is new: nothing to compare.
    let other = stored.replace("prod.example.com", "new.example.com");
    assert_eq!(check(home.path(), &other).1, Vec::<String>::new());
}
