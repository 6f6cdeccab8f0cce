//! Semantic rules (SL1xx) over one cluster: its `config` document and its instance groups.
//!
//! One rule = one file holding its [`CodeInfo`] (with the doc `statelint explain` prints),
//! its typed finding constructors, its check and its unit tests. Registration is one line
//! in [`RULES`].

mod cluster_name_mismatch;
mod config_base_mismatch;
mod config_base_scheme_mismatch;
mod control_plane_etcd_member;
mod etcd_cluster_names;
mod etcd_member_count;
mod etcd_member_unknown_group;
mod ig_name_mismatch;
mod ig_unknown_subnet;
mod ig_unknown_zone;
mod instance_group_size;
mod invalid_cidr;
mod kubernetes_version;
mod missing_role_groups;
mod subnet_outside_network;
mod subnet_overlap;
pub mod support;

use std::path::Path;

use crate::document::Document;
use crate::findings::{CodeInfo, Finding};
use crate::resolve::url::StoreUrl;

/// One instance group as found in the store.
#[derive(Debug, Clone)]
pub struct InstanceGroup {
    /// The file name under `instancegroup/`.
    pub file_name: String,
    pub doc: Document,
}

/// What a rule sees of one cluster.
#[derive(Debug, Clone, Copy)]
pub struct ClusterContext<'a> {
    /// The cluster's folder name in the store (kops's cluster name).
    pub name: &'a str,
    /// The store root.
    pub store: &'a StoreUrl,
    /// Working directory for resolving relative local paths.
    pub cwd: Option<&'a Path>,
    /// The `config` (or legacy `cluster.spec`) document.
    pub cluster: &'a Document,
    pub instance_groups: &'a [InstanceGroup],
}

impl ClusterContext<'_> {
    /// Where this cluster's files really are: `<store>/<name>`.
    pub fn cluster_url(&self) -> StoreUrl {
        self.store.join(self.name)
    }
}

/// A semantic check over one cluster.
pub trait Rule: Sync + Send {
    fn info(&self) -> &'static CodeInfo;
    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>);
}

/// Every registered rule, in code order. Registering a rule is one line here.
pub static RULES: &[&dyn Rule] = &[
    &config_base_mismatch::RULE,
    &cluster_name_mismatch::RULE,
    &subnet_outside_network::RULE,
    &subnet_overlap::RULE,
    &ig_unknown_subnet::RULE,
    &ig_unknown_zone::RULE,
    &etcd_member_count::RULE,
    &etcd_member_unknown_group::RULE,
    &kubernetes_version::RULE,
    &config_base_scheme_mismatch::RULE,
    &ig_name_mismatch::RULE,
    &control_plane_etcd_member::RULE,
    &missing_role_groups::RULE,
    &instance_group_size::RULE,
    &invalid_cidr::RULE,
    &etcd_cluster_names::RULE,
];

/// The codes of the registered rules.
pub static CODES: &[&CodeInfo] = &[
    &config_base_mismatch::INFO,
    &cluster_name_mismatch::INFO,
    &subnet_outside_network::INFO,
    &subnet_overlap::INFO,
    &ig_unknown_subnet::INFO,
    &ig_unknown_zone::INFO,
    &etcd_member_count::INFO,
    &etcd_member_unknown_group::INFO,
    &kubernetes_version::INFO,
    &config_base_scheme_mismatch::INFO,
    &ig_name_mismatch::INFO,
    &control_plane_etcd_member::INFO,
    &missing_role_groups::INFO,
    &instance_group_size::INFO,
    &invalid_cidr::INFO,
    &etcd_cluster_names::INFO,
];

/// The rule with this code, for running one rule alone (fixture tests).
pub fn by_code(code: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.info().code == code)
}

/// Runs every rule on one cluster; findings carry the cluster name.
pub fn check_cluster(cx: &ClusterContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        rule.check(cx, &mut out);
    }
    // The IAM statements of `spec.additionalPolicies` get the policy lint (SL3xx).
    out.extend(crate::policy::lint::cluster_spec::lint_additional_policies(
        cx.cluster,
    ));
    for f in &mut out {
        if f.cluster.is_none() {
            f.cluster = Some(cx.name.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_and_codes_agree_and_are_in_code_order() {
        let from_rules: Vec<_> = RULES.iter().map(|r| r.info().code).collect();
        let codes: Vec<_> = CODES.iter().map(|c| c.code).collect();
        assert_eq!(from_rules, codes);
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        let mut unique = sorted.clone();
        unique.dedup();
        assert_eq!(sorted.len(), unique.len(), "duplicate code");
        assert!(codes.iter().all(|c| c.starts_with("SL1")));
    }
}
