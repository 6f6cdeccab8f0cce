//! SL152: the additional objects kops keeps beside a cluster (`clusteraddons/default` in a
//! store; extra documents of a `kops create -f` file) are validated as kops's
//! `ValidateAdditionalObject` validates them, in a store and in manifest files alike.

mod common;

use std::path::Path;

use common::{copy_dir, example_store, run, statelint};
use serde_json::Value;
use tempfile::TempDir;

/// A KubeSchedulerConfiguration as kops's integration test `additionalobjects` stores it,
/// with the kubeconfig kops refuses when `bad`.
fn scheduler(bad: bool) -> String {
    let kubeconfig = if bad {
        "  kubeconfig: /var/lib/kube-scheduler/kubeconfig\n"
    } else {
        ""
    };
    format!(
        "apiVersion: kubescheduler.config.k8s.io/v1beta2\nkind: KubeSchedulerConfiguration\nclientConnection:\n  burst: 100\n{kubeconfig}  qps: 3.1\n"
    )
}

/// (code, pointer, line) of every finding of the JSON report.
fn findings(stdout: &str) -> Vec<(String, String, u64)> {
    let report: Value =
        serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"));
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_string(),
                f["pointer"].as_str().unwrap_or("").to_string(),
                f["location"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn sl152(found: &[(String, String, u64)]) -> Vec<&(String, String, u64)> {
    found.iter().filter(|(c, _, _)| c == "SL152").collect()
}

#[test]
fn a_manifest_file_s_scheduler_configuration_is_checked_not_skipped() {
    let home = TempDir::new().expect("tempdir");
    let prod = std::fs::read_to_string(example_store().join("prod.example.com/config"))
        .expect("example cluster");
    let lines_before = prod.lines().count() as u64 + 1; // the `---` line
    for bad in [true, false] {
        let file = home.path().join("cluster.yaml");
        std::fs::write(&file, format!("{prod}---\n{}", scheduler(bad))).expect("write");
        let (_, stdout, stderr) =
            run(statelint(home.path()).args(["check", "cluster.yaml", "--format", "json"]));
        let found = findings(&stdout);
        // kops validates this kind, so it is not skipped as an unknown one.
        assert!(
            !found.iter().any(|(c, _, _)| c == "SL077"),
            "{found:?} {stderr}"
        );
        let flagged = sl152(&found);
        if bad {
            assert_eq!(flagged.len(), 1, "{found:?}");
            assert_eq!(flagged[0].1, "/clientConnection/kubeconfig");
            // Line of `kubeconfig:` in the file: after the cluster, `---`, and 4 lines.
            assert_eq!(flagged[0].2, lines_before + 5, "{found:?}");
        } else {
            assert!(flagged.is_empty(), "{found:?}");
        }
    }
}

#[test]
fn a_store_s_clusteraddons_object_is_checked() {
    let home = TempDir::new().expect("tempdir");
    let store = home.path().join("store");
    copy_dir(&example_store(), &store);
    let addons = store.join("prod.example.com/clusteraddons");
    std::fs::create_dir_all(&addons).expect("mkdir");
    let check = |home: &Path| {
        let (_, stdout, _) = run(statelint(home).args([
            "check",
            "--state",
            "store",
            "--cluster",
            "prod.example.com",
            "--format",
            "json",
        ]));
        findings(&stdout)
    };
    let clean = check(home.path());
    std::fs::write(
        addons.join("default"),
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n---\n{}",
            scheduler(true)
        ),
    )
    .expect("write addons");
    let found = check(home.path());
    let flagged = sl152(&found);
    assert_eq!(flagged.len(), 1, "{found:?}");
    assert_eq!(flagged[0].2, 10, "{found:?}");
    // Nothing else changes: the object is one kops writes, not an unexpected file.
    let rest: Vec<_> = found.iter().filter(|(c, _, _)| c != "SL152").collect();
    assert_eq!(rest, clean.iter().collect::<Vec<_>>());
    std::fs::write(addons.join("default"), scheduler(false)).expect("rewrite addons");
    assert_eq!(check(home.path()), clean);
}

#[test]
fn kops_s_own_additional_objects_test_cluster_is_accepted_and_a_kubeconfig_is_not() {
    let Some(root) = std::env::var_os("STATELINT_CORPUS") else {
        common::skip_without_corpus("the additional objects of kops's integration test");
        return;
    };
    let path = Path::new(&root).join("kops-integration/additionalobjects.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let home = TempDir::new().expect("tempdir");
    let as_kops_wrote_it = text.clone();
    let with_kubeconfig = text.replacen(
        "clientConnection:\n",
        "clientConnection:\n  kubeconfig: /etc/kubernetes/scheduler.conf\n",
        1,
    );
    assert_ne!(
        with_kubeconfig, text,
        "the corpus file has no clientConnection"
    );
    for (manifest, expected) in [(as_kops_wrote_it, 0), (with_kubeconfig, 1)] {
        std::fs::write(home.path().join("c.yaml"), manifest).expect("write");
        let (_, stdout, _) =
            run(statelint(home.path()).args(["check", "c.yaml", "--format", "json"]));
        let found = findings(&stdout);
        assert_eq!(sl152(&found).len(), expected, "{found:?}");
        assert!(!found.iter().any(|(c, _, _)| c == "SL077"), "{found:?}");
    }
}
