//! Semantic rules (SL1xx) over one cluster: its `config` document and its instance groups.
//!
//! One rule = one file holding its [`CodeInfo`] (with the doc `statelint explain` prints),
//! its typed finding constructors, its check and its unit tests. Registration is one line
//! in [`RULES`].

use std::path::Path;

use crate::codes::CodeInfo;
use crate::document::Document;
use crate::findings::Finding;
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

/// Every registered rule, in code order.
pub static RULES: &[&dyn Rule] = &[];

/// The codes of the registered rules.
pub static CODES: &[&CodeInfo] = &[];

/// Runs every rule on one cluster; findings carry the cluster name.
pub fn check_cluster(cx: &ClusterContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        rule.check(cx, &mut out);
    }
    for f in &mut out {
        if f.cluster.is_none() {
            f.cluster = Some(cx.name.to_string());
        }
    }
    out
}
