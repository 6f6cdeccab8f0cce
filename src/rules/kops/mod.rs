//! kops's own validation (`pkg/apis/kops/validation/` at [`version::KOPS_COMMIT`]), ported.
//!
//! Checks that share a shape (allowed values, a field forbidden when another is set, a
//! field required with another, a CIDR inside a range, unique names, a format) are rows of
//! static tables read by one [`engine`]; each row names its code, its v1alpha2 JSON pointer,
//! the kops file and function it mirrors and the kops release it applies from. Checks with
//! real logic stay one rule per file under `src/rules/`.
//!
//! ## Adding a table
//! 1. Write `src/rules/kops/<area>.rs` with its codes (`code!`, a doc page per code under
//!    `docs/codes/`), `pub static CODES: &[&CodeInfo]` and `pub static CHECKS: &[Check]`.
//! 2. Add `mod <area>;` below and one line each to [`TABLES`] and [`codes`].
//! 3. Add cases under `tests/fixtures/kops/` (one invalid value from kops's own test that
//!    must be found, one accepted value that must stay clean); `tests/kops_validation.rs`
//!    runs them all.
//!
//! Instance-group tables go in `instancegroup*.rs` with [`engine::Target::InstanceGroup`].

pub mod additional_objects;
pub mod cloud;
pub mod cluster_update;
pub mod engine;
pub mod parity;
pub mod store_version;
pub mod version;

mod addons;
mod api;
mod aws_settings;
mod cloud_settings;
mod cni;
mod components;
mod etcd;
mod group_role;
mod iam;
mod instancegroup;
mod naming;
mod network;
mod runtime;
mod stores;

use crate::findings::{CodeInfo, Finding};

use super::ClusterContext;
use engine::Check;

/// Every table the engine reads. Registering a table is one line here.
pub static TABLES: &[&[Check]] = &[
    cloud_settings::CHECKS,
    network::CHECKS,
    network::RANGE_CHECKS,
    group_role::CHECKS,
    etcd::CHECKS,
    naming::CHECKS,
    api::CHECKS,
    instancegroup::CHECKS,
    cni::CHECKS,
    components::CHECKS,
    components::KUBELET_CHECKS,
    components::CLOUD_CHECKS,
    addons::CHECKS,
    runtime::CHECKS,
    runtime::GROUP_CHECKS,
    iam::CHECKS,
    stores::CHECKS,
    aws_settings::CHECKS,
];

/// The codes the tables report, in code order.
pub fn codes() -> Vec<&'static CodeInfo> {
    let mut all: Vec<&'static CodeInfo> = Vec::new();
    for table in [
        cloud_settings::CODES,
        network::CODES,
        network::RANGE_CODES,
        group_role::CODES,
        etcd::CODES,
        naming::CODES,
        api::CODES,
        instancegroup::CODES,
        cni::CODES,
        components::CODES,
        addons::CODES,
        runtime::CODES,
        iam::CODES,
        stores::CODES,
        aws_settings::CODES,
    ] {
        all.extend_from_slice(table);
    }
    all.sort_by_key(|c| c.code);
    all
}

/// Runs every table row on one cluster.
pub fn check(cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
    engine::run(TABLES, cx, None, out);
}

/// Runs only the rows reporting `code` (fixture tests run one code alone).
pub fn check_code(code: &str, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
    engine::run(TABLES, cx, Some(code), out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_row_reports_a_listed_code_and_names_kops() {
        let listed: HashSet<&str> = codes().iter().map(|c| c.code).collect();
        for check in TABLES.iter().flat_map(|t| t.iter()) {
            assert!(
                listed.contains(check.info.code),
                "{} not listed",
                check.info.code
            );
            assert!(check.kops.file.starts_with("pkg/"), "{}", check.pointer);
            assert!(!check.kops.function.is_empty() && !check.help.is_empty());
            assert!(check.pointer.starts_with('/'), "{}", check.pointer);
            assert!(
                check.info.doc.contains(check.kops.function),
                "{}'s doc does not name `{}`",
                check.info.code,
                check.kops.function
            );
            let file = check.kops.file.rsplit('/').next().unwrap_or_default();
            assert!(
                check.info.doc.contains(file),
                "{}'s doc does not name `{file}` (for `{}`)",
                check.info.code,
                check.kops.function
            );
        }
        let used: HashSet<&str> = TABLES
            .iter()
            .flat_map(|t| t.iter())
            .map(|c| c.info.code)
            .collect();
        assert_eq!(used, listed, "a listed code has no row");
    }

    /// The schema node `pointer` names, `*` standing for every item or mapping key.
    fn schema_at<'a>(
        schema: &'a serde_json::Value,
        pointer: &str,
    ) -> Option<&'a serde_json::Value> {
        let mut node = schema;
        for segment in pointer.split('/').skip(1) {
            let segment = segment.replace("~1", "/").replace("~0", "~");
            node = match (node.get("properties"), node.get("items")) {
                (Some(props), _) if props.get(&segment).is_some() => &props[&segment],
                (_, Some(items)) if segment == "*" || segment.parse::<usize>().is_ok() => items,
                _ => node.get("additionalProperties").filter(|v| v.is_object())?,
            };
        }
        Some(node)
    }

    /// Every field a row reads exists in the v1alpha2 schema kops stores: a row on a key no
    /// stored cluster has (an internal or v1alpha3 name) could never fire.
    #[test]
    fn every_row_reads_a_field_of_the_stored_schema() {
        use crate::schema::Kind;
        let parse = |kind: Kind| -> serde_json::Value {
            serde_json::from_str(kind.schema_text()).unwrap_or_default()
        };
        let (cluster, group) = (parse(Kind::Cluster), parse(Kind::InstanceGroup));
        let missing: Vec<String> = TABLES
            .iter()
            .flat_map(|t| t.iter())
            .filter(|check| {
                let schema = match check.target {
                    engine::Target::Cluster => &cluster,
                    engine::Target::InstanceGroup => &group,
                };
                schema_at(schema, check.pointer).is_none()
            })
            .map(|check| format!("{} {}", check.info.code, check.pointer))
            .collect();
        assert!(
            missing.is_empty(),
            "not in the schema:\n{}",
            missing.join("\n")
        );
    }
}
