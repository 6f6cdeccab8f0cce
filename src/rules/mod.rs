//! Semantic rules (SL1xx) over one cluster: its `config` document and its instance groups.
//!
//! One rule = one file holding its [`CodeInfo`] (with the doc `statelint explain` prints),
//! its typed finding constructors, its check and its unit tests. Registration is one line
//! in [`RULES`]. kops's own checks that share a shape are table rows under [`kops`].

mod cluster_name_mismatch;
mod config_base_mismatch;
mod config_base_scheme_mismatch;
mod control_plane_etcd_member;
mod etcd_cluster_names;
mod etcd_member_count;
mod etcd_member_unknown_group;
pub mod go_duration;
mod ig_name_mismatch;
mod ig_unknown_subnet;
mod ig_unknown_zone;
mod instance_group_size;
mod instancegroup;
mod invalid_cidr;
pub mod kops;
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
    /// The kops release the cluster is judged by (version-gated rules consult it).
    pub kops_version: &'a kops::version::KopsVersion,
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
    &instancegroup::aws_validate_instance_type::RULE,
    &instancegroup::validate_control_plane_size::RULE,
    &instancegroup::validate_control_plane_subnets::RULE,
    &instancegroup::parse_taint::RULE,
    &instancegroup::duplicate_taint::RULE,
    &instancegroup::validate_node_labels::RULE,
    &instancegroup::validate_ig_cloud_labels::RULE,
    &instancegroup::validate_rolling_update::RULE,
    &instancegroup::validate_root_volume::RULE,
    &instancegroup::validate_instance_profile::RULE,
    &instancegroup::validate_extra_user_data::RULE,
    &instancegroup::validate_volume_spec::RULE,
    &instancegroup::validate_volume_mount_spec::RULE,
    &instancegroup::validate_external_load_balancer::RULE,
    &instancegroup::validate_sysctl_parameters::RULE,
    &instancegroup::validate_warm_pool::RULE,
    &instancegroup::validate_karpenter_instance_group::RULE,
    &instancegroup::aws_validate_mixed_instances_policy::RULE,
    &instancegroup::aws_validate_instance_metadata::RULE,
    &instancegroup::aws_validate_maximum_instance_lifetime::RULE,
    &instancegroup::aws_validate_additional_security_groups::RULE,
    &instancegroup::validate_api_server_role::RULE,
    &instancegroup::validate_gvisor_role::RULE,
    &instancegroup::validate_hook_spec::RULE,
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
    &instancegroup::aws_validate_instance_type::INFO,
    &instancegroup::validate_control_plane_size::INFO,
    &instancegroup::validate_control_plane_subnets::INFO,
    &instancegroup::parse_taint::INFO,
    &instancegroup::duplicate_taint::INFO,
    &instancegroup::validate_node_labels::INFO,
    &instancegroup::validate_ig_cloud_labels::INFO,
    &instancegroup::validate_rolling_update::INFO,
    &instancegroup::validate_root_volume::INFO,
    &instancegroup::validate_instance_profile::INFO,
    &instancegroup::validate_extra_user_data::INFO,
    &instancegroup::validate_volume_spec::INFO,
    &instancegroup::validate_volume_mount_spec::INFO,
    &instancegroup::validate_external_load_balancer::INFO,
    &instancegroup::validate_sysctl_parameters::INFO,
    &instancegroup::validate_warm_pool::INFO,
    &instancegroup::validate_karpenter_instance_group::INFO,
    &instancegroup::aws_validate_mixed_instances_policy::INFO,
    &instancegroup::aws_validate_instance_metadata::INFO,
    &instancegroup::aws_validate_maximum_instance_lifetime::INFO,
    &instancegroup::aws_validate_additional_security_groups::INFO,
    &instancegroup::validate_api_server_role::INFO,
    &instancegroup::validate_gvisor_role::INFO,
    &instancegroup::validate_hook_spec::INFO,
];

/// The rule with this code, for running one rule alone (fixture tests).
pub fn by_code(code: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.info().code == code)
}

/// Runs only the checks reporting `code` (a rule file or table rows), for fixture tests.
pub fn check_code(code: &str, cx: &ClusterContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(rule) = by_code(code) {
        rule.check(cx, &mut out);
    }
    kops::check_code(code, cx, &mut out);
    out
}

/// Runs every rule and every kops table on one cluster; findings carry the cluster name.
pub fn check_cluster(cx: &ClusterContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        rule.check(cx, &mut out);
    }
    kops::check(cx, &mut out);
    // The IAM policies of the spec (`additionalPolicies`, service-account `inlinePolicy`)
    // get the policy lint (SL3xx).
    out.extend(crate::policy::lint::cluster_spec::lint_cluster_policies(
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
