//! SL176: a cloud label kops reserves for itself. Mirrors kops's `validateIGCloudLabels`
//! (`instancegroup.go`) and `validateCloudLabels` (`cluster.go`).

use serde_json::Value;

use crate::findings::{code, Finding};
use crate::rules::support::ig_name;
use crate::rules::{ClusterContext, InstanceGroup};

use super::{escape, finding, finding_at_key, GroupRule};

code!(
    INFO,
    "SL176",
    "reserved-cloud-label",
    Error,
    "an instance group's `cloudLabels` uses a key kops reserves"
);

/// Tags kops writes itself.
pub const RESERVED_KEYS: &[&str] = &["Name", "KubernetesCluster"];
pub const RESERVED_PREFIXES: &[&str] = &["kubernetes.io/cluster/", "k8s.io/role/", "kops.k8s.io/"];
/// The one reserved key a group may set, to its own name.
pub const INSTANCE_GROUP_TAG: &str = "kops.k8s.io/instancegroup";

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    let Some(labels) = ig.doc.get("/spec/cloudLabels").and_then(Value::as_object) else {
        return;
    };
    let name = ig_name(ig);
    for (key, value) in labels {
        let pointer = format!("/spec/cloudLabels/{}", escape(key));
        if key == INSTANCE_GROUP_TAG {
            let value = value.as_str().unwrap_or_default();
            if value != name {
                out.push(finding(
                    &INFO,
                    ig,
                    &pointer,
                    format_args!(
                        "sets cloud label `{key}: {value}`, which must be the group's own name"
                    ),
                    format!("set it to `{name}` or delete it (kops sets it)"),
                ));
            }
        } else if RESERVED_KEYS.contains(&key.as_str()) {
            out.push(finding_at_key(
                &INFO,
                ig,
                &pointer,
                format_args!("sets cloud label `{key}`, a tag kops reserves"),
                "rename the label; kops sets this tag itself",
            ));
        } else if let Some(prefix) = RESERVED_PREFIXES.iter().find(|p| key.starts_with(**p)) {
            out.push(finding_at_key(
                &INFO,
                ig,
                &pointer,
                format_args!("sets cloud label `{key}`, under the prefix `{prefix}` kops reserves"),
                "use a key outside kops's prefixes (`kubernetes.io/cluster/`, `k8s.io/role/`, `kops.k8s.io/`)",
            ));
        }
    }
}
