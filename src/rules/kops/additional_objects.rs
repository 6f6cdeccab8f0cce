//! SL152: the additional objects kops keeps beside a cluster (`kops create -f` files may carry
//! more documents than the Cluster and its InstanceGroups; kops stores them in
//! `<cluster>/clusteraddons/default` and validates each with `ValidateAdditionalObject` in
//! `pkg/apis/kops/validation/additionalobjects.go` at the pinned commit, from
//! `vfsAddonsClient.Replace` in `pkg/client/simple/vfsclientset/addons.go`).
//!
//! kops validates one kind today: a `KubeSchedulerConfiguration` of the group
//! `kubescheduler.config.k8s.io` must not set `clientConnection.kubeconfig`, which kops
//! controls (`validateAdditionalObjectKubescheduler`).

use serde_json::Value;

use crate::document::Document;
use crate::findings::{code, CodeInfo, Finding, Location};
use crate::source::SourceDb;
use crate::yaml;

code!(
    ADDITIONAL_OBJECT,
    "SL152",
    "additional-object-setting",
    Error,
    "an additional object stored with the cluster sets a field kops controls (a `KubeSchedulerConfiguration`'s `clientConnection.kubeconfig`)"
);

pub static CODES: &[&CodeInfo] = &[&ADDITIONAL_OBJECT];

/// The store object (relative to the cluster's folder) where kops keeps them.
pub const STORE_KEY: &str = "clusteraddons/default";

const SCHEDULER_GROUP: &str = "kubescheduler.config.k8s.io";
const KUBECONFIG: &str = "/clientConnection/kubeconfig";

/// Whether kops validates documents of this kind and group (so a reader of manifests
/// checks it rather than skipping it).
pub fn is_validated(doc: &Document) -> bool {
    doc.str_at("/kind") == Some("KubeSchedulerConfiguration")
        && doc
            .str_at("/apiVersion")
            .and_then(|v| v.split_once('/'))
            .is_some_and(|(group, _)| group == SCHEDULER_GROUP)
}

/// The findings kops's `ValidateAdditionalObject` makes on one document, of `cluster` when
/// known (a store's object is; a manifest file's document is placed by its file).
pub fn check(doc: &Document, cluster: Option<&str>) -> Vec<Finding> {
    if !is_validated(doc) {
        return Vec::new();
    }
    let whose = cluster.map_or(String::new(), |c| format!(" stored with cluster `{c}`"));
    let found = |message: String, help: &str| {
        let f = Finding::new(&ADDITIONAL_OBJECT, message, doc.location(KUBECONFIG))
            .with_pointer(KUBECONFIG)
            .with_help(help);
        vec![match cluster {
            Some(c) => f.with_cluster(c),
            None => f,
        }]
    };
    match doc.get(KUBECONFIG) {
        Some(Value::String(path)) if !path.is_empty() => found(
            format!(
                "`clientConnection.kubeconfig` of the KubeSchedulerConfiguration{whose} is `{path}`; kops sets the scheduler's kubeconfig itself"
            ),
            "remove `clientConnection.kubeconfig` and keep the other scheduler settings",
        ),
        // kops reads the field as a string and refuses any other type.
        Some(other) if !other.is_null() && !other.is_string() => found(
            format!(
                "`clientConnection.kubeconfig` of the KubeSchedulerConfiguration{whose} is not a string"
            ),
            "remove `clientConnection.kubeconfig`; kops sets it",
        ),
        _ => Vec::new(),
    }
}

/// Checks the text of a `clusteraddons/default` object read from `url`: every document of
/// a kind kops validates. A text that is not YAML is reported as kops would fail to load it.
pub fn check_stored(url: &str, text: String, cluster: &str, sources: &SourceDb) -> Vec<Finding> {
    let id = sources.add(url.to_string(), text);
    let Some(file) = sources.get(id) else {
        return Vec::new();
    };
    let docs = match yaml::load(&file, yaml::Limits::default()) {
        Ok(docs) => docs,
        Err(e) => {
            let at = Location::File {
                file: id,
                url: url.to_string(),
                span: e.span(),
            };
            return vec![crate::store::diags::yaml_error(cluster, at, &e)];
        }
    };
    docs.into_iter()
        .filter(|d| !d.value.is_null())
        .flat_map(|d| {
            let doc = Document {
                file: id,
                source: file.clone(),
                value: d.value,
                index: d.index,
            };
            check(&doc, Some(cluster))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(text: &str) -> Vec<Finding> {
        check_stored(
            "memfs://s/c/clusteraddons/default",
            text.to_string(),
            "c",
            &SourceDb::new(),
        )
    }

    #[test]
    fn a_scheduler_kubeconfig_is_refused_and_other_settings_pass() {
        let bad = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nclientConnection:\n  kubeconfig: /etc/kubernetes/scheduler.conf\n  qps: 3.1\n";
        let found = findings(bad);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "SL152");
        assert_eq!(found[0].pointer.as_deref(), Some(KUBECONFIG));
        assert!(found[0].message.contains("/etc/kubernetes/scheduler.conf"));
        let good = "apiVersion: kubescheduler.config.k8s.io/v1beta2\nkind: KubeSchedulerConfiguration\nclientConnection:\n  burst: 100\n  qps: 3.1\n";
        assert!(findings(good).is_empty());
        // Another group's kind of the same name is not kops's business.
        let other = bad.replace("kubescheduler.config.k8s.io", "example.com");
        assert!(findings(&other).is_empty());
        // An empty kubeconfig is what kops accepts as "not set".
        assert!(findings(&bad.replace("/etc/kubernetes/scheduler.conf", "\"\"")).is_empty());
        // kops decodes the field as a string: a number or a mapping fails, null is unset.
        for other in ["42", "{path: x}"] {
            let found = findings(&bad.replace("/etc/kubernetes/scheduler.conf", other));
            assert_eq!(found.len(), 1, "{other}");
            assert!(found[0].message.contains("is not a string"), "{other}");
        }
        assert!(findings(&bad.replace("/etc/kubernetes/scheduler.conf", "null")).is_empty());
    }

    #[test]
    fn every_document_of_the_object_is_read() {
        let two = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nclientConnection:\n  kubeconfig: k\n";
        let found = findings(two);
        assert_eq!(found.len(), 1);
        assert!(matches!(found[0].location, Location::File { .. }));
    }
}
