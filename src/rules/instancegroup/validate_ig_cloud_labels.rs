//! SL176: a cloud label kops reserves for itself, on the cluster or an instance group.
//! Mirrors kops's `validateIGCloudLabels` (`instancegroup.go`), `validateClusterCloudLabels`
//! and `validateCloudLabels` (`cluster.go`).

use serde_json::Value;

use crate::document::Document;
use crate::findings::{code, CodeInfo, Finding};
use crate::rules::support::{at, at_key, ig_name};
use crate::rules::{ClusterContext, Rule};

use super::escape;

code!(
    INFO,
    "SL176",
    "reserved-cloud-label",
    Error,
    "the cluster's or an instance group's `cloudLabels` uses a key kops reserves"
);

/// Tags kops writes itself.
pub const RESERVED_KEYS: &[&str] = &["Name", "KubernetesCluster"];
pub const RESERVED_PREFIXES: &[&str] = &["kubernetes.io/cluster/", "k8s.io/role/", "kops.k8s.io/"];
/// The one reserved key a group may set, to its own name.
pub const INSTANCE_GROUP_TAG: &str = "kops.k8s.io/instancegroup";

pub struct ValidateCloudLabels;

pub static RULE: ValidateCloudLabels = ValidateCloudLabels;

/// Why kops refuses `key` as a custom label (`validateCloudLabels`), if it does.
pub fn reserved(key: &str) -> Option<String> {
    if RESERVED_KEYS.contains(&key) {
        return Some("a tag kops reserves".to_string());
    }
    RESERVED_PREFIXES
        .iter()
        .find(|p| key.starts_with(**p))
        .map(|p| format!("under the prefix `{p}` kops reserves"))
}

/// Checks `spec.cloudLabels` of `doc`; `group` is the instance group's name, whose own
/// tag may be set to that name.
fn check_labels(doc: &Document, owner: &str, group: Option<&str>, out: &mut Vec<Finding>) {
    let Some(labels) = doc.get("/spec/cloudLabels").and_then(Value::as_object) else {
        return;
    };
    for (key, value) in labels {
        let pointer = format!("/spec/cloudLabels/{}", escape(key));
        if let (Some(name), true) = (group, key == INSTANCE_GROUP_TAG) {
            let value = value.as_str().unwrap_or_default();
            if value != name {
                out.push(
                    at(
                        &INFO,
                        doc,
                        &pointer,
                        format!("{owner} sets cloud label `{key}: {value}`, which must be the group's own name"),
                    )
                    .with_help(format!("set it to `{name}` or delete it (kops sets it)")),
                );
            }
        } else if let Some(why) = reserved(key) {
            out.push(
                at_key(
                    &INFO,
                    doc,
                    &pointer,
                    format!("{owner} sets cloud label `{key}`, {why}"),
                )
                .with_help("rename the label: kops sets `Name`, `KubernetesCluster` and the `kubernetes.io/cluster/`, `k8s.io/role/` and `kops.k8s.io/` tags itself"),
            );
        }
    }
}

impl Rule for ValidateCloudLabels {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        check_labels(cx.cluster, &format!("cluster `{}`", cx.name), None, out);
        for ig in cx.instance_groups {
            let name = ig_name(ig);
            let owner = format!("instance group `{name}`");
            check_labels(&ig.doc, &owner, Some(name), out);
        }
    }
}
