//! Edge cases that the rule fixtures miss: each test here was written against a deliberate
//! one-line bug (a "mutant") that the rest of the suite let through, and fails on it.

#[path = "common/fixture.rs"]
mod fixture;

use fixture::{describe, load, run_code};
use statelint::findings::{Finding, Severity};
use statelint::rules;
use statelint::source::SourceDb;

/// A cluster kops accepts, with `configBase`, the subnets and the `main` etcd members
/// replaced by the caller's YAML.
fn cluster(config_base: &str, subnets: &str, main_members: &str) -> String {
    format!(
        "apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata:
  name: c.example.com
spec:
  cloudProvider: aws
  configBase: {config_base}
  kubernetesVersion: 1.30.2
  networkCIDR: 172.20.0.0/16
  nonMasqueradeCIDR: 100.64.0.0/10
  etcdClusters:
  - name: main
    etcdMembers:{main_members}
  - name: events
    etcdMembers:
    - instanceGroup: control-plane-us-east-1a
      name: a
  subnets:{subnets}
---
apiVersion: kops.k8s.io/v1alpha2
kind: InstanceGroup
metadata:
  name: control-plane-us-east-1a
spec:
  role: ControlPlane
  machineType: t3.medium
  minSize: 1
  maxSize: 1
  subnets:
  - us-east-1a
"
    )
}

const ONE_MEMBER: &str = "
    - instanceGroup: control-plane-us-east-1a
      name: a";

/// Two public subnets with the given CIDRs, in zones us-east-1a and us-east-1b.
fn two_subnets(first: &str, second: &str) -> String {
    [("us-east-1a", first), ("us-east-1b", second)]
        .iter()
        .map(|(zone, cidr)| {
            format!("\n  - name: {zone}\n    cidr: {cidr}\n    type: Public\n    zone: {zone}")
        })
        .collect()
}

/// The subnets of a cluster kops accepts.
fn distinct_subnets() -> String {
    two_subnets("172.20.32.0/19", "172.20.64.0/19")
}

fn findings(code: &str, store: &str, text: &str) -> Vec<Finding> {
    run_code(code, &load(text, store, "c.example.com", &SourceDb::new()))
}

fn all_codes(store: &str, text: &str) -> Vec<&'static str> {
    let loaded = load(text, store, "c.example.com", &SourceDb::new());
    rules::check_cluster(&loaded.context())
        .into_iter()
        .map(|f| f.code)
        .collect()
}

fn show(found: &[Finding]) -> String {
    found.iter().map(describe).collect()
}

#[test]
fn sl101_sees_another_prefix_in_the_same_bucket() {
    let text = cluster(
        "s3://kops-state/old/c.example.com",
        &distinct_subnets(),
        ONE_MEMBER,
    );
    let found = findings("SL101", "s3://kops-state", &text);
    assert_eq!(found.len(), 1, "{}", show(&found));
    assert!(found[0]
        .message
        .contains("s3://kops-state/old/c.example.com"));
    // The same bucket and prefix is no finding.
    let text = cluster(
        "s3://kops-state/new/c.example.com",
        &distinct_subnets(),
        ONE_MEMBER,
    );
    let found = findings("SL101", "s3://kops-state/new", &text);
    assert!(found.is_empty(), "{}", show(&found));
}

#[test]
fn sl101_in_a_local_copy_is_a_warning_and_remote_stores_an_error() {
    let dir = std::env::temp_dir().join("statelint-rule-edges-local");
    let store = format!("file://{}", dir.display());
    let text = cluster(
        "s3://kops-state/c.example.com",
        &distinct_subnets(),
        ONE_MEMBER,
    );
    let found = findings("SL101", &store, &text);
    assert_eq!(found.len(), 1, "{}", show(&found));
    assert_eq!(found[0].severity, Severity::Warning, "{}", show(&found));
    let text = cluster(
        "s3://old-kops-state/c.example.com",
        &distinct_subnets(),
        ONE_MEMBER,
    );
    let found = findings("SL101", "s3://kops-state", &text);
    assert_eq!(found.len(), 1, "{}", show(&found));
    assert_eq!(found[0].severity, Severity::Error, "{}", show(&found));
    // A local store whose configBase names another local folder is no copy of a bucket:
    // kops would read that other folder, an error.
    let text = cluster(
        &format!("{store}-old/c.example.com"),
        &distinct_subnets(),
        ONE_MEMBER,
    );
    let found = findings("SL101", &store, &text);
    assert_eq!(found.len(), 1, "{}", show(&found));
    assert_eq!(found[0].severity, Severity::Error, "{}", show(&found));
}

#[test]
fn another_kind_of_store_is_sl110_alone() {
    let text = cluster(
        "gs://kops-state/c.example.com",
        &distinct_subnets(),
        ONE_MEMBER,
    );
    let codes = all_codes("s3://kops-state", &text);
    assert!(codes.contains(&"SL110"), "{codes:?}");
    assert!(!codes.contains(&"SL101"), "{codes:?}");
}

#[test]
fn sl104_sees_a_later_subnet_that_contains_an_earlier_one() {
    let subnets = two_subnets("172.20.96.0/19", "172.20.64.0/18");
    let text = cluster("s3://kops-state/c.example.com", &subnets, ONE_MEMBER);
    let found = findings("SL104", "s3://kops-state", &text);
    assert_eq!(found.len(), 1, "{}", show(&found));
    assert_eq!(found[0].pointer.as_deref(), Some("/spec/subnets/1/cidr"));
    // And the other way round.
    let subnets = two_subnets("172.20.64.0/18", "172.20.96.0/19");
    let text = cluster("s3://kops-state/c.example.com", &subnets, ONE_MEMBER);
    assert_eq!(findings("SL104", "s3://kops-state", &text).len(), 1);
}

#[test]
fn sl107_reports_an_empty_member_list_without_panicking() {
    let text = cluster("s3://kops-state/c.example.com", &distinct_subnets(), " []");
    let found = findings("SL107", "s3://kops-state", &text);
    assert_eq!(found.len(), 1, "{}", show(&found));
    assert!(
        found[0].message.contains("`main` has no members"),
        "{}",
        show(&found)
    );
    // The whole rule set survives it too.
    let codes = all_codes("s3://kops-state", &text);
    assert!(codes.contains(&"SL107"), "{codes:?}");
}

#[test]
fn sl115_advice_gives_each_cluster_range_its_own_example() {
    let base = cluster(
        "s3://kops-state/c.example.com",
        &distinct_subnets(),
        ONE_MEMBER,
    );
    for (field, example) in [
        ("networkCIDR: 172.20.0.0/16", "172.20.0.0/16"),
        ("nonMasqueradeCIDR: 100.64.0.0/10", "100.64.0.0/10"),
    ] {
        let (key, _) = field.split_once(": ").expect("key: value");
        let text = base.replace(field, &format!("{key}: not-a-range"));
        let found = findings("SL115", "s3://kops-state", &text);
        assert_eq!(found.len(), 1, "{key}: {}", show(&found));
        let help = found[0].help.as_deref().unwrap_or("");
        assert!(help.contains(&format!("e.g. `{example}`")), "{key}: {help}");
    }
    let text = base.replace(
        "  networkCIDR: 172.20.0.0/16\n",
        "  networkCIDR: 172.20.0.0/16\n  serviceClusterIPRange: 100.64.0.0/33\n",
    );
    let found = findings("SL115", "s3://kops-state", &text);
    assert_eq!(found.len(), 1, "{}", show(&found));
    assert!(
        found[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("e.g. `100.64.0.0/13`"),
        "{}",
        show(&found)
    );
    // An additional network range must lie outside the network: its example is no subnet
    // of networkCIDR, unlike a subnet's.
    let text = base.replace(
        "  networkCIDR: 172.20.0.0/16\n",
        "  networkCIDR: 172.20.0.0/16\n  additionalNetworkCIDRs:\n  - not-a-range\n",
    );
    let found = findings("SL115", "s3://kops-state", &text);
    assert_eq!(found.len(), 1, "{}", show(&found));
    let help = found[0].help.as_deref().unwrap_or("");
    assert!(help.contains("e.g. `10.1.0.0/16`"), "{help}");
    // A subnet's example is the first /19 of the cluster's own network.
    let text = cluster(
        "s3://kops-state/c.example.com",
        &two_subnets("not-a-range", "172.20.64.0/19"),
        ONE_MEMBER,
    );
    let found = findings("SL115", "s3://kops-state", &text);
    assert_eq!(found.len(), 1, "{}", show(&found));
    let help = found[0].help.as_deref().unwrap_or("");
    assert!(help.contains("e.g. `172.20.0.0/19`"), "{help}");
    // In a network smaller than a /16 the example is three bits longer than the network.
    let small = text.replace("networkCIDR: 172.20.0.0/16", "networkCIDR: 10.0.0.0/20");
    assert_ne!(small, text);
    let found = findings("SL115", "s3://kops-state", &small);
    let help = found
        .iter()
        .find(|f| f.pointer.as_deref().is_some_and(|p| p.contains("/cidr")))
        .and_then(|f| f.help.as_deref())
        .unwrap_or("");
    assert!(help.contains("e.g. `10.0.0.0/23`"), "{}", show(&found));
}

#[test]
fn sl109_names_what_yaml_made_of_a_version_that_is_no_string() {
    let base = cluster(
        "s3://kops-state/c.example.com",
        &distinct_subnets(),
        ONE_MEMBER,
    );
    for (written, kind) in [
        ("1.30", "the number"),
        ("true", "the boolean"),
        ("[1, 30]", "the list"),
        ("{major: 1}", "the mapping"),
    ] {
        let text = base.replace(
            "kubernetesVersion: 1.30.2",
            &format!("kubernetesVersion: {written}"),
        );
        let found = findings("SL109", "s3://kops-state", &text);
        assert_eq!(found.len(), 1, "{written}: {}", show(&found));
        assert!(
            found[0].message.contains(&format!("YAML reads as {kind} ")),
            "{written}: {}",
            found[0].message
        );
    }
}
